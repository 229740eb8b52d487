//! Stored jobs, schedules and triggers: `kiln job create|update|list|show|delete`,
//! `kiln start`, `kiln schedule create|show|suspend|resume|delete`, `kiln schedules`,
//! `kiln trigger create|delete` and `kiln triggers`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::DateTime;
use kiln_client::{Client, proto};

use crate::catalog::{CatalogArgs, print};
use crate::output::Format;
use crate::{Failure, exit_code, parse_param, print_if_succeeded, progress, usage, with_cluster};

/// What `kiln job` does.
#[derive(Debug, clap::Subcommand)]
pub enum JobCommand {
    /// Store a job file under a name, to start later by name or on a schedule.
    Create {
        name: String,
        file: PathBuf,
        #[command(flatten)]
        args: CatalogArgs,
    },
    /// Store a new version of a stored job.
    Update {
        name: String,
        file: PathBuf,
        #[command(flatten)]
        args: CatalogArgs,
    },
    /// List the stored jobs.
    List {
        #[command(flatten)]
        args: CatalogArgs,
    },
    /// Show a stored job: its version and job file.
    Show {
        name: String,
        #[command(flatten)]
        args: CatalogArgs,
    },
    /// Remove a stored job (refused while a schedule runs it).
    Delete {
        name: String,
        #[command(flatten)]
        args: CatalogArgs,
    },
}

/// How a schedule treats overlapping runs (Kubernetes CronJob's policies).
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Concurrency {
    Forbid,
    Allow,
    Replace,
}

/// What a schedule does with ticks that passed while no coordinator led.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Missed {
    Skip,
    RunOnce,
    RunAll,
}

/// How a followed job's run ended, for `kiln trigger create --after`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum EndState {
    Succeeded,
    Failed,
    Cancelled,
    TimedOut,
}

/// What `kiln schedule` does.
#[derive(Debug, clap::Subcommand)]
pub enum ScheduleCommand {
    /// Run a stored job or a crawler on a cron schedule (replacing the schedule of that
    /// name, if any, with its history kept).
    #[command(group(clap::ArgGroup::new("target").required(true)))]
    Create {
        name: String,
        /// 5 fields (minute hour day month weekday), 6 with seconds first, 7 with a year.
        #[arg(long)]
        cron: String,
        /// The stored job it starts...
        #[arg(long, group = "target")]
        job: Option<String>,
        /// ...or the crawler it runs.
        #[arg(long, group = "target")]
        crawler: Option<String>,
        /// An IANA time zone for the cron fields (default UTC).
        #[arg(long, default_value = "")]
        time_zone: String,
        /// A parameter of every run, NAME=VALUE (repeatable); `${kiln.scheduled_time}`,
        /// `${kiln.schedule}` and `${kiln.tick_ms}` are filled in by Kiln.
        #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_param)]
        params: Vec<(String, String)>,
        /// When a tick comes while the previous run goes on.
        #[arg(long, value_enum, default_value_t = Concurrency::Forbid)]
        concurrency: Concurrency,
        /// Ticks missed while no coordinator led.
        #[arg(long, value_enum, default_value_t = Missed::Skip)]
        missed: Missed,
        /// Runs kept in the schedule's history.
        #[arg(long, default_value_t = 20)]
        history: u32,
        #[command(flatten)]
        args: CatalogArgs,
    },
    /// Show a schedule and its recent runs.
    Show {
        name: String,
        #[command(flatten)]
        args: CatalogArgs,
    },
    /// Stop firing a schedule's ticks.
    Suspend {
        name: String,
        #[command(flatten)]
        args: CatalogArgs,
    },
    /// Fire a suspended schedule's ticks again, from now on.
    Resume {
        name: String,
        #[command(flatten)]
        args: CatalogArgs,
    },
    /// Remove a schedule.
    Delete {
        name: String,
        #[command(flatten)]
        args: CatalogArgs,
    },
}

/// The flags of `kiln trigger create`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("target").required(true)))]
pub struct CreateTrigger {
    name: String,
    /// The stored job it starts; it gets `${kiln.bucket}`, `${kiln.key}`, `${kiln.keys}`
    /// (a JSON array) and `${kiln.event_count}`...
    #[arg(long, group = "target")]
    job: Option<String>,
    /// ...or the crawler it runs (once at a time; objects that land meanwhile wait for
    /// the next crawl).
    #[arg(long, group = "target")]
    crawler: Option<String>,
    /// The bucket whose new objects start it...
    #[arg(long, default_value = "")]
    bucket: String,
    /// ...or a stored job whose runs' end starts it (repeatable: any of them, or all
    /// with --after-all), with their parameters passed along.
    #[arg(long = "after", value_name = "STORED_JOB")]
    after: Vec<String>,
    /// ...or a crawler whose completed crawls start it (repeatable, and with --after).
    #[arg(long = "after-crawler", value_name = "CRAWLER")]
    after_crawlers: Vec<String>,
    /// Fire only when every --after job's latest run ended so (and every --after-crawler
    /// crawled).
    #[arg(long)]
    after_all: bool,
    /// The state the --after runs must end in.
    #[arg(long, value_enum, default_value_t = EndState::Succeeded)]
    after_state: EndState,
    /// Keys must start with this...
    #[arg(long, default_value = "")]
    prefix: String,
    /// ...and end with this.
    #[arg(long, default_value = "")]
    suffix: String,
    /// Objects per run.
    #[arg(long, default_value_t = 1)]
    batch_size: u32,
    /// Seconds the oldest pending object waits for its batch to fill.
    #[arg(long, default_value_t = 0)]
    batch_window_secs: u32,
    /// A parameter of every run, NAME=VALUE (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_param)]
    params: Vec<(String, String)>,
    /// For stores that send no notifications: list the bucket (or this location, e.g.
    /// file:///data/landing/) every N seconds and take new objects as created events.
    #[arg(long, value_name = "SECONDS", default_value_t = 0)]
    watch_every: u32,
    /// The location --watch-every lists (default: s3://BUCKET/).
    #[arg(long, default_value = "")]
    watch: String,
    #[command(flatten)]
    args: CatalogArgs,
}

/// What `kiln trigger` does.
#[derive(Debug, clap::Subcommand)]
pub enum TriggerCommand {
    /// Start a stored job or a crawler when objects are created in a bucket (S3 event
    /// notifications posted to the coordinator's /api/v1/events/s3, or a listing) or when
    /// other stored jobs' runs end; replaces a trigger of that name.
    Create(Box<CreateTrigger>),
    /// Remove a trigger and its pending events.
    Delete {
        name: String,
        #[command(flatten)]
        args: CatalogArgs,
    },
}

/// Runs a `kiln trigger` command.
pub async fn trigger(command: TriggerCommand) -> Result<u8, Failure> {
    match command {
        TriggerCommand::Create(create) => {
            let CreateTrigger {
                name,
                job,
                crawler,
                bucket,
                after,
                after_crawlers,
                after_all,
                after_state,
                prefix,
                suffix,
                batch_size,
                batch_window_secs,
                params,
                watch_every,
                watch,
                args,
            } = *create;
            let trigger = proto::Trigger {
                watch,
                watch_interval_secs: watch_every,
                name,
                job: job.unwrap_or_default(),
                crawler: crawler.unwrap_or_default(),
                bucket,
                after,
                after_crawlers,
                after_all,
                after_state: match after_state {
                    EndState::Succeeded => proto::JobState::Succeeded,
                    EndState::Failed => proto::JobState::Failed,
                    EndState::Cancelled => proto::JobState::Cancelled,
                    EndState::TimedOut => proto::JobState::TimedOut,
                } as i32,
                prefix,
                suffix,
                batch_size,
                batch_window_secs,
                params: params.into_iter().collect(),
                ..Default::default()
            };
            with_cluster(&args.cluster, |client| async move {
                let stored = client.put_trigger(trigger).await?;
                print(args.output, &stored, |t| {
                    format!(
                        "trigger {} starts {} {}\n",
                        t.name,
                        target(&t.job, &t.crawler),
                        when(t)
                    )
                });
                Ok(0)
            })
            .await
        }
        TriggerCommand::Delete { name, args } => {
            with_cluster(&args.cluster, |client| async move {
                client.delete_trigger(&name).await?;
                println!("deleted trigger {name}");
                Ok(0)
            })
            .await
        }
    }
}

/// `kiln triggers`: every trigger, its pending events, latest run and dead letters, and the
/// event requests that could not be read.
pub async fn triggers(args: CatalogArgs) -> Result<u8, Failure> {
    with_cluster(&args.cluster, |client| async move {
        let listed = client.triggers().await?;
        print(args.output, &listed.triggers, |triggers| {
            let mut text = format!(
                "{:<24} {:<40} {:<24} {:>7} {}\n",
                "NAME", "OBJECTS", "JOB", "PENDING", "LATEST RUN"
            );
            for t in triggers {
                let latest = t
                    .runs
                    .last()
                    .map(|r| {
                        format!(
                            "{} job {} ({} object(s))",
                            time(r.started_at_ms),
                            r.job_id,
                            r.events
                        )
                    })
                    .unwrap_or_default();
                text.push_str(&format!(
                    "{:<24} {:<40} {:<24} {:>7} {}\n",
                    t.name,
                    when(t),
                    target(&t.job, &t.crawler),
                    t.pending,
                    latest
                ));
                for letter in &t.dead_letters {
                    text.push_str(&format!(
                        "  dead letter {}: {} ({})\n",
                        time(letter.at_ms),
                        letter.event,
                        letter.reason
                    ));
                }
            }
            for letter in &listed.rejected {
                text.push_str(&format!(
                    "rejected request {}: {}\n",
                    time(letter.at_ms),
                    letter.reason
                ));
            }
            text
        });
        Ok(0)
    })
    .await
}

/// A job file as a definition: its text, and the directory its relative paths start from.
fn definition(name: String, file: &Path) -> Result<proto::JobDefinition, Failure> {
    let toml =
        std::fs::read_to_string(file).map_err(|e| usage(format!("{}: {e}", file.display())))?;
    let base = file.parent().unwrap_or(Path::new("."));
    let base = std::path::absolute(base).unwrap_or_else(|_| base.to_path_buf());
    Ok(proto::JobDefinition {
        name,
        toml,
        base_dir: base.display().to_string(),
        ..Default::default()
    })
}

/// Runs a `kiln job` command.
pub async fn job(command: JobCommand) -> Result<u8, Failure> {
    match command {
        JobCommand::Create { name, file, args } => put(name, &file, &args, true).await,
        JobCommand::Update { name, file, args } => put(name, &file, &args, false).await,
        JobCommand::List { args } => {
            with_cluster(&args.cluster, |client| async move {
                let definitions = client.definitions().await?;
                print(args.output, &definitions, |definitions| {
                    let mut text = format!("{:<32} {:>7} {}\n", "NAME", "VERSION", "UPDATED");
                    for d in definitions {
                        text.push_str(&format!(
                            "{:<32} {:>7} {}\n",
                            d.name,
                            d.version,
                            time(d.updated_at_ms)
                        ));
                    }
                    text
                });
                Ok(0)
            })
            .await
        }
        JobCommand::Show { name, args } => {
            with_cluster(&args.cluster, |client| async move {
                let definition = client.definition(&name).await?;
                print(args.output, &definition, |d| {
                    format!(
                        "# {} version {} (updated {}; paths relative to {})\n{}",
                        d.name,
                        d.version,
                        time(d.updated_at_ms),
                        d.base_dir,
                        d.toml
                    )
                });
                Ok(0)
            })
            .await
        }
        JobCommand::Delete { name, args } => {
            with_cluster(&args.cluster, |client| async move {
                client.delete_definition(&name).await?;
                println!("deleted stored job {name}");
                Ok(0)
            })
            .await
        }
    }
}

async fn put(name: String, file: &Path, args: &CatalogArgs, create: bool) -> Result<u8, Failure> {
    let definition = definition(name, file)?;
    with_cluster(&args.cluster, |client| async move {
        let stored = client.put_definition(definition, create, !create).await?;
        println!("stored job {} version {}", stored.name, stored.version);
        Ok(0)
    })
    .await
}

/// `kiln start NAME`: starts a stored job; with `wait` (always on an embedded cluster),
/// follows it to its end and exits with its outcome.
pub async fn start(
    name: String,
    params: Vec<(String, String)>,
    wait: bool,
    args: CatalogArgs,
) -> Result<u8, Failure> {
    let params: HashMap<String, String> = params.into_iter().collect();
    let wait = wait || args.cluster.coordinator.is_none();
    with_cluster(&args.cluster, |client| async move {
        let started = client.start_definition(&name, params).await?;
        eprintln!(
            "started job {} (stored job {name} version {})",
            started.job_id, started.version
        );
        if !wait {
            println!("{}", started.job_id);
            return Ok(0);
        }
        let status = progress::follow(&client, &started.job_id).await?;
        eprint!("{}", progress::summary(&status));
        match exit_code(&status) {
            0 => print_if_succeeded(&client, &status, Format::Table, None).await,
            code => Ok(code),
        }
    })
    .await
}

/// Runs a `kiln schedule` command.
pub async fn schedule(command: ScheduleCommand) -> Result<u8, Failure> {
    match command {
        ScheduleCommand::Create {
            name,
            cron,
            job,
            crawler,
            time_zone,
            params,
            concurrency,
            missed,
            history,
            args,
        } => {
            let schedule = proto::Schedule {
                name,
                cron,
                time_zone,
                job: job.unwrap_or_default(),
                crawler: crawler.unwrap_or_default(),
                params: params.into_iter().collect(),
                concurrency: match concurrency {
                    Concurrency::Forbid => proto::ConcurrencyPolicy::Forbid,
                    Concurrency::Allow => proto::ConcurrencyPolicy::Allow,
                    Concurrency::Replace => proto::ConcurrencyPolicy::Replace,
                } as i32,
                missed: match missed {
                    Missed::Skip => proto::MissedTicks::Skip,
                    Missed::RunOnce => proto::MissedTicks::RunOnce,
                    Missed::RunAll => proto::MissedTicks::RunAll,
                } as i32,
                history_limit: history,
                ..Default::default()
            };
            with_cluster(&args.cluster, |client| async move {
                let stored = client.put_schedule(schedule).await?;
                print(args.output, &stored, |s| {
                    format!(
                        "schedule {} runs {}; next at {}\n",
                        s.name,
                        target(&s.job, &s.crawler),
                        time(s.next_tick_ms)
                    )
                });
                Ok(0)
            })
            .await
        }
        ScheduleCommand::Show { name, args } => {
            with_cluster(&args.cluster, |client| async move {
                let schedule = find(&client, &name).await?;
                print(args.output, &schedule, schedule_text);
                Ok(0)
            })
            .await
        }
        ScheduleCommand::Suspend { name, args } => suspend(name, args, true).await,
        ScheduleCommand::Resume { name, args } => suspend(name, args, false).await,
        ScheduleCommand::Delete { name, args } => {
            with_cluster(&args.cluster, |client| async move {
                client.delete_schedule(&name).await?;
                println!("deleted schedule {name}");
                Ok(0)
            })
            .await
        }
    }
}

async fn suspend(name: String, args: CatalogArgs, suspended: bool) -> Result<u8, Failure> {
    with_cluster(&args.cluster, |client| async move {
        let schedule = client.suspend_schedule(&name, suspended).await?;
        print(args.output, &schedule, |s| match s.suspended {
            true => format!("schedule {} suspended\n", s.name),
            false => format!(
                "schedule {} resumed; next at {}\n",
                s.name,
                time(s.next_tick_ms)
            ),
        });
        Ok(0)
    })
    .await
}

/// `kiln schedules`: every schedule, its next tick and its latest run.
pub async fn list(args: CatalogArgs) -> Result<u8, Failure> {
    with_cluster(&args.cluster, |client| async move {
        let schedules = client.schedules().await?;
        print(args.output, &schedules, |schedules| {
            let mut text = format!(
                "{:<24} {:<20} {:<16} {:<24} {:<26} {}\n",
                "NAME", "CRON", "TIME ZONE", "JOB", "NEXT", "LATEST RUN"
            );
            for s in schedules {
                let next = match s.suspended {
                    true => "suspended".to_string(),
                    false => time(s.next_tick_ms),
                };
                text.push_str(&format!(
                    "{:<24} {:<20} {:<16} {:<24} {:<26} {}\n",
                    s.name,
                    s.cron,
                    if s.time_zone.is_empty() {
                        "UTC"
                    } else {
                        &s.time_zone
                    },
                    target(&s.job, &s.crawler),
                    next,
                    s.runs.last().map(run_text).unwrap_or_default()
                ));
            }
            text
        });
        Ok(0)
    })
    .await
}

async fn find(client: &Client, name: &str) -> Result<proto::Schedule, Failure> {
    client
        .schedules()
        .await?
        .into_iter()
        .find(|s| s.name == name)
        .ok_or_else(|| usage(format!("no schedule named '{name}'")))
}

fn schedule_text(s: &proto::Schedule) -> String {
    let mut text = format!(
        "schedule {}: runs {} at '{}' ({})\n",
        s.name,
        target(&s.job, &s.crawler),
        s.cron,
        if s.time_zone.is_empty() {
            "UTC"
        } else {
            &s.time_zone
        }
    );
    text.push_str(&format!(
        "next: {}\n",
        if s.suspended {
            "suspended".into()
        } else {
            time(s.next_tick_ms)
        }
    ));
    for (k, v) in &s.params {
        text.push_str(&format!("param {k} = {v}\n"));
    }
    text.push_str("recent runs:\n");
    for run in s.runs.iter().rev() {
        text.push_str(&format!("  {}\n", run_text(run)));
    }
    text
}

fn run_text(run: &proto::ScheduleRun) -> String {
    if !run.job_id.is_empty() {
        format!("{} job {}", time(run.tick_ms), run.job_id)
    } else if !run.crawler.is_empty() {
        format!("{} crawler {} started", time(run.tick_ms), run.crawler)
    } else {
        format!("{} skipped: {}", time(run.tick_ms), run.skipped)
    }
}

/// When a trigger fires, in words.
fn when(t: &proto::Trigger) -> String {
    if t.after.is_empty() && t.after_crawlers.is_empty() {
        return format!(
            "for new objects in s3://{}/{}*{}",
            t.bucket, t.prefix, t.suffix
        );
    }
    let state = kiln_client::state_name(t.after_state);
    let followed: Vec<String> = (t.after.iter().map(|job| format!("{job} {state}")))
        .chain(
            t.after_crawlers
                .iter()
                .map(|c| format!("crawler {c} crawled")),
        )
        .collect();
    let join = if t.after_all { " and " } else { " or " };
    format!("after {}", followed.join(join))
}

/// What a schedule or trigger runs, as a column of a listing.
fn target(job: &str, crawler: &str) -> String {
    match crawler {
        "" => job.to_string(),
        crawler => format!("crawler {crawler}"),
    }
}

/// Milliseconds since the epoch as an RFC 3339 UTC time; `-` for none.
pub(crate) fn time(ms: u64) -> String {
    match DateTime::from_timestamp_millis(ms as i64) {
        Some(t) if ms > 0 => t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        _ => "-".into(),
    }
}
