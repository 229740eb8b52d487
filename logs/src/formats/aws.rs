//! AWS load balancer access logs: Application Load Balancer (`alb`) and Classic Load
//! Balancer (`elb`).
//!
//! Space-separated fields, some double-quoted; `-` is null. AWS appends fields over the years,
//! so lines written before a field existed come out with nulls in its column.

use std::borrow::Cow;

use super::LineParser;
use super::cursor::Cursor;
use super::time;
use crate::values::{ColumnType, Value};

/// How one field of the line is read.
#[derive(Debug, Clone, Copy)]
enum Field {
    Plain(&'static str, ColumnType),
    Quoted(&'static str),
    /// `ip:port` into two columns.
    Endpoint(&'static str, &'static str),
    /// `"GET http://host:80/path HTTP/1.1"` into method, url and protocol.
    Request,
}

use ColumnType::{Float64, Int32, Int64, Text, Timestamp};
use Field::{Endpoint, Plain, Quoted, Request};

const ALB: &[Field] = &[
    Plain("type", Text),
    Plain("timestamp", Timestamp),
    Plain("elb", Text),
    Endpoint("client_ip", "client_port"),
    Endpoint("target_ip", "target_port"),
    Plain("request_processing_time", Float64),
    Plain("target_processing_time", Float64),
    Plain("response_processing_time", Float64),
    Plain("elb_status_code", Int32),
    Plain("target_status_code", Int32),
    Plain("received_bytes", Int64),
    Plain("sent_bytes", Int64),
    Request,
    Quoted("user_agent"),
    Plain("ssl_cipher", Text),
    Plain("ssl_protocol", Text),
    Plain("target_group_arn", Text),
    Quoted("trace_id"),
    Quoted("domain_name"),
    Quoted("chosen_cert_arn"),
    Plain("matched_rule_priority", Text),
    Plain("request_creation_time", Timestamp),
    Quoted("actions_executed"),
    Quoted("redirect_url"),
    Quoted("error_reason"),
    Quoted("target_port_list"),
    Quoted("target_status_code_list"),
    Quoted("classification"),
    Quoted("classification_reason"),
    Plain("conn_trace_id", Text),
];

const ELB: &[Field] = &[
    Plain("timestamp", Timestamp),
    Plain("elb", Text),
    Endpoint("client_ip", "client_port"),
    Endpoint("backend_ip", "backend_port"),
    Plain("request_processing_time", Float64),
    Plain("backend_processing_time", Float64),
    Plain("response_processing_time", Float64),
    Plain("elb_status_code", Int32),
    Plain("backend_status_code", Int32),
    Plain("received_bytes", Int64),
    Plain("sent_bytes", Int64),
    Request,
    Quoted("user_agent"),
    Plain("ssl_cipher", Text),
    Plain("ssl_protocol", Text),
];

fn fields(alb: bool) -> &'static [Field] {
    if alb { ALB } else { ELB }
}

/// The columns of `alb` (true) or `elb` (false) logs.
pub fn columns(alb: bool) -> Vec<(&'static str, ColumnType)> {
    let mut columns = Vec::new();
    for field in fields(alb) {
        match *field {
            Plain(name, ty) => columns.push((name, ty)),
            Quoted(name) => columns.push((name, Text)),
            Endpoint(ip, port) => columns.extend([(ip, Text), (port, Int32)]),
            Request => columns.extend([("method", Text), ("url", Text), ("protocol", Text)]),
        }
    }
    columns
}

/// Parses ALB or ELB lines.
#[derive(Debug)]
pub struct AwsParser {
    pub alb: bool,
}

impl LineParser for AwsParser {
    fn parse<'a>(&mut self, line: &'a str, out: &mut Vec<Value<'a>>) -> Result<bool, String> {
        let mut cursor = Cursor::new(line);
        for (i, field) in fields(self.alb).iter().enumerate() {
            if cursor.is_done() {
                // Required: everything up to the request line.
                if matches!(field, Request) || i < 8 {
                    return Err(format!("line ends after {i} fields"));
                }
                out.extend(std::iter::repeat_n(Value::Null, width(field)));
                continue;
            }
            match *field {
                Plain(name, ty) => out.push(plain(cursor.token(name)?, name, ty)?),
                Quoted(name) => out.push(match cursor.quoted(name)? {
                    Cow::Borrowed(text) => Value::text_or_dash(text),
                    owned => Value::Text(owned),
                }),
                Endpoint(name, _) => {
                    let endpoint = cursor.token(name)?;
                    match endpoint
                        .rsplit_once(':')
                        .and_then(|(ip, port)| Some((ip, time::number(port.as_bytes())?)))
                    {
                        Some((ip, port)) => {
                            out.extend([Value::Text(ip.into()), Value::Int(i64::from(port))])
                        }
                        None => out.extend([Value::text_or_dash(endpoint), Value::Null]),
                    }
                }
                Request => {
                    let request = cursor.quoted("the request")?;
                    let parts: Vec<&str> = request.splitn(3, ' ').collect();
                    match parts.as_slice() {
                        [method, url, protocol] => out.extend(
                            [method, url, protocol].map(|p| Value::text_or_dash(p).into_owned()),
                        ),
                        _ => out.extend([
                            Value::Null,
                            Value::Text(Cow::Owned(request.into_owned())),
                            Value::Null,
                        ]),
                    }
                }
            }
        }
        Ok(true)
    }
}

fn width(field: &Field) -> usize {
    match field {
        Plain(..) | Quoted(_) => 1,
        Endpoint(..) => 2,
        Request => 3,
    }
}

fn plain<'a>(token: &'a str, name: &str, ty: ColumnType) -> Result<Value<'a>, String> {
    if token == "-" {
        return Ok(Value::Null);
    }
    let bad = || format!("{name} '{token}' is not a {}", ty.data_type());
    Ok(match ty {
        Text => Value::Text(Cow::Borrowed(token)),
        Int32 | Int64 => Value::Int(token.parse().map_err(|_| bad())?),
        Float64 => Value::Float(token.parse().map_err(|_| bad())?),
        Timestamp => Value::Timestamp(time::iso8601(token).ok_or_else(bad)?),
        ColumnType::Bool => return Err(bad()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Value<'_> {
        Value::Text(Cow::Borrowed(s))
    }

    #[test]
    fn alb_line() {
        let line = r#"https 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.086 0.048 0.037 200 200 0 57 "GET https://www.example.com:443/ HTTP/1.1" "curl/7.46.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337281-1d84f3d73c47ec4e58577259" "www.example.com" "arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012" 1 2018-07-02T22:22:48.364000Z "authenticate,forward" "-" "-" "10.0.0.1:80" "200" "-" "-" TID_123"#;
        let mut out = Vec::new();
        AwsParser { alb: true }.parse(line, &mut out).unwrap();
        let names: Vec<&str> = columns(true).iter().map(|(n, _)| *n).collect();
        assert_eq!(out.len(), names.len());
        let get = |name: &str| out[names.iter().position(|n| *n == name).unwrap()].clone();
        assert_eq!(get("client_ip"), text("192.168.131.39"));
        assert_eq!(get("client_port"), Value::Int(2817));
        assert_eq!(get("target_processing_time"), Value::Float(0.048));
        assert_eq!(get("elb_status_code"), Value::Int(200));
        assert_eq!(get("url"), text("https://www.example.com:443/"));
        assert_eq!(get("user_agent"), text("curl/7.46.0"));
        assert_eq!(get("redirect_url"), Value::Null);
        assert_eq!(get("conn_trace_id"), text("TID_123"));
    }

    #[test]
    fn classic_elb_and_older_alb_lines() {
        let line = r#"2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 - -1 -1 -1 503 0 0 0 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.38.0" - -"#;
        let mut out = Vec::new();
        AwsParser { alb: false }.parse(line, &mut out).unwrap();
        assert_eq!(out.len(), columns(false).len());
        assert_eq!(out[4], Value::Null);
        assert_eq!(out[6], Value::Float(-1.0));
        // An ALB line from before the classification fields existed.
        let old = r#"http 2018-07-02T22:23:00.186641Z app/lb/1 1.2.3.4:1 - -1 -1 -1 502 - 34 366 "GET http://x:80/ HTTP/1.1" "ua" - - - "-" "-" "-" 0 2018-07-02T22:22:48.364000Z "forward" "-" "-""#;
        let mut out = Vec::new();
        AwsParser { alb: true }.parse(old, &mut out).unwrap();
        assert_eq!(out.len(), columns(true).len());
        assert_eq!(out.last(), Some(&Value::Null));
        let error = AwsParser { alb: true }
            .parse("http 2018-07-02T22:23:00Z app/lb/1", &mut Vec::new())
            .unwrap_err();
        assert!(error.contains("ends after"), "{error}");
    }
}
