//! The scheduler: which task runs where, and what happens when tasks end or executors leave.
//!
//! All state lives in one [`State`] behind a mutex. Every event (a job submitted, a task
//! status, an executor joining or vanishing, a tick of the clock) updates it under the lock and
//! collects the remote calls it implies as [`Effect`]s, which run after the lock is released.
//! Free slots are filled round-robin across running jobs, one task per job per turn, so
//! concurrent jobs share the cluster fairly; a task prefers the executor that holds its input.
//!
//! Only the elected leader schedules. It learns of executors by watching their leased keys
//! in the state store (a lost executor is one whose lease expired), writes each job's record
//! when the job is accepted and at every milestone (see [`crate::checkpoint`]), and on taking
//! over resumes the jobs its predecessor left running. A standby passes client calls on to
//! the leader ([`crate::api`]'s forwarding layer), else answers with the leader's address.

use kiln_proto::internal::v1 as ipb;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use backon::{ExponentialBuilder, Retryable};
use futures::future::Shared;
use futures::stream::BoxStream;
use futures::{FutureExt, StreamExt};

use datafusion::execution::runtime_env::{RuntimeEnv, RuntimeEnvBuilder};
use datafusion::physical_plan::displayable;
use datafusion::prelude::{SessionConfig, SessionContext};
use ipb::executor_service_client::ExecutorServiceClient;
use kiln_catalog::Catalog;
use kiln_core::auth::AuthChannel;
use kiln_core::codec::{decode_plan, encode_plan};
use kiln_core::flight::{KEEP_ALIVE_INTERVAL, KEEP_ALIVE_TIMEOUT};
use kiln_core::state::{Batch, Fence, Leadership, StateStore, WatchEvent, keys};
use kiln_jobs::bookmark::Increment;
use kiln_jobs::object_stores::KilnObjectStores;
use kiln_jobs::sink::Winner;
use kiln_proto::v1 as pb;
use prost::Message;
use tokio::sync::{oneshot, watch};

use crate::bookmarks;
use crate::checkpoint::{MAX_PLAN_BYTES, Milestone, ResumeError};
use crate::commit::{CommitOutcome, Commits};
use crate::config::CoordinatorConfig;
use crate::error::{CoordinatorError, Result};
use crate::history::HistoryStore;
use crate::job::{FailureOutcome, Job, MapOutput, SuccessOutcome};
use crate::journal::Journal;
use crate::metrics::{AttemptOutcome, CoordinatorMetrics, Gauges};
use crate::stages::{StagePlan, split_into_stages};

/// An executor as the scheduler sees it.
struct ExecutorEntry {
    info: ipb::ExecutorInfo,
    client: ExecutorServiceClient<AuthChannel>,
    flight_endpoint: String,
    /// Running attempts: (job, stage, partition, attempt).
    running: HashSet<(String, u32, u32, u32)>,
    draining: bool,
    /// Set after a launch on it failed: it gets no tasks until then.
    resting_until: Option<Instant>,
    /// Its memory, as of its last heartbeat.
    memory: ipb::MemoryUsage,
}

impl ExecutorEntry {
    fn free_slots(&self) -> usize {
        if self.draining || self.resting_until.is_some_and(|t| Instant::now() < t) {
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
        client: ExecutorServiceClient<AuthChannel>,
        request: ipb::LaunchTasksRequest,
    },
    RemoveData {
        client: ExecutorServiceClient<AuthChannel>,
        job_id: String,
        keep_stage: Option<u32>,
    },
    /// Remove a succeeded job's result files once clients had time to fetch them.
    ExpireResults { job_id: String },
    /// Hand a final-stage winner to its job's publisher (see [`crate::commit`]).
    Publish {
        job_id: String,
        sink: pb::SinkSpec,
        winner: Winner,
    },
    /// Publish the winning attempts of a sink job, then end the job.
    Commit {
        job_id: String,
        sink: pb::SinkSpec,
        winners: Vec<Winner>,
    },
    /// Remove the uncommitted output of a sink job that ended without committing, once the
    /// job's data is removed from the executors `remove_first` reaches: its attempts there
    /// are killed and stopped writing.
    AbortSink {
        job_id: String,
        sink: pb::SinkSpec,
        remove_first: Vec<ExecutorServiceClient<AuthChannel>>,
    },
    /// Keep a finished job in the history store.
    Archive { job: Box<ipb::ArchivedJob> },
    /// Tell a job's webhooks that it ended.
    Notify {
        status: pb::JobStatus,
        targets: Vec<pb::Notification>,
    },
    /// Ask a job's commit to stop, ending the job in `end`, once the request is `recorded`.
    StopCommit {
        job_id: String,
        end: pb::JobState,
        reason: String,
        recorded: oneshot::Receiver<bool>,
    },
}

#[derive(Default)]
struct State {
    executors: BTreeMap<String, ExecutorEntry>,
    jobs: HashMap<String, Job>,
    /// Finished jobs known only by their final status: those of earlier leaders, and this
    /// leader's once they leave the detailed window.
    archived: HashMap<String, pb::JobStatus>,
    /// Job ids, oldest first (for listing and for fair turns).
    order: VecDeque<String>,
    /// Finished jobs, in the order they ended: the history window this leader keeps.
    finished: VecDeque<String>,
    /// The jobs of submissions with a request id, so a retried submission finds its job.
    requests: HashMap<String, Request>,
    /// Incremental jobs whose next run is being planned, by name, with that run's job id.
    planning_runs: HashMap<String, String>,
    /// Set while this coordinator leads.
    leader: Option<LeaderState>,
}

/// How long after its launch an attempt that its executor does not list in a heartbeat counts
/// as lost: longer than a launch takes to arrive and a heartbeat to come back.
const LOST_AFTER: Duration = Duration::from_secs(10);

/// How many finished jobs keep their tasks, attempts and logs in the leader's memory; older
/// ones keep only their final status.
const DETAILED_FINISHED_JOBS: usize = 100;

/// A submission with a request id, as far as it got.
enum Request {
    /// Being planned and stored; the sender's value turns to the job id once it is accepted,
    /// and it is dropped if the submission fails.
    Pending(watch::Receiver<Option<String>>),
    Accepted(String),
}

/// The longest request id a client may choose.
const MAX_REQUEST_ID_LEN: usize = 128;

/// What only the leader has.
struct LeaderState {
    fence: Fence,
    journal: Journal,
    /// The milestone last written for each job.
    recorded: HashMap<String, Milestone>,
    /// The writes that add a run to an incremental job's bookmark (queued with the job's
    /// end), by job name, until a run of that name waited for them to land.
    bookmark_writes: HashMap<String, Vec<StoredWrite>>,
}

/// A queued write's answer, which several callers may await (see [`Journal::apply`]).
type StoredWrite = Shared<oneshot::Receiver<bool>>;

/// The coordinator's scheduler.
pub struct Scheduler {
    state: Mutex<State>,
    config: CoordinatorConfig,
    store: Arc<dyn StateStore>,
    /// Object stores (from the environment) for planning and committing jobs.
    runtime: Arc<RuntimeEnv>,
    /// The sink jobs' publishers; commits run there.
    commits: Commits,
    metrics: Arc<CoordinatorMetrics>,
    /// Whether this coordinator leads, for those who wait for a change (the health service).
    leading: watch::Sender<bool>,
    /// Calls the webhooks jobs name (see [`crate::notify`]).
    webhooks: reqwest::Client,
    /// Where finished jobs are kept past the window, when the cluster has one.
    history: Option<HistoryStore>,
}

impl Scheduler {
    /// A scheduler on `store`; fails when the history store cannot be opened.
    pub fn new(config: CoordinatorConfig, store: Arc<dyn StateStore>) -> Result<Arc<Self>> {
        let runtime = RuntimeEnvBuilder::new()
            .with_object_store_registry(KilnObjectStores::new())
            .with_cache_manager(kiln_core::config::long_lived_caches())
            .build_arc()
            .expect("a runtime without limits always builds");
        let history = match &config.history_dir {
            Some(location) => Some(HistoryStore::open(
                location,
                runtime.object_store_registry.as_ref(),
            )?),
            None => None,
        };
        Ok(Arc::new(Self {
            state: Mutex::new(State::default()),
            config,
            store,
            runtime,
            commits: Commits::default(),
            metrics: Arc::default(),
            leading: watch::channel(false).0,
            webhooks: reqwest::Client::new(),
            history,
        }))
    }

    /// The coordinator's metrics.
    pub fn metrics(&self) -> &CoordinatorMetrics {
        &self.metrics
    }

    /// What the scheduler holds now, for the metrics' gauges.
    pub fn gauges(&self) -> Gauges {
        let state = self.lock();
        let (mut queued_jobs, mut running_jobs, mut queued_tasks) = (0, 0, 0);
        for job in state.jobs.values().filter(|job| !job.is_finished()) {
            // Scheduling starts every launchable task that has a slot, so what is left waits.
            queued_tasks += job.launchable().len();
            match pb::JobState::try_from(job.status().state) {
                Ok(pb::JobState::Queued) => queued_jobs += 1,
                _ => running_jobs += 1,
            }
        }
        Gauges {
            leader: state.leader.is_some(),
            queued_jobs,
            running_jobs,
            executors: state.executors.len(),
            slots: state
                .executors
                .values()
                .map(|e| e.info.slots as usize)
                .sum(),
            running_tasks: state.executors.values().map(|e| e.running.len()).sum(),
            queued_tasks,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().expect("scheduler state poisoned")
    }

    /// Fails with the leader's address unless this coordinator leads.
    /// The fence of this coordinator's leadership, or `NotLeader` naming the leader.
    pub(crate) async fn require_leader(&self) -> Result<Fence> {
        if let Some(leader) = &self.lock().leader {
            return Ok(leader.fence.clone());
        }
        let leader = self.store.leader().await.ok().flatten();
        Err(CoordinatorError::NotLeader(leader))
    }

    /// The leader's URL, as the state store names it (none during an election).
    pub(crate) async fn leader_url(&self) -> Option<String> {
        self.store.leader().await.ok().flatten()
    }

    /// The fence of this coordinator's leadership, while it leads.
    pub(crate) fn leader_fence(&self) -> Option<Fence> {
        self.lock().leader.as_ref().map(|l| l.fence.clone())
    }

    /// The catalog, written under this coordinator's leadership: catalog calls are served by
    /// the leader only, so a deposed leader's crawl changes nothing.
    pub(crate) async fn catalog(&self) -> Result<Catalog> {
        let fence = self.require_leader().await?;
        Ok(Catalog::new(Arc::clone(&self.store)).fenced(fence))
    }

    /// Registers in the catalog the partitions a committed catalog sink holds (see
    /// [`crate::catalog_sink`]); the job fails when that fails.
    async fn register_partitions(&self, job_id: &str, sink: &pb::SinkSpec) -> CommitOutcome {
        let catalog = match self.catalog().await {
            Ok(catalog) => catalog,
            Err(_) => return CommitOutcome::NotLeader,
        };
        match crate::catalog_sink::register(&catalog, &self.runtime, sink, job_id).await {
            Ok(_) => CommitOutcome::Committed,
            Err(error) => CommitOutcome::Failed(format!(
                "the files are committed to {}, but {error}; a crawl of the table registers them",
                sink.path
            )),
        }
    }

    /// A session over the coordinator's object stores, for crawls.
    pub(crate) fn session_state(&self) -> datafusion::execution::context::SessionState {
        datafusion::execution::SessionStateBuilder::new()
            .with_runtime_env(Arc::clone(&self.runtime))
            .with_default_features()
            .build()
    }

    /// Whether this coordinator leads the cluster now.
    pub fn is_leader(&self) -> bool {
        self.lock().leader.is_some()
    }

    /// Follows whether this coordinator leads: true from the end of a take-over to the
    /// step-down.
    pub(crate) fn leadership(&self) -> watch::Receiver<bool> {
        self.leading.subscribe()
    }

    // ---- leadership -------------------------------------------------------------------------

    /// Leads the cluster until the leadership is lost or `stop` turns true: takes over the
    /// executors and jobs recorded in the state store, schedules, and steps down at the end.
    pub async fn lead(self: &Arc<Self>, leadership: Leadership, mut stop: watch::Receiver<bool>) {
        let (deposed_sender, mut deposed) = watch::channel(false);
        let mut lost = leadership.lost.clone();
        let events = match self.take_over(&leadership, deposed_sender).await {
            Ok(events) => events,
            Err(error) => {
                tracing::error!(%error, "taking over the cluster failed; stepping down");
                self.step_down();
                return;
            }
        };
        self.metrics.became_leader();
        self.leading.send_replace(true);
        let follow = tokio::spawn(Arc::clone(self).follow_executors(events));
        tokio::select! {
            _ = lost.wait_for(|lost| *lost) => tracing::warn!("leadership lost"),
            _ = deposed.wait_for(|deposed| *deposed) => tracing::warn!("another coordinator leads"),
            _ = stop.wait_for(|stop| *stop) => {}
        }
        follow.abort();
        self.step_down();
        drop(leadership);
    }

    /// Loads the cluster's executors and unfinished jobs from the state store and starts
    /// leading them; returns the executor changes to follow.
    async fn take_over(
        self: &Arc<Self>,
        leadership: &Leadership,
        deposed: watch::Sender<bool>,
    ) -> Result<BoxStream<'static, WatchEvent>> {
        let (executors, events) = self.store.watch(keys::EXECUTORS).await?;
        let records = self.store.list(keys::JOBS).await?;
        let history = self.store.list(keys::HISTORY).await?;
        let notifications = self.store.list(keys::NOTIFICATIONS).await?;
        let journal = Journal::start(
            Arc::clone(&self.store),
            leadership.fence.clone(),
            deposed,
            Arc::clone(&self.metrics),
        );
        let mut archived = HashMap::new();
        for (key, value) in history {
            match pb::JobStatus::decode(value.as_slice()) {
                Ok(status) => drop(archived.insert(status.job_id.clone(), status)),
                Err(error) => tracing::error!(%key, %error, "skipping an unreadable job summary"),
            }
        }
        // Webhooks a predecessor had yet to call, and (below) those of jobs it ended without
        // moving them to the history, which it may have called: at least once.
        let mut effects = vec![];
        for (key, value) in notifications {
            match ipb::PendingNotifications::decode(value.as_slice()) {
                Ok(pending) => effects.push(Effect::Notify {
                    status: pending.status.unwrap_or_default(),
                    targets: pending.targets,
                }),
                Err(error) => tracing::error!(%key, %error, "skipping unreadable notifications"),
            }
        }
        let mut resumed = vec![];
        let mut cleanups = vec![];
        let mut bookmark_writes: HashMap<String, Vec<StoredWrite>> = HashMap::new();
        for (key, value) in records {
            let record = match ipb::JobRecord::decode(value.as_slice()) {
                Ok(record) => record,
                Err(error) => {
                    tracing::error!(%key, %error, "skipping an unreadable job record");
                    continue;
                }
            };
            let status = record.status.clone().unwrap_or_default();
            let state = pb::JobState::try_from(status.state).unwrap_or_default();
            if !matches!(state, pb::JobState::Queued | pb::JobState::Running) {
                // Ended, but not yet moved to the history (a leader died in between): a sink
                // job that did not commit may have uncommitted output left to remove first.
                // Its webhooks are called once it is moved (the move records them first).
                let notify = record.spec.map(|spec| spec.notify).unwrap_or_default();
                match record.sink {
                    Some(sink) if state != pb::JobState::Succeeded => {
                        cleanups.push((status.job_id.clone(), sink, status.clone(), notify));
                    }
                    _ => {
                        let bookmark = record.bookmark.as_ref();
                        let written =
                            journal.apply(key.clone(), to_history(&status, &notify, bookmark));
                        if bookmark.is_some() && state == pb::JobState::Succeeded {
                            bookmark_writes
                                .entry(status.name.clone())
                                .or_default()
                                .push(written.shared());
                        }
                        if !notify.is_empty() {
                            effects.push(Effect::Notify {
                                status: status.clone(),
                                targets: notify,
                            });
                        }
                    }
                }
                archived.insert(status.job_id.clone(), status);
                continue;
            }
            let job = self.resume_job(record).await;
            if !job.is_finished() {
                // Written before any task runs, so a later successor numbers its attempts
                // above this leader's.
                self.store
                    .put(
                        &keys::job(&job.id),
                        job.record().encode_to_vec(),
                        Some(&leadership.fence),
                    )
                    .await?;
            }
            resumed.push(job);
        }
        {
            let state = &mut *self.lock();
            state.leader = Some(LeaderState {
                fence: leadership.fence.clone(),
                journal,
                // A job that could not resume has ended: its first write moves it to the history.
                recorded: resumed
                    .iter()
                    .filter(|job| !job.is_finished())
                    .map(|job| (job.id.clone(), job.milestone()))
                    .collect(),
                bookmark_writes,
            });
            for (_, value) in executors {
                if let Ok(info) = ipb::ExecutorInfo::decode(value.as_slice()) {
                    add_executor(state, info, &self.config);
                }
            }
            let mut ids: Vec<&str> = archived.keys().map(String::as_str).collect();
            ids.extend(resumed.iter().map(|j| j.id.as_str()));
            // A job both ended and still recorded as running (its cleanup under way) once.
            ids.sort_unstable();
            ids.dedup();
            let mut ordered: Vec<(u64, String)> = ids
                .iter()
                .map(|id| {
                    let at = archived
                        .get(*id)
                        .map(|s| s.submitted_at_ms)
                        .unwrap_or_else(|| {
                            resumed
                                .iter()
                                .find(|j| j.id == *id)
                                .map_or(0, |j| j.submitted_at_ms)
                        });
                    (at, id.to_string())
                })
                .collect();
            ordered.sort();
            state.order = ordered.into_iter().map(|(_, id)| id).collect();
            let mut ended: Vec<(u64, &String)> = archived
                .values()
                .map(|s| (s.ended_at_ms, &s.job_id))
                .collect();
            ended.sort();
            state.finished = ended.into_iter().map(|(_, id)| id.clone()).collect();
            state.requests = archived
                .values()
                .map(|s| (s.request_id.clone(), s.job_id.clone()))
                .chain(resumed.iter().map(|j| (j.request_id.clone(), j.id.clone())))
                .filter(|(request, _)| !request.is_empty())
                .map(|(request, job)| (request, Request::Accepted(job)))
                .collect();
            state.archived = archived;
            prune_history(state, &self.config);
            for mut job in resumed {
                let gone: Vec<String> = job
                    .output_executors()
                    .into_iter()
                    .filter(|e| !state.executors.contains_key(e))
                    .collect();
                for executor_id in gone {
                    job.executor_lost(&executor_id);
                }
                if job.committing
                    && let Some(sink) = job.sink.clone()
                {
                    // A stop the predecessor asked for (or a timeout that passed) holds for
                    // this commit too.
                    if job.stop_requested.is_none()
                        && job.deadline.is_some_and(|d| Instant::now() > d)
                    {
                        let reason = "the job ran past its timeout during its commit (nothing was published)";
                        job.stop_requested = Some((pb::JobState::TimedOut, reason.into()));
                    }
                    if let Some((end, reason)) = job.stop_requested.clone() {
                        self.commits.stop(&job.id, end, reason);
                    }
                    tracing::info!(job_id = %job.id, "finishing the commit a predecessor began");
                    effects.push(Effect::Commit {
                        job_id: job.id.clone(),
                        sink,
                        winners: job.winners.clone(),
                    });
                }
                state.jobs.insert(job.id.clone(), job);
            }
            tracing::info!(
                executors = state.executors.len(),
                resumed = state.jobs.len(),
                finished = state.archived.len(),
                "leading the cluster"
            );
        }
        self.run_effects(effects);
        for (job_id, sink, status, notify) in cleanups {
            let this = Arc::clone(self);
            tokio::spawn(async move {
                tracing::info!(%job_id, "removing the uncommitted output a predecessor left");
                this.commits.abort(&job_id, &sink, &this.runtime).await;
                if let Some(leader) = &this.lock().leader {
                    drop(
                        leader
                            .journal
                            .apply(keys::job(&job_id), to_history(&status, &notify, None)),
                    );
                }
                if !notify.is_empty() {
                    this.run_effects(vec![Effect::Notify {
                        status,
                        targets: notify,
                    }]);
                }
            });
        }
        self.schedule();
        Ok(events)
    }

    /// Rebuilds a job a predecessor left unfinished; one that cannot resume fails.
    async fn resume_job(&self, record: ipb::JobRecord) -> Job {
        let status = record.status.clone().unwrap_or_default();
        let job_id = status.job_id.clone();
        let spec = record.spec.clone().unwrap_or_default();
        let max_attempts = self.max_attempts(&spec);
        let mut job = match self.replan(&job_id, &spec, &record).await {
            Ok((stages, sink, session_config)) => Job::new(
                job_id.clone(),
                spec,
                stages,
                sink,
                session_config,
                max_attempts,
                record.attempt_base,
            ),
            Err(error) => {
                let mut job = Job::new(job_id.clone(), spec, vec![], None, HashMap::new(), 1, 0);
                job.finish(
                    pb::JobState::Failed,
                    format!("the job could not be resumed after a coordinator failover: {error}"),
                );
                return job;
            }
        };
        job.plan = record.plan.clone();
        job.bookmark = record.bookmark.clone();
        job.request_id = record.request_id.clone();
        job.catalog_scan = record.status.as_ref().and_then(|s| s.catalog_scan);
        match job.resume(&record) {
            Ok(()) => {}
            Err(why @ ResumeError::AttemptsExhausted { .. }) => {
                job.finish(
                    pb::JobState::Failed,
                    format!("the job could not be resumed after a coordinator failover: {why}"),
                );
                return job;
            }
            Err(why) => {
                tracing::warn!(%job_id, %why, "starting the job over");
                job.attempt_base = record.attempt_base + 1000;
                job.submitted_at_ms = status.submitted_at_ms;
                for task in job.stages.iter_mut().flat_map(|s| s.tasks.iter_mut()) {
                    task.next_attempt = job.attempt_base;
                }
            }
        }
        tracing::info!(%job_id, "job resumed");
        job
    }

    /// Applies executor joins and departures until the stream ends.
    async fn follow_executors(self: Arc<Self>, mut events: BoxStream<'static, WatchEvent>) {
        while let Some(event) = events.next().await {
            match event {
                WatchEvent::Put { value, .. } => {
                    match ipb::ExecutorInfo::decode(value.as_slice()) {
                        Ok(info) => {
                            let replaced =
                                add_executor(&mut self.lock(), info.clone(), &self.config);
                            if replaced {
                                // The same id registered again (a restart, even one quicker than
                                // its lease): what the earlier process ran and held is gone.
                                tracing::warn!(executor_id = %info.executor_id, "executor restarted; its attempts and outputs are redone");
                                self.forget_executor_work(&info.executor_id);
                            }
                            self.schedule();
                        }
                        Err(error) => tracing::warn!(%error, "unreadable executor registration"),
                    }
                }
                WatchEvent::Delete { key } => {
                    let id = key.strip_prefix(keys::EXECUTORS).unwrap_or(&key);
                    self.executor_lost(id, "its lease expired");
                }
            }
        }
    }

    /// Forgets everything only a leader holds; running tasks are left to the next leader.
    fn step_down(&self) {
        self.leading.send_replace(false);
        let state = &mut *self.lock();
        state.leader = None;
        state.executors.clear();
        state.jobs.clear();
        state.archived.clear();
        state.order.clear();
        state.finished.clear();
        state.requests.clear();
        self.commits.abandon_all();
        tracing::info!("stepped down; standing by");
    }

    // ---- jobs -------------------------------------------------------------------------------

    /// Plans a job and cuts it into stages; errors a user can cause come back as `InvalidJob`.
    async fn plan(
        &self,
        job_id: &str,
        spec: &pb::JobSpec,
        increment: Option<Arc<Increment>>,
    ) -> Result<(crate::planner::PlannedJob, Vec<crate::stages::StagePlan>)> {
        crate::notify::validate(spec)?;
        // Planning a large statement is seconds of CPU: it runs on a blocking thread, so the
        // runtime's workers keep answering clients and executors and renewing the lease.
        let handle = tokio::runtime::Handle::current();
        let (job_id, spec) = (job_id.to_string(), spec.clone());
        let (partitions, runtime) = (self.config.shuffle_partitions, Arc::clone(&self.runtime));
        let catalog = Catalog::new(Arc::clone(&self.store));
        tokio::task::spawn_blocking(move || {
            handle.block_on(async {
                let planned = crate::planner::plan_job(
                    &job_id,
                    &spec,
                    partitions,
                    runtime,
                    &catalog,
                    increment.as_ref(),
                )
                .await?;
                let stages = split_into_stages(&job_id, Arc::clone(&planned.plan))?;
                Ok((planned, stages))
            })
        })
        .await
        .map_err(|panic| {
            CoordinatorError::InvalidJob(format!("planning the job failed: {panic}"))
        })?
    }

    /// A resumed job's stages, sink and settings: from the plan its record carries (what the
    /// job planned at submit, so it reads the same files and key ranges), else planned again.
    async fn replan(
        &self,
        job_id: &str,
        spec: &pb::JobSpec,
        record: &ipb::JobRecord,
    ) -> Result<(
        Vec<StagePlan>,
        Option<pb::SinkSpec>,
        HashMap<String, String>,
    )> {
        if record.plan.is_empty() {
            let increment = record.bookmark.as_ref().map(bookmarks::replay);
            let (planned, stages) = self.plan(job_id, spec, increment).await?;
            return Ok((stages, planned.sink, planned.session_config));
        }
        let ctx =
            SessionContext::new_with_config_rt(SessionConfig::new(), Arc::clone(&self.runtime));
        let plan = decode_plan(&record.plan, &ctx.task_ctx())?;
        let stages = split_into_stages(job_id, plan)?;
        Ok((stages, record.sink.clone(), record.session_config.clone()))
    }

    /// Checks a job as `submit` would, without accepting it.
    pub async fn validate(&self, spec: &pb::JobSpec) -> Result<()> {
        let increment = bookmarks::bookmark_name(spec)?.map(|_| bookmarks::unseen(spec, &[]));
        self.plan("validation", spec, increment).await.map(|_| ())
    }

    /// The schema of the result `spec` would give, planned as `submit` would plan it.
    pub async fn result_schema(&self, spec: &pb::JobSpec) -> Result<arrow::datatypes::SchemaRef> {
        let increment = bookmarks::bookmark_name(spec)?.map(|_| bookmarks::unseen(spec, &[]));
        self.plan("validation", spec, increment)
            .await
            .map(|(planned, _)| planned.plan.schema())
    }

    fn max_attempts(&self, spec: &pb::JobSpec) -> u32 {
        match spec.options.as_ref().map(|o| o.max_task_attempts) {
            Some(n) if n > 0 => n,
            _ => self.config.max_task_attempts,
        }
    }

    /// Plans and accepts a job, recording it in the state store before answering; errors a
    /// user can cause come back as `InvalidJob`. A submission whose `request_id` names a job
    /// the cluster remembers answers with that job (a client retrying a lost reply).
    pub async fn submit(self: &Arc<Self>, spec: pb::JobSpec, request_id: String) -> Result<String> {
        let fence = self.require_leader().await?;
        if request_id.len() > MAX_REQUEST_ID_LEN {
            return Err(CoordinatorError::InvalidJob(format!(
                "the request id is {} characters long; at most {MAX_REQUEST_ID_LEN} are allowed",
                request_id.len()
            )));
        }
        let job_id = kiln_core::ids::new_job_id();
        let reservation = match request_id.is_empty() {
            true => None,
            false => match self.reserve_request(&request_id, &job_id).await {
                Ok(reservation) => Some(reservation),
                Err(accepted) => return Ok(accepted),
            },
        };
        let accepted = self.accept(spec, job_id, request_id.clone(), fence).await;
        if let Some(reservation) = reservation {
            let mut state = self.lock();
            match &accepted {
                Ok(job_id) => {
                    state
                        .requests
                        .insert(request_id, Request::Accepted(job_id.clone()));
                    let _ = reservation.send(Some(job_id.clone()));
                }
                Err(_) => drop(state.requests.remove(&request_id)),
            }
        }
        accepted
    }

    /// Claims `request_id` for a new submission, or returns the job a submission with it
    /// was accepted as (waiting for one under way to end).
    async fn reserve_request(
        &self,
        request_id: &str,
        job_id: &str,
    ) -> Result<watch::Sender<Option<String>>, String> {
        loop {
            let mut pending = {
                let mut state = self.lock();
                match state.requests.get(request_id) {
                    Some(Request::Accepted(job_id)) => return Err(job_id.clone()),
                    Some(Request::Pending(pending)) => pending.clone(),
                    None => {
                        let (sender, receiver) = watch::channel(None);
                        state
                            .requests
                            .insert(request_id.to_string(), Request::Pending(receiver));
                        tracing::debug!(%job_id, %request_id, "submission reserved");
                        return Ok(sender);
                    }
                }
            };
            // Accepted meanwhile: that job; failed: this submission takes its place.
            if let Ok(accepted) = pending.wait_for(Option::is_some).await {
                return Err(accepted.clone().expect("waited for a job id"));
            }
        }
    }

    /// Plans a job and stores it as accepted. An incremental job's run is reserved first, so
    /// that runs of one job never overlap (each reads what the runs before it did not).
    async fn accept(
        self: &Arc<Self>,
        spec: pb::JobSpec,
        job_id: String,
        request_id: String,
        fence: Fence,
    ) -> Result<String> {
        let Some(name) = bookmarks::bookmark_name(&spec)?.map(str::to_string) else {
            return self.accept_run(spec, job_id, request_id, fence, None).await;
        };
        let _reserved = self.reserve_bookmark(&name, &job_id)?;
        self.bookmark_writes_landed(&name).await;
        let runs = bookmarks::runs(self.store.as_ref(), &name).await?;
        let increment = bookmarks::unseen(&spec, &runs);
        self.accept_run(spec, job_id, request_id, fence, Some(increment))
            .await
    }

    /// Keeps other runs of incremental job `name` from starting while `holder` (a run's job
    /// id, or a reset) is planned; refused while a run is under way. The reservation ends
    /// when the answer is dropped (a caller that went away included).
    fn reserve_bookmark(
        self: &Arc<Self>,
        name: &str,
        holder: &str,
    ) -> Result<BookmarkReservation<'_>> {
        let state = &mut *self.lock();
        if let Some(running) = bookmark_in_use(state, name) {
            return Err(bookmarks::BookmarkError::InUse {
                name: name.to_string(),
                job_id: running,
            }
            .into());
        }
        state
            .planning_runs
            .insert(name.to_string(), holder.to_string());
        Ok(BookmarkReservation {
            scheduler: self,
            name: name.to_string(),
        })
    }

    /// Plans a job (an incremental one reading what `increment` chooses) and stores it as
    /// accepted.
    async fn accept_run(
        self: &Arc<Self>,
        spec: pb::JobSpec,
        job_id: String,
        request_id: String,
        fence: Fence,
        increment: Option<Arc<Increment>>,
    ) -> Result<String> {
        let planning = std::time::Instant::now();
        let (planned, stages) = self.plan(&job_id, &spec, increment.clone()).await?;
        let planned_in_ms = planning.elapsed().as_millis() as u64;
        let max_attempts = self.max_attempts(&spec);
        tracing::info!(%job_id, name = %spec.name, stages = stages.len(), planned_in_ms, "job accepted");
        for stage in &stages {
            tracing::debug!(%job_id, stage = stage.id, inputs = ?stage.inputs, plan = %displayable(stage.plan.as_ref()).indent(true), "stage planned");
        }
        let mut job = Job::new(
            job_id.clone(),
            spec,
            stages,
            planned.sink,
            planned.session_config,
            max_attempts,
            0,
        );
        job.request_id = request_id;
        job.catalog_scan = Some(planned.catalog_scan);
        job.bookmark = increment.map(|increment| bookmarks::planned_run(&job_id, &increment));
        match encode_plan(Arc::clone(&planned.plan)) {
            Ok(plan) if plan.len() <= MAX_PLAN_BYTES => job.plan = plan,
            Ok(plan) => {
                tracing::warn!(%job_id, bytes = plan.len(), "the job's plan is too large to record; a successor would plan it again")
            }
            Err(error) => {
                tracing::warn!(%job_id, %error, "the job's plan cannot be recorded; a successor would plan it again")
            }
        }
        let milestone = job.milestone();
        let record = job.record().encode_to_vec();
        if record.len() > MAX_RECORD_BYTES {
            return Err(CoordinatorError::InvalidJob(format!(
                "the job is {} bytes as stored, over the cluster's limit of {MAX_RECORD_BYTES} \
                 bytes for a job record: shorten its SQL or move literal data into a source",
                record.len()
            )));
        }
        self.store
            .put(&keys::job(&job_id), record, Some(&fence))
            .await?;
        {
            let mut state = self.lock();
            let Some(leader) = state.leader.as_mut() else {
                return Err(CoordinatorError::NotLeader(None));
            };
            leader.recorded.insert(job_id.clone(), milestone);
            state.jobs.insert(job_id.clone(), job);
            state.order.push_back(job_id.clone());
        }
        self.metrics.job_submitted();
        self.schedule();
        Ok(job_id)
    }

    /// Waits until every run of incremental job `name` that succeeded under this leader is in
    /// the job's bookmark in the state store: its write is queued with the job's end, and a
    /// caller who saw the job succeed must see the run.
    async fn bookmark_writes_landed(self: &Arc<Self>, name: &str) {
        // A job whose success a caller saw may not be recorded yet: this records it.
        self.schedule();
        let pending = {
            let state = self.lock();
            let leader = state.leader.as_ref();
            leader.and_then(|leader| leader.bookmark_writes.get(name).cloned())
        };
        let Some(pending) = pending else {
            return;
        };
        futures::future::join_all(pending).await;
        if let Some(leader) = self.lock().leader.as_mut()
            && let Some(writes) = leader.bookmark_writes.get_mut(name)
        {
            writes.retain(|write| write.peek().is_none());
            if writes.is_empty() {
                leader.bookmark_writes.remove(name);
            }
        }
    }

    /// What the successful runs of incremental job `name` read.
    pub async fn bookmark(self: &Arc<Self>, name: &str, with_files: bool) -> Result<pb::Bookmark> {
        self.require_leader().await?;
        self.bookmark_writes_landed(name).await;
        bookmarks::show(self.store.as_ref(), name, with_files).await
    }

    /// Forgets the runs of incremental job `name` after `keep_through` (every run when
    /// empty), so that its next run reads their files again; refused while a run is under way.
    pub async fn reset_bookmark(
        self: &Arc<Self>,
        name: &str,
        keep_through: &str,
    ) -> Result<pb::Bookmark> {
        let fence = self.require_leader().await?;
        let _reserved = self.reserve_bookmark(name, "(a bookmark reset)")?;
        self.bookmark_writes_landed(name).await;
        bookmarks::reset(self.store.as_ref(), &fence, name, keep_through).await
    }

    /// A job's current status; past the window, from the history store.
    pub async fn status(&self, job_id: &str) -> Result<pb::JobStatus> {
        self.require_leader().await?;
        match self.current_status(job_id) {
            Err(CoordinatorError::JobNotFound(_)) => self
                .archived(job_id)
                .await?
                .and_then(|job| job.status)
                .ok_or_else(|| CoordinatorError::JobNotFound(job_id.to_string())),
            other => other,
        }
    }

    /// A finished job as the history store keeps it, when there is one and it has the job.
    async fn archived(&self, job_id: &str) -> Result<Option<ipb::ArchivedJob>> {
        match &self.history {
            Some(history) => history.get(job_id).await,
            None => Ok(None),
        }
    }

    /// Forgets an ended job's recorded webhooks once each was called.
    fn forget_notifications(&self, job_id: &str) {
        if let Some(leader) = &self.lock().leader {
            let key = keys::notifications(job_id);
            drop(leader.journal.apply(key.clone(), Batch::delete(key)));
        }
    }

    /// Keeps a finished job in the history store, retrying as a commit does; a job that
    /// cannot be kept stays in the window only, and the failure is logged.
    async fn archive(&self, job: &ipb::ArchivedJob) {
        let Some(history) = &self.history else {
            return;
        };
        let keep = || history.put(job);
        if let Err(error) = keep.retry(HISTORY_BACKOFF).await {
            let job_id = job.status.as_ref().map_or("", |s| s.job_id.as_str());
            tracing::warn!(%job_id, %error, "a finished job was not kept in the history store");
        }
    }

    /// A job's status as this leader knows it now.
    pub fn current_status(&self, job_id: &str) -> Result<pb::JobStatus> {
        let state = self.lock();
        if state.leader.is_none() {
            return Err(CoordinatorError::NotLeader(None));
        }
        state
            .jobs
            .get(job_id)
            .map(Job::status)
            .or_else(|| state.archived.get(job_id).cloned())
            .ok_or_else(|| CoordinatorError::JobNotFound(job_id.to_string()))
    }

    /// A job's task attempts (see [`Job::attempts`]). Those of a job finished under an
    /// earlier leader, or past the window, come from the history store; without one, such a
    /// job has none.
    pub async fn tasks(
        &self,
        job_id: &str,
        stage: Option<u32>,
        partition: Option<u32>,
        with_logs: bool,
    ) -> Result<Vec<pb::TaskAttemptStatus>> {
        self.require_leader().await?;
        let remembered = {
            let state = self.lock();
            match state.jobs.get(job_id) {
                Some(job) => return Ok(job.attempts(stage, partition, with_logs)),
                None => state.archived.contains_key(job_id),
            }
        };
        match self.archived(job_id).await? {
            Some(job) => Ok(crate::history::attempts(job, stage, partition, with_logs)),
            None if remembered => Ok(vec![]),
            None => Err(CoordinatorError::JobNotFound(job_id.to_string())),
        }
    }

    /// A receiver that changes whenever the job does; it closes when this coordinator stops
    /// leading.
    pub async fn subscribe(&self, job_id: &str) -> Result<watch::Receiver<u64>> {
        self.require_leader().await?;
        {
            let state = self.lock();
            if let Some(job) = state.jobs.get(job_id) {
                return Ok(job.changes.subscribe());
            }
            if state.archived.contains_key(job_id) {
                // A finished job never changes again.
                return Ok(watch::channel(0).1);
            }
        }
        match self.archived(job_id).await? {
            Some(_) => Ok(watch::channel(0).1),
            None => Err(CoordinatorError::JobNotFound(job_id.to_string())),
        }
    }

    /// The jobs `query` asks for (a state, labels), newest first, a page at a time: those
    /// the cluster remembers, then, with a history store, the older ones kept there (page
    /// tokens that go on in the history start with [`HISTORY_PAGE`]).
    pub async fn list(&self, query: &pb::ListJobsRequest) -> Result<pb::ListJobsResponse> {
        self.require_leader().await?;
        let matches = |job: &pb::JobStatus| {
            query.state.is_none_or(|s| job.state == s)
                && query
                    .labels
                    .iter()
                    .all(|(key, value)| job.labels.get(key) == Some(value))
        };
        let limit = match query.limit {
            0 => usize::MAX,
            n => n as usize,
        };
        let (jobs, remembered) = match query.page_token.strip_prefix(HISTORY_PAGE) {
            Some(_) => (vec![], self.lock().order.iter().cloned().collect()),
            None => {
                let state = self.lock();
                let mut newest_first = state.order.iter().rev();
                if !query.page_token.is_empty()
                    && !newest_first.by_ref().any(|id| *id == query.page_token)
                {
                    return Err(CoordinatorError::StalePageToken(query.page_token.clone()));
                }
                let mut matching = newest_first
                    .filter_map(|id| {
                        let live = state.jobs.get(id).map(Job::status);
                        live.or_else(|| state.archived.get(id).cloned())
                    })
                    .filter(|job| matches(job));
                let jobs: Vec<pb::JobStatus> = matching.by_ref().take(limit).collect();
                if let (Some(_), Some(last)) = (matching.next(), jobs.last()) {
                    let next_page_token = last.job_id.clone();
                    return Ok(pb::ListJobsResponse {
                        jobs,
                        next_page_token,
                    });
                }
                let remembered: HashSet<String> = state.order.iter().cloned().collect();
                (jobs, remembered)
            }
        };
        // The remembered jobs are done with: on into the history store, without them.
        let Some(history) = &self.history else {
            return Ok(pb::ListJobsResponse {
                jobs,
                next_page_token: String::new(),
            });
        };
        let after = query.page_token.strip_prefix(HISTORY_PAGE).unwrap_or("");
        let room = limit - jobs.len();
        let keep = |job: &pb::JobStatus| !remembered.contains(&job.job_id) && matches(job);
        // One more than there is room for tells whether another page follows.
        let (older, next) = match room {
            0 => {
                let (one, _) = history.page(after, 1, keep).await?;
                let more = !one.is_empty();
                (vec![], more.then(|| after.to_string()))
            }
            room => history.page(after, room, keep).await?,
        };
        let mut jobs = jobs;
        jobs.extend(older);
        Ok(pb::ListJobsResponse {
            jobs,
            next_page_token: next
                .map(|entry| format!("{HISTORY_PAGE}{entry}"))
                .unwrap_or_default(),
        })
    }

    /// Cancels a job; returns its state afterwards.
    pub async fn cancel(self: &Arc<Self>, job_id: &str) -> Result<pb::JobState> {
        self.require_leader().await?;
        let mut effects = vec![];
        let state_after = {
            let mut state = self.lock();
            let state = &mut *state;
            let Some(job) = state.jobs.get_mut(job_id) else {
                return match state.archived.get(job_id) {
                    Some(status) => Ok(pb::JobState::try_from(status.state).unwrap_or_default()),
                    None => Err(CoordinatorError::JobNotFound(job_id.to_string())),
                };
            };
            if job.committing {
                // A commit that has not decided to publish stops; one that has runs to its end
                // and the job succeeds: either way the job ends in the state its data is in.
                tracing::info!(%job_id, "cancelling: asking the commit to stop");
                let reason = "cancelled by request, during its commit (nothing was published)";
                let job_state = job.state;
                stop_commit(state, job_id, pb::JobState::Cancelled, reason, &mut effects);
                job_state
            } else {
                if !job.is_finished() {
                    job.finish(pb::JobState::Cancelled, "cancelled by request".into());
                    tracing::info!(%job_id, "job cancelled");
                    end_job(&mut state.executors, job, &mut effects);
                }
                job.state
            }
        };
        self.run_effects(effects);
        self.schedule();
        Ok(state_after)
    }

    // ---- executors --------------------------------------------------------------------------

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
    fn executor_unreachable(self: &Arc<Self>, executor_id: &str, why: &str) {
        if let Some(entry) = self.lock().executors.get_mut(executor_id) {
            tracing::warn!(%executor_id, reason = why, "executor unreachable");
            self.metrics.attempts_lost(entry.running.len());
            entry.running.clear();
            entry.resting_until = Some(Instant::now() + Duration::from_secs(2));
        }
        self.forget_executor_work(executor_id);
        self.schedule();
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
    pub fn task_statuses(self: &Arc<Self>, executor_id: &str, statuses: Vec<ipb::TaskStatus>) {
        let mut effects = vec![];
        {
            let state = &mut *self.lock();
            for status in statuses {
                apply_status(state, executor_id, status, &self.metrics, &mut effects);
            }
        }
        self.run_effects(effects);
        self.schedule();
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

    // ---- the clock --------------------------------------------------------------------------

    /// Ends jobs that ran past their timeout; runs until the process ends.
    pub async fn tick_loop(self: Arc<Self>) {
        let mut ticker = tokio::time::interval(Duration::from_millis(250));
        loop {
            ticker.tick().await;
            let now = Instant::now();
            let mut effects = vec![];
            {
                let state = &mut *self.lock();
                let mut late_commits = vec![];
                for job in state.jobs.values_mut() {
                    let late = !job.is_finished() && job.deadline.is_some_and(|d| now > d);
                    if late && job.committing {
                        if job.stop_requested.is_none() {
                            late_commits.push(job.id.clone());
                        }
                    } else if late {
                        job.finish(
                            pb::JobState::TimedOut,
                            "the job ran past its timeout".into(),
                        );
                        tracing::warn!(job_id = %job.id, "job timed out");
                        end_job(&mut state.executors, job, &mut effects);
                    }
                }
                for job_id in late_commits {
                    let reason = "the job ran past its timeout during its commit (nothing was \
                                  published)";
                    stop_commit(state, &job_id, pb::JobState::TimedOut, reason, &mut effects);
                }
            }
            self.run_effects(effects);
            if self.is_leader() {
                self.schedule();
            }
        }
    }

    // ---- scheduling -------------------------------------------------------------------------

    /// Fills free slots with launchable tasks and launches them, after recording the jobs
    /// that reached a milestone. Every change to the jobs ends here.
    pub fn schedule(self: &Arc<Self>) {
        let effects = {
            let state = &mut *self.lock();
            let mut effects = assign_tasks(state, self.config.max_message_size);
            record_milestones(state, &self.metrics, self.history.is_some(), &mut effects);
            prune_history(state, &self.config);
            effects
        };
        self.run_effects(effects);
    }

    fn run_effects(self: &Arc<Self>, effects: Vec<Effect>) {
        for effect in effects {
            if let Effect::Publish {
                job_id,
                sink,
                winner,
            } = &effect
            {
                // Handed over here, in order, before any later commit of the job starts.
                self.commits.publish(job_id, sink, *winner);
                continue;
            }
            tokio::spawn(Arc::clone(self).act(effect));
        }
    }

    /// Makes one remote call decided under the lock. The rare effects' work is boxed, so the
    /// task spawned for each launch and removal (the many) stays small to move.
    async fn act(self: Arc<Self>, effect: Effect) {
        // A coordinator that stopped leading since the effect was decided (its lease is in
        // doubt, or another leads) no longer acts on the cluster; what was left undone its
        // successor redoes from the job records.
        if !self.is_leader() {
            tracing::info!("not acting on the cluster any more: this coordinator stopped leading");
            return;
        }
        let this = self;
        match effect {
            Effect::Launch {
                executor_id,
                mut client,
                request,
            } => {
                if let Err(status) = client.launch_tasks(request).await {
                    this.executor_unreachable(&executor_id, &format!("launch failed: {status}"));
                }
            }
            Effect::RemoveData {
                client,
                job_id,
                keep_stage,
            } => remove_job_data(client, job_id, keep_stage).await,
            Effect::ExpireResults { job_id } => this.expire_results_later(job_id),
            Effect::Archive { job } => Box::pin(this.archive(&job)).await,
            Effect::Notify { status, targets } => {
                Box::pin(crate::notify::deliver(&this.webhooks, &status, &targets)).await;
                this.forget_notifications(&status.job_id);
            }
            Effect::Publish { .. } => unreachable!("publishing is handed over in order"),
            Effect::Commit {
                job_id,
                sink,
                winners,
            } => {
                // The decision is stored before anything is committed, so only one
                // leader ever commits a job, and a successor finishes the same commit.
                let started = Instant::now();
                let recorded = this.record_commit(&job_id);
                let commit = this
                    .commits
                    .commit(&job_id, &sink, &winners, recorded, &this.runtime);
                let outcome = match Box::pin(commit).await {
                    CommitOutcome::Committed if !sink.catalog.is_empty() => {
                        Box::pin(this.register_partitions(&job_id, &sink)).await
                    }
                    other => other,
                };
                let name = match &outcome {
                    CommitOutcome::Committed => "committed",
                    CommitOutcome::Failed(_) => "failed",
                    CommitOutcome::Stopped(..) => "stopped",
                    CommitOutcome::NotLeader => "not_leader",
                    CommitOutcome::RowsLost(_) => "rows_lost",
                };
                this.metrics.commit_ended(name, started.elapsed());
                this.commit_finished(&job_id, outcome);
            }
            Effect::AbortSink {
                job_id,
                sink,
                remove_first,
            } => {
                let removals = remove_first
                    .into_iter()
                    .map(|client| remove_job_data(client, job_id.clone(), None));
                let removed = Box::pin(futures::future::join_all(removals));
                if tokio::time::timeout(REMOVE_BEFORE_ABORT_WAIT, removed)
                    .await
                    .is_err()
                {
                    tracing::warn!(%job_id, "an executor did not answer the removal of the job's data; removing its uncommitted output anyway");
                }
                Box::pin(this.commits.abort(&job_id, &sink, &this.runtime)).await;
                this.sink_cleaned(&job_id);
            }
            Effect::StopCommit {
                job_id,
                end,
                reason,
                recorded,
            } => {
                // Asked only once the request is stored: a successor that finishes
                // the commit stops it too, and the job ends the same either way.
                if recorded.await.unwrap_or(false) {
                    this.commits.stop(&job_id, end, reason);
                }
            }
        }
    }

    /// Stores a committing job's record (with its winners); returns the leader's term, or
    /// None when this coordinator is no longer the leader.
    async fn record_commit(&self, job_id: &str) -> Option<i64> {
        let (answer, term) = {
            let state = &mut *self.lock();
            let (Some(leader), Some(job)) = (state.leader.as_mut(), state.jobs.get(job_id)) else {
                return None;
            };
            leader.recorded.insert(job.id.clone(), job.milestone());
            let answer = leader
                .journal
                .write(keys::job(job_id), job.record().encode_to_vec());
            (answer, leader.fence.term())
        };
        answer.await.unwrap_or(false).then_some(term)
    }

    /// Ends a sink job once its commit has run.
    fn commit_finished(self: &Arc<Self>, job_id: &str, outcome: CommitOutcome) {
        let mut effects = vec![];
        {
            let state = &mut *self.lock();
            let Some(job) = state.jobs.get_mut(job_id) else {
                return;
            };
            self.commits.forget(job_id);
            match outcome {
                // Another coordinator leads; this one steps down and leaves the job to it.
                CommitOutcome::NotLeader => return,
                CommitOutcome::Committed => {
                    job.committing = false;
                    tracing::info!(%job_id, "job committed");
                    job.finish(pb::JobState::Succeeded, String::new());
                    job_succeeded(&state.executors, job, &mut effects);
                }
                CommitOutcome::Stopped(end, reason) => {
                    job.committing = false;
                    tracing::info!(%job_id, %reason, "job ended during its commit");
                    job.finish(end, reason);
                    end_job(&mut state.executors, job, &mut effects);
                }
                CommitOutcome::Failed(error) => {
                    job.committing = false;
                    tracing::warn!(%job_id, %error, "job failed");
                    job.finish(pb::JobState::Failed, error);
                    end_job(&mut state.executors, job, &mut effects);
                }
                CommitOutcome::RowsLost(partitions) => {
                    tracing::warn!(%job_id, ?partitions, "uncommitted output lost rows before the commit; running those partitions again");
                    if let FailureOutcome::JobFailed(error) = job.sink_output_lost(&partitions) {
                        tracing::warn!(%job_id, %error, "job failed");
                        end_job(&mut state.executors, job, &mut effects);
                    }
                }
            }
            job.touch();
        }
        self.run_effects(effects);
        self.schedule();
    }

    /// Lets a sink job whose uncommitted output is removed move to the history.
    fn sink_cleaned(self: &Arc<Self>, job_id: &str) {
        if let Some(job) = self.lock().jobs.get_mut(job_id) {
            job.cleaning = false;
            job.touch();
        }
        self.schedule();
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
    status: ipb::TaskStatus,
    metrics: &CoordinatorMetrics,
    effects: &mut Vec<Effect>,
) {
    let Some(id) = &status.task_id else {
        return;
    };
    let outcome = status.outcome;
    metrics.attempt_ended(attempt_outcome(outcome.as_ref()), Some(status.elapsed_ms));
    if let Some(ipb::task_status::Outcome::Succeeded(done)) = &outcome {
        metrics.task_output(done);
    }
    if let Some(entry) = state.executors.get_mut(executor_id) {
        entry
            .running
            .remove(&(id.job_id.clone(), id.stage_id, id.partition, id.attempt));
    }
    let Some(job) = state.jobs.get_mut(&id.job_id) else {
        return;
    };
    if let Some(record) = job.running_attempt(id.stage_id, id.partition, id.attempt) {
        record_outcome(record, outcome.as_ref(), status.log);
    }
    if job.is_finished() || !job.is_current(id.stage_id, id.partition, id.attempt) {
        return;
    }
    match outcome {
        Some(ipb::task_status::Outcome::Succeeded(done)) => {
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
                stats: crate::checkpoint::output_stats(&done.partitions),
                records_read: done.records_read,
                bad_records: done.bad_records,
                sink_rows: done.sink_rows,
            };
            if id.stage_id == job.final_stage()
                && let Some(sink) = &job.sink
            {
                effects.push(Effect::Publish {
                    job_id: job.id.clone(),
                    sink: sink.clone(),
                    winner: Winner {
                        partition: id.partition,
                        attempt: id.attempt,
                        rows: done.sink_rows,
                    },
                });
            }
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
        Some(ipb::task_status::Outcome::Failed(failure)) => match failure.reason {
            Some(ipb::task_failure::Reason::FetchFailed(fetch)) => {
                tracing::warn!(job_id = %job.id, stage = id.stage_id, partition = id.partition,
                    lost_executor = %fetch.executor_id, "fetch failed; recomputing lost outputs");
                let outcome = job.fetch_failed(
                    id.stage_id,
                    id.partition,
                    &fetch.executor_id,
                    &failure.message,
                );
                if let FailureOutcome::JobFailed(error) = outcome {
                    tracing::warn!(job_id = %job.id, %error, "job failed");
                    end_job(&mut state.executors, job, effects);
                }
            }
            Some(ipb::task_failure::Reason::Killed(_)) => {
                job.task_killed(id.stage_id, id.partition);
            }
            reason => {
                let retry = !matches!(reason, Some(ipb::task_failure::Reason::BadRecord(_)));
                let outcome = job.task_failed(
                    id.stage_id,
                    id.partition,
                    executor_id,
                    &failure.message,
                    retry,
                );
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

/// How a reported attempt ended, as the metrics count it.
fn attempt_outcome(outcome: Option<&ipb::task_status::Outcome>) -> AttemptOutcome {
    use ipb::task_failure::Reason;
    match outcome {
        Some(ipb::task_status::Outcome::Succeeded(_)) => AttemptOutcome::Succeeded,
        Some(ipb::task_status::Outcome::Failed(failure)) => match failure.reason {
            Some(Reason::FetchFailed(_)) => AttemptOutcome::FetchFailed,
            Some(Reason::Killed(_)) => AttemptOutcome::Killed,
            _ => AttemptOutcome::Failed,
        },
        None => AttemptOutcome::Failed,
    }
}

/// Writes how an attempt ended into its record.
fn record_outcome(
    record: &mut pb::TaskAttemptStatus,
    outcome: Option<&ipb::task_status::Outcome>,
    log: Vec<String>,
) {
    use ipb::task_status::Outcome;
    let state = match outcome {
        Some(Outcome::Succeeded(done)) => {
            record.rows_out = done.partitions.iter().map(|p| p.rows).sum();
            record.bytes_out = done.partitions.iter().map(|p| p.bytes).sum();
            pb::TaskAttemptState::Succeeded
        }
        Some(Outcome::Failed(failure)) => {
            record.error = failure.message.clone();
            match failure.reason {
                Some(ipb::task_failure::Reason::Killed(_)) => pb::TaskAttemptState::Killed,
                _ => pb::TaskAttemptState::Failed,
            }
        }
        None => pb::TaskAttemptState::Failed,
    };
    record.state = state as i32;
    record.ended_at_ms = kiln_core::ids::now_ms();
    record.log = log;
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

/// Records that `job_id`'s commit is to stop, ending the job in `end` for `reason` (the first
/// request's end holds), and queues the stop for once the record is stored.
fn stop_commit(
    state: &mut State,
    job_id: &str,
    end: pb::JobState,
    reason: &str,
    effects: &mut Vec<Effect>,
) {
    let (Some(leader), Some(job)) = (state.leader.as_mut(), state.jobs.get_mut(job_id)) else {
        return;
    };
    let (end, reason) = job
        .stop_requested
        .get_or_insert_with(|| (end, reason.to_string()))
        .clone();
    let recorded = leader
        .journal
        .write(keys::job(job_id), job.record().encode_to_vec());
    effects.push(Effect::StopCommit {
        job_id: job_id.to_string(),
        end,
        reason,
        recorded,
    });
}

/// How long a sink job's abort waits for executors to kill its attempts (an executor waits up
/// to 10 s for them to stop) before it removes the job's uncommitted output.
const REMOVE_BEFORE_ABORT_WAIT: Duration = Duration::from_secs(15);

/// Asks an executor to remove a job's data (all of it, or all but a stage's): it kills the
/// job's attempts there first, and answers once they stopped.
async fn remove_job_data(
    mut client: ExecutorServiceClient<AuthChannel>,
    job_id: String,
    keep_stage: Option<u32>,
) {
    let request = ipb::RemoveJobDataRequest { job_id, keep_stage };
    let _ = client.remove_job_data(request).await;
}

/// Kills a finished job's running attempts and removes its files everywhere; a sink job's
/// uncommitted output is removed once its attempts stopped.
fn end_job(
    executors: &mut BTreeMap<String, ExecutorEntry>,
    job: &mut Job,
    effects: &mut Vec<Effect>,
) {
    // Removing the job's data from an executor kills its attempts there.
    for (executor_id, t) in job.running_attempts() {
        if let Some(entry) = executors.get_mut(&executor_id) {
            entry
                .running
                .remove(&(t.job_id.clone(), t.stage_id, t.partition, t.attempt));
        }
    }
    let clients = executors.values().map(|entry| entry.client.clone());
    match &job.sink {
        Some(sink) => {
            job.cleaning = true;
            effects.push(Effect::AbortSink {
                job_id: job.id.clone(),
                sink: sink.clone(),
                remove_first: clients.collect(),
            });
        }
        None => effects.extend(clients.map(|client| Effect::RemoveData {
            client,
            job_id: job.id.clone(),
            keep_stage: None,
        })),
    }
    job.touch();
}

/// What identifies an encoded task plan within one round of assignments: the job, the stage,
/// and for each shuffle reader the map outputs it reads (map partition, attempt).
type PlanKey = (String, u32, Vec<Vec<(u32, u32)>>);

/// Launch requests carry at most this share of the message limit, leaving room for framing.
const LAUNCH_REQUEST_SHARE: f64 = 0.9;

/// Assigns launchable tasks to free slots, round-robin across jobs, oldest job first in each
/// round. Each task carries only its own stage's plan, and a launch request holds as many
/// tasks as fit under the message limit (`max_message_size`), so a job whose whole plan is
/// over the limit still runs; a task plan that is over it alone fails its job, saying so.
fn assign_tasks(state: &mut State, max_message_size: usize) -> Vec<Effect> {
    let request_limit = request_limit(max_message_size);
    let mut launches: BTreeMap<String, Vec<ipb::TaskDefinition>> = BTreeMap::new();
    // The settings of each job that launches a task, sent once per launch request.
    let mut settings: HashMap<String, ipb::JobTaskSettings> = HashMap::new();
    let mut queues: Vec<(String, VecDeque<(u32, u32)>)> = state
        .order
        .iter()
        .filter_map(|id| {
            let tasks = state.jobs.get(id)?.launchable();
            (!tasks.is_empty()).then(|| (id.clone(), tasks.into()))
        })
        .collect();
    // Encoded task plans, by job, stage and the map outputs the task reads (by map partition
    // and attempt): tasks that read the same outputs (every task of a stage that reads no
    // shuffle; most of a stage after a shuffle that left no partition empty) share one.
    let mut plans: HashMap<PlanKey, Vec<u8>> = HashMap::new();
    // Jobs that failed here: their running tasks are stopped and their files removed below.
    let mut failed = vec![];
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
            let plan = match task_plan(job, stage, partition, &mut plans, max_message_size) {
                Ok(plan) => plan,
                Err(error) => {
                    job.finish(pb::JobState::Failed, error);
                    job.touch();
                    queue.clear();
                    failed.push(job_id.clone());
                    continue;
                }
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
                .push(ipb::TaskDefinition {
                    task_id: Some(ipb::TaskId {
                        job_id: job_id.clone(),
                        stage_id: stage,
                        partition,
                        attempt,
                    }),
                    plan,
                });
            if !settings.contains_key(job_id) {
                settings.insert(job_id.clone(), job.task_settings());
            }
        }
        queues.retain(|(_, q)| !q.is_empty());
    }
    let mut effects = vec![];
    for job_id in &failed {
        if let Some(job) = state.jobs.get_mut(job_id) {
            end_job(&mut state.executors, job, &mut effects);
        }
    }
    for (executor_id, mut tasks) in launches {
        tasks.retain(|t| {
            t.task_id
                .as_ref()
                .is_none_or(|id| !failed.contains(&id.job_id))
        });
        if tasks.is_empty() {
            continue;
        }
        for request in launch_requests(tasks, &settings, request_limit) {
            effects.push(Effect::Launch {
                client: state.executors[&executor_id].client.clone(),
                executor_id: executor_id.clone(),
                request,
            });
        }
    }
    effects
}

/// The encoded plan of task `partition` of `stage`, taken from `plans` when a task that reads
/// the same map outputs has one; the job's error when it cannot be resolved or encoded, or
/// is over the share of `max_message_size` a launch request may carry.
fn task_plan(
    job: &Job,
    stage: u32,
    partition: u32,
    plans: &mut HashMap<PlanKey, Vec<u8>>,
    max_message_size: usize,
) -> Result<Vec<u8>, String> {
    let unresolved = |e| format!("stage {stage} could not be encoded for executors: {e}");
    let inputs = job.task_inputs(stage, partition).map_err(unresolved)?;
    let read = inputs
        .iter()
        .map(|outputs| {
            outputs
                .iter()
                .map(|o| (o.map_partition, o.attempt))
                .collect()
        })
        .collect();
    let key = (job.id.clone(), stage, read);
    if let Some(plan) = plans.get(&key) {
        return Ok(plan.clone());
    }
    let plan = job
        .resolved_plan(stage, inputs)
        .and_then(encode_plan)
        .map_err(unresolved)?;
    if plan.len() > request_limit(max_message_size) {
        return Err(format!(
            "the plan of a stage {stage} task is {} bytes, over the cluster's gRPC message \
             limit of {max_message_size} bytes: raise --max-message-size \
             (KILN_MAX_MESSAGE_SIZE) on every coordinator and executor, or shrink the query's \
             literals",
            plan.len()
        ));
    }
    plans.insert(key, plan.clone());
    Ok(plan)
}

/// The most bytes one launch request may carry under `max_message_size`.
fn request_limit(max_message_size: usize) -> usize {
    (max_message_size as f64 * LAUNCH_REQUEST_SHARE) as usize
}

/// `tasks` in launch requests that each encode to at most `limit` bytes (a task larger than
/// that alone gets a request of its own), each carrying the `settings` of its tasks' jobs.
fn launch_requests(
    tasks: Vec<ipb::TaskDefinition>,
    settings: &HashMap<String, ipb::JobTaskSettings>,
    limit: usize,
) -> Vec<ipb::LaunchTasksRequest> {
    // The field's tag and length prefix come on top of each message.
    let framed = |len: usize| len + 16;
    let mut requests: Vec<ipb::LaunchTasksRequest> = vec![];
    let mut size = 0;
    // The jobs whose settings the last request carries.
    let mut carried: HashSet<String> = HashSet::new();
    for task in tasks {
        let job_id = task.task_id.as_ref().map_or("", |id| id.job_id.as_str());
        let job_settings = settings.get(job_id).filter(|_| !carried.contains(job_id));
        let settings_size = job_settings.map_or(0, |s| framed(s.encoded_len()));
        let task_size = framed(task.encoded_len());
        if requests.is_empty() || size + task_size + settings_size > limit {
            requests.push(ipb::LaunchTasksRequest::default());
            carried.clear();
            size = 0;
        }
        let request = requests.last_mut().expect("a request to add to");
        if let Some(job_settings) = settings.get(job_id)
            && carried.insert(job_id.to_string())
        {
            request.jobs.push(job_settings.clone());
            size += framed(job_settings.encoded_len());
        }
        request.tasks.push(task);
        size += task_size;
    }
    requests
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

/// Adds a newly registered executor; true when it replaced one of the same id (a restarted
/// process, whose files are gone).
fn add_executor(state: &mut State, info: ipb::ExecutorInfo, config: &CoordinatorConfig) -> bool {
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

/// The start of a page token that goes on in the history store (the rest names its entry).
pub const HISTORY_PAGE: &str = "history:";

/// How a failed write to the history store is retried: 4 more times, 0.5 s doubling to 8 s.
const HISTORY_BACKOFF: ExponentialBuilder = ExponentialBuilder::new()
    .with_min_delay(Duration::from_millis(500))
    .with_max_delay(Duration::from_secs(8))
    .with_max_times(4);

/// The most bytes a job's record may take in the state store, with room for its key.
const MAX_RECORD_BYTES: usize = kiln_core::state::MAX_WRITE_BYTES - 1024;

/// Queues a record write for every job that reached a milestone since its last write. A job
/// that ended moves to the history: its final status replaces its record, in one write. A job
/// whose checkpoint outgrew what the state store takes fails, saying so, instead of blocking
/// every other job's writes.
/// With `archive`, an ended job is also kept in the history store.
fn record_milestones(
    state: &mut State,
    metrics: &CoordinatorMetrics,
    archive: bool,
    effects: &mut Vec<Effect>,
) {
    let State {
        leader,
        jobs,
        executors,
        finished,
        ..
    } = state;
    let Some(leader) = leader.as_mut() else {
        return;
    };
    for job in jobs.values_mut() {
        let last = leader.recorded.get(&job.id);
        if last.is_some_and(Milestone::is_final) {
            continue;
        }
        let milestone = job.milestone();
        if last == Some(&milestone) {
            continue;
        }
        if !milestone.is_final() {
            let record = job.record().encode_to_vec();
            if record.len() <= MAX_RECORD_BYTES {
                // Nobody waits for these: the next milestone supersedes them.
                drop(leader.journal.write(keys::job(&job.id), record));
                leader.recorded.insert(job.id.clone(), milestone);
                continue;
            }
            let error = format!(
                "the job's checkpoint grew to {} bytes, over the cluster state store's limit of \
                 {MAX_RECORD_BYTES} bytes ({} stages, {} tasks): run it with a lower parallelism",
                record.len(),
                job.stages.len(),
                job.stages.iter().map(|s| s.tasks.len()).sum::<usize>(),
            );
            tracing::warn!(job_id = %job.id, %error, "job failed");
            job.finish(pb::JobState::Failed, error);
            end_job(executors, job, effects);
            // Its record cannot be stored to wait for the cleanup: it moves now.
            job.cleaning = false;
        }
        let status = job.status();
        metrics.job_finished(&status);
        if archive {
            effects.push(Effect::Archive {
                job: Box::new(ipb::ArchivedJob {
                    status: Some(status.clone()),
                    attempts: job.attempts(None, None, true),
                }),
            });
        }
        if !job.spec.notify.is_empty() {
            effects.push(Effect::Notify {
                status: status.clone(),
                targets: job.spec.notify.clone(),
            });
        }
        let written = leader.journal.apply(
            keys::job(&job.id),
            to_history(&status, &job.spec.notify, job.bookmark.as_ref()),
        );
        if job.bookmark.is_some() && job.state == pb::JobState::Succeeded {
            leader
                .bookmark_writes
                .entry(job.spec.name.clone())
                .or_default()
                .push(written.shared());
        }
        leader.recorded.insert(job.id.clone(), job.milestone());
        finished.push_back(job.id.clone());
    }
}

/// A run of an incremental job being planned, or its bookmark reset (see
/// [`Scheduler::reserve_bookmark`]).
struct BookmarkReservation<'a> {
    scheduler: &'a Scheduler,
    name: String,
}

impl Drop for BookmarkReservation<'_> {
    fn drop(&mut self) {
        self.scheduler.lock().planning_runs.remove(&self.name);
    }
}

/// The run of incremental job `name` that is queued, running or being planned, if any.
fn bookmark_in_use(state: &State, name: &str) -> Option<String> {
    if let Some(job_id) = state.planning_runs.get(name) {
        return Some(job_id.clone());
    }
    state
        .jobs
        .values()
        .find(|job| job.bookmark.is_some() && !job.is_finished() && job.spec.name == name)
        .map(|job| job.id.clone())
}

/// The write that moves an ended job from the running jobs to the history, recording the
/// webhooks it is yet to call (`notify`) and, for an incremental job that succeeded, the files
/// its run read (`bookmark`) in the same write.
fn to_history(
    status: &pb::JobStatus,
    notify: &[pb::Notification],
    bookmark: Option<&pb::BookmarkRun>,
) -> Batch {
    let mut puts = vec![(keys::history(&status.job_id), status.encode_to_vec())];
    if let Some(run) = bookmark
        && status.state == pb::JobState::Succeeded as i32
    {
        puts.push(bookmarks::record_run(&status.name, run, status.ended_at_ms));
    }
    if !notify.is_empty() {
        let pending = ipb::PendingNotifications {
            status: Some(status.clone()),
            targets: notify.to_vec(),
        };
        puts.push((keys::notifications(&status.job_id), pending.encode_to_vec()));
    }
    Batch {
        puts,
        deletes: vec![keys::job(&status.job_id)],
    }
}

/// Keeps the history window: finished jobs past `history_limit` or older than
/// `history_max_age` are forgotten (in memory and in the state store), and those past the
/// detailed window keep only their final status.
fn prune_history(state: &mut State, config: &CoordinatorConfig) {
    let Some(leader) = state.leader.as_mut() else {
        return;
    };
    let now = kiln_core::ids::now_ms();
    let max_age_ms = config.history_max_age.as_millis() as u64;
    while let Some(oldest) = state.finished.front() {
        let ended_at_ms = match state.jobs.get(oldest) {
            Some(job) => job.ended_at_ms,
            None => state.archived.get(oldest).map_or(0, |s| s.ended_at_ms),
        };
        let too_many = state.finished.len() > config.history_limit;
        if !too_many && now.saturating_sub(ended_at_ms) <= max_age_ms {
            break;
        }
        let id = state.finished.pop_front().expect("finished has a front");
        let request_id = match state.jobs.remove(&id) {
            Some(job) => job.request_id,
            None => state
                .archived
                .get(&id)
                .map(|s| s.request_id.clone())
                .unwrap_or_default(),
        };
        state.requests.remove(&request_id);
        state.archived.remove(&id);
        leader.recorded.remove(&id);
        if let Some(at) = state.order.iter().position(|o| *o == id) {
            state.order.remove(at);
        }
        drop(
            leader
                .journal
                .apply(keys::history(&id), Batch::delete(keys::history(&id))),
        );
    }
    let summarised = state.finished.len().saturating_sub(DETAILED_FINISHED_JOBS);
    // Each call moves at most the jobs that just left the window (they are the newest of the
    // summarised ones), so this stays cheap however long the history is.
    for id in state.finished.range(..summarised).rev() {
        let Some(job) = state.jobs.remove(id) else {
            break;
        };
        state.archived.insert(id.clone(), job.status());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(job_id: &str, plan_bytes: usize) -> ipb::TaskDefinition {
        ipb::TaskDefinition {
            task_id: Some(ipb::TaskId {
                job_id: job_id.into(),
                ..Default::default()
            }),
            plan: vec![7; plan_bytes],
        }
    }

    fn settings(job_id: &str, value_bytes: usize) -> (String, ipb::JobTaskSettings) {
        let session_config = [("k".to_string(), "v".repeat(value_bytes))].into();
        let settings = ipb::JobTaskSettings {
            job_id: job_id.into(),
            session_config,
            memory_limit_bytes: 0,
        };
        (job_id.to_string(), settings)
    }

    #[test]
    fn launch_requests_stay_under_the_message_limit() {
        let none = HashMap::new();
        let tasks = vec![
            task("a", 400),
            task("a", 400),
            task("a", 400),
            task("a", 2000),
            task("a", 10),
        ];
        let requests = launch_requests(tasks, &none, 1000);
        let sizes: Vec<usize> = requests.iter().map(|r| r.tasks.len()).collect();
        assert_eq!(sizes, [2, 1, 1, 1]);
        for request in requests.into_iter().filter(|r| r.tasks.len() > 1) {
            assert!(request.encoded_len() <= 1000, "{}", request.encoded_len());
        }
    }

    #[test]
    fn each_launch_request_carries_its_jobs_settings_once_and_counts_them() {
        let settings: HashMap<_, _> = [settings("a", 300), settings("b", 300)].into();
        let tasks = vec![
            task("a", 100),
            task("a", 100),
            task("b", 100),
            task("b", 100),
        ];
        let requests = launch_requests(tasks, &settings, 1000);
        let jobs: Vec<Vec<&str>> = requests
            .iter()
            .map(|r| r.jobs.iter().map(|s| s.job_id.as_str()).collect())
            .collect();
        // a's settings and two tasks fill most of the first request; b's do not fit beside.
        assert_eq!(jobs, [vec!["a"], vec!["b"]]);
        for request in &requests {
            assert_eq!(request.tasks.len(), 2);
            assert!(request.encoded_len() <= 1000, "{}", request.encoded_len());
        }
    }
}
