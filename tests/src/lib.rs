//! Test harness for Kiln's cross-process integration tests: real `kiln-coordinator` and
//! `kiln-executor` processes on loopback ports around a real etcd, TPC-H data generated in-process, and result
//! comparison against single-process DataFusion.

pub mod cluster;
pub mod compare;
pub mod etcd;
pub mod mysql;
pub mod postgres;
pub mod s3;
pub mod sinks;
pub mod sqlite;
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
