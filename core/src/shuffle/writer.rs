//! The root of every stage: runs one input partition and writes it as shuffle files.

use std::fmt;
use std::fs::File;
use std::io::BufWriter;
use std::sync::Arc;

use arrow::array::{ArrayRef, AsArray, RecordBatch, UInt32Array, UInt64Array};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::ipc::writer::{IpcWriteOptions, StreamWriter};
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::error::{DataFusionError, Result};
use datafusion::execution::TaskContext;
use datafusion::physical_expr::{EquivalenceProperties, Partitioning, PhysicalExpr};
use datafusion::physical_plan::execution_plan::{Boundedness, EmissionType};
use datafusion::physical_plan::metrics;
use datafusion::physical_plan::repartition::BatchPartitioner;
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::{
    DisplayAs, DisplayFormatType, ExecutionPlan, ExecutionPlanProperties, PlanProperties,
    SendableRecordBatchStream,
};
use futures::{StreamExt, TryStreamExt};

use super::{ShuffleCompression, ShuffleEnv, ShuffleFileId, TaskAttempt};

/// Rows and bytes written to one output partition by one task.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutputStats {
    pub rows: u64,
    pub bytes: u64,
}

/// Runs partition `p` of its input and writes the batches as Arrow IPC files: hash-partitioned
/// into `output_partitions` files when it has hash expressions, otherwise into one file.
#[derive(Debug, Clone)]
pub struct ShuffleWriterExec {
    job_id: String,
    stage_id: u32,
    input: Arc<dyn ExecutionPlan>,
    hash_exprs: Option<Vec<Arc<dyn PhysicalExpr>>>,
    output_partitions: usize,
    properties: Arc<PlanProperties>,
}

impl ShuffleWriterExec {
    /// A writer for stage `stage_id` of job `job_id`. `hash` is the partitioning expressions and
    /// the number of output partitions; `None` writes each input partition to one file.
    pub fn new(
        job_id: impl Into<String>,
        stage_id: u32,
        input: Arc<dyn ExecutionPlan>,
        hash: Option<(Vec<Arc<dyn PhysicalExpr>>, usize)>,
    ) -> Self {
        let (hash_exprs, output_partitions) = match hash {
            Some((exprs, n)) => (Some(exprs), n),
            None => (None, 1),
        };
        let properties = PlanProperties::new(
            EquivalenceProperties::new(summary_schema()),
            Partitioning::UnknownPartitioning(input.output_partitioning().partition_count()),
            EmissionType::Final,
            Boundedness::Bounded,
        );
        Self {
            job_id: job_id.into(),
            stage_id,
            input,
            hash_exprs,
            output_partitions,
            properties: Arc::new(properties),
        }
    }

    pub fn job_id(&self) -> &str {
        &self.job_id
    }

    pub fn stage_id(&self) -> u32 {
        self.stage_id
    }

    pub fn input(&self) -> &Arc<dyn ExecutionPlan> {
        &self.input
    }

    /// The hash expressions, when the output is hash-partitioned.
    pub fn hash_exprs(&self) -> Option<&[Arc<dyn PhysicalExpr>]> {
        self.hash_exprs.as_deref()
    }

    /// How many files each task writes.
    pub fn output_partitions(&self) -> usize {
        self.output_partitions
    }

    /// How many tasks the stage has: one per input partition.
    pub fn input_partitions(&self) -> usize {
        self.input.output_partitioning().partition_count()
    }

    /// Runs input partition `partition` to completion and writes its shuffle files.
    pub async fn write(&self, partition: usize, ctx: Arc<TaskContext>) -> Result<Vec<OutputStats>> {
        let env = ShuffleEnv::of_task(&ctx)?;
        let attempt = ctx
            .session_config()
            .get_extension::<TaskAttempt>()
            .map(|a| a.0)
            .unwrap_or(0);
        let output_id = |output: usize| ShuffleFileId {
            job_id: &self.job_id,
            stage_id: self.stage_id,
            map_partition: partition as u32,
            attempt,
            output_partition: output as u32,
        };
        let schema = self.input.schema();
        // Outputs are kept for partitions that get rows; readers are only sent to those (the
        // task reports rows per output partition).
        let mut outputs: Vec<Option<Output>> = (0..self.output_partitions).map(|_| None).collect();
        let mut write = |output: usize, batch: &RecordBatch| -> Result<()> {
            if batch.num_rows() == 0 {
                return Ok(());
            }
            let slot =
                outputs[output].get_or_insert_with(|| Output::Memory(MemoryOutput::new(&env)));
            slot.write(&compact_views(batch)?, || {
                OutputFile::create(env.file_path(&output_id(output)), &schema, env.compression)
            })
        };

        let mut input = self.input.execute(partition, ctx)?;
        match &self.hash_exprs {
            Some(exprs) => {
                let mut partitioner = BatchPartitioner::new_hash_partitioner(
                    exprs.clone(),
                    self.output_partitions,
                    metrics::Time::new(),
                )?;
                while let Some(batch) = input.next().await {
                    partitioner.partition(batch?, |output, part| write(output, &part))?;
                }
            }
            None => {
                while let Some(batch) = input.next().await {
                    write(0, &batch?)?;
                }
            }
        }
        outputs
            .into_iter()
            .enumerate()
            .map(|(i, output)| match output {
                None => Ok(OutputStats::default()),
                Some(Output::Memory(memory)) => Ok(memory.store(&output_id(i))),
                Some(Output::File(file)) => file.finish(),
            })
            .collect()
    }
}

/// One output partition being written: in memory while the executor's budget allows, then as
/// a file.
enum Output {
    Memory(MemoryOutput),
    File(Box<OutputFile>),
}

impl Output {
    /// Adds a batch; `create_file` makes the file when the batches no longer fit in memory.
    fn write(
        &mut self,
        batch: &RecordBatch,
        create_file: impl FnOnce() -> Result<OutputFile>,
    ) -> Result<()> {
        match self {
            Self::File(file) => file.write(batch),
            Self::Memory(memory) => {
                if memory.push(batch) {
                    return Ok(());
                }
                let mut file = create_file()?;
                tracing::info!(
                    "the executor's shuffle memory is full: this output continues in {}",
                    file.path.display()
                );
                for earlier in memory.take() {
                    file.write(&earlier)?;
                }
                file.write(batch)?;
                *self = Self::File(Box::new(file));
                Ok(())
            }
        }
    }
}

/// Batches held in memory, their bytes reserved in the executor's budget until they are
/// stored or dropped.
struct MemoryOutput {
    env: Arc<ShuffleEnv>,
    batches: Vec<RecordBatch>,
    rows: u64,
    bytes: usize,
}

impl MemoryOutput {
    fn new(env: &Arc<ShuffleEnv>) -> Self {
        Self {
            env: Arc::clone(env),
            batches: vec![],
            rows: 0,
            bytes: 0,
        }
    }

    /// Keeps `batch` if its bytes fit the budget.
    fn push(&mut self, batch: &RecordBatch) -> bool {
        let bytes = batch.get_array_memory_size();
        if !self.env.memory.reserve(bytes) {
            return false;
        }
        self.bytes += bytes;
        self.rows += batch.num_rows() as u64;
        self.batches.push(batch.clone());
        true
    }

    /// The batches, their reservation given back.
    fn take(&mut self) -> Vec<RecordBatch> {
        self.env.memory.release(std::mem::take(&mut self.bytes));
        self.rows = 0;
        std::mem::take(&mut self.batches)
    }

    /// Hands the batches and their reservation to the executor's outputs.
    fn store(mut self, id: &ShuffleFileId<'_>) -> OutputStats {
        let stats = OutputStats {
            rows: self.rows,
            bytes: self.bytes as u64,
        };
        let bytes = std::mem::take(&mut self.bytes);
        self.env
            .memory
            .insert(id, std::mem::take(&mut self.batches), bytes);
        stats
    }
}

impl Drop for MemoryOutput {
    /// An output never stored (its task failed or was cancelled) frees its reservation.
    fn drop(&mut self) {
        self.env.memory.release(self.bytes);
    }
}

/// One shuffle file being written.
struct OutputFile {
    path: std::path::PathBuf,
    writer: StreamWriter<BufWriter<File>>,
    rows: u64,
}

impl OutputFile {
    fn create(
        path: std::path::PathBuf,
        schema: &SchemaRef,
        compression: ShuffleCompression,
    ) -> Result<Self> {
        let io_err = |e: std::io::Error| {
            DataFusionError::Execution(format!("creating {}: {e}", path.display()))
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io_err)?;
        }
        let file = File::create(&path).map_err(io_err)?;
        let options = IpcWriteOptions::default().try_with_compression(compression.codec())?;
        let writer = StreamWriter::try_new_with_options(BufWriter::new(file), schema, options)?;
        Ok(Self {
            path,
            writer,
            rows: 0,
        })
    }

    fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        self.writer.write(batch)?;
        self.rows += batch.num_rows() as u64;
        Ok(())
    }

    fn finish(mut self) -> Result<OutputStats> {
        self.writer.finish()?;
        let file = self.writer.into_inner()?;
        let bytes = file
            .into_inner()
            .map_err(|e| DataFusionError::Execution(format!("{}: {e}", self.path.display())))?
            .metadata()
            .map(|m| m.len())
            .unwrap_or_default();
        Ok(OutputStats {
            rows: self.rows,
            bytes,
        })
    }
}

/// Copies the strings of view columns into buffers of their own when they point at much more
/// data than they use. A view array cut out of a larger one (by a join's `take` or the
/// partitioner) still points at all of the original data buffers, which IPC writes and memory
/// keeps alive: without this, a shuffle of a few thousand rows can hold or write the whole
/// scanned file again. Compact arrays are kept as they are.
fn compact_views(batch: &RecordBatch) -> Result<RecordBatch> {
    fn bloated(buffers: &[arrow::buffer::Buffer], used: usize) -> bool {
        buffers.iter().map(|b| b.len()).sum::<usize>() > 2 * used + 64 * 1024
    }
    let mut columns = batch.columns().to_vec();
    let mut changed = false;
    for column in &mut columns {
        let compacted: ArrayRef = match column.data_type() {
            DataType::Utf8View => {
                let array = column.as_string_view();
                if !bloated(array.data_buffers(), array.total_buffer_bytes_used()) {
                    continue;
                }
                Arc::new(array.gc())
            }
            DataType::BinaryView => {
                let array = column.as_binary_view();
                if !bloated(array.data_buffers(), array.total_buffer_bytes_used()) {
                    continue;
                }
                Arc::new(array.gc())
            }
            _ => continue,
        };
        *column = compacted;
        changed = true;
    }
    if !changed {
        return Ok(batch.clone());
    }
    Ok(RecordBatch::try_new(batch.schema(), columns)?)
}

/// The schema of the one batch `execute` returns: what each output partition received.
fn summary_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("output_partition", DataType::UInt32, false),
        Field::new("rows", DataType::UInt64, false),
        Field::new("bytes", DataType::UInt64, false),
    ]))
}

impl DisplayAs for ShuffleWriterExec {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        match &self.hash_exprs {
            Some(exprs) => write!(
                f,
                "ShuffleWriterExec: stage={}, hash=[{}], partitions={}",
                self.stage_id,
                exprs
                    .iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                self.output_partitions
            ),
            None => write!(f, "ShuffleWriterExec: stage={}", self.stage_id),
        }
    }
}

impl ExecutionPlan for ShuffleWriterExec {
    fn name(&self) -> &str {
        "ShuffleWriterExec"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn apply_expressions(
        &self,
        f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>,
    ) -> Result<TreeNodeRecursion> {
        for expr in self.hash_exprs.iter().flatten() {
            if f(expr)? == TreeNodeRecursion::Stop {
                return Ok(TreeNodeRecursion::Stop);
            }
        }
        Ok(TreeNodeRecursion::Continue)
    }

    fn with_new_children(
        self: Arc<Self>,
        mut children: Vec<Arc<dyn ExecutionPlan>>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        if children.len() != 1 {
            return Err(DataFusionError::Internal(
                "ShuffleWriterExec takes one child".into(),
            ));
        }
        let hash = self
            .hash_exprs
            .clone()
            .map(|exprs| (exprs, self.output_partitions));
        Ok(Arc::new(Self::new(
            self.job_id.clone(),
            self.stage_id,
            children.swap_remove(0),
            hash,
        )))
    }

    fn execute(
        &self,
        partition: usize,
        ctx: Arc<TaskContext>,
    ) -> Result<SendableRecordBatchStream> {
        let writer = self.clone();
        let summary = async move {
            let stats = writer.write(partition, ctx).await?;
            let batch = RecordBatch::try_new(
                summary_schema(),
                vec![
                    Arc::new(UInt32Array::from_iter_values(0..stats.len() as u32)),
                    Arc::new(UInt64Array::from_iter_values(stats.iter().map(|s| s.rows))),
                    Arc::new(UInt64Array::from_iter_values(stats.iter().map(|s| s.bytes))),
                ],
            )?;
            Ok(batch)
        };
        Ok(Box::pin(RecordBatchStreamAdapter::new(
            summary_schema(),
            futures::stream::once(summary).map_err(|e: DataFusionError| e),
        )))
    }
}
