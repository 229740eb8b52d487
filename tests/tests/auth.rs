//! A cluster with a bearer token: calls without it (or with a wrong one) are refused on the
//! coordinator's gRPC services, the executors' gRPC service and the executors' Flight
//! service; with it, a multi-stage job runs and its result streams back. A cluster serving
//! TLS does the same over `https://`, and clients that do not trust its CA cannot connect.

use arrow_flight::{FlightClient, Ticket};
use futures::TryStreamExt;
use ipb::executor_service_client::ExecutorServiceClient;
use ipb::scheduler_service_client::SchedulerServiceClient;
use kiln_client::{Client, ClientError, ConnectOptions, Tls, Token};
use kiln_proto::internal::v1 as ipb;
use kiln_tests::cluster::ClusterOptions;
use kiln_tests::{TestCluster, sql_job};
use tonic::Code;
use tonic::transport::Endpoint;

const TOKEN: &str = "kiln-test-token-3f9a";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_endpoint_refuses_calls_without_the_token() {
    let cluster = TestCluster::start(ClusterOptions {
        executors: 2,
        token: Some(TOKEN.into()),
        ..ClusterOptions::default()
    })
    .await;

    // With the token, everything works: the executors' own calls carry it too.
    let client = cluster.client().await;
    let sql = "SELECT k, count(*) AS n FROM (VALUES (1), (2), (1), (3)) AS t(k) GROUP BY k";
    let status = kiln_tests::run_to_success(&client, sql_job("authenticated", &[], sql)).await;
    assert!(status.stages.len() > 1, "a job with a shuffle");
    let rows: usize = client
        .results(&status)
        .unwrap()
        .try_collect::<Vec<_>>()
        .await
        .unwrap()
        .iter()
        .map(|b| b.num_rows())
        .sum();
    assert_eq!(rows, 3);

    // Coordinator, JobService: no token, and a wrong one.
    let anonymous = Client::connect(cluster.coordinator_url.clone())
        .await
        .unwrap();
    let wrong = Client::connect_with(
        cluster.coordinator_url.clone(),
        ConnectOptions {
            token: Token::new("not-the-token").unwrap(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    for client in [&anonymous, &wrong] {
        match client.list(kiln_client::JobQuery::all()).await {
            Err(ClientError::Unauthenticated(message)) => {
                assert!(message.contains("KILN_TOKEN"), "{message}")
            }
            other => panic!("expected Unauthenticated, got {other:?}"),
        }
    }

    // Coordinator, SchedulerService (what executors call).
    let mut scheduler = SchedulerServiceClient::connect(cluster.coordinator_url.clone())
        .await
        .unwrap();
    let refused = scheduler
        .report_task_status(ipb::ReportTaskStatusRequest::default())
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::Unauthenticated);

    // Executors, gRPC and Flight.
    let executor = &client.executors().await.unwrap()[0];
    let mut tasks =
        ExecutorServiceClient::connect(format!("http://{}:{}", executor.host, executor.grpc_port))
            .await
            .unwrap();
    let refused = tasks
        .cancel_tasks(ipb::CancelTasksRequest::default())
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::Unauthenticated);

    let partition = &status.result.as_ref().unwrap().partitions[0];
    let channel = Endpoint::from_shared(partition.flight_endpoint.clone())
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut flight = FlightClient::new(channel);
    let refused = match flight.do_get(Ticket::new(partition.ticket.clone())).await {
        Ok(stream) => stream.try_collect::<Vec<_>>().await.err(),
        Err(error) => Some(error),
    };
    match refused {
        Some(arrow_flight::error::FlightError::Tonic(status)) => {
            assert_eq!(status.code(), Code::Unauthenticated)
        }
        other => panic!("expected Unauthenticated from Flight, got {other:?}"),
    }
    assert!(
        anonymous
            .results(&status)
            .unwrap()
            .try_collect::<Vec<_>>()
            .await
            .is_err(),
        "results cannot be fetched without the token"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_token_cannot_act_as_a_cluster_member() {
    let cluster = TestCluster::start(ClusterOptions {
        executors: 1,
        token: Some(TOKEN.into()),
        ..ClusterOptions::default()
    })
    .await;
    // The client token submits, and its holder reads the result from the executor.
    let client = cluster.client().await;
    let status =
        kiln_tests::run_to_success(&client, sql_job("client", &[], "SELECT 1 AS one")).await;
    let batches: Vec<_> = client
        .results(&status)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(batches.iter().map(|b| b.num_rows()).sum::<usize>(), 1);

    fn request<T>(message: T, token: &str) -> tonic::Request<T> {
        let mut request = tonic::Request::new(message);
        request
            .metadata_mut()
            .insert("authorization", format!("Bearer {token}").parse().unwrap());
        request
    }

    // What executors call on the coordinator: refused for the client token, as lacking the
    // role (not the token), and a forged executor id gets nowhere.
    let mut scheduler = SchedulerServiceClient::connect(cluster.coordinator_url.clone())
        .await
        .unwrap();
    let forged = ipb::ReportTaskStatusRequest {
        executor_id: client.executors().await.unwrap()[0].executor_id.clone(),
        ..Default::default()
    };
    let refused = scheduler
        .report_task_status(request(forged, TOKEN))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::PermissionDenied, "{refused:?}");
    assert!(refused.message().contains("cluster members"), "{refused:?}");
    let refused = scheduler
        .register_executor(request(ipb::RegisterExecutorRequest::default(), TOKEN))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::PermissionDenied);
    let refused = scheduler
        .heartbeat(request(ipb::HeartbeatRequest::default(), TOKEN))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::PermissionDenied);

    // What the coordinator calls on executors.
    let executor = &client.executors().await.unwrap()[0];
    let mut tasks =
        ExecutorServiceClient::connect(format!("http://{}:{}", executor.host, executor.grpc_port))
            .await
            .unwrap();
    let refused = tasks
        .launch_tasks(request(ipb::LaunchTasksRequest::default(), TOKEN))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::PermissionDenied, "{refused:?}");
    let refused = tasks
        .remove_job_data(request(ipb::RemoveJobDataRequest::default(), TOKEN))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::PermissionDenied);

    // The members' own token passes the same check (the call then fails on its content).
    let member = cluster.cluster_token().unwrap();
    let answered = tasks
        .cancel_tasks(request(ipb::CancelTasksRequest::default(), &member))
        .await;
    assert!(
        !matches!(&answered, Err(s) if matches!(s.code(), Code::PermissionDenied | Code::Unauthenticated)),
        "{answered:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_refuse_a_client_token_alone_and_warn_when_open() {
    // A coordinator given only the client token would let clients act as members: it refuses
    // to start, naming the missing variable.
    let refused = std::process::Command::new(kiln_tests::cluster::binary("kiln-coordinator"))
        .env("KILN_TOKEN", TOKEN)
        .env_remove("KILN_CLUSTER_TOKEN")
        .env_remove("KILN_CLUSTER_TOKEN_FILE")
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("KILN_CLUSTER_TOKEN"), "{stderr}");
    let same = std::process::Command::new(kiln_tests::cluster::binary("kiln-executor"))
        .env("KILN_TOKEN", TOKEN)
        .env("KILN_CLUSTER_TOKEN", TOKEN)
        .output()
        .unwrap();
    assert_eq!(same.status.code(), Some(2), "{same:?}");
    assert!(String::from_utf8_lossy(&same.stderr).contains("must differ"));

    // A cluster with no token at all runs, and every member says loudly that it is open.
    let cluster = TestCluster::start(ClusterOptions {
        executors: 1,
        ..ClusterOptions::default()
    })
    .await;
    let warnings = cluster.log_lines_containing("WITHOUT AUTHENTICATION");
    assert!(
        warnings.iter().any(|l| l.contains("kiln-coordinator"))
            && warnings.iter().any(|l| l.contains("kiln-executor")),
        "{warnings:?}\n{}",
        cluster.logs()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tls_cluster_speaks_https_everywhere_and_refuses_clients_that_do_not() {
    let cluster = TestCluster::start(ClusterOptions {
        executors: 2,
        token: Some(TOKEN.into()),
        tls: true,
        ..ClusterOptions::default()
    })
    .await;
    assert!(cluster.coordinator_url.starts_with("https://"));

    // A shuffle between executors and the result's fetch, all over TLS.
    let client = cluster.client().await;
    let sql = "SELECT k, count(*) AS n FROM (VALUES (1), (2), (1), (3)) AS t(k) GROUP BY k";
    let status = kiln_tests::run_to_success(&client, sql_job("over-tls", &[], sql)).await;
    assert!(status.stages.len() > 1, "a job with a shuffle");
    let result = status.result.as_ref().unwrap();
    assert!(
        result
            .partitions
            .iter()
            .all(|p| p.flight_endpoint.starts_with("https://")),
        "{result:?}"
    );
    let rows: usize = client
        .results(&status)
        .unwrap()
        .try_collect::<Vec<_>>()
        .await
        .unwrap()
        .iter()
        .map(|b| b.num_rows())
        .sum();
    assert_eq!(rows, 3);

    // The CLI finds the CA and the token in its environment.
    let files = cluster.tls_files.as_ref().unwrap();
    let listed = std::process::Command::new(kiln_tests::cluster::binary("kiln"))
        .args(["executors", "--output", "json"])
        .env("KILN_COORDINATOR", &cluster.coordinator_url)
        .env("KILN_TOKEN", TOKEN)
        .env("KILN_TLS_CA_FILE", &files.ca)
        .output()
        .unwrap();
    assert!(listed.status.success(), "{listed:?}");
    let executors: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(executors.as_array().map(Vec::len), Some(2), "{executors}");

    // A client that does not trust the cluster's CA cannot connect, and says why.
    let untrusting = Client::connect_with(
        cluster.coordinator_url.clone(),
        ConnectOptions {
            token: Token::new(TOKEN).unwrap(),
            tls: Tls::none(),
            ..Default::default()
        },
    )
    .await;
    match untrusting {
        Err(ClientError::Connect { message, .. }) => {
            assert!(message.contains("certificate"), "{message}")
        }
        Err(other) => panic!("expected a connect error, got {other}"),
        Ok(_) => panic!("connected without trusting the CA"),
    }

    // Plain HTTP to a TLS port gets nowhere.
    let plain_url = cluster.coordinator_url.replace("https://", "http://");
    let plain = match Client::connect(plain_url).await {
        Ok(plain) => plain.list(kiln_client::JobQuery::all()).await.err(),
        Err(error) => Some(error),
    };
    assert!(plain.is_some(), "plain HTTP was answered");
}
