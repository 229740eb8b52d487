//! Any bytes after a valid header as a PostgreSQL binary COPY stream, in any chunking, into
//! columns of every type the decoder builds: rows or an error, never a panic.
#![no_main]

use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Schema, TimeUnit};
use kiln_jobs::postgres::copy_out::CopyDecoder;
use libfuzzer_sys::fuzz_target;

/// The column types the decoder has builders for (anything else reads as text).
const TYPES: &[DataType] = &[
    DataType::Boolean,
    DataType::Int16,
    DataType::Int32,
    DataType::Int64,
    DataType::Float32,
    DataType::Float64,
    DataType::Binary,
    DataType::Date32,
    DataType::Timestamp(TimeUnit::Microsecond, None),
    DataType::Time64(TimeUnit::Microsecond),
    DataType::Decimal128(20, 4),
    DataType::Decimal128(38, 0),
    DataType::Utf8,
];

const HEADER: &[u8] = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";

fuzz_target!(|input: &[u8]| {
    // Byte 0: the chunk size; byte 1: the column count; then one byte per column's type.
    let [chunk, columns, rest @ ..] = input else {
        return;
    };
    let columns = usize::from(*columns % 6);
    let Some((types, body)) = rest.split_at_checked(columns) else {
        return;
    };
    let fields: Vec<Field> = types
        .iter()
        .enumerate()
        .map(|(i, t)| Field::new(format!("c{i}"), TYPES[usize::from(*t) % TYPES.len()].clone(), true))
        .collect();
    let mut decoder = CopyDecoder::new(Arc::new(Schema::new(fields)));
    let stream = [HEADER, body].concat();
    for piece in stream.chunks(usize::from(*chunk).max(1)) {
        if decoder.feed(piece).is_err() {
            return;
        }
        if decoder.buffered_rows() > 2 && decoder.take_batch().is_err() {
            return;
        }
    }
    let _ = decoder.take_batch();
});
