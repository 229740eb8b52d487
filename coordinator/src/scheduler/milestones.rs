//! Recording jobs in the state store at their milestones, and moving ended jobs into the history
//! (in etcd, and in the history store when the cluster has one).

use kiln_proto::internal::v1 as ipb;

use futures::FutureExt;
use kiln_core::state::{Batch, keys};
use kiln_proto::v1 as pb;
use prost::Message;

use crate::bookmarks;
use crate::checkpoint::Milestone;
use crate::config::CoordinatorConfig;
use crate::metrics::CoordinatorMetrics;

use super::State;
use super::effects::Effect;
use super::ending::end_job;
use super::submission::MAX_RECORD_BYTES;

/// How many finished jobs keep their tasks, attempts and logs in the leader's memory; older
/// ones keep only their final status.
const DETAILED_FINISHED_JOBS: usize = 100;

/// Queues a record write for every job that reached a milestone since its last write. A job
/// that ended moves to the history: its final status replaces its record, in one write. A job
/// whose checkpoint outgrew what the state store takes fails, saying so, instead of blocking
/// every other job's writes.
/// With `archive`, an ended job is also kept in the history store.
pub(super) fn record_milestones(
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

/// The write that moves an ended job from the running jobs to the history, recording the
/// webhooks it is yet to call (`notify`) and, for an incremental job that succeeded, the files
/// its run read (`bookmark`) in the same write.
pub(super) fn to_history(
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
pub(super) fn prune_history(state: &mut State, config: &CoordinatorConfig) {
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
