//! The gRPC message limit: a task carries only its own stage's plan and launch requests are
//! split under the limit, so a job whose task plans together exceed it still runs; a task plan
//! over the limit alone fails its job at once, naming the limit and the flag that raises it.

use kiln_client::proto;
use kiln_tests::cluster::ClusterOptions;
use kiln_tests::{TestCluster, run_to_success, sql_job};

const LIMIT: usize = 256 * 1024;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn task_plans_over_the_message_limit_together_still_run() {
    let dir = tempfile::tempdir().unwrap();
    for part in 0..4 {
        let rows: String = (0..10)
            .map(|i| format!("{},row-{i}\n", part * 10 + i))
            .collect();
        std::fs::write(
            dir.path().join(format!("part-{part}.csv")),
            format!("id,s\n{rows}"),
        )
        .unwrap();
    }
    let cluster = TestCluster::start(ClusterOptions {
        executors: 1,
        slots: 4,
        env: vec![("KILN_MAX_MESSAGE_SIZE".into(), LIMIT.to_string())],
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    let setup = [format!(
        "CREATE EXTERNAL TABLE t STORED AS CSV LOCATION '{}/' OPTIONS ('format.has_header' 'true')",
        dir.path().display()
    )];

    // Each of the four tasks carries a 100 KB literal: together they do not fit one request.
    let sql = "SELECT id FROM t WHERE s <> repeat('x', 100000)";
    let status = run_to_success(&client, sql_job("wide-literals", &setup, sql)).await;
    assert_eq!(status.stages[0].tasks_total, 4, "one task per file");
    assert_eq!(status.result.unwrap().rows, 40);

    // One task's plan alone is over the limit: the job fails without running anything.
    let sql = "SELECT id FROM t WHERE s <> repeat('x', 400000)";
    let job_id = client
        .submit(sql_job("too-wide", &setup, sql))
        .await
        .unwrap();
    let status = tokio::time::timeout(std::time::Duration::from_secs(10), client.wait(&job_id))
        .await
        .expect("the job fails at once")
        .unwrap();
    assert_eq!(status.state, proto::JobState::Failed as i32);
    assert!(
        status.error.contains(&LIMIT.to_string()) && status.error.contains("--max-message-size"),
        "{}",
        status.error
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_statement_of_thousands_of_operators_is_refused_and_one_at_the_limit_runs() {
    let cluster = TestCluster::start(ClusterOptions {
        executors: 1,
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    // 20,000 alternatives: a tree 20,000 deep, which overflowed the coordinator's stack and
    // ended the process.
    let alternatives: Vec<String> = (0..20_000).map(|i| format!("value = {i}")).collect();
    let sql = format!(
        "SELECT count(value) FROM generate_series(1, 100) WHERE {}",
        alternatives.join(" OR ")
    );
    let error = client
        .submit(sql_job("many-ors", &[], &sql))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("39999 operators") && error.contains("over the limit of 2000"),
        "{error}"
    );
    // The coordinator lives on, and a chain of 2,000 operators plans and runs.
    let sum = vec!["value"; 2001].join(" + ");
    let status = run_to_success(
        &client,
        sql_job(
            "long-sum",
            &[],
            &format!("SELECT sum({sum}) AS n FROM generate_series(1, 10)"),
        ),
    )
    .await;
    let rows = kiln_tests::first_column(&client, &status).await;
    assert_eq!(rows, [(2001 * 55).to_string()]);
}
