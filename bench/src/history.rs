//! What a growing job history costs: a cluster of real processes (etcd, two coordinators,
//! two executors, a shared history directory) runs many finished two-stage jobs at parallelism
//! 64, etcd's size and the leader's resident memory are sampled as the history grows past its
//! window, then the leader is killed, the time until the standby has run a new job is taken,
//! and the successor is timed serving the old jobs (status, attempts with logs, listing pages)
//! from the history store.

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

/// etcd's database size once compacted and defragmented (as an operator's auto-compaction
/// keeps it), the bytes of the cluster's keys and values, and the number of keys under its job
/// prefixes.
async fn etcd_figures(cluster: &TestCluster) -> (i64, usize, i64, i64) {
    let mut etcd = etcd_client::Client::connect([cluster.etcd.endpoint()], None)
        .await
        .expect("connecting to etcd");
    let revision = etcd
        .status()
        .await
        .expect("etcd status")
        .header()
        .expect("a response header")
        .revision();
    etcd.compact(revision, None).await.expect("compacting etcd");
    etcd.defragment().await.expect("defragmenting etcd");
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

/// The files under `dir` and their bytes.
fn dir_figures(dir: &Path) -> (usize, u64) {
    let mut files = 0;
    let mut bytes = 0;
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("listing the history directory") {
            let entry = entry.expect("a directory entry");
            let meta = entry.metadata().expect("its metadata");
            if meta.is_dir() {
                pending.push(entry.path());
            } else {
                files += 1;
                bytes += meta.len();
            }
        }
    }
    (files, bytes)
}

/// The median and the slowest of some timings, in milliseconds.
fn median_and_max(mut times: Vec<Duration>) -> (f64, f64) {
    times.sort_unstable();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    (
        ms(times[times.len() / 2]),
        ms(*times.last().expect("timings")),
    )
}

pub async fn run(jobs: usize, history_limit: usize, out: &Path) {
    let history_dir = tempfile::tempdir().expect("a history directory");
    let mut cluster = TestCluster::start(ClusterOptions {
        coordinators: 2,
        executors: 2,
        env: vec![
            ("KILN_HISTORY_LIMIT".into(), history_limit.to_string()),
            (
                "KILN_HISTORY_DIR".into(),
                history_dir.path().display().to_string(),
            ),
        ],
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    let mut rows = vec![];
    let mut ids = vec![];
    let started = Instant::now();
    for i in 0..jobs {
        ids.push(kiln_tests::run_to_success(&client, job(i)).await.job_id);
        if (i + 1) % (jobs / 4).max(1) == 0 {
            tokio::time::sleep(Duration::from_millis(500)).await;
            let leader = cluster.leader_index().await.expect("a leader");
            let rss = crate::process_memory::resident(
                cluster.coordinator_pid(leader).expect("the leader runs"),
            );
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

    // The successor never ran the old jobs; those past the window come from the history store.
    let oldest = &ids[..ids.len().saturating_sub(history_limit).min(20)];
    assert!(!oldest.is_empty(), "more jobs than the window");
    let (mut gets, mut logs) = (vec![], vec![]);
    for id in oldest {
        let asked = Instant::now();
        let status = client.get(id).await.expect("an old job's status");
        gets.push(asked.elapsed());
        assert_eq!(&status.job_id, id);
        let asked = Instant::now();
        let attempts = client.logs(id, None).await.expect("an old job's attempts");
        logs.push(asked.elapsed());
        assert!(
            attempts.len() >= 65,
            "every attempt of job {id}: {attempts:?}"
        );
    }
    let (mut pages, mut listed, mut token) = (vec![], 0, String::new());
    let walked = Instant::now();
    loop {
        let asked = Instant::now();
        let page = client
            .list_page(kiln_client::JobQuery::all().limit(100).after(token.clone()))
            .await
            .expect("a page of jobs");
        pages.push(asked.elapsed());
        listed += page.jobs.len();
        match page.next_page_token {
            Some(next) => token = next,
            None => break,
        }
    }
    let walk = walked.elapsed();
    assert_eq!(listed, jobs + 1, "every job listed once");
    let successor_rss = crate::process_memory::resident(
        cluster
            .coordinator_pid(1 - leader)
            .expect("the successor runs"),
    );
    let (files, bytes) = dir_figures(history_dir.path());
    let (get_median, get_max) = median_and_max(gets);
    let (logs_median, logs_max) = median_and_max(logs);
    let (page_median, page_max) = median_and_max(pages.clone());

    let mut text = format!(
        "# Job history: etcd size, leader memory and failover as finished jobs accumulate\n\n\
         `kiln-bench history --jobs {jobs} --history-limit {history_limit}`: etcd, 2 coordinator \
         and 2 executor processes (lease TTL 3 s) sharing a local history directory; {jobs} \
         two-stage jobs at parallelism 64 (64 + 1 tasks each) in {:.1} s, then the leader is \
         killed. etcd's db size is taken after compacting to the current revision and \
         defragmenting, as etcd's auto-compaction keeps a cluster's etcd.\n\n\
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
         TTL + 5 s = 8 s). The cluster's keys and values, and the keys under jobs/ and \
         history/, are what a new leader reads.\n\n\
         ## The successor serves the old jobs from the history store\n\n\
         The history directory holds {files} files, {:.1} MiB: {:.1} KiB per job (its final \
         status and 65 attempts with their logs, plus an index entry).\n\n\
         | call on the successor | median | slowest |\n|---|---|---|\n\
         | status of one of the {} oldest jobs (GetJob) | {get_median:.1} ms | {get_max:.1} ms |\n\
         | its attempts (65) with logs (GetTasks) | {logs_median:.1} ms | {logs_max:.1} ms |\n\
         | a page of 100 jobs (ListJobs), walking all {} pages | {page_median:.1} ms | {page_max:.1} ms |\n\n\
         Walking every page took {:.2} s; the successor's RSS afterwards: {:.1} MiB.\n",
        failover.as_secs_f64(),
        bytes as f64 / 1048576.0,
        bytes as f64 / 1024.0 / jobs as f64,
        oldest.len(),
        pages.len(),
        walk.as_secs_f64(),
        successor_rss as f64 / 1048576.0,
    ));
    std::fs::create_dir_all(out.parent().unwrap_or(Path::new("."))).unwrap();
    std::fs::write(out, &text).unwrap();
    println!("{text}");
}
