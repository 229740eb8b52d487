//! The faults of the chaos scenarios, each struck at an event of the running job (a task
//! running, a stage done, the sink's commit held at a failpoint), never after a fixed sleep.

use std::time::{Duration, Instant};

use kiln_client::{Client, proto};
use kiln_tests::TestCluster;
use kiln_tests::proxy::TcpProxy;

use super::targets::Target;
use super::{LEASE_TTL_SECS, Scenario};

/// How long a coordinator holds its sink's commit at the failpoint, so that a fault can land
/// inside the commit; the random delay before the fault ranges past it, over the steps after.
const COMMIT_HOLD_MS: u64 = 300;

/// How long the slowed path to etcd holds each message: past the store's request deadline
/// (3 s).
const SLOW_ETCD: Duration = Duration::from_secs(4);

/// The moment of a job at which a fault strikes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A task of the job runs.
    Running,
    /// The job's first stage has completed; the job still runs.
    StageDone,
    /// The leader's sink commit reached its failpoint (file sinks: new files in place, old
    /// ones not yet deleted; database sinks: about to publish).
    Commit,
}

impl Event {
    /// The event of a run: any of them for faults of the leader; a moment with tasks running
    /// for faults of executors and etcd.
    pub fn pick(scenario: Scenario, rng: &mut fastrand::Rng) -> Event {
        match scenario {
            Scenario::LeaderKill
            | Scenario::LeaderPause
            | Scenario::LeaderCutOff
            | Scenario::EtcdSlow
            | Scenario::PostgresRestart => {
                [Event::Running, Event::StageDone, Event::Commit][rng.usize(..3)]
            }
            _ => [Event::Running, Event::StageDone][rng.usize(..2)],
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Event::Running => "task running",
            Event::StageDone => "stage done",
            Event::Commit => "commit",
        }
    }

    /// The failpoint this event waits for, for a file sink or a database sink.
    fn failpoint(self, files: bool) -> Option<&'static str> {
        match (self, files) {
            (Event::Commit, true) => Some("files-commit-before-deletes"),
            (Event::Commit, false) => Some("database-commit-publish"),
            _ => None,
        }
    }

    /// The coordinators' environment for this event: the failpoint that holds the commit.
    pub fn environment(self, files: bool) -> Vec<(String, String)> {
        self.failpoint(files)
            .map(|name| {
                vec![(
                    "FAILPOINTS".into(),
                    format!("{name}=return({COMMIT_HOLD_MS})"),
                )]
            })
            .unwrap_or_default()
    }

    /// Waits for the event; false when the job ended before it.
    async fn reached(
        self,
        files: bool,
        cluster: &TestCluster,
        client: &Client,
        job_id: &str,
    ) -> bool {
        loop {
            if let Ok(status) = client.get(job_id).await {
                if kiln_client::is_finished(&status) {
                    return false;
                }
                let reached = match self.failpoint(files) {
                    Some(name) => !cluster
                        .log_lines_containing(&format!("failpoint {name}"))
                        .is_empty(),
                    None if self == Event::Running => {
                        status.stages.iter().any(|s| s.tasks_running > 0)
                    }
                    None => status
                        .stages
                        .iter()
                        .any(|s| s.state == proto::StageState::Succeeded as i32),
                };
                if reached {
                    return true;
                }
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

/// What striking a fault measured.
#[derive(Debug, Default)]
pub struct Struck {
    /// When the fault struck; `None` when the job ended before its event.
    pub at: Option<Instant>,
    /// From the fault to a new leader, for faults of the leader.
    pub failover: Option<Duration>,
}

/// What to strike, and when: the scenario's fault at `event` of a job whose sink writes
/// files (`files`) or a database.
#[derive(Debug, Clone, Copy)]
pub struct Fault {
    pub scenario: Scenario,
    pub event: Event,
    pub files: bool,
}

/// Waits for the fault's event of the job, then strikes it after a random delay.
pub async fn strike(
    fault: Fault,
    cluster: &mut TestCluster,
    proxies: &[TcpProxy],
    target: &Target,
    client: &Client,
    job_id: &str,
    rng: &mut fastrand::Rng,
) -> Struck {
    let Fault {
        scenario,
        event,
        files,
    } = fault;
    if !event.reached(files, cluster, client, job_id).await {
        return Struck::default();
    }
    let delay = match event {
        Event::Commit => rng.u64(..2 * COMMIT_HOLD_MS),
        _ => rng.u64(..500),
    };
    tokio::time::sleep(Duration::from_millis(delay)).await;
    let ttl = Duration::from_secs(LEASE_TTL_SECS);
    let at = Instant::now();
    let mut struck = Struck {
        at: Some(at),
        failover: None,
    };
    match scenario {
        Scenario::LeaderKill | Scenario::LeaderPause => {
            let Some(leader) = cluster.leader_index().await else {
                return Struck::default();
            };
            if scenario == Scenario::LeaderKill {
                cluster.kill_coordinator(leader);
            } else {
                cluster.pause_coordinator(leader);
            }
            struck.failover = new_leader(cluster, leader, 3 * ttl + Duration::from_secs(10)).await;
            if scenario == Scenario::LeaderPause {
                // The deposed leader wakes while its successor works: it must not act on
                // what it believed before it froze.
                tokio::time::sleep(Duration::from_millis(rng.u64(..2000))).await;
                cluster.resume_coordinator(leader);
            } else {
                cluster.restart_coordinator(leader);
            }
        }
        Scenario::LeaderCutOff => {
            let Some(leader) = cluster.leader_index().await else {
                return Struck::default();
            };
            // It stays cut off: it must stop acting on its own, before a successor leads.
            proxies[leader].cut();
            struck.failover = new_leader(cluster, leader, 3 * ttl + Duration::from_secs(10)).await;
        }
        Scenario::EtcdSlow => {
            let Some(leader) = cluster.leader_index().await else {
                return Struck::default();
            };
            proxies[leader].slow(SLOW_ETCD);
            // Its lease renewals arrive too late too: the leadership moves, unless the
            // successor's own election is what the slowness held up.
            struck.failover = new_leader(cluster, leader, 2 * ttl).await;
            tokio::time::sleep((2 * ttl).saturating_sub(at.elapsed())).await;
            proxies[leader].slow(Duration::ZERO);
        }
        Scenario::ExecutorRestart => {
            cluster.restart_executor_in_place(rng.usize(..3)).await;
        }
        Scenario::ExecutorsLost => {
            for index in 0..3 {
                cluster.kill_executor(index);
            }
            tokio::time::sleep(ttl).await;
            for _ in 0..3 {
                cluster.add_executor(1);
            }
        }
        Scenario::PostgresRestart => tokio::task::block_in_place(|| target.crash_postgres()),
        Scenario::EtcdDown => {
            cluster.etcd.stop();
            tokio::time::sleep(2 * ttl).await;
            cluster.etcd.resume();
        }
        Scenario::SubmitStorm | Scenario::ConcurrentSinks => {
            unreachable!("these scenarios strike faults of their own")
        }
    }
    struck
}

/// Waits until a coordinator other than `old` leads; the time it took, or `None` past `bound`.
pub async fn new_leader(cluster: &TestCluster, old: usize, bound: Duration) -> Option<Duration> {
    let start = Instant::now();
    while start.elapsed() < bound {
        if cluster.leader_index().await.is_some_and(|i| i != old) {
            return Some(start.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    None
}

/// Puts each coordinator behind a proxy of its own to etcd (restarting them one at a time,
/// the standby first), so that the leader can be cut off while everything else still reaches
/// etcd.
pub async fn behind_proxies(cluster: &mut TestCluster) -> Vec<TcpProxy> {
    let etcd = cluster.etcd.endpoint().replace("http://", "");
    let etcd = etcd.parse().expect("etcd listens on a socket address");
    let proxies = vec![TcpProxy::start(etcd).await, TcpProxy::start(etcd).await];
    let bound = 3 * Duration::from_secs(LEASE_TTL_SECS) + Duration::from_secs(10);
    let leader = cluster.leader_index().await.expect("a leader");
    let standby = 1 - leader;
    cluster.kill_coordinator(standby);
    cluster.restart_coordinator_via(standby, proxies[standby].url());
    cluster.kill_coordinator(leader);
    new_leader(cluster, leader, bound)
        .await
        .expect("the standby leads");
    cluster.restart_coordinator_via(leader, proxies[leader].url());
    proxies
}
