//! `kiln-bench chaos`: seeded, randomized fault scenarios against real processes (1 etcd, 2
//! coordinators, 3 single-slot executors, a 2 s lease). Each run loads the numbered rows into
//! a sink picked by its seed (Parquet in three save modes, PostgreSQL in three, MariaDB,
//! SQLite) over earlier data, strikes a fault at an event of the job, and counts what Kiln
//! promises never happens: rows lost or duplicated, a job state its data contradicts, a job
//! that never ends, leftovers; with the failover time and the largest etcd record.

mod faults;
mod targets;

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use kiln_client::{Client, ClientError, proto};
use kiln_tests::TestCluster;
use kiln_tests::cluster::ClusterOptions;
use kiln_tests::sinks::sink_job;

use faults::Event;
use targets::{Kind, Target};

/// The lease TTL of every run's processes.
pub const LEASE_TTL_SECS: u64 = 2;

/// How long a job may take before it counts as hung.
const HANG_BOUND: Duration = Duration::from_secs(180);

/// How long a job's leftovers may take to go after it ended.
const CLEANUP_BOUND: Duration = Duration::from_secs(30);

/// Rows per job of the submit storm.
const STORM_ROWS: usize = 20_000;

/// Jobs submitted by the submit storm.
const STORM_JOBS: usize = 12;

/// A kind of fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scenario {
    /// SIGKILL of the leader at an event of the job (commit steps included); it restarts.
    LeaderKill,
    /// SIGSTOP of the leader until a successor leads, then SIGCONT while the successor works.
    LeaderPause,
    /// An executor SIGKILLed and started again at once with the same id and ports.
    ExecutorRestart,
    /// Every executor SIGKILLed; new ones join a lease TTL later.
    ExecutorsLost,
    /// etcd stopped for twice the lease TTL while tasks run.
    EtcdDown,
    /// Jobs submitted one after another while the leader is killed every few seconds.
    SubmitStorm,
    /// The leader cut off from etcd (a proxy drops its connections) while clients and
    /// executors still reach it.
    LeaderCutOff,
    /// Everything between the leader and etcd held past the store's request deadline for
    /// twice the lease TTL (its writes arrive late, after a successor may lead), then fast
    /// again.
    EtcdSlow,
    /// Four jobs appending at once into one database table, the leader killed at the
    /// first commit.
    ConcurrentSinks,
    /// The PostgreSQL server the job loads into crashed (`pg_ctl -m immediate`, which
    /// empties unlogged staging tables) and restarted, between the loads and the commit.
    PostgresRestart,
}

impl Scenario {
    fn name(self) -> &'static str {
        match self {
            Scenario::LeaderKill => "leader SIGKILL",
            Scenario::LeaderPause => "leader SIGSTOP",
            Scenario::ExecutorRestart => "executor restarted in place",
            Scenario::ExecutorsLost => "all executors lost",
            Scenario::EtcdDown => "etcd down 2x TTL",
            Scenario::SubmitStorm => "submit storm, leader killed",
            Scenario::LeaderCutOff => "leader cut off from etcd",
            Scenario::EtcdSlow => "etcd slowed past its deadline",
            Scenario::ConcurrentSinks => "concurrent sinks, leader killed",
            Scenario::PostgresRestart => "PostgreSQL crashed and restarted",
        }
    }
}

/// What one run found.
#[derive(Debug, Default)]
struct Run {
    seed: u64,
    /// What the run loaded into, and at which event its fault struck.
    setting: String,
    /// Faults struck (0 when the job ended before its event).
    faults: usize,
    /// Jobs accepted, and how many of them succeeded.
    jobs: usize,
    succeeded: usize,
    /// Rows missing from, and rows too many in, the targets.
    lost: u64,
    duplicated: u64,
    /// Jobs whose state their target contradicts, or accepted jobs gone.
    lying: Vec<String>,
    hung: usize,
    leftovers: Vec<String>,
    /// Why jobs that did not succeed ended as they did (not a broken promise in itself).
    failures: Vec<String>,
    failovers: Vec<Duration>,
    /// From the fault to the job's end.
    to_end: Option<Duration>,
    largest_record: usize,
}

/// Runs `runs` seeded runs of each scenario and writes the figures to `out`.
pub async fn run(scenarios: &[Scenario], runs: usize, seed: u64, rows: usize, out: &Path) {
    let input = tempfile::tempdir().expect("a temp dir");
    let files = 6;
    kiln_tests::sinks::write_numbered_parquet(input.path(), files, rows / files).await;
    let rows = rows / files * files;
    let mut report = String::new();
    let mut failed = false;
    for &scenario in scenarios {
        let mut results = vec![];
        for i in 0..runs as u64 {
            let seed = seed + i;
            let result = match scenario {
                Scenario::SubmitStorm => storm(seed).await,
                Scenario::ConcurrentSinks => concurrent(seed).await,
                _ => one_job(scenario, seed, input.path(), rows).await,
            };
            println!("{} seed {seed}: {}", scenario.name(), summary(&result));
            results.push(result);
        }
        failed |= results.iter().any(broken);
        report_scenario(&mut report, scenario, &results);
    }
    write_report(out, &report, scenarios, runs, seed, rows);
    println!("wrote {}", out.display());
    if failed {
        eprintln!("some runs broke a promise: see {}", out.display());
        std::process::exit(1);
    }
}

/// Whether a run broke one of the promises.
fn broken(run: &Run) -> bool {
    run.lost > 0
        || run.duplicated > 0
        || !run.lying.is_empty()
        || run.hung > 0
        || !run.leftovers.is_empty()
}

fn summary(run: &Run) -> String {
    let mut text = format!(
        "{}; {}/{} succeeded, faults {}",
        run.setting, run.succeeded, run.jobs, run.faults
    );
    if let Some(failover) = run.failovers.iter().max() {
        let _ = write!(text, ", failover {} ms", failover.as_millis());
    }
    if let Some(to_end) = run.to_end {
        let _ = write!(text, ", fault to end {} ms", to_end.as_millis());
    }
    for failure in &run.failures {
        let _ = write!(text, "; failed: {failure}");
    }
    if broken(run) {
        let _ = write!(
            text,
            " BROKEN: lost {} duplicated {} lying {:?} hung {} leftovers {:?}",
            run.lost, run.duplicated, run.lying, run.hung, run.leftovers
        );
    }
    text
}

/// The cluster of every run, its coordinators started with `environment`, every process with
/// `env`.
async fn cluster(environment: Vec<(String, String)>, env: Vec<(String, String)>) -> TestCluster {
    TestCluster::start(ClusterOptions {
        env,
        coordinators: 2,
        executors: 3,
        slots: 1,
        shuffle_partitions: 6,
        lease_ttl_secs: LEASE_TTL_SECS,
        coordinator_env: vec![environment.clone(), environment],
        ..ClusterOptions::default()
    })
    .await
}

/// The job of a run: the numbered rows of `input` (or `rows` generated ones, after `from`),
/// through an aggregation (so the job has a shuffle and two stages), into `target`.
fn job(input: Option<&Path>, from: usize, rows: usize, target: &Target) -> proto::JobSpec {
    let (sources, from) = match input {
        Some(dir) => (
            vec![proto::SourceSpec {
                name: "t".into(),
                format: "parquet".into(),
                path: format!("{}/", dir.display()),
                options: Default::default(),
            }],
            "t".to_string(),
        ),
        None => (
            vec![],
            format!(
                "(SELECT value AS id, value % 97 AS bucket, repeat('x', 60) AS pad \
                 FROM generate_series({}, {}))",
                from + 1,
                from + rows
            ),
        ),
    };
    let sql = format!(
        "SELECT id, max(bucket) AS bucket, max(pad) AS pad FROM {from} AS rows GROUP BY id"
    );
    let mut spec = sink_job(sources, &sql, target.sink());
    spec.options = Some(proto::JobOptions {
        parallelism: 6,
        ..Default::default()
    });
    spec
}

/// Polls `job_id` until it ends (errors while the leader changes are waited out); `None`
/// past `bound`.
async fn wait_for_end(
    client: &Client,
    job_id: &str,
    bound: Duration,
) -> Option<Result<proto::JobStatus, ClientError>> {
    let start = Instant::now();
    while start.elapsed() < bound {
        match client.get(job_id).await {
            Ok(status) if kiln_client::is_finished(&status) => return Some(Ok(status)),
            Err(e @ ClientError::NotFound(_)) => return Some(Err(e)),
            _ => {}
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    None
}

/// Checks a job's target against its final state, adding what is wrong to `run`.
async fn check(
    run: &mut Run,
    job_id: &str,
    target: &Target,
    status: Option<Result<proto::JobStatus, ClientError>>,
) {
    let status = match status {
        None => {
            run.hung += 1;
            return;
        }
        Some(Err(e)) => {
            run.lying
                .push(format!("accepted job {job_id} is gone: {e}"));
            return;
        }
        Some(Ok(status)) => status,
    };
    let succeeded = status.state == proto::JobState::Succeeded as i32;
    run.succeeded += usize::from(succeeded);
    if !succeeded {
        run.failures.push(status.error.clone());
    }
    let expected = target.expected(succeeded);
    let found = target.counts().await;
    if found != expected {
        run.lying.push(format!(
            "job {job_id} ({}{}{}): {found}, expected {expected}",
            kiln_client::state_name(status.state),
            if status.error.is_empty() { "" } else { ": " },
            status.error
        ));
        run.lost += expected.distinct.saturating_sub(found.distinct);
        run.duplicated += found.rows.saturating_sub(found.distinct);
    }
    // A failed job's output is removed after it ended, retried while its store is down.
    let deadline = Instant::now() + CLEANUP_BOUND;
    let mut leftovers = target.leftovers();
    while !leftovers.is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
        leftovers = target.leftovers();
    }
    run.leftovers.extend(leftovers);
}

/// One job under one fault.
async fn one_job(scenario: Scenario, seed: u64, input: &Path, rows: usize) -> Run {
    let mut rng = fastrand::Rng::with_seed(seed);
    let kinds: Vec<Kind> = match scenario {
        Scenario::PostgresRestart => Kind::ALL.into_iter().filter(|k| k.is_postgres()).collect(),
        _ => Kind::ALL.to_vec(),
    };
    let kind = kinds[rng.usize(..kinds.len())];
    let event = Event::pick(scenario, &mut rng);
    let private_postgres = scenario == Scenario::PostgresRestart;
    let target = Target::prepare(kind, rows, private_postgres).await;
    let env = match private_postgres {
        true => targets::private_postgres_env(),
        false => vec![],
    };
    let mut cluster = cluster(event.environment(kind.is_files()), env).await;
    let proxies = match scenario {
        Scenario::LeaderCutOff | Scenario::EtcdSlow => faults::behind_proxies(&mut cluster).await,
        _ => vec![],
    };
    let client = cluster.client().await;
    let mut run = Run {
        seed,
        setting: format!("{}, at {}", kind.name(), event.name()),
        jobs: 1,
        ..Run::default()
    };
    let job_id = client
        .submit(job(Some(input), 0, rows, &target))
        .await
        .expect("submitting");
    let fault = faults::Fault {
        scenario,
        event,
        files: kind.is_files(),
    };
    let struck = faults::strike(
        fault,
        &mut cluster,
        &proxies,
        &target,
        &client,
        &job_id,
        &mut rng,
    )
    .await;
    let status = wait_for_end(&client, &job_id, HANG_BOUND).await;
    if let Some(at) = struck.at {
        run.faults = 1;
        run.to_end = status.is_some().then(|| at.elapsed());
    }
    run.failovers.extend(struck.failover);
    if matches!(
        scenario,
        Scenario::LeaderKill | Scenario::LeaderPause | Scenario::LeaderCutOff
    ) && struck.at.is_some()
        && struck.failover.is_none()
    {
        run.lying
            .push("no new leader within 3 lease TTLs + 10 s".into());
    }
    check(&mut run, &job_id, &target, status).await;
    run.largest_record = largest_record(&cluster).await;
    if broken(&run) {
        let dir = std::env::temp_dir().join(format!("kiln-chaos-seed-{seed}"));
        if cluster.save_logs(&dir).is_ok() {
            eprintln!("seed {seed}: the processes' logs are in {}", dir.display());
        }
    }
    run
}

/// Jobs submitted one after another while the leader is killed (and restarted) every few
/// seconds: every accepted job must end, as its target says.
async fn storm(seed: u64) -> Run {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut cluster = cluster(vec![], vec![]).await;
    let client = cluster.client().await;
    let mut targets = vec![];
    for _ in 0..STORM_JOBS {
        targets.push(Target::prepare(Kind::ParquetErrorIfExists, STORM_ROWS, false).await);
    }
    let specs: Vec<_> = targets
        .iter()
        .map(|t| job(None, 0, STORM_ROWS, t))
        .collect();
    let gaps: Vec<u64> = (0..STORM_JOBS).map(|_| rng.u64(50..400)).collect();
    let submitting = client.clone();
    let submitter = tokio::spawn(async move {
        let mut accepted = vec![];
        for (index, (spec, gap)) in specs.into_iter().zip(gaps).enumerate() {
            // A submission refused while no coordinator leads is not an accepted job.
            if let Ok(job_id) = submitting.submit(spec).await {
                accepted.push((index, job_id));
            }
            tokio::time::sleep(Duration::from_millis(gap)).await;
        }
        accepted
    });
    let mut run = Run {
        seed,
        setting: format!("{STORM_JOBS} parquet jobs"),
        ..Run::default()
    };
    let ttl = Duration::from_secs(LEASE_TTL_SECS);
    while !submitter.is_finished() {
        tokio::time::sleep(Duration::from_millis(rng.u64(1000..3000))).await;
        let Some(leader) = cluster.leader_index().await else {
            continue;
        };
        cluster.kill_coordinator(leader);
        run.faults += 1;
        match faults::new_leader(&cluster, leader, 3 * ttl + Duration::from_secs(10)).await {
            Some(failover) => run.failovers.push(failover),
            None => run
                .lying
                .push("no new leader within 3 lease TTLs + 10 s".into()),
        }
        cluster.restart_coordinator(leader);
    }
    let accepted = submitter.await.expect("the submitter");
    run.jobs = accepted.len();
    let deadline = Instant::now() + HANG_BOUND;
    for (index, job_id) in accepted {
        let left = deadline.saturating_duration_since(Instant::now());
        let status = wait_for_end(&client, &job_id, left).await;
        check(&mut run, &job_id, &targets[index], status).await;
    }
    run.largest_record = largest_record(&cluster).await;
    run
}

/// Jobs appending at once into one table (PostgreSQL, MariaDB or SQLite, by the seed), the
/// leader killed when the first commit reaches its failpoint: each job's rows must be there
/// exactly once if it succeeded and not at all if it failed, and the earlier rows untouched.
async fn concurrent(seed: u64) -> Run {
    const JOBS: usize = 4;
    let mut rng = fastrand::Rng::with_seed(seed);
    let kinds = [
        Kind::PostgresAppend,
        Kind::MariadbAppend,
        Kind::SqliteAppend,
    ];
    let kind = kinds[rng.usize(..kinds.len())];
    let target = Target::prepare(kind, JOBS * STORM_ROWS, false).await;
    let mut cluster = cluster(Event::Commit.environment(false), vec![]).await;
    let client = cluster.client().await;
    let mut run = Run {
        seed,
        setting: format!("{JOBS} jobs into one {} table", kind.name()),
        ..Run::default()
    };
    let mut accepted = vec![];
    for index in 0..JOBS {
        let spec = job(None, index * STORM_ROWS, STORM_ROWS, &target);
        accepted.push(client.submit(spec).await.expect("submitting"));
    }
    run.jobs = accepted.len();
    let fault = faults::Fault {
        scenario: Scenario::LeaderKill,
        event: Event::Commit,
        files: false,
    };
    let struck = faults::strike(
        fault,
        &mut cluster,
        &[],
        &target,
        &client,
        &accepted[0],
        &mut rng,
    )
    .await;
    run.faults = usize::from(struck.at.is_some());
    run.failovers.extend(struck.failover);
    let deadline = Instant::now() + HANG_BOUND;
    for (index, job_id) in accepted.iter().enumerate() {
        let left = deadline.saturating_duration_since(Instant::now());
        let status = match wait_for_end(&client, job_id, left).await {
            None => {
                run.hung += 1;
                continue;
            }
            Some(Err(e)) => {
                run.lying
                    .push(format!("accepted job {job_id} is gone: {e}"));
                continue;
            }
            Some(Ok(status)) => status,
        };
        let succeeded = status.state == proto::JobState::Succeeded as i32;
        run.succeeded += usize::from(succeeded);
        if !succeeded {
            run.failures.push(status.error.clone());
        }
        let from = (index * STORM_ROWS) as i64 + 1;
        let found = target.rows_between(from, from + STORM_ROWS as i64 - 1);
        let expected = if succeeded { STORM_ROWS as u64 } else { 0 };
        if found != expected {
            run.lying.push(format!(
                "job {job_id} ({}): {found} of its rows, expected {expected}",
                kiln_client::state_name(status.state)
            ));
            run.lost += expected.saturating_sub(found);
        }
    }
    if let Some(at) = struck.at {
        run.to_end = Some(at.elapsed());
    }
    let counts = target.counts().await;
    run.duplicated += counts.rows.saturating_sub(counts.distinct);
    if counts.old != 100 {
        run.lying
            .push(format!("the earlier rows changed: {counts}"));
    }
    run.leftovers.extend(target.leftovers());
    run.largest_record = largest_record(&cluster).await;
    run
}

/// The size of the largest value in the cluster's etcd.
async fn largest_record(cluster: &TestCluster) -> usize {
    let Ok(mut etcd) = etcd_client::Client::connect([cluster.etcd.endpoint()], None).await else {
        return 0;
    };
    let options = etcd_client::GetOptions::new().with_prefix();
    match etcd.get("", Some(options)).await {
        Ok(response) => response
            .kvs()
            .iter()
            .map(|kv| kv.value().len())
            .max()
            .unwrap_or(0),
        Err(_) => 0,
    }
}

fn median(mut values: Vec<Duration>) -> Option<Duration> {
    values.sort();
    values.get(values.len() / 2).copied()
}

fn millis(value: Option<Duration>) -> String {
    value.map_or("-".into(), |d| format!("{} ms", d.as_millis()))
}

fn report_scenario(report: &mut String, scenario: Scenario, runs: &[Run]) {
    let failovers: Vec<Duration> = runs
        .iter()
        .flat_map(|r| r.failovers.iter().copied())
        .collect();
    let to_end: Vec<Duration> = runs.iter().filter_map(|r| r.to_end).collect();
    let _ = writeln!(
        report,
        "| {} | {} | {} | {}/{} | {} | {} | {} | {} | {} | {} | {} / {} | {} / {} | {} |",
        scenario.name(),
        runs.len(),
        runs.iter().map(|r| r.faults).sum::<usize>(),
        runs.iter().map(|r| r.succeeded).sum::<usize>(),
        runs.iter().map(|r| r.jobs).sum::<usize>(),
        runs.iter().map(|r| r.lost).sum::<u64>(),
        runs.iter().map(|r| r.duplicated).sum::<u64>(),
        runs.iter().map(|r| r.lying.len()).sum::<usize>(),
        runs.iter().map(|r| r.hung).sum::<usize>(),
        runs.iter().map(|r| r.leftovers.len()).sum::<usize>(),
        runs.iter().filter(|r| broken(r)).count(),
        millis(median(failovers.clone())),
        millis(failovers.iter().max().copied()),
        millis(median(to_end.clone())),
        millis(to_end.iter().max().copied()),
        runs.iter().map(|r| r.largest_record).max().unwrap_or(0),
    );
    for run in runs.iter().filter(|r| broken(r)) {
        let _ = writeln!(
            report,
            "<!-- broken: seed {}: {} -->",
            run.seed,
            summary(run)
        );
    }
}

fn write_report(
    out: &Path,
    rows: &str,
    scenarios: &[Scenario],
    runs: usize,
    seed: u64,
    job_rows: usize,
) {
    let names: Vec<String> = scenarios
        .iter()
        .map(|s| {
            clap::ValueEnum::to_possible_value(s)
                .map_or(String::new(), |v| v.get_name().to_string())
        })
        .collect();
    let mut text = format!(
        "# Chaos suite\n\n\
         `kiln-bench chaos --runs {runs} --seed {seed} --rows {job_rows} --scenarios {}` (release \
         build): 1 etcd, 2 coordinators, 3 single-slot executors, lease TTL {LEASE_TTL_SECS} s. \
         Each run loads {job_rows} numbered rows (through a GROUP BY: two stages and a shuffle) \
         into a sink its seed picks (Parquet overwrite over earlier files, error_if_exists, \
         ignore; PostgreSQL append, overwrite, upsert; MariaDB append; SQLite append; each \
         with 100 earlier rows) and strikes its fault at an event its seed picks (a task \
         running, a stage done, the commit held at its failpoint). A job that succeeded must \
         hold exactly its rows and the earlier ones its mode keeps; a job that failed must \
         have left the earlier data untouched. The storm submits {STORM_JOBS} jobs of \
         {STORM_ROWS} rows while the leader is killed every 1-3 s; the concurrent sinks are 4 \
         jobs of {STORM_ROWS} rows appending at once into one table.\n\n\
         | scenario | runs | faults struck | jobs succeeded | rows lost | rows duplicated | \
         lying states | hangs | leftovers | broken runs | failover median / max | \
         fault to job end median / max | largest etcd record (bytes) |\n\
         |---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
        names.join(",")
    );
    text.push_str(rows);
    // What was found and fixed is written by hand below the figures, and kept.
    let earlier = std::fs::read_to_string(out).unwrap_or_default();
    if let Some(at) = earlier.find("\n## Findings") {
        text.push_str(&earlier[at..]);
    }
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).expect("the results directory");
    }
    std::fs::write(out, text).expect("writing the results");
}
