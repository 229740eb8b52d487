//! The leader's trigger loop: starts a run for each trigger whose batch is full or whose
//! oldest pending event waited its window, then moves the batch's events to `seen`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use kiln_core::ids::now_ms;
use kiln_core::state::{Batch, Fence, keys};
use kiln_jobs::params::RUN_VALUE_PREFIX;
use kiln_proto::v1 as pb;
use prost::Message;

use crate::bookmarks::BookmarkError;
use crate::error::CoordinatorError;

use super::{
    Board, DEAD_LETTERS_KEPT, Pending, RUNS_KEPT, SEEN_FOR_MS, Triggers, WRITES_PER_BATCH,
    keep_last, pending_key, seen_key,
};

/// The longest the loop sleeps: it notices a new leadership this soon.
const MAX_SLEEP: Duration = Duration::from_millis(250);

/// What became of a batch the loop tried to run.
enum BatchRun {
    /// Its run started (or could not, and its events went to the dead letters): done.
    Started,
    /// Its incremental job's previous run goes on: it stays in flight for the next round.
    Waits,
    /// The store refused the writes; the leadership is likely gone.
    NotStored,
}

impl From<bool> for BatchRun {
    /// From whether the trigger's record was stored.
    fn from(stored: bool) -> Self {
        if stored {
            BatchRun::Started
        } else {
            BatchRun::NotStored
        }
    }
}

impl Triggers {
    /// Runs triggers' batches while this coordinator leads, for as long as the process runs.
    pub async fn fire_forever(self: Arc<Self>) {
        loop {
            let sleep = match self.scheduler.leader_fence() {
                Some(fence) => match self.loaded(&fence).await {
                    Ok(mut board) => self.fire_due(&mut board, &fence).await,
                    Err(error) => {
                        tracing::warn!(%error, "cannot load the triggers; retrying");
                        MAX_SLEEP
                    }
                },
                None => {
                    self.board.lock().await.fence = None;
                    MAX_SLEEP
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(sleep) => {}
                _ = self.changed.notified() => {}
            }
        }
    }

    /// Starts every due batch; returns how long until the next window ends.
    async fn fire_due(&self, board: &mut Board, fence: &Fence) -> Duration {
        let now = now_ms();
        let mut next = now + MAX_SLEEP.as_millis() as u64;
        if let Some(listing) = self.watch_due(board, fence).await {
            next = next.min(listing);
        }
        if !self.follow_due(board, fence).await {
            board.fence = None;
            return MAX_SLEEP;
        }
        let names: Vec<String> = board.triggers.keys().cloned().collect();
        for name in names {
            loop {
                let trigger = &board.triggers[&name];
                let pending = board.pending.get(&name).map_or(&[][..], Vec::as_slice);
                // A batch a predecessor recorded runs again exactly, before any other.
                let batch = match &trigger.in_flight {
                    Some(in_flight) => {
                        let batch: Vec<Pending> = pending
                            .iter()
                            .filter(|(id, _)| in_flight.event_ids.contains(id))
                            .cloned()
                            .collect();
                        Some((in_flight.request_id.clone(), batch))
                    }
                    None => None,
                };
                let (request_id, batch) = match batch {
                    Some(recorded) => recorded,
                    None => {
                        let Some((_, oldest)) = pending.first() else {
                            break;
                        };
                        let size = trigger.batch_size.max(1) as usize;
                        let window_ends =
                            oldest.received_at_ms + u64::from(trigger.batch_window_secs) * 1000;
                        // A crawl under way may have listed before these objects landed:
                        // they wait for the next one.
                        let crawling = !trigger.crawler.is_empty()
                            && self.schedules.is_crawling(&trigger.crawler);
                        if trigger.suspended
                            || crawling
                            || (pending.len() < size && window_ends > now_ms())
                        {
                            next = next.min(window_ends);
                            break;
                        }
                        let batch: Vec<Pending> = pending[..pending.len().min(size)].to_vec();
                        let request_id = format!("trigger:{name}:{}", batch[0].0);
                        if !self
                            .record_in_flight(board, &name, &request_id, &batch, fence)
                            .await
                        {
                            board.fence = None;
                            return MAX_SLEEP;
                        }
                        (request_id, batch)
                    }
                };
                match self.run_batch(board, &name, batch, request_id, fence).await {
                    BatchRun::Started => {}
                    // The batch stays recorded in flight and starts once that run ended.
                    BatchRun::Waits => break,
                    BatchRun::NotStored => {
                        // The leadership is likely gone; load afresh next time.
                        board.fence = None;
                        return MAX_SLEEP;
                    }
                }
            }
        }
        if now.saturating_sub(board.pruned_at_ms) > 60_000 {
            self.forget_old_events(board, fence).await;
        }
        Duration::from_millis(next.saturating_sub(now_ms()))
    }

    /// Records `batch` as the one `name` starts next under `request_id`; false when the
    /// store refused the write.
    async fn record_in_flight(
        &self,
        board: &mut Board,
        name: &str,
        request_id: &str,
        batch: &[Pending],
        fence: &Fence,
    ) -> bool {
        let mut trigger = board.triggers[name].clone();
        trigger.in_flight = Some(pb::TriggerBatch {
            request_id: request_id.to_string(),
            event_ids: batch.iter().map(|(id, _)| id.clone()).collect(),
        });
        let stored = self
            .store
            .put(&keys::trigger(name), trigger.encode_to_vec(), Some(fence))
            .await;
        match stored {
            Ok(()) => {
                board.triggers.insert(name.to_string(), trigger);
                true
            }
            Err(error) => {
                tracing::warn!(trigger = %name, %error, "cannot record a trigger's batch");
                false
            }
        }
    }

    /// Starts the run of one recorded batch of `name`'s events and moves them to `seen`.
    async fn run_batch(
        &self,
        board: &mut Board,
        name: &str,
        batch: Vec<Pending>,
        request_id: String,
        fence: &Fence,
    ) -> BatchRun {
        let mut trigger = board.triggers[name].clone();
        trigger.in_flight = None;
        let Some((_, first)) = batch.first() else {
            // Its events are gone (the trigger was replaced meanwhile): nothing to start.
            return self.store_trigger(board, name, trigger, fence).await.into();
        };
        let keys_json = serde_json::to_string(
            &batch
                .iter()
                .map(|(_, e)| e.key.as_str())
                .collect::<Vec<_>>(),
        )
        .expect("strings serialize");
        let mut params: HashMap<String, String> = trigger.params.clone();
        params.insert(format!("{RUN_VALUE_PREFIX}bucket"), first.bucket.clone());
        params.insert(format!("{RUN_VALUE_PREFIX}key"), first.key.clone());
        params.insert(format!("{RUN_VALUE_PREFIX}keys"), keys_json);
        params.insert(
            format!("{RUN_VALUE_PREFIX}event_count"),
            batch.len().to_string(),
        );
        let started = match trigger.crawler.as_str() {
            "" => {
                self.schedules
                    .start(&trigger.job, &params, request_id)
                    .await
            }
            crawler => self
                .schedules
                .start_crawl(
                    crawler,
                    batch.iter().map(|(_, e)| object_url(&trigger, e)).collect(),
                )
                .await
                .map(|_| (String::new(), 0)),
        };
        let job_id = match started {
            // The incremental job's previous run goes on: this batch starts once it ended
            // (and reads what that one did not), not never.
            Err(CoordinatorError::Bookmark(BookmarkError::InUse { job_id, .. })) => {
                tracing::debug!(trigger = %name, running = %job_id, "a trigger's batch waits for its job's run under way");
                return BatchRun::Waits;
            }
            Ok((job_id, _)) => {
                tracing::info!(trigger = %name, %job_id, events = batch.len(), "trigger fired");
                keep_last(
                    &mut trigger.runs,
                    pb::TriggerRun {
                        started_at_ms: now_ms(),
                        job_id: job_id.clone(),
                        events: batch.len() as u32,
                        first_key: first.key.clone(),
                        crawler: trigger.crawler.clone(),
                    },
                    RUNS_KEPT,
                );
                job_id
            }
            Err(error) => {
                tracing::warn!(trigger = %name, %error, "a trigger's job could not start");
                for (_, event) in &batch {
                    keep_last(
                        &mut trigger.dead_letters,
                        pb::DeadLetter {
                            at_ms: now_ms(),
                            reason: format!("the job could not start: {error}"),
                            event: format!("s3://{}/{}", event.bucket, event.key),
                        },
                        DEAD_LETTERS_KEPT,
                    );
                }
                String::new()
            }
        };
        let mut puts = vec![];
        let mut deletes = vec![];
        for (id, event) in &batch {
            let seen = pb::ObjectEvent {
                job_id: job_id.clone(),
                ..event.clone()
            };
            puts.push((seen_key(name, id), seen.encode_to_vec()));
            deletes.push(pending_key(name, id));
        }
        for (puts, deletes) in puts
            .chunks(WRITES_PER_BATCH / 2)
            .zip(deletes.chunks(WRITES_PER_BATCH / 2))
        {
            let moved = Batch {
                puts: puts.to_vec(),
                deletes: deletes.to_vec(),
            };
            if let Err(error) = self.store.apply(moved, Some(fence)).await {
                tracing::warn!(trigger = %name, %error, "cannot record a trigger's batch; it stays pending");
                return BatchRun::NotStored;
            }
        }
        let seen = board.seen.entry(name.to_string()).or_default();
        for (id, event) in &batch {
            seen.insert(id.clone(), event.received_at_ms);
        }
        if let Some(pending) = board.pending.get_mut(name) {
            pending.retain(|(id, _)| !batch.iter().any(|(done, _)| done == id));
        }
        self.store_trigger(board, name, trigger, fence).await.into()
    }

    /// Stores `trigger` as `name`'s record; false when the store refused it.
    async fn store_trigger(
        &self,
        board: &mut Board,
        name: &str,
        trigger: pb::Trigger,
        fence: &Fence,
    ) -> bool {
        if let Err(error) = self
            .store
            .put(&keys::trigger(name), trigger.encode_to_vec(), Some(fence))
            .await
        {
            tracing::warn!(trigger = %name, %error, "cannot record a trigger's run");
            return false;
        }
        board.triggers.insert(name.to_string(), trigger);
        true
    }

    /// Forgets handled events older than a day, in memory and in the store.
    async fn forget_old_events(&self, board: &mut Board, fence: &Fence) {
        let cutoff = now_ms().saturating_sub(SEEN_FOR_MS);
        let mut deletes = vec![];
        for (name, seen) in &mut board.seen {
            seen.retain(|id, received| {
                let keep = *received >= cutoff;
                if !keep {
                    deletes.push(seen_key(name, id));
                }
                keep
            });
        }
        for chunk in deletes.chunks(WRITES_PER_BATCH) {
            let batch = Batch {
                puts: vec![],
                deletes: chunk.to_vec(),
            };
            if let Err(error) = self.store.apply(batch, Some(fence)).await {
                tracing::warn!(%error, "cannot forget old trigger events; later");
                return;
            }
        }
        board.pruned_at_ms = now_ms();
    }
}

/// The URL of the object `event` names: below the trigger's watched location, or in its
/// bucket for an S3 notification.
fn object_url(trigger: &pb::Trigger, event: &pb::ObjectEvent) -> String {
    match trigger.watch.as_str() {
        "" => format!("s3://{}/{}", event.bucket, event.key),
        watched => format!("{}/{}", watched.trim_end_matches('/'), event.key),
    }
}
