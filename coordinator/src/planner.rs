//! Turning a job spec into a DataFusion physical plan, with every error a user can cause
//! (unknown table, bad SQL, missing path) reported before anything runs.

use std::collections::HashMap;
use std::sync::Arc;

use datafusion::catalog::TableProvider;
use datafusion::config::ConfigOptions;
use datafusion::datasource::file_format::FileFormat;
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::error::DataFusionError;
use datafusion::execution::SessionStateBuilder;
use datafusion::execution::runtime_env::RuntimeEnv;
use datafusion::logical_expr::{DdlStatement, LogicalPlan, Statement};
use datafusion::physical_expr::Partitioning;
use datafusion::physical_expr::expressions::col;
use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_plan::empty::EmptyExec;
use datafusion::physical_plan::repartition::RepartitionExec;
use datafusion::prelude::SessionContext;
use kiln_catalog::{Catalog, CatalogError};
use kiln_core::config::{DEFAULT_SHUFFLE_PARTITIONS, distributed_session_config};
use kiln_core::sink::{SinkWriterExec, count_schema};
use kiln_jobs::bookmark::Increment;
use kiln_jobs::secrets::redact_password;
use kiln_jobs::tables::{
    DATABASE_FORMATS, DataFilesTableFactory, DatabaseTableFactory, FILE_FORMATS, files_table,
};
use kiln_logs::{LogFormat, LogFormatFactory, LogOptions};
use kiln_proto::v1 as pb;

use crate::error::{CoordinatorError, Result};
use crate::statement_size;

/// A job planned and ready to cut into stages.
pub struct PlannedJob {
    pub plan: Arc<dyn ExecutionPlan>,
    /// DataFusion settings that differ from the defaults; executors run tasks with them.
    pub session_config: HashMap<String, String>,
    /// The sink the job's tasks write to and the job commits, if it writes anything.
    pub sink: Option<pb::SinkSpec>,
    /// What its catalog tables give it to read, after partition pruning.
    pub catalog_scan: pb::CatalogScan,
}

/// The most partitions per shuffle a job may ask for: each shuffle has parallelism² map
/// outputs, all tracked by the leader and recorded in the job's checkpoint.
pub const MAX_PARALLELISM: u32 = 10_000;

/// Plans a job: registers its sources, runs its setup statements (DDL only), registers all but
/// the last step as views, plans the last step and puts the sink, if any, on top. The sources
/// of an incremental job read only the files its `increment` chooses.
pub async fn plan_job(
    job_id: &str,
    spec: &pb::JobSpec,
    default_partitions: usize,
    runtime: Arc<RuntimeEnv>,
    catalog: &Catalog,
    increment: Option<&Arc<Increment>>,
) -> Result<PlannedJob> {
    let options = spec.options.unwrap_or_default();
    if options.parallelism > MAX_PARALLELISM {
        return Err(CoordinatorError::InvalidJob(format!(
            "options.parallelism = {} is over the limit of {MAX_PARALLELISM} partitions per shuffle",
            options.parallelism
        )));
    }
    let partitions = match options.parallelism {
        0 if default_partitions > 0 => default_partitions,
        0 => DEFAULT_SHUFFLE_PARTITIONS,
        n => n as usize,
    };
    let scans = Arc::new(kiln_catalog::provider::ScanCounts::default());
    let state = SessionStateBuilder::new()
        .with_config(distributed_session_config(partitions).with_extension(Arc::clone(&scans)))
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
        let database = kiln_jobs::source::FORMATS.contains(&source.format.as_str());
        let table = match source.format.as_str() {
            kiln_jobs::CATALOG_SOURCE => catalog_source(catalog, source, partitions).await?,
            _ => source_table(&ctx, source, partitions, increment).await?,
        };
        let table = match increment {
            Some(increment) if !database => increment.table(table),
            _ => table,
        };
        ctx.register_table(source.name.as_str(), table)
            .map_err(|e| invalid(format!("source '{}'", source.name), e))?;
    }
    for (i, sql) in spec.setup_sql.iter().enumerate() {
        statement_size::check(&format!("setup statement {}", i + 1), sql)?;
        register_catalog_tables(&ctx, catalog, format!("setup statement {}", i + 1), sql).await?;
        let plan = ctx
            .state()
            .create_logical_plan(sql)
            .await
            .map_err(|e| invalid(format!("setup statement {}", i + 1), e))?;
        if let LogicalPlan::Ddl(DdlStatement::CreateMemoryTable(create)) = &plan
            && !matches!(create.input.as_ref(), LogicalPlan::EmptyRelation(_))
        {
            return Err(CoordinatorError::InvalidJob(format!(
                "setup statement {} fills a table on the coordinator (CREATE TABLE ... AS): \
                 make the query a [[step]] instead, which later steps read as a view and which \
                 runs on the executors: {}",
                i + 1,
                first_line(sql)
            )));
        }
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
    for step in &spec.steps {
        statement_size::check(&format!("step '{}'", step.name), &step.sql)?;
    }
    for step in earlier {
        register_catalog_tables(&ctx, catalog, format!("step '{}'", step.name), &step.sql).await?;
        let df = ctx
            .sql(&step.sql)
            .await
            .map_err(|e| invalid(format!("step '{}'", step.name), e))?;
        ctx.register_table(step.name.as_str(), df.into_view())
            .map_err(|e| invalid(format!("step '{}'", step.name), e))?;
    }
    register_catalog_tables(&ctx, catalog, format!("step '{}'", last.name), &last.sql).await?;
    let df = ctx
        .sql(&last.sql)
        .await
        .map_err(|e| invalid(format!("step '{}'", last.name), e))?;
    let plan = df
        .create_physical_plan()
        .await
        .map_err(|e| invalid(format!("step '{}'", last.name), e))?;
    let plan = crate::encodable::read_metadata_scans(plan, ctx.task_ctx())
        .await
        .and_then(crate::encodable::make_encodable)
        .and_then(crate::balance::balance_parquet_scans)
        .map_err(|e| invalid(format!("step '{}'", last.name), e))?;
    // The sink: the job's, or the table an INSERT INTO statement loads.
    let (plan, sink) = match (&spec.sink, plan.downcast_ref::<SinkWriterExec>()) {
        (Some(sink), _) if !sink.catalog.is_empty() => {
            let sink = crate::catalog_sink::resolve(catalog, sink.clone(), &plan.schema()).await?;
            (plan, sink)
        }
        (Some(sink), _) => (plan, sink.clone()),
        (None, Some(insert)) if !insert.sink().catalog.is_empty() => {
            let input = Arc::clone(insert.children()[0]);
            let sink =
                crate::catalog_sink::resolve(catalog, insert.sink().clone(), &input.schema())
                    .await?;
            (input, sink)
        }
        (None, Some(insert)) => (Arc::clone(insert.children()[0]), insert.sink().clone()),
        (None, None) => {
            return Ok(PlannedJob {
                plan,
                session_config,
                sink: None,
                catalog_scan: scans.summary(),
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
            catalog_scan: scans.summary(),
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
        catalog_scan: scans.summary(),
    })
}

/// The table a `[[source]]` of files or a database reads (for a database source of an
/// incremental job, the rows of its run's window).
async fn source_table(
    ctx: &SessionContext,
    source: &pb::SourceSpec,
    partitions: usize,
    increment: Option<&Arc<Increment>>,
) -> Result<Arc<dyn TableProvider>> {
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
        Some(match increment {
            Some(increment) => increment.database_table(source, partitions).await,
            None => kiln_jobs::source::table(source, partitions).await,
        })
    } else if matches!(format.as_str(), "csv" | "json") {
        Some(kiln_jobs::source::text_files::table(ctx, source).await)
    } else if let Some(files) = files {
        Some(files_table(&ctx.state(), &source.path, files, None, &[]).await)
    } else {
        None
    };
    let Some(table) = table else {
        return Err(CoordinatorError::InvalidJob(format!(
            "{what}: unknown format '{format}' (expected csv, json, parquet, log or {})",
            kiln_jobs::source::FORMATS.join(", ")
        )));
    };
    table.map_err(|e| invalid(&what, e))
}

/// The catalog table a source names (`[[source]] catalog = "db.table"`).
async fn catalog_source(
    catalog: &Catalog,
    source: &pb::SourceSpec,
    partitions: usize,
) -> Result<Arc<dyn TableProvider>> {
    let what = format!("source '{}' (catalog table {})", source.name, source.path);
    let Some((database, table)) = source.path.split_once('.') else {
        return Err(CoordinatorError::InvalidJob(format!(
            "{what}: expected DATABASE.TABLE"
        )));
    };
    kiln_catalog::provider::table(catalog, database, table, partitions)
        .await
        .map_err(|error| match error {
            CatalogError::State(error) => CoordinatorError::State(error),
            other => CoordinatorError::InvalidJob(format!("{what}: {other}")),
        })
}

/// Registers the catalog tables `sql` names (`db.table`), so that `what` plans over them.
async fn register_catalog_tables(
    ctx: &SessionContext,
    catalog: &Catalog,
    what: String,
    sql: &str,
) -> Result<()> {
    kiln_catalog::provider::register_referenced(ctx, catalog, sql)
        .await
        .map_err(|error| match error {
            CatalogError::State(error) => CoordinatorError::State(error),
            other => CoordinatorError::InvalidJob(format!("{what}: {other}")),
        })
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
