//! Kiln jobs: the TOML files users write (parsed into the protocol's `JobSpec`), and the
//! sources, sinks and commit protocols jobs run with.
//!
//! A job file names its sources, the SQL steps that transform them, and options:
//!
//! ```toml
//! name = "sales-by-region"
//!
//! [[source]]
//! name = "sales"
//! format = "csv"
//! path = "data/sales.csv"      # relative paths are relative to the job file
//!
//! [[step]]
//! name = "by_region"
//! sql = "SELECT region, sum(amount) AS total FROM sales GROUP BY region"
//!
//! [sink]                       # absent: the rows stream back to the client
//! format = "parquet"
//! path = "s3://lake/sales_by_region/"
//! mode = "overwrite"
//!
//! [options]
//! parallelism = 4
//! ```

pub mod bookmark;
pub mod failpoints;
pub mod file_scans;
pub mod mysql;
pub mod object_stores;
pub mod params;
pub mod postgres;
pub mod reference;
pub mod secrets;
pub mod sink;
pub mod source;
mod spec;
pub mod sql_names;
pub mod sql_types;
pub mod sqlite;
pub mod statement_timeout;
pub mod suggest;
pub mod tables;
pub mod tls;

pub use spec::{JobFile, job_file_schema, load_job_file, parse_job};

/// The source format of a source that reads a catalog table (`[[source]] catalog =
/// "db.table"`); its path is the table's `db.table` name.
pub const CATALOG_SOURCE: &str = "catalog";

/// What can be wrong with a job file.
#[derive(Debug, thiserror::Error)]
pub enum JobSpecError {
    #[error("{path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid TOML or a field has the wrong type; the message names the line.
    #[error("{path}: {message}")]
    Parse { path: String, message: String },
    /// The file parses but cannot run as written.
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
    /// A `${name}` parameter has neither a given value nor a default.
    #[error(
        "{path}: {place}: parameter ${{{name}}} has no value; pass --param {name}=VALUE or give \
         it a default under [params]"
    )]
    MissingParam {
        path: String,
        place: String,
        name: String,
    },
}

/// The job spec crate's result type.
pub type Result<T, E = JobSpecError> = std::result::Result<T, E>;
