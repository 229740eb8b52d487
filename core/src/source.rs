//! The plan node that reads a database table in parallel: each partition runs its own query
//! (typically one key range of the table), like Spark's partitioned JDBC read.
//!
//! How a database is read is the connectors' business (`kiln-jobs`); this node finds them
//! through a [`SourceEnv`] in the task's `SessionConfig`.

use std::fmt;
use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::error::{DataFusionError, Result};
use datafusion::execution::TaskContext;
use datafusion::physical_expr::{EquivalenceProperties, Partitioning, PhysicalExpr};
use datafusion::physical_plan::execution_plan::{Boundedness, EmissionType};
use datafusion::physical_plan::{
    DisplayAs, DisplayFormatType, ExecutionPlan, PlanProperties, SendableRecordBatchStream,
};
use kiln_proto::v1 as pb;

/// Runs one partition's query against a database source and streams its rows as `schema`.
pub trait PartitionSource: fmt::Debug + Send + Sync {
    fn scan(
        &self,
        source: &pb::SourceSpec,
        query: &str,
        schema: SchemaRef,
        ctx: Arc<TaskContext>,
    ) -> Result<SendableRecordBatchStream>;
}

/// The source connectors a process offers its tasks; attached to every task's `SessionConfig`.
#[derive(Debug, Clone)]
pub struct SourceEnv(pub Arc<dyn PartitionSource>);

/// Reads a database source: partition `p` runs `queries[p]`.
#[derive(Debug, Clone)]
pub struct DatabaseScanExec {
    source: pb::SourceSpec,
    queries: Vec<String>,
    schema: SchemaRef,
    properties: Arc<PlanProperties>,
}

impl DatabaseScanExec {
    pub fn new(source: pb::SourceSpec, queries: Vec<String>, schema: SchemaRef) -> Self {
        let properties = PlanProperties::new(
            EquivalenceProperties::new(Arc::clone(&schema)),
            Partitioning::UnknownPartitioning(queries.len()),
            EmissionType::Incremental,
            Boundedness::Bounded,
        );
        Self {
            source,
            queries,
            schema,
            properties: Arc::new(properties),
        }
    }

    pub fn source(&self) -> &pb::SourceSpec {
        &self.source
    }

    pub fn queries(&self) -> &[String] {
        &self.queries
    }
}

impl DisplayAs for DatabaseScanExec {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "DatabaseScanExec: source={}, format={}, partitions={}",
            self.source.name,
            self.source.format,
            self.queries.len()
        )
    }
}

impl ExecutionPlan for DatabaseScanExec {
    fn name(&self) -> &str {
        "DatabaseScanExec"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![]
    }

    fn apply_expressions(
        &self,
        _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>,
    ) -> Result<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }

    fn with_new_children(
        self: Arc<Self>,
        children: Vec<Arc<dyn ExecutionPlan>>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        if !children.is_empty() {
            return Err(DataFusionError::Internal(
                "DatabaseScanExec takes no children".into(),
            ));
        }
        Ok(self)
    }

    fn execute(
        &self,
        partition: usize,
        ctx: Arc<TaskContext>,
    ) -> Result<SendableRecordBatchStream> {
        let env = ctx
            .session_config()
            .get_extension::<SourceEnv>()
            .ok_or_else(|| {
                DataFusionError::Internal(
                    "this plan reads a database but the process has no source connectors \
                     (run it on a Kiln executor)"
                        .into(),
                )
            })?;
        let query = self.queries.get(partition).ok_or_else(|| {
            DataFusionError::Internal(format!("DatabaseScanExec has no partition {partition}"))
        })?;
        env.0
            .scan(&self.source, query, Arc::clone(&self.schema), ctx)
    }
}
