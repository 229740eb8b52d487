//! PostgreSQL's binary `COPY ... TO STDOUT` stream decoded straight into Arrow builders.

use std::sync::Arc;

use arrow::array::RecordBatchOptions;
use arrow::array::{
    ArrayRef, BinaryBuilder, BooleanBuilder, Date32Builder, Decimal128Builder, Float32Builder,
    Float64Builder, Int16Builder, Int32Builder, Int64Builder, RecordBatch, StringBuilder,
    Time64MicrosecondBuilder, TimestampMicrosecondBuilder,
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
    builders: Vec<ColumnBuilder>,
    pending: BytesMut,
    header_read: bool,
    finished: bool,
    rows: usize,
    /// Rows decoded since the stream began, to name a bad one.
    rows_read: u64,
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
            .map(|f| ColumnBuilder::new(f.data_type()))
            .collect();
        Self {
            schema,
            builders,
            pending: BytesMut::new(),
            header_read: false,
            finished: false,
            rows: 0,
            rows_read: 0,
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
            self.rows_read += 1;
            // A read of no columns (count(*)) selects one constant per row, read as nothing.
            let fields = fields as usize;
            for (column, builder) in self.builders.iter_mut().enumerate().take(fields) {
                let size = tuple.get_i32();
                if size < 0 {
                    builder.append_null();
                } else {
                    let value = tuple.split_to(size as usize);
                    builder.append_value(&value).map_err(|why| {
                        DataFusionError::Execution(format!(
                            "column '{}' of row {} read: {why}",
                            self.schema.field(column).name(),
                            self.rows_read
                        ))
                    })?;
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
        if fields as usize != self.builders.len() && !self.builders.is_empty() {
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

/// A builder for one column, by canonical type, so each value is appended without asking the
/// builder's type again.
enum ColumnBuilder {
    Boolean(BooleanBuilder),
    Int16(Int16Builder),
    Int32(Int32Builder),
    Int64(Int64Builder),
    Float32(Float32Builder),
    Float64(Float64Builder),
    Utf8(StringBuilder),
    Binary(BinaryBuilder),
    Date32(Date32Builder),
    Timestamp(TimestampMicrosecondBuilder),
    Time64(Time64MicrosecondBuilder),
    Decimal128(Decimal128Builder, u8, i8),
}

impl ColumnBuilder {
    /// A builder for a type [`arrow_type`] returns (anything else is read as text).
    fn new(data_type: &DataType) -> Self {
        match data_type {
            DataType::Boolean => Self::Boolean(BooleanBuilder::new()),
            DataType::Int16 => Self::Int16(Int16Builder::new()),
            DataType::Int32 => Self::Int32(Int32Builder::new()),
            DataType::Int64 => Self::Int64(Int64Builder::new()),
            DataType::Float32 => Self::Float32(Float32Builder::new()),
            DataType::Float64 => Self::Float64(Float64Builder::new()),
            DataType::Binary => Self::Binary(BinaryBuilder::new()),
            DataType::Date32 => Self::Date32(Date32Builder::new()),
            DataType::Timestamp(_, zone) => {
                Self::Timestamp(TimestampMicrosecondBuilder::new().with_timezone_opt(zone.clone()))
            }
            DataType::Time64(_) => Self::Time64(Time64MicrosecondBuilder::new()),
            DataType::Decimal128(precision, scale) => Self::Decimal128(
                Decimal128Builder::new().with_data_type(DataType::Decimal128(*precision, *scale)),
                *precision,
                *scale,
            ),
            _ => Self::Utf8(StringBuilder::new()),
        }
    }

    fn append_null(&mut self) {
        match self {
            Self::Boolean(b) => b.append_null(),
            Self::Int16(b) => b.append_null(),
            Self::Int32(b) => b.append_null(),
            Self::Int64(b) => b.append_null(),
            Self::Float32(b) => b.append_null(),
            Self::Float64(b) => b.append_null(),
            Self::Utf8(b) => b.append_null(),
            Self::Binary(b) => b.append_null(),
            Self::Date32(b) => b.append_null(),
            Self::Timestamp(b) => b.append_null(),
            Self::Time64(b) => b.append_null(),
            Self::Decimal128(b, ..) => b.append_null(),
        }
    }

    /// The byte width of the type's binary form, for types of fixed width.
    fn width(&self) -> Option<usize> {
        match self {
            Self::Boolean(_) => Some(1),
            Self::Int16(_) => Some(2),
            Self::Int32(_) | Self::Float32(_) | Self::Date32(_) => Some(4),
            Self::Int64(_) | Self::Float64(_) | Self::Timestamp(_) | Self::Time64(_) => Some(8),
            Self::Utf8(_) | Self::Binary(_) | Self::Decimal128(..) => None,
        }
    }

    /// Appends one value in PostgreSQL's binary form; says why when Arrow cannot hold it, or
    /// when the value is not of its type's width (a server or proxy that sends such a stream
    /// gets an error, not a crash).
    fn append_value(&mut self, mut value: &[u8]) -> Result<(), BadValue> {
        if let Some(width) = self.width().filter(|width| *width != value.len()) {
            return Err(BadValue(format!(
                "a value of {} bytes where its type takes {width}",
                value.len()
            )));
        }
        match self {
            Self::Boolean(b) => b.append_value(value.first() == Some(&1)),
            Self::Int16(b) => b.append_value(value.get_i16()),
            Self::Int32(b) => b.append_value(value.get_i32()),
            Self::Int64(b) => b.append_value(value.get_i64()),
            Self::Float32(b) => b.append_value(value.get_f32()),
            Self::Float64(b) => b.append_value(value.get_f64()),
            Self::Utf8(b) => b.append_value(
                std::str::from_utf8(value).map_err(|_| BadValue::from("text that is not UTF-8"))?,
            ),
            Self::Binary(b) => b.append_value(value),
            Self::Date32(b) => {
                let days = value.get_i32();
                infinite(days == i32::MAX, days == i32::MIN, "date")?;
                b.append_value(
                    days.checked_add(PG_EPOCH_DAYS)
                        .ok_or("a date out of range")?,
                )
            }
            Self::Timestamp(b) => {
                let micros = value.get_i64();
                infinite(micros == i64::MAX, micros == i64::MIN, "timestamp")?;
                let micros = micros.checked_add(PG_EPOCH_MICROS);
                b.append_value(micros.ok_or("a timestamp out of range")?)
            }
            Self::Time64(b) => b.append_value(value.get_i64()),
            Self::Decimal128(b, precision, scale) => {
                b.append_value(decode_numeric(value, *precision, *scale)?)
            }
        }
        Ok(())
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Self::Boolean(b) => Arc::new(b.finish()),
            Self::Int16(b) => Arc::new(b.finish()),
            Self::Int32(b) => Arc::new(b.finish()),
            Self::Int64(b) => Arc::new(b.finish()),
            Self::Float32(b) => Arc::new(b.finish()),
            Self::Float64(b) => Arc::new(b.finish()),
            Self::Utf8(b) => Arc::new(b.finish()),
            Self::Binary(b) => Arc::new(b.finish()),
            Self::Date32(b) => Arc::new(b.finish()),
            Self::Timestamp(b) => Arc::new(b.finish()),
            Self::Time64(b) => Arc::new(b.finish()),
            Self::Decimal128(b, ..) => Arc::new(b.finish()),
        }
    }
}

/// Why a value cannot be read into its Arrow column.
#[derive(Debug, PartialEq)]
pub(super) struct BadValue(String);

impl From<&str> for BadValue {
    fn from(why: &str) -> Self {
        Self(why.to_string())
    }
}

impl std::fmt::Display for BadValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Refuses PostgreSQL's `'infinity'` and `'-infinity'`, which Arrow's `what`s cannot hold.
fn infinite(positive: bool, negative: bool, what: &str) -> Result<(), BadValue> {
    let sign = match (positive, negative) {
        (true, _) => "",
        (_, true) => "-",
        _ => return Ok(()),
    };
    Err(BadValue(format!(
        "'{sign}infinity', which an Arrow {what} cannot hold: filter it out of the source \
         (a query with WHERE isfinite(column)) or map it to a value in the query"
    )))
}

/// NUMERIC's binary form (base-10000 digits, weight, sign, scale) as an integer at `scale`,
/// refused unless it fits `DECIMAL(precision, scale)`.
pub(super) fn decode_numeric(mut value: &[u8], precision: u8, scale: i8) -> Result<i128, BadValue> {
    let malformed = || BadValue::from("a NUMERIC whose binary form is cut short");
    if value.len() < 8 {
        return Err(malformed());
    }
    let digits = value.get_i16();
    if digits < 0 || value.len() < 6 + 2 * digits as usize {
        return Err(malformed());
    }
    let weight = value.get_i16() as i32;
    let sign = value.get_u16();
    let _display_scale = value.get_i16();
    let special = match sign {
        0xC000 => Some("NaN"),
        0xD000 => Some("Infinity"),
        0xF000 => Some("-Infinity"),
        _ => None,
    };
    if let Some(special) = special {
        return Err(BadValue(format!(
            "a NUMERIC '{special}', which Arrow decimals cannot hold"
        )));
    }
    let overflow = || {
        BadValue(format!(
            "a NUMERIC value that does not fit DECIMAL({precision}, {scale}) (a NUMERIC \
             declared without precision is read as DECIMAL(38, {DEFAULT_NUMERIC_SCALE})): \
             declare the column NUMERIC(p, s) or cast it in a query source"
        ))
    };
    // value = sum(digit[i] * 10000^(weight - i)); scaled by 10^scale.
    let mut result: i128 = 0;
    let scale = scale as i32;
    for i in 0..digits as i32 {
        let digit = value.get_i16() as i128;
        let exponent = 4 * (weight - i) + scale;
        let term = if exponent >= 0 {
            10i128
                .checked_pow(exponent as u32)
                .and_then(|power| digit.checked_mul(power))
                .ok_or_else(overflow)?
        } else if exponent > -4 {
            // Digits below the target scale are truncated.
            digit / 10i128.pow((-exponent) as u32)
        } else {
            0
        };
        result = result.checked_add(term).ok_or_else(overflow)?;
    }
    if result >= 10i128.pow(precision as u32) {
        return Err(overflow());
    }
    Ok(if sign == 0x4000 { -result } else { result })
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
            decode_numeric(&numeric(&[1, 2345, 6789], 1, false), 10, 4).unwrap(),
            123456789
        );
        // -0.05 at scale 2
        assert_eq!(
            decode_numeric(&numeric(&[500], -1, true), 5, 2).unwrap(),
            -5
        );
        // 10000 at scale 0
        assert_eq!(
            decode_numeric(&numeric(&[1], 1, false), 5, 0).unwrap(),
            10000
        );
    }

    #[test]
    fn numerics_that_do_not_fit_their_decimal_are_refused() {
        // 1e30 at the default scale: 48 digits.
        let huge = decode_numeric(&numeric(&[100], 7, false), 38, 18).unwrap_err();
        assert!(huge.0.contains("does not fit DECIMAL(38, 18)"), "{huge}");
        // 10000 needs 5 digits, not 4.
        assert!(decode_numeric(&numeric(&[1], 1, false), 4, 0).is_err());
        for (sign, name) in [
            (0xC000u16, "NaN"),
            (0xD000, "Infinity"),
            (0xF000, "-Infinity"),
        ] {
            let mut value = numeric(&[], 0, false);
            value[4..6].copy_from_slice(&sign.to_be_bytes());
            let error = decode_numeric(&value, 38, 18).unwrap_err();
            assert!(error.0.contains(&format!("'{name}'")), "{error}");
        }
    }

    #[test]
    fn a_read_of_no_columns_counts_the_rows_of_its_constant() {
        let mut stream = BytesMut::new();
        stream.put_slice(b"PGCOPY\n\xff\r\n\0");
        stream.put_i32(0);
        stream.put_i32(0);
        for _ in 0..3 {
            // SELECT 1: one int4 field per row.
            stream.put_i16(1);
            stream.put_i32(4);
            stream.put_i32(1);
        }
        stream.put_i16(-1);
        let mut decoder = CopyDecoder::new(Arc::new(arrow::datatypes::Schema::empty()));
        decoder.feed(&stream).unwrap();
        assert_eq!(decoder.take_batch().unwrap().num_rows(), 3);
    }

    #[test]
    fn infinite_dates_and_timestamps_name_their_column_and_row() {
        use arrow::datatypes::{Field, Schema};
        let schema = Arc::new(Schema::new(vec![
            Field::new("day", DataType::Date32, true),
            Field::new("at", DataType::Timestamp(TimeUnit::Microsecond, None), true),
        ]));
        let mut stream = BytesMut::new();
        stream.put_slice(b"PGCOPY\n\xff\r\n\0");
        stream.put_i32(0);
        stream.put_i32(0);
        for (day, at) in [(1, 5i64), (2, i64::MIN)] {
            stream.put_i16(2);
            stream.put_i32(4);
            stream.put_i32(day);
            stream.put_i32(8);
            stream.put_i64(at);
        }
        let mut decoder = CopyDecoder::new(schema);
        let error = decoder.feed(&stream).unwrap_err().to_string();
        assert!(
            error.contains("column 'at' of row 2 read: '-infinity'"),
            "{error}"
        );
        let mut day = ColumnBuilder::new(&DataType::Date32);
        let error = day.append_value(&i32::MAX.to_be_bytes()).unwrap_err();
        assert!(error.0.starts_with("'infinity'"), "{error}");
    }

    proptest::proptest! {
        /// Whatever a server (or something pretending to be one) sends after a valid header,
        /// in whatever chunks, decoding ends in rows or an error, never a panic.
        #[test]
        fn arbitrary_copy_streams_never_panic(
            body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400),
            tuples in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::option::of(proptest::collection::vec(
                        proptest::prelude::any::<u8>(), 0..12,
                    )),
                    0..5,
                ),
                0..6,
            ),
            chunk in 1usize..40,
        ) {
            let schema = Arc::new(arrow::datatypes::Schema::new(vec![
                arrow::datatypes::Field::new("i", DataType::Int32, true),
                arrow::datatypes::Field::new("n", DataType::Decimal128(20, 4), true),
                arrow::datatypes::Field::new("t", DataType::Utf8, true),
                arrow::datatypes::Field::new("d", DataType::Date32, true),
            ]));
            let mut stream = BytesMut::new();
            stream.extend_from_slice(b"PGCOPY\n\xff\r\n\0");
            stream.put_i32(0);
            stream.put_i32(0);
            // Tuples with the right field count but any sizes and bytes, then anything.
            for fields in &tuples {
                stream.put_i16(fields.len() as i16);
                for field in fields {
                    match field {
                        None => stream.put_i32(-1),
                        Some(bytes) => {
                            stream.put_i32(bytes.len() as i32);
                            stream.extend_from_slice(bytes);
                        }
                    }
                }
            }
            stream.extend_from_slice(&body);
            let mut decoder = CopyDecoder::new(schema);
            for piece in stream.chunks(chunk) {
                if decoder.feed(piece).is_err() {
                    break;
                }
            }
            let _ = decoder.take_batch();
        }

        /// Kiln's NUMERIC encoder (the sink's) and decoder (the source's) agree on every value
        /// a DECIMAL(38, s) holds.
        #[test]
        fn numerics_round_trip(value in -(10i128.pow(38) - 1)..10i128.pow(38), scale in 0i8..=38) {
            let mut buf = BytesMut::new();
            super::super::copy::encode_numeric(value, scale, &mut buf);
            let decoded = decode_numeric(&buf[4..], 38, scale).unwrap();
            proptest::prop_assert_eq!(decoded, value);
        }

        /// Any bytes as a NUMERIC: a value or an error.
        #[test]
        fn arbitrary_numerics_never_panic(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40),
            precision in 1u8..=38,
            scale in 0i8..=38,
        ) {
            let _ = decode_numeric(&bytes, precision, scale.min(precision as i8));
        }
    }
}
