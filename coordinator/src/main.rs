//! `kiln-coordinator`: the Kiln coordinator process.

use std::time::Duration;

use clap::Parser;
use kiln_coordinator::config::{DEFAULT_HISTORY_LIMIT, DEFAULT_HISTORY_MAX_AGE_SECS};
use kiln_coordinator::{Coordinator, CoordinatorConfig};
use kiln_core::config::{
    DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_TASK_ATTEMPTS, DEFAULT_SHUFFLE_PARTITIONS,
};
use kiln_core::flags::AuthArgs;
use kiln_core::flags::TlsArgs;
use kiln_core::state::StateStoreArgs;

/// Accepts Kiln jobs, splits them into stages and tasks and schedules them onto executors.
/// Several coordinators can run against one etcd: one is elected leader, the others stand by
/// and take over when it goes.
#[derive(Debug, Parser)]
#[command(name = "kiln-coordinator", version)]
struct Args {
    /// The address to listen on (0.0.0.0 for all interfaces).
    #[arg(long, env = "KILN_BIND_HOST", default_value = "127.0.0.1")]
    bind_host: String,
    /// The gRPC port clients and executors connect to.
    #[arg(long, env = "KILN_COORDINATOR_PORT", default_value_t = 50050)]
    port: u16,
    /// The HTTP port of /healthz, /readyz, /readyz/leader and /metrics.
    #[arg(long, env = "KILN_COORDINATOR_HTTP_PORT", default_value_t = 50080)]
    http_port: u16,
    /// Partitions per shuffle for jobs that do not set `parallelism`.
    #[arg(long, env = "KILN_SHUFFLE_PARTITIONS", default_value_t = DEFAULT_SHUFFLE_PARTITIONS)]
    shuffle_partitions: usize,
    /// Attempts per task before a job fails, for jobs that do not set their own.
    #[arg(long, env = "KILN_MAX_TASK_ATTEMPTS", default_value_t = DEFAULT_MAX_TASK_ATTEMPTS)]
    max_task_attempts: u32,
    /// The host or IP executors and clients reach this coordinator at (in Kubernetes the pod
    /// IP); the leader announces it in etcd. Defaults to --bind-host.
    #[arg(long, env = "KILN_ADVERTISE_HOST")]
    advertise_host: Option<String>,
    #[command(flatten)]
    state: StateStoreArgs,
    /// Seconds a finished query's result stays available for fetching.
    #[arg(long, env = "KILN_RESULT_TTL_SECS", default_value_t = 600)]
    result_ttl_secs: u64,
    /// How many finished jobs the cluster remembers (`kiln jobs`, `kiln status`); older ones are
    /// forgotten, oldest first, so etcd and the leader's memory stay bounded.
    #[arg(long, env = "KILN_HISTORY_LIMIT", default_value_t = DEFAULT_HISTORY_LIMIT)]
    history_limit: usize,
    /// Seconds a finished job is remembered at most.
    #[arg(long, env = "KILN_HISTORY_MAX_AGE_SECS", default_value_t = DEFAULT_HISTORY_MAX_AGE_SECS)]
    history_max_age_secs: u64,
    /// Where every finished job is kept with its task attempts and logs (a directory the
    /// coordinators share, or an s3://, gs:// or az:// prefix), so that jobs past the
    /// history window and after a failover are still shown.
    #[arg(long, env = "KILN_HISTORY_DIR")]
    history_dir: Option<String>,
    /// The gRPC message size limit in bytes; must match the rest of the cluster.
    #[arg(long, env = "KILN_MAX_MESSAGE_SIZE", default_value_t = DEFAULT_MAX_MESSAGE_SIZE)]
    max_message_size: usize,
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
    kiln_core::runtime::init_logging(args.log_json, "info");
    // Failure injection for the cross-process tests: FAILPOINTS names the points to trigger,
    // in builds with kiln-jobs' `failpoints` feature (in others it does nothing).
    let _failpoints = fail::FailScenario::setup();
    let (tokens, tls) = match (args.auth.load("kiln-coordinator"), args.tls.load()) {
        (Ok(tokens), Ok(tls)) => (tokens, tls),
        (Err(e), _) => exit_usage(e),
        (_, Err(e)) => exit_usage(e),
    };
    let config = CoordinatorConfig {
        bind_host: args.bind_host,
        port: args.port,
        http_port: Some(args.http_port),
        shuffle_partitions: args.shuffle_partitions.max(1),
        max_task_attempts: args.max_task_attempts.max(1),
        advertise_host: args.advertise_host,
        lease_ttl: args.state.lease_ttl(),
        tokens,
        tls,
        result_ttl: Duration::from_secs(args.result_ttl_secs),
        max_message_size: args.max_message_size,
        history_limit: args.history_limit,
        history_max_age: Duration::from_secs(args.history_max_age_secs),
        history_dir: args.history_dir,
    };
    let store = match args.state.connect().await {
        Ok(store) => store,
        Err(e) => {
            eprintln!("kiln-coordinator: {e}");
            std::process::exit(1);
        }
    };
    let coordinator = match Coordinator::start(config, store).await {
        Ok(coordinator) => coordinator,
        Err(e) => {
            eprintln!("kiln-coordinator: {e}");
            std::process::exit(1);
        }
    };
    kiln_core::runtime::shutdown_signal().await;
    coordinator.shutdown().await;
}

/// Ends the process on a flag or file that cannot be used.
fn exit_usage(error: impl std::fmt::Display) -> ! {
    eprintln!("kiln-coordinator: {error}");
    std::process::exit(2);
}
