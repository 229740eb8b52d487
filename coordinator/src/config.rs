//! How a coordinator is set up.

use std::time::Duration;

use kiln_core::auth::ClusterTokens;
use kiln_core::config::{
    DEFAULT_LEASE_TTL_SECS, DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_TASK_ATTEMPTS,
    DEFAULT_SHUFFLE_PARTITIONS,
};
use kiln_core::tls::Tls;

/// Everything a coordinator needs to start.
#[derive(Debug, Clone)]
pub struct CoordinatorConfig {
    /// The address to listen on.
    pub bind_host: String,
    /// The gRPC port (0 picks a free one).
    pub port: u16,
    /// The HTTP port of the probes and metrics (0 picks a free one); none serves no HTTP.
    pub http_port: Option<u16>,
    /// Partitions per shuffle for jobs that do not set their own parallelism.
    pub shuffle_partitions: usize,
    /// Attempts per task for jobs that do not set their own.
    pub max_task_attempts: u32,
    /// The host executors and clients reach this coordinator at; defaults to `bind_host`.
    /// The leader announces it in the state store.
    pub advertise_host: Option<String>,
    /// The TTL of the leader's lease: a standby takes over at most this long after the
    /// leader dies.
    pub lease_ttl: Duration,
    /// How long a finished query's result stays fetchable.
    pub result_ttl: Duration,
    /// The gRPC message size limit, the same everywhere in the cluster.
    pub max_message_size: usize,
    /// The tokens calls to this coordinator must carry (clients' or members'), and the
    /// cluster token it sends to executors.
    pub tokens: ClusterTokens,
    /// TLS: serve it (with `https://` URLs) and verify executors' certificates.
    pub tls: Tls,
    /// How many finished jobs the cluster remembers (in etcd and the leader's memory); older
    /// ones are forgotten, oldest first.
    pub history_limit: usize,
    /// How long a finished job is remembered at most.
    pub history_max_age: Duration,
    /// Where every finished job is kept with its task attempts and logs, for any
    /// coordinator to show after it left the window (see [`crate::history`]).
    pub history_dir: Option<String>,
}

/// Finished jobs remembered by default.
pub const DEFAULT_HISTORY_LIMIT: usize = 1000;
/// How long a finished job is remembered by default: a week.
pub const DEFAULT_HISTORY_MAX_AGE_SECS: u64 = 7 * 24 * 3600;

impl Default for CoordinatorConfig {
    fn default() -> Self {
        Self {
            bind_host: "127.0.0.1".into(),
            port: 0,
            http_port: None,
            shuffle_partitions: DEFAULT_SHUFFLE_PARTITIONS,
            max_task_attempts: DEFAULT_MAX_TASK_ATTEMPTS,
            advertise_host: None,
            lease_ttl: Duration::from_secs(DEFAULT_LEASE_TTL_SECS),
            result_ttl: Duration::from_secs(600),
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
            tokens: ClusterTokens::none(),
            tls: Tls::none(),
            history_limit: DEFAULT_HISTORY_LIMIT,
            history_max_age: Duration::from_secs(DEFAULT_HISTORY_MAX_AGE_SECS),
            history_dir: None,
        }
    }
}
