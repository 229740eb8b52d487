//! S3 CSV -> database: a Kiln job loading a taxi-like CSV from a real S3 server into PostgreSQL
//! and MariaDB, against each database's own bulk loader reading the same file from local disk
//! (`psql \copy ... csv`, `LOAD DATA LOCAL INFILE` via the mariadb client) into an identical
//! empty table, in the same run.

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use kiln_client::proto;
use kiln_tests::TestCluster;
use kiln_tests::cluster::ClusterOptions;
use kiln_tests::s3::S3Server;

const PG_TABLE: &str = "(vendor_id int, pickup_at timestamp, dropoff_at timestamp, \
    passenger_count int, trip_distance double precision, pu_zone int, do_zone int, \
    payment_type text, fare numeric(10, 2), tip numeric(10, 2), total numeric(10, 2), flag text)";
const MYSQL_TABLE: &str = "(vendor_id INT, pickup_at DATETIME(6), dropoff_at DATETIME(6), \
    passenger_count INT, trip_distance DOUBLE, pu_zone INT, do_zone INT, \
    payment_type VARCHAR(16), fare DECIMAL(10, 2), tip DECIMAL(10, 2), total DECIMAL(10, 2), \
    flag VARCHAR(1))";
/// The CSV's columns typed as the tables declare them.
const TYPED: &str = "SELECT CAST(vendor_id AS INT) AS vendor_id, \
    arrow_cast(pickup_at, 'Timestamp(Microsecond, None)') AS pickup_at, \
    arrow_cast(dropoff_at, 'Timestamp(Microsecond, None)') AS dropoff_at, \
    CAST(passenger_count AS INT) AS passenger_count, trip_distance, \
    CAST(pu_zone AS INT) AS pu_zone, CAST(do_zone AS INT) AS do_zone, payment_type, \
    CAST(fare AS DECIMAL(10, 2)) AS fare, CAST(tip AS DECIMAL(10, 2)) AS tip, \
    CAST(total AS DECIMAL(10, 2)) AS total, flag FROM trips";

/// Writes `rows` taxi-like trips as CSV (deterministic pseudo-random values).
fn generate(path: &Path, rows: usize) {
    let file = std::fs::File::create(path).expect("creating the CSV");
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    writeln!(out, "vendor_id,pickup_at,dropoff_at,passenger_count,trip_distance,pu_zone,do_zone,payment_type,fare,tip,total,flag").unwrap();
    let mut state: u64 = 42;
    let mut next = move |n: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % n
    };
    let payments = ["card", "cash", "dispute", "no_charge"];
    for _ in 0..rows {
        let day = 1 + next(28);
        let (hour, minute, second) = (next(24), next(60), next(60));
        let duration = 2 + next(50);
        let end_minute = (minute + duration) % 60;
        let end_hour = (hour + (minute + duration) / 60) % 24;
        let fare = 250 + next(9000);
        let tip = next(2000);
        writeln!(
            out,
            "{},2024-01-{day:02} {hour:02}:{minute:02}:{second:02},2024-01-{day:02} {end_hour:02}:{end_minute:02}:{second:02},{},{}.{:02},{},{},{},{}.{:02},{}.{:02},{}.{:02},{}",
            1 + next(2),
            1 + next(6),
            next(30),
            next(100),
            1 + next(265),
            1 + next(265),
            payments[next(4) as usize],
            fare / 100,
            fare % 100,
            tip / 100,
            tip % 100,
            (fare + tip) / 100,
            (fare + tip) % 100,
            if next(10) == 0 { "Y" } else { "N" }
        )
        .unwrap();
    }
    out.flush().unwrap();
}

/// Waits (up to a minute) until InnoDB has written its dirty pages, so a load does not pay for
/// the one before it: MariaDB's counterpart of PostgreSQL's CHECKPOINT.
fn settle_mariadb(db: &kiln_tests::mysql::TestDatabase) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        let status = db.sql("SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'");
        let dirty: u64 = status
            .split_whitespace()
            .nth(1)
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        if dirty < 100 {
            return;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

fn timed(mut command: Command) -> Duration {
    let started = Instant::now();
    let output = command.output().expect("running the bulk loader");
    assert!(
        output.status.success(),
        "{:?} failed: {}",
        command,
        String::from_utf8_lossy(&output.stderr)
    );
    started.elapsed()
}

/// How the Kiln jobs of the comparison load.
pub struct KilnLoad {
    /// Partitions of each job.
    pub partitions: usize,
    /// The PostgreSQL sink's `max_connections`.
    pub postgres_connections: u32,
    /// The MySQL sink's `max_connections`.
    pub mysql_connections: u32,
}

/// Loads the CSV into `sink` with a Kiln job whose source has bad-record `mode`.
async fn kiln_load(
    cluster: &TestCluster,
    partitions: usize,
    connections: u32,
    mode: &str,
    mut sink: proto::SinkSpec,
) -> Duration {
    sink.options
        .insert("max_connections".into(), connections.to_string());
    let client = cluster.client().await;
    let spec = proto::JobSpec {
        name: format!("load-{}", sink.format),
        sources: vec![proto::SourceSpec {
            name: "trips".into(),
            format: "csv".into(),
            path: "s3://bench/trips.csv".into(),
            options: [("mode".to_string(), mode.to_string())].into(),
        }],
        steps: vec![proto::StepSpec {
            name: "typed".into(),
            sql: TYPED.into(),
        }],
        sink: Some(sink),
        options: Some(proto::JobOptions {
            parallelism: partitions as u32,
            ..Default::default()
        }),
        ..Default::default()
    };
    let started = Instant::now();
    kiln_tests::run_to_success(&client, spec).await;
    started.elapsed()
}

/// The time to scan every column of the CSV at `path` on 2 partitions, best of 3 runs: with
/// DataFusion's CSV reader (None) or with Kiln's under bad-record `mode`.
async fn scan_time(path: &Path, mode: Option<&str>) -> Duration {
    use datafusion::datasource::listing::ListingTableUrl;
    use datafusion::datasource::listing::{ListingOptions, ListingTable, ListingTableConfig};
    use futures::StreamExt;
    let config = datafusion::prelude::SessionConfig::new().with_target_partitions(2);
    let ctx = datafusion::prelude::SessionContext::new_with_config(config);
    let location = path.display().to_string();
    match mode {
        None => ctx
            .register_csv("t", &location, Default::default())
            .await
            .expect("registering the CSV"),
        Some(mode) => {
            let options = [("format", "csv"), ("mode", mode)]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            let format =
                kiln_logs::LogFormat::new(kiln_logs::LogOptions::parse(&options).unwrap()).unwrap();
            let url = ListingTableUrl::parse(&location).unwrap();
            let listing = ListingOptions::new(std::sync::Arc::new(format));
            let schema = listing.infer_schema(&ctx.state(), &url).await.unwrap();
            let table = ListingTableConfig::new(url)
                .with_listing_options(listing)
                .with_schema(schema);
            ctx.register_table(
                "t",
                std::sync::Arc::new(ListingTable::try_new(table).unwrap()),
            )
            .unwrap();
        }
    }
    let mut best = Duration::MAX;
    for _ in 0..3 {
        let started = Instant::now();
        let mut stream = ctx
            .sql("SELECT * FROM t")
            .await
            .unwrap()
            .execute_stream()
            .await
            .unwrap();
        let mut rows = 0;
        while let Some(batch) = stream.next().await {
            rows += batch.expect("the scan reads every row").num_rows();
        }
        assert!(rows > 0);
        best = best.min(started.elapsed());
    }
    best
}

/// Runs the comparison and writes its report to `out`.
pub async fn run(rows: usize, kiln: KilnLoad, data_dir: &Path, out: &Path) {
    let partitions = kiln.partitions;
    std::fs::create_dir_all(data_dir).expect("creating the data dir");
    let csv = std::path::absolute(data_dir.join(format!("trips-{rows}.csv"))).unwrap();
    if !csv.exists() {
        eprintln!("generating {rows} trips into {}", csv.display());
        generate(&csv, rows);
    }
    let bytes = std::fs::metadata(&csv).unwrap().len();
    let s3 = S3Server::start();
    s3.create_bucket("bench");
    eprintln!("uploading to the S3 server with boto3");
    s3.put_file("bench", "trips.csv", &csv);
    let cluster = TestCluster::start(ClusterOptions {
        executors: 2,
        slots: 2,
        shuffle_partitions: partitions,
        lease_ttl_secs: 60,
        env: s3.env(),
        ..ClusterOptions::default()
    })
    .await;

    eprintln!("scanning the CSV: DataFusion's reader, then Kiln's");
    let scans = [
        ("DataFusion's CSV reader", scan_time(&csv, None).await),
        (
            "Kiln's, mode fail_fast",
            scan_time(&csv, Some("fail_fast")).await,
        ),
        (
            "Kiln's, mode permissive",
            scan_time(&csv, Some("permissive")).await,
        ),
    ];

    let pg = kiln_tests::postgres::TestDatabase::create();
    pg.psql(&format!(
        "CREATE TABLE by_psql {PG_TABLE}; CREATE TABLE by_kiln {PG_TABLE}; \
         CREATE TABLE by_kiln_permissive {PG_TABLE}"
    ));
    let mut psql = Command::new("psql");
    psql.args(["-h", "127.0.0.1", "-U", "postgres", "-d", &pg.name, "-c"])
        .arg(format!(
            "\\copy by_psql FROM '{}' WITH (FORMAT csv, HEADER)",
            csv.display()
        ));
    // Each load starts with the writes of the one before on disk, so neither pays for the
    // other's checkpoint.
    pg.psql("CHECKPOINT");
    eprintln!("psql \\copy");
    let psql_time = timed(psql);
    pg.psql("CHECKPOINT");
    let pg_sink = |table: &str| proto::SinkSpec {
        format: "postgres".into(),
        path: pg.url(),
        table: table.into(),
        mode: proto::SaveMode::Append as i32,
        ..Default::default()
    };
    eprintln!("kiln -> postgres");
    let kiln_pg = kiln_load(
        &cluster,
        partitions,
        kiln.postgres_connections,
        "fail_fast",
        pg_sink("by_kiln"),
    )
    .await;
    pg.psql("CHECKPOINT");
    eprintln!("kiln -> postgres, mode permissive");
    let kiln_pg_permissive = kiln_load(
        &cluster,
        partitions,
        kiln.postgres_connections,
        "permissive",
        pg_sink("by_kiln_permissive"),
    )
    .await;
    assert_eq!(
        pg.psql(
            "SELECT (SELECT count(*) FROM by_kiln) = (SELECT count(*) FROM by_psql) \
             AND (SELECT count(*) FROM by_kiln_permissive) = (SELECT count(*) FROM by_psql)"
        ),
        "t\n",
        "every load holds every row"
    );

    let my = kiln_tests::mysql::TestDatabase::create();
    my.sql(&format!(
        "CREATE TABLE by_client {MYSQL_TABLE}; CREATE TABLE by_kiln {MYSQL_TABLE}"
    ));
    let mut mariadb = Command::new("mariadb");
    mariadb
        .args([
            "--local-infile=1",
            "-h",
            "127.0.0.1",
            "-u",
            "root",
            &my.name,
            "-e",
        ])
        .arg(format!(
            "LOAD DATA LOCAL INFILE '{}' INTO TABLE by_client FIELDS TERMINATED BY ',' \
             LINES TERMINATED BY '\\n' IGNORE 1 LINES",
            csv.display()
        ));
    settle_mariadb(&my);
    eprintln!("mariadb LOAD DATA LOCAL INFILE");
    let mariadb_time = timed(mariadb);
    settle_mariadb(&my);
    eprintln!("kiln -> mariadb");
    let kiln_my = kiln_load(
        &cluster,
        partitions,
        kiln.mysql_connections,
        "fail_fast",
        proto::SinkSpec {
            format: "mysql".into(),
            path: my.url(),
            table: "by_kiln".into(),
            mode: proto::SaveMode::Append as i32,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(
        my.sql("SELECT (SELECT COUNT(*) FROM by_kiln) = (SELECT COUNT(*) FROM by_client)"),
        "1\n",
        "both loads hold every row"
    );

    let line = |what: &str, baseline: Duration, kiln: Duration| {
        format!(
            "| {what} | {:.1} | {:.1} | {:.0}% |\n",
            baseline.as_secs_f64(),
            kiln.as_secs_f64(),
            100.0 * baseline.as_secs_f64() / kiln.as_secs_f64()
        )
    };
    let report = format!(
        "# S3 CSV -> database load\n\n\
         - {rows} rows, {:.0} MB of taxi-like CSV; Kiln reads it from an s3s-fs server, the bulk \
         tools read the same file from local disk\n\
         - machine: {} cores shared by the databases, the S3 server and Kiln; release build\n\
         - Kiln: 1 coordinator + 2 executors x 2 slots, {partitions} partitions, at most {} (PostgreSQL) \
         and {} (MariaDB) loading at once (`max_connections`); time from submit to SUCCEEDED, including \
         the exactly-once publish (staging tables -> target in one transaction, partitions published \
         as they finish)\n\
         - one run each, same run, into identical empty tables\n\n\
         | target | bulk tool (s) | Kiln (s) | Kiln throughput / bulk tool |\n|---|---|---|---|\n{}{}{}\n\
         ## CSV decoding\n\n\
         The same file from local disk, every column of every row, 2 partitions in one process, \
         best of 3 runs each, same run: what Kiln's bad-record handling costs against \
         DataFusion's own CSV reader.\n\n\
         | reader | seconds | against DataFusion's |\n|---|---|---|\n{}",
        bytes as f64 / 1e6,
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0),
        kiln.postgres_connections,
        kiln.mysql_connections,
        line("PostgreSQL (psql \\copy csv)", psql_time, kiln_pg),
        line(
            "PostgreSQL, source mode permissive",
            psql_time,
            kiln_pg_permissive
        ),
        line("MariaDB (LOAD DATA LOCAL INFILE)", mariadb_time, kiln_my),
        scans
            .iter()
            .map(|(what, time)| format!(
                "| {what} | {:.2} | {:.2}x |\n",
                time.as_secs_f64(),
                time.as_secs_f64() / scans[0].1.as_secs_f64()
            ))
            .collect::<String>(),
    );
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).expect("creating the results directory");
    }
    std::fs::write(out, &report).expect("writing results");
    println!("{report}");
}
