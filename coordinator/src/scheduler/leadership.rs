//! Taking over the cluster and stepping down: a new leader reads the executors and jobs its
//! predecessor recorded, resumes the jobs that were running, and follows executors' leases.

use kiln_proto::internal::v1 as ipb;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use futures::stream::BoxStream;
use futures::{FutureExt, StreamExt};
use kiln_core::state::{Leadership, WatchEvent, keys};
use kiln_proto::v1 as pb;
use prost::Message;
use tokio::sync::watch;

use crate::checkpoint::ResumeError;
use crate::error::Result;
use crate::job::Job;
use crate::journal::Journal;

use super::effects::Effect;
use super::executors::add_executor;
use super::milestones::{prune_history, to_history};
use super::{LeaderState, Request, Scheduler, StoredWrite};

impl Scheduler {
    /// Leads the cluster until the leadership is lost or `stop` turns true: takes over the
    /// executors and jobs recorded in the state store, schedules, and steps down at the end.
    pub async fn lead(self: &Arc<Self>, leadership: Leadership, mut stop: watch::Receiver<bool>) {
        let (deposed_sender, mut deposed) = watch::channel(false);
        let mut lost = leadership.lost.clone();
        let events = match self.take_over(&leadership, deposed_sender).await {
            Ok(events) => events,
            Err(error) => {
                tracing::error!(%error, "taking over the cluster failed; stepping down");
                self.step_down();
                return;
            }
        };
        self.metrics.became_leader();
        self.leading.send_replace(true);
        let follow = tokio::spawn(Arc::clone(self).follow_executors(events));
        tokio::select! {
            _ = lost.wait_for(|lost| *lost) => tracing::warn!("leadership lost"),
            _ = deposed.wait_for(|deposed| *deposed) => tracing::warn!("another coordinator leads"),
            _ = stop.wait_for(|stop| *stop) => {}
        }
        follow.abort();
        self.step_down();
        drop(leadership);
    }

    /// Loads the cluster's executors and unfinished jobs from the state store and starts
    /// leading them; returns the executor changes to follow.
    async fn take_over(
        self: &Arc<Self>,
        leadership: &Leadership,
        deposed: watch::Sender<bool>,
    ) -> Result<BoxStream<'static, WatchEvent>> {
        let (executors, events) = self.store.watch(keys::EXECUTORS).await?;
        let records = self.store.list(keys::JOBS).await?;
        let history = self.store.list(keys::HISTORY).await?;
        let notifications = self.store.list(keys::NOTIFICATIONS).await?;
        let journal = Journal::start(
            Arc::clone(&self.store),
            leadership.fence.clone(),
            deposed,
            Arc::clone(&self.metrics),
        );
        let mut archived = HashMap::new();
        for (key, value) in history {
            match pb::JobStatus::decode(value.as_slice()) {
                Ok(status) => drop(archived.insert(status.job_id.clone(), status)),
                Err(error) => tracing::error!(%key, %error, "skipping an unreadable job summary"),
            }
        }
        // Webhooks a predecessor had yet to call, and (below) those of jobs it ended without
        // moving them to the history, which it may have called: at least once.
        let mut effects = vec![];
        for (key, value) in notifications {
            match ipb::PendingNotifications::decode(value.as_slice()) {
                Ok(pending) => effects.push(Effect::Notify {
                    status: pending.status.unwrap_or_default(),
                    targets: pending.targets,
                }),
                Err(error) => tracing::error!(%key, %error, "skipping unreadable notifications"),
            }
        }
        let mut resumed = vec![];
        let mut cleanups = vec![];
        let mut bookmark_writes: HashMap<String, Vec<StoredWrite>> = HashMap::new();
        for (key, value) in records {
            let record = match ipb::JobRecord::decode(value.as_slice()) {
                Ok(record) => record,
                Err(error) => {
                    tracing::error!(%key, %error, "skipping an unreadable job record");
                    continue;
                }
            };
            let status = record.status.clone().unwrap_or_default();
            let state = pb::JobState::try_from(status.state).unwrap_or_default();
            if !matches!(state, pb::JobState::Queued | pb::JobState::Running) {
                // Ended, but not yet moved to the history (a leader died in between): a sink
                // job that did not commit may have uncommitted output left to remove first.
                // Its webhooks are called once it is moved (the move records them first).
                let notify = record.spec.map(|spec| spec.notify).unwrap_or_default();
                match record.sink {
                    Some(sink) if state != pb::JobState::Succeeded => {
                        cleanups.push((status.job_id.clone(), sink, status.clone(), notify));
                    }
                    _ => {
                        let bookmark = record.bookmark.as_ref();
                        let written =
                            journal.apply(key.clone(), to_history(&status, &notify, bookmark));
                        if bookmark.is_some() && state == pb::JobState::Succeeded {
                            bookmark_writes
                                .entry(status.name.clone())
                                .or_default()
                                .push(written.shared());
                        }
                        if !notify.is_empty() {
                            effects.push(Effect::Notify {
                                status: status.clone(),
                                targets: notify,
                            });
                        }
                    }
                }
                archived.insert(status.job_id.clone(), status);
                continue;
            }
            let job = self.resume_job(record).await;
            if !job.is_finished() {
                // Written before any task runs, so a later successor numbers its attempts
                // above this leader's.
                self.store
                    .put(
                        &keys::job(&job.id),
                        job.record().encode_to_vec(),
                        Some(&leadership.fence),
                    )
                    .await?;
            }
            resumed.push(job);
        }
        {
            let state = &mut *self.lock();
            state.leader = Some(LeaderState {
                fence: leadership.fence.clone(),
                journal,
                // A job that could not resume has ended: its first write moves it to the history.
                recorded: resumed
                    .iter()
                    .filter(|job| !job.is_finished())
                    .map(|job| (job.id.clone(), job.milestone()))
                    .collect(),
                bookmark_writes,
            });
            for (_, value) in executors {
                if let Ok(info) = ipb::ExecutorInfo::decode(value.as_slice()) {
                    add_executor(state, info, &self.config);
                }
            }
            let mut ids: Vec<&str> = archived.keys().map(String::as_str).collect();
            ids.extend(resumed.iter().map(|j| j.id.as_str()));
            // A job both ended and still recorded as running (its cleanup under way) once.
            ids.sort_unstable();
            ids.dedup();
            let mut ordered: Vec<(u64, String)> = ids
                .iter()
                .map(|id| {
                    let at = archived
                        .get(*id)
                        .map(|s| s.submitted_at_ms)
                        .unwrap_or_else(|| {
                            resumed
                                .iter()
                                .find(|j| j.id == *id)
                                .map_or(0, |j| j.submitted_at_ms)
                        });
                    (at, id.to_string())
                })
                .collect();
            ordered.sort();
            state.order = ordered.into_iter().map(|(_, id)| id).collect();
            let mut ended: Vec<(u64, &String)> = archived
                .values()
                .map(|s| (s.ended_at_ms, &s.job_id))
                .collect();
            ended.sort();
            state.finished = ended.into_iter().map(|(_, id)| id.clone()).collect();
            state.requests = archived
                .values()
                .map(|s| (s.request_id.clone(), s.job_id.clone()))
                .chain(resumed.iter().map(|j| (j.request_id.clone(), j.id.clone())))
                .filter(|(request, _)| !request.is_empty())
                .map(|(request, job)| (request, Request::Accepted(job)))
                .collect();
            state.archived = archived;
            prune_history(state, &self.config);
            for mut job in resumed {
                let gone: Vec<String> = job
                    .output_executors()
                    .into_iter()
                    .filter(|e| !state.executors.contains_key(e))
                    .collect();
                for executor_id in gone {
                    job.executor_lost(&executor_id);
                }
                if job.committing
                    && let Some(sink) = job.sink.clone()
                {
                    // A stop the predecessor asked for (or a timeout that passed) holds for
                    // this commit too.
                    if job.stop_requested.is_none()
                        && job.deadline.is_some_and(|d| Instant::now() > d)
                    {
                        let reason = "the job ran past its timeout during its commit (nothing was published)";
                        job.stop_requested = Some((pb::JobState::TimedOut, reason.into()));
                    }
                    if let Some((end, reason)) = job.stop_requested.clone() {
                        self.commits.stop(&job.id, end, reason);
                    }
                    tracing::info!(job_id = %job.id, "finishing the commit a predecessor began");
                    effects.push(Effect::Commit {
                        job_id: job.id.clone(),
                        sink,
                        winners: job.winners.clone(),
                    });
                }
                state.jobs.insert(job.id.clone(), job);
            }
            tracing::info!(
                executors = state.executors.len(),
                resumed = state.jobs.len(),
                finished = state.archived.len(),
                "leading the cluster"
            );
        }
        self.run_effects(effects);
        for (job_id, sink, status, notify) in cleanups {
            let this = Arc::clone(self);
            tokio::spawn(async move {
                tracing::info!(%job_id, "removing the uncommitted output a predecessor left");
                this.commits.abort(&job_id, &sink, &this.runtime).await;
                if let Some(leader) = &this.lock().leader {
                    drop(
                        leader
                            .journal
                            .apply(keys::job(&job_id), to_history(&status, &notify, None)),
                    );
                }
                if !notify.is_empty() {
                    this.run_effects(vec![Effect::Notify {
                        status,
                        targets: notify,
                    }]);
                }
            });
        }
        self.schedule();
        Ok(events)
    }

    /// Rebuilds a job a predecessor left unfinished; one that cannot resume fails.
    async fn resume_job(&self, record: ipb::JobRecord) -> Job {
        let status = record.status.clone().unwrap_or_default();
        let job_id = status.job_id.clone();
        let spec = record.spec.clone().unwrap_or_default();
        let max_attempts = self.max_attempts(&spec);
        let mut job = match self.replan(&job_id, &spec, &record).await {
            Ok((stages, sink, session_config)) => Job::new(
                job_id.clone(),
                spec,
                stages,
                sink,
                session_config,
                max_attempts,
                record.attempt_base,
            ),
            Err(error) => {
                let mut job = Job::new(job_id.clone(), spec, vec![], None, HashMap::new(), 1, 0);
                job.finish(
                    pb::JobState::Failed,
                    format!("the job could not be resumed after a coordinator failover: {error}"),
                );
                return job;
            }
        };
        job.plan = record.plan.clone();
        job.bookmark = record.bookmark.clone();
        job.request_id = record.request_id.clone();
        job.catalog_scan = record.status.as_ref().and_then(|s| s.catalog_scan);
        match job.resume(&record) {
            Ok(()) => {}
            Err(why @ ResumeError::AttemptsExhausted { .. }) => {
                job.finish(
                    pb::JobState::Failed,
                    format!("the job could not be resumed after a coordinator failover: {why}"),
                );
                return job;
            }
            Err(why) => {
                tracing::warn!(%job_id, %why, "starting the job over");
                job.attempt_base = record.attempt_base + 1000;
                job.submitted_at_ms = status.submitted_at_ms;
                for task in job.stages.iter_mut().flat_map(|s| s.tasks.iter_mut()) {
                    task.next_attempt = job.attempt_base;
                }
            }
        }
        tracing::info!(%job_id, "job resumed");
        job
    }

    /// Applies executor joins and departures until the stream ends.
    async fn follow_executors(self: Arc<Self>, mut events: BoxStream<'static, WatchEvent>) {
        while let Some(event) = events.next().await {
            match event {
                WatchEvent::Put { value, .. } => {
                    match ipb::ExecutorInfo::decode(value.as_slice()) {
                        Ok(info) => {
                            let replaced =
                                add_executor(&mut self.lock(), info.clone(), &self.config);
                            if replaced {
                                // The same id registered again (a restart, even one quicker than
                                // its lease): what the earlier process ran and held is gone.
                                tracing::warn!(executor_id = %info.executor_id, "executor restarted; its attempts and outputs are redone");
                                self.forget_executor_work(&info.executor_id);
                            }
                            self.schedule();
                        }
                        Err(error) => tracing::warn!(%error, "unreadable executor registration"),
                    }
                }
                WatchEvent::Delete { key } => {
                    let id = key.strip_prefix(keys::EXECUTORS).unwrap_or(&key);
                    self.executor_lost(id, "its lease expired");
                }
            }
        }
    }

    /// Forgets everything only a leader holds; running tasks are left to the next leader.
    fn step_down(&self) {
        self.leading.send_replace(false);
        let state = &mut *self.lock();
        state.leader = None;
        state.executors.clear();
        state.jobs.clear();
        state.archived.clear();
        state.order.clear();
        state.finished.clear();
        state.requests.clear();
        self.commits.abandon_all();
        tracing::info!("stepped down; standing by");
    }
}
