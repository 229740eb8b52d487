//! The in-process state store of the embedded cluster (`kiln run`): nothing outlives the
//! process, which is the point.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use futures::StreamExt;
use futures::stream::BoxStream;
use tokio::sync::{mpsc, watch};
use tokio_stream::wrappers::UnboundedReceiverStream;

use super::{
    Batch, Entry, Fence, Leadership, Registration, Result, StateError, StateStore, WatchEvent,
    check_size,
};

/// Cluster state held in memory; clones share it.
#[derive(Clone, Default)]
pub struct MemoryStore {
    inner: Arc<Mutex<Inner>>,
    /// The current leader: its epoch (the fence revision) and its announced value.
    leader: Arc<watch::Sender<Option<(i64, String)>>>,
}

#[derive(Default)]
struct Inner {
    data: BTreeMap<String, Vec<u8>>,
    watchers: Vec<(String, mpsc::UnboundedSender<WatchEvent>)>,
    epochs: i64,
}

impl Inner {
    fn under(&self, prefix: &str) -> Vec<Entry> {
        self.data
            .range(prefix.to_string()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    fn apply(&mut self, event: WatchEvent) {
        let key = match &event {
            WatchEvent::Put { key, value } => {
                self.data.insert(key.clone(), value.clone());
                key.clone()
            }
            WatchEvent::Delete { key } => {
                if self.data.remove(key).is_none() {
                    return;
                }
                key.clone()
            }
        };
        self.watchers.retain(|(prefix, sender)| {
            !key.starts_with(prefix.as_str()) || sender.send(event.clone()).is_ok()
        });
    }
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().expect("memory store poisoned")
    }

    /// Refuses a write fenced by a leadership that no longer holds.
    pub(super) fn check(&self, key: &str, fence: Option<&Fence>) -> Result<()> {
        match fence {
            Some(fence) if self.leader.borrow().as_ref().map(|l| l.0) != Some(fence.revision) => {
                Err(StateError::Fenced { key: key.into() })
            }
            _ => Ok(()),
        }
    }
}

/// Removes a registered key when dropped.
struct Unregister {
    store: MemoryStore,
    key: String,
}

impl Drop for Unregister {
    fn drop(&mut self) {
        let key = std::mem::take(&mut self.key);
        self.store.lock().apply(WatchEvent::Delete { key });
    }
}

/// Ends a leadership when dropped.
struct Resign {
    leader: Arc<watch::Sender<Option<(i64, String)>>>,
    epoch: i64,
    _lost: watch::Sender<bool>,
}

impl Drop for Resign {
    fn drop(&mut self) {
        self.leader.send_if_modified(|leader| match leader {
            Some((epoch, _)) if *epoch == self.epoch => {
                *leader = None;
                true
            }
            _ => false,
        });
    }
}

#[async_trait::async_trait]
impl StateStore for MemoryStore {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        Ok(self.lock().data.get(key).cloned())
    }

    async fn list(&self, prefix: &str) -> Result<Vec<Entry>> {
        Ok(self.lock().under(prefix))
    }

    async fn apply(&self, batch: Batch, fence: Option<&Fence>) -> Result<()> {
        check_size(&batch)?;
        self.check(&batch.first_key(), fence)?;
        let mut inner = self.lock();
        for (key, value) in batch.puts {
            inner.apply(WatchEvent::Put { key, value });
        }
        for key in batch.deletes {
            inner.apply(WatchEvent::Delete { key });
        }
        Ok(())
    }

    async fn register(&self, key: &str, value: Vec<u8>, _ttl: Duration) -> Result<Registration> {
        self.put(key, value, None).await?;
        // A key in memory never expires: nothing is ever sent.
        let (never, expirations) = watch::channel(0);
        Ok(Registration {
            _guard: Box::new((
                Unregister {
                    store: self.clone(),
                    key: key.into(),
                },
                never,
            )),
            expirations,
        })
    }

    async fn watch(&self, prefix: &str) -> Result<(Vec<Entry>, BoxStream<'static, WatchEvent>)> {
        let (sender, receiver) = mpsc::unbounded_channel();
        let mut inner = self.lock();
        let current = inner.under(prefix);
        inner.watchers.push((prefix.into(), sender));
        Ok((current, UnboundedReceiverStream::new(receiver).boxed()))
    }

    async fn campaign(&self, value: &str, _ttl: Duration) -> Result<Leadership> {
        let mut changes = self.leader.subscribe();
        loop {
            let epoch = {
                let mut inner = self.lock();
                inner.epochs += 1;
                inner.epochs
            };
            let won = self.leader.send_if_modified(|leader| {
                if leader.is_some() {
                    return false;
                }
                *leader = Some((epoch, value.to_string()));
                true
            });
            if won {
                let (lost_sender, lost) = watch::channel(false);
                return Ok(Leadership {
                    fence: Fence {
                        key: super::keys::LEADER.into(),
                        revision: epoch,
                    },
                    lost,
                    _guard: Box::new(Resign {
                        leader: Arc::clone(&self.leader),
                        epoch,
                        _lost: lost_sender,
                    }),
                });
            }
            changes
                .wait_for(Option::is_none)
                .await
                .map_err(|e| StateError::Unavailable(e.to_string()))?;
        }
    }

    async fn leader(&self) -> Result<Option<String>> {
        Ok(self
            .leader
            .borrow()
            .as_ref()
            .map(|(_, value)| value.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn fenced_writes_fail_after_resigning() {
        let store = MemoryStore::new();
        let first = store.campaign("a", Duration::from_secs(1)).await.unwrap();
        let fence = first.fence.clone();
        store
            .put("jobs/1", b"x".to_vec(), Some(&fence))
            .await
            .unwrap();
        assert_eq!(store.leader().await.unwrap().as_deref(), Some("a"));
        drop(first);
        let second = store.campaign("b", Duration::from_secs(1)).await.unwrap();
        assert_eq!(store.leader().await.unwrap().as_deref(), Some("b"));
        let refused = store.put("jobs/1", b"y".to_vec(), Some(&fence)).await;
        assert!(matches!(refused, Err(StateError::Fenced { .. })));
        store
            .put("jobs/1", b"z".to_vec(), Some(&second.fence))
            .await
            .unwrap();
        assert_eq!(store.get("jobs/1").await.unwrap(), Some(b"z".to_vec()));
    }

    #[tokio::test]
    async fn a_second_candidate_waits_for_the_first_to_resign() {
        let store = MemoryStore::new();
        let first = store.campaign("a", Duration::from_secs(1)).await.unwrap();
        let waiting = tokio::spawn({
            let store = store.clone();
            async move {
                store
                    .campaign("b", Duration::from_secs(1))
                    .await
                    .map(|_| ())
            }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!waiting.is_finished());
        drop(first);
        waiting.await.unwrap().unwrap();
    }

    #[tokio::test]
    async fn watch_reports_registrations_and_their_end() {
        let store = MemoryStore::new();
        store.put("executors/a", b"1".to_vec(), None).await.unwrap();
        let (current, mut events) = store.watch("executors/").await.unwrap();
        assert_eq!(current, vec![("executors/a".to_string(), b"1".to_vec())]);
        let registration = store
            .register("executors/b", b"2".to_vec(), Duration::from_secs(1))
            .await
            .unwrap();
        store
            .put("jobs/x", b"ignored".to_vec(), None)
            .await
            .unwrap();
        drop(registration);
        assert_eq!(
            events.next().await,
            Some(WatchEvent::Put {
                key: "executors/b".into(),
                value: b"2".to_vec()
            })
        );
        assert_eq!(
            events.next().await,
            Some(WatchEvent::Delete {
                key: "executors/b".into()
            })
        );
        assert_eq!(store.list("executors/").await.unwrap().len(), 1);
    }
}
