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
//! The scheduler decides under its lock (the job state machine says *that* a partition won or
//! the job commits); everything here runs after the lock is released.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};

use datafusion::execution::runtime_env::RuntimeEnv;
use kiln_jobs::sink::{Publisher, Winner};
use kiln_proto::v1 as pb;

/// How a failed commit is retried: 4 more times, waiting 0.2 s doubling to at most 5 s.
const COMMIT_BACKOFF: ExponentialBuilder = ExponentialBuilder::new()
    .with_min_delay(Duration::from_millis(200))
    .with_max_delay(Duration::from_secs(5))
    .with_max_times(4);

/// The publishers of the sink jobs this leader runs.
#[derive(Default)]
pub(crate) struct Commits {
    publishers: Mutex<HashMap<String, Publisher>>,
}

/// How a commit ended.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum CommitOutcome {
    /// The winners are published; the job has succeeded.
    Committed,
    /// The commit failed; the job fails with this reason.
    Failed(String),
    /// The decision could not be stored: another coordinator leads and finishes the job.
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

    /// Commits `winners`, once `recorded` (the fenced write of the decision) says it is
    /// stored.
    pub(crate) async fn commit(
        &self,
        job_id: &str,
        sink: &pb::SinkSpec,
        winners: &[Winner],
        recorded: impl Future<Output = bool>,
        runtime: &RuntimeEnv,
    ) -> CommitOutcome {
        let publisher = self.take(job_id);
        if !recorded.await {
            tracing::warn!(%job_id, "not committing: this coordinator no longer leads");
            if let Some(publisher) = publisher {
                publisher.abandon().await;
            }
            return CommitOutcome::NotLeader;
        }
        if let Some(publisher) = publisher
            && publisher.commit(winners).await
        {
            tracing::info!(%job_id, partitions = winners.len(), "committed the partitions published while the job ran");
            return CommitOutcome::Committed;
        }
        // A sink's commit can run again with the same outcome: an error (the database or the
        // store briefly unreachable) is retried with backoff before it fails the job.
        let committing = || kiln_jobs::sink::commit(sink, job_id, winners, runtime);
        let committed = committing
            .retry(COMMIT_BACKOFF)
            .sleep(tokio::time::sleep)
            .notify(|error, after| {
                tracing::warn!(%job_id, %error, "commit failed; retrying in {after:?}");
            })
            .await;
        match committed {
            Ok(()) => CommitOutcome::Committed,
            Err(error) => CommitOutcome::Failed(format!(
                "commit to {} failed: {}",
                sink.path,
                error.strip_backtrace()
            )),
        }
    }

    /// Removes the uncommitted output of a job that ended without committing.
    pub(crate) async fn abort(&self, job_id: &str, sink: &pb::SinkSpec, runtime: &RuntimeEnv) {
        // The publishing transaction ends before the staging tables it reads go.
        if let Some(publisher) = self.take(job_id) {
            publisher.abandon().await;
        }
        if let Err(error) = kiln_jobs::sink::abort(sink, job_id, runtime).await {
            tracing::warn!(%job_id, %error, "could not remove uncommitted output");
        }
    }

    /// Rolls back every publisher: this coordinator stopped leading, and its successor
    /// commits from the records.
    pub(crate) fn abandon_all(&self) {
        let publishers = std::mem::take(&mut *self.publishers.lock().expect("publishers poisoned"));
        // Dropping a publisher rolls its transaction back in the background.
        drop(publishers);
    }
}
