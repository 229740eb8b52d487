//! Errors of the catalog.

use kiln_core::state::StateError;

/// What can go wrong with a catalog call.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// No such database, table or partition; `what` names it (e.g. "table sales.orders").
    #[error("{what} does not exist")]
    NotFound { what: String },
    /// Creating something that exists already.
    #[error("{what} already exists")]
    AlreadyExists { what: String },
    /// A request the catalog cannot apply as given; the message says what and why.
    #[error("{0}")]
    Invalid(String),
    /// The state store failed or refused the write.
    #[error(transparent)]
    State(#[from] StateError),
    /// A stored entry could not be decoded.
    #[error("corrupt catalog entry at {key}: {source}")]
    Corrupt {
        key: String,
        #[source]
        source: prost::DecodeError,
    },
}

/// The catalog's result type.
pub type Result<T, E = CatalogError> = std::result::Result<T, E>;
