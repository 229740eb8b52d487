//! Arrow batches in PostgreSQL's binary `COPY` format, written column type by column type
//! straight into one buffer (no per-value allocation except for NUMERIC).
//!
//! Columns arrive cast to the canonical types of [`crate::sql_types`], each of which has one
//! binary encoding.

use arrow::array::{Array, ArrayRef};
use bytes::{BufMut, BytesMut};
use datafusion::error::{DataFusionError, Result};

use crate::sql_types::{CanonicalColumn, CanonicalValues};

/// The start of every binary COPY stream: signature, flags, header extension length.
pub const HEADER: &[u8] = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";
/// The end of every binary COPY stream.
pub const TRAILER: &[u8] = &[0xff, 0xff];

/// Microseconds between the Unix epoch and PostgreSQL's (2000-01-01).
const PG_EPOCH_MICROS: i64 = 946_684_800_000_000;
/// Days between the Unix epoch and PostgreSQL's.
const PG_EPOCH_DAYS: i32 = 10_957;

/// Appends the rows of `columns` (already canonical) to `buf` as binary COPY tuples.
pub fn encode_rows(columns: &[ArrayRef], buf: &mut BytesMut) -> Result<()> {
    let rows = columns.first().map(|c| c.len()).unwrap_or(0);
    let field_count = i16::try_from(columns.len())
        .map_err(|_| DataFusionError::Plan("too many columns for PostgreSQL".into()))?;
    let columns = columns
        .iter()
        .map(CanonicalColumn::of)
        .collect::<Result<Vec<_>>>()?;
    for row in 0..rows {
        buf.put_i16(field_count);
        for column in &columns {
            encode_value(column, row, buf)?;
        }
    }
    Ok(())
}

fn encode_value(column: &CanonicalColumn<'_>, row: usize, buf: &mut BytesMut) -> Result<()> {
    if column.is_null(row) {
        buf.put_i32(-1);
        return Ok(());
    }
    match &column.values {
        CanonicalValues::Boolean(a) => {
            buf.put_i32(1);
            buf.put_u8(a.value(row) as u8);
        }
        CanonicalValues::Int16(a) => {
            buf.put_i32(2);
            buf.put_i16(a.value(row));
        }
        CanonicalValues::Int32(a) => {
            buf.put_i32(4);
            buf.put_i32(a.value(row));
        }
        CanonicalValues::Int64(a) => {
            buf.put_i32(8);
            buf.put_i64(a.value(row));
        }
        CanonicalValues::Float32(a) => {
            buf.put_i32(4);
            buf.put_f32(a.value(row));
        }
        CanonicalValues::Float64(a) => {
            buf.put_i32(8);
            buf.put_f64(a.value(row));
        }
        CanonicalValues::Utf8(a) => {
            let value = a.value(row);
            if value.contains('\0') {
                return Err(DataFusionError::Execution(
                    "a text value contains a NUL character, which PostgreSQL text cannot store"
                        .into(),
                ));
            }
            put_bytes(buf, value.as_bytes())?;
        }
        CanonicalValues::Binary(a) => put_bytes(buf, a.value(row))?,
        CanonicalValues::Date32(a) => {
            buf.put_i32(4);
            buf.put_i32(a.value(row) - PG_EPOCH_DAYS);
        }
        CanonicalValues::Timestamp(a) => {
            buf.put_i32(8);
            buf.put_i64(a.value(row) - PG_EPOCH_MICROS);
        }
        CanonicalValues::Time64(a) => {
            buf.put_i32(8);
            buf.put_i64(a.value(row));
        }
        CanonicalValues::Decimal128(a, scale) => encode_numeric(a.value(row), *scale, buf),
    }
    Ok(())
}

fn put_bytes(buf: &mut BytesMut, bytes: &[u8]) -> Result<()> {
    let len = i32::try_from(bytes.len()).map_err(|_| {
        DataFusionError::Execution("a value is larger than PostgreSQL's 1 GB field limit".into())
    })?;
    buf.put_i32(len);
    buf.put_slice(bytes);
    Ok(())
}

/// NUMERIC's binary form: base-10000 digits with a weight (the power of the first digit),
/// a sign and the display scale.
pub(super) fn encode_numeric(value: i128, scale: i8, buf: &mut BytesMut) {
    let scale = scale.max(0) as u32;
    let magnitude = value.unsigned_abs();
    let unit = 10u128.pow(scale);
    let (mut int_part, frac_part) = (magnitude / unit, magnitude % unit);
    // Base-10000 groups, most significant first: the integer part's, then the fraction's,
    // whose last group is padded with zeros on the right (a fraction of `scale` digits takes
    // ceil(scale / 4) groups).
    let mut groups = [0i16; 24];
    let frac_groups = scale.div_ceil(4) as usize;
    let pad = frac_groups as u32 * 4 - scale;
    let mut frac = frac_part;
    for i in (0..frac_groups).rev() {
        // The last group holds the fraction's last 4 - pad digits, shifted left by pad (the
        // fraction itself is not shifted: at scale 38 that would overflow).
        let (digits, shift) = match i + 1 == frac_groups {
            true => (4 - pad, pad),
            false => (4, 0),
        };
        let base = 10u128.pow(digits);
        groups[12 + i] = ((frac % base) * 10u128.pow(shift)) as i16;
        frac /= base;
    }
    let mut int_groups = 0;
    while int_part > 0 {
        int_groups += 1;
        groups[12 - int_groups] = (int_part % 10_000) as i16;
        int_part /= 10_000;
    }
    let mut first = 12 - int_groups;
    let mut last = 12 + frac_groups;
    let mut weight = int_groups as i16 - 1;
    while first < last && groups[first] == 0 {
        first += 1;
        weight -= 1;
    }
    while last > first && groups[last - 1] == 0 {
        last -= 1;
    }
    if first == last {
        weight = 0;
    }
    let digits = &groups[first..last];
    buf.put_i32(8 + 2 * digits.len() as i32);
    buf.put_i16(digits.len() as i16);
    buf.put_i16(weight);
    buf.put_u16(if value < 0 { 0x4000 } else { 0 });
    buf.put_i16(scale as i16);
    for &g in digits {
        buf.put_i16(g);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numeric(value: i128, scale: i8) -> (i16, i16, u16, i16, Vec<i16>) {
        let mut buf = BytesMut::new();
        encode_numeric(value, scale, &mut buf);
        let b = &buf[4..];
        let read = |i: usize| i16::from_be_bytes([b[i], b[i + 1]]);
        let n = read(0);
        let digits = (0..n as usize).map(|i| read(8 + 2 * i)).collect();
        (n, read(2), read(4) as u16, read(6), digits)
    }

    #[test]
    fn numerics_become_base_10000_digits() {
        // 12345.6789
        assert_eq!(numeric(123456789, 4), (3, 1, 0, 4, vec![1, 2345, 6789]));
        // -0.05
        assert_eq!(numeric(-5, 2), (1, -1, 0x4000, 2, vec![500]));
        // 0
        assert_eq!(numeric(0, 3), (0, 0, 0, 3, vec![]));
        // 10000 (trailing zero group dropped)
        assert_eq!(numeric(10000, 0), (1, 1, 0, 0, vec![1]));
        // 0.00001
        assert_eq!(numeric(1, 5), (1, -2, 0, 5, vec![1000]));
        // 750.00, 0.5, 1.23456789 and the largest Decimal128 at scale 38 and 0
        assert_eq!(numeric(75000, 2), (1, 0, 0, 2, vec![750]));
        assert_eq!(numeric(5, 1), (1, -1, 0, 1, vec![5000]));
        assert_eq!(numeric(123456789, 8), (3, 0, 0, 8, vec![1, 2345, 6789]));
        let max = 10i128.pow(38) - 1;
        let (n, weight, _, _, digits) = numeric(max, 38);
        assert_eq!((n, weight, digits[0], digits[9]), (10, -1, 9999, 9900));
        let (n, weight, _, _, digits) = numeric(-max, 0);
        assert_eq!((n, weight, digits[0], digits[9]), (10, 9, 99, 9999));
    }
}
