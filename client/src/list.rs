//! Which jobs [`Client::list`](crate::Client::list) returns, and a page of them.

use crate::proto;

/// Which jobs to list: all of them unless narrowed by state and labels, in pages of
/// [`limit`](Self::limit) jobs.
///
/// ```
/// use kiln_client::{JobQuery, proto};
///
/// let failed_nightly = JobQuery::all()
///     .state(proto::JobState::Failed)
///     .label("schedule", "nightly")
///     .limit(50);
/// # let _ = failed_nightly;
/// ```
#[derive(Debug, Clone, Default)]
pub struct JobQuery {
    pub(crate) request: proto::ListJobsRequest,
}

impl JobQuery {
    /// Every job the cluster lists (the running ones and its history).
    pub fn all() -> Self {
        Self::default()
    }

    /// Only jobs in `state`.
    pub fn state(mut self, state: proto::JobState) -> Self {
        self.request.state = Some(state as i32);
        self
    }

    /// Only jobs with label `key` set to `value` (each call adds one more that must match).
    pub fn label(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.request.labels.insert(key.into(), value.into());
        self
    }

    /// At most `jobs` jobs (a page); 0, the default, means all.
    pub fn limit(mut self, jobs: u32) -> Self {
        self.request.limit = jobs;
        self
    }

    /// The page after the one whose [`JobPage::next_page_token`] this is.
    pub fn after(mut self, page_token: impl Into<String>) -> Self {
        self.request.page_token = page_token.into();
        self
    }
}

/// One page of jobs, newest first.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct JobPage {
    pub jobs: Vec<proto::JobStatus>,
    /// Set when more jobs match: pass it to [`JobQuery::after`] for the next page.
    pub next_page_token: Option<String>,
}
