//! Accepting a job: planning and validating its spec, deduplicating retried submissions by
//! request id, storing its record, and reserving the bookmark of an incremental job's run.

use kiln_proto::internal::v1 as ipb;
use std::collections::HashMap;
use std::sync::Arc;

use datafusion::physical_plan::displayable;
use datafusion::prelude::{SessionConfig, SessionContext};
use kiln_catalog::Catalog;
use kiln_core::codec::{decode_plan, encode_plan};
use kiln_core::state::{Fence, keys};
use kiln_jobs::bookmark::Increment;
use kiln_proto::v1 as pb;
use prost::Message;
use tokio::sync::watch;

use crate::bookmarks;
use crate::checkpoint::MAX_PLAN_BYTES;
use crate::error::{CoordinatorError, Result};
use crate::job::Job;
use crate::stages::{StagePlan, split_into_stages};

use super::{Request, Scheduler, State};

/// The longest request id a client may choose.
const MAX_REQUEST_ID_LEN: usize = 128;

/// The most bytes a job's record may take in the state store, with room for its key.
pub(super) const MAX_RECORD_BYTES: usize = kiln_core::state::MAX_WRITE_BYTES - 1024;

impl Scheduler {
    /// Plans a job and cuts it into stages; errors a user can cause come back as `InvalidJob`.
    async fn plan(
        &self,
        job_id: &str,
        spec: &pb::JobSpec,
        increment: Option<Arc<Increment>>,
    ) -> Result<(crate::planner::PlannedJob, Vec<crate::stages::StagePlan>)> {
        crate::notify::validate(spec)?;
        // Planning a large statement is seconds of CPU: it runs on a blocking thread, so the
        // runtime's workers keep answering clients and executors and renewing the lease.
        let handle = tokio::runtime::Handle::current();
        let (job_id, spec) = (job_id.to_string(), spec.clone());
        let (partitions, runtime) = (self.config.shuffle_partitions, Arc::clone(&self.runtime));
        let catalog = Catalog::new(Arc::clone(&self.store));
        tokio::task::spawn_blocking(move || {
            handle.block_on(async {
                let planned = crate::planner::plan_job(
                    &job_id,
                    &spec,
                    partitions,
                    runtime,
                    &catalog,
                    increment.as_ref(),
                )
                .await?;
                let stages = split_into_stages(&job_id, Arc::clone(&planned.plan))?;
                Ok((planned, stages))
            })
        })
        .await
        .map_err(|panic| {
            CoordinatorError::InvalidJob(format!("planning the job failed: {panic}"))
        })?
    }

    /// A resumed job's stages, sink and settings: from the plan its record carries (what the
    /// job planned at submit, so it reads the same files and key ranges), else planned again.
    pub(super) async fn replan(
        &self,
        job_id: &str,
        spec: &pb::JobSpec,
        record: &ipb::JobRecord,
    ) -> Result<(
        Vec<StagePlan>,
        Option<pb::SinkSpec>,
        HashMap<String, String>,
    )> {
        if record.plan.is_empty() {
            let increment = record.bookmark.as_ref().map(bookmarks::replay);
            let (planned, stages) = self.plan(job_id, spec, increment).await?;
            return Ok((stages, planned.sink, planned.session_config));
        }
        let ctx =
            SessionContext::new_with_config_rt(SessionConfig::new(), Arc::clone(&self.runtime));
        let plan = decode_plan(&record.plan, &ctx.task_ctx())?;
        let stages = split_into_stages(job_id, plan)?;
        Ok((stages, record.sink.clone(), record.session_config.clone()))
    }

    /// Checks a job as `submit` would, without accepting it.
    pub async fn validate(&self, spec: &pb::JobSpec) -> Result<()> {
        let increment = bookmarks::bookmark_name(spec)?.map(|_| bookmarks::unseen(spec, &[]));
        self.plan("validation", spec, increment).await.map(|_| ())
    }

    /// The schema of the result `spec` would give, planned as `submit` would plan it.
    pub async fn result_schema(&self, spec: &pb::JobSpec) -> Result<arrow::datatypes::SchemaRef> {
        let increment = bookmarks::bookmark_name(spec)?.map(|_| bookmarks::unseen(spec, &[]));
        self.plan("validation", spec, increment)
            .await
            .map(|(planned, _)| planned.plan.schema())
    }

    pub(super) fn max_attempts(&self, spec: &pb::JobSpec) -> u32 {
        match spec.options.as_ref().map(|o| o.max_task_attempts) {
            Some(n) if n > 0 => n,
            _ => self.config.max_task_attempts,
        }
    }

    /// Plans and accepts a job, recording it in the state store before answering; errors a
    /// user can cause come back as `InvalidJob`. A submission whose `request_id` names a job
    /// the cluster remembers answers with that job (a client retrying a lost reply).
    pub async fn submit(self: &Arc<Self>, spec: pb::JobSpec, request_id: String) -> Result<String> {
        let fence = self.require_leader().await?;
        if request_id.len() > MAX_REQUEST_ID_LEN {
            return Err(CoordinatorError::InvalidJob(format!(
                "the request id is {} characters long; at most {MAX_REQUEST_ID_LEN} are allowed",
                request_id.len()
            )));
        }
        let job_id = kiln_core::ids::new_job_id();
        let reservation = match request_id.is_empty() {
            true => None,
            false => match self.reserve_request(&request_id, &job_id).await {
                Ok(reservation) => Some(reservation),
                Err(accepted) => return Ok(accepted),
            },
        };
        let accepted = self.accept(spec, job_id, request_id.clone(), fence).await;
        if let Some(reservation) = reservation {
            let mut state = self.lock();
            match &accepted {
                Ok(job_id) => {
                    state
                        .requests
                        .insert(request_id, Request::Accepted(job_id.clone()));
                    let _ = reservation.send(Some(job_id.clone()));
                }
                Err(_) => drop(state.requests.remove(&request_id)),
            }
        }
        accepted
    }

    /// Claims `request_id` for a new submission, or returns the job a submission with it
    /// was accepted as (waiting for one under way to end).
    async fn reserve_request(
        &self,
        request_id: &str,
        job_id: &str,
    ) -> Result<watch::Sender<Option<String>>, String> {
        loop {
            let mut pending = {
                let mut state = self.lock();
                match state.requests.get(request_id) {
                    Some(Request::Accepted(job_id)) => return Err(job_id.clone()),
                    Some(Request::Pending(pending)) => pending.clone(),
                    None => {
                        let (sender, receiver) = watch::channel(None);
                        state
                            .requests
                            .insert(request_id.to_string(), Request::Pending(receiver));
                        tracing::debug!(%job_id, %request_id, "submission reserved");
                        return Ok(sender);
                    }
                }
            };
            // Accepted meanwhile: that job; failed: this submission takes its place.
            if let Ok(accepted) = pending.wait_for(Option::is_some).await {
                return Err(accepted.clone().expect("waited for a job id"));
            }
        }
    }

    /// Plans a job and stores it as accepted. An incremental job's run is reserved first, so
    /// that runs of one job never overlap (each reads what the runs before it did not).
    async fn accept(
        self: &Arc<Self>,
        spec: pb::JobSpec,
        job_id: String,
        request_id: String,
        fence: Fence,
    ) -> Result<String> {
        let Some(name) = bookmarks::bookmark_name(&spec)?.map(str::to_string) else {
            return self.accept_run(spec, job_id, request_id, fence, None).await;
        };
        let _reserved = self.reserve_bookmark(&name, &job_id)?;
        self.bookmark_writes_landed(&name).await;
        let runs = bookmarks::runs(self.store.as_ref(), &name).await?;
        let increment = bookmarks::unseen(&spec, &runs);
        self.accept_run(spec, job_id, request_id, fence, Some(increment))
            .await
    }

    /// Keeps other runs of incremental job `name` from starting while `holder` (a run's job
    /// id, or a reset) is planned; refused while a run is under way. The reservation ends
    /// when the answer is dropped (a caller that went away included).
    fn reserve_bookmark(
        self: &Arc<Self>,
        name: &str,
        holder: &str,
    ) -> Result<BookmarkReservation<'_>> {
        let state = &mut *self.lock();
        if let Some(running) = bookmark_in_use(state, name) {
            return Err(bookmarks::BookmarkError::InUse {
                name: name.to_string(),
                job_id: running,
            }
            .into());
        }
        state
            .planning_runs
            .insert(name.to_string(), holder.to_string());
        Ok(BookmarkReservation {
            scheduler: self,
            name: name.to_string(),
        })
    }

    /// Plans a job (an incremental one reading what `increment` chooses) and stores it as
    /// accepted.
    async fn accept_run(
        self: &Arc<Self>,
        spec: pb::JobSpec,
        job_id: String,
        request_id: String,
        fence: Fence,
        increment: Option<Arc<Increment>>,
    ) -> Result<String> {
        let planning = std::time::Instant::now();
        let (planned, stages) = self.plan(&job_id, &spec, increment.clone()).await?;
        let planned_in_ms = planning.elapsed().as_millis() as u64;
        let max_attempts = self.max_attempts(&spec);
        tracing::info!(%job_id, name = %spec.name, stages = stages.len(), planned_in_ms, "job accepted");
        for stage in &stages {
            tracing::debug!(%job_id, stage = stage.id, inputs = ?stage.inputs, plan = %displayable(stage.plan.as_ref()).indent(true), "stage planned");
        }
        let mut job = Job::new(
            job_id.clone(),
            spec,
            stages,
            planned.sink,
            planned.session_config,
            max_attempts,
            0,
        );
        job.request_id = request_id;
        job.catalog_scan = Some(planned.catalog_scan);
        job.bookmark = increment.map(|increment| bookmarks::planned_run(&job_id, &increment));
        match encode_plan(Arc::clone(&planned.plan)) {
            Ok(plan) if plan.len() <= MAX_PLAN_BYTES => job.plan = plan,
            Ok(plan) => {
                tracing::warn!(%job_id, bytes = plan.len(), "the job's plan is too large to record; a successor would plan it again")
            }
            Err(error) => {
                tracing::warn!(%job_id, %error, "the job's plan cannot be recorded; a successor would plan it again")
            }
        }
        let milestone = job.milestone();
        let record = job.record().encode_to_vec();
        if record.len() > MAX_RECORD_BYTES {
            return Err(CoordinatorError::InvalidJob(format!(
                "the job is {} bytes as stored, over the cluster's limit of {MAX_RECORD_BYTES} \
                 bytes for a job record: shorten its SQL or move literal data into a source",
                record.len()
            )));
        }
        self.store
            .put(&keys::job(&job_id), record, Some(&fence))
            .await?;
        {
            let mut state = self.lock();
            let Some(leader) = state.leader.as_mut() else {
                return Err(CoordinatorError::NotLeader(None));
            };
            leader.recorded.insert(job_id.clone(), milestone);
            state.jobs.insert(job_id.clone(), job);
            state.order.push_back(job_id.clone());
        }
        self.metrics.job_submitted();
        self.schedule();
        Ok(job_id)
    }

    /// Waits until every run of incremental job `name` that succeeded under this leader is in
    /// the job's bookmark in the state store: its write is queued with the job's end, and a
    /// caller who saw the job succeed must see the run.
    async fn bookmark_writes_landed(self: &Arc<Self>, name: &str) {
        // A job whose success a caller saw may not be recorded yet: this records it.
        self.schedule();
        let pending = {
            let state = self.lock();
            let leader = state.leader.as_ref();
            leader.and_then(|leader| leader.bookmark_writes.get(name).cloned())
        };
        let Some(pending) = pending else {
            return;
        };
        futures::future::join_all(pending).await;
        if let Some(leader) = self.lock().leader.as_mut()
            && let Some(writes) = leader.bookmark_writes.get_mut(name)
        {
            writes.retain(|write| write.peek().is_none());
            if writes.is_empty() {
                leader.bookmark_writes.remove(name);
            }
        }
    }

    /// What the successful runs of incremental job `name` read.
    pub async fn bookmark(self: &Arc<Self>, name: &str, with_files: bool) -> Result<pb::Bookmark> {
        self.require_leader().await?;
        self.bookmark_writes_landed(name).await;
        bookmarks::show(self.store.as_ref(), name, with_files).await
    }

    /// Forgets the runs of incremental job `name` after `keep_through` (every run when
    /// empty), so that its next run reads their files again; refused while a run is under way.
    pub async fn reset_bookmark(
        self: &Arc<Self>,
        name: &str,
        keep_through: &str,
    ) -> Result<pb::Bookmark> {
        let fence = self.require_leader().await?;
        let _reserved = self.reserve_bookmark(name, "(a bookmark reset)")?;
        self.bookmark_writes_landed(name).await;
        bookmarks::reset(self.store.as_ref(), &fence, name, keep_through).await
    }
}

/// A run of an incremental job being planned, or its bookmark reset (see
/// [`Scheduler::reserve_bookmark`]).
struct BookmarkReservation<'a> {
    scheduler: &'a Scheduler,
    name: String,
}

impl Drop for BookmarkReservation<'_> {
    fn drop(&mut self) {
        self.scheduler.lock().planning_runs.remove(&self.name);
    }
}

/// The run of incremental job `name` that is queued, running or being planned, if any.
fn bookmark_in_use(state: &State, name: &str) -> Option<String> {
    if let Some(job_id) = state.planning_runs.get(name) {
        return Some(job_id.clone());
    }
    state
        .jobs
        .values()
        .find(|job| job.bookmark.is_some() && !job.is_finished() && job.spec.name == name)
        .map(|job| job.id.clone())
}
