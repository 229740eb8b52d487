//! Turning a job spec into a DataFusion physical plan, with every error a user can cause
//! (unknown table, bad SQL, missing path) reported before anything runs.

use std::collections::HashMap;
use std::sync::Arc;

use datafusion::config::ConfigOptions;
use datafusion::error::DataFusionError;
use datafusion::logical_expr::LogicalPlan;
use datafusion::physical_plan::ExecutionPlan;
use datafusion::prelude::{CsvReadOptions, JsonReadOptions, ParquetReadOptions, SessionContext};
use kiln_core::config::{DEFAULT_SHUFFLE_PARTITIONS, distributed_session_config};
use kiln_proto::v1 as pb;

use crate::error::{CoordinatorError, Result};

/// A job planned and ready to cut into stages.
pub struct PlannedJob {
    pub plan: Arc<dyn ExecutionPlan>,
    /// DataFusion settings that differ from the defaults; executors run tasks with them.
    pub session_config: HashMap<String, String>,
}

/// Plans a job: registers its sources, runs its setup statements (DDL only), registers all but
/// the last step as views and plans the last step.
pub async fn plan_job(spec: &pb::JobSpec, default_partitions: usize) -> Result<PlannedJob> {
    let options = spec.options.unwrap_or_default();
    let partitions = match options.parallelism {
        0 if default_partitions > 0 => default_partitions,
        0 => DEFAULT_SHUFFLE_PARTITIONS,
        n => n as usize,
    };
    let config = distributed_session_config(partitions);
    let session_config = non_default_settings(config.options());
    let ctx = SessionContext::new_with_config(config);

    for source in &spec.sources {
        register_source(&ctx, source).await?;
    }
    for (i, sql) in spec.setup_sql.iter().enumerate() {
        let plan = ctx
            .state()
            .create_logical_plan(sql)
            .await
            .map_err(|e| invalid(format!("setup statement {}", i + 1), e))?;
        if !matches!(plan, LogicalPlan::Ddl(_)) {
            return Err(CoordinatorError::InvalidJob(format!(
                "setup statement {} must be a DDL statement (CREATE EXTERNAL TABLE, CREATE VIEW, \
                 DROP ...), got: {}",
                i + 1,
                first_line(sql)
            )));
        }
        ctx.execute_logical_plan(plan)
            .await
            .map_err(|e| invalid(format!("setup statement {}", i + 1), e))?;
    }

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
        .map_err(|e| invalid(format!("step '{}'", last.name), e))?;
    Ok(PlannedJob {
        plan,
        session_config,
    })
}

async fn register_source(ctx: &SessionContext, source: &pb::SourceSpec) -> Result<()> {
    let what = format!("source '{}' ({})", source.name, source.path);
    let option = |key: &str| source.options.get(key).map(String::as_str);
    let result = match source.format.to_ascii_lowercase().as_str() {
        "parquet" => {
            ctx.register_parquet(&source.name, &source.path, ParquetReadOptions::default())
                .await
        }
        "csv" => {
            let mut read = CsvReadOptions::new().has_header(option("header") != Some("false"));
            if let Some(delimiter) = option("delimiter") {
                let [byte] = delimiter.as_bytes() else {
                    return Err(CoordinatorError::InvalidJob(format!(
                        "{what}: option delimiter must be one character, got '{delimiter}'"
                    )));
                };
                read = read.delimiter(*byte);
            }
            let extension = std::path::Path::new(&source.path)
                .extension()
                .and_then(|e| e.to_str())
                .map(|e| format!(".{e}"))
                .unwrap_or_else(|| ".csv".into());
            let read = read.file_extension(&extension);
            ctx.register_csv(&source.name, &source.path, read).await
        }
        "json" => {
            ctx.register_json(&source.name, &source.path, JsonReadOptions::default())
                .await
        }
        other => {
            return Err(CoordinatorError::InvalidJob(format!(
                "{what}: unknown format '{other}' (expected csv, json or parquet)"
            )));
        }
    };
    result.map_err(|e| invalid(what, e))
}

fn invalid(what: impl std::fmt::Display, error: DataFusionError) -> CoordinatorError {
    CoordinatorError::InvalidJob(format!("{what}: {}", error.strip_backtrace()))
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
