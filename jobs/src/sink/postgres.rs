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
//! The publishing transaction also records the job in the ledger table `_kiln_commits` next to
//! the target, so a commit that runs again (after a coordinator failover), or at the same time
//! on a deposed leader, finds the rows published and only cleans up: rows are published
//! exactly once. Each winner's staging table must still hold the rows its attempt reported
//! writing; one that is gone or short (an unlogged table emptied by a database crash) fails
//! the commit, naming it, and nothing is published.

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

use super::publishing::Published;
use super::table::{
    CREATE_TABLE, LEDGER, OPTIONS, check_mode, check_options, max_connections, staging_prefix,
    staging_table, write_into,
};
use super::{Committed, StopRequest, Winner, unless_stopped};
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
            "the table does not exist (create it, or set option create_table = true to \
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

/// Publishes the winning staging tables in one transaction (unless the ledger says it is
/// done), then drops the rest.
pub async fn commit(
    sink: &pb::SinkSpec,
    job_id: &str,
    winners: &[Winner],
    mut stop: StopRequest,
) -> Result<Committed> {
    let Some(first) = winners.first() else {
        return Ok(Committed::Published);
    };
    let begin = Publishing::begin(sink.clone(), job_id.to_string(), *first);
    let Some(publishing) = unless_stopped(&mut stop, begin).await else {
        return Ok(Committed::Stopped);
    };
    super::publishing::publish_all(Box::new(publishing?), sink, winners, stop).await
}

/// The publishing transaction of a job's sink, for a [`Publisher`](super::Publisher).
pub(crate) async fn open_publishing(
    sink: pb::SinkSpec,
    job_id: String,
    first: Winner,
) -> Result<Box<dyn super::publishing::Publishing>> {
    Ok(Box::new(Publishing::begin(sink, job_id, first).await?))
}

/// A transaction publishing a job's staging tables into its target, one partition at a time;
/// committing it records the job in the ledger table next to the target, in the same
/// transaction, which tells a commit that runs again (or runs at the same time, on a deposed
/// leader) that the rows are published.
struct Publishing {
    client: Client,
    sink: pb::SinkSpec,
    job_id: String,
    target: TableName,
    ledger: TableName,
    /// The staging tables' columns (all alike).
    columns: Vec<String>,
    /// The ledger already records the job: its rows are published.
    done: bool,
}

/// PostgreSQL's SQLSTATE for a unique violation and for a relation that exists already.
const UNIQUE_VIOLATION: &str = "23505";
const DUPLICATE_TABLE: &str = "42P07";

fn is_state(error: &tokio_postgres::Error, codes: &[&str]) -> bool {
    error
        .code()
        .is_some_and(|code| codes.contains(&code.code()))
}

impl Publishing {
    /// Opens the transaction, after creating the ledger; the target is created (when asked)
    /// like the staging table of partition `first`, and the columns are read from it.
    async fn begin(sink: pb::SinkSpec, job_id: String, first: Winner) -> Result<Self> {
        let target = target(&sink)?;
        let ledger = target.sibling(LEDGER.into());
        let client = connect(&sink.path, &sink.options).await?;
        let create_ledger = format!(
            "CREATE TABLE IF NOT EXISTS {ledger} (job_id text PRIMARY KEY, \
             committed_at timestamptz NOT NULL DEFAULT now())"
        );
        if let Err(error) = client.batch_execute(&create_ledger).await {
            // Two commits creating it at once: one wins, and it exists for the other.
            if !is_state(&error, &[UNIQUE_VIOLATION, DUPLICATE_TABLE]) {
                return Err(db_failure(&sink, "creating the commit ledger")(error));
            }
        }
        client
            .batch_execute("BEGIN")
            .await
            .map_err(db_failure(&sink, "starting the commit"))?;
        let done = client
            .query_opt(
                &format!("SELECT 1 FROM {ledger} WHERE job_id = $1"),
                &[&job_id],
            )
            .await
            .map_err(db_failure(&sink, "reading the commit ledger"))?
            .is_some();
        let first = staging_table(&target, &job_id, first.partition, first.attempt);
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
            ledger,
            columns,
            done,
        })
    }

    /// Publishes one winner's staging table and drops it, in the transaction; refuses one that
    /// is gone or holds other than the rows its attempt wrote (an unlogged table is emptied
    /// by a database crash).
    async fn publish_one(&mut self, winner: Winner) -> Result<Published> {
        let staging = staging_table(&self.target, &self.job_id, winner.partition, winner.attempt);
        let exists = table_exists(&self.client, &staging)
            .await
            .map_err(db_failure(&self.sink, "looking up a staging table"))?;
        if self.columns.is_empty() || !exists {
            return Err(failure(
                &self.sink,
                format!(
                    "staging table {staging} is missing: the job's loads were removed before \
                     its commit (nothing was published; run the job again)"
                ),
            ));
        }
        let held: i64 = self
            .client
            .query_one(&format!("SELECT count(*) FROM {staging}"), &[])
            .await
            .map_err(db_failure(&self.sink, "counting a staging table's rows"))?
            .get(0);
        if held as u64 != winner.rows {
            return Ok(super::publishing::rows_lost(
                &self.sink,
                &staging,
                winner,
                held as u64,
            ));
        }
        self.client
            .batch_execute(&format!(
                "{}; DROP TABLE {staging}",
                publish_sql(&self.sink, &self.target, &staging, &self.columns)
            ))
            .await
            .map_err(db_failure(&self.sink, "publishing the rows"))?;
        Ok(Published::Rows)
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

    async fn publish(&mut self, winner: Winner) -> Result<Published> {
        self.publish_one(winner).await
    }

    async fn commit(self: Box<Self>) -> Result<()> {
        if !self.done {
            let recorded = self
                .client
                .execute(
                    &format!("INSERT INTO {} (job_id) VALUES ($1)", self.ledger),
                    &[&self.job_id],
                )
                .await;
            match recorded {
                Ok(_) => {}
                // Another commit of this job (a deposed leader's, or an earlier run that
                // committed as this one began) recorded it first: its rows are published once.
                Err(error) if is_state(&error, &[UNIQUE_VIOLATION]) => {
                    tracing::warn!(job_id = %self.job_id, "the job's commit was already recorded; this one is rolled back");
                    self.client
                        .batch_execute("ROLLBACK")
                        .await
                        .map_err(db_failure(&self.sink, "rolling back"))?;
                    return drop_staging_tables(
                        &self.client,
                        &self.sink,
                        &self.target,
                        &self.job_id,
                    )
                    .await;
                }
                Err(error) => return Err(db_failure(&self.sink, "recording the commit")(error)),
            }
        }
        self.client
            .batch_execute("COMMIT")
            .await
            .map_err(db_failure(&self.sink, "committing"))?;
        drop_staging_tables(&self.client, &self.sink, &self.target, &self.job_id).await
    }

    fn is_recorded(&self) -> bool {
        self.done
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
