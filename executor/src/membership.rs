//! The executor's side of cluster membership: registration, heartbeats, status reports.

use std::time::Duration;

use kiln_proto::v1 as pb;
use kiln_proto::v1::scheduler_service_client::SchedulerServiceClient;
use tokio::sync::watch;
use tonic::Code;
use tonic::transport::{Channel, Endpoint};

use crate::{ExecutorConfig, ExecutorError, Result};

/// How long an executor keeps trying to reach a coordinator that is not up yet.
const REGISTER_PATIENCE: Duration = Duration::from_secs(30);

/// This executor as the coordinator knows it.
pub(crate) struct Membership {
    url: String,
    client: SchedulerServiceClient<Channel>,
    info: pb::ExecutorInfo,
}

impl Membership {
    pub(crate) async fn connect(config: &ExecutorConfig, info: pb::ExecutorInfo) -> Result<Self> {
        let unreachable = |message: String| ExecutorError::CoordinatorUnreachable {
            url: config.coordinator_url.clone(),
            message,
        };
        let channel = Endpoint::from_shared(config.coordinator_url.clone())
            .map_err(|e| unreachable(e.to_string()))?
            .connect_timeout(Duration::from_secs(5))
            .tcp_nodelay(true)
            .connect_lazy();
        let client = SchedulerServiceClient::new(channel)
            .max_decoding_message_size(config.max_message_size)
            .max_encoding_message_size(config.max_message_size);
        Ok(Self {
            url: config.coordinator_url.clone(),
            client,
            info,
        })
    }

    /// Registers, retrying while the coordinator is unreachable, failing at once when it
    /// rejects this executor (e.g. a protocol version mismatch).
    pub(crate) async fn register(&self) -> Result<()> {
        let request = pb::RegisterExecutorRequest {
            executor: Some(self.info.clone()),
            protocol_version: kiln_proto::PROTOCOL_VERSION,
        };
        let deadline = tokio::time::Instant::now() + REGISTER_PATIENCE;
        loop {
            match self.client.clone().register_executor(request.clone()).await {
                Ok(_) => return Ok(()),
                Err(status) if status.code() == Code::Unavailable => {
                    if tokio::time::Instant::now() > deadline {
                        return Err(ExecutorError::CoordinatorUnreachable {
                            url: self.url.clone(),
                            message: status.message().to_string(),
                        });
                    }
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(status) => return Err(ExecutorError::Rejected(status.message().to_string())),
            }
        }
    }

    /// Heartbeats until `shutdown` turns true; registers again when the coordinator asks
    /// (it restarted or had given this executor up).
    pub(crate) async fn heartbeat_loop(
        self: std::sync::Arc<Self>,
        interval: Duration,
        mut shutdown: watch::Receiver<bool>,
    ) {
        let mut ticker = tokio::time::interval(interval);
        loop {
            tokio::select! {
                _ = ticker.tick() => {}
                _ = shutdown.wait_for(|stop| *stop) => return,
            }
            let request = pb::HeartbeatRequest {
                executor_id: self.info.executor_id.clone(),
            };
            match self.client.clone().heartbeat(request).await {
                Ok(response) if response.get_ref().register_again => {
                    tracing::info!("coordinator asked this executor to register again");
                    if let Err(e) = self.register().await {
                        tracing::warn!(error = %e, "registering again failed");
                    }
                }
                Ok(_) => {}
                Err(status) => tracing::warn!(%status, "heartbeat failed"),
            }
        }
    }

    /// Reports task outcomes, retrying for a while when the coordinator is unreachable.
    pub(crate) async fn report(&self, statuses: Vec<pb::TaskStatus>) {
        let request = pb::ReportTaskStatusRequest {
            executor_id: self.info.executor_id.clone(),
            statuses,
        };
        for attempt in 0..50 {
            match self
                .client
                .clone()
                .report_task_status(request.clone())
                .await
            {
                Ok(_) => return,
                Err(status) => {
                    tracing::warn!(%status, attempt, "reporting task status failed");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
    }

    /// Tells the coordinator this executor is draining, or gone.
    pub(crate) async fn deregister(&self, draining: bool) {
        let request = pb::DeregisterRequest {
            executor_id: self.info.executor_id.clone(),
            draining,
        };
        if let Err(status) = self.client.clone().deregister(request).await {
            tracing::warn!(%status, "deregistering failed");
        }
    }
}
