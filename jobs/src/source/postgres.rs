//! A PostgreSQL table or query as a DataFusion table, read in parallel key ranges with binary
//! `COPY (...) TO STDOUT`.
//!
//! Source options: `table` (e.g. `public."Order"`) or `query` (any SELECT); `partition_column`
//! (an integer, date or timestamp column) and `partitions` to split the read into key ranges
//! between the column's minimum and maximum (found by asking the database; rows with a null key
//! go to the first range); `password_secret` (a secret declared to the cluster).

use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::error::{DataFusionError, Result};
use datafusion::physical_plan::SendableRecordBatchStream;
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use futures::StreamExt;
use kiln_proto::v1 as pb;
use tokio_postgres::types::Type;

use crate::postgres::copy_out::{CopyDecoder, arrow_type};
use crate::postgres::{connect, error_text, quote_ident};
use crate::sink::table::check_options;
use crate::source::window::{Dialect, Narrowed};
use crate::source::{DatabaseTable, OPTIONS, base_query, key_ranges, partitions_option};
use crate::sql_names::TableName;

/// How an incremental read's window is written for PostgreSQL.
pub(crate) const DIALECT: Dialect = Dialect {
    quote: quote_ident,
    text_type: "text",
    literal: crate::source::window::quoted_literal,
};

/// The source format name.
pub const FORMAT: &str = "postgres";
/// Rows per record batch.
const BATCH_ROWS: usize = 8192;

fn failure(source: &pb::SourceSpec, message: impl std::fmt::Display) -> DataFusionError {
    DataFusionError::Execution(format!(
        "postgres source '{}' ({}): {message}",
        source.name, source.path
    ))
}

/// How a partition column's values map to integers and back.
#[derive(Clone, Copy)]
enum KeyKind {
    Integer,
    Date,
    Timestamp,
    TimestampTz,
}

impl KeyKind {
    fn of(pg: &Type) -> Option<Self> {
        match *pg {
            Type::INT2 | Type::INT4 | Type::INT8 => Some(Self::Integer),
            Type::DATE => Some(Self::Date),
            Type::TIMESTAMP => Some(Self::Timestamp),
            Type::TIMESTAMPTZ => Some(Self::TimestampTz),
            _ => None,
        }
    }

    /// An aggregate over `column` as a bigint (days or microseconds since 1970 for times).
    /// Times aggregate their finite values only: `'infinity'` has no bigint, and the first
    /// and last key ranges are open-ended, so infinite keys are still read.
    fn as_bigint(self, aggregate: &str, column: &str) -> String {
        let finite = format!("{aggregate}({column}) FILTER (WHERE isfinite({column}))");
        match self {
            Self::Integer => format!("{aggregate}({column})::bigint"),
            Self::Date => format!("({finite} - DATE '1970-01-01')::bigint"),
            Self::Timestamp | Self::TimestampTz => {
                format!("(extract(epoch FROM {finite}) * 1000000)::bigint")
            }
        }
    }

    /// A literal of the column's type for the bigint `value`.
    fn literal(self, value: i64) -> String {
        match self {
            Self::Integer => value.to_string(),
            Self::Date => format!("(DATE '1970-01-01' + {value})"),
            Self::Timestamp => {
                format!("(TIMESTAMP '1970-01-01' + {value} * INTERVAL '1 microsecond')")
            }
            Self::TimestampTz => {
                format!(
                    "(TIMESTAMPTZ '1970-01-01 00:00:00+00' + {value} * INTERVAL '1 microsecond')"
                )
            }
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
    let client = connect(&source.path, &source.options).await?;
    let row = client
        .query_opt(sql, &[])
        .await
        .map_err(|e| failure(source, error_text(&e)))?;
    Ok(row.map(|row| (0..row.len()).map(|i| row.get(i)).collect()))
}

/// Plans a source (an incremental read's rows only, when `narrowed`): its columns come from
/// the database, its key ranges from the partition column's bounds.
pub(crate) async fn table(
    source: &pb::SourceSpec,
    default_partitions: usize,
    narrowed: Option<&Narrowed>,
) -> Result<DatabaseTable> {
    let option = |key: &str| source.options.get(key).map(String::as_str);
    check_options("postgres source", &source.options, OPTIONS)?;
    let base = Narrowed::base(narrowed, base(source)?, &DIALECT);
    let partitions = partitions_option(source, default_partitions)?;
    let client = connect(&source.path, &source.options).await?;
    let described = client
        .prepare(&format!("SELECT * FROM ({base}) AS _kiln_source LIMIT 0"))
        .await
        .map_err(|e| failure(source, error_text(&e)))?;
    let mut fields = vec![];
    let mut select = vec![];
    let mut key = None;
    for column in described.columns() {
        let quoted = quote_ident(column.name());
        let data_type = arrow_type(column.type_(), column.type_modifier());
        select.push(match data_type {
            Some(_) => (quoted.clone(), true),
            None => (format!("{quoted}::text"), false),
        });
        fields.push(Field::new(
            column.name(),
            data_type.unwrap_or(DataType::Utf8),
            true,
        ));
        if option("partition_column") == Some(column.name()) {
            key = Some((quoted, column.type_().clone()));
        }
    }
    let ranges = match (option("partition_column"), key) {
        (None, _) => vec!["TRUE".to_string()],
        (Some(name), None) => {
            return Err(failure(
                source,
                format!("partition_column '{name}' is not a column"),
            ));
        }
        (Some(name), Some((column, pg_type))) => {
            let kind = KeyKind::of(&pg_type).ok_or_else(|| {
                failure(
                    source,
                    format!("partition_column '{name}' is {pg_type}; expected an integer, date or timestamp column"),
                )
            })?;
            let bounds = client
                .query_one(
                    &format!(
                        "SELECT {}, {} FROM ({base}) AS _kiln_source",
                        kind.as_bigint("min", &column),
                        kind.as_bigint("max", &column)
                    ),
                    &[],
                )
                .await
                .map_err(|e| failure(source, error_text(&e)))?;
            let bounds = bounds
                .get::<_, Option<i64>>(0)
                .zip(bounds.get::<_, Option<i64>>(1));
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

/// Streams one partition's rows: `COPY (query) TO STDOUT` in binary, decoded into batches.
pub fn scan(source: pb::SourceSpec, query: String, schema: SchemaRef) -> SendableRecordBatchStream {
    let batches = async_stream(source, query, Arc::clone(&schema));
    Box::pin(RecordBatchStreamAdapter::new(schema, batches))
}

fn async_stream(
    source: pb::SourceSpec,
    query: String,
    schema: SchemaRef,
) -> impl futures::Stream<Item = Result<arrow::array::RecordBatch>> + Send {
    struct Reading {
        // Kept open while the COPY streams.
        _client: tokio_postgres::Client,
        stream: std::pin::Pin<Box<tokio_postgres::CopyOutStream>>,
        decoder: CopyDecoder,
        source: pb::SourceSpec,
    }
    enum State {
        Start(pb::SourceSpec, String, SchemaRef),
        Reading(Box<Reading>),
        Done,
    }
    futures::stream::try_unfold(State::Start(source, query, schema), |state| async move {
        let mut reading = match state {
            State::Done => return Ok(None),
            State::Start(source, query, schema) => {
                tracing::info!("reading postgres source '{}': {query}", source.name);
                let client = connect(&source.path, &source.options).await?;
                let stream = client
                    .copy_out(&format!("COPY ({query}) TO STDOUT (FORMAT binary)"))
                    .await
                    .map_err(|e| failure(&source, error_text(&e)))?;
                Box::new(Reading {
                    _client: client,
                    stream: Box::pin(stream),
                    decoder: CopyDecoder::new(schema),
                    source,
                })
            }
            State::Reading(reading) => reading,
        };
        loop {
            match reading.stream.next().await {
                Some(chunk) => {
                    let chunk = chunk.map_err(|e| failure(&reading.source, error_text(&e)))?;
                    reading
                        .decoder
                        .feed(&chunk)
                        .map_err(|e| failure(&reading.source, e))?;
                    if reading.decoder.buffered_rows() >= BATCH_ROWS {
                        let batch = reading.decoder.take_batch()?;
                        return Ok(Some((batch, State::Reading(reading))));
                    }
                }
                None => {
                    let batch = reading.decoder.take_batch()?;
                    return Ok(Some((batch, State::Done)));
                }
            }
        }
    })
}
