//! The coordinator's HTTP endpoint: the probes and metrics every process serves;
//! `/readyz/leader`, true on the leader only, for a Kubernetes Service that must reach the
//! leader (`/readyz` is true on a standby too, when it can take over); and
//! `POST /api/v1/events/s3`, where S3 (directly, through SNS or EventBridge) or MinIO post
//! object-created notifications for the triggers.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, post};
use futures::FutureExt;
use kiln_core::auth::ClusterTokens;
use kiln_core::http::{Readiness, Scrape, encode, probe};
use kiln_core::state::StateStore;

use crate::scheduler::Scheduler;
use crate::triggers::{Refusal, Triggers};

/// The routes of the coordinator's HTTP endpoint.
pub fn routes(
    scheduler: Arc<Scheduler>,
    store: Arc<dyn StateStore>,
    triggers: Arc<Triggers>,
    tokens: &ClusterTokens,
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
    let scrape: Scrape =
        Arc::new(move |out| encode(out, scheduler.metrics().registry(scheduler.gauges())));
    let events = Router::new()
        .route("/api/v1/events/s3", post(receive_events))
        .with_state(triggers)
        .layer(axum::middleware::from_fn_with_state(
            tokens.clients_and_members(),
            kiln_core::http::authorize,
        ));
    kiln_core::http::routes(ready, scrape, tokens.clients_and_members())
        .route("/readyz/leader", get(move || probe(Arc::clone(&leader))))
        .merge(events)
}

/// Takes an S3 event notification: 200 with what it did, 400 with why it cannot be read,
/// 503 on a standby (which names no leader here: notifications should go to the
/// leader-only Service).
async fn receive_events(State(triggers): State<Arc<Triggers>>, body: Bytes) -> Response {
    match triggers.receive(&body).await {
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
