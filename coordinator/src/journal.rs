//! The leader's background writer of job records.
//!
//! Scheduling never waits for the state store: records are queued here and written in the
//! background, fenced by the leader's election, the latest value of each key winning. While
//! the store is unreachable the writes wait and retry, and running stages keep running; a
//! refused (fenced) write means another coordinator leads, and ends this leadership. A caller
//! that must know its record is stored (a sink about to commit) waits for the write's answer.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use kiln_core::state::{Fence, StateError, StateStore};
use tokio::sync::{mpsc, oneshot, watch};

/// A queued write and who waits for it.
type Queued = (String, Vec<u8>, oneshot::Sender<bool>);

/// Queues fenced writes for the background writer.
pub struct Journal {
    sender: mpsc::UnboundedSender<Queued>,
}

impl Journal {
    /// Starts the writer; it turns `deposed` true when a write is refused by the fence.
    pub fn start(store: Arc<dyn StateStore>, fence: Fence, deposed: watch::Sender<bool>) -> Self {
        let (sender, receiver) = mpsc::unbounded_channel();
        tokio::spawn(write_all(store, fence, receiver, deposed));
        Self { sender }
    }

    /// Queues `key = value`. The answer turns true once this value (or a newer one for the
    /// same key) is stored, false if the fence refused it; callers that need not wait drop it.
    pub fn write(&self, key: String, value: Vec<u8>) -> oneshot::Receiver<bool> {
        let (stored, answer) = oneshot::channel();
        let _ = self.sender.send((key, value, stored));
        answer
    }
}

async fn write_all(
    store: Arc<dyn StateStore>,
    fence: Fence,
    mut queue: mpsc::UnboundedReceiver<Queued>,
    deposed: watch::Sender<bool>,
) {
    // The newest value of each key, and everyone waiting for that key.
    let mut pending: BTreeMap<String, (Vec<u8>, Vec<oneshot::Sender<bool>>)> = BTreeMap::new();
    let enqueue = |pending: &mut BTreeMap<_, _>, (key, value, waiter): Queued| {
        let entry: &mut (Vec<u8>, Vec<_>) = pending.entry(key).or_default();
        entry.0 = value;
        entry.1.push(waiter);
    };
    let mut outage = false;
    loop {
        if pending.is_empty() {
            let Some(queued) = queue.recv().await else {
                return;
            };
            enqueue(&mut pending, queued);
        }
        while let Ok(queued) = queue.try_recv() {
            enqueue(&mut pending, queued);
        }
        let (key, (value, waiters)) = pending.pop_first().expect("pending is not empty");
        match store.put(&key, value.clone(), Some(&fence)).await {
            Ok(()) => {
                for waiter in waiters {
                    let _ = waiter.send(true);
                }
                if outage {
                    tracing::info!("cluster state store reachable again; job records caught up");
                    outage = false;
                }
            }
            Err(StateError::Fenced { .. }) => {
                tracing::warn!(%key, "job record refused: another coordinator leads now");
                for waiter in waiters {
                    let _ = waiter.send(false);
                }
                let _ = deposed.send(true);
                return;
            }
            Err(error) => {
                if !outage {
                    tracing::warn!(%error, "cannot write job records; retrying until the store is back");
                    outage = true;
                }
                // A newer value queued meanwhile wins; its waiters and these wait together.
                let entry = pending.entry(key).or_insert((value, vec![]));
                entry.1.extend(waiters);
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
    }
}
