//! Cutting a DataFusion physical plan into stages.
//!
//! A stage is a plan fragment that runs as one task per partition without talking to any other
//! task. The plan is cut at every exchange, because an exchange needs all partitions of its
//! input at once:
//!
//! | exchange in the plan              | upstream stage writes       | downstream stage reads      |
//! |-----------------------------------|-----------------------------|-----------------------------|
//! | `RepartitionExec` (hash)          | N hash-partitioned files    | partition p of every file   |
//! | `CoalescePartitionsExec`          | one file per partition      | all files, one partition    |
//! | `SortPreservingMergeExec`         | one sorted file per partition | file p as partition p, then merges |
//!
//! The build side of a broadcast join (`CollectLeft`) is a `CoalescePartitionsExec`, so every
//! probe task reads the whole build side. Each stage's root is a [`ShuffleWriterExec`]; the last
//! stage's output is the job's result.

use std::sync::Arc;

use datafusion::error::Result;
use datafusion::physical_expr::Partitioning;
use datafusion::physical_plan::coalesce_partitions::CoalescePartitionsExec;
use datafusion::physical_plan::joins::{HashJoinExec, NestedLoopJoinExec, PartitionMode};
use datafusion::physical_plan::repartition::RepartitionExec;
use datafusion::physical_plan::sorts::sort::SortExec;
use datafusion::physical_plan::sorts::sort_preserving_merge::SortPreservingMergeExec;
use datafusion::physical_plan::{
    ExecutionPlan, ExecutionPlanProperties, replace_children_if_necessary,
};
use kiln_core::shuffle::{ReadMode, ShuffleReaderExec, ShuffleWriterExec};

use crate::join_modes::emits_build_rows;

/// One stage of a job, as planned.
#[derive(Debug)]
pub struct StagePlan {
    pub id: u32,
    /// The fragment; its root is a `ShuffleWriterExec`, its leaves read input stages (unresolved).
    pub plan: Arc<ShuffleWriterExec>,
    /// The stages it reads.
    pub inputs: Vec<u32>,
}

impl StagePlan {
    /// How many tasks the stage runs: one per partition of the fragment.
    pub fn partitions(&self) -> usize {
        self.plan.input_partitions()
    }
}

/// Cuts `plan` into stages. The returned stages are in dependency order; the last is the
/// final stage, whose output is the job's result.
pub fn split_into_stages(job_id: &str, plan: Arc<dyn ExecutionPlan>) -> Result<Vec<StagePlan>> {
    let mut splitter = Splitter {
        job_id,
        stages: vec![],
    };
    let plan = make_outer_joins_single_task(plan)?;
    let (root, inputs) = splitter.cut(plan)?;
    splitter.add_stage(root, None, inputs);
    Ok(splitter.stages)
}

struct Splitter<'a> {
    job_id: &'a str,
    stages: Vec<StagePlan>,
}

impl Splitter<'_> {
    /// Cuts the stages below `plan`; returns the rewritten plan and the stages it reads.
    fn cut(&mut self, plan: Arc<dyn ExecutionPlan>) -> Result<(Arc<dyn ExecutionPlan>, Vec<u32>)> {
        let mut children = vec![];
        let mut inputs = vec![];
        for child in plan.children() {
            let (child, child_inputs) = self.cut(Arc::clone(child))?;
            children.push(child);
            inputs.extend(child_inputs);
        }
        let plan = replace_children_if_necessary(plan, children)?;

        if let Some(repartition) = plan.downcast_ref::<RepartitionExec>() {
            let input = Arc::clone(repartition.input());
            let partitioning = repartition.partitioning().clone();
            let (exprs, n) = match partitioning {
                Partitioning::Hash(exprs, n) => (exprs, n),
                // Round-robin and other repartitions only spread work inside one process; a
                // stage keeps its input's partitions instead of paying for a network shuffle.
                _ => return Ok((input, inputs)),
            };
            let schema = input.schema();
            let stage = self.add_stage(input, Some((exprs, n)), inputs);
            let reader: Arc<dyn ExecutionPlan> = Arc::new(ShuffleReaderExec::new(
                self.job_id,
                stage,
                schema,
                ReadMode::Hash,
                n,
                None,
            ));
            // A sort-preserving repartition promises sorted partitions: sort what was read.
            let reader = match repartition.properties().output_ordering() {
                Some(ordering) if repartition.preserve_order() => Arc::new(
                    SortExec::new(ordering.clone(), reader).with_preserve_partitioning(true),
                ),
                _ => reader,
            };
            return Ok((reader, vec![stage]));
        }

        if let Some(coalesce) = plan.downcast_ref::<CoalescePartitionsExec>() {
            let input = Arc::clone(coalesce.input());
            if input.output_partitioning().partition_count() <= 1 {
                return Ok((plan, inputs));
            }
            let schema = input.schema();
            let stage = self.add_stage(input, None, inputs);
            let reader = Arc::new(ShuffleReaderExec::new(
                self.job_id,
                stage,
                schema,
                ReadMode::Merge,
                1,
                None,
            ));
            let coalesced = CoalescePartitionsExec::new(reader).with_fetch(coalesce.fetch());
            return Ok((Arc::new(coalesced), vec![stage]));
        }

        if let Some(merge) = plan.downcast_ref::<SortPreservingMergeExec>() {
            let input = Arc::clone(merge.input());
            let partitions = input.output_partitioning().partition_count();
            if partitions <= 1 {
                return Ok((plan, inputs));
            }
            let schema = input.schema();
            let ordering = input.output_ordering().cloned();
            let stage = self.add_stage(input, None, inputs);
            let reader = Arc::new(ShuffleReaderExec::new(
                self.job_id,
                stage,
                schema,
                ReadMode::OneToOne,
                partitions,
                ordering,
            ));
            let merged = SortPreservingMergeExec::new(merge.expr().clone(), reader)
                .with_fetch(merge.fetch());
            return Ok((Arc::new(merged), vec![stage]));
        }

        Ok((plan, inputs))
    }

    fn add_stage(
        &mut self,
        input: Arc<dyn ExecutionPlan>,
        hash: Option<(Vec<Arc<dyn datafusion::physical_expr::PhysicalExpr>>, usize)>,
        inputs: Vec<u32>,
    ) -> u32 {
        let id = self.stages.len() as u32;
        let plan = Arc::new(ShuffleWriterExec::new(self.job_id, id, input, hash));
        self.stages.push(StagePlan { id, plan, inputs });
        id
    }
}

/// A broadcast join that emits rows of its build side relies on all probe partitions sharing
/// one "visited" bitmap in one process (see `join_modes`, which plans the hash joins it can as
/// partitioned joins instead). Across tasks each would emit those rows again, so such a join
/// (a null-aware anti join, a nested-loop join) gets a single probe partition: it runs as one
/// task.
fn make_outer_joins_single_task(plan: Arc<dyn ExecutionPlan>) -> Result<Arc<dyn ExecutionPlan>> {
    let children = plan
        .children()
        .into_iter()
        .map(|child| make_outer_joins_single_task(Arc::clone(child)))
        .collect::<Result<Vec<_>>>()?;
    let plan = replace_children_if_necessary(plan, children)?;

    let join_type = if let Some(join) = plan.downcast_ref::<HashJoinExec>() {
        (*join.partition_mode() == PartitionMode::CollectLeft).then(|| *join.join_type())
    } else {
        plan.downcast_ref::<NestedLoopJoinExec>()
            .map(|join| *join.join_type())
    };
    if join_type.is_some_and(emits_build_rows) {
        let children = plan.children();
        let (build, probe) = (children[0], children[1]);
        if probe.output_partitioning().partition_count() > 1 {
            let single: Arc<dyn ExecutionPlan> =
                Arc::new(CoalescePartitionsExec::new(Arc::clone(probe)));
            return replace_children_if_necessary(
                Arc::clone(&plan),
                vec![Arc::clone(build), single],
            );
        }
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::common::tree_node::{TreeNode, TreeNodeRecursion};
    use datafusion::prelude::{ParquetReadOptions, SessionContext};
    use kiln_core::config::distributed_session_config;

    fn readers(plan: &Arc<dyn ExecutionPlan>) -> Vec<(u32, ReadMode)> {
        let mut found = vec![];
        plan.apply(|node| {
            if let Some(reader) = node.downcast_ref::<ShuffleReaderExec>() {
                found.push((reader.stage_id(), reader.mode()));
            }
            Ok(TreeNodeRecursion::Continue)
        })
        .unwrap();
        found
    }

    #[tokio::test]
    async fn an_aggregation_with_order_by_is_cut_at_the_shuffle_and_the_merge() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = SessionContext::new_with_config(
            distributed_session_config(4).with_repartition_file_min_size(1),
        );
        for file in 0..4 {
            ctx.sql("SELECT value % 10 AS k, value AS v FROM generate_series(1, 1000)")
                .await
                .unwrap()
                .write_parquet(
                    dir.path().join(format!("{file}.parquet")).to_str().unwrap(),
                    Default::default(),
                    None,
                )
                .await
                .unwrap();
        }
        let location = format!("{}/", dir.path().display());
        ctx.register_parquet("t", &location, ParquetReadOptions::default())
            .await
            .unwrap();
        let plan = ctx
            .sql("SELECT k, sum(v) FROM t GROUP BY k ORDER BY k")
            .await
            .unwrap()
            .create_physical_plan()
            .await
            .unwrap();

        let stages = split_into_stages("job-1", plan).unwrap();
        // scan + partial aggregate | final aggregate + sort | merge
        assert_eq!(stages.len(), 3, "{stages:#?}");
        assert!(
            stages[0].plan.hash_exprs().is_some(),
            "the first stage hash-shuffles"
        );
        assert_eq!(stages[0].plan.output_partitions(), 4);
        assert_eq!(stages[0].partitions(), 4, "one task per file");

        let middle: Arc<dyn ExecutionPlan> = stages[1].plan.clone();
        assert_eq!(readers(&middle), vec![(0, ReadMode::Hash)]);
        assert_eq!(stages[1].inputs, vec![0]);

        let last: Arc<dyn ExecutionPlan> = stages[2].plan.clone();
        assert_eq!(readers(&last), vec![(1, ReadMode::OneToOne)]);
        assert_eq!(stages[2].partitions(), 1, "the merge runs as one task");
    }
}
