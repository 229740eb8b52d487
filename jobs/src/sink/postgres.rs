//! The PostgreSQL sink: parallel binary `COPY` into staging tables, published in one
//! transaction.
//!
//! # Commit protocol
//!
//! 1. Each task attempt creates an unlogged staging table `_kiln_<job>_<partition>_<attempt>`
//!    next to the target and loads its rows with binary `COPY` (the database's bulk path).
//! 2. At job commit the coordinator, in **one transaction**, (creates the target if asked,)
//!    empties it for `overwrite`, inserts the rows of each partition's winning staging table
//!    (`INSERT ... ON CONFLICT DO UPDATE` for `upsert`) and drops those staging tables.
//!    Readers see the old table until the transaction commits and the new one after; never an
//!    empty or half-loaded one.
//! 3. Leftover staging tables (failed or superseded attempts) are dropped.
//!
//! The winners' staging tables are dropped in the publishing transaction, so their absence
//! tells a commit that runs again (after a coordinator failover) that the rows are already
//! published: it only cleans up. Rows are published exactly once.

use std::sync::Arc;

use arrow::datatypes::Schema;
use bytes::BytesMut;
use datafusion::error::{DataFusionError, Result};
use datafusion::execution::TaskContext;
use datafusion::physical_plan::SendableRecordBatchStream;
use futures::{SinkExt, StreamExt};
use kiln_core::sink::SinkTask;
use kiln_proto::v1 as pb;
use tokio_postgres::Client;

use super::table::{
    CREATE_TABLE, OPTIONS, check_mode, check_options, max_connections, staging_prefix,
    staging_table, write_into,
};
use crate::postgres::copy;
use crate::postgres::{TableName, connect, error_text, quote_ident};
use crate::sql_types::{canonical_batch, canonical_type, postgres_type};

/// The sink format name.
pub const FORMAT: &str = "postgres";
/// Bytes buffered before they are sent to the server.
const SEND_CHUNK: usize = 1 << 20;

fn failure(sink: &pb::SinkSpec, message: impl std::fmt::Display) -> DataFusionError {
    DataFusionError::Execution(format!(
        "postgres sink {} table {}: {message}",
        sink.path, sink.table
    ))
}

fn db_failure(
    sink: &pb::SinkSpec,
    doing: &str,
) -> impl Fn(tokio_postgres::Error) -> DataFusionError {
    let sink = sink.clone();
    let doing = doing.to_string();
    move |e| failure(&sink, format!("{doing}: {}", error_text(&e)))
}

fn target(sink: &pb::SinkSpec) -> Result<TableName> {
    if sink.table.is_empty() {
        return Err(DataFusionError::Plan(
            "a postgres sink needs table = \"schema.table\"".into(),
        ));
    }
    TableName::parse(&sink.table)
}

/// `CREATE ... TABLE name (columns)` for rows of `schema`.
fn column_definitions(schema: &Schema) -> Result<String> {
    Ok(schema
        .fields()
        .iter()
        .map(|f| {
            Ok(format!(
                "{} {}",
                quote_ident(f.name()),
                postgres_type(&canonical_type(f.data_type())?)
            ))
        })
        .collect::<Result<Vec<_>>>()?
        .join(", "))
}

fn column_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| quote_ident(n))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The `INSERT` that publishes one staging table.
fn publish_sql(
    sink: &pb::SinkSpec,
    target: &TableName,
    staging: &TableName,
    columns: &[String],
) -> String {
    let list = column_list(columns);
    let mut sql = format!("INSERT INTO {target} ({list}) SELECT {list} FROM {staging}");
    if pb::SaveMode::try_from(sink.mode) == Ok(pb::SaveMode::Upsert) {
        let updates: Vec<String> = columns
            .iter()
            .filter(|c| !sink.key_columns.contains(c))
            .map(|c| format!("{} = EXCLUDED.{}", quote_ident(c), quote_ident(c)))
            .collect();
        let action = if updates.is_empty() {
            "NOTHING".to_string()
        } else {
            format!("UPDATE SET {}", updates.join(", "))
        };
        sql.push_str(&format!(
            " ON CONFLICT ({}) DO {action}",
            column_list(&sink.key_columns)
        ));
    }
    sql
}

async fn table_exists(
    client: &Client,
    table: &TableName,
) -> std::result::Result<bool, tokio_postgres::Error> {
    let row = client
        .query_one("SELECT to_regclass($1) IS NOT NULL", &[&table.quoted()])
        .await?;
    Ok(row.get(0))
}

/// Checks the sink at submit: the database answers, the table exists (or may be created), the
/// job's columns fit it (PostgreSQL itself checks the insert), and the save mode agrees with
/// what the table holds. Returns false when the mode is `ignore` and the table has rows.
pub async fn validate(sink: &pb::SinkSpec, schema: &Schema) -> Result<bool> {
    let target = target(sink)?;
    check_options("postgres sink", &sink.options, OPTIONS)?;
    max_connections(sink)?;
    check_mode(sink, schema)?;
    let definitions = column_definitions(schema)?;
    let mut client = connect(&sink.path, &sink.options).await?;
    let exists = table_exists(&client, &target)
        .await
        .map_err(db_failure(sink, "looking up the table"))?;
    if !exists {
        if sink.options.get(CREATE_TABLE).map(String::as_str) == Some("true") {
            return Ok(true);
        }
        return Err(failure(
            sink,
            "the table does not exist (create it, or set option create_table = \"true\" to \
             create it from the job's columns)",
        ));
    }
    // Let PostgreSQL check that these columns and types can be inserted into the table (and,
    // for upsert, that a unique constraint matches the keys), without changing anything.
    let columns: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    let tx = client
        .transaction()
        .await
        .map_err(db_failure(sink, "starting a transaction"))?;
    tx.batch_execute(&format!(
        "CREATE TEMPORARY TABLE _kiln_check ({definitions})"
    ))
    .await
    .map_err(db_failure(sink, "checking the job's columns"))?;
    let check = TableName {
        schema: None,
        name: "_kiln_check".into(),
    };
    tx.batch_execute(&format!(
        "EXPLAIN {}",
        publish_sql(sink, &target, &check, &columns)
    ))
    .await
    .map_err(db_failure(sink, "the job's rows do not fit the table"))?;
    let has_rows: bool = tx
        .query_one(&format!("SELECT EXISTS (SELECT 1 FROM {target})"), &[])
        .await
        .map_err(db_failure(sink, "reading the table"))?
        .get(0);
    tx.rollback()
        .await
        .map_err(db_failure(sink, "ending the check"))?;
    write_into(sink, has_rows)
}

/// Loads one task attempt's rows into its own staging table with binary `COPY`.
pub async fn write_attempt(
    task: &SinkTask,
    mut data: SendableRecordBatchStream,
    _ctx: Arc<TaskContext>,
) -> Result<u64> {
    let sink = &task.sink;
    let target = target(sink)?;
    let staging = staging_table(&target, &task.job_id, task.partition, task.attempt);
    let schema = data.schema();
    tracing::info!("loading into staging table {staging} with binary COPY");
    let client = connect(&sink.path, &sink.options).await?;
    client
        .batch_execute(&format!(
            "DROP TABLE IF EXISTS {staging}; CREATE UNLOGGED TABLE {staging} ({})",
            column_definitions(&schema)?
        ))
        .await
        .map_err(db_failure(sink, "creating a staging table"))?;
    let columns: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    let copy_sql = format!(
        "COPY {staging} ({}) FROM STDIN (FORMAT binary)",
        column_list(&columns)
    );
    let writer = client
        .copy_in::<_, bytes::Bytes>(&copy_sql)
        .await
        .map_err(db_failure(sink, "starting COPY"))?;
    futures::pin_mut!(writer);
    let mut buf = BytesMut::with_capacity(SEND_CHUNK * 2);
    buf.extend_from_slice(copy::HEADER);
    while let Some(batch) = data.next().await {
        let batch = batch?;
        copy::encode_rows(&canonical_batch(&batch)?, &mut buf).map_err(|e| failure(sink, e))?;
        if buf.len() >= SEND_CHUNK {
            writer
                .send(buf.split().freeze())
                .await
                .map_err(db_failure(sink, "COPY"))?;
        }
    }
    buf.extend_from_slice(copy::TRAILER);
    writer
        .send(buf.split().freeze())
        .await
        .map_err(db_failure(sink, "COPY"))?;
    writer
        .as_mut()
        .finish()
        .await
        .map_err(db_failure(sink, "COPY"))
}

/// Publishes the winning staging tables in one transaction, then drops the rest.
pub async fn commit(sink: &pb::SinkSpec, job_id: &str, winners: &[(u32, u32)]) -> Result<()> {
    let target = target(sink)?;
    let Some(first) = winners.first() else {
        return Ok(());
    };
    let publishing = Publishing::begin(sink.clone(), job_id.to_string(), *first).await?;
    let mut staged = 0;
    for (partition, attempt) in winners {
        let staging = staging_table(&target, job_id, *partition, *attempt);
        if table_exists(&publishing.client, &staging)
            .await
            .map_err(db_failure(sink, "looking up staging tables"))?
        {
            staged += 1;
        }
    }
    if staged > 0 && staged < winners.len() {
        return Err(failure(
            sink,
            format!(
                "only {staged} of {} staging tables exist: the job's loads were removed before commit",
                winners.len()
            ),
        ));
    }
    let publishing: Box<dyn super::publishing::Publishing> = Box::new(publishing);
    match staged {
        // None left: an earlier run of this commit published them.
        0 => publishing.commit().await,
        _ => super::publishing::publish_all(publishing, sink, winners).await,
    }
}

/// The publishing transaction of a job's sink, for a [`Publisher`](super::Publisher).
pub(crate) async fn open_publishing(
    sink: pb::SinkSpec,
    job_id: String,
    first: (u32, u32),
) -> Result<Box<dyn super::publishing::Publishing>> {
    Ok(Box::new(Publishing::begin(sink, job_id, first).await?))
}

/// A transaction publishing a job's staging tables into its target, one partition at a time;
/// each staging table is dropped in the same transaction, so after it commits their absence
/// says the rows are published.
struct Publishing {
    client: Client,
    sink: pb::SinkSpec,
    job_id: String,
    target: TableName,
    /// The staging tables' columns (all alike).
    columns: Vec<String>,
}

impl Publishing {
    /// Opens the transaction; the target is created (when asked) like the staging table of
    /// partition `first`, and the columns are read from it.
    async fn begin(sink: pb::SinkSpec, job_id: String, first: (u32, u32)) -> Result<Self> {
        let target = target(&sink)?;
        let client = connect(&sink.path, &sink.options).await?;
        client
            .batch_execute("BEGIN")
            .await
            .map_err(db_failure(&sink, "starting the commit"))?;
        let first = staging_table(&target, &job_id, first.0, first.1);
        let columns: Vec<String> = client
            .query(
                "SELECT attname::text FROM pg_attribute WHERE attrelid = to_regclass($1) \
                 AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
                &[&first.quoted()],
            )
            .await
            .map_err(db_failure(&sink, "reading the staging table's columns"))?
            .iter()
            .map(|row| row.get(0))
            .collect();
        if !columns.is_empty() && sink.options.get(CREATE_TABLE).map(String::as_str) == Some("true")
        {
            client
                .batch_execute(&format!(
                    "CREATE TABLE IF NOT EXISTS {target} (LIKE {first})"
                ))
                .await
                .map_err(db_failure(&sink, "creating the table"))?;
        }
        Ok(Self {
            client,
            sink,
            job_id,
            target,
            columns,
        })
    }

    async fn publish_one(&mut self, partition: u32, attempt: u32) -> Result<()> {
        let staging = staging_table(&self.target, &self.job_id, partition, attempt);
        if self.columns.is_empty() {
            return Err(failure(
                &self.sink,
                format!("staging table {staging} is missing"),
            ));
        }
        self.client
            .batch_execute(&format!(
                "{}; DROP TABLE {staging}",
                publish_sql(&self.sink, &self.target, &staging, &self.columns)
            ))
            .await
            .map_err(db_failure(&self.sink, "publishing the rows"))
    }
}

#[async_trait::async_trait]
impl super::publishing::Publishing for Publishing {
    async fn empty_target(&mut self) -> Result<()> {
        self.client
            .batch_execute(&format!("TRUNCATE {}", self.target))
            .await
            .map_err(db_failure(&self.sink, "emptying the table for overwrite"))
    }

    async fn publish(&mut self, partition: u32, attempt: u32) -> Result<()> {
        self.publish_one(partition, attempt).await
    }

    async fn commit(self: Box<Self>) -> Result<()> {
        self.client
            .batch_execute("COMMIT")
            .await
            .map_err(db_failure(&self.sink, "committing"))?;
        drop_staging_tables(&self.client, &self.sink, &self.target, &self.job_id).await
    }

    async fn rollback(self: Box<Self>) -> Result<()> {
        self.client
            .batch_execute("ROLLBACK")
            .await
            .map_err(db_failure(&self.sink, "rolling back"))
    }
}

/// Drops every staging table of a job that will not commit.
pub async fn abort(sink: &pb::SinkSpec, job_id: &str) -> Result<()> {
    let target = target(sink)?;
    let client = connect(&sink.path, &sink.options).await?;
    drop_staging_tables(&client, sink, &target, job_id).await
}

async fn drop_staging_tables(
    client: &Client,
    sink: &pb::SinkSpec,
    target: &TableName,
    job_id: &str,
) -> Result<()> {
    let prefix = staging_prefix(job_id);
    let rows = client
        .query(
            "SELECT tablename::text FROM pg_tables \
             WHERE schemaname = coalesce($1, current_schema()) AND starts_with(tablename, $2)",
            &[&target.schema, &prefix],
        )
        .await
        .map_err(db_failure(sink, "listing staging tables"))?;
    for row in rows {
        let staging = target.sibling(row.get(0));
        client
            .batch_execute(&format!("DROP TABLE IF EXISTS {staging}"))
            .await
            .map_err(db_failure(sink, "dropping a staging table"))?;
    }
    Ok(())
}
