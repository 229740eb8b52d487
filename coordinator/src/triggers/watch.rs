//! Watching a location for stores that send no notifications (the test S3 server, a local
//! directory, any object store): every interval the leader lists the trigger's location and
//! takes the objects modified since its last listing as created events, through the same
//! deduplication and batching as posted notifications.
//!
//! The listing keeps a watermark, the newest modification time it saw, and takes objects
//! modified up to [`SKEW_MS`] before it, so objects that land out of key order or share a
//! timestamp are not missed; those seen already are recognised by their id (key and ETag).

use datafusion::datasource::listing::ListingTableUrl;
use futures::TryStreamExt;
use kiln_core::ids::now_ms;
use kiln_core::state::{Fence, keys};
use prost::Message;

use super::events::CreatedObject;
use super::{Board, Triggers};

/// How far before the watermark a listing still takes objects: an object store's clock and
/// a slow upload's modification time may lag.
pub const SKEW_MS: u64 = 5 * 60 * 1000;

impl Triggers {
    /// Lists each watching trigger's location whose interval passed; returns when the next
    /// listing is due (ms since the epoch), if any trigger watches.
    pub(super) async fn watch_due(&self, board: &mut Board, fence: &Fence) -> Option<u64> {
        let mut next: Option<u64> = None;
        let names: Vec<String> = board
            .triggers
            .values()
            .filter(|t| t.watch_interval_secs > 0 && !t.suspended)
            .map(|t| t.name.clone())
            .collect();
        for name in names {
            let interval = u64::from(board.triggers[&name].watch_interval_secs) * 1000;
            let due = board.listed_at_ms.get(&name).map_or(0, |at| at + interval);
            if due > now_ms() {
                next = Some(next.map_or(due, |n| n.min(due)));
                continue;
            }
            board.listed_at_ms.insert(name.clone(), now_ms());
            next = Some(next.map_or(now_ms() + interval, |n| n.min(now_ms() + interval)));
            if let Err(error) = self.list_once(board, fence, &name).await {
                tracing::warn!(trigger = %name, %error, "listing a watched location failed; next interval");
            }
        }
        next
    }

    /// Lists `name`'s location once and keeps what is new.
    async fn list_once(&self, board: &mut Board, fence: &Fence, name: &str) -> Result<(), String> {
        let trigger = board.triggers[name].clone();
        let location = match trigger.watch.as_str() {
            "" => format!("s3://{}/", trigger.bucket),
            location => location.to_string(),
        };
        let url = ListingTableUrl::parse(&location).map_err(|e| format!("{location}: {e}"))?;
        let state = self.scheduler.session_state();
        let store = state
            .runtime_env()
            .object_store(&url)
            .map_err(|e| format!("{location}: {e}"))?;
        let base = url.prefix().as_ref().to_string();
        let from = trigger.watched_until_ms.saturating_sub(SKEW_MS);
        let objects: Vec<_> = store
            .list(Some(url.prefix()))
            .try_collect()
            .await
            .map_err(|e| format!("listing {location}: {e}"))?;
        let mut newest = trigger.watched_until_ms;
        let mut wanted = vec![];
        for meta in objects {
            let modified = meta.last_modified.timestamp_millis().max(0) as u64;
            let path = meta.location.as_ref();
            let key = path
                .strip_prefix(base.as_str())
                .map(|k| k.trim_start_matches('/'))
                .unwrap_or(path);
            if modified < from
                || !key.starts_with(&trigger.prefix)
                || !key.ends_with(&trigger.suffix)
            {
                continue;
            }
            newest = newest.max(modified);
            wanted.push((
                name.to_string(),
                CreatedObject {
                    bucket: trigger.bucket.clone(),
                    key: key.to_string(),
                    etag: meta.e_tag.clone().unwrap_or_default(),
                    // No sequencer here: the modification time and size tell versions apart.
                    sequencer: format!("{modified}-{}", meta.size),
                },
            ));
        }
        let (accepted, _) = self
            .keep(board, fence, wanted)
            .await
            .map_err(|e| e.to_string())?;
        if newest > trigger.watched_until_ms {
            let mut updated = trigger;
            updated.watched_until_ms = newest;
            self.store
                .put(&keys::trigger(name), updated.encode_to_vec(), Some(fence))
                .await
                .map_err(|e| e.to_string())?;
            board.triggers.insert(name.to_string(), updated);
        }
        if accepted > 0 {
            tracing::info!(trigger = %name, objects = accepted, %location, "new objects found by listing");
        }
        Ok(())
    }
}
