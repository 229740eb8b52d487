//! A state store that counts the writes to each key of the store it wraps, for the
//! benchmarks that report state-store writes per job.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::stream::BoxStream;
use kiln_core::state::{Batch, Entry, Fence, Leadership, Registration, StateStore, WatchEvent};

/// A store that counts the writes to each key of the store it wraps.
pub struct CountingStore {
    inner: Arc<dyn StateStore>,
    writes: Mutex<HashMap<String, u64>>,
}

impl CountingStore {
    /// Counts the writes to `inner`.
    pub fn new(inner: Arc<dyn StateStore>) -> Self {
        Self {
            inner,
            writes: Mutex::new(HashMap::new()),
        }
    }

    fn count(&self, key: &str) {
        *self
            .writes
            .lock()
            .expect("counter lock")
            .entry(key.to_string())
            .or_default() += 1;
    }

    /// The writes to `key` so far.
    pub fn writes(&self, key: &str) -> u64 {
        self.writes
            .lock()
            .expect("counter lock")
            .get(key)
            .copied()
            .unwrap_or(0)
    }

    /// The writes to every key so far.
    pub fn total(&self) -> u64 {
        self.writes.lock().expect("counter lock").values().sum()
    }
}

#[async_trait::async_trait]
impl StateStore for CountingStore {
    async fn get(&self, key: &str) -> kiln_core::state::Result<Option<Vec<u8>>> {
        self.inner.get(key).await
    }
    async fn list(&self, prefix: &str) -> kiln_core::state::Result<Vec<Entry>> {
        self.inner.list(prefix).await
    }
    async fn apply(&self, batch: Batch, fence: Option<&Fence>) -> kiln_core::state::Result<()> {
        for (key, _) in &batch.puts {
            self.count(key);
        }
        for key in &batch.deletes {
            self.count(key);
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
    async fn campaign(&self, value: &str, ttl: Duration) -> kiln_core::state::Result<Leadership> {
        self.inner.campaign(value, ttl).await
    }
    async fn leader(&self) -> kiln_core::state::Result<Option<String>> {
        self.inner.leader().await
    }
}
