//! Jobs that write into a catalog table (`[sink] catalog = "db.table"`) on a real cluster:
//! the files land where the table lives, partitioned by its keys, and the partitions are
//! registered at commit with the job as their lineage; a failed job registers nothing and an
//! overwrite replaces the registrations. SQL's `INSERT INTO` / `INSERT OVERWRITE` of a catalog
//! table takes the same path.

use kiln_client::{Client, proto};
use kiln_tests::cluster::ClusterOptions;
use kiln_tests::sinks::sink_job;
use kiln_tests::{TestCluster, run_to_success};

/// `rows` rows of `day` as a query.
fn day_rows(day: &str, rows: usize) -> String {
    format!("SELECT value AS fare, '{day}' AS day FROM generate_series(1, {rows})")
}

fn into_catalog(mode: proto::SaveMode) -> proto::SinkSpec {
    proto::SinkSpec {
        catalog: "lake.trips".into(),
        mode: mode as i32,
        ..Default::default()
    }
}

/// The registered partitions of lake.trips: (day, added_by).
async fn partitions(client: &Client) -> Vec<(String, String)> {
    client
        .partitions("lake", "trips", &[])
        .await
        .unwrap()
        .into_iter()
        .map(|p| (p.values[0].clone(), p.added_by))
        .collect()
}

async fn count(client: &Client) -> String {
    let status = run_to_success(
        client,
        kiln_tests::sql_job("count", &[], "SELECT count(*) AS n FROM lake.trips"),
    )
    .await;
    kiln_tests::first_column(client, &status).await.remove(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_writes_into_a_catalog_table_and_registers_its_partitions_at_commit() {
    let cluster = TestCluster::start(ClusterOptions {
        executors: 1,
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    let lake = tempfile::tempdir().unwrap();
    let trips = lake.path().join("trips");
    // A first day of files, crawled into the table lake.trips (partitioned by day).
    run_to_success(
        &client,
        sink_job(
            vec![],
            &day_rows("2024-01-01", 10),
            proto::SinkSpec {
                format: "parquet".into(),
                path: trips.display().to_string(),
                partition_by: vec!["day".into()],
                mode: proto::SaveMode::Overwrite as i32,
                ..Default::default()
            },
        ),
    )
    .await;
    client
        .create_crawler(
            proto::Crawler {
                name: "lake".into(),
                database: "lake".into(),
                targets: vec![format!("file://{}/", lake.path().display())],
                ..Default::default()
            },
            "test",
        )
        .await
        .unwrap();
    let crawled = client.crawl("lake", false).await.unwrap();
    assert!(crawled.errors.is_empty(), "{crawled:?}");
    assert_eq!(partitions(&client).await.len(), 1);

    // Appending a day: its partition is registered by the job, beside the crawled one.
    let appended = run_to_success(
        &client,
        sink_job(
            vec![],
            &day_rows("2024-01-02", 5),
            into_catalog(proto::SaveMode::Append),
        ),
    )
    .await;
    let registered = partitions(&client).await;
    assert_eq!(registered.len(), 2, "{registered:?}");
    assert_eq!(
        registered[0].1, "crawler:lake",
        "the crawled day keeps its lineage"
    );
    assert_eq!(
        registered[1],
        ("2024-01-02".to_string(), format!("job:{}", appended.job_id))
    );
    assert_eq!(count(&client).await, "15");

    // A job that fails registers nothing (and writes nothing).
    let failing = sink_job(
        vec![],
        "SELECT CAST(c AS INT) AS fare, '2024-01-09' AS day FROM (VALUES ('x')) AS t(c)",
        into_catalog(proto::SaveMode::Append),
    );
    let job_id = client.submit(failing).await.unwrap();
    let failed = client.wait(&job_id).await.unwrap();
    assert_eq!(failed.state, proto::JobState::Failed as i32, "{failed:?}");
    assert_eq!(partitions(&client).await.len(), 2);
    assert!(!trips.join("day=2024-01-09").exists());

    // An overwrite replaces the table's files and its registrations.
    let overwritten = run_to_success(
        &client,
        sink_job(
            vec![],
            &day_rows("2024-01-03", 7),
            into_catalog(proto::SaveMode::Overwrite),
        ),
    )
    .await;
    assert_eq!(
        partitions(&client).await,
        vec![(
            "2024-01-03".to_string(),
            format!("job:{}", overwritten.job_id)
        )]
    );
    assert_eq!(count(&client).await, "7");

    // SQL's INSERT INTO a catalog table does the same, as kiln sql and Flight SQL send it.
    let inserted = run_to_success(
        &client,
        kiln_tests::sql_job(
            "insert",
            &[],
            &format!("INSERT INTO lake.trips {}", day_rows("2024-01-05", 4)),
        ),
    )
    .await;
    assert_eq!(
        partitions(&client).await,
        vec![
            (
                "2024-01-03".to_string(),
                format!("job:{}", overwritten.job_id)
            ),
            ("2024-01-05".to_string(), format!("job:{}", inserted.job_id)),
        ]
    );
    assert_eq!(count(&client).await, "11");
    let overwrite = run_to_success(
        &client,
        kiln_tests::sql_job(
            "insert-overwrite",
            &[],
            &format!("INSERT OVERWRITE lake.trips {}", day_rows("2024-01-06", 2)),
        ),
    )
    .await;
    assert_eq!(
        partitions(&client).await,
        vec![(
            "2024-01-06".to_string(),
            format!("job:{}", overwrite.job_id)
        )]
    );
    assert_eq!(count(&client).await, "2");

    // A table that is not there, or a sink that names both, is refused at submit.
    let missing = client
        .submit(sink_job(
            vec![],
            &day_rows("2024-01-04", 1),
            proto::SinkSpec {
                catalog: "lake.nope".into(),
                mode: proto::SaveMode::Append as i32,
                ..Default::default()
            },
        ))
        .await
        .unwrap_err();
    assert!(missing.to_string().contains("lake.nope"), "{missing}");
}
