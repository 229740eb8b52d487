//! Submit -> SUCCEEDED for a trivial job on a warm cluster, through the SDK and through the
//! `kiln` CLI (a new process per job, as a script would run it).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use kiln_tests::TestCluster;
use kiln_tests::cluster::{ClusterOptions, binary};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

/// Runs `runs` trivial jobs each way and writes p50/p99 to `out`.
pub async fn run(runs: usize, out: &Path) {
    let cluster = TestCluster::start(ClusterOptions {
        executors: 2,
        slots: 2,
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    let job = || kiln_tests::sql_job("trivial", &[], "SELECT 1 AS one");
    // Warm up connections and code paths.
    for _ in 0..10 {
        kiln_tests::run_to_success(&client, job()).await;
    }
    let mut sdk = vec![];
    for _ in 0..runs {
        let started = Instant::now();
        kiln_tests::run_to_success(&client, job()).await;
        sdk.push(started.elapsed());
    }
    let dir = tempfile::tempdir().expect("a temp dir");
    let file = dir.path().join("trivial.toml");
    std::fs::write(
        &file,
        "name = \"trivial\"\n[[step]]\nname = \"q\"\nsql = \"SELECT 1 AS one\"\n",
    )
    .expect("writing the job file");
    let mut cli = vec![];
    for _ in 0..runs {
        let started = Instant::now();
        let output = Command::new(binary("kiln"))
            .args(["submit", file.to_str().unwrap(), "--wait"])
            .env("KILN_COORDINATOR", &cluster.coordinator_url)
            .output()
            .expect("running kiln");
        assert!(output.status.success(), "{output:?}");
        cli.push(started.elapsed());
    }
    sdk.sort();
    cli.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let report = format!(
        "# Trivial job latency: submit -> SUCCEEDED on a warm cluster\n\n\
         - `SELECT 1` as a job; 1 coordinator + 2 executors (processes on loopback); release build\n\
         - {runs} runs each; SDK: `Client::submit` + `wait` in one process; CLI: `kiln submit --wait`, \
         a new process per job (includes process start and connecting)\n\
         - machine: {} cores\n\n\
         | path | p50 (ms) | p99 (ms) |\n|---|---|---|\n\
         | SDK | {:.1} | {:.1} |\n| CLI | {:.1} | {:.1} |\n",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0),
        ms(percentile(&sdk, 0.5)),
        ms(percentile(&sdk, 0.99)),
        ms(percentile(&cli, 0.5)),
        ms(percentile(&cli, 0.99)),
    );
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).expect("creating the results directory");
    }
    std::fs::write(out, &report).expect("writing results");
    println!("{report}");
}
