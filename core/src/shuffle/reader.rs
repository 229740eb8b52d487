//! The leaves of a downstream stage: read the shuffle files an upstream stage wrote.

use kiln_proto::internal::v1 as ipb;
use std::fmt;
use std::sync::Arc;

use arrow::array::RecordBatch;
use arrow::datatypes::SchemaRef;
use arrow_flight::error::FlightError;
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::error::{DataFusionError, Result};
use datafusion::execution::TaskContext;
use datafusion::physical_expr::{EquivalenceProperties, LexOrdering, Partitioning, PhysicalExpr};
use datafusion::physical_plan::execution_plan::{Boundedness, EmissionType};
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::{
    DisplayAs, DisplayFormatType, ExecutionPlan, PlanProperties, SendableRecordBatchStream,
};
use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};
use prost::Message;

use super::{ShuffleEnv, ShuffleFileId};
use crate::error::FetchFailed;
use crate::flight::{decode_messages, read_ipc_file};

/// How a reader's partitions map onto the upstream stage's files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadMode {
    /// Partition `p` reads output partition `p` of every map task (after a hash shuffle).
    Hash,
    /// Partition `p` reads map task `p`'s only file (keeps partitions, e.g. before a merge).
    OneToOne,
    /// The single partition reads every map task's only file (a coalesce or a broadcast).
    Merge,
}

/// Where one map task's winning attempt left its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapOutputLocation {
    pub map_partition: u32,
    pub attempt: u32,
    pub executor_id: String,
    /// The Flight endpoint of that executor, e.g. `http://127.0.0.1:50052`.
    pub flight_endpoint: String,
}

/// Reads the output of stage `stage_id`. Built unresolved by the planner (no locations) and
/// resolved by the scheduler just before its stage's tasks launch.
#[derive(Debug, Clone)]
pub struct ShuffleReaderExec {
    job_id: String,
    stage_id: u32,
    schema: SchemaRef,
    mode: ReadMode,
    locations: Vec<MapOutputLocation>,
    ordering: Option<LexOrdering>,
    properties: Arc<PlanProperties>,
}

impl ShuffleReaderExec {
    /// A reader of stage `stage_id` with `partitions` output partitions. `ordering` is the sort
    /// order each partition keeps; only a one-to-one read can keep one.
    pub fn new(
        job_id: impl Into<String>,
        stage_id: u32,
        schema: SchemaRef,
        mode: ReadMode,
        partitions: usize,
        ordering: Option<LexOrdering>,
    ) -> Self {
        let ordering = ordering.filter(|_| mode == ReadMode::OneToOne);
        let eq = match &ordering {
            Some(ordering) => {
                EquivalenceProperties::new_with_orderings(Arc::clone(&schema), [ordering.clone()])
            }
            None => EquivalenceProperties::new(Arc::clone(&schema)),
        };
        let properties = PlanProperties::new(
            eq,
            Partitioning::UnknownPartitioning(partitions),
            EmissionType::Incremental,
            Boundedness::Bounded,
        );
        Self {
            job_id: job_id.into(),
            stage_id,
            schema,
            mode,
            locations: vec![],
            ordering,
            properties: Arc::new(properties),
        }
    }

    /// The same reader, reading from `locations`.
    pub fn with_locations(&self, locations: Vec<MapOutputLocation>) -> Self {
        Self {
            locations,
            ..self.clone()
        }
    }

    pub fn job_id(&self) -> &str {
        &self.job_id
    }

    pub fn stage_id(&self) -> u32 {
        self.stage_id
    }

    pub fn mode(&self) -> ReadMode {
        self.mode
    }

    pub fn locations(&self) -> &[MapOutputLocation] {
        &self.locations
    }

    pub fn ordering(&self) -> Option<&LexOrdering> {
        self.ordering.as_ref()
    }

    pub fn partitions(&self) -> usize {
        self.properties.partitioning.partition_count()
    }

    /// The files partition `partition` reads: (map output, output partition within it).
    fn files_of(&self, partition: usize) -> Vec<(MapOutputLocation, u32)> {
        let p = partition as u32;
        match self.mode {
            ReadMode::Hash => self.locations.iter().map(|l| (l.clone(), p)).collect(),
            ReadMode::OneToOne => self
                .locations
                .iter()
                .filter(|l| l.map_partition == p)
                .map(|l| (l.clone(), 0))
                .collect(),
            ReadMode::Merge => self.locations.iter().map(|l| (l.clone(), 0)).collect(),
        }
    }
}

/// How many shuffle files one reader partition fetches at once.
const CONCURRENT_FETCHES: usize = 4;

/// Opens one map output: from memory or local disk when this executor wrote it, else over
/// Flight.
async fn open_file(
    env: Arc<ShuffleEnv>,
    job_id: String,
    stage_id: u32,
    location: MapOutputLocation,
    output_partition: u32,
) -> Result<BoxStream<'static, Result<RecordBatch>>> {
    let fetch_failed = {
        let (executor_id, map_partition) = (location.executor_id.clone(), location.map_partition);
        move |message: String| {
            DataFusionError::External(Box::new(FetchFailed {
                executor_id: executor_id.clone(),
                stage_id,
                map_partition,
                message,
            }))
        }
    };
    let file = ShuffleFileId {
        job_id: &job_id,
        stage_id,
        map_partition: location.map_partition,
        attempt: location.attempt,
        output_partition,
    };
    let stream = if location.executor_id == env.executor_id {
        if let Some(batches) = env.memory.get(&file) {
            futures::stream::iter((0..batches.len()).map(move |i| Ok(batches[i].clone()))).boxed()
        } else {
            let path = env.file_path(&file);
            if !path.exists() {
                return Err(fetch_failed(format!("{} is gone", path.display())));
            }
            read_ipc_file(path).boxed()
        }
    } else {
        let ticket = ipb::ShuffleTicket {
            job_id: job_id.clone(),
            stage_id,
            map_partition: location.map_partition,
            attempt: location.attempt,
            output_partition,
        };
        // The raw messages, decoded here: see `decode_messages`.
        let messages = env
            .flight
            .fetch_messages(&location.flight_endpoint, ticket.encode_to_vec())
            .await
            .map_err(|e| fetch_failed(e.to_string()))?;
        let what = format!("shuffle output from {}", location.flight_endpoint);
        decode_messages(messages.map_err(FlightError::from), what).boxed()
    };
    Ok(stream.map_err(move |e| fetch_failed(e.to_string())).boxed())
}

impl DisplayAs for ShuffleReaderExec {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "ShuffleReaderExec: stage={}, mode={:?}, partitions={}",
            self.stage_id,
            self.mode,
            self.partitions()
        )
    }
}

impl ExecutionPlan for ShuffleReaderExec {
    fn name(&self) -> &str {
        "ShuffleReaderExec"
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
        if children.is_empty() {
            Ok(self)
        } else {
            Err(DataFusionError::Internal(
                "ShuffleReaderExec has no children".into(),
            ))
        }
    }

    fn execute(
        &self,
        partition: usize,
        ctx: Arc<TaskContext>,
    ) -> Result<SendableRecordBatchStream> {
        let env = ShuffleEnv::of_task(&ctx)?;
        let (job_id, stage_id) = (self.job_id.clone(), self.stage_id);
        let opens = self
            .files_of(partition)
            .into_iter()
            .map(move |(loc, out)| open_file(Arc::clone(&env), job_id.clone(), stage_id, loc, out));
        let batches = futures::stream::iter(opens)
            .buffered(CONCURRENT_FETCHES)
            .try_flatten();
        Ok(Box::pin(RecordBatchStreamAdapter::new(
            Arc::clone(&self.schema),
            batches,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::datatypes::{DataType, Field, Schema};

    fn loc(map: u32) -> MapOutputLocation {
        MapOutputLocation {
            map_partition: map,
            attempt: 0,
            executor_id: format!("e{map}"),
            flight_endpoint: String::new(),
        }
    }

    #[test]
    fn partitions_map_onto_files_by_mode() {
        let schema = Arc::new(Schema::new(vec![Field::new("a", DataType::Int32, true)]));
        let locations = vec![loc(0), loc(1), loc(2)];
        let hash = ShuffleReaderExec::new("j", 1, schema.clone(), ReadMode::Hash, 4, None)
            .with_locations(locations.clone());
        let files = hash.files_of(3);
        assert_eq!(files.len(), 3);
        assert!(files.iter().all(|(_, out)| *out == 3));

        let one = ShuffleReaderExec::new("j", 1, schema.clone(), ReadMode::OneToOne, 3, None)
            .with_locations(locations.clone());
        let files = one.files_of(1);
        assert_eq!(files.len(), 1);
        assert_eq!((files[0].0.map_partition, files[0].1), (1, 0));

        let merge = ShuffleReaderExec::new("j", 1, schema, ReadMode::Merge, 1, None)
            .with_locations(locations);
        assert_eq!(merge.files_of(0).len(), 3);
    }
}
