//! Stored job definitions and cron schedules on a real cluster: a job kept by name starts
//! with its parameters and records which version ran; a one-second schedule fires each tick
//! exactly once while its leader is killed and a standby takes over.

use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use kiln_client::{ClientError, proto};
use kiln_tests::TestCluster;
use kiln_tests::cluster::ClusterOptions;

fn definition(name: &str, toml: &str) -> proto::JobDefinition {
    proto::JobDefinition {
        name: name.into(),
        toml: toml.into(),
        base_dir: "/".into(),
        ..Default::default()
    }
}

/// The single integer a one-row result holds.
async fn single_value(client: &kiln_client::Client, job_id: &str) -> i64 {
    let status = client.wait(job_id).await.unwrap();
    assert_eq!(
        status.state,
        proto::JobState::Succeeded as i32,
        "{status:?}"
    );
    let batches: Vec<_> = client
        .results(&status)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    batches[0]
        .column(0)
        .as_any()
        .downcast_ref::<arrow::array::Int64Array>()
        .expect("an Int64 column")
        .value(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stored_job_starts_by_name_with_its_parameters_and_version() {
    let cluster = TestCluster::start(ClusterOptions {
        executors: 1,
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    let toml = "name = \"doubled\"\n[params]\nn = 2\n[[step]]\nname = \"q\"\nsql = \"SELECT CAST(${n} * 2 AS BIGINT) AS v\"\n";
    let stored = client
        .put_definition(definition("doubled", toml), true, false)
        .await
        .unwrap();
    assert_eq!(stored.version, 1);
    match client
        .put_definition(definition("doubled", toml), true, false)
        .await
    {
        Err(ClientError::Refused(message)) => {
            assert!(message.contains("exists already"), "{message}")
        }
        other => panic!("expected a refusal to create it twice, got {other:?}"),
    }

    // With its default, then with a parameter: the run records the version and values.
    let started = client
        .start_definition("doubled", HashMap::new())
        .await
        .unwrap();
    assert_eq!(single_value(&client, &started.job_id).await, 4);
    let params = HashMap::from([("n".to_string(), "21".to_string())]);
    let started = client.start_definition("doubled", params).await.unwrap();
    assert_eq!(single_value(&client, &started.job_id).await, 42);
    let status = client.wait(&started.job_id).await.unwrap();
    assert_eq!(status.labels["kiln.definition"], "doubled");
    assert_eq!(status.labels["kiln.definition_version"], "1");
    assert_eq!(status.labels["param.n"], "21");
    assert!(!status.labels["param.kiln.run_id"].is_empty(), "{status:?}");

    // A new version runs as such.
    let updated = toml.replace("* 2", "* 3");
    let stored = client
        .put_definition(definition("doubled", &updated), false, true)
        .await
        .unwrap();
    assert_eq!(stored.version, 2);
    let started = client
        .start_definition("doubled", HashMap::new())
        .await
        .unwrap();
    assert_eq!(started.version, 2);
    assert_eq!(single_value(&client, &started.job_id).await, 6);

    // Refusals name what is wrong.
    let broken = client
        .put_definition(
            definition("broken", "name = \"x\"\n[[step]]\nsqll = 1\n"),
            true,
            false,
        )
        .await
        .unwrap_err();
    assert!(broken.to_string().contains("broken"), "{broken}");
    let reserved = HashMap::from([("kiln.tick_ms".to_string(), "1".to_string())]);
    let refused = client
        .start_definition("doubled", reserved)
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("run values"), "{refused}");
    let missing = client
        .start_definition("nope", HashMap::new())
        .await
        .unwrap_err();
    assert!(matches!(missing, ClientError::NotFound(_)), "{missing:?}");
    client
        .put_schedule(proto::Schedule {
            name: "nightly".into(),
            cron: "0 2 * * *".into(),
            time_zone: "Europe/Paris".into(),
            job: "doubled".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    match client.delete_definition("doubled").await {
        Err(ClientError::Refused(message)) => assert!(message.contains("nightly"), "{message}"),
        other => panic!("expected a refusal to delete a scheduled job, got {other:?}"),
    }
    let bad_zone = client
        .put_schedule(proto::Schedule {
            name: "bad".into(),
            cron: "0 2 * * *".into(),
            time_zone: "Mars/Olympus".into(),
            job: "doubled".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(bad_zone.to_string().contains("Mars/Olympus"), "{bad_zone}");
    let listed = client.schedules().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].next_tick_ms > 0, "{listed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_second_schedule_fires_each_tick_once_across_a_leader_kill() {
    let mut cluster = TestCluster::start(ClusterOptions {
        coordinators: 2,
        executors: 1,
        slots: 4,
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    let toml = "name = \"tick\"\n[[step]]\nname = \"q\"\nsql = \"SELECT CAST(${kiln.tick_ms} AS BIGINT) AS tick\"\n";
    client
        .put_definition(definition("tick", toml), true, false)
        .await
        .unwrap();
    let created = client
        .put_schedule(proto::Schedule {
            name: "every-second".into(),
            cron: "* * * * * *".into(),
            job: "tick".into(),
            concurrency: proto::ConcurrencyPolicy::Allow as i32,
            missed: proto::MissedTicks::RunAll as i32,
            history_limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    let first_tick = created.next_tick_ms;

    // A few ticks, then the leader dies just after a tick fired.
    tokio::time::sleep(Duration::from_millis(5_300)).await;
    let leader = cluster.leader_index().await.expect("a leader");
    cluster.kill_coordinator(leader);
    let deadline = Instant::now() + Duration::from_secs(30);
    while cluster.leader_index().await.is_none_or(|l| l == leader) {
        assert!(
            Instant::now() < deadline,
            "no new leader: {}",
            cluster.logs()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let successor = cluster.leader_index().await.unwrap();
    assert_ne!(successor, leader, "the leadership moved");

    // More ticks under the successor, then the schedule stops.
    tokio::time::sleep(Duration::from_secs(8)).await;
    let schedule = client.suspend_schedule("every-second", true).await.unwrap();
    let last_tick = schedule.last_tick_ms;
    let expected: BTreeSet<u64> = (first_tick..=last_tick).step_by(1000).collect();
    assert!(expected.len() >= 12, "{} ticks", expected.len());

    // Every tick ran exactly once: one job each, whose result is its own tick.
    let mut fired: Vec<u64> = vec![];
    for status in client.list(kiln_client::JobQuery::all()).await.unwrap() {
        if status.labels.get("kiln.definition").map(String::as_str) != Some("tick") {
            continue;
        }
        let tick: u64 = status.labels["param.kiln.tick_ms"].parse().unwrap();
        assert_eq!(
            status.labels["param.kiln.run_id"],
            format!("schedule:every-second:{tick}")
        );
        assert_eq!(single_value(&client, &status.job_id).await as u64, tick);
        fired.push(tick);
    }
    fired.sort();
    let distinct: BTreeSet<u64> = fired.iter().copied().collect();
    assert_eq!(distinct.len(), fired.len(), "a tick ran twice: {fired:?}");
    assert_eq!(distinct, expected, "ticks lost or extra");
    let recorded: BTreeSet<u64> = schedule
        .runs
        .iter()
        .filter(|r| !r.job_id.is_empty())
        .map(|r| r.tick_ms)
        .collect();
    assert_eq!(recorded, expected, "{:?}", schedule.runs);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forbidding_schedule_skips_ticks_while_its_previous_run_goes_on() {
    // Each run's commit is held 2.5 s on the coordinator, so a one-second schedule's ticks
    // come while the previous run is still going.
    let cluster = TestCluster::start(ClusterOptions {
        executors: 1,
        coordinator_env: vec![vec![(
            "FAILPOINTS".into(),
            "files-commit-before-deletes=return(2500)".into(),
        )]],
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    let out = tempfile::tempdir().unwrap();
    let toml = format!(
        "name = \"slow\"\n[[step]]\nname = \"q\"\nsql = \"SELECT 1 AS v\"\n[sink]\nformat = \"parquet\"\npath = \"{}\"\nmode = \"append\"\n",
        out.path().join("runs").display()
    );
    client
        .put_definition(definition("slow", &toml), true, false)
        .await
        .unwrap();
    client
        .put_schedule(proto::Schedule {
            name: "overlapping".into(),
            cron: "* * * * * *".into(),
            job: "slow".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(7)).await;
    let schedule = client.suspend_schedule("overlapping", true).await.unwrap();
    assert_eq!(
        schedule.concurrency,
        proto::ConcurrencyPolicy::Forbid as i32
    );

    let skipped = schedule
        .runs
        .iter()
        .filter(|r| r.skipped.contains("still running"))
        .count();
    let jobs: Vec<&str> = schedule
        .runs
        .iter()
        .filter(|r| !r.job_id.is_empty())
        .map(|r| r.job_id.as_str())
        .collect();
    assert!(skipped >= 2 && jobs.len() >= 2, "{:?}", schedule.runs);
    // No two runs overlapped.
    let mut spans = vec![];
    for job_id in jobs {
        let status = client.wait(job_id).await.unwrap();
        assert_eq!(
            status.state,
            proto::JobState::Succeeded as i32,
            "{status:?}"
        );
        spans.push((status.submitted_at_ms, status.ended_at_ms));
    }
    spans.sort();
    for pair in spans.windows(2) {
        assert!(pair[0].1 <= pair[1].0, "runs overlapped: {spans:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conditional_trigger_chains_jobs_and_passes_their_parameters_along() {
    let cluster = TestCluster::start(ClusterOptions {
        executors: 1,
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    // extract fails when asked to (a cast that cannot succeed), else succeeds.
    let extract = "name = \"extract\"\n[params]\nday = \"2024-01-01\"\nvalue = \"1\"\n[[step]]\nname = \"q\"\nsql = \"SELECT '${day}' AS day, CAST(c AS INT) AS v FROM (VALUES ('${value}')) AS t(c)\"\n";
    let report = "name = \"report\"\n[params]\nday = \"none\"\n[[step]]\nname = \"q\"\nsql = \"SELECT '${day}' AS day, '${kiln.after_jobs}' AS after\"\n";
    for (name, toml) in [("extract", extract), ("report", report)] {
        client
            .put_definition(definition(name, toml), true, false)
            .await
            .unwrap();
    }
    client
        .put_trigger(proto::Trigger {
            name: "chain".into(),
            after: vec!["extract".into()],
            after_state: proto::JobState::Succeeded as i32,
            job: "report".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let reports = |count: usize, patience: Duration| {
        let client = &client;
        async move {
            let deadline = Instant::now() + patience;
            loop {
                let runs: Vec<proto::JobStatus> = client
                    .list(kiln_client::JobQuery::all())
                    .await
                    .unwrap()
                    .into_iter()
                    .filter(|s| {
                        s.labels.get("kiln.definition").map(String::as_str) == Some("report")
                    })
                    .collect();
                if runs.len() >= count || Instant::now() > deadline {
                    return runs;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    };

    // A run that fails starts nothing.
    let bad = HashMap::from([("value".to_string(), "not a number".to_string())]);
    let failed = client.start_definition("extract", bad).await.unwrap();
    let status = client.wait(&failed.job_id).await.unwrap();
    assert_eq!(status.state, proto::JobState::Failed as i32, "{status:?}");
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    let none: Vec<proto::JobStatus> = client
        .list(kiln_client::JobQuery::all())
        .await
        .unwrap()
        .into_iter()
        .filter(|s| s.labels.get("kiln.definition").map(String::as_str) == Some("report"))
        .collect();
    assert!(none.is_empty(), "{none:?}");

    // A run that succeeds starts the report once, with its parameters.
    let day = HashMap::from([("day".to_string(), "2024-05-05".to_string())]);
    let extracted = client.start_definition("extract", day).await.unwrap();
    let runs = reports(1, Duration::from_secs(20)).await;
    assert_eq!(runs.len(), 1, "{runs:?}");
    let done = client.wait(&runs[0].job_id).await.unwrap();
    assert_eq!(done.labels["param.day"], "2024-05-05");
    assert_eq!(done.labels["param.kiln.after_jobs"], extracted.job_id);
    assert_eq!(
        kiln_tests::first_column(&client, &done).await,
        ["2024-05-05"]
    );
    let again = reports(2, Duration::from_secs(1)).await;
    assert_eq!(again.len(), 1, "the same run fired twice: {again:?}");

    // `kiln workflow show` draws the same graph from either run: extract, then the report
    // that followed it; the failed extract, which started nothing, is not part of it.
    for run in [&extracted.job_id, &done.job_id] {
        let out = std::process::Command::new(kiln_tests::cluster::binary("kiln"))
            .args(["workflow", "show", run, "--output", "json", "--coordinator"])
            .arg(cluster.coordinator_grpc_url(0))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let shown: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let runs: Vec<(&str, &str, &str, Vec<&str>)> = shown["runs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|run| {
                let after = run["after"].as_array().unwrap();
                (
                    run["job_id"].as_str().unwrap(),
                    run["job"].as_str().unwrap(),
                    run["state"].as_str().unwrap(),
                    after.iter().map(|id| id.as_str().unwrap()).collect(),
                )
            })
            .collect();
        assert_eq!(
            runs,
            [
                (extracted.job_id.as_str(), "extract", "SUCCEEDED", vec![]),
                (
                    done.job_id.as_str(),
                    "report",
                    "SUCCEEDED",
                    vec![extracted.job_id.as_str()]
                ),
            ],
            "from {run}"
        );
    }
}
