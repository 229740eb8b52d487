//! File commits interrupted by their leader, held at the point between publishing the new files
//! and deleting the replaced ones (a failpoint): a leader killed there leaves both and its
//! successor finishes the commit, in the save modes that check the target at submit too; a leader frozen there and woken after its
//! successor finished (and another job wrote the target) deletes nothing.

use std::path::Path;
use std::time::{Duration, Instant};

use datafusion::functions_aggregate::expr_fn::{count, count_distinct, max, min};
use datafusion::prelude::{SessionContext, col};
use kiln_client::proto;
use kiln_tests::TestCluster;
use kiln_tests::cluster::ClusterOptions;
use kiln_tests::sinks::sink_job;

/// The failpoint between a file commit's renames and its deletes.
const BEFORE_DELETES: &str = "files-commit-before-deletes";

/// The environment that holds a coordinator's file commits `millis` before they delete.
fn held_before_deletes(millis: u64) -> Vec<(String, String)> {
    vec![(
        "FAILPOINTS".into(),
        format!("{BEFORE_DELETES}=return({millis})"),
    )]
}

/// A job writing `v` = `from`..=`to` as Parquet into `path` in `mode`.
fn numbers_job(path: &Path, mode: proto::SaveMode, from: i64, to: i64) -> proto::JobSpec {
    sink_job(
        vec![],
        &format!("SELECT value AS v FROM generate_series({from}, {to})"),
        proto::SinkSpec {
            format: "parquet".into(),
            path: path.display().to_string(),
            mode: mode as i32,
            ..Default::default()
        },
    )
}

/// The names of the files directly in `dir` (not in `_temporary/`).
fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// count(*), count(DISTINCT v), min(v) and max(v) of the Parquet files in `dir`.
async fn numbers_in(dir: &Path) -> String {
    let ctx = SessionContext::new();
    let files: Vec<String> = files_in(dir)
        .into_iter()
        .filter(|f| f.ends_with(".parquet"))
        .map(|f| dir.join(f).display().to_string())
        .collect();
    let frame = ctx
        .read_parquet(files, Default::default())
        .await
        .unwrap()
        .aggregate(
            vec![],
            vec![
                count(col("v")),
                count_distinct(col("v")),
                min(col("v")),
                max(col("v")),
            ],
        )
        .unwrap();
    let batches = frame.collect().await.unwrap();
    arrow::util::pretty::pretty_format_batches(&batches)
        .unwrap()
        .to_string()
        .lines()
        .nth(3)
        .unwrap()
        .split('|')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Waits until `count` log lines of the cluster contain `needle`.
async fn wait_for_lines(cluster: &TestCluster, needle: &str, count: usize) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while cluster.log_lines_containing(needle).len() < count {
        assert!(
            Instant::now() < deadline,
            "fewer than {count} log lines with '{needle}': {}",
            cluster.logs()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The final status of `job_id`, within a minute (a bound against hangs, not a measure).
async fn finished(
    cluster: &TestCluster,
    client: &kiln_client::Client,
    job_id: &str,
) -> proto::JobStatus {
    tokio::time::timeout(Duration::from_secs(60), client.wait(job_id))
        .await
        .unwrap_or_else(|_| {
            panic!(
                "job {job_id} did not end within a minute: {}",
                cluster.logs()
            )
        })
        .unwrap()
}

/// Writes one Parquet file of `v` = `from`..=`to` at `path`.
async fn write_numbers(path: &Path, from: i64, to: i64) {
    let ctx = SessionContext::new();
    let sql = format!("SELECT value AS v FROM generate_series({from}, {to})");
    ctx.sql(&sql)
        .await
        .unwrap()
        .write_parquet(
            path.to_str().unwrap(),
            datafusion::dataframe::DataFrameWriteOptions::new().with_single_file_output(true),
            None,
        )
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leader_killed_between_publishing_and_deleting_leaves_both_and_its_successor_finishes() {
    let data = tempfile::tempdir().unwrap();
    let replaced = data.path().join("replaced");
    let fresh = data.path().join("fresh");
    let ignored = data.path().join("ignored");
    std::fs::create_dir_all(&replaced).unwrap();
    write_numbers(&replaced.join("old.parquet"), -9, -1).await;
    let mut cluster = TestCluster::start(ClusterOptions {
        executors: 1,
        coordinator_env: vec![held_before_deletes(60_000)],
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    let overwrite = client
        .submit(numbers_job(&replaced, proto::SaveMode::Overwrite, 1, 1000))
        .await
        .unwrap();
    let error_if_exists = client
        .submit(numbers_job(&fresh, proto::SaveMode::ErrorIfExists, 1, 1000))
        .await
        .unwrap();
    // The target is empty at submit: the job writes.
    let ignore = client
        .submit(numbers_job(&ignored, proto::SaveMode::Ignore, 1, 1000))
        .await
        .unwrap();
    wait_for_lines(&cluster, &format!("failpoint {BEFORE_DELETES}"), 3).await;
    cluster.kill_coordinator(0);

    // New files in place before any old one goes: the overwrite's target holds both, and the
    // error_if_exists and ignore targets hold the jobs' files but no success marker.
    let before = files_in(&replaced);
    assert!(before.contains(&"old.parquet".to_string()), "{before:?}");
    assert!(
        before.len() >= 2,
        "the new files are not in place: {before:?}"
    );
    assert_eq!(numbers_in(&replaced).await, "1009 1009 -9 1000");
    for dir in [&fresh, &ignored] {
        let published = files_in(dir);
        assert!(
            !published.is_empty() && !published.contains(&"_SUCCESS".to_string()),
            "{published:?}"
        );
    }

    // The successor finishes the commits: the old file goes; a target that now holds its
    // job's own files is neither refused nor skipped as one that already held data.
    cluster.set_coordinator_env(0, vec![]);
    cluster.restart_coordinator(0);
    let client = cluster.client().await;
    for job_id in [&overwrite, &error_if_exists, &ignore] {
        let status = finished(&cluster, &client, job_id).await;
        assert_eq!(
            status.state,
            proto::JobState::Succeeded as i32,
            "{status:?} {}",
            cluster.logs()
        );
    }
    assert!(
        !cluster
            .log_lines_containing("finishing the commit a predecessor began")
            .is_empty()
    );
    for dir in [&replaced, &fresh, &ignored] {
        assert_eq!(numbers_in(dir).await, "1000 1000 1 1000");
        assert!(files_in(dir).contains(&"_SUCCESS".to_string()));
        assert!(!dir.join("_temporary").exists(), "temporary files left");
    }
    assert!(!files_in(&replaced).contains(&"old.parquet".to_string()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deposed_leader_woken_after_its_successor_committed_deletes_nothing() {
    let data = tempfile::tempdir().unwrap();
    let target = data.path().join("target");
    std::fs::create_dir_all(&target).unwrap();
    write_numbers(&target.join("old.parquet"), -9, -1).await;
    let mut cluster = TestCluster::start(ClusterOptions {
        executors: 1,
        coordinator_env: vec![held_before_deletes(4_000)],
        ..ClusterOptions::default()
    })
    .await;
    let standby = cluster.add_coordinator();
    let client = cluster.client().await;
    assert_eq!(cluster.leader_index().await, Some(0));
    let first = client
        .submit(numbers_job(&target, proto::SaveMode::Overwrite, 1, 1000))
        .await
        .unwrap();
    wait_for_lines(&cluster, &format!("failpoint {BEFORE_DELETES}"), 1).await;
    // Frozen between publishing and deleting: the standby takes over and finishes the commit.
    cluster.pause_coordinator(0);
    let status = finished(&cluster, &client, &first).await;
    assert_eq!(
        status.state,
        proto::JobState::Succeeded as i32,
        "{status:?}"
    );
    assert_eq!(cluster.leader_index().await, Some(standby));
    // A second overwrite replaces the first job's files.
    let second = client
        .submit(numbers_job(&target, proto::SaveMode::Overwrite, 5001, 5500))
        .await
        .unwrap();
    let status = finished(&cluster, &client, &second).await;
    assert_eq!(
        status.state,
        proto::JobState::Succeeded as i32,
        "{status:?}"
    );
    let files = files_in(&target);
    assert_eq!(numbers_in(&target).await, "500 500 5001 5500");

    // The deposed leader wakes where it stopped, about to delete what its commit did not
    // publish (the second job's files): it reads the commit's manifest back, finds that
    // another leader finished it, and stops.
    cluster.resume_coordinator(0);
    wait_for_lines(&cluster, "another leader finished it", 1).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(files_in(&target), files);
    assert_eq!(numbers_in(&target).await, "500 500 5001 5500");
}
