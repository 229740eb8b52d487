//! Runs task attempts: decodes the plan fragment, runs it under the executor's memory pool and
//! reports how it ended.

use kiln_proto::internal::v1 as ipb;
use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use datafusion::common::tree_node::{TreeNode, TreeNodeRecursion};
use datafusion::datasource::physical_plan::FileScanConfig;
use datafusion::datasource::source::DataSourceExec;
use datafusion::error::DataFusionError;
use datafusion::execution::TaskContext;
use datafusion::execution::runtime_env::{RuntimeEnv, RuntimeEnvBuilder};
use datafusion::physical_plan::ExecutionPlan;
use datafusion::prelude::{SessionConfig, SessionContext};
use futures::FutureExt;
use kiln_core::codec::decode_plan;
use kiln_core::error::{find_cause, find_fetch_failure};
use kiln_core::shuffle::{
    OutputStats, ShuffleEnv, ShuffleReaderExec, ShuffleWriterExec, TaskAttempt,
};
use kiln_core::sink::SinkEnv;
use kiln_core::source::SourceEnv;
use kiln_jobs::sink::KilnSinks;
use kiln_jobs::source::KilnSources;
use tokio::task::JoinHandle;

use crate::membership::Membership;
use crate::metrics::ExecutorMetrics;
use crate::task_log::TaskLog;
use crate::task_memory::TaskMemoryPool;

/// How long a kill waits for the killed attempts to stop.
const KILL_WAIT: Duration = Duration::from_secs(10);

/// Identifies a running attempt.
type AttemptKey = (String, u32, u32, u32);

fn key_of(id: &ipb::TaskId) -> AttemptKey {
    (id.job_id.clone(), id.stage_id, id.partition, id.attempt)
}

/// The tasks this executor runs.
pub(crate) struct TaskRunner {
    env: Arc<ShuffleEnv>,
    /// Holds the function registry and runtime (memory pool, spill dir) every task shares.
    session: SessionContext,
    membership: Arc<Membership>,
    running: Mutex<HashMap<AttemptKey, JoinHandle<()>>>,
    draining: AtomicBool,
    metrics: Arc<ExecutorMetrics>,
}

impl TaskRunner {
    pub(crate) fn new(
        env: Arc<ShuffleEnv>,
        runtime: Arc<RuntimeEnv>,
        membership: Arc<Membership>,
        metrics: Arc<ExecutorMetrics>,
    ) -> Self {
        Self {
            env,
            session: SessionContext::new_with_config_rt(SessionConfig::new(), runtime),
            membership,
            running: Mutex::new(HashMap::new()),
            draining: AtomicBool::new(false),
            metrics,
        }
    }

    /// How many attempts run here now (or ended and are not yet reported).
    pub(crate) fn running_count(&self) -> usize {
        self.running.lock().expect("running tasks poisoned").len()
    }

    /// Counts `count` attempts killed here.
    fn killed(&self, count: usize) {
        for _ in 0..count {
            self.metrics.attempt_ended("killed", 0, 0);
        }
    }

    /// Whether the executor is shutting down and takes no new tasks.
    pub(crate) fn is_draining(&self) -> bool {
        self.draining.load(Ordering::SeqCst)
    }

    /// Starts a task attempt in the background, with its job's settings; its outcome is
    /// reported to the coordinator.
    pub(crate) fn launch(
        self: &Arc<Self>,
        task: ipb::TaskDefinition,
        settings: Arc<ipb::JobTaskSettings>,
    ) {
        let Some(id) = task.task_id.clone() else {
            tracing::warn!("ignoring a task without an id");
            return;
        };
        let key = key_of(&id);
        let this = Arc::clone(self);
        let mut running = self.running.lock().expect("running tasks poisoned");
        let handle = tokio::spawn(async move {
            let started = Instant::now();
            let log = TaskLog::default();
            let outcome = log
                .scope(guarded(this.attempt(&id, &task, &settings, started)))
                .await;
            let status = ipb::TaskStatus {
                task_id: Some(id.clone()),
                outcome: Some(outcome),
                elapsed_ms: started.elapsed().as_millis() as u64,
                log: log.lines(),
            };
            this.membership.report(vec![status]).await;
            // Listed in heartbeats until its end is reported, so the leader never takes an
            // attempt whose report is on its way for a lost one.
            this.running
                .lock()
                .expect("running tasks poisoned")
                .remove(&key_of(&id));
        });
        running.insert(key, handle);
    }

    /// The attempts running, or ended and not yet reported.
    pub(crate) fn running(&self) -> Vec<ipb::TaskId> {
        let running = self.running.lock().expect("running tasks poisoned");
        running
            .keys()
            .map(|(job_id, stage_id, partition, attempt)| ipb::TaskId {
                job_id: job_id.clone(),
                stage_id: *stage_id,
                partition: *partition,
                attempt: *attempt,
            })
            .collect()
    }

    /// Kills running attempts; their outcome is not reported (the coordinator asked). Returns
    /// once they stopped (see [`Self::kill`]).
    pub(crate) async fn cancel(&self, tasks: &[ipb::TaskId]) {
        let killed: Vec<_> = {
            let mut running = self.running.lock().expect("running tasks poisoned");
            tasks
                .iter()
                .filter_map(|id| running.remove(&key_of(id)))
                .collect()
        };
        self.kill(killed).await;
    }

    /// Kills every running attempt; returns how many there were, once they stopped.
    pub(crate) async fn cancel_all(&self) -> usize {
        let killed: Vec<_> = {
            let mut running = self.running.lock().expect("running tasks poisoned");
            running.drain().map(|(_, handle)| handle).collect()
        };
        let count = killed.len();
        self.kill(killed).await;
        count
    }

    /// Kills every running attempt of a job, and returns once they stopped.
    pub(crate) async fn cancel_job(&self, job_id: &str) {
        let killed: Vec<_> = {
            let mut running = self.running.lock().expect("running tasks poisoned");
            let keys: Vec<AttemptKey> = running
                .keys()
                .filter(|key| key.0 == job_id)
                .cloned()
                .collect();
            keys.iter().filter_map(|key| running.remove(key)).collect()
        };
        self.kill(killed).await;
    }

    /// Kills attempts and waits (at most [`KILL_WAIT`]) until they stopped: whatever a killed
    /// attempt was writing into a sink has then ended, so the removal of a failed job's
    /// output that follows leaves nothing behind.
    async fn kill(&self, attempts: Vec<JoinHandle<()>>) {
        self.killed(attempts.len());
        for attempt in &attempts {
            attempt.abort();
        }
        let stopped = futures::future::join_all(attempts);
        if tokio::time::timeout(KILL_WAIT, stopped).await.is_err() {
            tracing::warn!("killed attempts did not stop within {KILL_WAIT:?}");
        }
    }

    /// Stops taking tasks and waits up to `grace` for the running ones; kills what is left.
    pub(crate) async fn drain(&self, grace: Duration) {
        self.draining.store(true, Ordering::SeqCst);
        let deadline = Instant::now() + grace;
        while Instant::now() < deadline {
            if self
                .running
                .lock()
                .expect("running tasks poisoned")
                .is_empty()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.cancel_all().await;
    }

    /// Runs one attempt and says how it ended, logging its milestones to the attempt's log.
    async fn attempt(
        &self,
        id: &ipb::TaskId,
        task: &ipb::TaskDefinition,
        settings: &ipb::JobTaskSettings,
        started: Instant,
    ) -> ipb::task_status::Outcome {
        tracing::info!(
            job_id = %id.job_id,
            "stage {} task {} attempt {} started on executor {}",
            id.stage_id,
            id.partition,
            id.attempt,
            self.env.executor_id
        );
        match self.run(id, task, settings).await {
            Ok((stats, records)) => {
                let rows: u64 = stats.iter().map(|s| s.rows).sum();
                let bytes: u64 = stats.iter().map(|s| s.bytes).sum();
                self.metrics
                    .attempt_ended("succeeded", bytes, records.spilled);
                tracing::info!(
                    job_id = %id.job_id,
                    "stage {} task {} attempt {} succeeded in {} ms: {rows} row(s), {bytes} byte(s) out",
                    id.stage_id,
                    id.partition,
                    id.attempt,
                    started.elapsed().as_millis()
                );
                ipb::task_status::Outcome::Succeeded(ipb::TaskSucceeded {
                    partitions: stats
                        .into_iter()
                        .map(|s| ipb::OutputPartitionStats {
                            rows: s.rows,
                            bytes: s.bytes,
                        })
                        .collect(),
                    records_read: records.read,
                    bad_records: records.bad,
                    sink_rows: records.sink_rows,
                })
            }
            Err(failure) => {
                self.metrics.attempt_ended("failed", 0, 0);
                tracing::warn!(
                    job_id = %id.job_id,
                    "stage {} task {} attempt {} failed after {} ms: {}",
                    id.stage_id,
                    id.partition,
                    id.attempt,
                    started.elapsed().as_millis(),
                    failure.message
                );
                ipb::task_status::Outcome::Failed(failure)
            }
        }
    }

    async fn run(
        &self,
        id: &ipb::TaskId,
        task: &ipb::TaskDefinition,
        settings: &ipb::JobTaskSettings,
    ) -> Result<(Vec<OutputStats>, RecordCounts), ipb::TaskFailure> {
        let ctx = Arc::new(self.task_context(id, settings).map_err(failure)?);
        let plan = decode_plan(&task.plan, &ctx).map_err(failure)?;
        let writer = plan.downcast_ref::<ShuffleWriterExec>().ok_or_else(|| {
            failure(DataFusionError::Internal(format!(
                "a task's plan must have a ShuffleWriterExec at its root, not {}",
                plan.name()
            )))
        })?;
        let partition = id.partition as usize;
        log_inputs(&plan, partition);
        let stats = writer.write(partition, ctx).await.map_err(|e| {
            let mut failure = failure(e);
            let files = input_files(&plan, partition);
            if !files.is_empty() {
                failure.message =
                    format!("{} (the task reads {})", failure.message, files.join(", "));
            }
            failure
        })?;
        log_spills(&plan);
        Ok((stats, RecordCounts::of(&plan)))
    }

    fn task_context(
        &self,
        id: &ipb::TaskId,
        settings: &ipb::JobTaskSettings,
    ) -> datafusion::error::Result<TaskContext> {
        let mut config = SessionConfig::new()
            .with_extension(Arc::clone(&self.env))
            .with_extension(Arc::new(TaskAttempt(id.attempt)))
            .with_extension(Arc::new(SinkEnv(Arc::new(KilnSinks))))
            .with_extension(Arc::new(SourceEnv(Arc::new(KilnSources))));
        for (key, value) in &settings.session_config {
            config.options_mut().set(key, value)?;
        }
        let base = self.session.task_ctx();
        let runtime = match settings.memory_limit_bytes {
            0 => base.runtime_env(),
            limit => {
                let shared = base.runtime_env();
                let pool = TaskMemoryPool::new(Arc::clone(&shared.memory_pool), limit as usize);
                RuntimeEnvBuilder::from_runtime_env(&shared)
                    .with_memory_pool(Arc::new(pool))
                    .build_arc()?
            }
        };
        Ok(TaskContext::new(
            Some(format!(
                "{}/{}/{}/{}",
                id.job_id, id.stage_id, id.partition, id.attempt
            )),
            id.job_id.clone(),
            config,
            base.scalar_functions().clone(),
            base.higher_order_functions().clone(),
            base.aggregate_functions().clone(),
            base.window_functions().clone(),
            runtime,
        ))
    }
}

/// Records a task's log scans read and found bad (their scan metrics), the rows it wrote
/// to its job's sink, and the bytes its operators spilled.
#[derive(Debug, Default)]
struct RecordCounts {
    read: u64,
    bad: u64,
    sink_rows: u64,
    spilled: u64,
}

impl RecordCounts {
    fn of(plan: &Arc<dyn ExecutionPlan>) -> Self {
        let mut counts = Self::default();
        let _ = plan.apply(|node| {
            if let Some(metrics) = node.metrics() {
                let sum = |name| metrics.sum_by_name(name).map_or(0, |m| m.as_usize() as u64);
                counts.read += sum(kiln_logs::metrics::RECORDS);
                counts.bad += sum(kiln_logs::metrics::BAD_RECORDS);
                counts.sink_rows += sum(kiln_core::sink::SINK_ROWS);
                counts.spilled += metrics.spilled_bytes().unwrap_or(0) as u64;
            }
            Ok(TreeNodeRecursion::Continue)
        });
        counts
    }
}

/// Says in the attempt's log how much its operators spilled to disk, if they did.
fn log_spills(plan: &Arc<dyn ExecutionPlan>) {
    let (mut files, mut bytes) = (0, 0);
    let _ = plan.apply(|node| {
        if let Some(metrics) = node.metrics() {
            files += metrics.spill_count().unwrap_or(0);
            bytes += metrics.spilled_bytes().unwrap_or(0);
        }
        Ok(TreeNodeRecursion::Continue)
    });
    if files > 0 {
        tracing::info!(
            "spilled {bytes} byte(s) to disk in {files} file(s): its memory limit was reached"
        );
    }
}

/// Says in the attempt's log what it reads: files, and shuffle outputs of earlier stages.
fn log_inputs(plan: &Arc<dyn ExecutionPlan>, partition: usize) {
    let files = input_files(plan, partition);
    if !files.is_empty() {
        tracing::info!("reads {} file(s): {}", files.len(), files.join(", "));
    }
    let _ = plan.apply(|node| {
        if let Some(reader) = node.downcast_ref::<ShuffleReaderExec>() {
            let mut executors: Vec<&str> = reader
                .locations()
                .iter()
                .map(|l| l.executor_id.as_str())
                .collect();
            executors.sort_unstable();
            executors.dedup();
            tracing::info!(
                "reads the output of stage {} from {} map task(s) on executor(s) {}",
                reader.stage_id(),
                reader.locations().len(),
                executors.join(", ")
            );
        }
        Ok(TreeNodeRecursion::Continue)
    });
}

/// The files a task's scans read for `partition`, to name them when the task fails (the
/// readers' own errors often do not).
fn input_files(plan: &Arc<dyn ExecutionPlan>, partition: usize) -> Vec<String> {
    let mut files = vec![];
    let _ = plan.apply(|node| {
        if let Some(scan) = node.downcast_ref::<DataSourceExec>()
            && let Some(config) = scan.data_source().downcast_ref::<FileScanConfig>()
            && let Some(group) = config.file_groups.get(partition)
        {
            let store = config.object_store_url.as_str();
            files.extend(
                group
                    .iter()
                    .map(|f| format!("{store}{}", f.object_meta.location)),
            );
        }
        Ok(TreeNodeRecursion::Continue)
    });
    files
}

/// Runs an attempt, turning a panic anywhere in it (DataFusion rethrows its operators' panics
/// in the task that polls them) into a failed attempt, so the coordinator hears of it and
/// retries, instead of waiting forever for a report that never comes.
async fn guarded(
    attempt: impl std::future::Future<Output = ipb::task_status::Outcome>,
) -> ipb::task_status::Outcome {
    AssertUnwindSafe(attempt)
        .catch_unwind()
        .await
        .unwrap_or_else(|panic| {
            let message = format!(
                "the task panicked: {}",
                kiln_core::error::panic_message(panic.as_ref())
            );
            tracing::error!("{message}");
            ipb::task_status::Outcome::Failed(ipb::TaskFailure {
                message,
                reason: Some(ipb::task_failure::Reason::ExecutionError(
                    ipb::ExecutionError {},
                )),
            })
        })
}

/// The typed failure reason for an error: a lost input is a fetch failure, a fail_fast bad
/// record a bad record, all else an execution error.
fn failure(error: DataFusionError) -> ipb::TaskFailure {
    let reason = match find_fetch_failure(&error) {
        Some(fetch) => ipb::task_failure::Reason::FetchFailed(ipb::FetchFailed {
            executor_id: fetch.executor_id.clone(),
            stage_id: fetch.stage_id,
            map_partition: fetch.map_partition,
        }),
        None if find_cause::<kiln_logs::FailFast>(&error).is_some() => {
            ipb::task_failure::Reason::BadRecord(ipb::BadRecord {})
        }
        None => ipb::task_failure::Reason::ExecutionError(ipb::ExecutionError {}),
    };
    ipb::TaskFailure {
        message: error.to_string(),
        reason: Some(reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panicking_attempt_is_reported_as_a_failed_one() {
        let outcome = guarded(async { panic!("index out of bounds") }).await;
        let ipb::task_status::Outcome::Failed(failure) = outcome else {
            panic!("a panic must fail the attempt: {outcome:?}");
        };
        assert_eq!(failure.message, "the task panicked: index out of bounds");
        assert!(matches!(
            failure.reason,
            Some(ipb::task_failure::Reason::ExecutionError(_))
        ));
    }
}
