//! The standard gRPC health service (`grpc.health.v1.Health`) and server reflection, for
//! tools and probes that speak gRPC rather than HTTP: Kubernetes' `grpc` probes, grpcurl,
//! load balancers.
//!
//! The whole server (service name `""`) and the public services are SERVING on every
//! coordinator, since a standby forwards their calls to the leader;
//! `kiln.internal.v1.SchedulerService`, which executors call, is SERVING on the leader only.

use kiln_proto::internal::v1 as ipb;
use std::sync::Arc;

use kiln_proto::v1 as pb;
use tonic_health::ServingStatus;
use tonic_health::server::HealthReporter;

use crate::scheduler::Scheduler;

/// The health service, and the task that keeps its leader-only status true.
pub(crate) fn health(
    scheduler: Arc<Scheduler>,
) -> (
    tonic_health::pb::health_server::HealthServer<impl tonic_health::pb::health_server::Health>,
    impl Future<Output = ()>,
) {
    let (reporter, service) = tonic_health::server::health_reporter();
    (service, report(scheduler, reporter))
}

async fn report(scheduler: Arc<Scheduler>, reporter: HealthReporter) {
    for name in [
        pb::job_service_server::SERVICE_NAME,
        pb::catalog_service_server::SERVICE_NAME,
        pb::schedule_service_server::SERVICE_NAME,
        pb::trigger_service_server::SERVICE_NAME,
    ] {
        reporter
            .set_service_status(name, ServingStatus::Serving)
            .await;
    }
    let mut leadership = scheduler.leadership();
    loop {
        let status = match *leadership.borrow_and_update() {
            true => ServingStatus::Serving,
            false => ServingStatus::NotServing,
        };
        reporter
            .set_service_status(ipb::scheduler_service_server::SERVICE_NAME, status)
            .await;
        if leadership.changed().await.is_err() {
            return;
        }
    }
}

/// Server reflection (v1 and the v1alpha that older grpcurl releases ask for) over Kiln's
/// protos and the health service's.
pub(crate) fn reflection() -> (
    tonic_reflection::server::v1::ServerReflectionServer<
        impl tonic_reflection::server::v1::ServerReflection,
    >,
    tonic_reflection::server::v1alpha::ServerReflectionServer<
        impl tonic_reflection::server::v1alpha::ServerReflection,
    >,
) {
    let builder = || {
        tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(kiln_proto::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
    };
    let v1 = builder()
        .build_v1()
        .expect("Kiln's descriptors are valid: protoc wrote them");
    let v1alpha = builder()
        .build_v1alpha()
        .expect("Kiln's descriptors are valid: protoc wrote them");
    (v1, v1alpha)
}
