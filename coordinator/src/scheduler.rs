//! The scheduler: which task runs where, and what happens when tasks end or executors leave.
//!
//! All state lives in one [`State`] behind a mutex. Every event (a job submitted, a task
//! status, an executor joining or vanishing, a tick of the clock) updates it under the lock and
//! collects the remote calls it implies as [`Effect`]s, which run after the lock is released.
//! Free slots are filled round-robin across running jobs, one task per job per turn, so
//! concurrent jobs share the cluster fairly; a task prefers the executor that holds its input.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use datafusion::execution::runtime_env::{RuntimeEnv, RuntimeEnvBuilder};
use datafusion::physical_plan::displayable;
use kiln_core::codec::encode_plan;
use kiln_core::shuffle::OutputStats;
use kiln_jobs::object_stores::KilnObjectStores;
use kiln_proto::v1 as pb;
use kiln_proto::v1::executor_service_client::ExecutorServiceClient;
use tokio::sync::watch;
use tonic::transport::{Channel, Endpoint};

use crate::config::CoordinatorConfig;
use crate::error::{CoordinatorError, Result};
use crate::job::{FailureOutcome, Job, MapOutput, SuccessOutcome};
use crate::stages::split_into_stages;

/// An executor as the scheduler sees it.
struct ExecutorEntry {
    info: pb::ExecutorInfo,
    client: ExecutorServiceClient<Channel>,
    flight_endpoint: String,
    /// Running attempts: (job, stage, partition, attempt).
    running: HashSet<(String, u32, u32, u32)>,
    last_seen: Instant,
    draining: bool,
}

impl ExecutorEntry {
    fn free_slots(&self) -> usize {
        if self.draining {
            0
        } else {
            (self.info.slots as usize).saturating_sub(self.running.len())
        }
    }
}

/// A remote call decided under the lock and made after it is released.
enum Effect {
    Launch {
        executor_id: String,
        client: ExecutorServiceClient<Channel>,
        tasks: Vec<pb::TaskDefinition>,
    },
    Cancel {
        client: ExecutorServiceClient<Channel>,
        tasks: Vec<pb::TaskId>,
    },
    RemoveData {
        client: ExecutorServiceClient<Channel>,
        job_id: String,
        keep_stage: Option<u32>,
    },
    /// Remove a succeeded job's result files once clients had time to fetch them.
    ExpireResults { job_id: String },
    /// Publish the winning attempts of a sink job, then end the job.
    Commit {
        job_id: String,
        sink: pb::SinkSpec,
        winners: Vec<(u32, u32)>,
    },
    /// Remove the uncommitted output of a sink job that ended without committing.
    AbortSink { job_id: String, sink: pb::SinkSpec },
}

#[derive(Default)]
struct State {
    executors: BTreeMap<String, ExecutorEntry>,
    jobs: HashMap<String, Job>,
    /// Job ids, oldest first (for listing and for fair turns).
    order: VecDeque<String>,
}

/// The coordinator's scheduler.
pub struct Scheduler {
    state: Mutex<State>,
    config: CoordinatorConfig,
    /// Object stores (from the environment) for planning and committing jobs.
    runtime: Arc<RuntimeEnv>,
}

impl Scheduler {
    pub fn new(config: CoordinatorConfig) -> Arc<Self> {
        let runtime = RuntimeEnvBuilder::new()
            .with_object_store_registry(KilnObjectStores::new())
            .build_arc()
            .expect("a runtime without limits always builds");
        Arc::new(Self {
            state: Mutex::new(State::default()),
            config,
            runtime,
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().expect("scheduler state poisoned")
    }

    // ---- jobs -------------------------------------------------------------------------------

    /// Plans a job and cuts it into stages; errors a user can cause come back as `InvalidJob`.
    async fn plan(
        &self,
        job_id: &str,
        spec: &pb::JobSpec,
    ) -> Result<(crate::planner::PlannedJob, Vec<crate::stages::StagePlan>)> {
        let planned = crate::planner::plan_job(
            job_id,
            spec,
            self.config.shuffle_partitions,
            Arc::clone(&self.runtime),
        )
        .await?;
        let stages = split_into_stages(job_id, Arc::clone(&planned.plan))?;
        Ok((planned, stages))
    }

    /// Checks a job as `submit` would, without accepting it.
    pub async fn validate(&self, spec: &pb::JobSpec) -> Result<()> {
        self.plan("validation", spec).await.map(|_| ())
    }

    /// Plans and accepts a job; errors a user can cause come back as `InvalidJob`.
    pub async fn submit(self: &Arc<Self>, spec: pb::JobSpec) -> Result<String> {
        let job_id = kiln_core::ids::new_job_id();
        let (planned, stages) = self.plan(&job_id, &spec).await?;
        let max_attempts = match spec.options.as_ref().map(|o| o.max_task_attempts) {
            Some(n) if n > 0 => n,
            _ => self.config.max_task_attempts,
        };
        tracing::info!(%job_id, name = %spec.name, stages = stages.len(), "job accepted");
        for stage in &stages {
            tracing::debug!(%job_id, stage = stage.id, inputs = ?stage.inputs, plan = %displayable(stage.plan.as_ref()).indent(true), "stage planned");
        }
        let job = Job::new(
            job_id.clone(),
            spec,
            stages,
            planned.sink,
            planned.session_config,
            max_attempts,
        );
        {
            let mut state = self.lock();
            state.jobs.insert(job_id.clone(), job);
            state.order.push_back(job_id.clone());
        }
        self.schedule();
        Ok(job_id)
    }

    /// A job's current status.
    pub fn status(&self, job_id: &str) -> Result<pb::JobStatus> {
        self.lock()
            .jobs
            .get(job_id)
            .map(Job::status)
            .ok_or_else(|| CoordinatorError::JobNotFound(job_id.to_string()))
    }

    /// A receiver that changes whenever the job does.
    pub fn subscribe(&self, job_id: &str) -> Result<watch::Receiver<u64>> {
        self.lock()
            .jobs
            .get(job_id)
            .map(|job| job.changes.subscribe())
            .ok_or_else(|| CoordinatorError::JobNotFound(job_id.to_string()))
    }

    /// Jobs, newest first.
    pub fn list(&self, state_filter: Option<pb::JobState>, limit: usize) -> Vec<pb::JobStatus> {
        let state = self.lock();
        state
            .order
            .iter()
            .rev()
            .filter_map(|id| state.jobs.get(id))
            .filter(|job| state_filter.is_none_or(|s| job.state == s))
            .take(if limit == 0 { usize::MAX } else { limit })
            .map(Job::status)
            .collect()
    }

    /// Cancels a job; returns its state afterwards.
    pub fn cancel(self: &Arc<Self>, job_id: &str) -> Result<pb::JobState> {
        let mut effects = vec![];
        let state_after = {
            let mut state = self.lock();
            let state = &mut *state;
            let job = state
                .jobs
                .get_mut(job_id)
                .ok_or_else(|| CoordinatorError::JobNotFound(job_id.to_string()))?;
            if job.committing {
                // A commit is not interrupted halfway: the job ends when it completes.
                tracing::info!(%job_id, "cancel ignored: the job is committing its output");
            } else if !job.is_finished() {
                job.finish(pb::JobState::Cancelled, "cancelled by request".into());
                tracing::info!(%job_id, "job cancelled");
                end_job(&mut state.executors, job, &mut effects);
            }
            job.state
        };
        self.run_effects(effects);
        self.schedule();
        Ok(state_after)
    }

    // ---- executors --------------------------------------------------------------------------

    /// Adds (or refreshes) an executor, after checking the coordinator can reach it.
    pub async fn register_executor(self: &Arc<Self>, info: pb::ExecutorInfo) -> Result<(), String> {
        if !kiln_core::ids::is_safe_id(&info.executor_id) {
            return Err(format!("invalid executor id '{}'", info.executor_id));
        }
        let url = format!("http://{}:{}", info.host, info.grpc_port);
        let channel = Endpoint::from_shared(url.clone())
            .map_err(|e| format!("invalid executor address {url}: {e}"))?
            .connect_timeout(Duration::from_secs(3))
            .tcp_nodelay(true)
            .connect()
            .await
            .map_err(|e| {
                format!(
                    "the coordinator cannot reach this executor at {url} ({e}); set \
                     --advertise-host to an address the coordinator can reach"
                )
            })?;
        let max = self.config.max_message_size;
        let client = ExecutorServiceClient::new(channel)
            .max_decoding_message_size(max)
            .max_encoding_message_size(max);
        let flight_endpoint = format!("http://{}:{}", info.host, info.flight_port);
        tracing::info!(executor_id = %info.executor_id, %url, slots = info.slots, "executor registered");
        let lost = {
            let mut state = self.lock();
            // A re-registration of a known id means the process restarted: its files are gone.
            let lost = state.executors.remove(&info.executor_id).is_some();
            state.executors.insert(
                info.executor_id.clone(),
                ExecutorEntry {
                    info: info.clone(),
                    client,
                    flight_endpoint,
                    running: HashSet::new(),
                    last_seen: Instant::now(),
                    draining: false,
                },
            );
            lost
        };
        if lost {
            self.forget_executor_work(&info.executor_id);
        }
        self.schedule();
        Ok(())
    }

    /// Records a heartbeat; false when the executor is unknown and must register again.
    pub fn heartbeat(&self, executor_id: &str) -> bool {
        match self.lock().executors.get_mut(executor_id) {
            Some(entry) => {
                entry.last_seen = Instant::now();
                true
            }
            None => false,
        }
    }

    /// An executor is draining (no new tasks) or gone.
    pub fn deregister(self: &Arc<Self>, executor_id: &str, draining: bool) {
        if draining {
            if let Some(entry) = self.lock().executors.get_mut(executor_id) {
                tracing::info!(%executor_id, "executor draining");
                entry.draining = true;
            }
        } else if self.lock().executors.remove(executor_id).is_some() {
            tracing::info!(%executor_id, "executor left");
            self.forget_executor_work(executor_id);
            self.schedule();
        }
    }

    /// The registered executors.
    pub fn executors(&self) -> Vec<(pb::ExecutorInfo, usize, bool)> {
        self.lock()
            .executors
            .values()
            .map(|e| (e.info.clone(), e.running.len(), e.draining))
            .collect()
    }

    /// Drops an executor: its running tasks and its outputs are redone elsewhere.
    pub fn executor_lost(self: &Arc<Self>, executor_id: &str, why: &str) {
        let removed = self.lock().executors.remove(executor_id).is_some();
        if removed {
            tracing::warn!(%executor_id, reason = why, "executor lost");
            self.forget_executor_work(executor_id);
            self.schedule();
        }
    }

    fn forget_executor_work(&self, executor_id: &str) {
        let state = &mut *self.lock();
        for job in state.jobs.values_mut() {
            if !job.is_finished() && job.executor_lost(executor_id) {
                job.touch();
            }
        }
    }

    // ---- task status ------------------------------------------------------------------------

    /// Applies task outcomes reported by an executor.
    pub fn task_statuses(self: &Arc<Self>, executor_id: &str, statuses: Vec<pb::TaskStatus>) {
        let mut effects = vec![];
        {
            let state = &mut *self.lock();
            for status in statuses {
                if let Some(id) = &status.task_id {
                    apply_status(state, executor_id, id, status.outcome, &mut effects);
                }
            }
        }
        self.run_effects(effects);
        self.schedule();
    }

    // ---- the clock --------------------------------------------------------------------------

    /// Expires silent executors and timed-out jobs; runs until the process ends.
    pub async fn tick_loop(self: Arc<Self>) {
        let mut ticker = tokio::time::interval(Duration::from_millis(250));
        loop {
            ticker.tick().await;
            let now = Instant::now();
            let silent: Vec<String> = self
                .lock()
                .executors
                .iter()
                .filter(|(_, e)| now.duration_since(e.last_seen) > self.config.executor_timeout)
                .map(|(id, _)| id.clone())
                .collect();
            for id in silent {
                self.executor_lost(&id, "no heartbeat");
            }
            let mut effects = vec![];
            {
                let state = &mut *self.lock();
                for job in state.jobs.values_mut() {
                    if !job.is_finished()
                        && !job.committing
                        && job.deadline.is_some_and(|d| now > d)
                    {
                        job.finish(
                            pb::JobState::TimedOut,
                            "the job ran past its timeout".into(),
                        );
                        tracing::warn!(job_id = %job.id, "job timed out");
                        end_job(&mut state.executors, job, &mut effects);
                    }
                }
            }
            self.run_effects(effects);
        }
    }

    // ---- scheduling -------------------------------------------------------------------------

    /// Fills free slots with launchable tasks and launches them.
    pub fn schedule(self: &Arc<Self>) {
        let effects = {
            let state = &mut *self.lock();
            assign_tasks(state)
        };
        self.run_effects(effects);
    }

    fn run_effects(self: &Arc<Self>, effects: Vec<Effect>) {
        for effect in effects {
            let this = Arc::clone(self);
            tokio::spawn(async move {
                match effect {
                    Effect::Launch {
                        executor_id,
                        mut client,
                        tasks,
                    } => {
                        let request = pb::LaunchTasksRequest { tasks };
                        if let Err(status) = client.launch_tasks(request).await {
                            this.executor_lost(&executor_id, &format!("launch failed: {status}"));
                        }
                    }
                    Effect::Cancel { mut client, tasks } => {
                        let _ = client.cancel_tasks(pb::CancelTasksRequest { tasks }).await;
                    }
                    Effect::RemoveData {
                        mut client,
                        job_id,
                        keep_stage,
                    } => {
                        let request = pb::RemoveJobDataRequest { job_id, keep_stage };
                        let _ = client.remove_job_data(request).await;
                    }
                    Effect::ExpireResults { job_id } => this.expire_results_later(job_id),
                    Effect::Commit {
                        job_id,
                        sink,
                        winners,
                    } => {
                        let result =
                            kiln_jobs::sink::commit(&sink, &job_id, &winners, &this.runtime).await;
                        this.commit_finished(&job_id, result);
                    }
                    Effect::AbortSink { job_id, sink } => {
                        if let Err(error) =
                            kiln_jobs::sink::abort(&sink, &job_id, &this.runtime).await
                        {
                            tracing::warn!(%job_id, %error, "could not remove uncommitted output");
                        }
                    }
                }
            });
        }
    }

    /// Ends a sink job once its commit has run.
    fn commit_finished(self: &Arc<Self>, job_id: &str, result: datafusion::error::Result<()>) {
        let mut effects = vec![];
        {
            let state = &mut *self.lock();
            let Some(job) = state.jobs.get_mut(job_id) else {
                return;
            };
            job.committing = false;
            match result {
                Ok(()) => {
                    tracing::info!(%job_id, "job committed");
                    job.finish(pb::JobState::Succeeded, String::new());
                    job_succeeded(&state.executors, job, &mut effects);
                }
                Err(error) => {
                    let sink = job
                        .sink
                        .as_ref()
                        .map(|s| s.path.clone())
                        .unwrap_or_default();
                    let error = format!("commit to {sink} failed: {}", error.strip_backtrace());
                    tracing::warn!(%job_id, %error, "job failed");
                    job.finish(pb::JobState::Failed, error);
                    end_job(&mut state.executors, job, &mut effects);
                }
            }
            job.touch();
        }
        self.run_effects(effects);
    }

    /// Removes a finished job's result files after the retention period.
    fn expire_results_later(self: &Arc<Self>, job_id: String) {
        let this = Arc::clone(self);
        let ttl = self.config.result_ttl;
        tokio::spawn(async move {
            tokio::time::sleep(ttl).await;
            let effects = {
                let state = this.lock();
                state
                    .executors
                    .values()
                    .map(|e| Effect::RemoveData {
                        client: e.client.clone(),
                        job_id: job_id.clone(),
                        keep_stage: None,
                    })
                    .collect()
            };
            this.run_effects(effects);
        });
    }
}

/// Applies one task outcome.
fn apply_status(
    state: &mut State,
    executor_id: &str,
    id: &pb::TaskId,
    outcome: Option<pb::task_status::Outcome>,
    effects: &mut Vec<Effect>,
) {
    if let Some(entry) = state.executors.get_mut(executor_id) {
        entry
            .running
            .remove(&(id.job_id.clone(), id.stage_id, id.partition, id.attempt));
    }
    let Some(job) = state.jobs.get_mut(&id.job_id) else {
        return;
    };
    if job.is_finished() || !job.is_current(id.stage_id, id.partition, id.attempt) {
        return;
    }
    match outcome {
        Some(pb::task_status::Outcome::Succeeded(done)) => {
            let Some(entry) = state.executors.get(executor_id) else {
                // The executor was given up while the report was in flight: its output is lost.
                job.executor_lost(executor_id);
                job.touch();
                return;
            };
            let output = MapOutput {
                executor_id: executor_id.to_string(),
                flight_endpoint: entry.flight_endpoint.clone(),
                attempt: id.attempt,
                stats: done
                    .partitions
                    .iter()
                    .map(|p| OutputStats {
                        rows: p.rows,
                        bytes: p.bytes,
                    })
                    .collect(),
                records_read: done.records_read,
                bad_records: done.bad_records,
            };
            match job.task_succeeded(id.stage_id, id.partition, output) {
                SuccessOutcome::Continue => {}
                SuccessOutcome::Failed(error) => {
                    tracing::warn!(job_id = %job.id, %error, "job failed");
                    end_job(&mut state.executors, job, effects);
                }
                SuccessOutcome::Succeeded => {
                    tracing::info!(job_id = %job.id, "job succeeded");
                    job_succeeded(&state.executors, job, effects);
                }
                SuccessOutcome::Commit(winners) => {
                    let sink = job.sink.clone().expect("only sink jobs commit");
                    tracing::info!(job_id = %job.id, path = %sink.path, "committing");
                    effects.push(Effect::Commit {
                        job_id: job.id.clone(),
                        sink,
                        winners,
                    });
                }
            }
        }
        Some(pb::task_status::Outcome::Failed(failure)) => match failure.reason {
            Some(pb::task_failure::Reason::FetchFailed(fetch)) => {
                tracing::warn!(job_id = %job.id, stage = id.stage_id, partition = id.partition,
                    lost_executor = %fetch.executor_id, "fetch failed; recomputing lost outputs");
                job.fetch_failed(id.stage_id, id.partition, &fetch.executor_id);
            }
            Some(pb::task_failure::Reason::Killed(_)) => {
                job.task_killed(id.stage_id, id.partition);
            }
            _ => {
                let outcome =
                    job.task_failed(id.stage_id, id.partition, executor_id, &failure.message);
                if let FailureOutcome::JobFailed(error) = outcome {
                    tracing::warn!(job_id = %job.id, %error, "job failed");
                    end_job(&mut state.executors, job, effects);
                }
            }
        },
        None => {}
    }
    job.touch();
}

/// Removes a succeeded job's intermediate files now and its result files later.
fn job_succeeded(
    executors: &BTreeMap<String, ExecutorEntry>,
    job: &Job,
    effects: &mut Vec<Effect>,
) {
    let final_stage = job.final_stage();
    for entry in executors.values() {
        effects.push(Effect::RemoveData {
            client: entry.client.clone(),
            job_id: job.id.clone(),
            keep_stage: Some(final_stage),
        });
    }
    effects.push(Effect::ExpireResults {
        job_id: job.id.clone(),
    });
}

/// Kills a finished job's running attempts and removes its files everywhere.
fn end_job(
    executors: &mut BTreeMap<String, ExecutorEntry>,
    job: &mut Job,
    effects: &mut Vec<Effect>,
) {
    let mut by_executor: HashMap<String, Vec<pb::TaskId>> = HashMap::new();
    for (executor_id, task) in job.running_attempts() {
        by_executor.entry(executor_id).or_default().push(task);
    }
    for (executor_id, tasks) in by_executor {
        if let Some(entry) = executors.get_mut(&executor_id) {
            for t in &tasks {
                entry
                    .running
                    .remove(&(t.job_id.clone(), t.stage_id, t.partition, t.attempt));
            }
            effects.push(Effect::Cancel {
                client: entry.client.clone(),
                tasks,
            });
        }
    }
    for entry in executors.values() {
        effects.push(Effect::RemoveData {
            client: entry.client.clone(),
            job_id: job.id.clone(),
            keep_stage: None,
        });
    }
    if let Some(sink) = &job.sink {
        effects.push(Effect::AbortSink {
            job_id: job.id.clone(),
            sink: sink.clone(),
        });
    }
    job.touch();
}

/// Fills free slots round-robin across jobs, oldest job first in each round.
fn assign_tasks(state: &mut State) -> Vec<Effect> {
    let mut launches: BTreeMap<String, Vec<pb::TaskDefinition>> = BTreeMap::new();
    let mut queues: Vec<(String, VecDeque<(u32, u32)>)> = state
        .order
        .iter()
        .filter_map(|id| {
            let tasks = state.jobs.get(id)?.launchable();
            (!tasks.is_empty()).then(|| (id.clone(), tasks.into()))
        })
        .collect();
    let mut plans: HashMap<(String, u32), Vec<u8>> = HashMap::new();
    while !queues.is_empty() {
        if state.executors.values().all(|e| e.free_slots() == 0) {
            break;
        }
        for (job_id, queue) in queues.iter_mut() {
            let Some((stage, partition)) = queue.pop_front() else {
                continue;
            };
            let job = state
                .jobs
                .get_mut(job_id.as_str())
                .expect("queued job exists");
            let Some(executor_id) = pick_executor(&state.executors, job, stage, partition) else {
                queue.push_front((stage, partition));
                break;
            };
            let plan = match plans.get(&(job_id.clone(), stage)) {
                Some(plan) => plan.clone(),
                None => match job.resolved_plan(stage).and_then(encode_plan) {
                    Ok(plan) => {
                        plans.insert((job_id.clone(), stage), plan.clone());
                        plan
                    }
                    Err(e) => {
                        job.finish(
                            pb::JobState::Failed,
                            format!("stage {stage} could not be encoded for executors: {e}"),
                        );
                        job.touch();
                        queue.clear();
                        continue;
                    }
                },
            };
            let attempt = job.start_task(stage, partition, &executor_id);
            job.touch();
            let entry = state
                .executors
                .get_mut(&executor_id)
                .expect("picked executor exists");
            entry
                .running
                .insert((job_id.clone(), stage, partition, attempt));
            launches
                .entry(executor_id)
                .or_default()
                .push(pb::TaskDefinition {
                    task_id: Some(pb::TaskId {
                        job_id: job_id.clone(),
                        stage_id: stage,
                        partition,
                        attempt,
                    }),
                    plan,
                    session_config: job.session_config.clone(),
                });
        }
        queues.retain(|(_, q)| !q.is_empty());
    }
    launches
        .into_iter()
        .map(|(executor_id, tasks)| Effect::Launch {
            client: state.executors[&executor_id].client.clone(),
            executor_id,
            tasks,
        })
        .collect()
}

/// The executor a task should run on: the one holding its input if it has a free slot,
/// otherwise the one with the most free slots (avoiding where it last failed, if possible).
fn pick_executor(
    executors: &BTreeMap<String, ExecutorEntry>,
    job: &Job,
    stage: u32,
    partition: u32,
) -> Option<String> {
    if let Some(preferred) = job.preferred_executor(stage, partition)
        && executors.get(preferred).is_some_and(|e| e.free_slots() > 0)
    {
        return Some(preferred.to_string());
    }
    let avoid = job.stages[stage as usize].tasks[partition as usize]
        .avoid_executor
        .as_deref();
    executors
        .iter()
        .filter(|(_, e)| e.free_slots() > 0)
        .max_by_key(|(id, e)| (Some(id.as_str()) != avoid, e.free_slots()))
        .map(|(id, _)| id.clone())
}
