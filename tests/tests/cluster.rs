//! Cluster behaviour on real processes: large results streaming to the client, graceful
//! executor shutdown, the protocol handshake.

use arrow::array::{Array, Int64Array};
use futures::StreamExt;
use kiln_tests::cluster::ClusterOptions;
use kiln_tests::{TestCluster, run_to_success, sql_job};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ten_million_row_result_streams_to_the_client() {
    let cluster = TestCluster::start(ClusterOptions::default()).await;
    let client = cluster.client().await;
    let spec = sql_job(
        "ten-million",
        &[],
        "SELECT value FROM generate_series(1, 10000000)",
    );
    let status = run_to_success(&client, spec).await;
    assert_eq!(status.result.as_ref().unwrap().rows, 10_000_000);

    // Count and sum batch by batch: the client never holds the whole result.
    let mut batches = client.results(&status).expect("results");
    let (mut rows, mut sum, mut largest_batch) = (0u64, 0i128, 0usize);
    while let Some(batch) = batches.next().await {
        let batch = batch.expect("a batch");
        let values = batch
            .column(0)
            .as_any()
            .downcast_ref::<Int64Array>()
            .expect("int64 values");
        rows += values.len() as u64;
        sum += values.values().iter().map(|v| *v as i128).sum::<i128>();
        largest_batch = largest_batch.max(values.len());
    }
    assert_eq!(rows, 10_000_000);
    assert_eq!(sum, 10_000_000i128 * 10_000_001 / 2);
    assert!(
        largest_batch <= 1 << 20,
        "batches stream in pieces, got one of {largest_batch}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_drains_an_executor_and_it_leaves_the_cluster() {
    let mut cluster = TestCluster::start(ClusterOptions::default()).await;
    let status = cluster.terminate_executor(1);
    assert!(
        status.success(),
        "a drained executor exits cleanly: {status:?}"
    );
    cluster.wait_for_executors(1).await;

    // The remaining executor still runs jobs.
    let client = cluster.client().await;
    let spec = sql_job(
        "after-drain",
        &[],
        "SELECT sum(value) AS n FROM generate_series(1, 1000)",
    );
    run_to_success(&client, spec).await;
}
