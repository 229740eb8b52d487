//! All 22 TPC-H queries on a real cluster (one coordinator and two executor processes) return
//! exactly what single-process DataFusion returns on the same files. The executors keep their
//! shuffle outputs differently, and each reads the other's: one in memory up to 1 MiB, then in
//! LZ4-compressed files, the other in memory (the default budget), sent uncompressed.

use datafusion::prelude::SessionContext;
use futures::TryStreamExt;
use kiln_client::proto;
use kiln_tests::cluster::ClusterOptions;
use kiln_tests::{TestCluster, compare, sql_job, tpch};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_22_tpch_queries_match_single_process_datafusion() {
    let data = tpch::dataset(0.1, 3);
    let setup = tpch::create_tables_sql(&data);
    let local = SessionContext::new();
    for statement in &setup {
        local.sql(statement).await.expect("registering a table");
    }

    let cluster = TestCluster::start(ClusterOptions {
        executor_flags: vec![
            ["--shuffle-compression", "lz4", "--shuffle-memory-mb", "1"]
                .map(String::from)
                .to_vec(),
            ["--shuffle-compression", "none"].map(String::from).to_vec(),
        ],
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    let mut failures = vec![];
    let mut multi_stage = 0;
    let mut moved_to_files = 0;
    for n in 1..=22 {
        let sql = tpch::query(n);
        let expected = match local.sql(&sql).await {
            Ok(df) => df.collect().await,
            Err(e) => Err(e),
        };
        let expected = expected.unwrap_or_else(|e| panic!("DataFusion failed on q{n}: {e}"));

        let spec = sql_job(&format!("tpch-q{n}"), &setup, &sql);
        let job_id = client.submit(spec).await.expect("submitting");
        let status = client.wait(&job_id).await.expect("waiting");
        if status.state != proto::JobState::Succeeded as i32 {
            failures.push(format!(
                "q{n}: job {} {}",
                kiln_client::state_name(status.state),
                status.error
            ));
            continue;
        }
        if status.stages.len() > 1 {
            multi_stage += 1;
        }
        moved_to_files += kiln_tests::logged_lines(&client, &job_id, "shuffle memory is full")
            .await
            .len();
        let actual: Vec<_> = client
            .results(&status)
            .expect("results")
            .try_collect()
            .await
            .expect("fetching results");
        if let Err(difference) = compare::same_rows(&expected, &actual) {
            failures.push(format!("q{n}: {difference}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of 22 queries differ:\n{}\n{}",
        failures.len(),
        failures.join("\n"),
        cluster.logs()
    );
    assert_eq!(
        multi_stage, 22,
        "every TPC-H query should run in several stages"
    );
    assert!(
        moved_to_files > 0,
        "the executor with 1 MiB of shuffle memory should have written files"
    );
}
