//! Task statuses from executors: each one moves an attempt, its task and its job on.

use kiln_proto::internal::v1 as ipb;
use std::sync::Arc;

use kiln_jobs::sink::Winner;
use kiln_proto::v1 as pb;

use crate::job::{FailureOutcome, MapOutput, SuccessOutcome};
use crate::metrics::{AttemptOutcome, CoordinatorMetrics};

use super::effects::Effect;
use super::ending::{end_job, job_succeeded};
use super::{Scheduler, State};

impl Scheduler {
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
