//! Cluster state in a real etcd: a leader killed mid-job, etcd stopped mid-job, an executor
//! whose lease expires, the etcd write cost of a job, and state that outlives a coordinator.

use std::time::{Duration, Instant};

use arrow::array::RecordBatch;
use datafusion::prelude::SessionContext;
use futures::TryStreamExt;
use kiln_client::{Client, proto};
use kiln_tests::cluster::{ClusterOptions, binary};
use kiln_tests::proxy::TcpProxy;
use kiln_tests::{TestCluster, compare, sql_job, tpch};

/// A multi-stage query: a join, an aggregation in a subquery, a few thousand result rows.
const JOIN_QUERY: &str = "
    SELECT l_orderkey, l_linenumber, l_extendedprice, o_orderpriority
    FROM lineitem JOIN orders ON l_orderkey = o_orderkey
    WHERE l_orderkey IN (SELECT l_orderkey FROM lineitem GROUP BY l_orderkey HAVING sum(l_quantity) > 150)";

/// Waits until some stage of the job has succeeded while the job still runs.
async fn wait_for_a_finished_stage(client: &Client, job_id: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let status = client.get(job_id).await.expect("status");
        assert_eq!(
            status.state,
            proto::JobState::Running as i32,
            "the job ended too early: {} {}",
            kiln_client::state_name(status.state),
            status.error
        );
        if status
            .stages
            .iter()
            .any(|s| s.state == proto::StageState::Succeeded as i32)
        {
            return;
        }
        assert!(Instant::now() < deadline, "no stage finished in time");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn assert_succeeded(status: &proto::JobStatus, cluster: &TestCluster) {
    assert_eq!(
        status.state,
        proto::JobState::Succeeded as i32,
        "{} {}\n{}",
        kiln_client::state_name(status.state),
        status.error,
        cluster.logs()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_standby_finishes_a_sink_job_exactly_once_when_the_leader_is_killed() {
    let data = tpch::dataset(0.1, 3);
    let setup = tpch::create_tables_sql(&data);
    let expected = compare::local_result(&setup, JOIN_QUERY).await;
    let out = tempfile::tempdir().unwrap();

    let mut cluster = TestCluster::start(ClusterOptions {
        coordinators: 2,
        executors: 2,
        slots: 1,
        shuffle_partitions: 8,
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    let mut spec = sql_job("failover", &setup, JOIN_QUERY);
    spec.sink = Some(proto::SinkSpec {
        format: "parquet".into(),
        path: out.path().display().to_string(),
        mode: proto::SaveMode::Overwrite as i32,
        ..Default::default()
    });
    let job_id = client.submit(spec).await.expect("submitting");
    wait_for_a_finished_stage(&client, &job_id).await;

    let leader = cluster.leader_index().await.expect("a leader is elected");
    cluster.kill_coordinator(leader);
    let killed_at = Instant::now();

    let status = client
        .wait(&job_id)
        .await
        .expect("watching across the failover");
    assert_succeeded(&status, &cluster);
    assert_eq!(
        cluster.leader_index().await,
        Some(1 - leader),
        "the standby leads now"
    );
    assert!(
        killed_at.elapsed() < Duration::from_secs(60),
        "the job took {:?} after the failover",
        killed_at.elapsed()
    );

    // Exactly once: the published files hold every row once, and nothing else is left.
    assert!(out.path().join("_SUCCESS").exists(), "the commit marker");
    let ctx = SessionContext::new();
    let written = ctx
        .read_parquet(format!("{}/", out.path().display()), Default::default())
        .await
        .unwrap()
        .collect()
        .await
        .unwrap();
    compare::same_rows(&expected, &written).expect("every row exactly once");
    assert!(
        !out.path().join("_temporary").exists(),
        "temporary attempt files are removed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_run_through_an_etcd_outage_and_submissions_get_a_clear_error() {
    let data = tpch::dataset(0.1, 3);
    let setup = tpch::create_tables_sql(&data);
    let expected = compare::local_result(&setup, JOIN_QUERY).await;
    let mut cluster = TestCluster::start(ClusterOptions {
        executors: 2,
        slots: 1,
        shuffle_partitions: 8,
        lease_ttl_secs: 5,
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    let job_id = client
        .submit(sql_job("through-outage", &setup, JOIN_QUERY))
        .await
        .expect("submitting");
    wait_for_a_finished_stage(&client, &job_id).await;

    cluster.etcd.stop();
    let asked = Instant::now();
    let refused = client
        .submit(sql_job("during-outage", &[], "SELECT 1 AS one"))
        .await
        .expect_err("no job can be accepted while its record cannot be written");
    assert!(
        refused
            .to_string()
            .contains("cluster state store unavailable"),
        "{refused}"
    );
    assert!(
        asked.elapsed() < Duration::from_secs(10),
        "the refusal took {:?}",
        asked.elapsed()
    );
    // The running job goes on meanwhile.
    tokio::time::sleep(Duration::from_secs(3)).await;
    cluster.etcd.resume();

    let status = client.wait(&job_id).await.expect("waiting");
    assert_succeeded(&status, &cluster);
    let batches: Vec<RecordBatch> = client
        .results(&status)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    compare::same_rows(&expected, &batches).expect("same rows");

    let after =
        kiln_tests::run_to_success(&client, sql_job("after-outage", &[], "SELECT 1 AS one")).await;
    assert_eq!(after.result.map(|r| r.rows), Some(1));
    cluster.wait_for_executors(2).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_executor_whose_lease_expires_is_dropped_and_gets_work_when_it_returns() {
    let data = tpch::dataset(0.1, 3);
    let setup = tpch::create_tables_sql(&data);
    let expected = compare::local_result(&setup, JOIN_QUERY).await;
    let mut cluster = TestCluster::start(ClusterOptions {
        executors: 2,
        slots: 1,
        shuffle_partitions: 8,
        lease_ttl_secs: 2,
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    let job_id = client
        .submit(sql_job("frozen-executor", &setup, JOIN_QUERY))
        .await
        .expect("submitting");
    wait_for_a_finished_stage(&client, &job_id).await;

    // Frozen, executor 0 neither works nor keeps its lease alive: it is dropped, and its
    // tasks and outputs are redone on executor 1.
    cluster.pause_executor(0);
    cluster.wait_for_executors(1).await;
    let status = client.wait(&job_id).await.expect("waiting");
    assert_succeeded(&status, &cluster);
    let batches: Vec<RecordBatch> = client
        .results(&status)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    compare::same_rows(&expected, &batches).expect("same rows");

    // Thawed, it finds its lease gone and registers again; with executor 1 killed, the next
    // job runs on it alone.
    cluster.resume_executor(0);
    cluster.wait_for_executors(2).await;
    // It fences itself: whatever it was running when it froze was redone elsewhere.
    let fenced = "lease expired, so the cluster redid its tasks";
    let deadline = Instant::now() + Duration::from_secs(10);
    while cluster.log_lines_containing(fenced).is_empty() {
        assert!(
            Instant::now() < deadline,
            "the returned executor never fenced itself"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    cluster.kill_executor(1);
    cluster.wait_for_executors(1).await;
    let sql = "SELECT l_returnflag, count(*) AS n FROM lineitem GROUP BY l_returnflag";
    let status = kiln_tests::run_to_success(&client, sql_job("on-returned", &setup, sql)).await;
    let batches: Vec<RecordBatch> = client
        .results(&status)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    compare::same_rows(&compare::local_result(&setup, sql).await, &batches).expect("same rows");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_costs_etcd_writes_per_stage_and_its_record_outlives_the_coordinator() {
    let data = tpch::dataset(0.1, 3);
    let setup = tpch::create_tables_sql(&data);
    let mut cluster = TestCluster::start(ClusterOptions {
        executors: 2,
        slots: 2,
        shuffle_partitions: 200,
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    let sql = "SELECT o_orderpriority, count(*) AS orders FROM orders GROUP BY o_orderpriority";
    let mut etcd = etcd_client::Client::connect([cluster.etcd.endpoint()], None)
        .await
        .unwrap();
    let revision = |response: &etcd_client::GetResponse| {
        response.header().map(|h| h.revision()).unwrap_or_default()
    };
    let before = revision(&etcd.get("/kiln/jobs/", None).await.unwrap());

    let status = kiln_tests::run_to_success(&client, sql_job("many-tasks", &setup, sql)).await;
    let tasks: u32 = status.stages.iter().map(|s| s.tasks_total).sum();
    let stages = status.stages.len() as i64;
    assert!(
        tasks >= 200,
        "the job should have hundreds of tasks: {tasks}"
    );

    // The end is written in the background: the job's record moves to the history, where its
    // final status says SUCCEEDED.
    let record_key = format!("/kiln/jobs/{}", status.job_id);
    let history_key = format!("/kiln/history/{}", status.job_id);
    let deadline = Instant::now() + Duration::from_secs(10);
    let after = loop {
        let response = etcd.get(history_key.as_str(), None).await.unwrap();
        if let Some(kv) = response.kvs().first() {
            let summary = <proto::JobStatus as prost::Message>::decode(kv.value()).unwrap();
            assert_eq!(summary.state, proto::JobState::Succeeded as i32);
            assert_eq!(kv.version(), 1, "a finished job's summary is written once");
            break revision(&response);
        }
        assert!(Instant::now() < deadline, "the final status never came");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let record = etcd.get(record_key.as_str(), None).await.unwrap();
    assert!(
        record.kvs().is_empty(),
        "a finished job's record leaves jobs/ in the same write"
    );
    // Accepted, running, one per completed stage, ended: never one per task.
    assert!(
        after - before <= stages + 3,
        "{} etcd writes in all for {stages} stages and {tasks} tasks",
        after - before
    );

    // A restarted coordinator lists the job and the executors from etcd, to the CLI as well.
    cluster.kill_coordinator(0);
    cluster.restart_coordinator(0);
    let kiln = |args: &[&str]| {
        let output = std::process::Command::new(binary("kiln"))
            .args(args)
            .env("KILN_COORDINATOR", &cluster.coordinator_url)
            .output()
            .expect("running kiln");
        assert!(output.status.success(), "kiln {args:?}: {output:?}");
        serde_json::from_slice::<serde_json::Value>(&output.stdout).expect("kiln printed JSON")
    };
    let jobs = kiln(&["jobs", "--output", "json"]);
    let listed = jobs
        .as_array()
        .expect("a list of jobs")
        .iter()
        .find(|j| j["job_id"] == status.job_id.as_str())
        .unwrap_or_else(|| panic!("the job is listed after the restart: {jobs}"));
    assert_eq!(listed["state"], "SUCCEEDED", "{listed}");
    assert_eq!(
        listed["stages"].as_array().map(Vec::len),
        Some(status.stages.len())
    );
    let executors = kiln(&["executors", "--output", "json"]);
    assert_eq!(executors.as_array().map(Vec::len), Some(2), "{executors}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leader_cut_off_from_etcd_stops_acting_before_a_successor_is_elected() {
    let data = tpch::dataset(0.1, 3);
    let setup = tpch::create_tables_sql(&data);
    let expected = compare::local_result(&setup, JOIN_QUERY).await;
    let mut cluster = TestCluster::start(ClusterOptions {
        coordinators: 2,
        executors: 2,
        slots: 1,
        shuffle_partitions: 8,
        lease_ttl_secs: 4,
        ..ClusterOptions::default()
    })
    .await;
    // The leader reaches etcd through a proxy; the standby, executors and clients directly.
    let etcd_addr = cluster
        .etcd
        .endpoint()
        .replace("http://", "")
        .parse()
        .unwrap();
    let proxy = TcpProxy::start(etcd_addr).await;
    let first = cluster.leader_index().await.expect("a leader");
    let behind_proxy = 1 - first;
    cluster.kill_coordinator(behind_proxy);
    cluster.restart_coordinator_via(behind_proxy, proxy.url());
    cluster.kill_coordinator(first);
    let deadline = Instant::now() + Duration::from_secs(20);
    while cluster.leader_index().await != Some(behind_proxy) {
        assert!(
            Instant::now() < deadline,
            "the coordinator behind the proxy never led"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    cluster.restart_coordinator(first);
    let client = cluster.client().await;
    let job_id = client
        .submit(sql_job("partitioned-leader", &setup, JOIN_QUERY))
        .await
        .expect("submitting");
    wait_for_a_finished_stage(&client, &job_id).await;

    proxy.cut();
    let cut_at = Instant::now();
    while cluster.leader_index().await != Some(first) {
        assert!(
            cut_at.elapsed() < Duration::from_secs(30),
            "the standby was not elected within 30 s of the cut (lease TTL 4 s)"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let status = client
        .wait(&job_id)
        .await
        .expect("waiting across the partition");
    assert_succeeded(&status, &cluster);
    let batches: Vec<RecordBatch> = client
        .results(&status)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    compare::same_rows(&expected, &batches).expect("same rows");

    // The leader cut off gave up leading before its lease could expire, so before the
    // standby was elected: never two leaders at once.
    let gave_up = cluster.log_lines_containing("leadership given up");
    assert_eq!(gave_up.len(), 1, "{gave_up:?}\n{}", cluster.logs());
    let elected = cluster.log_lines_containing("elected leader");
    let successor = elected.iter().max().expect("the successor's election");
    let at = |line: &str| {
        line.split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        at(&gave_up[0]) < at(successor),
        "gave up at {}, successor elected at {}",
        at(&gave_up[0]),
        at(successor)
    );
}

/// Writes Parquet file `name` under `dir`: keys `k` (value % 50) and values `v` from `from`
/// to `to`.
async fn numbers_file(dir: &std::path::Path, name: &str, from: i64, to: i64) {
    let ctx = SessionContext::new();
    let sql = format!("SELECT value % 50 AS k, value AS v FROM generate_series({from}, {to})");
    ctx.sql(&sql)
        .await
        .unwrap()
        .write_parquet(
            dir.join(name).to_str().unwrap(),
            datafusion::dataframe::DataFrameWriteOptions::new().with_single_file_output(true),
            None,
        )
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_successor_resumes_the_files_the_job_listed_not_the_files_there_now() {
    let data = tempfile::tempdir().unwrap();
    let (a, b) = (data.path().join("a"), data.path().join("b"));
    for dir in [&a, &b] {
        std::fs::create_dir_all(dir).unwrap();
        for file in 0..4 {
            let from = file * 50_000 + 1;
            numbers_file(dir, &format!("{file}.parquet"), from, from + 49_999).await;
        }
    }
    let setup = vec![
        format!(
            "CREATE EXTERNAL TABLE a STORED AS PARQUET LOCATION '{}/'",
            a.display()
        ),
        format!(
            "CREATE EXTERNAL TABLE b STORED AS PARQUET LOCATION '{}/'",
            b.display()
        ),
    ];
    let sql = "SELECT a.k, count(*) AS n, sum(b.v) AS total FROM a JOIN b ON a.v = b.v \
               GROUP BY a.k ORDER BY a.k";
    let expected = compare::local_result(&setup, sql).await;

    let mut cluster = TestCluster::start(ClusterOptions {
        coordinators: 2,
        executors: 2,
        slots: 1,
        shuffle_partitions: 8,
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    let job_id = client
        .submit(sql_job("moving-sources", &setup, sql))
        .await
        .expect("submitting");
    wait_for_a_finished_stage(&client, &job_id).await;

    // The leader dies, and new files land in both tables before its successor takes over:
    // the successor must finish the job over the files the job listed when it was planned.
    let leader = cluster.leader_index().await.expect("a leader");
    cluster.kill_coordinator(leader);
    for dir in [&a, &b] {
        numbers_file(dir, "4.parquet", 1, 200_000).await;
    }
    let status = client
        .wait(&job_id)
        .await
        .expect("waiting across the failover");
    assert_succeeded(&status, &cluster);
    assert_eq!(cluster.leader_index().await, Some(1 - leader));
    assert!(
        !cluster.log_lines_containing("job resumed").is_empty(),
        "the successor resumed the job"
    );
    let batches: Vec<RecordBatch> = client
        .results(&status)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    compare::same_rows(&expected, &batches).expect("the rows of the files listed at submit");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attempts_a_dead_leader_started_are_killed_once_its_successor_runs_their_tasks() {
    let mut cluster = TestCluster::start(ClusterOptions {
        coordinators: 2,
        executors: 2,
        slots: 2,
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    // One long task: it is still running when the leader dies.
    let slow = "SELECT sum(value % 7) AS n FROM generate_series(1, 20000000000)";
    let job_id = client
        .submit(sql_job("outlives-its-leader", &[], slow))
        .await
        .expect("submitting");
    // Running on its executor, not only assigned: a launch still on its way when the leader
    // dies would leave no attempt to kill.
    let deadline = Instant::now() + Duration::from_secs(30);
    while cluster
        .log_lines_containing("stage 0 task 0 attempt 0 started on executor")
        .is_empty()
    {
        assert!(Instant::now() < deadline, "the task never started");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let leader = cluster.leader_index().await.expect("a leader");
    cluster.kill_coordinator(leader);

    // The successor runs the task again; the executor still running the first attempt hears
    // from it, in a heartbeat, that the attempt is not expected, and kills it.
    let zombie = "killing attempts the leader does not expect";
    let deadline = Instant::now() + Duration::from_secs(30);
    while cluster.log_lines_containing(zombie).is_empty() {
        assert!(
            Instant::now() < deadline,
            "the predecessor's attempt was never killed\n{}",
            cluster.logs()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(cluster.leader_index().await, Some(1 - leader));
    let status = client.get(&job_id).await.unwrap();
    assert_eq!(
        status.state,
        proto::JobState::Running as i32,
        "{}",
        status.error
    );
    assert_eq!(
        status.stages[0].tasks_running, 1,
        "the successor's attempt runs"
    );
    client.cancel(&job_id).await.expect("cancelling");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_executor_restarted_in_place_before_its_lease_expires_has_its_work_redone() {
    let mut cluster = TestCluster::start(ClusterOptions {
        executors: 1,
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    // A few seconds of hashing, in two stages.
    let sql = "SELECT count(*) AS n, sum(v) AS total FROM (SELECT value % 1000 AS k, \
               max(value) AS v FROM generate_series(1, 3000000) \
               WHERE sha256(CAST(value AS VARCHAR)) <> '' GROUP BY 1)";
    let job_id = client
        .submit(sql_job("hashing", &[], sql))
        .await
        .expect("submitting");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let status = client.get(&job_id).await.unwrap();
        assert_eq!(status.state, proto::JobState::Running as i32, "{status:?}");
        if status.stages.iter().any(|s| s.tasks_running > 0) {
            break;
        }
        assert!(Instant::now() < deadline, "no task ever ran");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Back with the same id, host and ports within a second: only its start time tells.
    cluster.restart_executor_in_place(0).await;
    let status = client.wait(&job_id).await.expect("waiting");
    assert_succeeded(&status, &cluster);
    assert!(
        !cluster
            .log_lines_containing("executor restarted; its attempts and outputs are redone")
            .is_empty(),
        "the leader never noticed the restart: {}",
        cluster.logs()
    );
    let rows = kiln_tests::first_column(&client, &status).await;
    assert_eq!(rows, ["1000"]);
    let batches: Vec<RecordBatch> = client
        .results(&status)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    let expected = compare::local_result(&[], sql).await;
    compare::same_rows(&expected, &batches).expect("the rows of a run without the restart");
}

/// A client that reaches only the standby (a Kubernetes Service that lands on it, a
/// port-forward) is served by the leader through it. The raw gRPC client follows no leader
/// hint, so each answer proves the standby passed the call on, streams included.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_standby_passes_client_calls_on_to_the_leader() {
    use proto::job_service_client::JobServiceClient;
    let cluster = TestCluster::start(ClusterOptions {
        coordinators: 2,
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    // The executors joined, so a leader is elected.
    let leader = cluster.leader_index().await.expect("a leader");
    let standby = 1 - leader;
    let mut raw = JobServiceClient::connect(cluster.coordinator_grpc_url(standby))
        .await
        .unwrap();

    let spec = sql_job("through-the-standby", &[], "SELECT 6 * 7 AS answer");
    let submitted = raw
        .submit(proto::SubmitRequest {
            spec: Some(spec),
            ..Default::default()
        })
        .await
        .unwrap_or_else(|e| {
            panic!(
                "the standby did not pass Submit on: {e}\n{}",
                cluster.logs()
            )
        })
        .into_inner();
    let mut watch = raw
        .watch(proto::WatchJobRequest {
            job_id: submitted.job_id.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    let mut last = None;
    while let Some(status) = watch.message().await.unwrap() {
        last = Some(status);
    }
    let last = last.expect("the watch stream sent the job's states");
    assert_succeeded(&last, &cluster);
    let listed = raw
        .list(proto::ListJobsRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert!(
        listed.jobs.iter().any(|j| j.job_id == submitted.job_id),
        "{listed:?}"
    );
    // The leader ran it, and the standby still stands by.
    assert_eq!(cluster.leader_index().await, Some(leader));
    let answer = kiln_tests::first_column(&client, &last).await;
    assert_eq!(answer, ["42"]);
}
