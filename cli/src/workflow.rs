//! `kiln workflow show`: the runs a chain of conditional triggers linked, as a graph.
//!
//! A run that a conditional trigger started carries the ids of the runs it followed (its
//! `param.kiln.after_jobs` label), so the graph of a workflow run is found from the jobs the
//! cluster lists: the runs reachable from the one asked about through those links, either way.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use kiln_client::{JobQuery, proto};
use serde::Serialize;

use crate::catalog::{CatalogArgs, print};
use crate::progress::human_duration;
use crate::{Failure, usage, with_cluster};

/// The label of a triggered run that names the runs it followed, comma-separated.
const AFTER_LABEL: &str = "param.kiln.after_jobs";
/// The label naming the stored job a run was started from.
const DEFINITION_LABEL: &str = "kiln.definition";

/// What `kiln workflow` does.
#[derive(Debug, clap::Subcommand)]
pub enum WorkflowCommand {
    /// Show the workflow a run belongs to: every run linked to it by conditional triggers,
    /// what each followed and how it ended.
    Show {
        /// Any run of the workflow (a job id).
        job_id: String,
        #[command(flatten)]
        args: CatalogArgs,
    },
}

/// One run of a workflow.
#[derive(Debug, Clone, PartialEq, Serialize)]
struct Node {
    job_id: String,
    /// The stored job it ran, or the job's name for one submitted directly.
    job: String,
    state: String,
    /// How long it ran; 0 while it has not ended.
    duration_ms: u64,
    /// The runs it followed.
    after: Vec<String>,
}

/// A workflow run: its runs in the order they can run (every run after those it followed).
#[derive(Debug, PartialEq, Serialize)]
struct Workflow {
    runs: Vec<Node>,
}

/// Runs a `kiln workflow` command.
pub async fn workflow(command: WorkflowCommand) -> Result<u8, Failure> {
    let WorkflowCommand::Show { job_id, args } = command;
    with_cluster(&args.cluster, |client| async move {
        let mut jobs = vec![];
        let mut query = JobQuery::all().limit(500);
        loop {
            let page = client.list_page(query).await?;
            jobs.extend(page.jobs);
            match page.next_page_token {
                Some(token) => query = JobQuery::all().limit(500).after(token),
                None => break,
            }
        }
        let Some(workflow) = workflow_of(&jobs, &job_id) else {
            return Err(usage(format!(
                "no job {job_id} among the cluster's jobs (see kiln list)"
            )));
        };
        print(args.output, &workflow, workflow_text);
        Ok(0)
    })
    .await
}

/// The workflow run of `job_id` among `jobs`, if the cluster knows the job.
fn workflow_of(jobs: &[proto::JobStatus], job_id: &str) -> Option<Workflow> {
    let nodes: HashMap<&str, Node> = jobs
        .iter()
        .map(|job| (job.job_id.as_str(), node(job)))
        .collect();
    nodes.get(job_id)?;
    let mut followers: HashMap<&str, Vec<&str>> = HashMap::new();
    for node in nodes.values() {
        for parent in &node.after {
            followers
                .entry(parent.as_str())
                .or_default()
                .push(&node.job_id);
        }
    }
    // Every run linked to `job_id`, through the runs each followed and those that followed it.
    let mut linked: BTreeSet<&str> = BTreeSet::new();
    let mut pending = vec![job_id];
    while let Some(id) = pending.pop() {
        if !linked.insert(id) {
            continue;
        }
        if let Some(node) = nodes.get(id) {
            pending.extend(node.after.iter().map(String::as_str));
        }
        pending.extend(followers.get(id).into_iter().flatten().copied());
    }
    // Depth first from the runs that followed nobody here; a run comes after all it followed.
    let depth = |id: &str| -> usize {
        let mut depth = 0;
        let mut level: Vec<&str> = vec![id];
        while !level.is_empty() {
            level = level
                .iter()
                .filter_map(|id| nodes.get(id))
                .flat_map(|node| node.after.iter().map(String::as_str))
                .collect();
            depth += usize::from(!level.is_empty());
        }
        depth
    };
    let mut ordered: BTreeMap<(usize, &str), Node> = BTreeMap::new();
    for id in linked {
        let node = nodes.get(id).cloned().unwrap_or_else(|| Node {
            job_id: id.to_string(),
            job: "?".into(),
            state: "past the cluster's history".into(),
            duration_ms: 0,
            after: vec![],
        });
        ordered.insert((depth(id), id), node);
    }
    Some(Workflow {
        runs: ordered.into_values().collect(),
    })
}

fn node(job: &proto::JobStatus) -> Node {
    let after = job
        .labels
        .get(AFTER_LABEL)
        .map(|ids| {
            ids.split(',')
                .filter(|id| !id.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    Node {
        job_id: job.job_id.clone(),
        job: job
            .labels
            .get(DEFINITION_LABEL)
            .unwrap_or(&job.name)
            .clone(),
        state: kiln_client::state_name(job.state).to_string(),
        duration_ms: match job.ended_at_ms {
            0 => 0,
            ended => ended.saturating_sub(job.started_at_ms.max(job.submitted_at_ms)),
        },
        after,
    }
}

/// The runs as a table, each with the runs it followed.
fn workflow_text(workflow: &Workflow) -> String {
    let mut text = format!(
        "{:<18} {:<24} {:<10} {:>10}  AFTER\n",
        "JOB", "STORED JOB", "STATE", "TIME"
    );
    for run in &workflow.runs {
        let time = match run.duration_ms {
            0 => "-".to_string(),
            ms => human_duration(ms),
        };
        let after = match run.after.is_empty() {
            true => "-".to_string(),
            false => run.after.join(", "),
        };
        text.push_str(&format!(
            "{:<18} {:<24} {:<10} {:>10}  {after}\n",
            run.job_id, run.job, run.state, time
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(id: &str, definition: &str, after: &str, state: proto::JobState) -> proto::JobStatus {
        let mut labels = HashMap::from([(DEFINITION_LABEL.to_string(), definition.to_string())]);
        if !after.is_empty() {
            labels.insert(AFTER_LABEL.into(), after.into());
        }
        proto::JobStatus {
            job_id: id.into(),
            name: definition.into(),
            state: state as i32,
            labels,
            submitted_at_ms: 1_000,
            started_at_ms: 1_000,
            ended_at_ms: 3_500,
            ..Default::default()
        }
    }

    #[test]
    fn a_workflow_is_every_run_linked_to_one_in_the_order_they_ran() {
        use proto::JobState::{Failed, Succeeded};
        let jobs = vec![
            job("j-report", "report", "j-clean,j-extract", Succeeded),
            job("j-extract", "extract", "", Succeeded),
            job("j-clean", "clean", "j-extract", Succeeded),
            job("j-alert", "alert", "j-report", Failed),
            job("j-other", "extract", "", Succeeded),
        ];
        let from = |id: &str| -> Vec<String> {
            let workflow = workflow_of(&jobs, id).unwrap();
            workflow.runs.into_iter().map(|run| run.job_id).collect()
        };
        let expected = ["j-extract", "j-clean", "j-report", "j-alert"];
        // The same graph from any of its runs; an unrelated run is not in it.
        for id in expected {
            assert_eq!(from(id), expected, "from {id}");
        }
        assert_eq!(from("j-other"), ["j-other"]);
        assert!(workflow_of(&jobs, "j-none").is_none());

        let text = workflow_text(&workflow_of(&jobs, "j-clean").unwrap());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 5, "{text}");
        assert!(lines[3].starts_with("j-report") && lines[3].ends_with("j-clean, j-extract"));
        assert!(
            lines[4].contains("FAILED") && lines[4].contains("2.50 s"),
            "{text}"
        );
    }
}
