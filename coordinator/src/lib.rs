//! The Kiln coordinator: accepts jobs, plans them into stages and tasks, schedules tasks onto
//! executors and tracks them to the end.
//!
//! - [`planner`]: job spec -> DataFusion physical plan (all user errors surface here, at submit)
//! - [`stages`]: physical plan -> stages cut at every exchange
//! - [`job`]: a job's stages and tasks, and the stage lifecycle
//! - [`scheduler`]: which task runs where; task outcomes; executors joining and leaving
//! - `api`: the gRPC services (`JobService` for clients, `SchedulerService` for executors)

mod api;
pub mod config;
pub mod error;
pub mod job;
pub mod planner;
pub mod scheduler;
pub mod stages;

pub use config::CoordinatorConfig;
pub use error::{CoordinatorError, Result};

use std::net::SocketAddr;
use std::sync::Arc;

use kiln_proto::v1 as pb;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_stream::wrappers::TcpListenerStream;

use crate::api::{JobApi, SchedulerApi};
use crate::scheduler::Scheduler;

/// A running coordinator.
pub struct Coordinator {
    addr: SocketAddr,
    scheduler: Arc<Scheduler>,
    stop: oneshot::Sender<()>,
    server: JoinHandle<()>,
    ticker: JoinHandle<()>,
}

impl Coordinator {
    /// Binds the port and starts serving.
    pub async fn start(config: CoordinatorConfig) -> Result<Coordinator> {
        let listener = TcpListener::bind((config.bind_host.as_str(), config.port))
            .await
            .map_err(|e| CoordinatorError::Io {
                context: format!("binding {}:{}", config.bind_host, config.port),
                source: e,
            })?;
        let addr = listener.local_addr().map_err(|e| CoordinatorError::Io {
            context: "reading the bound address".into(),
            source: e,
        })?;
        let max = config.max_message_size;
        let scheduler = Scheduler::new(config);
        let jobs =
            pb::job_service_server::JobServiceServer::new(JobApi::new(Arc::clone(&scheduler)))
                .max_decoding_message_size(max)
                .max_encoding_message_size(max);
        let executors = pb::scheduler_service_server::SchedulerServiceServer::new(
            SchedulerApi::new(Arc::clone(&scheduler)),
        )
        .max_decoding_message_size(max)
        .max_encoding_message_size(max);
        let (stop, stopped) = oneshot::channel::<()>();
        let router = tonic::transport::Server::builder()
            .tcp_nodelay(true)
            .add_service(jobs)
            .add_service(executors);
        let server = tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            if let Err(e) = router
                .serve_with_incoming_shutdown(TcpListenerStream::new(listener), shutdown)
                .await
            {
                tracing::error!(error = %e, "coordinator server failed");
            }
        });
        let ticker = tokio::spawn(Arc::clone(&scheduler).tick_loop());
        tracing::info!(%addr, "coordinator started");
        Ok(Coordinator {
            addr,
            scheduler,
            stop,
            server,
            ticker,
        })
    }

    /// The address clients and executors connect to.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The URL clients and executors connect to.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The scheduler (for embedding and tests).
    pub fn scheduler(&self) -> &Arc<Scheduler> {
        &self.scheduler
    }

    /// Stops serving.
    pub async fn shutdown(self) {
        let _ = self.stop.send(());
        let _ = self.server.await;
        self.ticker.abort();
        tracing::info!("coordinator stopped");
    }
}
