//! JSON lines: one object per line; top-level keys become columns.
//!
//! The schema is given (`CREATE EXTERNAL TABLE t (a INT, ...)`) or inferred from the first
//! lines of the first file: integers, floats, booleans, text; nested values become JSON text.
//! A line that is not an object, or a value that does not fit its column, is a bad record.

use std::borrow::Cow;

use serde_json::Value as Json;

use super::LineParser;
use super::time;
use crate::values::{ColumnType, Value};

/// Infers columns from sample lines, in the order keys first appear.
pub fn infer(sample: &str) -> Vec<(String, ColumnType)> {
    let mut columns: Vec<(String, ColumnType)> = Vec::new();
    for line in sample.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let Ok(serde_json::Value::Object(object)) = serde_json::from_str::<Json>(line) else {
            continue;
        };
        for (key, value) in object {
            let ty = match value {
                Json::Null => continue,
                Json::Bool(_) => ColumnType::Bool,
                Json::Number(n) if n.is_i64() => ColumnType::Int64,
                Json::Number(_) => ColumnType::Float64,
                _ => ColumnType::Text,
            };
            match columns.iter_mut().find(|(name, _)| *name == key) {
                None => columns.push((key, ty)),
                Some((_, seen)) if *seen == ty => {}
                Some((_, seen)) => {
                    *seen = match (*seen, ty) {
                        (ColumnType::Int64, ColumnType::Float64)
                        | (ColumnType::Float64, ColumnType::Int64) => ColumnType::Float64,
                        _ => ColumnType::Text,
                    }
                }
            }
        }
    }
    columns
}

/// Parses JSON lines into the table's columns.
#[derive(Debug)]
pub struct JsonParser {
    pub columns: Vec<(String, ColumnType)>,
}

impl LineParser for JsonParser {
    fn parse<'a>(&mut self, line: &'a str, out: &mut Vec<Value<'a>>) -> Result<bool, String> {
        let object = match serde_json::from_str::<Json>(line) {
            Ok(Json::Object(object)) => object,
            Ok(_) => return Err("the line is JSON but not an object".into()),
            Err(e) => return Err(format!("not JSON: {e}")),
        };
        out.resize(self.columns.len(), Value::Null);
        for (key, json) in object {
            let Some(column) = self.columns.iter().position(|(name, _)| *name == key) else {
                continue;
            };
            let ty = self.columns[column].1;
            let mismatch = || format!("field '{key}' ({json}) is not a {}", ty.data_type());
            out[column] = match (ty, &json) {
                (_, Json::Null) => Value::Null,
                (ColumnType::Text, Json::String(s)) => Value::Text(Cow::Owned(s.clone())),
                (ColumnType::Text, other) => Value::Text(Cow::Owned(other.to_string())),
                (ColumnType::Int32 | ColumnType::Int64, Json::Number(n)) => {
                    Value::Int(n.as_i64().ok_or_else(mismatch)?)
                }
                (ColumnType::Float64, Json::Number(n)) => {
                    Value::Float(n.as_f64().ok_or_else(mismatch)?)
                }
                (ColumnType::Bool, Json::Bool(b)) => Value::Bool(*b),
                (ColumnType::Timestamp, Json::String(s)) => {
                    Value::Timestamp(time::parse_any(s, None).ok_or_else(mismatch)?)
                }
                _ => return Err(mismatch()),
            };
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn infers_widens_and_parses() {
        let columns = infer(
            "{\"a\": 1, \"b\": \"x\", \"c\": {\"d\": 1}}\n\n{\"a\": 2.5, \"e\": true, \"b\": null}\nnot json\n",
        );
        assert_eq!(
            columns,
            vec![
                ("a".to_string(), ColumnType::Float64),
                ("b".to_string(), ColumnType::Text),
                ("c".to_string(), ColumnType::Text),
                ("e".to_string(), ColumnType::Bool),
            ]
        );
        let mut parser = JsonParser { columns };
        let mut out = Vec::new();
        parser
            .parse(r#"{"a": 3, "c": [1,2], "zzz": 1}"#, &mut out)
            .unwrap();
        assert_eq!(
            out,
            vec![
                Value::Float(3.0),
                Value::Null,
                Value::Text("[1,2]".into()),
                Value::Null
            ]
        );
        let error = parser
            .parse(r#"{"e": "yes"}"#, &mut Vec::new())
            .unwrap_err();
        assert!(error.contains("field 'e'"), "{error}");
        assert!(parser.parse("[1]", &mut Vec::new()).is_err());
        assert!(
            parser
                .parse("{\"a\": 1", &mut Vec::new())
                .unwrap_err()
                .contains("not JSON")
        );
    }
}
