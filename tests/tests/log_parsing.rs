//! Log parsing on a real cluster: raw access logs on a real S3 server (plain and gzipped,
//! with bad lines) -> Parquet partitioned by day on S3; counts of records and bad records in
//! the job status; the error budget; `STORED AS LOG` tables in SQL; fail_fast naming the line.

use std::io::Write;
use std::path::Path;

use datafusion::prelude::SessionContext;
use kiln_client::proto;
use kiln_tests::cluster::ClusterOptions;
use kiln_tests::s3::S3Server;
use kiln_tests::sinks::sink_job;
use kiln_tests::{TestCluster, compare, run_to_success, sql_job};

/// The `n`th line of a combined-format access log over three days of January 2024, with the
/// usual oddities: IPv6 clients, escaped quotes in the user agent, `-` bytes and referer,
/// non-ASCII and percent-encoded paths.
fn access_line(n: usize) -> String {
    let day = 1 + n % 3;
    let client = if n.is_multiple_of(7) {
        format!("2001:db8::{:x}", n % 4096)
    } else {
        format!("10.{}.{}.{}", n % 200, n % 150, n % 250)
    };
    let path = match n % 5 {
        0 => format!("/café/ünï/{n}"),
        1 => format!("/search?q=a%20b&n={n}"),
        _ => format!("/items/{n}"),
    };
    let status = [200, 200, 200, 304, 404, 500][n % 6];
    let bytes = if status == 304 {
        "-".to_string()
    } else {
        (n % 5000).to_string()
    };
    let agent = if n.is_multiple_of(11) {
        r#"Mozilla/5.0 \"quoted\" (X11)"#
    } else {
        "curl/8.5.0"
    };
    let referer = if n.is_multiple_of(2) {
        "-"
    } else {
        "https://example.com/"
    };
    format!(
        r#"{client} - - [{day:02}/Jan/2024:{:02}:{:02}:{:02} +0000] "GET {path} HTTP/1.1" {status} {bytes} "{referer}" "{agent}""#,
        n % 24,
        n % 60,
        (n / 60) % 60
    )
}

const BAD_LINES: [&str; 3] = [
    "this is not an access log line",
    r#"1.2.3.4 - - [99/Foo/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "-""#,
    r#"1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" OK 1 "-" "-""#,
];

/// Writes `lines` to `path`, gzipped when the name ends in `.gz`, with CRLF endings when asked.
fn write_log(path: &Path, lines: &[String], crlf: bool) {
    let ending = if crlf { "\r\n" } else { "\n" };
    let text = lines.join(ending) + ending;
    if path.extension().is_some_and(|e| e == "gz") {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(text.as_bytes()).unwrap();
        std::fs::write(path, gz.finish().unwrap()).unwrap();
    } else {
        std::fs::write(path, text).unwrap();
    }
}

fn log_source(path: &str, options: &[(&str, &str)]) -> proto::SourceSpec {
    proto::SourceSpec {
        name: "access".into(),
        format: "log".into(),
        path: path.into(),
        options: options
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

/// What the lake should hold, computed by DataFusion from the good lines alone (as CSV-free
/// ground truth: the generator's own values).
const BY_DAY: &str = "SELECT year, month, day, count(*) AS n, sum(bytes) AS bytes, \
     count(DISTINCT client_ip) AS clients FROM t GROUP BY year, month, day \
     ORDER BY year, month, day";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_logs_on_s3_to_parquet_partitioned_by_day() {
    let s3 = S3Server::start();
    s3.create_bucket("raw");
    s3.create_bucket("lake");
    let local = tempfile::tempdir().unwrap();

    // One big plain file (over DataFusion's 10 MB split size, so it is read in byte ranges by
    // several tasks), one gzipped file, bad lines in both.
    let mut plain: Vec<String> = (0..110_000).map(access_line).collect();
    plain.insert(50_000, BAD_LINES[0].into());
    plain.insert(90_000, BAD_LINES[1].into());
    let mut gzipped: Vec<String> = (110_000..130_000).map(access_line).collect();
    gzipped.insert(10, BAD_LINES[2].into());
    write_log(&local.path().join("a.log"), &plain, false);
    write_log(&local.path().join("b.log.gz"), &gzipped, true);
    s3.put_file("raw", "logs/2024/a.log", &local.path().join("a.log"));
    s3.put_file("raw", "logs/2024/b.log.gz", &local.path().join("b.log.gz"));
    let good = 130_000u64;

    let cluster = TestCluster::start(ClusterOptions {
        env: s3.env(),
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    let derive = "SELECT client_ip, method, path, status, bytes, user_agent, timestamp, \
         to_char(timestamp, '%Y') AS year, to_char(timestamp, '%m') AS month, \
         to_char(timestamp, '%d') AS day FROM access WHERE _corrupt_record IS NULL";
    let job = |sink: &str, max_bad: u64| {
        let mut spec = sink_job(
            vec![log_source(
                "s3://raw/logs/",
                &[
                    ("format", "combined"),
                    ("quarantine", "s3://lake/quarantine/"),
                ],
            )],
            derive,
            proto::SinkSpec {
                format: "parquet".into(),
                path: sink.into(),
                partition_by: vec!["year".into(), "month".into(), "day".into()],
                mode: proto::SaveMode::ErrorIfExists as i32,
                ..Default::default()
            },
        );
        spec.options = Some(proto::JobOptions {
            parallelism: 4,
            max_bad_records: Some(max_bad),
            ..Default::default()
        });
        spec
    };

    let status = run_to_success(&client, job("s3://lake/access/", 10)).await;
    assert_eq!(status.records_read, good + 3, "{status:?}");
    assert_eq!(status.bad_records, 3, "{status:?}");
    let scan_tasks: u32 = status.stages.first().map_or(0, |s| s.tasks_total);
    assert!(scan_tasks >= 2, "the big file was not split: {status:?}");

    let keys = s3.list("lake", "access/");
    for day in ["01", "02", "03"] {
        assert!(
            keys.iter()
                .any(|k| k.starts_with(&format!("access/year=2024/month=01/day={day}/"))),
            "no files for day {day}: {keys:?}"
        );
    }
    let downloaded = local.path().join("lake");
    s3.download_prefix("lake", "access/", ".parquet", &downloaded);
    let ctx = SessionContext::new();
    ctx.sql(&format!(
        "CREATE EXTERNAL TABLE t STORED AS PARQUET LOCATION '{}/'",
        downloaded.join("access").display()
    ))
    .await
    .unwrap();
    let written = ctx.sql(BY_DAY).await.unwrap().collect().await.unwrap();

    // The same figures from the generator, through DataFusion over an in-memory table.
    let expected = expected_by_day(0..130_000).await;
    compare::same_rows(&expected, &written).expect("the lake holds every good line once");
    let agents = ctx
        .sql("SELECT count(*) AS n FROM t WHERE user_agent = 'Mozilla/5.0 \"quoted\" (X11)'")
        .await
        .unwrap()
        .collect()
        .await
        .unwrap();
    let text = arrow::util::pretty::pretty_format_batches(&agents)
        .unwrap()
        .to_string();
    let quoted = (0..130_000).filter(|n| n % 11 == 0).count();
    assert!(text.contains(&format!("| {quoted} |")), "{text}");

    // The quarantine holds each bad line once, with its file and line.
    let bad = s3.quarantined("lake", "quarantine/");
    assert_eq!(
        bad,
        vec![
            (
                "s3://raw/logs/2024/a.log".to_string(),
                50_001,
                BAD_LINES[0].to_string()
            ),
            (
                "s3://raw/logs/2024/a.log".to_string(),
                90_001,
                BAD_LINES[1].to_string()
            ),
            (
                "s3://raw/logs/2024/b.log.gz".to_string(),
                11,
                BAD_LINES[2].to_string()
            ),
        ]
    );

    // Over the error budget: the job fails, names the budget, and writes nothing.
    let error = client.submit(job("s3://lake/strict/", 2)).await.unwrap();
    let failed = client.wait(&error).await.unwrap();
    assert_eq!(failed.state, proto::JobState::Failed as i32, "{failed:?}");
    assert!(
        failed.error.contains("3 bad records") && failed.error.contains("max_bad_records = 2"),
        "{}",
        failed.error
    );
    assert_eq!(failed.bad_records, 3);
    assert!(
        s3.list("lake", "strict/")
            .iter()
            .all(|k| !k.ends_with(".parquet"))
    );
}

/// Per-day rows, byte totals and distinct clients of the generated lines `range`.
async fn expected_by_day(range: std::ops::Range<usize>) -> Vec<arrow::array::RecordBatch> {
    use arrow::array::{Int64Array, StringArray};
    let days = StringArray::from_iter_values(range.clone().map(|n| format!("{:02}", 1 + n % 3)));
    let bytes = Int64Array::from_iter(
        range
            .clone()
            .map(|n| (n % 6 != 3).then_some((n % 5000) as i64)),
    );
    let clients = StringArray::from_iter_values(
        range.map(|n| access_line(n).split(' ').next().unwrap().to_string()),
    );
    let batch = arrow::array::RecordBatch::try_from_iter([
        ("day", std::sync::Arc::new(days) as arrow::array::ArrayRef),
        ("bytes", std::sync::Arc::new(bytes)),
        ("client_ip", std::sync::Arc::new(clients)),
    ])
    .unwrap();
    let ctx = SessionContext::new();
    ctx.register_batch("g", batch).unwrap();
    ctx.sql(
        "SELECT '2024' AS year, '01' AS month, day, count(*) AS n, sum(bytes) AS bytes, \
         count(DISTINCT client_ip) AS clients FROM g GROUP BY day ORDER BY day",
    )
    .await
    .unwrap()
    .collect()
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stored_as_log_tables_in_sql_and_fail_fast() {
    let dir = tempfile::tempdir().unwrap();
    let lines: Vec<String> = (0..300)
        .map(|n| {
            format!(
                "<{}>Jan {:>2} 10:00:{:02} host{} app[{n}]: event {n}",
                8 + n % 8,
                1 + n % 28,
                n % 60,
                n % 3
            )
        })
        .collect();
    write_log(&dir.path().join("syslog.log"), &lines, false);
    let mut broken = lines.clone();
    broken[122] = "<13>garbage".into();
    let bad_dir = dir.path().join("bad");
    std::fs::create_dir_all(&bad_dir).unwrap();
    write_log(&bad_dir.join("syslog.1"), &broken, false);

    let cluster = TestCluster::start(ClusterOptions::default()).await;
    let client = cluster.client().await;
    let table = |location: String, mode: &str| {
        format!(
            "CREATE EXTERNAL TABLE events STORED AS LOG LOCATION '{location}' \
             OPTIONS ('log.format' 'syslog', 'log.year' '2023', 'log.mode' '{mode}')"
        )
    };
    let file = dir.path().join("syslog.log").display().to_string();
    let status = run_to_success(
        &client,
        sql_job(
            "syslog",
            &[table(file.clone(), "fail_fast")],
            "SELECT host, count(*) AS n, min(timestamp) AS first, sum(pid) AS pids \
             FROM events GROUP BY host ORDER BY host",
        ),
    )
    .await;
    let batches: Vec<_> = futures::TryStreamExt::try_collect(client.results(&status).unwrap())
        .await
        .unwrap();
    let text = arrow::util::pretty::pretty_format_batches(&batches)
        .unwrap()
        .to_string();
    let pids = |host: usize| (0..300).filter(|n| n % 3 == host).sum::<usize>();
    for host in 0..3 {
        assert!(
            text.contains(&format!("| host{host} | 100 | 2023-01-01T10:00:"))
                && text.contains(&format!("| {} |", pids(host))),
            "{text}"
        );
    }
    assert_eq!(status.records_read, 300);

    let job_id = client
        .submit(sql_job(
            "broken",
            &[table(format!("{}/", bad_dir.display()), "fail_fast")],
            "SELECT count(*) FROM events",
        ))
        .await
        .unwrap();
    let failed = client.wait(&job_id).await.unwrap();
    assert_eq!(failed.state, proto::JobState::Failed as i32);
    assert!(
        failed.error.contains("syslog.1, line 123") && failed.error.contains("<13>garbage"),
        "{}",
        failed.error
    );

    // A bad option is rejected at submit, naming it.
    let error = client
        .submit(sql_job(
            "typo",
            &[table(file, "lenient")],
            "SELECT count(*) FROM events",
        ))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("'mode'"), "{error}");
}
