//! The state store of the embedded default (`kiln run`, `kiln sql`, `kiln crawl` without a
//! coordinator): what must outlive the process (the catalog) is kept in a SQLite file in a
//! state directory, the rest (executors, the leader, this process's jobs) in memory, as in
//! [`MemoryStore`], since it belongs to one process's cluster.
//!
//! Several processes may open one state directory: SQLite's locking makes each batch one
//! transaction that other processes see whole or not at all, and a writer waits for another
//! (up to [`BUSY_TIMEOUT`]) instead of failing.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use backon::{BlockingRetryable, ExponentialBuilder};
use futures::stream::BoxStream;
use rusqlite::{Connection, OptionalExtension, params};

use super::{
    Batch, Entry, Fence, Leadership, MemoryStore, Registration, Result, StateError, StateStore,
    WatchEvent, check_size, keys,
};

/// How long a write waits for another process's write to finish.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// The file in the state directory.
const FILE_NAME: &str = "state.sqlite";

/// Cluster state in a state directory (durable keys) and in memory (the rest).
#[derive(Clone)]
pub struct FileStore {
    db: Arc<Mutex<Connection>>,
    path: PathBuf,
    memory: MemoryStore,
}

/// Whether `key` lives in the file rather than in memory.
fn durable(key: &str) -> bool {
    keys::DURABLE.iter().any(|prefix| key.starts_with(prefix))
}

/// Whether some durable key can be under `prefix`.
fn reaches_durable(prefix: &str) -> bool {
    keys::DURABLE
        .iter()
        .any(|durable| durable.starts_with(prefix) || prefix.starts_with(durable))
}

impl FileStore {
    /// Opens (creating when missing) the state kept in `dir`.
    pub fn open(dir: &Path) -> Result<Self> {
        let path = dir.join(FILE_NAME);
        let failed = |e: &dyn std::fmt::Display| {
            StateError::Unavailable(format!(
                "cannot open the state file {}: {e}",
                path.display()
            ))
        };
        std::fs::create_dir_all(dir).map_err(|e| failed(&e))?;
        let db = Connection::open(&path).map_err(|e| failed(&e))?;
        db.busy_timeout(BUSY_TIMEOUT).map_err(|e| failed(&e))?;
        // Write-ahead logging: readers never wait for a writer of another process. Switching
        // to it while another process opens the same new file can be refused as busy without
        // SQLite waiting, so that step is retried for as long as the busy timeout.
        let prepare = || -> rusqlite::Result<()> {
            db.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
            db.execute(
                "CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value BLOB NOT NULL) \
                 WITHOUT ROWID",
                [],
            )?;
            Ok(())
        };
        let patience = ExponentialBuilder::default()
            .with_min_delay(Duration::from_millis(5))
            .with_max_delay(Duration::from_millis(200))
            .with_total_delay(Some(BUSY_TIMEOUT))
            .without_max_times()
            .with_jitter();
        prepare
            .retry(patience)
            .sleep(std::thread::sleep)
            .when(|e| e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy))
            .call()
            .map_err(|e| failed(&e))?;
        Ok(Self {
            db: Arc::new(Mutex::new(db)),
            path,
            memory: MemoryStore::new(),
        })
    }

    /// The state file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `work` on the file's connection, off the async threads.
    async fn with_db<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T> {
        let db = Arc::clone(&self.db);
        let path = self.path.clone();
        let failed = move |e: &dyn std::fmt::Display| {
            StateError::Unavailable(format!("state file {}: {e}", path.display()))
        };
        tokio::task::spawn_blocking(move || {
            let mut db = db.lock().expect("state file connection poisoned");
            work(&mut db)
        })
        .await
        .map_err(|e| failed(&e))?
        .map_err(|e| failed(&e))
    }
}

#[async_trait::async_trait]
impl StateStore for FileStore {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        if !durable(key) {
            return self.memory.get(key).await;
        }
        let key = key.to_string();
        self.with_db(move |db| {
            db.query_row("SELECT value FROM state WHERE key = ?1", [key], |row| {
                row.get(0)
            })
            .optional()
        })
        .await
    }

    async fn list(&self, prefix: &str) -> Result<Vec<Entry>> {
        let mut entries: Vec<Entry> = self
            .memory
            .list(prefix)
            .await?
            .into_iter()
            .filter(|(key, _)| !durable(key))
            .collect();
        if reaches_durable(prefix) {
            let prefix = prefix.to_string();
            let stored = self
                .with_db(move |db| {
                    // Keys from the prefix up to the first key past it; a range, not a LIKE,
                    // so `%` and `_` in keys mean themselves.
                    let mut query = db.prepare_cached(
                        "SELECT key, value FROM state WHERE key >= ?1 ORDER BY key",
                    )?;
                    let rows = query.query_map([&prefix], |row| Ok((row.get(0)?, row.get(1)?)))?;
                    let mut under = vec![];
                    for row in rows {
                        let (key, value): (String, Vec<u8>) = row?;
                        if !key.starts_with(&prefix) {
                            break;
                        }
                        under.push((key, value));
                    }
                    Ok(under)
                })
                .await?;
            entries.extend(stored);
            entries.sort_by(|a, b| a.0.cmp(&b.0));
        }
        Ok(entries)
    }

    /// The durable writes of `batch` are one SQLite transaction, the others go to memory
    /// after it; Kiln writes no batch that mixes the two.
    async fn apply(&self, batch: Batch, fence: Option<&Fence>) -> Result<()> {
        check_size(&batch)?;
        let (puts, memory_puts): (Vec<_>, Vec<_>) =
            batch.puts.into_iter().partition(|(key, _)| durable(key));
        let (deletes, memory_deletes): (Vec<_>, Vec<_>) =
            batch.deletes.into_iter().partition(|key| durable(key));
        if !puts.is_empty() || !deletes.is_empty() {
            let first = puts
                .first()
                .map(|(key, _)| key.clone())
                .or_else(|| deletes.first().cloned())
                .unwrap_or_default();
            self.memory.check(&first, fence)?;
            self.with_db(move |db| {
                let tx = db.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                for (key, value) in &puts {
                    tx.execute(
                        "INSERT INTO state (key, value) VALUES (?1, ?2) \
                         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        params![key, value],
                    )?;
                }
                for key in &deletes {
                    tx.execute("DELETE FROM state WHERE key = ?1", [key])?;
                }
                tx.commit()
            })
            .await?;
        }
        if memory_puts.is_empty() && memory_deletes.is_empty() {
            return Ok(());
        }
        let rest = Batch {
            puts: memory_puts,
            deletes: memory_deletes,
        };
        self.memory.apply(rest, fence).await
    }

    async fn register(&self, key: &str, value: Vec<u8>, ttl: Duration) -> Result<Registration> {
        self.memory.register(key, value, ttl).await
    }

    /// Watches keys in memory only: the file is changed by other processes too, and they
    /// announce nothing, so a watch of durable keys is refused rather than left silent.
    async fn watch(&self, prefix: &str) -> Result<(Vec<Entry>, BoxStream<'static, WatchEvent>)> {
        if reaches_durable(prefix) {
            return Err(StateError::Unavailable(format!(
                "the state file {} cannot be watched (prefix {prefix:?}); read it instead",
                self.path.display()
            )));
        }
        self.memory.watch(prefix).await
    }

    async fn campaign(&self, value: &str, ttl: Duration) -> Result<Leadership> {
        self.memory.campaign(value, ttl).await
    }

    async fn leader(&self) -> Result<Option<String>> {
        self.memory.leader().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "catalog/tables/sales/orders/";

    #[test]
    fn processes_opening_a_new_state_dir_at_once_all_get_it() {
        // Each thread opens its own connection, as separate `kiln` processes do.
        for _ in 0..5 {
            let dir = tempfile::tempdir().unwrap();
            let opened: Vec<Result<FileStore>> = std::thread::scope(|scope| {
                let handles: Vec<_> = (0..8)
                    .map(|_| scope.spawn(|| FileStore::open(dir.path())))
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            for store in opened {
                store.unwrap();
            }
        }
    }

    #[tokio::test]
    async fn durable_keys_outlive_the_store_and_the_rest_does_not() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = FileStore::open(dir.path()).unwrap();
            let batch = Batch {
                puts: vec![
                    (KEY.into(), b"orders".to_vec()),
                    ("catalog/tables/sales/order_100%/".into(), b"x".to_vec()),
                    ("jobs/j1".into(), b"job".to_vec()),
                ],
                deletes: vec![],
            };
            store.apply(batch, None).await.unwrap();
            assert_eq!(store.get("jobs/j1").await.unwrap(), Some(b"job".to_vec()));
            let all = store.list("").await.unwrap();
            let keys: Vec<&str> = all.iter().map(|(k, _)| k.as_str()).collect();
            assert_eq!(keys, ["catalog/tables/sales/order_100%/", KEY, "jobs/j1"]);
        }
        let store = FileStore::open(dir.path()).unwrap();
        assert_eq!(store.get(KEY).await.unwrap(), Some(b"orders".to_vec()));
        assert_eq!(store.get("jobs/j1").await.unwrap(), None);
        // A prefix is a prefix: `%` is not a wildcard.
        let under = store.list("catalog/tables/sales/order_1").await.unwrap();
        assert_eq!(under.len(), 1);
        store.delete(KEY, None).await.unwrap();
        assert_eq!(store.get(KEY).await.unwrap(), None);
        assert!(store.watch("catalog/").await.is_err());
        assert!(store.watch("executors/").await.is_ok());
    }

    #[tokio::test]
    async fn fenced_durable_writes_need_the_leadership() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::open(dir.path()).unwrap();
        let leadership = store.campaign("me", Duration::from_secs(5)).await.unwrap();
        let fence = leadership.fence.clone();
        store.put(KEY, b"a".to_vec(), Some(&fence)).await.unwrap();
        drop(leadership);
        let refused = store.put(KEY, b"b".to_vec(), Some(&fence)).await;
        assert!(
            matches!(refused, Err(StateError::Fenced { .. })),
            "{refused:?}"
        );
        assert_eq!(store.get(KEY).await.unwrap(), Some(b"a".to_vec()));
    }

    /// Two stores on one directory, as two processes would have them, writing at once: every
    /// write of each lands, and each sees the other's.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn two_stores_on_one_directory_write_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let stores = [
            FileStore::open(dir.path()).unwrap(),
            FileStore::open(dir.path()).unwrap(),
        ];
        let writers = stores.iter().enumerate().map(|(writer, store)| {
            let store = store.clone();
            tokio::spawn(async move {
                for i in 0..200 {
                    let batch = Batch {
                        puts: vec![
                            (format!("catalog/w{writer}/{i:03}/a"), vec![1]),
                            (format!("catalog/w{writer}/{i:03}/b"), vec![2]),
                        ],
                        deletes: vec![],
                    };
                    store.apply(batch, None).await.unwrap();
                }
            })
        });
        for writer in writers.collect::<Vec<_>>() {
            writer.await.unwrap();
        }
        for store in &stores {
            assert_eq!(store.list("catalog/").await.unwrap().len(), 800);
        }
    }
}
