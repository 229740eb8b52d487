//! What Kiln's clients and its cluster members both speak on the wire: the bearer token and
//! TLS settings of every channel, Flight connections and the safe decoding of Flight
//! messages, and result schemas as IPC messages. It holds no engine (no DataFusion), so that
//! the client SDK stays small.

pub mod auth;
pub mod flight;
pub mod schema;
pub mod tls;

/// The largest gRPC or Flight message Kiln processes send or accept unless configured
/// otherwise. Plans are split into one fragment per task and shuffle locations are O(map
/// tasks), so no message grows with the size of the whole job graph.
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 64 * 1024 * 1024;

/// What can go wrong setting up a connection.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WireError {
    /// The endpoint's URL is not one a channel can be made to; the message says why.
    #[error("invalid endpoint: {0}")]
    InvalidEndpoint(String),
    /// The token cannot be sent as an `authorization` header.
    #[error("the token is not a valid header: {0}")]
    InvalidToken(String),
}

/// The wire crate's result type.
pub type Result<T, E = WireError> = std::result::Result<T, E>;
