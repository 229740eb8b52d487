//! S3 credentials through the AWS default chain: a cluster with no keys in its environment
//! signs with the profile `AWS_PROFILE` names in the shared config files, a bucket the cluster
//! declares in `KILN_S3_BUCKETS_FILE` signs with its own profile, and a wrong key gives an
//! error naming the bucket and the refusal.

use kiln_client::{ClientError, proto};
use kiln_tests::cluster::ClusterOptions;
use kiln_tests::s3::S3Server;
use kiln_tests::{TestCluster, first_column, run_to_success, sql_job};

fn count_job(bucket: &str) -> proto::JobSpec {
    let mut job = sql_job("count", &[], "SELECT count(*) FROM numbers");
    job.sources = vec![proto::SourceSpec {
        name: "numbers".into(),
        format: "csv".into(),
        path: format!("s3://{bucket}/numbers.csv"),
        ..Default::default()
    }];
    job
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn profiles_sign_requests_per_bucket_and_a_wrong_key_names_the_bucket() {
    let s3 = S3Server::start();
    let files = tempfile::tempdir().unwrap();
    let csv = files.path().join("numbers.csv");
    let rows: String = (1..=250).map(|n| format!("{n}\n")).collect();
    std::fs::write(&csv, format!("n\n{rows}")).unwrap();
    for bucket in ["raw", "locked"] {
        s3.create_bucket(bucket);
        s3.put_file(bucket, "numbers.csv", &csv);
    }
    let mut env = s3.profile_env(
        files.path(),
        &[("analyst", true), ("stale", false)],
        "analyst",
    );
    let buckets = files.path().join("buckets.toml");
    std::fs::write(&buckets, "[locked]\nprofile = \"stale\"\n").unwrap();
    env.push(("KILN_S3_BUCKETS_FILE".into(), buckets.display().to_string()));
    assert!(
        env.iter()
            .all(|(name, _)| !name.starts_with("AWS_ACCESS_KEY")),
        "the cluster must find its keys through the profile"
    );
    let cluster = TestCluster::start(ClusterOptions {
        executors: 1,
        env,
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;

    // AWS_PROFILE's keys (from the credentials file) sign the requests for bucket raw.
    let status = run_to_success(&client, count_job("raw")).await;
    assert_eq!(
        first_column(&client, &status).await,
        vec!["250".to_string()]
    );

    // Bucket locked is declared with profile stale, whose secret key is wrong.
    let error = match client.submit(count_job("locked")).await {
        Err(ClientError::InvalidJob(message)) => message,
        Ok(id) => {
            let status = client.wait(&id).await.unwrap();
            assert_eq!(status.state, proto::JobState::Failed as i32, "{status:?}");
            status.error
        }
        Err(other) => panic!("submitting: {other}"),
    };
    assert!(error.contains("locked"), "the bucket is not named: {error}");
    assert!(error.contains("403"), "the refusal is not named: {error}");
    assert!(
        !error.contains("not-the-secret-key"),
        "a key leaked: {error}"
    );
    assert!(
        cluster
            .log_lines_containing("kiln-test-secret-key")
            .is_empty()
    );
}
