//! The REST API of real coordinator processes, driven by a client that knows only HTTP and
//! the served OpenAPI description (tests/python/rest_api.py: urllib, openapi-spec-validator,
//! jsonschema): every answer matches its described schema, the figures equal what gRPC
//! says, errors carry their HTTP and gRPC codes, the token is required, and a standby
//! answers as the leader does.

use kiln_client::proto;
use kiln_tests::TestCluster;
use kiln_tests::cluster::ClusterOptions;

const TOKEN: &str = "rest-token";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rest_api_mirrors_grpc_as_its_openapi_description_says() {
    let cluster = TestCluster::start(ClusterOptions {
        coordinators: 2,
        executors: 1,
        token: Some(TOKEN.into()),
        ..ClusterOptions::default()
    })
    .await;
    let leader = cluster.leader_index().await.expect("a leader is elected");
    let request = serde_json::json!({
        "url": cluster.coordinator_http_url(leader),
        "standby_url": cluster.coordinator_http_url(1 - leader),
        "token": TOKEN,
    });
    let seen = kiln_tests::python::run_json(
        "rest_api.py",
        &request,
        "openapi-spec-validator and jsonschema",
    );

    for (call, status) in seen["unauthorized"].as_object().unwrap() {
        assert_eq!(status, 401, "{call} without the token: {seen}");
    }

    // The job the API submitted, as gRPC sees it.
    let job = &seen["job"];
    assert_eq!(job["state"], "JOB_STATE_SUCCEEDED", "{seen}");
    let job_id = job["job_id"].as_str().unwrap();
    let client = cluster.client().await;
    let status = client.get(job_id).await.expect("the job over gRPC");
    assert_eq!(status.name, "rest-sum");
    assert_eq!(status.labels["team"], "rest");
    // 64-bit figures are strings in the proto3 JSON mapping.
    assert_eq!(
        job["submitted_at_ms"],
        status.submitted_at_ms.to_string(),
        "{seen}"
    );
    let stages = job["stages"].as_array().unwrap();
    assert_eq!(stages.len(), status.stages.len(), "{seen}");
    for (rest, grpc) in stages.iter().zip(&status.stages) {
        assert_eq!(rest["rows_out"], grpc.rows_out.to_string(), "{seen}");
    }
    let tasks = client.tasks(job_id).await.expect("the attempts over gRPC");
    assert_eq!(seen["attempts"], tasks.len(), "{seen}");
    assert_eq!(
        seen["attempt_states"][0], "TASK_ATTEMPT_STATE_SUCCEEDED",
        "{seen}"
    );

    assert_eq!(seen["listed"], serde_json::json!([job_id]), "{seen}");
    assert_eq!(seen["listed_other_team"], 0, "{seen}");
    let watched = &seen["watched"];
    assert_eq!(watched["status"], 200, "{seen}");
    assert_eq!(
        watched["states"].as_array().unwrap().last().unwrap(),
        "JOB_STATE_SUCCEEDED",
        "{seen}"
    );
    assert_eq!(seen["cancel_finished"]["state"], "JOB_STATE_SUCCEEDED");

    assert_eq!(seen["missing"]["status"], 404, "{seen}");
    assert_eq!(seen["missing"]["error"]["status"], "NOT_FOUND", "{seen}");
    assert_eq!(seen["bad_query"]["status"], 400, "{seen}");
    assert!(
        seen["bad_query"]["message"]
            .as_str()
            .unwrap()
            .contains("`colour`"),
        "{seen}"
    );
    assert_eq!(seen["bad_body"]["status"], 400, "{seen}");
    assert!(
        seen["bad_body"]["message"]
            .as_str()
            .unwrap()
            .contains("kiln.v1.SubmitRequest"),
        "{seen}"
    );
    assert_eq!(seen["wrong_method"], 405, "{seen}");

    let executors = client.executors().await.expect("executors over gRPC");
    assert_eq!(seen["executors"], executors.len(), "{seen}");
    assert_eq!(
        seen["version"]["version"],
        env!("CARGO_PKG_VERSION"),
        "{seen}"
    );
    assert_eq!(seen["databases"], 200);

    assert_eq!(seen["definition_again"], 409, "{seen}");
    let started = seen["definition_started"]["job_id"].as_str().unwrap();
    let run = client.wait(started).await.expect("the stored job's run");
    assert_eq!(
        run.state,
        proto::JobState::Succeeded as i32,
        "{}",
        run.error
    );

    assert_eq!(seen["standby"]["status"], 200, "{seen}");
    assert_eq!(seen["standby"]["state"], "JOB_STATE_SUCCEEDED", "{seen}");
}
