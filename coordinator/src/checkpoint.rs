//! A job's durable part: what the leader writes to the state store and what a new leader
//! resumes from.
//!
//! Task-level state stays in the leader's memory. The record is written when the job is
//! accepted, when its state changes, when a stage completes and when its sink starts to
//! commit, so the writes per job grow with its stages, never with its tasks. A successor
//! resumes from the completed stages; tasks that were running are run again with attempt
//! numbers above any the predecessor used.

use kiln_proto::internal::v1 as ipb;
use std::time::{Duration, Instant};

use kiln_core::shuffle::OutputStats;
use kiln_jobs::sink::Winner;
use kiln_proto::v1 as pb;

use crate::job::{Job, MapOutput, TaskState};

/// The largest encoded plan a job's record carries: the record is rewritten at every milestone
/// and must stay well under the state store's request limit. A larger plan (thousands of
/// files listed) is left out, and a successor plans the job again.
pub const MAX_PLAN_BYTES: usize = 256 * 1024;

/// How far a successor raises a job's attempt numbers: more than any leader's attempts at one
/// task, so a successor never reuses a file name its predecessor's attempts may have written.
const ATTEMPTS_PER_LEADER: u32 = 1000;

/// The parts of a job whose change warrants a write: its state, whether it commits or cleans
/// up, and which stages are complete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Milestone {
    state: pb::JobState,
    committing: bool,
    cleaning: bool,
    complete: Vec<u32>,
}

impl Milestone {
    /// Whether the job had ended and left nothing to clean up: nothing about it changes any
    /// more, and it moves to the history.
    pub fn is_final(&self) -> bool {
        !matches!(self.state, pb::JobState::Queued | pb::JobState::Running) && !self.cleaning
    }
}

impl Job {
    /// Where the job stands, as far as the state store cares.
    pub fn milestone(&self) -> Milestone {
        Milestone {
            state: self.state,
            committing: self.committing,
            cleaning: self.cleaning,
            complete: self
                .stages
                .iter()
                .filter(|s| s.is_complete())
                .map(|s| s.plan.id)
                .collect(),
        }
    }

    /// The record to write.
    pub fn record(&self) -> ipb::JobRecord {
        let completed_stages = self
            .stages
            .iter()
            .filter(|s| s.is_complete())
            .map(|stage| ipb::StageCheckpoint {
                stage_id: stage.plan.id,
                outputs: stage
                    .tasks
                    .iter()
                    .filter_map(|t| match t.state() {
                        TaskState::Done(output) => Some(output_record(output)),
                        _ => None,
                    })
                    .collect(),
            })
            .collect();
        ipb::JobRecord {
            spec: Some(self.spec.clone()),
            status: Some(self.status()),
            attempt_base: self.attempt_base,
            stage_tasks: self.stages.iter().map(|s| s.tasks.len() as u32).collect(),
            completed_stages,
            committing: self
                .winners
                .iter()
                .filter(|_| self.committing)
                .map(|w| ipb::CommitWinner {
                    partition: w.partition,
                    attempt: w.attempt,
                    rows: w.rows,
                })
                .collect(),
            request_id: self.request_id.clone(),
            plan: self.plan.clone(),
            session_config: self.session_config.clone(),
            sink: self.sink.clone(),
            stop_state: self
                .stop_requested
                .as_ref()
                .map_or(pb::JobState::Unspecified, |(state, _)| *state)
                as i32,
            stop_reason: self
                .stop_requested
                .as_ref()
                .map(|(_, reason)| reason.clone())
                .unwrap_or_default(),
            bookmark: self.bookmark.clone(),
        }
    }

    /// Resumes from a predecessor's record: completed stages keep their outputs, everything
    /// else runs again. Fails, changing nothing, when the record does not fit the job's plan
    /// (the plan no longer has the recorded shape, or the record is damaged).
    pub fn resume(&mut self, record: &ipb::JobRecord) -> Result<(), ResumeError> {
        // Checked first: a job started over also numbers its attempts above the record's.
        let attempt_base = record
            .attempt_base
            .checked_add(ATTEMPTS_PER_LEADER)
            .filter(|base| *base <= u32::MAX - ATTEMPTS_PER_LEADER)
            .ok_or(ResumeError::AttemptsExhausted {
                attempt_base: record.attempt_base,
            })?;
        let shape: Vec<u32> = self.stages.iter().map(|s| s.tasks.len() as u32).collect();
        if shape != record.stage_tasks {
            return Err(ResumeError::PlanChanged {
                recorded: record.stage_tasks.clone(),
                now: shape,
            });
        }
        for checkpoint in &record.completed_stages {
            let tasks = shape.get(checkpoint.stage_id as usize);
            if tasks != Some(&(checkpoint.outputs.len() as u32)) {
                return Err(ResumeError::StageOutputs {
                    stage: checkpoint.stage_id,
                    outputs: checkpoint.outputs.len(),
                });
            }
        }
        let status = record.status.clone().unwrap_or_default();
        self.state = pb::JobState::try_from(status.state).unwrap_or(pb::JobState::Queued);
        self.error = status.error;
        self.submitted_at_ms = status.submitted_at_ms;
        self.started_at_ms = status.started_at_ms;
        let timeout_ms = self.spec.options.as_ref().map_or(0, |o| o.timeout_ms);
        if timeout_ms > 0 {
            let elapsed = kiln_core::ids::now_ms().saturating_sub(self.submitted_at_ms);
            let left = Duration::from_millis(timeout_ms.saturating_sub(elapsed));
            self.deadline = Instant::now().checked_add(left);
        }
        self.attempt_base = attempt_base;
        for stage in &mut self.stages {
            for task in &mut stage.tasks {
                task.next_attempt = self.attempt_base;
            }
        }
        for checkpoint in &record.completed_stages {
            let stage = &mut self.stages[checkpoint.stage_id as usize];
            for (partition, output) in checkpoint.outputs.iter().enumerate() {
                stage.set_state(partition, TaskState::Done(map_output(output)));
            }
        }
        if !record.committing.is_empty() {
            self.committing = true;
            self.winners = record
                .committing
                .iter()
                .map(|w| Winner {
                    partition: w.partition,
                    attempt: w.attempt,
                    rows: w.rows,
                })
                .collect();
        }
        let stop_state = pb::JobState::try_from(record.stop_state).unwrap_or_default();
        if stop_state != pb::JobState::Unspecified {
            self.stop_requested = Some((stop_state, record.stop_reason.clone()));
        }
        Ok(())
    }
}

/// Why a job's record cannot be resumed from; the successor then starts the job over.
#[derive(Debug, thiserror::Error)]
pub enum ResumeError {
    #[error("its plan changed since it started (tasks per stage {recorded:?}, now {now:?})")]
    PlanChanged { recorded: Vec<u32>, now: Vec<u32> },
    #[error(
        "its record lists stage {stage} complete with {outputs} outputs, which the plan does not have"
    )]
    StageOutputs { stage: u32, outputs: usize },
    #[error("its attempt numbers (from {attempt_base}) have run out")]
    AttemptsExhausted { attempt_base: u32 },
}

fn output_record(output: &MapOutput) -> ipb::MapOutputRecord {
    ipb::MapOutputRecord {
        executor_id: output.executor_id.clone(),
        flight_endpoint: output.flight_endpoint.clone(),
        attempt: output.attempt,
        partitions: output
            .stats
            .iter()
            .map(|s| ipb::OutputPartitionStats {
                rows: s.rows,
                bytes: s.bytes,
            })
            .collect(),
        records_read: output.records_read,
        bad_records: output.bad_records,
        sink_rows: output.sink_rows,
    }
}

fn map_output(record: &ipb::MapOutputRecord) -> MapOutput {
    MapOutput {
        executor_id: record.executor_id.clone(),
        flight_endpoint: record.flight_endpoint.clone(),
        attempt: record.attempt,
        stats: output_stats(&record.partitions),
        records_read: record.records_read,
        bad_records: record.bad_records,
        sink_rows: record.sink_rows,
    }
}

/// Rows and bytes per output partition, as executors report them.
pub fn output_stats(partitions: &[ipb::OutputPartitionStats]) -> Vec<OutputStats> {
    partitions
        .iter()
        .map(|p| OutputStats {
            rows: p.rows,
            bytes: p.bytes,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::job::tests::two_stage_job;
    use proptest::collection::vec;
    use proptest::prelude::*;

    fn output_record(partitions: Vec<(u64, u64)>, attempt: u32) -> ipb::MapOutputRecord {
        ipb::MapOutputRecord {
            executor_id: "a".into(),
            flight_endpoint: "http://a".into(),
            attempt,
            partitions: partitions
                .into_iter()
                .map(|(rows, bytes)| ipb::OutputPartitionStats { rows, bytes })
                .collect(),
            ..Default::default()
        }
    }

    proptest! {
        /// A successor may find any record (one an older version wrote, one damaged): it
        /// resumes from it or refuses it, never panics, and a job it resumed reports its
        /// status, writes its record and runs its tasks.
        #[test]
        fn any_record_resumes_or_is_refused(
            state in any::<i32>(),
            attempt_base in prop_oneof![0u32..5000, any::<u32>()],
            real_shape in any::<bool>(),
            stage_tasks in vec(0u32..4, 0..4),
            checkpoints in vec(
                (0u32..4, vec((vec((any::<u64>(), any::<u64>()), 0..3), any::<u32>()), 0..3)),
                0..3,
            ),
            winners in vec((any::<u32>(), any::<u32>(), any::<u64>()), 0..3),
            stop_state in any::<i32>(),
            timeout_ms in prop_oneof![Just(0u64), any::<u64>()],
            submitted_at_ms in any::<u64>(),
        ) {
            let mut job = two_stage_job(3);
            job.spec.options = Some(pb::JobOptions { timeout_ms, ..Default::default() });
            let record = ipb::JobRecord {
                status: Some(pb::JobStatus { state, submitted_at_ms, ..Default::default() }),
                attempt_base,
                stage_tasks: if real_shape { vec![2, 1] } else { stage_tasks },
                completed_stages: checkpoints
                    .into_iter()
                    .map(|(stage_id, outputs)| ipb::StageCheckpoint {
                        stage_id,
                        outputs: outputs
                            .into_iter()
                            .map(|(partitions, attempt)| output_record(partitions, attempt))
                            .collect(),
                    })
                    .collect(),
                committing: winners
                    .into_iter()
                    .map(|(partition, attempt, rows)| ipb::CommitWinner { partition, attempt, rows })
                    .collect(),
                stop_state,
                ..Default::default()
            };
            if job.resume(&record).is_err() {
                return Ok(());
            }
            prop_assert!(job.attempt_base > record.attempt_base);
            let _ = (job.status(), job.record(), job.milestone());
            for (stage, partition) in job.launchable() {
                let attempt = job.start_task(stage, partition, "b");
                prop_assert!(attempt > record.attempt_base);
            }
            job.executor_lost("b");
            let _ = job.status();
        }
    }
}
