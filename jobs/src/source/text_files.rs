//! CSV and JSON sources: their options, declared schemas and tables.
//!
//! Both take `schema`, the columns as SQL (`id BIGINT, day DATE`), to read them as declared
//! instead of inferring their types from a sample, as Spark's `.schema(...)` does, and `mode`,
//! what to do with a record that does not fit them (Spark's reader modes). CSV also takes the
//! dialect options of [`kiln_logs::csv_json::CSV_OPTIONS`]. Files are read by Kiln's CSV and
//! JSON decoders ([`kiln_logs::csv_json`]), which count the records read and bad in the job's
//! status and apply its error budget.

use std::collections::HashMap;
use std::sync::Arc;

use datafusion::catalog::TableProvider;
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::{DdlStatement, LogicalPlan};
use datafusion::prelude::SessionContext;
use kiln_logs::{LogFormat, LogOptions};
use kiln_proto::v1 as pb;

use crate::sink::table::check_options;
use crate::tables::files_table;

/// The option declaring a source's columns instead of inferring them.
const SCHEMA: &str = "schema";

/// The options every CSV and JSON source takes, and what each means.
pub(crate) const COMMON_OPTIONS: &[(&str, &str)] = &[
    (
        SCHEMA,
        "the columns as SQL, e.g. \"id BIGINT, day DATE, amount DECIMAL(10, 2)\" (default: inferred)",
    ),
    (
        "compression",
        "gzip, zstd, bzip2 or xz (default: from the file extension)",
    ),
    (
        MODE,
        "what to do with a record that does not fit the schema: fail_fast (default; stop, \
         naming its file and line), permissive (keep it: its columns null, its text in \
         _corrupt_record) or drop_malformed (drop and count it)",
    ),
    (
        "quarantine",
        "a directory URL that receives the bad records as JSON lines with their file and line",
    ),
];

/// The option naming the bad-record policy.
const MODE: &str = "mode";

/// A CSV (`format` "csv") or JSON lines ("json") source as a table.
pub async fn table(
    ctx: &SessionContext,
    source: &pb::SourceSpec,
) -> Result<Arc<dyn TableProvider>> {
    let (what, format) = match source.format.to_ascii_lowercase().as_str() {
        "csv" => ("csv source", "csv"),
        _ => ("json source", "ndjson"),
    };
    let mut known = COMMON_OPTIONS.to_vec();
    if format == "csv" {
        known.extend_from_slice(kiln_logs::csv_json::CSV_OPTIONS);
    }
    check_options(what, &source.options, &known)?;
    let mut options: HashMap<String, String> = source
        .options
        .iter()
        .filter(|(key, _)| *key != SCHEMA)
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    options.insert("format".into(), format.into());
    options
        .entry(MODE.into())
        .or_insert_with(|| "fail_fast".into());
    let format = LogOptions::parse(&options)
        .and_then(LogFormat::new)
        .map_err(DataFusionError::from)?;
    let schema = declared_schema(ctx, source)
        .await?
        .map(|declared| Arc::new(format.table_schema(declared)));
    files_table(&ctx.state(), &source.path, Arc::new(format), schema, &[]).await
}

/// The columns of a source's `schema` option, typed as DataFusion types the columns of
/// `CREATE EXTERNAL TABLE`; None when the option is absent.
async fn declared_schema(
    ctx: &SessionContext,
    source: &pb::SourceSpec,
) -> Result<Option<Vec<arrow::datatypes::Field>>> {
    let Some(columns) = source.options.get(SCHEMA) else {
        return Ok(None);
    };
    let bad = |message: String| DataFusionError::Plan(format!("option {SCHEMA}: {message}"));
    let ddl = format!("CREATE EXTERNAL TABLE declared ({columns}) STORED AS CSV LOCATION 'unread'");
    match ctx.state().create_logical_plan(&ddl).await {
        Ok(LogicalPlan::Ddl(DdlStatement::CreateExternalTable(table))) => Ok(Some(
            table
                .schema
                .as_arrow()
                .fields()
                .iter()
                .map(|f| f.as_ref().clone())
                .collect(),
        )),
        Ok(_) => Err(bad(format!(
            "expected column definitions like \"id BIGINT, day DATE\", got '{columns}'"
        ))),
        Err(e) => Err(bad(e.strip_backtrace())),
    }
}
