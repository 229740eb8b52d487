//! Errors the client SDK returns; it never panics on what a server says.

/// What can go wrong talking to Kiln. New kinds may be added, so a `match` needs a `_` arm.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The coordinator could not be reached.
    #[error("cannot connect to the Kiln coordinator at {url}: {message}")]
    Connect { url: String, message: String },
    /// The coordinator rejected a job as invalid; the message says where and why.
    #[error("{0}")]
    InvalidJob(String),
    /// No job has that id.
    #[error("{0}")]
    NotFound(String),
    /// The cluster requires a bearer token and the call had none, or a wrong one.
    #[error("{0}")]
    Unauthenticated(String),
    /// The call conflicts with what the cluster holds (the name exists already, a stored job
    /// is still scheduled) or lacks the role it needs; the message says which.
    #[error("{0}")]
    Refused(String),
    /// Results were asked for a job that did not succeed.
    #[error("job {job_id} is {state}{}", if error.is_empty() { String::new() } else { format!(": {error}") })]
    NotSucceeded {
        job_id: String,
        state: String,
        error: String,
    },
    /// Any other error status from a Kiln server.
    #[error("{}: {}", .0.code(), .0.message())]
    Server(tonic::Status),
    /// Result data could not be fetched or decoded.
    #[error("fetching results: {0}")]
    Flight(#[from] arrow_flight::error::FlightError),
    /// A connection could not be set up (a bad URL, a token that is no valid header).
    #[error(transparent)]
    Wire(#[from] kiln_wire::WireError),
    /// Result data could not be decoded.
    #[error(transparent)]
    Arrow(#[from] arrow_schema::ArrowError),
}

/// The client's result type.
pub type Result<T, E = ClientError> = std::result::Result<T, E>;

impl From<tonic::Status> for ClientError {
    fn from(status: tonic::Status) -> Self {
        match status.code() {
            tonic::Code::InvalidArgument => ClientError::InvalidJob(status.message().to_string()),
            tonic::Code::NotFound => ClientError::NotFound(status.message().to_string()),
            tonic::Code::Unauthenticated => {
                ClientError::Unauthenticated(status.message().to_string())
            }
            tonic::Code::AlreadyExists
            | tonic::Code::FailedPrecondition
            | tonic::Code::PermissionDenied => ClientError::Refused(status.message().to_string()),
            _ => ClientError::Server(status),
        }
    }
}
