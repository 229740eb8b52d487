//! The leader's background writer of job records.
//!
//! Scheduling never waits for the state store: writes are queued here and applied in the
//! background, fenced by the leader's election, the latest batch queued for each key winning
//! (a job's record, or the batch that moves it to the history when it ends), in the order the
//! keys were first queued: a write queued after another lands after it (a job's end is stored
//! before the deletion that later prunes it from the history). While
//! the store is unreachable the writes wait and retry, and running stages keep running; a
//! refused (fenced) write means another coordinator leads, and ends this leadership. A caller
//! that must know its record is stored (a sink about to commit) waits for the write's answer.

use std::collections::{HashMap, VecDeque};
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
    let mut pending = Pending::default();
    let enqueue = |pending: &mut Pending, (key, batch, waiter): Queued| {
        pending.queue(key, batch, vec![waiter]);
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
        let (key, batch, waiters) = pending.pop_first().expect("pending is not empty");
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
                pending.retry_first(key, batch, waiters);
                if queue.is_closed() {
                    // The leadership ended (its journal was dropped) while the store is out:
                    // its writes would be refused to it once another leads, and whoever waits
                    // for them (a commit holding a database transaction open) must not wait
                    // for ever. Dropping them answers every waiter "not stored".
                    tracing::warn!(
                        writes = pending.len(),
                        "leadership ended with job records unwritten; the next leader resumes from the stored ones"
                    );
                    return;
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
    }
}

/// The writes waiting for the store: the newest batch of each key and everyone waiting for
/// that key, in the order the keys were first queued.
#[derive(Default)]
struct Pending {
    order: VecDeque<String>,
    writes: HashMap<String, (Batch, Vec<oneshot::Sender<bool>>)>,
}

impl Pending {
    fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    fn len(&self) -> usize {
        self.order.len()
    }

    /// Queues `batch` under `key`: last if the key is new, else in the place of the batch it
    /// replaces.
    fn queue(&mut self, key: String, batch: Batch, waiters: Vec<oneshot::Sender<bool>>) {
        match self.writes.get_mut(&key) {
            Some(entry) => {
                entry.0 = batch;
                entry.1.extend(waiters);
            }
            None => {
                self.order.push_back(key.clone());
                self.writes.insert(key, (batch, waiters));
            }
        }
    }

    /// The first write, taken out of the queue.
    fn pop_first(&mut self) -> Option<(String, Batch, Vec<oneshot::Sender<bool>>)> {
        let key = self.order.pop_front()?;
        let (batch, waiters) = self
            .writes
            .remove(&key)
            .expect("every queued key has a write");
        Some((key, batch, waiters))
    }

    /// Puts a write that failed back first; when a newer batch for its key was queued
    /// meanwhile, that one wins, first, and these waiters wait for it.
    fn retry_first(&mut self, key: String, batch: Batch, waiters: Vec<oneshot::Sender<bool>>) {
        match self.writes.get_mut(&key) {
            Some(entry) => {
                entry.1.extend(waiters);
                self.order.retain(|queued| *queued != key);
            }
            None => drop(self.writes.insert(key.clone(), (batch, waiters))),
        }
        self.order.push_front(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::stream::BoxStream;
    use kiln_core::state::{Entry, Leadership, MemoryStore, Registration, WatchEvent};
    use std::sync::atomic::{AtomicBool, Ordering};

    /// A memory store whose writes fail as an unreachable store's do while `down`.
    struct Flaky {
        inner: MemoryStore,
        down: AtomicBool,
    }

    #[async_trait::async_trait]
    impl StateStore for Flaky {
        async fn get(&self, key: &str) -> kiln_core::state::Result<Option<Vec<u8>>> {
            self.inner.get(key).await
        }
        async fn list(&self, prefix: &str) -> kiln_core::state::Result<Vec<Entry>> {
            self.inner.list(prefix).await
        }
        async fn apply(&self, batch: Batch, fence: Option<&Fence>) -> kiln_core::state::Result<()> {
            if self.down.load(Ordering::SeqCst) {
                return Err(StateError::Unavailable("the store is down".into()));
            }
            self.inner.apply(batch, fence).await
        }
        async fn register(
            &self,
            key: &str,
            value: Vec<u8>,
            ttl: Duration,
        ) -> kiln_core::state::Result<Registration> {
            self.inner.register(key, value, ttl).await
        }
        async fn watch(
            &self,
            prefix: &str,
        ) -> kiln_core::state::Result<(Vec<Entry>, BoxStream<'static, WatchEvent>)> {
            self.inner.watch(prefix).await
        }
        async fn campaign(
            &self,
            value: &str,
            ttl: Duration,
        ) -> kiln_core::state::Result<Leadership> {
            self.inner.campaign(value, ttl).await
        }
        async fn leader(&self) -> kiln_core::state::Result<Option<String>> {
            self.inner.leader().await
        }
    }

    /// Found by the chaos suite: a leader cut off from etcd while its commit waited for the
    /// decision's write stepped down, but the write kept retrying and the commit kept its
    /// database transaction open, so the successor's commit waited on its locks for ever.
    #[test]
    fn writes_land_in_the_order_their_keys_were_first_queued() {
        let mut pending = Pending::default();
        let put = |value: &str| Batch::put("k", value.as_bytes().to_vec());
        // A job's end, then the pruning of another: the end lands first whatever the keys.
        pending.queue("jobs/b".into(), put("end"), vec![]);
        pending.queue("history/a".into(), put("prune"), vec![]);
        pending.queue("jobs/b".into(), put("newer end"), vec![]);
        let (key, batch, _) = pending.pop_first().unwrap();
        assert_eq!(
            (key.as_str(), batch.puts[0].1.as_slice()),
            ("jobs/b", &b"newer end"[..])
        );
        // A failed write goes back first; a newer batch queued meanwhile wins it.
        pending.queue("jobs/c".into(), put("c"), vec![]);
        pending.retry_first(key, batch, vec![]);
        assert_eq!(pending.order, ["jobs/b", "history/a", "jobs/c"]);
        let (key, batch, _) = pending.pop_first().unwrap();
        pending.queue("jobs/b".into(), put("newest end"), vec![]);
        pending.retry_first(key, batch, vec![]);
        assert_eq!(pending.order, ["jobs/b", "history/a", "jobs/c"]);
        assert_eq!(pending.writes["jobs/b"].0.puts[0].1, b"newest end");
        assert_eq!(pending.len(), 3);
    }

    #[tokio::test]
    async fn writes_waiting_on_an_unreachable_store_are_answered_when_the_leadership_ends() {
        let store = Arc::new(Flaky {
            inner: MemoryStore::new(),
            down: AtomicBool::new(false),
        });
        let leadership = store.campaign("me", Duration::from_secs(5)).await.unwrap();
        let (deposed, _) = watch::channel(false);
        let metrics = Arc::new(CoordinatorMetrics::default());
        let journal = Journal::start(store.clone(), leadership.fence.clone(), deposed, metrics);
        assert!(
            journal.write("a".into(), b"1".to_vec()).await.unwrap(),
            "stored while up"
        );

        store.down.store(true, Ordering::SeqCst);
        let waiting = journal.write("b".into(), b"2".to_vec());
        tokio::time::sleep(Duration::from_millis(700)).await;
        // The leadership ends: the scheduler drops its journal.
        drop(journal);
        let answer = tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .expect("the waiting write is answered once the journal is dropped");
        assert!(!answer.unwrap_or(false), "not stored");
        store.down.store(false, Ordering::SeqCst);
        assert_eq!(store.get("b").await.unwrap(), None);
    }
}
