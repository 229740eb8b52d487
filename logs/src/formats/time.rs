//! Timestamp parsing for the log formats, without a format-string interpreter on the hot path.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime};

/// Microseconds since the epoch for a UTC civil time.
pub fn micros(
    year: i32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    micro: u32,
) -> Option<i64> {
    Some(
        NaiveDate::from_ymd_opt(year, month, day)?
            .and_hms_micro_opt(hour, minute, second, micro)?
            .and_utc()
            .timestamp_micros(),
    )
}

/// `Jan`..`Dec` to 1..12.
pub fn month(name: &[u8]) -> Option<u32> {
    const MONTHS: [&[u8; 3]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
        b"Dec",
    ];
    MONTHS
        .iter()
        .position(|m| m[..] == *name)
        .map(|i| i as u32 + 1)
}

/// Digits to a number; `None` unless every byte is a digit.
pub fn number(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() || digits.len() > 9 {
        return None;
    }
    digits.iter().try_fold(0u32, |n, &d| {
        d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
    })
}

/// `HH:MM:SS` with an optional fraction (`.123` to `.123456789`): seconds of day and micros.
fn clock(text: &[u8]) -> Option<(u32, u32, u32, u32)> {
    if text.len() < 8 || text[2] != b':' || text[5] != b':' {
        return None;
    }
    let hour = number(&text[0..2])?;
    let minute = number(&text[3..5])?;
    let second = number(&text[6..8])?;
    let micro = match &text[8..] {
        [] => 0,
        [b'.' | b',', fraction @ ..] if !fraction.is_empty() && fraction.len() <= 9 => {
            let value = number(fraction)?;
            let scale = 10u32.pow(6u32.abs_diff(fraction.len() as u32));
            if fraction.len() <= 6 {
                value * scale
            } else {
                value / scale
            }
        }
        _ => return None,
    };
    Some((hour, minute, second, micro))
}

/// Apache's `10/Oct/2000:13:55:36 -0700`.
pub fn apache(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 26 || b[2] != b'/' || b[6] != b'/' || b[11] != b':' || b[20] != b' ' {
        return None;
    }
    let day = number(&b[0..2])?;
    let month = month(&b[3..6])?;
    let year = number(&b[7..11])? as i32;
    let (hour, minute, second, _) = clock(&b[12..20])?;
    let sign = match b[21] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let offset = i64::from(number(&b[22..24])? * 3600 + number(&b[24..26])? * 60) * sign;
    Some(micros(year, month, day, hour, minute, second, 0)? - offset * 1_000_000)
}

/// Syslog's `Oct 11 22:14:15` (day may be space-padded), in the given year, UTC.
pub fn syslog(text: &str, year: i32) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() < 15 || b[3] != b' ' || b[6] != b' ' {
        return None;
    }
    let month = month(&b[0..3])?;
    let day = number(b[4..6].trim_ascii_start())?;
    let (hour, minute, second, micro) = clock(&b[7..])?;
    micros(year, month, day, hour, minute, second, micro)
}

/// ISO 8601 / RFC 3339 (`2003-10-11T22:14:15.003Z`, `+02:00` offsets); without a zone, UTC.
/// A space may separate date and time.
pub fn iso8601(text: &str) -> Option<i64> {
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Some(time.timestamp_micros());
    }
    let b = text.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b' ') {
        return None;
    }
    let (hour, minute, second, micro) = clock(&b[11..])?;
    micros(
        number(&b[0..4])? as i32,
        number(&b[5..7])?,
        number(&b[8..10])?,
        hour,
        minute,
        second,
        micro,
    )
}

/// A timestamp in a user's format (strftime), or else any format the built-ins know.
pub fn parse_any(text: &str, format: Option<&str>) -> Option<i64> {
    match format {
        Some(format) => DateTime::parse_from_str(text, format)
            .map(|t| t.timestamp_micros())
            .or_else(|_| {
                NaiveDateTime::parse_from_str(text, format).map(|t| t.and_utc().timestamp_micros())
            })
            .ok(),
        None => iso8601(text)
            .or_else(|| apache(text))
            .or_else(|| syslog(text, this_year())),
    }
}

/// The current year, UTC: RFC 3164 timestamps carry none.
pub fn this_year() -> i32 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    DateTime::from_timestamp(now, 0).map_or(1970, |t| t.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_agree_on_one_instant() {
        let expected = micros(2000, 10, 10, 20, 55, 36, 0).unwrap();
        assert_eq!(apache("10/Oct/2000:13:55:36 -0700"), Some(expected));
        assert_eq!(iso8601("2000-10-10T20:55:36Z"), Some(expected));
        assert_eq!(iso8601("2000-10-10 22:55:36+02:00"), Some(expected));
        assert_eq!(iso8601("2000-10-10 20:55:36"), Some(expected));
        assert_eq!(syslog("Oct 10 20:55:36", 2000), Some(expected));
        assert_eq!(
            parse_any("2000/10/10 20.55.36", Some("%Y/%m/%d %H.%M.%S")),
            Some(expected)
        );
    }

    #[test]
    fn fractions_and_padding() {
        let base = micros(2003, 10, 1, 22, 14, 15, 0).unwrap();
        assert_eq!(iso8601("2003-10-01T22:14:15.003Z"), Some(base + 3_000));
        assert_eq!(
            iso8601("2003-10-01T22:14:15.123456789"),
            Some(base + 123_456)
        );
        assert_eq!(syslog("Oct  1 22:14:15", 2003), Some(base));
        assert_eq!(apache("1/Oct/2000:13:55:36 -0700"), None);
        assert_eq!(apache("10/Foo/2000:13:55:36 -0700"), None);
        assert_eq!(iso8601("2003-13-01T22:14:15Z"), None);
    }
}
