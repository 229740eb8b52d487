//! Serves shuffle outputs over Arrow Flight: `DoGet(ticket)` streams one output batch by batch,
//! encoded from memory (compressed as the executor's setting says, unless the reader is on
//! this machine), or message by message as written from its file (the reader decodes and
//! decompresses).
//! The ticket names the file by ids only; the path is derived here and never taken from a peer.

use kiln_proto::internal::v1 as ipb;
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
use prost::Message;

use crate::metrics::ExecutorMetrics;
use tonic::{Request, Response, Status, Streaming};

pub(crate) struct ShuffleFlightService {
    env: Arc<ShuffleEnv>,
    metrics: Arc<ExecutorMetrics>,
}

impl ShuffleFlightService {
    /// Serves `env`'s outputs, counting the bytes sent in `metrics`.
    pub(crate) fn new(env: Arc<ShuffleEnv>, metrics: Arc<ExecutorMetrics>) -> Self {
        Self { env, metrics }
    }

    /// `stream`, counting the bytes of each message it sends.
    fn counted(&self, stream: Stream<FlightData>) -> Stream<FlightData> {
        let metrics = Arc::clone(&self.metrics);
        stream
            .inspect_ok(move |data| metrics.served(data.data_header.len() + data.data_body.len()))
            .boxed()
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
        let ticket = ipb::ShuffleTicket::decode(request.into_inner().ticket)
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
            return Ok(Response::new(self.counted(stream.boxed())));
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
        Ok(Response::new(self.counted(messages.boxed())))
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

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Int64Array, RecordBatch};
    use arrow::datatypes::{DataType, Field, Schema};
    use arrow::ipc::writer::StreamWriter;
    use arrow_flight::flight_service_server::FlightServiceServer;
    use kiln_core::auth::Token;
    use kiln_core::flight::FlightClients;
    use kiln_core::shuffle::{MemoryOutputs, ShuffleCompression};
    use kiln_core::tls::Tls;
    use std::time::Duration;

    const ROWS_PER_OUTPUT: usize = 1_000_000;

    /// Writes map output `map` of job `j` stage 0: 8 MB of uncompressed int64s.
    fn write_output(env: &ShuffleEnv, map: u32) {
        let path = env.file_path(&ShuffleFileId {
            job_id: "j",
            stage_id: 0,
            map_partition: map,
            attempt: 0,
            output_partition: 0,
        });
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let schema = Arc::new(Schema::new(vec![Field::new("v", DataType::Int64, false)]));
        let mut writer =
            StreamWriter::try_new(std::fs::File::create(path).unwrap(), &schema).unwrap();
        for chunk in 0..10 {
            let values =
                (0..ROWS_PER_OUTPUT / 10).map(|i| (chunk * ROWS_PER_OUTPUT / 10 + i) as i64);
            let column = Arc::new(Int64Array::from_iter_values(values));
            writer
                .write(&RecordBatch::try_new(Arc::clone(&schema), vec![column]).unwrap())
                .unwrap();
        }
        writer.finish().unwrap();
    }

    fn ticket(map: u32) -> Ticket {
        let ticket = ipb::ShuffleTicket {
            job_id: "j".into(),
            stage_id: 0,
            map_partition: map,
            attempt: 0,
            output_partition: 0,
        };
        Ticket::new(ticket.encode_to_vec())
    }

    /// Readers share one connection per executor, and a reader may leave a stream it opened
    /// unread for a while (a task fetches several outputs ahead and reads them in order; two
    /// tasks share the connection). Such streams must not take the connection's whole flow
    /// control window and starve the stream being read: that hung a TPC-H query.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn streams_left_unread_do_not_starve_another_on_the_same_connection() {
        let dir = tempfile::tempdir().unwrap();
        let flight = Arc::new(FlightClients::new(64 << 20, Token::none(), Tls::none()));
        let env = Arc::new(ShuffleEnv {
            executor_id: "server".into(),
            work_dir: dir.path().to_path_buf(),
            flight: Arc::clone(&flight),
            compression: ShuffleCompression::None,
            memory: MemoryOutputs::new(0),
        });
        for map in 0..5 {
            write_output(&env, map);
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let service = FlightServiceServer::new(ShuffleFlightService::new(env, Arc::default()));
        tokio::spawn(
            tonic::transport::Server::builder()
                .add_service(service)
                .serve_with_incoming(kiln_core::runtime::incoming(listener)),
        );

        let mut unread = vec![];
        for map in 0..4 {
            let mut client = flight.client(&endpoint).unwrap();
            unread.push(client.do_get(ticket(map)).await.unwrap());
        }
        // Let the unread streams fill whatever window they get.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let mut client = flight.client(&endpoint).unwrap();
        let read = async {
            let batches: Vec<RecordBatch> = client
                .do_get(ticket(4))
                .await
                .unwrap()
                .try_collect()
                .await
                .unwrap();
            batches.iter().map(|b| b.num_rows()).sum::<usize>()
        };
        let rows = tokio::time::timeout(Duration::from_secs(20), read)
            .await
            .expect("the read stream is starved by the unread ones");
        assert_eq!(rows, ROWS_PER_OUTPUT);
        drop(unread);
    }
}
