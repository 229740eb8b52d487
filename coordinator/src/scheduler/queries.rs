//! What clients read of jobs: a job's status (from memory, its record or the history store),
//! its tasks, a feed of its changes, and pages of the job list.

use kiln_proto::internal::v1 as ipb;
use std::collections::HashSet;

use kiln_proto::v1 as pb;
use tokio::sync::watch;

use crate::error::{CoordinatorError, Result};
use crate::job::Job;

use super::Scheduler;

/// The start of a page token that goes on in the history store (the rest names its entry).
pub const HISTORY_PAGE: &str = "history:";

impl Scheduler {
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
}
