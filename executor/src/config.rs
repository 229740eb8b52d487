//! How an executor is set up.

use std::path::PathBuf;
use std::time::Duration;

use kiln_core::auth::Token;
use kiln_core::config::{
    DEFAULT_LEASE_TTL_SECS, DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_SHUFFLE_MEMORY_MB,
};
use kiln_core::shuffle::ShuffleCompression;
use kiln_core::tls::Tls;

/// Everything an executor needs to start.
#[derive(Debug, Clone)]
pub struct ExecutorConfig {
    /// The address to listen on.
    pub bind_host: String,
    /// The host others reach this executor at; defaults to `bind_host`. In Kubernetes, the pod IP.
    pub advertise_host: Option<String>,
    /// The gRPC port (0 picks a free one).
    pub grpc_port: u16,
    /// The Flight port (0 picks a free one).
    pub flight_port: u16,
    /// How many tasks run at once.
    pub slots: usize,
    /// Where shuffle and spill files go.
    pub work_dir: PathBuf,
    /// How the shuffle files this executor writes are compressed.
    pub shuffle_compression: ShuffleCompression,
    /// The most bytes of shuffle outputs kept in memory; past it outputs are files.
    pub shuffle_memory: usize,
    /// The memory all running tasks share; operators spill to disk beyond it. None: unbounded.
    pub memory_limit: Option<usize>,
    /// The gRPC message size limit, the same everywhere in the cluster.
    pub max_message_size: usize,
    /// The TTL of this executor's lease in the state store: if the process dies, the
    /// coordinator notices within this time.
    pub lease_ttl: Duration,
    /// A fixed id; a fresh one is generated when absent.
    pub executor_id: Option<String>,
    /// The bearer token every call to this executor must carry, and that it sends to the
    /// coordinator and to other executors.
    pub token: Token,
    /// TLS: serve it on both ports and verify the coordinator's and other executors'
    /// certificates.
    pub tls: Tls,
}

impl ExecutorConfig {
    /// Defaults for an executor working in `work_dir`.
    pub fn new(work_dir: impl Into<PathBuf>) -> Self {
        Self {
            bind_host: "127.0.0.1".into(),
            advertise_host: None,
            grpc_port: 0,
            flight_port: 0,
            slots: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
            work_dir: work_dir.into(),
            shuffle_compression: ShuffleCompression::default(),
            shuffle_memory: DEFAULT_SHUFFLE_MEMORY_MB * 1024 * 1024,
            memory_limit: None,
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
            lease_ttl: Duration::from_secs(DEFAULT_LEASE_TTL_SECS),
            executor_id: None,
            token: Token::none(),
            tls: Tls::none(),
        }
    }
}
