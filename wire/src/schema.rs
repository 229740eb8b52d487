//! Arrow schemas as IPC schema messages: how a job's result schema travels in its status, so
//! that a client knows the columns of a result before (or without) reading a row of it.

use arrow_ipc::convert::IpcSchemaEncoder;
use arrow_ipc::writer::DictionaryTracker;
use arrow_schema::{ArrowError, Schema};

/// Encodes an Arrow schema as an IPC schema message.
pub fn encode_schema(schema: &Schema) -> Vec<u8> {
    // Dictionary fields (e.g. hive partition columns) need a tracker to get their ids.
    let mut dictionaries = DictionaryTracker::new(false);
    let fb = IpcSchemaEncoder::new()
        .with_dictionary_tracker(&mut dictionaries)
        .schema_to_fb(schema);
    fb.finished_data().to_vec()
}

/// Decodes an IPC schema message written by [`encode_schema`]; a damaged one is an error,
/// never a panic (arrow's decoder panics on some).
pub fn decode_schema(bytes: &[u8]) -> Result<Schema, ArrowError> {
    let ipc = arrow_ipc::root_as_schema(bytes)
        .map_err(|e| ArrowError::IpcError(format!("invalid IPC schema: {e}")))?;
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        arrow_ipc::convert::fb_to_schema(ipc)
    }))
    .map_err(|_| ArrowError::IpcError("the schema message is damaged (its decoder failed)".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_schema::{DataType, Field};

    #[test]
    fn schemas_round_trip_and_damage_is_an_error() {
        let schema = Schema::new(vec![
            Field::new("id", DataType::Int64, false),
            Field::new_dictionary("day", DataType::Int32, DataType::Utf8, true),
        ]);
        let bytes = encode_schema(&schema);
        assert_eq!(decode_schema(&bytes).unwrap(), schema);
        assert!(decode_schema(&bytes[..bytes.len() / 2]).is_err());
        assert!(decode_schema(b"not a schema").is_err());
    }
}
