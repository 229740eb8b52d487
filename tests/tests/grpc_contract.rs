//! The gRPC surface tools expect, asked with gRPC's own Python packages and no Kiln `.proto`
//! file: the standard health service (what Kubernetes' `grpc` probes call; no token needed),
//! reflection (what grpcurl lists and calls with; the client token needed), and the version
//! call, on the leader and on a standby.

use kiln_tests::TestCluster;
use kiln_tests::cluster::ClusterOptions;

const TOKEN: &str = "contract-token";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_reflection_and_version_answer_on_the_leader_and_a_standby() {
    let cluster = TestCluster::start(ClusterOptions {
        coordinators: 2,
        executors: 1,
        token: Some(TOKEN.into()),
        ..ClusterOptions::default()
    })
    .await;
    let leader = cluster.leader_index().await.expect("a leader is elected");
    let standby = 1 - leader;
    let address = |i: usize| cluster.coordinator_grpc_url(i).replace("http://", "");
    let request = serde_json::json!({
        "coordinators": [address(leader), address(standby)],
        "token": TOKEN,
        "services": ["kiln.v1.JobService", "kiln.v1.CatalogService", "kiln.internal.v1.SchedulerService"],
    });
    let answers = kiln_tests::python::run_json(
        "grpc_health_reflection.py",
        &request,
        "grpcio-health-checking and grpcio-reflection",
    );
    let leader_url = cluster.coordinator_grpc_url(leader);
    for (i, role) in [(leader, "leader"), (standby, "standby")] {
        let answer = &answers[address(i)];
        let health = &answer["health"];
        assert_eq!(health[""], "SERVING", "{role}: {answer}");
        // A standby forwards client calls, so their services serve on both.
        assert_eq!(health["kiln.v1.JobService"], "SERVING", "{role}: {answer}");
        assert_eq!(
            health["kiln.v1.CatalogService"], "SERVING",
            "{role}: {answer}"
        );
        let scheduler = if i == leader {
            "SERVING"
        } else {
            "NOT_SERVING"
        };
        assert_eq!(
            health["kiln.internal.v1.SchedulerService"], scheduler,
            "{role}: {answer}"
        );

        assert_eq!(
            answer["reflection_without_token"], "UNAUTHENTICATED",
            "{role}"
        );
        let services: Vec<&str> = answer["services"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
        for service in [
            "kiln.v1.JobService",
            "kiln.v1.CatalogService",
            "kiln.v1.ScheduleService",
            "kiln.v1.TriggerService",
            "grpc.health.v1.Health",
        ] {
            assert!(services.contains(&service), "{role}: {services:?}");
        }
        let version = &answer["version"];
        assert_eq!(version["version"], env!("CARGO_PKG_VERSION"), "{role}");
        assert_eq!(
            version["protocol_version"],
            kiln_proto::PROTOCOL_VERSION,
            "{role}"
        );
        // The standby's answer came from the leader.
        assert_eq!(
            version["leader_url"],
            leader_url.as_str(),
            "{role}: {version}"
        );
    }
}
