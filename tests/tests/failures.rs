//! Failures on a real cluster: a killed executor, a corrupt input file, bad jobs at submit,
//! tasks over their memory limit (failing, or spilling).

use std::time::{Duration, Instant};

use arrow::array::AsArray;
use arrow::datatypes::Int64Type;
use futures::TryStreamExt;
use kiln_client::{Client, ClientError, proto};
use kiln_tests::cluster::ClusterOptions;
use kiln_tests::{TestCluster, compare, sql_job, tpch};

async fn fetch(client: &Client, status: &proto::JobStatus) -> Vec<arrow::array::RecordBatch> {
    client
        .results(status)
        .expect("results")
        .try_collect()
        .await
        .expect("fetching results")
}

/// A query heavy enough to be caught mid-flight: a join and two aggregations over lineitem.
const HEAVY_QUERY: &str = "
    SELECT o_orderpriority, count(*) AS lines, sum(l_extendedprice) AS price
    FROM lineitem JOIN orders ON l_orderkey = o_orderkey
    WHERE l_orderkey IN (SELECT l_orderkey FROM lineitem GROUP BY l_orderkey HAVING sum(l_quantity) > 150)
    GROUP BY o_orderpriority ORDER BY o_orderpriority";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_query_survives_sigkill_of_an_executor() {
    let data = tpch::dataset(0.1, 3);
    let setup = tpch::create_tables_sql(&data);
    let expected = compare::local_result(&setup, HEAVY_QUERY).await;

    let mut cluster = TestCluster::start(ClusterOptions {
        executors: 3,
        slots: 1,
        shuffle_partitions: 12,
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    let job_id = client
        .submit(sql_job("heavy", &setup, HEAVY_QUERY))
        .await
        .expect("submitting");

    // Wait until some stage has finished (its outputs live on the executors) and the job
    // is still running, then kill an executor.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let status = client.get(&job_id).await.expect("status");
        assert_eq!(
            status.state,
            proto::JobState::Running as i32,
            "the job ended before an executor could be killed: {} {}",
            kiln_client::state_name(status.state),
            status.error
        );
        if status
            .stages
            .iter()
            .any(|s| s.state == proto::StageState::Succeeded as i32)
        {
            break;
        }
        assert!(Instant::now() < deadline, "no stage finished in time");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    cluster.kill_executor(0);

    let status = client.wait(&job_id).await.expect("waiting");
    assert_eq!(
        status.state,
        proto::JobState::Succeeded as i32,
        "job {}: {}\n{}",
        kiln_client::state_name(status.state),
        status.error,
        cluster.logs()
    );
    compare::same_rows(&expected, &fetch(&client, &status).await).expect("same rows");
    cluster.wait_for_executors(2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupt_file_fails_its_job_with_the_file_named_and_spares_the_other_job() {
    let data = tpch::dataset(0.1, 3);
    // A copy of orders where one file keeps its footer but has garbage in its data pages.
    let dir = tempfile::tempdir().unwrap();
    let orders = dir.path().join("orders");
    std::fs::create_dir_all(&orders).unwrap();
    for entry in std::fs::read_dir(data.join("orders")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), orders.join(entry.file_name())).unwrap();
    }
    let corrupt = orders.join("part-2.parquet");
    let mut bytes = std::fs::read(&corrupt).unwrap();
    let half = bytes.len() / 2;
    for b in &mut bytes[4..half] {
        *b = 0xA5;
    }
    std::fs::write(&corrupt, bytes).unwrap();

    let cluster = TestCluster::start(ClusterOptions::default()).await;
    let client = cluster.client().await;
    let bad = sql_job(
        "reads-corrupt-file",
        &[format!(
            "CREATE EXTERNAL TABLE orders STORED AS PARQUET LOCATION '{}/'",
            orders.display()
        )],
        "SELECT o_orderstatus, sum(o_totalprice) FROM orders GROUP BY o_orderstatus",
    );
    let good_sql = "SELECT l_returnflag, count(*) AS n FROM lineitem GROUP BY l_returnflag ORDER BY l_returnflag";
    let setup = tpch::create_tables_sql(&data);
    let good = sql_job("healthy-neighbour", &setup, good_sql);

    let (bad_id, good_id) = (
        client
            .submit(bad)
            .await
            .expect("the corrupt job is accepted (its footer is fine)"),
        client.submit(good).await.expect("submitting"),
    );
    let (bad_status, good_status) =
        futures::try_join!(client.wait(&bad_id), client.wait(&good_id)).expect("waiting");

    assert_eq!(bad_status.state, proto::JobState::Failed as i32);
    let error = &bad_status.error;
    assert!(error.contains("stage "), "names the stage: {error}");
    assert!(error.contains("task "), "names the task: {error}");
    assert!(error.contains("part-2.parquet"), "names the file: {error}");
    assert!(
        bad_status
            .stages
            .iter()
            .any(|s| s.state == proto::StageState::Failed as i32),
        "a stage is marked failed"
    );

    // The failed job's files are removed from every executor.
    let deadline = Instant::now() + Duration::from_secs(5);
    while (0..2).any(|i| cluster.executor_work_dir(i).join(&bad_id).exists()) {
        assert!(
            Instant::now() < deadline,
            "the failed job's files were not removed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    assert_eq!(
        good_status.state,
        proto::JobState::Succeeded as i32,
        "{}",
        good_status.error
    );
    let expected = compare::local_result(&setup, good_sql).await;
    compare::same_rows(&expected, &fetch(&client, &good_status).await).expect("same rows");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_jobs_are_rejected_at_submit_with_a_clear_error() {
    let data = tpch::dataset(0.1, 3);
    let setup = tpch::create_tables_sql(&data);
    let cluster = TestCluster::start(ClusterOptions {
        executors: 1,
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;

    let cases = [
        (
            sql_job("unknown-table", &setup, "SELECT * FROM no_such_table"),
            "no_such_table",
        ),
        (
            sql_job("syntax", &setup, "SELEC l_orderkey FROM lineitem"),
            "SELEC",
        ),
        (
            sql_job(
                "missing-path",
                &["CREATE EXTERNAL TABLE t STORED AS PARQUET LOCATION '/no/such/dir/'".into()],
                "SELECT * FROM t",
            ),
            "/no/such/dir",
        ),
        // Limits: work the coordinator would do itself, or track without bound.
        (
            sql_job(
                "materialised-setup",
                &["CREATE TABLE big AS SELECT * FROM generate_series(1, 100000000)".into()],
                "SELECT count(*) FROM big",
            ),
            "fills a table on the coordinator",
        ),
        (
            proto::JobSpec {
                options: Some(proto::JobOptions {
                    parallelism: 4_000_000_000,
                    ..Default::default()
                }),
                ..sql_job("huge-parallelism", &[], "SELECT 1")
            },
            "over the limit of 10000 partitions per shuffle",
        ),
    ];
    for (spec, mentions) in cases {
        let name = spec.name.clone();
        match client.submit(spec).await {
            Err(ClientError::InvalidJob(message)) => assert!(
                message.contains(mentions),
                "{name}: the error should mention '{mentions}': {message}"
            ),
            other => panic!("{name}: expected an invalid-job error, got {other:?}"),
        }
    }
    assert!(
        client
            .list(kiln_client::JobQuery::all())
            .await
            .unwrap()
            .is_empty(),
        "rejected jobs are not recorded"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_over_its_jobs_memory_per_task_fails_with_the_limit_named() {
    let data = tpch::dataset(0.1, 3);
    let setup = tpch::create_tables_sql(&data);
    let cluster = TestCluster::start(ClusterOptions::default()).await;
    let client = cluster.client().await;
    // A hash join holds its whole build side (orders with their comments) in memory.
    let sql = "SELECT max(length(o_comment || l_comment)) AS longest
        FROM lineitem JOIN orders ON l_orderkey = o_orderkey";
    let unlimited = kiln_tests::run_to_success(&client, sql_job("unlimited", &setup, sql)).await;
    assert_eq!(unlimited.result.map(|r| r.rows), Some(1));

    let mut limited = sql_job("one-mib-per-task", &setup, sql);
    limited.options = Some(proto::JobOptions {
        memory_per_task_bytes: 1024 * 1024,
        max_task_attempts: 1,
        ..Default::default()
    });
    let job_id = client.submit(limited).await.expect("submitting");
    let status = client.wait(&job_id).await.expect("waiting");
    assert_eq!(status.state, proto::JobState::Failed as i32);
    assert!(
        status.error.contains("memory_per_task") && status.error.contains("1048576"),
        "the error names the limit: {}",
        status.error
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sort_over_its_memory_limit_spills_and_returns_every_row_in_order() {
    let cluster = TestCluster::start(ClusterOptions::default()).await;
    let client = cluster.client().await;
    let rows = 1_000_000i64;
    let mut job = sql_job(
        "spilling-sort",
        // The sort's merge reservation must fit under the task's limit too.
        &["SET datafusion.execution.sort_spill_reservation_bytes = 131072".into()],
        &format!(
            "SELECT value, (value * 7919) % 1000003 AS k FROM generate_series(1, {rows}) ORDER BY k"
        ),
    );
    job.options = Some(proto::JobOptions {
        memory_per_task_bytes: 1024 * 1024,
        max_task_attempts: 1,
        ..Default::default()
    });
    let status = kiln_tests::run_to_success(&client, job).await;

    let batches = fetch(&client, &status).await;
    let (mut count, mut sum, mut last) = (0i64, 0i64, i64::MIN);
    for batch in &batches {
        let values = batch.column(0).as_primitive::<Int64Type>();
        let keys = batch.column(1).as_primitive::<Int64Type>();
        for (value, key) in values.values().iter().zip(keys.values()) {
            assert!(*key >= last, "out of order: {key} after {last}");
            last = *key;
            count += 1;
            sum += value;
        }
    }
    assert_eq!(count, rows);
    assert_eq!(sum, rows * (rows + 1) / 2, "every row once");

    let attempts = client.logs(&status.job_id, None).await.unwrap();
    assert!(
        attempts
            .iter()
            .any(|a| a.log.iter().any(|line| line.contains("spilled"))),
        "no task log says it spilled: {attempts:?}"
    );
}
