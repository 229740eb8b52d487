//! A Kiln executor: runs the plan fragments the coordinator sends, writes their output as
//! shuffle files in its work dir, and serves those files to other executors and to clients
//! over Arrow Flight.
//!
//! [`Executor::start`] binds the gRPC and Flight ports and joins the cluster: the leading
//! coordinator accepts it, then it registers itself in the state store under its lease; the
//! `kiln-executor` binary and the embedded cluster of `kiln run` both use it.

mod config;
mod error;
mod executor_service;
mod flight_service;
mod http;
mod membership;
pub mod metrics;
pub mod task_log;
mod task_memory;
mod task_runner;

pub use config::{ExecutorConfig, cgroup_memory_limit, default_memory_limit};
pub use error::{ExecutorError, Result};

use kiln_proto::internal::v1 as ipb;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use arrow_flight::flight_service_server::FlightServiceServer;
use datafusion::execution::memory_pool::FairSpillPool;
use datafusion::execution::runtime_env::{RuntimeEnv, RuntimeEnvBuilder};
use kiln_core::flight::FlightClients;
use kiln_core::http::HttpServer;
use kiln_core::shuffle::{MemoryOutputs, ShuffleEnv};
use kiln_core::state::StateStore;
use kiln_jobs::object_stores::KilnObjectStores;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tonic::service::interceptor::InterceptedService;

use crate::executor_service::ExecutorGrpc;
use crate::flight_service::ShuffleFlightService;
use crate::membership::Membership;
use crate::metrics::ExecutorMetrics;
use crate::task_runner::TaskRunner;

/// A running executor.
pub struct Executor {
    id: String,
    grpc_addr: SocketAddr,
    flight_addr: SocketAddr,
    runner: Arc<TaskRunner>,
    membership: Arc<Membership>,
    shutdown: watch::Sender<bool>,
    servers: Vec<JoinHandle<()>>,
    http: Option<HttpServer>,
}

/// Removes what an earlier process left in the work dir: shuffle outputs of its jobs (whose
/// attempts the coordinator has redone, since the process is gone) and spill files. Only
/// Kiln's own entries go (job directories and `spill`), so a work dir shared with other
/// files loses nothing else.
fn remove_leftovers(work_dir: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(work_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let ours =
            name == "spill" || (name.starts_with("job-") && kiln_core::ids::is_safe_id(&name));
        if ours && entry.path().is_dir() {
            match std::fs::remove_dir_all(entry.path()) {
                Ok(()) => {
                    tracing::info!(dir = %entry.path().display(), "removed an earlier process's shuffle files")
                }
                Err(error) => {
                    tracing::warn!(dir = %entry.path().display(), %error, "cannot remove an earlier process's files")
                }
            }
        }
    }
}

/// Kills the running attempts each time this executor's lease expires: the leader took the
/// executor for dead and runs those tasks elsewhere, so these attempts are zombies whose
/// output nobody reads (and whose sink writes nobody commits).
async fn fence_on_expiry(mut expirations: watch::Receiver<u64>, runner: Arc<TaskRunner>) {
    while expirations.changed().await.is_ok() {
        let killed = runner.cancel_all().await;
        tracing::warn!(
            killed,
            "this executor's lease expired, so the cluster redid its tasks; killed the attempts still running"
        );
    }
}

/// How often an executor tells the leader which attempts it runs.
const HEARTBEAT_INTERVAL: Duration = Duration::from_secs(3);

/// The resident memory of this process (Linux's VmRSS; 0 where it cannot be read).
fn resident_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|kib| kib.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kib| kib * 1024)
}

/// Sends heartbeats until the executor shuts down, killing the attempts the leader does not
/// expect here (their job ended, or a predecessor started them).
async fn heartbeats(
    membership: Arc<Membership>,
    runner: Arc<TaskRunner>,
    runtime: Arc<RuntimeEnv>,
    memory_limit: Option<usize>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(HEARTBEAT_INTERVAL) => {}
            _ = shutdown.wait_for(|stop| *stop) => return,
        }
        let memory = ipb::MemoryUsage {
            limit_bytes: memory_limit.unwrap_or(0) as u64,
            reserved_bytes: runtime.memory_pool.reserved() as u64,
            resident_bytes: resident_bytes(),
        };
        let cancel = membership.heartbeat(runner.running(), memory).await;
        if !cancel.is_empty() {
            tracing::warn!(
                attempts = cancel.len(),
                "killing attempts the leader does not expect on this executor"
            );
            runner.cancel(&cancel).await;
        }
    }
}

impl Executor {
    /// Binds the ports, starts the servers and joins the cluster whose state is in `store`.
    pub async fn start(config: ExecutorConfig, store: Arc<dyn StateStore>) -> Result<Executor> {
        let id = config
            .executor_id
            .clone()
            .unwrap_or_else(kiln_core::ids::new_executor_id);
        std::fs::create_dir_all(&config.work_dir)
            .map_err(|e| ExecutorError::io(config.work_dir.display(), e))?;
        remove_leftovers(&config.work_dir);
        let env = Arc::new(ShuffleEnv {
            executor_id: id.clone(),
            work_dir: config.work_dir.clone(),
            compression: config.shuffle_compression,
            memory: MemoryOutputs::new(config.shuffle_memory),
            flight: Arc::new(FlightClients::new(
                config.max_message_size,
                config.tokens.member().clone(),
                config.tls.clone(),
            )),
        });

        let mut runtime = RuntimeEnvBuilder::new()
            .with_temp_file_path(config.work_dir.join("spill"))
            .with_object_store_registry(KilnObjectStores::new())
            .with_cache_manager(kiln_core::config::long_lived_caches());
        if let Some(limit) = config.memory_limit {
            runtime = runtime.with_memory_pool(Arc::new(FairSpillPool::new(limit)));
        }
        let runtime = runtime.build_arc()?;

        let grpc_listener = bind(&config.bind_host, config.grpc_port).await?;
        let flight_listener = bind(&config.bind_host, config.flight_port).await?;
        let http_listener = match config.http_port {
            Some(port) => Some(bind(&config.bind_host, port).await?),
            None => None,
        };
        let http_port = match &http_listener {
            Some(listener) => listener
                .local_addr()
                .map_err(|e| ExecutorError::io("http listener", e))?
                .port(),
            None => 0,
        };
        let grpc_addr = grpc_listener
            .local_addr()
            .map_err(|e| ExecutorError::io("grpc listener", e))?;
        let flight_addr = flight_listener
            .local_addr()
            .map_err(|e| ExecutorError::io("flight listener", e))?;
        let advertise_host = config
            .advertise_host
            .clone()
            .unwrap_or_else(|| config.bind_host.clone());
        let info = ipb::ExecutorInfo {
            executor_id: id.clone(),
            host: advertise_host,
            grpc_port: grpc_addr.port() as u32,
            flight_port: flight_addr.port() as u32,
            slots: config.slots as u32,
            started_at_ms: kiln_core::ids::now_ms(),
            http_port: u32::from(http_port),
        };

        let membership = Arc::new(Membership::new(store, info, &config));
        let metrics = Arc::new(ExecutorMetrics::default());
        let runner = Arc::new(TaskRunner::new(
            Arc::clone(&env),
            Arc::clone(&runtime),
            Arc::clone(&membership),
            Arc::clone(&metrics),
        ));
        let (shutdown, shutdown_rx) = watch::channel(false);

        let max = config.max_message_size;
        let grpc = ipb::executor_service_server::ExecutorServiceServer::new(ExecutorGrpc::new(
            Arc::clone(&runner),
            Arc::clone(&env),
        ))
        .max_decoding_message_size(max)
        .max_encoding_message_size(max);
        let flight = FlightServiceServer::new(ShuffleFlightService::new(
            Arc::clone(&env),
            Arc::clone(&metrics),
        ))
        .max_decoding_message_size(max)
        .max_encoding_message_size(max);
        // Launching and cancelling tasks is for coordinators; results and shuffle data are
        // read by clients and executors alike.
        let grpc = InterceptedService::new(grpc, config.tokens.members_only());
        let flight = InterceptedService::new(flight, config.tokens.clients_and_members());
        let server = || {
            config
                .tls
                .serve(tonic::transport::Server::builder())
                .map_err(ExecutorError::Tls)
        };
        let servers = vec![
            serve(
                server()?,
                grpc_listener,
                shutdown_rx.clone(),
                move |router| router.add_service(grpc),
            ),
            serve(
                server()?,
                flight_listener,
                shutdown_rx.clone(),
                move |router| router.add_service(flight),
            ),
        ];

        let http = match http_listener {
            Some(listener) => {
                let routes = http::routes(
                    Arc::clone(&membership),
                    Arc::clone(&runner),
                    metrics,
                    config.slots,
                    &config.tokens,
                );
                let server = HttpServer::start(listener, routes)
                    .map_err(|e| ExecutorError::io("http listener", e))?;
                Some(server)
            }
            None => None,
        };
        membership.join().await?;
        if let Some(expirations) = membership.expirations() {
            tokio::spawn(fence_on_expiry(expirations, Arc::clone(&runner)));
        }
        tokio::spawn(heartbeats(
            Arc::clone(&membership),
            Arc::clone(&runner),
            Arc::clone(&runtime),
            config.memory_limit,
            shutdown_rx.clone(),
        ));
        tracing::info!(executor_id = %id, %grpc_addr, %flight_addr, slots = config.slots, "executor started");
        Ok(Executor {
            id,
            grpc_addr,
            flight_addr,
            runner,
            membership,
            shutdown,
            servers,
            http,
        })
    }

    /// This executor's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The address the gRPC server listens on.
    pub fn grpc_addr(&self) -> SocketAddr {
        self.grpc_addr
    }

    /// The address the Flight server listens on.
    pub fn flight_addr(&self) -> SocketAddr {
        self.flight_addr
    }

    /// The address of the HTTP endpoint (probes, metrics), when it serves one.
    pub fn http_addr(&self) -> Option<SocketAddr> {
        self.http.as_ref().map(HttpServer::addr)
    }

    /// Leaves the cluster gracefully: stops taking tasks, lets running ones finish for up to
    /// `grace` (then kills them, so the coordinator re-runs them elsewhere), and leaves.
    pub async fn shutdown(self, grace: Duration) {
        tracing::info!(executor_id = %self.id, "draining");
        self.membership.drain().await;
        self.runner.drain(grace).await;
        self.membership.leave();
        let _ = self.shutdown.send(true);
        for server in self.servers {
            let _ = server.await;
        }
        if let Some(http) = self.http {
            http.stop().await;
        }
        tracing::info!(executor_id = %self.id, "stopped");
    }
}

async fn bind(host: &str, port: u16) -> Result<TcpListener> {
    TcpListener::bind((host, port))
        .await
        .map_err(|e| ExecutorError::io(format!("binding {host}:{port}"), e))
}

/// Serves one gRPC service with `server` on `listener` until `shutdown` turns true.
fn serve<F>(
    mut server: tonic::transport::Server,
    listener: TcpListener,
    mut shutdown: watch::Receiver<bool>,
    add: F,
) -> JoinHandle<()>
where
    F: FnOnce(&mut tonic::transport::Server) -> tonic::transport::server::Router,
{
    let router = add(&mut server);
    tokio::spawn(async move {
        let stop = async move {
            let _ = shutdown.wait_for(|stop| *stop).await;
        };
        if let Err(e) = router
            .serve_with_incoming_shutdown(kiln_core::runtime::incoming(listener), stop)
            .await
        {
            tracing::error!(error = %e, "gRPC server failed");
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_earlier_process_s_shuffle_and_spill_files_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["job-0123abcd/1/0", "spill/x", "other/keep"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        std::fs::write(dir.path().join("job-file-not-a-dir"), b"keep").unwrap();
        remove_leftovers(dir.path());
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["job-file-not-a-dir", "other"]);
    }
}
