//! The history store: every finished job's final status and task attempts (logs included),
//! written by the leader when the job ends to a directory or object store that every
//! coordinator reads (`--history-dir`: a local path shared by the coordinators, or an
//! `s3://`, `gs://` or `az://` prefix). The cluster state store and the leader's memory keep
//! only a bounded window of finished jobs; past it, and after the leader that ran a job is
//! gone, its status and attempts come from here.
//!
//! One object per job (`jobs/{job_id}.pb`, the encoded `ArchivedJob`), so opening a job is one
//! read, whatever the history holds.

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
            jobs: prefix.join("jobs"),
        })
    }

    fn path(&self, job_id: &str) -> Path {
        self.jobs.clone().join(format!("{job_id}.pb"))
    }

    /// Keeps a finished job (replacing what an earlier leader kept of it).
    pub async fn put(&self, job: &ipb::ArchivedJob) -> Result<()> {
        let job_id = job.status.as_ref().map_or("", |s| s.job_id.as_str());
        self.store
            .put(&self.path(job_id), job.encode_to_vec().into())
            .await
            .map_err(|e| CoordinatorError::History {
                context: format!("keeping job {job_id}"),
                reason: e.to_string(),
            })?;
        Ok(())
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

        let stage_0 = attempts(read.clone(), Some(0), None, false);
        assert_eq!(stage_0.len(), 1);
        assert!(stage_0[0].log.is_empty());
        assert_eq!(attempts(read, None, None, true)[0].log, ["boom"]);
    }
}
