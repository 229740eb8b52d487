//! Stored job definitions and the cron schedules that run them.
//!
//! A definition is a job file kept under a name (`definitions/NAME`), parsed again with
//! its parameters each time it starts, so a run records which version it ran. A schedule
//! (`schedules/NAME`) names a definition, a cron expression in a time zone and policies;
//! the leader fires its ticks ([`firing`]). Every write is fenced by the leader's election,
//! so a deposed leader changes nothing.
//!
//! A tick runs at most once across failovers: its job is submitted with the request id
//! `schedule:NAME:TICK`, which the cluster remembers with the job, and only then is the tick
//! recorded as handled. A leader that dies between the two leaves the tick due; its
//! successor submits it again under the same request id and gets the same job back.

mod cron;
mod error;
mod firing;
mod ticks;

pub use error::ScheduleError;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use kiln_core::ids::now_ms;
use kiln_core::state::{Fence, StateStore, keys};
use kiln_jobs::JobSpecError as SpecError;
use kiln_jobs::params::RUN_VALUE_PREFIX;
use kiln_proto::v1 as pb;
use prost::Message;
use tokio::sync::{Mutex, Notify};

use self::cron::Cron;
use crate::error::{CoordinatorError, Result};
use crate::scheduler::Scheduler;

/// Runs kept per schedule when it does not say.
const DEFAULT_HISTORY_LIMIT: u32 = 20;

/// The label naming the stored job definition a job was started from.
pub const DEFINITION_LABEL: &str = "kiln.definition";
/// The label holding the version of that definition the job ran.
pub const VERSION_LABEL: &str = "kiln.definition_version";

/// The schedules as the leader holds them, and the leadership they were loaded under.
#[derive(Default)]
struct Timetable {
    fence: Option<Fence>,
    schedules: BTreeMap<String, pb::Schedule>,
}

/// Stored job definitions and schedules, served and fired by the leader.
pub struct Schedules {
    scheduler: Arc<Scheduler>,
    store: Arc<dyn StateStore>,
    /// Held while a schedule is changed or fired, so neither overwrites the other.
    timetable: Mutex<Timetable>,
    /// Wakes the firing loop when a schedule changes.
    changed: Notify,
    /// Crawlers that schedules or triggers started and that still run.
    crawling: Arc<std::sync::Mutex<HashSet<String>>>,
}

/// Names of definitions, schedules and triggers: they are keys, and appear in request ids.
pub(crate) fn check_name(what: &'static str, name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        return Ok(());
    }
    Err(ScheduleError::Invalid {
        what,
        name: name.to_string(),
        message:
            "a name is 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit"
                .into(),
    }
    .into())
}

impl Schedules {
    /// Definitions and schedules of the cluster in `store`, run through `scheduler`.
    pub fn new(scheduler: Arc<Scheduler>, store: Arc<dyn StateStore>) -> Arc<Self> {
        Arc::new(Self {
            scheduler,
            store,
            timetable: Mutex::new(Timetable::default()),
            changed: Notify::new(),
            crawling: Arc::default(),
        })
    }

    // Definitions ------------------------------------------------------------------------

    /// Stores `definition` (version 1, or one more than the stored one), checking that it
    /// parses with its defaults.
    pub async fn put_definition(
        &self,
        mut definition: pb::JobDefinition,
        create_only: bool,
        update_only: bool,
    ) -> Result<pb::JobDefinition> {
        let fence = self.scheduler.require_leader().await?;
        check_name("job definition", &definition.name)?;
        let existing = self.definition(&definition.name).await;
        let existing = match existing {
            Ok(existing) => Some(existing),
            Err(CoordinatorError::Schedule(ScheduleError::NotFound { .. })) => None,
            Err(e) => return Err(e),
        };
        match (&existing, create_only, update_only) {
            (Some(_), true, _) => {
                return Err(ScheduleError::AlreadyExists {
                    kind: "job definition",
                    name: definition.name,
                }
                .into());
            }
            (None, _, true) => {
                return Err(ScheduleError::NotFound {
                    kind: "job definition",
                    name: definition.name,
                }
                .into());
            }
            _ => {}
        }
        // A file that does not parse is refused now, not at 3 am; one that needs a parameter
        // without a default gets it when it starts.
        match spec_of(&definition, &HashMap::new()) {
            Ok(_) | Err(SpecError::MissingParam { .. }) => {}
            Err(e) => return Err(CoordinatorError::InvalidJob(e.to_string())),
        }
        let now = now_ms();
        definition.version = existing.as_ref().map_or(1, |d| d.version + 1);
        definition.created_at_ms = existing.as_ref().map_or(now, |d| d.created_at_ms);
        definition.updated_at_ms = now;
        self.store
            .put(
                &keys::definition(&definition.name),
                definition.encode_to_vec(),
                Some(&fence),
            )
            .await?;
        tracing::info!(name = %definition.name, version = definition.version, "job definition stored");
        Ok(definition)
    }

    /// The stored definition `name`.
    pub async fn definition(&self, name: &str) -> Result<pb::JobDefinition> {
        let bytes = self.store.get(&keys::definition(name)).await?;
        let bytes = bytes.ok_or_else(|| ScheduleError::NotFound {
            kind: "job definition",
            name: name.to_string(),
        })?;
        decode("job definition", name, &bytes)
    }

    /// Every stored definition, by name.
    pub async fn definitions(&self) -> Result<Vec<pb::JobDefinition>> {
        let entries = self.store.list(keys::DEFINITIONS).await?;
        entries
            .iter()
            .map(|(key, value)| {
                let name = key.trim_start_matches(keys::DEFINITIONS);
                decode("job definition", name, value)
            })
            .collect()
    }

    /// Deletes definition `name`, unless a schedule runs it.
    pub async fn delete_definition(&self, name: &str) -> Result<()> {
        let fence = self.scheduler.require_leader().await?;
        self.definition(name).await?;
        let timetable = self.loaded(&fence).await?;
        if let Some(schedule) = timetable.schedules.values().find(|s| s.job == name) {
            return Err(ScheduleError::InUse {
                definition: name.to_string(),
                schedule: schedule.name.clone(),
            }
            .into());
        }
        self.store
            .delete(&keys::definition(name), Some(&fence))
            .await?;
        Ok(())
    }

    /// Starts definition `name` now with `params` over its defaults; returns the job id and
    /// the version it ran. `params` may not set Kiln's own run values.
    pub async fn start_definition(
        &self,
        name: &str,
        params: HashMap<String, String>,
        request_id: String,
    ) -> Result<(String, u32)> {
        if let Some(reserved) = params.keys().find(|k| k.starts_with(RUN_VALUE_PREFIX)) {
            return Err(CoordinatorError::InvalidJob(format!(
                "parameter '{reserved}': names starting with '{RUN_VALUE_PREFIX}' are Kiln's \
                 own run values"
            )));
        }
        self.start(name, &params, request_id).await
    }

    /// Starts definition `name` with `params` (Kiln's run values included).
    pub(crate) async fn start(
        &self,
        name: &str,
        params: &HashMap<String, String>,
        request_id: String,
    ) -> Result<(String, u32)> {
        let definition = self.definition(name).await?;
        // The run's id: the request id, the same when a retry or a successor starts it again.
        let mut params = params.clone();
        if !request_id.is_empty() {
            params.insert(format!("{RUN_VALUE_PREFIX}run_id"), request_id.clone());
        }
        let spec = spec_of(&definition, &params)
            .map_err(|e| CoordinatorError::InvalidJob(e.to_string()))?;
        let job_id = self.scheduler.submit(spec, request_id).await?;
        Ok((job_id, definition.version))
    }

    /// Starts crawler `name` in the background (on this leader's fenced catalog), unless it
    /// runs already from a schedule or trigger; false when it does. `landed` names the objects
    /// a trigger's events said landed (see [`kiln_catalog::crawler::crawl`]).
    pub(crate) async fn start_crawl(&self, name: &str, landed: Vec<String>) -> Result<bool> {
        let catalog = self.scheduler.catalog().await?;
        let crawler = catalog.crawler(name).await?;
        if !self
            .crawling
            .lock()
            .expect("crawling lock")
            .insert(name.to_string())
        {
            return Ok(false);
        }
        let state = self.scheduler.session_state();
        let crawling = Arc::clone(&self.crawling);
        let name = name.to_string();
        tokio::spawn(async move {
            match kiln_catalog::crawler::crawl(&catalog, &state, &crawler, false, &landed).await {
                Ok(run) => {
                    tracing::info!(crawler = %name, errors = run.errors.len(), "crawl ended")
                }
                Err(error) => tracing::warn!(crawler = %name, %error, "crawl failed"),
            }
            crawling.lock().expect("crawling lock").remove(&name);
        });
        Ok(true)
    }

    /// Whether crawler `name` runs now, started by a schedule or trigger.
    pub(crate) fn is_crawling(&self, name: &str) -> bool {
        self.crawling.lock().expect("crawling lock").contains(name)
    }

    /// Checks that `what` named `name` runs exactly one of a stored job and a crawler, and
    /// that it exists.
    pub(crate) async fn check_target(
        &self,
        what: &'static str,
        name: &str,
        job: &str,
        crawler: &str,
    ) -> Result<()> {
        let invalid = |message: &str| ScheduleError::Invalid {
            what,
            name: name.to_string(),
            message: message.to_string(),
        };
        match (job.is_empty(), crawler.is_empty()) {
            (true, true) => Err(invalid("it names neither a stored job nor a crawler").into()),
            (false, false) => {
                Err(invalid("it names both a stored job and a crawler; pick one").into())
            }
            (false, true) => self.definition(job).await.map(drop),
            (true, false) => {
                let catalog = self.scheduler.catalog().await?;
                catalog.crawler(crawler).await?;
                Ok(())
            }
        }
    }

    // Schedules --------------------------------------------------------------------------

    /// The timetable, loaded from the store if it was loaded under another leadership.
    async fn loaded(&self, fence: &Fence) -> Result<tokio::sync::MutexGuard<'_, Timetable>> {
        let mut timetable = self.timetable.lock().await;
        if timetable.fence.as_ref() != Some(fence) {
            let mut schedules = BTreeMap::new();
            for (key, value) in self.store.list(keys::SCHEDULES).await? {
                let name = key.trim_start_matches(keys::SCHEDULES).to_string();
                let schedule: pb::Schedule = decode("schedule", &name, &value)?;
                schedules.insert(name, schedule);
            }
            tracing::info!(schedules = schedules.len(), "schedules loaded");
            *timetable = Timetable {
                fence: Some(fence.clone()),
                schedules,
            };
        }
        Ok(timetable)
    }

    /// Creates or replaces a schedule; a replaced one keeps its history and last tick.
    pub async fn put_schedule(&self, mut schedule: pb::Schedule) -> Result<pb::Schedule> {
        let fence = self.scheduler.require_leader().await?;
        check_name("schedule", &schedule.name)?;
        Cron::parse(&schedule.name, &schedule.cron, &schedule.time_zone)?;
        self.check_target("schedule", &schedule.name, &schedule.job, &schedule.crawler)
            .await?;
        if let Some(reserved) = schedule
            .params
            .keys()
            .find(|k| k.starts_with(RUN_VALUE_PREFIX))
        {
            return Err(ScheduleError::schedule(
                &schedule.name,
                format!("parameter '{reserved}' is one of Kiln's own run values"),
            )
            .into());
        }
        let mut timetable = self.loaded(&fence).await?;
        match timetable.schedules.get(&schedule.name) {
            Some(existing) => {
                schedule.last_tick_ms = existing.last_tick_ms;
                schedule.runs = existing.runs.clone();
                schedule.created_at_ms = existing.created_at_ms;
            }
            None => {
                // A new schedule fires from now on, not for the past.
                schedule.last_tick_ms = now_ms();
                schedule.runs = vec![];
                schedule.created_at_ms = now_ms();
            }
        }
        if schedule.history_limit == 0 {
            schedule.history_limit = DEFAULT_HISTORY_LIMIT;
        }
        schedule.next_tick_ms = 0;
        self.store
            .put(
                &keys::schedule(&schedule.name),
                schedule.encode_to_vec(),
                Some(&fence),
            )
            .await?;
        timetable
            .schedules
            .insert(schedule.name.clone(), schedule.clone());
        drop(timetable);
        self.changed.notify_one();
        tracing::info!(name = %schedule.name, cron = %schedule.cron, "schedule stored");
        Ok(with_next_tick(schedule))
    }

    /// Every schedule with its next tick.
    pub async fn schedules(&self) -> Result<Vec<pb::Schedule>> {
        let fence = self.scheduler.require_leader().await?;
        let timetable = self.loaded(&fence).await?;
        Ok(timetable
            .schedules
            .values()
            .cloned()
            .map(with_next_tick)
            .collect())
    }

    /// Deletes schedule `name`.
    pub async fn delete_schedule(&self, name: &str) -> Result<()> {
        let fence = self.scheduler.require_leader().await?;
        let mut timetable = self.loaded(&fence).await?;
        if !timetable.schedules.contains_key(name) {
            return Err(not_found_schedule(name));
        }
        self.store
            .delete(&keys::schedule(name), Some(&fence))
            .await?;
        timetable.schedules.remove(name);
        Ok(())
    }

    /// Suspends or resumes schedule `name`. A resumed schedule fires from now on: the ticks
    /// it slept through are not missed ticks.
    pub async fn suspend_schedule(&self, name: &str, suspended: bool) -> Result<pb::Schedule> {
        let fence = self.scheduler.require_leader().await?;
        let mut timetable = self.loaded(&fence).await?;
        let mut schedule = timetable
            .schedules
            .get(name)
            .cloned()
            .ok_or_else(|| not_found_schedule(name))?;
        if schedule.suspended && !suspended {
            schedule.last_tick_ms = now_ms();
        }
        schedule.suspended = suspended;
        self.store
            .put(
                &keys::schedule(name),
                schedule.encode_to_vec(),
                Some(&fence),
            )
            .await?;
        timetable
            .schedules
            .insert(name.to_string(), schedule.clone());
        drop(timetable);
        self.changed.notify_one();
        Ok(with_next_tick(schedule))
    }
}

fn not_found_schedule(name: &str) -> CoordinatorError {
    ScheduleError::NotFound {
        kind: "schedule",
        name: name.to_string(),
    }
    .into()
}

/// `schedule` with the time of its next tick filled in.
fn with_next_tick(mut schedule: pb::Schedule) -> pb::Schedule {
    schedule.next_tick_ms = match Cron::parse(&schedule.name, &schedule.cron, &schedule.time_zone) {
        Ok(cron) if !schedule.suspended => cron
            .next_after(schedule.last_tick_ms.max(now_ms()))
            .unwrap_or(0),
        _ => 0,
    };
    schedule
}

/// The job spec of `definition` with `params`, labelled with the definition and version.
fn spec_of(
    definition: &pb::JobDefinition,
    params: &HashMap<String, String>,
) -> std::result::Result<pb::JobSpec, SpecError> {
    let origin = format!(
        "job definition '{}' v{}",
        definition.name,
        definition.version.max(1)
    );
    let mut spec = kiln_jobs::parse_job(
        &definition.toml,
        &origin,
        Path::new(&definition.base_dir),
        params,
    )?;
    spec.labels
        .insert(DEFINITION_LABEL.into(), definition.name.clone());
    spec.labels
        .insert(VERSION_LABEL.into(), definition.version.to_string());
    for (name, value) in params {
        spec.labels.insert(format!("param.{name}"), value.clone());
    }
    Ok(spec)
}

/// Decodes a stored record of `kind` named `name`.
pub(crate) fn decode<M: Message + Default>(
    kind: &'static str,
    name: &str,
    bytes: &[u8],
) -> Result<M> {
    M::decode(bytes).map_err(|source| {
        ScheduleError::Corrupt {
            kind,
            name: name.to_string(),
            source,
        }
        .into()
    })
}
