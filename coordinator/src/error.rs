//! Errors of the coordinator.

use kiln_core::KilnError;

/// What can go wrong in the coordinator.
#[derive(Debug, thiserror::Error)]
pub enum CoordinatorError {
    /// The job spec cannot run as written; the message says where and why.
    #[error("invalid job: {0}")]
    InvalidJob(String),
    #[error("no job with id {0}")]
    JobNotFound(String),
    /// A list's page token names no job the coordinator still lists.
    #[error(
        "page token '{0}' names no job this coordinator lists (it may have left the history): start again without one"
    )]
    StalePageToken(String),
    /// This coordinator is a standby; the leader (if known) is at this URL.
    #[error("this coordinator is a standby{}", .0.as_ref().map(|l| format!("; the leader is at {l}")).unwrap_or_else(|| ", and no leader is elected yet".into()))]
    NotLeader(Option<String>),
    /// The cluster state store (etcd) cannot be reached or refused a write.
    #[error(transparent)]
    State(#[from] kiln_core::state::StateError),
    /// The TLS certificate or key cannot be used.
    #[error("{0}")]
    Tls(String),
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Core(#[from] KilnError),
    #[error(transparent)]
    DataFusion(#[from] datafusion::error::DataFusionError),
    /// A catalog or crawler call failed; the error names the database, table or crawler.
    #[error(transparent)]
    Catalog(#[from] kiln_catalog::CatalogError),
    /// The history store (`--history-dir`) cannot be opened, read or written.
    #[error("the history store, {context}: {reason}")]
    History { context: String, reason: String },
    /// A job definition or schedule call failed; the error names it.
    #[error(transparent)]
    Schedule(#[from] crate::schedules::ScheduleError),
    /// An incremental job's bookmark cannot be used as asked; the error names the job.
    #[error(transparent)]
    Bookmark(#[from] crate::bookmarks::BookmarkError),
}

/// The coordinator's result type.
pub type Result<T, E = CoordinatorError> = std::result::Result<T, E>;

impl From<CoordinatorError> for tonic::Status {
    fn from(error: CoordinatorError) -> Self {
        match &error {
            CoordinatorError::InvalidJob(_) | CoordinatorError::StalePageToken(_) => {
                tonic::Status::invalid_argument(error.to_string())
            }
            CoordinatorError::JobNotFound(_) => tonic::Status::not_found(error.to_string()),
            CoordinatorError::NotLeader(leader) => {
                let mut status = tonic::Status::unavailable(error.to_string());
                let leader = leader.as_deref().unwrap_or_default();
                if let Ok(value) = leader.parse() {
                    status
                        .metadata_mut()
                        .insert(kiln_proto::LEADER_METADATA, value);
                }
                status
            }
            CoordinatorError::State(_) | CoordinatorError::History { .. } => {
                tonic::Status::unavailable(error.to_string())
            }
            CoordinatorError::Catalog(catalog) => match catalog {
                kiln_catalog::CatalogError::NotFound { .. } => {
                    tonic::Status::not_found(error.to_string())
                }
                kiln_catalog::CatalogError::AlreadyExists { .. } => {
                    tonic::Status::already_exists(error.to_string())
                }
                kiln_catalog::CatalogError::Invalid(_) => {
                    tonic::Status::invalid_argument(error.to_string())
                }
                kiln_catalog::CatalogError::State(_) => {
                    tonic::Status::unavailable(error.to_string())
                }
                kiln_catalog::CatalogError::Corrupt { .. } => {
                    tonic::Status::internal(error.to_string())
                }
            },
            CoordinatorError::Schedule(schedule) => {
                use crate::schedules::ScheduleError;
                match schedule {
                    ScheduleError::NotFound { .. } => tonic::Status::not_found(error.to_string()),
                    ScheduleError::AlreadyExists { .. } => {
                        tonic::Status::already_exists(error.to_string())
                    }
                    ScheduleError::InUse { .. } => {
                        tonic::Status::failed_precondition(error.to_string())
                    }
                    ScheduleError::Invalid { .. } => {
                        tonic::Status::invalid_argument(error.to_string())
                    }
                    ScheduleError::Corrupt { .. } => tonic::Status::internal(error.to_string()),
                }
            }
            CoordinatorError::Bookmark(bookmark) => bookmark.clone().into(),
            _ => tonic::Status::internal(error.to_string()),
        }
    }
}
