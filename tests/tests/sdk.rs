//! The client SDK against a real cluster: jobs submitted as job-file TOML text.

use std::collections::HashMap;

use futures::TryStreamExt;
use kiln_client::ClientError;
use kiln_tests::TestCluster;
use kiln_tests::cluster::ClusterOptions;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn toml_text_is_submitted_with_parameters_and_rejected_with_its_line_when_bad() {
    let cluster = TestCluster::start(ClusterOptions {
        executors: 1,
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    let job = r#"
name = "from-text"
[params]
n = "1"
[[step]]
name = "q"
sql = "SELECT ${n} + 1 AS answer"
"#;
    let params = HashMap::from([("n".to_string(), "41".to_string())]);
    let job_id = client.submit_toml(job, &params).await.expect("submitting");
    let status = client.wait(&job_id).await.unwrap();
    assert_eq!(status.name, "from-text");
    let batches: Vec<_> = client
        .results(&status)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    let answer = batches[0]
        .column(0)
        .as_any()
        .downcast_ref::<arrow::array::Int64Array>()
        .expect("an integer answer")
        .value(0);
    assert_eq!(answer, 42);

    let before = client
        .list(kiln_client::JobQuery::all())
        .await
        .unwrap()
        .len();
    let bad = "name = \"bad\"\n[[step]]\nname = \"q\"\nsqll = \"SELECT 1\"\n";
    match client.submit_toml(bad, &HashMap::new()).await {
        Err(ClientError::InvalidJob(message)) => {
            assert!(message.contains("line 4"), "names the line: {message}");
            assert!(message.contains("sqll"), "names the field: {message}");
        }
        other => panic!("expected an invalid-job error, got {other:?}"),
    }
    assert_eq!(
        client
            .list(kiln_client::JobQuery::all())
            .await
            .unwrap()
            .len(),
        before,
        "nothing is submitted"
    );
}
