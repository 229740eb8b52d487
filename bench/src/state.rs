//! What the cluster state store costs a job: submit -> first task latency and state-store
//! writes per job, with etcd and with the in-memory store of the embedded cluster, measured in
//! the same run on the same in-process coordinator and executors.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use kiln_client::Client;
use kiln_coordinator::{Coordinator, CoordinatorConfig};
use kiln_core::config::DEFAULT_ETCD_PREFIX;
use kiln_core::state::{EtcdOptions, EtcdStore, MemoryStore, StateStore, keys};
use kiln_executor::{Executor, ExecutorConfig};
use kiln_tests::etcd::Etcd;

use crate::counting_store::CountingStore;

struct Figures {
    first_task: Vec<Duration>,
    total: Vec<Duration>,
    writes: Vec<u64>,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

/// Runs `runs` two-stage jobs on a coordinator and two executors backed by `store`.
async fn measure(store: Arc<dyn StateStore>, runs: usize, work_dir: &Path) -> Figures {
    let counting = Arc::new(CountingStore::new(store));
    let store: Arc<dyn StateStore> = counting.clone();
    let coordinator = Coordinator::start(
        CoordinatorConfig {
            shuffle_partitions: 4,
            ..CoordinatorConfig::default()
        },
        Arc::clone(&store),
    )
    .await
    .expect("starting the coordinator");
    coordinator.wait_until_leader().await;
    let mut executors = vec![];
    for i in 0..2 {
        let mut config = ExecutorConfig::new(work_dir.join(format!("executor-{i}")));
        config.slots = 2;
        executors.push(
            Executor::start(config, Arc::clone(&store))
                .await
                .expect("starting an executor"),
        );
    }
    let client = Client::connect(coordinator.url())
        .await
        .expect("connecting");
    while client.executors().await.map(|e| e.len()).unwrap_or(0) < 2 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let job = || {
        kiln_tests::sql_job(
            "two-stages",
            &[],
            "SELECT k, count(*) AS n FROM (VALUES (1), (2), (1), (3)) AS t(k) GROUP BY k",
        )
    };
    for _ in 0..10 {
        kiln_tests::run_to_success(&client, job()).await;
    }
    let mut figures = Figures {
        first_task: vec![],
        total: vec![],
        writes: vec![],
    };
    for _ in 0..runs {
        let submitted_ms = kiln_core::ids::now_ms();
        let started = Instant::now();
        let status = kiln_tests::run_to_success(&client, job()).await;
        figures.total.push(started.elapsed());
        figures.first_task.push(Duration::from_millis(
            status.started_at_ms.saturating_sub(submitted_ms),
        ));
        // The final record is written in the background; give it a moment.
        tokio::time::sleep(Duration::from_millis(20)).await;
        figures
            .writes
            .push(counting.writes(&keys::job(&status.job_id)));
    }
    for executor in executors {
        executor.shutdown(Duration::from_secs(1)).await;
    }
    coordinator.shutdown().await;
    figures.first_task.sort();
    figures.total.sort();
    figures
}

/// Measures both stores and writes the comparison to `out`.
pub async fn run(runs: usize, out: &Path) {
    let work = tempfile::tempdir().expect("a temp dir");
    let memory = measure(
        Arc::new(MemoryStore::new()),
        runs,
        &work.path().join("memory"),
    )
    .await;
    let etcd = Etcd::start();
    let options = EtcdOptions::new(vec![etcd.endpoint()], DEFAULT_ETCD_PREFIX);
    let store = EtcdStore::connect(&options)
        .await
        .expect("connecting to etcd");
    let with_etcd = measure(Arc::new(store), runs, &work.path().join("etcd")).await;

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mean = |w: &[u64]| w.iter().sum::<u64>() as f64 / w.len().max(1) as f64;
    let row = |name: &str, f: &Figures| {
        format!(
            "| {name} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} (max {}) |\n",
            ms(percentile(&f.first_task, 0.5)),
            ms(percentile(&f.first_task, 0.99)),
            ms(percentile(&f.total, 0.5)),
            ms(percentile(&f.total, 0.99)),
            mean(&f.writes),
            f.writes.iter().max().copied().unwrap_or(0),
        )
    };
    let ratio = ms(percentile(&with_etcd.first_task, 0.5))
        / ms(percentile(&memory.first_task, 0.5)).max(0.001);
    let report = format!(
        "# Cluster state cost: etcd against the in-memory store\n\n\
         - a two-stage job (a `GROUP BY` over a `VALUES` list: 2 stages); an in-process \
         coordinator and 2 executors (2 slots each) talking gRPC and Flight over loopback; \
         the same code with each store, in one run; release build\n\
         - {runs} jobs per store after 10 warm-up jobs; first task = the job's `started_at` \
         (its first task launched) minus the moment `submit` was called\n\
         - etcd: Debian's etcd-server 3.4 on loopback with a fresh data directory\n\
         - machine: {} cores\n\n\
         | store | submit -> first task p50 (ms) | p99 (ms) | submit -> SUCCEEDED p50 (ms) | p99 (ms) | writes per job |\n\
         |---|---|---|---|---|---|\n{}{}\n\
         etcd / in-memory, submit -> first task p50: {ratio:.2}x\n",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0),
        row("in-memory", &memory),
        row("etcd", &with_etcd),
    );
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).expect("creating the results directory");
    }
    std::fs::write(out, &report).expect("writing results");
    println!("{report}");
}
