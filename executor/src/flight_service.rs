//! Serves shuffle outputs over Arrow Flight: `DoGet(ticket)` streams one output batch by batch,
//! encoded from memory (compressed as the executor's setting says, unless the reader is on
//! this machine), or message by message as written from its file (the reader decodes and
//! decompresses).
//! The ticket names the file by ids only; the path is derived here and never taken from a peer.

use std::sync::Arc;

use arrow::ipc::writer::IpcWriteOptions;
use arrow_flight::encode::FlightDataEncoderBuilder;
use arrow_flight::flight_service_server::FlightService;
use arrow_flight::{
    Action, ActionType, Criteria, Empty, FlightData, FlightDescriptor, FlightInfo,
    HandshakeRequest, HandshakeResponse, PollInfo, PutResult, SchemaResult, Ticket,
};
use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};
use kiln_core::flight::read_ipc_messages;
use kiln_core::ids::is_safe_id;
use kiln_core::shuffle::{ShuffleEnv, ShuffleFileId};
use kiln_proto::v1 as pb;
use prost::Message;
use tonic::{Request, Response, Status, Streaming};

pub(crate) struct ShuffleFlightService {
    env: Arc<ShuffleEnv>,
}

impl ShuffleFlightService {
    pub(crate) fn new(env: Arc<ShuffleEnv>) -> Self {
        Self { env }
    }
}

type Stream<T> = BoxStream<'static, Result<T, Status>>;

fn only_do_get<T>() -> Result<T, Status> {
    Err(Status::unimplemented(
        "a Kiln executor serves shuffle files with DoGet only",
    ))
}

#[tonic::async_trait]
impl FlightService for ShuffleFlightService {
    type HandshakeStream = Stream<HandshakeResponse>;
    type ListFlightsStream = Stream<FlightInfo>;
    type DoGetStream = Stream<FlightData>;
    type DoPutStream = Stream<PutResult>;
    type DoExchangeStream = Stream<FlightData>;
    type DoActionStream = Stream<arrow_flight::Result>;
    type ListActionsStream = Stream<ActionType>;

    async fn do_get(
        &self,
        request: Request<Ticket>,
    ) -> Result<Response<Self::DoGetStream>, Status> {
        // Compression is for networks: a reader on this machine gets the batches as they are.
        let loopback = request.remote_addr().is_some_and(|a| a.ip().is_loopback());
        let ticket = pb::ShuffleTicket::decode(request.into_inner().ticket)
            .map_err(|e| Status::invalid_argument(format!("invalid shuffle ticket: {e}")))?;
        if !is_safe_id(&ticket.job_id) {
            return Err(Status::invalid_argument("invalid job id in ticket"));
        }
        let id = ShuffleFileId {
            job_id: &ticket.job_id,
            stage_id: ticket.stage_id,
            map_partition: ticket.map_partition,
            attempt: ticket.attempt,
            output_partition: ticket.output_partition,
        };
        if let Some(batches) = self.env.memory.get(&id) {
            let codec = match loopback {
                true => None,
                false => self.env.compression.codec(),
            };
            let options = IpcWriteOptions::default()
                .try_with_compression(codec)
                .map_err(|e| Status::internal(e.to_string()))?;
            let batches =
                futures::stream::iter((0..batches.len()).map(move |i| Ok(batches[i].clone())));
            let stream = FlightDataEncoderBuilder::new()
                .with_options(options)
                .build(batches)
                .map_err(Status::from);
            return Ok(Response::new(stream.boxed()));
        }
        let path = self.env.file_path(&id);
        if !path.exists() {
            return Err(Status::not_found(format!(
                "no shuffle output for job {} stage {} map task {} attempt {} partition {} on this executor",
                ticket.job_id,
                ticket.stage_id,
                ticket.map_partition,
                ticket.attempt,
                ticket.output_partition
            )));
        }
        let messages = read_ipc_messages(path).map_err(|e| Status::internal(e.to_string()));
        Ok(Response::new(messages.boxed()))
    }

    async fn handshake(
        &self,
        _request: Request<Streaming<HandshakeRequest>>,
    ) -> Result<Response<Self::HandshakeStream>, Status> {
        only_do_get()
    }

    async fn list_flights(
        &self,
        _request: Request<Criteria>,
    ) -> Result<Response<Self::ListFlightsStream>, Status> {
        only_do_get()
    }

    async fn get_flight_info(
        &self,
        _request: Request<FlightDescriptor>,
    ) -> Result<Response<FlightInfo>, Status> {
        only_do_get()
    }

    async fn poll_flight_info(
        &self,
        _request: Request<FlightDescriptor>,
    ) -> Result<Response<PollInfo>, Status> {
        only_do_get()
    }

    async fn get_schema(
        &self,
        _request: Request<FlightDescriptor>,
    ) -> Result<Response<SchemaResult>, Status> {
        only_do_get()
    }

    async fn do_put(
        &self,
        _request: Request<Streaming<FlightData>>,
    ) -> Result<Response<Self::DoPutStream>, Status> {
        only_do_get()
    }

    async fn do_exchange(
        &self,
        _request: Request<Streaming<FlightData>>,
    ) -> Result<Response<Self::DoExchangeStream>, Status> {
        only_do_get()
    }

    async fn do_action(
        &self,
        _request: Request<Action>,
    ) -> Result<Response<Self::DoActionStream>, Status> {
        only_do_get()
    }

    async fn list_actions(
        &self,
        _request: Request<Empty>,
    ) -> Result<Response<Self::ListActionsStream>, Status> {
        only_do_get()
    }
}
