//! What the database-table sinks share: option checks, save-mode rules and the naming of
//! staging tables.

use std::collections::HashMap;

use arrow::datatypes::Schema;
use datafusion::error::{DataFusionError, Result};
use kiln_proto::v1 as pb;

use crate::secrets::{PASSWORD_SECRET, retired_option};
use crate::sql_names::TableName;

/// Table sink option: create the target table from the job's columns when it does not exist.
pub const CREATE_TABLE: &str = "create_table";
/// Table sink option: the most connections a job loads through at once.
pub const MAX_CONNECTIONS: &str = "max_connections";
/// The options a table sink takes, and what each means.
pub const OPTIONS: &[(&str, &str)] = &[
    (
        CREATE_TABLE,
        "\"true\" creates a missing table from the job's columns",
    ),
    (
        MAX_CONNECTIONS,
        "the most load tasks (each with one connection) running at once",
    ),
    (PASSWORD_SECRET, crate::secrets::PASSWORD_SECRET_MEANING),
    (
        crate::statement_timeout::STATEMENT_TIMEOUT_SECS,
        crate::statement_timeout::MEANING,
    ),
];

/// Refuses options outside `known` (name and meaning), naming the stray one and listing the rest.
pub fn check_options(
    what: &str,
    options: &HashMap<String, String>,
    known: &[(&str, &str)],
) -> Result<()> {
    match options.keys().find(|k| !known.iter().any(|(o, _)| o == k)) {
        None => Ok(()),
        Some(unknown) => {
            let accepts_secret = known.iter().any(|(o, _)| *o == PASSWORD_SECRET);
            if let Some(why) = retired_option(unknown).filter(|_| accepts_secret) {
                return Err(DataFusionError::Plan(format!(
                    "{what} option '{unknown}' is refused: {why}"
                )));
            }
            if let Some(name) = crate::suggest::nearest(unknown, known.iter().map(|(o, _)| *o)) {
                return Err(DataFusionError::Plan(format!(
                    "unknown {what} option '{unknown}'; did you mean '{name}'?"
                )));
            }
            let known: Vec<String> = known.iter().map(|(o, m)| format!("{o} ({m})")).collect();
            Err(DataFusionError::Plan(format!(
                "unknown {what} option '{unknown}'; expected one of: {}",
                known.join(", ")
            )))
        }
    }
}

/// A table sink's `max_connections`: how many of its load tasks may run at once, each holding
/// one connection. None: as many as there are free slots.
pub fn max_connections(sink: &pb::SinkSpec) -> Result<Option<u32>> {
    let Some(value) = sink.options.get(MAX_CONNECTIONS) else {
        return Ok(None);
    };
    match value.parse::<u32>() {
        Ok(n) if n > 0 => Ok(Some(n)),
        _ => Err(DataFusionError::Plan(format!(
            "sink option {MAX_CONNECTIONS} must be a positive integer, not '{value}'"
        ))),
    }
}

/// Checks the save mode of a table sink against the rows it will get.
pub fn check_mode(sink: &pb::SinkSpec, schema: &Schema) -> Result<()> {
    let mode = pb::SaveMode::try_from(sink.mode).unwrap_or_default();
    if !sink.partition_by.is_empty() || mode == pb::SaveMode::OverwritePartitions {
        return Err(DataFusionError::Plan(
            "partition_by and overwrite_partitions are for file sinks, not database tables".into(),
        ));
    }
    if mode == pb::SaveMode::Upsert {
        if sink.key_columns.is_empty() {
            return Err(DataFusionError::Plan(
                "mode upsert needs key_columns (the columns that identify a row)".into(),
            ));
        }
        if let Some(missing) = sink
            .key_columns
            .iter()
            .find(|k| schema.field_with_name(k).is_err())
        {
            return Err(DataFusionError::Plan(format!(
                "key column '{missing}' is not in the job's output"
            )));
        }
    }
    Ok(())
}

/// Whether to write, given whether the table already has rows: false for `ignore` on a
/// non-empty table; an error for `error_if_exists` (the default) on one.
pub fn write_into(sink: &pb::SinkSpec, has_rows: bool) -> Result<bool> {
    match pb::SaveMode::try_from(sink.mode).unwrap_or_default() {
        pb::SaveMode::Ignore if has_rows => Ok(false),
        pb::SaveMode::Unspecified | pb::SaveMode::ErrorIfExists if has_rows => {
            Err(DataFusionError::Execution(format!(
                "{} sink {} table {}: the table already holds rows and mode is \
                 error_if_exists; choose mode = \"append\", \"overwrite\", \"upsert\" or \"ignore\"",
                sink.format, sink.path, sink.table
            )))
        }
        _ => Ok(true),
    }
}

/// The ledger table of committed jobs, next to a database sink's target: the publishing
/// transaction records the job there, so a commit that runs again publishes nothing twice.
pub const LEDGER: &str = "_kiln_commits";

/// The name prefix of one job's staging tables.
pub fn staging_prefix(job_id: &str) -> String {
    format!("_kiln_{job_id}_")
}

/// The staging table of one task attempt, next to the target.
pub fn staging_table(target: &TableName, job_id: &str, partition: u32, attempt: u32) -> TableName {
    target.sibling(format!("{}{partition}_{attempt}", staging_prefix(job_id)))
}
