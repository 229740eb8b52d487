//! Filling free slots: which launchable task goes to which executor, and packing the launches
//! into requests that stay under the message limit.

use kiln_proto::internal::v1 as ipb;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use kiln_core::codec::encode_plan;
use kiln_proto::v1 as pb;
use prost::Message;

use crate::error::Result;
use crate::job::Job;

use super::effects::Effect;
use super::ending::end_job;
use super::{ExecutorEntry, State};

/// What identifies an encoded task plan within one round of assignments: the job, the stage,
/// and for each shuffle reader the map outputs it reads (map partition, attempt).
type PlanKey = (String, u32, Vec<Vec<(u32, u32)>>);

/// Launch requests carry at most this share of the message limit, leaving room for framing.
const LAUNCH_REQUEST_SHARE: f64 = 0.9;

/// Assigns launchable tasks to free slots, round-robin across jobs, oldest job first in each
/// round. Each task carries only its own stage's plan, and a launch request holds as many
/// tasks as fit under the message limit (`max_message_size`), so a job whose whole plan is
/// over the limit still runs; a task plan that is over it alone fails its job, saying so.
pub(super) fn assign_tasks(state: &mut State, max_message_size: usize) -> Vec<Effect> {
    let request_limit = request_limit(max_message_size);
    let mut launches: BTreeMap<String, Vec<ipb::TaskDefinition>> = BTreeMap::new();
    // The settings of each job that launches a task, sent once per launch request.
    let mut settings: HashMap<String, ipb::JobTaskSettings> = HashMap::new();
    let mut queues: Vec<(String, VecDeque<(u32, u32)>)> = state
        .order
        .iter()
        .filter_map(|id| {
            let tasks = state.jobs.get(id)?.launchable();
            (!tasks.is_empty()).then(|| (id.clone(), tasks.into()))
        })
        .collect();
    // Encoded task plans, by job, stage and the map outputs the task reads (by map partition
    // and attempt): tasks that read the same outputs (every task of a stage that reads no
    // shuffle; most of a stage after a shuffle that left no partition empty) share one.
    let mut plans: HashMap<PlanKey, Vec<u8>> = HashMap::new();
    // Jobs that failed here: their running tasks are stopped and their files removed below.
    let mut failed = vec![];
    while !queues.is_empty() {
        if state.executors.values().all(|e| e.free_slots() == 0) {
            break;
        }
        for (job_id, queue) in queues.iter_mut() {
            let Some((stage, partition)) = queue.pop_front() else {
                continue;
            };
            let job = state
                .jobs
                .get_mut(job_id.as_str())
                .expect("queued job exists");
            let Some(executor_id) = pick_executor(&state.executors, job, stage, partition) else {
                queue.push_front((stage, partition));
                break;
            };
            let plan = match task_plan(job, stage, partition, &mut plans, max_message_size) {
                Ok(plan) => plan,
                Err(error) => {
                    job.finish(pb::JobState::Failed, error);
                    job.touch();
                    queue.clear();
                    failed.push(job_id.clone());
                    continue;
                }
            };
            let attempt = job.start_task(stage, partition, &executor_id);
            job.touch();
            let entry = state
                .executors
                .get_mut(&executor_id)
                .expect("picked executor exists");
            entry
                .running
                .insert((job_id.clone(), stage, partition, attempt));
            launches
                .entry(executor_id)
                .or_default()
                .push(ipb::TaskDefinition {
                    task_id: Some(ipb::TaskId {
                        job_id: job_id.clone(),
                        stage_id: stage,
                        partition,
                        attempt,
                    }),
                    plan,
                });
            if !settings.contains_key(job_id) {
                settings.insert(job_id.clone(), job.task_settings());
            }
        }
        queues.retain(|(_, q)| !q.is_empty());
    }
    let mut effects = vec![];
    for job_id in &failed {
        if let Some(job) = state.jobs.get_mut(job_id) {
            end_job(&mut state.executors, job, &mut effects);
        }
    }
    for (executor_id, mut tasks) in launches {
        tasks.retain(|t| {
            t.task_id
                .as_ref()
                .is_none_or(|id| !failed.contains(&id.job_id))
        });
        if tasks.is_empty() {
            continue;
        }
        for request in launch_requests(tasks, &settings, request_limit) {
            effects.push(Effect::Launch {
                client: state.executors[&executor_id].client.clone(),
                executor_id: executor_id.clone(),
                request,
            });
        }
    }
    effects
}

/// The encoded plan of task `partition` of `stage`, taken from `plans` when a task that reads
/// the same map outputs has one; the job's error when it cannot be resolved or encoded, or
/// is over the share of `max_message_size` a launch request may carry.
fn task_plan(
    job: &Job,
    stage: u32,
    partition: u32,
    plans: &mut HashMap<PlanKey, Vec<u8>>,
    max_message_size: usize,
) -> Result<Vec<u8>, String> {
    let unresolved = |e| format!("stage {stage} could not be encoded for executors: {e}");
    let inputs = job.task_inputs(stage, partition).map_err(unresolved)?;
    let read = inputs
        .iter()
        .map(|outputs| {
            outputs
                .iter()
                .map(|o| (o.map_partition, o.attempt))
                .collect()
        })
        .collect();
    let key = (job.id.clone(), stage, read);
    if let Some(plan) = plans.get(&key) {
        return Ok(plan.clone());
    }
    let plan = job
        .resolved_plan(stage, inputs)
        .and_then(encode_plan)
        .map_err(unresolved)?;
    if plan.len() > request_limit(max_message_size) {
        return Err(format!(
            "the plan of a stage {stage} task is {} bytes, over the cluster's gRPC message \
             limit of {max_message_size} bytes: raise --max-message-size \
             (KILN_MAX_MESSAGE_SIZE) on every coordinator and executor, or shrink the query's \
             literals",
            plan.len()
        ));
    }
    plans.insert(key, plan.clone());
    Ok(plan)
}

/// The most bytes one launch request may carry under `max_message_size`.
fn request_limit(max_message_size: usize) -> usize {
    (max_message_size as f64 * LAUNCH_REQUEST_SHARE) as usize
}

/// `tasks` in launch requests that each encode to at most `limit` bytes (a task larger than
/// that alone gets a request of its own), each carrying the `settings` of its tasks' jobs.
fn launch_requests(
    tasks: Vec<ipb::TaskDefinition>,
    settings: &HashMap<String, ipb::JobTaskSettings>,
    limit: usize,
) -> Vec<ipb::LaunchTasksRequest> {
    // The field's tag and length prefix come on top of each message.
    let framed = |len: usize| len + 16;
    let mut requests: Vec<ipb::LaunchTasksRequest> = vec![];
    let mut size = 0;
    // The jobs whose settings the last request carries.
    let mut carried: HashSet<String> = HashSet::new();
    for task in tasks {
        let job_id = task.task_id.as_ref().map_or("", |id| id.job_id.as_str());
        let job_settings = settings.get(job_id).filter(|_| !carried.contains(job_id));
        let settings_size = job_settings.map_or(0, |s| framed(s.encoded_len()));
        let task_size = framed(task.encoded_len());
        if requests.is_empty() || size + task_size + settings_size > limit {
            requests.push(ipb::LaunchTasksRequest::default());
            carried.clear();
            size = 0;
        }
        let request = requests.last_mut().expect("a request to add to");
        if let Some(job_settings) = settings.get(job_id)
            && carried.insert(job_id.to_string())
        {
            request.jobs.push(job_settings.clone());
            size += framed(job_settings.encoded_len());
        }
        request.tasks.push(task);
        size += task_size;
    }
    requests
}

/// The executor a task should run on: the one holding its input if it has a free slot,
/// otherwise the one with the most free slots (avoiding where it last failed, if possible).
fn pick_executor(
    executors: &BTreeMap<String, ExecutorEntry>,
    job: &Job,
    stage: u32,
    partition: u32,
) -> Option<String> {
    if let Some(preferred) = job.preferred_executor(stage, partition)
        && executors.get(preferred).is_some_and(|e| e.free_slots() > 0)
    {
        return Some(preferred.to_string());
    }
    let avoid = job.stages[stage as usize].tasks[partition as usize]
        .avoid_executor
        .as_deref();
    executors
        .iter()
        .filter(|(_, e)| e.free_slots() > 0)
        .max_by_key(|(id, e)| (Some(id.as_str()) != avoid, e.free_slots()))
        .map(|(id, _)| id.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(job_id: &str, plan_bytes: usize) -> ipb::TaskDefinition {
        ipb::TaskDefinition {
            task_id: Some(ipb::TaskId {
                job_id: job_id.into(),
                ..Default::default()
            }),
            plan: vec![7; plan_bytes],
        }
    }

    fn settings(job_id: &str, value_bytes: usize) -> (String, ipb::JobTaskSettings) {
        let session_config = [("k".to_string(), "v".repeat(value_bytes))].into();
        let settings = ipb::JobTaskSettings {
            job_id: job_id.into(),
            session_config,
            memory_limit_bytes: 0,
        };
        (job_id.to_string(), settings)
    }

    #[test]
    fn launch_requests_stay_under_the_message_limit() {
        let none = HashMap::new();
        let tasks = vec![
            task("a", 400),
            task("a", 400),
            task("a", 400),
            task("a", 2000),
            task("a", 10),
        ];
        let requests = launch_requests(tasks, &none, 1000);
        let sizes: Vec<usize> = requests.iter().map(|r| r.tasks.len()).collect();
        assert_eq!(sizes, [2, 1, 1, 1]);
        for request in requests.into_iter().filter(|r| r.tasks.len() > 1) {
            assert!(request.encoded_len() <= 1000, "{}", request.encoded_len());
        }
    }

    #[test]
    fn each_launch_request_carries_its_jobs_settings_once_and_counts_them() {
        let settings: HashMap<_, _> = [settings("a", 300), settings("b", 300)].into();
        let tasks = vec![
            task("a", 100),
            task("a", 100),
            task("b", 100),
            task("b", 100),
        ];
        let requests = launch_requests(tasks, &settings, 1000);
        let jobs: Vec<Vec<&str>> = requests
            .iter()
            .map(|r| r.jobs.iter().map(|s| s.job_id.as_str()).collect())
            .collect();
        // a's settings and two tasks fill most of the first request; b's do not fit beside.
        assert_eq!(jobs, [vec!["a"], vec!["b"]]);
        for request in &requests {
            assert_eq!(request.tasks.len(), 2);
            assert!(request.encoded_len() <= 1000, "{}", request.encoded_len());
        }
    }
}
