//! The history store: every finished job's final status and task attempts (logs included),
//! written by the leader when the job ends to a directory or object store that every
//! coordinator reads (`--history-dir`: a local path shared by the coordinators, or an
//! `s3://`, `gs://` or `az://` prefix). The cluster state store and the leader's memory keep
//! only a bounded window of finished jobs; past it, and after the leader that ran a job is
//! gone, its status and attempts come from here.
//!
//! One object per job (`jobs/{job_id}.pb`, the encoded `ArchivedJob`), so opening a job is one
//! read, whatever the history holds; and an index entry per job (`index/{newest first}-{job_id}`,
//! holding its final status), whose names sort newest first, for listing a page at a time.

use std::sync::Arc;

use datafusion::execution::object_store::ObjectStoreRegistry;
use kiln_proto::internal::v1 as ipb;
use kiln_proto::v1 as pb;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt};
use prost::Message;

use crate::error::{CoordinatorError, Result};

/// Where finished jobs are kept.
pub struct HistoryStore {
    store: Arc<dyn ObjectStore>,
    /// The prefix of the jobs' objects.
    jobs: Path,
    /// The prefix of the index entries.
    index: Path,
}

impl std::fmt::Debug for HistoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HistoryStore")
            .field("jobs", &self.jobs)
            .finish()
    }
}

impl HistoryStore {
    /// Opens the history at `location`: a URL (`s3://bucket/history/`) or a local directory,
    /// created when missing. Stores come from `registry`, with the cluster's credentials.
    pub fn open(location: &str, registry: &dyn ObjectStoreRegistry) -> Result<HistoryStore> {
        let invalid = |reason: String| CoordinatorError::History {
            context: format!("opening the history store {location}"),
            reason,
        };
        let url = match url::Url::parse(location) {
            Ok(url) if url.scheme().len() > 1 => url,
            // A local path (a Windows drive letter parses as a one-letter scheme).
            _ => {
                std::fs::create_dir_all(location).map_err(|e| invalid(e.to_string()))?;
                let dir = std::fs::canonicalize(location).map_err(|e| invalid(e.to_string()))?;
                url::Url::from_directory_path(&dir)
                    .map_err(|()| invalid("not an absolute directory".into()))?
            }
        };
        let store = registry
            .get_store(&url)
            .map_err(|e| invalid(e.to_string()))?;
        let prefix = Path::from_url_path(url.path()).map_err(|e| invalid(e.to_string()))?;
        Ok(HistoryStore {
            store,
            jobs: prefix.clone().join("jobs"),
            index: prefix.join("index"),
        })
    }

    fn path(&self, job_id: &str) -> Path {
        self.jobs.clone().join(format!("{job_id}.pb"))
    }

    /// The index entry of a job that ended at `ended_at_ms`: names sort newest first.
    fn index_entry(&self, status: &pb::JobStatus) -> Path {
        let newest_first = u64::MAX - status.ended_at_ms;
        self.index
            .clone()
            .join(format!("{newest_first:020}-{}", status.job_id))
    }

    /// Keeps a finished job (replacing what an earlier leader kept of it): its object, then
    /// its index entry, so a listed job can always be opened.
    pub async fn put(&self, job: &ipb::ArchivedJob) -> Result<()> {
        let status = job.status.clone().unwrap_or_default();
        let failed = |e: object_store::Error| CoordinatorError::History {
            context: format!("keeping job {}", status.job_id),
            reason: e.to_string(),
        };
        self.store
            .put(&self.path(&status.job_id), job.encode_to_vec().into())
            .await
            .map_err(failed)?;
        self.store
            .put(&self.index_entry(&status), status.encode_to_vec().into())
            .await
            .map_err(failed)?;
        Ok(())
    }

    /// Up to `limit` finished jobs that `keep` accepts, newest first, after the index entry
    /// `after` (from the newest when empty); with the entry of the last one when more follow.
    pub async fn page(
        &self,
        after: &str,
        limit: usize,
        keep: impl Fn(&pb::JobStatus) -> bool,
    ) -> Result<(Vec<pb::JobStatus>, Option<String>)> {
        use futures::TryStreamExt;
        let failed = |e: object_store::Error| CoordinatorError::History {
            context: "listing finished jobs".into(),
            reason: e.to_string(),
        };
        let offset = self.index.clone().join(after);
        let listing = match after.is_empty() {
            true => self.store.list(Some(&self.index)),
            false => self.store.list_with_offset(Some(&self.index), &offset),
        };
        // Not every store lists in order (a local directory does not).
        let mut entries: Vec<Path> = listing
            .map_ok(|meta| meta.location)
            .try_collect()
            .await
            .map_err(failed)?;
        entries.sort_unstable();
        let mut jobs = vec![];
        for entry in entries {
            let bytes = self
                .store
                .get(&entry)
                .await
                .map_err(failed)?
                .bytes()
                .await
                .map_err(failed)?;
            let status = pb::JobStatus::decode(bytes).map_err(|e| CoordinatorError::History {
                context: format!("reading the index entry {entry}"),
                reason: e.to_string(),
            })?;
            if !keep(&status) {
                continue;
            }
            if jobs.len() == limit {
                let last: &pb::JobStatus = jobs.last().expect("limit is at least 1");
                let name = self.index_entry(last);
                return Ok((jobs, name.filename().map(str::to_string)));
            }
            jobs.push(status);
        }
        Ok((jobs, None))
    }

    /// A finished job, when the history has it.
    pub async fn get(&self, job_id: &str) -> Result<Option<ipb::ArchivedJob>> {
        let failed = |reason: String| CoordinatorError::History {
            context: format!("reading job {job_id}"),
            reason,
        };
        // Ids are the cluster's own; anything else cannot name an object here.
        if !job_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Ok(None);
        }
        let bytes = match self.store.get(&self.path(job_id)).await {
            Ok(object) => object.bytes().await.map_err(|e| failed(e.to_string()))?,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(failed(e.to_string())),
        };
        ipb::ArchivedJob::decode(bytes)
            .map(Some)
            .map_err(|e| failed(e.to_string()))
    }
}

/// An archived job's attempts as `GetTasks` asks for them: of one stage and partition when
/// given, their logs only when asked.
pub(crate) fn attempts(
    job: ipb::ArchivedJob,
    stage: Option<u32>,
    partition: Option<u32>,
    with_logs: bool,
) -> Vec<pb::TaskAttemptStatus> {
    job.attempts
        .into_iter()
        .filter(|a| stage.is_none_or(|s| a.stage_id == s))
        .filter(|a| partition.is_none_or(|p| a.partition == p))
        .map(|mut a| {
            if !with_logs {
                a.log.clear();
            }
            a
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_kept_job_is_read_back_by_id_and_only_by_id() {
        let dir = tempfile::tempdir().unwrap();
        let registry = kiln_jobs::object_stores::KilnObjectStores::new();
        let location = dir.path().join("history");
        let history = HistoryStore::open(location.to_str().unwrap(), registry.as_ref()).unwrap();
        let job = ipb::ArchivedJob {
            status: Some(pb::JobStatus {
                job_id: "job-1".into(),
                state: pb::JobState::Failed as i32,
                ..Default::default()
            }),
            attempts: vec![
                pb::TaskAttemptStatus {
                    stage_id: 0,
                    log: vec!["boom".into()],
                    ..Default::default()
                },
                pb::TaskAttemptStatus {
                    stage_id: 1,
                    ..Default::default()
                },
            ],
        };
        history.put(&job).await.unwrap();
        assert!(location.join("jobs/job-1.pb").exists());
        let read = history.get("job-1").await.unwrap().expect("kept");
        assert_eq!(read, job);
        assert!(history.get("job-2").await.unwrap().is_none());
        assert!(history.get("../job-1").await.unwrap().is_none());

        // Listed newest first, a page at a time.
        for (id, ended) in [("job-2", 2_000), ("job-3", 3_000)] {
            let status = pb::JobStatus {
                job_id: id.into(),
                ended_at_ms: ended,
                ..Default::default()
            };
            history
                .put(&ipb::ArchivedJob {
                    status: Some(status),
                    attempts: vec![],
                })
                .await
                .unwrap();
        }
        let ids =
            |jobs: &[pb::JobStatus]| jobs.iter().map(|j| j.job_id.clone()).collect::<Vec<_>>();
        let (first, next) = history.page("", 2, |_| true).await.unwrap();
        assert_eq!(ids(&first), ["job-3", "job-2"]);
        let (second, end) = history.page(&next.unwrap(), 2, |_| true).await.unwrap();
        assert_eq!(ids(&second), ["job-1"]);
        assert_eq!(end, None);
        let (failed, _) = history
            .page("", 5, |j| j.state == pb::JobState::Failed as i32)
            .await
            .unwrap();
        assert_eq!(ids(&failed), ["job-1"]);

        let stage_0 = attempts(read.clone(), Some(0), None, false);
        assert_eq!(stage_0.len(), 1);
        assert!(stage_0[0].log.is_empty());
        assert_eq!(attempts(read, None, None, true)[0].log, ["boom"]);
    }
}
