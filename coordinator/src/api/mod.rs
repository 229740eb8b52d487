//! The coordinator's gRPC services.

mod catalog_service;
mod flight_sql;
mod forward;
mod health;
mod job_service;
mod schedule_service;
mod scheduler_service;
mod trigger_service;

pub(crate) use catalog_service::CatalogApi;
pub(crate) use flight_sql::FlightSqlApi;
pub(crate) use forward::{FORWARDED, Forward, ForwardToLeader};
pub(crate) use health::{health, reflection};
pub(crate) use job_service::JobApi;
pub(crate) use schedule_service::ScheduleApi;
pub(crate) use scheduler_service::SchedulerApi;
pub(crate) use trigger_service::TriggerApi;

use kiln_proto::v1 as pb;

/// Whether a job has ended (succeeded, failed, cancelled or timed out).
fn is_final(status: &pb::JobStatus) -> bool {
    !matches!(
        pb::JobState::try_from(status.state),
        Ok(pb::JobState::Queued | pb::JobState::Running)
    )
}
