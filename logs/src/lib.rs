//! Kiln's log formats: raw log lines parsed straight into Arrow columns.
//!
//! A log table is a directory (or one file) of text logs, plain or compressed, read as a
//! DataFusion file format: `CREATE EXTERNAL TABLE access STORED AS LOG LOCATION 's3://logs/'
//! OPTIONS ('log.format' 'combined')`, or a job source with `format = "log"`.
//!
//! - [`formats`]: the parsers, one module per log family (access logs, syslog, AWS, ...).
//! - [`options`]: what a log table is told (format, pattern, bad-record policy, ...).
//! - [`decoder`]: bytes to record batches: line splitting, multi-line records and the
//!   bad-record policy.
//! - [`csv_json`]: CSV and JSON lines decoded by Arrow's readers under a schema, with the same
//!   bad-record policy (the `csv` and `ndjson` formats, which CSV and JSON job sources use).
//! - `quarantine`: where bad records are written, as the scan finds them.
//! - [`file_format`]: the DataFusion [`FileFormat`](datafusion::datasource::file_format::FileFormat)
//!   and `FileSource` that plug it all into listing tables and distributed plans.

pub mod csv_json;
pub mod decoder;
pub mod file_format;
pub mod formats;
pub mod options;
mod quarantine;
mod values;

pub use file_format::{FailFast, LogFormat, LogFormatFactory, LogSource};
pub use options::{BadRecordPolicy, LogOptions};

/// The name of the column that holds a bad line's raw text under the `permissive` policy.
pub const CORRUPT_RECORD_COLUMN: &str = "_corrupt_record";

/// Names of the scan metrics a log scan reports (DataFusion counters, summed per job).
pub mod metrics {
    /// Records read (non-blank lines, or multi-line records).
    pub const RECORDS: &str = "log_records";
    /// Records that did not parse, whatever the policy did with them.
    pub const BAD_RECORDS: &str = "bad_records";
}

/// What can be wrong with a log table's definition.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    /// An option has a value the format cannot use.
    #[error("option '{option}': {message}")]
    BadOption { option: String, message: String },
    /// An option the log format does not know.
    #[error("unknown option '{option}'; expected one of: {expected}")]
    UnknownOption { option: String, expected: String },
}

/// The log crate's result type.
pub type Result<T, E = LogError> = std::result::Result<T, E>;

impl From<LogError> for datafusion::error::DataFusionError {
    fn from(error: LogError) -> Self {
        datafusion::error::DataFusionError::Plan(error.to_string())
    }
}
