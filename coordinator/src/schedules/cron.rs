//! Cron expressions in an IANA time zone, evaluated by the `cron` crate.

use std::str::FromStr;

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::ScheduleError;

/// A parsed cron expression and the time zone its fields are read in.
#[derive(Debug, Clone)]
pub struct Cron {
    schedule: cron::Schedule,
    zone: Tz,
}

impl Cron {
    /// Parses `expression` (5 fields: minute hour day month weekday; 6 with seconds first;
    /// 7 with a year last) in `zone` (empty: UTC), for the schedule `name`'s errors.
    pub fn parse(name: &str, expression: &str, zone: &str) -> Result<Cron, ScheduleError> {
        let fields = expression.split_whitespace().count();
        let full = match fields {
            5 => format!("0 {expression}"),
            6 | 7 => expression.to_string(),
            n => {
                return Err(ScheduleError::schedule(
                    name,
                    format!(
                        "cron '{expression}' has {n} field(s); expected 5 (minute hour day month \
                         weekday), 6 (with seconds first) or 7 (with a year last)"
                    ),
                ));
            }
        };
        let schedule = cron::Schedule::from_str(&full).map_err(|e| {
            ScheduleError::schedule(name, format!("cron '{expression}' is not valid: {e}"))
        })?;
        let zone = match zone {
            "" => Tz::UTC,
            zone => Tz::from_str(zone).map_err(|_| {
                ScheduleError::schedule(
                    name,
                    format!("'{zone}' is not an IANA time zone (such as Europe/Paris or UTC)"),
                )
            })?,
        };
        Ok(Cron { schedule, zone })
    }

    /// The first tick strictly after `after_ms` (ms since the epoch), if any.
    pub fn next_after(&self, after_ms: u64) -> Option<u64> {
        let after = self.zone.from_utc_datetime(&utc(after_ms).naive_utc());
        let next = self.schedule.after(&after).next()?;
        u64::try_from(next.timestamp_millis()).ok()
    }

    /// `tick_ms` in RFC 3339, in the schedule's time zone.
    pub fn format(&self, tick_ms: u64) -> String {
        self.zone
            .from_utc_datetime(&utc(tick_ms).naive_utc())
            .to_rfc3339()
    }
}

fn utc(ms: u64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms as i64).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(rfc3339: &str) -> u64 {
        DateTime::parse_from_rfc3339(rfc3339)
            .unwrap()
            .timestamp_millis() as u64
    }

    #[test]
    fn five_and_six_fields_in_a_time_zone() {
        // 09:30 on weekdays in Paris: in winter that is 08:30 UTC.
        let cron = Cron::parse("s", "30 9 * * Mon-Fri", "Europe/Paris").unwrap();
        let next = cron.next_after(ms("2026-12-04T09:00:00Z")).unwrap(); // a Friday
        assert_eq!(cron.format(next), "2026-12-07T09:30:00+01:00"); // the Monday
        let every_second = Cron::parse("s", "* * * * * *", "").unwrap();
        let now = ms("2026-12-01T00:00:00.500Z");
        assert_eq!(every_second.next_after(now), Some(now + 500));
        assert_eq!(every_second.next_after(now + 500), Some(now + 1500));
    }

    #[test]
    fn daylight_saving_time_moves_the_tick_not_the_local_hour() {
        let cron = Cron::parse("s", "0 2 * * *", "America/New_York").unwrap();
        let summer = cron.next_after(ms("2026-07-01T12:00:00Z")).unwrap();
        let winter = cron.next_after(ms("2026-12-01T12:00:00Z")).unwrap();
        assert_eq!(cron.format(summer), "2026-07-02T02:00:00-04:00");
        assert_eq!(cron.format(winter), "2026-12-02T02:00:00-05:00");
    }

    #[test]
    fn bad_expressions_and_zones_are_named() {
        let fields = Cron::parse("nightly", "0 2 * *", "")
            .unwrap_err()
            .to_string();
        assert!(
            fields.contains("nightly") && fields.contains("4 field(s)"),
            "{fields}"
        );
        let value = Cron::parse("nightly", "0 25 * * *", "")
            .unwrap_err()
            .to_string();
        assert!(value.contains("not valid"), "{value}");
        let zone = Cron::parse("nightly", "0 2 * * *", "Mars/Olympus")
            .unwrap_err()
            .to_string();
        assert!(zone.contains("Mars/Olympus"), "{zone}");
    }
}
