//! SQLite tables as sources: written with Python's own sqlite3, read in parallel key ranges with
//! their declared types mapped to Arrow, round-tripped through Kiln's SQLite sink, and declared
//! in SQL (`STORED AS SQLITE`) to be read and loaded with `INSERT INTO`.

use std::path::Path;

use kiln_client::{ClientError, proto};
use kiln_tests::cluster::ClusterOptions;
use kiln_tests::sinks::{TYPED_CSV, TYPED_SQL, sink_job};
use kiln_tests::sqlite::{execute, query};
use kiln_tests::{TestCluster, first_column, run_to_success, sql_job};

/// The table `Order`: three rows with every type (the third all NULL), then 3000 more.
fn create_orders(db: &Path) {
    execute(
        db,
        "CREATE TABLE \"Order\" (id INTEGER PRIMARY KEY, small SMALLINT, ratio REAL,
             price DECIMAL(12, 2), flag BOOLEAN, note TEXT, day DATE, at TIMESTAMP,
             at_utc TIMESTAMPTZ, bin BLOB, t TIME, \"with space\" VARCHAR(10));
         INSERT INTO \"Order\" VALUES
           (1, 7, 0.5, '12.34', 1, 'ünïcødé ✓ \"q\"' || char(9) || 'tab', '2024-02-29',
            '2024-02-29 13:45:01.123456', '2024-02-29T15:45:01.5+02:00', x'00FF10', '12:34:56',
            'x'),
           (2, -3, -2.25, -0.05, 0, '', '1970-01-01', '1999-12-31 23:59:59',
            '2000-01-01 00:00:00Z', x'', '00:00:00.5', ''),
           (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
         WITH RECURSIVE seq(n) AS (SELECT 4 UNION ALL SELECT n + 1 FROM seq WHERE n < 3003)
         INSERT INTO \"Order\" (id, small, price, note, day, at)
           SELECT n, n % 100, n * 0.25, 'order ' || n, date('2024-01-01', '+' || (n / 24) || ' days'),
                  datetime('2024-01-01', '+' || n || ' minutes')
           FROM seq;",
    );
}

fn sqlite_source(db: &Path, options: &[(&str, &str)]) -> proto::SourceSpec {
    proto::SourceSpec {
        name: "orders".into(),
        format: "sqlite".into(),
        path: db.display().to_string(),
        options: options
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

fn one_step(name: &str, source: proto::SourceSpec, sql: &str) -> proto::JobSpec {
    proto::JobSpec {
        name: name.into(),
        sources: vec![source],
        steps: vec![proto::StepSpec {
            name: "q".into(),
            sql: sql.into(),
        }],
        ..Default::default()
    }
}

/// Every listed column as text, NULL spelled out, joined by `|`.
fn rendered(columns: &[&str]) -> String {
    columns
        .iter()
        .map(|&c| match c {
            "bin" | "blob" => format!("coalesce(encode({c}, 'hex'), 'NULL')"),
            c => format!("coalesce(CAST(\"{c}\" AS VARCHAR), 'NULL')"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_table_reads_in_key_ranges_with_its_types_intact() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    create_orders(&db);
    let cluster = TestCluster::start(ClusterOptions::default()).await;
    let client = cluster.client().await;

    let columns = [
        "id",
        "small",
        "ratio",
        "price",
        "flag",
        "note",
        "day",
        "at",
        "at_utc",
        "bin",
        "t",
        "with space",
    ];
    let sql = format!(
        "SELECT concat_ws('|', arrow_typeof(small), arrow_typeof(price), arrow_typeof(flag), \
         arrow_typeof(day), arrow_typeof(at_utc), arrow_typeof(t), {}) AS line \
         FROM orders WHERE id <= 3 ORDER BY id",
        rendered(&columns)
    );
    let source = sqlite_source(
        &db,
        &[
            ("table", "\"Order\""),
            ("partition_column", "id"),
            ("partitions", "3"),
        ],
    );
    let status = run_to_success(&client, one_step("typed", source, &sql)).await;
    assert_eq!(status.stages[0].tasks_total, 3, "one task per key range");
    let types = "Int64|Decimal128(12, 2)|Boolean|Date32|Timestamp(µs, \"+00:00\")|Time64(µs)";
    assert_eq!(
        first_column(&client, &status).await,
        [
            format!(
                "{types}|1|7|0.5|12.34|true|ünïcødé ✓ \"q\"\ttab|2024-02-29|\
                 2024-02-29T13:45:01.123456|2024-02-29T13:45:01.500Z|00ff10|12:34:56|x"
            ),
            format!(
                "{types}|2|-3|-2.25|-0.05|false||1970-01-01|1999-12-31T23:59:59|\
                 2000-01-01T00:00:00Z||00:00:00.500|"
            ),
            format!("{types}|3|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL"),
        ]
    );
    // The id filter was read in SQLite, in each range's query.
    let reads = kiln_tests::logged_lines(&client, &status.job_id, "reading sqlite source").await;
    assert_eq!(reads.len(), 3, "{reads:?}");
    assert!(reads.iter().all(|r| r.contains("\"id\" <= 3")), "{reads:?}");

    // Every row once across the ranges of an integer, a date and a timestamp column (NULL
    // keys included): the same count and sums as SQLite's own.
    let expected = query(
        &db,
        "SELECT count(*) || '|' || sum(id) || '|' || printf('%.2f', sum(price)) || '|' || count(note) \
         FROM \"Order\"",
    );
    for key in ["id", "day", "at"] {
        let source = sqlite_source(
            &db,
            &[
                ("table", "\"Order\""),
                ("partition_column", key),
                ("partitions", "3"),
            ],
        );
        let sql = "SELECT concat_ws('|', count(*), sum(id), sum(price), count(note)) AS line \
                   FROM orders";
        let status = run_to_success(&client, one_step(&format!("by-{key}"), source, sql)).await;
        assert_eq!(status.stages[0].tasks_total, 3, "three {key} ranges");
        assert_eq!(
            format!("[('{}',)]", first_column(&client, &status).await.join(",")),
            expected,
            "split on {key}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_loaded_by_the_sqlite_sink_read_back_as_they_were() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("typed.csv");
    std::fs::write(&csv, TYPED_CSV).unwrap();
    let db = dir.path().join("typed.db");
    let cluster = TestCluster::start(ClusterOptions::default()).await;
    let client = cluster.client().await;
    let raw = proto::SourceSpec {
        name: "raw".into(),
        format: "csv".into(),
        path: csv.display().to_string(),
        options: [("newlines_in_values".to_string(), "true".to_string())].into(),
    };
    let sink = proto::SinkSpec {
        format: "sqlite".into(),
        path: db.display().to_string(),
        table: "typed".into(),
        mode: proto::SaveMode::Append as i32,
        options: [("create_table".to_string(), "true".to_string())].into(),
        ..Default::default()
    };
    run_to_success(&client, sink_job(vec![raw.clone()], TYPED_SQL, sink)).await;

    let columns = [
        "id", "small", "big", "ratio", "price", "flag", "note", "day", "at", "at_utc", "blob",
    ];
    let line = format!(
        "SELECT concat_ws('|', {}) AS line FROM typed ORDER BY id",
        rendered(&columns)
    );
    let original = proto::JobSpec {
        setup_sql: vec![format!("CREATE VIEW typed AS {TYPED_SQL}")],
        ..one_step("original", raw, &line)
    };
    let original = run_to_success(&client, original).await;
    let source = proto::SourceSpec {
        name: "typed".into(),
        ..sqlite_source(&db, &[("table", "typed")])
    };
    let read_back = run_to_success(&client, one_step("read-back", source, &line)).await;
    let expected = first_column(&client, &original).await;
    assert_eq!(expected.len(), 3);
    assert_eq!(first_column(&client, &read_back).await, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stored_as_sqlite_tables_are_read_and_loaded_in_sql() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    create_orders(&db);
    execute(
        &db,
        "CREATE TABLE big_orders (id INTEGER, note TEXT, price DECIMAL(12, 2))",
    );
    let cluster = TestCluster::start(ClusterOptions::default()).await;
    let client = cluster.client().await;
    let declare = |name: &str, table: &str| {
        format!(
            "CREATE EXTERNAL TABLE {name} STORED AS SQLITE LOCATION '{}' \
             OPTIONS ('table' '{table}', 'partition_column' 'id', 'partitions' '2')",
            db.display()
        )
    };
    let setup = [declare("orders", "\"Order\""), declare("big", "big_orders")];
    // Ids and dates are read in SQLite; prices are decimals: not pushed.
    let filter = "price >= 500 AND id IN (2, 2500, 2501, 3000, 3001, 3002) \
                  AND day >= DATE '2024-04-15'";
    let insert = format!("INSERT INTO big SELECT id, note, price FROM orders WHERE {filter}");
    let status = run_to_success(&client, sql_job("load", &setup, &insert)).await;
    let reads =
        kiln_tests::logged_lines(&client, &status.job_id, "reading sqlite source 'orders'").await;
    assert_eq!(reads.len(), 2, "{reads:?}");
    for read in &reads {
        assert!(
            read.contains("\"id\" IN (2, 2500, 2501, 3000, 3001, 3002)")
                && read.contains("\"day\" >= '2024-04-15'")
                && !read.contains("\"price\" >="),
            "{read}"
        );
    }
    let loaded = query(&db, "SELECT id, note, price FROM big_orders ORDER BY id");
    assert_eq!(
        loaded,
        query(
            &db,
            "SELECT id, note, price FROM \"Order\" WHERE price >= 500 \
             AND id IN (2, 2500, 2501, 3000, 3001, 3002) AND day >= '2024-04-15' ORDER BY id"
        )
    );
    assert_eq!(
        loaded,
        "[(3000, 'order 3000', 750), (3001, 'order 3001', 750.25), (3002, 'order 3002', 750.5)]"
    );
    assert_eq!(
        query(
            &db,
            "SELECT count(*) FROM sqlite_master WHERE name LIKE '\\_kiln\\_job%' ESCAPE '\\'"
        ),
        "[(0,)]",
        "staging tables left behind"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_sqlite_sources_are_rejected_at_submit() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    create_orders(&db);
    let cluster = TestCluster::start(ClusterOptions::default()).await;
    let client = cluster.client().await;
    let missing = dir.path().join("missing.db");
    let cases = [
        (
            sqlite_source(&missing, &[("table", "t")]),
            vec![
                "sqlite source 'orders'",
                "missing.db",
                "the file must exist",
            ],
        ),
        (
            sqlite_source(&db, &[("table", "nope")]),
            vec!["sqlite source 'orders'", "no such table"],
        ),
        (
            sqlite_source(&db, &[("table", "\"Order\""), ("partition_column", "note")]),
            vec!["partition_column 'note'", "integer, date or timestamp"],
        ),
        (
            sqlite_source(&db, &[("table", "\"Order\""), ("password_env", "X")]),
            vec!["unknown sqlite source option 'password_env'"],
        ),
    ];
    for (source, expected) in cases {
        match client
            .submit(one_step("bad", source, "SELECT * FROM orders"))
            .await
        {
            Err(ClientError::InvalidJob(message)) => {
                for part in &expected {
                    assert!(message.contains(part), "{message} lacks {part}");
                }
            }
            other => panic!("expected a rejection naming {expected:?}, got {other:?}"),
        }
    }
    // The file the read-only connection refused to create is still not there.
    assert!(!missing.exists());
}
