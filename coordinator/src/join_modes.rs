//! Which hash joins run as broadcasts across tasks, and which hash-partition both sides.
//!
//! A broadcast (`CollectLeft`) hash join gives every probe task the whole build side; a
//! partitioned one shuffles both sides by the join keys. DataFusion picks by the build side's
//! size alone, which suits one process, where a repartition costs little. On a cluster every
//! shuffled row is sent, so Kiln also broadcasts a build side that is small next to its probe
//! side: copying the build side to each task costs less than shuffling the probe side.
//!
//! A broadcast suits inner and right-side joins, but a join that emits rows of its build side
//! (left, full, left semi, anti and mark joins) must know which build rows matched in *any*
//! probe partition. In one process the partitions share a "visited" bitmap; separate tasks
//! cannot, so each would emit those rows again. Such joins are planned with both sides
//! hash-partitioned instead: every build row meets all of its probe rows in one task. What
//! cannot be partitioned (null-aware anti joins, which need to know whether the whole probe
//! side has a NULL, and nested-loop joins) runs its probe side as a single task (see
//! `stages`).

use std::sync::Arc;

use datafusion::common::JoinType;
use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::config::ConfigOptions;
use datafusion::error::Result;
use datafusion::physical_optimizer::PhysicalOptimizerRule;
use datafusion::physical_optimizer::optimizer::PhysicalOptimizer;
use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_plan::joins::{HashJoinExec, PartitionMode};
use datafusion::physical_plan::statistics::{StatisticsArgs, StatisticsContext};

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

/// A build side is broadcast when its estimated rows, times the tasks that each receive it,
/// times this factor, are at most the probe side's estimated rows.
const BROADCAST_PROBE_RATIO: usize = 2;
/// The largest build side broadcast for being small next to its probe side (estimated bytes):
/// every task holds it whole.
const BROADCAST_MAX_BYTES: usize = 256 * 1024 * 1024;
/// Bytes assumed per value of a column whose type has no fixed width (strings, lists).
const VARIABLE_WIDTH_BYTES: usize = 32;

/// DataFusion's physical optimizer rules with [`ClusterJoinModes`] right after join selection,
/// before distribution is enforced (which then adds the hash repartitions).
pub fn physical_optimizer_rules() -> Vec<Arc<dyn PhysicalOptimizerRule + Send + Sync>> {
    let mut rules = PhysicalOptimizer::new().rules;
    let after = rules
        .iter()
        .position(|rule| rule.name() == "join_selection")
        .map_or(0, |i| i + 1);
    rules.insert(after, Arc::new(ClusterJoinModes));
    rules
}

/// Sets each hash join's mode for a cluster: joins that emit build rows hash-partition both
/// sides; others broadcast a build side that is small next to the probe side.
#[derive(Debug, Default)]
pub struct ClusterJoinModes;

/// The mode a join gets on a cluster with `tasks` partitions, if not the one it has.
fn cluster_mode(join: &HashJoinExec, tasks: usize) -> Result<Option<PartitionMode>> {
    let emits = emits_build_rows(*join.join_type());
    Ok(match join.partition_mode() {
        PartitionMode::CollectLeft if emits && !join.null_aware => Some(PartitionMode::Partitioned),
        PartitionMode::Partitioned if !emits && small_next_to_probe(join, tasks)? => {
            Some(PartitionMode::CollectLeft)
        }
        _ => None,
    })
}

/// Whether the join's estimated build side, sent whole to each of `tasks` probe tasks, is
/// smaller than its probe side and within [`BROADCAST_MAX_BYTES`].
fn small_next_to_probe(join: &HashJoinExec, tasks: usize) -> Result<bool> {
    let rows = |plan: &Arc<dyn ExecutionPlan>| -> Result<Option<usize>> {
        let statistics = StatisticsContext::new().compute(plan.as_ref(), &StatisticsArgs::new())?;
        Ok(statistics.num_rows.get_value().copied())
    };
    let (Some(build), Some(probe)) = (rows(join.left())?, rows(join.right())?) else {
        return Ok(false);
    };
    let row_bytes: usize = join
        .left()
        .schema()
        .fields()
        .iter()
        .map(|f| {
            f.data_type()
                .primitive_width()
                .unwrap_or(VARIABLE_WIDTH_BYTES)
        })
        .sum();
    Ok(build
        .saturating_mul(tasks)
        .saturating_mul(BROADCAST_PROBE_RATIO)
        <= probe
        && build.saturating_mul(row_bytes) <= BROADCAST_MAX_BYTES)
}

impl PhysicalOptimizerRule for ClusterJoinModes {
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
            let Some(mode) = cluster_mode(join, config.execution.target_partitions)? else {
                return Ok(Transformed::no(node));
            };
            Ok(Transformed::yes(
                join.builder().with_partition_mode(mode).build_exec()?,
            ))
        })
        .map(|t| t.data)
    }

    fn name(&self) -> &str {
        "cluster_join_modes"
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

    /// The modes and types of the hash joins `sql` plans into on 4 partitions, over tables of
    /// 10 (`small`), 5,000 (`mid`), 30,000 (`wide`) and 100,000 (`big`) rows. DataFusion
    /// broadcasts build sides of up to 1,000 rows (8,000 bytes) here.
    async fn joins(sql: &str) -> Vec<(PartitionMode, JoinType)> {
        let mut config = distributed_session_config(4);
        let optimizer = &mut config.options_mut().optimizer;
        optimizer.hash_join_single_partition_threshold_rows = 1000;
        optimizer.hash_join_single_partition_threshold = 8000;
        let state = SessionStateBuilder::new()
            .with_config(config)
            .with_default_features()
            .with_physical_optimizer_rules(physical_optimizer_rules())
            .build();
        let ctx = SessionContext::new_with_state(state);
        for (table, rows) in [
            ("small", 10),
            ("mid", 5000),
            ("wide", 30000),
            ("big", 100000),
        ] {
            ctx.sql(&format!(
                "CREATE TABLE {table} AS SELECT value % 1000 AS k FROM generate_series(1, {rows})"
            ))
            .await
            .unwrap();
        }
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
    async fn small_build_sides_are_broadcast_and_build_emitting_joins_partitioned() {
        let inner = |build: &str| format!("SELECT * FROM {build} JOIN big ON {build}.k = big.k");
        assert_eq!(
            joins(&inner("small")).await,
            [(PartitionMode::CollectLeft, JoinType::Inner)],
            "small enough for DataFusion"
        );
        assert_eq!(
            joins(&inner("mid")).await,
            [(PartitionMode::CollectLeft, JoinType::Inner)],
            "5,000 rows to each of 4 tasks costs less than shuffling 100,000"
        );
        assert_eq!(
            joins(&inner("wide")).await,
            [(PartitionMode::Partitioned, JoinType::Inner)],
            "30,000 rows to each of 4 tasks costs more"
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
