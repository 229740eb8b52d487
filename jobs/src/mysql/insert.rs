//! Arrow rows as the parameters of multi-row prepared `INSERT`s, in MySQL's binary protocol.
//!
//! The server takes each value in its binary form (integers, doubles, dates and times as
//! fields) instead of parsing text, which costs it about half the CPU of `LOAD DATA LOCAL
//! INFILE` for the same rows (bench/results/load.md): the database is what limits a load.
//!
//! Columns arrive cast to the canonical types of [`crate::sql_types`].

use arrow::temporal_conversions::{date32_to_datetime, time64us_to_time, timestamp_us_to_datetime};
use chrono::{Datelike, Timelike};
use datafusion::error::{DataFusionError, Result};
use mysql_async::Value;

use crate::sql_types::{CanonicalColumn, CanonicalValues};

/// The most rows one `INSERT` carries; fewer when the columns would pass MySQL's 65,535
/// placeholders.
const MAX_ROWS_PER_STATEMENT: usize = 2000;

/// Rows per `INSERT` for a table of `columns` columns.
pub fn rows_per_statement(columns: usize) -> usize {
    (u16::MAX as usize / columns.max(1)).clamp(1, MAX_ROWS_PER_STATEMENT)
}

/// `INSERT INTO table (columns) VALUES (?, ...), ...` for `rows` rows; `table` and `columns`
/// are quoted.
pub fn statement(table: &str, columns: &[String], rows: usize) -> String {
    let row = format!("({})", vec!["?"; columns.len()].join(", "));
    format!(
        "INSERT INTO {table} ({}) VALUES {}",
        columns.join(", "),
        vec![row; rows].join(", ")
    )
}

/// Appends the values of row `row` of `columns` to `params`.
pub fn encode_row(
    columns: &[CanonicalColumn<'_>],
    row: usize,
    params: &mut Vec<Value>,
) -> Result<()> {
    for column in columns {
        params.push(value(column, row)?);
    }
    Ok(())
}

fn value(column: &CanonicalColumn<'_>, row: usize) -> Result<Value> {
    if column.is_null(row) {
        return Ok(Value::NULL);
    }
    let out_of_range = || {
        DataFusionError::Execution(
            "a date or time value is out of the range MySQL can store".into(),
        )
    };
    Ok(match &column.values {
        CanonicalValues::Boolean(a) => Value::Int(a.value(row) as i64),
        CanonicalValues::Int16(a) => Value::Int(a.value(row) as i64),
        CanonicalValues::Int32(a) => Value::Int(a.value(row) as i64),
        CanonicalValues::Int64(a) => Value::Int(a.value(row)),
        CanonicalValues::Float32(a) => Value::Float(finite(a.value(row) as f64)? as f32),
        CanonicalValues::Float64(a) => Value::Double(finite(a.value(row))?),
        CanonicalValues::Decimal128(a, _) => Value::Bytes(a.value_as_string(row).into_bytes()),
        CanonicalValues::Utf8(a) => Value::Bytes(a.value(row).as_bytes().to_vec()),
        CanonicalValues::Binary(a) => Value::Bytes(a.value(row).to_vec()),
        CanonicalValues::Date32(a) => {
            let date = date32_to_datetime(a.value(row)).ok_or_else(out_of_range)?;
            datetime(date).ok_or_else(out_of_range)?
        }
        CanonicalValues::Timestamp(a) => {
            let at = timestamp_us_to_datetime(a.value(row)).ok_or_else(out_of_range)?;
            datetime(at).ok_or_else(out_of_range)?
        }
        CanonicalValues::Time64(a) => {
            let time = time64us_to_time(a.value(row)).ok_or_else(out_of_range)?;
            Value::Time(
                false,
                0,
                time.hour() as u8,
                time.minute() as u8,
                time.second() as u8,
                time.nanosecond() / 1000,
            )
        }
    })
}

/// A date and time as MySQL's binary DATETIME, for years it can store (0..=9999).
fn datetime(at: chrono::NaiveDateTime) -> Option<Value> {
    let year = u16::try_from(at.year()).ok().filter(|y| *y <= 9999)?;
    Some(Value::Date(
        year,
        at.month() as u8,
        at.day() as u8,
        at.hour() as u8,
        at.minute() as u8,
        at.second() as u8,
        at.nanosecond() / 1000,
    ))
}

/// A float MySQL can store: it has no NaN or infinities.
fn finite(value: f64) -> Result<f64> {
    match value.is_finite() {
        true => Ok(value),
        false => Err(DataFusionError::Execution(format!(
            "MySQL cannot store the float value {value}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    use arrow::array::{
        ArrayRef, Float64Array, Int32Array, StringArray, TimestampMicrosecondArray,
    };

    #[test]
    fn rows_become_binary_parameters() {
        let columns: Vec<ArrayRef> = vec![
            Arc::new(Int32Array::from(vec![Some(1), None])),
            Arc::new(StringArray::from(vec![Some("a\tb"), Some("ü")])),
            Arc::new(TimestampMicrosecondArray::from(vec![Some(1_500_000), None])),
            Arc::new(Float64Array::from(vec![0.5, f64::NAN])),
        ];
        let views = columns
            .iter()
            .map(CanonicalColumn::of)
            .collect::<Result<Vec<_>>>()
            .unwrap();
        let mut params = vec![];
        encode_row(&views, 0, &mut params).unwrap();
        assert_eq!(
            params,
            [
                Value::Int(1),
                Value::Bytes(b"a\tb".to_vec()),
                Value::Date(1970, 1, 1, 0, 0, 1, 500_000),
                Value::Double(0.5),
            ]
        );
        let error = encode_row(&views, 1, &mut params).unwrap_err();
        assert!(error.to_string().contains("NaN"), "{error}");

        assert_eq!(
            statement("`t`", &["`a`".into(), "`b`".into()], 2),
            "INSERT INTO `t` (`a`, `b`) VALUES (?, ?), (?, ?)"
        );
        assert_eq!(rows_per_statement(12), 2000);
        assert_eq!(rows_per_statement(100), 655);
    }
}
