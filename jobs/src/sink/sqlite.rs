//! The SQLite sink, for the embedded cluster and loads on one machine: the database is a file
//! every executor can open (local, or on a shared volume).
//!
//! The same protocol as the other database sinks: each task attempt fills its own staging
//! table `_kiln_<job>_<partition>_<attempt>` in the file; the commit publishes the winners'
//! rows into the table, drops their staging tables and records the job in the ledger table
//! `_kiln_commits` in one transaction, so readers see the table before or after, never a mix,
//! and a commit that runs again publishes nothing twice; leftover staging tables are dropped. SQLite is
//! synchronous: its work runs on tokio's blocking threads.

use std::sync::Arc;

use arrow::datatypes::{DataType, Schema};
use datafusion::error::{DataFusionError, Result};
use datafusion::execution::TaskContext;
use datafusion::physical_plan::SendableRecordBatchStream;
use futures::StreamExt;
use kiln_core::sink::SinkTask;
use kiln_proto::v1 as pb;
use rusqlite::types::Value;
use rusqlite::{Connection, TransactionBehavior};

use super::table::{
    CREATE_TABLE, LEDGER, MAX_CONNECTIONS, check_mode, check_options, max_connections,
    staging_prefix, staging_table, write_into,
};
use super::{Committed, Winner};
use crate::sql_names::{TableName, quote_ident};
use crate::sql_types::{CanonicalColumn, CanonicalValues, canonical_batch, canonical_type};
use crate::sqlite::{self, Access, blocking};

/// The sink format name.
pub const FORMAT: &str = "sqlite";
/// The options a sqlite sink takes, and what each means.
pub(crate) const OPTIONS: &[(&str, &str)] = &[
    (
        CREATE_TABLE,
        "\"true\" creates a missing table (and database file) from the job's columns",
    ),
    (
        MAX_CONNECTIONS,
        "the most load tasks (each with one connection) running at once",
    ),
];

fn failure(sink: &pb::SinkSpec, message: impl std::fmt::Display) -> DataFusionError {
    DataFusionError::Execution(format!(
        "sqlite sink {} table {}: {message}",
        sink.path, sink.table
    ))
}

fn db_failure(sink: &pb::SinkSpec, doing: &str) -> impl Fn(rusqlite::Error) -> DataFusionError {
    let sink = sink.clone();
    let doing = doing.to_string();
    move |e| failure(&sink, format!("{doing}: {e}"))
}

fn target(sink: &pb::SinkSpec) -> Result<TableName> {
    if sink.table.is_empty() {
        return Err(DataFusionError::Plan(
            "a sqlite sink needs table = \"name\"".into(),
        ));
    }
    TableName::parse(&sink.table)
}

/// Opens the sink's database file, creating it only when `create` is set.
fn open(sink: &pb::SinkSpec, create: bool) -> Result<Connection> {
    let access = if create {
        Access::Create
    } else {
        Access::ReadWrite
    };
    let conn = sqlite::open(
        &sink.path,
        access,
        &format!("sqlite sink table {}", sink.table),
    )?;
    // Readers keep reading the old table while a commit writes the new one.
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(db_failure(sink, "switching to WAL"))?;
    Ok(conn)
}

/// The SQLite type a column of a canonical Arrow type is declared with. The names say what the
/// values are, so the SQLite source (and other tools) read them back as such; decimals are
/// text, so no digit is lost (a `DECIMAL` column would round them to floats).
fn sqlite_type(data_type: &DataType) -> &'static str {
    match data_type {
        DataType::Boolean => "BOOLEAN",
        DataType::Int16 | DataType::Int32 | DataType::Int64 => "INTEGER",
        DataType::Float32 | DataType::Float64 => "REAL",
        DataType::Binary => "BLOB",
        DataType::Date32 => "DATE",
        DataType::Timestamp(_, None) => "TIMESTAMP",
        DataType::Timestamp(_, Some(_)) => "TIMESTAMPTZ",
        DataType::Time64(_) => "TIME",
        _ => "TEXT",
    }
}

/// `CREATE TABLE name (columns)` for rows of `schema`.
fn create_table_sql(name: &TableName, schema: &Schema) -> Result<String> {
    let columns = schema
        .fields()
        .iter()
        .map(|f| {
            Ok(format!(
                "{} {}",
                quote_ident(f.name()),
                sqlite_type(&canonical_type(f.data_type())?)
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(format!(
        "CREATE TABLE {} ({})",
        name.quoted(),
        columns.join(", ")
    ))
}

fn table_exists(conn: &Connection, table: &TableName) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
        [&table.name],
        |row| row.get::<_, i64>(0),
    )
    .map(|n| n > 0)
}

fn columns_of(conn: &Connection, table: &TableName) -> rusqlite::Result<Vec<String>> {
    let mut statement = conn.prepare(&format!("PRAGMA table_info({})", table.quoted()))?;
    statement
        .query_map([], |row| row.get::<_, String>(1))?
        .collect()
}

/// Checks the sink at submit: the file opens, the table exists (or may be created) and has
/// the job's columns, and the save mode agrees with what it holds. Returns false when the mode
/// is `ignore` and the table has rows.
pub async fn validate(sink: &pb::SinkSpec, schema: &Schema) -> Result<bool> {
    let target = target(sink)?;
    check_options("sqlite sink", &sink.options, OPTIONS)?;
    max_connections(sink)?;
    check_mode(sink, schema)?;
    create_table_sql(&target, schema)?;
    let create = sink.options.get(CREATE_TABLE).map(String::as_str) == Some("true");
    let sink = sink.clone();
    let wanted: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    blocking(move || {
        let conn = open(&sink, create)?;
        if !table_exists(&conn, &target).map_err(db_failure(&sink, "looking up the table"))? {
            if create {
                return Ok(true);
            }
            return Err(failure(
                &sink,
                "the table does not exist; create it, or set options.create_table = true",
            ));
        }
        let columns =
            columns_of(&conn, &target).map_err(db_failure(&sink, "reading the table's columns"))?;
        if let Some(missing) = wanted.iter().find(|w| !columns.contains(w)) {
            return Err(failure(
                &sink,
                format!(
                    "the table has no column '{missing}' (it has {})",
                    columns.join(", ")
                ),
            ));
        }
        let has_rows: bool = conn
            .query_row(
                &format!("SELECT EXISTS (SELECT 1 FROM {})", target.quoted()),
                [],
                |row| row.get(0),
            )
            .map_err(db_failure(&sink, "looking at the table's rows"))?;
        write_into(&sink, has_rows)
    })
    .await
}

/// Loads one task attempt's rows into its own staging table.
pub async fn write_attempt(
    task: &SinkTask,
    mut data: SendableRecordBatchStream,
    _ctx: Arc<TaskContext>,
) -> Result<u64> {
    let sink = task.sink.clone();
    let target = target(&sink)?;
    let staging = staging_table(&target, &task.job_id, task.partition, task.attempt);
    tracing::info!("loading into staging table {staging} of {}", sink.path);
    let create = create_table_sql(&staging, &data.schema())?;
    let (sender, mut receiver) = tokio::sync::mpsc::channel(2);
    let writer = blocking(move || {
        let mut conn = open(&sink, false)?;
        conn.execute_batch(&format!(
            "DROP TABLE IF EXISTS {}; {create}",
            staging.quoted()
        ))
        .map_err(db_failure(&sink, "creating a staging table"))?;
        let tx = conn
            .transaction()
            .map_err(db_failure(&sink, "starting the load"))?;
        let mut rows = 0u64;
        while let Some(batch) = receiver.blocking_recv() {
            let columns = canonical_batch(&batch)?;
            let views = columns
                .iter()
                .map(CanonicalColumn::of)
                .collect::<Result<Vec<_>>>()?;
            let marks = vec!["?"; views.len()].join(", ");
            let mut insert = tx
                .prepare_cached(&format!(
                    "INSERT INTO {} VALUES ({marks})",
                    staging.quoted()
                ))
                .map_err(db_failure(&sink, "preparing the load"))?;
            let mut values = Vec::with_capacity(views.len());
            for row in 0..batch.num_rows() {
                values.clear();
                values.extend(views.iter().map(|column| value(column, row)));
                insert
                    .execute(rusqlite::params_from_iter(values.iter()))
                    .map_err(db_failure(&sink, "loading rows"))?;
            }
            rows += batch.num_rows() as u64;
        }
        tx.commit()
            .map_err(db_failure(&sink, "finishing the load"))?;
        Ok(rows)
    });
    let feeder = async move {
        while let Some(batch) = data.next().await {
            if sender.send(batch?).await.is_err() {
                break; // The writer failed; its error is the one to report.
            }
        }
        Ok::<_, DataFusionError>(())
    };
    let (written, fed) = futures::join!(writer, feeder);
    fed?;
    written
}

/// One value as SQLite stores it: times as ISO 8601 text, decimals as exact text.
fn value(column: &CanonicalColumn<'_>, row: usize) -> Value {
    if column.is_null(row) {
        return Value::Null;
    }
    match &column.values {
        CanonicalValues::Boolean(a) => Value::Integer(a.value(row) as i64),
        CanonicalValues::Int16(a) => Value::Integer(a.value(row) as i64),
        CanonicalValues::Int32(a) => Value::Integer(a.value(row) as i64),
        CanonicalValues::Int64(a) => Value::Integer(a.value(row)),
        CanonicalValues::Float32(a) => Value::Real(a.value(row) as f64),
        CanonicalValues::Float64(a) => Value::Real(a.value(row)),
        CanonicalValues::Utf8(a) => Value::Text(a.value(row).to_string()),
        CanonicalValues::Binary(a) => Value::Blob(a.value(row).to_vec()),
        CanonicalValues::Date32(a) => Value::Text(
            a.value_as_date(row)
                .map_or_else(String::new, |d| d.format("%Y-%m-%d").to_string()),
        ),
        CanonicalValues::Timestamp(a) => {
            let text = chrono::DateTime::from_timestamp_micros(a.value(row))
                .map_or_else(String::new, |t| {
                    t.naive_utc().format("%Y-%m-%d %H:%M:%S%.6f").to_string()
                });
            // A zoned timestamp is stored as UTC, and says so.
            match a.timezone() {
                Some(_) => Value::Text(format!("{text}+00:00")),
                None => Value::Text(text),
            }
        }
        CanonicalValues::Time64(a) => Value::Text(
            a.value_as_time(row)
                .map_or_else(String::new, |t| t.format("%H:%M:%S%.6f").to_string()),
        ),
        CanonicalValues::Decimal128(a, _) => Value::Text(a.value_as_string(row)),
    }
}

/// Publishes the winning staging tables in one transaction recorded in the ledger (unless the
/// ledger says it is done), then drops the rest. A winner's staging table that is gone fails
/// the commit; those that hold other than the rows their attempts wrote are named, to run
/// again; either way nothing is published.
pub async fn commit(sink: &pb::SinkSpec, job_id: &str, winners: &[Winner]) -> Result<Committed> {
    let target = target(sink)?;
    let (sink, job_id, winners) = (sink.clone(), job_id.to_string(), winners.to_vec());
    blocking(move || {
        let mut conn = open(&sink, false)?;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(db_failure(&sink, "starting the commit"))?;
        let ledger = target.sibling(LEDGER.into()).quoted();
        tx.execute_batch(&format!(
            "CREATE TABLE IF NOT EXISTS {ledger} (job_id TEXT PRIMARY KEY, committed_at TEXT NOT NULL)"
        ))
        .map_err(db_failure(&sink, "creating the commit ledger"))?;
        let done: bool = tx
            .query_row(
                &format!("SELECT count(*) > 0 FROM {ledger} WHERE job_id = ?1"),
                [&job_id],
                |row| row.get(0),
            )
            .map_err(db_failure(&sink, "reading the commit ledger"))?;
        // Recorded in the ledger: an earlier run of this commit published the rows.
        if !done {
            let (mut staged, mut lost) = (vec![], vec![]);
            for winner in &winners {
                let staging = staging_table(&target, &job_id, winner.partition, winner.attempt);
                if !table_exists(&tx, &staging)
                    .map_err(db_failure(&sink, "looking up staging tables"))?
                {
                    return Err(failure(
                        &sink,
                        format!(
                            "staging table {} is missing: the job's loads were removed before \
                             its commit (nothing was published; run the job again)",
                            staging.quoted()
                        ),
                    ));
                }
                let held: i64 = tx
                    .query_row(&format!("SELECT count(*) FROM {}", staging.quoted()), [], |row| {
                        row.get(0)
                    })
                    .map_err(db_failure(&sink, "counting a staging table's rows"))?;
                if held as u64 != winner.rows {
                    let quoted = staging.quoted();
                    super::publishing::rows_lost(&sink, &quoted, *winner, held as u64);
                    lost.push(winner.partition);
                }
                staged.push(staging);
            }
            if !lost.is_empty() {
                // Dropped uncommitted: the transaction rolls back.
                return Ok(Committed::RowsLost(lost));
            }
            crate::failpoints::delay_blocking("database-commit-publish");
            if let Some(first) = staged.first() {
                publish_staged(&tx, &sink, &target, first, &staged)?;
            }
            tx.execute(
                &format!("INSERT INTO {ledger} VALUES (?1, datetime('now'))"),
                [&job_id],
            )
            .map_err(db_failure(&sink, "recording the commit"))?;
        }
        tx.commit().map_err(db_failure(&sink, "committing"))?;
        drop_staging_tables(&conn, &sink, &target, &job_id)?;
        Ok(Committed::Published)
    })
    .await
}

/// Inserts every staging table's rows into the target and drops them, in `tx`: the target is
/// created like `first` if missing, and emptied first for `overwrite`.
fn publish_staged(
    tx: &rusqlite::Transaction<'_>,
    sink: &pb::SinkSpec,
    target: &TableName,
    first: &TableName,
    staged: &[TableName],
) -> Result<()> {
    let columns = columns_of(tx, first).map_err(db_failure(sink, "reading columns"))?;
    if !table_exists(tx, target).map_err(db_failure(sink, "looking up the table"))? {
        // The staging table's own definition, under the table's name.
        let ddl: String = tx
            .query_row(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1",
                [&first.name],
                |row| row.get(0),
            )
            .map_err(db_failure(sink, "reading the staging table's definition"))?;
        tx.execute_batch(&ddl.replacen(&first.quoted(), &target.quoted(), 1))
            .map_err(db_failure(sink, "creating the table"))?;
    }
    if pb::SaveMode::try_from(sink.mode) == Ok(pb::SaveMode::Overwrite) {
        tx.execute_batch(&format!("DELETE FROM {}", target.quoted()))
            .map_err(db_failure(sink, "emptying the table for overwrite"))?;
    }
    for staging in staged {
        tx.execute_batch(&format!(
            "{}; DROP TABLE {}",
            publish_sql(sink, target, staging, &columns),
            staging.quoted()
        ))
        .map_err(db_failure(sink, "publishing the rows"))?;
    }
    Ok(())
}

/// The `INSERT` that publishes one staging table.
fn publish_sql(
    sink: &pb::SinkSpec,
    target: &TableName,
    staging: &TableName,
    columns: &[String],
) -> String {
    let list = columns
        .iter()
        .map(|c| quote_ident(c))
        .collect::<Vec<_>>()
        .join(", ");
    // `WHERE true` keeps SQLite from reading ON CONFLICT as part of the SELECT.
    let mut sql = format!(
        "INSERT INTO {} ({list}) SELECT {list} FROM {} WHERE true",
        target.quoted(),
        staging.quoted()
    );
    if pb::SaveMode::try_from(sink.mode) == Ok(pb::SaveMode::Upsert) {
        let keys: Vec<String> = sink.key_columns.iter().map(|k| quote_ident(k)).collect();
        let updates: Vec<String> = columns
            .iter()
            .filter(|c| !sink.key_columns.contains(c))
            .map(|c| format!("{} = excluded.{}", quote_ident(c), quote_ident(c)))
            .collect();
        let action = match updates.is_empty() {
            true => "NOTHING".to_string(),
            false => format!("UPDATE SET {}", updates.join(", ")),
        };
        sql.push_str(&format!(" ON CONFLICT ({}) DO {action}", keys.join(", ")));
    }
    sql
}

/// Drops every staging table of a job that will not commit.
pub async fn abort(sink: &pb::SinkSpec, job_id: &str) -> Result<()> {
    let target = target(sink)?;
    let (sink, job_id) = (sink.clone(), job_id.to_string());
    blocking(move || {
        let conn = open(&sink, false)?;
        drop_staging_tables(&conn, &sink, &target, &job_id)
    })
    .await
}

fn drop_staging_tables(
    conn: &Connection,
    sink: &pb::SinkSpec,
    target: &TableName,
    job_id: &str,
) -> Result<()> {
    let prefix = staging_prefix(job_id);
    let names: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, ?2) = ?1")
        .and_then(|mut s| {
            s.query_map(rusqlite::params![prefix, prefix.len() as i64], |row| {
                row.get(0)
            })?
            .collect()
        })
        .map_err(db_failure(sink, "listing staging tables"))?;
    for name in names {
        let staging = target.sibling(name);
        conn.execute_batch(&format!("DROP TABLE IF EXISTS {}", staging.quoted()))
            .map_err(db_failure(sink, "dropping a staging table"))?;
    }
    Ok(())
}
