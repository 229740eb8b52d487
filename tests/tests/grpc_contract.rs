//! The gRPC surface tools expect, asked with gRPC's own Python packages and no Kiln `.proto`
//! file: the standard health service (what Kubernetes' `grpc` probes call; no token needed),
//! reflection (what grpcurl lists and calls with; the client token needed), and the version
//! call, on the leader and on a standby.

use std::path::Path;
use std::process::{Command, Stdio};

use kiln_tests::TestCluster;
use kiln_tests::cluster::ClusterOptions;
use kiln_tests::s3::{INSTALL_HINT, tools_python};

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
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("python/grpc_health_reflection.py");
    let python = tools_python();
    let mut child = Command::new(&python)
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("running {}: {e}; {INSTALL_HINT}", python.display()));
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(request.to_string().as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}; the gRPC packages come with {INSTALL_HINT}",
        String::from_utf8_lossy(&output.stderr)
    );
    let answers: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
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
