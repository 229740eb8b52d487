//! TPC-H: the 22 queries on a Kiln cluster and on single-process DataFusion over the same
//! files, alternating the two per query, and, when asked, on Spark in local mode after them
//! (`bench/peers/spark_tpch.py`).

use std::path::{Path, PathBuf};
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

/// What one peer engine made of one query.
enum PeerTime {
    Ran(Duration),
    Failed(String),
}

/// The TPC-H data at `scale` in `files` files per large table under `data_dir`, generated on
/// first use; its absolute path.
pub fn dataset(data_dir: &Path, scale: f64, files: usize) -> PathBuf {
    let data = data_dir.join(format!("tpch-sf{scale}-{files}files"));
    if !data.join("_COMPLETE").exists() {
        eprintln!("generating TPC-H SF{scale} into {}", data.display());
        tpch::generate(&data, scale, files).expect("generating data");
        std::fs::write(data.join("_COMPLETE"), b"").expect("marking data complete");
    }
    std::path::absolute(&data).expect("an absolute data path")
}

/// Runs the TPC-H comparison and writes its report.
pub async fn run(
    scale: f64,
    files: usize,
    kiln: KilnCluster,
    runs: usize,
    data_dir: PathBuf,
    spark_python: Option<PathBuf>,
    out: Option<PathBuf>,
) {
    let KilnCluster {
        partitions,
        slots,
        shuffle_compression,
    } = kiln;
    let data = dataset(&data_dir, scale, files);
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

    drop(client);
    drop(cluster);
    // Spark runs after the others, alone on the machine (its JVM would disturb them).
    let spark = spark_python.map(|python| run_spark(&python, &data, partitions, runs));

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
         {}\
         | query | DataFusion (s) | DataFusion, Kiln's settings (s) | Kiln (s) | Kiln / DataFusion |{}\n\
         |---|---|---|---|---|{}\n",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0),
        if spark.is_some() {
            format!(
                "- Spark: local[{partitions}] in one JVM (pyspark), adaptive execution on, \
                 shuffle partitions = {partitions}, the same files, after the others in the same run; \
                 its time covers planning and collecting the rows on the driver\n\n"
            )
        } else {
            "\n".into()
        },
        if spark.is_some() {
            " Spark (s) | Kiln / Spark |"
        } else {
            ""
        },
        if spark.is_some() { "---|---|" } else { "" },
    );
    let mut total_spark = 0.0;
    let mut spark_failed = vec![];
    for (i, (n, local, restricted, kiln)) in rows.iter().enumerate() {
        report.push_str(&format!(
            "| q{n} | {:.3} | {:.3} | {:.3} | {:.2} |",
            local.as_secs_f64(),
            restricted.as_secs_f64(),
            kiln.as_secs_f64(),
            kiln.as_secs_f64() / local.as_secs_f64()
        ));
        match spark.as_ref().map(|times| &times[i]) {
            Some(PeerTime::Ran(time)) => {
                total_spark += time.as_secs_f64();
                report.push_str(&format!(
                    " {:.3} | {:.3} |",
                    time.as_secs_f64(),
                    kiln.as_secs_f64() / time.as_secs_f64()
                ));
            }
            Some(PeerTime::Failed(error)) => {
                spark_failed.push(format!("q{n}: {error}"));
                report.push_str(" failed | - |");
            }
            None => {}
        }
        report.push('\n');
    }
    report.push_str(&format!(
        "| **total** | **{total_local:.3}** | **{total_restricted:.3}** | **{total_kiln:.3}** | **{:.2}** |",
        total_kiln / total_local
    ));
    if spark.is_some() {
        // A failed query leaves the peer's total incomplete; the total says so.
        let incomplete = if spark_failed.is_empty() {
            ""
        } else {
            " (incomplete)"
        };
        report.push_str(&format!(
            " **{total_spark:.3}{incomplete}** | **{:.3}** |",
            total_kiln / total_spark
        ));
    }
    report.push('\n');
    if !spark_failed.is_empty() {
        report.push_str("\nQueries Spark failed:\n");
        for failure in &spark_failed {
            report.push_str(&format!("- {failure}\n"));
        }
    }
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

/// Runs the 22 queries on Spark with `python` (which must have pyspark), fastest of `runs`
/// each; a query Spark fails is reported as failed.
fn run_spark(python: &Path, data: &Path, cores: usize, runs: usize) -> Vec<PeerTime> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    eprintln!("running the queries on Spark local[{cores}]");
    let output = std::process::Command::new(python)
        .arg(root.join("peers/spark_tpch.py"))
        .arg("--data")
        .arg(data)
        .arg("--queries")
        .arg(root.join("../tests/tpch"))
        .args(["--cores", &cores.to_string(), "--runs", &runs.to_string()])
        .stderr(std::process::Stdio::inherit())
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e} (make one with `python3 -m venv ~/.local/kiln-spark && \
                 ~/.local/kiln-spark/bin/pip install pyspark`)",
                python.display()
            )
        });
    assert!(
        output.status.success(),
        "the Spark runner failed ({}); is pyspark installed for {} and Java 17 on the PATH?",
        output.status,
        python.display()
    );
    let mut times: Vec<PeerTime> = (1..=22)
        .map(|_| PeerTime::Failed("no answer from the runner".into()))
        .collect();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(answer) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let Some(n) = answer["query"].as_u64().filter(|n| (1..=22).contains(n)) else {
            continue;
        };
        times[n as usize - 1] = match (answer["seconds"].as_f64(), answer["error"].as_str()) {
            (Some(seconds), _) => PeerTime::Ran(Duration::from_secs_f64(seconds)),
            (None, error) => PeerTime::Failed(error.unwrap_or("no time given").to_string()),
        };
    }
    times
}
