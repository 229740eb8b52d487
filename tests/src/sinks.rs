//! Shared fixtures of the sink tests: a CSV with every type and awkward text, one-step sink
//! jobs, and loading with an executor killed or a load broken midway.

use std::path::Path;
use std::time::{Duration, Instant};

use datafusion::prelude::SessionContext;
use kiln_client::proto;

use crate::TestCluster;
use crate::cluster::ClusterOptions;

/// A CSV with integers, floats, decimals, booleans, text with quotes, tabs, commas, a line
/// break and non-ASCII characters, dates, timestamps with and without zone, hex-encoded bytes
/// and a row of nulls. Read it with the source option `newlines_in_values = "true"`.
pub const TYPED_CSV: &str = "id,small,big,ratio,price,flag,note,day,at,at_utc,blob_hex
1,7,9000000000,0.5,12.34,true,plain,2024-02-29,2024-02-29 13:45:01.123456,2024-02-29T13:45:01.5Z,00ff10
2,-3,-1,-2.25,-0.05,false,\"quote \"\" tab\tcomma, newline
end\",1970-01-01,1999-12-31 23:59:59,2000-01-01T00:00:00Z,
3,,,,,,ünïcødé ✓ 日本,,,,
";

/// Turns the CSV read as table `raw` into typed columns (`blob` is the decoded bytes).
pub const TYPED_SQL: &str = "SELECT CAST(id AS INT) AS id, CAST(small AS SMALLINT) AS small, \
    CAST(big AS BIGINT) AS big, CAST(ratio AS DOUBLE) AS ratio, \
    CAST(price AS DECIMAL(12, 2)) AS price, CAST(flag AS BOOLEAN) AS flag, \
    CAST(note AS VARCHAR) AS note, CAST(day AS DATE) AS day, \
    arrow_cast(at, 'Timestamp(Microsecond, None)') AS at, \
    arrow_cast(at_utc, 'Timestamp(Microsecond, Some(\"UTC\"))') AS at_utc, \
    decode(CAST(blob_hex AS VARCHAR), 'hex') AS blob FROM raw";

/// A one-step job: `sql` over `sources`, written to `sink`.
pub fn sink_job(
    sources: Vec<proto::SourceSpec>,
    sql: &str,
    sink: proto::SinkSpec,
) -> proto::JobSpec {
    proto::JobSpec {
        name: "load".into(),
        sources,
        steps: vec![proto::StepSpec {
            name: "rows".into(),
            sql: sql.into(),
        }],
        sink: Some(sink),
        ..Default::default()
    }
}

/// Writes `files` Parquet files under `dir` with columns `id` (1, 2, ... with no gaps across
/// files), `bucket` (id % 97) and `pad` (60 bytes of text).
pub async fn write_numbered_parquet(dir: &Path, files: usize, rows_per_file: usize) {
    std::fs::create_dir_all(dir).expect("creating the input dir");
    let ctx = SessionContext::new();
    for file in 0..files {
        let sql = format!(
            "SELECT value + {} AS id, value % 97 AS bucket, repeat('x', 60) AS pad \
             FROM generate_series(1, {rows_per_file})",
            file * rows_per_file
        );
        ctx.sql(&sql)
            .await
            .unwrap()
            .write_parquet(
                dir.join(format!("part-{file}.parquet")).to_str().unwrap(),
                Default::default(),
                None,
            )
            .await
            .unwrap();
    }
}

/// Runs `sql` over table `t` (900,000 rows: `id` 1..=900000, `bucket`, `pad`, in six Parquet
/// files) into `sink` on three single-slot executors, SIGKILLs one of them while all three
/// run tasks, and checks the job still succeeds. The caller checks the target.
pub async fn load_with_an_executor_killed(sql: &str, sink: proto::SinkSpec) {
    let options = ClusterOptions {
        executors: 3,
        slots: 1,
        shuffle_partitions: 6,
        ..ClusterOptions::default()
    };
    let (status, _cluster) = load_breaking_it(options, sql, sink, |cluster, status| {
        let all_busy = status.stages.iter().any(|s| s.tasks_running >= 3);
        if all_busy {
            cluster.kill_executor(0);
        }
        all_busy
    })
    .await;
    assert_recovered(&status);
}

/// Runs `sql` over table `t` (the rows of [`load_with_an_executor_killed`]) into `sink` in 6
/// partitions, calling `inject` while the job runs until it says it broke a running load (e.g.
/// by killing the database connection of one), and checks that the job still succeeds, the
/// broken attempt retried. The caller checks the target.
pub async fn load_with_a_failure(
    sql: &str,
    sink: proto::SinkSpec,
    mut inject: impl FnMut() -> bool,
) {
    let options = ClusterOptions {
        executors: 2,
        slots: 2,
        shuffle_partitions: 6,
        ..ClusterOptions::default()
    };
    let (status, _cluster) = load_breaking_it(options, sql, sink, |_, _| inject()).await;
    assert_recovered(&status);
    let failures: u32 = status.stages.iter().map(|s| s.task_failures).sum();
    assert!(
        failures >= 1,
        "the broken attempt should have failed: {status:?}"
    );
}

/// Runs `sql` over table `t` (the rows of [`load_with_an_executor_killed`]) into `sink` in 6
/// partitions, calling `lose` while the job runs until it says it removed rows a finished load
/// wrote (as a database crash empties an unlogged table), and checks that the job ran that
/// partition again and succeeded rather than publish fewer rows; returns the job's status.
/// The caller checks the target.
pub async fn load_losing_rows(
    sql: &str,
    sink: proto::SinkSpec,
    mut lose: impl FnMut() -> bool,
) -> proto::JobStatus {
    let options = ClusterOptions {
        executors: 2,
        slots: 1,
        shuffle_partitions: 6,
        ..ClusterOptions::default()
    };
    let (status, _cluster) = load_breaking_it(options, sql, sink, |_, _| lose()).await;
    assert_recovered(&status);
    let final_stage = status.stages.last().expect("the job has stages");
    assert!(
        final_stage.task_failures >= 1,
        "the partition that lost rows should have counted a failed attempt: {status:?}"
    );
    status
}

/// Loads the 900,000 numbered rows through `sql` into `sink` in 6 partitions on a cluster
/// started with `options`, calling `break_it` every 20 ms with the job's status until it says
/// it broke something, then waits for the job's end and returns its final status, and the
/// cluster.
async fn load_breaking_it(
    options: ClusterOptions,
    sql: &str,
    sink: proto::SinkSpec,
    mut break_it: impl FnMut(&mut TestCluster, &proto::JobStatus) -> bool,
) -> (proto::JobStatus, TestCluster) {
    let input = tempfile::tempdir().expect("a temp dir");
    write_numbered_parquet(input.path(), 6, 150_000).await;
    let mut cluster = TestCluster::start(options).await;
    let client = cluster.client().await;
    let mut spec = sink_job(
        vec![proto::SourceSpec {
            name: "t".into(),
            format: "parquet".into(),
            path: format!("{}/", input.path().display()),
            options: Default::default(),
        }],
        sql,
        sink,
    );
    spec.options = Some(proto::JobOptions {
        parallelism: 6,
        ..Default::default()
    });
    let job_id = client.submit(spec).await.expect("submitting");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let status = client.get(&job_id).await.unwrap();
        if break_it(&mut cluster, &status) {
            break;
        }
        assert!(
            status.state == proto::JobState::Running as i32
                || status.state == proto::JobState::Queued as i32,
            "the job ended before it could be broken: {status:?}"
        );
        assert!(
            Instant::now() < deadline,
            "never found a moment to break it"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let status = tokio::time::timeout(Duration::from_secs(120), client.wait(&job_id))
        .await
        .expect("the job finishes within two minutes")
        .expect("waiting");
    (status, cluster)
}

/// Checks a job broken by [`load_breaking_it`] recovered.
fn assert_recovered(status: &proto::JobStatus) {
    assert_eq!(
        status.state,
        proto::JobState::Succeeded as i32,
        "{}",
        status.error
    );
}
