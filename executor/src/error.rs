//! Errors of the executor.

use datafusion::error::DataFusionError;

/// What can stop an executor from starting or serving.
#[derive(Debug, thiserror::Error)]
pub enum ExecutorError {
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    /// The TLS certificate or key cannot be used.
    #[error("{0}")]
    Tls(String),
    #[error("cannot reach the coordinator at {url}: {message}")]
    CoordinatorUnreachable { url: String, message: String },
    #[error("the coordinator rejected this executor: {0}")]
    Rejected(String),
    #[error("no coordinator leads the cluster yet (none is registered in the state store)")]
    NoLeader,
    #[error(transparent)]
    State(#[from] kiln_core::state::StateError),
    #[error(transparent)]
    DataFusion(#[from] DataFusionError),
}

/// The executor's result type.
pub type Result<T, E = ExecutorError> = std::result::Result<T, E>;

impl ExecutorError {
    pub(crate) fn io(context: impl std::fmt::Display, source: std::io::Error) -> Self {
        ExecutorError::Io {
            context: context.to_string(),
            source,
        }
    }
}
