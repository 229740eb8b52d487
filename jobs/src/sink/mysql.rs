//! The MySQL/MariaDB sink: parallel multi-row prepared `INSERT`s into staging tables, published in
//! one transaction recorded in a commit ledger.
//!
//! # Commit protocol
//!
//! 1. Each task attempt creates a staging table `_kiln_<job>_<partition>_<attempt>` (MyISAM,
//!    so loading writes no redo log) in the target's database and loads its rows into it with
//!    multi-row prepared `INSERT`s in the binary protocol (see `crate::mysql::insert`; the
//!    server spends about half the CPU it spends on `LOAD DATA LOCAL INFILE`).
//! 2. At job commit the coordinator, in **one transaction**, empties the target for
//!    `overwrite` (`DELETE`, so readers keep seeing the old rows until the commit), inserts the
//!    rows of each partition's winning staging table (`ON DUPLICATE KEY UPDATE` for `upsert`)
//!    and records the job in the ledger table `_kiln_commits`.
//! 3. The job's staging tables are dropped. (MySQL commits implicitly on `DROP TABLE`, so
//!    unlike PostgreSQL the drop cannot be part of the publishing transaction; the ledger row is
//!    what makes a repeated commit skip the publishing.)

use std::sync::Arc;

use arrow::datatypes::{DataType, Schema};
use datafusion::error::{DataFusionError, Result};
use datafusion::execution::TaskContext;
use datafusion::physical_plan::SendableRecordBatchStream;
use futures::StreamExt;
use kiln_core::sink::SinkTask;
use kiln_proto::v1 as pb;
use mysql_async::prelude::Queryable;
use mysql_async::{Conn, Params, Value};

use super::publishing::Published;
use super::table::{
    CREATE_TABLE, LEDGER, OPTIONS, check_mode, check_options, max_connections, staging_prefix,
    staging_table, write_into,
};
use super::{Committed, StopRequest, Winner, unless_stopped};
use crate::mysql::{connect, insert};
use crate::sql_names::{TableName, quote_mysql_ident};
use crate::sql_types::{CanonicalColumn, canonical_batch, canonical_type, mysql_type};

/// The sink format name (MySQL and MariaDB alike).
pub const FORMAT: &str = "mysql";

fn failure(sink: &pb::SinkSpec, message: impl std::fmt::Display) -> DataFusionError {
    DataFusionError::Execution(format!(
        "mysql sink {} table {}: {message}",
        sink.path, sink.table
    ))
}

fn db_failure(sink: &pb::SinkSpec, doing: &str) -> impl Fn(mysql_async::Error) -> DataFusionError {
    let sink = sink.clone();
    let doing = doing.to_string();
    move |e| failure(&sink, format!("{doing}: {e}"))
}

fn target(sink: &pb::SinkSpec) -> Result<TableName> {
    if sink.table.is_empty() {
        return Err(DataFusionError::Plan(
            "a mysql sink needs table = \"table\" or \"database.table\"".into(),
        ));
    }
    TableName::parse(&sink.table)
}

/// The job's columns with their canonical types.
fn columns(schema: &Schema) -> Result<Vec<(String, DataType)>> {
    schema
        .fields()
        .iter()
        .map(|f| Ok((f.name().clone(), canonical_type(f.data_type())?)))
        .collect()
}

fn column_definitions(columns: &[(String, DataType)]) -> Result<String> {
    Ok(columns
        .iter()
        .map(|(name, t)| Ok(format!("{} {}", quote_mysql_ident(name), mysql_type(t)?)))
        .collect::<Result<Vec<_>>>()?
        .join(", "))
}

fn column_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| quote_mysql_ident(n))
        .collect::<Vec<_>>()
        .join(", ")
}

async fn table_columns(
    conn: &mut Conn,
    table: &TableName,
) -> std::result::Result<Vec<(String, String)>, mysql_async::Error> {
    let (schema, name) = (table.schema.clone(), table.name.clone());
    conn.exec(
        "SELECT COLUMN_NAME, DATA_TYPE FROM information_schema.columns \
         WHERE table_schema = COALESCE(?, DATABASE()) AND table_name = ? ORDER BY ORDINAL_POSITION",
        (schema, name),
    )
    .await
}

/// Whether a target column of MySQL type `target` can take values of canonical type `from`.
fn compatible(target: &str, from: &DataType) -> bool {
    let target = target.to_ascii_lowercase();
    let numeric = [
        "tinyint",
        "smallint",
        "mediumint",
        "int",
        "bigint",
        "decimal",
        "float",
        "double",
        "bit",
    ];
    if target.contains("char") || target.contains("text") || target == "enum" || target == "set" {
        return true;
    }
    match from {
        DataType::Boolean
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::Float32
        | DataType::Float64
        | DataType::Decimal128(_, _) => numeric.contains(&target.as_str()),
        DataType::Date32 => ["date", "datetime", "timestamp"].contains(&target.as_str()),
        DataType::Timestamp(_, _) => ["datetime", "timestamp"].contains(&target.as_str()),
        DataType::Time64(_) => target == "time",
        DataType::Binary => target.contains("blob") || target.contains("binary"),
        _ => target == "json",
    }
}

/// Checks the sink at submit: the database answers, the table exists (or may be created), every
/// column of the job exists in it with a compatible type, upsert has a unique key to match on,
/// and the save mode agrees with what the table holds. Returns false when the mode is `ignore`
/// and the table has rows.
pub async fn validate(sink: &pb::SinkSpec, schema: &Schema) -> Result<bool> {
    let target = target(sink)?;
    check_options("mysql sink", &sink.options, OPTIONS)?;
    max_connections(sink)?;
    check_mode(sink, schema)?;
    let columns = columns(schema)?;
    column_definitions(&columns)?;
    let mut conn = connect(&sink.path, &sink.options).await?;
    let existing = table_columns(&mut conn, &target)
        .await
        .map_err(db_failure(sink, "looking up the table"))?;
    if existing.is_empty() {
        if sink.options.get(CREATE_TABLE).map(String::as_str) == Some("true") {
            return Ok(true);
        }
        return Err(failure(
            sink,
            "the table does not exist (create it, or set option create_table = true to \
             create it from the job's columns)",
        ));
    }
    let (table_schema, table_name) = (target.schema.clone(), target.name.clone());
    let engine: Option<(String, String)> = conn
        .exec_first(
            "SELECT t.engine, e.transactions FROM information_schema.tables t \
             JOIN information_schema.engines e ON e.engine = t.engine \
             WHERE t.table_schema = COALESCE(?, DATABASE()) AND t.table_name = ?",
            (table_schema, table_name),
        )
        .await
        .map_err(db_failure(sink, "looking up the table's engine"))?;
    if let Some((engine, transactions)) = engine
        && !transactions.eq_ignore_ascii_case("YES")
    {
        return Err(failure(
            sink,
            format!(
                "the table's engine, {engine}, has no transactions, so its rows cannot be \
                 published exactly once (a commit cut short would leave part of them, and its \
                 retry would add them again): convert it with ALTER TABLE ... ENGINE = InnoDB"
            ),
        ));
    }
    for (name, data_type) in &columns {
        let Some((_, target_type)) = existing.iter().find(|(c, _)| c.eq_ignore_ascii_case(name))
        else {
            let names: Vec<&str> = existing.iter().map(|(c, _)| c.as_str()).collect();
            return Err(failure(
                sink,
                format!(
                    "the job's column '{name}' is not in the table (its columns: {})",
                    names.join(", ")
                ),
            ));
        };
        if !compatible(target_type, data_type) {
            return Err(failure(
                sink,
                format!(
                    "the job's rows do not fit the table: column '{name}' is {target_type} but \
                     the job gives {data_type}"
                ),
            ));
        }
    }
    if pb::SaveMode::try_from(sink.mode) == Ok(pb::SaveMode::Upsert) {
        let (schema, name) = (target.schema.clone(), target.name.clone());
        let unique: Option<u64> = conn
            .exec_first(
                "SELECT COUNT(*) FROM information_schema.statistics WHERE \
                 table_schema = COALESCE(?, DATABASE()) AND table_name = ? AND non_unique = 0",
                (schema, name),
            )
            .await
            .map_err(db_failure(sink, "looking up the table's keys"))?;
        if unique.unwrap_or(0) == 0 {
            return Err(failure(
                sink,
                "mode upsert needs a primary key or unique index on the key columns",
            ));
        }
    }
    let has_rows: Option<u8> = conn
        .query_first(format!("SELECT 1 FROM {} LIMIT 1", target.mysql_quoted()))
        .await
        .map_err(db_failure(sink, "reading the table"))?;
    write_into(sink, has_rows.is_some())
}

/// Loads one task attempt's rows into its own staging table with multi-row prepared
/// `INSERT`s in the binary protocol.
pub async fn write_attempt(
    task: &SinkTask,
    mut data: SendableRecordBatchStream,
    _ctx: Arc<TaskContext>,
) -> Result<u64> {
    let sink = &task.sink;
    let target = target(sink)?;
    let staging = staging_table(&target, &task.job_id, task.partition, task.attempt);
    let columns = columns(&data.schema())?;
    tracing::info!(
        "loading into staging table {} with prepared multi-row INSERTs",
        staging.mysql_quoted()
    );
    let mut conn = connect(&sink.path, &sink.options).await?;
    let definitions = column_definitions(&columns)?;
    for sql in [
        format!("DROP TABLE IF EXISTS {}", staging.mysql_quoted()),
        // MyISAM: staging rows need no transactions or redo log; the publishing INSERT into
        // the (transactional) target is what commits.
        format!(
            "CREATE TABLE {} ({definitions}) ENGINE=MyISAM",
            staging.mysql_quoted()
        ),
    ] {
        conn.query_drop(sql)
            .await
            .map_err(db_failure(sink, "creating a staging table"))?;
    }

    // Encode rows on this task while the connection inserts what is ready.
    let per_statement = insert::rows_per_statement(columns.len());
    let chunk = per_statement * columns.len();
    let names: Vec<String> = columns.iter().map(|(n, _)| quote_mysql_ident(n)).collect();
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<(usize, Vec<Value>)>(2);
    let encoder = async move {
        let mut params = Vec::with_capacity(chunk);
        let mut rows_in_params = 0;
        while let Some(batch) = data.next().await {
            let columns = canonical_batch(&batch?)?;
            let views = columns
                .iter()
                .map(CanonicalColumn::of)
                .collect::<Result<Vec<_>>>()?;
            for row in 0..batch_rows(&columns) {
                insert::encode_row(&views, row, &mut params).map_err(|e| failure(sink, e))?;
                rows_in_params += 1;
                if rows_in_params == per_statement {
                    let full = std::mem::replace(&mut params, Vec::with_capacity(chunk));
                    if sender.send((rows_in_params, full)).await.is_err() {
                        return Ok(());
                    }
                    rows_in_params = 0;
                }
            }
        }
        if rows_in_params > 0 {
            let _ = sender.send((rows_in_params, params)).await;
        }
        Ok::<_, DataFusionError>(())
    };
    let table = staging.mysql_quoted();
    // It owns the receiver: when an insert fails, the encoder stops at once.
    let inserter = async move {
        let full = conn
            .prep(insert::statement(&table, &names, per_statement))
            .await
            .map_err(db_failure(sink, "preparing the load"))?;
        let mut rows = 0u64;
        while let Some((count, params)) = receiver.recv().await {
            let statement = match count == per_statement {
                true => full.clone(),
                false => conn
                    .prep(insert::statement(&table, &names, count))
                    .await
                    .map_err(db_failure(sink, "preparing the load"))?,
            };
            conn.exec_drop(statement, Params::Positional(params))
                .await
                .map_err(db_failure(sink, "loading rows"))?;
            rows += count as u64;
        }
        Ok::<_, DataFusionError>(rows)
    };
    let (encoded, inserted) = tokio::join!(encoder, inserter);
    // A failed insert stops the encoder (its channel closes); report the insert's error.
    let rows = inserted?;
    encoded?;
    Ok(rows)
}

fn batch_rows(columns: &[arrow::array::ArrayRef]) -> usize {
    columns.first().map_or(0, |c| c.len())
}

/// Publishes the winning staging tables in one transaction (unless the ledger says it is
/// done), then drops all of the job's staging tables.
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
/// committing it records the job in the ledger, which tells a commit that runs again that the
/// rows are published.
struct Publishing {
    conn: Conn,
    sink: pb::SinkSpec,
    job_id: String,
    target: TableName,
    ledger: String,
    /// The ledger already records the job: its rows are published.
    done: bool,
}

impl Publishing {
    /// Opens the transaction, after creating the ledger and (when asked) the target, like the
    /// staging table of partition `first`.
    async fn begin(sink: pb::SinkSpec, job_id: String, first: Winner) -> Result<Self> {
        let target = target(&sink)?;
        let ledger = target.sibling(LEDGER.into()).mysql_quoted();
        let mut conn = connect(&sink.path, &sink.options).await?;
        // DDL commits implicitly in MySQL: it comes before the transaction.
        // InnoDB whatever the server's default engine: the ledger row commits with the rows.
        conn.query_drop(format!(
            "CREATE TABLE IF NOT EXISTS {ledger} (job_id VARCHAR(64) PRIMARY KEY, committed_at DATETIME(6) NOT NULL) ENGINE = InnoDB"
        ))
        .await
        .map_err(db_failure(&sink, "creating the commit ledger"))?;
        if sink.options.get(CREATE_TABLE).map(String::as_str) == Some("true") {
            // The staging table's columns, in InnoDB (it is MyISAM itself): the commit needs
            // a transactional table.
            conn.query_drop(format!(
                "CREATE TABLE IF NOT EXISTS {} ENGINE = InnoDB SELECT * FROM {} WHERE 1 = 0",
                target.mysql_quoted(),
                staging_table(&target, &job_id, first.partition, first.attempt).mysql_quoted()
            ))
            .await
            .map_err(db_failure(&sink, "creating the table"))?;
        }
        conn.query_drop("START TRANSACTION")
            .await
            .map_err(db_failure(&sink, "starting the commit"))?;
        let done: Option<u8> = conn
            .exec_first(
                format!("SELECT 1 FROM {ledger} WHERE job_id = ? FOR UPDATE"),
                (&job_id,),
            )
            .await
            .map_err(db_failure(&sink, "reading the commit ledger"))?;
        Ok(Self {
            conn,
            sink,
            job_id,
            target,
            ledger,
            done: done.is_some(),
        })
    }

    /// Publishes one winner's staging table in the transaction; refuses one that is gone or
    /// holds other than the rows its attempt wrote.
    async fn publish_one(&mut self, winner: Winner) -> Result<Published> {
        let (sink, target) = (&self.sink, &self.target);
        let staging = staging_table(target, &self.job_id, winner.partition, winner.attempt);
        let names: Vec<String> = table_columns(&mut self.conn, &staging)
            .await
            .map_err(db_failure(sink, "reading a staging table"))?
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        if names.is_empty() {
            return Err(failure(
                sink,
                format!(
                    "staging table {staging} is missing: the job's loads were removed before commit"
                ),
            ));
        }
        let held: Option<u64> = self
            .conn
            .query_first(format!("SELECT COUNT(*) FROM {}", staging.mysql_quoted()))
            .await
            .map_err(db_failure(sink, "counting a staging table's rows"))?;
        let held = held.unwrap_or(0);
        if held != winner.rows {
            return Ok(super::publishing::rows_lost(
                sink,
                &staging.mysql_quoted(),
                winner,
                held,
            ));
        }
        let list = column_list(&names);
        let mut sql = format!(
            "INSERT INTO {} ({list}) SELECT {list} FROM {}",
            target.mysql_quoted(),
            staging.mysql_quoted()
        );
        if pb::SaveMode::try_from(sink.mode) == Ok(pb::SaveMode::Upsert) {
            let updates: Vec<String> = names
                .iter()
                .filter(|c| !sink.key_columns.contains(c))
                .map(|c| format!("{0} = VALUES({0})", quote_mysql_ident(c)))
                .collect();
            let key = quote_mysql_ident(&sink.key_columns[0]);
            let updates = if updates.is_empty() {
                format!("{key} = {key}")
            } else {
                updates.join(", ")
            };
            sql.push_str(&format!(" ON DUPLICATE KEY UPDATE {updates}"));
        }
        self.conn
            .query_drop(sql)
            .await
            .map_err(db_failure(sink, "publishing the rows"))?;
        Ok(Published::Rows)
    }
}

#[async_trait::async_trait]
impl super::publishing::Publishing for Publishing {
    async fn empty_target(&mut self) -> Result<()> {
        // DELETE, not TRUNCATE (which commits): readers keep the old rows until the commit.
        self.conn
            .query_drop(format!("DELETE FROM {}", self.target.mysql_quoted()))
            .await
            .map_err(db_failure(&self.sink, "emptying the table for overwrite"))
    }

    async fn publish(&mut self, winner: Winner) -> Result<Published> {
        self.publish_one(winner).await
    }

    async fn commit(mut self: Box<Self>) -> Result<()> {
        if !self.done {
            self.conn
                .exec_drop(
                    format!("INSERT INTO {} VALUES (?, NOW(6))", self.ledger),
                    (&self.job_id,),
                )
                .await
                .map_err(db_failure(&self.sink, "recording the commit"))?;
        }
        self.conn
            .query_drop("COMMIT")
            .await
            .map_err(db_failure(&self.sink, "committing"))?;
        drop_staging_tables(&mut self.conn, &self.sink, &self.target, &self.job_id).await
    }

    fn is_recorded(&self) -> bool {
        self.done
    }

    async fn rollback(mut self: Box<Self>) -> Result<()> {
        self.conn
            .query_drop("ROLLBACK")
            .await
            .map_err(db_failure(&self.sink, "rolling back"))
    }
}

/// Drops every staging table of a job that will not commit.
pub async fn abort(sink: &pb::SinkSpec, job_id: &str) -> Result<()> {
    let target = target(sink)?;
    let mut conn = connect(&sink.path, &sink.options).await?;
    drop_staging_tables(&mut conn, sink, &target, job_id).await
}

async fn drop_staging_tables(
    conn: &mut Conn,
    sink: &pb::SinkSpec,
    target: &TableName,
    job_id: &str,
) -> Result<()> {
    let schema = target.schema.clone();
    let tables: Vec<String> = conn
        .exec(
            "SELECT table_name FROM information_schema.tables \
             WHERE table_schema = COALESCE(?, DATABASE()) AND LEFT(table_name, ?) = ?",
            (schema, staging_prefix(job_id).len(), staging_prefix(job_id)),
        )
        .await
        .map_err(db_failure(sink, "listing staging tables"))?;
    for table in tables {
        conn.query_drop(format!(
            "DROP TABLE IF EXISTS {}",
            target.sibling(table).mysql_quoted()
        ))
        .await
        .map_err(db_failure(sink, "dropping a staging table"))?;
    }
    Ok(())
}
