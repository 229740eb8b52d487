//! The PostgreSQL sink on a real cluster against the machine's PostgreSQL: CSV on a real S3
//! server loaded with every type intact, save modes (with a reader that never sees a half-done
//! overwrite), hostile names, exactly-once under an executor kill, clear failures, and
//! passwords from the environment or a file against a server that requires one, and a
//! connection that waits out a restarting server.

use std::time::{Duration, Instant};

use kiln_client::{ClientError, proto};
use kiln_tests::cluster::ClusterOptions;
use kiln_tests::postgres::{PasswordServer, TestDatabase};
use kiln_tests::s3::S3Server;
use kiln_tests::sinks::{
    TYPED_CSV, TYPED_SQL, load_losing_rows, load_with_a_failure, load_with_an_executor_killed,
    sink_job,
};
use kiln_tests::{Reader, TestCluster, run_to_success};

fn pg_sink(db: &TestDatabase, table: &str, mode: proto::SaveMode) -> proto::SinkSpec {
    proto::SinkSpec {
        format: "postgres".into(),
        path: db.url(),
        table: table.into(),
        mode: mode as i32,
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_csv_loads_into_postgres_with_every_type_intact() {
    let s3 = S3Server::start();
    s3.create_bucket("raw");
    let local = tempfile::tempdir().unwrap();
    let csv = local.path().join("typed.csv");
    std::fs::write(&csv, TYPED_CSV).unwrap();
    s3.put_file("raw", "typed.csv", &csv);
    let db = TestDatabase::create();
    let cluster = TestCluster::start(ClusterOptions {
        env: s3.env(),
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;

    let mut sink = pg_sink(&db, "public.typed", proto::SaveMode::Append);
    sink.options.insert("create_table".into(), "true".into());
    let source = proto::SourceSpec {
        name: "raw".into(),
        format: "csv".into(),
        path: "s3://raw/typed.csv".into(),
        options: [("newlines_in_values".to_string(), "true".to_string())].into(),
    };
    run_to_success(&client, sink_job(vec![source], TYPED_SQL, sink)).await;

    let types = db.psql(
        "SELECT string_agg(format_type(atttypid, atttypmod), ',' ORDER BY attnum) \
         FROM pg_attribute WHERE attrelid = 'public.typed'::regclass AND attnum > 0",
    );
    assert_eq!(
        types.trim(),
        "integer,smallint,bigint,double precision,numeric(12,2),boolean,text,date,\
         timestamp without time zone,timestamp with time zone,bytea"
    );
    let rows = db.psql(
        "SET TimeZone = 'UTC'; SELECT id, small, big, ratio, price, flag, day, at, at_utc, blob \
         FROM typed ORDER BY id",
    );
    assert_eq!(
        rows,
        "1|7|9000000000|0.5|12.34|t|2024-02-29|2024-02-29 13:45:01.123456|2024-02-29 13:45:01.5+00|\\x00ff10\n\
         2|-3|-1|-2.25|-0.05|f|1970-01-01|1999-12-31 23:59:59|2000-01-01 00:00:00+00|\n\
         3|||||||||\n"
    );
    let notes = db.psql(
        "SELECT id, note = CASE id WHEN 1 THEN 'plain' \
         WHEN 2 THEN E'quote \" tab\\tcomma, newline\\nend' \
         WHEN 3 THEN 'ünïcødé ✓ 日本' END FROM typed ORDER BY id",
    );
    assert_eq!(notes, "1|t\n2|t\n3|t\n");
    assert_no_staging_tables(&db);
}

/// A table whose name and columns need quoting everywhere.
const HOSTILE_TABLE: &str = r#"CREATE TABLE "Order" (
    id bigint PRIMARY KEY, "user" text, "select" integer, "Quoted""Col" text, "with space" double precision)"#;

fn hostile_rows(from: i64, to: i64, tag: &str) -> String {
    format!(
        "SELECT value AS id, '{tag}' || CAST(value AS VARCHAR) AS \"user\", \
         CAST(value % 7 AS INT) AS \"select\", 'q' AS \"Quoted\"\"Col\", \
         CAST(value AS DOUBLE) / 2 AS \"with space\" FROM generate_series({from}, {to})"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn save_modes_with_hostile_names_and_a_reader_that_never_sees_a_partial_table() {
    let db = TestDatabase::create();
    db.psql(HOSTILE_TABLE);
    let cluster = TestCluster::start(ClusterOptions::default()).await;
    let client = cluster.client().await;
    let table = r#"public."Order""#;
    let load = |sql: String, mode| sink_job(vec![], &sql, pg_sink(&db, table, mode));

    // error_if_exists on an empty table loads it.
    run_to_success(
        &client,
        load(hostile_rows(1, 50_000, "a"), proto::SaveMode::ErrorIfExists),
    )
    .await;
    assert_eq!(
        db.psql(r#"SELECT count(*), sum("select") FROM "Order""#),
        "50000|150003\n"
    );
    // ... and is refused once the table has rows.
    let refused = client
        .submit(load(
            hostile_rows(1, 10, "a"),
            proto::SaveMode::ErrorIfExists,
        ))
        .await;
    assert!(
        matches!(&refused, Err(ClientError::InvalidJob(m)) if m.contains("already holds rows")),
        "{refused:?}"
    );

    // overwrite, with a reader counting rows all along: it sees 50000, then 30000, nothing else.
    let reader = count_reader(&db);
    run_to_success(
        &client,
        load(hostile_rows(1, 30_000, "b"), proto::SaveMode::Overwrite),
    )
    .await;
    let seen = reader.finish();
    assert!(
        seen.iter().all(|c| c == "50000" || c == "30000") && seen.contains("30000"),
        "a reader saw {seen:?}"
    );
    assert_eq!(
        db.psql(r#"SELECT count(*), min("user") FROM "Order""#),
        "30000|b1\n"
    );

    // upsert: 29001..31000 -> 1000 updated, 1000 new.
    run_to_success(
        &client,
        proto::JobSpec {
            sink: Some(proto::SinkSpec {
                key_columns: vec!["id".into()],
                ..pg_sink(&db, table, proto::SaveMode::Upsert)
            }),
            ..load(hostile_rows(29_001, 31_000, "c"), proto::SaveMode::Upsert)
        },
    )
    .await;
    assert_eq!(
        db.psql(r#"SELECT count(*), count(*) FILTER (WHERE "user" LIKE 'c%') FROM "Order""#),
        "31000|2000\n"
    );
    assert_eq!(
        db.psql(r#"SELECT "user", "Quoted""Col", "with space" FROM "Order" WHERE id = 29001"#),
        "c29001|q|14500.5\n"
    );
    // append, published partition by partition while the job runs, in one transaction: the
    // reader sees 31000, then 91000, nothing else.
    let reader = count_reader(&db);
    run_to_success(
        &client,
        load(
            format!(
                "SELECT DISTINCT * FROM ({})",
                hostile_rows(40_001, 100_000, "d")
            ),
            proto::SaveMode::Append,
        ),
    )
    .await;
    let seen = reader.finish();
    assert!(
        seen.iter().all(|c| c == "31000" || c == "91000") && seen.contains("91000"),
        "a reader saw {seen:?}"
    );
    assert_eq!(db.psql(r#"SELECT count(*) FROM "Order""#), "91000\n");
    // Every mode but overwrite commits what it published early (the append: 4 partitions of a
    // DISTINCT); overwrite publishes at commit.
    let early =
        cluster.log_lines_containing("committed the partitions published while the job ran");
    assert_eq!(
        early.len(),
        3,
        "error_if_exists, upsert and append: {early:?}"
    );
    assert!(early[2].ends_with("partitions=4"), "{early:?}");
    assert_no_staging_tables(&db);
}

/// Counts the rows of `"Order"` with psql, over and over.
fn count_reader(db: &TestDatabase) -> Reader {
    let name = db.name.clone();
    Reader::start(move || {
        let out = std::process::Command::new("psql")
            .args([
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-d",
                &name,
                "-XAtq",
                "-c",
            ])
            .arg(r#"SELECT count(*) FROM "Order""#)
            .output()
            .expect("psql");
        String::from_utf8_lossy(&out.stdout).into_owned()
    })
}

/// Counts the staging tables of every job in the database.
const STAGING_TABLES: &str = "SELECT count(*) FROM pg_tables WHERE tablename LIKE '\\_kiln\\_job%'";

/// Checks that no staging table of any job is left in the database.
fn assert_no_staging_tables(db: &TestDatabase) {
    assert_eq!(
        db.psql(STAGING_TABLES).trim(),
        "0",
        "staging tables left behind"
    );
}

/// Checks that table `loaded` holds the 900,000 numbered rows once each and that no staging
/// table is left.
fn assert_loaded_once(db: &TestDatabase) {
    assert_eq!(
        db.psql("SELECT count(*), count(DISTINCT id), max(id) FROM loaded"),
        "900000|900000|900000\n"
    );
    assert_no_staging_tables(db);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_executor_killed_mid_load_leaves_each_row_once() {
    let db = TestDatabase::create();
    let mut sink = pg_sink(&db, "loaded", proto::SaveMode::Append);
    sink.options.insert("create_table".into(), "true".into());
    load_with_an_executor_killed("SELECT id, pad FROM t", sink).await;
    assert_loaded_once(&db);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_load_whose_connection_is_killed_is_retried_and_each_row_lands_once() {
    let db = TestDatabase::create();
    let mut sink = pg_sink(&db, "loaded", proto::SaveMode::Append);
    sink.options.insert("create_table".into(), "true".into());
    // The database ends one task's COPY into its staging table, as a failover or an
    // administrator would; the task fails and runs again.
    let kill = format!(
        "SELECT count(pg_terminate_backend(pid)) FROM (SELECT pid FROM pg_stat_activity \
         WHERE datname = '{}' AND query LIKE 'COPY %_kiln_%' AND state = 'active' LIMIT 1) AS one",
        db.name
    );
    load_with_a_failure("SELECT id, pad FROM t", sink, || {
        db.psql(&kill).trim() == "1"
    })
    .await;
    assert_loaded_once(&db);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partition_whose_staging_rows_were_lost_runs_again_before_the_commit() {
    let db = TestDatabase::create();
    db.psql("CREATE TABLE loaded (id bigint, pad text); INSERT INTO loaded VALUES (-1, 'old')");
    let sink = pg_sink(&db, "loaded", proto::SaveMode::Overwrite);
    // A database crash resets unlogged tables to empty: empty one staging table whose load has
    // finished (its rows are visible), before the job commits.
    let mut emptied = None;
    let empty_a_loaded_staging_table = || {
        let tables = db.psql(
            "SELECT tablename FROM pg_tables WHERE tablename LIKE '\\_kiln\\_job%' ORDER BY 1",
        );
        emptied = tables.lines().find_map(|table| {
            let quoted = format!("\"{table}\"");
            let rows = db.psql(&format!("SELECT count(*) FROM {quoted}"));
            (rows.trim() != "0").then(|| {
                db.psql(&format!("TRUNCATE {quoted}"));
                table.to_string()
            })
        });
        emptied.is_some()
    };
    let status =
        load_losing_rows("SELECT id, pad FROM t", sink, empty_a_loaded_staging_table).await;
    // The emptied table was one of the job's (its name holds the job's id), and the commit
    // published every row once, after the partition ran again; the overwrite removed the old.
    let emptied = emptied.expect("a staging table was emptied");
    assert!(
        emptied.contains(&status.job_id),
        "{emptied} is not a staging table of job {}",
        status.job_id
    );
    assert_eq!(
        db.psql("SELECT count(*), count(DISTINCT id), max(id), min(id) FROM loaded"),
        "900000|900000|900000|1\n"
    );
    let deadline = Instant::now() + Duration::from_secs(15);
    while db.psql(STAGING_TABLES).trim() != "0" {
        assert!(
            Instant::now() < deadline,
            "the job's staging tables are left"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_targets_fail_at_submit_with_the_cause_and_quickly() {
    let db = TestDatabase::create();
    db.psql("CREATE TABLE numbers (n integer)");
    let cluster = TestCluster::start(ClusterOptions {
        executors: 1,
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    let rows = "SELECT 'abc' AS n";
    let cases: Vec<(proto::SinkSpec, &str)> = vec![
        (
            pg_sink(&db, "no_such_table", proto::SaveMode::Append),
            "does not exist",
        ),
        (
            pg_sink(&db, "numbers", proto::SaveMode::Append),
            "do not fit the table",
        ),
        (
            proto::SinkSpec {
                path: "postgres://postgres@127.0.0.1:1/db".into(),
                ..pg_sink(&db, "numbers", proto::SaveMode::Append)
            },
            "cannot connect",
        ),
        (
            proto::SinkSpec {
                path: format!("postgres://no_such_role@127.0.0.1:5432/{}", db.name),
                ..pg_sink(&db, "numbers", proto::SaveMode::Append)
            },
            "no_such_role",
        ),
        (
            proto::SinkSpec {
                path: format!("postgres://postgres:s3cret@127.0.0.1:5432/{}", db.name),
                ..pg_sink(&db, "numbers", proto::SaveMode::Append)
            },
            "remove the password",
        ),
        (
            proto::SinkSpec {
                options: [("password_secret".to_string(), "kiln-no-such".to_string())].into(),
                ..pg_sink(&db, "numbers", proto::SaveMode::Append)
            },
            "secret 'kiln-no-such' is not declared",
        ),
        (
            proto::SinkSpec {
                options: [("password_env".to_string(), "KILN_TOKEN".to_string())].into(),
                ..pg_sink(&db, "numbers", proto::SaveMode::Append)
            },
            "may not name the cluster's environment variables or files",
        ),
        (
            proto::SinkSpec {
                options: [(
                    "password_file".to_string(),
                    "/proc/self/environ".to_string(),
                )]
                .into(),
                ..pg_sink(&db, "numbers", proto::SaveMode::Append)
            },
            "may not name the cluster's environment variables or files",
        ),
        (
            proto::SinkSpec {
                options: [(
                    "password_secret".to_string(),
                    "../../proc/self/environ".to_string(),
                )]
                .into(),
                ..pg_sink(&db, "numbers", proto::SaveMode::Append)
            },
            "not a secret name",
        ),
        (
            pg_sink(&db, "numbers", proto::SaveMode::Upsert),
            "key_columns",
        ),
    ];
    for (sink, expected) in cases {
        let started = Instant::now();
        let result = client.submit(sink_job(vec![], rows, sink)).await;
        match result {
            Err(ClientError::InvalidJob(message)) => {
                assert!(message.contains(expected), "{message} lacks {expected}");
                assert!(!message.contains("s3cret"), "a password leaked: {message}");
            }
            other => panic!("expected a rejection naming {expected}, got {other:?}"),
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "{expected}: too slow"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn passwords_come_from_declared_secrets_and_a_wrong_one_is_named() {
    let server = PasswordServer::start("right-pw");
    server.psql("CREATE TABLE numbers (n integer)");
    let secrets = tempfile::tempdir().unwrap();
    std::fs::write(secrets.path().join("pg-file"), "right-pw\n").unwrap();
    let cluster = TestCluster::start(ClusterOptions {
        executors: 1,
        env: vec![
            ("KILN_SECRET_PG_RIGHT".into(), "right-pw".into()),
            ("KILN_SECRET_PG_WRONG".into(), "wrong-pw".into()),
            (
                "KILN_SECRETS_DIR".into(),
                secrets.path().to_str().unwrap().into(),
            ),
        ],
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    let sink = |option: &str, value: &str| proto::SinkSpec {
        format: "postgres".into(),
        path: format!("postgres://postgres@127.0.0.1:{}/postgres", server.port),
        table: "numbers".into(),
        mode: proto::SaveMode::Append as i32,
        options: [(option.to_string(), value.to_string())].into(),
        ..Default::default()
    };
    let started = Instant::now();
    match client
        .submit(sink_job(
            vec![],
            "SELECT 1 AS n",
            sink("password_secret", "pg-wrong"),
        ))
        .await
    {
        Err(ClientError::InvalidJob(message)) => {
            assert!(
                message.contains("password authentication failed"),
                "{message}"
            );
            assert!(
                !message.contains("wrong-pw"),
                "a password leaked: {message}"
            );
        }
        other => panic!("expected the wrong password to be rejected, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(15), "too slow");
    run_to_success(
        &client,
        sink_job(vec![], "SELECT 7 AS n", sink("password_secret", "pg-right")),
    )
    .await;
    run_to_success(
        &client,
        sink_job(vec![], "SELECT 8 AS n", sink("password_secret", "pg-file")),
    )
    .await;
    assert_eq!(server.psql("SELECT n FROM numbers ORDER BY n"), "7\n8\n");

    // A server that asks for the password in cleartext (over a connection without TLS)
    // never gets it, although it is the right one: the job is refused, saying why.
    let cleartext = PasswordServer::start_with_auth("right-pw", "password");
    cleartext.psql("CREATE TABLE numbers (n integer)");
    let mut to_cleartext = sink("password_secret", "pg-right");
    to_cleartext.path = format!("postgres://postgres@127.0.0.1:{}/postgres", cleartext.port);
    match client
        .submit(sink_job(vec![], "SELECT 9 AS n", to_cleartext))
        .await
    {
        Err(ClientError::InvalidJob(message)) => {
            assert!(message.contains("cleartext"), "{message}");
            assert!(
                !message.contains("right-pw"),
                "a password leaked: {message}"
            );
        }
        other => panic!("expected a refusal to send a cleartext password, got {other:?}"),
    }
    assert_eq!(cleartext.psql("SELECT count(*) FROM numbers"), "0\n");
    for password in ["right-pw", "wrong-pw"] {
        let leaked = cluster.log_lines_containing(password);
        assert!(leaked.is_empty(), "a password reached the logs: {leaked:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_connections_caps_the_loads_running_at_once() {
    let db = TestDatabase::create();
    let cluster = TestCluster::start(ClusterOptions::default()).await;
    let client = cluster.client().await;
    let sql = "SELECT value % 1000 AS id, count(*) AS n FROM generate_series(1, 40000) GROUP BY 1";

    let mut sink = pg_sink(&db, "capped", proto::SaveMode::Append);
    sink.options.insert("create_table".into(), "true".into());
    sink.options.insert("max_connections".into(), "1".into());
    let status = run_to_success(&client, sink_job(vec![], sql, sink.clone())).await;
    assert_eq!(
        db.psql("SELECT count(*), sum(n) FROM capped").trim(),
        "1000|40000"
    );

    // The loads (the final stage's tasks) ran one after another.
    let final_stage = status.stages.last().unwrap().stage_id;
    let mut loads: Vec<_> = client
        .tasks(&status.job_id)
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.stage_id == final_stage)
        .collect();
    assert!(loads.len() >= 2, "several load tasks: {loads:?}");
    loads.sort_by_key(|a| a.started_at_ms);
    for pair in loads.windows(2) {
        assert!(
            pair[1].started_at_ms >= pair[0].ended_at_ms,
            "two loads overlapped: {pair:?}"
        );
    }

    sink.options.insert("max_connections".into(), "0".into());
    match client.submit(sink_job(vec![], sql, sink)).await {
        Err(ClientError::InvalidJob(message)) => {
            assert!(message.contains("max_connections"), "{message}")
        }
        other => panic!("expected the job to be rejected, got {other:?}"),
    }
}

/// Waits until a log line of the cluster contains every one of `needles`.
async fn wait_for_log(cluster: &TestCluster, needles: &[&str]) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !cluster
        .log_lines_containing(needles[0])
        .iter()
        .any(|line| needles.iter().all(|n| line.contains(n)))
    {
        assert!(
            Instant::now() < deadline,
            "no log line with {needles:?}: {}",
            cluster.logs()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_cancelled_or_timed_out_during_its_commit_ends_so_and_publishes_nothing() {
    let db = TestDatabase::create();
    db.psql("CREATE TABLE loaded (id bigint); INSERT INTO loaded VALUES (-1)");
    // Publishing a partition at commit takes 4 s (a large table, a slow database): a cancel
    // or a timeout comes while the job is committing.
    let cluster = TestCluster::start(ClusterOptions {
        executors: 1,
        env: vec![(
            "FAILPOINTS".into(),
            "database-commit-publish=return(4000)".into(),
        )],
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    let spec = |timeout_secs: u64| {
        let mut spec = sink_job(
            vec![],
            "SELECT value AS id FROM generate_series(1, 1000)",
            pg_sink(&db, "loaded", proto::SaveMode::Overwrite),
        );
        spec.options = Some(proto::JobOptions {
            timeout_ms: timeout_secs * 1000,
            ..Default::default()
        });
        spec
    };

    let cancelled = client.submit(spec(0)).await.unwrap();
    wait_for_log(&cluster, &["failpoint database-commit-publish"]).await;
    client.cancel(&cancelled).await.unwrap();
    let status = client.wait(&cancelled).await.unwrap();
    assert_eq!(
        status.state,
        proto::JobState::Cancelled as i32,
        "{status:?}"
    );
    assert!(status.error.contains("during its commit"), "{status:?}");

    let timed_out = client.submit(spec(3)).await.unwrap();
    let status = client.wait(&timed_out).await.unwrap();
    assert_eq!(status.state, proto::JobState::TimedOut as i32, "{status:?}");
    assert!(status.error.contains("during its commit"), "{status:?}");

    // Neither overwrite happened, neither job is in the ledger, and their staging tables go.
    assert_eq!(db.psql("SELECT id FROM loaded"), "-1\n");
    assert_eq!(db.psql("SELECT count(*) FROM _kiln_commits"), "0\n");
    let deadline = Instant::now() + Duration::from_secs(15);
    while db.psql(STAGING_TABLES).trim() != "0" {
        assert!(
            Instant::now() < deadline,
            "the stopped jobs' staging tables are left"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_load_blocked_by_a_lock_fails_at_its_statement_timeout() {
    let db = TestDatabase::create();
    db.psql("CREATE TABLE loaded (id bigint)");
    let cluster = TestCluster::start(ClusterOptions {
        executors: 1,
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    // Another session holds the table locked for 20 s (the database's drop ends it).
    let database = db.name.clone();
    std::thread::spawn(move || {
        std::process::Command::new("psql")
            .args([
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-d",
                &database,
                "-XAtq",
            ])
            .args([
                "-c",
                "BEGIN; LOCK TABLE loaded; SELECT pg_sleep(20); COMMIT;",
            ])
            .output()
    });
    let locked = "SELECT count(*) FROM pg_locks WHERE relation = 'loaded'::regclass \
                  AND mode = 'AccessExclusiveLock' AND granted";
    let deadline = Instant::now() + Duration::from_secs(10);
    while db.psql(locked).trim() != "1" {
        assert!(Instant::now() < deadline, "the lock was never taken");
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut sink = pg_sink(&db, "loaded", proto::SaveMode::Append);
    sink.options
        .insert("statement_timeout_secs".into(), "1".into());
    let started = Instant::now();
    let spec = sink_job(vec![], "SELECT 1::bigint AS id", sink);
    let error = match client.submit(spec).await {
        Ok(job_id) => client.wait(&job_id).await.unwrap().error,
        Err(error) => error.to_string(),
    };
    assert!(
        error.contains("canceling statement due to statement timeout"),
        "{error}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "the lock was waited out rather than timed out"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staging_tables_a_dead_leader_left_are_removed_by_its_successor() {
    let db = TestDatabase::create();
    db.psql("CREATE TABLE loaded (id bigint)");
    // The leader holds 3 s before publishing (time to cancel the job during its commit), and
    // a minute before removing the cancelled job's staging tables (time to kill it there).
    let failpoints = "database-commit-publish=return(3000);sink-abort=return(60000)";
    let mut cluster = TestCluster::start(ClusterOptions {
        executors: 1,
        coordinator_env: vec![vec![("FAILPOINTS".into(), failpoints.into())]],
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    let spec = sink_job(
        vec![],
        "SELECT value AS id FROM generate_series(1, 1000)",
        pg_sink(&db, "loaded", proto::SaveMode::Overwrite),
    );
    let job_id = client.submit(spec).await.unwrap();
    wait_for_log(&cluster, &["failpoint database-commit-publish"]).await;
    client.cancel(&job_id).await.unwrap();
    wait_for_log(&cluster, &["failpoint sink-abort"]).await;
    cluster.kill_coordinator(0);
    assert_ne!(
        db.psql(STAGING_TABLES).trim(),
        "0",
        "the staging tables were removed before the leader died"
    );

    cluster.set_coordinator_env(0, vec![]);
    cluster.restart_coordinator(0);
    let deadline = Instant::now() + Duration::from_secs(30);
    while db.psql(STAGING_TABLES).trim() != "0" {
        assert!(
            Instant::now() < deadline,
            "the successor left the staging tables: {}",
            cluster.logs()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let client = cluster.client().await;
    let status = client.get(&job_id).await.unwrap();
    assert_eq!(
        status.state,
        proto::JobState::Cancelled as i32,
        "{status:?}"
    );
    assert_eq!(db.psql("SELECT count(*) FROM loaded"), "0\n");
}

/// A server that restarts is waited for, not given up on at the first refused connection
/// (chaos finding 3: every attempt of a load failed within a millisecond while the server
/// restarted, and the job failed): connecting while it is down succeeds once it is back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_waits_out_a_restarting_server() {
    let server = std::sync::Arc::new(PasswordServer::start("restart-pw"));
    server.stop_immediately();
    let down = Instant::now();
    let restarting = std::sync::Arc::clone(&server);
    let back = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(1_500));
        restarting.start_again();
    });
    // SAFETY: the test's own process; no other thread reads this variable meanwhile.
    unsafe { std::env::set_var("KILN_SECRET_RESTART_PG", "restart-pw") };
    let options = [("password_secret".to_string(), "restart-pg".to_string())].into();
    let client = kiln_jobs::postgres::connect(&server.url(), &options)
        .await
        .expect("connected once the server was back");
    // It was refused for as long as the server was down, and waited.
    assert!(
        down.elapsed() >= Duration::from_millis(1_500),
        "{:?}",
        down.elapsed()
    );
    let one: i32 = client.query_one("SELECT 1", &[]).await.unwrap().get(0);
    assert_eq!(one, 1);
    back.join().unwrap();
}
