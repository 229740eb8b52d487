//! Apache httpd error logs, 2.2 and 2.4 styles.
//!
//! `[Fri Sep 09 10:42:29.902022 2011] [core:error] [pid 35708:tid 4328636416] [client 72.15.99.187:5050] AH00128: File does not exist`
//! `[Wed Oct 11 14:32:52 2000] [error] [client 127.0.0.1] client denied by server configuration`

use std::borrow::Cow;

use super::LineParser;
use super::cursor::Cursor;
use super::time;
use crate::values::{ColumnType, Value};

/// The error log's columns.
pub const COLUMNS: &[(&str, ColumnType)] = &[
    ("timestamp", ColumnType::Timestamp),
    ("module", ColumnType::Text),
    ("level", ColumnType::Text),
    ("pid", ColumnType::Int32),
    ("tid", ColumnType::Int64),
    ("client", ColumnType::Text),
    ("message", ColumnType::Text),
];

/// Parses error log lines.
#[derive(Debug)]
pub struct ApacheErrorParser;

impl LineParser for ApacheErrorParser {
    fn parse<'a>(&mut self, line: &'a str, out: &mut Vec<Value<'a>>) -> Result<bool, String> {
        let mut cursor = Cursor::new(line);
        let stamp = cursor.enclosed(b'[', b']', "the timestamp")?;
        out.push(Value::Timestamp(timestamp(stamp).ok_or_else(|| {
            format!("timestamp '{stamp}' is not like 'Wed Oct 11 14:32:52 2000'")
        })?));
        let level = cursor.enclosed(b'[', b']', "the level")?;
        match level.split_once(':') {
            Some((module, level)) => {
                out.extend([Value::Text(module.into()), Value::Text(level.into())])
            }
            None => out.extend([Value::Null, Value::Text(Cow::Borrowed(level))]),
        }
        let (mut pid, mut tid, mut client) = (Value::Null, Value::Null, Value::Null);
        loop {
            cursor.skip_spaces();
            let mut probe = Cursor::new(cursor.rest_of_line());
            let Ok(group) = probe.enclosed(b'[', b']', "a field") else {
                break;
            };
            if let Some(ids) = group.strip_prefix("pid ") {
                let (p, t) = ids.split_once(":tid ").unwrap_or((ids, ""));
                pid = Value::Int(i64::from(
                    time::number(p.as_bytes())
                        .ok_or_else(|| format!("pid '{p}' is not a number"))?,
                ));
                if !t.is_empty() {
                    tid = Value::Int(
                        t.parse()
                            .map_err(|_| format!("tid '{t}' is not a number"))?,
                    );
                }
            } else if let Some(address) = group
                .strip_prefix("client ")
                .or_else(|| group.strip_prefix("remote "))
            {
                client = Value::Text(Cow::Borrowed(address));
            } else {
                break;
            }
            cursor.enclosed(b'[', b']', "a field")?;
        }
        out.extend([pid, tid, client, Value::Text(Cow::Borrowed(cursor.rest()))]);
        Ok(true)
    }
}

/// `Fri Sep 09 10:42:29.902022 2011`.
fn timestamp(text: &str) -> Option<i64> {
    let mut parts = text.split(' ').filter(|p| !p.is_empty());
    let _weekday = parts.next()?;
    let month = time::month(parts.next()?.as_bytes())?;
    let day = time::number(parts.next()?.as_bytes())?;
    let clock = parts.next()?;
    let year = time::number(parts.next()?.as_bytes())? as i32;
    let at = time::iso8601(&format!("{year:04}-{month:02}-{day:02}T{clock}"))?;
    parts.next().is_none().then_some(at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::time::micros;

    fn text(s: &str) -> Value<'_> {
        Value::Text(Cow::Borrowed(s))
    }

    #[test]
    fn apache_24_line() {
        let mut out = Vec::new();
        ApacheErrorParser
            .parse(
                "[Fri Sep 09 10:42:29.902022 2011] [core:error] [pid 35708:tid 4328636416] [client 72.15.99.187:5050] AH00128: File does not exist: /favicon.ico",
                &mut out,
            )
            .unwrap();
        assert_eq!(
            out,
            vec![
                Value::Timestamp(micros(2011, 9, 9, 10, 42, 29, 902_022).unwrap()),
                text("core"),
                text("error"),
                Value::Int(35708),
                Value::Int(4328636416),
                text("72.15.99.187:5050"),
                text("AH00128: File does not exist: /favicon.ico"),
            ]
        );
    }

    #[test]
    fn apache_22_line_and_bad_time() {
        let mut out = Vec::new();
        ApacheErrorParser
            .parse(
                "[Wed Oct 11 14:32:52 2000] [error] [client 127.0.0.1] client denied",
                &mut out,
            )
            .unwrap();
        assert_eq!(out[1], Value::Null);
        assert_eq!(out[2], text("error"));
        assert_eq!(out[3], Value::Null);
        assert_eq!(out[5], text("127.0.0.1"));
        assert_eq!(out[6], text("client denied"));
        let error = ApacheErrorParser
            .parse("[yesterday] [error] x", &mut Vec::new())
            .unwrap_err();
        assert!(error.contains("timestamp 'yesterday'"), "{error}");
    }
}
