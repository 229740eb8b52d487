//! Database sources: tables DataFusion plans like any other, read by executors in parallel,
//! one key range per partition (Spark's partitioned JDBC read).

pub mod postgres;

use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use datafusion::catalog::TableProvider;
use datafusion::error::{DataFusionError, Result};
use datafusion::execution::TaskContext;
use datafusion::physical_plan::SendableRecordBatchStream;
use kiln_core::source::PartitionSource;
use kiln_proto::v1 as pb;

/// The source formats served by database connectors.
pub const FORMATS: &[&str] = &[postgres::FORMAT];

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
        other => Err(unknown(other)),
    }
}

fn unknown(format: &str) -> DataFusionError {
    DataFusionError::Plan(format!(
        "unknown database source format '{format}' (expected {})",
        FORMATS.join(", ")
    ))
}
