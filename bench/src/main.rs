//! `kiln-bench`: Kiln's benchmarks, run from a release build.
//!
//! - `kiln-bench tpch --scale 1` generates TPC-H data (Parquet, several files per table), starts
//!   a Kiln cluster of real processes (one coordinator, two executors) and runs the 22 queries on
//!   it and on single-process DataFusion over the same files, and writes the times and their
//!   ratio to `bench/results/`.
//! - `kiln-bench load` loads a taxi-like CSV from a real S3 server into PostgreSQL and MariaDB
//!   with Kiln, and the same file with `psql \\copy` and `LOAD DATA LOCAL INFILE`.
//! - `kiln-bench latency` times submit -> SUCCEEDED of a trivial job, with the SDK and the CLI.
//! - `kiln-bench scheduler` drives the real scheduler with simulated executors: task
//!   assignments per second with 1, 100 and 1,000 concurrent jobs, and writes per job.
//! - `kiln-bench state` times submit -> first task and counts state-store writes per job, with
//!   etcd and with the in-memory store.
//! - `kiln-bench history` runs many finished jobs on etcd-backed processes and reports etcd's
//!   size, the leader's memory and the failover time as the history grows.
//! - `kiln-bench crawl` crawls many small objects in 1,000 partitions on a real S3 server,
//!   recrawls after 1% new objects, and plans a pruned query on 100,000 partitions, against a
//!   bare object_store listing.
//! - `kiln-bench triggers` times an S3 event until its job runs, and a cron tick until its
//!   job's first task launched, with 1,000 schedules defined.
//! - `kiln-bench chaos` runs seeded fault scenarios (leader killed, frozen or cut off from etcd
//!   at each commit step, executors lost, etcd down, a submit storm, concurrent sinks) against
//!   real processes and counts rows
//!   lost or duplicated, lying job states, hangs and leftovers.
//! - `kiln-bench results` reads one large result through the coordinator and directly from
//!   the executors, in rows per second.
//! - `kiln-bench logs` parses combined-format access logs to Parquet: built-in parser on one
//!   and all cores, as a Kiln job, and a regex baseline.

mod chaos;
mod counting_store;
mod crawl;
mod history;
mod latency;
mod load;
mod logs;
mod memory;
mod process_memory;
mod results;
mod scheduler;
mod state;
mod tpch;
mod triggers;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "kiln-bench")]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// TPC-H: Kiln cluster against single-process DataFusion on the same files.
    Tpch {
        /// The TPC-H scale factor.
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        /// Files per large table.
        #[arg(long, default_value_t = 4)]
        files: usize,
        /// Partitions per shuffle (Kiln) and target partitions (DataFusion).
        #[arg(long, default_value_t = 2)]
        partitions: usize,
        /// Task slots per executor.
        #[arg(long, default_value_t = 1)]
        slots: usize,
        /// The executors' --shuffle-compression (lz4, zstd or none).
        #[arg(long, default_value = "lz4")]
        shuffle_compression: String,
        /// Runs per query and engine; the fastest counts.
        #[arg(long, default_value_t = 2)]
        runs: usize,
        /// Where the data goes.
        #[arg(long, default_value = "bench/data")]
        data_dir: PathBuf,
        /// A Python with pyspark: also runs the queries on Spark local[partitions], after the
        /// others (see bench/README.md).
        #[arg(long)]
        spark_python: Option<PathBuf>,
        /// The results file.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// S3 CSV -> PostgreSQL and MariaDB: Kiln against each database's own bulk loader.
    Load {
        /// Rows of taxi-like CSV (about 100 bytes each).
        #[arg(long, default_value_t = 10_000_000)]
        rows: usize,
        /// Partitions of the Kiln job: the database publishes each as soon as it is loaded.
        #[arg(long, default_value_t = 16)]
        partitions: usize,
        /// The PostgreSQL sink's max_connections (loads at once).
        #[arg(long, default_value_t = 2)]
        postgres_connections: u32,
        /// The MySQL sink's max_connections (loads at once).
        #[arg(long, default_value_t = 1)]
        mysql_connections: u32,
        /// Where the data goes.
        #[arg(long, default_value = "bench/data")]
        data_dir: PathBuf,
        /// The results file.
        #[arg(long, default_value = "bench/results/load.md")]
        out: PathBuf,
    },
    /// Job history: etcd size, leader memory and failover time as finished jobs accumulate.
    History {
        /// Finished jobs to run before the leader is killed.
        #[arg(long, default_value_t = 1000)]
        jobs: usize,
        /// The coordinators' --history-limit.
        #[arg(long, default_value_t = 250)]
        history_limit: usize,
        /// The results file.
        #[arg(long, default_value = "bench/results/history.md")]
        out: PathBuf,
    },
    /// Access logs -> Parquet: MB/s per core, against a regex parser.
    Logs {
        /// MB of log to generate and parse.
        #[arg(long, default_value_t = 1000)]
        mb: usize,
        /// Where the data goes.
        #[arg(long, default_value = "bench/data")]
        data_dir: PathBuf,
        /// The results file.
        #[arg(long, default_value = "bench/results/logs.md")]
        out: PathBuf,
    },
    /// A large result read through the coordinator against directly from the executors.
    Results {
        /// Rows of the result.
        #[arg(long, default_value_t = 20_000_000)]
        rows: u64,
        /// Reads each way.
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// The results file.
        #[arg(long, default_value = "bench/results/results.md")]
        out: PathBuf,
    },
    /// Executor memory: TPC-H queries on executors in memory cgroups against no limit.
    Memory {
        /// The TPC-H scale factor.
        #[arg(long, default_value_t = 10.0)]
        scale: f64,
        /// Files per large table.
        #[arg(long, default_value_t = 8)]
        files: usize,
        /// Each executor's memory limit (its cgroup's), in MiB.
        #[arg(long, default_value_t = 2048)]
        limit_mb: u64,
        /// The queries to run.
        #[arg(long, value_delimiter = ',', default_value = "18,21")]
        queries: Vec<usize>,
        /// Where the data goes.
        #[arg(long, default_value = "bench/data")]
        data_dir: PathBuf,
        /// The results file.
        #[arg(long, default_value = "bench/results/memory.md")]
        out: PathBuf,
    },
    /// Submit -> first task latency and writes per job, etcd against the in-memory store.
    State {
        /// Jobs per store.
        #[arg(long, default_value_t = 200)]
        runs: usize,
        /// The results file.
        #[arg(long, default_value = "bench/results/state.md")]
        out: PathBuf,
    },
    /// Scheduler throughput with simulated executors: assignments per second, writes per job.
    Scheduler {
        /// The results file.
        #[arg(long, default_value = "bench/results/scheduler.md")]
        out: PathBuf,
    },
    /// Crawls on the S3 server: full, incremental, and pruned planning on 100,000 partitions.
    Crawl {
        /// Objects in each of the 1,000 partitions.
        #[arg(long, default_value_t = 100)]
        per_partition: usize,
        /// The results file.
        #[arg(long, default_value = "bench/results/crawl.md")]
        out: PathBuf,
    },
    /// Fault scenarios against real processes: rows lost or duplicated, lying states, hangs.
    Chaos {
        /// The scenarios to run, comma-separated.
        #[arg(long, value_enum, value_delimiter = ',', default_values_t = [
            chaos::Scenario::LeaderKill,
            chaos::Scenario::LeaderPause,
            chaos::Scenario::ExecutorRestart,
            chaos::Scenario::ExecutorsLost,
            chaos::Scenario::EtcdDown,
            chaos::Scenario::SubmitStorm,
            chaos::Scenario::LeaderCutOff,
            chaos::Scenario::EtcdSlow,
            chaos::Scenario::ConcurrentSinks,
            chaos::Scenario::PostgresRestart,
        ])]
        scenarios: Vec<chaos::Scenario>,
        /// Seeded runs of each scenario.
        #[arg(long, default_value_t = 30)]
        runs: usize,
        /// The seed of the first run (run i uses seed + i).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Numbered rows each job loads.
        #[arg(long, default_value_t = 900_000)]
        rows: usize,
        /// The results file.
        #[arg(long, default_value = "bench/results/chaos.md")]
        out: PathBuf,
    },
    /// Submit -> SUCCEEDED of a trivial job on a warm cluster, SDK and CLI.
    Latency {
        /// Jobs per path.
        #[arg(long, default_value_t = 200)]
        runs: usize,
        /// The results file.
        #[arg(long, default_value = "bench/results/latency.md")]
        out: PathBuf,
    },
    /// S3 event -> job RUNNING and cron tick -> first task, with 1,000 schedules defined.
    Triggers {
        /// Events posted, one at a time.
        #[arg(long, default_value_t = 100)]
        events: usize,
        /// Ticks of the one-second schedule.
        #[arg(long, default_value_t = 60)]
        ticks: usize,
        /// The results file.
        #[arg(long, default_value = "bench/results/triggers.md")]
        out: PathBuf,
    },
}

#[tokio::main]
async fn main() {
    match Args::parse().command {
        Command::Tpch {
            scale,
            files,
            partitions,
            slots,
            shuffle_compression,
            runs,
            data_dir,
            spark_python,
            out,
        } => {
            let cluster = tpch::KilnCluster {
                partitions,
                slots,
                shuffle_compression,
            };
            tpch::run(scale, files, cluster, runs, data_dir, spark_python, out).await
        }
        Command::Load {
            rows,
            partitions,
            postgres_connections,
            mysql_connections,
            data_dir,
            out,
        } => {
            let kiln = load::KilnLoad {
                partitions,
                postgres_connections,
                mysql_connections,
            };
            load::run(rows, kiln, &data_dir, &out).await
        }
        Command::Chaos {
            scenarios,
            runs,
            seed,
            rows,
            out,
        } => chaos::run(&scenarios, runs, seed, rows, &out).await,
        Command::Latency { runs, out } => latency::run(runs, &out).await,
        Command::Results { rows, runs, out } => results::run(rows, runs, &out).await,
        Command::Memory {
            scale,
            files,
            limit_mb,
            queries,
            data_dir,
            out,
        } => memory::run(scale, files, limit_mb, &queries, &data_dir, &out).await,
        Command::Triggers { events, ticks, out } => triggers::run(events, ticks, &out).await,
        Command::Crawl { per_partition, out } => crawl::run(per_partition, &out).await,
        Command::Scheduler { out } => scheduler::run(&out).await,
        Command::State { runs, out } => state::run(runs, &out).await,
        Command::Logs { mb, data_dir, out } => logs::run(mb, &data_dir, &out).await,
        Command::History {
            jobs,
            history_limit,
            out,
        } => history::run(jobs, history_limit, &out).await,
    }
}
