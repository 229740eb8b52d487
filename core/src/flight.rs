//! Moving Arrow data between processes: Flight connections and local Arrow IPC files.

use std::collections::HashMap;
use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;
use std::sync::Mutex;

use arrow::array::RecordBatch;
use arrow::error::ArrowError;
use arrow::ipc::reader::StreamReader;
use arrow_flight::FlightClient;
use arrow_flight::flight_service_client::FlightServiceClient;
use futures::Stream;
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::Channel;

use crate::auth::Token;
use crate::tls::Tls;

use crate::{KilnError, Result};

/// A pool of Flight connections, one channel per endpoint, shared by all tasks of a process.
#[derive(Debug)]
pub struct FlightClients {
    channels: Mutex<HashMap<String, Channel>>,
    max_message_size: usize,
    token: Token,
    tls: Tls,
}

/// How often an idle or streaming connection to another Kiln process is pinged.
pub const KEEP_ALIVE_INTERVAL: std::time::Duration = std::time::Duration::from_secs(2);

/// How long an unanswered ping waits before the connection counts as dead.
pub const KEEP_ALIVE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

impl FlightClients {
    /// A pool whose clients accept messages up to `max_message_size` bytes, send `token`,
    /// and verify `https://` endpoints as `tls` says.
    pub fn new(max_message_size: usize, token: Token, tls: Tls) -> Self {
        Self {
            channels: Mutex::new(HashMap::new()),
            max_message_size,
            token,
            tls,
        }
    }

    /// A client for the Flight server at `endpoint` (e.g. `http://10.0.0.5:50052`).
    pub fn client(&self, endpoint: &str) -> Result<FlightClient> {
        let channel = {
            let mut channels = self.channels.lock().expect("flight channel pool poisoned");
            match channels.get(endpoint) {
                Some(channel) => channel.clone(),
                None => {
                    let channel = self
                        .tls
                        .endpoint(endpoint)
                        .map_err(KilnError::InvalidMessage)?
                        .connect_timeout(std::time::Duration::from_secs(5))
                        .tcp_nodelay(true)
                        // A frozen or partitioned executor fails the fetch instead of
                        // hanging it: unanswered pings close the connection.
                        .http2_keep_alive_interval(KEEP_ALIVE_INTERVAL)
                        .keep_alive_timeout(KEEP_ALIVE_TIMEOUT)
                        .keep_alive_while_idle(true)
                        .connect_lazy();
                    channels.insert(endpoint.to_string(), channel.clone());
                    channel
                }
            }
        };
        let inner = FlightServiceClient::new(channel)
            .max_decoding_message_size(self.max_message_size)
            .max_encoding_message_size(self.max_message_size);
        let mut client = FlightClient::new_from_inner(inner);
        if let Some(header) = self.token.header() {
            let value = header.to_str().map_err(|e| {
                KilnError::InvalidMessage(format!("the token is not a valid header: {e}"))
            })?;
            client
                .add_header("authorization", value)
                .map_err(|e| KilnError::InvalidMessage(e.to_string()))?;
        }
        Ok(client)
    }

    /// Forgets the connection to `endpoint` (after it failed), so the next call reconnects.
    pub fn forget(&self, endpoint: &str) {
        self.channels
            .lock()
            .expect("flight channel pool poisoned")
            .remove(endpoint);
    }
}

/// Streams the batches of an Arrow IPC stream file, reading on a blocking thread and holding
/// at most two batches in memory ahead of the consumer.
pub fn read_ipc_file(
    path: PathBuf,
) -> impl Stream<Item = std::result::Result<RecordBatch, ArrowError>> + Send + 'static {
    let (tx, rx) = tokio::sync::mpsc::channel(2);
    tokio::task::spawn_blocking(move || {
        let reader = File::open(&path)
            .map_err(|e| ArrowError::IoError(format!("{}: {e}", path.display()), e))
            .and_then(|file| StreamReader::try_new(BufReader::new(file), None));
        match reader {
            Ok(reader) => {
                for batch in reader {
                    if tx.blocking_send(batch).is_err() {
                        break;
                    }
                }
            }
            Err(e) => {
                let _ = tx.blocking_send(Err(e));
            }
        }
    });
    ReceiverStream::new(rx)
}
