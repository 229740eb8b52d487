//! The remote calls the scheduler decides under its lock ([`Effect`]), and the one place that
//! makes them once the lock is released: launches, data removals, commits, aborts, archiving
//! and notifications.

use kiln_proto::internal::v1 as ipb;
use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::sync::Arc;
use std::time::{Duration, Instant};

use backon::{ExponentialBuilder, Retryable};
use ipb::executor_service_client::ExecutorServiceClient;
use kiln_core::auth::AuthChannel;
use kiln_core::state::{Batch, keys};
use kiln_jobs::sink::Winner;
use kiln_proto::v1 as pb;
use prost::Message;
use tokio::sync::oneshot;

use crate::commit::CommitOutcome;
use crate::job::FailureOutcome;

use super::ending::{end_job, job_succeeded};
use super::{ExecutorEntry, Scheduler};

/// A remote call decided under the lock and made after it is released.
pub(super) enum Effect {
    Launch {
        executor_id: String,
        client: ExecutorServiceClient<AuthChannel>,
        request: ipb::LaunchTasksRequest,
    },
    /// Remove jobs' data from one executor; a scheduling pass merges its removals per
    /// executor, so ending many jobs at once costs each executor one call.
    RemoveData {
        executor_id: String,
        client: ExecutorServiceClient<AuthChannel>,
        jobs: Vec<ipb::JobDataRemoval>,
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

impl Effect {
    /// Removes `job_id`'s data (all of it, or all but `keep_stage`'s files) from `executor`.
    pub(super) fn remove_data(
        executor: &ExecutorEntry,
        job_id: &str,
        keep_stage: Option<u32>,
    ) -> Self {
        Effect::RemoveData {
            executor_id: executor.info.executor_id.clone(),
            client: executor.client.clone(),
            jobs: vec![ipb::JobDataRemoval {
                job_id: job_id.to_string(),
                keep_stage,
            }],
        }
    }
}

impl Scheduler {
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

    pub(super) fn run_effects(self: &Arc<Self>, effects: Vec<Effect>) {
        for effect in merge_removals(effects) {
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
            Effect::RemoveData { client, jobs, .. } => remove_job_data(client, jobs).await,
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
                let removals = remove_first.into_iter().map(|client| {
                    let removal = ipb::JobDataRemoval {
                        job_id: job_id.clone(),
                        keep_stage: None,
                    };
                    remove_job_data(client, vec![removal])
                });
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
                    .map(|executor| Effect::remove_data(executor, &job_id, None))
                    .collect()
            };
            this.run_effects(effects);
        });
    }
}

/// The effects with every executor's data removals merged into one call, after the other
/// effects, which keep their order.
fn merge_removals(effects: Vec<Effect>) -> Vec<Effect> {
    let mut removals: BTreeMap<String, (ExecutorServiceClient<AuthChannel>, Vec<_>)> =
        BTreeMap::new();
    let mut merged = Vec::with_capacity(effects.len());
    for effect in effects {
        match effect {
            Effect::RemoveData {
                executor_id,
                client,
                jobs,
            } => match removals.entry(executor_id) {
                Entry::Vacant(vacant) => {
                    vacant.insert((client, jobs));
                }
                Entry::Occupied(mut occupied) => occupied.get_mut().1.extend(jobs),
            },
            effect => merged.push(effect),
        }
    }
    merged.extend(
        removals
            .into_iter()
            .map(|(executor_id, (client, jobs))| Effect::RemoveData {
                executor_id,
                client,
                jobs,
            }),
    );
    merged
}

/// How long a sink job's abort waits for executors to kill its attempts (an executor waits up
/// to 10 s for them to stop) before it removes the job's uncommitted output.
const REMOVE_BEFORE_ABORT_WAIT: Duration = Duration::from_secs(15);

/// Asks an executor to remove jobs' data (all of a job's, or all but a stage's): it kills
/// the attempts of jobs removed entirely first, and answers once they stopped.
async fn remove_job_data(
    mut client: ExecutorServiceClient<AuthChannel>,
    jobs: Vec<ipb::JobDataRemoval>,
) {
    let request = ipb::RemoveJobDataRequest { jobs };
    let _ = client.remove_job_data(request).await;
}

/// How a failed write to the history store is retried: 4 more times, 0.5 s doubling to 8 s.
const HISTORY_BACKOFF: ExponentialBuilder = ExponentialBuilder::new()
    .with_min_delay(Duration::from_millis(500))
    .with_max_delay(Duration::from_secs(8))
    .with_max_times(4);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::CoordinatorConfig;
    use crate::scheduler::State;
    use crate::scheduler::executors::add_executor;

    fn executor(id: &str) -> ipb::ExecutorInfo {
        ipb::ExecutorInfo {
            executor_id: id.into(),
            host: "127.0.0.1".into(),
            grpc_port: 1,
            flight_port: 2,
            slots: 2,
            ..Default::default()
        }
    }

    #[tokio::test]
    async fn removals_merge_into_one_call_per_executor() {
        let mut state = State::default();
        for id in ["exec-a", "exec-b"] {
            add_executor(&mut state, executor(id), &CoordinatorConfig::default());
        }
        let mut effects = vec![Effect::ExpireResults {
            job_id: "job-0".into(),
        }];
        for (job, keep_stage) in [("job-1", None), ("job-2", Some(3)), ("job-3", None)] {
            for entry in state.executors.values() {
                effects.push(Effect::remove_data(entry, job, keep_stage));
            }
        }
        let merged = merge_removals(effects);
        assert_eq!(merged.len(), 3, "one expiry and one removal per executor");
        assert!(matches!(&merged[0], Effect::ExpireResults { job_id } if job_id == "job-0"));
        for (effect, id) in merged[1..].iter().zip(["exec-a", "exec-b"]) {
            let Effect::RemoveData {
                executor_id, jobs, ..
            } = effect
            else {
                panic!("expected a removal");
            };
            assert_eq!(executor_id, id);
            let jobs: Vec<_> = jobs
                .iter()
                .map(|j| (j.job_id.as_str(), j.keep_stage))
                .collect();
            assert_eq!(jobs, [("job-1", None), ("job-2", Some(3)), ("job-3", None)]);
        }
    }
}
