//! `kiln-coordinator`: the Kiln coordinator process.

use std::time::Duration;

use clap::Parser;
use kiln_coordinator::{Coordinator, CoordinatorConfig};
use kiln_core::config::{
    DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_TASK_ATTEMPTS, DEFAULT_SHUFFLE_PARTITIONS,
};

/// Accepts Kiln jobs, splits them into stages and tasks and schedules them onto executors.
#[derive(Debug, Parser)]
#[command(name = "kiln-coordinator", version)]
struct Args {
    /// The address to listen on (0.0.0.0 for all interfaces).
    #[arg(long, env = "KILN_BIND_HOST", default_value = "127.0.0.1")]
    bind_host: String,
    /// The gRPC port clients and executors connect to.
    #[arg(long, env = "KILN_COORDINATOR_PORT", default_value_t = 50050)]
    port: u16,
    /// Partitions per shuffle for jobs that do not set `parallelism`.
    #[arg(long, env = "KILN_SHUFFLE_PARTITIONS", default_value_t = DEFAULT_SHUFFLE_PARTITIONS)]
    shuffle_partitions: usize,
    /// Attempts per task before a job fails, for jobs that do not set their own.
    #[arg(long, env = "KILN_MAX_TASK_ATTEMPTS", default_value_t = DEFAULT_MAX_TASK_ATTEMPTS)]
    max_task_attempts: u32,
    /// Seconds without a heartbeat after which an executor is considered lost.
    #[arg(long, env = "KILN_EXECUTOR_TIMEOUT_SECS", default_value_t = 5)]
    executor_timeout_secs: u64,
    /// Seconds a finished query's result stays available for fetching.
    #[arg(long, env = "KILN_RESULT_TTL_SECS", default_value_t = 600)]
    result_ttl_secs: u64,
    /// The gRPC message size limit in bytes; must match the rest of the cluster.
    #[arg(long, env = "KILN_MAX_MESSAGE_SIZE", default_value_t = DEFAULT_MAX_MESSAGE_SIZE)]
    max_message_size: usize,
    /// Log as JSON lines instead of text.
    #[arg(long, env = "KILN_LOG_JSON")]
    log_json: bool,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    kiln_core::runtime::init_logging(args.log_json, "info");
    let config = CoordinatorConfig {
        bind_host: args.bind_host,
        port: args.port,
        shuffle_partitions: args.shuffle_partitions.max(1),
        max_task_attempts: args.max_task_attempts.max(1),
        executor_timeout: Duration::from_secs(args.executor_timeout_secs.max(1)),
        result_ttl: Duration::from_secs(args.result_ttl_secs),
        max_message_size: args.max_message_size,
    };
    let coordinator = match Coordinator::start(config).await {
        Ok(coordinator) => coordinator,
        Err(e) => {
            eprintln!("kiln-coordinator: {e}");
            std::process::exit(1);
        }
    };
    kiln_core::runtime::shutdown_signal().await;
    coordinator.shutdown().await;
}
