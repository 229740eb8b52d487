//! A job's stages and tasks as the leader tracks them in memory.
//!
//! # Stage lifecycle
//!
//! ```text
//!            inputs complete              every task has an output
//!  PENDING ------------------> RUNNING --------------------------> SUCCEEDED
//!     ^                          |  ^                                  |
//!     | an input lost outputs    |  | outputs lost (executor gone,     |
//!     +--------------------------+  | fetch failed) while a consumer   |
//!                                   | still needs them                 |
//!                                   +----------------------------------+
//! ```
//!
//! - A stage is *runnable* when every input stage has an output for every partition.
//! - A stage is *needed* while it is the final stage and incomplete, or some consumer is
//!   incomplete; only needed stages get tasks, so outputs nobody reads are not recomputed.
//! - A task attempt that fails with an execution error counts against the job's attempt limit;
//!   one that failed because an input could not be fetched, or whose executor died, does not:
//!   the lost map outputs are recomputed and the task runs again.
//! - The job fails when a task exhausts its attempts; it succeeds when the final stage does.
//!   A job with a sink first *commits*: once every final task has a winning attempt, the
//!   coordinator publishes those attempts' output (no task runs meanwhile), and the job
//!   succeeds when the commit does.

use kiln_proto::internal::v1 as ipb;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use backon::{BackoffBuilder, ExponentialBuilder};
use datafusion::common::tree_node::{Transformed, TreeNode, TreeNodeRecursion};
use datafusion::error::Result as DfResult;
use datafusion::physical_plan::ExecutionPlan;
use kiln_core::codec::encode_schema;
use kiln_core::shuffle::{MapOutputLocation, OutputStats, ReadMode, ShuffleReaderExec};
use kiln_jobs::sink::Winner;
use kiln_proto::v1 as pb;
use prost::Message;
use tokio::sync::watch;

use crate::stages::StagePlan;

/// Where one map task's winning attempt left its output.
#[derive(Debug, Clone)]
pub struct MapOutput {
    pub executor_id: String,
    pub flight_endpoint: String,
    pub attempt: u32,
    pub stats: Vec<OutputStats>,
    /// Records the attempt's log scans read, and how many were bad.
    pub records_read: u64,
    pub bad_records: u64,
    /// Rows it wrote to its job's sink (final-stage attempts of sink jobs).
    pub sink_rows: u64,
}

impl MapOutput {
    /// The rows of all its partitions. Counts add up saturating: a successor may resume from
    /// a record it cannot trust to be sane.
    pub fn rows(&self) -> u64 {
        self.stats
            .iter()
            .fold(0, |sum, s| sum.saturating_add(s.rows))
    }

    /// The bytes of all its partitions.
    pub fn bytes(&self) -> u64 {
        self.stats
            .iter()
            .fold(0, |sum, s| sum.saturating_add(s.bytes))
    }
}

/// The state of one task (one partition of one stage).
#[derive(Debug, Clone)]
pub enum TaskState {
    Pending,
    Running { executor_id: String, attempt: u32 },
    Done(MapOutput),
}

/// One task and its history.
#[derive(Debug, Clone)]
pub struct Task {
    /// Changed only through [`Stage::set_state`], which keeps the stage's counts.
    state: TaskState,
    /// Attempts that failed with an execution error (these count against the limit).
    pub failed_attempts: u32,
    /// The number the next attempt gets; attempts are numbered so retries never collide.
    pub next_attempt: u32,
    /// The executor the last failed attempt ran on; a retry prefers another.
    pub avoid_executor: Option<String>,
    /// The error of the last failed attempt.
    pub last_error: Option<String>,
    /// Attempts that could not fetch their input (these count against their own limit).
    pub fetch_failures: u32,
    /// The task does not start again before this (a backoff after a fetch failure).
    pub not_before: Option<Instant>,
    /// Every attempt this leader started, oldest first, with how it ended and its log.
    pub attempts: Vec<pb::TaskAttemptStatus>,
}

impl Task {
    /// Where the task stands.
    pub fn state(&self) -> &TaskState {
        &self.state
    }

    fn new(first_attempt: u32) -> Self {
        Self {
            state: TaskState::Pending,
            failed_attempts: 0,
            next_attempt: first_attempt,
            avoid_executor: None,
            last_error: None,
            fetch_failures: 0,
            not_before: None,
            attempts: vec![],
        }
    }
}

/// One stage of a job.
#[derive(Debug)]
pub struct Stage {
    pub plan: StagePlan,
    /// Stages that read this one.
    pub consumers: Vec<u32>,
    pub tasks: Vec<Task>,
    /// Failed attempts so far (retried or not).
    pub failures: u32,
    /// How many tasks are in each state, kept by [`Stage::set_state`] so that the checks the
    /// scheduler makes on every pass over every job cost O(stages), not O(tasks).
    counts: TaskCounts,
}

/// How many of a stage's tasks are pending, running and done.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct TaskCounts {
    pending: usize,
    running: usize,
    done: usize,
}

impl TaskCounts {
    /// The count of tasks in `state`.
    fn of(&mut self, state: &TaskState) -> &mut usize {
        match state {
            TaskState::Pending => &mut self.pending,
            TaskState::Running { .. } => &mut self.running,
            TaskState::Done(_) => &mut self.done,
        }
    }
}

impl Stage {
    fn new(plan: StagePlan, consumers: Vec<u32>, first_attempt: u32) -> Self {
        let partitions = plan.partitions();
        Self {
            tasks: vec![Task::new(first_attempt); partitions],
            plan,
            consumers,
            failures: 0,
            counts: TaskCounts {
                pending: partitions,
                ..TaskCounts::default()
            },
        }
    }

    /// Whether every task has an output.
    pub fn is_complete(&self) -> bool {
        self.counts.done == self.tasks.len()
    }

    /// Moves task `partition` to `state`; the one way a task's state changes.
    pub fn set_state(&mut self, partition: usize, state: TaskState) {
        let task = &mut self.tasks[partition];
        *self.counts.of(&task.state) -= 1;
        *self.counts.of(&state) += 1;
        task.state = state;
    }
}

/// What a task's success means for its job.
pub enum SuccessOutcome {
    /// Other tasks are still to run.
    Continue,
    /// The final stage is complete and the job has succeeded.
    Succeeded,
    /// The final stage is complete; the job's sink must commit these winning attempts.
    Commit(Vec<Winner>),
    /// The final stage is complete but the job failed (its bad records exceed its budget).
    Failed(String),
}

/// What happened to a job as a result of a task's failure.
pub enum FailureOutcome {
    /// The task will run again.
    Retry,
    /// The task exhausted its attempts; the job has failed with this message.
    JobFailed(String),
}

/// A job as the leader tracks it.
pub struct Job {
    pub id: String,
    pub spec: pb::JobSpec,
    pub state: pb::JobState,
    pub error: String,
    pub submitted_at_ms: u64,
    pub started_at_ms: u64,
    pub ended_at_ms: u64,
    pub stages: Vec<Stage>,
    /// Where the final stage's tasks wrote uncommitted output, if the job has a sink to commit.
    pub sink: Option<pb::SinkSpec>,
    /// True while the sink commits; no task runs then.
    pub committing: bool,
    /// How the job ends if its commit stops: set when it is cancelled or times out while
    /// committing (and recorded before the commit is asked to stop).
    pub stop_requested: Option<(pb::JobState, String)>,
    /// True from the end of a sink job that did not commit until its uncommitted output is
    /// removed: until then its record stays among the running jobs, so a successor finishes
    /// the removal.
    pub cleaning: bool,
    /// The most final-stage tasks that may run at once (see `kiln_jobs::sink::concurrent_loads`).
    pub max_sink_tasks: Option<u32>,
    /// The winning attempts being committed, while `committing`.
    pub winners: Vec<Winner>,
    /// Attempts of this job's tasks are numbered from here (see `JobRecord.attempt_base`).
    pub attempt_base: u32,
    /// DataFusion settings tasks run with.
    pub session_config: HashMap<String, String>,
    pub max_attempts: u32,
    pub deadline: Option<Instant>,
    /// Bumped on every change, so watchers wake up.
    pub changes: watch::Sender<u64>,
    /// The client's id for the submission (see `SubmitRequest.request_id`), or empty.
    pub request_id: String,
    /// What its catalog tables gave it to read, as planned.
    pub catalog_scan: Option<pb::CatalogScan>,
    /// The physical plan as planned at submit, encoded, for a successor to resume exactly it
    /// (see `JobRecord.plan`); empty when over [`crate::checkpoint::MAX_PLAN_BYTES`].
    pub plan: Vec<u8>,
    /// An incremental job's run: the files it reads, which its bookmark gains when it
    /// succeeds (see `JobRecord.bookmark`).
    pub bookmark: Option<pb::BookmarkRun>,
}

impl Job {
    pub fn new(
        id: String,
        spec: pb::JobSpec,
        stages: Vec<StagePlan>,
        sink: Option<pb::SinkSpec>,
        session_config: HashMap<String, String>,
        max_attempts: u32,
        attempt_base: u32,
    ) -> Self {
        let mut consumers: Vec<Vec<u32>> = vec![vec![]; stages.len()];
        for stage in &stages {
            for &input in &stage.inputs {
                consumers[input as usize].push(stage.id);
            }
        }
        let stages = stages
            .into_iter()
            .zip(consumers)
            .map(|(plan, consumers)| Stage::new(plan, consumers, attempt_base))
            .collect();
        let timeout_ms = spec.options.as_ref().map(|o| o.timeout_ms).unwrap_or(0);
        Self {
            id,
            spec,
            state: pb::JobState::Queued,
            error: String::new(),
            submitted_at_ms: kiln_core::ids::now_ms(),
            started_at_ms: 0,
            ended_at_ms: 0,
            stages,
            max_sink_tasks: sink.as_ref().and_then(kiln_jobs::sink::concurrent_loads),
            sink,
            committing: false,
            cleaning: false,
            stop_requested: None,
            winners: vec![],
            attempt_base,
            session_config,
            max_attempts,
            deadline: (timeout_ms > 0)
                .then(|| Instant::now() + std::time::Duration::from_millis(timeout_ms)),
            changes: watch::channel(0).0,
            request_id: String::new(),
            catalog_scan: None,
            plan: vec![],
            bookmark: None,
        }
    }

    /// What every task of the job runs with, as launch requests carry it.
    pub fn task_settings(&self) -> ipb::JobTaskSettings {
        ipb::JobTaskSettings {
            job_id: self.id.clone(),
            session_config: self.session_config.clone(),
            memory_limit_bytes: self
                .spec
                .options
                .as_ref()
                .map_or(0, |o| o.memory_per_task_bytes),
        }
    }

    pub fn is_finished(&self) -> bool {
        !matches!(self.state, pb::JobState::Queued | pb::JobState::Running)
    }

    pub fn final_stage(&self) -> u32 {
        (self.stages.len() - 1) as u32
    }

    /// Wakes the job's watchers.
    pub fn touch(&self) {
        self.changes.send_modify(|v| *v += 1);
    }

    /// Whether some stage still needs stage `id`'s output.
    fn is_needed(&self, id: u32) -> bool {
        let stage = &self.stages[id as usize];
        if id == self.final_stage() {
            return !stage.is_complete();
        }
        stage
            .consumers
            .iter()
            .any(|&c| !self.stages[c as usize].is_complete())
    }

    fn is_runnable(&self, id: u32) -> bool {
        self.stages[id as usize]
            .plan
            .inputs
            .iter()
            .all(|&input| self.stages[input as usize].is_complete())
    }

    /// The tasks that can start now: pending tasks of needed, runnable stages.
    pub fn launchable(&self) -> Vec<(u32, u32)> {
        if self.is_finished() || self.committing {
            return vec![];
        }
        let mut tasks = vec![];
        for stage in &self.stages {
            let id = stage.plan.id;
            if stage.counts.pending == 0 || !self.is_needed(id) || !self.is_runnable(id) {
                continue;
            }
            // Loads into a table hold a connection each: at most max_sink_tasks run at once.
            let mut budget = match self.max_sink_tasks {
                Some(cap) if id == self.final_stage() && self.sink.is_some() => {
                    (cap as usize).saturating_sub(stage.counts.running)
                }
                _ => usize::MAX,
            };
            let now = Instant::now();
            for (partition, task) in stage.tasks.iter().enumerate() {
                let backing_off = task.not_before.is_some_and(|t| now < t);
                if budget > 0 && matches!(task.state, TaskState::Pending) && !backing_off {
                    tasks.push((id, partition as u32));
                    budget -= 1;
                }
            }
        }
        tasks
    }

    /// The executor holding most of a task's same-numbered inputs (a locality preference).
    pub fn preferred_executor(&self, stage: u32, partition: u32) -> Option<&str> {
        self.stages[stage as usize]
            .plan
            .inputs
            .iter()
            .find_map(|&input| {
                match &self.stages[input as usize]
                    .tasks
                    .get(partition as usize)?
                    .state
                {
                    TaskState::Done(output) => Some(output.executor_id.as_str()),
                    _ => None,
                }
            })
    }

    /// What task `partition` of `stage` reads: for each shuffle reader of the stage's plan,
    /// in plan order, the current outputs of its input that hold rows for this task (map
    /// outputs without rows for it have no file, and are not fetched). Tasks of a stage that
    /// read the same outputs run the same plan: the scheduler resolves and encodes it once.
    pub fn task_inputs(&self, stage: u32, partition: u32) -> DfResult<Vec<Vec<MapOutputLocation>>> {
        let plan: Arc<dyn ExecutionPlan> = self.stages[stage as usize].plan.plan.clone();
        let mut inputs = vec![];
        plan.apply(|node| {
            if let Some(reader) = node.downcast_ref::<ShuffleReaderExec>() {
                inputs.push(self.outputs_for(reader, partition));
            }
            Ok(TreeNodeRecursion::Continue)
        })?;
        Ok(inputs)
    }

    /// The outputs `reader` fetches in task `partition`.
    fn outputs_for(&self, reader: &ShuffleReaderExec, partition: u32) -> Vec<MapOutputLocation> {
        let output = match reader.mode() {
            ReadMode::Hash => partition as usize,
            ReadMode::OneToOne | ReadMode::Merge => 0,
        };
        self.stages[reader.stage_id() as usize]
            .tasks
            .iter()
            .enumerate()
            .filter_map(|(map, task)| match &task.state {
                TaskState::Done(done) if done.stats.get(output).is_some_and(|s| s.rows > 0) => {
                    Some(MapOutputLocation {
                        map_partition: map as u32,
                        attempt: done.attempt,
                        executor_id: done.executor_id.clone(),
                        flight_endpoint: done.flight_endpoint.clone(),
                    })
                }
                _ => None,
            })
            .collect()
    }

    /// The plan of a task of `stage` that reads `inputs` (see [`Job::task_inputs`]): the
    /// stage's plan with its shuffle readers, in plan order, pointed at them.
    pub fn resolved_plan(
        &self,
        stage: u32,
        inputs: Vec<Vec<MapOutputLocation>>,
    ) -> DfResult<Arc<dyn ExecutionPlan>> {
        let plan: Arc<dyn ExecutionPlan> = self.stages[stage as usize].plan.plan.clone();
        let mut inputs = inputs.into_iter();
        plan.transform_down(|node| {
            let Some(reader) = node.downcast_ref::<ShuffleReaderExec>() else {
                return Ok(Transformed::no(node));
            };
            let locations = inputs.next().unwrap_or_default();
            Ok(Transformed::yes(Arc::new(reader.with_locations(locations))))
        })
        .map(|t| t.data)
    }

    /// Marks a task as started on `executor_id`; returns the attempt number.
    pub fn start_task(&mut self, stage: u32, partition: u32, executor_id: &str) -> u32 {
        if self.state == pb::JobState::Queued {
            self.state = pb::JobState::Running;
            self.started_at_ms = kiln_core::ids::now_ms();
        }
        let s = &mut self.stages[stage as usize];
        let attempt = s.tasks[partition as usize].next_attempt;
        s.set_state(
            partition as usize,
            TaskState::Running {
                executor_id: executor_id.to_string(),
                attempt,
            },
        );
        let task = &mut s.tasks[partition as usize];
        task.next_attempt += 1;
        task.attempts.push(pb::TaskAttemptStatus {
            stage_id: stage,
            partition,
            attempt,
            executor_id: executor_id.to_string(),
            state: pb::TaskAttemptState::Running as i32,
            started_at_ms: kiln_core::ids::now_ms(),
            ..Default::default()
        });
        attempt
    }

    /// The record of `attempt` of a task while it runs; `None` once it has ended (the first
    /// word on how an attempt ended is the one kept).
    pub fn running_attempt(
        &mut self,
        stage: u32,
        partition: u32,
        attempt: u32,
    ) -> Option<&mut pb::TaskAttemptStatus> {
        let task = self
            .stages
            .get_mut(stage as usize)?
            .tasks
            .get_mut(partition as usize)?;
        task.attempts
            .iter_mut()
            .rev()
            .find(|a| a.attempt == attempt)
            .filter(|a| a.state == pb::TaskAttemptState::Running as i32)
    }

    /// The job's task attempts, by stage, partition and attempt; only those of `stage` and
    /// `partition` when given; logs left out unless `with_logs`.
    pub fn attempts(
        &self,
        stage: Option<u32>,
        partition: Option<u32>,
        with_logs: bool,
    ) -> Vec<pb::TaskAttemptStatus> {
        let stages = self
            .stages
            .iter()
            .filter(|s| stage.is_none_or(|id| s.plan.id == id));
        let tasks = stages.flat_map(|s| {
            s.tasks
                .iter()
                .enumerate()
                .filter(|(p, _)| partition.is_none_or(|want| *p as u32 == want))
        });
        tasks
            .flat_map(|(_, task)| &task.attempts)
            .map(|attempt| match with_logs {
                true => attempt.clone(),
                false => pb::TaskAttemptStatus {
                    log: vec![],
                    error: attempt.error.clone(),
                    executor_id: attempt.executor_id.clone(),
                    ..*attempt
                },
            })
            .collect()
    }

    /// Whether `attempt` of a task is the one currently running (reports of older attempts
    /// are ignored).
    pub fn is_current(&self, stage: u32, partition: u32, attempt: u32) -> bool {
        let Some(task) = self
            .stages
            .get(stage as usize)
            .and_then(|s| s.tasks.get(partition as usize))
        else {
            return false;
        };
        matches!(&task.state, TaskState::Running { attempt: a, .. } if *a == attempt)
    }

    /// Records a task's output.
    pub fn task_succeeded(
        &mut self,
        stage: u32,
        partition: u32,
        output: MapOutput,
    ) -> SuccessOutcome {
        self.stages[stage as usize].set_state(partition as usize, TaskState::Done(output));
        let final_stage = &self.stages[self.final_stage() as usize];
        if !final_stage.is_complete() {
            return SuccessOutcome::Continue;
        }
        if let Some(error) = self.over_error_budget() {
            self.finish(pb::JobState::Failed, error.clone());
            return SuccessOutcome::Failed(error);
        }
        let final_stage = &self.stages[self.final_stage() as usize];
        if self.sink.is_some() {
            self.committing = true;
            let winners: Vec<Winner> = final_stage
                .tasks
                .iter()
                .enumerate()
                .filter_map(|(partition, task)| match &task.state {
                    TaskState::Done(output) => Some(Winner {
                        partition: partition as u32,
                        attempt: output.attempt,
                        rows: output.sink_rows,
                    }),
                    _ => None,
                })
                .collect();
            self.winners = winners.clone();
            return SuccessOutcome::Commit(winners);
        }
        self.finish(pb::JobState::Succeeded, String::new());
        SuccessOutcome::Succeeded
    }

    /// Records read and bad across the job's completed tasks.
    fn record_counts(&self) -> (u64, u64) {
        let outputs = self
            .stages
            .iter()
            .flat_map(|s| &s.tasks)
            .filter_map(|t| match &t.state {
                TaskState::Done(output) => Some(output),
                _ => None,
            });
        outputs.fold((0u64, 0u64), |(read, bad), o| {
            (
                read.saturating_add(o.records_read),
                bad.saturating_add(o.bad_records),
            )
        })
    }

    /// Why the job fails its error budget (`max_bad_records`, `max_bad_fraction`), if it does.
    fn over_error_budget(&self) -> Option<String> {
        let options = self.spec.options.as_ref()?;
        let (read, bad) = self.record_counts();
        if let Some(max) = options.max_bad_records
            && bad > max
        {
            return Some(format!(
                "{bad} bad records (of {read} read) exceed the job's max_bad_records = {max}"
            ));
        }
        if let Some(max) = options.max_bad_fraction
            && read > 0
            && bad as f64 / read as f64 > max
        {
            return Some(format!(
                "{bad} bad records of {read} read ({:.4}) exceed the job's max_bad_fraction = {max}",
                bad as f64 / read as f64
            ));
        }
        None
    }

    /// Records an execution error of a task attempt; `retry` is false when every attempt would
    /// fail the same way (a bad record under a source's fail_fast policy), which fails the job
    /// at once.
    pub fn task_failed(
        &mut self,
        stage: u32,
        partition: u32,
        executor_id: &str,
        message: &str,
        retry: bool,
    ) -> FailureOutcome {
        let max_attempts = self.max_attempts;
        let stage_state = &mut self.stages[stage as usize];
        stage_state.failures += 1;
        stage_state.set_state(partition as usize, TaskState::Pending);
        let task = &mut stage_state.tasks[partition as usize];
        task.failed_attempts += 1;
        task.avoid_executor = Some(executor_id.to_string());
        task.last_error = Some(message.to_string());
        if !retry || task.failed_attempts >= max_attempts {
            let log = task.attempts.last().map_or(&[][..], |a| &a.log[..]);
            let error = match retry {
                true => format!(
                    "stage {stage} task {partition} failed {} time(s), last on executor {executor_id}: {message}{}",
                    task.failed_attempts,
                    log_tail(log)
                ),
                false => format!(
                    "stage {stage} task {partition} failed on executor {executor_id}, not retried \
                     since the data would fail again: {message}{}",
                    log_tail(log)
                ),
            };
            self.finish(pb::JobState::Failed, error.clone());
            return FailureOutcome::JobFailed(error);
        }
        FailureOutcome::Retry
    }

    /// A task could not fetch its input from `executor_id`: every output of this job on that
    /// executor is treated as lost, and the task runs again once they are recomputed, after a
    /// backoff that doubles with each fetch failure. A task whose input cannot be fetched
    /// [`MAX_FETCH_FAILURES`] times fails the job: the outputs keep being lost, and
    /// recomputing them again would not end.
    pub fn fetch_failed(
        &mut self,
        stage: u32,
        partition: u32,
        executor_id: &str,
        message: &str,
    ) -> FailureOutcome {
        let s = &mut self.stages[stage as usize];
        s.failures += 1;
        s.set_state(partition as usize, TaskState::Pending);
        let task = &mut s.tasks[partition as usize];
        task.fetch_failures += 1;
        task.not_before = Some(Instant::now() + fetch_backoff(task.fetch_failures));
        if task.fetch_failures >= MAX_FETCH_FAILURES {
            let error = format!(
                "stage {stage} task {partition} could not fetch its input {} times, last from \
                 executor {executor_id}: {message}",
                task.fetch_failures
            );
            self.finish(pb::JobState::Failed, error.clone());
            return FailureOutcome::JobFailed(error);
        }
        self.forget_outputs_on(executor_id);
        FailureOutcome::Retry
    }

    /// The uncommitted output of these final-stage partitions lost rows before the commit
    /// published it (a database restart empties unlogged staging tables): the commit is off,
    /// and they run again, each loss counting as a failed attempt of its task.
    pub fn sink_output_lost(&mut self, partitions: &[u32]) -> FailureOutcome {
        self.committing = false;
        self.winners.clear();
        let stage = self.final_stage();
        for &partition in partitions {
            let Some(task) = self.stages[stage as usize].tasks.get(partition as usize) else {
                continue;
            };
            let executor_id = match &task.state {
                TaskState::Done(output) => output.executor_id.clone(),
                _ => continue,
            };
            let message = "its uncommitted output lost rows before the commit (a database \
                           crash or restart empties unlogged staging tables, or the table was \
                           changed)";
            let outcome = self.task_failed(stage, partition, &executor_id, message, true);
            if matches!(outcome, FailureOutcome::JobFailed(_)) {
                return outcome;
            }
        }
        FailureOutcome::Retry
    }

    /// A task attempt was killed (its executor is shutting down): it runs again, uncounted.
    pub fn task_killed(&mut self, stage: u32, partition: u32) {
        self.stages[stage as usize].set_state(partition as usize, TaskState::Pending);
    }

    /// `attempt` of a task, running on `executor_id` as far as the leader knows, is not there
    /// (its launch never arrived, or it ended without a report): it runs again, uncounted.
    /// Returns true when that attempt was the task's current one.
    pub fn attempt_lost(&mut self, stage: u32, partition: u32, attempt: u32) -> bool {
        if !self.is_current(stage, partition, attempt) {
            return false;
        }
        let s = &mut self.stages[stage as usize];
        end_attempt(
            &mut s.tasks[partition as usize],
            attempt,
            pb::TaskAttemptState::Lost,
        );
        s.set_state(partition as usize, TaskState::Pending);
        true
    }

    /// When `attempt` of a task started, if this leader started it.
    pub fn attempt_started_at_ms(&self, stage: u32, partition: u32, attempt: u32) -> Option<u64> {
        let task = self
            .stages
            .get(stage as usize)?
            .tasks
            .get(partition as usize)?;
        let record = task.attempts.iter().rev().find(|a| a.attempt == attempt)?;
        Some(record.started_at_ms)
    }

    /// An executor is gone: its running tasks and its outputs must be redone.
    /// Returns true when anything changed.
    pub fn executor_lost(&mut self, executor_id: &str) -> bool {
        if self.committing {
            // Every task is done and its output is in the sink, not on the executor.
            return false;
        }
        let mut changed = self.forget_outputs_on(executor_id);
        for stage in &mut self.stages {
            for partition in 0..stage.tasks.len() {
                let task = &mut stage.tasks[partition];
                if let TaskState::Running {
                    executor_id: e,
                    attempt,
                } = &task.state
                    && e == executor_id
                {
                    let attempt = *attempt;
                    end_attempt(task, attempt, pb::TaskAttemptState::Lost);
                    stage.set_state(partition, TaskState::Pending);
                    changed = true;
                }
            }
        }
        changed
    }

    fn forget_outputs_on(&mut self, executor_id: &str) -> bool {
        let mut changed = false;
        for stage in &mut self.stages {
            for partition in 0..stage.tasks.len() {
                let task = &stage.tasks[partition];
                if matches!(&task.state, TaskState::Done(o) if o.executor_id == executor_id) {
                    stage.set_state(partition, TaskState::Pending);
                    changed = true;
                }
            }
        }
        changed
    }

    /// The executors holding outputs of this job.
    pub fn output_executors(&self) -> Vec<String> {
        let mut executors: Vec<String> = self
            .stages
            .iter()
            .flat_map(|s| &s.tasks)
            .filter_map(|t| match &t.state {
                TaskState::Done(output) => Some(output.executor_id.clone()),
                _ => None,
            })
            .collect();
        executors.sort();
        executors.dedup();
        executors
    }

    /// The running attempts of this job, by executor.
    pub fn running_attempts(&self) -> Vec<(String, ipb::TaskId)> {
        let mut running = vec![];
        for stage in &self.stages {
            for (partition, task) in stage.tasks.iter().enumerate() {
                if let TaskState::Running {
                    executor_id,
                    attempt,
                } = &task.state
                {
                    running.push((
                        executor_id.clone(),
                        ipb::TaskId {
                            job_id: self.id.clone(),
                            stage_id: stage.plan.id,
                            partition: partition as u32,
                            attempt: *attempt,
                        },
                    ));
                }
            }
        }
        running
    }

    /// Ends the job in `state` (a no-op when it has already ended).
    pub fn finish(&mut self, state: pb::JobState, error: String) {
        if self.is_finished() {
            return;
        }
        self.state = state;
        self.error = bounded(error);
        self.ended_at_ms = kiln_core::ids::now_ms();
        for task in self.stages.iter_mut().flat_map(|s| &mut s.tasks) {
            if let TaskState::Running { attempt, .. } = task.state {
                end_attempt(task, attempt, pb::TaskAttemptState::Killed);
            }
        }
    }

    /// A snapshot for clients.
    pub fn status(&self) -> pb::JobStatus {
        let stages = self
            .stages
            .iter()
            .map(|stage| {
                let mut status = pb::StageStatus {
                    stage_id: stage.plan.id,
                    tasks_total: stage.tasks.len() as u32,
                    task_failures: stage.failures,
                    inputs: stage.plan.inputs.clone(),
                    started_at_ms: stage
                        .tasks
                        .iter()
                        .filter_map(|t| t.attempts.first().map(|a| a.started_at_ms))
                        .min()
                        .unwrap_or(0),
                    ..Default::default()
                };
                let mut last_success = 0;
                for task in &stage.tasks {
                    match &task.state {
                        TaskState::Done(output) => {
                            let winner = task.attempts.iter().find(|a| a.attempt == output.attempt);
                            last_success = last_success.max(winner.map_or(0, |a| a.ended_at_ms));
                            status.tasks_succeeded += 1;
                            status.rows_out = status.rows_out.saturating_add(output.rows());
                            status.bytes_out = status.bytes_out.saturating_add(output.bytes());
                            status.records_read =
                                status.records_read.saturating_add(output.records_read);
                            status.bad_records =
                                status.bad_records.saturating_add(output.bad_records);
                        }
                        TaskState::Running { .. } => status.tasks_running += 1,
                        TaskState::Pending => {}
                    }
                }
                let state = if status.tasks_succeeded == status.tasks_total {
                    status.ended_at_ms = last_success;
                    pb::StageState::Succeeded
                } else if self.state == pb::JobState::Failed
                    && stage
                        .tasks
                        .iter()
                        .any(|t| t.failed_attempts >= self.max_attempts)
                {
                    pb::StageState::Failed
                } else if self.is_runnable(stage.plan.id) && !self.is_finished() {
                    pb::StageState::Running
                } else {
                    pb::StageState::Pending
                };
                status.state = state as i32;
                status
            })
            .collect();
        let (records_read, bad_records) = self.record_counts();
        pb::JobStatus {
            job_id: self.id.clone(),
            name: self.spec.name.clone(),
            state: self.state as i32,
            error: self.error.clone(),
            submitted_at_ms: self.submitted_at_ms,
            started_at_ms: self.started_at_ms,
            ended_at_ms: self.ended_at_ms,
            stages,
            result: (self.state == pb::JobState::Succeeded).then(|| self.result()),
            labels: self.spec.labels.clone(),
            records_read,
            bad_records,
            request_id: self.request_id.clone(),
            catalog_scan: self.catalog_scan,
        }
    }

    /// Where the final stage's output lives, partition by partition.
    fn result(&self) -> pb::JobResult {
        let stage = &self.stages[self.final_stage() as usize];
        let schema = stage.plan.plan.input().schema();
        let mut rows = 0u64;
        let partitions = stage
            .tasks
            .iter()
            .enumerate()
            .filter_map(|(partition, task)| match &task.state {
                // An empty partition has no file to fetch.
                TaskState::Done(output) if output.stats.iter().any(|s| s.rows > 0) => {
                    let partition_rows = output.rows();
                    rows = rows.saturating_add(partition_rows);
                    let ticket = ipb::ShuffleTicket {
                        job_id: self.id.clone(),
                        stage_id: stage.plan.id,
                        map_partition: partition as u32,
                        attempt: output.attempt,
                        output_partition: 0,
                    };
                    Some(pb::ResultPartition {
                        flight_endpoint: output.flight_endpoint.clone(),
                        ticket: ticket.encode_to_vec(),
                        rows: partition_rows,
                    })
                }
                _ => None,
            })
            .collect();
        pb::JobResult {
            schema: encode_schema(&schema),
            partitions,
            rows,
        }
    }
}

/// Marks a task's running `attempt` as ended in `state`, now.
fn end_attempt(task: &mut Task, attempt: u32, state: pb::TaskAttemptState) {
    if let Some(record) = task
        .attempts
        .iter_mut()
        .rev()
        .find(|a| a.attempt == attempt)
        && record.state == pb::TaskAttemptState::Running as i32
    {
        record.state = state as i32;
        record.ended_at_ms = kiln_core::ids::now_ms();
    }
}

/// Fetch failures of one task after which its job fails.
pub const MAX_FETCH_FAILURES: u32 = 8;

/// How long a task waits before running again after its `failures`-th fetch failure: 100 ms,
/// doubling, at most 5 s, so an executor that drops its connections is not hammered.
fn fetch_backoff(failures: u32) -> Duration {
    const MAX: Duration = Duration::from_secs(5);
    let mut delays = ExponentialBuilder::new()
        .with_min_delay(Duration::from_millis(100))
        .with_max_delay(MAX)
        .without_max_times()
        .build();
    delays
        .nth(failures.saturating_sub(1) as usize)
        .unwrap_or(MAX)
}

/// The longest error a job keeps: its final status is stored in the history, whose records
/// must stay small.
const MAX_ERROR_BYTES: usize = 16 * 1024;

/// `error`, cut to [`MAX_ERROR_BYTES`] at a character boundary, saying so.
fn bounded(mut error: String) -> String {
    if error.len() > MAX_ERROR_BYTES {
        let mut end = MAX_ERROR_BYTES;
        while !error.is_char_boundary(end) {
            end -= 1;
        }
        error.truncate(end);
        error.push_str(" ... (cut)");
    }
    error
}

/// How many of a failed attempt's last log lines its job's error quotes.
const LOG_TAIL_LINES: usize = 10;

/// The last lines of a failed attempt's log, as the end of its job's error (empty for none).
fn log_tail(log: &[String]) -> String {
    let tail = &log[log.len().saturating_sub(LOG_TAIL_LINES)..];
    if tail.is_empty() {
        return String::new();
    }
    let mut text = String::from("\nlast lines of the attempt's log:");
    for line in tail {
        text.push_str("\n  ");
        text.push_str(line);
    }
    text
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use arrow::datatypes::{DataType, Field, Schema};
    use datafusion::physical_plan::coalesce_partitions::CoalescePartitionsExec;
    use datafusion::physical_plan::empty::EmptyExec;

    use crate::stages::split_into_stages;

    /// A job of two stages: a scan of two tasks, gathered by a final stage of one.
    pub(crate) fn two_stage_job(max_attempts: u32) -> Job {
        let schema = Arc::new(Schema::new(vec![Field::new("a", DataType::Int64, true)]));
        let scan: Arc<dyn ExecutionPlan> = Arc::new(EmptyExec::new(schema).with_partitions(2));
        let plan = Arc::new(CoalescePartitionsExec::new(scan));
        let stages = split_into_stages("job-test", plan).unwrap();
        assert_eq!(stages.len(), 2);
        let spec = pb::JobSpec::default();
        Job::new(
            "job-test".into(),
            spec,
            stages,
            None,
            HashMap::new(),
            max_attempts,
            0,
        )
    }

    fn output(executor_id: &str, attempt: u32) -> MapOutput {
        MapOutput {
            executor_id: executor_id.into(),
            flight_endpoint: format!("http://{executor_id}"),
            attempt,
            stats: vec![OutputStats { rows: 1, bytes: 8 }],
            records_read: 0,
            bad_records: 0,
            sink_rows: 0,
        }
    }

    /// Starts every launchable task on `executor_id`; returns their (stage, partition, attempt).
    fn start_all(job: &mut Job, executor_id: &str) -> Vec<(u32, u32, u32)> {
        let launchable = job.launchable();
        launchable
            .into_iter()
            .map(|(stage, partition)| {
                let attempt = job.start_task(stage, partition, executor_id);
                (stage, partition, attempt)
            })
            .collect()
    }

    /// Fails the test when a stage's kept counts differ from its tasks' states.
    fn assert_counts_kept(job: &Job) {
        for stage in &job.stages {
            let mut recount = TaskCounts::default();
            for task in &stage.tasks {
                *recount.of(&task.state) += 1;
            }
            assert_eq!(stage.counts, recount, "counts of stage {}", stage.plan.id);
        }
    }

    #[test]
    fn stage_counts_follow_every_change_of_a_task() {
        let mut job = two_stage_job(5);
        assert_counts_kept(&job);
        let started = start_all(&mut job, "a");
        assert_eq!(job.stages[0].counts.running, 2);
        job.task_succeeded(0, 0, output("a", started[0].2));
        job.task_failed(0, 1, "a", "boom", true);
        assert_counts_kept(&job);
        let retry = job.start_task(0, 1, "b");
        assert!(
            !job.attempt_lost(0, 1, retry + 1),
            "not the current attempt"
        );
        assert!(job.attempt_lost(0, 1, retry));
        assert_counts_kept(&job);
        let retry = job.start_task(0, 1, "b");
        job.task_succeeded(0, 1, output("b", retry));
        assert!(job.stages[0].is_complete());
        job.start_task(1, 0, "b");
        assert!(matches!(
            job.fetch_failed(1, 0, "a", "refused"),
            FailureOutcome::Retry
        ));
        assert!(!job.stages[0].is_complete(), "the output on a is lost");
        assert_counts_kept(&job);
        job.start_task(0, 0, "b");
        assert!(job.executor_lost("b"), "b held an output and ran a task");
        assert_counts_kept(&job);
        assert_eq!(job.stages[0].counts.pending, 2);
    }

    #[test]
    fn stages_run_in_order_and_the_job_succeeds_with_its_final_stage() {
        let mut job = two_stage_job(3);
        assert_eq!(job.launchable(), [(0, 0), (0, 1)], "only the scan can run");
        let started = start_all(&mut job, "a");
        assert_eq!(job.state, pb::JobState::Running);
        assert!(
            job.launchable().is_empty(),
            "running tasks are not launched again"
        );
        let (_, _, first) = started[0];
        assert!(matches!(
            job.task_succeeded(0, 0, output("a", first)),
            SuccessOutcome::Continue
        ));
        assert!(
            job.launchable().is_empty(),
            "the final stage waits for all its inputs"
        );
        job.task_succeeded(0, 1, output("a", started[1].2));
        assert_eq!(job.launchable(), [(1, 0)]);
        assert_eq!(job.preferred_executor(1, 0), Some("a"));
        let attempt = job.start_task(1, 0, "a");
        assert!(matches!(
            job.task_succeeded(1, 0, output("a", attempt)),
            SuccessOutcome::Succeeded
        ));
        assert_eq!(job.state, pb::JobState::Succeeded);
        assert!(job.launchable().is_empty());
        let status = job.status();
        assert_eq!(status.stages[0].tasks_succeeded, 2);
        assert_eq!(status.result.map(|r| r.rows), Some(1));
    }

    #[test]
    fn a_partition_whose_uncommitted_output_lost_rows_runs_again_before_the_commit() {
        let mut job = two_stage_job(2);
        job.sink = Some(pb::SinkSpec::default());
        for (stage, partition, attempt) in start_all(&mut job, "a") {
            job.task_succeeded(stage, partition, output("a", attempt));
        }
        let attempt = job.start_task(1, 0, "a");
        let SuccessOutcome::Commit(winners) = job.task_succeeded(1, 0, output("a", attempt)) else {
            panic!("a complete sink job commits");
        };
        assert_eq!(winners[0].attempt, attempt);
        assert!(job.committing && job.launchable().is_empty());

        assert!(matches!(job.sink_output_lost(&[0]), FailureOutcome::Retry));
        assert!(!job.committing && job.winners.is_empty());
        assert_eq!(
            job.launchable(),
            [(1, 0)],
            "only the lost partition runs again"
        );
        let again = job.start_task(1, 0, "b");
        let SuccessOutcome::Commit(winners) = job.task_succeeded(1, 0, output("b", again)) else {
            panic!("the rerun commits again");
        };
        assert_eq!(winners[0].attempt, again);

        // Each loss counts as a failed attempt: the second fails the job, saying why.
        let FailureOutcome::JobFailed(error) = job.sink_output_lost(&[0]) else {
            panic!("losses are bounded by the job's attempts");
        };
        assert!(error.contains("lost rows before the commit"), "{error}");
        assert_eq!(job.state, pb::JobState::Failed);
        assert!(!job.committing);
    }

    #[test]
    fn a_failure_the_data_would_repeat_fails_the_job_at_its_first_attempt() {
        let mut job = two_stage_job(2);
        start_all(&mut job, "a");
        let FailureOutcome::JobFailed(error) =
            job.task_failed(0, 1, "a", "orders.csv, line 3: bad", false)
        else {
            panic!("a bad record under fail_fast is not retried");
        };
        assert!(
            error.contains("not retried") && error.contains("line 3"),
            "{error}"
        );
        assert_eq!(job.state, pb::JobState::Failed);
        assert!(job.launchable().is_empty());
    }

    #[test]
    fn a_task_failing_its_attempts_fails_the_job_and_retries_avoid_the_executor() {
        let mut job = two_stage_job(2);
        start_all(&mut job, "a");
        assert!(matches!(
            job.task_failed(0, 0, "a", "boom", true),
            FailureOutcome::Retry
        ));
        assert_eq!(job.launchable(), [(0, 0)], "the failed task runs again");
        assert_eq!(job.stages[0].tasks[0].avoid_executor.as_deref(), Some("a"));
        let retry = job.start_task(0, 0, "b");
        assert!(
            !job.is_current(0, 0, retry - 1),
            "the old attempt's reports are ignored"
        );
        let FailureOutcome::JobFailed(error) = job.task_failed(0, 0, "b", "boom again", true)
        else {
            panic!("the second failure reaches the limit of 2 attempts");
        };
        assert!(error.contains("stage 0 task 0 failed 2 time(s)"), "{error}");
        assert_eq!(job.state, pb::JobState::Failed);
        assert!(job.launchable().is_empty());
    }

    #[test]
    fn fetch_failures_recompute_lost_outputs_after_a_backoff_and_are_bounded() {
        let mut job = two_stage_job(3);
        for (stage, partition, attempt) in start_all(&mut job, "a") {
            job.task_succeeded(stage, partition, output("a", attempt));
        }
        job.start_task(1, 0, "b");
        assert!(matches!(
            job.fetch_failed(1, 0, "a", "connection refused"),
            FailureOutcome::Retry
        ));
        assert_eq!(
            job.launchable(),
            [(0, 0), (0, 1)],
            "the outputs on the executor that failed the fetch are recomputed"
        );
        assert!(
            job.stages[1].tasks[0]
                .not_before
                .is_some_and(|t| t > Instant::now())
        );
        assert_eq!(job.stages[0].failures, 0, "the scan did not fail");
        let millis = |failures| fetch_backoff(failures).as_millis();
        assert_eq!(
            [millis(1), millis(2), millis(3), millis(40)],
            [100, 200, 400, 5000]
        );

        for _ in 1..MAX_FETCH_FAILURES - 1 {
            job.stages[1].set_state(
                0,
                TaskState::Running {
                    executor_id: "b".into(),
                    attempt: 9,
                },
            );
            assert!(matches!(
                job.fetch_failed(1, 0, "a", "refused"),
                FailureOutcome::Retry
            ));
        }
        let FailureOutcome::JobFailed(error) = job.fetch_failed(1, 0, "a", "refused") else {
            panic!("fetch failures are bounded");
        };
        assert!(
            error.contains(&format!(
                "could not fetch its input {MAX_FETCH_FAILURES} times"
            )),
            "{error}"
        );
        assert_eq!(job.state, pb::JobState::Failed);
    }

    #[test]
    fn a_lost_executor_s_running_tasks_and_outputs_are_redone() {
        let mut job = two_stage_job(3);
        let started = start_all(&mut job, "a");
        job.task_succeeded(0, 0, output("a", started[0].2));
        assert!(job.executor_lost("a"));
        assert_eq!(job.launchable(), [(0, 0), (0, 1)]);
        let lost = &job.stages[0].tasks[1].attempts[0];
        assert_eq!(lost.state, pb::TaskAttemptState::Lost as i32);
        assert_eq!(
            job.stages[0].tasks[1].failed_attempts, 0,
            "a lost attempt is not counted"
        );
        assert!(!job.executor_lost("a"), "nothing left to redo");
    }

    #[test]
    fn long_errors_are_cut_to_a_bounded_size() {
        let cut = bounded("é".repeat(MAX_ERROR_BYTES));
        assert!(cut.len() <= MAX_ERROR_BYTES + 16);
        assert!(cut.ends_with(" ... (cut)"));
        assert_eq!(bounded("short".into()), "short");
    }

    #[test]
    fn a_stop_asked_for_during_a_commit_and_a_pending_cleanup_survive_in_the_record() {
        let mut job = two_stage_job(3);
        job.committing = true;
        job.winners = vec![Winner {
            partition: 0,
            attempt: 1,
            rows: 5,
        }];
        job.stop_requested = Some((pb::JobState::Cancelled, "cancelled by request".into()));
        let record = job.record();

        let mut successor = two_stage_job(3);
        successor.resume(&record).unwrap();
        assert!(successor.committing);
        assert_eq!(successor.winners, job.winners);
        assert_eq!(
            successor.stop_requested,
            Some((pb::JobState::Cancelled, "cancelled by request".into()))
        );

        // Ended, but with uncommitted output left to remove: not final until it is removed.
        job.committing = false;
        job.finish(pb::JobState::Cancelled, "cancelled by request".into());
        job.cleaning = true;
        assert!(!job.milestone().is_final());
        job.cleaning = false;
        assert!(job.milestone().is_final());
    }
}
