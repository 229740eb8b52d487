//! `ScheduleService`: stored job definitions, starting them by name, and their schedules.

use std::sync::Arc;

use kiln_proto::v1 as pb;
use tonic::{Request, Response, Status};

use crate::schedules::Schedules;

pub(crate) struct ScheduleApi {
    schedules: Arc<Schedules>,
}

impl ScheduleApi {
    pub(crate) fn new(schedules: Arc<Schedules>) -> Self {
        Self { schedules }
    }
}

type Reply<T> = Result<Response<T>, Status>;

#[tonic::async_trait]
impl pb::schedule_service_server::ScheduleService for ScheduleApi {
    async fn put_definition(
        &self,
        request: Request<pb::PutDefinitionRequest>,
    ) -> Reply<pb::JobDefinition> {
        let request = request.into_inner();
        let definition = request
            .definition
            .ok_or_else(|| Status::invalid_argument("the request holds no definition"))?;
        let stored = self
            .schedules
            .put_definition(definition, request.create_only, request.update_only)
            .await?;
        Ok(Response::new(stored))
    }

    async fn get_definition(
        &self,
        request: Request<pb::GetDefinitionRequest>,
    ) -> Reply<pb::JobDefinition> {
        let name = request.into_inner().name;
        Ok(Response::new(self.schedules.definition(&name).await?))
    }

    async fn list_definitions(
        &self,
        _: Request<pb::ListDefinitionsRequest>,
    ) -> Reply<pb::ListDefinitionsResponse> {
        Ok(Response::new(pb::ListDefinitionsResponse {
            definitions: self.schedules.definitions().await?,
        }))
    }

    async fn delete_definition(
        &self,
        request: Request<pb::DeleteDefinitionRequest>,
    ) -> Reply<pb::DeleteDefinitionResponse> {
        let name = request.into_inner().name;
        self.schedules.delete_definition(&name).await?;
        Ok(Response::new(pb::DeleteDefinitionResponse {}))
    }

    async fn start_definition(
        &self,
        request: Request<pb::StartDefinitionRequest>,
    ) -> Reply<pb::StartDefinitionResponse> {
        let request = request.into_inner();
        let params = request.params.into_iter().collect();
        let (job_id, version) = self
            .schedules
            .start_definition(&request.name, params, request.request_id)
            .await?;
        Ok(Response::new(pb::StartDefinitionResponse {
            job_id,
            version,
        }))
    }

    async fn put_schedule(&self, request: Request<pb::PutScheduleRequest>) -> Reply<pb::Schedule> {
        let schedule = request
            .into_inner()
            .schedule
            .ok_or_else(|| Status::invalid_argument("the request holds no schedule"))?;
        Ok(Response::new(self.schedules.put_schedule(schedule).await?))
    }

    async fn list_schedules(
        &self,
        _: Request<pb::ListSchedulesRequest>,
    ) -> Reply<pb::ListSchedulesResponse> {
        Ok(Response::new(pb::ListSchedulesResponse {
            schedules: self.schedules.schedules().await?,
        }))
    }

    async fn delete_schedule(
        &self,
        request: Request<pb::DeleteScheduleRequest>,
    ) -> Reply<pb::DeleteScheduleResponse> {
        let name = request.into_inner().name;
        self.schedules.delete_schedule(&name).await?;
        Ok(Response::new(pb::DeleteScheduleResponse {}))
    }

    async fn suspend_schedule(
        &self,
        request: Request<pb::SuspendScheduleRequest>,
    ) -> Reply<pb::Schedule> {
        let request = request.into_inner();
        let schedule = self
            .schedules
            .suspend_schedule(&request.name, request.suspended)
            .await?;
        Ok(Response::new(schedule))
    }
}
