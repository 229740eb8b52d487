//! The real `kiln` binary against a real cluster: submit with parameters and wait, JSON output
//! of status, jobs and executors parsed and checked, validate, and exit codes.

use std::process::Command;

use kiln_tests::TestCluster;
use kiln_tests::cluster::{ClusterOptions, binary};

fn kiln(cluster: &TestCluster, args: &[&str]) -> std::process::Output {
    Command::new(binary("kiln"))
        .args(args)
        .env("KILN_COORDINATOR", &cluster.coordinator_url)
        .output()
        .expect("running kiln")
}

fn json(output: &std::process::Output) -> serde_json::Value {
    assert!(
        output.status.success(),
        "kiln failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("kiln printed JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submit_wait_and_read_commands_with_json_output() {
    let dir = tempfile::tempdir().unwrap();
    let job = dir.path().join("job.toml");
    std::fs::write(
        &job,
        r#"
name = "numbers-${size}"
[labels]
team = "cli-test"
[params]
size = "10"
[[step]]
name = "q"
sql = "SELECT sum(value) AS total FROM generate_series(1, ${size})"
"#,
    )
    .unwrap();
    let cluster = TestCluster::start(ClusterOptions::default()).await;
    let job = job.to_str().unwrap();

    let validated = kiln(&cluster, &["validate", job, "--param", "size=100"]);
    assert!(validated.status.success(), "{validated:?}");
    let typo = kiln(&cluster, &["validate", job, "--param", "sise=100"]);
    assert_eq!(typo.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&typo.stderr).contains("'sise'"));

    let submitted = kiln(&cluster, &["submit", job, "--param", "size=100", "--wait"]);
    assert!(
        submitted.status.success(),
        "{}",
        String::from_utf8_lossy(&submitted.stderr)
    );
    let job_id = String::from_utf8_lossy(&submitted.stdout)
        .trim()
        .to_string();
    assert!(job_id.starts_with("job-"), "{job_id}");

    let status = json(&kiln(&cluster, &["status", &job_id, "--output", "json"]));
    assert_eq!(status["job_id"], job_id.as_str());
    assert_eq!(status["name"], "numbers-100");
    assert_eq!(status["state"], "SUCCEEDED");
    assert_eq!(status["labels"]["team"], "cli-test");
    assert_eq!(status["result_rows"], 1);
    assert!(status["stages"].as_array().is_some_and(|s| !s.is_empty()));

    let jobs = json(&kiln(
        &cluster,
        &[
            "jobs",
            "--state",
            "succeeded",
            "--label",
            "team=cli-test",
            "--output",
            "json",
        ],
    ));
    assert_eq!(jobs.as_array().map(Vec::len), Some(1), "{jobs}");
    let none = json(&kiln(
        &cluster,
        &["jobs", "--label", "team=other", "--output", "json"],
    ));
    assert_eq!(none.as_array().map(Vec::len), Some(0), "{none}");

    let executors = json(&kiln(&cluster, &["executors", "--output", "json"]));
    let executors = executors.as_array().expect("a list");
    assert_eq!(executors.len(), 2);
    assert!(
        executors
            .iter()
            .all(|e| e["slots"] == 2 && e["draining"] == false)
    );

    let missing = kiln(&cluster, &["status", "job-does-not-exist"]);
    assert_ne!(missing.status.code(), Some(0));
    let unreachable = Command::new(binary("kiln"))
        .args(["jobs", "--coordinator", "http://127.0.0.1:1"])
        .output()
        .unwrap();
    assert_eq!(unreachable.status.code(), Some(5), "cannot connect exits 5");
}
