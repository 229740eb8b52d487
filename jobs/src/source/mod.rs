//! Database sources: tables DataFusion plans like any other, read by executors in parallel,
//! one key range per partition (Spark's partitioned JDBC read).

mod filters;
pub mod mysql;
pub mod postgres;

use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use datafusion::catalog::TableProvider;
use datafusion::error::{DataFusionError, Result};
use datafusion::execution::TaskContext;
use datafusion::logical_expr::dml::InsertOp;
use datafusion::logical_expr::{Expr, TableProviderFilterPushDown};
use datafusion::physical_plan::SendableRecordBatchStream;
use kiln_core::source::PartitionSource;
use kiln_proto::v1 as pb;

use crate::secrets::{PASSWORD_ENV, PASSWORD_FILE};

/// The source formats served by database connectors.
pub const FORMATS: &[&str] = &[postgres::FORMAT, mysql::FORMAT];

/// The source connectors executors run tasks with.
#[derive(Debug, Default)]
pub struct KilnSources;

impl PartitionSource for KilnSources {
    fn scan(
        &self,
        source: &pb::SourceSpec,
        query: &str,
        schema: SchemaRef,
        _ctx: Arc<TaskContext>,
    ) -> Result<SendableRecordBatchStream> {
        match source.format.as_str() {
            postgres::FORMAT => Ok(postgres::scan(source.clone(), query.to_string(), schema)),
            mysql::FORMAT => Ok(mysql::scan(source.clone(), query.to_string(), schema)),
            other => Err(unknown(other)),
        }
    }
}

/// The table for a database source, its schema and partitions found by asking the database.
pub async fn table(
    source: &pb::SourceSpec,
    default_partitions: usize,
) -> Result<Arc<dyn TableProvider>> {
    match source.format.as_str() {
        postgres::FORMAT => Ok(Arc::new(postgres::table(source, default_partitions).await?)),
        mysql::FORMAT => Ok(Arc::new(mysql::table(source, default_partitions).await?)),
        other => Err(unknown(other)),
    }
}

fn unknown(format: &str) -> DataFusionError {
    DataFusionError::Plan(format!(
        "unknown database source format '{format}' (expected {})",
        FORMATS.join(", ")
    ))
}

/// The WHERE condition of each partition's read: its key range, and the pushed filters.
pub(crate) fn range_conditions(
    ranges: &[String],
    filters: &[Expr],
    column: &dyn Fn(&str) -> Option<String>,
) -> Vec<String> {
    let dialect = filters::Dialect { column };
    let pushed: Vec<String> = filters.iter().filter_map(|f| dialect.sql(f)).collect();
    ranges
        .iter()
        .map(|range| {
            std::iter::once(range.clone())
                .chain(pushed.iter().cloned())
                .collect::<Vec<_>>()
                .join(" AND ")
        })
        .collect()
}

/// How DataFusion may push `filters` into a database read: the ones the database evaluates
/// the same way are pushed (and still checked by DataFusion), the rest are not.
pub(crate) fn pushdown(
    filters: &[&Expr],
    column: &dyn Fn(&str) -> Option<String>,
) -> Vec<TableProviderFilterPushDown> {
    let dialect = filters::Dialect { column };
    filters
        .iter()
        .map(|f| match dialect.sql(f) {
            Some(_) => TableProviderFilterPushDown::Inexact,
            None => TableProviderFilterPushDown::Unsupported,
        })
        .collect()
}

/// A database source's `partitions` option (how many key ranges to read in parallel), else
/// `default`.
pub(crate) fn partitions_option(source: &pb::SourceSpec, default: usize) -> Result<usize> {
    match source.options.get("partitions") {
        Some(n) => n.parse::<usize>().ok().filter(|n| *n > 0).ok_or_else(|| {
            DataFusionError::Plan(format!(
                "option partitions: expected a positive number, got '{n}'"
            ))
        }),
        None => Ok(default.max(1)),
    }
}

/// The sink an `INSERT` into a database table loads through: the same database, the table the
/// source names (a source read from a query cannot take rows), its password options.
pub(crate) fn insert_sink(source: &pb::SourceSpec, mode: pb::SaveMode) -> Result<pb::SinkSpec> {
    let Some(table) = source.options.get("table") else {
        return Err(DataFusionError::Plan(format!(
            "cannot insert into '{}': it reads a query; declare it with the option table",
            source.name
        )));
    };
    let options = source
        .options
        .iter()
        .filter(|(k, _)| [PASSWORD_ENV, PASSWORD_FILE].contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Ok(pb::SinkSpec {
        format: source.format.clone(),
        path: source.path.clone(),
        table: table.clone(),
        mode: mode as i32,
        options,
        ..Default::default()
    })
}

/// The save mode of `INSERT INTO` (append) or `INSERT OVERWRITE`.
pub(crate) fn insert_mode(op: InsertOp) -> Result<pb::SaveMode> {
    match op {
        InsertOp::Append => Ok(pb::SaveMode::Append),
        InsertOp::Overwrite => Ok(pb::SaveMode::Overwrite),
        InsertOp::Replace => Err(DataFusionError::Plan(
            "REPLACE INTO is not supported for database tables; use INSERT or INSERT OVERWRITE"
                .into(),
        )),
    }
}

/// WHERE conditions splitting [low, high] of `column` into at most `partitions` ranges that
/// together cover every row, nulls included (in the first); `literal` writes a key value in
/// the column's type.
pub(crate) fn key_ranges(
    column: &str,
    literal: impl Fn(i64) -> String,
    low: i64,
    high: i64,
    partitions: usize,
) -> Vec<String> {
    let span = (high as i128 - low as i128 + 1) as u128;
    let partitions = (partitions as u128).min(span).max(1);
    let stride = span.div_ceil(partitions);
    (0..partitions)
        .map(|i| {
            let start = (low as i128 + (i * stride) as i128) as i64;
            let end = low as i128 + ((i + 1) * stride) as i128;
            let lower = (i > 0).then(|| format!("{column} >= {}", literal(start)));
            let upper = (i + 1 < partitions).then(|| format!("{column} < {}", literal(end as i64)));
            match (lower, upper) {
                (Some(l), Some(u)) => format!("{l} AND {u}"),
                (Some(l), None) => l,
                (None, Some(u)) => format!("({u} OR {column} IS NULL)"),
                (None, None) => "TRUE".to_string(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_ranges_cover_everything_once() {
        let ranges = key_ranges("\"id\"", |v| v.to_string(), 1, 10, 3);
        assert_eq!(
            ranges,
            [
                "(\"id\" < 5 OR \"id\" IS NULL)",
                "\"id\" >= 5 AND \"id\" < 9",
                "\"id\" >= 9"
            ]
        );
        // Never more ranges than values.
        assert_eq!(key_ranges("c", |v| v.to_string(), 7, 7, 8), ["TRUE"]);
    }
}
