//! What a growing job history costs: a cluster of real processes (etcd, two coordinators,
//! two executors) runs many finished two-stage jobs at parallelism 64, etcd's size and the
//! leader's resident memory are sampled as the history grows past its window, then the leader
//! is killed and the time until the standby has run a new job is taken.

use std::path::Path;
use std::time::{Duration, Instant};

use kiln_tests::TestCluster;
use kiln_tests::cluster::ClusterOptions;

/// A two-stage job: a scan hash-partitioned into 64 partitions, then aggregated.
fn job(i: usize) -> kiln_client::proto::JobSpec {
    let mut spec = kiln_tests::sql_job(
        &format!("history-{i}"),
        &[],
        "SELECT value % 100 AS k, count(*) AS n FROM generate_series(1, 10000) GROUP BY value % 100",
    );
    spec.options = Some(kiln_client::proto::JobOptions {
        parallelism: 64,
        ..Default::default()
    });
    spec
}

/// The resident memory of a process, in bytes, from `/proc`.
fn resident_bytes(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// etcd's database size, the bytes of the cluster's keys and values, and the number of keys
/// under its job prefixes.
async fn etcd_figures(cluster: &TestCluster) -> (i64, usize, i64, i64) {
    let mut etcd = etcd_client::Client::connect([cluster.etcd.endpoint()], None)
        .await
        .expect("connecting to etcd");
    let size = etcd.status().await.expect("etcd status").db_size();
    let mut count = async |prefix: &str| {
        let options = etcd_client::GetOptions::new()
            .with_prefix()
            .with_count_only();
        etcd.get(prefix, Some(options))
            .await
            .expect("counting")
            .count()
    };
    let running = count("/kiln/jobs/").await;
    let history = count("/kiln/history/").await;
    let store = kiln_core::state::EtcdStore::connect(&kiln_core::state::EtcdOptions::new(
        vec![cluster.etcd.endpoint()],
        kiln_core::config::DEFAULT_ETCD_PREFIX,
    ))
    .await
    .expect("connecting to etcd");
    let live = kiln_core::state::StateStore::list(&store, "")
        .await
        .expect("listing the cluster's keys")
        .iter()
        .map(|(key, value)| key.len() + value.len())
        .sum();
    (size, live, running, history)
}

pub async fn run(jobs: usize, history_limit: usize, out: &Path) {
    let mut cluster = TestCluster::start(ClusterOptions {
        coordinators: 2,
        executors: 2,
        env: vec![("KILN_HISTORY_LIMIT".into(), history_limit.to_string())],
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    let mut rows = vec![];
    let started = Instant::now();
    for i in 0..jobs {
        kiln_tests::run_to_success(&client, job(i)).await;
        if (i + 1) % (jobs / 4).max(1) == 0 {
            tokio::time::sleep(Duration::from_millis(500)).await;
            let leader = cluster.leader_index().await.expect("a leader");
            let rss = resident_bytes(cluster.coordinator_pid(leader).expect("the leader runs"));
            let (size, live, running, history) = etcd_figures(&cluster).await;
            println!(
                "{} jobs: etcd {size} B ({live} B live), leader {rss} B",
                i + 1
            );
            rows.push((i + 1, size, live, running, history, rss));
        }
    }
    let ran_for = started.elapsed();
    let leader = cluster.leader_index().await.expect("a leader");
    cluster.kill_coordinator(leader);
    let killed = Instant::now();
    kiln_tests::run_to_success(&client, job(jobs)).await;
    let failover = killed.elapsed();
    assert_eq!(
        cluster.leader_index().await,
        Some(1 - leader),
        "the standby leads"
    );

    let mut text = format!(
        "# Job history: etcd size, leader memory and failover as finished jobs accumulate\n\n\
         `kiln-bench history --jobs {jobs} --history-limit {history_limit}`: etcd, 2 coordinator \
         and 2 executor processes (lease TTL 3 s); {jobs} two-stage jobs at parallelism 64 \
         (64 + 1 tasks each) in {:.1} s, then the leader is killed.\n\n\
         | finished jobs | etcd db size | the cluster's keys and values | keys in jobs/ | keys in history/ | leader RSS |\n\
         |---|---|---|---|---|---|\n",
        ran_for.as_secs_f64()
    );
    for (done, size, live, running, history, rss) in rows {
        text.push_str(&format!(
            "| {done} | {:.1} MiB | {:.0} KiB | {running} | {history} | {:.1} MiB |\n",
            size as f64 / 1048576.0,
            live as f64 / 1024.0,
            rss as f64 / 1048576.0
        ));
    }
    text.push_str(&format!(
        "\nKill of the leader -> a new job SUCCEEDED on the standby: {:.2} s (target: lease \
         TTL + 5 s = 8 s).\n\n\
         etcd's db size counts every revision until etcd compacts (the benchmark's etcd runs \
         without compaction), so it grows with writes, not with what is kept; the cluster's keys \
         and values, and the keys under jobs/ and history/, are what a new leader reads.\n",
        failover.as_secs_f64()
    ));
    std::fs::create_dir_all(out.parent().unwrap_or(Path::new("."))).unwrap();
    std::fs::write(out, &text).unwrap();
    println!("{text}");
}
