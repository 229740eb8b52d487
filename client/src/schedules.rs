//! The stored-job, schedule and trigger calls of [`Client`]: keep a job file under a name,
//! start it by name, run it on a cron schedule or when objects land in a bucket; the
//! leading coordinator serves and fires them.

use std::collections::HashMap;

use crate::{Client, Result, proto};

impl Client {
    /// Stores `definition` under its name (a new version when it exists). `create_only`
    /// refuses an existing name, `update_only` a missing one.
    pub async fn put_definition(
        &self,
        definition: proto::JobDefinition,
        create_only: bool,
        update_only: bool,
    ) -> Result<proto::JobDefinition> {
        let request = proto::PutDefinitionRequest {
            definition: Some(definition),
            create_only,
            update_only,
        };
        self.coordinators
            .call_schedules(|mut c| {
                let request = request.clone();
                async move { c.put_definition(request).await }
            })
            .await
    }

    /// The stored definition `name`.
    pub async fn definition(&self, name: &str) -> Result<proto::JobDefinition> {
        let request = proto::GetDefinitionRequest { name: name.into() };
        self.coordinators
            .call_schedules(|mut c| {
                let request = request.clone();
                async move { c.get_definition(request).await }
            })
            .await
    }

    /// Every stored definition.
    pub async fn definitions(&self) -> Result<Vec<proto::JobDefinition>> {
        let response = self
            .coordinators
            .call_schedules(|mut c| async move {
                c.list_definitions(proto::ListDefinitionsRequest {}).await
            })
            .await?;
        Ok(response.definitions)
    }

    /// Deletes definition `name` (refused while a schedule runs it).
    pub async fn delete_definition(&self, name: &str) -> Result<()> {
        let request = proto::DeleteDefinitionRequest { name: name.into() };
        self.coordinators
            .call_schedules(|mut c| {
                let request = request.clone();
                async move { c.delete_definition(request).await }
            })
            .await?;
        Ok(())
    }

    /// Starts definition `name` now with `params` over its defaults; retried with the same
    /// request id across a failover, so it starts one job. Returns the job id and version.
    pub async fn start_definition(
        &self,
        name: &str,
        params: HashMap<String, String>,
    ) -> Result<proto::StartDefinitionResponse> {
        let request = proto::StartDefinitionRequest {
            name: name.into(),
            params,
            request_id: uuid::Uuid::new_v4().to_string(),
        };
        self.coordinators
            .call_schedules(|mut c| {
                let request = request.clone();
                async move { c.start_definition(request).await }
            })
            .await
    }

    /// Creates or replaces a schedule.
    pub async fn put_schedule(&self, schedule: proto::Schedule) -> Result<proto::Schedule> {
        let request = proto::PutScheduleRequest {
            schedule: Some(schedule),
        };
        self.coordinators
            .call_schedules(|mut c| {
                let request = request.clone();
                async move { c.put_schedule(request).await }
            })
            .await
    }

    /// Every schedule, with its next tick and recent runs.
    pub async fn schedules(&self) -> Result<Vec<proto::Schedule>> {
        let response = self
            .coordinators
            .call_schedules(|mut c| async move {
                c.list_schedules(proto::ListSchedulesRequest {}).await
            })
            .await?;
        Ok(response.schedules)
    }

    /// Deletes schedule `name`.
    pub async fn delete_schedule(&self, name: &str) -> Result<()> {
        let request = proto::DeleteScheduleRequest { name: name.into() };
        self.coordinators
            .call_schedules(|mut c| {
                let request = request.clone();
                async move { c.delete_schedule(request).await }
            })
            .await?;
        Ok(())
    }

    /// Suspends (no ticks fire) or resumes schedule `name`.
    pub async fn suspend_schedule(&self, name: &str, suspended: bool) -> Result<proto::Schedule> {
        let request = proto::SuspendScheduleRequest {
            name: name.into(),
            suspended,
        };
        self.coordinators
            .call_schedules(|mut c| {
                let request = request.clone();
                async move { c.suspend_schedule(request).await }
            })
            .await
    }

    /// Creates or replaces an object-created trigger.
    pub async fn put_trigger(&self, trigger: proto::Trigger) -> Result<proto::Trigger> {
        let request = proto::PutTriggerRequest {
            trigger: Some(trigger),
        };
        self.coordinators
            .call_triggers(|mut c| {
                let request = request.clone();
                async move { c.put_trigger(request).await }
            })
            .await
    }

    /// Every trigger (with its pending events, runs and dead letters) and the event
    /// requests the cluster could not read.
    pub async fn triggers(&self) -> Result<proto::ListTriggersResponse> {
        self.coordinators
            .call_triggers(
                |mut c| async move { c.list_triggers(proto::ListTriggersRequest {}).await },
            )
            .await
    }

    /// Deletes trigger `name` and its pending events.
    pub async fn delete_trigger(&self, name: &str) -> Result<()> {
        let request = proto::DeleteTriggerRequest { name: name.into() };
        self.coordinators
            .call_triggers(|mut c| {
                let request = request.clone();
                async move { c.delete_trigger(request).await }
            })
            .await?;
        Ok(())
    }
}
