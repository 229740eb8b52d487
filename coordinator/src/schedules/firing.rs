//! The leader's firing loop: it sleeps until the next tick of any schedule, runs the due
//! ticks as their policies say, and records each schedule's last tick and runs.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use kiln_core::ids::now_ms;
use kiln_core::state::keys;
use kiln_jobs::params::RUN_VALUE_PREFIX;
use kiln_proto::v1 as pb;
use prost::Message;

use super::cron::Cron;
use super::ticks::due;
use super::{Schedules, Timetable};

/// The longest the loop sleeps: it notices a new leadership this soon.
const MAX_SLEEP: Duration = Duration::from_millis(250);

impl Schedules {
    /// Fires schedules while this coordinator leads, for as long as the process runs.
    pub async fn fire_forever(self: Arc<Self>) {
        loop {
            let sleep = match self.scheduler.leader_fence() {
                Some(fence) => match self.loaded(&fence).await {
                    Ok(mut timetable) => self.fire_due(&mut timetable).await,
                    Err(error) => {
                        tracing::warn!(%error, "cannot load the schedules; retrying");
                        MAX_SLEEP
                    }
                },
                None => {
                    // A standby forgets what it loaded: a later leadership loads it afresh.
                    self.timetable.lock().await.fence = None;
                    MAX_SLEEP
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(sleep) => {}
                _ = self.changed.notified() => {}
            }
        }
    }

    /// Runs every due tick; returns how long until the next one (at most [`MAX_SLEEP`]).
    async fn fire_due(&self, timetable: &mut Timetable) -> Duration {
        let mut next = now_ms() + MAX_SLEEP.as_millis() as u64;
        let names: Vec<String> = timetable.schedules.keys().cloned().collect();
        for name in names {
            let Some(schedule) = timetable.schedules.get(&name).cloned() else {
                continue;
            };
            if schedule.suspended {
                continue;
            }
            let Ok(cron) = Cron::parse(&schedule.name, &schedule.cron, &schedule.time_zone) else {
                continue;
            };
            let policy = pb::MissedTicks::try_from(schedule.missed).unwrap_or_default();
            let due = due(&cron, schedule.last_tick_ms, now_ms(), policy);
            if let Some(last) = due.last {
                let fired = self.fire(schedule, &cron, &due.run, due.missed, last).await;
                match fired {
                    Some(fired) => drop(timetable.schedules.insert(name.clone(), fired)),
                    // Not stored (the leadership is gone): load afresh next time.
                    None => {
                        timetable.fence = None;
                        return MAX_SLEEP;
                    }
                }
            }
            if let Some(tick) = timetable
                .schedules
                .get(&name)
                .and_then(|s| cron.next_after(s.last_tick_ms))
            {
                next = next.min(tick);
            }
        }
        Duration::from_millis(next.saturating_sub(now_ms()))
    }

    /// Runs `run` (ticks of `schedule`), notes `missed` passed-over ticks, and stores the
    /// schedule with `last` as its last tick; none when the store refused the write.
    async fn fire(
        &self,
        mut schedule: pb::Schedule,
        cron: &Cron,
        run: &[u64],
        missed: usize,
        last: u64,
    ) -> Option<pb::Schedule> {
        if missed > 0 {
            tracing::warn!(schedule = %schedule.name, missed, "schedule ticks missed");
            schedule.runs.push(pb::ScheduleRun {
                tick_ms: last,
                skipped: format!(
                    "{missed} tick(s) passed while no coordinator could run them; the \
                     schedule's missed-ticks policy passed over them"
                ),
                fired_at_ms: now_ms(),
                ..Default::default()
            });
        }
        for &tick in run {
            let outcome = self.run_tick(&schedule, cron, tick).await;
            schedule.runs.push(outcome);
        }
        schedule.last_tick_ms = last;
        let keep = schedule.history_limit.max(1) as usize;
        if schedule.runs.len() > keep {
            let extra = schedule.runs.len() - keep;
            schedule.runs.drain(..extra);
        }
        let fence = self.scheduler.leader_fence()?;
        let stored = self
            .store
            .put(
                &keys::schedule(&schedule.name),
                schedule.encode_to_vec(),
                Some(&fence),
            )
            .await;
        match stored {
            Ok(()) => Some(schedule),
            Err(error) => {
                tracing::warn!(schedule = %schedule.name, %error, "cannot record a schedule's tick; it stays due");
                None
            }
        }
    }

    /// Starts the run of one tick as the concurrency policy says.
    async fn run_tick(&self, schedule: &pb::Schedule, cron: &Cron, tick: u64) -> pb::ScheduleRun {
        let mut outcome = pb::ScheduleRun {
            tick_ms: tick,
            fired_at_ms: now_ms(),
            ..Default::default()
        };
        if !schedule.crawler.is_empty() {
            // A crawler runs at most once at a time, whatever the policy.
            match self.start_crawl(&schedule.crawler, vec![]).await {
                Ok(true) => outcome.crawler = schedule.crawler.clone(),
                Ok(false) => {
                    outcome.skipped = format!("crawler {} is still running", schedule.crawler)
                }
                Err(error) => outcome.skipped = format!("the crawler could not start: {error}"),
            }
            return outcome;
        }
        let policy = pb::ConcurrencyPolicy::try_from(schedule.concurrency).unwrap_or_default();
        if policy != pb::ConcurrencyPolicy::Allow
            && let Some(previous) = self.unfinished_run(schedule)
        {
            if policy == pb::ConcurrencyPolicy::Forbid {
                outcome.skipped = format!("the previous run, job {previous}, is still running");
                tracing::info!(schedule = %schedule.name, tick, %previous, "tick skipped: the previous run goes on");
                return outcome;
            }
            tracing::info!(schedule = %schedule.name, %previous, "cancelling the previous run to replace it");
            if let Err(error) = self.scheduler.cancel(&previous).await {
                tracing::warn!(schedule = %schedule.name, %previous, %error, "cannot cancel the previous run");
            }
        }
        let mut params: HashMap<String, String> = schedule.params.clone();
        params.insert(
            format!("{RUN_VALUE_PREFIX}scheduled_time"),
            cron.format(tick),
        );
        params.insert(format!("{RUN_VALUE_PREFIX}schedule"), schedule.name.clone());
        params.insert(format!("{RUN_VALUE_PREFIX}tick_ms"), tick.to_string());
        let request_id = format!("schedule:{}:{tick}", schedule.name);
        match self.start(&schedule.job, &params, request_id).await {
            Ok((job_id, version)) => {
                tracing::info!(schedule = %schedule.name, tick, %job_id, version, "schedule fired");
                outcome.job_id = job_id;
            }
            Err(error) => {
                tracing::warn!(schedule = %schedule.name, tick, %error, "schedule tick could not start its job");
                outcome.skipped = format!("the job could not start: {error}");
            }
        }
        outcome
    }

    /// The schedule's latest run, when it has not ended yet.
    fn unfinished_run(&self, schedule: &pb::Schedule) -> Option<String> {
        let latest = schedule.runs.iter().rev().find(|r| !r.job_id.is_empty())?;
        let status = self.scheduler.current_status(&latest.job_id).ok()?;
        let state = pb::JobState::try_from(status.state).unwrap_or_default();
        matches!(state, pb::JobState::Queued | pb::JobState::Running).then(|| latest.job_id.clone())
    }
}
