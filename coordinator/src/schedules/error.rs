//! Errors of stored job definitions and schedules.

/// What can go wrong defining, starting or scheduling a stored job.
#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    /// No definition or schedule by that name.
    #[error("no {kind} named '{name}'")]
    NotFound { kind: &'static str, name: String },
    /// A definition or schedule by that name exists already.
    #[error("a {kind} named '{name}' exists already")]
    AlreadyExists { kind: &'static str, name: String },
    /// A definition is still run by a schedule.
    #[error(
        "job definition '{definition}' is run by schedule '{schedule}': delete the schedule first"
    )]
    InUse {
        definition: String,
        schedule: String,
    },
    /// The definition or schedule cannot be used as written; the message says why.
    #[error("{what} '{name}': {message}")]
    Invalid {
        what: &'static str,
        name: String,
        message: String,
    },
    /// A stored record could not be decoded.
    #[error("the stored {kind} '{name}' is unreadable: {source}")]
    Corrupt {
        kind: &'static str,
        name: String,
        source: prost::DecodeError,
    },
}

impl ScheduleError {
    /// An invalid schedule named `name`.
    pub fn schedule(name: &str, message: impl Into<String>) -> Self {
        ScheduleError::Invalid {
            what: "schedule",
            name: name.to_string(),
            message: message.into(),
        }
    }
}
