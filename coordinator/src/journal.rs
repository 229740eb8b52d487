//! The leader's background writer of job records.
//!
//! Scheduling never waits for the state store: writes are queued here and applied in the
//! background, fenced by the leader's election, the latest batch queued for each key winning
//! (a job's record, or the batch that moves it to the history when it ends). While
//! the store is unreachable the writes wait and retry, and running stages keep running; a
//! refused (fenced) write means another coordinator leads, and ends this leadership. A caller
//! that must know its record is stored (a sink about to commit) waits for the write's answer.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use kiln_core::state::{Batch, Fence, StateError, StateStore};

use crate::metrics::CoordinatorMetrics;
use tokio::sync::{mpsc, oneshot, watch};

/// A queued write, the key its newer writes replace it under, and who waits for it.
type Queued = (String, Batch, oneshot::Sender<bool>);

/// Queues fenced writes for the background writer.
pub struct Journal {
    sender: mpsc::UnboundedSender<Queued>,
}

impl Journal {
    /// Starts the writer; it turns `deposed` true when a write is refused by the fence.
    /// Each write's latency and failure go to `metrics`.
    pub fn start(
        store: Arc<dyn StateStore>,
        fence: Fence,
        deposed: watch::Sender<bool>,
        metrics: Arc<CoordinatorMetrics>,
    ) -> Self {
        let (sender, receiver) = mpsc::unbounded_channel();
        tokio::spawn(write_all(store, fence, receiver, deposed, metrics));
        Self { sender }
    }

    /// Queues `key = value`. The answer turns true once this value (or a newer one for the
    /// same key) is stored, false if the fence refused it; callers that need not wait drop it.
    pub fn write(&self, key: String, value: Vec<u8>) -> oneshot::Receiver<bool> {
        let batch = Batch::put(key.clone(), value);
        self.apply(key, batch)
    }

    /// Queues `batch`, which replaces any batch queued under `key` and not yet applied. The
    /// answer is as for [`Journal::write`].
    pub fn apply(&self, key: String, batch: Batch) -> oneshot::Receiver<bool> {
        let (stored, answer) = oneshot::channel();
        let _ = self.sender.send((key, batch, stored));
        answer
    }
}

async fn write_all(
    store: Arc<dyn StateStore>,
    fence: Fence,
    mut queue: mpsc::UnboundedReceiver<Queued>,
    deposed: watch::Sender<bool>,
    metrics: Arc<CoordinatorMetrics>,
) {
    // The newest batch of each key, and everyone waiting for that key.
    let mut pending: BTreeMap<String, (Batch, Vec<oneshot::Sender<bool>>)> = BTreeMap::new();
    let enqueue = |pending: &mut BTreeMap<_, _>, (key, batch, waiter): Queued| {
        let entry: &mut (Batch, Vec<_>) = pending.entry(key).or_default();
        entry.0 = batch;
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
        let (key, (batch, waiters)) = pending.pop_first().expect("pending is not empty");
        let started = std::time::Instant::now();
        let written = store.apply(batch.clone(), Some(&fence)).await;
        metrics.state_write(started.elapsed(), written.is_err());
        match written {
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
            Err(error @ (StateError::TooLarge { .. } | StateError::TooManyWrites { .. })) => {
                // Never stored, however often tried: the write is dropped, not retried. The
                // scheduler fails a job before its record grows this large.
                tracing::error!(%key, %error, "dropping a job record write");
                for waiter in waiters {
                    let _ = waiter.send(false);
                }
            }
            Err(error) => {
                if !outage {
                    tracing::warn!(%error, "cannot write job records; retrying until the store is back");
                    outage = true;
                }
                // A newer value queued meanwhile wins; its waiters and these wait together.
                let entry = pending.entry(key).or_insert((batch, vec![]));
                entry.1.extend(waiters);
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
    }
}
