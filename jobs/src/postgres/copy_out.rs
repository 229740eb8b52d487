//! PostgreSQL's binary `COPY ... TO STDOUT` stream decoded straight into Arrow builders.

use std::sync::Arc;

use arrow::array::RecordBatchOptions;
use arrow::array::{
    ArrayBuilder, ArrayRef, BinaryBuilder, BooleanBuilder, Date32Builder, Decimal128Builder,
    Float32Builder, Float64Builder, Int16Builder, Int32Builder, Int64Builder, RecordBatch,
    StringBuilder, Time64MicrosecondBuilder, TimestampMicrosecondBuilder,
};
use arrow::datatypes::{DataType, SchemaRef, TimeUnit};
use bytes::{Buf, BytesMut};
use datafusion::error::{DataFusionError, Result};
use tokio_postgres::types::Type;

/// Microseconds between the Unix epoch and PostgreSQL's (2000-01-01).
const PG_EPOCH_MICROS: i64 = 946_684_800_000_000;
/// Days between the Unix epoch and PostgreSQL's.
const PG_EPOCH_DAYS: i32 = 10_957;
/// The scale numerics without a declared one are read at (like Spark's JDBC reader).
const DEFAULT_NUMERIC_SCALE: i8 = 18;

/// The Arrow type a PostgreSQL column is read as, or `None` when it is read as text (the
/// query casts it with `::text`).
pub fn arrow_type(pg: &Type, type_modifier: i32) -> Option<DataType> {
    Some(match *pg {
        Type::BOOL => DataType::Boolean,
        Type::INT2 => DataType::Int16,
        Type::INT4 => DataType::Int32,
        Type::INT8 => DataType::Int64,
        Type::FLOAT4 => DataType::Float32,
        Type::FLOAT8 => DataType::Float64,
        Type::NUMERIC if type_modifier >= 4 => {
            let precision = (((type_modifier - 4) >> 16) & 0xffff) as u8;
            let scale = ((type_modifier - 4) & 0xffff) as i8;
            DataType::Decimal128(precision.clamp(1, 38), scale)
        }
        Type::NUMERIC => DataType::Decimal128(38, DEFAULT_NUMERIC_SCALE),
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME => DataType::Utf8,
        Type::BYTEA => DataType::Binary,
        Type::DATE => DataType::Date32,
        Type::TIMESTAMP => DataType::Timestamp(TimeUnit::Microsecond, None),
        Type::TIMESTAMPTZ => DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
        Type::TIME => DataType::Time64(TimeUnit::Microsecond),
        _ => return None,
    })
}

/// Builds record batches from a binary COPY stream fed chunk by chunk.
pub struct CopyDecoder {
    schema: SchemaRef,
    builders: Vec<Box<dyn ArrayBuilder>>,
    /// Per column, the scale decimals are built at.
    scales: Vec<i8>,
    pending: BytesMut,
    header_read: bool,
    finished: bool,
    rows: usize,
}

fn malformed(what: &str) -> DataFusionError {
    DataFusionError::Execution(format!(
        "malformed binary COPY stream from PostgreSQL: {what}"
    ))
}

impl CopyDecoder {
    pub fn new(schema: SchemaRef) -> Self {
        let builders = schema
            .fields()
            .iter()
            .map(|f| arrow::array::make_builder(f.data_type(), 8192))
            .collect();
        let scales = schema
            .fields()
            .iter()
            .map(|f| match f.data_type() {
                DataType::Decimal128(_, scale) => *scale,
                _ => 0,
            })
            .collect();
        Self {
            schema,
            builders,
            scales,
            pending: BytesMut::new(),
            header_read: false,
            finished: false,
            rows: 0,
        }
    }

    /// Rows decoded and not yet taken by [`Self::take_batch`].
    pub fn buffered_rows(&self) -> usize {
        self.rows
    }

    /// Decodes every complete tuple in `chunk` (plus what was left from earlier chunks).
    pub fn feed(&mut self, chunk: &[u8]) -> Result<()> {
        self.pending.extend_from_slice(chunk);
        if !self.header_read {
            if self.pending.len() < 19 {
                return Ok(());
            }
            if &self.pending[..11] != b"PGCOPY\n\xff\r\n\0" {
                return Err(malformed("bad signature"));
            }
            let extension = u32::from_be_bytes(self.pending[15..19].try_into().unwrap()) as usize;
            if self.pending.len() < 19 + extension {
                return Ok(());
            }
            self.pending.advance(19 + extension);
            self.header_read = true;
        }
        while let Some(length) = self.complete_tuple_length()? {
            let mut tuple = self.pending.split_to(length);
            let fields = tuple.get_i16();
            if fields == -1 {
                self.finished = true;
                return Ok(());
            }
            for (builder, scale) in self.builders.iter_mut().zip(&self.scales) {
                let size = tuple.get_i32();
                if size < 0 {
                    append_null(builder.as_mut());
                } else {
                    let value = tuple.split_to(size as usize);
                    append_value(builder.as_mut(), &value, *scale)?;
                }
            }
            self.rows += 1;
        }
        Ok(())
    }

    /// The byte length of the next tuple when it is wholly buffered.
    fn complete_tuple_length(&self) -> Result<Option<usize>> {
        if self.finished || self.pending.len() < 2 {
            return Ok(None);
        }
        let fields = i16::from_be_bytes([self.pending[0], self.pending[1]]);
        if fields == -1 {
            return Ok(Some(2));
        }
        if fields as usize != self.builders.len() {
            return Err(malformed(&format!(
                "{fields} fields in a row, expected {}",
                self.builders.len()
            )));
        }
        let mut at = 2;
        for _ in 0..fields {
            if self.pending.len() < at + 4 {
                return Ok(None);
            }
            let size = i32::from_be_bytes(self.pending[at..at + 4].try_into().unwrap());
            at += 4 + size.max(0) as usize;
        }
        Ok((self.pending.len() >= at).then_some(at))
    }

    /// The rows decoded so far as one batch.
    pub fn take_batch(&mut self) -> Result<RecordBatch> {
        let columns: Vec<ArrayRef> = self.builders.iter_mut().map(|b| b.finish()).collect();
        // Row count given explicitly: a query may select no columns (e.g. for count(*)).
        let options = RecordBatchOptions::new().with_row_count(Some(self.rows));
        self.rows = 0;
        Ok(RecordBatch::try_new_with_options(
            Arc::clone(&self.schema),
            columns,
            &options,
        )?)
    }
}

fn append_null(builder: &mut dyn ArrayBuilder) {
    macro_rules! null {
        ($($t:ty),*) => {
            $(if let Some(b) = builder.as_any_mut().downcast_mut::<$t>() { return b.append_null(); })*
        };
    }
    null!(
        BooleanBuilder,
        Int16Builder,
        Int32Builder,
        Int64Builder,
        Float32Builder,
        Float64Builder,
        Decimal128Builder,
        StringBuilder,
        BinaryBuilder,
        Date32Builder,
        TimestampMicrosecondBuilder,
        Time64MicrosecondBuilder
    );
}

fn append_value(builder: &mut dyn ArrayBuilder, mut value: &[u8], scale: i8) -> Result<()> {
    let any = builder.as_any_mut();
    if let Some(b) = any.downcast_mut::<BooleanBuilder>() {
        b.append_value(value.first() == Some(&1));
    } else if let Some(b) = any.downcast_mut::<Int16Builder>() {
        b.append_value(value.get_i16());
    } else if let Some(b) = any.downcast_mut::<Int32Builder>() {
        b.append_value(value.get_i32());
    } else if let Some(b) = any.downcast_mut::<Int64Builder>() {
        b.append_value(value.get_i64());
    } else if let Some(b) = any.downcast_mut::<Float32Builder>() {
        b.append_value(value.get_f32());
    } else if let Some(b) = any.downcast_mut::<Float64Builder>() {
        b.append_value(value.get_f64());
    } else if let Some(b) = any.downcast_mut::<StringBuilder>() {
        b.append_value(
            std::str::from_utf8(value).map_err(|_| malformed("text that is not UTF-8"))?,
        );
    } else if let Some(b) = any.downcast_mut::<BinaryBuilder>() {
        b.append_value(value);
    } else if let Some(b) = any.downcast_mut::<Date32Builder>() {
        b.append_value(value.get_i32() + PG_EPOCH_DAYS);
    } else if let Some(b) = any.downcast_mut::<TimestampMicrosecondBuilder>() {
        b.append_value(value.get_i64() + PG_EPOCH_MICROS);
    } else if let Some(b) = any.downcast_mut::<Time64MicrosecondBuilder>() {
        b.append_value(value.get_i64());
    } else if let Some(b) = any.downcast_mut::<Decimal128Builder>() {
        b.append_value(decode_numeric(value, scale)?);
    } else {
        return Err(malformed("a column of an unexpected type"));
    }
    Ok(())
}

/// NUMERIC's binary form (base-10000 digits, weight, sign, scale) as an integer at `scale`.
fn decode_numeric(mut value: &[u8], scale: i8) -> Result<i128> {
    let digits = value.get_i16();
    let weight = value.get_i16() as i32;
    let sign = value.get_u16();
    let _display_scale = value.get_i16();
    if sign == 0xC000 {
        return Err(DataFusionError::Execution(
            "a NUMERIC value is NaN, which Arrow decimals cannot hold".into(),
        ));
    }
    // value = sum(digit[i] * 10000^(weight - i)); scaled by 10^scale.
    let mut result: i128 = 0;
    let scale = scale as i32;
    for i in 0..digits as i32 {
        let digit = value.get_i16() as i128;
        let exponent = 4 * (weight - i) + scale;
        if exponent >= 0 {
            result = result
                .checked_add(
                    digit
                        .checked_mul(10i128.pow(exponent as u32))
                        .ok_or_else(overflow)?,
                )
                .ok_or_else(overflow)?;
        } else if exponent > -4 {
            // Digits below the target scale are truncated.
            result += digit / 10i128.pow((-exponent) as u32);
        }
    }
    Ok(if sign == 0x4000 { -result } else { result })
}

fn overflow() -> DataFusionError {
    DataFusionError::Execution("a NUMERIC value does not fit a 38-digit decimal".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::BufMut;

    fn numeric(digits: &[i16], weight: i16, negative: bool) -> Vec<u8> {
        let mut buf = BytesMut::new();
        buf.put_i16(digits.len() as i16);
        buf.put_i16(weight);
        buf.put_u16(if negative { 0x4000 } else { 0 });
        buf.put_i16(0);
        for d in digits {
            buf.put_i16(*d);
        }
        buf.to_vec()
    }

    #[test]
    fn numerics_decode_at_the_column_scale() {
        // 12345.6789 at scale 4
        assert_eq!(
            decode_numeric(&numeric(&[1, 2345, 6789], 1, false), 4).unwrap(),
            123456789
        );
        // -0.05 at scale 2
        assert_eq!(decode_numeric(&numeric(&[500], -1, true), 2).unwrap(), -5);
        // 10000 at scale 0
        assert_eq!(decode_numeric(&numeric(&[1], 1, false), 0).unwrap(), 10000);
    }
}
