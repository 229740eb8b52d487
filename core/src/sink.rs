//! The plan node that writes a sink job's rows: each task writes its partition to the job's
//! sink as *uncommitted* output (a temporary prefix, a staging table), where readers of the
//! target cannot see it. The coordinator publishes the winning attempt of every partition when
//! the job commits, so a retried or duplicated attempt never duplicates or loses rows.
//!
//! How a sink writes is the connectors' business (`kiln-jobs`); this node finds them through a
//! [`SinkEnv`] in the task's `SessionConfig`, the same way shuffle nodes find their files.

use std::fmt;
use std::sync::Arc;

use arrow::array::{RecordBatch, UInt64Array};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::error::{DataFusionError, Result};
use datafusion::execution::TaskContext;
use datafusion::physical_expr::{EquivalenceProperties, Partitioning, PhysicalExpr};
use datafusion::physical_plan::execution_plan::{Boundedness, EmissionType};
use datafusion::physical_plan::metrics::{ExecutionPlanMetricsSet, MetricBuilder, MetricsSet};
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::{
    DisplayAs, DisplayFormatType, ExecutionPlan, ExecutionPlanProperties, PlanProperties,
    SendableRecordBatchStream,
};
use futures::TryStreamExt;
use futures::future::BoxFuture;
use kiln_proto::v1 as pb;

use crate::shuffle::TaskAttempt;

/// One task attempt's share of a sink: what to write and under which attempt.
#[derive(Debug, Clone)]
pub struct SinkTask {
    pub job_id: String,
    pub sink: pb::SinkSpec,
    pub partition: u32,
    pub attempt: u32,
}

/// Writes one partition of a job's rows as uncommitted output; returns the rows written.
pub trait PartitionSink: fmt::Debug + Send + Sync {
    fn write(
        &self,
        task: SinkTask,
        data: SendableRecordBatchStream,
        ctx: Arc<TaskContext>,
    ) -> BoxFuture<'static, Result<u64>>;
}

/// The sink connectors a process offers its tasks; attached to every task's `SessionConfig`.
#[derive(Debug, Clone)]
pub struct SinkEnv(pub Arc<dyn PartitionSink>);

/// Writes input partition `p` to the job's sink and returns one row: how many rows it wrote.
#[derive(Debug, Clone)]
pub struct SinkWriterExec {
    job_id: String,
    sink: pb::SinkSpec,
    input: Arc<dyn ExecutionPlan>,
    properties: Arc<PlanProperties>,
    metrics: ExecutionPlanMetricsSet,
}

/// The metric of the rows a sink task wrote as uncommitted output: the executor reports it,
/// and the commit checks that the winning attempt's uncommitted output still holds them all.
pub const SINK_ROWS: &str = "sink_rows";

impl SinkWriterExec {
    pub fn new(
        job_id: impl Into<String>,
        sink: pb::SinkSpec,
        input: Arc<dyn ExecutionPlan>,
    ) -> Self {
        let properties = PlanProperties::new(
            EquivalenceProperties::new(count_schema()),
            Partitioning::UnknownPartitioning(input.output_partitioning().partition_count()),
            EmissionType::Final,
            Boundedness::Bounded,
        );
        Self {
            job_id: job_id.into(),
            sink,
            input,
            properties: Arc::new(properties),
            metrics: ExecutionPlanMetricsSet::new(),
        }
    }

    pub fn job_id(&self) -> &str {
        &self.job_id
    }

    pub fn sink(&self) -> &pb::SinkSpec {
        &self.sink
    }
}

/// The schema of a sink task's result: the rows it wrote, like DataFusion's `INSERT`.
pub fn count_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![Field::new(
        "count",
        DataType::UInt64,
        false,
    )]))
}

impl DisplayAs for SinkWriterExec {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "SinkWriterExec: format={}, path={}",
            self.sink.format, self.sink.path
        )?;
        if !self.sink.table.is_empty() {
            write!(f, ", table={}", self.sink.table)?;
        }
        if !self.sink.partition_by.is_empty() {
            write!(f, ", partition_by=[{}]", self.sink.partition_by.join(", "))?;
        }
        Ok(())
    }
}

impl ExecutionPlan for SinkWriterExec {
    fn name(&self) -> &str {
        "SinkWriterExec"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn apply_expressions(
        &self,
        _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>,
    ) -> Result<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }

    fn with_new_children(
        self: Arc<Self>,
        mut children: Vec<Arc<dyn ExecutionPlan>>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        if children.len() != 1 {
            return Err(DataFusionError::Internal(
                "SinkWriterExec takes one child".into(),
            ));
        }
        Ok(Arc::new(Self::new(
            self.job_id.clone(),
            self.sink.clone(),
            children.swap_remove(0),
        )))
    }

    fn metrics(&self) -> Option<MetricsSet> {
        Some(self.metrics.clone_inner())
    }

    fn execute(
        &self,
        partition: usize,
        ctx: Arc<TaskContext>,
    ) -> Result<SendableRecordBatchStream> {
        let env = ctx
            .session_config()
            .get_extension::<SinkEnv>()
            .ok_or_else(|| {
                DataFusionError::Internal(
                    "this plan writes to a sink but the process has no sink connectors \
                     (run it on a Kiln executor)"
                        .into(),
                )
            })?;
        let attempt = ctx
            .session_config()
            .get_extension::<TaskAttempt>()
            .map(|a| a.0)
            .unwrap_or(0);
        let task = SinkTask {
            job_id: self.job_id.clone(),
            sink: self.sink.clone(),
            partition: partition as u32,
            attempt,
        };
        let data = self.input.execute(partition, Arc::clone(&ctx))?;
        let written = env.0.write(task, data, ctx);
        let sink_rows = MetricBuilder::new(&self.metrics).counter(SINK_ROWS, partition);
        let count = async move {
            let rows = written.await?;
            sink_rows.add(rows as usize);
            Ok(RecordBatch::try_new(
                count_schema(),
                vec![Arc::new(UInt64Array::from(vec![rows]))],
            )?)
        };
        Ok(Box::pin(RecordBatchStreamAdapter::new(
            count_schema(),
            futures::stream::once(count).map_err(|e: DataFusionError| e),
        )))
    }
}
