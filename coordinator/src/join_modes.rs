//! Which joins can run as a broadcast across tasks.
//!
//! A broadcast (`CollectLeft`) hash join gives every probe task the whole build side. That is
//! right for inner and right-side joins, but a join that emits rows of its build side (left,
//! full, left semi, anti and mark joins) must know which build rows matched in *any* probe
//! partition. In one process the partitions share a "visited" bitmap; separate tasks cannot,
//! so each would emit those rows again. Such joins are planned with both sides hash-partitioned
//! instead: every build row meets all of its probe rows in one task. What cannot be
//! partitioned (null-aware anti joins, which need to know whether the whole probe side has a
//! NULL, and nested-loop joins) runs its probe side as a single task (see `stages`).

use std::sync::Arc;

use datafusion::common::JoinType;
use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::config::ConfigOptions;
use datafusion::error::Result;
use datafusion::physical_optimizer::PhysicalOptimizerRule;
use datafusion::physical_optimizer::optimizer::PhysicalOptimizer;
use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_plan::joins::{HashJoinExec, PartitionMode};

/// Whether a join of this type emits rows of its build (left) side, matched or not.
pub fn emits_build_rows(join_type: JoinType) -> bool {
    matches!(
        join_type,
        JoinType::Left
            | JoinType::Full
            | JoinType::LeftAnti
            | JoinType::LeftSemi
            | JoinType::LeftMark
    )
}

/// DataFusion's physical optimizer rules with [`PartitionBuildEmittingJoins`] right after join
/// selection, before distribution is enforced (which then adds the hash repartitions).
pub fn physical_optimizer_rules() -> Vec<Arc<dyn PhysicalOptimizerRule + Send + Sync>> {
    let mut rules = PhysicalOptimizer::new().rules;
    let after = rules
        .iter()
        .position(|rule| rule.name() == "join_selection")
        .map_or(0, |i| i + 1);
    rules.insert(after, Arc::new(PartitionBuildEmittingJoins));
    rules
}

/// Plans broadcast hash joins that emit build rows as partitioned joins.
#[derive(Debug, Default)]
pub struct PartitionBuildEmittingJoins;

impl PhysicalOptimizerRule for PartitionBuildEmittingJoins {
    fn optimize(
        &self,
        plan: Arc<dyn ExecutionPlan>,
        config: &ConfigOptions,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        if config.execution.target_partitions <= 1 {
            return Ok(plan);
        }
        plan.transform_up(|node| {
            let Some(join) = node.downcast_ref::<HashJoinExec>() else {
                return Ok(Transformed::no(node));
            };
            if *join.partition_mode() != PartitionMode::CollectLeft
                || join.null_aware
                || !emits_build_rows(*join.join_type())
            {
                return Ok(Transformed::no(node));
            }
            let partitioned = join
                .builder()
                .with_partition_mode(PartitionMode::Partitioned)
                .build_exec()?;
            Ok(Transformed::yes(partitioned))
        })
        .map(|t| t.data)
    }

    fn name(&self) -> &str {
        "partition_build_emitting_joins"
    }

    fn schema_check(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::common::tree_node::TreeNodeRecursion;
    use datafusion::execution::SessionStateBuilder;
    use datafusion::prelude::SessionContext;
    use kiln_core::config::distributed_session_config;

    /// The modes and types of the hash joins `sql` plans into.
    async fn joins(sql: &str) -> Vec<(PartitionMode, JoinType)> {
        let state = SessionStateBuilder::new()
            .with_config(distributed_session_config(4))
            .with_default_features()
            .with_physical_optimizer_rules(physical_optimizer_rules())
            .build();
        let ctx = SessionContext::new_with_state(state);
        ctx.sql("CREATE TABLE small AS SELECT value AS k FROM generate_series(1, 10)")
            .await
            .unwrap();
        ctx.sql("CREATE TABLE big AS SELECT value % 100 AS k FROM generate_series(1, 100000)")
            .await
            .unwrap();
        let plan = ctx
            .sql(sql)
            .await
            .unwrap()
            .create_physical_plan()
            .await
            .unwrap();
        let mut found = vec![];
        plan.apply(|node| {
            if let Some(join) = node.downcast_ref::<HashJoinExec>() {
                found.push((*join.partition_mode(), *join.join_type()));
            }
            Ok(TreeNodeRecursion::Continue)
        })
        .unwrap();
        found
    }

    #[tokio::test]
    async fn joins_that_emit_build_rows_are_partitioned_the_rest_broadcast() {
        assert_eq!(
            joins("SELECT * FROM small JOIN big ON small.k = big.k").await,
            [(PartitionMode::CollectLeft, JoinType::Inner)]
        );
        assert_eq!(
            joins("SELECT * FROM small WHERE EXISTS (SELECT 1 FROM big WHERE big.k = small.k)")
                .await,
            [(PartitionMode::Partitioned, JoinType::LeftSemi)]
        );
        assert_eq!(
            joins("SELECT * FROM small LEFT JOIN big ON small.k = big.k").await,
            [(PartitionMode::Partitioned, JoinType::Left)]
        );
    }
}
