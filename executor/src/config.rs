//! How an executor is set up.

use std::path::PathBuf;
use std::time::Duration;

use kiln_core::auth::ClusterTokens;
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
    /// The HTTP port of the probes and metrics (0 picks a free one); none serves no HTTP.
    pub http_port: Option<u16>,
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
    /// The tokens calls to this executor must carry (clients' for results, members' for
    /// everything), and the cluster token it sends to the coordinator and other executors.
    pub tokens: ClusterTokens,
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
            http_port: None,
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
            tokens: ClusterTokens::none(),
            tls: Tls::none(),
        }
    }
}

/// The memory limit of this process's cgroup (v2 `memory.max`, else v1
/// `memory.limit_in_bytes`), when one is set: in a Kubernetes pod, its memory limit.
pub fn cgroup_memory_limit() -> Option<usize> {
    [
        "/sys/fs/cgroup/memory.max",
        "/sys/fs/cgroup/memory/memory.limit_in_bytes",
    ]
    .iter()
    .find_map(|path| std::fs::read_to_string(path).ok())
    .and_then(|text| parse_cgroup_limit(&text))
}

/// A cgroup file's limit: `max` (v2) or a huge number (v1) mean none.
fn parse_cgroup_limit(text: &str) -> Option<usize> {
    let bytes: u64 = text.trim().parse().ok()?;
    (bytes < 1 << 60).then_some(bytes as usize)
}

/// The memory tasks share, by default, in a cgroup of `cgroup` bytes: three quarters of what
/// the in-memory shuffle outputs leave (the rest is Flight buffers and the process itself), and
/// never less than a quarter of the cgroup, so operators spill before the kernel kills the
/// executor.
pub fn default_memory_limit(cgroup: usize, shuffle_memory: usize) -> usize {
    (cgroup.saturating_sub(shuffle_memory) / 4 * 3).max(cgroup / 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cgroup_limit_sets_the_task_memory_and_no_limit_sets_none() {
        assert_eq!(parse_cgroup_limit("max\n"), None);
        assert_eq!(parse_cgroup_limit("9223372036854771712\n"), None);
        assert_eq!(parse_cgroup_limit("2147483648\n"), Some(2 << 30));
        let gib = 1 << 30;
        assert_eq!(default_memory_limit(2 * gib, gib), 3 * gib / 4);
        assert_eq!(default_memory_limit(gib, gib), gib / 4);
    }
}
