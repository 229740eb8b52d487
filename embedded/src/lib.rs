//! A whole Kiln cluster inside one process: one coordinator and N executors talking gRPC and
//! Flight over loopback, with a state store in the process (or a state file, for the catalog)
//! instead of etcd. `kiln run` and `kiln sql` use it by default; the SDK's examples run
//! against it.
//!
//! ```
//! # #[tokio::main(flavor = "multi_thread")]
//! # async fn main() -> Result<(), String> {
//! let cluster = kiln_embedded::EmbeddedCluster::start(2, 2).await?;
//! assert!(cluster.url().starts_with("http://127.0.0.1:"));
//! cluster.stop().await;
//! # Ok(()) }
//! ```

use std::sync::Arc;
use std::time::Duration;

use kiln_coordinator::{Coordinator, CoordinatorConfig};
use kiln_core::state::{MemoryStore, StateStore};
use kiln_executor::{Executor, ExecutorConfig};

/// A running embedded cluster; its work files live in a temporary directory removed on drop.
pub struct EmbeddedCluster {
    coordinator: Coordinator,
    executors: Vec<Executor>,
    _work_dir: tempfile::TempDir,
}

impl EmbeddedCluster {
    /// Starts a coordinator and `executors` executors with `slots` task slots each, keeping
    /// the cluster state in memory: nothing outlives the cluster.
    pub async fn start(executors: usize, slots: usize) -> Result<Self, String> {
        Self::start_with_store(Arc::new(MemoryStore::new()), executors, slots, None).await
    }

    /// Starts a cluster as [`Self::start`] does, on `store` (a [`kiln_core::state::FileStore`]
    /// keeps the catalog between runs); with `http_port`, the coordinator serves its HTTP
    /// endpoint (probes, REST API, web UI) on that port of 127.0.0.1 (0 picks a free one).
    pub async fn start_with_store(
        store: Arc<dyn StateStore>,
        executors: usize,
        slots: usize,
        http_port: Option<u16>,
    ) -> Result<Self, String> {
        let work_dir = tempfile::Builder::new()
            .prefix("kiln-embedded-")
            .tempdir()
            .map_err(|e| format!("creating a work directory: {e}"))?;
        let coordinator = Coordinator::start(
            CoordinatorConfig {
                shuffle_partitions: (executors * slots).max(2),
                http_port,
                ..CoordinatorConfig::default()
            },
            Arc::clone(&store),
        )
        .await
        .map_err(|e| e.to_string())?;
        coordinator.wait_until_leader().await;
        let mut started = vec![];
        for i in 0..executors.max(1) {
            let mut config = ExecutorConfig::new(work_dir.path().join(format!("executor-{i}")));
            config.slots = slots.max(1);
            let executor = Executor::start(config, Arc::clone(&store))
                .await
                .map_err(|e| e.to_string())?;
            started.push(executor);
        }
        Ok(Self {
            coordinator,
            executors: started,
            _work_dir: work_dir,
        })
    }

    /// The coordinator's URL.
    pub fn url(&self) -> String {
        self.coordinator.url()
    }

    /// The address of the coordinator's HTTP endpoint, when it serves one.
    pub fn http_addr(&self) -> Option<std::net::SocketAddr> {
        self.coordinator.http_addr()
    }

    /// Stops executors and coordinator.
    pub async fn stop(self) {
        for executor in self.executors {
            executor.shutdown(Duration::from_secs(1)).await;
        }
        self.coordinator.shutdown().await;
    }
}
