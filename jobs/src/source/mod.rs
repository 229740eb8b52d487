//! Sources that need more than DataFusion's own tables: database tables, read by executors in
//! parallel, one key range per partition (Spark's partitioned JDBC read), and CSV and JSON
//! files read under a bad-record policy (`text_files`).

mod filters;
pub mod listing;
pub mod mysql;
pub mod postgres;
pub mod sqlite;
pub mod text_files;
pub mod window;

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use arrow::array::RecordBatch;
use arrow::datatypes::SchemaRef;
use async_trait::async_trait;
use datafusion::catalog::{Session, TableProvider};
use datafusion::datasource::TableType;
use datafusion::error::{DataFusionError, Result};
use datafusion::execution::TaskContext;
use datafusion::logical_expr::dml::InsertOp;
use datafusion::logical_expr::{Expr, TableProviderFilterPushDown};
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::{ExecutionPlan, SendableRecordBatchStream};
use futures::FutureExt;
use kiln_core::sink::SinkWriterExec;
use kiln_core::source::{DatabaseScanExec, PartitionSource};
use kiln_proto::v1 as pb;

use crate::secrets::PASSWORD_SECRET;
use crate::sql_names::TableName;

/// The source formats served by database connectors.
pub const FORMATS: &[&str] = &[postgres::FORMAT, mysql::FORMAT, sqlite::FORMAT];

/// The options a database source takes, and what each means.
pub(crate) const OPTIONS: &[(&str, &str)] = &[
    ("table", "the table to read, e.g. shop.orders"),
    ("query", "a SELECT to read instead of a table"),
    (
        "partition_column",
        "an integer, date or timestamp column to split the read on",
    ),
    ("partitions", "how many key ranges to read in parallel"),
    (
        crate::secrets::PASSWORD_SECRET,
        crate::secrets::PASSWORD_SECRET_MEANING,
    ),
    (
        crate::statement_timeout::STATEMENT_TIMEOUT_SECS,
        crate::statement_timeout::MEANING,
    ),
    (window::BOOKMARK_KEYS, window::BOOKMARK_KEYS_MEANING),
];

/// The source connectors executors run tasks with.
#[derive(Debug, Default)]
pub struct KilnSources;

impl PartitionSource for KilnSources {
    fn scan(
        &self,
        source: &pb::SourceSpec,
        query: &str,
        schema: SchemaRef,
        _ctx: Arc<TaskContext>,
    ) -> Result<SendableRecordBatchStream> {
        match source.format.as_str() {
            postgres::FORMAT => Ok(postgres::scan(source.clone(), query.to_string(), schema)),
            mysql::FORMAT => Ok(mysql::scan(source.clone(), query.to_string(), schema)),
            sqlite::FORMAT => Ok(sqlite::scan(source.clone(), query.to_string(), schema)),
            other => Err(unknown(other)),
        }
    }
}

/// A database table or query as DataFusion sees it, read one key range per partition. The
/// connectors fill it in by asking the database; reading, filter pushdown and `INSERT` work
/// the same for all of them.
#[derive(Debug)]
pub struct DatabaseTable {
    pub(crate) source: pb::SourceSpec,
    pub(crate) schema: SchemaRef,
    /// Per column: how the SELECT list reads it, and whether in its own type (false: read as
    /// text, so filters on it are not pushed).
    pub(crate) select: Vec<(String, bool)>,
    /// The table or query everything reads from.
    pub(crate) base: String,
    /// One WHERE condition per partition.
    pub(crate) ranges: Vec<String>,
}

impl DatabaseTable {
    /// The quoted name of a column read in its own type, for pushed filters.
    fn native_column(&self, name: &str) -> Option<String> {
        let (select, native) = &self.select[self.schema.index_of(name).ok()?];
        native.then(|| select.clone())
    }

    /// How filters pushed into this table's reads are written.
    fn dialect(&self) -> filters::Dialect<'_> {
        filters::Dialect {
            column: Box::new(|name| self.native_column(name)),
            literals: match self.source.format.as_str() {
                sqlite::FORMAT => filters::Literals::Sqlite,
                _ => filters::Literals::Typed,
            },
        }
    }
}

#[async_trait]
impl TableProvider for DatabaseTable {
    fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    fn supports_filters_pushdown(
        &self,
        filters: &[&Expr],
    ) -> Result<Vec<TableProviderFilterPushDown>> {
        Ok(pushdown(filters, &self.dialect()))
    }

    async fn scan(
        &self,
        _state: &dyn Session,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        _limit: Option<usize>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let columns: Vec<usize> = match projection {
            Some(p) => p.clone(),
            None => (0..self.schema.fields().len()).collect(),
        };
        let schema = Arc::new(self.schema.project(&columns)?);
        // A scan that needs no column (count(*)) still reads one row per row.
        let list = match columns.is_empty() {
            true => "1".to_string(),
            false => columns
                .iter()
                .map(|&i| self.select[i].0.clone())
                .collect::<Vec<_>>()
                .join(", "),
        };
        let conditions = range_conditions(&self.ranges, filters, &self.dialect());
        let queries = conditions
            .iter()
            .map(|range| {
                format!(
                    "SELECT {list} FROM ({}) AS _kiln_source WHERE {range}",
                    self.base
                )
            })
            .collect();
        Ok(Arc::new(DatabaseScanExec::new(
            self.source.clone(),
            queries,
            schema,
        )))
    }

    /// `INSERT INTO t SELECT ...` and `INSERT OVERWRITE t ...` load through the database's
    /// sink, with its exactly-once commit; the coordinator fills in the job id.
    async fn insert_into(
        &self,
        _state: &dyn Session,
        input: Arc<dyn ExecutionPlan>,
        op: InsertOp,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let mode = crate::sink::insert_mode(op, &self.source.name)?;
        let sink = insert_sink(&self.source, mode)?;
        Ok(Arc::new(SinkWriterExec::new(String::new(), sink, input)))
    }
}

/// The table for a database source, its schema and partitions found by asking the database.
pub async fn table(
    source: &pb::SourceSpec,
    default_partitions: usize,
) -> Result<Arc<dyn TableProvider>> {
    Ok(Arc::new(
        database_table(source, default_partitions, None).await?,
    ))
}

/// The table one run of an incremental job reads for a database source (the rows of its
/// window, [`window`]), and that window.
pub async fn incremental_table(
    source: &pb::SourceSpec,
    default_partitions: usize,
    start: &window::WindowStart,
) -> Result<(Arc<dyn TableProvider>, pb::RowWindow)> {
    let keys = window::bookmark_keys(source)?;
    let window = match start {
        window::WindowStart::Exactly(window) => window.clone(),
        window::WindowStart::After(after) => {
            let (base, dialect) = match source.format.as_str() {
                postgres::FORMAT => (postgres::base(source)?, &postgres::DIALECT),
                mysql::FORMAT => (mysql::base(source)?, &mysql::DIALECT),
                sqlite::FORMAT => (sqlite::base(source)?, &sqlite::DIALECT),
                other => return Err(unknown(other)),
            };
            let nulls = window::null_keys_query(&base, &keys, dialect);
            if first_row(source, &nulls).await?.is_some() {
                return Err(window::null_keys(source, &keys));
            }
            let end = first_row(source, &window::end_query(&base, &keys, after, dialect))
                .await?
                .map(|row| row.into_iter().collect::<Option<Vec<String>>>())
                .map(|row| row.ok_or_else(|| window::null_keys(source, &keys)))
                .transpose()?;
            window::window(source, start, end)
        }
    };
    let narrowed = window::Narrowed { keys, window };
    let table = database_table(source, default_partitions, Some(&narrowed)).await?;
    Ok((Arc::new(table), narrowed.window))
}

/// A database source's table, narrowed to an incremental read's window when given.
async fn database_table(
    source: &pb::SourceSpec,
    default_partitions: usize,
    narrowed: Option<&window::Narrowed>,
) -> Result<DatabaseTable> {
    match source.format.as_str() {
        postgres::FORMAT => postgres::table(source, default_partitions, narrowed).await,
        mysql::FORMAT => mysql::table(source, default_partitions, narrowed).await,
        sqlite::FORMAT => sqlite::table(source, default_partitions, narrowed).await,
        other => Err(unknown(other)),
    }
}

/// The first row of `sql` run on a source's database, as text.
async fn first_row(source: &pb::SourceSpec, sql: &str) -> Result<Option<Vec<Option<String>>>> {
    match source.format.as_str() {
        postgres::FORMAT => postgres::first_row(source, sql).await,
        mysql::FORMAT => mysql::first_row(source, sql).await,
        sqlite::FORMAT => sqlite::first_row(source, sql).await,
        other => Err(unknown(other)),
    }
}

fn unknown(format: &str) -> DataFusionError {
    DataFusionError::Plan(format!(
        "unknown database source format '{format}' (expected {})",
        FORMATS.join(", ")
    ))
}

/// The WHERE condition of each partition's read: its key range, and the pushed filters.
fn range_conditions(
    ranges: &[String],
    filters: &[Expr],
    dialect: &filters::Dialect<'_>,
) -> Vec<String> {
    let pushed: Vec<String> = filters.iter().filter_map(|f| dialect.sql(f)).collect();
    ranges
        .iter()
        .map(|range| {
            std::iter::once(range.clone())
                .chain(pushed.iter().cloned())
                .collect::<Vec<_>>()
                .join(" AND ")
        })
        .collect()
}

/// How DataFusion may push `filters` into a database read: the ones the database evaluates
/// the same way are pushed (and still checked by DataFusion), the rest are not.
fn pushdown(filters: &[&Expr], dialect: &filters::Dialect<'_>) -> Vec<TableProviderFilterPushDown> {
    filters
        .iter()
        .map(|f| match dialect.sql(f) {
            Some(_) => TableProviderFilterPushDown::Inexact,
            None => TableProviderFilterPushDown::Unsupported,
        })
        .collect()
}

/// What a database source reads: its `table` (quoted by `quote`) or its `query`, exactly one.
pub(crate) fn base_query(
    source: &pb::SourceSpec,
    quote: impl Fn(&TableName) -> String,
) -> Result<String> {
    let option = |key: &str| source.options.get(key);
    match (option("table"), option("query")) {
        (Some(table), None) => Ok(format!(
            "SELECT * FROM {}",
            quote(&TableName::parse(table)?)
        )),
        (None, Some(query)) => Ok(query.trim().trim_end_matches(';').to_string()),
        _ => Err(DataFusionError::Plan(format!(
            "{} source '{}': give exactly one of the options table or query (got: {})",
            source.format,
            source.name,
            source
                .options
                .keys()
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// A database source's `partitions` option (how many key ranges to read in parallel), else
/// `default`.
pub(crate) fn partitions_option(source: &pb::SourceSpec, default: usize) -> Result<usize> {
    match source.options.get("partitions") {
        Some(n) => n.parse::<usize>().ok().filter(|n| *n > 0).ok_or_else(|| {
            DataFusionError::Plan(format!(
                "option partitions: expected a positive number, got '{n}'"
            ))
        }),
        None => Ok(default.max(1)),
    }
}

/// The sink an `INSERT` into a database table loads through: the same database, the table the
/// source names (a source read from a query cannot take rows), its password secret.
fn insert_sink(source: &pb::SourceSpec, mode: pb::SaveMode) -> Result<pb::SinkSpec> {
    let Some(table) = source.options.get("table") else {
        return Err(DataFusionError::Plan(format!(
            "cannot insert into '{}': it reads a query; declare it with the option table",
            source.name
        )));
    };
    let options = source
        .options
        .iter()
        .filter(|(k, _)| *k == PASSWORD_SECRET)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Ok(pb::SinkSpec {
        format: source.format.clone(),
        path: source.path.clone(),
        table: table.clone(),
        mode: mode as i32,
        options,
        ..Default::default()
    })
}

/// WHERE conditions splitting [low, high] of `column` into at most `partitions` ranges that
/// together cover every row, nulls included (in the first); `literal` writes a key value in
/// the column's type. Without bounds (no rows, or only NULL keys) one read takes everything.
/// Where a database source's reader sends its batches.
pub(crate) type BatchSender = tokio::sync::mpsc::Sender<Result<RecordBatch>>;

/// Streams what `read` sends, reading on a task of its own (so the database is read ahead
/// of the consumer). An error, or a panic of the reader, ends the stream with an error
/// naming the source; it never ends as if the rows had run out.
pub(crate) fn spawn_reader<F, Fut>(
    source: pb::SourceSpec,
    schema: SchemaRef,
    read: F,
) -> SendableRecordBatchStream
where
    F: FnOnce(pb::SourceSpec, BatchSender) -> Fut,
    Fut: Future<Output = Result<()>> + Send + 'static,
{
    let (sender, receiver) = tokio::sync::mpsc::channel(2);
    let reading = AssertUnwindSafe(read(source.clone(), sender.clone())).catch_unwind();
    tokio::spawn(async move {
        if let Some(error) = reader_error(&source, reading.await) {
            let _ = sender.send(Err(error)).await;
        }
    });
    Box::pin(RecordBatchStreamAdapter::new(
        schema,
        tokio_stream::wrappers::ReceiverStream::new(receiver),
    ))
}

/// [`spawn_reader`] for a reader that blocks (SQLite), on a thread of its own.
pub(crate) fn spawn_blocking_reader<F>(
    source: pb::SourceSpec,
    schema: SchemaRef,
    read: F,
) -> SendableRecordBatchStream
where
    F: FnOnce(&pb::SourceSpec, &BatchSender) -> Result<()> + Send + 'static,
{
    let (sender, receiver) = tokio::sync::mpsc::channel(2);
    tokio::task::spawn_blocking(move || {
        let reading = std::panic::catch_unwind(AssertUnwindSafe(|| read(&source, &sender)));
        if let Some(error) = reader_error(&source, reading) {
            let _ = sender.blocking_send(Err(error));
        }
    });
    Box::pin(RecordBatchStreamAdapter::new(
        schema,
        tokio_stream::wrappers::ReceiverStream::new(receiver),
    ))
}

/// The error that ends a reader's stream: its own, or its panic's.
fn reader_error(
    source: &pb::SourceSpec,
    reading: std::thread::Result<Result<()>>,
) -> Option<DataFusionError> {
    match reading {
        Ok(result) => result.err(),
        Err(panic) => Some(DataFusionError::Execution(format!(
            "{} source '{}': the reader failed unexpectedly ({}); none of this key range's \
             rows are kept",
            source.format,
            source.name,
            kiln_core::error::panic_message(panic.as_ref())
        ))),
    }
}

/// Splits `column`'s values between `bounds` (the lowest and highest, None for an empty table)
/// into up to `partitions` ranges, as predicates (`literal` writes a value as SQL). The first
/// range also takes NULLs, so that every row is read exactly once.
pub(crate) fn key_ranges(
    column: &str,
    literal: impl Fn(i64) -> String,
    bounds: Option<(i64, i64)>,
    partitions: usize,
) -> Vec<String> {
    key_range_bounds(bounds, partitions)
        .into_iter()
        .map(|(start, end)| {
            let lower = start.map(|v| format!("{column} >= {}", literal(v)));
            let upper = end.map(|v| format!("{column} < {}", literal(v)));
            match (lower, upper) {
                (Some(l), Some(u)) => format!("{l} AND {u}"),
                (Some(l), None) => l,
                (None, Some(u)) => format!("({u} OR {column} IS NULL)"),
                (None, None) => "TRUE".to_string(),
            }
        })
        .collect()
}

/// The ranges of [`key_ranges`] as (inclusive start, exclusive end) pairs, None where the range
/// is open: the first has no start, the last no end, and each ends where the next starts.
fn key_range_bounds(
    bounds: Option<(i64, i64)>,
    partitions: usize,
) -> Vec<(Option<i64>, Option<i64>)> {
    let Some((low, high)) = bounds else {
        return vec![(None, None)];
    };
    let span = (high as i128 - low as i128 + 1).max(1) as u128;
    let partitions = (partitions as u128).min(span).max(1);
    let stride = span.div_ceil(partitions);
    let boundary = |i: u128| (low as i128 + (i * stride) as i128) as i64;
    (0..partitions)
        .map(|i| {
            let start = (i > 0).then(|| boundary(i));
            let end = (i + 1 < partitions).then(|| boundary(i + 1));
            (start, end)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn read_all(mut stream: SendableRecordBatchStream) -> Vec<Result<RecordBatch>> {
        use futures::StreamExt;
        let mut items = vec![];
        while let Some(item) = stream.next().await {
            items.push(item);
        }
        items
    }

    fn source() -> pb::SourceSpec {
        pb::SourceSpec {
            name: "orders".into(),
            format: "mysql".into(),
            ..Default::default()
        }
    }

    #[tokio::test]
    async fn a_reader_that_panics_fails_its_scan_instead_of_ending_it_early() {
        let schema = Arc::new(arrow::datatypes::Schema::empty());
        let batch = RecordBatch::new_empty(Arc::clone(&schema));
        let sent = batch.clone();
        let stream = spawn_reader(source(), Arc::clone(&schema), |_, sender| async move {
            sender.send(Ok(sent)).await.unwrap();
            panic!("a value the reader did not expect");
        });
        let items = read_all(stream).await;
        assert_eq!(items.len(), 2, "the batch sent, then the error");
        let error = items[1].as_ref().unwrap_err().to_string();
        assert!(
            error.contains("mysql source 'orders': the reader failed unexpectedly (a value the reader did not expect)"),
            "{error}"
        );
        let stream = spawn_blocking_reader(source(), schema, move |_, sender| {
            sender.blocking_send(Ok(batch)).unwrap();
            panic!("{} went wrong", "something");
        });
        let items = read_all(stream).await;
        let error = items.last().unwrap().as_ref().unwrap_err().to_string();
        assert!(error.contains("(something went wrong)"), "{error}");
    }

    #[test]
    fn key_ranges_cover_everything_once() {
        let ranges = key_ranges("\"id\"", |v| v.to_string(), Some((1, 10)), 3);
        assert_eq!(
            ranges,
            [
                "(\"id\" < 5 OR \"id\" IS NULL)",
                "\"id\" >= 5 AND \"id\" < 9",
                "\"id\" >= 9"
            ]
        );
        // Never more ranges than values.
        assert_eq!(
            key_ranges("c", |v| v.to_string(), Some((7, 7)), 8),
            ["TRUE"]
        );
    }

    proptest::proptest! {
        /// Between any bounds (i64's extremes too) and for any count, the ranges are
        /// contiguous and non-empty: each value between the bounds falls in exactly one.
        #[test]
        fn key_ranges_are_disjoint_and_cover_the_bounds(
            a in proptest::prelude::any::<i64>(),
            b in proptest::prelude::any::<i64>(),
            edge in 0usize..4,
            partitions in 0usize..70,
        ) {
            let (low, high) = match edge {
                0 => (a.min(b), a.max(b)),
                1 => (i64::MIN, i64::MAX),
                2 => (i64::MIN, a),
                _ => (a, i64::MAX),
            };
            let ranges = key_range_bounds(Some((low, high)), partitions);
            let span = high as i128 - low as i128 + 1;
            proptest::prop_assert!(ranges.len() as i128 <= span.max(1));
            proptest::prop_assert!(ranges.len() <= partitions.max(1));
            proptest::prop_assert_eq!(ranges[0].0, None);
            proptest::prop_assert_eq!(ranges[ranges.len() - 1].1, None);
            for pair in ranges.windows(2) {
                proptest::prop_assert_eq!(pair[0].1, pair[1].0);
            }
            let mut previous = low as i128 - 1;
            for (start, _) in ranges.iter().skip(1) {
                let start = start.expect("inner ranges have a start") as i128;
                // Strictly increasing and inside the bounds: no range is empty.
                proptest::prop_assert!(start > previous && start > low as i128);
                proptest::prop_assert!(start <= high as i128);
                previous = start;
            }
        }
    }
}
