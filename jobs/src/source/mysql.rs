//! The MySQL/MariaDB source: a table or query read in parallel key ranges of an integer
//! column, rows streamed over the binary protocol and built into Arrow batches.

use std::sync::Arc;

use arrow::array::{
    ArrayRef, BinaryArray, Date32Array, Decimal128Array, Float32Array, Float64Array, Int8Array,
    Int16Array, Int32Array, Int64Array, RecordBatch, RecordBatchOptions, StringArray,
    TimestampMicrosecondArray, UInt8Array, UInt16Array, UInt32Array, UInt64Array,
};
use arrow::datatypes::{DataType, Decimal128Type, Field, Schema, SchemaRef, TimeUnit};
use datafusion::error::{DataFusionError, Result};
use datafusion::physical_plan::SendableRecordBatchStream;
use futures::StreamExt;
use kiln_proto::v1 as pb;
use mysql_async::consts::{ColumnFlags, ColumnType};
use mysql_async::prelude::Queryable;
use mysql_async::{Column, Row, Value};

use crate::mysql::connect;
use crate::sink::table::check_options;
use crate::source::window::{Dialect, Narrowed};
use crate::source::{
    BatchSender, DatabaseTable, OPTIONS, base_query, key_ranges, partitions_option, spawn_reader,
};
use crate::sql_names::{TableName, quote_mysql_ident};

/// How an incremental read's window is written for MySQL and MariaDB.
pub(crate) const DIALECT: Dialect = Dialect {
    quote: quote_mysql_ident,
    text_type: "CHAR",
    literal: crate::source::window::mysql_literal,
};

/// The source format name.
pub const FORMAT: &str = "mysql";
/// Rows per record batch.
const BATCH_ROWS: usize = 8192;
/// The character set number MySQL gives binary strings (BLOB, VARBINARY).
const BINARY_CHARSET: u16 = 63;

fn failure(source: &pb::SourceSpec, message: impl std::fmt::Display) -> DataFusionError {
    DataFusionError::Execution(format!(
        "mysql source '{}' ({}): {message}",
        source.name, source.path
    ))
}

/// The Arrow type a column reads as; None for types read as text.
fn arrow_type(column: &Column) -> Option<DataType> {
    let unsigned = column.flags().contains(ColumnFlags::UNSIGNED_FLAG);
    let pick = |signed: DataType, unsigned_type: DataType| {
        if unsigned { unsigned_type } else { signed }
    };
    Some(match column.column_type() {
        ColumnType::MYSQL_TYPE_TINY => pick(DataType::Int8, DataType::UInt8),
        ColumnType::MYSQL_TYPE_SHORT => pick(DataType::Int16, DataType::UInt16),
        ColumnType::MYSQL_TYPE_YEAR => DataType::Int16,
        ColumnType::MYSQL_TYPE_INT24 | ColumnType::MYSQL_TYPE_LONG => {
            pick(DataType::Int32, DataType::UInt32)
        }
        ColumnType::MYSQL_TYPE_LONGLONG => pick(DataType::Int64, DataType::UInt64),
        ColumnType::MYSQL_TYPE_FLOAT => DataType::Float32,
        ColumnType::MYSQL_TYPE_DOUBLE => DataType::Float64,
        ColumnType::MYSQL_TYPE_NEWDECIMAL | ColumnType::MYSQL_TYPE_DECIMAL => {
            // The display length counts the sign and the decimal point.
            let scale = column.decimals() as u32;
            let precision = column.column_length() - u32::from(scale > 0) - u32::from(!unsigned);
            if precision == 0 || precision > 38 || scale > precision {
                return None;
            }
            DataType::Decimal128(precision as u8, scale as i8)
        }
        ColumnType::MYSQL_TYPE_DATE => DataType::Date32,
        ColumnType::MYSQL_TYPE_DATETIME => DataType::Timestamp(TimeUnit::Microsecond, None),
        // Sessions run in UTC, so TIMESTAMP values arrive as UTC.
        ColumnType::MYSQL_TYPE_TIMESTAMP => {
            DataType::Timestamp(TimeUnit::Microsecond, Some("+00:00".into()))
        }
        ColumnType::MYSQL_TYPE_VARCHAR
        | ColumnType::MYSQL_TYPE_VAR_STRING
        | ColumnType::MYSQL_TYPE_STRING
        | ColumnType::MYSQL_TYPE_TINY_BLOB
        | ColumnType::MYSQL_TYPE_MEDIUM_BLOB
        | ColumnType::MYSQL_TYPE_LONG_BLOB
        | ColumnType::MYSQL_TYPE_BLOB => {
            if column.character_set() == BINARY_CHARSET {
                DataType::Binary
            } else {
                DataType::Utf8
            }
        }
        ColumnType::MYSQL_TYPE_JSON => DataType::Utf8,
        _ => return None,
    })
}

/// The kinds of column a read can be split on, each counted as a bigint.
#[derive(Clone, Copy)]
enum KeyKind {
    Integer,
    /// Days since 1970.
    Date,
    /// Microseconds since 1970 (sessions run in UTC).
    DateTime,
}

impl KeyKind {
    fn of(data_type: &DataType) -> Option<Self> {
        match data_type {
            t if t.is_integer() => Some(Self::Integer),
            DataType::Date32 => Some(Self::Date),
            DataType::Timestamp(..) => Some(Self::DateTime),
            _ => None,
        }
    }

    /// An aggregate over `column` as a bigint.
    fn as_bigint(self, aggregate: &str, column: &str) -> String {
        match self {
            Self::Integer => format!("CAST({aggregate}({column}) AS SIGNED)"),
            Self::Date => format!("DATEDIFF({aggregate}({column}), '1970-01-01')"),
            Self::DateTime => {
                format!("TIMESTAMPDIFF(MICROSECOND, '1970-01-01', {aggregate}({column}))")
            }
        }
    }

    /// A literal of the column's type for the bigint `value`.
    fn literal(self, value: i64) -> String {
        match self {
            Self::Integer => value.to_string(),
            Self::Date => format!("DATE_ADD(DATE '1970-01-01', INTERVAL {value} DAY)"),
            Self::DateTime => {
                format!("TIMESTAMPADD(MICROSECOND, {value}, TIMESTAMP '1970-01-01 00:00:00')")
            }
        }
    }
}

/// What a source reads: its table or query.
pub(crate) fn base(source: &pb::SourceSpec) -> Result<String> {
    base_query(source, TableName::mysql_quoted)
}

/// The first row of `sql` as text, None when it has none.
pub(crate) async fn first_row(
    source: &pb::SourceSpec,
    sql: &str,
) -> Result<Option<Vec<Option<String>>>> {
    let mut conn = connect(&source.path, &source.options).await?;
    let row: Option<Row> = conn
        .query_first(sql)
        .await
        .map_err(|e| failure(source, e))?;
    row.map(|row| {
        (0..row.len())
            .map(|i| {
                row.get_opt::<Option<String>, _>(i)
                    .transpose()
                    .map_err(|e| failure(source, e))
                    .map(Option::flatten)
            })
            .collect()
    })
    .transpose()
}

/// Plans a source (an incremental read's rows only, when `narrowed`): its columns come from
/// the database, its key ranges from the partition column's bounds.
pub(crate) async fn table(
    source: &pb::SourceSpec,
    default_partitions: usize,
    narrowed: Option<&Narrowed>,
) -> Result<DatabaseTable> {
    let option = |key: &str| source.options.get(key).map(String::as_str);
    check_options("mysql source", &source.options, OPTIONS)?;
    let base = Narrowed::base(narrowed, base(source)?, &DIALECT);
    let partitions = partitions_option(source, default_partitions)?;
    let mut conn = connect(&source.path, &source.options).await?;
    let described = conn
        .prep(format!("SELECT * FROM ({base}) AS _kiln_source LIMIT 0"))
        .await
        .map_err(|e| failure(source, e))?;
    let (mut fields, mut select, mut key) = (vec![], vec![], None);
    for column in described.columns() {
        let name = column.name_str().to_string();
        let quoted = quote_mysql_ident(&name);
        let data_type = arrow_type(column);
        select.push(match data_type {
            Some(_) => (quoted.clone(), true),
            None => (format!("CAST({quoted} AS CHAR)"), false),
        });
        if option("partition_column") == Some(name.as_str()) {
            key = Some((quoted, data_type.as_ref().and_then(KeyKind::of)));
        }
        fields.push(Field::new(name, data_type.unwrap_or(DataType::Utf8), true));
    }
    let ranges = match (option("partition_column"), key) {
        (None, _) => vec!["TRUE".to_string()],
        (Some(name), None) => {
            return Err(failure(
                source,
                format!("partition_column '{name}' is not a column"),
            ));
        }
        (Some(name), Some((_, None))) => {
            return Err(failure(
                source,
                format!(
                    "partition_column '{name}' must be an integer, date, datetime or timestamp \
                     column"
                ),
            ));
        }
        (Some(_), Some((column, Some(kind)))) => {
            let bounds: Option<(Option<i64>, Option<i64>)> = conn
                .query_first(format!(
                    "SELECT {}, {} FROM ({base}) AS _kiln_source",
                    kind.as_bigint("MIN", &column),
                    kind.as_bigint("MAX", &column)
                ))
                .await
                .map_err(|e| failure(source, e))?;
            let bounds = bounds.and_then(|(low, high)| low.zip(high));
            key_ranges(&column, |v| kind.literal(v), bounds, partitions)
        }
    };
    Ok(DatabaseTable {
        source: source.clone(),
        schema: Arc::new(Schema::new(fields)),
        select,
        base,
        ranges,
    })
}

/// Streams one partition's rows, read on a task of their own.
pub fn scan(source: pb::SourceSpec, query: String, schema: SchemaRef) -> SendableRecordBatchStream {
    tracing::info!("reading mysql source '{}': {query}", source.name);
    let reader_schema = Arc::clone(&schema);
    spawn_reader(source, schema, |source, sender| async move {
        read(&source, &query, reader_schema, &sender).await
    })
}

async fn read(
    source: &pb::SourceSpec,
    query: &str,
    schema: SchemaRef,
    sender: &BatchSender,
) -> Result<()> {
    let mut conn = connect(&source.path, &source.options).await?;
    let mut rows = conn
        .exec_stream::<Row, _, _>(query, ())
        .await
        .map_err(|e| failure(source, e))?;
    let width = schema.fields().len();
    let mut columns: Vec<Vec<Value>> = vec![Vec::with_capacity(BATCH_ROWS); width];
    let mut count = 0;
    while let Some(row) = rows.next().await {
        let row = row.map_err(|e| failure(source, e))?;
        for (column, value) in columns.iter_mut().zip(row.unwrap()) {
            column.push(value);
        }
        count += 1;
        if count == BATCH_ROWS {
            let batch = batch(source, &schema, &mut columns, count)?;
            count = 0;
            if sender.send(Ok(batch)).await.is_err() {
                // The consumer is gone (the task ended or was cancelled).
                return Ok(());
            }
        }
    }
    if count > 0 {
        let _ = sender
            .send(batch(source, &schema, &mut columns, count))
            .await;
    }
    Ok(())
}

/// The rows collected so far as a batch; the columns are emptied for the next one.
fn batch(
    source: &pb::SourceSpec,
    schema: &SchemaRef,
    columns: &mut [Vec<Value>],
    rows: usize,
) -> Result<RecordBatch> {
    let arrays = schema
        .fields()
        .iter()
        .zip(columns.iter_mut())
        .map(|(field, values)| {
            let values = std::mem::replace(values, Vec::with_capacity(BATCH_ROWS));
            to_array(field.data_type(), &values)
                .map_err(|e| failure(source, format!("column {}: {e}", field.name())))
        })
        .collect::<Result<Vec<_>>>()?;
    let options = RecordBatchOptions::new().with_row_count(Some(rows));
    Ok(RecordBatch::try_new_with_options(
        Arc::clone(schema),
        arrays,
        &options,
    )?)
}

fn integer(value: &Value) -> std::result::Result<Option<i128>, String> {
    match value {
        Value::NULL => Ok(None),
        Value::Int(i) => Ok(Some(*i as i128)),
        Value::UInt(u) => Ok(Some(*u as i128)),
        Value::Bytes(text) => String::from_utf8_lossy(text)
            .parse()
            .map(Some)
            .map_err(|e| format!("{e}")),
        other => Err(format!("expected an integer, got {other:?}")),
    }
}

fn float(value: &Value) -> std::result::Result<Option<f64>, String> {
    match value {
        Value::NULL => Ok(None),
        Value::Float(f) => Ok(Some(*f as f64)),
        Value::Double(d) => Ok(Some(*d)),
        Value::Bytes(text) => String::from_utf8_lossy(text)
            .parse()
            .map(Some)
            .map_err(|e| format!("{e}")),
        other => Err(format!("expected a number, got {other:?}")),
    }
}

fn bytes(value: &Value) -> std::result::Result<Option<&[u8]>, String> {
    match value {
        Value::NULL => Ok(None),
        Value::Bytes(b) => Ok(Some(b)),
        other => Err(format!("expected text or bytes, got {other:?}")),
    }
}

/// A date or datetime as microseconds since 1970 (None for NULL and MySQL's zero dates).
fn micros(value: &Value) -> std::result::Result<Option<i64>, String> {
    match value {
        Value::NULL => Ok(None),
        Value::Date(year, month, day, hour, minute, second, micro) => {
            let date = chrono::NaiveDate::from_ymd_opt(*year as i32, *month as u32, *day as u32);
            let time = chrono::NaiveTime::from_hms_micro_opt(
                *hour as u32,
                *minute as u32,
                *second as u32,
                *micro,
            );
            Ok(date
                .zip(time)
                .map(|(d, t)| d.and_time(t).and_utc().timestamp_micros()))
        }
        other => Err(format!("expected a date, got {other:?}")),
    }
}

/// Converts one column's values to an array of `data_type`.
fn to_array(data_type: &DataType, values: &[Value]) -> std::result::Result<ArrayRef, String> {
    macro_rules! ints {
        ($array:ty, $native:ty) => {{
            let array = values
                .iter()
                .map(|v| {
                    integer(v)?
                        .map(|i| <$native>::try_from(i).map_err(|e| e.to_string()))
                        .transpose()
                })
                .collect::<std::result::Result<$array, String>>()?;
            Arc::new(array) as ArrayRef
        }};
    }
    Ok(match data_type {
        DataType::Int8 => ints!(Int8Array, i8),
        DataType::Int16 => ints!(Int16Array, i16),
        DataType::Int32 => ints!(Int32Array, i32),
        DataType::Int64 => ints!(Int64Array, i64),
        DataType::UInt8 => ints!(UInt8Array, u8),
        DataType::UInt16 => ints!(UInt16Array, u16),
        DataType::UInt32 => ints!(UInt32Array, u32),
        DataType::UInt64 => ints!(UInt64Array, u64),
        DataType::Float32 => Arc::new(
            values
                .iter()
                .map(|v| Ok(float(v)?.map(|f| f as f32)))
                .collect::<std::result::Result<Float32Array, String>>()?,
        ),
        DataType::Float64 => Arc::new(
            values
                .iter()
                .map(float)
                .collect::<std::result::Result<Float64Array, String>>()?,
        ),
        DataType::Decimal128(precision, scale) => Arc::new(
            values
                .iter()
                .map(|v| {
                    bytes(v)?
                        .map(|text| {
                            arrow::compute::kernels::cast_utils::parse_decimal::<Decimal128Type>(
                                &String::from_utf8_lossy(text),
                                *precision,
                                *scale,
                            )
                            .map_err(|e| e.to_string())
                        })
                        .transpose()
                })
                .collect::<std::result::Result<Decimal128Array, String>>()?
                .with_precision_and_scale(*precision, *scale)
                .map_err(|e| e.to_string())?,
        ),
        DataType::Date32 => Arc::new(
            values
                .iter()
                .map(|v| Ok(micros(v)?.map(|us| us.div_euclid(86_400_000_000) as i32)))
                .collect::<std::result::Result<Date32Array, String>>()?,
        ),
        DataType::Timestamp(TimeUnit::Microsecond, zone) => Arc::new(
            values
                .iter()
                .map(micros)
                .collect::<std::result::Result<TimestampMicrosecondArray, String>>()?
                .with_timezone_opt(zone.clone()),
        ),
        DataType::Binary => Arc::new(
            values
                .iter()
                .map(bytes)
                .collect::<std::result::Result<BinaryArray, String>>()?,
        ),
        DataType::Utf8 => Arc::new(
            values
                .iter()
                .map(|v| {
                    bytes(v)?
                        .map(|b| String::from_utf8(b.to_vec()).map_err(|e| e.to_string()))
                        .transpose()
                })
                .collect::<std::result::Result<StringArray, String>>()?,
        ),
        other => return Err(format!("cannot read {other} columns")),
    })
}
