//! The MySQL/MariaDB sink on a real cluster against the machine's MariaDB: CSV on a real S3
//! server loaded with every type intact, save modes with hostile names and a reader that never
//! sees a half-done overwrite, exactly-once under an executor kill, and clear failures.

use kiln_client::{ClientError, proto};
use kiln_tests::cluster::ClusterOptions;
use kiln_tests::mysql::TestDatabase;
use kiln_tests::s3::S3Server;
use kiln_tests::sinks::{
    TYPED_CSV, TYPED_SQL, load_with_a_failure, load_with_an_executor_killed, sink_job,
};
use kiln_tests::{Reader, TestCluster, run_to_success};

fn mysql_sink(db: &TestDatabase, table: &str, mode: proto::SaveMode) -> proto::SinkSpec {
    proto::SinkSpec {
        format: "mysql".into(),
        path: db.url(),
        table: table.into(),
        mode: mode as i32,
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_csv_loads_into_mariadb_with_every_type_intact() {
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
    let mut sink = mysql_sink(&db, "typed", proto::SaveMode::Append);
    sink.options.insert("create_table".into(), "true".into());
    let source = proto::SourceSpec {
        name: "raw".into(),
        format: "csv".into(),
        path: "s3://raw/typed.csv".into(),
        options: [("newlines_in_values".to_string(), "true".to_string())].into(),
    };
    run_to_success(&client, sink_job(vec![source], TYPED_SQL, sink)).await;

    let types = db.sql(
        "SELECT GROUP_CONCAT(column_type ORDER BY ordinal_position) FROM information_schema.columns \
         WHERE table_schema = DATABASE() AND table_name = 'typed'",
    );
    assert_eq!(
        types.trim(),
        "int(11),smallint(6),bigint(20),double,decimal(12,2),tinyint(1),longtext,date,\
         datetime(6),datetime(6),longblob"
    );
    let rows = db.sql(
        "SELECT id, small, big, ratio, price, flag, day, at, at_utc, HEX(`blob`) FROM typed ORDER BY id",
    );
    assert_eq!(
        rows,
        "1\t7\t9000000000\t0.5\t12.34\t1\t2024-02-29\t2024-02-29 13:45:01.123456\t2024-02-29 13:45:01.500000\t00FF10\n\
         2\t-3\t-1\t-2.25\t-0.05\t0\t1970-01-01\t1999-12-31 23:59:59.000000\t2000-01-01 00:00:00.000000\tNULL\n\
         3\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL\n"
    );
    let notes = db.sql(
        "SELECT id, note = CASE id WHEN 1 THEN 'plain' \
         WHEN 2 THEN 'quote \" tab\\tcomma, newline\\nend' \
         WHEN 3 THEN 'ünïcødé ✓ 日本' END FROM typed ORDER BY id",
    );
    assert_eq!(notes, "1\t1\n2\t1\n3\t1\n");
    assert_no_staging_tables(&db);
}

/// A table whose name and columns need quoting everywhere.
const HOSTILE_TABLE: &str = "CREATE TABLE `Order` (id BIGINT PRIMARY KEY, `user` TEXT, \
     `select` INT, `Quoted\"Col` TEXT, `with space` DOUBLE)";

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
    db.sql(HOSTILE_TABLE);
    let cluster = TestCluster::start(ClusterOptions::default()).await;
    let client = cluster.client().await;
    let load = |sql: String, mode| sink_job(vec![], &sql, mysql_sink(&db, "Order", mode));

    run_to_success(
        &client,
        load(hostile_rows(1, 50_000, "a"), proto::SaveMode::ErrorIfExists),
    )
    .await;
    assert_eq!(
        db.sql("SELECT COUNT(*), SUM(`select`) FROM `Order`"),
        "50000\t150003\n"
    );
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
        db.sql("SELECT COUNT(*), MIN(`user`) FROM `Order`"),
        "30000\tb1\n"
    );

    // upsert: 29001..31000 -> 1000 updated, 1000 new.
    run_to_success(
        &client,
        proto::JobSpec {
            sink: Some(proto::SinkSpec {
                key_columns: vec!["id".into()],
                ..mysql_sink(&db, "Order", proto::SaveMode::Upsert)
            }),
            ..load(hostile_rows(29_001, 31_000, "c"), proto::SaveMode::Upsert)
        },
    )
    .await;
    assert_eq!(
        db.sql("SELECT COUNT(*), SUM(`user` LIKE 'c%') FROM `Order`"),
        "31000\t2000\n"
    );
    assert_eq!(
        db.sql("SELECT `user`, `Quoted\"Col`, `with space` FROM `Order` WHERE id = 29001"),
        "c29001\tq\t14500.5\n"
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
    assert_eq!(db.sql("SELECT COUNT(*) FROM `Order`"), "91000\n");
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

/// Counts the rows of `Order` with the mariadb client, over and over.
fn count_reader(db: &TestDatabase) -> Reader {
    let name = db.name.clone();
    Reader::start(move || {
        let out = std::process::Command::new("mariadb")
            .args(["-h", "127.0.0.1", "-u", "root", "-N", "-B", "-e"])
            .arg("SELECT COUNT(*) FROM `Order`")
            .arg(&name)
            .output()
            .expect("mariadb");
        String::from_utf8_lossy(&out.stdout).into_owned()
    })
}

/// Checks that no staging table of any job is left in the database.
fn assert_no_staging_tables(db: &TestDatabase) {
    assert_eq!(
        db.sql("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE '\\_kiln\\_job%'")
            .trim(),
        "0",
        "staging tables left behind"
    );
}

/// Checks that table `loaded` holds the 900,000 numbered rows once each and that no staging
/// table is left.
fn assert_loaded_once(db: &TestDatabase) {
    assert_eq!(
        db.sql("SELECT COUNT(*), COUNT(DISTINCT id), MAX(id) FROM loaded"),
        "900000\t900000\t900000\n"
    );
    assert_no_staging_tables(db);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_load_whose_connection_is_killed_is_retried_and_each_row_lands_once() {
    let db = TestDatabase::create();
    let mut sink = mysql_sink(&db, "loaded", proto::SaveMode::Append);
    sink.options.insert("create_table".into(), "true".into());
    // The server ends one task's connection while it inserts into its staging table; the task
    // fails and runs again.
    let find = format!(
        "SELECT id FROM information_schema.processlist WHERE db = '{}' \
         AND info LIKE 'INSERT INTO `\\_kiln\\_%' LIMIT 1",
        db.name
    );
    load_with_a_failure("SELECT id, pad FROM t", sink, || {
        match db.sql(&find).trim() {
            "" => false,
            id => {
                db.sql(&format!("KILL CONNECTION {id}"));
                true
            }
        }
    })
    .await;
    assert_loaded_once(&db);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_executor_killed_mid_load_leaves_each_row_once() {
    let db = TestDatabase::create();
    let mut sink = mysql_sink(&db, "loaded", proto::SaveMode::Append);
    sink.options.insert("create_table".into(), "true".into());
    load_with_an_executor_killed("SELECT id, pad FROM t", sink).await;
    assert_loaded_once(&db);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_targets_fail_at_submit_with_the_cause() {
    let db = TestDatabase::create();
    db.sql("CREATE TABLE numbers (n INT)");
    db.sql("CREATE TABLE words (n TEXT) ENGINE = MyISAM");
    // A user with a password; the cluster gets the right one and a wrong one in its environment.
    let user = format!("kiln_{}", &db.name[10..26]);
    db.sql(&format!(
        "CREATE USER '{user}'@'%' IDENTIFIED BY 'right-pw'; \
         GRANT ALL ON {}.* TO '{user}'@'%'",
        db.name
    ));
    let cluster = TestCluster::start(ClusterOptions {
        executors: 1,
        env: vec![
            ("KILN_SECRET_MYSQL_RIGHT".into(), "right-pw".into()),
            ("KILN_SECRET_MYSQL_WRONG".into(), "wrong-pw".into()),
        ],
        ..ClusterOptions::default()
    })
    .await;
    let with_password = |secret: &str| proto::SinkSpec {
        path: format!("mysql://{user}@127.0.0.1:3306/{}", db.name),
        options: [("password_secret".to_string(), secret.to_string())].into(),
        ..mysql_sink(&db, "numbers", proto::SaveMode::Append)
    };
    let client = cluster.client().await;
    let cases: Vec<(proto::SinkSpec, &str)> = vec![
        (
            mysql_sink(&db, "no_such_table", proto::SaveMode::Append),
            "does not exist",
        ),
        (
            mysql_sink(&db, "numbers", proto::SaveMode::Append),
            "column 'n' is int",
        ),
        (
            proto::SinkSpec {
                path: "mysql://root@127.0.0.1:1/db".into(),
                ..mysql_sink(&db, "numbers", proto::SaveMode::Append)
            },
            "cannot connect",
        ),
        (
            proto::SinkSpec {
                path: format!("mysql://root:s3cret@127.0.0.1:3306/{}", db.name),
                ..mysql_sink(&db, "numbers", proto::SaveMode::Append)
            },
            "remove the password",
        ),
        (
            proto::SinkSpec {
                path: format!("mysql://no_such_user@127.0.0.1:3306/{}", db.name),
                ..mysql_sink(&db, "numbers", proto::SaveMode::Append)
            },
            "no_such_user",
        ),
        (with_password("mysql-wrong"), "Access denied"),
        // A table without transactions cannot take a commit whole, nor refuse a second one.
        (
            mysql_sink(&db, "words", proto::SaveMode::Append),
            "the table's engine, MyISAM, has no transactions",
        ),
    ];
    for (sink, expected) in cases {
        match client
            .submit(sink_job(vec![], "SELECT 'abc' AS n", sink))
            .await
        {
            Err(ClientError::InvalidJob(message)) => {
                assert!(message.contains(expected), "{message} lacks {expected}");
                assert!(!message.contains("s3cret"), "a password leaked: {message}");
            }
            other => panic!("expected a rejection naming {expected}, got {other:?}"),
        }
    }
    // The right password from a declared secret works.
    let client_ok = client
        .submit(sink_job(
            vec![],
            "SELECT 7 AS n",
            with_password("mysql-right"),
        ))
        .await;
    assert!(client_ok.is_ok(), "{client_ok:?}");
    db.sql(&format!("DROP USER '{user}'@'%'"));
}
