//! CSV and JSON sources on a real cluster: the CSV dialect options (no header, delimiter, quote,
//! escape, null marker), gzip and zstd compression by extension (which datafusion-proto alone
//! would not send to executors), declared schemas instead of inferred ones, and bad options
//! refused at submit.

use std::io::Write;
use std::path::Path;
use std::process::Command;

use kiln_client::{Client, ClientError, proto};
use kiln_tests::cluster::ClusterOptions;
use kiln_tests::{TestCluster, run_to_success};

/// Orders in a semicolon-separated dialect: no header, `'` quotes, `\` escapes, `NULL` for
/// null, and zip codes with leading zeros (inferred as integers, they would lose them).
const ORDERS: &str = "1;'00501';2024-02-29;'plain';12.50\n\
                      2;'02134';2024-03-01;'semi;colon and \\'quote\\'';NULL\n\
                      3;NULL;NULL;NULL;7.25\n";

fn source(name: &str, format: &str, path: &Path, options: &[(&str, &str)]) -> proto::SourceSpec {
    proto::SourceSpec {
        name: name.into(),
        format: format.into(),
        path: path.display().to_string(),
        options: options
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

fn job(source: proto::SourceSpec, sql: &str) -> proto::JobSpec {
    proto::JobSpec {
        name: "read".into(),
        sources: vec![source],
        steps: vec![proto::StepSpec {
            name: "q".into(),
            sql: sql.into(),
        }],
        ..Default::default()
    }
}

/// The first column of a job's result, one line per row.
async fn lines(client: &Client, spec: proto::JobSpec) -> Vec<String> {
    let status = run_to_success(client, spec).await;
    kiln_tests::first_column(client, &status).await
}

const CSV_DIALECT: &[(&str, &str)] = &[
    ("header", "false"),
    ("delimiter", ";"),
    ("quote", "'"),
    ("escape", "\\"),
    ("null_value", "NULL"),
    (
        "schema",
        "id BIGINT, zip VARCHAR, day DATE, note VARCHAR, amount DECIMAL(10, 2)",
    ),
];

const RENDER: &str = "SELECT concat_ws('|', arrow_typeof(zip), arrow_typeof(day), \
    arrow_typeof(amount), id, coalesce(zip, 'null'), coalesce(CAST(day AS VARCHAR), 'null'), \
    coalesce(note, 'null'), coalesce(CAST(amount AS VARCHAR), 'null')) AS line FROM orders ORDER BY id";

fn expected() -> Vec<String> {
    let types = "Utf8View|Date32|Decimal128(10, 2)";
    vec![
        format!("{types}|1|00501|2024-02-29|plain|12.50"),
        format!("{types}|2|02134|2024-03-01|semi;colon and 'quote'|null"),
        format!("{types}|3|null|null|null|7.25"),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_dialects_compression_and_declared_schemas() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("orders.csv");
    std::fs::write(&plain, ORDERS).unwrap();
    let gzipped = dir.path().join("orders.csv.gz");
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&gzipped).unwrap(),
        flate2::Compression::default(),
    );
    gz.write_all(ORDERS.as_bytes()).unwrap();
    gz.finish().unwrap();
    let status = Command::new("zstd")
        .args(["-q", "-k"])
        .arg(&plain)
        .status()
        .expect("the zstd command makes the test file: apt-get install -y zstd");
    assert!(status.success());
    let zstd = dir.path().join("orders.csv.zst");

    let cluster = TestCluster::start(ClusterOptions::default()).await;
    let client = cluster.client().await;
    for path in [&plain, &gzipped, &zstd] {
        let orders = source("orders", "csv", path, CSV_DIALECT);
        assert_eq!(
            lines(&client, job(orders, RENDER)).await,
            expected(),
            "{}",
            path.display()
        );
    }

    // JSON lines with declared columns: the zip code stays text, the day is a date.
    let json = dir.path().join("orders.json");
    std::fs::write(
        &json,
        "{\"id\": 1, \"zip\": \"00501\", \"day\": \"2024-02-29\", \"note\": \"plain\", \"amount\": 12.5}\n\
         {\"id\": 2, \"zip\": \"02134\", \"day\": \"2024-03-01\", \"note\": \"semi;colon and 'quote'\"}\n\
         {\"id\": 3, \"amount\": 7.25}\n",
    )
    .unwrap();
    let declared = CSV_DIALECT.iter().find(|(k, _)| *k == "schema").unwrap();
    let status = Command::new("gzip")
        .args(["-k"])
        .arg(&json)
        .status()
        .expect("the gzip command makes the test file: apt-get install -y gzip");
    assert!(status.success());
    let gzipped_json = dir.path().join("orders.json.gz");
    for path in [&json, &gzipped_json] {
        let orders = source("orders", "json", path, &[*declared]);
        assert_eq!(
            lines(&client, job(orders, RENDER)).await,
            expected(),
            "{}",
            path.display()
        );
    }

    // Bad declarations and options are refused at submit, naming what is wrong.
    let cases = [
        (
            source(
                "orders",
                "csv",
                &plain,
                &[("schema", "id BIGINT, day NOTATYPE")],
            ),
            "option schema",
        ),
        (
            source("orders", "json", &json, &[("delimiter", ";")]),
            "unknown json source option 'delimiter'",
        ),
        (
            source("orders", "csv", &plain, &[("delimiter", ";;")]),
            "option 'delimiter': expected one character",
        ),
    ];
    for (orders, expected) in cases {
        match client.submit(job(orders, "SELECT * FROM orders")).await {
            Err(ClientError::InvalidJob(message)) => {
                assert!(message.contains(expected), "{message} lacks {expected}")
            }
            other => panic!("expected a rejection naming {expected}, got {other:?}"),
        }
    }
}
