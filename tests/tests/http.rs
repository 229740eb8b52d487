//! The HTTP endpoint of real coordinator and executor processes: probes that Kubernetes can
//! use (the leader and a standby answer differently), and `/metrics` parsed by Prometheus'
//! own Python parser, with counters checked against a known job's figures and the bearer
//! token required as on gRPC.

use std::time::{Duration, Instant};

use futures::TryStreamExt;
use kiln_tests::cluster::ClusterOptions;
use kiln_tests::http::{Sample, get, scrape, value};
use kiln_tests::{TestCluster, sql_job};

const TOKEN: &str = "kiln-http-test-token";

/// Scrapes `url` until `done` holds for its samples (counters settle once the leader has
/// recorded the job's end), or panics after a few seconds with the last scrape.
fn scrape_until(url: &str, token: &str, done: impl Fn(&[Sample]) -> bool) -> Vec<Sample> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let samples = scrape(url, Some(token));
        if done(&samples) || Instant::now() > deadline {
            return samples;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probes_and_metrics_tell_what_the_cluster_did() {
    let mut cluster = TestCluster::start(ClusterOptions {
        executors: 2,
        slots: 2,
        token: Some(TOKEN.into()),
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    let leader = cluster.coordinator_http_url(0);

    // Probes are open; the leader is ready as the leader.
    assert_eq!(get(&format!("{leader}/healthz"), None).0, 200);
    assert_eq!(
        get(&format!("{leader}/readyz"), None),
        (200, "leader\n".into())
    );
    assert_eq!(get(&format!("{leader}/readyz/leader"), None).0, 200);

    // A standby is ready (it could take over) but not as the leader.
    let standby = cluster.add_coordinator();
    let standby = cluster.coordinator_http_url(standby);
    let deadline = Instant::now() + Duration::from_secs(20);
    while get(&format!("{standby}/readyz"), None).0 != 200 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        get(&format!("{standby}/readyz"), None),
        (200, "standby\n".into())
    );
    let (status, body) = get(&format!("{standby}/readyz/leader"), None);
    assert_eq!(status, 503, "{body}");

    // Metrics need the token: none is 401, a wrong one too; the client's and the members' pass.
    let metrics = format!("{leader}/metrics");
    assert_eq!(get(&metrics, None).0, 401);
    assert_eq!(get(&metrics, Some("wrong")).0, 401);
    let member = cluster.cluster_token().unwrap();
    assert_eq!(get(&metrics, Some(&member)).0, 200);

    // A job with a shuffle: its tasks are the ones the counters count.
    let sql = "SELECT k, count(*) AS n FROM (VALUES (1), (2), (1), (3)) AS t(k) GROUP BY k";
    let status = kiln_tests::run_to_success(&client, sql_job("metered", &[], sql)).await;
    let tasks: usize = status.stages.iter().map(|s| s.tasks_total as usize).sum();
    assert!(status.stages.len() > 1 && tasks > 1, "{status:?}");
    let rows: usize = client
        .results(&status)
        .unwrap()
        .try_collect::<Vec<_>>()
        .await
        .unwrap()
        .iter()
        .map(|b| b.num_rows())
        .sum();
    assert_eq!(rows, 3);

    let samples = scrape_until(&metrics, TOKEN, |s| {
        value(s, "kiln_jobs_finished_total", &[("state", "succeeded")]) == Some(1.0)
    });
    let get_value = |name: &str, labels: &[(&str, &str)]| {
        value(&samples, name, labels)
            .unwrap_or_else(|| panic!("no {name} {labels:?} in {samples:#?}"))
    };
    assert_eq!(get_value("kiln_jobs_submitted_total", &[]), 1.0);
    assert_eq!(
        get_value("kiln_jobs_finished_total", &[("state", "succeeded")]),
        1.0
    );
    assert_eq!(
        get_value("kiln_task_attempts_total", &[("outcome", "succeeded")]),
        tasks as f64
    );
    assert_eq!(
        get_value("kiln_task_duration_seconds_count", &[]),
        tasks as f64
    );
    assert_eq!(get_value("kiln_job_duration_seconds_count", &[]), 1.0);
    assert_eq!(get_value("kiln_executors", &[]), 2.0);
    assert_eq!(get_value("kiln_slots", &[]), 4.0);
    assert_eq!(get_value("kiln_leader", &[]), 1.0);
    assert_eq!(get_value("kiln_leader_changes_total", &[]), 1.0);
    assert_eq!(get_value("kiln_jobs", &[("state", "running")]), 0.0);
    assert!(get_value("kiln_state_store_write_duration_seconds_count", &[]) >= 1.0);
    assert!(
        samples.iter().all(|s| s.name.starts_with("kiln_")
            && !s.labels.contains_key("job_id")
            && !s.labels.contains_key("task_id")),
        "{samples:#?}"
    );
    // The standby does not lead, and says so.
    let standby_samples = scrape(&format!("{standby}/metrics"), Some(TOKEN));
    assert_eq!(value(&standby_samples, "kiln_leader", &[]), Some(0.0));

    // Each executor serves its own probes and metrics; together they ran every task.
    let mut ran = 0.0;
    let mut written = 0.0;
    for executor in client.executors().await.unwrap() {
        assert!(executor.http_port > 0, "{executor:?}");
        let base = format!("http://{}:{}", executor.host, executor.http_port);
        assert_eq!(
            get(&format!("{base}/readyz"), None),
            (200, "registered\n".into())
        );
        assert_eq!(get(&format!("{base}/metrics"), None).0, 401);
        let samples = scrape(&format!("{base}/metrics"), Some(TOKEN));
        assert_eq!(value(&samples, "kiln_executor_slots", &[]), Some(2.0));
        ran += value(
            &samples,
            "kiln_executor_task_attempts_total",
            &[("outcome", "succeeded")],
        )
        .unwrap_or(0.0);
        written += value(&samples, "kiln_executor_shuffle_written_bytes_total", &[]).unwrap();
    }
    assert_eq!(ran, tasks as f64);
    assert!(written > 0.0);

    // Six slow scans on four slots: two tasks wait for a slot, and the gauge autoscalers
    // scale on says so while they do.
    let scan = "SELECT sum(value) AS s FROM generate_series(1, 400000000)";
    let sql = format!("SELECT sum(s) FROM ({})", [scan; 6].join(" UNION ALL "));
    let job = client.submit(sql_job("queued", &[], &sql)).await.unwrap();
    let samples = scrape_until(&metrics, TOKEN, |s| {
        value(s, "kiln_running_tasks", &[]) == Some(4.0)
    });
    assert_eq!(value(&samples, "kiln_queued_tasks", &[]), Some(2.0));
    assert_eq!(value(&samples, "kiln_running_tasks", &[]), Some(4.0));
    client.cancel(&job).await.unwrap();
}
