//! Calls to Kiln's HTTP endpoints through independent clients: Python's `urllib` for the
//! requests and the `prometheus_client` package's OpenMetrics parser for `/metrics`, so a
//! response that only Kiln's own code could read fails the test.

use std::collections::BTreeMap;
use std::process::Command;

use crate::s3::{INSTALL_HINT, tools_python};

/// Fetches a URL (with `KILN_TEST_BEARER` as the bearer token when set; with `post`, POSTing
/// stdin as JSON) and prints the status on the first line (0 when nothing answers), then
/// the body; with `parse`, the
/// body must be OpenMetrics text and each sample is printed as a JSON line instead.
const CLIENT: &str = r#"
import json, os, sys, urllib.error, urllib.request
data = sys.stdin.buffer.read() if sys.argv[2] == "post" else None
request = urllib.request.Request(sys.argv[1], data=data)
if data is not None:
    request.add_header("Content-Type", "application/json")
if os.environ.get("KILN_TEST_BEARER"):
    request.add_header("Authorization", "Bearer " + os.environ["KILN_TEST_BEARER"])
try:
    response = urllib.request.urlopen(request, timeout=10)
    status, body = response.status, response.read().decode()
except urllib.error.HTTPError as error:
    status, body = error.code, error.read().decode()
except (urllib.error.URLError, ConnectionError) as error:
    status, body = 0, str(error)
print(status)
if sys.argv[2] == "parse" and status == 200:
    from prometheus_client.openmetrics.parser import text_string_to_metric_families
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            print(json.dumps([sample.name, sample.labels, sample.value]))
else:
    sys.stdout.write(body)
"#;

fn run(url: &str, token: Option<&str>, mode: &str, body: &[u8]) -> (u16, String) {
    use std::io::Write;
    let python = tools_python();
    let mut command = Command::new(&python);
    command.args(["-c", CLIENT, url, mode]);
    match token {
        Some(token) => command.env("KILN_TEST_BEARER", token),
        None => command.env_remove("KILN_TEST_BEARER"),
    };
    let mut child = command
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("running {}: {e}; {INSTALL_HINT}", python.display()));
    child
        .stdin
        .take()
        .expect("a stdin")
        .write_all(body)
        .expect("writing the request body");
    let output = child.wait_with_output().expect("the client's output");
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(
        output.status.success(),
        "GET {url} ({mode}) failed: {}\n{stdout}\n(needs prometheus_client: {INSTALL_HINT})",
        String::from_utf8_lossy(&output.stderr)
    );
    let (status, body) = stdout.split_once('\n').unwrap_or((&stdout, ""));
    (
        status.trim().parse().expect("a status line"),
        body.to_string(),
    )
}

/// `GET url`, with `token` as the bearer token: the status and the body.
pub fn get(url: &str, token: Option<&str>) -> (u16, String) {
    run(url, token, "text", b"")
}

/// `POST url` with the JSON `body`, with `token` as the bearer token: the status and body.
pub fn post(url: &str, token: Option<&str>, body: &str) -> (u16, String) {
    run(url, token, "post", body.as_bytes())
}

/// One sample of a metric: its name (with `_total`, `_bucket`, ... suffixes), labels and value.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub value: f64,
}

/// Scrapes `url` (a `/metrics` endpoint) with `token` and parses it with a real Prometheus
/// parser; panics unless it answers 200 with valid OpenMetrics text.
pub fn scrape(url: &str, token: Option<&str>) -> Vec<Sample> {
    let (status, body) = run(url, token, "parse", b"");
    assert_eq!(status, 200, "GET {url}: {body}");
    body.lines()
        .map(|line| {
            let (name, labels, value): (String, BTreeMap<String, String>, f64) =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("{line}: {e}"));
            Sample {
                name,
                labels,
                value,
            }
        })
        .collect()
}

/// The value of the sample named `name` whose labels include `labels`, if there is one.
pub fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    samples
        .iter()
        .find(|s| {
            s.name == name
                && labels
                    .iter()
                    .all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v))
        })
        .map(|s| s.value)
}
