//! The leader's background writer of job records.
//!
//! Scheduling never waits for the state store: records are queued here and written in the
//! background, fenced by the leader's election, the latest value of each key winning. While
//! the store is unreachable the writes wait and retry, and running stages keep running; a
//! refused (fenced) write means another coordinator leads, and ends this leadership.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use kiln_core::state::{Fence, StateError, StateStore};
use tokio::sync::{mpsc, watch};

/// Queues fenced writes for the background writer.
pub struct Journal {
    sender: mpsc::UnboundedSender<(String, Vec<u8>)>,
}

impl Journal {
    /// Starts the writer; it turns `deposed` true when a write is refused by the fence.
    pub fn start(store: Arc<dyn StateStore>, fence: Fence, deposed: watch::Sender<bool>) -> Self {
        let (sender, receiver) = mpsc::unbounded_channel();
        tokio::spawn(write_all(store, fence, receiver, deposed));
        Self { sender }
    }

    /// Queues `key = value`.
    pub fn write(&self, key: String, value: Vec<u8>) {
        let _ = self.sender.send((key, value));
    }
}

async fn write_all(
    store: Arc<dyn StateStore>,
    fence: Fence,
    mut queue: mpsc::UnboundedReceiver<(String, Vec<u8>)>,
    deposed: watch::Sender<bool>,
) {
    let mut pending: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut outage = false;
    loop {
        if pending.is_empty() {
            let Some((key, value)) = queue.recv().await else {
                return;
            };
            pending.insert(key, value);
        }
        while let Ok((key, value)) = queue.try_recv() {
            pending.insert(key, value);
        }
        let (key, value) = pending.pop_first().expect("pending is not empty");
        match store.put(&key, value.clone(), Some(&fence)).await {
            Ok(()) => {
                if outage {
                    tracing::info!("cluster state store reachable again; job records caught up");
                    outage = false;
                }
            }
            Err(StateError::Fenced { .. }) => {
                tracing::warn!(%key, "job record refused: another coordinator leads now");
                let _ = deposed.send(true);
                return;
            }
            Err(error) => {
                if !outage {
                    tracing::warn!(%error, "cannot write job records; retrying until the store is back");
                    outage = true;
                }
                pending.entry(key).or_insert(value);
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
    }
}
