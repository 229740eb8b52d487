//! The coordinator's gRPC services.

mod job_service;
mod scheduler_service;

pub(crate) use job_service::JobApi;
pub(crate) use scheduler_service::SchedulerApi;
