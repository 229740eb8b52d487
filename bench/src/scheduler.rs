//! Scheduler throughput: the real coordinator's scheduler driven by simulated executors
//! (in-process gRPC servers that report every task they are given as succeeded at once), with
//! 1, 100 and 1,000 concurrent jobs and a 10,000-task stage; task assignments per second,
//! and state-store writes per job and per stage, which must follow the stages, not the tasks.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use kiln_coordinator::scheduler::Scheduler;
use kiln_coordinator::{Coordinator, CoordinatorConfig};
use kiln_core::state::{MemoryStore, Registration, StateStore, keys};
use kiln_proto::internal::v1 as ipb;
use kiln_proto::v1 as pb;
use prost::Message;
use tokio_stream::wrappers::TcpListenerStream;
use tonic::{Request, Response, Status};

use crate::counting_store::CountingStore;

/// Simulated executors, and the slots of each: every task of the largest case runs at once.
const EXECUTORS: usize = 10;
const SLOTS: u32 = 1_000;
/// The longest a case may take.
const PATIENCE: Duration = Duration::from_secs(600);
/// The target, in task assignments per second.
const TARGET: f64 = 50_000.0;

/// An executor that runs nothing: it reports each task it is given as succeeded before it
/// answers the launch, with one row in each of its output partitions: `outputs` for a task of
/// the first stage (hash-partitioned into the final stage's tasks), one for a final task.
struct SimulatedExecutor {
    id: String,
    scheduler: Arc<Scheduler>,
    outputs: usize,
    launched: Arc<AtomicU64>,
}

#[tonic::async_trait]
impl ipb::executor_service_server::ExecutorService for SimulatedExecutor {
    async fn launch_tasks(
        &self,
        request: Request<ipb::LaunchTasksRequest>,
    ) -> Result<Response<ipb::LaunchTasksResponse>, Status> {
        let tasks = request.into_inner().tasks;
        let statuses: Vec<ipb::TaskStatus> = tasks
            .into_iter()
            .map(|task| {
                let first_stage = task.task_id.as_ref().is_some_and(|id| id.stage_id == 0);
                let outputs = if first_stage { self.outputs } else { 1 };
                ipb::TaskStatus {
                    task_id: task.task_id,
                    outcome: Some(ipb::task_status::Outcome::Succeeded(ipb::TaskSucceeded {
                        partitions: vec![ipb::OutputPartitionStats { rows: 1, bytes: 64 }; outputs],
                        ..Default::default()
                    })),
                    ..Default::default()
                }
            })
            .collect();
        let count = statuses.len() as u64;
        self.scheduler.task_statuses(&self.id, statuses);
        self.launched.fetch_add(count, Ordering::Relaxed);
        Ok(Response::new(ipb::LaunchTasksResponse {}))
    }

    async fn cancel_tasks(
        &self,
        _request: Request<ipb::CancelTasksRequest>,
    ) -> Result<Response<ipb::CancelTasksResponse>, Status> {
        Ok(Response::new(ipb::CancelTasksResponse {}))
    }

    async fn remove_job_data(
        &self,
        _request: Request<ipb::RemoveJobDataRequest>,
    ) -> Result<Response<ipb::RemoveJobDataResponse>, Status> {
        Ok(Response::new(ipb::RemoveJobDataResponse {}))
    }
}

/// Starts a simulated executor serving on a free loopback port and registers it in `store`;
/// it stays a member while the registration is kept.
async fn simulated_executor(
    index: usize,
    scheduler: &Arc<Scheduler>,
    store: &Arc<dyn StateStore>,
    outputs: usize,
    launched: &Arc<AtomicU64>,
) -> Registration {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let port = listener.local_addr().expect("the bound port").port();
    let id = format!("simulated-{index}");
    let executor = SimulatedExecutor {
        id: id.clone(),
        scheduler: Arc::clone(scheduler),
        outputs,
        launched: Arc::clone(launched),
    };
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(ipb::executor_service_server::ExecutorServiceServer::new(
                executor,
            ))
            .serve_with_incoming(TcpListenerStream::new(listener)),
    );
    let info = ipb::ExecutorInfo {
        executor_id: id.clone(),
        host: "127.0.0.1".into(),
        grpc_port: port.into(),
        flight_port: port.into(),
        slots: SLOTS,
        started_at_ms: kiln_core::ids::now_ms(),
        http_port: 0,
    };
    store
        .register(
            &keys::executor(&id),
            info.encode_to_vec(),
            Duration::from_secs(30),
        )
        .await
        .expect("registering a simulated executor")
}

/// A two-stage job: one task aggregating a small series, hash-partitioned into `parallelism`
/// tasks of the final aggregation.
fn job(index: usize, parallelism: u32) -> pb::JobSpec {
    let mut spec = kiln_tests::sql_job(
        &format!("throughput-{index}"),
        &[],
        "SELECT value % 100 AS k, count(*) AS n FROM generate_series(1, 1000) GROUP BY value % 100",
    );
    spec.options = Some(pb::JobOptions {
        parallelism,
        ..Default::default()
    });
    spec
}

/// What one case measured.
struct Figures {
    jobs: usize,
    tasks_per_job: u64,
    elapsed: Duration,
    writes: u64,
    stages: u64,
}

impl Figures {
    fn assignments_per_second(&self) -> f64 {
        (self.jobs as u64 * self.tasks_per_job) as f64 / self.elapsed.as_secs_f64()
    }
}

/// Submits `jobs` jobs of `parallelism` while no executor is there, then lets the simulated
/// executors in and times until every task was assigned and reported.
async fn measure(jobs: usize, parallelism: u32) -> Figures {
    let counting = Arc::new(CountingStore::new(Arc::new(MemoryStore::new())));
    let store: Arc<dyn StateStore> = counting.clone();
    let coordinator = Coordinator::start(
        CoordinatorConfig {
            history_limit: jobs.max(1_000),
            ..CoordinatorConfig::default()
        },
        Arc::clone(&store),
    )
    .await
    .expect("starting the coordinator");
    coordinator.wait_until_leader().await;
    let scheduler = Arc::clone(coordinator.scheduler());
    let mut ids = Vec::with_capacity(jobs);
    for index in 0..jobs {
        ids.push(
            scheduler
                .submit(job(index, parallelism), String::new())
                .await
                .expect("submitting a job"),
        );
    }
    let first = scheduler.status(&ids[0]).await.expect("a job's status");
    let stages = first.stages.len() as u64;
    let tasks_per_job: u64 = first.stages.iter().map(|s| u64::from(s.tasks_total)).sum();
    let expected = tasks_per_job * jobs as u64;
    let writes_before = counting.total();

    let launched = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut members = vec![];
    for index in 0..EXECUTORS {
        let outputs = parallelism as usize;
        members.push(simulated_executor(index, &scheduler, &store, outputs, &launched).await);
    }
    while launched.load(Ordering::Relaxed) < expected {
        assert!(
            started.elapsed() < PATIENCE,
            "{} of {expected} tasks ran in {PATIENCE:?}",
            launched.load(Ordering::Relaxed)
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let elapsed = started.elapsed();
    for id in &ids {
        loop {
            let status = scheduler.status(id).await.expect("a job's status");
            if status.state == pb::JobState::Succeeded as i32 {
                break;
            }
            assert!(
                !kiln_client::is_finished(&status) && started.elapsed() < PATIENCE,
                "job {id} did not succeed: {status:?}"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    // The jobs' last records are written in the background; give them a moment.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let writes = counting.total() - writes_before;
    drop(members);
    coordinator.shutdown().await;
    Figures {
        jobs,
        tasks_per_job,
        elapsed,
        writes,
        stages,
    }
}

/// Runs the cases and writes the figures to `out`.
pub async fn run(out: &Path) {
    let mut rows = String::new();
    let mut lowest = f64::MAX;
    for (jobs, parallelism) in [(1, 10_000), (100, 100), (1_000, 10)] {
        let figures = measure(jobs, parallelism).await;
        let rate = figures.assignments_per_second();
        lowest = lowest.min(rate);
        let per_job = figures.writes as f64 / jobs as f64;
        println!(
            "{jobs} jobs x {} tasks: {:.0} assignments/s, {per_job:.1} writes per job",
            figures.tasks_per_job, rate
        );
        rows.push_str(&format!(
            "| {jobs} | {} | {} | {:.0} ms | **{:.0}** | {:.1} | {:.1} |\n",
            figures.tasks_per_job,
            figures.jobs as u64 * figures.tasks_per_job,
            figures.elapsed.as_secs_f64() * 1000.0,
            rate,
            per_job,
            per_job / figures.stages as f64,
        ));
    }
    let report = format!(
        "# Scheduler throughput\n\n\
         - `kiln-bench scheduler`, release build, 2 cores: the real coordinator (in process, \
         in-memory state store) and {EXECUTORS} simulated executors of {SLOTS} slots, gRPC \
         servers on loopback that report every task they are given as succeeded before \
         answering the launch.\n\
         - Each job has two stages: one task aggregating a small series, hash-partitioned into \
         the final aggregation's tasks. The jobs are submitted before any executor joins; the \
         time runs from the executors joining until every task was assigned and reported \
         (each report makes the scheduler record the outcome, finish stages, resolve and \
         encode the next stage's plans, and assign them).\n\
         - Writes: every state-store write over that time, per job and per stage.\n\n\
         | concurrent jobs | tasks per job | tasks | time | assignments/s | writes per job | writes per stage |\n\
         |---:|---:|---:|---:|---:|---:|---:|\n\
         {rows}\n\
         Slowest case: {lowest:.0} assignments/s (target: at least {TARGET:.0}).\n"
    );
    std::fs::write(out, report).expect("writing the results");
    println!("wrote {}", out.display());
}
