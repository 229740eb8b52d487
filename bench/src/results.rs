//! Reading a job's result through the coordinator against reading it from the executors
//! directly: the same result (kept on the executors after the job) read several times each
//! way, interleaved, in rows per second; and how much the coordinator's peak memory grew.

use std::path::Path;
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use kiln_client::{Client, ResultRoute, proto};
use kiln_tests::TestCluster;
use kiln_tests::cluster::ClusterOptions;

/// Reads the whole result of `status` by `client`; returns the rows and how long it took.
async fn read(client: &Client, status: &proto::JobStatus) -> (usize, Duration) {
    let started = Instant::now();
    let rows = client
        .results(status)
        .expect("a succeeded job")
        .try_fold(0, |rows, batch| async move { Ok(rows + batch.num_rows()) })
        .await
        .expect("reading the result");
    (rows, started.elapsed())
}

/// Runs one query of `rows` rows and reads its result `runs` times each way; writes the
/// figures to `out`.
pub async fn run(rows: u64, runs: usize, out: &Path) {
    let cluster = TestCluster::start(ClusterOptions {
        executors: 2,
        slots: 2,
        shuffle_partitions: 4,
        ..ClusterOptions::default()
    })
    .await;
    let direct = cluster.client_reading(ResultRoute::Direct).await;
    let through = cluster.client_reading(ResultRoute::Coordinator).await;
    // Spread over the executors by a shuffle, as a real query's result is.
    let sql = format!(
        "SELECT value, concat('row-', CAST(value AS VARCHAR)) AS label \
         FROM generate_series(1, {rows}) ORDER BY value % 4, value"
    );
    let status =
        kiln_tests::run_to_success(&direct, kiln_tests::sql_job("result", &[], &sql)).await;
    let partitions = status.result.as_ref().map_or(0, |r| r.partitions.len());
    let pid = cluster.coordinator_pid(0).expect("the coordinator runs");
    // Warm both paths' connections.
    read(&direct, &status).await;
    read(&through, &status).await;
    let memory_before = crate::process_memory::peak_resident(pid);
    let (mut direct_rates, mut through_rates) = (vec![], vec![]);
    for _ in 0..runs {
        for (client, rates) in [(&direct, &mut direct_rates), (&through, &mut through_rates)] {
            let (read_rows, took) = read(client, &status).await;
            assert_eq!(read_rows as u64, rows, "a read lost or repeated rows");
            rates.push(read_rows as f64 / took.as_secs_f64());
        }
    }
    let growth = crate::process_memory::peak_resident(pid).saturating_sub(memory_before);
    let median = |rates: &mut Vec<f64>| {
        rates.sort_by(f64::total_cmp);
        rates[rates.len() / 2]
    };
    let (direct_median, through_median) = (median(&mut direct_rates), median(&mut through_rates));
    let report = format!(
        "# Results through the coordinator against direct reads from executors\n\n\
         - one result of {rows} rows (an int64 and a short string each) in {partitions} \
         partitions on 2 executors, read {runs} times each way, interleaved, with the SDK; \
         1 coordinator + 2 executors (processes on loopback); release build\n\
         - machine: {} cores; rows per second of the whole read, median of the runs\n\n\
         | route | rows/s (median) | best |\n|---|---|---|\n\
         | direct from executors | {:.0} | {:.0} |\n\
         | through the coordinator | {:.0} | {:.0} |\n\n\
         Through the coordinator: **{:.0}%** of direct (target: at least 80%).\n\
         The coordinator's peak memory grew by {:.1} MB over the {} reads through it.\n",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0),
        direct_median,
        direct_rates.last().copied().unwrap_or(0.0),
        through_median,
        through_rates.last().copied().unwrap_or(0.0),
        100.0 * through_median / direct_median,
        growth as f64 / 1e6,
        runs,
    );
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).expect("creating the results directory");
    }
    std::fs::write(out, &report).expect("writing results");
    println!("{report}");
}
