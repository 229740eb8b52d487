//! The executor's side of cluster membership: it joins by registering its own key, bound to
//! its lease, in the state store, and reports task outcomes to whichever coordinator leads.

use kiln_proto::internal::v1 as ipb;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ipb::scheduler_service_client::SchedulerServiceClient;
use kiln_core::auth::{AuthChannel, Token};
use kiln_core::flight::{KEEP_ALIVE_INTERVAL, KEEP_ALIVE_TIMEOUT};
use kiln_core::state::{Registration, StateStore, keys};
use kiln_core::tls::Tls;
use prost::Message;
use tonic::Code;

use crate::{ExecutorConfig, ExecutorError, Result};

/// How long an executor waits for a leader to be elected when it starts.
const JOIN_PATIENCE: Duration = Duration::from_secs(30);

/// How long one call to the leader may take: each is answered in moments by a leader that
/// works.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// How long an executor keeps trying to deliver task outcomes (across a leader failover).
const REPORT_PATIENCE: Duration = Duration::from_secs(120);

/// This executor as the cluster knows it.
pub(crate) struct Membership {
    store: Arc<dyn StateStore>,
    info: ipb::ExecutorInfo,
    lease_ttl: Duration,
    max_message_size: usize,
    token: Token,
    tls: Tls,
    /// The leader's URL and a client for it, once found.
    leader: Mutex<Option<(String, SchedulerServiceClient<AuthChannel>)>>,
    registration: Mutex<Option<Registration>>,
}

impl Membership {
    pub(crate) fn new(
        store: Arc<dyn StateStore>,
        info: ipb::ExecutorInfo,
        config: &ExecutorConfig,
    ) -> Self {
        Self {
            store,
            info,
            lease_ttl: config.lease_ttl,
            max_message_size: config.max_message_size,
            token: config.tokens.member().clone(),
            tls: config.tls.clone(),
            leader: Mutex::new(None),
            registration: Mutex::new(None),
        }
    }

    /// A client for the current leader, looked up in the state store when not known yet.
    async fn leader(&self) -> Result<(String, SchedulerServiceClient<AuthChannel>)> {
        if let Some(known) = self.leader.lock().expect("leader lock").clone() {
            return Ok(known);
        }
        let url = self.store.leader().await?.ok_or(ExecutorError::NoLeader)?;
        let channel = self
            .tls
            .endpoint(&url)
            .map_err(|message| ExecutorError::CoordinatorUnreachable {
                url: url.clone(),
                message,
            })?
            .connect_timeout(Duration::from_secs(5))
            .tcp_nodelay(true)
            // A leader that froze (or whose host vanished) fails the call instead of holding
            // it forever: the executor looks the leader up again and reports to the new one.
            .http2_keep_alive_interval(KEEP_ALIVE_INTERVAL)
            .keep_alive_timeout(KEEP_ALIVE_TIMEOUT)
            .timeout(CALL_TIMEOUT)
            .connect_lazy();
        let client = SchedulerServiceClient::new(self.token.channel(channel))
            .max_decoding_message_size(self.max_message_size)
            .max_encoding_message_size(self.max_message_size);
        *self.leader.lock().expect("leader lock") = Some((url.clone(), client.clone()));
        Ok((url, client))
    }

    /// Forgets the leader after a failed call, so the next call looks it up again.
    fn forget_leader(&self) {
        *self.leader.lock().expect("leader lock") = None;
    }

    /// Joins the cluster: asks the leader to accept this executor (failing at once when it
    /// rejects it, e.g. a protocol version mismatch), then registers in the state store.
    pub(crate) async fn join(&self) -> Result<()> {
        let request = ipb::RegisterExecutorRequest {
            executor: Some(self.info.clone()),
            protocol_version: kiln_proto::PROTOCOL_VERSION,
        };
        let deadline = tokio::time::Instant::now() + JOIN_PATIENCE;
        loop {
            let outcome = match self.leader().await {
                Ok((url, mut client)) => match client.register_executor(request.clone()).await {
                    Ok(_) => break,
                    Err(status) if status.code() == Code::Unavailable => {
                        ExecutorError::CoordinatorUnreachable {
                            url,
                            message: status.message().to_string(),
                        }
                    }
                    Err(status) => {
                        return Err(ExecutorError::Rejected(status.message().to_string()));
                    }
                },
                Err(error) => error,
            };
            if tokio::time::Instant::now() > deadline {
                return Err(outcome);
            }
            self.forget_leader();
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let registration = self
            .store
            .register(
                &keys::executor(&self.info.executor_id),
                self.info.encode_to_vec(),
                self.lease_ttl,
            )
            .await?;
        *self.registration.lock().expect("registration lock") = Some(registration);
        Ok(())
    }

    /// Reports task outcomes to the leader, retrying while no leader answers (a failover).
    pub(crate) async fn report(&self, statuses: Vec<ipb::TaskStatus>) {
        let request = ipb::ReportTaskStatusRequest {
            executor_id: self.info.executor_id.clone(),
            statuses,
        };
        let deadline = tokio::time::Instant::now() + REPORT_PATIENCE;
        while tokio::time::Instant::now() < deadline {
            match self.leader().await {
                Ok((_, mut client)) => match client.report_task_status(request.clone()).await {
                    Ok(_) => return,
                    Err(status) => tracing::warn!(%status, "reporting task status failed"),
                },
                Err(error) => tracing::warn!(%error, "no leader to report task status to"),
            }
            self.forget_leader();
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        tracing::error!("gave up reporting task outcomes; the leader will run them again");
    }

    /// Tells the leader which attempts run here and how much memory they hold; returns
    /// those it says to kill (none when no leader answers: the next heartbeat asks again).
    pub(crate) async fn heartbeat(
        &self,
        running: Vec<ipb::TaskId>,
        memory: ipb::MemoryUsage,
    ) -> Vec<ipb::TaskId> {
        let request = ipb::HeartbeatRequest {
            executor_id: self.info.executor_id.clone(),
            running,
            memory: Some(memory),
        };
        let answer = match self.leader().await {
            Ok((_, mut client)) => client.heartbeat(request).await,
            Err(_) => return vec![],
        };
        match answer {
            Ok(response) => response.into_inner().cancel,
            Err(status) => {
                tracing::debug!(%status, "heartbeat not answered");
                self.forget_leader();
                vec![]
            }
        }
    }

    /// Tells the leader this executor takes no new tasks.
    pub(crate) async fn drain(&self) {
        let request = ipb::DrainRequest {
            executor_id: self.info.executor_id.clone(),
        };
        match self.leader().await {
            Ok((_, mut client)) => {
                if let Err(status) = client.drain(request).await {
                    tracing::warn!(%status, "announcing the drain failed");
                }
            }
            Err(error) => tracing::warn!(%error, "no leader to announce the drain to"),
        }
    }

    /// Changes each time this executor's lease expired and it registered again (see
    /// [`Registration::expirations`]); `None` before it joined.
    pub(crate) fn expirations(&self) -> Option<tokio::sync::watch::Receiver<u64>> {
        let registration = self.registration.lock().expect("registration lock");
        registration.as_ref().map(Registration::expirations)
    }

    /// Whether this executor is registered in the state store (and so gets tasks).
    pub(crate) fn is_registered(&self) -> bool {
        self.registration
            .lock()
            .expect("registration lock")
            .is_some()
    }

    /// Leaves the cluster: the registration's key goes, and with it this executor's files.
    pub(crate) fn leave(&self) {
        self.registration.lock().expect("registration lock").take();
    }
}
