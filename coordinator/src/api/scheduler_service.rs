//! `SchedulerService`: what executors call to join, report task outcomes and leave.

use kiln_proto::internal::v1 as ipb;
use std::sync::Arc;

use tonic::{Request, Response, Status};

use crate::error::CoordinatorError;
use crate::scheduler::Scheduler;

pub(crate) struct SchedulerApi {
    scheduler: Arc<Scheduler>,
}

impl SchedulerApi {
    pub(crate) fn new(scheduler: Arc<Scheduler>) -> Self {
        Self { scheduler }
    }
}

#[tonic::async_trait]
impl ipb::scheduler_service_server::SchedulerService for SchedulerApi {
    async fn register_executor(
        &self,
        request: Request<ipb::RegisterExecutorRequest>,
    ) -> Result<Response<ipb::RegisterExecutorResponse>, Status> {
        let request = request.into_inner();
        if request.protocol_version != kiln_proto::PROTOCOL_VERSION {
            return Err(Status::failed_precondition(format!(
                "protocol version mismatch: this coordinator speaks version {}, the executor \
                 speaks version {}; run the same Kiln release on both",
                kiln_proto::PROTOCOL_VERSION,
                request.protocol_version
            )));
        }
        let info = request
            .executor
            .ok_or_else(|| Status::invalid_argument("registration without executor info"))?;
        self.scheduler
            .check_executor(&info)
            .await
            .map_err(Status::failed_precondition)?;
        Ok(Response::new(ipb::RegisterExecutorResponse {}))
    }

    async fn report_task_status(
        &self,
        request: Request<ipb::ReportTaskStatusRequest>,
    ) -> Result<Response<ipb::ReportTaskStatusResponse>, Status> {
        if !self.scheduler.is_leader() {
            return Err(CoordinatorError::NotLeader(None).into());
        }
        let request = request.into_inner();
        self.scheduler
            .task_statuses(&request.executor_id, request.statuses);
        Ok(Response::new(ipb::ReportTaskStatusResponse {}))
    }

    async fn heartbeat(
        &self,
        request: Request<ipb::HeartbeatRequest>,
    ) -> Result<Response<ipb::HeartbeatResponse>, Status> {
        if !self.scheduler.is_leader() {
            return Err(CoordinatorError::NotLeader(None).into());
        }
        let request = request.into_inner();
        let cancel = self.scheduler.heartbeat(
            &request.executor_id,
            request.running,
            request.memory.unwrap_or_default(),
        );
        Ok(Response::new(ipb::HeartbeatResponse { cancel }))
    }

    async fn drain(
        &self,
        request: Request<ipb::DrainRequest>,
    ) -> Result<Response<ipb::DrainResponse>, Status> {
        self.scheduler.drain(&request.into_inner().executor_id);
        Ok(Response::new(ipb::DrainResponse {}))
    }
}
