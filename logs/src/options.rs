//! What a log table is told: which format, its pattern, and what to do with bad lines.
//!
//! Keys are the same in a job source's `options` table and in SQL `OPTIONS (...)`; in SQL they
//! may carry a `log.` prefix (`'log.format' 'combined'`).

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

use datafusion::datasource::file_format::file_compression_type::FileCompressionType;

use crate::csv_json::{CSV_OPTIONS, CsvDialect};
use crate::{LogError, Result};

/// The options a log table takes, and what each means.
pub const OPTIONS: &[(&str, &str)] = &[
    (
        "format",
        "combined, common, apache_error, syslog (RFC 3164), rfc5424, json, elb, alb, \
         cloudfront, w3c, regex, grok; or csv and ndjson, read by Arrow's readers under the \
         table's schema",
    ),
    (
        "pattern",
        "the regex (named groups become columns) or grok pattern",
    ),
    (
        "patterns",
        "extra grok definitions, one 'NAME regex' per line",
    ),
    (
        "types",
        "column types for regex/grok captures, e.g. 'status:int,bytes:bigint,ts:timestamp'",
    ),
    (
        "timestamp_format",
        "strftime format of timestamp captures (default: ISO 8601 or Apache's)",
    ),
    (
        "year",
        "the year of RFC 3164 syslog timestamps, which carry none (default: this year)",
    ),
    (
        "multiline_start",
        "a regex matching the first line of a record; other lines join the record before them",
    ),
    (
        "mode",
        "what to do with a line that does not parse: permissive (default; keep it in \
         _corrupt_record), drop_malformed (drop and count) or fail_fast (stop the job)",
    ),
    (
        "fields",
        "W3C field names, space-separated, for files without a #Fields: header",
    ),
    (
        "quarantine",
        "a directory URL that receives the bad records as JSON lines with their file and line",
    ),
    (
        COMPRESSION,
        "gzip, zstd, bzip2, xz or none (default: from each file's extension)",
    ),
];

/// The option naming the files' compression.
pub const COMPRESSION: &str = "compression";

/// The options only line formats take (not csv and ndjson).
const LINE_OPTIONS: &[&str] = &[
    "pattern",
    "patterns",
    "types",
    "timestamp_format",
    "year",
    "multiline_start",
    "fields",
];

/// What happens to a line that does not parse (Spark's reader modes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BadRecordPolicy {
    /// Keep the row: parsed columns null, the raw text in `_corrupt_record`.
    #[default]
    Permissive,
    /// Drop the line and count it.
    DropMalformed,
    /// Fail the scan, naming the file and line.
    FailFast,
}

impl BadRecordPolicy {
    fn parse(value: &str) -> Result<Self> {
        match value.to_ascii_lowercase().replace('_', "").as_str() {
            "permissive" => Ok(Self::Permissive),
            "dropmalformed" => Ok(Self::DropMalformed),
            "failfast" => Ok(Self::FailFast),
            _ => Err(bad(
                "mode",
                format!("expected permissive, drop_malformed or fail_fast, got '{value}'"),
            )),
        }
    }

    /// The option value that selects this policy.
    pub fn name(self) -> &'static str {
        match self {
            Self::Permissive => "permissive",
            Self::DropMalformed => "drop_malformed",
            Self::FailFast => "fail_fast",
        }
    }
}

/// The log table's options, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct LogOptions {
    /// The format name, lower case.
    pub format: String,
    pub pattern: Option<String>,
    /// Extra grok definitions, name to regex.
    pub patterns: BTreeMap<String, String>,
    /// Type hints for regex/grok captures, by column.
    pub types: BTreeMap<String, String>,
    pub timestamp_format: Option<String>,
    pub year: Option<i32>,
    pub multiline_start: Option<String>,
    pub mode: BadRecordPolicy,
    pub fields: Option<String>,
    pub quarantine: Option<String>,
    /// How a `csv` table's files are written.
    pub csv: CsvDialect,
    /// The files' compression, when not told by their extensions.
    pub compression: Option<FileCompressionType>,
}

impl LogOptions {
    /// Checks a table's options; keys may carry a `log.` or `format.` prefix.
    pub fn parse(options: &HashMap<String, String>) -> Result<Self> {
        let mut parsed = Self {
            format: String::new(),
            pattern: None,
            patterns: BTreeMap::new(),
            types: BTreeMap::new(),
            timestamp_format: None,
            year: None,
            multiline_start: None,
            mode: BadRecordPolicy::default(),
            fields: None,
            quarantine: None,
            csv: CsvDialect::default(),
            compression: None,
        };
        let mut csv_option = None;
        for (key, value) in options {
            let name = key
                .strip_prefix("log.")
                .or_else(|| key.strip_prefix("format."))
                .unwrap_or(key);
            match name {
                "format" => parsed.format = value.to_ascii_lowercase(),
                "pattern" => parsed.pattern = Some(value.clone()),
                "patterns" => parsed.patterns = definitions(value)?,
                "types" => parsed.types = type_hints(value)?,
                "timestamp_format" => parsed.timestamp_format = Some(value.clone()),
                "year" => {
                    parsed.year = Some(value.parse().map_err(|_| {
                        bad("year", format!("expected a year like 2024, got '{value}'"))
                    })?)
                }
                "multiline_start" => parsed.multiline_start = Some(value.clone()),
                "mode" => parsed.mode = BadRecordPolicy::parse(value)?,
                "fields" => parsed.fields = Some(value.clone()),
                "quarantine" => parsed.quarantine = Some(value.clone()),
                COMPRESSION => parsed.compression = Some(compression(value)?),
                _ if parsed.csv.set(name, value)? => csv_option = Some(name.to_string()),
                _ => {
                    return Err(LogError::UnknownOption {
                        option: key.clone(),
                        expected: OPTIONS
                            .iter()
                            .chain(CSV_OPTIONS)
                            .map(|(o, m)| format!("{o} ({m})"))
                            .collect::<Vec<_>>()
                            .join(", "),
                    });
                }
            }
        }
        if parsed.format.is_empty() {
            return Err(bad("format", format!("missing; expected {}", OPTIONS[0].1)));
        }
        if let Some(option) = csv_option.filter(|_| parsed.format != "csv") {
            return Err(bad(
                &option,
                format!("is a csv option; the {} format takes none", parsed.format),
            ));
        }
        if matches!(parsed.format.as_str(), "csv" | "ndjson")
            && let Some(option) = LINE_OPTIONS
                .iter()
                .find(|o| parsed.to_map().contains_key(**o))
        {
            return Err(bad(
                option,
                format!(
                    "is an option of log line formats; {} takes none",
                    parsed.format
                ),
            ));
        }
        if parsed.quarantine.is_some() && parsed.mode == BadRecordPolicy::FailFast {
            return Err(bad(
                "quarantine",
                "mode fail_fast stops at the first bad record; quarantine needs permissive or \
                 drop_malformed",
            ));
        }
        Ok(parsed)
    }

    /// The options as key/value pairs that [`LogOptions::parse`] reads back (for plans).
    pub fn to_map(&self) -> HashMap<String, String> {
        let mut map = HashMap::from([
            ("format".to_string(), self.format.clone()),
            ("mode".to_string(), self.mode.name().to_string()),
        ]);
        let mut set = |key: &str, value: &Option<String>| {
            if let Some(value) = value {
                map.insert(key.to_string(), value.clone());
            }
        };
        set("pattern", &self.pattern);
        set("timestamp_format", &self.timestamp_format);
        set("multiline_start", &self.multiline_start);
        set("fields", &self.fields);
        set("quarantine", &self.quarantine);
        set("year", &self.year.map(|y| y.to_string()));
        set(
            COMPRESSION,
            &self.compression.map(|c| match c.is_compressed() {
                true => c.get_variant().to_string().to_ascii_lowercase(),
                false => "none".to_string(),
            }),
        );
        for (key, value) in self.csv.to_pairs() {
            map.insert(key.to_string(), value);
        }
        if !self.patterns.is_empty() {
            let lines: Vec<String> = self
                .patterns
                .iter()
                .map(|(name, regex)| format!("{name} {regex}"))
                .collect();
            map.insert("patterns".into(), lines.join("\n"));
        }
        if !self.types.is_empty() {
            let hints: Vec<String> = self
                .types
                .iter()
                .map(|(column, ty)| format!("{column}:{ty}"))
                .collect();
            map.insert("types".into(), hints.join(","));
        }
        map
    }
}

/// A compression option's value.
fn compression(value: &str) -> Result<FileCompressionType> {
    match value.to_ascii_lowercase().as_str() {
        "none" | "uncompressed" => Ok(FileCompressionType::UNCOMPRESSED),
        name => FileCompressionType::from_str(name).map_err(|_| {
            bad(
                COMPRESSION,
                format!("expected gzip, zstd, bzip2, xz or none, got '{value}'"),
            )
        }),
    }
}

pub(crate) fn bad(option: &str, message: impl Into<String>) -> LogError {
    LogError::BadOption {
        option: option.to_string(),
        message: message.into(),
    }
}

fn definitions(text: &str) -> Result<BTreeMap<String, String>> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| {
            let (name, regex) = line.split_once(char::is_whitespace).ok_or_else(|| {
                bad(
                    "patterns",
                    format!("expected 'NAME regex' on each line, got '{line}'"),
                )
            })?;
            Ok((name.to_string(), regex.trim().to_string()))
        })
        .collect()
}

fn type_hints(text: &str) -> Result<BTreeMap<String, String>> {
    text.split(',')
        .map(str::trim)
        .filter(|hint| !hint.is_empty())
        .map(|hint| {
            let (column, ty) = hint.split_once(':').ok_or_else(|| {
                bad(
                    "types",
                    format!("expected 'column:type' pairs, got '{hint}'"),
                )
            })?;
            Ok((column.trim().to_string(), ty.trim().to_ascii_lowercase()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn prefixed_and_plain_keys_mean_the_same() {
        let sql = LogOptions::parse(&options(&[
            ("log.format", "Combined"),
            ("log.mode", "DROPMALFORMED"),
        ]))
        .unwrap();
        let job = LogOptions::parse(&options(&[
            ("format", "combined"),
            ("mode", "drop_malformed"),
        ]))
        .unwrap();
        assert_eq!(sql, job);
        assert_eq!(LogOptions::parse(&job.to_map()).unwrap(), job);
    }

    #[test]
    fn mistakes_name_the_option() {
        let error = LogOptions::parse(&options(&[("format", "combined"), ("mode", "lenient")]))
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("'mode'") && error.contains("fail_fast"),
            "{error}"
        );
        let error = LogOptions::parse(&options(&[("format", "grok"), ("patern", "x")]))
            .unwrap_err()
            .to_string();
        assert!(error.contains("unknown option 'patern'"), "{error}");
        let error = LogOptions::parse(&options(&[])).unwrap_err().to_string();
        assert!(error.contains("'format'"), "{error}");
    }
}
