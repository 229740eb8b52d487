//! The SQLite source: a table or query of a database file, read in parallel key ranges (each
//! on its own read-only connection), values converted to the Arrow type their column is
//! declared with.
//!
//! SQLite stores any value in any column; the declared type says what the values mean.
//! `BOOLEAN`, `DATE`, `TIMESTAMP`/`DATETIME` (ISO 8601 text or Unix seconds), `TIMESTAMPTZ`,
//! `TIME` and `DECIMAL(p, s)`/`NUMERIC(p, s)` read as their Arrow types, then SQLite's own
//! affinity rules apply (`INT` -> Int64, `CHAR`/`CLOB`/`TEXT` -> Utf8, `BLOB` -> Binary,
//! `REAL`/`FLOA`/`DOUB` -> Float64). Columns without a declared type (expressions of a query)
//! and other types are read as text. A value that does not fit its column's type fails the
//! read, naming the column and the value.

use std::sync::Arc;

use arrow::array::{
    ArrayRef, BinaryBuilder, BooleanBuilder, Date32Builder, Decimal128Builder, Float64Builder,
    Int64Builder, RecordBatch, RecordBatchOptions, StringBuilder, Time64MicrosecondBuilder,
    TimestampMicrosecondBuilder,
};
use arrow::compute::kernels::cast_utils::parse_decimal;
use arrow::datatypes::{DataType, Decimal128Type, Field, Schema, SchemaRef, TimeUnit};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use datafusion::error::{DataFusionError, Result};
use datafusion::physical_plan::SendableRecordBatchStream;
use kiln_proto::v1 as pb;
use rusqlite::OptionalExtension;
use rusqlite::types::ValueRef;

use crate::sink::table::check_options;
use crate::source::window::{Dialect, Narrowed};
use crate::source::{
    BatchSender, DatabaseTable, base_query, key_ranges, partitions_option, spawn_blocking_reader,
};
use crate::sql_names::{TableName, quote_ident};

/// How an incremental read's window is written for SQLite.
pub(crate) const DIALECT: Dialect = Dialect {
    quote: quote_ident,
    text_type: "TEXT",
    literal: crate::source::window::quoted_literal,
};
use crate::sqlite::{Access, blocking, open};

/// The source format name.
pub const FORMAT: &str = "sqlite";
/// Rows per record batch.
const BATCH_ROWS: usize = 8192;
/// The options a SQLite source takes, and what each means.
pub(crate) const OPTIONS: &[(&str, &str)] = &[
    ("table", "the table to read, e.g. orders"),
    ("query", "a SELECT to read instead of a table"),
    (
        "partition_column",
        "an integer, date or timestamp column to split the read on",
    ),
    ("partitions", "how many key ranges to read in parallel"),
];

fn what(source: &pb::SourceSpec) -> String {
    format!("sqlite source '{}'", source.name)
}

fn failure(source: &pb::SourceSpec, message: impl std::fmt::Display) -> DataFusionError {
    DataFusionError::Execution(format!("{} ({}): {message}", what(source), source.path))
}

/// The Arrow type a column declared as `declared` reads as; None for columns read as text.
fn arrow_type(declared: Option<&str>) -> Option<DataType> {
    let declared = declared?.trim().to_ascii_uppercase();
    let utc = || Some("+00:00".into());
    Some(match declared.as_str() {
        "BOOL" | "BOOLEAN" => DataType::Boolean,
        "DATE" => DataType::Date32,
        "DATETIME" | "TIMESTAMP" | "TIMESTAMP WITHOUT TIME ZONE" => {
            DataType::Timestamp(TimeUnit::Microsecond, None)
        }
        "TIMESTAMPTZ" | "TIMESTAMP WITH TIME ZONE" => {
            DataType::Timestamp(TimeUnit::Microsecond, utc())
        }
        "TIME" => DataType::Time64(TimeUnit::Microsecond),
        t if t.starts_with("DECIMAL") || t.starts_with("NUMERIC") => decimal_type(t)?,
        // SQLite's own affinity rules, in its order.
        t if t.contains("INT") => DataType::Int64,
        t if ["CHAR", "CLOB", "TEXT"].iter().any(|k| t.contains(k)) => DataType::Utf8,
        t if t.contains("BLOB") => DataType::Binary,
        t if ["REAL", "FLOA", "DOUB"].iter().any(|k| t.contains(k)) => DataType::Float64,
        _ => return None,
    })
}

/// `DECIMAL(p, s)` as its Arrow type; None without a precision or beyond Decimal128.
fn decimal_type(declared: &str) -> Option<DataType> {
    let inside = declared.split_once('(')?.1.strip_suffix(')')?;
    let (precision, scale) = match inside.split_once(',') {
        Some((p, s)) => (p.trim().parse::<u8>().ok()?, s.trim().parse::<i8>().ok()?),
        None => (inside.trim().parse::<u8>().ok()?, 0),
    };
    (1..=38).contains(&precision).then_some(())?;
    (0..=precision as i8)
        .contains(&scale)
        .then_some(DataType::Decimal128(precision, scale))
}

/// The kinds of column a read can be split on, each counted as a bigint.
#[derive(Clone, Copy)]
enum KeyKind {
    Integer,
    /// ISO 8601 dates, counted in days since 1970.
    Date,
    /// ISO 8601 times, counted in seconds since 1970.
    DateTime,
}

impl KeyKind {
    fn of(data_type: &DataType) -> Option<Self> {
        match data_type {
            DataType::Int64 => Some(Self::Integer),
            DataType::Date32 => Some(Self::Date),
            DataType::Timestamp(..) => Some(Self::DateTime),
            _ => None,
        }
    }

    /// An aggregate over `column` as a bigint.
    fn as_bigint(self, aggregate: &str, column: &str) -> String {
        match self {
            Self::Integer => format!("CAST({aggregate}({column}) AS INTEGER)"),
            Self::Date => format!("CAST(unixepoch({aggregate}({column})) / 86400 AS INTEGER)"),
            Self::DateTime => format!("unixepoch({aggregate}({column}))"),
        }
    }

    /// A value of the column's type for the bigint `value`. Times compare as SQLite compares
    /// them, as text; a range is `>= low AND < high`, so every row lands in exactly one.
    fn literal(self, value: i64) -> String {
        match self {
            Self::Integer => value.to_string(),
            Self::Date => format!("date({}, 'unixepoch')", value.saturating_mul(86400)),
            Self::DateTime => format!("datetime({value}, 'unixepoch')"),
        }
    }
}

/// What a source reads: its table or query.
pub(crate) fn base(source: &pb::SourceSpec) -> Result<String> {
    base_query(source, TableName::quoted)
}

/// The first row of `sql` as text, None when it has none.
pub(crate) async fn first_row(
    source: &pb::SourceSpec,
    sql: &str,
) -> Result<Option<Vec<Option<String>>>> {
    let (source, sql) = (source.clone(), sql.to_string());
    blocking(move || {
        let conn = open(&source.path, Access::ReadOnly, &what(&source))?;
        let mut statement = conn.prepare(&sql).map_err(|e| failure(&source, e))?;
        let columns = statement.column_count();
        statement
            .query_row([], |row| (0..columns).map(|i| row.get(i)).collect())
            .optional()
            .map_err(|e| failure(&source, e))
    })
    .await
}

/// Plans a source (an incremental read's rows only, when `narrowed`): its columns come from
/// their declared types, its key ranges from the partition column's bounds.
pub(crate) async fn table(
    source: &pb::SourceSpec,
    default_partitions: usize,
    narrowed: Option<&Narrowed>,
) -> Result<DatabaseTable> {
    check_options("sqlite source", &source.options, OPTIONS)?;
    let base = Narrowed::base(narrowed, base(source)?, &DIALECT);
    let partitions = partitions_option(source, default_partitions)?;
    let source = source.clone();
    blocking(move || {
        let conn = open(&source.path, Access::ReadOnly, &what(&source))?;
        let statement = conn
            .prepare(&format!("SELECT * FROM ({base}) AS _kiln_source LIMIT 0"))
            .map_err(|e| failure(&source, e))?;
        let partition_column = source.options.get("partition_column");
        let (mut fields, mut select, mut key) = (vec![], vec![], None);
        for column in statement.columns() {
            let name = column.name().to_string();
            let quoted = quote_ident(&name);
            let data_type = arrow_type(column.decl_type());
            select.push(match data_type {
                Some(_) => (quoted.clone(), true),
                None => (format!("CAST({quoted} AS TEXT)"), false),
            });
            if partition_column == Some(&name) {
                key = Some((quoted, data_type.as_ref().and_then(KeyKind::of)));
            }
            fields.push(Field::new(name, data_type.unwrap_or(DataType::Utf8), true));
        }
        let ranges = match (partition_column, key) {
            (None, _) => vec!["TRUE".to_string()],
            (Some(name), None) => {
                return Err(failure(
                    &source,
                    format!("partition_column '{name}' is not a column"),
                ));
            }
            (Some(name), Some((_, None))) => {
                return Err(failure(
                    &source,
                    format!(
                        "partition_column '{name}' must be declared as an integer, date or \
                         timestamp column"
                    ),
                ));
            }
            (Some(_), Some((column, Some(kind)))) => {
                let bounds: (Option<i64>, Option<i64>) = conn
                    .query_row(
                        &format!(
                            "SELECT {}, {} FROM ({base}) AS _kiln_source",
                            kind.as_bigint("MIN", &column),
                            kind.as_bigint("MAX", &column)
                        ),
                        [],
                        |row| Ok((row.get(0)?, row.get(1)?)),
                    )
                    .map_err(|e| failure(&source, format!("finding the key bounds: {e}")))?;
                let (low, high) = bounds;
                key_ranges(&column, |v| kind.literal(v), low.zip(high), partitions)
            }
        };
        Ok(DatabaseTable {
            schema: Arc::new(Schema::new(fields)),
            source,
            select,
            base,
            ranges,
        })
    })
    .await
}

/// Streams one partition's rows, read on a blocking thread of their own.
pub fn scan(source: pb::SourceSpec, query: String, schema: SchemaRef) -> SendableRecordBatchStream {
    tracing::info!("reading sqlite source '{}': {query}", source.name);
    let reader_schema = Arc::clone(&schema);
    spawn_blocking_reader(source, schema, move |source, sender| {
        read(source, &query, reader_schema, sender)
    })
}

fn read(
    source: &pb::SourceSpec,
    query: &str,
    schema: SchemaRef,
    sender: &BatchSender,
) -> Result<()> {
    let conn = open(&source.path, Access::ReadOnly, &what(source))?;
    let mut statement = conn.prepare(query).map_err(|e| failure(source, e))?;
    let mut rows = statement.query([]).map_err(|e| failure(source, e))?;
    let mut columns: Vec<ColumnBuilder> = schema
        .fields()
        .iter()
        .map(|f| ColumnBuilder::new(f.data_type()))
        .collect();
    let mut count = 0;
    while let Some(row) = rows.next().map_err(|e| failure(source, e))? {
        for (i, (column, field)) in columns.iter_mut().zip(schema.fields()).enumerate() {
            let value = row.get_ref(i).map_err(|e| failure(source, e))?;
            column.append(value).map_err(|e| {
                failure(
                    source,
                    format!("column {} ({}): {e}", field.name(), field.data_type()),
                )
            })?;
        }
        count += 1;
        if count == BATCH_ROWS {
            let batch = finish(&schema, &mut columns, count)?;
            count = 0;
            if sender.blocking_send(Ok(batch)).is_err() {
                // The consumer is gone (the task ended or was cancelled).
                return Ok(());
            }
        }
    }
    if count > 0 {
        let _ = sender.blocking_send(finish(&schema, &mut columns, count));
    }
    Ok(())
}

fn finish(schema: &SchemaRef, columns: &mut [ColumnBuilder], rows: usize) -> Result<RecordBatch> {
    let arrays = columns.iter_mut().map(ColumnBuilder::finish).collect();
    let options = RecordBatchOptions::new().with_row_count(Some(rows));
    Ok(RecordBatch::try_new_with_options(
        Arc::clone(schema),
        arrays,
        &options,
    )?)
}

/// Builds one column of a batch from SQLite values.
enum ColumnBuilder {
    Boolean(BooleanBuilder),
    Int64(Int64Builder),
    Float64(Float64Builder),
    Decimal(Decimal128Builder, u8, i8),
    Utf8(StringBuilder),
    Binary(BinaryBuilder),
    Date(Date32Builder),
    Timestamp(TimestampMicrosecondBuilder, Option<Arc<str>>),
    Time(Time64MicrosecondBuilder),
}

type Appended = std::result::Result<(), String>;

impl ColumnBuilder {
    /// A builder for a type [`arrow_type`] gives.
    fn new(data_type: &DataType) -> Self {
        match data_type {
            DataType::Boolean => Self::Boolean(BooleanBuilder::new()),
            DataType::Int64 => Self::Int64(Int64Builder::new()),
            DataType::Float64 => Self::Float64(Float64Builder::new()),
            DataType::Decimal128(p, s) => Self::Decimal(Decimal128Builder::new(), *p, *s),
            DataType::Binary => Self::Binary(BinaryBuilder::new()),
            DataType::Date32 => Self::Date(Date32Builder::new()),
            DataType::Timestamp(_, zone) => {
                Self::Timestamp(TimestampMicrosecondBuilder::new(), zone.clone())
            }
            DataType::Time64(_) => Self::Time(Time64MicrosecondBuilder::new()),
            _ => Self::Utf8(StringBuilder::new()),
        }
    }

    fn append(&mut self, value: ValueRef<'_>) -> Appended {
        if value == ValueRef::Null {
            self.append_null();
            return Ok(());
        }
        match self {
            Self::Boolean(b) => b.append_value(match value {
                ValueRef::Integer(i) => i != 0,
                ValueRef::Text(t) => match t.to_ascii_lowercase().as_slice() {
                    b"true" | b"t" | b"1" => true,
                    b"false" | b"f" | b"0" => false,
                    _ => return Err(unexpected("a boolean", value)),
                },
                _ => return Err(unexpected("a boolean", value)),
            }),
            Self::Int64(b) => b.append_value(match value {
                ValueRef::Integer(i) => i,
                ValueRef::Real(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => f as i64,
                ValueRef::Text(t) => text(t)?
                    .trim()
                    .parse()
                    .map_err(|_| unexpected("an integer", value))?,
                _ => return Err(unexpected("an integer", value)),
            }),
            Self::Float64(b) => b.append_value(match value {
                ValueRef::Integer(i) => i as f64,
                ValueRef::Real(f) => f,
                ValueRef::Text(t) => text(t)?
                    .trim()
                    .parse()
                    .map_err(|_| unexpected("a number", value))?,
                _ => return Err(unexpected("a number", value)),
            }),
            Self::Decimal(b, precision, scale) => {
                let digits = match value {
                    ValueRef::Integer(i) => i.to_string(),
                    ValueRef::Real(f) => f.to_string(),
                    ValueRef::Text(t) => text(t)?.trim().to_string(),
                    _ => return Err(unexpected("a decimal", value)),
                };
                let parsed = parse_decimal::<Decimal128Type>(&digits, *precision, *scale)
                    .map_err(|_| unexpected(&format!("a decimal({precision}, {scale})"), value))?;
                b.append_value(parsed);
            }
            Self::Utf8(b) => match value {
                ValueRef::Text(t) => b.append_value(text(t)?),
                ValueRef::Integer(i) => b.append_value(i.to_string()),
                ValueRef::Real(f) => b.append_value(f.to_string()),
                _ => return Err(unexpected("text", value)),
            },
            Self::Binary(b) => match value {
                ValueRef::Blob(bytes) | ValueRef::Text(bytes) => b.append_value(bytes),
                _ => return Err(unexpected("bytes", value)),
            },
            Self::Date(b) => {
                let date = match value {
                    ValueRef::Text(t) => parse_date(text(t)?),
                    _ => None,
                };
                let date = date.ok_or_else(|| unexpected("a date (YYYY-MM-DD)", value))?;
                b.append_value((date - NaiveDate::default()).num_days() as i32);
            }
            Self::Timestamp(b, _) => b.append_value(match value {
                ValueRef::Integer(seconds) => seconds
                    .checked_mul(1_000_000)
                    .ok_or_else(|| unexpected("a timestamp", value))?,
                ValueRef::Text(t) => parse_timestamp(text(t)?)
                    .ok_or_else(|| unexpected("a timestamp (YYYY-MM-DD HH:MM:SS)", value))?,
                _ => return Err(unexpected("a timestamp", value)),
            }),
            Self::Time(b) => {
                let time = match value {
                    ValueRef::Text(t) => NaiveTime::parse_from_str(text(t)?, "%H:%M:%S%.f").ok(),
                    _ => None,
                };
                let time = time.ok_or_else(|| unexpected("a time (HH:MM:SS)", value))?;
                let micros = (time - NaiveTime::MIN)
                    .num_microseconds()
                    .unwrap_or_default();
                b.append_value(micros);
            }
        }
        Ok(())
    }

    fn append_null(&mut self) {
        match self {
            Self::Boolean(b) => b.append_null(),
            Self::Int64(b) => b.append_null(),
            Self::Float64(b) => b.append_null(),
            Self::Decimal(b, ..) => b.append_null(),
            Self::Utf8(b) => b.append_null(),
            Self::Binary(b) => b.append_null(),
            Self::Date(b) => b.append_null(),
            Self::Timestamp(b, _) => b.append_null(),
            Self::Time(b) => b.append_null(),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Self::Boolean(b) => Arc::new(b.finish()),
            Self::Int64(b) => Arc::new(b.finish()),
            Self::Float64(b) => Arc::new(b.finish()),
            Self::Decimal(b, p, s) => Arc::new(
                b.finish()
                    .with_precision_and_scale(*p, *s)
                    .expect("the precision and scale were checked when the table was planned"),
            ),
            Self::Utf8(b) => Arc::new(b.finish()),
            Self::Binary(b) => Arc::new(b.finish()),
            Self::Date(b) => Arc::new(b.finish()),
            Self::Timestamp(b, zone) => Arc::new(b.finish().with_timezone_opt(zone.clone())),
            Self::Time(b) => Arc::new(b.finish()),
        }
    }
}

fn text(bytes: &[u8]) -> std::result::Result<&str, String> {
    std::str::from_utf8(bytes).map_err(|e| format!("text that is not UTF-8: {e}"))
}

/// What a value that does not fit its column says.
fn unexpected(expected: &str, value: ValueRef<'_>) -> String {
    let found = match value {
        ValueRef::Null => "NULL".to_string(),
        ValueRef::Integer(i) => format!("the integer {i}"),
        ValueRef::Real(f) => format!("the real {f}"),
        ValueRef::Text(t) => format!("the text '{}'", String::from_utf8_lossy(t)),
        ValueRef::Blob(b) => format!("a blob of {} byte(s)", b.len()),
    };
    format!("expected {expected}, found {found}")
}

/// A date as SQLite's date functions write it, or the date of such a timestamp.
fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok()
}

/// An ISO 8601 timestamp as microseconds since 1970 UTC: `YYYY-MM-DD HH:MM[:SS[.fff]]` with a
/// space or `T`, optionally ending in `Z` or a `+HH:MM` offset (converted to UTC); a bare
/// date is its midnight.
fn parse_timestamp(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(zoned) = chrono::DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f%:z")
        .or_else(|_| chrono::DateTime::parse_from_rfc3339(text))
    {
        return Some(zoned.timestamp_micros());
    }
    let text = text.strip_suffix('Z').unwrap_or(text);
    [
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
    ]
    .iter()
    .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
    .or_else(|| {
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .map(|d| d.into())
    })
    .map(|t| t.and_utc().timestamp_micros())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_types_read_as_their_arrow_types() {
        let cases = [
            ("INTEGER", Some(DataType::Int64)),
            ("bigint", Some(DataType::Int64)),
            ("VARCHAR(20)", Some(DataType::Utf8)),
            ("BOOLEAN", Some(DataType::Boolean)),
            ("DATE", Some(DataType::Date32)),
            (
                "timestamptz",
                Some(DataType::Timestamp(
                    TimeUnit::Microsecond,
                    Some("+00:00".into()),
                )),
            ),
            ("DECIMAL(12, 2)", Some(DataType::Decimal128(12, 2))),
            ("NUMERIC(50, 2)", None),
            ("NUMERIC", None),
            ("DOUBLE PRECISION", Some(DataType::Float64)),
            ("BLOB", Some(DataType::Binary)),
            ("", None),
        ];
        for (declared, expected) in cases {
            assert_eq!(arrow_type(Some(declared)), expected, "{declared}");
        }
        assert_eq!(arrow_type(None), None);
    }

    #[test]
    fn timestamps_parse_the_ways_sqlite_writes_them() {
        let noon = NaiveDate::from_ymd_opt(2024, 2, 29)
            .unwrap()
            .and_hms_micro_opt(12, 0, 1, 500_000)
            .unwrap()
            .and_utc()
            .timestamp_micros();
        assert_eq!(parse_timestamp("2024-02-29 12:00:01.5"), Some(noon));
        assert_eq!(parse_timestamp("2024-02-29T12:00:01.500000Z"), Some(noon));
        assert_eq!(parse_timestamp("2024-02-29 14:00:01.5+02:00"), Some(noon));
        assert_eq!(parse_timestamp("2024-02-29 12:00"), Some(noon - 1_500_000));
        assert_eq!(parse_timestamp("yesterday"), None);
        assert_eq!(
            parse_date("2024-02-29 10:00:00"),
            NaiveDate::from_ymd_opt(2024, 2, 29)
        );
    }
}
