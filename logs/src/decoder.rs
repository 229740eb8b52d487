//! Bytes to record batches: splits lines (and multi-line records), parses them and applies the
//! bad-record policy, counting what it reads.
//!
//! A record is a non-blank line, or with `multiline_start`, a line matching it and the lines
//! after it that do not. Every record read is parsed into a row, or is bad: kept in
//! `_corrupt_record` (permissive), dropped and counted (drop_malformed) or the end of the scan
//! (fail_fast). Nothing read goes missing.

use std::sync::Arc;

use arrow::array::{RecordBatch, RecordBatchOptions};
use arrow::datatypes::SchemaRef;
use arrow::error::ArrowError;
use datafusion::physical_plan::metrics::Count;
use datafusion_datasource::decoder::Decoder;
use regex::Regex;

use crate::formats::LineParser;
use crate::options::BadRecordPolicy;
use crate::values::{RowBuilder, Value, recycle};

/// A record that did not parse: the error of a `fail_fast` scan, or an entry of the
/// quarantine. The scan adds the file's name and turns `line` into a line of the file.
#[derive(Debug, Clone, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct BadRecord {
    /// The record's first line, counted from the start of what this decoder read (1-based).
    pub line: u64,
    pub reason: String,
    /// The record's text (shortened in a `fail_fast` error).
    pub record: String,
}

/// Bad records kept for the quarantine, shared between a decoder and its scan.
pub type Quarantined = Arc<std::sync::Mutex<Vec<BadRecord>>>;

/// What a decoder counts, shared with the scan's metrics.
#[derive(Debug, Clone, Default)]
pub struct Counters {
    pub records: Count,
    pub bad: Count,
}

/// Decodes one file (or byte range) of log text.
#[derive(Debug)]
pub struct LogDecoder {
    parser: Box<dyn LineParser>,
    rows: RowBuilder,
    schema: SchemaRef,
    policy: BadRecordPolicy,
    multiline_start: Option<Arc<Regex>>,
    batch_size: usize,
    counters: Counters,
    /// The start of a line whose end has not arrived yet.
    partial: Vec<u8>,
    /// A multi-line record still growing, and its first line.
    pending: Option<(Vec<u8>, u64)>,
    /// The line being read (in `partial`) or the multi-line record (in `pending`) grew past
    /// [`MAX_RECORD_BYTES`]: what is kept of it is its start, and the rest is skipped.
    partial_too_long: bool,
    pending_too_long: bool,
    /// The longest record read ([`MAX_RECORD_BYTES`]).
    max_record_bytes: usize,
    /// Lines seen so far.
    lines: u64,
    scratch: Vec<Value<'static>>,
    quarantined: Option<Quarantined>,
}

impl LogDecoder {
    /// A decoder that builds `rows` (laid out as `schema`) from `parser`'s output.
    pub fn new(
        parser: Box<dyn LineParser>,
        rows: RowBuilder,
        schema: SchemaRef,
        policy: BadRecordPolicy,
        multiline_start: Option<Arc<Regex>>,
        batch_size: usize,
        counters: Counters,
    ) -> Self {
        Self {
            parser,
            rows,
            schema,
            policy,
            multiline_start,
            batch_size: batch_size.max(1),
            counters,
            partial: Vec::new(),
            pending: None,
            partial_too_long: false,
            pending_too_long: false,
            max_record_bytes: MAX_RECORD_BYTES,
            lines: 0,
            scratch: Vec::new(),
            quarantined: None,
        }
    }

    /// Reads records of at most `bytes` instead of [`MAX_RECORD_BYTES`].
    #[cfg(test)]
    fn with_max_record_bytes(mut self, bytes: usize) -> Self {
        self.max_record_bytes = bytes;
        self
    }

    /// Keeps every bad record in `quarantined` as well.
    pub fn with_quarantine(mut self, quarantined: Quarantined) -> Self {
        self.quarantined = Some(quarantined);
        self
    }

    /// One line of input; `too_long` when it was cut at the record limit.
    fn line(&mut self, mut line: &[u8], too_long: bool) -> Result<(), ArrowError> {
        self.lines += 1;
        if let [rest @ .., b'\r'] = line {
            line = rest;
        }
        let Some(start) = &self.multiline_start else {
            if too_long {
                return self.too_long(line, self.lines, "a line");
            }
            if line.iter().all(u8::is_ascii_whitespace) {
                return Ok(());
            }
            return self.record(line, self.lines);
        };
        if start.is_match(&text(line)) {
            self.end_pending()?;
            self.pending = Some((line.to_vec(), self.lines));
            self.pending_too_long = too_long;
        } else if let Some((record, _)) = &mut self.pending {
            if record.len() + 1 + line.len() > self.max_record_bytes || too_long {
                // Kept: the record's start; its other lines are skipped until the next start.
                self.pending_too_long = true;
            } else if !self.pending_too_long {
                record.push(b'\n');
                record.extend_from_slice(line);
            }
        } else if !line.iter().all(u8::is_ascii_whitespace) {
            // Lines before the first start of a record form a record of their own.
            self.pending = Some((line.to_vec(), self.lines));
            self.pending_too_long = too_long;
        }
        Ok(())
    }

    /// Ends the multi-line record being read, if any.
    fn end_pending(&mut self) -> Result<(), ArrowError> {
        let Some((record, first)) = self.pending.take() else {
            return Ok(());
        };
        match std::mem::take(&mut self.pending_too_long) {
            true => self.too_long(
                &record,
                first,
                "a multi-line record (does multiline_start match the first line of every record?)",
            ),
            false => self.record(&record, first),
        }
    }

    /// A record cut at the record limit: bad, whatever it holds, and kept as its start.
    fn too_long(&mut self, start: &[u8], line: u64, what: &str) -> Result<(), ArrowError> {
        self.counters.records.add(1);
        let reason = format!(
            "{what} longer than the limit of {} bytes",
            self.max_record_bytes
        );
        self.bad(&text(start), line, reason)
    }

    fn record(&mut self, record: &[u8], line: u64) -> Result<(), ArrowError> {
        let text = text(record);
        let mut values = recycle(std::mem::take(&mut self.scratch));
        let parsed = self.parser.parse(&text, &mut values);
        let result = match parsed {
            Ok(false) => Ok(()),
            Ok(true) => {
                self.counters.records.add(1);
                self.rows.append(&values);
                Ok(())
            }
            Err(reason) => {
                self.counters.records.add(1);
                self.bad(&text, line, reason)
            }
        };
        self.scratch = recycle(values);
        result
    }

    /// A bad record, as the policy says: kept with its text in `_corrupt_record`, dropped, or
    /// the end of the read; counted, and quarantined when asked.
    fn bad(&mut self, text: &str, line: u64, reason: String) -> Result<(), ArrowError> {
        note_bad(
            &self.counters,
            self.quarantined.as_ref(),
            self.policy,
            BadRecord {
                line,
                reason,
                record: text.to_string(),
            },
        )?;
        if self.policy == BadRecordPolicy::Permissive {
            self.rows.append_corrupt(text);
        }
        Ok(())
    }

    /// The input has ended: the last line may lack its newline, a multi-line record may be
    /// open.
    fn end_of_input(&mut self) -> Result<(), ArrowError> {
        if !self.partial.is_empty() {
            let line = std::mem::take(&mut self.partial);
            let too_long = std::mem::take(&mut self.partial_too_long);
            self.line(&line, too_long)?;
        }
        self.end_pending()
    }
}

/// What every decoder does with a bad record, whatever it does with the row: counts it,
/// quarantines it when asked, and under `fail_fast` returns the error that ends the scan.
pub(crate) fn note_bad(
    counters: &Counters,
    quarantined: Option<&Quarantined>,
    policy: BadRecordPolicy,
    bad: BadRecord,
) -> Result<(), ArrowError> {
    counters.bad.add(1);
    if policy == BadRecordPolicy::FailFast {
        return Err(ArrowError::ExternalError(Box::new(BadRecord {
            record: shorten(&bad.record),
            ..bad
        })));
    }
    if let Some(quarantined) = quarantined {
        quarantined.lock().expect("quarantine poisoned").push(bad);
    }
    Ok(())
}

/// The longest record a log decoder reads: a longer line (a file without newlines, binary
/// data), or a multi-line record that grows past it, is a bad record that keeps only its
/// start, so one record never takes more memory than this.
pub const MAX_RECORD_BYTES: usize = 16 * 1024 * 1024;

/// A record's bytes as text, invalid UTF-8 replaced. Validating first is much faster than the
/// lossy conversion, which only bad bytes need.
pub(crate) fn text(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// At most 200 characters of a record, for error messages.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(200) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.to_string(),
    }
}

impl LogDecoder {
    /// Adds `bytes` to the line being read, up to the record limit.
    fn keep_partial(&mut self, bytes: &[u8]) {
        let room = self.max_record_bytes.saturating_sub(self.partial.len());
        self.partial
            .extend_from_slice(&bytes[..bytes.len().min(room)]);
        self.partial_too_long |= bytes.len() > room;
    }
}

impl Decoder for LogDecoder {
    fn decode(&mut self, buf: &[u8]) -> Result<usize, ArrowError> {
        if buf.is_empty() {
            self.end_of_input()?;
            return Ok(0);
        }
        let mut consumed = 0;
        while self.rows.rows() < self.batch_size && consumed < buf.len() {
            let rest = &buf[consumed..];
            let Some(end) = memchr::memchr(b'\n', rest) else {
                self.keep_partial(rest);
                consumed = buf.len();
                break;
            };
            if self.partial.is_empty() && end <= self.max_record_bytes {
                self.line(&rest[..end], false)?;
            } else {
                self.keep_partial(&rest[..end]);
                let mut line = std::mem::take(&mut self.partial);
                let too_long = std::mem::take(&mut self.partial_too_long);
                self.line(&line, too_long)?;
                line.clear();
                self.partial = line;
            }
            consumed += end + 1;
        }
        Ok(consumed)
    }

    fn flush(&mut self) -> Result<Option<RecordBatch>, ArrowError> {
        let rows = self.rows.rows();
        if rows == 0 {
            return Ok(None);
        }
        let columns = self.rows.finish();
        let options = RecordBatchOptions::new().with_row_count(Some(rows));
        RecordBatch::try_new_with_options(Arc::clone(&self.schema), columns, &options).map(Some)
    }

    fn can_flush_early(&self) -> bool {
        self.rows.rows() >= self.batch_size
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::Format;
    use crate::options::LogOptions;
    use crate::values::{ColumnSource, ColumnType};
    use arrow::array::{Array, AsArray};
    use arrow::datatypes::{DataType, Field, Schema};
    use proptest::prelude::*;
    use std::collections::HashMap;

    /// A decoder for `format` with only `status` (or the first column) and `_corrupt_record`.
    fn decoder(options: &[(&str, &str)], batch_size: usize) -> (LogDecoder, Counters) {
        let map: HashMap<String, String> = options
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let options = LogOptions::parse(&map).unwrap();
        let format = Format::new(&options).unwrap();
        let columns = format
            .fixed_columns()
            .unwrap_or_else(|| vec![("a".to_string(), ColumnType::Int64)]);
        let schema = Arc::new(Schema::new(vec![
            columns[0].1.field(&columns[0].0),
            Field::new(crate::CORRUPT_RECORD_COLUMN, DataType::Utf8, true),
        ]));
        let rows = RowBuilder::new([
            (ColumnSource::Field(0), columns[0].1),
            (ColumnSource::CorruptRecord, ColumnType::Text),
        ]);
        let counters = Counters::default();
        let multiline = options
            .multiline_start
            .as_deref()
            .map(|s| Arc::new(Regex::new(s).unwrap()));
        let decoder = LogDecoder::new(
            format.parser(&columns),
            rows,
            schema,
            options.mode,
            multiline,
            batch_size,
            counters.clone(),
        );
        (decoder, counters)
    }

    /// Feeds `input` in chunks of `chunk` bytes, like a byte stream would.
    fn decode_all(
        decoder: &mut LogDecoder,
        input: &[u8],
        chunk: usize,
    ) -> Result<Vec<RecordBatch>, ArrowError> {
        let mut batches = Vec::new();
        for piece in input.chunks(chunk.max(1)) {
            let mut piece = piece;
            while !piece.is_empty() {
                let used = decoder.decode(piece)?;
                piece = &piece[used..];
                if used == 0 || decoder.can_flush_early() {
                    batches.extend(decoder.flush()?);
                }
            }
        }
        decoder.decode(&[])?;
        batches.extend(decoder.flush()?);
        Ok(batches)
    }

    const GOOD: &str =
        r#"1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 5 "-" "ua""#;

    #[test]
    fn lines_split_across_chunks_crlf_and_blank_lines() {
        let input = format!("{GOOD}\r\n\n{GOOD}\nnot a log line\n   \n{GOOD}");
        let (mut decoder, counters) = decoder(&[("format", "combined")], 2);
        let batches = decode_all(&mut decoder, input.as_bytes(), 7).unwrap();
        let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
        assert_eq!(rows, 4);
        assert!(batches.iter().all(|b| b.num_rows() <= 2));
        assert_eq!(counters.records.value(), 4);
        assert_eq!(counters.bad.value(), 1);
        let corrupt: Vec<String> = batches
            .iter()
            .flat_map(|b| {
                let column = b.column(1).as_string::<i32>().clone();
                (0..column.len())
                    .filter(|&i| column.is_valid(i))
                    .map(|i| column.value(i).to_string())
                    .collect::<Vec<_>>()
            })
            .collect();
        assert_eq!(corrupt, ["not a log line"]);
    }

    #[test]
    fn a_very_long_line_arrives_in_many_chunks() {
        let agent = "x".repeat(2 << 20);
        let line = GOOD.replace("\"ua\"", &format!("\"{agent}\""));
        let input = format!("{GOOD}\n{line}\n{GOOD}\n");
        let (mut decoder, counters) = decoder(&[("format", "combined")], 100);
        let batches = decode_all(&mut decoder, input.as_bytes(), 8192).unwrap();
        assert_eq!(batches.iter().map(|b| b.num_rows()).sum::<usize>(), 3);
        assert_eq!(counters.bad.value(), 0);
    }

    #[test]
    fn a_line_or_a_multiline_record_past_the_limit_is_one_bad_record_cut_short() {
        // A 100 KB line with no newline for a while, against a 1 KB limit, in small chunks.
        let long = "y".repeat(100_000);
        let input = format!("{GOOD}\n{long}\n{GOOD}\n{long}");
        let (cut, counters) = decoder(&[("format", "combined")], 100);
        let mut cut = cut.with_max_record_bytes(1000);
        let batches = decode_all(&mut cut, input.as_bytes(), 4096).unwrap();
        assert_eq!(batches.iter().map(|b| b.num_rows()).sum::<usize>(), 4);
        assert_eq!(counters.records.value(), 4);
        assert_eq!(counters.bad.value(), 2);
        let corrupt = batches[0].column(1).as_string::<i32>();
        assert_eq!(
            corrupt.value(1).len(),
            1000,
            "the bad record keeps its start"
        );

        // A multi-line record that never ends: cut, and the records after it read.
        let mut input = String::from("2024-01-01 ERROR boom\n");
        for _ in 0..200 {
            input.push_str("  at a.b(C.java:1)\n");
        }
        input.push_str("2024-01-01 INFO ok\n");
        let (cut, counters) = decoder(
            &[
                ("format", "regex"),
                (
                    "pattern",
                    r"(?s)^(?P<day>\S+) (?P<level>\w+) (?P<message>.*)$",
                ),
                ("multiline_start", r"^\d{4}-"),
                ("mode", "fail_fast"),
            ],
            100,
        );
        let mut cut = cut.with_max_record_bytes(1000);
        let error = decode_all(&mut cut, input.as_bytes(), 333).unwrap_err();
        let ArrowError::ExternalError(inner) = error else {
            panic!("{error}")
        };
        let bad = inner.downcast_ref::<BadRecord>().unwrap();
        assert_eq!(bad.line, 1);
        assert!(bad.reason.contains("a multi-line record"), "{}", bad.reason);
        assert_eq!(counters.bad.value(), 1);
    }

    #[test]
    fn fail_fast_names_the_line() {
        let input = format!("{GOOD}\n{GOOD}\n\nbroken\n{GOOD}\n");
        let (mut decoder, _) = decoder(&[("format", "combined"), ("mode", "fail_fast")], 100);
        let error = decode_all(&mut decoder, input.as_bytes(), 1000).unwrap_err();
        let ArrowError::ExternalError(inner) = error else {
            panic!("{error}")
        };
        let bad = inner.downcast_ref::<BadRecord>().unwrap();
        assert_eq!(bad.line, 4);
        assert_eq!(bad.record, "broken");
    }

    #[test]
    fn multiline_records_join_continuation_lines() {
        let input =
            "2024-01-01 ERROR boom\n  at a.b(C.java:1)\n  at d.e(F.java:2)\n2024-01-01 INFO ok\n";
        let (mut decoder, counters) = decoder(
            &[
                ("format", "regex"),
                (
                    "pattern",
                    r"(?s)^(?P<day>\S+) (?P<level>\w+) (?P<message>.*)$",
                ),
                ("multiline_start", r"^\d{4}-"),
            ],
            100,
        );
        let batches = decode_all(&mut decoder, input.as_bytes(), 5).unwrap();
        assert_eq!(batches.iter().map(|b| b.num_rows()).sum::<usize>(), 2);
        assert_eq!(counters.records.value(), 2);
        assert_eq!(counters.bad.value(), 0);
    }

    proptest! {
        /// Whatever the bytes, no parser panics and every record read is a row or counted bad.
        #[test]
        fn every_record_is_a_row_or_bad(
            lines in proptest::collection::vec(
                prop_oneof![
                    Just(GOOD.to_string()),
                    Just("<34>Oct 11 22:14:15 host su[1]: x".to_string()),
                    Just(r#"{"a": 1}"#.to_string()),
                    "[ -~]{0,80}",
                    any::<Vec<u8>>().prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
                ],
                0..40,
            ),
            format in proptest::sample::select(vec![
                "combined", "common", "apache_error", "syslog", "rfc5424", "json", "alb", "elb",
                "cloudfront", "w3c", "regex", "grok",
            ]),
            mode in proptest::sample::select(vec!["permissive", "drop_malformed"]),
            chunk in 1usize..64,
        ) {
            let input = lines.join("\n");
            let mut options = vec![("format", format), ("mode", mode)];
            match format {
                "cloudfront" | "w3c" => options.push(("fields", "date time c-ip sc-status")),
                "regex" => options.push(("pattern", r"^(?P<a>\d+) (?P<rest>.*)$")),
                "grok" => options.push(("pattern", "%{INT:a:int} %{GREEDYDATA:rest}")),
                _ => {}
            }
            let (mut decoder, counters) = decoder(&options, 3);
            let batches = decode_all(&mut decoder, input.as_bytes(), chunk).unwrap();
            let rows = batches.iter().map(|b| b.num_rows()).sum::<usize>();
            let records = counters.records.value();
            let bad = counters.bad.value();
            let kept_bad = if mode == "permissive" { bad } else { 0 };
            prop_assert_eq!(rows, records - bad + kept_bad);
            // Every non-blank line is a record (no format here has directives or multi-line
            // records), except CloudFront's '#' directives.
            let expected = input
                .split('\n')
                .map(|l| l.strip_suffix('\r').unwrap_or(l))
                .filter(|l| !l.bytes().all(|b| b.is_ascii_whitespace()))
                .filter(|l| !matches!(format, "cloudfront" | "w3c") || !l.starts_with('#'))
                .count();
            prop_assert_eq!(records, expected);
        }
    }
}
