//! Job-end webhooks on a real cluster, received by Python's http.server: each named webhook
//! gets the job's summary once it ends, a receiver that answers 503 is called again until it
//! takes it (the retries are seen before the delivery), a URL kept in a cluster secret (the job names
//! only the secret) is called, a bad webhook is refused at submit, and a leader killed before
//! its webhook took the call leaves it to its successor.

use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use kiln_client::{ClientError, proto};
use kiln_tests::TestCluster;
use kiln_tests::cluster::ClusterOptions;

/// The receiver's process and the requests it prints.
struct Receiver {
    child: Child,
    port: u16,
    requests: mpsc::Receiver<serde_json::Value>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

fn start_receiver() -> Receiver {
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("python/webhook_receiver.py");
    let mut child = Command::new(kiln_tests::s3::tools_python())
        .arg(script)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "starting the receiver: {e}; {}",
                kiln_tests::s3::INSTALL_HINT
            )
        });
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().expect("the receiver's port").unwrap();
    let port = first.trim_start_matches("port ").parse().expect("a port");
    let (send, requests) = mpsc::channel();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            if send.send(serde_json::from_str(&line).unwrap()).is_err() {
                return;
            }
        }
    });
    Receiver {
        child,
        port,
        requests,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_end_is_posted_to_its_webhooks_and_retried_until_taken() {
    let receiver = start_receiver();
    let base = format!("http://127.0.0.1:{}", receiver.port);
    let cluster = TestCluster::start(ClusterOptions {
        executors: 1,
        env: vec![(
            "KILN_SECRET_TEAM_HOOK".into(),
            format!("{base}/secret-hook"),
        )],
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;

    let mut spec = kiln_tests::sql_job(
        "nightly-sum",
        &[],
        "SELECT SUM(x) AS total FROM (VALUES (1), (2), (3)) AS t(x)",
    );
    spec.labels.insert("team".into(), "etl".into());
    spec.notify = vec![
        proto::Notification {
            url: format!("{base}/flaky"),
            url_secret: String::new(),
        },
        proto::Notification {
            url: String::new(),
            url_secret: "team-hook".into(),
        },
    ];
    let job_id = client.submit(spec).await.expect("submitting");
    let status = client.wait(&job_id).await.expect("waiting");
    assert_eq!(
        status.state,
        proto::JobState::Succeeded as i32,
        "{}",
        status.error
    );

    // Three calls to the flaky receiver (503, 503, then 200) and one to the secret's URL.
    let mut seen = vec![];
    while seen.len() < 4 {
        let request = receiver
            .requests
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("the webhooks were not all called: {seen:#?}"));
        seen.push(request);
    }
    let flaky: Vec<_> = seen.iter().filter(|r| r["path"] == "/flaky").collect();
    let statuses: Vec<_> = flaky
        .iter()
        .map(|r| r["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, [503, 503, 200], "retried until taken: {seen:#?}");
    assert_eq!(
        seen.iter().filter(|r| r["path"] == "/secret-hook").count(),
        1,
        "{seen:#?}"
    );
    for request in &seen {
        assert_eq!(request["content_type"], "application/json");
        assert!(request["user_agent"].as_str().unwrap().starts_with("kiln/"));
        let body = &request["body"];
        assert_eq!(body["job_id"], job_id.as_str());
        assert_eq!(body["name"], "nightly-sum");
        assert_eq!(body["state"], "JOB_STATE_SUCCEEDED");
        assert_eq!(body["rows"], 1);
        assert_eq!(body["error"], "");
        assert_eq!(body["labels"]["team"], "etl");
        assert_eq!(
            body["duration_ms"],
            status.ended_at_ms - status.started_at_ms,
            "{body}"
        );
    }

    // A bad webhook is refused at submit, naming it.
    let mut bad = kiln_tests::sql_job("bad-hook", &[], "SELECT 1");
    bad.notify = vec![proto::Notification {
        url: "file:///etc/passwd".into(),
        url_secret: String::new(),
    }];
    match client.submit(bad).await {
        Err(ClientError::InvalidJob(message)) => {
            assert!(message.contains("notify 1"), "{message}");
            assert!(message.contains("http or https"), "{message}");
        }
        other => panic!("a file:// webhook was not refused: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_successor_calls_the_webhooks_its_killed_predecessor_did_not_deliver() {
    let receiver = start_receiver();
    let hook = format!("http://127.0.0.1:{}/flaky?fail=3", receiver.port);
    let mut cluster = TestCluster::start(ClusterOptions {
        coordinators: 2,
        executors: 1,
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    let mut spec = kiln_tests::sql_job("hand-over", &[], "SELECT 1 AS one");
    spec.notify = vec![proto::Notification {
        url: hook,
        url_secret: String::new(),
    }];
    let job_id = client.submit(spec).await.expect("submitting");
    let leader = cluster.leader_index().await.expect("a leader");
    let status = client.wait(&job_id).await.expect("waiting");
    assert_eq!(status.state, proto::JobState::Succeeded as i32);

    // The leader's first call is refused (503); it is killed before its retry, half a second
    // later, with the notification recorded beside the job's end.
    let first = receiver
        .requests
        .recv_timeout(Duration::from_secs(30))
        .expect("the leader's first call");
    assert_eq!(first["status"], 503, "{first}");
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while cluster.etcd.count_keys("/kiln/notifications/").await != 1 {
        assert!(
            std::time::Instant::now() < deadline,
            "the undelivered notification is not recorded"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    cluster.kill_coordinator(leader);

    // The standby takes over and calls again until the receiver takes it: every call after
    // the kill is the successor's.
    let mut after = vec![];
    while after
        .last()
        .is_none_or(|r: &serde_json::Value| r["status"] != 200)
    {
        let request = receiver
            .requests
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("the successor did not call: {after:#?}"));
        after.push(request);
    }
    assert_eq!(
        cluster.leader_index().await,
        Some(1 - leader),
        "the standby leads"
    );
    let statuses: Vec<u64> = after
        .iter()
        .map(|r| r["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, [503, 503, 200], "{after:#?}");
    for request in &after {
        assert_eq!(request["body"]["job_id"], job_id.as_str());
        assert_eq!(request["body"]["state"], "JOB_STATE_SUCCEEDED");
    }
    // Delivered, it is forgotten, and called no more.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while cluster.etcd.count_keys("/kiln/notifications/").await != 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the delivered notification is still recorded"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        receiver
            .requests
            .recv_timeout(Duration::from_secs(2))
            .is_err(),
        "called again after the delivery"
    );
}
