//! Syslog: RFC 3164 (BSD) and RFC 5424 messages.
//!
//! RFC 3164: `<34>Oct 11 22:14:15 mymachine su[123]: 'su root' failed` (the `<PRI>` is optional,
//! as in files rsyslog writes). Its timestamp has no year; the table's `year` option gives one.
//!
//! RFC 5424: `<165>1 2003-10-11T22:14:15.003Z host app 1234 ID47 [sd@1 k="v"] message`, with
//! `-` for absent fields.

use std::borrow::Cow;

use super::LineParser;
use super::cursor::Cursor;
use super::time;
use crate::values::{ColumnType, Value};

/// RFC 3164 columns.
pub const RFC3164: &[(&str, ColumnType)] = &[
    ("priority", ColumnType::Int32),
    ("facility", ColumnType::Int32),
    ("severity", ColumnType::Int32),
    ("timestamp", ColumnType::Timestamp),
    ("host", ColumnType::Text),
    ("app", ColumnType::Text),
    ("pid", ColumnType::Int32),
    ("message", ColumnType::Text),
];

/// RFC 5424 columns.
pub const RFC5424: &[(&str, ColumnType)] = &[
    ("priority", ColumnType::Int32),
    ("facility", ColumnType::Int32),
    ("severity", ColumnType::Int32),
    ("version", ColumnType::Int32),
    ("timestamp", ColumnType::Timestamp),
    ("host", ColumnType::Text),
    ("app", ColumnType::Text),
    ("proc_id", ColumnType::Text),
    ("msg_id", ColumnType::Text),
    ("structured_data", ColumnType::Text),
    ("message", ColumnType::Text),
];

/// `<PRI>` as priority, facility and severity; nulls when the line has none.
fn priority<'a>(line: &'a str, out: &mut Vec<Value<'a>>) -> Result<&'a str, String> {
    let Some(rest) = line.strip_prefix('<') else {
        out.extend([Value::Null, Value::Null, Value::Null]);
        return Ok(line);
    };
    let (digits, rest) = rest
        .split_once('>')
        .ok_or("priority '<' is not closed by '>'")?;
    let pri = time::number(digits.as_bytes())
        .filter(|p| *p <= 191)
        .ok_or_else(|| format!("priority '{digits}' is not a number from 0 to 191"))?;
    out.extend([
        Value::Int(i64::from(pri)),
        Value::Int(i64::from(pri / 8)),
        Value::Int(i64::from(pri % 8)),
    ]);
    Ok(rest)
}

/// Parses RFC 3164 lines.
#[derive(Debug)]
pub struct Rfc3164Parser {
    pub year: i32,
}

impl LineParser for Rfc3164Parser {
    fn parse<'a>(&mut self, line: &'a str, out: &mut Vec<Value<'a>>) -> Result<bool, String> {
        let rest = priority(line, out)?;
        let stamp = rest.get(..15).ok_or("line ends inside the timestamp")?;
        let stamp = time::syslog(stamp, self.year)
            .ok_or_else(|| format!("timestamp '{stamp}' is not like 'Oct 11 22:14:15'"))?;
        out.push(Value::Timestamp(stamp));
        let mut cursor = Cursor::new(&rest[15..]);
        out.push(Value::Text(Cow::Borrowed(cursor.token("the host")?)));
        let message = cursor.rest();
        // The tag: `app[pid]: ` or `app: `; a message without one has no app.
        let tag_end = message
            .find([':', ' '])
            .filter(|&i| message.as_bytes()[i] == b':');
        let (app, pid, message) = match tag_end {
            Some(end) => {
                let tag = &message[..end];
                let message = message[end + 1..]
                    .strip_prefix(' ')
                    .unwrap_or(&message[end + 1..]);
                match tag.strip_suffix(']').and_then(|t| t.split_once('[')) {
                    Some((app, pid)) => {
                        let pid = time::number(pid.as_bytes())
                            .ok_or_else(|| format!("pid '{pid}' is not a number"))?;
                        (Value::Text(app.into()), Value::Int(i64::from(pid)), message)
                    }
                    None => (Value::Text(tag.into()), Value::Null, message),
                }
            }
            None => (Value::Null, Value::Null, message),
        };
        out.extend([app, pid, Value::Text(Cow::Borrowed(message))]);
        Ok(true)
    }
}

/// Parses RFC 5424 lines.
#[derive(Debug)]
pub struct Rfc5424Parser;

impl LineParser for Rfc5424Parser {
    fn parse<'a>(&mut self, line: &'a str, out: &mut Vec<Value<'a>>) -> Result<bool, String> {
        if !line.starts_with('<') {
            return Err("expected '<PRI>' at the start of an RFC 5424 line".into());
        }
        let rest = priority(line, out)?;
        let mut cursor = Cursor::new(rest);
        let version = cursor.token("the version")?;
        let version = time::number(version.as_bytes())
            .ok_or_else(|| format!("version '{version}' is not a number"))?;
        out.push(Value::Int(i64::from(version)));
        let stamp = cursor.token("the timestamp")?;
        out.push(match stamp {
            "-" => Value::Null,
            _ => Value::Timestamp(
                time::iso8601(stamp)
                    .ok_or_else(|| format!("timestamp '{stamp}' is not RFC 3339"))?,
            ),
        });
        for what in [
            "the host",
            "the app name",
            "the process id",
            "the message id",
        ] {
            out.push(Value::text_or_dash(cursor.token(what)?));
        }
        let rest = cursor.rest();
        let (data, message) = structured_data(rest)?;
        out.push(Value::text_or_dash(data));
        let message = message.strip_prefix(' ').unwrap_or(message);
        let message = message.strip_prefix('\u{feff}').unwrap_or(message);
        out.push(if message.is_empty() {
            Value::Null
        } else {
            Value::Text(Cow::Borrowed(message))
        });
        Ok(true)
    }
}

/// Splits `[id k="v"][id2 ...] message` (or `- message`) after the structured data.
fn structured_data(text: &str) -> Result<(&str, &str), String> {
    if let Some(message) = text.strip_prefix('-') {
        return Ok(("-", message));
    }
    if !text.starts_with('[') {
        return Err("expected structured data ('[...]' or '-')".into());
    }
    let bytes = text.as_bytes();
    let (mut i, mut quoted) = (0, false);
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'"' => quoted = !quoted,
            b']' if !quoted && bytes.get(i + 1) != Some(&b'[') => {
                return Ok((&text[..=i], &text[i + 1..]));
            }
            _ => {}
        }
        i += 1;
    }
    Err("structured data is not closed by ']'".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::time::micros;

    fn text(s: &str) -> Value<'_> {
        Value::Text(Cow::Borrowed(s))
    }

    #[test]
    fn rfc3164_with_and_without_priority() {
        let mut parser = Rfc3164Parser { year: 2024 };
        let mut out = Vec::new();
        parser
            .parse(
                "<34>Oct 11 22:14:15 mymachine su[123]: 'su root' failed",
                &mut out,
            )
            .unwrap();
        assert_eq!(
            out,
            vec![
                Value::Int(34),
                Value::Int(4),
                Value::Int(2),
                Value::Timestamp(micros(2024, 10, 11, 22, 14, 15, 0).unwrap()),
                text("mymachine"),
                text("su"),
                Value::Int(123),
                text("'su root' failed"),
            ]
        );
        out.clear();
        parser
            .parse("Feb  5 01:02:03 host kernel: [  0.000] Linux", &mut out)
            .unwrap();
        assert_eq!(out[0], Value::Null);
        assert_eq!(out[5], text("kernel"));
        assert_eq!(out[6], Value::Null);
        assert_eq!(out[7], text("[  0.000] Linux"));
        out.clear();
        parser
            .parse("Feb  5 01:02:03 host no tag here: x", &mut out)
            .unwrap();
        assert_eq!(out[5], Value::Null);
        assert_eq!(out[7], text("no tag here: x"));
        out.clear();
        let error = parser
            .parse("<999>Feb  5 01:02:03 host x", &mut out)
            .unwrap_err();
        assert!(error.contains("priority"), "{error}");
    }

    #[test]
    fn rfc5424_fields_and_structured_data() {
        let mut out = Vec::new();
        Rfc5424Parser
            .parse(
                r#"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="App]lication"][x@1 a="b"] An application event"#,
                &mut out,
            )
            .unwrap();
        assert_eq!(out[0], Value::Int(165));
        assert_eq!(out[1], Value::Int(20));
        assert_eq!(out[2], Value::Int(5));
        assert_eq!(out[3], Value::Int(1));
        assert_eq!(
            out[4],
            Value::Timestamp(micros(2003, 10, 11, 22, 14, 15, 3_000).unwrap())
        );
        assert_eq!(out[7], Value::Null);
        assert_eq!(out[8], text("ID47"));
        assert_eq!(
            out[9],
            text(r#"[exampleSDID@32473 iut="3" eventSource="App]lication"][x@1 a="b"]"#)
        );
        assert_eq!(out[10], text("An application event"));
        out.clear();
        Rfc5424Parser.parse("<13>1 - - - - - -", &mut out).unwrap();
        assert_eq!(
            out[4..],
            [
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null
            ]
        );
        out.clear();
        let error = Rfc5424Parser
            .parse("<13>1 2003-10-11T22:14:15Z h a p m [open", &mut out)
            .unwrap_err();
        assert!(error.contains("not closed"), "{error}");
    }
}
