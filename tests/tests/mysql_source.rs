//! MariaDB tables as sources: read in parallel key ranges with every common type mapped to
//! Arrow, and declared in SQL (`STORED AS MYSQL`) to be read and loaded with `INSERT INTO`.

use kiln_client::proto;
use kiln_tests::cluster::ClusterOptions;
use kiln_tests::mysql::TestDatabase;
use kiln_tests::{TestCluster, first_column, run_to_success, sql_job};

const COLUMNS: &[&str] = &[
    "id", "small", "big", "ratio", "price", "flag", "note", "day", "at", "at_utc", "bin", "t",
];

/// The table `Order`: three rows with every type (the third all NULL), then 3000 more.
fn create_orders(db: &TestDatabase) {
    db.sql(
        "CREATE TABLE `Order` (id BIGINT PRIMARY KEY, small TINYINT, big BIGINT UNSIGNED,
             ratio DOUBLE, price DECIMAL(12,2), flag BOOLEAN, note VARCHAR(100),
             day DATE, at DATETIME(6), at_utc TIMESTAMP(6) NULL, bin VARBINARY(10), t TIME)
             CHARACTER SET utf8mb4;
         INSERT INTO `Order` VALUES
           (1, 7, 18446744073709551615, 0.5, 12.34, TRUE, 'ünïcødé ✓ \"q\"\ttab', '2024-02-29',
            '2024-02-29 13:45:01.123456', '2024-02-29 13:45:01.5', 0x00FF10, '12:34:56'),
           (2, -3, 0, -2.25, -0.05, FALSE, '', '1970-01-01', '1999-12-31 23:59:59',
            '2000-01-01 00:00:00', '', '-01:00:00'),
           (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
         INSERT INTO `Order` (id, small, price, note, day, at)
           SELECT seq, seq % 100, seq * 0.25, CONCAT('order ', seq),
                  DATE '2024-01-01' + INTERVAL seq HOUR, TIMESTAMP '2024-01-01 00:00:00' + INTERVAL seq MINUTE
           FROM seq_4_to_3003;",
    );
}

fn mysql_source(db: &TestDatabase, partition_column: &str) -> proto::SourceSpec {
    proto::SourceSpec {
        name: "orders".into(),
        format: "mysql".into(),
        path: db.url(),
        options: [
            ("table", "\"Order\""),
            ("partition_column", partition_column),
            ("partitions", "3"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mariadb_table_reads_in_key_ranges_with_its_types_intact() {
    let db = TestDatabase::create();
    create_orders(&db);
    let cluster = TestCluster::start(ClusterOptions::default()).await;
    let client = cluster.client().await;

    // Every value as text, NULL spelled out, one line per row.
    let rendered: Vec<String> = COLUMNS
        .iter()
        .map(|&c| match c {
            "bin" => "coalesce(encode(bin, 'hex'), 'NULL')".to_string(),
            c => format!("coalesce(CAST({c} AS VARCHAR), 'NULL')"),
        })
        .collect();
    let spec = proto::JobSpec {
        name: "typed".into(),
        sources: vec![mysql_source(&db, "id")],
        steps: vec![proto::StepSpec {
            name: "q".into(),
            sql: format!(
                "SELECT concat_ws('|', arrow_typeof(big), arrow_typeof(price), arrow_typeof(at_utc), \
                 {}) AS line FROM orders WHERE id <= 3 ORDER BY id",
                rendered.join(", ")
            ),
        }],
        ..Default::default()
    };
    let status = run_to_success(&client, spec).await;
    assert_eq!(status.stages[0].tasks_total, 3, "one task per key range");
    let types = "UInt64|Decimal128(12, 2)|Timestamp(µs, \"+00:00\")";
    assert_eq!(
        first_column(&client, &status).await,
        [
            format!(
                "{types}|1|7|18446744073709551615|0.5|12.34|1|ünïcødé ✓ \"q\"\ttab|2024-02-29|\
                 2024-02-29T13:45:01.123456|2024-02-29T13:45:01.500Z|00ff10|12:34:56"
            ),
            format!(
                "{types}|2|-3|0|-2.25|-0.05|0||1970-01-01|1999-12-31T23:59:59|\
                 2000-01-01T00:00:00Z||-01:00:00"
            ),
            format!("{types}|3|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL"),
        ]
    );

    // Every row once across the ranges of an integer, a date and a datetime column (NULL keys
    // included): the same count and sums as MariaDB's.
    let expected = db
        .sql("SELECT CONCAT_WS('|', count(*), sum(id), sum(price), count(note)) FROM `Order`")
        .trim()
        .to_string();
    for key in ["id", "day", "at"] {
        let spec = proto::JobSpec {
            name: format!("totals-by-{key}"),
            sources: vec![mysql_source(&db, key)],
            steps: vec![proto::StepSpec {
                name: "q".into(),
                sql: "SELECT concat_ws('|', count(*), sum(id), sum(price), count(note)) AS line \
                      FROM orders"
                    .into(),
            }],
            ..Default::default()
        };
        let status = run_to_success(&client, spec).await;
        assert_eq!(status.stages[0].tasks_total, 3, "three {key} ranges");
        assert_eq!(
            first_column(&client, &status).await,
            vec![expected.clone()],
            "split on {key}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stored_as_mysql_tables_are_read_and_loaded_in_sql() {
    let db = TestDatabase::create();
    create_orders(&db);
    db.sql("CREATE TABLE big_orders (id BIGINT, note VARCHAR(100), price DECIMAL(12,2))");
    let cluster = TestCluster::start(ClusterOptions::default()).await;
    let client = cluster.client().await;
    let declare = |name: &str, table: &str| {
        format!(
            "CREATE EXTERNAL TABLE {name} STORED AS MYSQL LOCATION '{}' \
             OPTIONS ('table' '{table}', 'partition_column' 'id', 'partitions' '2')",
            db.url()
        )
    };
    let setup = [declare("orders", "\"Order\""), declare("big", "big_orders")];
    // Ids are integers: that filter is read in the database; prices are decimals: not pushed.
    let insert = "INSERT INTO big SELECT id, note, price FROM orders \
                  WHERE price >= 500 AND id IN (2, 2500, 2501, 3000, 3001, 3002) AND note = 'order 2501'";
    let status = run_to_success(&client, sql_job("load", &setup, insert)).await;
    let reads =
        kiln_tests::logged_lines(&client, &status.job_id, "reading mysql source 'orders'").await;
    assert!(!reads.is_empty());
    for read in &reads {
        assert!(
            read.contains("`id` IN (2, 2500, 2501, 3000, 3001, 3002)")
                && read.contains("`note` = 'order 2501'")
                && !read.contains("`price` >="),
            "{read}"
        );
    }
    assert_eq!(
        db.sql("SELECT count(*), min(id), max(id), sum(price) FROM big_orders")
            .trim(),
        db.sql(
            "SELECT count(*), min(id), max(id), sum(price) FROM `Order` WHERE price >= 500 \
             AND id IN (2, 2500, 2501, 3000, 3001, 3002) AND note = 'order 2501'"
        )
        .trim()
    );
    assert_eq!(
        db.sql(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() \
             AND table_name LIKE '\\_kiln\\_job%'"
        )
        .trim(),
        "0",
        "staging tables left behind"
    );
}
