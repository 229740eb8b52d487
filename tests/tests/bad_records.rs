//! Bad rows in CSV and JSON sources on a real cluster: a CSV export on a real S3 server with
//! ragged rows, numbers and dates that do not parse and an unclosed quote, loaded into a real
//! PostgreSQL under each bad-record mode (permissive keeps them in `_corrupt_record`,
//! drop_malformed drops and counts them, fail_fast names the file and line); the quarantine's
//! contents; the error budget; and the same for invalid JSON lines.

use kiln_client::proto;
use kiln_tests::cluster::ClusterOptions;
use kiln_tests::postgres::TestDatabase;
use kiln_tests::s3::S3Server;
use kiln_tests::sinks::sink_job;
use kiln_tests::{TestCluster, run_to_success};

/// Good rows of the export: id, day, amount, note.
const GOOD_ROWS: usize = 250_000;

/// The bad lines, and the 1-based data row each is inserted before.
const BAD: [(usize, &str); 5] = [
    (10, "ragged,2024-01-01"),
    (120_000, "120000x,2024-01-01,1.50,not a number"),
    (180_000, "-1,2024-02-30,1.50,no such day"),
    (200_000, "-2,2024-01-01,1.50,too,many,fields"),
    (249_999, "-3,2024-01-01,1.50,\"never closed"),
];

/// The export as text (a header, then the rows with the bad lines among them), and each bad
/// line's line number in the file.
fn export() -> (String, Vec<(u64, &'static str)>) {
    let mut text = String::from("id,day,amount,note\n");
    let mut lines = Vec::new();
    let mut line = 1;
    for row in 1..=GOOD_ROWS {
        for (before, bad) in BAD {
            if before == row {
                text.push_str(bad);
                text.push('\n');
                line += 1;
                lines.push((line, bad));
            }
        }
        let note = if row % 7 == 0 {
            "\"with, comma\"".to_string()
        } else {
            format!("note {row} of the nightly export")
        };
        text.push_str(&format!(
            "{row},2024-01-{:02},{}.{:02},{note}\n",
            1 + row % 28,
            row % 1000,
            row % 100
        ));
        line += 1;
    }
    (text, lines)
}

fn csv_source(options: &[(&str, &str)]) -> proto::SourceSpec {
    let mut all = vec![(
        "schema",
        "id BIGINT, day DATE, amount DECIMAL(10, 2), note VARCHAR",
    )];
    all.extend_from_slice(options);
    proto::SourceSpec {
        name: "orders".into(),
        format: "csv".into(),
        path: "s3://raw/exports/".into(),
        options: all
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

fn pg_sink(db: &TestDatabase, table: &str) -> proto::SinkSpec {
    proto::SinkSpec {
        format: "postgres".into(),
        path: db.url(),
        table: table.into(),
        mode: proto::SaveMode::Append as i32,
        ..Default::default()
    }
}

fn with_budget(mut spec: proto::JobSpec, max_bad_records: Option<u64>) -> proto::JobSpec {
    spec.options = Some(proto::JobOptions {
        parallelism: 4,
        max_bad_records,
        ..Default::default()
    });
    spec
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_csv_export_with_bad_rows_loads_into_postgres_under_each_mode() {
    let s3 = S3Server::start();
    s3.create_bucket("raw");
    s3.create_bucket("lake");
    let local = tempfile::tempdir().unwrap();
    let (text, bad_lines) = export();
    assert!(
        text.len() > 10 << 20,
        "the export must be split into byte ranges"
    );
    let file = local.path().join("orders.csv");
    std::fs::write(&file, &text).unwrap();
    s3.put_file("raw", "exports/orders.csv", &file);
    let db = TestDatabase::create();
    db.psql(
        "CREATE TABLE kept (id bigint, day date, amount numeric(10, 2), note text, \
         _corrupt_record text); \
         CREATE TABLE clean (id bigint, day date, amount numeric(10, 2), note text)",
    );
    let cluster = TestCluster::start(ClusterOptions {
        env: s3.env(),
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    let records = (GOOD_ROWS + BAD.len()) as u64;

    // Permissive: every record lands, the bad ones with their text and null columns.
    let job = sink_job(
        vec![csv_source(&[("mode", "permissive")])],
        "SELECT * FROM orders",
        pg_sink(&db, "kept"),
    );
    let status = run_to_success(&client, with_budget(job, None)).await;
    assert_eq!(
        (status.records_read, status.bad_records),
        (records, BAD.len() as u64),
        "{status:?}"
    );
    let scan_tasks = status.stages.first().map_or(0, |s| s.tasks_total);
    assert!(scan_tasks >= 2, "the export was not split: {status:?}");
    assert_eq!(
        db.psql(
            "SELECT count(*), count(DISTINCT id), min(id), max(id), sum(amount), \
             count(*) FILTER (WHERE note = 'with, comma') FROM kept \
             WHERE _corrupt_record IS NULL"
        ),
        format!(
            "{GOOD_ROWS}|{GOOD_ROWS}|1|{GOOD_ROWS}|{}|{}\n",
            expected_amount(),
            GOOD_ROWS / 7
        )
    );
    let mut expected_bad: Vec<&str> = BAD.iter().map(|(_, line)| *line).collect();
    expected_bad.sort();
    assert_eq!(
        db.psql(
            "SELECT _corrupt_record FROM kept WHERE _corrupt_record IS NOT NULL \
             AND id IS NULL AND day IS NULL AND amount IS NULL AND note IS NULL \
             ORDER BY _corrupt_record COLLATE \"C\""
        ),
        expected_bad
            .iter()
            .map(|l| format!("{l}\n"))
            .collect::<String>()
    );

    // Drop malformed, with a quarantine: only the good rows land; each bad one is counted and
    // quarantined once with its file and line.
    let job = sink_job(
        vec![csv_source(&[
            ("mode", "drop_malformed"),
            ("quarantine", "s3://lake/quarantine/"),
        ])],
        "SELECT * FROM orders",
        pg_sink(&db, "clean"),
    );
    let status = run_to_success(&client, with_budget(job, Some(5))).await;
    assert_eq!(
        (status.records_read, status.bad_records),
        (records, 5),
        "{status:?}"
    );
    assert_eq!(
        db.psql("SELECT count(*), count(DISTINCT id), min(id), max(id) FROM clean"),
        format!("{GOOD_ROWS}|{GOOD_ROWS}|1|{GOOD_ROWS}\n")
    );
    let mut expected: Vec<(String, u64, String)> = bad_lines
        .iter()
        .map(|(line, record)| {
            (
                "s3://raw/exports/orders.csv".to_string(),
                *line,
                record.to_string(),
            )
        })
        .collect();
    expected.sort();
    assert_eq!(s3.quarantined("lake", "quarantine/"), expected);

    // Over the error budget: the job fails naming the budget, and nothing more lands.
    let job = sink_job(
        vec![csv_source(&[("mode", "drop_malformed")])],
        "SELECT * FROM orders",
        pg_sink(&db, "clean"),
    );
    let id = client.submit(with_budget(job, Some(4))).await.unwrap();
    let failed = client.wait(&id).await.unwrap();
    assert_eq!(failed.state, proto::JobState::Failed as i32, "{failed:?}");
    assert!(
        failed.error.contains("5 bad records") && failed.error.contains("max_bad_records = 4"),
        "{}",
        failed.error
    );
    assert_eq!(
        db.psql("SELECT count(*) FROM clean"),
        format!("{GOOD_ROWS}\n")
    );

    // Fail fast (the default): the job fails at a bad row, naming the file, its line and why.
    let job = sink_job(
        vec![csv_source(&[])],
        "SELECT * FROM orders",
        pg_sink(&db, "clean"),
    );
    let id = client.submit(with_budget(job, None)).await.unwrap();
    let failed = client.wait(&id).await.unwrap();
    assert_eq!(failed.state, proto::JobState::Failed as i32, "{failed:?}");
    let named = bad_lines.iter().any(|(line, record)| {
        failed
            .error
            .contains(&format!("s3://raw/exports/orders.csv, line {line}: "))
            && failed.error.contains(record)
    });
    assert!(
        named && failed.error.contains("fail_fast"),
        "{}",
        failed.error
    );
    assert_eq!(
        db.psql("SELECT count(*) FROM clean"),
        format!("{GOOD_ROWS}\n")
    );
}

/// The sum of the good rows' amounts, as PostgreSQL prints it.
fn expected_amount() -> String {
    let cents: u64 = (1..=GOOD_ROWS as u64)
        .map(|row| (row % 1000) * 100 + row % 100)
        .sum();
    format!("{}.{:02}", cents / 100, cents % 100)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_json_lines_follow_the_bad_record_policy() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("events.json");
    let lines = [
        r#"{"id": 1, "kind": "click", "tags": ["a", "b"]}"#,
        r#"{"id": "two", "kind": "click"}"#,
        r#"{"id": 3, "kind": "view""#,
        r#"[4, "view"]"#,
        r#"{"id": 5, "kind": "view", "tags": []}"#,
    ];
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let cluster = TestCluster::start(ClusterOptions::default()).await;
    let client = cluster.client().await;
    let source = |mode: &str| proto::SourceSpec {
        name: "events".into(),
        format: "json".into(),
        path: file.display().to_string(),
        options: [
            ("schema".to_string(), "id BIGINT, kind VARCHAR".to_string()),
            ("mode".to_string(), mode.to_string()),
        ]
        .into(),
    };
    let job = |mode: &str, sql: &str| proto::JobSpec {
        name: "events".into(),
        sources: vec![source(mode)],
        steps: vec![proto::StepSpec {
            name: "q".into(),
            sql: sql.into(),
        }],
        ..Default::default()
    };

    let status = run_to_success(
        &client,
        job(
            "permissive",
            "SELECT concat_ws('|', coalesce(CAST(id AS VARCHAR), '-'), coalesce(kind, '-'), \
             coalesce(_corrupt_record, '-')) FROM events ORDER BY id NULLS LAST, _corrupt_record",
        ),
    )
    .await;
    assert_eq!(
        (status.records_read, status.bad_records),
        (5, 3),
        "{status:?}"
    );
    assert_eq!(
        kiln_tests::first_column(&client, &status).await,
        [
            "1|click|-".to_string(),
            "5|view|-".to_string(),
            // In byte order: `[` before `{`, `"` before `3`.
            format!("-|-|{}", lines[3]),
            format!("-|-|{}", lines[1]),
            format!("-|-|{}", lines[2]),
        ]
    );

    let status = run_to_success(
        &client,
        job(
            "drop_malformed",
            "SELECT CAST(count(*) AS VARCHAR) FROM events",
        ),
    )
    .await;
    assert_eq!(kiln_tests::first_column(&client, &status).await, ["2"]);
    assert_eq!(status.bad_records, 3);

    let id = client
        .submit(job("fail_fast", "SELECT * FROM events"))
        .await
        .unwrap();
    let failed = client.wait(&id).await.unwrap();
    assert_eq!(failed.state, proto::JobState::Failed as i32, "{failed:?}");
    assert!(
        failed
            .error
            .contains(&format!("{}, line 2: ", file.display()))
            && failed.error.contains(lines[1]),
        "{}",
        failed.error
    );
}
