//! Reading a succeeded job's result: from the executors that hold it, or through the
//! coordinator for clients outside the cluster's network.

use std::sync::atomic::Ordering;

use arrow_array::RecordBatch;
use arrow_flight::Ticket;
use arrow_flight::decode::FlightRecordBatchStream;
use arrow_flight::error::FlightError;
use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};
use prost::Message;

use crate::{Client, ClientError, Result, proto, state_name};

/// Where a client reads a job's result from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ResultRoute {
    /// From the executors that hold it; through the coordinator once an executor cannot be
    /// reached (the client runs outside the cluster's network).
    #[default]
    Auto,
    /// Only from the executors, for clients inside the cluster's network.
    Direct,
    /// Only through the coordinator, for clients that reach nothing else.
    Coordinator,
}

impl std::str::FromStr for ResultRoute {
    type Err = String;

    fn from_str(text: &str) -> std::result::Result<Self, String> {
        match text {
            "auto" => Ok(ResultRoute::Auto),
            "direct" => Ok(ResultRoute::Direct),
            "coordinator" => Ok(ResultRoute::Coordinator),
            other => Err(format!(
                "expected auto, direct or coordinator, got '{other}'"
            )),
        }
    }
}

/// The environment variable that sets [`ConnectOptions::results`] for the `kiln` command.
pub const RESULTS_ENV: &str = "KILN_RESULTS";

impl Client {
    /// The result of a succeeded query job, streamed partition by partition from the
    /// executors that hold it, or through the coordinator as [`ConnectOptions::results`]
    /// says; never gathered whole in memory.
    ///
    /// ```
    /// # #[tokio::main(flavor = "multi_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let cluster = kiln_embedded::EmbeddedCluster::start(1, 2).await?;
    /// # let client = kiln_client::Client::connect(cluster.url()).await?;
    /// # use kiln_client::proto;
    /// # fn query(name: &str, sql: &str) -> proto::JobSpec {
    /// #     proto::JobSpec {
    /// #         name: name.into(),
    /// #         steps: vec![proto::StepSpec { name: "q".into(), sql: sql.into() }],
    /// #         ..Default::default()
    /// #     }
    /// # }
    /// use futures::TryStreamExt;
    ///
    /// let job_id = client.submit(query("rows", "SELECT value FROM generate_series(1, 100000)")).await?;
    /// let status = client.wait(&job_id).await?;
    /// let mut batches = client.results(&status)?;
    /// let mut rows = 0;
    /// while let Some(batch) = batches.try_next().await? {
    ///     rows += batch.num_rows();
    /// }
    /// assert_eq!(rows, 100_000);
    /// # cluster.stop().await;
    /// # Ok(()) }
    /// ```
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
        let client = self.clone();
        let job_id = status.job_id.clone();
        let stream = futures::stream::iter(result.partitions.into_iter().enumerate())
            .then(move |(index, partition)| {
                let client = client.clone();
                let job_id = job_id.clone();
                async move {
                    let batches = client.read_partition(&job_id, index, partition).await?;
                    Ok::<_, ClientError>(batches.map_err(ClientError::from))
                }
            })
            .try_flatten();
        Ok(stream.boxed())
    }

    /// Opens partition `index` of job `job_id`'s result, held as `partition` says, by the
    /// route the options name.
    async fn read_partition(
        &self,
        job_id: &str,
        index: usize,
        partition: proto::ResultPartition,
    ) -> Result<FlightRecordBatchStream> {
        let route = self.coordinators.options.results;
        let try_direct = match route {
            ResultRoute::Direct => true,
            ResultRoute::Coordinator => false,
            ResultRoute::Auto => !self.executors_unreachable.load(Ordering::Relaxed),
        };
        if try_direct {
            let mut executor = self.flight.client(&partition.flight_endpoint)?;
            match executor.do_get(Ticket::new(partition.ticket)).await {
                Ok(batches) => return Ok(batches),
                Err(FlightError::Tonic(status))
                    if route == ResultRoute::Auto && status.code() == tonic::Code::Unavailable =>
                {
                    // Outside the cluster's network: every partition comes through the
                    // coordinator from now on.
                    self.flight.forget(&partition.flight_endpoint);
                    self.executors_unreachable.store(true, Ordering::Relaxed);
                }
                Err(e) => return Err(e.into()),
            }
        }
        let ticket = proto::ResultTicket {
            job_id: job_id.to_string(),
            partition: Some(u32::try_from(index).unwrap_or(u32::MAX)),
        };
        let mut coordinator = self.flight.client(&self.coordinators.current().url)?;
        Ok(coordinator
            .do_get(Ticket::new(statement_ticket(&ticket)))
            .await?)
    }

    /// The Arrow schema of a succeeded query job's result.
    ///
    /// ```
    /// # #[tokio::main(flavor = "multi_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let cluster = kiln_embedded::EmbeddedCluster::start(1, 2).await?;
    /// # let client = kiln_client::Client::connect(cluster.url()).await?;
    /// # use kiln_client::proto;
    /// # fn query(name: &str, sql: &str) -> proto::JobSpec {
    /// #     proto::JobSpec {
    /// #         name: name.into(),
    /// #         steps: vec![proto::StepSpec { name: "q".into(), sql: sql.into() }],
    /// #         ..Default::default()
    /// #     }
    /// # }
    /// let job_id = client.submit(query("schema", "SELECT 1 AS id, 'a' AS name")).await?;
    /// let status = client.wait(&job_id).await?;
    /// let schema = kiln_client::Client::result_schema(&status)?;
    /// let names: Vec<&String> = schema.fields().iter().map(|f| f.name()).collect();
    /// assert_eq!(names, ["id", "name"]);
    /// # cluster.stop().await;
    /// # Ok(()) }
    /// ```
    pub fn result_schema(status: &proto::JobStatus) -> Result<arrow_schema::Schema> {
        let result = status
            .result
            .as_ref()
            .ok_or_else(|| ClientError::NotSucceeded {
                job_id: status.job_id.clone(),
                state: state_name(status.state).to_string(),
                error: status.error.clone(),
            })?;
        Ok(kiln_wire::schema::decode_schema(&result.schema)?)
    }
}

/// Flight SQL's `TicketStatementQuery`, the ticket the coordinator serves results for (the
/// client carries no Flight SQL machinery for this one message).
#[derive(Clone, PartialEq, prost::Message)]
struct TicketStatementQuery {
    #[prost(bytes = "vec", tag = "1")]
    statement_handle: Vec<u8>,
}

/// A Flight SQL statement ticket, as BI tools read results, whose handle names `ticket`'s
/// job and partition: the message packed in an `Any`, as Flight SQL servers expect.
fn statement_ticket(ticket: &proto::ResultTicket) -> Vec<u8> {
    let statement = TicketStatementQuery {
        statement_handle: ticket.encode_to_vec(),
    };
    prost_types::Any {
        type_url: "type.googleapis.com/arrow.flight.protocol.sql.TicketStatementQuery".into(),
        value: statement.encode_to_vec(),
    }
    .encode_to_vec()
}
