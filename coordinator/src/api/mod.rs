//! The coordinator's gRPC services.

mod catalog_service;
mod forward;
mod job_service;
mod schedule_service;
mod scheduler_service;
mod trigger_service;

pub(crate) use catalog_service::CatalogApi;
pub(crate) use forward::ForwardToLeader;
pub(crate) use job_service::JobApi;
pub(crate) use schedule_service::ScheduleApi;
pub(crate) use scheduler_service::SchedulerApi;
pub(crate) use trigger_service::TriggerApi;
