//! Executor memory under a limit: TPC-H queries (SF10 q18 and q21 by default) on executors
//! that each run in a memory cgroup of `--limit-mb` (the kernel kills a process that goes
//! over, as it does a Kubernetes pod), with their task memory set as an executor in such a pod
//! sets it, against the same executors without a limit, in one run. Reported per executor:
//! peak resident memory, bytes spilled, and whether the query still succeeded.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use kiln_client::{Client, proto};
use kiln_tests::TestCluster;
use kiln_tests::cluster::ClusterOptions;

use crate::process_memory::{peak_resident, reset_peak};

/// The executors of each run.
const EXECUTORS: usize = 2;

/// What one query did on one cluster.
struct Outcome {
    query: usize,
    /// The job's final state, and its error when it failed.
    state: String,
    time: Duration,
    /// Per executor: peak resident bytes and bytes spilled during the query.
    executors: Vec<(u64, u64)>,
}

/// A memory cgroup (v1 or v2) holding one executor, removed when dropped.
struct MemoryCgroup {
    dir: PathBuf,
}

impl MemoryCgroup {
    /// A cgroup of `limit` bytes named `name` under this process's own memory cgroup, holding
    /// process `pid`.
    fn new(name: &str, limit: u64, pid: u32) -> Self {
        let own = std::fs::read_to_string("/proc/self/cgroup").expect("reading /proc/self/cgroup");
        // cgroup v1 names the memory controller; v2 has one hierarchy, "0::".
        let (root, path, limit_file) = match own
            .lines()
            .find_map(|l| l.split_once(":memory:").map(|(_, p)| p.to_string()))
        {
            Some(path) => ("/sys/fs/cgroup/memory", path, "memory.limit_in_bytes"),
            None => {
                let path = own
                    .lines()
                    .find_map(|l| l.strip_prefix("0::"))
                    .expect("a memory cgroup")
                    .to_string();
                ("/sys/fs/cgroup", path, "memory.max")
            }
        };
        let dir = Path::new(root)
            .join(path.trim_start_matches('/'))
            .join(name);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| {
            panic!(
                "creating the memory cgroup {} (needs root): {e}",
                dir.display()
            )
        });
        std::fs::write(dir.join(limit_file), limit.to_string()).expect("setting the limit");
        std::fs::write(dir.join("cgroup.procs"), pid.to_string()).expect("moving the executor");
        Self { dir }
    }
}

impl Drop for MemoryCgroup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir(&self.dir);
    }
}

/// Bytes executor `index` spilled since it started, from its `/metrics`.
async fn spilled(client: &Client, index: usize) -> u64 {
    let executors = client.executors().await.expect("listing executors");
    let id = format!("exec-{index}");
    let Some(executor) = executors.iter().find(|e| e.executor_id == id) else {
        return 0;
    };
    let url = format!("http://{}:{}/metrics", executor.host, executor.http_port);
    let samples = tokio::task::spawn_blocking(move || kiln_tests::http::scrape(&url, None))
        .await
        .expect("scraping");
    kiln_tests::http::value(&samples, "kiln_executor_spilled_bytes_total", &[]).unwrap_or(0.0)
        as u64
}

/// Runs the queries on a cluster whose executors take `flags`, each in a cgroup of `limit`
/// bytes when one is given.
async fn run_cluster(
    setup: &[String],
    queries: &[usize],
    flags: Vec<String>,
    limit: Option<u64>,
) -> Vec<Outcome> {
    let cluster = TestCluster::start(ClusterOptions {
        executors: EXECUTORS,
        slots: 1,
        shuffle_partitions: 2,
        lease_ttl_secs: 30,
        executor_flags: vec![flags],
        ..ClusterOptions::default()
    })
    .await;
    let pids: Vec<u32> = (0..EXECUTORS).map(|i| cluster.executor_pid(i)).collect();
    let _cgroups: Vec<MemoryCgroup> = match limit {
        Some(limit) => pids
            .iter()
            .enumerate()
            .map(|(i, pid)| MemoryCgroup::new(&format!("kiln-bench-exec-{i}"), limit, *pid))
            .collect(),
        None => vec![],
    };
    let client = cluster.client().await;
    let mut outcomes = vec![];
    for &query in queries {
        let before = futures::future::join_all((0..EXECUTORS).map(|i| spilled(&client, i))).await;
        for pid in &pids {
            reset_peak(*pid).expect("resetting the peak memory");
        }
        let spec = kiln_tests::sql_job(
            &format!("tpch-q{query}"),
            setup,
            &kiln_tests::tpch::query(query),
        );
        let started = Instant::now();
        let job_id = client.submit(spec).await.expect("submitting");
        let status = client.wait(&job_id).await.expect("waiting");
        let mut state = kiln_client::state_name(status.state).to_string();
        if status.state == proto::JobState::Succeeded as i32 {
            let rows = client
                .results(&status)
                .expect("results")
                .try_fold(0, |rows, batch| async move { Ok(rows + batch.num_rows()) })
                .await
                .expect("fetching results");
            state = format!("{state} ({rows} rows)");
        } else {
            state = format!("{state}: {}", status.error);
        }
        let time = started.elapsed();
        let peaks: Vec<u64> = pids.iter().map(|pid| peak_resident(*pid)).collect();
        let after = futures::future::join_all((0..EXECUTORS).map(|i| spilled(&client, i))).await;
        let executors = peaks
            .into_iter()
            .zip(after.iter().zip(&before).map(|(a, b)| a.saturating_sub(*b)))
            .collect();
        eprintln!("q{query}: {state} in {:.1} s", time.as_secs_f64());
        outcomes.push(Outcome {
            query,
            state,
            time,
            executors,
        });
    }
    // The executors stop before their cgroups are removed (a cgroup with processes stays).
    drop(client);
    drop(cluster);
    outcomes
}

fn mib(bytes: u64) -> String {
    format!("{:.0}", bytes as f64 / (1 << 20) as f64)
}

/// Runs the comparison and writes its report to `out`.
pub async fn run(
    scale: f64,
    files: usize,
    limit_mb: u64,
    queries: &[usize],
    data_dir: &Path,
    out: &Path,
) {
    let data = crate::tpch::dataset(data_dir, scale, files);
    let setup = kiln_tests::tpch::create_tables_sql(&data);
    let limit = limit_mb << 20;
    // What an executor in a pod of this limit sets its task memory to (see the executor's
    // --memory-limit-mb); passed explicitly, as the executor starts before it is moved into
    // its cgroup.
    let shuffle_memory = kiln_core::config::DEFAULT_SHUFFLE_MEMORY_MB << 20;
    let task_memory = kiln_executor::default_memory_limit(limit as usize, shuffle_memory) >> 20;
    eprintln!("without a limit");
    let free = run_cluster(&setup, queries, vec![], None).await;
    eprintln!("in {limit_mb} MiB cgroups, task memory {task_memory} MiB");
    let flags = vec!["--memory-limit-mb".into(), task_memory.to_string()];
    let limited = run_cluster(&setup, queries, flags, Some(limit)).await;

    let mut report = format!(
        "# Executor memory under a limit: TPC-H SF{scale}\n\n\
         - machine: {} cores; release build; data: tpchgen, Parquet, {files} files per large table\n\
         - {EXECUTORS} executor processes of 1 slot, 2 partitions per shuffle; each query once per cluster\n\
         - limited: each executor in a memory cgroup of {limit_mb} MiB (the kernel kills what goes over), \
         task memory {task_memory} MiB (what an executor in a pod of that limit sets: three quarters of \
         what the {} MiB of in-memory shuffle outputs leave)\n\
         - baseline: the same executors without a limit, the same run\n\
         - peak: each executor's peak resident memory during the query (`VmHWM`, reset before it)\n\n\
         | query | executors | result | time (s) | time / baseline | peak MiB per executor | spilled MiB per executor |\n\
         |---|---|---|---|---|---|---|\n",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0),
        kiln_core::config::DEFAULT_SHUFFLE_MEMORY_MB,
    );
    for (baseline, limited) in free.iter().zip(&limited) {
        for (label, outcome) in [
            ("no limit", baseline),
            (&*format!("{limit_mb} MiB"), limited),
        ] {
            let peaks: Vec<String> = outcome.executors.iter().map(|e| mib(e.0)).collect();
            let spills: Vec<String> = outcome.executors.iter().map(|e| mib(e.1)).collect();
            report.push_str(&format!(
                "| q{} | {label} | {} | {:.1} | {:.2} | {} | {} |\n",
                outcome.query,
                outcome.state,
                outcome.time.as_secs_f64(),
                outcome.time.as_secs_f64() / baseline.time.as_secs_f64(),
                peaks.join(", "),
                spills.join(", "),
            ));
        }
    }
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).expect("creating the results directory");
    }
    std::fs::write(out, &report).expect("writing results");
    println!("{report}");
    eprintln!("written to {}", out.display());
}
