//! CSV and JSON lines under a schema, with the bad-record policy of log tables.
//!
//! Arrow's own readers decode each batch of records; a batch they refuse is split in halves
//! until the records they refuse are found. A clean file costs what Arrow's reader costs, and
//! a bad record (a ragged CSV row, a value that does not fit its column, a line that is not
//! JSON) costs a few more decodes of its neighbours, never the scan: it is kept in
//! `_corrupt_record` (permissive), dropped and counted (drop_malformed), or the end of the scan
//! naming its line (fail_fast). All columns are decoded whatever a query reads, so a record is
//! bad or good whatever the query.

use std::sync::{Arc, LazyLock};

use arrow::array::{ArrayRef, RecordBatch, RecordBatchOptions, StringBuilder, new_null_array};
use arrow::datatypes::SchemaRef;
use arrow::error::ArrowError;
use datafusion_datasource::decoder::Decoder;
use regex::Regex;

use crate::decoder::{BadRecord, Counters, MAX_RECORD_BYTES, Quarantined, note_bad, text};
use crate::options::{BadRecordPolicy, bad};
use crate::{CORRUPT_RECORD_COLUMN, Result};

/// The options of the `csv` format, and what each means.
pub const CSV_OPTIONS: &[(&str, &str)] = &[
    (
        "header",
        "false when the first line is data (default: true)",
    ),
    ("delimiter", "one character, default ,"),
    ("quote", "one character, default \""),
    (
        "escape",
        "one character before a quote inside a quoted field",
    ),
    ("comment", "one character that starts a comment line"),
    ("null_value", "the text that means null, e.g. \\N or NULL"),
    (
        "newlines_in_values",
        "true when quoted fields contain line breaks (such files are read whole)",
    ),
];

/// How a CSV file is written.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvDialect {
    pub header: bool,
    pub delimiter: u8,
    pub quote: u8,
    pub escape: Option<u8>,
    pub comment: Option<u8>,
    pub null_value: Option<String>,
    pub newlines_in_values: bool,
}

impl Default for CsvDialect {
    fn default() -> Self {
        Self {
            header: true,
            delimiter: b',',
            quote: b'"',
            escape: None,
            comment: None,
            null_value: None,
            newlines_in_values: false,
        }
    }
}

impl CsvDialect {
    /// Sets option `name`; `Ok(false)` when it is not a CSV option.
    pub(crate) fn set(&mut self, name: &str, value: &str) -> Result<bool> {
        let byte = || match value.as_bytes() {
            [byte] => Ok(*byte),
            _ => Err(bad(name, format!("expected one character, got '{value}'"))),
        };
        let flag = || match value {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(bad(name, format!("expected true or false, got '{value}'"))),
        };
        match name {
            "header" => self.header = flag()?,
            "delimiter" => self.delimiter = byte()?,
            "quote" => self.quote = byte()?,
            "escape" => self.escape = Some(byte()?),
            "comment" => self.comment = Some(byte()?),
            "null_value" => self.null_value = Some(value.to_string()),
            "newlines_in_values" => self.newlines_in_values = flag()?,
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The options that differ from the defaults, as [`CsvDialect::set`] reads them back.
    pub(crate) fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let default = Self::default();
        let char = |b: u8| (b as char).to_string();
        let mut pairs = Vec::new();
        if self.header != default.header {
            pairs.push(("header", self.header.to_string()));
        }
        if self.delimiter != default.delimiter {
            pairs.push(("delimiter", char(self.delimiter)));
        }
        if self.quote != default.quote {
            pairs.push(("quote", char(self.quote)));
        }
        if let Some(escape) = self.escape {
            pairs.push(("escape", char(escape)));
        }
        if let Some(comment) = self.comment {
            pairs.push(("comment", char(comment)));
        }
        if let Some(null) = &self.null_value {
            pairs.push(("null_value", null.clone()));
        }
        if self.newlines_in_values {
            pairs.push(("newlines_in_values", "true".into()));
        }
        pairs
    }

    /// The null marker as the anchored regex Arrow's readers take.
    pub fn null_regex(&self) -> Option<String> {
        self.null_value
            .as_deref()
            .map(|marker| format!("^{}$", regex::escape(marker)))
    }

    /// Arrow's CSV format for decoding records (the header is skipped before decoding).
    fn arrow_format(&self) -> arrow::csv::reader::Format {
        let mut format = arrow::csv::reader::Format::default()
            .with_header(false)
            .with_delimiter(self.delimiter)
            .with_quote(self.quote);
        if let Some(escape) = self.escape {
            format = format.with_escape(escape);
        }
        if let Some(comment) = self.comment {
            format = format.with_comment(comment);
        }
        if let Some(null) = self.null_regex() {
            format = format.with_null_regex(Regex::new(&null).expect("an escaped marker compiles"));
        }
        format
    }

    /// A tokenizer that finds where records end when quoted fields hold line breaks.
    fn splitter(&self) -> csv_core::Reader {
        csv_core::ReaderBuilder::new()
            .delimiter(self.delimiter)
            .quote(self.quote)
            .escape(self.escape)
            .comment(self.comment)
            .build()
    }
}

/// A text format that Arrow's readers decode under the table's schema.
#[derive(Debug, Clone, PartialEq)]
pub enum TextFormat {
    Csv(CsvDialect),
    /// JSON lines: one object per line, nested values as structs and lists.
    Json,
}

impl TextFormat {
    /// Whether a big file can be read in line-aligned byte ranges.
    pub fn splittable(&self) -> bool {
        !matches!(self, Self::Csv(d) if d.newlines_in_values)
    }
}

/// Where a column of the decoder's output comes from.
#[derive(Debug, Clone, Copy)]
pub enum OutputColumn {
    /// The decoded column at this index of the record schema.
    Decoded(usize),
    /// `_corrupt_record`.
    Corrupt,
}

/// Decodes one file (or byte range) of CSV or JSON lines.
#[derive(Debug)]
pub struct RecordDecoder {
    format: TextFormat,
    /// Arrow's CSV format, made once.
    csv: Option<arrow::csv::reader::Format>,
    /// The columns every record is decoded into (the table's, without `_corrupt_record`).
    records_schema: SchemaRef,
    /// What the scan reads: some of the decoded columns, and maybe `_corrupt_record`.
    output: SchemaRef,
    columns: Vec<OutputColumn>,
    policy: BadRecordPolicy,
    batch_size: usize,
    counters: Counters,
    quarantined: Option<Quarantined>,
    /// The next record is a CSV header, to skip.
    skip_header: bool,
    /// The records of the batch being read, back to back, each ending with a newline.
    buffer: Vec<u8>,
    /// Where each record starts in `buffer`, and its first line.
    records: Vec<(usize, u64)>,
    /// The start of a record whose end has not arrived, and whether it grew past the limit.
    partial: Vec<u8>,
    partial_too_long: bool,
    /// Records of the batch cut at the record limit: bad whatever Arrow's reader makes of them.
    too_long: Vec<usize>,
    /// Lines read so far.
    lines: u64,
    /// Finds record ends when quoted fields hold line breaks; None: a record is a line.
    splitter: Option<Splitter>,
}

/// csv-core's tokenizer, with the buffers it writes fields into (unused but required).
#[derive(Debug)]
struct Splitter {
    reader: csv_core::Reader,
    fields: Vec<u8>,
    ends: Vec<usize>,
}

/// A run of a batch's records: decoded rows, or one record Arrow's reader refused.
enum Piece {
    Rows(RecordBatch),
    Bad { record: usize, reason: String },
}

impl RecordDecoder {
    /// A decoder of `format` records into `records_schema`, giving `output` (laid out as
    /// `columns`); `at_file_start` when it reads from the first byte (a CSV header is there).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        format: TextFormat,
        records_schema: SchemaRef,
        output: SchemaRef,
        columns: Vec<OutputColumn>,
        policy: BadRecordPolicy,
        batch_size: usize,
        counters: Counters,
        at_file_start: bool,
    ) -> Self {
        let (csv, skip_header, splitter) = match &format {
            TextFormat::Csv(dialect) => (
                Some(dialect.arrow_format()),
                dialect.header && at_file_start,
                dialect.newlines_in_values.then(|| Splitter {
                    reader: dialect.splitter(),
                    fields: vec![0; 4096],
                    ends: vec![0; 64],
                }),
            ),
            TextFormat::Json => (None, false, None),
        };
        Self {
            format,
            csv,
            records_schema,
            output,
            columns,
            policy,
            batch_size: batch_size.max(1),
            counters,
            quarantined: None,
            skip_header,
            buffer: Vec::new(),
            records: Vec::new(),
            partial: Vec::new(),
            partial_too_long: false,
            too_long: Vec::new(),
            lines: 0,
            splitter,
        }
    }

    /// Keeps every bad record in `quarantined` as well.
    pub fn with_quarantine(mut self, quarantined: Quarantined) -> Self {
        self.quarantined = Some(quarantined);
        self
    }

    /// Adds `bytes` to the record being read, up to the record limit.
    fn keep_partial(&mut self, bytes: &[u8]) {
        let room = MAX_RECORD_BYTES.saturating_sub(self.partial.len());
        self.partial
            .extend_from_slice(&bytes[..bytes.len().min(room)]);
        self.partial_too_long |= bytes.len() > room;
    }

    /// One complete record (without its line break) starting at line `line`.
    fn record(&mut self, mut record: &[u8], line: u64, too_long: bool) {
        if let [rest @ .., b'\r'] = record {
            record = rest;
        }
        if record.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        if let TextFormat::Csv(dialect) = &self.format {
            if dialect.comment.is_some() && record.first() == dialect.comment.as_ref() {
                return;
            }
            if std::mem::take(&mut self.skip_header) {
                return;
            }
        }
        if too_long {
            self.too_long.push(self.records.len());
        }
        self.records.push((self.buffer.len(), line));
        self.buffer.extend_from_slice(record);
        self.buffer.push(b'\n');
    }

    /// Splits `buf` into lines, one record each; returns the bytes consumed.
    fn read_lines(&mut self, buf: &[u8]) -> usize {
        let mut consumed = 0;
        while self.records.len() < self.batch_size && consumed < buf.len() {
            let rest = &buf[consumed..];
            let Some(end) = memchr::memchr(b'\n', rest) else {
                self.keep_partial(rest);
                return buf.len();
            };
            self.lines += 1;
            if self.partial.is_empty() && end <= MAX_RECORD_BYTES {
                self.record(&rest[..end], self.lines, false);
            } else {
                self.keep_partial(&rest[..end]);
                let line = std::mem::take(&mut self.partial);
                let too_long = std::mem::take(&mut self.partial_too_long);
                self.record(&line, self.lines, too_long);
            }
            consumed += end + 1;
        }
        consumed
    }

    /// Splits `buf` into CSV records whose quoted fields may hold line breaks; an empty `buf`
    /// ends the input. Returns the bytes consumed.
    fn read_quoted(&mut self, buf: &[u8]) -> usize {
        let mut consumed = 0;
        loop {
            // At the end of input, the last record is read whatever the batch holds.
            if self.records.len() >= self.batch_size && !buf.is_empty() {
                return consumed;
            }
            let splitter = self.splitter.as_mut().expect("a splitter");
            let (result, read, _, _) = splitter.reader.read_record(
                &buf[consumed..],
                &mut splitter.fields,
                &mut splitter.ends,
            );
            let chunk = &buf[consumed..consumed + read];
            consumed += read;
            self.keep_partial(chunk);
            match result {
                csv_core::ReadRecordResult::InputEmpty => return consumed,
                csv_core::ReadRecordResult::OutputFull => {
                    let splitter = self.splitter.as_mut().expect("a splitter");
                    let len = splitter.fields.len();
                    splitter.fields.resize(len * 2, 0);
                }
                csv_core::ReadRecordResult::OutputEndsFull => {
                    let splitter = self.splitter.as_mut().expect("a splitter");
                    let len = splitter.ends.len();
                    splitter.ends.resize(len * 2, 0);
                }
                csv_core::ReadRecordResult::Record => {
                    let raw = std::mem::take(&mut self.partial);
                    let too_long = std::mem::take(&mut self.partial_too_long);
                    // Blank lines before the record belong to it in csv-core's reading.
                    let start = raw
                        .iter()
                        .position(|b| !matches!(b, b'\n' | b'\r'))
                        .unwrap_or(raw.len());
                    let first =
                        self.lines + memchr::memchr_iter(b'\n', &raw[..start]).count() as u64;
                    self.lines += memchr::memchr_iter(b'\n', &raw).count() as u64;
                    let record = raw[start..].strip_suffix(b"\n").unwrap_or(&raw[start..]);
                    self.record(record, first + 1, too_long);
                }
                csv_core::ReadRecordResult::End => return consumed,
            }
        }
    }

    /// Decodes records `range` of the batch with a fresh Arrow decoder.
    fn decode_range(&self, range: std::ops::Range<usize>) -> Result<RecordBatch, ArrowError> {
        let start = self.records[range.start].0;
        let end = self
            .records
            .get(range.end)
            .map_or(self.buffer.len(), |(offset, _)| *offset);
        let bytes = &self.buffer[start..end];
        let rows = range.len();
        let schema = Arc::clone(&self.records_schema);
        let batch = match &self.csv {
            Some(format) => {
                let mut decoder = arrow::csv::ReaderBuilder::new(schema)
                    .with_format(format.clone())
                    .with_batch_size(rows + 1)
                    .build_decoder();
                feed(bytes, |b| decoder.decode(b))?;
                decoder.flush()?
            }
            None => {
                let mut decoder = arrow::json::ReaderBuilder::new(schema)
                    .with_batch_size(rows + 1)
                    .build_decoder()?;
                feed(bytes, |b| decoder.decode(b))?;
                decoder.flush()?
            }
        };
        let batch =
            batch.unwrap_or_else(|| RecordBatch::new_empty(Arc::clone(&self.records_schema)));
        // A line that opens a quoted field and does not close it would take the lines after
        // it as part of its value; at the end of the range, Arrow's reader takes it as it is.
        if let TextFormat::Csv(dialect) = &self.format
            && self.splitter.is_none()
            && let Some((last, _)) = self.records.get(range.end - 1)
            && ends_inside_quotes(dialect, &self.buffer[*last..end])
        {
            return Err(ArrowError::CsvError(
                "a quoted field is not closed on its line (when quoted fields hold line breaks, \
                 set newlines_in_values = true)"
                    .into(),
            ));
        }
        if batch.num_rows() != rows {
            return Err(ArrowError::ParseError(match &self.format {
                TextFormat::Json if rows == 1 => {
                    format!(
                        "the line holds {} JSON values, expected one object",
                        batch.num_rows()
                    )
                }
                _ => format!("{rows} records decoded into {} rows", batch.num_rows()),
            }));
        }
        Ok(batch)
    }

    /// Decodes records `range`, halving a range Arrow refuses until the refused records are
    /// found one by one.
    fn decode_pieces(&self, range: std::ops::Range<usize>, pieces: &mut Vec<Piece>) {
        if range.len() == 1 && self.too_long.contains(&range.start) {
            pieces.push(Piece::Bad {
                record: range.start,
                reason: format!("a record longer than the limit of {MAX_RECORD_BYTES} bytes"),
            });
            return;
        }
        let has_too_long = self.too_long.iter().any(|r| range.contains(r));
        let error = match has_too_long {
            true => None,
            false => match self.decode_range(range.clone()) {
                Ok(batch) => return pieces.push(Piece::Rows(batch)),
                Err(error) => Some(error),
            },
        };
        if range.len() == 1 {
            let reason = reason(&error.expect("a refused record"), &self.records_schema);
            pieces.push(Piece::Bad {
                record: range.start,
                reason,
            });
            return;
        }
        let middle = range.start + range.len() / 2;
        self.decode_pieces(range.start..middle, pieces);
        self.decode_pieces(middle..range.end, pieces);
    }

    /// A record's text, without its line break.
    fn record_text(&self, record: usize) -> String {
        let start = self.records[record].0;
        let end = self
            .records
            .get(record + 1)
            .map_or(self.buffer.len(), |(offset, _)| *offset);
        text(&self.buffer[start..end - 1]).into_owned()
    }

    /// The batch's rows, as the policy says for its bad records.
    fn finish_batch(&mut self) -> Result<RecordBatch, ArrowError> {
        let count = self.records.len();
        self.counters.records.add(count);
        let mut pieces = Vec::new();
        self.decode_pieces(0..count, &mut pieces);
        let mut batches = Vec::with_capacity(pieces.len());
        // The bad rows kept under permissive: their row in the output and their text.
        let mut corrupt: Vec<(usize, String)> = Vec::new();
        let keep_corrupt = self.policy == BadRecordPolicy::Permissive;
        let mut rows_so_far = 0;
        for piece in pieces {
            match piece {
                Piece::Rows(batch) => {
                    rows_so_far += batch.num_rows();
                    batches.push(batch);
                }
                Piece::Bad { record, reason } => {
                    let text = self.record_text(record);
                    let bad = BadRecord {
                        line: self.records[record].1,
                        reason,
                        record: text.clone(),
                    };
                    note_bad(&self.counters, self.quarantined.as_ref(), self.policy, bad)?;
                    if keep_corrupt {
                        let nulls = self
                            .records_schema
                            .fields()
                            .iter()
                            .map(|f| new_null_array(f.data_type(), 1))
                            .collect();
                        batches.push(RecordBatch::try_new(
                            Arc::clone(&self.records_schema),
                            nulls,
                        )?);
                        corrupt.push((rows_so_far, text));
                        rows_so_far += 1;
                    }
                }
            }
        }
        let rows = match batches.len() {
            1 => batches.pop().expect("one batch"),
            _ => arrow::compute::concat_batches(&self.records_schema, &batches)?,
        };
        let corrupt: Option<ArrayRef> = keep_corrupt.then(|| {
            if corrupt.is_empty() {
                return new_null_array(&arrow::datatypes::DataType::Utf8, rows.num_rows());
            }
            let mut builder = StringBuilder::new();
            let mut next = 0;
            for (row, text) in corrupt {
                builder.extend(std::iter::repeat_n(None::<&str>, row - next));
                builder.append_value(text);
                next = row + 1;
            }
            builder.extend(std::iter::repeat_n(None::<&str>, rows.num_rows() - next));
            Arc::new(builder.finish()) as ArrayRef
        });
        let columns = self
            .columns
            .iter()
            .map(|column| match column {
                OutputColumn::Decoded(index) => Ok(Arc::clone(rows.column(*index))),
                OutputColumn::Corrupt => corrupt.clone().ok_or_else(|| {
                    ArrowError::SchemaError(format!(
                        "{CORRUPT_RECORD_COLUMN} is read only under mode permissive"
                    ))
                }),
            })
            .collect::<Result<Vec<_>, ArrowError>>()?;
        let options = RecordBatchOptions::new().with_row_count(Some(rows.num_rows()));
        RecordBatch::try_new_with_options(Arc::clone(&self.output), columns, &options)
    }

    /// The input has ended: the last record may lack its line break.
    fn end_of_input(&mut self) {
        if self.splitter.is_some() {
            self.read_quoted(&[]);
        } else if !self.partial.is_empty() {
            self.lines += 1;
            let line = std::mem::take(&mut self.partial);
            let too_long = std::mem::take(&mut self.partial_too_long);
            self.record(&line, self.lines, too_long);
        }
    }
}

/// Whether CSV `record` (ending with its line break) is still inside a quoted field at its end.
fn ends_inside_quotes(dialect: &CsvDialect, record: &[u8]) -> bool {
    let mut reader = dialect.splitter();
    let mut fields = vec![0; record.len() + 1];
    let mut ends = vec![0; record.len() + 1];
    let (result, ..) = reader.read_record(record, &mut fields, &mut ends);
    matches!(result, csv_core::ReadRecordResult::InputEmpty)
}

/// Feeds `bytes` to an Arrow decoder, then the end of input.
fn feed(
    mut bytes: &[u8],
    mut decode: impl FnMut(&[u8]) -> Result<usize, ArrowError>,
) -> Result<(), ArrowError> {
    while !bytes.is_empty() {
        let read = decode(bytes)?;
        if read == 0 {
            break;
        }
        bytes = &bytes[read..];
    }
    decode(&[]).map(|_| ())
}

/// Why Arrow refused one record, in the table's terms: its column names, no line numbers of
/// the decoder's own (the scan names the file's line).
fn reason(error: &ArrowError, schema: &SchemaRef) -> String {
    static PARSE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"Error while parsing value '(?s:(.*))' as type '([^']+)' for column (\d+) at line \d+",
        )
        .expect("the pattern compiles")
    });
    static FIELDS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"incorrect number of fields for line \d+, expected (\d+) got (.+)")
            .expect("the pattern compiles")
    });
    let message = match error {
        ArrowError::ParseError(m) | ArrowError::CsvError(m) | ArrowError::JsonError(m) => m.clone(),
        other => other.to_string(),
    };
    if let Some(found) = PARSE.captures(&message) {
        let column = found[3]
            .parse::<usize>()
            .ok()
            .and_then(|i| schema.fields().get(i))
            .map_or_else(|| found[3].to_string(), |f| f.name().clone());
        return format!(
            "column {column}: '{}' is not a valid {}",
            &found[1], &found[2]
        );
    }
    if let Some(found) = FIELDS.captures(&message) {
        return format!("expected {} fields, got {}", &found[1], &found[2]);
    }
    message
}

impl Decoder for RecordDecoder {
    fn decode(&mut self, buf: &[u8]) -> Result<usize, ArrowError> {
        if buf.is_empty() {
            self.end_of_input();
            return Ok(0);
        }
        Ok(match self.splitter {
            Some(_) => self.read_quoted(buf),
            None => self.read_lines(buf),
        })
    }

    fn flush(&mut self) -> Result<Option<RecordBatch>, ArrowError> {
        if self.records.is_empty() {
            return Ok(None);
        }
        let batch = self.finish_batch();
        self.records.clear();
        self.buffer.clear();
        self.too_long.clear();
        batch.map(Some)
    }

    fn can_flush_early(&self) -> bool {
        self.records.len() >= self.batch_size
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Array, AsArray};
    use arrow::datatypes::{DataType, Field, Int64Type, Schema};
    use proptest::prelude::*;

    fn schema() -> SchemaRef {
        Arc::new(Schema::new(vec![
            Field::new("id", DataType::Int64, true),
            Field::new("day", DataType::Date32, true),
            Field::new("note", DataType::Utf8, true),
        ]))
    }

    /// A decoder of all of `schema()`, plus `_corrupt_record` when permissive.
    fn decoder(format: TextFormat, policy: BadRecordPolicy, batch_size: usize) -> RecordDecoder {
        let records = schema();
        let mut fields: Vec<Field> = records
            .fields()
            .iter()
            .map(|f| f.as_ref().clone())
            .collect();
        let mut columns: Vec<OutputColumn> = (0..fields.len()).map(OutputColumn::Decoded).collect();
        if policy == BadRecordPolicy::Permissive {
            fields.push(Field::new(CORRUPT_RECORD_COLUMN, DataType::Utf8, true));
            columns.push(OutputColumn::Corrupt);
        }
        RecordDecoder::new(
            format,
            records,
            Arc::new(Schema::new(fields)),
            columns,
            policy,
            batch_size,
            Counters::default(),
            true,
        )
    }

    /// Feeds `chunks` as a scan does (an empty one only at the end: it means the end of
    /// input), then the end of input; the batches, or the error.
    fn read(decoder: &mut RecordDecoder, chunks: &[&[u8]]) -> Result<Vec<RecordBatch>, ArrowError> {
        let mut batches = Vec::new();
        let chunks = chunks.iter().copied().filter(|c| !c.is_empty());
        for chunk in chunks.chain([&b""[..]]) {
            let mut rest = chunk;
            loop {
                let read = decoder.decode(rest)?;
                rest = &rest[read..];
                if read == 0 || decoder.can_flush_early() {
                    batches.extend(decoder.flush()?);
                }
                if rest.is_empty() {
                    break;
                }
            }
        }
        batches.extend(decoder.flush()?);
        Ok(batches)
    }

    /// Each row as `id|day|note|corrupt`, nulls as `-`.
    fn rows(batches: &[RecordBatch]) -> Vec<String> {
        let mut out = Vec::new();
        for batch in batches {
            let ids = batch.column(0).as_primitive::<Int64Type>();
            let days = arrow::compute::cast(batch.column(1), &DataType::Utf8).unwrap();
            let days = days.as_string::<i32>();
            let notes = batch.column(2).as_string::<i32>();
            let corrupt = batch.columns().get(3).map(|c| c.as_string::<i32>().clone());
            for row in 0..batch.num_rows() {
                let cell = |null: bool, value: String| if null { "-".to_string() } else { value };
                out.push(format!(
                    "{}|{}|{}|{}",
                    cell(ids.is_null(row), ids.value(row).to_string()),
                    cell(days.is_null(row), days.value(row).to_string()),
                    cell(notes.is_null(row), notes.value(row).to_string()),
                    corrupt.as_ref().map_or("-".to_string(), |c| cell(
                        c.is_null(row),
                        c.value(row).to_string()
                    )),
                ));
            }
        }
        out
    }

    const CSV: &str = "id,day,note\n\
                       1,2024-02-29,ok\n\
                       2,2024-03-01\n\
                       x,2024-03-02,not a number\n\
                       \n\
                       4,2024-13-45,not a date\n\
                       5,2024-03-05,\"quoted, fine\"\r\n\
                       6,2024-03-06,too,many\n\
                       7,2024-03-07,last";

    fn csv() -> TextFormat {
        TextFormat::Csv(CsvDialect::default())
    }

    #[test]
    fn permissive_keeps_bad_csv_rows_in_corrupt_record() {
        let mut d = decoder(csv(), BadRecordPolicy::Permissive, 3);
        let batches = read(&mut d, &[CSV.as_bytes()]).unwrap();
        assert_eq!(
            rows(&batches),
            [
                "1|2024-02-29|ok|-",
                "-|-|-|2,2024-03-01",
                "-|-|-|x,2024-03-02,not a number",
                "-|-|-|4,2024-13-45,not a date",
                "5|2024-03-05|quoted, fine|-",
                "-|-|-|6,2024-03-06,too,many",
                "7|2024-03-07|last|-",
            ]
        );
        assert_eq!(d.counters.records.value(), 7);
        assert_eq!(d.counters.bad.value(), 4);
    }

    #[test]
    fn drop_malformed_counts_and_quarantines_what_it_drops() {
        let mut d = decoder(csv(), BadRecordPolicy::DropMalformed, 8192);
        let quarantined = Quarantined::default();
        d = d.with_quarantine(Arc::clone(&quarantined));
        let batches = read(&mut d, &[CSV.as_bytes()]).unwrap();
        assert_eq!(
            rows(&batches),
            [
                "1|2024-02-29|ok|-",
                "5|2024-03-05|quoted, fine|-",
                "7|2024-03-07|last|-"
            ]
        );
        assert_eq!(d.counters.bad.value(), 4);
        let bad = quarantined.lock().unwrap();
        let found: Vec<(u64, &str)> = bad.iter().map(|b| (b.line, b.record.as_str())).collect();
        assert_eq!(
            found,
            [
                (3, "2,2024-03-01"),
                (4, "x,2024-03-02,not a number"),
                (6, "4,2024-13-45,not a date"),
                (8, "6,2024-03-06,too,many"),
            ]
        );
        assert_eq!(bad[0].reason, "expected 3 fields, got 2");
        assert!(
            bad[1].reason.contains("column id") && bad[1].reason.contains("'x'"),
            "{}",
            bad[1].reason
        );
    }

    #[test]
    fn fail_fast_stops_at_the_first_bad_record_with_its_line() {
        let mut d = decoder(csv(), BadRecordPolicy::FailFast, 8192);
        let error = read(&mut d, &[CSV.as_bytes()]).unwrap_err();
        let ArrowError::ExternalError(inner) = error else {
            panic!("expected a bad record, got {error}");
        };
        let bad = inner.downcast_ref::<BadRecord>().unwrap();
        assert_eq!((bad.line, bad.record.as_str()), (3, "2,2024-03-01"));
    }

    #[test]
    fn json_lines_that_are_not_objects_or_do_not_fit_are_bad() {
        let json = "{\"id\": 1, \"day\": \"2024-02-29\", \"note\": \"ok\", \"extra\": [1]}\n\
                    {\"id\": \"two\"}\n\
                    not json\n\
                    [1, 2]\n\
                    {\"id\": 5} {\"id\": 6}\n\
                    {\"id\": 7, \"note\": \"last\"}\n";
        let mut d = decoder(TextFormat::Json, BadRecordPolicy::Permissive, 8192);
        let batches = read(&mut d, &[json.as_bytes()]).unwrap();
        assert_eq!(
            rows(&batches),
            [
                "1|2024-02-29|ok|-",
                "-|-|-|{\"id\": \"two\"}",
                "-|-|-|not json",
                "-|-|-|[1, 2]",
                "-|-|-|{\"id\": 5} {\"id\": 6}",
                "7|-|last|-",
            ]
        );
        assert_eq!((d.counters.records.value(), d.counters.bad.value()), (6, 4));
    }

    #[test]
    fn quoted_line_breaks_stay_in_their_record_when_asked() {
        let text = "id,day,note\n1,2024-02-29,\"two\nlines\"\n\n2,bad,x\n3,2024-03-03,\"a\r\nb\"\n";
        let dialect = CsvDialect {
            newlines_in_values: true,
            ..CsvDialect::default()
        };
        let mut d = decoder(
            TextFormat::Csv(dialect),
            BadRecordPolicy::DropMalformed,
            8192,
        );
        let quarantined = Quarantined::default();
        d = d.with_quarantine(Arc::clone(&quarantined));
        let batches = read(&mut d, &[text.as_bytes()]).unwrap();
        assert_eq!(
            rows(&batches),
            ["1|2024-02-29|two\nlines|-", "3|2024-03-03|a\r\nb|-"]
        );
        let bad = quarantined.lock().unwrap();
        assert_eq!((bad[0].line, bad[0].record.as_str()), (5, "2,bad,x"));

        // Without the option, such a record is bad, with a hint, and nothing else is lost.
        let mut d = decoder(csv(), BadRecordPolicy::Permissive, 8192);
        let batches = read(&mut d, &[text.as_bytes()]).unwrap();
        assert_eq!(rows(&batches).len(), 5, "{:?}", rows(&batches));
        assert_eq!(d.counters.bad.value(), 5);
        assert!(rows(&batches).iter().all(|r| r.starts_with("-|-|-|")));
    }

    proptest! {
        /// However the input is cut into chunks, and whatever the batch size, the same rows
        /// and the same bad records come out.
        #[test]
        fn chunking_and_batch_size_change_nothing(cuts in proptest::collection::vec(0..CSV.len(), 0..6), batch in 1usize..5) {
            let bytes = CSV.as_bytes();
            let mut cuts = cuts;
            cuts.sort();
            let mut chunks = Vec::new();
            let mut start = 0;
            for cut in cuts {
                chunks.push(&bytes[start..cut]);
                start = cut;
            }
            chunks.push(&bytes[start..]);
            let mut whole = decoder(csv(), BadRecordPolicy::Permissive, 8192);
            let expected = rows(&read(&mut whole, &[bytes]).unwrap());
            let mut split = decoder(csv(), BadRecordPolicy::Permissive, batch);
            prop_assert_eq!(rows(&read(&mut split, &chunks).unwrap()), expected);
            prop_assert_eq!(split.counters.bad.value(), 4);
        }
    }
}
