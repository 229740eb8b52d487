//! Conditional triggers: a stored job (or crawler) that starts when the latest runs of other
//! stored jobs end in a given state, or crawlers complete a crawl, any of them or all, as
//! Glue's conditional triggers chain the crawlers and jobs of a workflow. The run gets the
//! parameters those job runs had, so values flow along the chain.
//!
//! Each followed run makes the trigger fire once: the trigger keeps, per followed job, the
//! run it last consumed. Its job is submitted under a request id made of the consumed runs'
//! ids before they are recorded, so a successor that finds the same runs unconsumed starts
//! the same job, not a second one. Runs that end between two looks coalesce into the newest.

use std::collections::HashMap;

use kiln_core::ids::now_ms;
use kiln_core::state::{Fence, keys};
use kiln_jobs::params::RUN_VALUE_PREFIX;
use kiln_proto::v1::{self as pb, CrawlRun};
use prost::Message;

use super::{Board, RUNS_KEPT, Triggers, keep_last};
use crate::bookmarks::BookmarkError;
use crate::error::CoordinatorError;
use crate::schedules::DEFINITION_LABEL;

/// The label prefix of a started definition's parameters.
const PARAM_LABEL: &str = "param.";

/// The key of a followed crawler in a trigger's `consumed` map (stored jobs are keyed by name).
fn crawler_key(crawler: &str) -> String {
    format!("crawler:{crawler}")
}

/// The newest run of what a conditional trigger follows, when it makes the trigger fire.
#[derive(Debug, Clone, PartialEq)]
struct Followed {
    /// Its key in the trigger's `consumed` map: the stored job's name, or `crawler:NAME`.
    key: String,
    /// The run: a job id, or `crawler:NAME:STARTED_AT_MS` for a crawl.
    run: String,
    /// A job run's parameters (none for a crawl).
    params: HashMap<String, String>,
    /// The job id of a job run (empty for a crawl).
    job_id: String,
    /// The crawler of a crawl (empty for a job run).
    crawler: String,
}

impl Triggers {
    /// Fires each conditional trigger whose followed runs ended as it waits for; false when
    /// the store refused a write.
    pub(super) async fn follow_due(&self, board: &mut Board, fence: &Fence) -> bool {
        let names: Vec<String> = board
            .triggers
            .values()
            .filter(|t| (!t.after.is_empty() || !t.after_crawlers.is_empty()) && !t.suspended)
            .map(|t| t.name.clone())
            .collect();
        if names.is_empty() {
            return true;
        }
        let Ok(pb::ListJobsResponse { jobs, .. }) =
            self.scheduler.list(&pb::ListJobsRequest::default()).await
        else {
            return true;
        };
        let crawls = self.newest_crawls(board, &names).await;
        for name in names {
            let trigger = board.triggers[&name].clone();
            let Some(satisfied) = satisfied(&trigger, &jobs, &crawls) else {
                continue;
            };
            let mut ids: Vec<&str> = satisfied.iter().map(|f| f.run.as_str()).collect();
            ids.sort();
            let request_id = format!(
                "after:{name}:{}",
                &blake3::hash(ids.join(",").as_bytes()).to_hex()[..32]
            );
            let mut params: HashMap<String, String> = HashMap::new();
            for followed in &satisfied {
                params.extend(followed.params.clone());
            }
            params.extend(trigger.params.clone());
            let joined = |field: fn(&Followed) -> &str| {
                let mut values: Vec<&str> = satisfied.iter().map(field).collect();
                values.retain(|v| !v.is_empty());
                values.sort();
                values.join(",")
            };
            params.insert(
                format!("{RUN_VALUE_PREFIX}after_jobs"),
                joined(|f| &f.job_id),
            );
            params.insert(
                format!("{RUN_VALUE_PREFIX}after_crawlers"),
                joined(|f| &f.crawler),
            );
            let started = match trigger.crawler.as_str() {
                "" => {
                    self.schedules
                        .start(&trigger.job, &params, request_id)
                        .await
                }
                crawler => self
                    .schedules
                    .start_crawl(crawler, vec![])
                    .await
                    .map(|_| (String::new(), 0)),
            };
            let mut updated = trigger.clone();
            match started {
                // The incremental job's previous run goes on: this one starts once it ended
                // (and reads what that one did not), not never.
                Err(CoordinatorError::Bookmark(BookmarkError::InUse { job_id, .. })) => {
                    tracing::debug!(trigger = %name, running = %job_id, "a conditional trigger waits for its job's run under way");
                    continue;
                }
                Ok((job_id, _)) => {
                    tracing::info!(trigger = %name, %job_id, after = ?ids, "conditional trigger fired");
                    keep_last(
                        &mut updated.runs,
                        pb::TriggerRun {
                            started_at_ms: now_ms(),
                            job_id,
                            events: satisfied.len() as u32,
                            first_key: String::new(),
                            crawler: trigger.crawler.clone(),
                        },
                        RUNS_KEPT,
                    );
                }
                Err(error) => {
                    tracing::warn!(trigger = %name, %error, "a conditional trigger's job could not start");
                    keep_last(
                        &mut updated.dead_letters,
                        pb::DeadLetter {
                            at_ms: now_ms(),
                            reason: format!("the job could not start: {error}"),
                            event: format!("after {}", ids.join(", ")),
                        },
                        super::DEAD_LETTERS_KEPT,
                    );
                }
            }
            for followed in &satisfied {
                updated
                    .consumed
                    .insert(followed.key.clone(), followed.run.clone());
            }
            if let Err(error) = self
                .store
                .put(&keys::trigger(&name), updated.encode_to_vec(), Some(fence))
                .await
            {
                tracing::warn!(trigger = %name, %error, "cannot record a conditional trigger's run");
                return false;
            }
            board.triggers.insert(name, updated);
        }
        true
    }

    /// The newest completed crawl (not a dry run) of each crawler the triggers `names`
    /// follow, by crawler; a crawler whose runs cannot be read is left out this time.
    async fn newest_crawls(&self, board: &Board, names: &[String]) -> HashMap<String, CrawlRun> {
        let mut crawlers: Vec<&String> = names
            .iter()
            .flat_map(|name| &board.triggers[name].after_crawlers)
            .collect();
        crawlers.sort();
        crawlers.dedup();
        let mut newest = HashMap::new();
        if crawlers.is_empty() {
            return newest;
        }
        let Ok(catalog) = self.scheduler.catalog().await else {
            return newest;
        };
        for crawler in crawlers {
            match catalog.crawl_runs(crawler).await {
                Ok(runs) => {
                    if let Some(run) = runs.into_iter().rev().find(|run| !run.dry_run) {
                        newest.insert(crawler.clone(), run);
                    }
                }
                Err(error) => {
                    tracing::warn!(%crawler, %error, "cannot read a followed crawler's runs")
                }
            }
        }
        newest
    }
}

/// The followed runs that make `trigger` fire now, if they do: the newest ended run of each
/// followed stored job (since the trigger was made) when it ended in the state the trigger
/// waits for, and the newest crawl of each followed crawler (crawls are recorded when they
/// complete), those not consumed yet; any of them, or all with `after_all`.
fn satisfied(
    trigger: &pb::Trigger,
    jobs: &[pb::JobStatus],
    crawls: &HashMap<String, CrawlRun>,
) -> Option<Vec<Followed>> {
    let wanted = match pb::JobState::try_from(trigger.after_state) {
        Ok(pb::JobState::Unspecified) | Err(_) => pb::JobState::Succeeded,
        Ok(state) => state,
    };
    let unconsumed =
        |key: &str, run: &str| trigger.consumed.get(key).map(String::as_str) != Some(run);
    let mut found = vec![];
    for definition in &trigger.after {
        // `jobs` lists the newest first.
        let newest = jobs.iter().find(|job| {
            job.labels.get(DEFINITION_LABEL) == Some(definition)
                && job.ended_at_ms > 0
                && job.ended_at_ms >= trigger.created_at_ms
        });
        if let Some(job) = newest
            && job.state == wanted as i32
            && unconsumed(definition, &job.job_id)
        {
            let params = job
                .labels
                .iter()
                .filter_map(|(label, value)| {
                    let param = label.strip_prefix(PARAM_LABEL)?;
                    (!param.starts_with(RUN_VALUE_PREFIX))
                        .then(|| (param.to_string(), value.clone()))
                })
                .collect();
            found.push(Followed {
                key: definition.clone(),
                run: job.job_id.clone(),
                params,
                job_id: job.job_id.clone(),
                crawler: String::new(),
            });
        }
    }
    for crawler in &trigger.after_crawlers {
        let key = crawler_key(crawler);
        if let Some(crawl) = crawls.get(crawler)
            && crawl.started_at_ms >= trigger.created_at_ms
        {
            let run = format!("{key}:{}", crawl.started_at_ms);
            if unconsumed(&key, &run) {
                found.push(Followed {
                    key,
                    run,
                    params: HashMap::new(),
                    job_id: String::new(),
                    crawler: crawler.clone(),
                });
            }
        }
    }
    let fires = match trigger.after_all {
        true => found.len() == trigger.after.len() + trigger.after_crawlers.len(),
        false => !found.is_empty(),
    };
    fires.then_some(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(id: &str, definition: &str, state: pb::JobState, ended_at_ms: u64) -> pb::JobStatus {
        pb::JobStatus {
            job_id: id.into(),
            state: state as i32,
            ended_at_ms,
            labels: [(DEFINITION_LABEL.to_string(), definition.to_string())].into(),
            ..Default::default()
        }
    }

    fn trigger(after: &[&str], all: bool) -> pb::Trigger {
        pb::Trigger {
            name: "t".into(),
            after: after.iter().map(|s| s.to_string()).collect(),
            after_all: all,
            created_at_ms: 100,
            ..Default::default()
        }
    }

    #[test]
    fn any_fires_on_the_newest_unconsumed_success() {
        let jobs = vec![
            run("a2", "a", pb::JobState::Succeeded, 300),
            run("a1", "a", pb::JobState::Succeeded, 200),
            run("old", "b", pb::JobState::Succeeded, 50),
        ];
        let any = trigger(&["a", "b"], false);
        let fired = satisfied(&any, &jobs, &HashMap::new()).unwrap();
        assert_eq!(fired.len(), 1);
        assert_eq!(fired[0].job_id, "a2");
        let mut consumed = any.clone();
        consumed.consumed.insert("a".into(), "a2".into());
        assert!(
            satisfied(&consumed, &jobs, &HashMap::new()).is_none(),
            "a run fires once"
        );
    }

    #[test]
    fn all_waits_for_every_followed_job_and_failures_do_not_count() {
        let all = trigger(&["a", "b"], true);
        let only_a = vec![run("a1", "a", pb::JobState::Succeeded, 200)];
        assert!(satisfied(&all, &only_a, &HashMap::new()).is_none());
        let b_failed = vec![
            run("b1", "b", pb::JobState::Failed, 250),
            run("a1", "a", pb::JobState::Succeeded, 200),
        ];
        assert!(satisfied(&all, &b_failed, &HashMap::new()).is_none());
        let both = vec![
            run("b2", "b", pb::JobState::Succeeded, 260),
            run("a1", "a", pb::JobState::Succeeded, 200),
        ];
        assert_eq!(satisfied(&all, &both, &HashMap::new()).unwrap().len(), 2);
        let mut on_failure = trigger(&["b"], false);
        on_failure.after_state = pb::JobState::Failed as i32;
        assert_eq!(
            satisfied(&on_failure, &b_failed, &HashMap::new()).unwrap()[0].job_id,
            "b1"
        );
    }

    #[test]
    fn a_followed_crawler_fires_once_per_completed_crawl() {
        let mut t = trigger(&["a"], true);
        t.after_crawlers = vec!["raw".into()];
        let jobs = vec![run("a1", "a", pb::JobState::Succeeded, 200)];
        let crawl = |started_at_ms| {
            HashMap::from([(
                "raw".to_string(),
                CrawlRun {
                    crawler: "raw".into(),
                    started_at_ms,
                    ..Default::default()
                },
            )])
        };
        assert!(
            satisfied(&t, &jobs, &crawl(50)).is_none(),
            "a crawl from before the trigger was made does not count"
        );
        let fired = satisfied(&t, &jobs, &crawl(300)).unwrap();
        assert_eq!(fired.len(), 2);
        assert_eq!(fired[1].crawler, "raw");
        for followed in fired {
            t.consumed.insert(followed.key, followed.run);
        }
        assert!(
            satisfied(&t, &jobs, &crawl(300)).is_none(),
            "a crawl fires once"
        );
        t.after.clear();
        assert_eq!(
            satisfied(&t, &jobs, &crawl(400)).unwrap()[0].run,
            "crawler:raw:400"
        );
    }
}
