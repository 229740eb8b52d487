//! `TriggerService`: object-created triggers (their events arrive over HTTP).

use std::sync::Arc;

use kiln_proto::v1 as pb;
use tonic::{Request, Response, Status};

use crate::triggers::{Refusal, Triggers};

pub(crate) struct TriggerApi {
    triggers: Arc<Triggers>,
}

impl TriggerApi {
    pub(crate) fn new(triggers: Arc<Triggers>) -> Self {
        Self { triggers }
    }
}

type Reply<T> = Result<Response<T>, Status>;

#[tonic::async_trait]
impl pb::trigger_service_server::TriggerService for TriggerApi {
    async fn put_trigger(&self, request: Request<pb::PutTriggerRequest>) -> Reply<pb::Trigger> {
        let trigger = request
            .into_inner()
            .trigger
            .ok_or_else(|| Status::invalid_argument("the request holds no trigger"))?;
        Ok(Response::new(self.triggers.put_trigger(trigger).await?))
    }

    async fn list_triggers(
        &self,
        _: Request<pb::ListTriggersRequest>,
    ) -> Reply<pb::ListTriggersResponse> {
        Ok(Response::new(self.triggers.triggers().await?))
    }

    async fn delete_trigger(
        &self,
        request: Request<pb::DeleteTriggerRequest>,
    ) -> Reply<pb::DeleteTriggerResponse> {
        self.triggers
            .delete_trigger(&request.into_inner().name)
            .await?;
        Ok(Response::new(pb::DeleteTriggerResponse {}))
    }

    async fn receive_events(
        &self,
        request: Request<pb::ReceiveEventsRequest>,
    ) -> Reply<pb::ReceiveEventsResponse> {
        match self
            .triggers
            .receive(&request.into_inner().notification)
            .await
        {
            Ok(receipt) => Ok(Response::new(receipt)),
            Err(Refusal::Malformed(reason)) => Err(Status::invalid_argument(reason)),
            Err(Refusal::Unavailable(reason)) => Err(Status::unavailable(reason)),
        }
    }
}
