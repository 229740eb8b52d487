//! The Kiln client SDK: submit jobs to a Kiln coordinator, follow them, cancel them, and read
//! query results as a stream of Arrow record batches.
//!
//! ```no_run
//! # async fn example() -> Result<(), kiln_client::ClientError> {
//! use futures::TryStreamExt;
//! use kiln_client::{Client, proto};
//!
//! let client = Client::connect("http://127.0.0.1:50050").await?;
//! let spec = proto::JobSpec {
//!     name: "answer".into(),
//!     steps: vec![proto::StepSpec { name: "q".into(), sql: "SELECT 42 AS answer".into() }],
//!     ..Default::default()
//! };
//! let job_id = client.submit(spec).await?;
//! let status = client.wait(&job_id).await?;
//! let batches: Vec<_> = client.results(&status)?.try_collect().await?;
//! # Ok(()) }
//! ```

mod error;

pub use error::{ClientError, Result};
/// The protocol messages (job specs, statuses) the client speaks.
pub use kiln_proto::v1 as proto;

use std::sync::Arc;
use std::time::Duration;

use arrow::array::RecordBatch;
use arrow_flight::Ticket;
use futures::stream::BoxStream;
use futures::{Stream, StreamExt, TryStreamExt};
use kiln_core::config::DEFAULT_MAX_MESSAGE_SIZE;
use kiln_core::flight::FlightClients;
use kiln_proto::v1::job_service_client::JobServiceClient;
use tonic::transport::{Channel, Endpoint};

/// A connection to a Kiln coordinator.
#[derive(Clone)]
pub struct Client {
    jobs: JobServiceClient<Channel>,
    flight: Arc<FlightClients>,
}

impl Client {
    /// Connects to the coordinator at `url` (e.g. `http://127.0.0.1:50050`).
    pub async fn connect(url: impl Into<String>) -> Result<Client> {
        let url = url.into();
        let unreachable = |message: String| ClientError::Connect {
            url: url.clone(),
            message,
        };
        let channel = Endpoint::from_shared(url.clone())
            .map_err(|e| unreachable(e.to_string()))?
            .connect_timeout(Duration::from_secs(5))
            .tcp_nodelay(true)
            .connect()
            .await
            .map_err(|e| unreachable(source_chain(&e)))?;
        let jobs = JobServiceClient::new(channel)
            .max_decoding_message_size(DEFAULT_MAX_MESSAGE_SIZE)
            .max_encoding_message_size(DEFAULT_MAX_MESSAGE_SIZE);
        Ok(Client {
            jobs,
            flight: Arc::new(FlightClients::new(DEFAULT_MAX_MESSAGE_SIZE)),
        })
    }

    /// Submits a job; returns its id. A job the coordinator cannot run is rejected with
    /// [`ClientError::InvalidJob`] saying why.
    pub async fn submit(&self, spec: proto::JobSpec) -> Result<String> {
        let response = self
            .jobs
            .clone()
            .submit(proto::SubmitRequest {
                spec: Some(spec),
                validate_only: false,
            })
            .await?;
        Ok(response.into_inner().job_id)
    }

    /// Checks a job fully (sources reachable, SQL plans, sink fits) without running it.
    pub async fn validate(&self, spec: proto::JobSpec) -> Result<()> {
        self.jobs
            .clone()
            .submit(proto::SubmitRequest {
                spec: Some(spec),
                validate_only: true,
            })
            .await?;
        Ok(())
    }

    /// The current status of a job.
    pub async fn get(&self, job_id: &str) -> Result<proto::JobStatus> {
        let request = proto::GetJobRequest {
            job_id: job_id.to_string(),
        };
        Ok(self.jobs.clone().get(request).await?.into_inner())
    }

    /// Status snapshots of a job as it changes, ending with its final state.
    pub async fn watch(
        &self,
        job_id: &str,
    ) -> Result<impl Stream<Item = Result<proto::JobStatus>> + use<>> {
        let request = proto::WatchJobRequest {
            job_id: job_id.to_string(),
        };
        let stream = self.jobs.clone().watch(request).await?.into_inner();
        Ok(stream.map_err(ClientError::from))
    }

    /// Waits for a job to end and returns its final status, whatever the state.
    pub async fn wait(&self, job_id: &str) -> Result<proto::JobStatus> {
        let mut updates = Box::pin(self.watch(job_id).await?);
        let mut last = None;
        while let Some(status) = updates.next().await {
            last = Some(status?);
        }
        match last {
            Some(status) if is_finished(&status) => Ok(status),
            // The stream broke off early (e.g. a coordinator restart): ask directly.
            _ => self.get(job_id).await,
        }
    }

    /// Cancels a job; returns its state afterwards.
    pub async fn cancel(&self, job_id: &str) -> Result<proto::JobState> {
        let request = proto::CancelJobRequest {
            job_id: job_id.to_string(),
        };
        let state = self.jobs.clone().cancel(request).await?.into_inner().state;
        Ok(proto::JobState::try_from(state).unwrap_or(proto::JobState::Unspecified))
    }

    /// Jobs, newest first; only those in `state` when given; at most `limit` (0: all).
    pub async fn list(
        &self,
        state: Option<proto::JobState>,
        limit: u32,
    ) -> Result<Vec<proto::JobStatus>> {
        let request = proto::ListJobsRequest {
            state: state.map(|s| s as i32),
            limit,
        };
        Ok(self.jobs.clone().list(request).await?.into_inner().jobs)
    }

    /// The executors in the cluster.
    pub async fn executors(&self) -> Result<Vec<proto::ExecutorStatus>> {
        let response = self
            .jobs
            .clone()
            .list_executors(proto::ListExecutorsRequest {})
            .await?;
        Ok(response.into_inner().executors)
    }

    /// The result of a succeeded query job, streamed partition by partition from the
    /// executors that hold it; never gathered whole in memory.
    pub fn results(
        &self,
        status: &proto::JobStatus,
    ) -> Result<BoxStream<'static, Result<RecordBatch>>> {
        if status.state != proto::JobState::Succeeded as i32 {
            return Err(ClientError::NotSucceeded {
                job_id: status.job_id.clone(),
                state: state_name(status.state).to_string(),
                error: status.error.clone(),
            });
        }
        let result = status.result.clone().unwrap_or_default();
        let flight = Arc::clone(&self.flight);
        let stream = futures::stream::iter(result.partitions)
            .then(move |partition| {
                let flight = Arc::clone(&flight);
                async move {
                    let mut client = flight.client(&partition.flight_endpoint)?;
                    let batches = client
                        .do_get(Ticket::new(partition.ticket))
                        .await
                        .map_err(ClientError::from)?;
                    Ok::<_, ClientError>(batches.map_err(ClientError::from))
                }
            })
            .try_flatten();
        Ok(stream.boxed())
    }

    /// The Arrow schema of a succeeded query job's result.
    pub fn result_schema(status: &proto::JobStatus) -> Result<arrow::datatypes::Schema> {
        let result = status
            .result
            .as_ref()
            .ok_or_else(|| ClientError::NotSucceeded {
                job_id: status.job_id.clone(),
                state: state_name(status.state).to_string(),
                error: status.error.clone(),
            })?;
        kiln_core::codec::decode_schema(&result.schema)
            .map_err(|e| ClientError::Core(kiln_core::KilnError::from(e)))
    }
}

/// Whether a status is final (succeeded, failed, cancelled or timed out).
pub fn is_finished(status: &proto::JobStatus) -> bool {
    !matches!(
        proto::JobState::try_from(status.state),
        Ok(proto::JobState::Queued | proto::JobState::Running)
    )
}

/// A job state's name as users see it: `SUCCEEDED`, `FAILED`, ...
pub fn state_name(state: i32) -> &'static str {
    proto::JobState::try_from(state)
        .map(|s| s.as_str_name().trim_start_matches("JOB_STATE_"))
        .unwrap_or("UNKNOWN")
}

/// The job state named `name` (`running`, `SUCCEEDED`, `timed_out`, ...), if there is one.
pub fn parse_state(name: &str) -> Option<proto::JobState> {
    proto::JobState::from_str_name(&format!("JOB_STATE_{}", name.to_ascii_uppercase()))
        .filter(|s| *s != proto::JobState::Unspecified)
}

fn source_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}
