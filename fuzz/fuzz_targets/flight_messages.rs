//! Damaged shuffle data as fetched Flight messages and as a shuffle file on disk: batches or
//! an error, never a panic that escapes, nor an allocation a damaged length asks for (the
//! decoder catches arrow's own panics, so the default panic hook replaces libFuzzer's).
#![no_main]

use std::sync::{Arc, OnceLock};

use arrow::array::{ArrayRef, DictionaryArray, Int64Array, StringArray};
use arrow::datatypes::Int32Type;
use arrow::ipc::writer::{IpcWriteOptions, StreamWriter};
use arrow::ipc::CompressionType;
use arrow::record_batch::RecordBatch;
use arrow_flight::FlightData;
use futures::{StreamExt, TryStreamExt};
use kiln_wire::flight::{decode_messages, read_ipc_file, read_ipc_messages};
use libfuzzer_sys::fuzz_target;

/// A compressed IPC stream of two batches with a dictionary column, as shuffle files are.
fn ipc_stream() -> &'static Vec<u8> {
    static STREAM: OnceLock<Vec<u8>> = OnceLock::new();
    STREAM.get_or_init(|| {
        let keys: DictionaryArray<Int32Type> = vec!["a", "b", "a", "c"].into_iter().collect();
        let batch = RecordBatch::try_from_iter([
            ("n", Arc::new(Int64Array::from(vec![1, 2, 3, 4])) as ArrayRef),
            ("s", Arc::new(StringArray::from(vec!["w", "x", "y", "z"])) as ArrayRef),
            ("k", Arc::new(keys) as ArrayRef),
        ])
        .unwrap();
        let options = IpcWriteOptions::default()
            .try_with_compression(Some(CompressionType::ZSTD))
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

fuzz_target!(
    init: {
        let _ = std::panic::take_hook();
        ipc_stream();
    },
    |input: &[u8]| {
        let Some((mode, rest)) = input.split_first() else {
            return;
        };
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        if mode % 2 == 0 {
            // A shuffle file with bytes changed ((offset, offset, value) triples), read from
            // disk and decoded, then its messages decoded as a fetch would.
            let mut bytes = ipc_stream().clone();
            for change in rest.chunks_exact(3) {
                let at = usize::from(u16::from_le_bytes([change[0], change[1]])) % bytes.len();
                bytes[at] = change[2];
            }
            if mode % 4 == 2 {
                bytes.truncate(bytes.len() * usize::from(*mode) / 256);
            }
            let path = std::env::temp_dir()
                .join(format!("kiln-fuzz-{}.arrow", std::process::id()));
            std::fs::write(&path, &bytes).unwrap();
            runtime.block_on(async {
                let _ = read_ipc_file(path.clone()).try_collect::<Vec<_>>().await;
                let messages: Vec<_> = read_ipc_messages(path).take(64).collect().await;
                let messages = futures::stream::iter(messages).map(|m| Ok(m?));
                let _ = decode_messages(messages, "fetched".into())
                    .try_collect::<Vec<_>>()
                    .await;
            });
        } else {
            // Arbitrary messages (header and body halves of each 0xff-separated piece) after
            // the file's valid schema message.
            let mut messages = vec![];
            runtime.block_on(async {
                let path = std::env::temp_dir()
                    .join(format!("kiln-fuzz-{}-schema.arrow", std::process::id()));
                std::fs::write(&path, ipc_stream()).unwrap();
                if let Some(Ok(schema)) = read_ipc_messages(path).next().await {
                    messages.push(Ok(schema));
                }
            });
            for piece in rest.split(|b| *b == 0xff) {
                let (header, body) = piece.split_at(piece.len() / 2);
                messages.push(Ok(FlightData {
                    data_header: header.to_vec().into(),
                    data_body: body.to_vec().into(),
                    ..Default::default()
                }));
            }
            let decoded = decode_messages(futures::stream::iter(messages), "fetched".into());
            let _ = runtime.block_on(decoded.try_collect::<Vec<_>>());
        }
    }
);
