//! Arrow rows in the text format `LOAD DATA` reads by default: fields separated by tabs, rows
//! by newlines, `\N` for null, and backslash escapes for backslash, tab, newline, carriage
//! return and NUL. Binary columns travel as hex and are decoded by `UNHEX` in the statement.
//!
//! Columns arrive cast to the canonical types of [`crate::sql_types`].

use std::io::Write;

use arrow::array::ArrayRef;
use arrow::datatypes::DataType;
use arrow::temporal_conversions::{date32_to_datetime, time64us_to_time, timestamp_us_to_datetime};
use datafusion::error::{DataFusionError, Result};

use crate::sql_types::{CanonicalColumn, CanonicalValues};

/// The `LOAD DATA` statement for rows encoded by [`encode_rows`]: `columns` are quoted names
/// with their canonical types.
pub fn statement(table: &str, columns: &[(String, DataType)]) -> String {
    let mut targets = vec![];
    let mut decodes = vec![];
    for (i, (name, data_type)) in columns.iter().enumerate() {
        if *data_type == DataType::Binary {
            targets.push(format!("@hex{i}"));
            decodes.push(format!("{name} = UNHEX(@hex{i})"));
        } else {
            targets.push(name.clone());
        }
    }
    let mut sql = format!(
        "LOAD DATA LOCAL INFILE 'kiln-rows' INTO TABLE {table} CHARACTER SET utf8mb4 \
         FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' ({})",
        targets.join(", ")
    );
    if !decodes.is_empty() {
        sql.push_str(&format!(" SET {}", decodes.join(", ")));
    }
    sql
}

/// Appends the rows of `columns` (already canonical) to `buf`.
pub fn encode_rows(columns: &[ArrayRef], buf: &mut Vec<u8>) -> Result<()> {
    let rows = columns.first().map(|c| c.len()).unwrap_or(0);
    let columns = columns
        .iter()
        .map(CanonicalColumn::of)
        .collect::<Result<Vec<_>>>()?;
    for row in 0..rows {
        for (i, column) in columns.iter().enumerate() {
            if i > 0 {
                buf.push(b'\t');
            }
            encode_value(column, row, buf)?;
        }
        buf.push(b'\n');
    }
    Ok(())
}

fn encode_value(column: &CanonicalColumn<'_>, row: usize, buf: &mut Vec<u8>) -> Result<()> {
    if column.is_null(row) {
        buf.extend_from_slice(b"\\N");
        return Ok(());
    }
    let out_of_range = || {
        DataFusionError::Execution(
            "a date or time value is out of the range MySQL can store".into(),
        )
    };
    match &column.values {
        CanonicalValues::Boolean(a) => buf.push(if a.value(row) { b'1' } else { b'0' }),
        CanonicalValues::Int16(a) => write!(buf, "{}", a.value(row))?,
        CanonicalValues::Int32(a) => write!(buf, "{}", a.value(row))?,
        CanonicalValues::Int64(a) => write!(buf, "{}", a.value(row))?,
        CanonicalValues::Float32(a) => write_float(buf, a.value(row) as f64)?,
        CanonicalValues::Float64(a) => write_float(buf, a.value(row))?,
        CanonicalValues::Decimal128(a, _) => {
            buf.extend_from_slice(a.value_as_string(row).as_bytes())
        }
        CanonicalValues::Utf8(a) => escape(buf, a.value(row).as_bytes()),
        CanonicalValues::Binary(a) => {
            for byte in a.value(row) {
                write!(buf, "{byte:02x}")?;
            }
        }
        CanonicalValues::Date32(a) => {
            let date = date32_to_datetime(a.value(row)).ok_or_else(out_of_range)?;
            write!(buf, "{}", date.format("%Y-%m-%d"))?;
        }
        CanonicalValues::Timestamp(a) => {
            let at = timestamp_us_to_datetime(a.value(row)).ok_or_else(out_of_range)?;
            write!(buf, "{}", at.format("%Y-%m-%d %H:%M:%S%.6f"))?;
        }
        CanonicalValues::Time64(a) => {
            let time = time64us_to_time(a.value(row)).ok_or_else(out_of_range)?;
            write!(buf, "{}", time.format("%H:%M:%S%.6f"))?;
        }
    }
    Ok(())
}

/// Floats in their shortest exact form; MySQL cannot store NaN or infinities.
fn write_float(buf: &mut Vec<u8>, value: f64) -> Result<()> {
    if !value.is_finite() {
        return Err(DataFusionError::Execution(format!(
            "MySQL cannot store the float value {value}"
        )));
    }
    write!(buf, "{value}")?;
    Ok(())
}

fn escape(buf: &mut Vec<u8>, text: &[u8]) {
    for &byte in text {
        match byte {
            b'\\' => buf.extend_from_slice(b"\\\\"),
            b'\t' => buf.extend_from_slice(b"\\t"),
            b'\n' => buf.extend_from_slice(b"\\n"),
            b'\r' => buf.extend_from_slice(b"\\r"),
            0 => buf.extend_from_slice(b"\\0"),
            _ => buf.push(byte),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    use arrow::array::{BinaryArray, Int32Array, StringArray};

    #[test]
    fn rows_are_tab_separated_with_escapes_nulls_and_hex() {
        let columns: Vec<ArrayRef> = vec![
            Arc::new(Int32Array::from(vec![Some(1), None])),
            Arc::new(StringArray::from(vec![Some("a\tb\\c\nd"), Some("ü")])),
            Arc::new(BinaryArray::from(vec![Some(&[0u8, 255][..]), None])),
        ];
        let mut buf = vec![];
        encode_rows(&columns, &mut buf).unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "1\ta\\tb\\\\c\\nd\t00ff\n\\N\tü\t\\N\n"
        );
        let sql = statement(
            "`t`",
            &[
                ("`id`".into(), DataType::Int32),
                ("`b`".into(), DataType::Binary),
            ],
        );
        assert!(
            sql.ends_with("(`id`, @hex1) SET `b` = UNHEX(@hex1)"),
            "{sql}"
        );
    }
}
