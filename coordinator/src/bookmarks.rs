//! Incremental jobs' bookmarks in the state store: one `BookmarkRun` per successful run under
//! `bookmarks/NAME/` ([`keys::bookmark_run`]), written in the batch that moves the job to the
//! history, so a run that fails or is cancelled advances nothing and a run finished by a
//! successor after a failover is recorded once (its record moves once).
//!
//! The scheduler keeps runs of one incremental job from overlapping; this module reads the
//! runs, and forgets them for `kiln bookmark reset` and `rewind`.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use kiln_core::state::{Batch, Fence, StateStore, keys};
use kiln_jobs::bookmark::{
    Choice, DEFAULT_MAX_FILES_PER_RUN, FileKey, Increment, MAX_FILES_PER_RUN,
};
use kiln_proto::v1 as pb;
use prost::Message;

use crate::error::{CoordinatorError, Result};

/// How many run keys one reset deletes per write (etcd takes at most 128 operations in one).
const DELETES_PER_WRITE: usize = 100;

/// What can be wrong with a bookmark call.
#[derive(Debug, Clone, thiserror::Error)]
pub enum BookmarkError {
    #[error("no successful run of incremental job '{0}' is bookmarked")]
    NotFound(String),
    #[error(
        "incremental job '{name}' has a run under way ({job_id}): its runs read what the \
         earlier ones did not, one at a time; wait for it to end or cancel it"
    )]
    InUse { name: String, job_id: String },
    #[error(
        "an incremental job's name keys its bookmark, so it may hold only letters, digits, \
         '.', '_' and '-' (at most 128), got '{0}'"
    )]
    BadName(String),
    #[error("max_files_per_run = {0} is over the limit of {MAX_FILES_PER_RUN}")]
    TooManyFiles(u32),
    #[error("job {job_id} is not among the bookmarked runs of '{name}' (see kiln bookmark show)")]
    UnknownRun { name: String, job_id: String },
}

impl From<BookmarkError> for tonic::Status {
    fn from(error: BookmarkError) -> Self {
        let message = error.to_string();
        match error {
            BookmarkError::NotFound(_) | BookmarkError::UnknownRun { .. } => {
                tonic::Status::not_found(message)
            }
            BookmarkError::InUse { .. } => tonic::Status::failed_precondition(message),
            BookmarkError::BadName(_) | BookmarkError::TooManyFiles(_) => {
                tonic::Status::invalid_argument(message)
            }
        }
    }
}

/// The name of `spec`'s bookmark when it is incremental, checked.
pub(crate) fn bookmark_name(spec: &pb::JobSpec) -> Result<Option<&str>> {
    let Some(options) = spec.options.as_ref().filter(|o| o.incremental) else {
        return Ok(None);
    };
    let name = spec.name.as_str();
    let fits = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
    if name.is_empty() || name.len() > 128 || !name.chars().all(fits) {
        return Err(BookmarkError::BadName(name.to_string()).into());
    }
    if options.max_files_per_run > MAX_FILES_PER_RUN {
        return Err(BookmarkError::TooManyFiles(options.max_files_per_run).into());
    }
    Ok(Some(name))
}

/// A new run of `spec`: the files none of `runs` (oldest first) read, and each database
/// source's rows after the window of the last run that read it.
pub(crate) fn unseen(spec: &pb::JobSpec, runs: &[pb::BookmarkRun]) -> Arc<Increment> {
    let max_files = match spec.options.map_or(0, |o| o.max_files_per_run) {
        0 => DEFAULT_MAX_FILES_PER_RUN,
        n => n,
    };
    let seen: HashSet<FileKey> = runs
        .iter()
        .flat_map(|run| run.files.iter().map(FileKey::from))
        .collect();
    let after: HashMap<String, Vec<String>> = runs
        .iter()
        .flat_map(|run| &run.windows)
        .map(|window| (window.source.clone(), window.through.clone()))
        .collect();
    Increment::new(Choice::Unseen {
        seen,
        max_files: max_files as usize,
        after,
    })
}

/// A run planned again: exactly the files and windows it first chose.
pub(crate) fn replay(run: &pb::BookmarkRun) -> Arc<Increment> {
    Increment::new(Choice::Only {
        files: run.files.iter().map(FileKey::from).collect(),
        windows: run
            .windows
            .iter()
            .map(|window| (window.source.clone(), window.clone()))
            .collect(),
    })
}

/// What a planned run reads, as its bookmark will keep it.
pub(crate) fn planned_run(job_id: &str, increment: &Increment) -> pb::BookmarkRun {
    let files = increment.files();
    pb::BookmarkRun {
        job_id: job_id.to_string(),
        ended_at_ms: 0,
        file_count: files.len() as u64,
        bytes: files.iter().map(|f| f.size).sum(),
        files,
        windows: increment.windows(),
    }
}

/// The put that adds a run that just succeeded to its job's bookmark.
pub(crate) fn record_run(name: &str, run: &pb::BookmarkRun, ended_at_ms: u64) -> (String, Vec<u8>) {
    let run = pb::BookmarkRun {
        ended_at_ms,
        ..run.clone()
    };
    (
        keys::bookmark_run(name, ended_at_ms, &run.job_id),
        run.encode_to_vec(),
    )
}

/// The bookmarked runs of `name`, oldest first, with their keys.
async fn stored(store: &dyn StateStore, name: &str) -> Result<Vec<(String, pb::BookmarkRun)>> {
    let entries = store.list(&keys::bookmark(name)).await?;
    entries
        .into_iter()
        .map(|(key, value)| {
            let run = pb::BookmarkRun::decode(value.as_slice()).map_err(|error| {
                CoordinatorError::Io {
                    context: format!("bookmark entry {key}"),
                    source: std::io::Error::new(std::io::ErrorKind::InvalidData, error),
                }
            })?;
            Ok((key, run))
        })
        .collect()
}

/// The bookmarked runs of `name`, oldest first.
pub(crate) async fn runs(store: &dyn StateStore, name: &str) -> Result<Vec<pb::BookmarkRun>> {
    Ok(stored(store, name)
        .await?
        .into_iter()
        .map(|(_, run)| run)
        .collect())
}

/// The bookmark of `name` as `GetBookmark` answers it.
pub(crate) async fn show(
    store: &dyn StateStore,
    name: &str,
    with_files: bool,
) -> Result<pb::Bookmark> {
    let mut runs = runs(store, name).await?;
    if runs.is_empty() {
        return Err(BookmarkError::NotFound(name.to_string()).into());
    }
    if !with_files {
        runs.iter_mut().for_each(|run| run.files.clear());
    }
    Ok(pb::Bookmark {
        name: name.to_string(),
        runs,
    })
}

/// Forgets the runs of `name` after the run of `keep_through` (all of them when empty), as
/// the leader of `fence`; returns what is left.
pub(crate) async fn reset(
    store: &dyn StateStore,
    fence: &Fence,
    name: &str,
    keep_through: &str,
) -> Result<pb::Bookmark> {
    let stored = stored(store, name).await?;
    let keep = match keep_through {
        "" => 0,
        job_id => {
            let at = stored
                .iter()
                .position(|(_, run)| run.job_id == job_id)
                .ok_or_else(|| BookmarkError::UnknownRun {
                    name: name.to_string(),
                    job_id: job_id.to_string(),
                })?;
            at + 1
        }
    };
    // Newest first: a reset cut short still leaves a prefix of the runs, as a rewind would.
    let forget: Vec<String> = stored[keep..]
        .iter()
        .rev()
        .map(|(key, _)| key.clone())
        .collect();
    for chunk in forget.chunks(DELETES_PER_WRITE) {
        let batch = Batch {
            puts: vec![],
            deletes: chunk.to_vec(),
        };
        store.apply(batch, Some(fence)).await?;
    }
    tracing::info!(bookmark = %name, forgotten = forget.len(), kept = keep, "bookmark reset");
    Ok(pb::Bookmark {
        name: name.to_string(),
        runs: stored
            .into_iter()
            .take(keep)
            .map(|(_, mut run)| {
                run.files.clear();
                run
            })
            .collect(),
    })
}
