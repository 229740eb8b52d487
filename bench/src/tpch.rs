//! TPC-H: the 22 queries on a Kiln cluster and on single-process DataFusion over the same
//! files, alternating the two per query.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use datafusion::prelude::{SessionConfig, SessionContext};
use futures::TryStreamExt;
use kiln_client::Client;
use kiln_tests::TestCluster;
use kiln_tests::cluster::ClusterOptions;
use kiln_tests::tpch;

/// How the Kiln cluster of the comparison is set up.
pub struct KilnCluster {
    /// Partitions per shuffle (and DataFusion's target partitions).
    pub partitions: usize,
    /// Task slots per executor.
    pub slots: usize,
    /// The executors' `--shuffle-compression`.
    pub shuffle_compression: String,
}

/// Runs the TPC-H comparison and writes its report.
pub async fn run(
    scale: f64,
    files: usize,
    kiln: KilnCluster,
    runs: usize,
    data_dir: PathBuf,
    out: Option<PathBuf>,
) {
    let KilnCluster {
        partitions,
        slots,
        shuffle_compression,
    } = kiln;
    let data = data_dir.join(format!("tpch-sf{scale}-{files}files"));
    if !data.join("_COMPLETE").exists() {
        eprintln!("generating TPC-H SF{scale} into {}", data.display());
        tpch::generate(&data, scale, files).expect("generating data");
        std::fs::write(data.join("_COMPLETE"), b"").expect("marking data complete");
    }
    let data = std::path::absolute(&data).expect("an absolute data path");
    let setup = tpch::create_tables_sql(&data);

    let local =
        SessionContext::new_with_config(SessionConfig::new().with_target_partitions(partitions));
    // The same single process with the settings Kiln plans with: what those settings cost,
    // apart from running on a cluster.
    let restricted =
        SessionContext::new_with_config(kiln_core::config::distributed_session_config(partitions));
    for statement in &setup {
        local.sql(statement).await.expect("registering a table");
        restricted
            .sql(statement)
            .await
            .expect("registering a table");
    }
    let cluster = TestCluster::start(ClusterOptions {
        executors: 2,
        slots,
        shuffle_partitions: partitions,
        lease_ttl_secs: 30,
        executor_flags: vec![vec![
            "--shuffle-compression".into(),
            shuffle_compression.clone(),
        ]],
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;

    let mut rows = vec![];
    for n in 1..=22 {
        let sql = tpch::query(n);
        let mut best_local = Duration::MAX;
        let mut best_restricted = Duration::MAX;
        let mut best_kiln = Duration::MAX;
        for _ in 0..runs {
            best_local = best_local.min(run_local(&local, &sql).await);
            best_restricted = best_restricted.min(run_local(&restricted, &sql).await);
            best_kiln = best_kiln.min(run_kiln(&client, &setup, n, &sql).await);
        }
        eprintln!(
            "q{n:<2} datafusion {:>8.3}s  with kiln's settings {:>8.3}s  kiln {:>8.3}s  ratio {:.2}",
            best_local.as_secs_f64(),
            best_restricted.as_secs_f64(),
            best_kiln.as_secs_f64(),
            best_kiln.as_secs_f64() / best_local.as_secs_f64()
        );
        rows.push((n, best_local, best_restricted, best_kiln));
    }

    let total_local: f64 = rows.iter().map(|r| r.1.as_secs_f64()).sum();
    let total_restricted: f64 = rows.iter().map(|r| r.2.as_secs_f64()).sum();
    let total_kiln: f64 = rows.iter().map(|r| r.3.as_secs_f64()).sum();
    let mut report = format!(
        "# TPC-H SF{scale}: Kiln cluster vs single-process DataFusion\n\n\
         - machine: {} cores; release build; data: tpchgen, Parquet, {files} files per large table\n\
         - Kiln: 1 coordinator + 2 executor processes, {slots} slot(s) each, {partitions} partitions per shuffle, \
         shuffle compression {shuffle_compression}\n\
         - DataFusion: one SessionContext, target_partitions = {partitions}, same files, same run\n\
         - \"DataFusion, Kiln's settings\": the same single process planning with the settings Kiln plans with \
         (`distributed_session_config`), to tell what those cost apart from the cluster\n\
         - each figure is the fastest of {runs} runs; Kiln's includes submit, scheduling and fetching the result\n\n\
         | query | DataFusion (s) | DataFusion, Kiln's settings (s) | Kiln (s) | Kiln / DataFusion |\n\
         |---|---|---|---|---|\n",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0)
    );
    for (n, local, restricted, kiln) in &rows {
        report.push_str(&format!(
            "| q{n} | {:.3} | {:.3} | {:.3} | {:.2} |\n",
            local.as_secs_f64(),
            restricted.as_secs_f64(),
            kiln.as_secs_f64(),
            kiln.as_secs_f64() / local.as_secs_f64()
        ));
    }
    report.push_str(&format!(
        "| **total** | **{total_local:.3}** | **{total_restricted:.3}** | **{total_kiln:.3}** | **{:.2}** |\n",
        total_kiln / total_local
    ));
    let out = out.unwrap_or_else(|| PathBuf::from(format!("bench/results/tpch-sf{scale}.md")));
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).expect("creating the results directory");
    }
    std::fs::write(&out, &report).expect("writing results");
    println!("{report}");
    eprintln!("written to {}", out.display());
}

async fn run_local(ctx: &SessionContext, sql: &str) -> Duration {
    let started = Instant::now();
    let batches = ctx
        .sql(sql)
        .await
        .expect("planning")
        .collect()
        .await
        .expect("running");
    std::hint::black_box(batches);
    started.elapsed()
}

async fn run_kiln(client: &Client, setup: &[String], n: usize, sql: &str) -> Duration {
    let spec = kiln_tests::sql_job(&format!("tpch-q{n}"), setup, sql);
    let started = Instant::now();
    let status = kiln_tests::run_to_success(client, spec).await;
    let batches: Vec<_> = client
        .results(&status)
        .expect("results")
        .try_collect()
        .await
        .expect("fetching results");
    std::hint::black_box(batches);
    started.elapsed()
}
