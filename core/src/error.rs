//! Kiln's error type, shared by every crate above `kiln-core`.

use datafusion::error::DataFusionError;

/// What can go wrong in Kiln's shared machinery.
#[derive(Debug, thiserror::Error)]
pub enum KilnError {
    /// DataFusion failed to plan or execute.
    #[error(transparent)]
    DataFusion(#[from] DataFusionError),
    /// Arrow failed to encode or decode data.
    #[error(transparent)]
    Arrow(#[from] arrow::error::ArrowError),
    /// A protobuf message could not be decoded or lacked a required field.
    #[error("invalid message: {0}")]
    InvalidMessage(String),
    /// A shuffle input could not be fetched.
    #[error(transparent)]
    FetchFailed(#[from] FetchFailed),
    /// A connection could not be set up.
    #[error(transparent)]
    Wire(#[from] kiln_wire::WireError),
}

/// Kiln's result type.
pub type Result<T, E = KilnError> = std::result::Result<T, E>;

/// A shuffle input that could not be fetched: the map output it names must be recomputed.
///
/// It travels through DataFusion inside `DataFusionError::External` and is found again with
/// [`find_fetch_failure`], so the scheduler sees a typed reason rather than text.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "fetch failed: stage {stage_id} map task {map_partition} on executor {executor_id}: {message}"
)]
pub struct FetchFailed {
    pub executor_id: String,
    pub stage_id: u32,
    pub map_partition: u32,
    pub message: String,
}

/// Finds a [`FetchFailed`] anywhere in an error's chain of causes.
pub fn find_fetch_failure<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> Option<&'a FetchFailed> {
    causes(error).into_iter().find_map(|err| {
        err.downcast_ref::<FetchFailed>()
            .or_else(|| match err.downcast_ref::<KilnError>() {
                Some(KilnError::FetchFailed(fetch)) => Some(fetch),
                _ => None,
            })
    })
}

/// Finds an error of type `T` anywhere in an error's chain of causes (a typed error that
/// travelled through DataFusion inside `DataFusionError::External`).
pub fn find_cause<'a, T: std::error::Error + 'static>(
    error: &'a (dyn std::error::Error + 'static),
) -> Option<&'a T> {
    causes(error)
        .into_iter()
        .find_map(|err| err.downcast_ref::<T>())
}

/// `error` and its causes: its chain of sources, including those inside errors that
/// DataFusion shares between streams.
fn causes<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> Vec<&'a (dyn std::error::Error + 'static)> {
    let mut found = Vec::new();
    let mut current = Some(error);
    while let Some(err) = current {
        found.push(err);
        if let Some(DataFusionError::Shared(shared)) = err.downcast_ref::<DataFusionError>() {
            found.extend(causes(shared.as_ref()));
        }
        current = err.source();
    }
    found
}

/// `error`'s message followed by those of its causes, `: ` between them: drivers put the detail
/// that says what to fix (a TLS alert, an OS error) in the causes. A cause whose message the
/// text already holds (many errors repeat their source's) is left out.
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let message = cause.to_string();
        if !text.contains(&message) {
            text.push_str(": ");
            text.push_str(&message);
        }
        source = cause.source();
    }
    text
}

/// The message a panic carried (`panic!` with a string, or a formatted one), for reporting
/// the panic as an error instead of losing it with the thread or task that panicked.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn fetch_failure_is_found_through_datafusion_wrappers() {
        let fetch = FetchFailed {
            executor_id: "e1".into(),
            stage_id: 3,
            map_partition: 7,
            message: "connection refused".into(),
        };
        let wrapped = DataFusionError::Shared(Arc::new(
            DataFusionError::External(Box::new(fetch)).context("reading input"),
        ));
        let found = find_fetch_failure(&wrapped).expect("fetch failure is found");
        assert_eq!((found.stage_id, found.map_partition), (3, 7));
        assert_eq!(found.executor_id, "e1");

        let plain = DataFusionError::Execution("division by zero".into());
        assert!(find_fetch_failure(&plain).is_none());
    }
}
