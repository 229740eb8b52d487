//! Conditional triggers: a stored job (or crawler) that starts when the latest runs of other
//! stored jobs end in a given state, any of them or all, as Glue's conditional triggers
//! chain the jobs of a workflow. The run gets the parameters those runs had, so values flow
//! along the chain.
//!
//! Each followed run makes the trigger fire once: the trigger keeps, per followed job, the
//! run it last consumed. Its job is submitted under a request id made of the consumed runs'
//! ids before they are recorded, so a successor that finds the same runs unconsumed starts
//! the same job, not a second one. Runs that end between two looks coalesce into the newest.

use std::collections::HashMap;

use kiln_core::ids::now_ms;
use kiln_core::state::{Fence, keys};
use kiln_jobs::params::RUN_VALUE_PREFIX;
use kiln_proto::v1 as pb;
use prost::Message;

use super::{Board, RUNS_KEPT, Triggers, keep_last};
use crate::schedules::DEFINITION_LABEL;

/// The label prefix of a started definition's parameters.
const PARAM_LABEL: &str = "param.";

impl Triggers {
    /// Fires each conditional trigger whose followed runs ended as it waits for; false when
    /// the store refused a write.
    pub(super) async fn follow_due(&self, board: &mut Board, fence: &Fence) -> bool {
        let names: Vec<String> = board
            .triggers
            .values()
            .filter(|t| !t.after.is_empty() && !t.suspended)
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
        for name in names {
            let trigger = board.triggers[&name].clone();
            let Some(satisfied) = satisfied(&trigger, &jobs) else {
                continue;
            };
            let mut ids: Vec<&str> = satisfied
                .iter()
                .map(|(_, job)| job.job_id.as_str())
                .collect();
            ids.sort();
            let request_id = format!(
                "after:{name}:{}",
                &blake3::hash(ids.join(",").as_bytes()).to_hex()[..32]
            );
            let mut params: HashMap<String, String> = HashMap::new();
            for (_, job) in &satisfied {
                for (label, value) in &job.labels {
                    if let Some(param) = label.strip_prefix(PARAM_LABEL)
                        && !param.starts_with(RUN_VALUE_PREFIX)
                    {
                        params.insert(param.to_string(), value.clone());
                    }
                }
            }
            params.extend(trigger.params.clone());
            params.insert(format!("{RUN_VALUE_PREFIX}after_jobs"), ids.join(","));
            let started = match trigger.crawler.as_str() {
                "" => {
                    self.schedules
                        .start(&trigger.job, &params, request_id)
                        .await
                }
                crawler => self
                    .schedules
                    .start_crawl(crawler)
                    .await
                    .map(|_| (String::new(), 0)),
            };
            let mut updated = trigger.clone();
            match started {
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
            for (definition, job) in &satisfied {
                updated
                    .consumed
                    .insert(definition.clone(), job.job_id.clone());
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
}

/// The followed runs that make `trigger` fire now, by stored job, if they do: the newest
/// ended run of each followed job (since the trigger was made), when it ended in the state
/// the trigger waits for and was not consumed yet; any of them, or all with `after_all`.
fn satisfied(
    trigger: &pb::Trigger,
    jobs: &[pb::JobStatus],
) -> Option<Vec<(String, pb::JobStatus)>> {
    let wanted = match pb::JobState::try_from(trigger.after_state) {
        Ok(pb::JobState::Unspecified) | Err(_) => pb::JobState::Succeeded,
        Ok(state) => state,
    };
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
            && trigger.consumed.get(definition) != Some(&job.job_id)
        {
            found.push((definition.clone(), job.clone()));
        }
    }
    let fires = match trigger.after_all {
        true => found.len() == trigger.after.len(),
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
        let fired = satisfied(&any, &jobs).unwrap();
        assert_eq!(fired.len(), 1);
        assert_eq!(fired[0].1.job_id, "a2");
        let mut consumed = any.clone();
        consumed.consumed.insert("a".into(), "a2".into());
        assert!(satisfied(&consumed, &jobs).is_none(), "a run fires once");
    }

    #[test]
    fn all_waits_for_every_followed_job_and_failures_do_not_count() {
        let all = trigger(&["a", "b"], true);
        let only_a = vec![run("a1", "a", pb::JobState::Succeeded, 200)];
        assert!(satisfied(&all, &only_a).is_none());
        let b_failed = vec![
            run("b1", "b", pb::JobState::Failed, 250),
            run("a1", "a", pb::JobState::Succeeded, 200),
        ];
        assert!(satisfied(&all, &b_failed).is_none());
        let both = vec![
            run("b2", "b", pb::JobState::Succeeded, 260),
            run("a1", "a", pb::JobState::Succeeded, 200),
        ];
        assert_eq!(satisfied(&all, &both).unwrap().len(), 2);
        let mut on_failure = trigger(&["b"], false);
        on_failure.after_state = pb::JobState::Failed as i32;
        assert_eq!(satisfied(&on_failure, &b_failed).unwrap()[0].1.job_id, "b1");
    }
}
