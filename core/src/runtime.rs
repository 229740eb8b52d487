//! Process plumbing shared by Kiln's binaries: logging, shutdown signals, accepting
//! connections.

use tracing_subscriber::layer::{Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;

/// A Kiln process's log output: stderr, as text or JSON lines, filtered by `KILN_LOG` (e.g.
/// `info`, `kiln_coordinator=debug`), else by `default`.
pub fn log_output<S>(json: bool, default: &str) -> Box<dyn Layer<S> + Send + Sync>
where
    S: tracing::Subscriber + for<'a> LookupSpan<'a>,
{
    let filter = tracing_subscriber::EnvFilter::try_from_env("KILN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let layer = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    if json {
        layer.json().with_filter(filter).boxed()
    } else {
        layer.with_filter(filter).boxed()
    }
}

/// Sets up logging for a process whose only log is [`log_output`].
pub fn init_logging(json: bool, default: &str) {
    tracing_subscriber::registry()
        .with(log_output(json, default))
        .init();
}

/// The stack of each runtime thread: DataFusion plans, optimizes and evaluates expressions
/// recursively, and a statement near the operator limit (see the coordinator's
/// `statement_size`) needs more than the default 2 MiB. Only the pages used are backed.
pub const THREAD_STACK_BYTES: usize = 16 * 1024 * 1024;

/// The async runtime every Kiln binary runs on: tokio's multi-threaded one, with
/// [`THREAD_STACK_BYTES`] stacks.
pub fn build_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(THREAD_STACK_BYTES)
        .build()
        .expect("starting the async runtime")
}

/// The connections a gRPC or Flight server accepts on `listener`, with Nagle's algorithm off:
/// small replies (task launches, status reports, the end of a Flight stream) go out at once
/// instead of waiting up to 40 ms for a delayed ACK. (tonic sets this only on listeners it
/// binds itself.)
pub fn incoming(listener: tokio::net::TcpListener) -> tonic::transport::server::TcpIncoming {
    tonic::transport::server::TcpIncoming::from(listener).with_nodelay(Some(true))
}

/// Resolves when the process receives SIGTERM or SIGINT.
pub async fn shutdown_signal() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("installing the SIGTERM handler");
    tokio::select! {
        _ = term.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}
