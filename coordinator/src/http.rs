//! The coordinator's HTTP endpoint: the probes and metrics every process serves, and
//! `/readyz/leader`, true on the leader only, for a Kubernetes Service that must reach the
//! leader (`/readyz` is true on a standby too, when it can take over).

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use futures::FutureExt;
use kiln_core::auth::ClusterTokens;
use kiln_core::http::{Readiness, Scrape, encode, probe};
use kiln_core::state::StateStore;

use crate::scheduler::Scheduler;

/// The routes of the coordinator's HTTP endpoint.
pub fn routes(
    scheduler: Arc<Scheduler>,
    store: Arc<dyn StateStore>,
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
    kiln_core::http::routes(ready, scrape, tokens.clients_and_members())
        .route("/readyz/leader", get(move || probe(Arc::clone(&leader))))
}
