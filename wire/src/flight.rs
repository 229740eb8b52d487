//! Moving Arrow data between processes: Flight connections and local Arrow IPC files.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::PathBuf;
use std::sync::Mutex;

use arrow_array::RecordBatch;
use arrow_flight::decode::FlightRecordBatchStream;
use arrow_flight::error::FlightError;
use arrow_flight::flight_service_client::FlightServiceClient;
use arrow_flight::{FlightClient, FlightData};
use arrow_schema::ArrowError;
use futures::{Stream, StreamExt, TryStreamExt};
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::Channel;

use crate::auth::Token;
use crate::tls::Tls;
use crate::{Result, WireError};

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

/// How many bytes of one Flight stream may arrive ahead of its reader: the back-pressure of
/// each stream.
const STREAM_WINDOW: u32 = 2 << 20;

/// The HTTP/2 window of a whole connection: the protocol's largest, so only the streams'
/// windows apply. Tasks share a connection per executor and leave streams they opened unread
/// for a while (a reader fetches several outputs ahead; a hash join reads its build side
/// first); with a smaller connection window, such streams could take all of it and starve the
/// stream being read, which then never ends.
const CONNECTION_WINDOW: u32 = (1 << 31) - 1;

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
                        .map_err(WireError::InvalidEndpoint)?
                        .connect_timeout(std::time::Duration::from_secs(5))
                        .tcp_nodelay(true)
                        .initial_stream_window_size(STREAM_WINDOW)
                        .initial_connection_window_size(CONNECTION_WINDOW)
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
            let value = header
                .to_str()
                .map_err(|e| WireError::InvalidToken(e.to_string()))?;
            client
                .add_header("authorization", value)
                .map_err(|e| WireError::InvalidToken(e.to_string()))?;
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

    /// The raw Flight messages of `DoGet(ticket)` at `endpoint`, undecoded: for a reader that
    /// decodes them safely itself ([`decode_messages`]) or passes them on as they are. A call
    /// that fails forgets the connection, so the next one reconnects.
    pub async fn fetch_messages(
        &self,
        endpoint: &str,
        ticket: Vec<u8>,
    ) -> std::result::Result<tonic::Streaming<FlightData>, tonic::Status> {
        let mut client = self
            .client(endpoint)
            .map_err(|e| tonic::Status::invalid_argument(e.to_string()))?;
        let mut request = tonic::Request::new(arrow_flight::Ticket::new(ticket));
        *request.metadata_mut() = client.metadata().clone();
        match client.inner_mut().do_get(request).await {
            Ok(response) => Ok(response.into_inner()),
            Err(status) => {
                self.forget(endpoint);
                Err(status)
            }
        }
    }
}

/// Streams the batches of an Arrow IPC stream file, reading on a blocking thread and holding
/// at most two messages in memory ahead of the consumer, decoded as [`decode_messages`] does.
pub fn read_ipc_file(
    path: PathBuf,
) -> impl Stream<Item = std::result::Result<RecordBatch, ArrowError>> + Send + 'static {
    let what = path.display().to_string();
    decode_messages(read_ipc_messages(path).map(|m| Ok(m?)), what)
}

/// The largest buffer a compressed batch may claim to hold once decompressed. Arrow's
/// decoder allocates what a buffer's length prefix claims before decompressing it, so a
/// damaged prefix would abort the process; shuffle batches hold far smaller buffers.
const MAX_DECOMPRESSED_BUFFER: i64 = 1 << 30;

/// Decodes Flight messages (fetched from another executor, or read from a shuffle file) into
/// batches, safe against damaged data: a compressed buffer claiming more than
/// [`MAX_DECOMPRESSED_BUFFER`] bytes is refused before arrow allocates them, and a decoder
/// that panics (arrow's does on some damaged messages) ends the stream with an error instead
/// of unwinding through the task. `what` names the data in errors.
pub fn decode_messages<S>(
    messages: S,
    what: String,
) -> impl Stream<Item = std::result::Result<RecordBatch, ArrowError>> + Send + 'static
where
    S: Stream<Item = std::result::Result<FlightData, FlightError>> + Send + 'static,
{
    let checked = messages.map(|message| {
        let message = message?;
        check_buffer_sizes(&message)?;
        Ok(message)
    });
    let batches = FlightRecordBatchStream::new_from_flight_data(checked)
        .map_err(|e| ArrowError::ExternalError(Box::new(e)));
    std::panic::AssertUnwindSafe(batches)
        .catch_unwind()
        .map(move |item| {
            item.unwrap_or_else(|_| {
                Err(ArrowError::IpcError(format!(
                    "{what}: the data is damaged (its decoder failed)"
                )))
            })
        })
}

/// Refuses a compressed batch whose buffers claim more than [`MAX_DECOMPRESSED_BUFFER`]
/// bytes decompressed. Everything else is left to the decoder, which reports it.
fn check_buffer_sizes(message: &FlightData) -> std::result::Result<(), ArrowError> {
    use arrow_ipc::MessageHeader;
    let Ok(header) = arrow_ipc::root_as_message(&message.data_header) else {
        return Ok(());
    };
    let batch = match header.header_type() {
        MessageHeader::RecordBatch => header.header_as_record_batch(),
        MessageHeader::DictionaryBatch => {
            header.header_as_dictionary_batch().and_then(|d| d.data())
        }
        _ => None,
    };
    let Some(batch) = batch.filter(|b| b.compression().is_some()) else {
        return Ok(());
    };
    for buffer in batch.buffers().into_iter().flatten() {
        let prefix = usize::try_from(buffer.offset())
            .ok()
            .and_then(|start| message.data_body.get(start..start.checked_add(8)?));
        let claimed = prefix.map_or(0, |p| i64::from_le_bytes(p.try_into().expect("8 bytes")));
        if claimed > MAX_DECOMPRESSED_BUFFER {
            return Err(ArrowError::IpcError(format!(
                "a compressed buffer claims {claimed} bytes, more than the {MAX_DECOMPRESSED_BUFFER} a batch may hold: the data is damaged"
            )));
        }
    }
    Ok(())
}

/// Streams the messages of an Arrow IPC stream file as Flight messages, without decoding
/// them: the schema, then dictionary and record batches with their bodies as written (still
/// compressed when the file is). A shuffle file goes over the network as it lies on disk, and
/// only the reader decodes it.
pub fn read_ipc_messages(
    path: PathBuf,
) -> impl Stream<Item = std::result::Result<FlightData, ArrowError>> + Send + 'static {
    read_blocking(path, |file| Ok(IpcMessages(file)))
}

/// Streams the items `open` reads from the file at `path`, on a blocking thread, at most two
/// ahead of the consumer.
fn read_blocking<T, I>(
    path: PathBuf,
    open: impl FnOnce(BufReader<File>) -> std::result::Result<I, ArrowError> + Send + 'static,
) -> impl Stream<Item = std::result::Result<T, ArrowError>> + Send + 'static
where
    T: Send + 'static,
    I: Iterator<Item = std::result::Result<T, ArrowError>>,
{
    let (tx, rx) = tokio::sync::mpsc::channel(2);
    tokio::task::spawn_blocking(move || {
        let items = File::open(&path)
            .map_err(|e| ArrowError::IoError(format!("{}: {e}", path.display()), e))
            .and_then(|file| open(BufReader::new(file)));
        match items {
            Ok(items) => {
                for item in items {
                    if tx.blocking_send(item).is_err() {
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

/// The encapsulated messages of an IPC stream: `0xFFFFFFFF`, the metadata length, the
/// metadata (a flatbuffer `Message`, which gives the body's length), the body; a zero length
/// (or the end of the file) ends the stream.
struct IpcMessages<R>(R);

impl<R: Read> IpcMessages<R> {
    fn read(&mut self) -> std::result::Result<Option<FlightData>, ArrowError> {
        let mut length = [0u8; 4];
        match self.0.read_exact(&mut length) {
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
            result => result?,
        }
        if length == CONTINUATION_MARKER {
            self.0.read_exact(&mut length)?;
        }
        let length = usize::try_from(i32::from_le_bytes(length))
            .map_err(|_| ArrowError::ParseError("negative IPC metadata length".into()))?;
        if length == 0 {
            return Ok(None);
        }
        let header = self.read_bytes(length as u64)?;
        let message = arrow_ipc::root_as_message(&header)
            .map_err(|e| ArrowError::ParseError(format!("invalid IPC message: {e}")))?;
        let body_length = u64::try_from(message.bodyLength())
            .map_err(|_| ArrowError::ParseError("negative IPC body length".into()))?;
        let body = self.read_bytes(body_length)?;
        Ok(Some(FlightData {
            data_header: header.into(),
            data_body: body.into(),
            ..Default::default()
        }))
    }
}

impl<R: Read> IpcMessages<R> {
    /// The next `length` bytes. Memory grows with what arrives, not with the length a
    /// (possibly damaged) file claims.
    fn read_bytes(&mut self, length: u64) -> std::result::Result<Vec<u8>, ArrowError> {
        let mut bytes = Vec::new();
        (&mut self.0).take(length).read_to_end(&mut bytes)?;
        if (bytes.len() as u64) < length {
            return Err(ArrowError::IpcError(format!(
                "an IPC message ends after {} of its {length} bytes",
                bytes.len()
            )));
        }
        Ok(bytes)
    }
}

impl<R: Read> Iterator for IpcMessages<R> {
    type Item = std::result::Result<FlightData, ArrowError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.read().transpose()
    }
}

/// What precedes each message's length in the IPC stream format.
const CONTINUATION_MARKER: [u8; 4] = [0xff; 4];

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::types::Int32Type;
    use arrow_array::{DictionaryArray, Int64Array, StringArray};
    use arrow_ipc::writer::{IpcWriteOptions, StreamWriter};
    use futures::TryStreamExt;
    use std::sync::Arc;

    /// The batch of the tests: integers, text and a dictionary column.
    fn sample_batch() -> RecordBatch {
        let words: DictionaryArray<Int32Type> = ["a", "b", "a"].into_iter().collect();
        RecordBatch::try_from_iter([
            ("n", Arc::new(Int64Array::from(vec![1, 2, 3])) as _),
            (
                "s",
                Arc::new(StringArray::from(vec!["x", "yy", "zzz"])) as _,
            ),
            ("d", Arc::new(words) as _),
        ])
        .unwrap()
    }

    /// An IPC stream as the shuffle writes it, compressed: the sample batch, then its last
    /// two rows.
    fn ipc_stream() -> &'static Vec<u8> {
        static STREAM: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
        STREAM.get_or_init(|| {
            let batch = sample_batch();
            let options = IpcWriteOptions::default()
                .try_with_compression(Some(arrow_ipc::CompressionType::ZSTD))
                .unwrap();
            let mut bytes = vec![];
            let mut writer =
                StreamWriter::try_new_with_options(&mut bytes, &batch.schema(), options).unwrap();
            writer.write(&batch).unwrap();
            writer.write(&batch.slice(1, 2)).unwrap();
            writer.finish().unwrap();
            drop(writer);
            bytes
        })
    }

    #[tokio::test]
    async fn messages_of_a_compressed_file_decode_as_its_batches() {
        let batch = sample_batch();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("part-0.arrow");
        std::fs::write(&path, ipc_stream()).unwrap();

        let messages =
            read_ipc_messages(path.clone()).map_err(arrow_flight::error::FlightError::from);
        let decoded: Vec<RecordBatch> =
            arrow_flight::decode::FlightRecordBatchStream::new_from_flight_data(messages)
                .try_collect()
                .await
                .unwrap();
        assert_eq!(decoded, vec![batch.clone(), batch.slice(1, 2)]);
        let read: Vec<RecordBatch> = read_ipc_file(path).try_collect().await.unwrap();
        assert_eq!(read, decoded);
    }

    proptest::proptest! {
        /// A damaged shuffle file (bytes changed, cut short) read as batches, or sent as
        /// Flight messages and decoded by the receiver: an error or batches, never a panic
        /// (arrow's reader panics on some; the boundaries turn that into an error), and
        /// memory bounded by the file's size whatever lengths it claims.
        #[test]
        fn damaged_ipc_streams_never_panic(
            changes in proptest::collection::vec(
                (proptest::prelude::any::<proptest::sample::Index>(), proptest::prelude::any::<u8>()),
                0..6,
            ),
            cut in proptest::prelude::any::<proptest::sample::Index>(),
            shorten in proptest::prelude::any::<bool>(),
        ) {
            let mut bytes = ipc_stream().clone();
            for (at, value) in changes {
                let at = at.index(bytes.len());
                bytes[at] = value;
            }
            if shorten {
                bytes.truncate(cut.index(bytes.len()));
            }
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("part-0.arrow");
            std::fs::write(&path, &bytes).unwrap();
            let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
            runtime.block_on(async {
                let _ = read_ipc_file(path.clone()).try_collect::<Vec<_>>().await;
                let messages: Vec<_> = read_ipc_messages(path).take(64).collect().await;
                let messages = futures::stream::iter(messages).map(|m| Ok(m?));
                let _ = decode_messages(messages, "fetched".into())
                    .try_collect::<Vec<_>>()
                    .await;
            });
        }

        /// Arbitrary bytes as Flight messages: an error, never a panic.
        #[test]
        fn arbitrary_flight_messages_never_panic(
            messages in proptest::collection::vec(
                (
                    proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200),
                    proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200),
                ),
                0..4,
            ),
        ) {
            let mut flight: Vec<_> = vec![];
            // Sometimes a valid schema first, so that batch decoding is reached.
            if messages.len() % 2 == 1 {
                let header = IpcMessages(std::io::Cursor::new(&ipc_stream()))
                    .next()
                    .unwrap()
                    .unwrap();
                flight.push(Ok(header));
            }
            for (header, body) in messages {
                flight.push(Ok(FlightData {
                    data_header: header.into(),
                    data_body: body.into(),
                    ..Default::default()
                }));
            }
            let decoded = decode_messages(futures::stream::iter(flight), "fetched".into());
            let _ = futures::executor::block_on(decoded.try_collect::<Vec<_>>());
        }
    }
}
