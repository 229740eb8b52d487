//! The coordinator's Prometheus metrics, served at `/metrics` on its HTTP endpoint.
//!
//! Counters and histograms are updated where the event happens (a job accepted or ended, a
//! task attempt reported, a commit, a state-store write); gauges (jobs by state, executors,
//! slots, running tasks, leadership) are read from the scheduler at each scrape. Names
//! follow Prometheus' conventions: a `kiln_` prefix, base units, `_total` on counters, and no
//! job or task ids as labels, so the number of series stays fixed.

use kiln_proto::internal::v1 as ipb;
use std::time::Duration;

use kiln_core::http::OutcomeLabel;
use kiln_proto::v1 as pb;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};

/// A label naming a job state (`succeeded`, `failed`, ...).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StateLabel {
    pub state: String,
}

/// How a task attempt ended, as counted in `kiln_task_attempts_total`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttemptOutcome {
    Succeeded,
    Failed,
    /// It could not read an input stage's output (which is then recomputed).
    FetchFailed,
    /// Its executor went away, or never ran it.
    Lost,
    Killed,
}

impl AttemptOutcome {
    fn label(self) -> OutcomeLabel {
        let outcome = match self {
            AttemptOutcome::Succeeded => "succeeded",
            AttemptOutcome::Failed => "failed",
            AttemptOutcome::FetchFailed => "fetch_failed",
            AttemptOutcome::Lost => "lost",
            AttemptOutcome::Killed => "killed",
        };
        OutcomeLabel {
            outcome: outcome.into(),
        }
    }
}

/// What the scheduler holds now, read at each scrape.
#[derive(Debug, Default, Clone, Copy)]
pub struct Gauges {
    pub leader: bool,
    pub queued_jobs: usize,
    pub running_jobs: usize,
    pub executors: usize,
    pub slots: usize,
    pub running_tasks: usize,
    /// Tasks that could start now but wait for a free slot: what an autoscaler adds
    /// executors for.
    pub queued_tasks: usize,
}

/// The coordinator's metrics and the registry that exposes them.
#[derive(Debug)]
pub struct CoordinatorMetrics {
    registry: Registry,
    jobs_submitted: Counter,
    jobs_finished: Family<StateLabel, Counter>,
    job_duration: Histogram,
    jobs: Family<StateLabel, Gauge>,
    task_attempts: Family<OutcomeLabel, Counter>,
    task_duration: Histogram,
    records_read: Counter,
    bad_records: Counter,
    sink_rows: Counter,
    commit_duration: Histogram,
    commits: Family<OutcomeLabel, Counter>,
    executors: Gauge,
    slots: Gauge,
    running_tasks: Gauge,
    queued_tasks: Gauge,
    leader: Gauge,
    leader_changes: Counter,
    state_writes: Histogram,
    state_write_errors: Counter,
    results_served: Counter,
}

/// Buckets from 1 ms to about 9 hours, each 4 times the last.
fn seconds_buckets() -> impl Iterator<Item = f64> {
    exponential_buckets(0.001, 4.0, 15)
}

impl Default for CoordinatorMetrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("kiln");
        let metrics = CoordinatorMetrics {
            jobs_submitted: Counter::default(),
            jobs_finished: Family::default(),
            job_duration: Histogram::new(seconds_buckets()),
            jobs: Family::default(),
            task_attempts: Family::default(),
            task_duration: Histogram::new(seconds_buckets()),
            records_read: Counter::default(),
            bad_records: Counter::default(),
            sink_rows: Counter::default(),
            commit_duration: Histogram::new(seconds_buckets()),
            commits: Family::default(),
            executors: Gauge::default(),
            slots: Gauge::default(),
            running_tasks: Gauge::default(),
            queued_tasks: Gauge::default(),
            leader: Gauge::default(),
            leader_changes: Counter::default(),
            state_writes: Histogram::new(seconds_buckets()),
            state_write_errors: Counter::default(),
            results_served: Counter::default(),
            registry: Registry::default(),
        };
        let m = &metrics;
        registry.register(
            "jobs_submitted",
            "Jobs accepted by this coordinator while it led",
            m.jobs_submitted.clone(),
        );
        registry.register(
            "jobs_finished",
            "Jobs that ended while this coordinator led, by final state",
            m.jobs_finished.clone(),
        );
        registry.register_with_unit(
            "job_duration",
            "Time from a job's submission to its end",
            Unit::Seconds,
            m.job_duration.clone(),
        );
        registry.register(
            "jobs",
            "Jobs not yet ended, by state (queued, running)",
            m.jobs.clone(),
        );
        registry.register(
            "task_attempts",
            "Task attempts that ended, by outcome",
            m.task_attempts.clone(),
        );
        registry.register_with_unit(
            "task_duration",
            "How long task attempts ran, as their executors report",
            Unit::Seconds,
            m.task_duration.clone(),
        );
        registry.register(
            "records_read",
            "Records that log, CSV and JSON sources read, in tasks that succeeded",
            m.records_read.clone(),
        );
        registry.register(
            "bad_records",
            "Records that log, CSV and JSON sources could not parse, in tasks that succeeded",
            m.bad_records.clone(),
        );
        registry.register(
            "sink_rows",
            "Rows that final-stage tasks wrote to their job's sink, before the commit",
            m.sink_rows.clone(),
        );
        registry.register_with_unit(
            "sink_commit_duration",
            "How long sink commits took, from the decision to the end",
            Unit::Seconds,
            m.commit_duration.clone(),
        );
        registry.register(
            "sink_commits",
            "Sink commits that ended, by outcome (committed, failed, stopped)",
            m.commits.clone(),
        );
        registry.register(
            "executors",
            "Executors in the cluster, as the leader sees them",
            m.executors.clone(),
        );
        registry.register(
            "slots",
            "Task slots of the cluster's executors",
            m.slots.clone(),
        );
        registry.register(
            "running_tasks",
            "Task attempts running on executors",
            m.running_tasks.clone(),
        );
        registry.register(
            "queued_tasks",
            "Tasks ready to run that wait for a free slot",
            m.queued_tasks.clone(),
        );
        registry.register(
            "leader",
            "1 while this coordinator leads the cluster, else 0",
            m.leader.clone(),
        );
        registry.register(
            "leader_changes",
            "Times this coordinator became the leader",
            m.leader_changes.clone(),
        );
        registry.register_with_unit(
            "state_store_write_duration",
            "How long the leader's writes of job records to the state store took",
            Unit::Seconds,
            m.state_writes.clone(),
        );
        registry.register(
            "state_store_write_errors",
            "Writes of job records the state store failed (they are retried)",
            m.state_write_errors.clone(),
        );
        registry.register_with_unit(
            "results_served",
            "Bytes of job results streamed through this coordinator to clients",
            Unit::Bytes,
            m.results_served.clone(),
        );
        CoordinatorMetrics {
            registry,
            ..metrics
        }
    }
}

impl CoordinatorMetrics {
    /// The registry to encode, once the gauges are set from `gauges`.
    pub fn registry(&self, gauges: Gauges) -> &Registry {
        let set = |gauge: &Gauge, value: usize| {
            gauge.set(value as i64);
        };
        set(&self.leader, usize::from(gauges.leader));
        set(&self.executors, gauges.executors);
        set(&self.slots, gauges.slots);
        set(&self.running_tasks, gauges.running_tasks);
        set(&self.queued_tasks, gauges.queued_tasks);
        for (state, value) in [
            ("queued", gauges.queued_jobs),
            ("running", gauges.running_jobs),
        ] {
            set(
                &self.jobs.get_or_create(&StateLabel {
                    state: state.into(),
                }),
                value,
            );
        }
        &self.registry
    }

    /// A job was accepted.
    pub fn job_submitted(&self) {
        self.jobs_submitted.inc();
    }

    /// A job ended, as its final status says.
    pub fn job_finished(&self, status: &pb::JobStatus) {
        let state = pb::JobState::try_from(status.state).unwrap_or(pb::JobState::Unspecified);
        let name = state.as_str_name().trim_start_matches("JOB_STATE_");
        self.jobs_finished
            .get_or_create(&StateLabel {
                state: name.to_ascii_lowercase(),
            })
            .inc();
        let ms = status.ended_at_ms.saturating_sub(status.submitted_at_ms);
        self.job_duration.observe(ms as f64 / 1000.0);
    }

    /// A task attempt ended after `elapsed_ms` (when it ran at all).
    pub fn attempt_ended(&self, outcome: AttemptOutcome, elapsed_ms: Option<u64>) {
        self.task_attempts.get_or_create(&outcome.label()).inc();
        if let Some(ms) = elapsed_ms {
            self.task_duration.observe(ms as f64 / 1000.0);
        }
    }

    /// `count` running attempts were lost at once (their executor went away).
    pub fn attempts_lost(&self, count: usize) {
        if count > 0 {
            self.task_attempts
                .get_or_create(&AttemptOutcome::Lost.label())
                .inc_by(count as u64);
        }
    }

    /// What a succeeded attempt read and wrote.
    pub fn task_output(&self, done: &ipb::TaskSucceeded) {
        self.records_read.inc_by(done.records_read);
        self.bad_records.inc_by(done.bad_records);
        self.sink_rows.inc_by(done.sink_rows);
    }

    /// A sink commit ended with `outcome` after `took`.
    pub fn commit_ended(&self, outcome: &str, took: Duration) {
        self.commits
            .get_or_create(&OutcomeLabel {
                outcome: outcome.into(),
            })
            .inc();
        self.commit_duration.observe(took.as_secs_f64());
    }

    /// This coordinator became the leader.
    pub fn became_leader(&self) {
        self.leader_changes.inc();
    }

    /// `bytes` of a job's result passed through to a client.
    pub fn result_bytes_served(&self, bytes: usize) {
        self.results_served.inc_by(bytes as u64);
    }

    /// A state-store write took `took`, and failed if `failed`.
    pub fn state_write(&self, took: Duration, failed: bool) {
        self.state_writes.observe(took.as_secs_f64());
        if failed {
            self.state_write_errors.inc();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(metrics: &CoordinatorMetrics, gauges: Gauges) -> String {
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, metrics.registry(gauges)).unwrap();
        text
    }

    #[test]
    fn names_follow_prometheus_conventions() {
        let metrics = CoordinatorMetrics::default();
        metrics.job_submitted();
        metrics.job_finished(&pb::JobStatus {
            state: pb::JobState::Succeeded as i32,
            submitted_at_ms: 1_000,
            ended_at_ms: 3_500,
            ..Default::default()
        });
        metrics.attempt_ended(AttemptOutcome::FetchFailed, Some(20));
        metrics.attempts_lost(2);
        let text = encoded(
            &metrics,
            Gauges {
                leader: true,
                executors: 3,
                queued_tasks: 5,
                ..Default::default()
            },
        );
        for line in [
            "kiln_jobs_submitted_total 1",
            "kiln_jobs_finished_total{state=\"succeeded\"} 1",
            "kiln_job_duration_seconds_sum 2.5",
            "kiln_task_attempts_total{outcome=\"fetch_failed\"} 1",
            "kiln_task_attempts_total{outcome=\"lost\"} 2",
            "kiln_executors 3",
            "kiln_queued_tasks 5",
            "kiln_leader 1",
            "kiln_jobs{state=\"queued\"} 0",
        ] {
            assert!(text.lines().any(|l| l == line), "no {line:?} in\n{text}");
        }
    }
}
