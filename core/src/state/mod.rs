//! The cluster state store: where executor membership, jobs and the coordinator leader live.
//!
//! [`StateStore`] hides the backend. [`EtcdStore`] keeps the state in etcd, so it survives any
//! coordinator or executor; [`FileStore`] keeps the durable part (the catalog) in a file and
//! the rest in the process, for the embedded cluster of `kiln run`; [`MemoryStore`] keeps all
//! of it in the process, for tests. Keys are relative to a per-cluster prefix the store adds, so several Kiln
//! clusters can share one etcd. The key layout is in [`keys`].
//!
//! Writes of the coordinator leader are *fenced*: they carry the [`Fence`] the leader got when
//! it won the election and apply only while that leadership still holds, so a deposed leader
//! cannot overwrite its successor's state.

mod args;
mod etcd;
mod file;
pub mod keys;
mod memory;

pub use args::StateStoreArgs;
pub use etcd::{EtcdOptions, EtcdStore};
pub use file::FileStore;
pub use memory::MemoryStore;

use std::time::Duration;

use futures::stream::BoxStream;
use tokio::sync::watch;

/// What can go wrong talking to the state store.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StateError {
    /// The store cannot be reached (etcd down, network cut, timeout).
    #[error("cluster state store unavailable: {0}")]
    Unavailable(String),
    /// A fenced write was refused: the writer is no longer the leader.
    #[error("this coordinator is no longer the leader; its write to {key} was refused")]
    Fenced { key: String },
    /// A write was larger than the store accepts in one request.
    #[error(
        "a write of {bytes} bytes to {key} is over the cluster state store's limit of {limit} bytes"
    )]
    TooLarge {
        key: String,
        bytes: usize,
        limit: usize,
    },
    /// A batch held more writes than the store applies in one transaction.
    #[error(
        "a batch of {writes} writes (the first to {key}) is over the cluster state store's limit \
         of {limit} writes per transaction"
    )]
    TooManyWrites {
        key: String,
        writes: usize,
        limit: usize,
    },
    /// A stored value could not be decoded.
    #[error("corrupt value at {key}: {message}")]
    Corrupt { key: String, message: String },
}

/// The state store's result type.
pub type Result<T, E = StateError> = std::result::Result<T, E>;

/// A key and its value.
pub type Entry = (String, Vec<u8>);

/// The most bytes one write may carry: etcd refuses requests over 1.5 MiB by default, and Kiln
/// keeps under it with room for the request's framing.
pub const MAX_WRITE_BYTES: usize = 1024 * 1024;

/// The most writes one batch may carry: etcd's default `--max-txn-ops`.
pub const MAX_BATCH_WRITES: usize = 128;

/// Proof of leadership that a fenced write carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fence {
    /// The leader's own key in the store (absolute).
    key: String,
    /// The revision at which that key was created: it changes whenever leadership does.
    revision: i64,
}

/// Writes that apply together or not at all (one etcd transaction).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Batch {
    /// Keys to write.
    pub puts: Vec<Entry>,
    /// Keys to delete.
    pub deletes: Vec<String>,
}

impl Fence {
    /// The leadership's term: it grows with every new leadership, so a sink can tell a newer
    /// leader's commit from a deposed one's.
    pub fn term(&self) -> i64 {
        self.revision
    }
}

impl Batch {
    /// A batch that writes one key.
    pub fn put(key: impl Into<String>, value: Vec<u8>) -> Self {
        Self {
            puts: vec![(key.into(), value)],
            deletes: vec![],
        }
    }

    /// A batch that deletes one key.
    pub fn delete(key: impl Into<String>) -> Self {
        Self {
            puts: vec![],
            deletes: vec![key.into()],
        }
    }

    /// The bytes the batch sends (keys and values), to check against the store's request limit.
    pub fn size(&self) -> usize {
        let puts: usize = self.puts.iter().map(|(k, v)| k.len() + v.len()).sum();
        puts + self.deletes.iter().map(String::len).sum::<usize>()
    }

    /// A key the batch touches, to name in errors.
    fn first_key(&self) -> String {
        self.puts
            .first()
            .map(|(k, _)| k.clone())
            .or_else(|| self.deletes.first().cloned())
            .unwrap_or_default()
    }
}

/// Refuses a batch over [`MAX_WRITE_BYTES`] or [`MAX_BATCH_WRITES`] before it is sent, so
/// every backend has etcd's limits and the error names the key.
fn check_size(batch: &Batch) -> Result<()> {
    let writes = batch.puts.len() + batch.deletes.len();
    if writes > MAX_BATCH_WRITES {
        return Err(StateError::TooManyWrites {
            key: batch.first_key(),
            writes,
            limit: MAX_BATCH_WRITES,
        });
    }
    let bytes = batch.size();
    if bytes > MAX_WRITE_BYTES {
        return Err(StateError::TooLarge {
            key: batch.first_key(),
            bytes,
            limit: MAX_WRITE_BYTES,
        });
    }
    Ok(())
}

/// A change under a watched prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatchEvent {
    /// A key was created or changed.
    Put { key: String, value: Vec<u8> },
    /// A key was deleted (or its lease expired).
    Delete { key: String },
}

/// A key kept alive by this process: it disappears when the process dies (after the TTL) or
/// when the registration is dropped.
pub struct Registration {
    /// Stops keeping the key alive and removes it.
    _guard: Box<dyn Send + Sync>,
    /// Counts the times the lease expired (the store dropped the key, as if this process had
    /// died) and the key was registered again.
    expirations: watch::Receiver<u64>,
}

impl Registration {
    /// Changes each time the registration's lease expired and the key was written again: the
    /// cluster took this process for dead meanwhile (an executor's work was redone elsewhere).
    pub fn expirations(&self) -> watch::Receiver<u64> {
        self.expirations.clone()
    }
}

/// Leadership won in an election.
pub struct Leadership {
    /// Carried by every write the leader makes.
    pub fence: Fence,
    /// Turns true when leadership is lost (the lease expired while the store was unreachable,
    /// or the key was removed); the holder must stop acting as leader.
    pub lost: watch::Receiver<bool>,
    /// Keeps the leader key alive; dropping it resigns.
    _guard: Box<dyn Send + Sync>,
}

/// The backend of Kiln's cluster state.
#[async_trait::async_trait]
pub trait StateStore: Send + Sync + 'static {
    /// Reads one key.
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>>;

    /// Every key under `prefix`, with its value, in key order. Read page by page, so no
    /// single response of the store grows with the prefix.
    async fn list(&self, prefix: &str) -> Result<Vec<Entry>>;

    /// How many keys lie under `prefix`, without reading them where the store can (etcd
    /// counts on the server).
    async fn count(&self, prefix: &str) -> Result<u64> {
        Ok(self.list(prefix).await?.len() as u64)
    }

    /// Applies every write of `batch` or none; with a fence, only while that leadership holds.
    async fn apply(&self, batch: Batch, fence: Option<&Fence>) -> Result<()>;

    /// Writes `key`; with a fence, only while that leadership holds.
    async fn put(&self, key: &str, value: Vec<u8>, fence: Option<&Fence>) -> Result<()> {
        self.apply(Batch::put(key, value), fence).await
    }

    /// Deletes `key`; with a fence, only while that leadership holds.
    async fn delete(&self, key: &str, fence: Option<&Fence>) -> Result<()> {
        self.apply(Batch::delete(key), fence).await
    }

    /// Writes `key = value` and keeps it alive with a lease of `ttl` until the registration is
    /// dropped. Rewritten with a fresh lease if the old one expired during an outage.
    async fn register(&self, key: &str, value: Vec<u8>, ttl: Duration) -> Result<Registration>;

    /// The keys under `prefix` now, then every change to them. The stream survives store
    /// outages: after one it reports what changed meanwhile.
    async fn watch(&self, prefix: &str) -> Result<(Vec<Entry>, BoxStream<'static, WatchEvent>)>;

    /// Waits until this process leads the cluster, announcing `value` (the coordinator's URL)
    /// as the leader's. The leadership lasts while the process keeps its lease of `ttl` alive.
    async fn campaign(&self, value: &str, ttl: Duration) -> Result<Leadership>;

    /// The current leader's announced value, if there is a leader.
    async fn leader(&self) -> Result<Option<String>>;
}
