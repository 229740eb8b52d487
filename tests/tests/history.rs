//! Finished jobs in a real etcd: a standby takes over however much history the cluster has,
//! and the history stays within its window, in etcd and in the leader's memory.

use kiln_proto::internal::v1 as ipb;
use std::time::{Duration, Instant};

use kiln_client::{Client, ClientError, proto};
use kiln_tests::cluster::ClusterOptions;
use kiln_tests::{TestCluster, sql_job};
use prost::Message;

/// Waits until `prefix` holds `expected` keys.
async fn wait_for_keys(cluster: &TestCluster, prefix: &str, expected: i64) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let count = cluster.etcd.count_keys(prefix).await;
        if count == expected {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{prefix} holds {count} keys, expected {expected}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn run_trivial_jobs(client: &Client, count: usize) -> Vec<String> {
    let mut ids = vec![];
    for i in 0..count {
        let job = sql_job(&format!("trivial-{i}"), &[], "SELECT 1 AS one");
        let status = kiln_tests::run_to_success(client, job).await;
        ids.push(status.job_id);
    }
    ids
}

/// Submits with a request id straight through the gRPC API, to the leader, as a client
/// retrying a submission whose reply it lost does.
async fn submit_with_request_id(cluster: &TestCluster, request_id: &str) -> String {
    let leader = cluster.leader_index().await.expect("a leader");
    let url = cluster
        .coordinator_url
        .split(',')
        .nth(leader)
        .unwrap()
        .to_string();
    let mut client = proto::job_service_client::JobServiceClient::connect(url)
        .await
        .expect("connecting to the leader");
    let request = proto::SubmitRequest {
        spec: Some(sql_job("retried", &[], "SELECT 1 AS one")),
        validate_only: false,
        request_id: request_id.into(),
        job_file: None,
    };
    client
        .submit(request)
        .await
        .expect("submitting")
        .into_inner()
        .job_id
}

async fn listed_ids(client: &Client) -> Vec<String> {
    let jobs = client
        .list(kiln_client::JobQuery::all())
        .await
        .expect("listing jobs");
    jobs.into_iter().map(|j| j.job_id).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_standby_takes_over_a_cluster_whose_job_records_outgrow_one_etcd_response() {
    let mut cluster = TestCluster::start(ClusterOptions {
        coordinators: 2,
        executors: 1,
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    kiln_tests::run_to_success(&client, sql_job("before", &[], "SELECT 1 AS one")).await;

    // 600 finished jobs of about 10 KB each left in jobs/ (as a leader that died before moving
    // them to the history leaves them): 6 MB, over etcd's 4 MiB response limit for one read.
    let mut etcd = etcd_client::Client::connect([cluster.etcd.endpoint()], None)
        .await
        .unwrap();
    let padding = "x".repeat(10_000);
    let old_ids: Vec<String> = (0..600).map(|i| format!("job-old{i:05}")).collect();
    for (i, id) in old_ids.iter().enumerate() {
        let record = ipb::JobRecord {
            spec: Some(sql_job(
                "old",
                &[],
                &format!("SELECT '{padding}' AS padding"),
            )),
            status: Some(proto::JobStatus {
                job_id: id.clone(),
                name: "old".into(),
                state: proto::JobState::Succeeded as i32,
                submitted_at_ms: kiln_core::ids::now_ms() - 60_000 + i as u64,
                ended_at_ms: kiln_core::ids::now_ms() - 50_000 + i as u64,
                ..Default::default()
            }),
            ..Default::default()
        };
        etcd.put(format!("/kiln/jobs/{id}"), record.encode_to_vec(), None)
            .await
            .unwrap();
    }

    let leader = cluster.leader_index().await.expect("a leader");
    cluster.kill_coordinator(leader);
    let killed_at = Instant::now();
    let status =
        kiln_tests::run_to_success(&client, sql_job("after", &[], "SELECT 2 AS two")).await;
    let took = killed_at.elapsed();
    assert_eq!(
        cluster.leader_index().await,
        Some(1 - leader),
        "the standby leads"
    );
    // A bound against hangs, not a measure: bench/results/history.md times the failover.
    assert!(
        took < Duration::from_secs(30),
        "the standby ran a job {took:?} after the leader died (lease TTL 3 s)"
    );

    // The old records moved to the history; the new leader knows them and the new job.
    wait_for_keys(&cluster, "/kiln/jobs/", 0).await;
    wait_for_keys(&cluster, "/kiln/history/", 602).await;
    let listed = listed_ids(&client).await;
    assert_eq!(listed.len(), 602, "every finished job is listed");
    assert_eq!(listed[0], status.job_id, "newest first");
    let old = client.get(&old_ids[7]).await.expect("an old job's status");
    assert_eq!(old.state, proto::JobState::Succeeded as i32);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finished_jobs_past_the_history_limit_are_forgotten_by_etcd_and_every_leader() {
    let mut cluster = TestCluster::start(ClusterOptions {
        coordinators: 2,
        executors: 1,
        env: vec![("KILN_HISTORY_LIMIT".into(), "5".into())],
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    let ids = run_trivial_jobs(&client, 8).await;

    wait_for_keys(&cluster, "/kiln/history/", 5).await;
    wait_for_keys(&cluster, "/kiln/jobs/", 0).await;
    let newest: Vec<String> = ids[3..].iter().rev().cloned().collect();
    assert_eq!(listed_ids(&client).await, newest);
    let forgotten = client.get(&ids[0]).await;
    assert!(
        matches!(forgotten, Err(ClientError::NotFound(_))),
        "{forgotten:?}"
    );

    // A submission retried with its request id gets the job the first one started.
    let retried = submit_with_request_id(&cluster, "lost-reply-1").await;
    assert_eq!(
        submit_with_request_id(&cluster, "lost-reply-1").await,
        retried
    );
    client.wait(&retried).await.expect("the retried job ends");
    let mut expected = vec![retried.clone()];
    expected.extend(newest[..4].iter().cloned());
    assert_eq!(
        listed_ids(&client).await,
        expected,
        "one job for two submissions"
    );

    // A successor reads the same window from etcd, keeps it as jobs end, and still knows
    // the request id.
    let leader = cluster.leader_index().await.expect("a leader");
    cluster.kill_coordinator(leader);
    let more = run_trivial_jobs(&client, 1).await;
    assert_eq!(cluster.leader_index().await, Some(1 - leader));
    assert_eq!(
        submit_with_request_id(&cluster, "lost-reply-1").await,
        retried
    );
    let mut expected = vec![more[0].clone(), retried.clone()];
    expected.extend(newest[..3].iter().cloned());
    assert_eq!(listed_ids(&client).await, expected);
    wait_for_keys(&cluster, "/kiln/history/", 5).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_successor_shows_jobs_past_the_window_with_their_logs_from_the_history_store() {
    let history = tempfile::tempdir().unwrap();
    let mut cluster = TestCluster::start(ClusterOptions {
        coordinators: 2,
        executors: 1,
        env: vec![
            (
                "KILN_HISTORY_DIR".into(),
                history.path().display().to_string(),
            ),
            ("KILN_HISTORY_LIMIT".into(), "1".into()),
        ],
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;

    // A job whose task fails on a bad row, twice, leaving its attempts' logs.
    let dir = tempfile::tempdir().unwrap();
    let failing = kiln_tests::failing_cast_job(dir.path());
    let failed = client.submit(failing).await.expect("submitting");
    let failed_status = client.wait(&failed).await.expect("waiting");
    assert_eq!(failed_status.state, proto::JobState::Failed as i32);
    let attempts = client.tasks(&failed).await.expect("attempts");
    assert_eq!(attempts.len(), 2, "{attempts:?}");
    // Two more jobs push it out of the window of one.
    run_trivial_jobs(&client, 2).await;
    wait_for_keys(&cluster, "/kiln/history/", 1).await;
    assert!(
        history.path().join(format!("jobs/{failed}.pb")).exists(),
        "the history store keeps the job"
    );

    let leader = cluster.leader_index().await.expect("a leader");
    cluster.kill_coordinator(leader);
    let after = kiln_tests::run_to_success(&client, sql_job("after", &[], "SELECT 2 AS two")).await;
    assert_eq!(
        cluster.leader_index().await,
        Some(1 - leader),
        "the standby leads"
    );
    assert!(!after.job_id.is_empty());

    // The successor never ran the job, and neither etcd nor its memory hold it (the window
    // is one job): its status, attempts and logs come from the history store.
    wait_for_keys(&cluster, "/kiln/history/", 1).await;
    // Listing goes on from the window into the history store: every job once, newest first,
    // a page at a time too.
    let all = listed_ids(&client).await;
    assert_eq!(all.len(), 4, "{all:?}");
    assert_eq!(all[0], after.job_id);
    assert_eq!(all[3], failed);
    let mut paged = vec![];
    let mut token = String::new();
    loop {
        let page = client
            .list_page(kiln_client::JobQuery::all().limit(1).after(token.clone()))
            .await
            .expect("a page");
        paged.extend(page.jobs.into_iter().map(|j| j.job_id));
        match page.next_page_token {
            Some(next) => token = next,
            None => break,
        }
    }
    assert_eq!(paged, all);
    let failures = client
        .list(kiln_client::JobQuery::all().state(proto::JobState::Failed))
        .await
        .expect("the failed jobs");
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].job_id, failed);
    let status = client.get(&failed).await.expect("the old job");
    assert_eq!(status, failed_status);
    let kept = client.tasks(&failed).await.expect("its attempts");
    assert_eq!(kept.len(), attempts.len());
    let logs = client.logs(&failed, None).await.expect("its logs");
    let text: Vec<String> = logs.iter().flat_map(|a| a.log.clone()).collect();
    assert!(
        text.iter().any(|line| line.contains("twelve")),
        "the attempts' logs: {text:#?}"
    );
    let watched = client.wait(&failed).await.expect("watching the old job");
    assert_eq!(watched.state, proto::JobState::Failed as i32);
    match client.get("job-neverwas").await {
        Err(ClientError::NotFound(_)) => {}
        other => panic!("an unknown job: {other:?}"),
    }
}
