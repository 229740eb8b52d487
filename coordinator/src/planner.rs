//! Turning a job spec into a DataFusion physical plan, with every error a user can cause
//! (unknown table, bad SQL, missing path) reported before anything runs.

use std::collections::HashMap;
use std::sync::Arc;

use std::str::FromStr;

use datafusion::config::ConfigOptions;
use datafusion::datasource::file_format::FileFormat;
use datafusion::datasource::file_format::file_compression_type::FileCompressionType;
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::error::DataFusionError;
use datafusion::execution::SessionStateBuilder;
use datafusion::execution::runtime_env::RuntimeEnv;
use datafusion::logical_expr::{LogicalPlan, Statement};
use datafusion::physical_expr::Partitioning;
use datafusion::physical_expr::expressions::col;
use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_plan::empty::EmptyExec;
use datafusion::physical_plan::repartition::RepartitionExec;
use datafusion::prelude::{CsvReadOptions, JsonReadOptions, SessionContext};
use kiln_core::config::{DEFAULT_SHUFFLE_PARTITIONS, distributed_session_config};
use kiln_core::sink::{SinkWriterExec, count_schema};
use kiln_jobs::secrets::redact_password;
use kiln_jobs::tables::{
    DATABASE_FORMATS, DataFilesTableFactory, DatabaseTableFactory, FILE_FORMATS, files_table,
};
use kiln_logs::{LogFormat, LogFormatFactory, LogOptions};
use kiln_proto::v1 as pb;

use crate::error::{CoordinatorError, Result};

/// A job planned and ready to cut into stages.
pub struct PlannedJob {
    pub plan: Arc<dyn ExecutionPlan>,
    /// DataFusion settings that differ from the defaults; executors run tasks with them.
    pub session_config: HashMap<String, String>,
    /// The sink the job's tasks write to and the job commits, if it writes anything.
    pub sink: Option<pb::SinkSpec>,
}

/// Plans a job: registers its sources, runs its setup statements (DDL only), registers all but
/// the last step as views, plans the last step and puts the sink, if any, on top.
pub async fn plan_job(
    job_id: &str,
    spec: &pb::JobSpec,
    default_partitions: usize,
    runtime: Arc<RuntimeEnv>,
) -> Result<PlannedJob> {
    let options = spec.options.unwrap_or_default();
    let partitions = match options.parallelism {
        0 if default_partitions > 0 => default_partitions,
        0 => DEFAULT_SHUFFLE_PARTITIONS,
        n => n as usize,
    };
    let state = SessionStateBuilder::new()
        .with_config(distributed_session_config(partitions))
        .with_runtime_env(runtime)
        .with_default_features()
        .with_physical_optimizer_rules(crate::join_modes::physical_optimizer_rules())
        .build();
    let ctx = SessionContext::new_with_state(state);
    {
        let state = ctx.state_ref();
        let mut state = state.write();
        let factories = state.table_factories_mut();
        for format in FILE_FORMATS {
            factories.insert(format.to_string(), Arc::new(DataFilesTableFactory));
        }
        for format in DATABASE_FORMATS {
            factories.insert(format.to_string(), Arc::new(DatabaseTableFactory));
        }
        state.register_file_format(Arc::new(LogFormatFactory), false)?;
    }

    for source in &spec.sources {
        register_source(&ctx, source, partitions).await?;
    }
    for (i, sql) in spec.setup_sql.iter().enumerate() {
        let plan = ctx
            .state()
            .create_logical_plan(sql)
            .await
            .map_err(|e| invalid(format!("setup statement {}", i + 1), e))?;
        if !matches!(
            plan,
            LogicalPlan::Ddl(_) | LogicalPlan::Statement(Statement::SetVariable(_))
        ) {
            return Err(CoordinatorError::InvalidJob(format!(
                "setup statement {} must be a DDL statement (CREATE EXTERNAL TABLE, CREATE VIEW, \
                 DROP ...) or SET of a DataFusion setting, got: {}",
                i + 1,
                first_line(sql)
            )));
        }
        ctx.execute_logical_plan(plan)
            .await
            .map_err(|e| invalid(format!("setup statement {}", i + 1), e))?;
    }

    // What tasks run with: the distributed defaults and the job's own SETs.
    let session_config = non_default_settings(ctx.state().config().options());

    let Some((last, earlier)) = spec.steps.split_last() else {
        return Err(CoordinatorError::InvalidJob(
            "the job has no SQL step: add at least one [[step]] with sql".into(),
        ));
    };
    for step in earlier {
        let df = ctx
            .sql(&step.sql)
            .await
            .map_err(|e| invalid(format!("step '{}'", step.name), e))?;
        ctx.register_table(step.name.as_str(), df.into_view())
            .map_err(|e| invalid(format!("step '{}'", step.name), e))?;
    }
    let df = ctx
        .sql(&last.sql)
        .await
        .map_err(|e| invalid(format!("step '{}'", last.name), e))?;
    let plan = df
        .create_physical_plan()
        .await
        .and_then(crate::encodable::make_encodable)
        .and_then(crate::balance::balance_parquet_scans)
        .map_err(|e| invalid(format!("step '{}'", last.name), e))?;
    // The sink: the job's, or the table an INSERT INTO statement loads.
    let (plan, sink) = match (&spec.sink, plan.downcast_ref::<SinkWriterExec>()) {
        (Some(sink), _) => (plan, sink.clone()),
        (None, Some(insert)) => (Arc::clone(insert.children()[0]), insert.sink().clone()),
        (None, None) => {
            return Ok(PlannedJob {
                plan,
                session_config,
                sink: None,
            });
        }
    };
    let sink = &sink;
    let what = format!("sink ({} {})", sink.format, redact_password(&sink.path));
    let writes = kiln_jobs::sink::validate(sink, &plan.schema(), &ctx.runtime_env())
        .await
        .map_err(|e| invalid(what, e))?;
    if !writes {
        tracing::info!(%job_id, path = %sink.path, "the sink's target holds data and the mode is ignore: nothing to write");
        return Ok(PlannedJob {
            plan: Arc::new(EmptyExec::new(count_schema())),
            session_config,
            sink: None,
        });
    }
    // Rows of one partition directory go to one task, so each directory gets one file (or a
    // few, past rows_per_file) instead of one per task.
    let plan: Arc<dyn ExecutionPlan> = if sink.partition_by.is_empty() {
        plan
    } else {
        let schema = plan.schema();
        let keys = sink
            .partition_by
            .iter()
            .map(|name| col(name, &schema))
            .collect::<std::result::Result<Vec<_>, DataFusionError>>()
            .map_err(|e| invalid("sink partition_by", e))?;
        Arc::new(
            RepartitionExec::try_new(plan, Partitioning::Hash(keys, partitions))
                .map_err(|e| invalid("sink partition_by", e))?,
        )
    };
    Ok(PlannedJob {
        plan: Arc::new(SinkWriterExec::new(job_id, sink.clone(), plan)),
        session_config,
        sink: Some(sink.clone()),
    })
}

async fn register_source(
    ctx: &SessionContext,
    source: &pb::SourceSpec,
    partitions: usize,
) -> Result<()> {
    let what = format!(
        "source '{}' ({})",
        source.name,
        redact_password(&source.path)
    );
    let format = source.format.to_ascii_lowercase();
    // Parquet and log directories go through Kiln's data-files listing: like Spark, their
    // `key=value` levels become columns, and marker files are skipped.
    let files: Option<Arc<dyn FileFormat>> = match format.as_str() {
        "parquet" => Some(Arc::new(ParquetFormat::default())),
        "log" => Some(Arc::new(
            LogOptions::parse(&source.options)
                .and_then(LogFormat::new)
                .map_err(|e| CoordinatorError::InvalidJob(format!("{what}: {e}")))?,
        )),
        _ => None,
    };
    let table = if kiln_jobs::source::FORMATS.contains(&source.format.as_str()) {
        Some(kiln_jobs::source::table(source, partitions).await)
    } else if let Some(files) = files {
        Some(files_table(&ctx.state(), &source.path, files, None, &[]).await)
    } else {
        None
    };
    if let Some(table) = table {
        let table = table.map_err(|e| invalid(&what, e))?;
        return ctx
            .register_table(source.name.as_str(), table)
            .map(|_| ())
            .map_err(|e| invalid(what, e));
    }
    let result = match format.as_str() {
        "csv" => {
            let read = csv_options(source, &what)?;
            ctx.register_csv(&source.name, &source.path, read.options())
                .await
        }
        "json" => {
            ctx.register_json(&source.name, &source.path, JsonReadOptions::default())
                .await
        }
        other => {
            return Err(CoordinatorError::InvalidJob(format!(
                "{what}: unknown format '{other}' (expected csv, json, parquet, log or {})",
                kiln_jobs::source::FORMATS.join(", ")
            )));
        }
    };
    result.map_err(|e| invalid(what, e))
}

/// The CSV options a source takes, and what each means.
const CSV_OPTIONS: &[(&str, &str)] = &[
    ("header", "\"false\" when the first line is data"),
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
        "\"true\" when quoted fields contain line breaks",
    ),
    (
        "compression",
        "gzip, zstd, bzip2 or xz (default: from the file extension)",
    ),
];

/// A CSV source's read options, owning what `CsvReadOptions` borrows.
struct CsvSource {
    has_header: bool,
    delimiter: Option<u8>,
    quote: Option<u8>,
    escape: Option<u8>,
    comment: Option<u8>,
    null_regex: Option<String>,
    newlines_in_values: bool,
    compression: FileCompressionType,
    extension: String,
}

impl CsvSource {
    fn options(&self) -> CsvReadOptions<'_> {
        let mut read = CsvReadOptions::new()
            .has_header(self.has_header)
            .newlines_in_values(self.newlines_in_values)
            .null_regex(self.null_regex.clone())
            .file_compression_type(self.compression)
            .file_extension(&self.extension);
        if let Some(delimiter) = self.delimiter {
            read = read.delimiter(delimiter);
        }
        if let Some(quote) = self.quote {
            read = read.quote(quote);
        }
        if let Some(escape) = self.escape {
            read = read.escape(escape);
        }
        if let Some(comment) = self.comment {
            read = read.comment(comment);
        }
        read
    }
}

fn csv_options(source: &pb::SourceSpec, what: &str) -> Result<CsvSource> {
    let bad = |message: String| CoordinatorError::InvalidJob(format!("{what}: {message}"));
    if let Some(unknown) = source
        .options
        .keys()
        .find(|k| !CSV_OPTIONS.iter().any(|(o, _)| o == k))
    {
        let known: Vec<String> = CSV_OPTIONS
            .iter()
            .map(|(o, m)| format!("{o} ({m})"))
            .collect();
        return Err(bad(format!(
            "unknown csv option '{unknown}'; expected one of: {}",
            known.join(", ")
        )));
    }
    let option = |key: &str| source.options.get(key).map(String::as_str);
    let byte = |key: &str| -> Result<Option<u8>> {
        match option(key) {
            None => Ok(None),
            Some(value) => match value.as_bytes() {
                [byte] => Ok(Some(*byte)),
                _ => Err(bad(format!(
                    "option {key} must be one character, got '{value}'"
                ))),
            },
        }
    };
    let flag = |key: &str, default: bool| -> Result<bool> {
        match option(key) {
            None => Ok(default),
            Some("true") => Ok(true),
            Some("false") => Ok(false),
            Some(other) => Err(bad(format!(
                "option {key} must be true or false, got '{other}'"
            ))),
        }
    };
    // Compression from the option, else from the path's extension (orders.csv.gz).
    const SUFFIXES: [(&str, &str); 4] = [
        ("gzip", ".gz"),
        ("zstd", ".zst"),
        ("bzip2", ".bz2"),
        ("xz", ".xz"),
    ];
    let path = source.path.trim_end_matches('/');
    let by_extension = SUFFIXES
        .into_iter()
        .find(|(_, suffix)| path.ends_with(suffix))
        .map(|(name, _)| name);
    let (compression, suffix) = match option("compression").or(by_extension) {
        None | Some("none") | Some("uncompressed") => (FileCompressionType::UNCOMPRESSED, ""),
        Some(name) => {
            let suffix = SUFFIXES
                .into_iter()
                .find(|(n, _)| *n == name)
                .map(|(_, s)| s);
            let parsed = FileCompressionType::from_str(name).ok().zip(suffix);
            parsed.ok_or_else(|| {
                bad(format!(
                    "option compression: expected gzip, zstd, bzip2 or xz, got '{name}'"
                ))
            })?
        }
    };
    // A directory's files end in .csv (plus the compression suffix); a named file is read
    // whatever its name.
    let extension = if source.path.ends_with('/') {
        format!(".csv{suffix}")
    } else {
        std::path::Path::new(path)
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.find('.').map(|i| n[i..].to_string()))
            .unwrap_or_default()
    };
    Ok(CsvSource {
        has_header: flag("header", true)?,
        delimiter: byte("delimiter")?,
        quote: byte("quote")?,
        escape: byte("escape")?,
        comment: byte("comment")?,
        null_regex: option("null_value").map(|v| format!("^{}$", regex_escape(v))),
        newlines_in_values: flag("newlines_in_values", false)?,
        compression,
        extension,
    })
}

/// Escapes regex metacharacters so a literal null marker like `\N` matches itself.
fn regex_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// A job rejected because of `what`. Messages Kiln's connectors wrote say what is wrong
/// themselves, without DataFusion's "Execution error: " in front.
fn invalid(what: impl std::fmt::Display, error: DataFusionError) -> CoordinatorError {
    let message = match error {
        DataFusionError::Execution(message) | DataFusionError::Plan(message) => message,
        other => other.strip_backtrace(),
    };
    CoordinatorError::InvalidJob(format!("{what}: {message}"))
}

fn first_line(sql: &str) -> &str {
    sql.trim().lines().next().unwrap_or_default()
}

/// The settings in `options` that differ from DataFusion's defaults.
fn non_default_settings(options: &ConfigOptions) -> HashMap<String, String> {
    let defaults: HashMap<String, Option<String>> = ConfigOptions::default()
        .entries()
        .into_iter()
        .map(|e| (e.key, e.value))
        .collect();
    options
        .entries()
        .into_iter()
        .filter_map(|e| {
            let value = e.value?;
            (defaults.get(&e.key) != Some(&Some(value.clone()))).then_some((e.key, value))
        })
        .collect()
}
