//! Committing a sink job: the one place its protocol runs, from the first winning partition to
//! the job's end.
//!
//! 1. As each final-stage task succeeds, its partition goes to the job's [`Publisher`]:
//!    database sinks publish partitions while the job still runs, uncommitted.
//! 2. Once every partition has a winner, the decision (the winning attempts) is stored in the
//!    job's record, fenced by the leader's election. A leader that cannot store it does not
//!    commit: the leader that can resumes the job from that record and commits the same
//!    winners.
//! 3. The publisher commits what it published if that is exactly the winners; otherwise the
//!    sink's own commit ([`kiln_jobs::sink::commit`], safe to run again) publishes them all.
//! 4. A job that ends without committing rolls its publisher back and removes its uncommitted
//!    output ([`kiln_jobs::sink::abort`]).
//!
//! A committing job that is cancelled or runs past its timeout asks its commit to stop: one
//! that has not yet decided to publish stops and the job ends as asked, with nothing
//! published; one that has decided runs to the end and the job succeeds. Either way the job
//! ends in the state its data is in. A leader that steps down stops its commits the same way
//! (its successor finishes them from the records).
//!
//! The scheduler decides under its lock (the job state machine says *that* a partition won or
//! the job commits); everything here runs after the lock is released.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};

use datafusion::execution::runtime_env::RuntimeEnv;
use kiln_jobs::sink::{Committed, Publisher, Winner};
use kiln_proto::v1 as pb;
use tokio::sync::watch;

/// How a failed commit (or removal of uncommitted output) is retried: 4 more times, waiting
/// 0.2 s doubling to at most 5 s.
const COMMIT_BACKOFF: ExponentialBuilder = ExponentialBuilder::new()
    .with_min_delay(Duration::from_millis(200))
    .with_max_delay(Duration::from_secs(5))
    .with_max_times(4);

/// The publishers of the sink jobs this leader runs, and the stop requests of their commits.
#[derive(Default)]
pub(crate) struct Commits {
    publishers: Mutex<HashMap<String, Publisher>>,
    stops: Mutex<HashMap<String, Stop>>,
}

/// A commit's stop request, and how the job ends if the commit stops.
struct Stop {
    requested: watch::Sender<bool>,
    end: Option<(pb::JobState, String)>,
}

impl Stop {
    fn new() -> Self {
        Self {
            requested: watch::channel(false).0,
            end: None,
        }
    }
}

/// How a commit ended.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum CommitOutcome {
    /// The winners are published; the job has succeeded.
    Committed,
    /// A stop was asked for before the commit decided: nothing is published, and the job
    /// ends in this state, for this reason.
    Stopped(pb::JobState, String),
    /// The commit failed; the job fails with this reason.
    Failed(String),
    /// The uncommitted output of these final-stage partitions lost rows before it was
    /// published (a database restart empties unlogged staging tables): nothing is published,
    /// and they run again.
    RowsLost(Vec<u32>),
    /// The decision could not be stored, or this coordinator stepped down: another
    /// coordinator leads and finishes the job.
    NotLeader,
}

impl Commits {
    /// Hands a partition's winning attempt to the job's publisher, starting one for the job's
    /// first winner (sinks that do not publish early have none). Returns at once: the
    /// publishing runs in the background, in the order partitions are handed over.
    pub(crate) fn publish(&self, job_id: &str, sink: &pb::SinkSpec, winner: Winner) {
        let mut publishers = self.publishers.lock().expect("publishers poisoned");
        if !publishers.contains_key(job_id)
            && let Some(publisher) = Publisher::start(sink, job_id)
        {
            publishers.insert(job_id.to_string(), publisher);
        }
        if let Some(publisher) = publishers.get(job_id) {
            publisher.publish(winner);
        }
    }

    fn take(&self, job_id: &str) -> Option<Publisher> {
        self.publishers
            .lock()
            .expect("publishers poisoned")
            .remove(job_id)
    }

    fn stops(&self) -> std::sync::MutexGuard<'_, HashMap<String, Stop>> {
        self.stops.lock().expect("commit stops poisoned")
    }

    /// Asks the commit of `job_id` (running, or about to run) to stop, ending the job in
    /// `state` for `reason` if it does; the first request's end is the one kept.
    pub(crate) fn stop(&self, job_id: &str, state: pb::JobState, reason: String) {
        let mut stops = self.stops();
        let stop = stops.entry(job_id.to_string()).or_insert_with(Stop::new);
        stop.end.get_or_insert((state, reason));
        stop.requested.send_replace(true);
    }

    /// Drops what is left of a finished commit's stop request (one asked for after the
    /// commit returned, before its job ended).
    pub(crate) fn forget(&self, job_id: &str) {
        self.stops().remove(job_id);
    }

    /// Commits `winners`, once `recorded` (the fenced write of the decision) says it is
    /// stored and under which leader term.
    pub(crate) async fn commit(
        &self,
        job_id: &str,
        sink: &pb::SinkSpec,
        winners: &[Winner],
        recorded: impl Future<Output = Option<i64>>,
        runtime: &RuntimeEnv,
    ) -> CommitOutcome {
        let stop = self
            .stops()
            .entry(job_id.to_string())
            .or_insert_with(Stop::new)
            .requested
            .subscribe();
        let outcome = self
            .run(job_id, sink, winners, recorded, stop, runtime)
            .await;
        let end = self.stops().remove(job_id).and_then(|stop| stop.end);
        match (outcome, end) {
            (Ok(Committed::Published), _) => CommitOutcome::Committed,
            (Ok(Committed::Stopped), Some((state, reason))) => {
                tracing::info!(%job_id, %reason, "the commit stopped before publishing anything");
                CommitOutcome::Stopped(state, reason)
            }
            // Stopped by stepping down, which asks for no end.
            (Ok(Committed::Stopped), None) => CommitOutcome::NotLeader,
            // A stop asked for ends the job, whose data is untouched, rather than rerun it.
            (Ok(Committed::RowsLost(_)), Some((state, reason))) => {
                CommitOutcome::Stopped(state, reason)
            }
            (Ok(Committed::RowsLost(partitions)), None) => CommitOutcome::RowsLost(partitions),
            (Err(outcome), _) => outcome,
        }
    }

    async fn run(
        &self,
        job_id: &str,
        sink: &pb::SinkSpec,
        winners: &[Winner],
        recorded: impl Future<Output = Option<i64>>,
        stop: watch::Receiver<bool>,
        runtime: &RuntimeEnv,
    ) -> Result<Committed, CommitOutcome> {
        let publisher = self.take(job_id);
        let Some(term) = recorded.await else {
            tracing::warn!(%job_id, "not committing: this coordinator no longer leads");
            if let Some(publisher) = publisher {
                publisher.abandon().await;
            }
            return Err(CommitOutcome::NotLeader);
        };
        if let Some(publisher) = publisher
            && let Some(committed) = publisher.commit(winners, stop.clone()).await
        {
            if committed == Committed::Published {
                tracing::info!(%job_id, partitions = winners.len(), "committed the partitions published while the job ran");
            }
            return Ok(committed);
        }
        // A sink's commit can run again with the same outcome: an error (the database or the
        // store briefly unreachable) is retried with backoff before it fails the job.
        let committing =
            || kiln_jobs::sink::commit(sink, job_id, winners, term, stop.clone(), runtime);
        committing
            .retry(COMMIT_BACKOFF)
            .sleep(tokio::time::sleep)
            .notify(|error, after| {
                tracing::warn!(%job_id, %error, "commit failed; retrying in {after:?}");
            })
            .await
            .map_err(|error| {
                CommitOutcome::Failed(format!(
                    "commit to {} failed: {}",
                    sink.path,
                    error.strip_backtrace()
                ))
            })
    }

    /// Removes the uncommitted output of a job that ended without committing.
    pub(crate) async fn abort(&self, job_id: &str, sink: &pb::SinkSpec, runtime: &RuntimeEnv) {
        // The publishing transaction ends before the staging tables it reads go.
        if let Some(publisher) = self.take(job_id) {
            publisher.abandon().await;
        }
        let aborting = || kiln_jobs::sink::abort(sink, job_id, runtime);
        let aborted = aborting
            .retry(COMMIT_BACKOFF)
            .sleep(tokio::time::sleep)
            .notify(|error, after| {
                tracing::warn!(%job_id, %error, "removing uncommitted output failed; retrying in {after:?}");
            })
            .await;
        if let Err(error) = aborted {
            tracing::error!(%job_id, %error, "could not remove uncommitted output; it is left");
        }
    }

    /// Rolls back every publisher and stops every commit that has not decided: this
    /// coordinator stopped leading, and its successor commits from the records.
    pub(crate) fn abandon_all(&self) {
        let publishers = std::mem::take(&mut *self.publishers.lock().expect("publishers poisoned"));
        // Dropping a publisher rolls its transaction back in the background.
        drop(publishers);
        for stop in self.stops().values() {
            stop.requested.send_replace(true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_stop_asked_for_before_the_commit_starts_ends_the_job_as_asked() {
        let dir = tempfile::tempdir().unwrap();
        let sink = pb::SinkSpec {
            format: "parquet".into(),
            path: dir.path().display().to_string(),
            mode: pb::SaveMode::Append as i32,
            ..Default::default()
        };
        // The job's attempt left its marker, as every finished attempt does.
        let attempt = dir.path().join("_temporary/j/part-0-attempt-0");
        std::fs::create_dir_all(&attempt).unwrap();
        std::fs::write(attempt.join("_ATTEMPT_DONE"), "rows\t0\n").unwrap();
        let commits = Commits::default();
        commits.stop("j", pb::JobState::Cancelled, "cancelled by request".into());
        commits.stop("j", pb::JobState::TimedOut, "too late".into());
        let winners = [Winner {
            partition: 0,
            attempt: 0,
            rows: 0,
        }];
        let runtime = RuntimeEnv::default();
        let outcome = commits
            .commit("j", &sink, &winners, async { Some(1) }, &runtime)
            .await;
        assert_eq!(
            outcome,
            CommitOutcome::Stopped(pb::JobState::Cancelled, "cancelled by request".into())
        );
        assert!(
            commits.stops().is_empty(),
            "the stop request outlived its commit"
        );

        // Without a stop the same commit publishes.
        let outcome = commits
            .commit("j", &sink, &winners, async { Some(1) }, &runtime)
            .await;
        assert_eq!(outcome, CommitOutcome::Committed);
        assert!(dir.path().join("_SUCCESS").exists());
    }
}
