//! The executor's gRPC service: the coordinator launches and cancels tasks and removes a job's
//! shuffle outputs through it.

use kiln_proto::internal::v1 as ipb;
use std::collections::HashMap;
use std::sync::Arc;

use kiln_core::ids::is_safe_id;
use kiln_core::shuffle::ShuffleEnv;
use tonic::{Request, Response, Status};

use crate::task_runner::TaskRunner;

pub(crate) struct ExecutorGrpc {
    runner: Arc<TaskRunner>,
    env: Arc<ShuffleEnv>,
}

impl ExecutorGrpc {
    pub(crate) fn new(runner: Arc<TaskRunner>, env: Arc<ShuffleEnv>) -> Self {
        Self { runner, env }
    }
}

#[tonic::async_trait]
impl ipb::executor_service_server::ExecutorService for ExecutorGrpc {
    async fn launch_tasks(
        &self,
        request: Request<ipb::LaunchTasksRequest>,
    ) -> Result<Response<ipb::LaunchTasksResponse>, Status> {
        if self.runner.is_draining() {
            return Err(Status::unavailable("executor is shutting down"));
        }
        let request = request.into_inner();
        let settings: HashMap<String, Arc<ipb::JobTaskSettings>> = request
            .jobs
            .into_iter()
            .map(|s| (s.job_id.clone(), Arc::new(s)))
            .collect();
        // Checked before any task starts, so a request is launched whole or not at all.
        if let Some(task) = request
            .tasks
            .iter()
            .find(|t| !settings.contains_key(job_of(t)))
        {
            return Err(Status::invalid_argument(format!(
                "a task of job {:?} came without its job's settings (JobTaskSettings in the \
                 launch request)",
                job_of(task)
            )));
        }
        for task in request.tasks {
            let job_settings = Arc::clone(&settings[job_of(&task)]);
            self.runner.launch(task, job_settings);
        }
        Ok(Response::new(ipb::LaunchTasksResponse {}))
    }

    async fn cancel_tasks(
        &self,
        request: Request<ipb::CancelTasksRequest>,
    ) -> Result<Response<ipb::CancelTasksResponse>, Status> {
        self.runner.cancel(&request.into_inner().tasks).await;
        Ok(Response::new(ipb::CancelTasksResponse {}))
    }

    async fn remove_job_data(
        &self,
        request: Request<ipb::RemoveJobDataRequest>,
    ) -> Result<Response<ipb::RemoveJobDataResponse>, Status> {
        let jobs = request.into_inner().jobs;
        if let Some(bad) = jobs.iter().find(|job| !is_safe_id(&job.job_id)) {
            return Err(Status::invalid_argument(format!(
                "invalid job id {:?}",
                bad.job_id
            )));
        }
        let mut dirs = Vec::with_capacity(jobs.len());
        for job in &jobs {
            if job.keep_stage.is_none() {
                self.runner.cancel_job(&job.job_id).await;
            }
            self.env.memory.remove_job(&job.job_id, job.keep_stage);
            let keep = job
                .keep_stage
                .map(|stage| self.env.stage_dir(&job.job_id, stage));
            dirs.push((self.env.job_dir(&job.job_id), keep));
        }
        tokio::task::spawn_blocking(move || {
            for (job_dir, keep) in dirs {
                remove_job_dir(&job_dir, keep.as_deref());
            }
        })
        .await
        .map_err(|e| Status::internal(e.to_string()))?;
        Ok(Response::new(ipb::RemoveJobDataResponse {}))
    }
}

/// Deletes a job's directory, or everything in it but `keep`.
fn remove_job_dir(job_dir: &std::path::Path, keep: Option<&std::path::Path>) {
    let result = match keep {
        None => std::fs::remove_dir_all(job_dir),
        Some(keep) => std::fs::read_dir(job_dir).and_then(|entries| {
            for entry in entries.flatten() {
                if entry.path() != keep {
                    std::fs::remove_dir_all(entry.path())?;
                }
            }
            Ok(())
        }),
    };
    if let Err(e) = result
        && e.kind() != std::io::ErrorKind::NotFound
    {
        tracing::warn!(dir = %job_dir.display(), error = %e, "removing job files failed");
    }
}

/// The job a launched task belongs to.
fn job_of(task: &ipb::TaskDefinition) -> &str {
    task.task_id.as_ref().map_or("", |id| id.job_id.as_str())
}
