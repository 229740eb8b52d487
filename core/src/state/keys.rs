//! The keys of Kiln's cluster state, relative to the cluster's prefix (DESIGN.md section 4).

/// The election whose leader schedules; the leader announces its URL.
pub const LEADER: &str = "leader";

/// Prefix of the live executors, one key per executor bound to its lease.
pub const EXECUTORS: &str = "executors/";

/// Prefix of the records of queued and running jobs. A record also holds the job's completed stages and, while its
/// sink commits, the commit's decision (the winning attempts), so a successor resumes the job
/// and finishes the same commit; there is no separate commit key.
pub const JOBS: &str = "jobs/";

/// Prefix of finished jobs: each job's final `JobStatus`, moved here from [`JOBS`] when it
/// ends. A bounded window (by count and age) that the leader prunes, so neither etcd nor a new
/// leader's take-over grows with the cluster's history.
pub const HISTORY: &str = "history/";

/// The key of one finished job's final `JobStatus`.
pub fn history(job_id: &str) -> String {
    format!("{HISTORY}{job_id}")
}

/// Prefix of ended jobs' webhooks not yet called (`PendingNotifications`), written with the
/// job's end and deleted once called.
pub const NOTIFICATIONS: &str = "notifications/";

/// The key of one ended job's pending webhooks.
pub fn notifications(job_id: &str) -> String {
    format!("{NOTIFICATIONS}{job_id}")
}

/// The key of one executor's `ExecutorInfo`.
pub fn executor(executor_id: &str) -> String {
    format!("{EXECUTORS}{executor_id}")
}

/// The key of one job's `JobRecord`.
pub fn job(job_id: &str) -> String {
    format!("{JOBS}{job_id}")
}

/// Prefix of the data catalog (laid out by the kiln-catalog crate).
pub const CATALOG: &str = "catalog/";

/// Prefix of stored job definitions, one key per name.
pub const DEFINITIONS: &str = "definitions/";

/// The key of one stored job definition.
pub fn definition(name: &str) -> String {
    format!("{DEFINITIONS}{name}")
}

/// Prefix of schedules, one key per name, holding the schedule and its recent ticks.
pub const SCHEDULES: &str = "schedules/";

/// The key of one schedule.
pub fn schedule(name: &str) -> String {
    format!("{SCHEDULES}{name}")
}

/// Prefix of object-created triggers, one key per name.
pub const TRIGGERS: &str = "triggers/";

/// The key of one trigger.
pub fn trigger(name: &str) -> String {
    format!("{TRIGGERS}{name}")
}

/// Prefix of a trigger's events waiting for their batch: `trigger-pending/NAME/EVENT`.
pub const TRIGGER_PENDING: &str = "trigger-pending/";

/// Prefix of a trigger's handled events, kept a while so a redelivered one is known:
/// `trigger-seen/NAME/EVENT`.
pub const TRIGGER_SEEN: &str = "trigger-seen/";

/// The key of requests to the event endpoint that could not be read (a bounded list).
pub const TRIGGER_REJECTED: &str = "trigger-rejected";

/// Prefix of incremental jobs' bookmarks: `bookmarks/NAME/ENDED_AT-JOB_ID` holds the
/// `BookmarkRun` of each successful run of the job NAME, oldest first, written with its end.
pub const BOOKMARKS: &str = "bookmarks/";

/// The prefix of one incremental job's bookmark (its runs).
pub fn bookmark(name: &str) -> String {
    format!("{BOOKMARKS}{name}/")
}

/// The key of one successful run in a job's bookmark; keys sort by when the runs ended.
pub fn bookmark_run(name: &str, ended_at_ms: u64, job_id: &str) -> String {
    format!("{BOOKMARKS}{name}/{ended_at_ms:013}-{job_id}")
}

/// The prefixes of what outlives any process even in the embedded default, which keeps
/// them in its state file: what a user defines, as opposed to what a running cluster is doing.
pub const DURABLE: &[&str] = &[CATALOG, DEFINITIONS, SCHEDULES, TRIGGERS, BOOKMARKS];
