//! Ending jobs before they finish on their own (cancellation, timeouts) and the cleanup every
//! end implies: killing running attempts and removing the job's data from the executors.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use kiln_core::state::keys;
use kiln_proto::v1 as pb;
use prost::Message;

use crate::error::{CoordinatorError, Result};
use crate::job::Job;

use super::effects::Effect;
use super::{ExecutorEntry, Scheduler, State};

impl Scheduler {
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
}

/// Removes a succeeded job's intermediate files now and its result files later.
pub(super) fn job_succeeded(
    executors: &BTreeMap<String, ExecutorEntry>,
    job: &Job,
    effects: &mut Vec<Effect>,
) {
    let final_stage = job.final_stage();
    for executor in executors.values() {
        effects.push(Effect::remove_data(executor, &job.id, Some(final_stage)));
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

/// Kills a finished job's running attempts and removes its files everywhere; a sink job's
/// uncommitted output is removed once its attempts stopped.
pub(super) fn end_job(
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
    match &job.sink {
        Some(sink) => {
            job.cleaning = true;
            effects.push(Effect::AbortSink {
                job_id: job.id.clone(),
                sink: sink.clone(),
                remove_first: executors.values().map(|e| e.client.clone()).collect(),
            });
        }
        None => effects.extend(
            executors
                .values()
                .map(|executor| Effect::remove_data(executor, &job.id, None)),
        ),
    }
    job.touch();
}
