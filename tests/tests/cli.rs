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
    // A misspelt key and a misspelt option each point to the name meant.
    let misspelt = dir.path().join("misspelt.toml");
    for (text, hint) in [
        (
            "name = \"m\"\n[[step]]\nname = \"q\"\nsql = \"SELECT 1\"\n[options]\nparalelism = 2\n",
            "did you mean `parallelism`?",
        ),
        (
            "name = \"m\"\n[[source]]\nname = \"t\"\nformat = \"csv\"\npath = \"/tmp/t.csv\"\n\
             options = { delimter = \";\" }\n[[step]]\nname = \"q\"\nsql = \"SELECT * FROM t\"\n",
            "unknown csv source option 'delimter'; did you mean 'delimiter'?",
        ),
    ] {
        std::fs::write(&misspelt, text).unwrap();
        let refused = kiln(&cluster, &["validate", misspelt.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert_eq!(refused.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(hint), "{stderr} lacks {hint}");
    }

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

/// A job that runs for minutes unless stopped, writing Parquet under `out`.
fn slow_sink_job(
    dir: &std::path::Path,
    out: &std::path::Path,
    timeout_secs: u64,
) -> std::path::PathBuf {
    let job = dir.join(format!("slow-{timeout_secs}.toml"));
    std::fs::write(
        &job,
        format!(
            r#"
name = "slow"
[[step]]
name = "q"
sql = "SELECT value, sha256(CAST(value AS VARCHAR)) AS digest FROM generate_series(1, 200000000)"
[sink]
format = "parquet"
path = "{}"
mode = "overwrite"
[options]
timeout_secs = {timeout_secs}
"#,
            out.display()
        ),
    )
    .unwrap();
    job
}

/// Files left under `dir`, however deep.
fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = vec![];
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                found.extend(files_under(&path));
            } else {
                found.push(path);
            }
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_and_timeout_stop_a_sink_job_and_leave_no_files() {
    let dir = tempfile::tempdir().unwrap();
    let cluster = TestCluster::start(ClusterOptions {
        executors: 1,
        ..ClusterOptions::default()
    })
    .await;

    // Cancel: the watcher exits 3, the job's tasks stop, its temporary files are removed.
    let out = dir.path().join("cancelled");
    let job = slow_sink_job(dir.path(), &out, 0);
    let submitted = kiln(&cluster, &["submit", job.to_str().unwrap()]);
    assert!(submitted.status.success(), "{submitted:?}");
    let job_id = String::from_utf8_lossy(&submitted.stdout)
        .trim()
        .to_string();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while files_under(&out).is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "the job never started writing"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let cancelled = kiln(&cluster, &["cancel", &job_id]);
    assert!(cancelled.status.success(), "{cancelled:?}");
    let watched = kiln(&cluster, &["watch", &job_id]);
    assert_eq!(watched.status.code(), Some(3), "{watched:?}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let executors = json(&kiln(&cluster, &["executors", "--output", "json"]));
        let idle = executors[0]["running_tasks"] == 0;
        if idle && files_under(&out).is_empty() {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "after cancel: tasks {executors}, files {:?}",
            files_under(&out)
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }

    // Timeout: submit --wait exits 4 and nothing is left either.
    let out = dir.path().join("timed-out");
    let job = slow_sink_job(dir.path(), &out, 1);
    let waited = kiln(&cluster, &["submit", job.to_str().unwrap(), "--wait"]);
    assert_eq!(waited.status.code(), Some(4), "{waited:?}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !files_under(&out).is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "after timeout: {:?}",
            files_under(&out)
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_config_file_names_the_coordinator_and_a_bad_one_is_a_usage_error() {
    let cluster = TestCluster::start(ClusterOptions {
        executors: 1,
        ..ClusterOptions::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    let kiln_with_config = |args: &[&str]| {
        Command::new(binary("kiln"))
            .args(args)
            .env_remove("KILN_COORDINATOR")
            .env("KILN_CONFIG", &config)
            .output()
            .expect("running kiln")
    };
    std::fs::write(
        &config,
        format!("coordinator = \"{}\"\n", cluster.coordinator_url),
    )
    .unwrap();
    let executors = json(&kiln_with_config(&["executors", "--output", "json"]));
    assert_eq!(executors.as_array().map(Vec::len), Some(1), "{executors}");

    // A flag wins over the file.
    let flagged = kiln_with_config(&["jobs", "--coordinator", "http://127.0.0.1:1"]);
    assert_eq!(flagged.status.code(), Some(5), "{flagged:?}");

    std::fs::write(&config, "coordinator = \"http://x\"\ncoordinatr = 1\n").unwrap();
    let bad = kiln_with_config(&["jobs"]);
    assert_eq!(bad.status.code(), Some(2), "{bad:?}");
    let message = String::from_utf8_lossy(&bad.stderr);
    assert!(message.contains("config.toml"), "names the file: {message}");
    assert!(message.contains("line 2"), "names the line: {message}");
    assert!(message.contains("coordinatr"), "names the field: {message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_and_attempts_of_a_failed_task() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("amounts.csv"),
        "id,amount\n1,10\n2,twelve\n3,7\n",
    )
    .unwrap();
    let job = dir.path().join("job.toml");
    std::fs::write(
        &job,
        format!(
            r#"
name = "cast-fails"
[[source]]
name = "amounts"
format = "csv"
path = "{}"
[[step]]
name = "q"
sql = "SELECT id, CAST(amount AS INT) AS amount FROM amounts"
[options]
max_task_attempts = 2
"#,
            dir.path().join("amounts.csv").display()
        ),
    )
    .unwrap();
    let cluster = TestCluster::start(ClusterOptions::default()).await;

    let submitted = kiln(&cluster, &["submit", job.to_str().unwrap(), "--wait"]);
    assert_eq!(submitted.status.code(), Some(1), "{submitted:?}");
    let job_id = String::from_utf8_lossy(&submitted.stdout)
        .trim()
        .to_string();

    // The job's error quotes the end of the failing attempt's log.
    let status = json(&kiln(
        &cluster,
        &["status", &job_id, "--tasks", "--output", "json"],
    ));
    let error = status["error"].as_str().unwrap();
    assert!(error.contains("twelve"), "{error}");
    assert!(
        error.contains("last lines of the attempt's log:") && error.contains("amounts.csv"),
        "{error}"
    );

    // Both attempts of the failing task are listed, with where and when they ran.
    let attempts = status["tasks"].as_array().expect("tasks listed");
    let failed: Vec<_> = attempts.iter().filter(|a| a["state"] == "FAILED").collect();
    assert_eq!(failed.len(), 2, "{attempts:?}");
    assert_eq!(failed[0]["stage_id"], failed[1]["stage_id"]);
    assert_eq!(failed[0]["partition"], failed[1]["partition"]);
    assert_ne!(failed[0]["attempt"], failed[1]["attempt"]);
    for a in &failed {
        assert!(a["error"].as_str().unwrap().contains("twelve"), "{a}");
        assert!(
            a["executor_id"].as_str().unwrap().starts_with("exec-"),
            "{a}"
        );
        assert!(
            a["ended_at_ms"].as_u64() >= a["started_at_ms"].as_u64(),
            "{a}"
        );
        assert_eq!(
            a["log"].as_array().map(Vec::len),
            Some(0),
            "no logs unless asked"
        );
    }

    // `kiln logs --task` prints that task's attempts with what they logged.
    let task = format!("{}.{}", failed[0]["stage_id"], failed[0]["partition"]);
    let logs = kiln(&cluster, &["logs", &job_id, "--task", &task]);
    assert!(logs.status.success(), "{logs:?}");
    let text = String::from_utf8_lossy(&logs.stdout);
    assert_eq!(text.matches("==> stage").count(), 2, "{text}");
    assert!(text.contains("started on executor"), "{text}");
    assert!(
        text.contains("reads 1 file(s)") && text.contains("amounts.csv"),
        "{text}"
    );
    assert!(text.contains("WARN") && text.contains("twelve"), "{text}");

    let all = json(&kiln(&cluster, &["logs", &job_id, "--output", "json"]));
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), attempts.len());
    assert!(all.iter().all(|a| !a["log"].as_array().unwrap().is_empty()));

    let bad_task = kiln(&cluster, &["logs", &job_id, "--task", "one"]);
    assert_eq!(bad_task.status.code(), Some(2), "{bad_task:?}");
}

/// `kiln run` on the embedded default, with a state dir of the test's own.
fn kiln_run(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(binary("kiln"))
        .arg("run")
        .args(args)
        .args(["--format", "csv", "--executors", "1"])
        .env("KILN_STATE_DIR", dir.join("state"))
        .env_remove("KILN_COORDINATOR")
        .output()
        .expect("running kiln")
}

#[test]
fn parameters_are_values_that_cannot_change_a_statement() {
    let dir = tempfile::tempdir().unwrap();
    // A key with a quote, spaces and a non-ASCII letter, as S3 keys may have.
    let key = "dt=2024-01-01/it's here/ü.csv";
    let data = dir.path().join(key);
    std::fs::create_dir_all(data.parent().unwrap()).unwrap();
    std::fs::write(&data, "name,n\nann,1\nbob,2\n").unwrap();
    let job = dir.path().join("job.toml");
    std::fs::write(
        &job,
        r#"
name = "people-${who}"
[params]
p = 3
[[source]]
name = "people"
format = "csv"
path = "${key}"
[[step]]
name = "q"
sql = "SELECT name, n FROM people WHERE name = '${who}' -- for ${who}"
[options]
parallelism = ${p}
"#,
    )
    .unwrap();
    let job = job.to_str().unwrap();
    let key_param = format!("key={key}");

    // The classic injection compares the name with its text: no rows.
    let injected = kiln_run(
        dir.path(),
        &[job, "--param", "who=x' OR '1'='1", "--param", &key_param],
    );
    assert!(
        injected.status.success(),
        "{}",
        String::from_utf8_lossy(&injected.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&injected.stdout), "name,n\n");

    // The same job with a plain value reads the file through its odd key; the bare
    // `parallelism = ${p}` took its default as a number.
    let plain = kiln_run(
        dir.path(),
        &[job, "--param", "who=ann", "--param", &key_param],
    );
    assert!(
        plain.status.success(),
        "{}",
        String::from_utf8_lossy(&plain.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&plain.stdout), "name,n\nann,1\n");
}
