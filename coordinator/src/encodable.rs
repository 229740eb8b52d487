//! Rewrites of physical plans that datafusion-proto cannot send to executors as they are.
//!
//! datafusion-proto encodes a projected generator scan (`LazyMemoryExec`, behind
//! `generate_series` and `range`) with its projected schema but without its projection, so the
//! executor's copy produces columns its schema does not have (`SELECT count(*) FROM
//! generate_series(1, 10)` fails there). Such a scan is sent unprojected, under a projection.
//!
//! Scans of the coordinator's own metadata (`information_schema`, behind `SHOW TABLES`) read
//! the planning session's catalog, which executors do not have: they are read on the
//! coordinator ([`read_metadata_scans`]) and sent as the rows they returned.

use std::sync::Arc;

use datafusion::catalog::memory::MemorySourceConfig;
use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::error::Result;
use datafusion::execution::TaskContext;
use datafusion::physical_expr::expressions::Column;
use datafusion::physical_plan::memory::LazyMemoryExec;
use datafusion::physical_plan::projection::{ProjectionExec, ProjectionExpr};
use datafusion::physical_plan::streaming::StreamingTableExec;
use datafusion::physical_plan::{ExecutionPlan, collect};

/// `plan` with every projected generator scan replaced by the unprojected scan under a
/// projection.
pub fn make_encodable(plan: Arc<dyn ExecutionPlan>) -> Result<Arc<dyn ExecutionPlan>> {
    plan.transform_up(|node| {
        let Some(scan) = node.downcast_ref::<LazyMemoryExec>() else {
            return Ok(Transformed::no(node));
        };
        let [generator] = scan.generators().as_slice() else {
            return Ok(Transformed::no(node));
        };
        // The generator's own columns, from the first batch of a fresh copy of it.
        let fresh = generator.read().reset_state();
        let Some(batch) = fresh.write().generate_next_batch()? else {
            return Ok(Transformed::no(node));
        };
        let columns = batch.schema();
        if columns.fields() == scan.schema().fields() {
            return Ok(Transformed::no(node));
        }
        let projection = scan
            .schema()
            .fields()
            .iter()
            .map(|field| {
                let index = columns.index_of(field.name())?;
                Ok(ProjectionExpr {
                    expr: Arc::new(Column::new(field.name(), index)),
                    alias: field.name().clone(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let unprojected = LazyMemoryExec::try_new(columns, vec![Arc::clone(generator)])?;
        let plan = ProjectionExec::try_new(projection, Arc::new(unprojected))?;
        Ok(Transformed::yes(Arc::new(plan) as Arc<dyn ExecutionPlan>))
    })
    .map(|t| t.data)
}

/// `plan` with every `information_schema` scan replaced by the rows it returns now.
pub async fn read_metadata_scans(
    plan: Arc<dyn ExecutionPlan>,
    task_ctx: Arc<TaskContext>,
) -> Result<Arc<dyn ExecutionPlan>> {
    let mut scans = vec![];
    plan.apply(|node| {
        if node.downcast_ref::<StreamingTableExec>().is_some() {
            scans.push(Arc::clone(node));
        }
        Ok(datafusion::common::tree_node::TreeNodeRecursion::Continue)
    })?;
    let mut rows = vec![];
    for scan in scans {
        let batches = collect(Arc::clone(&scan), Arc::clone(&task_ctx)).await?;
        rows.push((scan, batches));
    }
    plan.transform_up(|node| {
        let Some(index) = rows.iter().position(|(scan, _)| Arc::ptr_eq(scan, &node)) else {
            return Ok(Transformed::no(node));
        };
        let (_, batches) = rows.swap_remove(index);
        let memory = MemorySourceConfig::try_new_exec(&[batches], node.schema(), None)?;
        Ok(Transformed::yes(memory as Arc<dyn ExecutionPlan>))
    })
    .map(|t| t.data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::prelude::SessionContext;
    use kiln_core::codec::{decode_plan, encode_plan};

    /// Plans `sql`, sends it through the plan codec and counts the rows the executor's copy
    /// returns.
    async fn round_trip_count(sql: &str) -> usize {
        let ctx = SessionContext::new_with_config(
            datafusion::prelude::SessionConfig::new().with_information_schema(true),
        );
        ctx.register_batch(
            "visible",
            arrow::array::RecordBatch::new_empty(Arc::new(arrow::datatypes::Schema::empty())),
        )
        .unwrap();
        let plan = ctx
            .sql(sql)
            .await
            .unwrap()
            .create_physical_plan()
            .await
            .unwrap();
        let task_ctx = ctx.task_ctx();
        let plan = read_metadata_scans(plan, Arc::clone(&task_ctx))
            .await
            .unwrap();
        let plan = make_encodable(plan).unwrap();
        let decoded = decode_plan(&encode_plan(plan).unwrap(), &task_ctx).unwrap();
        let batches = datafusion::physical_plan::collect(decoded, task_ctx)
            .await
            .unwrap();
        batches.iter().map(|b| b.num_rows()).sum()
    }

    #[tokio::test]
    async fn a_projected_generator_scan_survives_the_codec() {
        assert_eq!(
            round_trip_count("SELECT count(*) FROM generate_series(1, 10)").await,
            1
        );
        assert_eq!(
            round_trip_count("SELECT value FROM range(5) WHERE value > 1").await,
            3
        );
        assert_eq!(
            round_trip_count("SELECT 1 FROM generate_series(1, 0)").await,
            0
        );
    }

    #[tokio::test]
    async fn a_metadata_scan_is_sent_as_its_rows() {
        let sql = "SELECT table_name FROM information_schema.tables WHERE table_name = 'visible'";
        assert_eq!(round_trip_count(sql).await, 1);
    }
}
