//! Object-created triggers: S3 event notifications posted to the coordinator start a stored
//! job with the new objects' bucket and keys.
//!
//! An event is kept before it is answered: pending under `trigger-pending/NAME/EVENT` until
//! its batch runs, then under `trigger-seen/NAME/EVENT` for a day, so a redelivered event
//! (same bucket, key and sequencer or ETag) is known and starts nothing. A batch starts when
//! it is full or its oldest event has waited the trigger's window; its job is submitted with
//! the request id `trigger:NAME:FIRST-EVENT` before its events move to `seen`, so a leader
//! that dies in between leaves them pending and its successor starts the same job again,
//! which the cluster answers with the job it already has. An event whose job cannot start
//! is kept as a dead letter on its trigger; a body that cannot be read is answered 400 and
//! kept in a bounded list of rejected requests. Nothing is dropped unseen.

mod after;
mod events;
mod firing;
mod watch;

use std::collections::BTreeMap;
use std::sync::Arc;

use kiln_core::ids::now_ms;
use kiln_core::state::{Batch, Fence, StateStore, keys};
use kiln_jobs::params::RUN_VALUE_PREFIX;
use kiln_proto::v1 as pb;
use prost::Message;
use tokio::sync::{Mutex, Notify};

use crate::error::{CoordinatorError, Result};
use crate::scheduler::Scheduler;
use crate::schedules::{ScheduleError, Schedules, check_name, decode};

/// How long a handled event is remembered, for redeliveries.
const SEEN_FOR_MS: u64 = 24 * 3600 * 1000;
/// Runs and dead letters kept on a trigger, and rejected requests kept.
const RUNS_KEPT: usize = 20;
const DEAD_LETTERS_KEPT: usize = 50;
/// The most writes in one state-store transaction here.
const WRITES_PER_BATCH: usize = 100;

/// A pending event and its id.
type Pending = (String, pb::ObjectEvent);

/// The triggers as the leader holds them, and the leadership they were loaded under.
#[derive(Default)]
struct Board {
    fence: Option<Fence>,
    triggers: BTreeMap<String, pb::Trigger>,
    /// Per trigger, its pending events, oldest first.
    pending: BTreeMap<String, Vec<Pending>>,
    /// Per trigger, the handled events it remembers, with when they were received.
    seen: BTreeMap<String, BTreeMap<String, u64>>,
    rejected: Vec<pb::DeadLetter>,
    /// When handled events were last forgotten.
    pruned_at_ms: u64,
    /// When each watching trigger last listed its location.
    listed_at_ms: BTreeMap<String, u64>,
}

/// Why a posted notification was not taken.
#[derive(Debug)]
pub enum Refusal {
    /// The body is not an S3 notification; the text says why.
    Malformed(String),
    /// This coordinator does not lead, or cannot write.
    Unavailable(String),
}

/// Object-created triggers, served and fired by the leader.
pub struct Triggers {
    scheduler: Arc<Scheduler>,
    schedules: Arc<Schedules>,
    store: Arc<dyn StateStore>,
    board: Mutex<Board>,
    changed: Notify,
}

/// The id of an event: what S3 redelivers unchanged.
fn event_id(event: &pb::ObjectEvent) -> String {
    let version = if event.sequencer.is_empty() {
        &event.etag
    } else {
        &event.sequencer
    };
    let mut hasher = blake3::Hasher::new();
    for part in [&event.bucket, &event.key, version] {
        hasher.update(part.as_bytes());
        hasher.update(&[0]);
    }
    hasher.finalize().to_hex()[..32].to_string()
}

fn pending_key(trigger: &str, id: &str) -> String {
    format!("{}{trigger}/{id}", keys::TRIGGER_PENDING)
}

fn seen_key(trigger: &str, id: &str) -> String {
    format!("{}{trigger}/{id}", keys::TRIGGER_SEEN)
}

impl Triggers {
    /// Triggers of the cluster in `store`, starting definitions through `schedules`.
    pub fn new(
        scheduler: Arc<Scheduler>,
        schedules: Arc<Schedules>,
        store: Arc<dyn StateStore>,
    ) -> Arc<Self> {
        Arc::new(Self {
            scheduler,
            schedules,
            store,
            board: Mutex::new(Board::default()),
            changed: Notify::new(),
        })
    }

    /// The board, loaded from the store if it was loaded under another leadership.
    async fn loaded(&self, fence: &Fence) -> Result<tokio::sync::MutexGuard<'_, Board>> {
        let mut board = self.board.lock().await;
        if board.fence.as_ref() == Some(fence) {
            return Ok(board);
        }
        let mut fresh = Board {
            fence: Some(fence.clone()),
            ..Board::default()
        };
        for (key, value) in self.store.list(keys::TRIGGERS).await? {
            let name = key.trim_start_matches(keys::TRIGGERS).to_string();
            fresh
                .triggers
                .insert(name.clone(), decode("trigger", &name, &value)?);
        }
        for (key, value) in self.store.list(keys::TRIGGER_PENDING).await? {
            let rest = key.trim_start_matches(keys::TRIGGER_PENDING);
            let Some((name, id)) = rest.split_once('/') else {
                continue;
            };
            let event: pb::ObjectEvent = decode("trigger event", rest, &value)?;
            fresh
                .pending
                .entry(name.to_string())
                .or_default()
                .push((id.to_string(), event));
        }
        for events in fresh.pending.values_mut() {
            sort_pending(events);
        }
        for (key, value) in self.store.list(keys::TRIGGER_SEEN).await? {
            let rest = key.trim_start_matches(keys::TRIGGER_SEEN);
            let Some((name, id)) = rest.split_once('/') else {
                continue;
            };
            let event: pb::ObjectEvent = decode("trigger event", rest, &value)?;
            fresh
                .seen
                .entry(name.to_string())
                .or_default()
                .insert(id.to_string(), event.received_at_ms);
        }
        if let Some(bytes) = self.store.get(keys::TRIGGER_REJECTED).await? {
            let list: pb::ListTriggersResponse = decode("rejected requests", "", &bytes)?;
            fresh.rejected = list.rejected;
        }
        tracing::info!(triggers = fresh.triggers.len(), "triggers loaded");
        *board = fresh;
        Ok(board)
    }

    /// Creates or replaces a trigger; a replaced one keeps its history and pending events.
    pub async fn put_trigger(&self, mut trigger: pb::Trigger) -> Result<pb::Trigger> {
        let fence = self.scheduler.require_leader().await?;
        check_name("trigger", &trigger.name)?;
        let invalid = |message: &str| ScheduleError::Invalid {
            what: "trigger",
            name: trigger.name.clone(),
            message: message.to_string(),
        };
        let follows = !trigger.after.is_empty() || !trigger.after_crawlers.is_empty();
        match (trigger.bucket.is_empty(), follows) {
            (true, false) => {
                return Err(invalid(
                    "it names no bucket (for objects) and no stored jobs or crawlers to follow \
                     (after, after_crawlers)",
                )
                .into());
            }
            (false, true) => {
                return Err(invalid("it names both a bucket and runs to follow; pick one").into());
            }
            (true, true) => {
                for followed in &trigger.after {
                    self.schedules.definition(followed).await?;
                }
                let state = pb::JobState::try_from(trigger.after_state);
                if !trigger.after_crawlers.is_empty()
                    && !matches!(
                        state,
                        Ok(pb::JobState::Unspecified | pb::JobState::Succeeded)
                    )
                {
                    return Err(invalid(
                        "it follows crawlers, whose crawls are recorded when they succeed: \
                         after_state must be SUCCEEDED",
                    )
                    .into());
                }
                if !trigger.after_crawlers.is_empty() {
                    let catalog = self.scheduler.catalog().await?;
                    for crawler in &trigger.after_crawlers {
                        catalog.crawler(crawler).await?;
                    }
                }
            }
            (false, false) => {}
        }
        if trigger
            .params
            .keys()
            .any(|k| k.starts_with(RUN_VALUE_PREFIX))
        {
            return Err(invalid("its parameters set one of Kiln's own run values").into());
        }
        self.schedules
            .check_target("trigger", &trigger.name, &trigger.job, &trigger.crawler)
            .await?;
        let mut board = self.loaded(&fence).await?;
        match board.triggers.get(&trigger.name) {
            Some(existing) => {
                trigger.runs = existing.runs.clone();
                trigger.dead_letters = existing.dead_letters.clone();
                trigger.created_at_ms = existing.created_at_ms;
            }
            None => {
                trigger.runs = vec![];
                trigger.dead_letters = vec![];
                trigger.created_at_ms = now_ms();
            }
        }
        trigger.batch_size = trigger.batch_size.max(1);
        trigger.pending = 0;
        if let Some(existing) = board.triggers.get(&trigger.name) {
            trigger.in_flight = existing.in_flight.clone();
            trigger.watched_until_ms = existing.watched_until_ms;
            trigger.consumed = existing.consumed.clone();
        } else {
            // A new watcher takes objects modified from now on (and in the few minutes of
            // clock skew before), not what the location held long before.
            trigger.watched_until_ms = now_ms();
        }
        self.store
            .put(
                &keys::trigger(&trigger.name),
                trigger.encode_to_vec(),
                Some(&fence),
            )
            .await?;
        board.triggers.insert(trigger.name.clone(), trigger.clone());
        tracing::info!(name = %trigger.name, bucket = %trigger.bucket, prefix = %trigger.prefix, "trigger stored");
        Ok(trigger)
    }

    /// Every trigger with its pending count, and the rejected requests.
    pub async fn triggers(&self) -> Result<pb::ListTriggersResponse> {
        let fence = self.scheduler.require_leader().await?;
        let board = self.loaded(&fence).await?;
        let triggers = board
            .triggers
            .values()
            .map(|t| pb::Trigger {
                pending: board.pending.get(&t.name).map_or(0, Vec::len) as u32,
                ..t.clone()
            })
            .collect();
        Ok(pb::ListTriggersResponse {
            triggers,
            rejected: board.rejected.clone(),
        })
    }

    /// Deletes trigger `name` and its pending events.
    pub async fn delete_trigger(&self, name: &str) -> Result<()> {
        let fence = self.scheduler.require_leader().await?;
        let mut board = self.loaded(&fence).await?;
        if !board.triggers.contains_key(name) {
            return Err(ScheduleError::NotFound {
                kind: "trigger",
                name: name.to_string(),
            }
            .into());
        }
        let mut deletes = vec![keys::trigger(name)];
        for (id, _) in board.pending.get(name).into_iter().flatten() {
            deletes.push(pending_key(name, id));
        }
        for chunk in deletes.chunks(WRITES_PER_BATCH) {
            let batch = Batch {
                puts: vec![],
                deletes: chunk.to_vec(),
            };
            self.store.apply(batch, Some(&fence)).await?;
        }
        board.triggers.remove(name);
        board.pending.remove(name);
        Ok(())
    }

    /// Takes a posted notification: each created object a trigger wants is kept as pending
    /// (unless the trigger has it already) before this answers.
    pub async fn receive(
        &self,
        body: &[u8],
    ) -> std::result::Result<pb::ReceiveEventsResponse, Refusal> {
        let unavailable = |e: CoordinatorError| Refusal::Unavailable(e.to_string());
        let fence = self.scheduler.require_leader().await.map_err(unavailable)?;
        let mut board = self.loaded(&fence).await.map_err(unavailable)?;
        let notification = match events::parse(body) {
            Ok(notification) => notification,
            Err(reason) => {
                tracing::warn!(%reason, "an event notification was refused");
                let letter = pb::DeadLetter {
                    at_ms: now_ms(),
                    reason: reason.clone(),
                    event: String::from_utf8_lossy(&body[..body.len().min(2048)]).into_owned(),
                };
                keep_last(&mut board.rejected, letter, DEAD_LETTERS_KEPT);
                let record = pb::ListTriggersResponse {
                    triggers: vec![],
                    rejected: board.rejected.clone(),
                };
                self.store
                    .put(keys::TRIGGER_REJECTED, record.encode_to_vec(), Some(&fence))
                    .await
                    .map_err(|e| Refusal::Unavailable(e.to_string()))?;
                return Err(Refusal::Malformed(reason));
            }
        };
        let mut receipt = pb::ReceiveEventsResponse {
            ignored: notification.ignored as u64,
            ..Default::default()
        };
        let mut wanted = vec![];
        for object in notification.created {
            let wanting: Vec<String> = board
                .triggers
                .values()
                .filter(|t| {
                    !t.suspended
                        && t.bucket == object.bucket
                        && object.key.starts_with(&t.prefix)
                        && object.key.ends_with(&t.suffix)
                })
                .map(|t| t.name.clone())
                .collect();
            if wanting.is_empty() {
                receipt.unmatched += 1;
            }
            wanted.extend(wanting.into_iter().map(|name| (name, object.clone())));
        }
        let (accepted, duplicates) = self
            .keep(&mut board, &fence, wanted)
            .await
            .map_err(|e| Refusal::Unavailable(e.to_string()))?;
        receipt.accepted = accepted as u64;
        receipt.duplicates = duplicates as u64;
        drop(board);
        if receipt.accepted > 0 {
            self.changed.notify_one();
        }
        Ok(receipt)
    }

    /// Keeps each (trigger, object) as a pending event unless the trigger has it already;
    /// returns how many were kept and how many were known.
    async fn keep(
        &self,
        board: &mut Board,
        fence: &Fence,
        wanted: Vec<(String, events::CreatedObject)>,
    ) -> Result<(usize, usize)> {
        let now = now_ms();
        let (mut accepted, mut duplicates) = (0, 0);
        let mut puts = vec![];
        let mut kept: Vec<(String, Pending)> = vec![];
        for (name, object) in wanted {
            let event = pb::ObjectEvent {
                bucket: object.bucket,
                key: object.key,
                etag: object.etag,
                sequencer: object.sequencer,
                received_at_ms: now,
                job_id: String::new(),
            };
            let id = event_id(&event);
            let known = board.seen.get(&name).is_some_and(|s| s.contains_key(&id))
                || board
                    .pending
                    .get(&name)
                    .is_some_and(|p| p.iter().any(|(i, _)| *i == id))
                || kept.iter().any(|(n, (i, _))| *n == name && *i == id);
            if known {
                duplicates += 1;
                continue;
            }
            puts.push((pending_key(&name, &id), event.encode_to_vec()));
            kept.push((name, (id, event)));
            accepted += 1;
        }
        for chunk in puts.chunks(WRITES_PER_BATCH) {
            let batch = Batch {
                puts: chunk.to_vec(),
                deletes: vec![],
            };
            self.store.apply(batch, Some(fence)).await?;
        }
        for (name, pending) in kept {
            board.pending.entry(name).or_default().push(pending);
        }
        for events in board.pending.values_mut() {
            sort_pending(events);
        }
        Ok((accepted, duplicates))
    }
}

/// Pending events in the order batches take them: by arrival, then by id.
fn sort_pending(events: &mut [Pending]) {
    events.sort_by(|(a_id, a), (b_id, b)| (a.received_at_ms, a_id).cmp(&(b.received_at_ms, b_id)));
}

/// Appends `item`, keeping the last `keep` items.
fn keep_last<T>(list: &mut Vec<T>, item: T, keep: usize) {
    list.push(item);
    if list.len() > keep {
        let extra = list.len() - keep;
        list.drain(..extra);
    }
}
