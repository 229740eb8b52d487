//! `kiln-executor`: one Kiln executor process.

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use kiln_core::config::{DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_SHUFFLE_MEMORY_MB};
use kiln_core::flags::AuthArgs;
use kiln_core::flags::TlsArgs;
use kiln_core::shuffle::ShuffleCompression;
use kiln_core::state::StateStoreArgs;
use kiln_executor::{Executor, ExecutorConfig, cgroup_memory_limit, default_memory_limit};

/// Runs Kiln tasks sent by the leading coordinator and serves their shuffle output over Arrow
/// Flight. It joins the cluster by registering in etcd under a lease, and finds the leader there.
#[derive(Debug, Parser)]
#[command(name = "kiln-executor", version)]
struct Args {
    #[command(flatten)]
    state: StateStoreArgs,
    /// The address to listen on (0.0.0.0 for all interfaces).
    #[arg(long, env = "KILN_BIND_HOST", default_value = "127.0.0.1")]
    bind_host: String,
    /// The host or IP the coordinator and other executors reach this executor at (in Kubernetes
    /// the pod IP). Defaults to --bind-host.
    #[arg(long, env = "KILN_ADVERTISE_HOST")]
    advertise_host: Option<String>,
    /// The gRPC port the coordinator sends tasks to (0 picks a free port).
    #[arg(long, env = "KILN_EXECUTOR_PORT", default_value_t = 50051)]
    port: u16,
    /// The Arrow Flight port shuffle data is served on (0 picks a free port).
    #[arg(long, env = "KILN_FLIGHT_PORT", default_value_t = 50052)]
    flight_port: u16,
    /// The HTTP port of /healthz, /readyz and /metrics.
    #[arg(long, env = "KILN_EXECUTOR_HTTP_PORT", default_value_t = 50053)]
    http_port: u16,
    /// How many tasks run at once (default: the number of cores).
    #[arg(long, env = "KILN_SLOTS")]
    slots: Option<usize>,
    /// Where shuffle and spill files are written.
    #[arg(long, env = "KILN_WORK_DIR", default_value = "/tmp/kiln-executor")]
    work_dir: PathBuf,
    /// How the shuffle files this executor writes are compressed: lz4 (the default) or zstd
    /// to send fewer bytes over a network, none to spend the least CPU (executors on one
    /// machine or a fast network). Executors of one cluster may differ.
    #[arg(long, env = "KILN_SHUFFLE_COMPRESSION", value_enum, default_value_t)]
    shuffle_compression: ShuffleCompression,
    /// MiB of shuffle output kept in memory, where readers on this executor take it without
    /// a copy; outputs past it are files in --work-dir (0: every output is a file).
    #[arg(long, env = "KILN_SHUFFLE_MEMORY_MB", default_value_t = DEFAULT_SHUFFLE_MEMORY_MB)]
    shuffle_memory_mb: usize,
    /// Memory shared by all running tasks, in MiB; operators spill to disk beyond it. Default:
    /// in a cgroup with a memory limit (a Kubernetes pod's), three quarters of what
    /// --shuffle-memory-mb leaves of it; else unbounded.
    #[arg(long, env = "KILN_MEMORY_LIMIT_MB")]
    memory_limit_mb: Option<usize>,
    /// The gRPC message size limit in bytes; must match the rest of the cluster.
    #[arg(long, env = "KILN_MAX_MESSAGE_SIZE", default_value_t = DEFAULT_MAX_MESSAGE_SIZE)]
    max_message_size: usize,
    /// Seconds running tasks get to finish after SIGTERM before they are handed back.
    #[arg(long, env = "KILN_SHUTDOWN_GRACE_SECS", default_value_t = 30)]
    shutdown_grace_secs: u64,
    /// A fixed executor id (default: generated).
    #[arg(long, env = "KILN_EXECUTOR_ID")]
    executor_id: Option<String>,
    #[command(flatten)]
    auth: AuthArgs,
    #[command(flatten)]
    tls: TlsArgs,
    /// Log as JSON lines instead of text.
    #[arg(long, env = "KILN_LOG_JSON")]
    log_json: bool,
}

fn main() {
    kiln_core::runtime::build_runtime().block_on(run());
}

async fn run() {
    let args = Args::parse();
    kiln_executor::task_log::init_logging(args.log_json, "info");
    let mut config = ExecutorConfig::new(args.work_dir);
    config.bind_host = args.bind_host;
    config.advertise_host = args.advertise_host;
    config.grpc_port = args.port;
    config.flight_port = args.flight_port;
    config.http_port = Some(args.http_port);
    if let Some(slots) = args.slots {
        config.slots = slots.max(1);
    }
    config.shuffle_compression = args.shuffle_compression;
    config.shuffle_memory = args.shuffle_memory_mb * 1024 * 1024;
    config.memory_limit = match args.memory_limit_mb {
        Some(mb) => Some(mb * 1024 * 1024),
        None => cgroup_memory_limit().map(|cgroup| {
            let limit = default_memory_limit(cgroup, config.shuffle_memory);
            tracing::info!(
                cgroup,
                limit,
                "task memory limited by the cgroup's memory limit"
            );
            limit
        }),
    };
    config.max_message_size = args.max_message_size;
    config.lease_ttl = args.state.lease_ttl();
    config.executor_id = args.executor_id;
    (config.tokens, config.tls) = match (args.auth.load("kiln-executor"), args.tls.load()) {
        (Ok(tokens), Ok(tls)) => (tokens, tls),
        (Err(e), _) => exit_usage(e),
        (_, Err(e)) => exit_usage(e),
    };

    let store = match args.state.connect().await {
        Ok(store) => store,
        Err(e) => {
            eprintln!("kiln-executor: {e}");
            std::process::exit(1);
        }
    };
    let executor = match Executor::start(config, store).await {
        Ok(executor) => executor,
        Err(e) => {
            tracing::error!(error = %e, "executor failed to start");
            eprintln!("kiln-executor: {e}");
            std::process::exit(1);
        }
    };
    kiln_core::runtime::shutdown_signal().await;
    executor
        .shutdown(Duration::from_secs(args.shutdown_grace_secs))
        .await;
}

/// Ends the process on a flag or file that cannot be used.
fn exit_usage(error: impl std::fmt::Display) -> ! {
    eprintln!("kiln-executor: {error}");
    std::process::exit(2);
}
