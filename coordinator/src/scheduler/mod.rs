//! The scheduler: which task runs where, and what happens when tasks end or executors leave.
//!
//! All state lives in one [`State`] behind a mutex. Every event (a job submitted, a task
//! status, an executor joining or vanishing, a tick of the clock) updates it under the lock and
//! collects the remote calls it implies as effects ([`effects::Effect`]), which run after the
//! lock is released. Free slots are filled round-robin across running jobs, one task per job
//! per turn, so concurrent jobs share the cluster fairly; a task prefers the executor that
//! holds its input.
//!
//! Only the elected leader schedules. It learns of executors by watching their leased keys
//! in the state store (a lost executor is one whose lease expired), writes each job's record
//! when the job is accepted and at every milestone (see [`crate::checkpoint`]), and on taking
//! over resumes the jobs its predecessor left running. A standby passes client calls on to
//! the leader ([`crate::api`]'s forwarding layer), else answers with the leader's address.
//!
//! The parts: [`leadership`] (taking over and stepping down), [`submission`] (accepting jobs),
//! [`queries`] (what clients read), [`executors`] (members joining and leaving),
//! [`task_status`] (attempts moving on), [`assignment`] (filling free slots), [`ending`]
//! (cancellation, timeouts and cleanup), [`milestones`] (job records and history) and
//! [`effects`] (the remote calls made after the lock is released).

mod assignment;
mod effects;
mod ending;
mod executors;
mod leadership;
mod milestones;
mod queries;
mod submission;
mod task_status;

use kiln_proto::internal::v1 as ipb;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use datafusion::execution::runtime_env::{RuntimeEnv, RuntimeEnvBuilder};
use futures::future::Shared;
use ipb::executor_service_client::ExecutorServiceClient;
use kiln_catalog::Catalog;
use kiln_core::auth::AuthChannel;
use kiln_core::state::{Fence, StateStore};
use kiln_jobs::object_stores::KilnObjectStores;
use kiln_proto::v1 as pb;
use tokio::sync::{oneshot, watch};

use crate::checkpoint::Milestone;
use crate::commit::Commits;
use crate::config::CoordinatorConfig;
use crate::error::{CoordinatorError, Result};
use crate::history::HistoryStore;
use crate::job::Job;
use crate::journal::Journal;
use crate::metrics::{CoordinatorMetrics, Gauges};

use assignment::assign_tasks;
use milestones::{prune_history, record_milestones};

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
    /// The tasks it can take now: none while it drains or rests after a failed launch.
    fn free_slots(&self) -> usize {
        if self.draining || self.resting_until.is_some_and(|t| Instant::now() < t) {
            0
        } else {
            (self.info.slots as usize).saturating_sub(self.running.len())
        }
    }
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

/// A submission with a request id, as far as it got.
enum Request {
    /// Being planned and stored; the sender's value turns to the job id once it is accepted,
    /// and it is dropped if the submission fails.
    Pending(watch::Receiver<Option<String>>),
    Accepted(String),
}

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
}
