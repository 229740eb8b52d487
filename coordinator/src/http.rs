//! The coordinator's HTTP endpoint: the probes and metrics every process serves;
//! `/readyz/leader`, true on the leader only, for a Kubernetes Service that must reach the
//! leader (`/readyz` is true on a standby too, when it can take over); and
//! `POST /api/v1/events/s3`, where S3 (directly, through SNS or EventBridge) or MinIO post
//! object-created notifications for the triggers (a standby passes them on to the leader);
//! the REST API (`/api/v1/...`, see [`crate::rest`]); and the web UI (`/ui/`, see
//! [`crate::ui`]).

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, post};
use futures::FutureExt;
use kiln_core::auth::ClusterTokens;
use kiln_core::http::{Readiness, Scrape, encode, probe};
use kiln_core::state::StateStore;
use kiln_core::tls::Tls;
use kiln_proto::v1 as pb;
use kiln_proto::v1::trigger_service_client::TriggerServiceClient;

use crate::api::FORWARDED;
use crate::scheduler::Scheduler;
use crate::triggers::{Refusal, Triggers};

/// The routes of the coordinator's HTTP endpoint.
pub fn routes(
    scheduler: Arc<Scheduler>,
    store: Arc<dyn StateStore>,
    triggers: Arc<Triggers>,
    tokens: &ClusterTokens,
    tls: Tls,
    grpc: crate::rest::Grpc,
) -> Router {
    let leading = Arc::clone(&scheduler);
    let ready: Readiness = Arc::new(move || {
        let (scheduler, store) = (Arc::clone(&leading), Arc::clone(&store));
        async move {
            if scheduler.is_leader() {
                return Ok("leader");
            }
            // A standby is ready when it could take over: the state store answers.
            match store.leader().await {
                Ok(_) => Ok("standby"),
                Err(e) => Err(format!("the cluster state store does not answer: {e}")),
            }
        }
        .boxed()
    });
    let leader_only = Arc::clone(&scheduler);
    let leader: Readiness = Arc::new(move || {
        let leading = leader_only.is_leader();
        async move {
            if leading {
                Ok("leader")
            } else {
                Err("standby: another coordinator leads".to_string())
            }
        }
        .boxed()
    });
    let events = Events {
        triggers,
        scheduler: Arc::clone(&scheduler),
        tls,
    };
    let scrape: Scrape =
        Arc::new(move |out| encode(out, scheduler.metrics().registry(scheduler.gauges())));
    let api = Router::new()
        .route("/api/v1/events/s3", post(receive_events))
        .with_state(events)
        .merge(crate::rest::routes(grpc))
        .layer(axum::middleware::from_fn_with_state(
            tokens.clients_and_members(),
            kiln_core::http::authorize,
        ));
    kiln_core::http::routes(ready, scrape, tokens.clients_and_members())
        .route("/readyz/leader", get(move || probe(Arc::clone(&leader))))
        .merge(api)
        .merge(crate::ui::routes(tokens.clients_and_members()))
}

/// Where notifications go: the triggers, or the leader's when this coordinator stands by.
#[derive(Clone)]
struct Events {
    triggers: Arc<Triggers>,
    scheduler: Arc<Scheduler>,
    tls: Tls,
}

impl Events {
    /// Passes a notification that reached a standby to the leader, with the caller's token,
    /// so that a sender pointed at any coordinator (a Service over all of them) is served.
    async fn forward(
        &self,
        headers: &HeaderMap,
        body: Bytes,
    ) -> Result<pb::ReceiveEventsResponse, Refusal> {
        let leader = self.scheduler.leader_url().await.ok_or_else(|| {
            Refusal::Unavailable("no leader is elected yet; send the notification again".into())
        })?;
        let unreachable = |e: &dyn std::fmt::Display| {
            Refusal::Unavailable(format!("the leader at {leader}: {e}"))
        };
        let channel = self
            .tls
            .endpoint(&leader)
            .map_err(|e| unreachable(&e))?
            .connect()
            .await
            .map_err(|e| unreachable(&e))?;
        let mut request = tonic::Request::new(pb::ReceiveEventsRequest {
            notification: body.to_vec(),
        });
        let metadata = request.metadata_mut();
        if let Some(token) = headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| tonic::metadata::AsciiMetadataValue::try_from(v.as_bytes()).ok())
        {
            metadata.insert("authorization", token);
        }
        // The leader answers itself, whatever it believes about leadership.
        metadata.insert(
            FORWARDED,
            tonic::metadata::AsciiMetadataValue::from_static("http"),
        );
        match TriggerServiceClient::new(channel)
            .receive_events(request)
            .await
        {
            Ok(receipt) => Ok(receipt.into_inner()),
            Err(status) if status.code() == tonic::Code::InvalidArgument => {
                Err(Refusal::Malformed(status.message().to_string()))
            }
            Err(status) => Err(unreachable(&status.message())),
        }
    }
}

/// Takes an S3 event notification: 200 with what it did, 400 with why it cannot be read, 503
/// while no leader can take it (the sender retries). A standby passes it on to the leader.
async fn receive_events(State(events): State<Events>, headers: HeaderMap, body: Bytes) -> Response {
    let answer = match events.triggers.receive(&body).await {
        Err(Refusal::Unavailable(_)) if !events.scheduler.is_leader() => {
            events.forward(&headers, body).await
        }
        answer => answer,
    };
    match answer {
        Ok(receipt) => Json(receipt).into_response(),
        Err(Refusal::Malformed(reason)) => (
            StatusCode::BAD_REQUEST,
            Json(serde_json::json!({ "error": reason })),
        )
            .into_response(),
        Err(Refusal::Unavailable(reason)) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({ "error": reason })),
        )
            .into_response(),
    }
}
