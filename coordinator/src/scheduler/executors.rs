//! Executors joining, heartbeating, draining and leaving, and what their departure does to the
//! attempts they ran.

use kiln_proto::internal::v1 as ipb;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ipb::executor_service_client::ExecutorServiceClient;
use kiln_core::flight::{KEEP_ALIVE_INTERVAL, KEEP_ALIVE_TIMEOUT};
use kiln_proto::v1 as pb;

use crate::config::CoordinatorConfig;
use crate::error::Result;

use super::{ExecutorEntry, Scheduler, State};

/// How long after its launch an attempt that its executor does not list in a heartbeat counts
/// as lost: longer than a launch takes to arrive and a heartbeat to come back.
const LOST_AFTER: Duration = Duration::from_secs(10);

impl Scheduler {
    /// Checks that an executor may join: a safe id, and an address this coordinator can
    /// reach (executors then register themselves in the state store).
    pub async fn check_executor(&self, info: &ipb::ExecutorInfo) -> Result<(), String> {
        if !kiln_core::ids::is_safe_id(&info.executor_id) {
            return Err(format!("invalid executor id '{}'", info.executor_id));
        }
        let url = format!(
            "{}://{}:{}",
            self.config.tls.scheme(),
            info.host,
            info.grpc_port
        );
        self.config
            .tls
            .endpoint(&url)
            .map_err(|e| format!("invalid executor address {url}: {e}"))?
            .connect_timeout(Duration::from_secs(3))
            .connect()
            .await
            .map_err(|e| {
                format!(
                    "the coordinator cannot reach this executor at {url} ({e}); set \
                     --advertise-host to an address the coordinator can reach"
                )
            })?;
        Ok(())
    }

    /// An executor is shutting down: it gets no new tasks.
    pub fn drain(&self, executor_id: &str) {
        if let Some(entry) = self.lock().executors.get_mut(executor_id) {
            tracing::info!(%executor_id, "executor draining");
            entry.draining = true;
        }
    }

    /// The registered executors.
    pub async fn executors(&self) -> Result<Vec<pb::ExecutorStatus>> {
        self.require_leader().await?;
        Ok(self
            .lock()
            .executors
            .values()
            .map(|e| pb::ExecutorStatus {
                executor_id: e.info.executor_id.clone(),
                host: e.info.host.clone(),
                grpc_port: e.info.grpc_port,
                flight_port: e.info.flight_port,
                slots: e.info.slots,
                running_tasks: e.running.len() as u32,
                draining: e.draining,
                http_port: e.info.http_port,
                memory_limit_bytes: e.memory.limit_bytes,
                memory_reserved_bytes: e.memory.reserved_bytes,
                resident_bytes: e.memory.resident_bytes,
            })
            .collect())
    }

    /// Drops an executor: its running tasks and its outputs are redone elsewhere.
    pub fn executor_lost(self: &Arc<Self>, executor_id: &str, why: &str) {
        let removed = self.lock().executors.remove(executor_id);
        if let Some(entry) = removed {
            if entry.draining {
                tracing::info!(%executor_id, "executor left");
            } else {
                tracing::warn!(%executor_id, reason = why, "executor lost");
            }
            self.metrics.attempts_lost(entry.running.len());
            self.forget_executor_work(executor_id);
            self.schedule();
        }
    }

    /// An executor did not take the tasks sent to it: they and its outputs are redone, and it
    /// gets nothing for a moment. It stays a member until its lease says otherwise.
    pub(super) fn executor_unreachable(self: &Arc<Self>, executor_id: &str, why: &str) {
        if let Some(entry) = self.lock().executors.get_mut(executor_id) {
            tracing::warn!(%executor_id, reason = why, "executor unreachable");
            self.metrics.attempts_lost(entry.running.len());
            entry.running.clear();
            entry.resting_until = Some(Instant::now() + Duration::from_secs(2));
        }
        self.forget_executor_work(executor_id);
        self.schedule();
    }

    pub(super) fn forget_executor_work(&self, executor_id: &str) {
        let state = &mut *self.lock();
        for job in state.jobs.values_mut() {
            if !job.is_finished() && job.executor_lost(executor_id) {
                job.touch();
            }
        }
    }

    /// Reconciles what an executor says it runs with what this leader expects it to run:
    /// returns the attempts it should kill (not expected there), and runs again those it
    /// should run but does not list, once they were launched long enough ago that the launch
    /// cannot still be on its way.
    pub fn heartbeat(
        self: &Arc<Self>,
        executor_id: &str,
        running: Vec<ipb::TaskId>,
        memory: ipb::MemoryUsage,
    ) -> Vec<ipb::TaskId> {
        let key = |id: &ipb::TaskId| (id.job_id.clone(), id.stage_id, id.partition, id.attempt);
        let lost_before = kiln_core::ids::now_ms().saturating_sub(LOST_AFTER.as_millis() as u64);
        let mut lost_any = false;
        let cancel = {
            let state = &mut *self.lock();
            let Some(entry) = state.executors.get_mut(executor_id) else {
                return vec![];
            };
            entry.memory = memory;
            let reported: HashSet<_> = running.iter().map(key).collect();
            let cancel: Vec<ipb::TaskId> = running
                .into_iter()
                .filter(|id| !entry.running.contains(&key(id)))
                .collect();
            let missing: Vec<_> = entry
                .running
                .iter()
                .filter(|attempt| !reported.contains(*attempt))
                .cloned()
                .collect();
            for (job_id, stage, partition, attempt) in missing {
                let Some(job) = state.jobs.get_mut(&job_id) else {
                    // No job expects it any more: the slot it held is free.
                    entry.running.remove(&(job_id, stage, partition, attempt));
                    continue;
                };
                let started = job.attempt_started_at_ms(stage, partition, attempt);
                if started.is_none_or(|at| at > lost_before) {
                    continue;
                }
                entry
                    .running
                    .remove(&(job_id.clone(), stage, partition, attempt));
                if job.attempt_lost(stage, partition, attempt) {
                    tracing::warn!(%job_id, %executor_id, "stage {stage} task {partition} attempt {attempt} is not on its executor; running it again");
                    self.metrics.attempts_lost(1);
                    job.touch();
                    lost_any = true;
                }
            }
            cancel
        };
        if !cancel.is_empty() {
            tracing::info!(%executor_id, attempts = cancel.len(), "telling an executor to kill attempts this leader does not expect");
        }
        if lost_any {
            self.schedule();
        }
        cancel
    }
}

/// Adds a newly registered executor; true when it replaced one of the same id (a restarted
/// process, whose files are gone).
pub(super) fn add_executor(
    state: &mut State,
    info: ipb::ExecutorInfo,
    config: &CoordinatorConfig,
) -> bool {
    if state
        .executors
        .get(&info.executor_id)
        .is_some_and(|e| e.info == info)
    {
        return false;
    }
    let scheme = config.tls.scheme();
    let url = format!("{scheme}://{}:{}", info.host, info.grpc_port);
    let Ok(endpoint) = config.tls.endpoint(&url) else {
        tracing::warn!(executor_id = %info.executor_id, %url, "ignoring an executor with an invalid address");
        return false;
    };
    let channel = endpoint
        .connect_timeout(Duration::from_secs(3))
        .tcp_nodelay(true)
        .http2_keep_alive_interval(KEEP_ALIVE_INTERVAL)
        .keep_alive_timeout(KEEP_ALIVE_TIMEOUT)
        .connect_lazy();
    let client = ExecutorServiceClient::new(config.tokens.member().channel(channel))
        .max_decoding_message_size(config.max_message_size)
        .max_encoding_message_size(config.max_message_size);
    tracing::info!(executor_id = %info.executor_id, %url, slots = info.slots, "executor joined");
    let entry = ExecutorEntry {
        flight_endpoint: format!("{scheme}://{}:{}", info.host, info.flight_port),
        info: info.clone(),
        client,
        running: HashSet::new(),
        draining: false,
        resting_until: None,
        memory: ipb::MemoryUsage::default(),
    };
    state.executors.insert(info.executor_id, entry).is_some()
}
