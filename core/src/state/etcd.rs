//! The etcd state store: Kiln's cluster state in etcd's v3 API.
//!
//! Every unary call has a deadline, so an etcd outage surfaces as [`StateError::Unavailable`]
//! instead of a hang. Leases are kept alive by a background task per registration; watches
//! re-list and resume after an outage.

use std::collections::BTreeMap;
use std::future::Future;
use std::path::PathBuf;
use std::time::Duration;

use etcd_client::{
    Certificate, Client, Compare, CompareOp, ConnectOptions, EventType, GetOptions, Identity,
    SortOrder, SortTarget, TlsOptions, Txn, TxnOp, WatchOptions,
};
use futures::StreamExt;
use futures::stream::BoxStream;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio_stream::wrappers::UnboundedReceiverStream;

use super::{
    Batch, Entry, Fence, Leadership, Registration, Result, StateError, StateStore, WatchEvent,
    check_size,
};

/// How to reach etcd.
#[derive(Debug, Clone)]
pub struct EtcdOptions {
    /// Client URLs, e.g. `http://127.0.0.1:2379`.
    pub endpoints: Vec<String>,
    /// The prefix of every key of this Kiln cluster, e.g. `/kiln/`.
    pub prefix: String,
    /// User and password, when etcd has authentication on.
    pub user: Option<(String, String)>,
    /// A CA certificate (PEM) to verify etcd's TLS certificate; enables TLS.
    pub ca_file: Option<PathBuf>,
    /// A client certificate and key (PEM) for etcd's mutual TLS.
    pub cert_file: Option<PathBuf>,
    pub key_file: Option<PathBuf>,
    /// How long one call may take before etcd counts as unavailable.
    pub request_timeout: Duration,
}

impl EtcdOptions {
    /// Options for an etcd at `endpoints` without authentication or TLS.
    pub fn new(endpoints: Vec<String>, prefix: impl Into<String>) -> Self {
        Self {
            endpoints,
            prefix: prefix.into(),
            user: None,
            ca_file: None,
            cert_file: None,
            key_file: None,
            request_timeout: Duration::from_secs(3),
        }
    }
}

/// Cluster state in etcd.
#[derive(Clone)]
pub struct EtcdStore {
    client: Client,
    prefix: String,
    timeout: Duration,
}

fn unavailable(error: etcd_client::Error) -> StateError {
    StateError::Unavailable(error.to_string())
}

impl From<etcd_client::Error> for StateError {
    fn from(error: etcd_client::Error) -> Self {
        unavailable(error)
    }
}

impl EtcdStore {
    /// Connects and checks that etcd answers.
    pub async fn connect(options: &EtcdOptions) -> Result<Self> {
        let mut connect = ConnectOptions::new()
            .with_connect_timeout(options.request_timeout)
            .with_keep_alive(Duration::from_secs(2), options.request_timeout)
            .with_keep_alive_while_idle(true);
        if let Some((user, password)) = &options.user {
            connect = connect.with_user(user, password);
        }
        if let Some(tls) = tls_options(options)? {
            connect = connect.with_tls(tls);
        }
        let endpoints = options.endpoints.join(",");
        let client = deadline(
            options.request_timeout,
            Client::connect(&options.endpoints, Some(connect)),
        )
        .await
        .map_err(|e| {
            StateError::Unavailable(format!("cannot connect to etcd at {endpoints}: {e}"))
        })?;
        let store = Self {
            client,
            prefix: options.prefix.clone(),
            timeout: options.request_timeout,
        };
        let mut maintenance = store.client.maintenance_client();
        deadline(store.timeout, maintenance.status())
            .await
            .map_err(|e| {
                StateError::Unavailable(format!("etcd at {endpoints} does not answer: {e}"))
            })?;
        Ok(store)
    }

    fn absolute(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    fn relative(&self, key: &[u8]) -> String {
        let key = String::from_utf8_lossy(key);
        key.strip_prefix(self.prefix.as_str())
            .unwrap_or(&key)
            .to_string()
    }

    /// Lists under a prefix page by page, all pages at the revision of the first (one
    /// consistent snapshot); also returns that revision. A page too large for one response
    /// is asked for again in halves.
    async fn list_at(&self, prefix: &str) -> Result<(Vec<Entry>, i64)> {
        let mut kv = self.client.kv_client();
        let end = range_end(self.absolute(prefix).as_bytes());
        let mut start = self.absolute(prefix).into_bytes();
        let mut entries = vec![];
        let mut revision = 0;
        let mut limit = LIST_PAGE_KEYS;
        loop {
            let mut options = GetOptions::new().with_range(end.clone()).with_limit(limit);
            if revision > 0 {
                options = options.with_revision(revision);
            }
            let response = match deadline(self.timeout, kv.get(start.clone(), Some(options))).await
            {
                Ok(response) => response,
                Err(error) if limit > 1 && response_too_large(&error) => {
                    limit = (limit / 2).max(1);
                    continue;
                }
                Err(error) => return Err(unavailable(error)),
            };
            if revision == 0 {
                revision = response.header().map(|h| h.revision()).unwrap_or(0);
            }
            let kvs = response.kvs();
            entries.extend(
                kvs.iter()
                    .map(|kv| (self.relative(kv.key()), kv.value().to_vec())),
            );
            match kvs.last() {
                Some(last) if response.more() => {
                    start = last.key().to_vec();
                    start.push(0);
                }
                _ => return Ok((entries, revision)),
            }
        }
    }

    async fn grant(&self, ttl: Duration) -> Result<i64> {
        let mut lease = self.client.lease_client();
        let ttl = ttl.as_secs().max(1) as i64;
        Ok(deadline(self.timeout, lease.grant(ttl, None)).await?.id())
    }

    async fn write(&self, batch: Batch, fence: Option<&Fence>) -> Result<()> {
        check_size(&batch)?;
        let key = batch.first_key();
        let mut kv = self.client.kv_client();
        let compares: Vec<Compare> = fence
            .iter()
            .map(|f| Compare::create_revision(f.key.clone(), CompareOp::Equal, f.revision))
            .collect();
        let puts = batch
            .puts
            .into_iter()
            .map(|(key, value)| TxnOp::put(self.absolute(&key), value, None));
        let deletes = batch
            .deletes
            .iter()
            .map(|key| TxnOp::delete(self.absolute(key), None));
        let ops: Vec<TxnOp> = puts.chain(deletes).collect();
        let txn = Txn::new().when(compares).and_then(ops);
        let response = deadline(self.timeout, kv.txn(txn)).await?;
        if response.succeeded() {
            Ok(())
        } else {
            Err(StateError::Fenced { key })
        }
    }
}

/// Keys a listing asks etcd for at once (fewer when a page is too large for one response).
const LIST_PAGE_KEYS: i64 = 256;

/// The end of the key range of everything under `prefix` (the prefix with its last byte
/// raised, as etcd's own prefix option computes it).
fn range_end(prefix: &[u8]) -> Vec<u8> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xff {
            end.push(last + 1);
            return end;
        }
    }
    vec![0]
}

/// Whether etcd's answer was over the client's message size limit (a page to ask in halves).
fn response_too_large(error: &etcd_client::Error) -> bool {
    matches!(error, etcd_client::Error::GRpcStatus(status) if status.code() == tonic::Code::OutOfRange)
}

fn tls_options(options: &EtcdOptions) -> Result<Option<TlsOptions>> {
    let read = |path: &PathBuf| {
        std::fs::read(path).map_err(|e| {
            StateError::Unavailable(format!("cannot read etcd TLS file {}: {e}", path.display()))
        })
    };
    let Some(ca) = &options.ca_file else {
        return Ok(None);
    };
    let mut tls = TlsOptions::new().ca_certificate(Certificate::from_pem(read(ca)?));
    if let (Some(cert), Some(key)) = (&options.cert_file, &options.key_file) {
        tls = tls.identity(Identity::from_pem(read(cert)?, read(key)?));
    }
    Ok(Some(tls))
}

/// Runs an etcd call with a deadline; a call past it fails as a timeout.
async fn deadline<T>(
    timeout: Duration,
    call: impl Future<Output = Result<T, etcd_client::Error>>,
) -> Result<T, etcd_client::Error> {
    tokio::time::timeout(timeout, call)
        .await
        .unwrap_or_else(|_| {
            Err(etcd_client::Error::IoError(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!("etcd did not answer within {timeout:?}"),
            )))
        })
}

/// The share of its lease's TTL after the last renewal at which a leader that could not renew
/// it gives up leading: before the lease can expire and a standby be elected, so two leaders
/// never act at once.
const LEADER_DOUBT_SHARE: f64 = 0.75;

/// What a lease keeper does when its lease has expired.
enum OnExpiry {
    /// Write the key again under a fresh lease (an executor's registration), counting the
    /// expiry.
    Renew {
        key: String,
        value: Vec<u8>,
        expirations: watch::Sender<u64>,
    },
    /// Report the loss and stop (a leader's lease: the leadership is gone).
    Lose(watch::Sender<bool>),
}

/// Keeps a lease alive until aborted; revokes it when dropped.
struct LeaseGuard {
    store: EtcdStore,
    lease: watch::Receiver<i64>,
    keeper: JoinHandle<()>,
}

impl Drop for LeaseGuard {
    fn drop(&mut self) {
        self.keeper.abort();
        let lease = *self.lease.borrow();
        let mut client = self.store.client.lease_client();
        let timeout = self.store.timeout;
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                let _ = deadline(timeout, client.revoke(lease)).await;
            });
        }
    }
}

impl EtcdStore {
    fn keep_alive(&self, lease: i64, ttl: Duration, on_expiry: OnExpiry) -> LeaseGuard {
        let (current, receiver) = watch::channel(lease);
        let store = self.clone();
        let keeper = tokio::spawn(async move {
            let interval = (ttl / 4).max(Duration::from_millis(250));
            let mut lease = lease;
            // The lease lives at least `ttl` past the last renewal sent that etcd answered.
            let mut renewed_at = tokio::time::Instant::now();
            loop {
                tokio::time::sleep(interval).await;
                let mut client = store.client.lease_client();
                let sent_at = tokio::time::Instant::now();
                // A leader is in doubt before its lease can have expired: it must stop acting
                // while a successor cannot yet have been elected.
                let in_doubt_at = renewed_at + ttl.mul_f64(LEADER_DOUBT_SHARE);
                let wait = match &on_expiry {
                    OnExpiry::Lose(_) => store.timeout.min(in_doubt_at - sent_at),
                    OnExpiry::Renew { .. } => store.timeout,
                };
                let answer = tokio::time::timeout(wait, client.keep_alive(lease)).await;
                if let OnExpiry::Lose(lost) = &on_expiry
                    && !matches!(answer, Ok(Ok(_)))
                    && tokio::time::Instant::now() >= in_doubt_at
                {
                    tracing::warn!(
                        lease,
                        "the leader's lease could not be renewed in time; leadership given up"
                    );
                    let _ = lost.send(true);
                    return;
                }
                match answer {
                    Ok(Ok(_)) => renewed_at = sent_at,
                    Ok(Err(etcd_client::Error::LeaseKeepAliveError(_))) => match &on_expiry {
                        OnExpiry::Lose(lost) => {
                            tracing::warn!(lease, "lease expired; leadership lost");
                            let _ = lost.send(true);
                            return;
                        }
                        OnExpiry::Renew {
                            key,
                            value,
                            expirations,
                        } => match store.put_with_new_lease(key, value.clone(), ttl).await {
                            Ok(renewed) => {
                                tracing::warn!(key = %key, "lease had expired; registered again");
                                lease = renewed;
                                let _ = current.send(lease);
                                expirations.send_modify(|n| *n += 1);
                            }
                            Err(error) => tracing::warn!(%error, "registering again failed"),
                        },
                    },
                    Ok(Err(error)) => tracing::warn!(%error, "lease keep-alive failed"),
                    Err(_) => tracing::warn!("lease keep-alive timed out; etcd unreachable"),
                }
            }
        });
        LeaseGuard {
            store: self.clone(),
            lease: receiver,
            keeper,
        }
    }

    async fn put_with_new_lease(&self, key: &str, value: Vec<u8>, ttl: Duration) -> Result<i64> {
        let lease = self.grant(ttl).await?;
        let mut kv = self.client.kv_client();
        let options = etcd_client::PutOptions::new().with_lease(lease);
        deadline(
            self.timeout,
            kv.put(self.absolute(key), value, Some(options)),
        )
        .await?;
        Ok(lease)
    }
}

/// Follows a prefix: events from `revision + 1`, re-listing after any interruption.
async fn follow(
    store: EtcdStore,
    prefix: String,
    mut known: BTreeMap<String, Vec<u8>>,
    mut revision: i64,
    events: mpsc::UnboundedSender<WatchEvent>,
) {
    let absolute = store.absolute(&prefix);
    loop {
        let mut watcher = store.client.watch_client();
        let options = WatchOptions::new()
            .with_prefix()
            .with_start_revision(revision + 1);
        if let Ok(mut stream) = watcher.watch(absolute.clone(), Some(options)).await {
            loop {
                let message = tokio::select! {
                    message = stream.message() => message,
                    _ = events.closed() => return,
                };
                let Ok(Some(response)) = message else { break };
                if response.canceled() {
                    break;
                }
                for event in response.events() {
                    let Some(kv) = event.kv() else { continue };
                    let key = store.relative(kv.key());
                    revision = revision.max(kv.mod_revision());
                    let change = match event.event_type() {
                        EventType::Put => {
                            known.insert(key.clone(), kv.value().to_vec());
                            WatchEvent::Put {
                                key,
                                value: kv.value().to_vec(),
                            }
                        }
                        EventType::Delete => {
                            known.remove(&key);
                            WatchEvent::Delete { key }
                        }
                    };
                    if events.send(change).is_err() {
                        return;
                    }
                }
                if let Some(header) = response.header() {
                    revision = revision.max(header.revision());
                }
            }
        }
        // Interrupted (outage or compaction): re-list and report the difference.
        loop {
            tokio::time::sleep(Duration::from_millis(500)).await;
            if events.is_closed() {
                return;
            }
            let Ok((entries, at)) = store.list_at(&prefix).await else {
                continue;
            };
            let now: BTreeMap<String, Vec<u8>> = entries.into_iter().collect();
            for key in known.keys().filter(|k| !now.contains_key(*k)) {
                let _ = events.send(WatchEvent::Delete { key: key.clone() });
            }
            for (key, value) in now.iter().filter(|(k, v)| known.get(*k) != Some(v)) {
                let _ = events.send(WatchEvent::Put {
                    key: key.clone(),
                    value: value.clone(),
                });
            }
            known = now;
            revision = at;
            break;
        }
    }
}

#[async_trait::async_trait]
impl StateStore for EtcdStore {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        let mut kv = self.client.kv_client();
        let response = deadline(self.timeout, kv.get(self.absolute(key), None)).await?;
        Ok(response.kvs().first().map(|kv| kv.value().to_vec()))
    }

    async fn list(&self, prefix: &str) -> Result<Vec<Entry>> {
        Ok(self.list_at(prefix).await?.0)
    }

    async fn count(&self, prefix: &str) -> Result<u64> {
        let mut kv = self.client.kv_client();
        let start = self.absolute(prefix).into_bytes();
        let options = GetOptions::new()
            .with_range(range_end(&start))
            .with_count_only();
        let response = deadline(self.timeout, kv.get(start, Some(options)))
            .await
            .map_err(unavailable)?;
        Ok(u64::try_from(response.count()).unwrap_or(0))
    }

    async fn apply(&self, batch: Batch, fence: Option<&Fence>) -> Result<()> {
        self.write(batch, fence).await
    }

    async fn register(&self, key: &str, value: Vec<u8>, ttl: Duration) -> Result<Registration> {
        let lease = self.put_with_new_lease(key, value.clone(), ttl).await?;
        let (sender, expirations) = watch::channel(0);
        let guard = self.keep_alive(
            lease,
            ttl,
            OnExpiry::Renew {
                key: key.into(),
                value,
                expirations: sender,
            },
        );
        Ok(Registration {
            _guard: Box::new(guard),
            expirations,
        })
    }

    async fn watch(&self, prefix: &str) -> Result<(Vec<Entry>, BoxStream<'static, WatchEvent>)> {
        let (entries, revision) = self.list_at(prefix).await?;
        let (sender, receiver) = mpsc::unbounded_channel();
        tokio::spawn(follow(
            self.clone(),
            prefix.into(),
            entries.iter().cloned().collect(),
            revision,
            sender,
        ));
        Ok((entries, UnboundedReceiverStream::new(receiver).boxed()))
    }

    async fn campaign(&self, value: &str, ttl: Duration) -> Result<Leadership> {
        let lease = self.grant(ttl).await?;
        let (lost_sender, lost) = watch::channel(false);
        // Keep the lease alive while waiting: a campaign can wait for a long time.
        let guard = self.keep_alive(lease, ttl, OnExpiry::Lose(lost_sender));
        let mut election = self.client.election_client();
        let mut expired = lost.clone();
        // A lease lost while waiting (etcd unreachable too long) can never win: the caller
        // campaigns again with a fresh one instead of waiting forever.
        let won = tokio::select! {
            won = election.campaign(self.absolute(super::keys::LEADER), value, lease) => {
                won.map_err(unavailable)?
            }
            _ = expired.wait_for(|lost| *lost) => {
                return Err(StateError::Unavailable(
                    "the lease expired while campaigning for leader".into(),
                ));
            }
        };
        let key = won
            .leader()
            .ok_or_else(|| StateError::Unavailable("etcd returned no leader key".into()))?;
        Ok(Leadership {
            fence: Fence {
                key: String::from_utf8_lossy(key.key()).into_owned(),
                revision: key.rev(),
            },
            lost,
            _guard: Box::new(guard),
        })
    }

    async fn leader(&self) -> Result<Option<String>> {
        // The election API's leader is the candidate key created first.
        let mut kv = self.client.kv_client();
        let options = GetOptions::new()
            .with_prefix()
            .with_sort(SortTarget::Create, SortOrder::Ascend)
            .with_limit(1);
        let prefix = format!("{}/", self.absolute(super::keys::LEADER));
        let response = deadline(self.timeout, kv.get(prefix, Some(options))).await?;
        Ok(response
            .kvs()
            .first()
            .map(|kv| String::from_utf8_lossy(kv.value()).into_owned()))
    }
}
