//! How fast schedules and triggers start work: an S3 event posted to the coordinator until
//! its job is RUNNING (a task launched), and a cron tick until its job's first task launched,
//! with 1,000 schedules defined. Both from the coordinator's own timestamps and this
//! process's clock (one machine, one clock). Glue's floor for comparison: schedules no more
//! often than every 5 minutes.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use kiln_client::{Client, proto};
use kiln_core::ids::now_ms;
use kiln_tests::TestCluster;
use kiln_tests::cluster::ClusterOptions;

fn percentile(sorted: &[u64], p: f64) -> u64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

/// POSTs `body` to `path` on `port` over one HTTP/1.1 connection; returns the status line.
fn post(port: u16, path: &str, body: &str) -> String {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connecting");
    stream.set_nodelay(true).expect("nodelay");
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).expect("sending");
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .expect("reading the answer");
    answer.lines().next().unwrap_or_default().to_string()
}

fn event(bucket: &str, key: &str) -> String {
    serde_json::json!({"Records": [{
        "eventName": "ObjectCreated:Put",
        "s3": {"bucket": {"name": bucket}, "object": {"key": key, "eTag": key, "sequencer": key}}
    }]})
    .to_string()
}

/// The jobs stored job `definition` started, once there are `count` running or done.
async fn started(client: &Client, definition: &str, count: usize) -> Vec<proto::JobStatus> {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let jobs: Vec<proto::JobStatus> = client
            .list(kiln_client::JobQuery::all())
            .await
            .expect("listing jobs")
            .into_iter()
            .filter(|s| {
                s.labels.get("kiln.definition").map(String::as_str) == Some(definition)
                    && s.started_at_ms > 0
            })
            .collect();
        if jobs.len() >= count || Instant::now() > deadline {
            return jobs;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn definition(name: &str) -> proto::JobDefinition {
    proto::JobDefinition {
        name: name.into(),
        toml: format!("name = \"{name}\"\n[[step]]\nname = \"q\"\nsql = \"SELECT 1 AS one\"\n"),
        base_dir: "/".into(),
        ..Default::default()
    }
}

/// Posts `events` events one at a time and lets `ticks` ticks of a one-second schedule pass
/// among 1,000 defined; writes p50/p99 to `out`.
pub async fn run(events: usize, ticks: usize, out: &Path) {
    let cluster = TestCluster::start(ClusterOptions {
        executors: 2,
        slots: 2,
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    let http_port: u16 = cluster
        .coordinator_http_url(0)
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("an HTTP port");
    for name in ["on-event", "on-tick", "daily"] {
        client
            .put_definition(definition(name), true, false)
            .await
            .expect("storing a definition");
    }

    // Events: each posted alone, the next once the previous job is running.
    client
        .put_trigger(proto::Trigger {
            name: "bench".into(),
            bucket: "bench".into(),
            job: "on-event".into(),
            ..Default::default()
        })
        .await
        .expect("creating the trigger");
    let mut posted_at = HashMap::new();
    for i in 0..events {
        let key = format!("in/{i:06}.csv");
        posted_at.insert(key.clone(), now_ms());
        let status = post(http_port, "/api/v1/events/s3", &event("bench", &key));
        assert!(status.contains("200"), "{status}");
        started(&client, "on-event", i + 1).await;
    }
    let mut event_ms: Vec<u64> = started(&client, "on-event", events)
        .await
        .iter()
        .map(|job| {
            let key = &job.labels["param.kiln.key"];
            job.started_at_ms.saturating_sub(posted_at[key])
        })
        .collect();
    event_ms.sort();

    // Ticks: 999 daily schedules and one every second, all evaluated by the same loop.
    for i in 0..999 {
        client
            .put_schedule(proto::Schedule {
                name: format!("daily-{i:03}"),
                cron: format!("{} {} * * *", i % 60, (i / 60) % 24),
                job: "daily".into(),
                ..Default::default()
            })
            .await
            .expect("creating a schedule");
    }
    client
        .put_schedule(proto::Schedule {
            name: "every-second".into(),
            cron: "* * * * * *".into(),
            job: "on-tick".into(),
            concurrency: proto::ConcurrencyPolicy::Allow as i32,
            ..Default::default()
        })
        .await
        .expect("creating the schedule");
    let jobs = started(&client, "on-tick", ticks).await;
    client
        .suspend_schedule("every-second", true)
        .await
        .expect("suspending");
    let mut tick_ms: Vec<u64> = jobs
        .iter()
        .map(|job| {
            let tick: u64 = job.labels["param.kiln.tick_ms"].parse().expect("a tick");
            job.started_at_ms.saturating_sub(tick)
        })
        .collect();
    tick_ms.sort();

    let report = format!(
        "# Triggers and schedules: how soon work starts\n\n\
         - 1 coordinator + 2 executors (processes on loopback, etcd); release build; {} cores\n\
         - event: an S3 `ObjectCreated:Put` notification POSTed to `/api/v1/events/s3` (batch \
         size 1), until its job is RUNNING (first task launched); {events} events, one at a time\n\
         - tick: a one-second cron schedule among 1,000 defined (999 daily ones), from the tick's \
         time until its job's first task launched; {} ticks\n\
         - Glue, for comparison: scheduled runs at most every 5 minutes\n\n\
         | path | p50 (ms) | p99 (ms) | target |\n|---|---|---|---|\n\
         | event received -> job RUNNING | {} | {} | p50 <= 100 ms |\n\
         | cron tick -> first task launched (lateness) | {} | {} | p99 <= 50 ms |\n",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0),
        tick_ms.len(),
        percentile(&event_ms, 0.5),
        percentile(&event_ms, 0.99),
        percentile(&tick_ms, 0.5),
        percentile(&tick_ms, 0.99),
    );
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).expect("creating the results directory");
    }
    std::fs::write(out, &report).expect("writing results");
    println!("{report}");
}
