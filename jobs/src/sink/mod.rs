//! Sinks: where a job's rows go, and how they are published exactly once.
//!
//! Every sink has the same three steps, driven by the cluster:
//! - [`validate`] at submit, on the coordinator: the sink is well formed, fits the rows, and its
//!   target agrees with the save mode;
//! - [`KilnSinks`], on executors: each task attempt writes its partition as uncommitted output;
//! - [`commit`] (or [`abort`]) on the coordinator once every partition has a winning attempt
//!   (or the job ended otherwise).

pub mod files;
pub mod mysql;
pub mod postgres;
mod publisher;
mod publishing;
pub mod sqlite;
pub mod table;

use std::sync::Arc;

use arrow::datatypes::Schema;
use datafusion::error::{DataFusionError, Result};
use datafusion::execution::TaskContext;
use datafusion::execution::runtime_env::RuntimeEnv;
use datafusion::logical_expr::dml::InsertOp;
use datafusion::physical_plan::SendableRecordBatchStream;
use futures::FutureExt;
use futures::future::BoxFuture;
use kiln_core::sink::{PartitionSink, SinkTask};
use kiln_proto::v1 as pb;

pub use publisher::Publisher;

/// The sink connectors executors run tasks with.
#[derive(Debug, Default)]
pub struct KilnSinks;

impl PartitionSink for KilnSinks {
    fn write(
        &self,
        task: SinkTask,
        data: SendableRecordBatchStream,
        ctx: Arc<TaskContext>,
    ) -> BoxFuture<'static, Result<u64>> {
        async move {
            match kind(&task.sink)? {
                SinkKind::Files => files::write_attempt(&task, data, ctx).await,
                SinkKind::Postgres => postgres::write_attempt(&task, data, ctx).await,
                SinkKind::Mysql => mysql::write_attempt(&task, data, ctx).await,
                SinkKind::Sqlite => sqlite::write_attempt(&task, data, ctx).await,
            }
        }
        .boxed()
    }
}

enum SinkKind {
    Files,
    Postgres,
    Mysql,
    Sqlite,
}

fn kind(sink: &pb::SinkSpec) -> Result<SinkKind> {
    match sink.format.as_str() {
        format if files::FORMATS.contains(&format) => Ok(SinkKind::Files),
        postgres::FORMAT => Ok(SinkKind::Postgres),
        mysql::FORMAT => Ok(SinkKind::Mysql),
        sqlite::FORMAT => Ok(SinkKind::Sqlite),
        other => Err(DataFusionError::Plan(format!(
            "unknown sink format '{other}' (expected {}, {}, {} or {})",
            files::FORMATS.join(", "),
            postgres::FORMAT,
            mysql::FORMAT,
            sqlite::FORMAT
        ))),
    }
}

/// The save mode of SQL's `INSERT INTO` (append) or `INSERT OVERWRITE` into `table`; the
/// tables Kiln writes take no `REPLACE INTO`.
pub fn insert_mode(op: InsertOp, table: &str) -> Result<pb::SaveMode> {
    match op {
        InsertOp::Append => Ok(pb::SaveMode::Append),
        InsertOp::Overwrite => Ok(pb::SaveMode::Overwrite),
        InsertOp::Replace => Err(DataFusionError::Plan(format!(
            "REPLACE INTO {table} is not supported; use INSERT INTO or INSERT OVERWRITE"
        ))),
    }
}

/// How many of a sink's load tasks may run at once: a table sink's `max_connections`; one for
/// SQLite, which takes one writer at a time; else no limit.
pub fn concurrent_loads(sink: &pb::SinkSpec) -> Option<u32> {
    table::max_connections(sink)
        .ok()
        .flatten()
        .or((sink.format == sqlite::FORMAT).then_some(1))
}

/// Checks `sink` for rows of `schema` at submit. Returns false when the save mode says to write
/// nothing (`ignore` and the target already holds data).
pub async fn validate(sink: &pb::SinkSpec, schema: &Schema, runtime: &RuntimeEnv) -> Result<bool> {
    match kind(sink)? {
        SinkKind::Files => files::validate(sink, schema, runtime).await,
        SinkKind::Postgres => postgres::validate(sink, schema).await,
        SinkKind::Mysql => mysql::validate(sink, schema).await,
        SinkKind::Sqlite => sqlite::validate(sink, schema).await,
    }
}

/// The winning attempt of one partition of a sink job, as its commit publishes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Winner {
    pub partition: u32,
    pub attempt: u32,
    /// The rows the attempt reported writing: its uncommitted output must still hold them
    /// when it is published, or the commit fails rather than publish fewer.
    pub rows: u64,
}

/// How a commit that ran to its end ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Committed {
    /// The winners are published.
    Published,
    /// A stop was requested before the commit decided to publish: nothing is published.
    Stopped,
    /// The uncommitted output of these partitions lost rows after their attempts wrote them
    /// (a database crash empties unlogged staging tables): nothing is published, and the
    /// partitions must run again before the job commits.
    RowsLost(Vec<u32>),
}

/// Turns true when a committing job is cancelled or runs past its timeout. A commit honours it
/// until it decides to publish (a database transaction about to commit, a file commit's
/// manifest written), and runs to the end after that: the job then ends in the state its data
/// is in.
pub type StopRequest = tokio::sync::watch::Receiver<bool>;

/// Runs `step` unless a stop is requested first (then the step is dropped, and None returned).
/// A dropped sender never stops anything.
pub(crate) async fn unless_stopped<T>(
    stop: &mut StopRequest,
    step: impl std::future::Future<Output = T>,
) -> Option<T> {
    let stopped = async {
        if stop.wait_for(|stop| *stop).await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        biased;
        () = stopped => None,
        done = step => Some(done),
    }
}

/// Publishes the winning attempt of every partition, as the leader of `term` (see
/// [`kiln_core::state::Fence::term`]), unless `stop` comes first. Safe to run again after an
/// interruption: the outcome is the same as one complete run. A database commits a job at most
/// once (its ledger); a file commit taken over by a newer term stops before it deletes
/// anything.
pub async fn commit(
    sink: &pb::SinkSpec,
    job_id: &str,
    winners: &[Winner],
    term: i64,
    stop: StopRequest,
    runtime: &RuntimeEnv,
) -> Result<Committed> {
    match kind(sink)? {
        SinkKind::Files => files::commit(sink, job_id, winners, term, stop, runtime).await,
        SinkKind::Postgres => postgres::commit(sink, job_id, winners, stop).await,
        SinkKind::Mysql => mysql::commit(sink, job_id, winners, stop).await,
        // One local transaction, over in moments: it does not stop halfway.
        SinkKind::Sqlite => sqlite::commit(sink, job_id, winners).await,
    }
}

/// Removes every uncommitted output of a job that will not commit.
pub async fn abort(sink: &pb::SinkSpec, job_id: &str, runtime: &RuntimeEnv) -> Result<()> {
    crate::failpoints::delay("sink-abort").await;
    match kind(sink)? {
        SinkKind::Files => files::abort(sink, job_id, runtime).await,
        SinkKind::Postgres => postgres::abort(sink, job_id).await,
        SinkKind::Mysql => mysql::abort(sink, job_id).await,
        SinkKind::Sqlite => sqlite::abort(sink, job_id).await,
    }
}
