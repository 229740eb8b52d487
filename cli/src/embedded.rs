//! A whole Kiln cluster inside the `kiln` process: one coordinator and N executors talking
//! gRPC and Flight over loopback, with no etcd. `kiln run` and `kiln sql` use it by default.

use std::time::Duration;

use kiln_coordinator::{Coordinator, CoordinatorConfig};
use kiln_executor::{Executor, ExecutorConfig};

/// A running embedded cluster; its work files live in a temporary directory removed on drop.
pub struct EmbeddedCluster {
    coordinator: Coordinator,
    executors: Vec<Executor>,
    _work_dir: tempfile::TempDir,
}

impl EmbeddedCluster {
    /// Starts a coordinator and `executors` executors with `slots` task slots each.
    pub async fn start(executors: usize, slots: usize) -> Result<Self, String> {
        let work_dir = tempfile::Builder::new()
            .prefix("kiln-embedded-")
            .tempdir()
            .map_err(|e| format!("creating a work directory: {e}"))?;
        let coordinator = Coordinator::start(CoordinatorConfig {
            shuffle_partitions: (executors * slots).max(2),
            ..CoordinatorConfig::default()
        })
        .await
        .map_err(|e| e.to_string())?;
        let mut started = vec![];
        for i in 0..executors.max(1) {
            let mut config = ExecutorConfig::new(
                coordinator.url(),
                work_dir.path().join(format!("executor-{i}")),
            );
            config.slots = slots.max(1);
            config.heartbeat_interval = Duration::from_secs(1);
            started.push(Executor::start(config).await.map_err(|e| e.to_string())?);
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

    /// Stops executors and coordinator.
    pub async fn stop(self) {
        for executor in self.executors {
            executor.shutdown(Duration::from_secs(1)).await;
        }
        self.coordinator.shutdown().await;
    }
}
