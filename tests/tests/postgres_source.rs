//! The Glue job: a subset of a PostgreSQL `Order` table, read in parallel key ranges, written to
//! S3 as partitioned Parquet, and compared with what psql reads from the table.

use kiln_client::{ClientError, proto};
use kiln_tests::cluster::ClusterOptions;
use kiln_tests::postgres::TestDatabase;
use kiln_tests::s3::S3Server;
use kiln_tests::{TestCluster, compare, run_to_success};

fn pg_source(db: &TestDatabase, options: &[(&str, &str)]) -> proto::SourceSpec {
    proto::SourceSpec {
        name: "orders".into(),
        format: "postgres".into(),
        path: db.url(),
        options: options
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_subset_lands_on_s3_as_partitioned_parquet() {
    let db = TestDatabase::create();
    db.psql(
        r#"CREATE TABLE "Order" (id bigint PRIMARY KEY, customer text, amount numeric(12, 2),
             created_at timestamptz, region text, status text, payload jsonb);
           INSERT INTO "Order"
           SELECT i, 'customer ' || (i % 100), (i % 1000) * 1.25,
                  CASE WHEN i % 50 = 0 THEN NULL
                       ELSE TIMESTAMPTZ '2024-01-01 00:00:00+00' + i * INTERVAL '1 minute' END,
                  (ARRAY['north','south','east','west'])[1 + i % 4],
                  CASE WHEN i % 3 = 0 THEN 'cancelled' ELSE 'shipped' END,
                  jsonb_build_object('n', i)
           FROM generate_series(1, 20000) AS i"#,
    );
    let s3 = S3Server::start();
    s3.create_bucket("lake");
    let cluster = TestCluster::start(ClusterOptions {
        env: s3.env(),
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    let spec = proto::JobSpec {
        name: "order-info".into(),
        sources: vec![pg_source(
            &db,
            &[
                ("table", r#"public."Order""#),
                ("partition_column", "created_at"),
                ("partitions", "4"),
            ],
        )],
        steps: vec![proto::StepSpec {
            name: "order_info".into(),
            sql: "SELECT id, customer, amount, created_at, region, payload FROM orders \
                  WHERE status = 'shipped'"
                .into(),
        }],
        sink: Some(proto::SinkSpec {
            format: "parquet".into(),
            path: "s3://lake/order_info/".into(),
            partition_by: vec!["region".into()],
            mode: proto::SaveMode::Overwrite as i32,
            ..Default::default()
        }),
        ..Default::default()
    };
    let status = run_to_success(&client, spec).await;
    assert_eq!(
        status.stages[0].tasks_total, 4,
        "the table is read in 4 key ranges"
    );
    // The subset is chosen in the database: each range's query carries the filter.
    let reads = kiln_tests::logged_lines(&client, &status.job_id, "reading postgres source").await;
    assert_eq!(reads.len(), 4, "{reads:?}");
    assert!(
        reads
            .iter()
            .all(|r| r.contains(r#"AND "status" = 'shipped'"#)),
        "{reads:?}"
    );

    let local = tempfile::tempdir().unwrap();
    s3.download_prefix("lake", "order_info/", ".parquet", local.path());
    let ctx = datafusion::prelude::SessionContext::new();
    ctx.sql(&format!(
        "CREATE EXTERNAL TABLE t STORED AS PARQUET LOCATION '{}/order_info/'",
        local.path().display()
    ))
    .await
    .unwrap();
    let written = ctx
        .sql(
            "SELECT region, count(*) AS n, count(created_at) AS dated, CAST(sum(amount) AS VARCHAR) AS total, \
             min(id) AS lo, max(id) AS hi, max(payload) AS last_payload FROM t GROUP BY region ORDER BY region",
        )
        .await
        .unwrap()
        .collect()
        .await
        .unwrap();
    let written: Vec<String> = compare::rows(&written)
        .into_iter()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    compare::Cell::Text(s) => s.clone(),
                    compare::Cell::Float(f) => f.to_string(),
                })
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect();
    let expected = db.psql(
        r#"SELECT region, count(*), count(created_at), sum(amount), min(id), max(id), max(payload::text)
           FROM "Order" WHERE status = 'shipped' GROUP BY region ORDER BY region"#,
    );
    assert_eq!(written.join("\n") + "\n", expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_postgres_sources_are_rejected_at_submit() {
    let db = TestDatabase::create();
    db.psql("CREATE TABLE t (id int, name text)");
    let cluster = TestCluster::start(ClusterOptions {
        executors: 1,
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (vec![("table", "missing")], "does not exist"),
        (
            vec![("table", "t"), ("partition_column", "name")],
            "expected an integer",
        ),
        (
            vec![("table", "t"), ("partition_column", "nope")],
            "'nope' is not a column",
        ),
        (
            vec![("table", "t"), ("query", "SELECT 1")],
            "exactly one of",
        ),
        (
            vec![("tabel", "t")],
            "unknown postgres source option 'tabel'; did you mean 'table'?",
        ),
    ];
    for (options, expected) in cases {
        let spec = proto::JobSpec {
            name: "bad".into(),
            sources: vec![pg_source(&db, &options)],
            steps: vec![proto::StepSpec {
                name: "q".into(),
                sql: "SELECT * FROM orders".into(),
            }],
            ..Default::default()
        };
        match client.submit(spec).await {
            Err(ClientError::InvalidJob(message)) => {
                assert!(message.contains(expected), "{message} lacks {expected}")
            }
            other => panic!("expected a rejection naming {expected}, got {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_table_is_queryable_from_sql() {
    let db = TestDatabase::create();
    db.psql(
        r#"CREATE TABLE "user" ("select" int, "Name" text);
           INSERT INTO "user" SELECT i, 'n' || i FROM generate_series(1, 5000) i"#,
    );
    let cluster = TestCluster::start(ClusterOptions::default()).await;
    let client = cluster.client().await;
    let setup = vec![format!(
        r#"CREATE EXTERNAL TABLE users STORED AS POSTGRES LOCATION '{}'
           OPTIONS ('table' '"user"', 'partition_column' 'select', 'partitions' '3')"#,
        db.url()
    )];
    let spec = kiln_tests::sql_job(
        "sql-over-postgres",
        &setup,
        r#"SELECT count(*) AS n, sum("select") AS total, max("Name") AS last FROM users"#,
    );
    let status = run_to_success(&client, spec).await;
    assert_eq!(status.stages[0].tasks_total, 3);
    let batches: Vec<_> = futures::TryStreamExt::try_collect(client.results(&status).unwrap())
        .await
        .unwrap();
    let text = arrow::util::pretty::pretty_format_batches(&batches)
        .unwrap()
        .to_string();
    assert!(text.contains("| 5000 | 12502500 | n999 |"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn insert_into_a_postgres_table_in_sql_loads_exactly_once() {
    let db = TestDatabase::create();
    db.psql(
        r#"CREATE TABLE src (id bigint, "User" text, amount numeric(12, 2));
           INSERT INTO src SELECT i, 'user ' || i, i * 0.5 FROM generate_series(1, 5000) AS i;
           CREATE TABLE "Dest Table" (id bigint, "User" text, amount numeric(12, 2));
           INSERT INTO "Dest Table" VALUES (0, 'kept', 0)"#,
    );
    let cluster = TestCluster::start(ClusterOptions::default()).await;
    let client = cluster.client().await;
    let declare = |name: &str, table: &str| {
        format!(
            "CREATE EXTERNAL TABLE {name} STORED AS POSTGRES LOCATION '{}' \
             OPTIONS ('table' '{table}', 'partition_column' 'id', 'partitions' '3')",
            db.url()
        )
    };
    let setup = [
        declare("src", "public.src"),
        declare("dest", r#"public."Dest Table""#),
    ];

    let insert = "INSERT INTO dest SELECT id, \"User\", amount FROM src WHERE id % 2 = 0";
    let status = run_to_success(&client, kiln_tests::sql_job("insert", &setup, insert)).await;
    assert_eq!(status.state, proto::JobState::Succeeded as i32);
    assert_eq!(
        db.psql(r#"SELECT count(*), sum(amount) FROM "Dest Table""#)
            .trim(),
        "2501|3126250.00",
        "the kept row and every even row once"
    );
    assert_eq!(
        db.psql("SELECT count(*) FROM pg_tables WHERE tablename LIKE '\\_kiln\\_job%'")
            .trim(),
        "0",
        "staging tables left behind"
    );

    // INSERT OVERWRITE replaces what the table held.
    let overwrite = "INSERT OVERWRITE dest SELECT id, \"User\", amount FROM src WHERE id <= 10";
    run_to_success(&client, kiln_tests::sql_job("overwrite", &setup, overwrite)).await;
    assert_eq!(
        db.psql(r#"SELECT count(*), min(id) FROM "Dest Table""#)
            .trim(),
        "10|1"
    );

    // A table declared by a query cannot be inserted into: rejected at submit.
    let by_query = format!(
        "CREATE EXTERNAL TABLE q STORED AS POSTGRES LOCATION '{}' OPTIONS ('query' 'SELECT 1 AS x')",
        db.url()
    );
    match client
        .submit(kiln_tests::sql_job(
            "bad",
            &[by_query],
            "INSERT INTO q VALUES (2)",
        ))
        .await
    {
        Err(ClientError::InvalidJob(message)) => assert!(message.contains("query"), "{message}"),
        other => panic!("expected a rejection, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn values_arrow_cannot_hold_fail_the_job_naming_the_column_and_row() {
    let db = TestDatabase::create();
    db.psql(
        "CREATE TABLE readings (id bigint, day date, at timestamp, amount numeric);
         INSERT INTO readings
         SELECT i, DATE '2024-01-01' + i, TIMESTAMP '2024-01-01' + i * INTERVAL '1 hour', i
         FROM generate_series(1, 1000) AS i;
         INSERT INTO readings VALUES (1001, 'infinity', '2024-03-01', 1),
                                     (1002, '2024-03-02', '-infinity', 2),
                                     (1003, '2024-03-03', '2024-03-03', 1e30);",
    );
    let cluster = TestCluster::start(ClusterOptions::default()).await;
    let client = cluster.client().await;
    let job = |name: &str, source: proto::SourceSpec, sql: &str| proto::JobSpec {
        name: name.into(),
        sources: vec![source],
        steps: vec![proto::StepSpec {
            name: "q".into(),
            sql: sql.into(),
        }],
        ..Default::default()
    };
    let failed = async |spec: proto::JobSpec| {
        let started = std::time::Instant::now();
        let job_id = client.submit(spec).await.expect("accepted at submit");
        let status = client.wait(&job_id).await.expect("waiting");
        assert_eq!(
            status.state,
            proto::JobState::Failed as i32,
            "{}",
            status.error
        );
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "the job took {:?} to fail",
            started.elapsed()
        );
        status.error
    };

    // Infinite keys are outside the partition column's bounds but still read: the open first
    // and last ranges hold them, and the read fails on them instead of losing them.
    let keyed = pg_source(
        &db,
        &[
            ("table", "readings"),
            ("partition_column", "at"),
            ("partitions", "4"),
        ],
    );
    let error = failed(job("times", keyed, "SELECT id, at FROM orders")).await;
    assert!(
        error.contains("column 'at' of row") && error.contains("'-infinity'"),
        "{error}"
    );
    let error = failed(job(
        "days",
        pg_source(&db, &[("table", "readings")]),
        "SELECT id, day FROM orders",
    ))
    .await;
    assert!(
        error.contains("column 'day' of row 1001 read: 'infinity'"),
        "{error}"
    );
    let error = failed(job(
        "amounts",
        pg_source(
            &db,
            &[("query", "SELECT id, amount FROM readings ORDER BY id")],
        ),
        "SELECT id, amount FROM orders",
    ))
    .await;
    assert!(
        error.contains("column 'amount' of row 1003 read")
            && error.contains("does not fit DECIMAL(38, 18)"),
        "{error}"
    );

    // What the errors advise works: the finite rows read, every one of them.
    let finite = pg_source(
        &db,
        &[(
            "query",
            "SELECT id, day, at FROM readings WHERE isfinite(day) AND isfinite(at)",
        )],
    );
    let status = run_to_success(
        &client,
        job("finite", finite, "SELECT count(*) AS n FROM orders"),
    )
    .await;
    assert_eq!(kiln_tests::first_column(&client, &status).await, ["1001"]);
}
