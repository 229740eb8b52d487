//! The HTTP endpoint every coordinator and executor serves beside gRPC (`--http-port`):
//! `/healthz` (the process is alive), `/readyz` (it can do its work), and `/metrics` in the
//! Prometheus text format. The probes are open and say nothing sensitive; everything else
//! requires the client or cluster token when the cluster has one, as gRPC does.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures::future::BoxFuture;
use prometheus_client::registry::Registry;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::auth::RequireToken;

/// A metric label naming how something ended (a task attempt, a commit), shared by the
/// coordinator's and the executors' metrics.
#[derive(Clone, Debug, Hash, PartialEq, Eq, prometheus_client::encoding::EncodeLabelSet)]
pub struct OutcomeLabel {
    pub outcome: String,
}

/// Whether a process can do its work now: `Ok` with a word saying how (`leader`,
/// `standby`, `registered`), or `Err` saying why not.
pub type Readiness =
    Arc<dyn Fn() -> BoxFuture<'static, Result<&'static str, String>> + Send + Sync>;

/// Writes the process's metrics as they are now, at each scrape.
pub type Scrape = Arc<dyn Fn(&mut String) -> std::fmt::Result + Send + Sync>;

/// Encodes `registry` in the text format, for a [`Scrape`].
pub fn encode(out: &mut String, registry: &Registry) -> std::fmt::Result {
    prometheus_client::encoding::text::encode(out, registry)
}

/// The routes every process serves: the probes (open) and `/metrics` (behind `require`).
pub fn routes(ready: Readiness, scrape: Scrape, require: RequireToken) -> Router {
    let metrics = Router::new()
        .route("/metrics", get(move || metrics(Arc::clone(&scrape))))
        .layer(axum::middleware::from_fn_with_state(require, authorize));
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(move || probe(Arc::clone(&ready))))
        .merge(metrics)
}

/// Answers 200 with `how` when `ready` says so, else 503 with why not.
pub async fn probe(ready: Readiness) -> Response {
    match ready().await {
        Ok(how) => (StatusCode::OK, format!("{how}\n")).into_response(),
        Err(why) => (StatusCode::SERVICE_UNAVAILABLE, format!("{why}\n")).into_response(),
    }
}

async fn metrics(scrape: Scrape) -> Response {
    let mut text = String::new();
    if let Err(e) = scrape(&mut text) {
        return (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        text,
    )
        .into_response()
}

/// The cookie the web UI's sign-in form sets: the client token, percent-encoded, for browsers,
/// which send no `Authorization` header of their own.
pub const TOKEN_COOKIE: &str = "kiln_token";

/// The bearer token of the UI's cookie among `headers`, as an `Authorization` value.
fn token_from_cookie(headers: &axum::http::HeaderMap) -> Option<axum::http::HeaderValue> {
    let prefix = format!("{TOKEN_COOKIE}=");
    let token = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|cookie| cookie.trim().strip_prefix(prefix.as_str()))?;
    let token = percent_encoding::percent_decode_str(token)
        .decode_utf8()
        .ok()?;
    axum::http::HeaderValue::from_str(&format!("Bearer {token}")).ok()
}

/// Passes requests whose `authorization` header (or, from a browser, the UI's cookie)
/// carries an accepted token: 401 without one, 403 for a token that lacks the role. The
/// cookie's token goes on as the `authorization` header, for the gRPC calls made for it.
pub async fn authorize(
    State(require): State<RequireToken>,
    mut request: Request,
    next: Next,
) -> Response {
    if !request.headers().contains_key(header::AUTHORIZATION)
        && let Some(token) = token_from_cookie(request.headers())
    {
        request.headers_mut().insert(header::AUTHORIZATION, token);
    }
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| v.as_bytes());
    match require.check(given) {
        Ok(()) => next.run(request).await,
        Err(status) => {
            let code = match status.code() {
                tonic::Code::PermissionDenied => StatusCode::FORBIDDEN,
                _ => StatusCode::UNAUTHORIZED,
            };
            (code, format!("{}\n", status.message())).into_response()
        }
    }
}

/// A running HTTP endpoint.
pub struct HttpServer {
    addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl HttpServer {
    /// Serves `router` on `listener` until stopped.
    pub fn start(listener: TcpListener, router: Router) -> std::io::Result<HttpServer> {
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(listener, router, async {
            let _ = stopped.await;
        }));
        tracing::info!(%addr, "HTTP endpoint started (/healthz, /readyz, /metrics)");
        Ok(HttpServer { addr, stop, task })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops serving and waits for open requests to end.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    if let Err(e) = axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
    {
        tracing::error!(error = %e, "HTTP endpoint failed");
    }
}
