//! The Kiln coordinator: accepts jobs, plans them into stages and tasks, schedules tasks onto
//! executors and tracks them to the end.
//!
//! - [`planner`]: job spec -> DataFusion physical plan (all user errors surface here, at submit)
//! - [`statement_size`]: the bound on a statement's operators, checked before planning
//! - `join_modes`: which joins run as broadcasts and which hash-partition both sides
//! - [`stages`]: physical plan -> stages cut at every exchange
//! - [`job`]: a job's stages and tasks, and the stage lifecycle
//! - [`checkpoint`]: the part of a job written to the state store, and resuming from it
//! - [`journal`]: the leader's background, fenced writer of job records
//! - `commit`: a sink job's commit protocol, from its first winning partition to its end
//! - [`scheduler`]: which task runs where; task outcomes; executors joining and leaving;
//!   taking over as leader and stepping down
//! - `api`: the gRPC services (`JobService` for clients, `SchedulerService` for executors)

mod api;
mod balance;
pub mod bookmarks;
mod catalog_sink;
pub mod checkpoint;
mod commit;
pub mod config;
mod encodable;
pub mod error;
pub mod history;
mod http;
pub mod job;
mod join_modes;
pub mod journal;
pub mod metrics;
mod notify;
pub mod planner;
mod rest;
pub mod scheduler;
pub mod schedules;
pub mod stages;
pub mod statement_size;
pub mod triggers;
mod ui;

pub use config::CoordinatorConfig;
pub use error::{CoordinatorError, Result};

use kiln_proto::internal::v1 as ipb;
use std::net::SocketAddr;
use std::sync::Arc;

use arrow_flight::flight_service_server::FlightServiceServer;
use kiln_core::flight::FlightClients;
use kiln_core::http::HttpServer;
use kiln_core::state::StateStore;
use kiln_proto::v1 as pb;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;
use tonic::service::interceptor::InterceptedService;

use crate::api::{
    CatalogApi, FlightSqlApi, ForwardToLeader, JobApi, ScheduleApi, SchedulerApi, TriggerApi,
};
use crate::scheduler::Scheduler;
use crate::schedules::Schedules;
use crate::triggers::Triggers;

/// A running coordinator.
pub struct Coordinator {
    addr: SocketAddr,
    scheduler: Arc<Scheduler>,
    stop: oneshot::Sender<()>,
    server: JoinHandle<()>,
    ticker: JoinHandle<()>,
    /// Fires the schedules' ticks while this coordinator leads.
    firing: JoinHandle<()>,
    /// Starts the triggers' batches while this coordinator leads.
    trigger_firing: JoinHandle<()>,
    /// Keeps the gRPC health service's leader-only status true.
    health_reports: JoinHandle<()>,
    stop_leading: watch::Sender<bool>,
    elections: JoinHandle<()>,
    /// `https` when serving TLS, else `http`.
    scheme: &'static str,
    http: Option<HttpServer>,
}

impl Coordinator {
    /// Binds the port, starts serving and runs for leader in `store`'s cluster; a coordinator
    /// that does not win stands by and takes over when the leader goes.
    pub async fn start(
        config: CoordinatorConfig,
        store: Arc<dyn StateStore>,
    ) -> Result<Coordinator> {
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
        let url = format!(
            "{}://{}:{}",
            config.tls.scheme(),
            config
                .advertise_host
                .as_deref()
                .unwrap_or(&config.bind_host),
            addr.port()
        );
        let lease_ttl = config.lease_ttl;
        let members_only = config.tokens.members_only();
        let clients = config.tokens.clients_and_members();
        let member_token = config.tokens.member().clone();
        let server = config
            .tls
            .serve(tonic::transport::Server::builder())
            .map_err(CoordinatorError::Tls)?;
        let scheme = config.tls.scheme();
        let tls = config.tls.clone();
        let http = match config.http_port {
            Some(port) => Some((config.bind_host.clone(), port, config.tokens.clone())),
            None => None,
        };
        let scheduler = Scheduler::new(config, Arc::clone(&store))?;
        let jobs =
            pb::job_service_server::JobServiceServer::new(JobApi::new(Arc::clone(&scheduler)))
                .max_decoding_message_size(max)
                .max_encoding_message_size(max);
        let executors = ipb::scheduler_service_server::SchedulerServiceServer::new(
            SchedulerApi::new(Arc::clone(&scheduler)),
        )
        .max_decoding_message_size(max)
        .max_encoding_message_size(max);
        let catalog = pb::catalog_service_server::CatalogServiceServer::new(CatalogApi::new(
            Arc::clone(&scheduler),
        ))
        .max_decoding_message_size(max)
        .max_encoding_message_size(max);
        // Results streamed through this coordinator, fetched from executors as a member.
        let executor_flight = Arc::new(FlightClients::new(max, member_token, tls.clone()));
        let flight =
            FlightServiceServer::new(FlightSqlApi::new(Arc::clone(&scheduler), executor_flight))
                .max_decoding_message_size(max)
                .max_encoding_message_size(max);
        let schedules = Schedules::new(Arc::clone(&scheduler), Arc::clone(&store));
        let schedule_api = pb::schedule_service_server::ScheduleServiceServer::new(
            ScheduleApi::new(Arc::clone(&schedules)),
        )
        .max_decoding_message_size(max)
        .max_encoding_message_size(max);
        let triggers = Triggers::new(
            Arc::clone(&scheduler),
            Arc::clone(&schedules),
            Arc::clone(&store),
        );
        let trigger_api = pb::trigger_service_server::TriggerServiceServer::new(TriggerApi::new(
            Arc::clone(&triggers),
        ))
        .max_decoding_message_size(max)
        .max_encoding_message_size(max);
        let (stop, stopped) = oneshot::channel::<()>();
        let (health, health_reports) = api::health(Arc::clone(&scheduler));
        let (reflection, reflection_v1alpha) = api::reflection();
        // A standby passes its clients' calls on to the leader.
        let forward = ForwardToLeader::new(Arc::clone(&scheduler), tls.clone(), &url);
        let mut services = tonic::service::Routes::builder();
        services
            .add_service(InterceptedService::new(jobs, clients.clone()))
            .add_service(InterceptedService::new(catalog, clients.clone()))
            .add_service(InterceptedService::new(schedule_api, clients.clone()))
            .add_service(InterceptedService::new(trigger_api, clients.clone()))
            .add_service(InterceptedService::new(
                flight,
                clients.clone().or_password(),
            ))
            .add_service(InterceptedService::new(executors, members_only))
            .add_service(health)
            .add_service(InterceptedService::new(reflection, clients.clone()))
            .add_service(InterceptedService::new(reflection_v1alpha, clients));
        let services = services.routes();
        let http = match http {
            Some((host, port, tokens)) => {
                let routes = http::routes(
                    Arc::clone(&scheduler),
                    Arc::clone(&store),
                    Arc::clone(&triggers),
                    &tokens,
                    tls.clone(),
                    tower::Layer::layer(&forward, services.clone()),
                );
                let io = |source| CoordinatorError::Io {
                    context: format!("binding the HTTP port {host}:{port}"),
                    source,
                };
                let listener = TcpListener::bind((host.as_str(), port)).await.map_err(io)?;
                Some(HttpServer::start(listener, routes).map_err(io)?)
            }
            None => None,
        };
        let health_reports = tokio::spawn(health_reports);
        let router = server.layer(forward).add_routes(services);
        let server = tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            if let Err(e) = router
                .serve_with_incoming_shutdown(kiln_core::runtime::incoming(listener), shutdown)
                .await
            {
                tracing::error!(error = %e, "coordinator server failed");
            }
        });
        let ticker = tokio::spawn(Arc::clone(&scheduler).tick_loop());
        let firing = tokio::spawn(schedules.fire_forever());
        let trigger_firing = tokio::spawn(triggers.fire_forever());
        let (stop_leading, stopped_leading) = watch::channel(false);
        let elections = tokio::spawn(run_for_leader(
            Arc::clone(&scheduler),
            store,
            url,
            lease_ttl,
            stopped_leading,
        ));
        tracing::info!(%addr, "coordinator started");
        Ok(Coordinator {
            addr,
            scheduler,
            stop,
            server,
            ticker,
            firing,
            trigger_firing,
            health_reports,
            stop_leading,
            elections,
            scheme,
            http,
        })
    }

    /// The address clients and executors connect to.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The address of the HTTP endpoint (probes, metrics), when it serves one.
    pub fn http_addr(&self) -> Option<SocketAddr> {
        self.http.as_ref().map(HttpServer::addr)
    }

    /// The URL clients and executors connect to.
    pub fn url(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
    }

    /// The scheduler (for embedding and tests).
    pub fn scheduler(&self) -> &Arc<Scheduler> {
        &self.scheduler
    }

    /// Waits until this coordinator leads (for embedding and tests).
    pub async fn wait_until_leader(&self) {
        while !self.scheduler.is_leader() {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }

    /// Resigns leadership (a standby takes over at once) and stops serving.
    pub async fn shutdown(self) {
        let _ = self.stop_leading.send(true);
        let _ = self.elections.await;
        let _ = self.stop.send(());
        let _ = self.server.await;
        if let Some(http) = self.http {
            http.stop().await;
        }
        self.ticker.abort();
        self.firing.abort();
        self.trigger_firing.abort();
        self.health_reports.abort();
        tracing::info!("coordinator stopped");
    }
}

/// Campaigns for leadership and leads while elected, again and again, until `stop`.
async fn run_for_leader(
    scheduler: Arc<Scheduler>,
    store: Arc<dyn StateStore>,
    url: String,
    lease_ttl: std::time::Duration,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        let campaign = tokio::select! {
            result = store.campaign(&url, lease_ttl) => result,
            _ = stop.wait_for(|stop| *stop) => return,
        };
        match campaign {
            Ok(leadership) => {
                tracing::info!(%url, "elected leader");
                scheduler.lead(leadership, stop.clone()).await;
                if *stop.borrow() {
                    return;
                }
            }
            Err(error) => {
                tracing::warn!(%error, "campaigning for leader failed; retrying");
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            }
        }
    }
}
