//! The shuffle: how one stage's output becomes the next stage's input.
//!
//! A stage's root is a [`ShuffleWriterExec`]: each task runs one partition of the stage's plan
//! and keeps its output, hash-partitioned into N outputs or as one: in the executor's memory
//! while its budget allows ([`MemoryOutputs`]), else as Arrow IPC stream files
//! (LZ4-compressed unless the executor's [`ShuffleCompression`] says otherwise) in its work
//! dir. A downstream stage's leaves are [`ShuffleReaderExec`]s that read those outputs: as
//! they are (memory) or from local disk when they are on the same executor, over Arrow Flight
//! otherwise.

mod memory;
mod reader;
mod writer;

pub use memory::MemoryOutputs;
pub use reader::{MapOutputLocation, ReadMode, ShuffleReaderExec};
pub use writer::{OutputStats, ShuffleWriterExec};

use std::path::PathBuf;
use std::sync::Arc;

use datafusion::error::DataFusionError;
use datafusion::execution::TaskContext;

use crate::flight::FlightClients;

/// Where this process keeps shuffle files and how it reaches other executors' files.
///
/// Attached to the `SessionConfig` of every task as an extension.
#[derive(Debug)]
pub struct ShuffleEnv {
    /// The id of the executor this process is (empty for a pure client).
    pub executor_id: String,
    /// The directory shuffle files live under.
    pub work_dir: PathBuf,
    /// Flight connections to other executors.
    pub flight: Arc<FlightClients>,
    /// How this executor compresses the shuffle files it writes.
    pub compression: ShuffleCompression,
    /// The outputs this executor keeps in memory rather than in files.
    pub memory: MemoryOutputs,
}

/// How shuffle files are compressed. Readers take any: each IPC message says its codec.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ShuffleCompression {
    /// LZ4 frames: fast, about half the bytes on disk and on the network.
    #[default]
    Lz4,
    /// Zstandard: fewer bytes, more CPU; for slow networks.
    Zstd,
    /// Uncompressed: the least CPU, for executors on one machine or a fast network.
    None,
}

impl ShuffleCompression {
    /// The IPC codec, if any.
    pub fn codec(self) -> Option<arrow::ipc::CompressionType> {
        match self {
            Self::Lz4 => Some(arrow::ipc::CompressionType::LZ4_FRAME),
            Self::Zstd => Some(arrow::ipc::CompressionType::ZSTD),
            Self::None => None,
        }
    }
}

/// The attempt number of the task a plan runs as; part of every shuffle file's path so a retried
/// task never overwrites or mixes with an earlier attempt's files.
#[derive(Debug, Clone, Copy)]
pub struct TaskAttempt(pub u32);

/// Names one shuffle file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShuffleFileId<'a> {
    pub job_id: &'a str,
    pub stage_id: u32,
    pub map_partition: u32,
    pub attempt: u32,
    pub output_partition: u32,
}

impl ShuffleEnv {
    /// The directory holding all of a job's shuffle files.
    pub fn job_dir(&self, job_id: &str) -> PathBuf {
        self.work_dir.join(job_id)
    }

    /// The directory holding one stage's shuffle files.
    pub fn stage_dir(&self, job_id: &str, stage_id: u32) -> PathBuf {
        self.job_dir(job_id).join(format!("stage-{stage_id}"))
    }

    /// The path of one shuffle file.
    pub fn file_path(&self, id: &ShuffleFileId<'_>) -> PathBuf {
        self.stage_dir(id.job_id, id.stage_id)
            .join(format!("map-{}-attempt-{}", id.map_partition, id.attempt))
            .join(format!("part-{}.arrow", id.output_partition))
    }

    /// The shuffle environment a task runs in, or a clear error when the process set none up.
    pub fn of_task(ctx: &TaskContext) -> datafusion::error::Result<Arc<ShuffleEnv>> {
        ctx.session_config()
            .get_extension::<ShuffleEnv>()
            .ok_or_else(|| {
                DataFusionError::Internal(
                    "this plan reads or writes shuffle files but the process has no shuffle \
                     environment (run it on a Kiln executor)"
                        .into(),
                )
            })
    }
}
