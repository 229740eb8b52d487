//! How Arrow columns map to SQL database types: every column is first cast to a small
//! canonical set of Arrow types, each of which has one type per database and one encoding.

use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, AsArray, BinaryArray, BooleanArray, Date32Array, Decimal128Array,
    Float32Array, Float64Array, Int16Array, Int32Array, Int64Array, RecordBatch, StringArray,
    Time64MicrosecondArray, TimestampMicrosecondArray,
};
use arrow::buffer::NullBuffer;
use arrow::datatypes::{
    DataType, Date32Type, Decimal128Type, Float32Type, Float64Type, Int16Type, Int32Type,
    Int64Type, Time64MicrosecondType, TimeUnit, TimestampMicrosecondType,
};
use datafusion::error::{DataFusionError, Result};

/// The Arrow type a column is cast to before encoding, or an error naming what is unsupported.
pub fn canonical_type(data_type: &DataType) -> Result<DataType> {
    Ok(match data_type {
        DataType::Boolean
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::Float32
        | DataType::Float64
        | DataType::Utf8
        | DataType::Binary
        | DataType::Date32
        | DataType::Decimal128(_, _) => data_type.clone(),
        DataType::Null => DataType::Utf8,
        DataType::Int8 | DataType::UInt8 => DataType::Int16,
        DataType::UInt16 => DataType::Int32,
        DataType::UInt32 => DataType::Int64,
        DataType::UInt64 => DataType::Decimal128(20, 0),
        DataType::Float16 => DataType::Float32,
        DataType::LargeUtf8 | DataType::Utf8View => DataType::Utf8,
        DataType::LargeBinary | DataType::BinaryView | DataType::FixedSizeBinary(_) => {
            DataType::Binary
        }
        DataType::Date64 => DataType::Date32,
        DataType::Timestamp(_, zone) => DataType::Timestamp(TimeUnit::Microsecond, zone.clone()),
        DataType::Time32(_) | DataType::Time64(_) => DataType::Time64(TimeUnit::Microsecond),
        DataType::Decimal32(p, s) | DataType::Decimal64(p, s) => DataType::Decimal128(*p, *s),
        DataType::Dictionary(_, value) => canonical_type(value)?,
        other => {
            return Err(DataFusionError::NotImplemented(format!(
                "database sinks cannot store Arrow type {other}"
            )));
        }
    })
}

/// The PostgreSQL type of a canonical Arrow type.
pub fn postgres_type(data_type: &DataType) -> String {
    match data_type {
        DataType::Boolean => "boolean".into(),
        DataType::Int16 => "smallint".into(),
        DataType::Int32 => "integer".into(),
        DataType::Int64 => "bigint".into(),
        DataType::Float32 => "real".into(),
        DataType::Float64 => "double precision".into(),
        DataType::Binary => "bytea".into(),
        DataType::Date32 => "date".into(),
        DataType::Timestamp(_, None) => "timestamp".into(),
        DataType::Timestamp(_, Some(_)) => "timestamptz".into(),
        DataType::Time64(_) => "time".into(),
        DataType::Decimal128(p, s) => format!("numeric({p}, {s})"),
        _ => "text".into(),
    }
}

/// The MySQL/MariaDB type of a canonical Arrow type. Timestamps with a zone are stored as UTC.
pub fn mysql_type(data_type: &DataType) -> Result<String> {
    Ok(match data_type {
        DataType::Boolean => "BOOLEAN".into(),
        DataType::Int16 => "SMALLINT".into(),
        DataType::Int32 => "INT".into(),
        DataType::Int64 => "BIGINT".into(),
        DataType::Float32 => "FLOAT".into(),
        DataType::Float64 => "DOUBLE".into(),
        DataType::Binary => "LONGBLOB".into(),
        DataType::Date32 => "DATE".into(),
        DataType::Timestamp(_, _) => "DATETIME(6)".into(),
        DataType::Time64(_) => "TIME(6)".into(),
        DataType::Decimal128(p, s) if *p <= 65 && *s <= 30 => format!("DECIMAL({p}, {s})"),
        DataType::Decimal128(p, s) => {
            return Err(DataFusionError::NotImplemented(format!(
                "MySQL decimals hold at most 65 digits and 30 after the point, not ({p}, {s})"
            )));
        }
        _ => "LONGTEXT".into(),
    })
}

/// Casts every column of `batch` to its canonical type.
pub fn canonical_batch(batch: &RecordBatch) -> Result<Vec<ArrayRef>> {
    batch
        .columns()
        .iter()
        .map(|column| {
            let target = canonical_type(column.data_type())?;
            if &target == column.data_type() {
                Ok(Arc::clone(column))
            } else {
                Ok(arrow::compute::cast(column, &target)?)
            }
        })
        .collect()
}

/// A column of canonical type, downcast once per batch so encoders read values without
/// looking at the type again for every row.
pub struct CanonicalColumn<'a> {
    nulls: Option<&'a NullBuffer>,
    pub values: CanonicalValues<'a>,
}

/// The typed values of a [`CanonicalColumn`].
pub enum CanonicalValues<'a> {
    Boolean(&'a BooleanArray),
    Int16(&'a Int16Array),
    Int32(&'a Int32Array),
    Int64(&'a Int64Array),
    Float32(&'a Float32Array),
    Float64(&'a Float64Array),
    Utf8(&'a StringArray),
    Binary(&'a BinaryArray),
    Date32(&'a Date32Array),
    /// Microseconds since the epoch (UTC when the column has a zone).
    Timestamp(&'a TimestampMicrosecondArray),
    /// Microseconds since midnight.
    Time64(&'a Time64MicrosecondArray),
    Decimal128(&'a Decimal128Array, i8),
}

impl<'a> CanonicalColumn<'a> {
    /// Views a column already cast by [`canonical_batch`].
    pub fn of(column: &'a ArrayRef) -> Result<Self> {
        let values = match column.data_type() {
            DataType::Boolean => CanonicalValues::Boolean(column.as_boolean()),
            DataType::Int16 => CanonicalValues::Int16(column.as_primitive::<Int16Type>()),
            DataType::Int32 => CanonicalValues::Int32(column.as_primitive::<Int32Type>()),
            DataType::Int64 => CanonicalValues::Int64(column.as_primitive::<Int64Type>()),
            DataType::Float32 => CanonicalValues::Float32(column.as_primitive::<Float32Type>()),
            DataType::Float64 => CanonicalValues::Float64(column.as_primitive::<Float64Type>()),
            DataType::Utf8 => CanonicalValues::Utf8(column.as_string::<i32>()),
            DataType::Binary => CanonicalValues::Binary(column.as_binary::<i32>()),
            DataType::Date32 => CanonicalValues::Date32(column.as_primitive::<Date32Type>()),
            DataType::Timestamp(_, _) => {
                CanonicalValues::Timestamp(column.as_primitive::<TimestampMicrosecondType>())
            }
            DataType::Time64(_) => {
                CanonicalValues::Time64(column.as_primitive::<Time64MicrosecondType>())
            }
            DataType::Decimal128(_, scale) => {
                CanonicalValues::Decimal128(column.as_primitive::<Decimal128Type>(), *scale)
            }
            other => {
                return Err(DataFusionError::Internal(format!(
                    "{other} is not a canonical type"
                )));
            }
        };
        Ok(Self {
            nulls: column.nulls(),
            values,
        })
    }

    pub fn is_null(&self, row: usize) -> bool {
        self.nulls.is_some_and(|n| n.is_null(row))
    }
}
