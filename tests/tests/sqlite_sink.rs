//! The SQLite sink on a real cluster, read back with Python's own sqlite3 module: every type
//! stored as expected, save modes, exactly once with an executor killed mid-load, and no
//! staging tables left behind.

use std::path::Path;

use kiln_client::{ClientError, proto};
use kiln_tests::cluster::ClusterOptions;
use kiln_tests::sinks::{TYPED_CSV, TYPED_SQL, load_with_an_executor_killed, sink_job};
use kiln_tests::sqlite::{execute, query as sqlite};
use kiln_tests::{TestCluster, run_to_success};

fn sqlite_sink(db: &Path, table: &str, mode: proto::SaveMode) -> proto::SinkSpec {
    proto::SinkSpec {
        format: "sqlite".into(),
        path: db.display().to_string(),
        table: table.into(),
        mode: mode as i32,
        ..Default::default()
    }
}

const NO_STAGING: &str =
    "SELECT count(*) FROM sqlite_master WHERE name LIKE '\\_kiln\\_job%' ESCAPE '\\'";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_loads_into_sqlite_with_every_type_and_mode() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("typed.csv");
    std::fs::write(&csv, TYPED_CSV).unwrap();
    let db = dir.path().join("app.db");
    let cluster = TestCluster::start(ClusterOptions::default()).await;
    let client = cluster.client().await;
    let source = proto::SourceSpec {
        name: "raw".into(),
        format: "csv".into(),
        path: csv.display().to_string(),
        options: [("newlines_in_values".to_string(), "true".to_string())].into(),
    };

    // The file and the table are created; every value lands as SQLite stores it.
    let mut sink = sqlite_sink(&db, "typed", proto::SaveMode::Append);
    sink.options.insert("create_table".into(), "true".into());
    run_to_success(&client, sink_job(vec![source.clone()], TYPED_SQL, sink)).await;
    assert_eq!(
        sqlite(
            &db,
            "SELECT id, small, big, ratio, price, typeof(price), flag, day, at, at_utc, \
             iif(blob IS NULL, NULL, hex(blob)) \
             FROM typed ORDER BY id"
        ),
        "[(1, 7, 9000000000, 0.5, '12.34', 'text', 1, '2024-02-29', \
         '2024-02-29 13:45:01.123456', '2024-02-29 13:45:01.500000+00:00', '00FF10'), \
         (2, -3, -1, -2.25, '-0.05', 'text', 0, '1970-01-01', '1999-12-31 23:59:59.000000', \
         '2000-01-01 00:00:00.000000+00:00', None), \
         (3, None, None, None, None, 'null', None, None, None, None, None)]"
    );
    assert_eq!(
        sqlite(
            &db,
            "SELECT id, note = CASE id WHEN 1 THEN 'plain' \
             WHEN 2 THEN 'quote \" tab' || char(9) || 'comma, newline' || char(10) || 'end' \
             WHEN 3 THEN 'ünïcødé ✓ 日本' END FROM typed ORDER BY id"
        ),
        "[(1, 1), (2, 1), (3, 1)]"
    );

    // error_if_exists: refused at submit, naming the mode.
    let refused = client
        .submit(sink_job(
            vec![source.clone()],
            TYPED_SQL,
            sqlite_sink(&db, "typed", proto::SaveMode::ErrorIfExists),
        ))
        .await;
    match refused {
        Err(ClientError::InvalidJob(message)) => {
            assert!(message.contains("error_if_exists"), "{message}")
        }
        other => panic!("expected a rejection, got {other:?}"),
    }

    // Overwrite replaces every row; upsert updates by key and inserts the rest.
    let keep_one =
        "SELECT CAST(id AS INT) AS id, CAST(note AS VARCHAR) AS note FROM raw WHERE id = '1'";
    execute(
        &db,
        "CREATE TABLE keyed (id INTEGER PRIMARY KEY, note TEXT); INSERT INTO keyed VALUES (1, 'old'), (9, 'other');",
    );
    let mut upsert = sqlite_sink(&db, "keyed", proto::SaveMode::Upsert);
    upsert.key_columns = vec!["id".into()];
    run_to_success(&client, sink_job(vec![source.clone()], keep_one, upsert)).await;
    assert_eq!(
        sqlite(&db, "SELECT id, note FROM keyed ORDER BY id"),
        "[(1, 'plain'), (9, 'other')]"
    );
    run_to_success(
        &client,
        sink_job(
            vec![source],
            keep_one,
            sqlite_sink(&db, "keyed", proto::SaveMode::Overwrite),
        ),
    )
    .await;
    assert_eq!(sqlite(&db, "SELECT id, note FROM keyed"), "[(1, 'plain')]");
    assert_eq!(
        sqlite(&db, NO_STAGING),
        "[(0,)]",
        "staging tables left behind"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_executor_killed_mid_load_leaves_each_row_once_in_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("loaded.db");
    let mut sink = sqlite_sink(&db, "loaded", proto::SaveMode::Append);
    sink.options.insert("create_table".into(), "true".into());
    // Three loads at once, so the kill catches some mid-way.
    sink.options.insert("max_connections".into(), "3".into());
    load_with_an_executor_killed("SELECT id, pad FROM t", sink).await;
    assert_eq!(
        sqlite(
            &db,
            "SELECT count(*), count(DISTINCT id), max(id) FROM loaded"
        ),
        "[(900000, 900000, 900000)]"
    );
    assert_eq!(
        sqlite(&db, NO_STAGING),
        "[(0,)]",
        "staging tables left behind"
    );
}
