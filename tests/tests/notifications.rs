//! Job-end webhooks on a real cluster, received by Python's http.server: each named webhook
//! gets the job's summary once it ends, a receiver that answers 503 is called again until it
//! takes it (the retries are seen before the delivery), a URL kept in a cluster secret (the job names
//! only the secret) is called, and a bad webhook is refused at submit.

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
