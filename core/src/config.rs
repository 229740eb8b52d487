//! Settings shared by every Kiln process.

use datafusion::execution::cache::cache_manager::CacheManagerConfig;
use datafusion::prelude::SessionConfig;

pub use kiln_wire::DEFAULT_MAX_MESSAGE_SIZE;

/// How much of its shuffle output (MiB) an executor keeps in memory unless told otherwise.
pub const DEFAULT_SHUFFLE_MEMORY_MB: usize = 1024;

/// How many partitions a shuffle has when a job does not say.
pub const DEFAULT_SHUFFLE_PARTITIONS: usize = 8;

/// How many attempts a task gets before its job fails, when a job does not say.
pub const DEFAULT_MAX_TASK_ATTEMPTS: u32 = 4;

/// The TTL of leases in the state store (the leader's and each executor's), in seconds: a
/// dead process is noticed, and a standby coordinator takes over, within this time.
pub const DEFAULT_LEASE_TTL_SECS: u64 = 10;

/// The default prefix of a Kiln cluster's keys in etcd.
pub const DEFAULT_ETCD_PREFIX: &str = "/kiln/";

/// The largest estimated build side (bytes) of a join planned as a broadcast.
pub const BROADCAST_JOIN_MAX_BYTES: usize = 16 * 1024 * 1024;
/// The largest estimated build side (rows) of a join planned as a broadcast.
pub const BROADCAST_JOIN_MAX_ROWS: usize = 1024 * 1024;

/// The caches of a runtime that outlives one job: none of directory listings or of file
/// statistics. Files land and are rewritten between jobs, and DataFusion by default keeps a
/// listing forever and trusts statistics while a file's size and modification time hold, so
/// a later job would miss new files or count a rewritten one by its old contents.
pub fn long_lived_caches() -> CacheManagerConfig {
    CacheManagerConfig::default()
        .with_list_files_cache_limit(0)
        .with_file_statistics_cache_limit(0)
}

/// The DataFusion settings Kiln plans distributed queries with.
///
/// Some single-process optimizations assume that every partition of a plan runs in one
/// process and shares memory; they are turned off because Kiln runs partitions as separate
/// tasks on separate executors:
/// - dynamic filters link a join to a scan in another stage through shared memory;
/// - physical scalar subqueries run a whole subplan inside one operator;
/// - round-robin repartitioning would add a network shuffle after every scan;
/// - file-scan work stealing lets one partition read its siblings' files, which in a task
///   that runs alone means every task reads every file.
///
/// A table over a directory reads every file below it, as Athena and Glue do with an S3
/// prefix (logs are typically nested by date: `logs/2024/01/02/...`).
///
/// A join whose build side is small is planned as a broadcast: every task of the probe stage
/// reads the whole build side from the stage that produced it.
pub fn distributed_session_config(shuffle_partitions: usize) -> SessionConfig {
    let mut config = SessionConfig::new()
        .with_target_partitions(shuffle_partitions.max(1))
        .with_round_robin_repartition(false)
        .with_information_schema(true);
    let options = config.options_mut();
    options.execution.enable_file_stream_work_stealing = false;
    options.execution.listing_table_ignore_subdirectory = false;
    options.optimizer.enable_dynamic_filter_pushdown = false;
    options.optimizer.enable_join_dynamic_filter_pushdown = false;
    options.optimizer.enable_topk_dynamic_filter_pushdown = false;
    options.optimizer.enable_aggregate_dynamic_filter_pushdown = false;
    options
        .optimizer
        .enable_physical_uncorrelated_scalar_subquery = false;
    options.optimizer.hash_join_single_partition_threshold = BROADCAST_JOIN_MAX_BYTES;
    options.optimizer.hash_join_single_partition_threshold_rows = BROADCAST_JOIN_MAX_ROWS;
    config
}
