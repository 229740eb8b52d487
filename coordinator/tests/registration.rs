//! Executor registration over real gRPC: the coordinator rejects what would break later.

use kiln_proto::internal::v1 as ipb;
use std::sync::Arc;

use ipb::scheduler_service_client::SchedulerServiceClient;
use kiln_coordinator::{Coordinator, CoordinatorConfig};
use kiln_core::state::MemoryStore;

fn executor(port: u32) -> ipb::ExecutorInfo {
    ipb::ExecutorInfo {
        executor_id: "exec-test".into(),
        host: "127.0.0.1".into(),
        grpc_port: port,
        flight_port: port,
        slots: 1,
        started_at_ms: 1,
        http_port: 0,
    }
}

#[tokio::test]
async fn a_protocol_mismatch_or_unreachable_address_is_rejected() {
    let coordinator =
        Coordinator::start(CoordinatorConfig::default(), Arc::new(MemoryStore::new()))
            .await
            .unwrap();
    coordinator.wait_until_leader().await;
    let mut client = SchedulerServiceClient::connect(coordinator.url())
        .await
        .unwrap();

    let mismatch = client
        .register_executor(ipb::RegisterExecutorRequest {
            executor: Some(executor(1)),
            protocol_version: kiln_proto::PROTOCOL_VERSION + 1,
        })
        .await
        .unwrap_err();
    assert_eq!(mismatch.code(), tonic::Code::FailedPrecondition);
    assert!(
        mismatch.message().contains("protocol version mismatch"),
        "{}",
        mismatch.message()
    );

    // Nothing listens on this port: the coordinator could never send it tasks.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port() as u32;
    drop(closed);
    let unreachable = client
        .register_executor(ipb::RegisterExecutorRequest {
            executor: Some(executor(port)),
            protocol_version: kiln_proto::PROTOCOL_VERSION,
        })
        .await
        .unwrap_err();
    assert_eq!(unreachable.code(), tonic::Code::FailedPrecondition);
    assert!(
        unreachable.message().contains("--advertise-host"),
        "{}",
        unreachable.message()
    );
    assert!(
        coordinator
            .scheduler()
            .executors()
            .await
            .unwrap()
            .is_empty()
    );
    coordinator.shutdown().await;
}
