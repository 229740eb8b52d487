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
}

/// The coordinator's result type.
pub type Result<T, E = CoordinatorError> = std::result::Result<T, E>;

impl From<CoordinatorError> for tonic::Status {
    fn from(error: CoordinatorError) -> Self {
        match &error {
            CoordinatorError::InvalidJob(_) => tonic::Status::invalid_argument(error.to_string()),
            CoordinatorError::JobNotFound(_) => tonic::Status::not_found(error.to_string()),
            _ => tonic::Status::internal(error.to_string()),
        }
    }
}
