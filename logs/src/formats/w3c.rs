//! W3C extended logs, as CloudFront (tab-separated) and IIS (space-separated) write them.
//!
//! A `#Fields:` directive names the fields of the lines after it; its names become columns
//! (`cs(Host)` -> `cs_host`, `x-edge-location` -> `x_edge_location`), plus a `timestamp` column
//! when the file has `date` and `time`. Other `#` lines are directives and carry no rows.

use std::borrow::Cow;

use super::LineParser;
use super::time;
use crate::values::{ColumnType, Value};

/// The column name for a W3C field name.
pub fn column_name(field: &str) -> String {
    let mut name = String::with_capacity(field.len());
    for c in field.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.is_empty() && !name.ends_with('_') {
            name.push('_');
        }
    }
    name.trim_end_matches('_').to_string()
}

fn column_type(name: &str) -> ColumnType {
    match name {
        "sc_status" | "c_port" | "s_port" | "sc_substatus" => ColumnType::Int32,
        "sc_bytes" | "cs_bytes" | "sc_content_len" | "sc_win32_status" => ColumnType::Int64,
        "time_taken" | "time_to_first_byte" => ColumnType::Float64,
        _ => ColumnType::Text,
    }
}

/// The `#Fields:` line's field names, if `line` is one.
pub fn fields_directive(line: &str) -> Option<Vec<&str>> {
    let fields = line.strip_prefix("#Fields:")?;
    Some(fields.split_whitespace().collect())
}

/// The columns for a list of W3C field names.
pub fn columns(fields: &[&str]) -> Vec<(String, ColumnType)> {
    let names: Vec<String> = fields.iter().map(|f| column_name(f)).collect();
    let mut columns = Vec::new();
    if names.iter().any(|n| n == "date") && names.iter().any(|n| n == "time") {
        columns.push(("timestamp".to_string(), ColumnType::Timestamp));
    }
    for name in names {
        let ty = column_type(&name);
        columns.push((name, ty));
    }
    columns
}

/// Parses W3C lines into the table's columns, following each file's `#Fields:` directive.
#[derive(Debug)]
pub struct W3cParser {
    /// The table's columns.
    columns: Vec<(String, ColumnType)>,
    /// For each field of the current `#Fields:`, the column it fills.
    positions: Vec<Option<usize>>,
    date: Option<usize>,
    time: Option<usize>,
    timestamp: Option<usize>,
}

impl W3cParser {
    /// A parser for `columns`, reading files whose fields are `fields` until a directive says
    /// otherwise.
    pub fn new(columns: Vec<(String, ColumnType)>, fields: &[&str]) -> Self {
        let timestamp = columns.iter().position(|(n, _)| n == "timestamp");
        let mut parser = Self {
            columns,
            positions: Vec::new(),
            date: None,
            time: None,
            timestamp,
        };
        parser.set_fields(fields);
        parser
    }

    fn set_fields(&mut self, fields: &[&str]) {
        let names: Vec<String> = fields.iter().map(|f| column_name(f)).collect();
        self.positions = names
            .iter()
            .map(|name| self.columns.iter().position(|(n, _)| n == name))
            .collect();
        self.date = names.iter().position(|n| n == "date");
        self.time = names.iter().position(|n| n == "time");
    }
}

impl LineParser for W3cParser {
    fn parse<'a>(&mut self, line: &'a str, out: &mut Vec<Value<'a>>) -> Result<bool, String> {
        if line.starts_with('#') {
            if let Some(fields) = fields_directive(line) {
                self.set_fields(&fields);
            }
            return Ok(false);
        }
        if self.positions.is_empty() {
            return Err("no #Fields: directive before this line (set the 'fields' option)".into());
        }
        out.resize(self.columns.len(), Value::Null);
        let separator = if line.contains('\t') { '\t' } else { ' ' };
        let values: Vec<&str> = line.split(separator).collect();
        if values.len() != self.positions.len() {
            return Err(format!(
                "{} fields where #Fields: names {}",
                values.len(),
                self.positions.len()
            ));
        }
        for (value, position) in values.iter().zip(&self.positions) {
            let Some(column) = *position else { continue };
            let (name, ty) = &self.columns[column];
            out[column] = match (*value, ty) {
                ("-", _) => Value::Null,
                (text, ColumnType::Text) => Value::Text(Cow::Borrowed(text)),
                (text, ColumnType::Float64) => Value::Float(
                    text.parse()
                        .map_err(|_| format!("{name} '{text}' is not a number"))?,
                ),
                (text, _) => Value::Int(
                    text.parse()
                        .map_err(|_| format!("{name} '{text}' is not a number"))?,
                ),
            };
        }
        if let (Some(column), Some(date), Some(clock)) = (self.timestamp, self.date, self.time) {
            let stamp = format!("{}T{}", values[date], values[clock]);
            out[column] = Value::Timestamp(
                time::iso8601(&stamp)
                    .ok_or_else(|| format!("date and time '{stamp}' are not a time"))?,
            );
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::time::micros;

    const FIELDS: &str = "#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) time-taken";

    #[test]
    fn cloudfront_lines_follow_the_fields_directive() {
        let fields = fields_directive(FIELDS).unwrap();
        let columns = columns(&fields);
        assert_eq!(columns[0].0, "timestamp");
        assert!(
            columns
                .iter()
                .any(|(n, t)| n == "cs_user_agent" && *t == ColumnType::Text)
        );
        let mut parser = W3cParser::new(columns.clone(), &[]);
        let mut out = Vec::new();
        assert!(!parser.parse("#Version: 1.0", &mut out).unwrap());
        assert!(!parser.parse(FIELDS, &mut out).unwrap());
        assert!(
            parser
                .parse(
                    "2019-12-04\t21:02:31\tLAX1\t392\t192.0.2.100\tGET\td111111abcdef8.cloudfront.net\t/index.html\t200\t-\tMozilla/5.0%20(Windows)\t0.001",
                    &mut out
                )
                .unwrap()
        );
        let get = |name: &str| out[columns.iter().position(|(n, _)| n == name).unwrap()].clone();
        assert_eq!(
            get("timestamp"),
            Value::Timestamp(micros(2019, 12, 4, 21, 2, 31, 0).unwrap())
        );
        assert_eq!(get("sc_bytes"), Value::Int(392));
        assert_eq!(get("sc_status"), Value::Int(200));
        assert_eq!(get("cs_referer"), Value::Null);
        assert_eq!(get("time_taken"), Value::Float(0.001));
        let error = parser
            .parse("2019-12-04\t21:02:31\tLAX1", &mut Vec::new())
            .unwrap_err();
        assert!(error.contains("3 fields"), "{error}");
    }
}
