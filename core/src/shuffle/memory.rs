//! Shuffle outputs kept in the executor's memory, within a budget.
//!
//! A map task's output partition stays in memory while the executor's shuffle outputs fit its
//! budget; readers on the same executor then take the batches as they are (no encoding, no
//! copy, no file), and Flight encodes them for readers elsewhere. Past the budget, outputs are
//! written to Arrow IPC files instead. Either way an output lives until its job's data is
//! removed, and dies with the executor (whose outputs the coordinator then recomputes).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use arrow::array::RecordBatch;

use super::ShuffleFileId;

/// Names one output partition of one map task attempt.
type OutputKey = (String, u32, u32, u32, u32);

fn key(id: &ShuffleFileId<'_>) -> OutputKey {
    (
        id.job_id.to_string(),
        id.stage_id,
        id.map_partition,
        id.attempt,
        id.output_partition,
    )
}

/// An executor's in-memory shuffle outputs.
#[derive(Debug)]
pub struct MemoryOutputs {
    budget: usize,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Bytes held by stored outputs and by outputs being written.
    used: usize,
    outputs: HashMap<OutputKey, StoredOutput>,
}

#[derive(Debug)]
struct StoredOutput {
    batches: Arc<[RecordBatch]>,
    bytes: usize,
}

impl MemoryOutputs {
    /// Outputs of at most `budget` bytes in all; 0 keeps every output in a file.
    pub fn new(budget: usize) -> Self {
        Self {
            budget,
            state: Mutex::default(),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().expect("shuffle outputs poisoned")
    }

    /// Sets aside `bytes` for an output being written; false when they do not fit the budget.
    pub(crate) fn reserve(&self, bytes: usize) -> bool {
        let mut state = self.state();
        if state.used + bytes > self.budget {
            return false;
        }
        state.used += bytes;
        true
    }

    /// Gives back `bytes` set aside for an output that was not stored.
    pub(crate) fn release(&self, bytes: usize) {
        let mut state = self.state();
        state.used = state.used.saturating_sub(bytes);
    }

    /// Stores a finished output whose `bytes` were reserved.
    pub(crate) fn insert(&self, id: &ShuffleFileId<'_>, batches: Vec<RecordBatch>, bytes: usize) {
        let output = StoredOutput {
            batches: batches.into(),
            bytes,
        };
        let mut state = self.state();
        if let Some(replaced) = state.outputs.insert(key(id), output) {
            state.used = state.used.saturating_sub(replaced.bytes);
        }
    }

    /// The batches of an output held in memory.
    pub fn get(&self, id: &ShuffleFileId<'_>) -> Option<Arc<[RecordBatch]>> {
        self.state()
            .outputs
            .get(&key(id))
            .map(|o| Arc::clone(&o.batches))
    }

    /// Drops a job's outputs, but those of stage `keep` if given.
    pub fn remove_job(&self, job_id: &str, keep: Option<u32>) {
        let mut state = self.state();
        let mut freed = 0;
        state.outputs.retain(|(job, stage, ..), output| {
            let remove = job == job_id && Some(*stage) != keep;
            if remove {
                freed += output.bytes;
            }
            !remove
        });
        state.used = state.used.saturating_sub(freed);
    }

    /// Bytes held now (stored outputs and outputs being written).
    pub fn used(&self) -> usize {
        self.state().used
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(job: &str, stage: u32) -> ShuffleFileId<'_> {
        ShuffleFileId {
            job_id: job,
            stage_id: stage,
            map_partition: 0,
            attempt: 0,
            output_partition: 0,
        }
    }

    #[test]
    fn outputs_fit_the_budget_and_leave_with_their_job() {
        let outputs = MemoryOutputs::new(100);
        assert!(outputs.reserve(60));
        assert!(!outputs.reserve(50), "over the budget");
        outputs.insert(&id("j1", 0), vec![], 60);
        assert!(outputs.reserve(40));
        outputs.insert(&id("j1", 1), vec![], 40);
        assert_eq!(outputs.used(), 100);
        assert!(outputs.get(&id("j1", 1)).is_some());
        // The same output stored again gives back what the one it replaces held.
        outputs.insert(&id("j1", 1), vec![], 40);
        assert_eq!(outputs.used(), 60);
        assert!(outputs.reserve(40));

        outputs.remove_job("j1", Some(1));
        assert!(outputs.get(&id("j1", 0)).is_none());
        assert!(outputs.get(&id("j1", 1)).is_some(), "the kept stage stays");
        assert_eq!(outputs.used(), 40);
        outputs.remove_job("j1", None);
        assert_eq!(outputs.used(), 0);

        assert!(!MemoryOutputs::new(0).reserve(1), "budget 0: files only");
    }
}
