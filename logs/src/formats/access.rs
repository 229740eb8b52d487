//! Apache/nginx access logs: the Common Log Format and the Combined format.
//!
//! `127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326 "http://ref/" "Mozilla/4.08"`
//!
//! The request line is split into method, path and protocol; a request that is not one
//! (a TLS handshake sent to the HTTP port, say) keeps its text in `path`. `-` means null.
//! Combined lines may lack the referer and user agent (they come out null), so one table reads
//! both formats.

use std::borrow::Cow;

use super::LineParser;
use super::cursor::Cursor;
use super::time;
use crate::values::{ColumnType, Value};

/// The columns of the common format; combined adds [`COMBINED_EXTRA`].
pub const COMMON: &[(&str, ColumnType)] = &[
    ("client_ip", ColumnType::Text),
    ("ident", ColumnType::Text),
    ("user", ColumnType::Text),
    ("timestamp", ColumnType::Timestamp),
    ("method", ColumnType::Text),
    ("path", ColumnType::Text),
    ("protocol", ColumnType::Text),
    ("status", ColumnType::Int32),
    ("bytes", ColumnType::Int64),
];

/// The combined format's columns after the common ones.
pub const COMBINED_EXTRA: &[(&str, ColumnType)] = &[
    ("referer", ColumnType::Text),
    ("user_agent", ColumnType::Text),
];

/// Parses access log lines.
#[derive(Debug)]
pub struct AccessLogParser {
    pub combined: bool,
}

impl LineParser for AccessLogParser {
    fn parse<'a>(&mut self, line: &'a str, out: &mut Vec<Value<'a>>) -> Result<bool, String> {
        let mut cursor = Cursor::new(line);
        out.push(Value::Text(Cow::Borrowed(
            cursor.token("the client address")?,
        )));
        out.push(Value::text_or_dash(cursor.token("the ident field")?));
        out.push(Value::text_or_dash(cursor.token("the user field")?));
        let stamp = cursor.enclosed(b'[', b']', "the timestamp")?;
        let stamp = time::apache(stamp)
            .ok_or_else(|| format!("timestamp '{stamp}' is not like 10/Oct/2000:13:55:36 -0700"))?;
        out.push(Value::Timestamp(stamp));
        request(cursor.quoted("the request")?, out);
        let status = cursor.token("the status")?;
        out.push(match status {
            "-" => Value::Null,
            _ => Value::Int(i64::from(
                time::number(status.as_bytes())
                    .ok_or_else(|| format!("status '{status}' is not a number"))?,
            )),
        });
        let bytes = cursor.token("the byte count")?;
        out.push(match bytes {
            "-" => Value::Null,
            _ => Value::Int(
                bytes
                    .parse()
                    .map_err(|_| format!("byte count '{bytes}' is not a number"))?,
            ),
        });
        if self.combined {
            for what in ["the referer", "the user agent"] {
                if cursor.is_done() {
                    out.push(Value::Null);
                    continue;
                }
                out.push(match cursor.quoted(what)? {
                    Cow::Borrowed(text) => Value::text_or_dash(text),
                    owned => Value::Text(owned),
                });
            }
        }
        Ok(true)
    }
}

/// `GET /path HTTP/1.1` into method, path and protocol.
fn request<'a>(request: Cow<'a, str>, out: &mut Vec<Value<'a>>) {
    let Cow::Borrowed(text) = request else {
        // Escaped quotes inside a request line: rare enough to keep whole.
        out.extend([Value::Null, Value::Text(request), Value::Null]);
        return;
    };
    if text == "-" || text.is_empty() {
        out.extend([Value::Null, Value::Null, Value::Null]);
        return;
    }
    let Some((method, rest)) = text.split_once(' ') else {
        out.extend([Value::Null, Value::Text(Cow::Borrowed(text)), Value::Null]);
        return;
    };
    let (path, protocol) = match rest.rsplit_once(' ') {
        Some((path, protocol)) if protocol.starts_with("HTTP/") => {
            (path, Value::Text(protocol.into()))
        }
        _ => (rest, Value::Null),
    };
    out.extend([
        Value::Text(Cow::Borrowed(method)),
        Value::Text(Cow::Borrowed(path)),
        protocol,
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::time::micros;

    fn parse(combined: bool, line: &str) -> Result<Vec<Value<'_>>, String> {
        let mut out = Vec::new();
        AccessLogParser { combined }.parse(line, &mut out)?;
        Ok(out)
    }

    fn text(s: &str) -> Value<'_> {
        Value::Text(Cow::Borrowed(s))
    }

    #[test]
    fn combined_line() {
        let values = parse(
            true,
            r#"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)""#,
        )
        .unwrap();
        assert_eq!(
            values,
            vec![
                text("127.0.0.1"),
                Value::Null,
                text("frank"),
                Value::Timestamp(micros(2000, 10, 10, 20, 55, 36, 0).unwrap()),
                text("GET"),
                text("/apache_pb.gif"),
                text("HTTP/1.0"),
                Value::Int(200),
                Value::Int(2326),
                text("http://www.example.com/start.html"),
                text("Mozilla/4.08 [en] (Win98; I ;Nav)"),
            ]
        );
    }

    #[test]
    fn ipv6_dashes_escapes_and_unicode() {
        let values = parse(
            true,
            r#"2001:db8::ff00:42:8329 - - [01/Jan/2024:00:00:01 +0000] "GET /caf%C3%A9/ünï?q=a%20b HTTP/2.0" 304 - "-" "curl \"quoted\" agent""#,
        )
        .unwrap();
        assert_eq!(values[0], text("2001:db8::ff00:42:8329"));
        assert_eq!(values[5], text("/caf%C3%A9/ünï?q=a%20b"));
        assert_eq!(values[7], Value::Int(304));
        assert_eq!(values[8], Value::Null);
        assert_eq!(values[9], Value::Null);
        assert_eq!(values[10], text(r#"curl "quoted" agent"#));
    }

    #[test]
    fn odd_requests_keep_their_text() {
        let values = parse(
            false,
            r#"1.2.3.4 - - [01/Jan/2024:00:00:01 +0000] "\x16\x03\x01" 400 0"#,
        )
        .unwrap();
        assert_eq!(values[4], Value::Null);
        assert_eq!(values[5], text(r"\x16\x03\x01"));
        let values = parse(
            false,
            r#"1.2.3.4 - - [01/Jan/2024:00:00:01 +0000] "-" 408 -"#,
        )
        .unwrap();
        assert_eq!(&values[4..7], &[Value::Null, Value::Null, Value::Null]);
        let values = parse(
            false,
            r#"1.2.3.4 - - [01/Jan/2024:00:00:01 +0000] "GET /a b HTTP/1.1" 200 1"#,
        )
        .unwrap();
        assert_eq!(values[5], text("/a b"));
    }

    #[test]
    fn missing_trailing_fields() {
        let values = parse(
            true,
            r#"1.2.3.4 - - [01/Jan/2024:00:00:01 +0000] "GET / HTTP/1.1" 200 5"#,
        )
        .unwrap();
        assert_eq!(values.len(), 11);
        assert_eq!(values[10], Value::Null);
        let error = parse(
            true,
            r#"1.2.3.4 - - [01/Jan/2024:00:00:01 +0000] "GET / HTTP/1.1""#,
        )
        .unwrap_err();
        assert!(error.contains("status"), "{error}");
    }

    #[test]
    fn bad_fields_are_named() {
        let error =
            parse(false, r#"1.2.3.4 - - [01/Jan/2024] "GET / HTTP/1.1" 200 5"#).unwrap_err();
        assert!(error.contains("timestamp"), "{error}");
        let error = parse(
            false,
            r#"1.2.3.4 - - [01/Jan/2024:00:00:01 +0000] "GET / HTTP/1.1" OK 5"#,
        )
        .unwrap_err();
        assert!(error.contains("status 'OK'"), "{error}");
    }
}
