//! What one sampled file holds: its format (Parquet from its footer; JSON lines, a known log
//! format or CSV/TSV from its first lines, with the delimiter and header found there;
//! gzip, zstd, bzip2 and xz by extension) and its columns.

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::Arc;

use arrow::csv::reader::Format as CsvSniffer;
use arrow::datatypes::{DataType, Schema};
use datafusion::datasource::file_format::FileFormat;
use datafusion::datasource::file_format::file_compression_type::FileCompressionType;
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::execution::context::SessionState;
use object_store::{ObjectMeta, ObjectStore, ObjectStoreExt};

use super::classifier::{Compiled, Found};

/// How much of a text file is sampled: its first MiB (after decompression).
const SAMPLE_BYTES: usize = 1 << 20;
/// The largest compressed file sampled (it is read whole to be decompressed).
const MAX_COMPRESSED_SAMPLE: u64 = 256 << 20;
/// How many lines decide a text format's delimiter and header.
const SNIFF_LINES: usize = 100;
/// How many lines decide its columns' types (every complete line of the sample, up to this),
/// so that a column typed by its first lines does not fail on a later one.
const TYPE_LINES: usize = 10_000;
/// The delimiters a CSV file may use, in order of preference on a tie.
const DELIMITERS: &[u8] = b",\t|;";

/// A file as a catalog table reads it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Classified {
    /// parquet, csv, json or log.
    pub format: String,
    /// The format's options (`has_header`, `delimiter`, `compression`, a log's `format`).
    pub options: BTreeMap<String, String>,
    /// The file name's extension, with any compression suffix (`.csv.gz`), or empty.
    pub extension: String,
    pub schema: Schema,
    /// What classified it: the user classifier's name, else the format.
    pub classification: String,
}

/// Reads and classifies `object`, trying the user's `classifiers` in order before the
/// built-in ones; the error says why it could not be.
pub(crate) async fn classify(
    state: &SessionState,
    store: &Arc<dyn ObjectStore>,
    object: &ObjectMeta,
    classifiers: &[Compiled],
) -> Result<Classified, String> {
    let name = object
        .location
        .filename()
        .unwrap_or_default()
        .to_lowercase();
    let extension = name
        .find('.')
        .map(|i| name[i..].to_string())
        .unwrap_or_default();
    let (base, compression) = split_compression(&extension);
    if matches!(base, ".parquet" | ".parq") {
        let schema = ParquetFormat::default()
            .infer_schema(state, store, std::slice::from_ref(object))
            .await
            .map_err(|e| format!("not a readable Parquet file: {e}"))?;
        return Ok(Classified {
            format: "parquet".into(),
            options: BTreeMap::new(),
            extension,
            schema: schema.as_ref().clone(),
            classification: "parquet".into(),
        });
    }
    let text = head(store, object, compression).await?;
    let mut options = BTreeMap::new();
    if let Some((name, _)) = compression {
        options.insert("compression".to_string(), name.to_string());
    }
    let lines = sample_lines(&text);
    if lines.is_empty() {
        return Err("empty: no lines to classify".into());
    }
    let classified = |format: &str, options, schema, classification: &str| Classified {
        format: format.into(),
        options,
        extension: extension.clone(),
        schema,
        classification: classification.into(),
    };
    for classifier in classifiers {
        match classifier.find(&lines) {
            None => continue,
            Some(Found::Log(log)) => {
                options.extend(log);
                let schema = log_schema(state, store, object, &options).await?;
                return Ok(classified("log", options, schema, classifier.name()));
            }
            Some(Found::Csv {
                options: csv,
                schema,
            }) => {
                options.extend(csv);
                return Ok(classified("csv", options, schema, classifier.name()));
            }
        }
    }
    let looks_json = lines[0].trim_start().starts_with('{')
        && serde_json::from_str::<serde_json::Value>(lines[0]).is_ok_and(|v| v.is_object());
    if looks_json || matches!(base, ".json" | ".jsonl" | ".ndjson") {
        let infer = |lines: &[&str]| {
            arrow::json::reader::infer_json_schema(lines.join("\n").as_bytes(), None)
        };
        let (schema, _) = infer(&lines)
            .or_else(|_| infer(&lines[..lines.len().min(SNIFF_LINES)]))
            .map_err(|e| format!("not JSON lines: {e}"))?;
        return Ok(classified("json", options, schema, "json"));
    }
    let csv_named = matches!(base, ".csv" | ".tsv");
    if !csv_named && compression.is_none() {
        let head: Vec<&str> = lines.iter().take(20).copied().collect();
        if let Some(log) = kiln_logs::formats::recognise(&head) {
            options.insert("format".into(), log.into());
            let schema = log_schema(state, store, object, &options).await?;
            return Ok(classified("log", options, schema, log));
        }
    }
    let preferred = if base == ".tsv" { b'\t' } else { b',' };
    match sniff_csv(&lines, preferred, csv_named) {
        Some((delimiter, header, schema)) => {
            options.insert("delimiter".into(), (delimiter as char).to_string());
            options.insert("has_header".into(), header.to_string());
            Ok(classified("csv", options, schema, "csv"))
        }
        None => Err("not recognised as Parquet, JSON lines, CSV or a known log format".into()),
    }
}

/// The columns a log table with `options` reads from `object`.
async fn log_schema(
    state: &SessionState,
    store: &Arc<dyn ObjectStore>,
    object: &ObjectMeta,
    options: &BTreeMap<String, String>,
) -> Result<Schema, String> {
    let parsed = kiln_logs::LogOptions::parse(&options.clone().into_iter().collect())
        .map_err(|e| e.to_string())?;
    let format = kiln_logs::LogFormat::new(parsed).map_err(|e| e.to_string())?;
    let schema = format
        .infer_schema(state, store, std::slice::from_ref(object))
        .await
        .map_err(|e| format!("a {} log that cannot be read: {e}", options["format"]))?;
    Ok(schema.as_ref().clone())
}

/// Splits a compression suffix off an extension: `.csv.gz` is `.csv` in gzip.
fn split_compression(extension: &str) -> (&str, Option<(&'static str, FileCompressionType)>) {
    const SUFFIXES: &[(&str, &str, FileCompressionType)] = &[
        (".gz", "gzip", FileCompressionType::GZIP),
        (".gzip", "gzip", FileCompressionType::GZIP),
        (".zst", "zstd", FileCompressionType::ZSTD),
        (".bz2", "bzip2", FileCompressionType::BZIP2),
        (".xz", "xz", FileCompressionType::XZ),
    ];
    for (suffix, name, kind) in SUFFIXES {
        if let Some(base) = extension.strip_suffix(suffix) {
            return (base, Some((name, *kind)));
        }
    }
    (extension, None)
}

/// The first [`SAMPLE_BYTES`] of a file's text, decompressed.
async fn head(
    store: &Arc<dyn ObjectStore>,
    object: &ObjectMeta,
    compression: Option<(&str, FileCompressionType)>,
) -> Result<String, String> {
    let read_error = |e: object_store::Error| format!("cannot be read: {e}");
    let bytes = match compression {
        None => store
            .get_range(&object.location, 0..object.size.min(SAMPLE_BYTES as u64))
            .await
            .map_err(read_error)?
            .to_vec(),
        Some((name, kind)) => {
            if object.size > MAX_COMPRESSED_SAMPLE {
                return Err(format!(
                    "a {name} file of {} bytes, over the {MAX_COMPRESSED_SAMPLE} a sample reads",
                    object.size
                ));
            }
            let compressed = store
                .get(&object.location)
                .await
                .map_err(read_error)?
                .bytes()
                .await
                .map_err(read_error)?;
            let mut out = Vec::new();
            kind.convert_read(std::io::Cursor::new(compressed))
                .map_err(|e| e.to_string())?
                .take(SAMPLE_BYTES as u64)
                .read_to_end(&mut out)
                .map_err(|e| format!("not valid {name}: {e}"))?;
            out
        }
    };
    // A sample cut in the middle of a character loses only that character.
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The complete, non-empty lines of a sample, up to [`TYPE_LINES`] (a line cut off by the
/// sample's end is left out unless it is the only one).
fn sample_lines(text: &str) -> Vec<&str> {
    let complete = match text.rfind('\n') {
        Some(end) if text.len() >= SAMPLE_BYTES => &text[..end],
        _ => text,
    };
    complete
        .lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.trim().is_empty())
        .take(TYPE_LINES)
        .collect()
}

/// The delimiter, whether the first line is a header, and the columns of CSV `lines`: the
/// delimiter that splits every line into the same number (more than one) of fields, the most
/// fields winning; with `forced`, a file named `.csv` may have one column.
fn sniff_csv(lines: &[&str], preferred: u8, forced: bool) -> Option<(u8, bool, Schema)> {
    let text = lines[..lines.len().min(SNIFF_LINES)].join("\n");
    let mut candidates: Vec<(u8, usize)> = std::iter::once(preferred)
        .chain(DELIMITERS.iter().copied().filter(|d| *d != preferred))
        .filter_map(|d| Some((d, infer_csv(d, false, &text)?.fields().len())))
        .filter(|(_, fields)| *fields > 1)
        .collect();
    candidates.sort_by_key(|(_, fields)| std::cmp::Reverse(*fields));
    let delimiter = match candidates.first() {
        Some((d, _)) => *d,
        None if forced => preferred,
        None => return None,
    };
    let (header, schema) = csv_columns(lines, delimiter, None)?;
    Some((delimiter, header, schema))
}

/// Whether CSV `lines` split by `delimiter` start with a header (`header`, or detected when
/// none), and their columns; none when the first lines do not all split into as many fields.
pub(crate) fn csv_columns(
    lines: &[&str],
    delimiter: u8,
    header: Option<bool>,
) -> Option<(bool, Schema)> {
    let all = lines.join("\n");
    let first = &lines[..lines.len().min(SNIFF_LINES)];
    let text = first.join("\n");
    infer_csv(delimiter, false, &text)?;
    let header = header.unwrap_or_else(|| has_header(first, delimiter));
    // A ragged or odd line past the first ones: the types the first ones give (reading the
    // table then reports that line).
    let schema =
        infer_csv(delimiter, header, &all).or_else(|| infer_csv(delimiter, header, &text))?;
    Some((header, schema))
}

/// The columns Arrow's CSV reader finds in `text`; none when its lines do not all have as
/// many fields.
fn infer_csv(delimiter: u8, header: bool, text: &str) -> Option<Schema> {
    CsvSniffer::default()
        .with_delimiter(delimiter)
        .with_header(header)
        .infer_schema(text.as_bytes(), None)
        .ok()
        .map(|(schema, _)| schema)
}

/// Whether the first line names the columns: its fields are distinct, non-empty and not
/// numbers, and either the rows below hold some typed (non-text) column or every first-line
/// field reads as a name while some field below does not.
fn has_header(lines: &[&str], delimiter: u8) -> bool {
    let Some(first) = infer_csv(delimiter, true, lines[0]) else {
        return false;
    };
    let names: Vec<&str> = first.fields().iter().map(|f| f.name().as_str()).collect();
    let distinct = names.iter().collect::<std::collections::HashSet<_>>().len() == names.len();
    let plain = |s: &str| s.trim().parse::<f64>().is_err() && !s.trim().is_empty();
    if !distinct || !names.iter().all(|n| plain(n)) {
        return false;
    }
    if lines.len() == 1 {
        return names.iter().all(|n| is_name(n));
    }
    let rows = lines[1..].join("\n");
    let Some(below) = infer_csv(delimiter, false, &rows) else {
        return false;
    };
    let typed = below
        .fields()
        .iter()
        .any(|f| !matches!(f.data_type(), DataType::Utf8 | DataType::Null));
    let row_fields = lines[1..]
        .iter()
        .flat_map(|l| l.split(delimiter as char))
        .any(|f| !is_name(f.trim_matches('"')));
    typed || (names.iter().all(|n| is_name(n)) && row_fields)
}

/// Whether a field reads as a column name: a letter or `_`, then letters, digits, `_`, `-`,
/// `.` or spaces.
fn is_name(field: &str) -> bool {
    let mut chars = field.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ' '))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters_and_headers_are_found() {
        let (d, header, schema) =
            sniff_csv(&["id,name,fare", "1,ann,2.5", "2,bob,3"], b',', true).unwrap();
        assert_eq!((d, header), (b',', true));
        assert_eq!(schema.field(2).data_type(), &DataType::Float64);
        let (d, header, schema) = sniff_csv(&["1\tann", "2\tbob"], b',', false).unwrap();
        assert_eq!((d, header), (b'\t', false));
        assert_eq!(schema.field(0).name(), "column_1");
        // All text: a header only when its fields read as names and the rows' do not.
        let (_, header, _) =
            sniff_csv(&["city,country", "São Paulo,BR-1!", "x y,z"], b',', true).unwrap();
        assert!(header);
        assert!(sniff_csv(&["just some words", "and more"], b',', false).is_none());
    }

    #[test]
    fn types_come_from_every_line_of_the_sample() {
        let mut lines = vec!["id,fare".to_string()];
        lines.extend((0..150).map(|i| format!("{i},{i}")));
        lines.push("151,2.5".into());
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        let (_, header, schema) = sniff_csv(&lines, b',', true).unwrap();
        assert!(header);
        assert_eq!(schema.field(1).data_type(), &DataType::Float64);
    }

    #[test]
    fn compression_comes_from_the_extension() {
        assert_eq!(split_compression(".csv.gz").0, ".csv");
        assert_eq!(split_compression(".json.zst").0, ".json");
        assert!(split_compression(".parquet").1.is_none());
    }
}
