//! A standby's front door: client calls that reach a standby coordinator are passed on to the
//! leader, as they came (streams included, the caller's token with them), so a client that
//! reaches only one coordinator (a Kubernetes Service over all of them, a port-forward) is
//! served wherever its calls land. Executors' calls are not forwarded: they find the leader
//! in the state store themselves.
//!
//! A forwarded call carries a header that stops it from being forwarded again; without a
//! known leader, or when the leader record names this coordinator, the standby answers
//! itself (with "not the leader", naming the leader when it knows it). When the leader does
//! not answer, the call is answered "no leader known", which clients retry.

use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use futures::future::BoxFuture;
use kiln_core::tls::Tls;
use tonic::body::Body;
use tonic::codegen::http;
use tonic::transport::Channel;
use tower::{Layer, Service};

use crate::error::CoordinatorError;
use crate::scheduler::Scheduler;

/// The header a forwarded call carries.
pub(crate) const FORWARDED: &str = "kiln-forwarded-by";

/// The services whose calls a standby forwards: those clients call.
const CLIENT_SERVICES: &[&str] = &[
    "/kiln.v1.JobService/",
    "/kiln.v1.CatalogService/",
    "/kiln.v1.ScheduleService/",
    "/kiln.v1.TriggerService/",
    "/arrow.flight.protocol.FlightService/",
];

/// Wraps the coordinator's gRPC services so that a standby forwards client calls.
#[derive(Clone)]
pub struct ForwardToLeader {
    scheduler: Arc<Scheduler>,
    tls: Tls,
    /// This coordinator's own URL, never forwarded to.
    own_url: Arc<str>,
    /// The channel to the leader last forwarded to, by its URL.
    channel: Arc<Mutex<Option<(String, Channel)>>>,
}

impl ForwardToLeader {
    /// Forwards for the coordinator that `scheduler` runs, reachable at `own_url`.
    pub fn new(scheduler: Arc<Scheduler>, tls: Tls, own_url: &str) -> Self {
        ForwardToLeader {
            scheduler,
            tls,
            own_url: own_url.into(),
            channel: Arc::default(),
        }
    }

    /// The channel to `url`, made once per leader.
    fn channel_to(&self, url: &str) -> Option<Channel> {
        let mut cached = self.channel.lock().expect("forward channel lock");
        match &*cached {
            Some((known, channel)) if known == url => Some(channel.clone()),
            _ => {
                let channel = self.tls.endpoint(url).ok()?.connect_lazy();
                *cached = Some((url.to_string(), channel.clone()));
                Some(channel)
            }
        }
    }
}

impl<S> Layer<S> for ForwardToLeader {
    type Service = Forward<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Forward {
            inner,
            forward: self.clone(),
        }
    }
}

/// The coordinator's services, or the leader's when this coordinator stands by.
#[derive(Clone)]
pub struct Forward<S> {
    inner: S,
    forward: ForwardToLeader,
}

impl<S> Service<http::Request<Body>> for Forward<S>
where
    S: Service<http::Request<Body>, Response = http::Response<Body>> + Clone + Send + 'static,
    S::Future: Send,
    S::Error: Into<tower::BoxError>,
{
    type Response = http::Response<Body>;
    type Error = tower::BoxError;
    type Future = BoxFuture<'static, Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, mut request: http::Request<Body>) -> Self::Future {
        // The ready service answers; a clone takes its place for the next call.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let forwardable = !self.forward.scheduler.is_leader()
            && !request.headers().contains_key(FORWARDED)
            && CLIENT_SERVICES
                .iter()
                .any(|service| request.uri().path().starts_with(service));
        if !forwardable {
            return Box::pin(async move { inner.call(request).await.map_err(Into::into) });
        }
        let forward = self.forward.clone();
        Box::pin(async move {
            let leader = forward.scheduler.leader_url().await;
            let target = leader
                .filter(|url| **url != *forward.own_url)
                .and_then(|url| Some((forward.channel_to(&url)?, url)));
            let Some((mut channel, url)) = target else {
                return inner.call(request).await.map_err(Into::into);
            };
            if let Ok(by) = http::HeaderValue::from_str(&forward.own_url) {
                request.headers_mut().insert(FORWARDED, by);
            }
            let answer = async {
                std::future::poll_fn(|cx| channel.poll_ready(cx)).await?;
                channel.call(request).await
            };
            match answer.await {
                Ok(response) => Ok(response),
                // The leader did not answer (it may just have died): "no leader known", so
                // the client retries here (a Service's address) or on the next coordinator,
                // and is served once a leader answers or this coordinator takes over.
                Err(error) => {
                    tracing::debug!(%error, leader = %url, "forwarding a call to the leader failed");
                    Ok(tonic::Status::from(CoordinatorError::NotLeader(None)).into_http())
                }
            }
        })
    }
}
