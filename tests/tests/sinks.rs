//! File sinks on a real cluster: CSV on a real S3 server -> partitioned Parquet on S3, save
//! modes, writer options (compression, row groups, rows per file; CSV and JSON output), and
//! exactly-once output when an executor is killed while it writes.

use std::collections::BTreeMap;
use std::path::Path;

use datafusion::prelude::SessionContext;
use kiln_client::{ClientError, proto};
use kiln_tests::cluster::ClusterOptions;
use kiln_tests::s3::S3Server;
use kiln_tests::sinks::{load_with_a_failure, load_with_an_executor_killed, sink_job};
use kiln_tests::{TestCluster, compare, run_to_success};

fn csv_source(name: &str, path: &str) -> proto::SourceSpec {
    proto::SourceSpec {
        name: name.into(),
        format: "csv".into(),
        path: path.into(),
        options: Default::default(),
    }
}

fn parquet_sink(path: &str, partition_by: &[&str], mode: proto::SaveMode) -> proto::SinkSpec {
    proto::SinkSpec {
        format: "parquet".into(),
        path: path.into(),
        partition_by: partition_by.iter().map(|c| c.to_string()).collect(),
        mode: mode as i32,
        ..Default::default()
    }
}

/// Orders with awkward text (quotes, commas, non-ASCII), spread over four regions.
fn write_orders_csv(path: &Path, rows: usize) {
    let regions = ["north", "south", "east", "west"];
    let mut text = String::from("order_id,region,customer,amount\n");
    for i in 0..rows {
        let customer = match i % 3 {
            0 => format!("\"Müller, \"\"Mo\"\" {i}\""),
            1 => format!("café {i}"),
            _ => format!("plain{i}"),
        };
        text.push_str(&format!(
            "{i},{},{customer},{}.{:02}\n",
            regions[i % 4],
            i % 1000,
            i % 100
        ));
    }
    std::fs::write(path, text).expect("writing the CSV");
}

/// Rows of `sql` over the Parquet files under `dir` (read straight from disk, not via Kiln).
async fn query_parquet_dir(dir: &Path, sql: &str) -> Vec<arrow::array::RecordBatch> {
    let ctx = SessionContext::new();
    // CREATE EXTERNAL TABLE infers hive-style partition columns from the directory names.
    ctx.sql(&format!(
        "CREATE EXTERNAL TABLE t STORED AS PARQUET LOCATION '{}/'",
        dir.display()
    ))
    .await
    .expect("registering the written table");
    ctx.sql(sql).await.unwrap().collect().await.unwrap()
}

async fn query_csv(path: &Path, sql: &str) -> Vec<arrow::array::RecordBatch> {
    let ctx = SessionContext::new();
    ctx.register_csv("t", path.to_str().unwrap(), Default::default())
        .await
        .unwrap();
    ctx.sql(sql).await.unwrap().collect().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_csv_to_partitioned_parquet_on_s3_with_every_save_mode() {
    let s3 = S3Server::start();
    s3.create_bucket("raw");
    s3.create_bucket("lake");
    let local = tempfile::tempdir().unwrap();
    let csv = local.path().join("orders.csv");
    write_orders_csv(&csv, 20_000);
    s3.put_file("raw", "incoming/orders.csv", &csv);

    let cluster = TestCluster::start(ClusterOptions {
        env: s3.env(),
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    let source = || vec![csv_source("orders", "s3://raw/incoming/orders.csv")];
    let all = "SELECT order_id, region, customer, amount FROM orders";
    let job = |sql: &str, mode| {
        sink_job(
            source(),
            sql,
            parquet_sink("s3://lake/orders/", &["region"], mode),
        )
    };

    run_to_success(&client, job(all, proto::SaveMode::ErrorIfExists)).await;
    let keys = s3.list("lake", "orders/");
    assert!(keys.contains(&"orders/_SUCCESS".to_string()), "{keys:?}");
    assert!(
        keys.iter().all(|k| !k.contains("_temporary")),
        "temporary files left: {keys:?}"
    );
    let parquet: Vec<&String> = keys.iter().filter(|k| k.ends_with(".parquet")).collect();
    for region in ["north", "south", "east", "west"] {
        assert!(
            parquet
                .iter()
                .any(|k| k.starts_with(&format!("orders/region={region}/"))),
            "no files for region {region}: {keys:?}"
        );
    }

    // Read back from what the server stored, with another client, and compare every row.
    let downloaded = local.path().join("lake");
    let download_all = |s3: &S3Server| {
        let _ = std::fs::remove_dir_all(&downloaded);
        s3.download_prefix("lake", "orders/", ".parquet", &downloaded);
    };
    download_all(&s3);
    let by_region = "SELECT region, count(*) AS n, sum(amount) AS total, \
                     min(customer) AS first, max(customer) AS last FROM t \
                     GROUP BY region ORDER BY region";
    let every_row = "SELECT order_id, region, customer, amount FROM t ORDER BY order_id";
    let expected = query_csv(&csv, every_row).await;
    let written = query_parquet_dir(&downloaded.join("orders"), every_row).await;
    compare::same_rows(&expected, &written).expect("the lake holds exactly the CSV's rows");
    let expected_regions = query_csv(&csv, by_region).await;

    // error_if_exists: rejected at submit, nothing changes.
    let error = client
        .submit(job(all, proto::SaveMode::ErrorIfExists))
        .await
        .expect_err("a non-empty target must be refused");
    assert!(
        matches!(&error, ClientError::InvalidJob(m) if m.contains("already holds data")),
        "{error}"
    );

    // overwrite: the same rows again, not twice as many.
    run_to_success(&client, job(all, proto::SaveMode::Overwrite)).await;
    download_all(&s3);
    let rows = query_parquet_dir(&downloaded.join("orders"), by_region).await;
    compare::same_rows(&expected_regions, &rows).expect("overwrite replaces the table");

    // ignore: succeeds without writing.
    run_to_success(&client, job(all, proto::SaveMode::Ignore)).await;
    download_all(&s3);
    let rows = query_parquet_dir(&downloaded.join("orders"), by_region).await;
    compare::same_rows(&expected_regions, &rows).expect("ignore leaves the table alone");

    // overwrite_partitions: only region=north is replaced (here with half its rows).
    let north_half = "SELECT order_id, region, customer, amount FROM orders \
                      WHERE region = 'north' AND order_id % 8 = 0";
    run_to_success(
        &client,
        job(north_half, proto::SaveMode::OverwritePartitions),
    )
    .await;
    download_all(&s3);
    let counts = query_parquet_dir(
        &downloaded.join("orders"),
        "SELECT region, count(*) AS n FROM t GROUP BY region ORDER BY region",
    )
    .await;
    let counts: BTreeMap<String, String> = text(&counts)
        .into_iter()
        .map(|row| (row[0].clone(), row[1].clone()))
        .collect();
    assert_eq!(counts["north"], "2500", "{counts:?}");
    assert_eq!(counts["south"], "5000", "{counts:?}");

    // append: adds the rows beside the existing ones.
    run_to_success(&client, job(north_half, proto::SaveMode::Append)).await;
    download_all(&s3);
    let north = query_parquet_dir(
        &downloaded.join("orders"),
        "SELECT count(*) AS n, count(DISTINCT order_id) AS ids FROM t WHERE region = 'north'",
    )
    .await;
    assert_eq!(text(&north), [["5000", "2500"]]);
    assert!(
        s3.list("lake", "orders/")
            .iter()
            .all(|k| !k.contains("_temporary")),
        "temporary files left"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_sink_is_rejected_at_submit() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("orders.csv");
    write_orders_csv(&csv, 10);
    let cluster = TestCluster::start(ClusterOptions {
        executors: 1,
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    let out = dir.path().join("out").display().to_string();
    let cases = [
        (
            parquet_sink(&out, &["no_such_column"], proto::SaveMode::Append),
            "partition_by column 'no_such_column'",
        ),
        (
            proto::SinkSpec {
                format: "xlsx".into(),
                ..parquet_sink(&out, &[], proto::SaveMode::Append)
            },
            "unknown sink format 'xlsx'",
        ),
        (
            proto::SinkSpec {
                options: [("compression".to_string(), "lzma9000".to_string())].into(),
                ..parquet_sink(&out, &[], proto::SaveMode::Append)
            },
            "lzma9000",
        ),
        (
            parquet_sink(&out, &[], proto::SaveMode::OverwritePartitions),
            "needs partition_by",
        ),
    ];
    for (sink, expected) in cases {
        let spec = sink_job(
            vec![csv_source("orders", csv.to_str().unwrap())],
            "SELECT * FROM orders",
            sink,
        );
        match client.submit(spec).await {
            Err(ClientError::InvalidJob(message)) => {
                assert!(message.contains(expected), "{message} lacks {expected}")
            }
            other => panic!("expected a rejection naming {expected}, got {other:?}"),
        }
    }
    assert!(
        !Path::new(&out).exists(),
        "a rejected job must not touch the target"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_executor_killed_while_writing_leaves_each_row_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    load_with_an_executor_killed(
        "SELECT id, bucket, pad, sha256(pad || CAST(id AS VARCHAR)) AS digest FROM t",
        parquet_sink(out.to_str().unwrap(), &[], proto::SaveMode::ErrorIfExists),
    )
    .await;
    assert_written_once(&out).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_that_fails_midway_is_retried_and_each_row_lands_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let moved = dir.path().join("moved");
    let mut sink = parquet_sink(out.to_str().unwrap(), &[], proto::SaveMode::ErrorIfExists);
    sink.options.insert("rows_per_file".into(), "10000".into());
    // Once an attempt has written a file, its directory is taken away and a plain file put in
    // its place: the attempt's next file cannot be created, so it fails midway, as on a disk
    // or store error, and runs again.
    load_with_a_failure("SELECT id, pad FROM t", sink, || {
        let Some(attempt) = first_attempt_with_files(&out.join("_temporary")) else {
            return false;
        };
        std::fs::rename(&attempt, &moved).unwrap();
        std::fs::write(&attempt, b"not a directory").unwrap();
        true
    })
    .await;
    assert_written_once(&out).await;
}

/// Checks that `out` holds the 900,000 numbered rows once each, committed (`_SUCCESS`), with
/// no temporary files left.
async fn assert_written_once(out: &Path) {
    let counts = query_parquet_dir(
        out,
        "SELECT count(*) AS n, count(DISTINCT id) AS ids, min(id) AS lo, max(id) AS hi FROM t",
    )
    .await;
    assert_eq!(text(&counts), [["900000", "900000", "1", "900000"]]);
    assert!(
        !out.join("_temporary").exists(),
        "temporary files left behind"
    );
    assert!(out.join("_SUCCESS").exists());
}

/// The first `_temporary/JOB/part-P-attempt-A` directory holding a written file.
fn first_attempt_with_files(temporary: &Path) -> Option<std::path::PathBuf> {
    let jobs = std::fs::read_dir(temporary).ok()?;
    jobs.flatten()
        .flat_map(|job| {
            std::fs::read_dir(job.path())
                .into_iter()
                .flatten()
                .flatten()
        })
        .map(|attempt| attempt.path())
        .find(|attempt| !files_ending(attempt, ".parquet").is_empty())
}

/// Every cell as text.
fn text(batches: &[arrow::array::RecordBatch]) -> Vec<Vec<String>> {
    compare::rows(batches)
        .into_iter()
        .map(|row| {
            row.into_iter()
                .map(|cell| match cell {
                    compare::Cell::Text(s) => s,
                    compare::Cell::Float(f) => f.to_string(),
                })
                .collect()
        })
        .collect()
}

/// Every file under `dir` whose name ends with `suffix`.
fn files_ending(dir: &Path, suffix: &str) -> Vec<std::path::PathBuf> {
    let mut found = vec![];
    // A directory being written may go away between listing and reading it.
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_ending(&path, suffix));
        } else if path.to_string_lossy().ends_with(suffix) {
            found.push(path);
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writer_options_shape_the_files() {
    let out = tempfile::tempdir().unwrap();
    let cluster = TestCluster::start(ClusterOptions::default()).await;
    let client = cluster.client().await;
    let rows = "SELECT value AS id, 'row ' || CAST(value AS VARCHAR) AS note \
                FROM generate_series(1, 100000)";
    let sink = |format: &str, options: &[(&str, &str)]| proto::SinkSpec {
        format: format.into(),
        path: format!("{}/{format}/", out.path().display()),
        mode: proto::SaveMode::ErrorIfExists as i32,
        options: options
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..Default::default()
    };

    // Parquet: zstd, row groups of at most 5000 rows, a new file once one passes 20000 rows
    // (checked between batches of 8192 rows).
    let parquet = sink(
        "parquet",
        &[
            ("compression", "zstd(3)"),
            ("max_row_group_size", "5000"),
            ("rows_per_file", "20000"),
        ],
    );
    run_to_success(&client, sink_job(vec![], rows, parquet)).await;
    let files = files_ending(&out.path().join("parquet"), ".parquet");
    assert!(
        files.len() >= 4,
        "100000 rows in files of about 20000: {files:?}"
    );
    let mut total = 0;
    for file in &files {
        let reader =
            parquet::file::reader::SerializedFileReader::new(std::fs::File::open(file).unwrap())
                .unwrap();
        let metadata = parquet::file::reader::FileReader::metadata(&reader);
        let rows = metadata.file_metadata().num_rows();
        assert!(rows <= 20000 + 8192, "{} has {rows} rows", file.display());
        for group in metadata.row_groups() {
            assert!(
                group.num_rows() <= 5000,
                "a row group of {}",
                group.num_rows()
            );
            assert!(matches!(
                group.column(0).compression(),
                parquet::basic::Compression::ZSTD(_)
            ));
        }
        total += rows;
    }
    assert_eq!(total, 100000);

    // CSV, gzipped (named .csv.gz), and JSON lines: every row once, read back independently.
    run_to_success(
        &client,
        sink_job(vec![], rows, sink("csv", &[("compression", "gzip")])),
    )
    .await;
    let mut lines = vec![];
    for file in files_ending(&out.path().join("csv"), ".csv.gz") {
        let mut text = String::new();
        std::io::Read::read_to_string(
            &mut flate2::read::GzDecoder::new(std::fs::File::open(file).unwrap()),
            &mut text,
        )
        .unwrap();
        lines.extend(text.lines().filter(|l| *l != "id,note").map(String::from));
    }
    lines.sort_by_key(|l| l.split(',').next().unwrap().parse::<u64>().unwrap());
    assert_eq!(lines.len(), 100000);
    assert_eq!(
        (lines[0].as_str(), lines[99999].as_str()),
        ("1,row 1", "100000,row 100000")
    );

    run_to_success(&client, sink_job(vec![], rows, sink("json", &[]))).await;
    let objects: usize = files_ending(&out.path().join("json"), ".json")
        .iter()
        .map(|f| {
            std::fs::read_to_string(f)
                .unwrap()
                .lines()
                .inspect(|l| assert!(l.starts_with("{\"id\":"), "{l}"))
                .count()
        })
        .sum();
    assert_eq!(objects, 100000);
}
