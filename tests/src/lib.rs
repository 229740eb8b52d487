//! Test harness for Kiln's cross-process integration tests: real `kiln-coordinator` and
//! `kiln-executor` processes on loopback ports around a real etcd, TPC-H data generated in-process, and result
//! comparison against single-process DataFusion.

pub mod cluster;
pub mod compare;
pub mod etcd;
pub mod http;
pub mod kubernetes;
pub mod mysql;
pub mod netns;
pub mod postgres;
pub mod proxy;
pub mod python;
pub mod s3;
pub mod sinks;
pub mod sqlite;
pub mod tls;
pub mod tpch;

pub use cluster::TestCluster;

use kiln_client::proto;

/// A one-step SQL job: `setup` DDL statements, then `sql`.
pub fn sql_job(name: &str, setup: &[String], sql: &str) -> proto::JobSpec {
    proto::JobSpec {
        name: name.into(),
        setup_sql: setup.to_vec(),
        steps: vec![proto::StepSpec {
            name: "query".into(),
            sql: sql.into(),
        }],
        ..Default::default()
    }
}

/// A job whose one task fails on a bad row in `dir/amounts.csv` (written here), on each of
/// its two attempts: a failed job with the attempts' logs.
pub fn failing_cast_job(dir: &std::path::Path) -> proto::JobSpec {
    let csv = dir.join("amounts.csv");
    std::fs::write(&csv, "id,amount\n1,10\n2,twelve\n").expect("writing the CSV");
    proto::JobSpec::sql(
        "cast-fails",
        "SELECT id, CAST(amount AS INT) AS amount FROM amounts",
    )
    .source(proto::SourceSpec::csv(
        "amounts",
        csv.to_str().expect("a UTF-8 path"),
    ))
    .max_task_attempts(2)
}

/// Submits a job, waits for its end and checks it succeeded; returns its final status.
pub async fn run_to_success(
    client: &kiln_client::Client,
    spec: proto::JobSpec,
) -> proto::JobStatus {
    let name = spec.name.clone();
    let job_id = client.submit(spec).await.expect("submitting");
    let status = client.wait(&job_id).await.expect("waiting");
    assert_eq!(
        status.state,
        proto::JobState::Succeeded as i32,
        "job {name}: {} {}",
        kiln_client::state_name(status.state),
        status.error
    );
    status
}

/// The first column of a succeeded query job's result as text, one entry per row.
pub async fn first_column(client: &kiln_client::Client, status: &proto::JobStatus) -> Vec<String> {
    use arrow::array::AsArray;
    use futures::TryStreamExt;
    let batches: Vec<arrow::array::RecordBatch> = client
        .results(status)
        .expect("the job's results")
        .try_collect()
        .await
        .expect("fetching results");
    batches
        .iter()
        .flat_map(|b| {
            let column = arrow::compute::cast(b.column(0), &arrow::datatypes::DataType::Utf8)
                .expect("a column that casts to text");
            let column = column.as_string::<i32>().clone();
            (0..b.num_rows()).map(move |i| column.value(i).to_string())
        })
        .collect()
}

/// The lines a job's task attempts logged that contain `needle`.
pub async fn logged_lines(client: &kiln_client::Client, job_id: &str, needle: &str) -> Vec<String> {
    client
        .logs(job_id, None)
        .await
        .expect("fetching the job's task logs")
        .into_iter()
        .flat_map(|attempt| attempt.log)
        .filter(|line| line.contains(needle))
        .collect()
}

/// Runs a query over and over on a thread while a job runs, collecting every answer: what a
/// concurrent reader of a sink's target sees.
pub struct Reader {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<std::collections::BTreeSet<String>>,
}

impl Reader {
    /// Starts reading with `read` (e.g. a `count(*)` through the database's own client).
    pub fn start(read: impl Fn() -> String + Send + 'static) -> Reader {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let running = std::sync::Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let mut seen = std::collections::BTreeSet::new();
            while !running.load(std::sync::atomic::Ordering::SeqCst) {
                seen.insert(read().trim().to_string());
            }
            seen
        });
        Reader { stop, thread }
    }

    /// Stops reading; returns every distinct answer seen.
    pub fn finish(self) -> std::collections::BTreeSet<String> {
        std::thread::sleep(std::time::Duration::from_millis(200));
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        self.thread.join().expect("the reader thread")
    }
}
