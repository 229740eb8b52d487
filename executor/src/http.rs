//! The executor's HTTP endpoint: `/healthz`, `/readyz` (true once it is registered and
//! until it drains) and `/metrics`.

use std::sync::Arc;

use axum::Router;
use futures::FutureExt;
use kiln_core::auth::ClusterTokens;
use kiln_core::http::{Readiness, Scrape, encode};

use crate::membership::Membership;
use crate::metrics::ExecutorMetrics;
use crate::task_runner::TaskRunner;

/// The routes of the executor's HTTP endpoint.
pub(crate) fn routes(
    membership: Arc<Membership>,
    runner: Arc<TaskRunner>,
    metrics: Arc<ExecutorMetrics>,
    slots: usize,
    tokens: &ClusterTokens,
) -> Router {
    let draining = Arc::clone(&runner);
    let ready: Readiness = Arc::new(move || {
        let answer = if draining.is_draining() {
            Err("draining: it takes no new tasks".to_string())
        } else if membership.is_registered() {
            Ok("registered")
        } else {
            Err("not registered in the cluster (yet)".to_string())
        };
        async move { answer }.boxed()
    });
    let scrape: Scrape =
        Arc::new(move |out| encode(out, metrics.registry(slots, runner.running_count())));
    kiln_core::http::routes(ready, scrape, tokens.clients_and_members())
}
