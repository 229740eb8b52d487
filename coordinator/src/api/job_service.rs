//! `JobService`: the public API clients use.

use std::pin::Pin;
use std::sync::Arc;

use futures::Stream;
use kiln_proto::v1 as pb;
use tonic::{Request, Response, Status};

use crate::api::is_final;
use crate::scheduler::Scheduler;

/// How long a watch gathers progress into one update; a job's end is sent at once.
const PROGRESS_WINDOW: std::time::Duration = std::time::Duration::from_millis(20);

pub(crate) struct JobApi {
    scheduler: Arc<Scheduler>,
}

impl JobApi {
    pub(crate) fn new(scheduler: Arc<Scheduler>) -> Self {
        Self { scheduler }
    }
}

#[tonic::async_trait]
impl pb::job_service_server::JobService for JobApi {
    async fn submit(
        &self,
        request: Request<pb::SubmitRequest>,
    ) -> Result<Response<pb::SubmitResponse>, Status> {
        let request = request.into_inner();
        let spec = match (request.spec, request.job_file) {
            (Some(spec), None) => spec,
            (None, Some(file)) => parse_job_file(&file)?,
            (Some(_), Some(_)) => {
                return Err(Status::invalid_argument(
                    "the request has both a job spec and a job file: send one",
                ));
            }
            (None, None) => {
                return Err(Status::invalid_argument(
                    "the request has neither a job spec nor a job file",
                ));
            }
        };
        if request.validate_only {
            self.scheduler.validate(&spec).await?;
            return Ok(Response::new(pb::SubmitResponse::default()));
        }
        let job_id = self.scheduler.submit(spec, request.request_id).await?;
        Ok(Response::new(pb::SubmitResponse { job_id }))
    }

    async fn get(
        &self,
        request: Request<pb::GetJobRequest>,
    ) -> Result<Response<pb::JobStatus>, Status> {
        Ok(Response::new(
            self.scheduler.status(&request.into_inner().job_id).await?,
        ))
    }

    type WatchStream = Pin<Box<dyn Stream<Item = Result<pb::JobStatus, Status>> + Send>>;

    async fn watch(
        &self,
        request: Request<pb::WatchJobRequest>,
    ) -> Result<Response<Self::WatchStream>, Status> {
        let job_id = request.into_inner().job_id;
        let mut changes = self.scheduler.subscribe(&job_id).await?;
        let scheduler = Arc::clone(&self.scheduler);
        let stream = async_stream(move |tx| async move {
            loop {
                changes.mark_unchanged();
                // A job past the window is read from the history store.
                let status = match scheduler.status(&job_id).await {
                    Ok(status) => status,
                    Err(e) => {
                        let _ = tx.send(Err(e.into())).await;
                        return;
                    }
                };
                let done = is_final(&status);
                if tx.send(Ok(status)).await.is_err() || done {
                    return;
                }
                if changes.changed().await.is_err() {
                    return;
                }
                // Coalesce bursts of progress into one snapshot, but send the end at once.
                let ended = || {
                    scheduler
                        .current_status(&job_id)
                        .map(|s| is_final(&s))
                        .unwrap_or(true)
                };
                let window = tokio::time::Instant::now() + PROGRESS_WINDOW;
                while !ended() {
                    match tokio::time::timeout_at(window, changes.changed()).await {
                        Err(_) => break,
                        Ok(Err(_)) => return,
                        Ok(Ok(())) => {}
                    }
                }
            }
        });
        Ok(Response::new(stream))
    }

    async fn cancel(
        &self,
        request: Request<pb::CancelJobRequest>,
    ) -> Result<Response<pb::CancelJobResponse>, Status> {
        let state = self.scheduler.cancel(&request.into_inner().job_id).await?;
        Ok(Response::new(pb::CancelJobResponse {
            state: state as i32,
        }))
    }

    async fn list(
        &self,
        request: Request<pb::ListJobsRequest>,
    ) -> Result<Response<pb::ListJobsResponse>, Status> {
        let request = request.into_inner();
        if let Some(s) = request.state {
            pb::JobState::try_from(s)
                .map_err(|_| Status::invalid_argument(format!("unknown job state {s}")))?;
        }
        Ok(Response::new(self.scheduler.list(&request).await?))
    }

    async fn get_tasks(
        &self,
        request: Request<pb::GetTasksRequest>,
    ) -> Result<Response<pb::GetTasksResponse>, Status> {
        let request = request.into_inner();
        let attempts = self
            .scheduler
            .tasks(
                &request.job_id,
                request.stage_id,
                request.partition,
                request.with_logs,
            )
            .await?;
        Ok(Response::new(pb::GetTasksResponse { attempts }))
    }

    async fn list_executors(
        &self,
        _request: Request<pb::ListExecutorsRequest>,
    ) -> Result<Response<pb::ListExecutorsResponse>, Status> {
        let executors = self.scheduler.executors().await?;
        Ok(Response::new(pb::ListExecutorsResponse { executors }))
    }

    async fn get_version(
        &self,
        _request: Request<pb::GetVersionRequest>,
    ) -> Result<Response<pb::GetVersionResponse>, Status> {
        Ok(Response::new(pb::GetVersionResponse {
            version: env!("CARGO_PKG_VERSION").to_string(),
            protocol_version: kiln_proto::PROTOCOL_VERSION,
            leader_url: self.scheduler.leader_url().await.unwrap_or_default(),
        }))
    }

    async fn get_bookmark(
        &self,
        request: Request<pb::GetBookmarkRequest>,
    ) -> Result<Response<pb::Bookmark>, Status> {
        let request = request.into_inner();
        let bookmark = self
            .scheduler
            .bookmark(&request.name, request.with_files)
            .await?;
        Ok(Response::new(bookmark))
    }

    async fn reset_bookmark(
        &self,
        request: Request<pb::ResetBookmarkRequest>,
    ) -> Result<Response<pb::Bookmark>, Status> {
        let request = request.into_inner();
        let kept = self
            .scheduler
            .reset_bookmark(&request.name, &request.keep_through_job_id)
            .await?;
        Ok(Response::new(kept))
    }
}

/// The job a submitted job file describes.
fn parse_job_file(file: &pb::JobFile) -> Result<pb::JobSpec, Status> {
    let origin = match file.origin.as_str() {
        "" => "job file",
        origin => origin,
    };
    let base_dir = std::path::Path::new(&file.base_dir);
    if !base_dir.is_absolute() {
        return Err(Status::invalid_argument(format!(
            "{origin}: base_dir must be an absolute directory, got '{}'",
            file.base_dir
        )));
    }
    kiln_jobs::parse_job(&file.toml, origin, base_dir, &file.params)
        .map_err(|e| Status::invalid_argument(e.to_string()))
}

/// A stream fed by a task through a small channel.
fn async_stream<T, F, Fut>(produce: F) -> Pin<Box<dyn Stream<Item = T> + Send>>
where
    T: Send + 'static,
    F: FnOnce(tokio::sync::mpsc::Sender<T>) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    tokio::spawn(produce(tx));
    Box::pin(tokio_stream::wrappers::ReceiverStream::new(rx))
}
