//! Job results through the coordinator, for clients that reach only the coordinator (a laptop
//! in front of a Kubernetes Service, a BI tool behind a firewall).
//!
//! A [`pb::ResultTicket`] names a job and one partition of its result, or the whole result.
//! The coordinator looks the partitions up in the job's status (never trusting an endpoint
//! from the caller) and passes the executors' Flight messages on as they come, undecoded.
//! Each message is fetched only as the client reads, so the coordinator holds a few messages
//! per stream whatever the result's size. A whole result is one stream (what simple Flight
//! SQL clients read): one schema message, then every partition's batches in turn.

use std::sync::Arc;

use arrow::ipc::MessageHeader;
use arrow::ipc::writer::IpcWriteOptions;
use arrow_flight::{FlightData, SchemaAsIpc};
use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};
use kiln_core::flight::FlightClients;
use kiln_proto::v1 as pb;
use prost::Message;
use tonic::Status;

use crate::scheduler::Scheduler;

/// Decodes the handle of a statement ticket: the result, or result partition, it names.
pub(super) fn decode_ticket(handle: &[u8]) -> Result<pb::ResultTicket, Status> {
    pb::ResultTicket::decode(handle).map_err(|e| {
        Status::invalid_argument(format!(
            "a Kiln statement handle is a kiln.v1.ResultTicket (job id and partition): {e}"
        ))
    })
}

/// The result of job `job_id`, which must have succeeded.
async fn result_of(scheduler: &Scheduler, job_id: &str) -> Result<pb::JobResult, Status> {
    let status = scheduler.status(job_id).await?;
    if status.state != pb::JobState::Succeeded as i32 {
        let state = pb::JobState::try_from(status.state)
            .map(|s| s.as_str_name())
            .unwrap_or("UNKNOWN");
        return Err(Status::failed_precondition(format!(
            "job {job_id} has no result to read: it is {state}"
        )));
    }
    Ok(status.result.unwrap_or_default())
}

/// The Flight messages of what `ticket` names.
pub(super) async fn stream(
    scheduler: &Arc<Scheduler>,
    executors: &Arc<FlightClients>,
    ticket: pb::ResultTicket,
) -> Result<BoxStream<'static, Result<FlightData, Status>>, Status> {
    let result = result_of(scheduler, &ticket.job_id).await?;
    let messages = match ticket.partition {
        Some(index) => {
            let count = result.partitions.len();
            let partition = result
                .partitions
                .into_iter()
                .nth(index as usize)
                .ok_or_else(|| {
                    Status::out_of_range(format!(
                        "job {} has {count} result partitions; there is no partition {index}",
                        ticket.job_id
                    ))
                })?;
            fetch(executors, &ticket.job_id, index, partition).await?
        }
        None => whole(executors, ticket.job_id, result)?,
    };
    let scheduler = Arc::clone(scheduler);
    let counted = messages.inspect(move |message| {
        if let Ok(data) = message {
            scheduler
                .metrics()
                .result_bytes_served(data.data_header.len() + data.data_body.len());
        }
    });
    Ok(counted.boxed())
}

/// The messages of partition `index` of job `job_id`'s result, held as `partition` says.
async fn fetch(
    executors: &FlightClients,
    job_id: &str,
    index: u32,
    partition: pb::ResultPartition,
) -> Result<BoxStream<'static, Result<FlightData, Status>>, Status> {
    let messages = executors
        .fetch_messages(&partition.flight_endpoint, partition.ticket)
        .await
        .map_err(|status| {
            Status::new(
                status.code(),
                format!(
                    "reading partition {index} of job {job_id}'s result from {}: {}",
                    partition.flight_endpoint,
                    status.message()
                ),
            )
        })?;
    Ok(messages.boxed())
}

/// The whole of `result` as one stream: its schema, then each partition's batches.
fn whole(
    executors: &Arc<FlightClients>,
    job_id: String,
    result: pb::JobResult,
) -> Result<BoxStream<'static, Result<FlightData, Status>>, Status> {
    let schema = kiln_core::codec::decode_schema(&result.schema)
        .map_err(|e| Status::internal(format!("job {job_id}'s result schema: {e}")))?;
    let schema_message = FlightData::from(SchemaAsIpc::new(&schema, &IpcWriteOptions::default()));
    let executors = Arc::clone(executors);
    let batches = futures::stream::iter(result.partitions.into_iter().zip(0u32..))
        .then(move |(partition, index)| {
            let executors = Arc::clone(&executors);
            let job_id = job_id.clone();
            async move { fetch(&executors, &job_id, index, partition).await }
        })
        .try_flatten()
        // Each partition's stream starts with the schema, already sent.
        .try_filter(|message| futures::future::ready(!is_schema(message)));
    Ok(futures::stream::once(async { Ok(schema_message) })
        .chain(batches)
        .boxed())
}

/// Whether `message` is a schema message.
fn is_schema(message: &FlightData) -> bool {
    arrow::ipc::root_as_message(&message.data_header)
        .is_ok_and(|m| m.header_type() == MessageHeader::Schema)
}
