//! `kiln`: run Kiln jobs on an embedded cluster, or submit and follow them on a real one.

mod bookmark;
mod catalog;
mod config;
mod output;
mod progress;
mod schedules;
mod shell;
mod sql;
mod workflow;

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use kiln_client::{Client, ClientError, ConnectOptions, ResultRoute, proto};

use crate::output::Format;
use kiln_core::state::FileStore;
use kiln_embedded::EmbeddedCluster;
use std::sync::Arc;

/// Exit codes, distinct per outcome so scripts can react.
mod exit {
    pub const FAILED: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const CANCELLED: u8 = 3;
    pub const TIMED_OUT: u8 = 4;
    pub const CANNOT_CONNECT: u8 = 5;
}

/// Kiln: distributed batch ETL.
#[derive(Debug, Parser)]
#[command(name = "kiln", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Args)]
struct ClusterArgs {
    /// A running coordinator to use instead of an embedded cluster.
    #[arg(long, env = "KILN_COORDINATOR")]
    coordinator: Option<String>,
    /// Executors of the embedded cluster.
    #[arg(long, default_value_t = 2)]
    executors: usize,
    /// Task slots per embedded executor (default: the number of cores).
    #[arg(long)]
    slots: Option<usize>,
    /// Where the embedded cluster keeps its catalog between runs (default:
    /// ~/.local/share/kiln). Several `kiln` processes may share one.
    #[arg(long, env = "KILN_STATE_DIR")]
    state_dir: Option<PathBuf>,
    /// Where a --coordinator cluster's results are read from: auto (the executors, else
    /// through the coordinator when they cannot be reached), direct, or coordinator.
    /// Default: KILN_RESULTS, else auto.
    #[arg(long, value_name = "ROUTE")]
    results: Option<ResultRoute>,
    /// Serve the embedded cluster's web UI and REST API on this port of 127.0.0.1 (50080 when
    /// no port is given; 0 picks one), and keep serving after the command until Ctrl-C.
    #[arg(long, value_name = "PORT", num_args = 0..=1, default_missing_value = "50080")]
    ui: Option<u16>,
}

/// A job file and the values of its `${name}` parameters.
#[derive(Debug, clap::Args)]
struct JobArgs {
    /// The job file (TOML).
    job: PathBuf,
    /// A parameter value, NAME=VALUE (repeatable); fills `${NAME}` in the job file.
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_param)]
    params: Vec<(String, String)>,
}

impl JobArgs {
    fn load(&self) -> Result<proto::JobSpec, Failure> {
        let params: HashMap<String, String> = self.params.iter().cloned().collect();
        kiln_jobs::load_job_file(&self.job, &params).map_err(usage)
    }
}

fn parse_task(text: &str) -> Result<(u32, u32), String> {
    text.split_once('.')
        .and_then(|(stage, partition)| Some((stage.parse().ok()?, partition.parse().ok()?)))
        .ok_or_else(|| format!("expected STAGE.PARTITION such as 1.3, got '{text}'"))
}

fn parse_param(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .ok_or_else(|| format!("expected NAME=VALUE, got '{text}'"))
}

/// Where the running cluster is.
#[derive(Debug, clap::Args)]
struct CoordinatorArg {
    /// The coordinator's URL, or several comma-separated (the leader among them is followed).
    /// Default: `coordinator` in ~/.config/kiln/config.toml, else http://127.0.0.1:50050.
    #[arg(long = "coordinator", env = "KILN_COORDINATOR")]
    url: Option<String>,
}

impl CoordinatorArg {
    /// Connects to the coordinator the flag, the environment or the config file names.
    async fn connect(&self) -> Result<Client, Failure> {
        let url = match &self.url {
            Some(url) => url.clone(),
            None => config::load()
                .map_err(usage)?
                .coordinator
                .unwrap_or_else(|| "http://127.0.0.1:50050".into()),
        };
        Ok(Client::connect_with(url, connect_options()?).await?)
    }
}

/// The cluster's bearer token and TLS CA, from the environment.
fn connect_options() -> Result<ConnectOptions, Failure> {
    ConnectOptions::from_env().map_err(usage)
}

/// A running coordinator and how read commands print.
#[derive(Debug, clap::Args)]
struct RemoteArgs {
    #[command(flatten)]
    coordinator: CoordinatorArg,
    /// text for people, json for scripts.
    #[arg(long, value_enum, default_value_t = output::Output::Text)]
    output: output::Output,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a job file on an embedded cluster (or --coordinator) and print its result.
    Run {
        #[command(flatten)]
        job: JobArgs,
        #[command(flatten)]
        cluster: ClusterArgs,
        /// How the result is printed.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Run SQL statements (separated by semicolons); each query runs as a distributed job.
    /// With no SQL, opens an interactive shell on a terminal, or runs the script on stdin.
    Sql {
        /// The SQL; omit it to use --file, stdin or the shell.
        sql: Option<String>,
        /// A file with SQL statements.
        #[arg(long, short)]
        file: Option<PathBuf>,
        #[command(flatten)]
        cluster: ClusterArgs,
        /// How results are printed (default: table, or what the --out file name says).
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// Write the results to this file instead of stdout (.csv, .json or .parquet).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Submit a job file to a running cluster; prints the job id.
    Submit {
        #[command(flatten)]
        job: JobArgs,
        #[command(flatten)]
        coordinator: CoordinatorArg,
        /// Follow the job to its end, with progress, and exit with its outcome.
        #[arg(long)]
        wait: bool,
    },
    /// Check a job file without running it: the file parses, sources are reachable, the SQL
    /// plans and the sink fits (on --coordinator, or an embedded cluster).
    Validate {
        #[command(flatten)]
        job: JobArgs,
        #[command(flatten)]
        cluster: ClusterArgs,
    },
    /// Show a job's status.
    Status {
        job_id: String,
        /// Also list every task attempt: executor, state, time, rows, bytes, error.
        #[arg(long)]
        tasks: bool,
        #[command(flatten)]
        remote: RemoteArgs,
    },
    /// Show what a job's task attempts logged (all of them, or one task's).
    Logs {
        job_id: String,
        /// Only this task's attempts, as STAGE.PARTITION (e.g. 1.3; see `kiln status --tasks`).
        #[arg(long, value_name = "STAGE.PARTITION", value_parser = parse_task)]
        task: Option<(u32, u32)>,
        #[command(flatten)]
        remote: RemoteArgs,
    },
    /// Follow a job with live progress until it ends.
    Watch {
        job_id: String,
        #[command(flatten)]
        coordinator: CoordinatorArg,
    },
    /// Cancel a job.
    Cancel {
        job_id: String,
        #[command(flatten)]
        coordinator: CoordinatorArg,
    },
    /// List jobs, newest first.
    Jobs {
        /// Only jobs in this state (queued, running, succeeded, failed, cancelled, timed_out).
        #[arg(long)]
        state: Option<String>,
        /// Only jobs with this label, KEY=VALUE (repeatable).
        #[arg(long = "label", value_name = "KEY=VALUE", value_parser = parse_param)]
        labels: Vec<(String, String)>,
        #[command(flatten)]
        remote: RemoteArgs,
    },
    /// List the cluster's executors.
    Executors {
        #[command(flatten)]
        remote: RemoteArgs,
    },
    #[command(flatten)]
    Catalog(catalog::CatalogCommand),
    /// Store, update, list, show or delete jobs kept in the cluster to start by name.
    Job {
        #[command(subcommand)]
        command: schedules::JobCommand,
    },
    /// Start a stored job now (kiln job create stores one).
    Start {
        name: String,
        /// A parameter value, NAME=VALUE (repeatable), over the stored job's defaults.
        #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_param)]
        params: Vec<(String, String)>,
        /// Follow the job to its end and exit with its outcome (always on an embedded cluster).
        #[arg(long)]
        wait: bool,
        #[command(flatten)]
        args: catalog::CatalogArgs,
    },
    /// Show, reset or rewind what an incremental job's runs read (its bookmark).
    Bookmark {
        #[command(subcommand)]
        command: bookmark::BookmarkCommand,
    },
    /// Show a workflow run: the runs conditional triggers linked, as a graph.
    Workflow {
        #[command(subcommand)]
        command: workflow::WorkflowCommand,
    },
    /// Create, show, suspend, resume or delete cron schedules of stored jobs.
    Schedule {
        #[command(subcommand)]
        command: schedules::ScheduleCommand,
    },
    /// List the schedules, their next ticks and latest runs.
    Schedules {
        #[command(flatten)]
        args: catalog::CatalogArgs,
    },
    /// Create or delete triggers that start stored jobs when objects land in a bucket.
    Trigger {
        #[command(subcommand)]
        command: schedules::TriggerCommand,
    },
    /// List the triggers, their pending events, latest runs and dead letters.
    Triggers {
        #[command(flatten)]
        args: catalog::CatalogArgs,
    },
    /// Print this kiln's version and the leading coordinator's (its release and protocol).
    Version {
        /// Only this kiln's version; ask no coordinator.
        #[arg(long)]
        client: bool,
        #[command(flatten)]
        coordinator: CoordinatorArg,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions { shell: clap_complete::Shell },
    /// Print the JSON Schema of job files (jobs/job-file.schema.json), for editors and TOML
    /// linters that check and complete job files with it.
    Schema,
    /// Print the reference of every source and sink option (jobs/OPTIONS.md), generated from
    /// the tables Kiln validates jobs with.
    Options,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    kiln_executor::task_log::init_logging(false, "warn");
    let runtime = kiln_core::runtime::build_runtime();
    match runtime.block_on(run(cli.command)) {
        Ok(code) => ExitCode::from(code),
        Err(Failure { code, message }) => {
            eprintln!("kiln: {message}");
            ExitCode::from(code)
        }
    }
}

/// Why the command failed, and the exit code that says so.
struct Failure {
    code: u8,
    message: String,
}

impl From<ClientError> for Failure {
    fn from(error: ClientError) -> Self {
        let code = match &error {
            ClientError::Connect { .. } => exit::CANNOT_CONNECT,
            ClientError::InvalidJob(_) | ClientError::NotFound(_) => exit::USAGE,
            _ => exit::FAILED,
        };
        Failure {
            code,
            message: error.to_string(),
        }
    }
}

/// A failure of the job or of printing its result (exit code 1).
fn failed(message: String) -> Failure {
    Failure {
        code: exit::FAILED,
        message,
    }
}

fn usage(message: impl std::fmt::Display) -> Failure {
    Failure {
        code: exit::USAGE,
        message: message.to_string(),
    }
}

async fn run(command: Command) -> Result<u8, Failure> {
    match command {
        Command::Run {
            job,
            cluster,
            format,
        } => {
            let spec = job.load()?;
            with_cluster(&cluster, |client| async move {
                run_job(&client, spec, format).await
            })
            .await
        }
        Command::Sql {
            sql,
            file,
            cluster,
            format,
            out,
        } => {
            let format = format
                .or_else(|| out.as_deref().and_then(Format::of_file))
                .unwrap_or(Format::Table);
            let script = match (sql, file) {
                (Some(sql), None) => sql,
                (None, Some(file)) => std::fs::read_to_string(&file)
                    .map_err(|e| usage(format!("{}: {e}", file.display())))?,
                (None, None) if std::io::stdin().is_terminal() => {
                    if out.is_some() {
                        return Err(usage(
                            "the interactive shell prints its results: give the SQL to write them to --out",
                        ));
                    }
                    let history = cluster
                        .state_dir
                        .clone()
                        .unwrap_or_else(config::default_state_dir)
                        .join("sql_history");
                    return with_cluster(&cluster, |client| async move {
                        shell::run(&client, &history, format).await
                    })
                    .await;
                }
                (None, None) => std::io::read_to_string(std::io::stdin())
                    .map_err(|e| usage(format!("reading SQL from stdin: {e}")))?,
                (Some(_), Some(_)) => {
                    return Err(usage(
                        "give the SQL as an argument or with --file, not both",
                    ));
                }
            };
            let jobs = sql::script_to_jobs(&script).map_err(usage)?;
            with_cluster(&cluster, |client| async move {
                let mut code = 0;
                for spec in jobs {
                    code = run_query(&client, spec, format, out.as_deref()).await?;
                    if code != 0 {
                        break;
                    }
                }
                Ok(code)
            })
            .await
        }
        Command::Submit {
            job,
            coordinator,
            wait,
        } => {
            let spec = job.load()?;
            let client = coordinator.connect().await?;
            let job_id = client.submit(spec).await?;
            println!("{job_id}");
            if !wait {
                return Ok(0);
            }
            let status = progress::follow(&client, &job_id).await?;
            eprint!("{}", progress::summary(&status));
            Ok(exit_code(&status))
        }
        Command::Validate { job, cluster } => {
            let spec = job.load()?;
            with_cluster(&cluster, |client| async move {
                client.validate(spec.clone()).await?;
                println!("{}: ok ({})", job.job.display(), output::describe(&spec));
                Ok(0)
            })
            .await
        }
        Command::Status {
            job_id,
            tasks,
            remote,
        } => {
            let client = remote.coordinator.connect().await?;
            let status = client.get(&job_id).await?;
            let attempts = match tasks {
                true => Some(client.tasks(&job_id).await?),
                false => None,
            };
            match remote.output {
                output::Output::Text => {
                    print!("{}", progress::summary(&status));
                    if let Some(attempts) = &attempts {
                        print!("\n{}", output::tasks_table(attempts));
                    }
                }
                output::Output::Json => {
                    let mut json = output::status_json(&status);
                    if let Some(attempts) = &attempts {
                        json["tasks"] = attempts.iter().map(output::attempt_json).collect();
                    }
                    println!("{json}");
                }
            }
            Ok(0)
        }
        Command::Logs {
            job_id,
            task,
            remote,
        } => {
            let client = remote.coordinator.connect().await?;
            let attempts = client.logs(&job_id, task).await?;
            match remote.output {
                output::Output::Text => print!("{}", output::logs_text(&attempts)),
                output::Output::Json => println!(
                    "{}",
                    serde_json::Value::Array(attempts.iter().map(output::attempt_json).collect())
                ),
            }
            Ok(0)
        }
        Command::Watch {
            job_id,
            coordinator,
        } => {
            let client = coordinator.connect().await?;
            let status = progress::follow(&client, &job_id).await?;
            eprint!("{}", progress::summary(&status));
            Ok(exit_code(&status))
        }
        Command::Cancel {
            job_id,
            coordinator,
        } => {
            let client = coordinator.connect().await?;
            let state = client.cancel(&job_id).await?;
            println!("{job_id} {}", kiln_client::state_name(state as i32));
            Ok(0)
        }
        Command::Jobs {
            state,
            labels,
            remote,
        } => {
            let state = state
                .map(|name| {
                    kiln_client::parse_state(&name).ok_or_else(|| {
                        usage(format!(
                            "unknown state '{name}' (expected queued, running, succeeded, \
                             failed, cancelled or timed_out)"
                        ))
                    })
                })
                .transpose()?;
            let client = remote.coordinator.connect().await?;
            let mut query = kiln_client::JobQuery::all();
            if let Some(state) = state {
                query = query.state(state);
            }
            for (key, value) in labels {
                query = query.label(key, value);
            }
            let jobs = client.list(query).await?;
            match remote.output {
                output::Output::Text => print!("{}", output::jobs_table(&jobs)),
                output::Output::Json => println!(
                    "{}",
                    serde_json::Value::Array(jobs.iter().map(output::status_json).collect())
                ),
            }
            Ok(0)
        }
        Command::Executors { remote } => {
            let client = remote.coordinator.connect().await?;
            let executors = client.executors().await?;
            match remote.output {
                output::Output::Text => print!("{}", output::executors_table(&executors)),
                output::Output::Json => println!(
                    "{}",
                    serde_json::Value::Array(executors.iter().map(output::executor_json).collect())
                ),
            }
            Ok(0)
        }
        Command::Catalog(command) => catalog::run(command).await,
        Command::Job { command } => schedules::job(command).await,
        Command::Start {
            name,
            params,
            wait,
            args,
        } => schedules::start(name, params, wait, args).await,
        Command::Bookmark { command } => bookmark::bookmark(command).await,
        Command::Workflow { command } => workflow::workflow(command).await,
        Command::Schedule { command } => schedules::schedule(command).await,
        Command::Schedules { args } => schedules::list(args).await,
        Command::Trigger { command } => schedules::trigger(command).await,
        Command::Triggers { args } => schedules::triggers(args).await,
        Command::Version {
            client,
            coordinator,
        } => {
            println!("kiln {}", env!("CARGO_PKG_VERSION"));
            if !client {
                let server = coordinator.connect().await?.server_version().await?;
                println!(
                    "coordinator {} (protocol {}) leading at {}",
                    server.version, server.protocol_version, server.leader_url
                );
            }
            Ok(0)
        }
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "kiln", &mut std::io::stdout());
            Ok(0)
        }
        Command::Schema => {
            print!("{}", kiln_jobs::job_file_schema());
            Ok(0)
        }
        Command::Options => {
            print!("{}", kiln_jobs::reference::markdown());
            Ok(0)
        }
    }
}

/// Runs `body` against `--coordinator`, or against an embedded cluster started for it.
async fn with_cluster<F, Fut>(cluster: &ClusterArgs, body: F) -> Result<u8, Failure>
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = Result<u8, Failure>>,
{
    if let Some(url) = &cluster.coordinator {
        let mut options = connect_options()?;
        if let Some(route) = cluster.results {
            options.results = route;
        }
        return body(Client::connect_with(url.clone(), options).await?).await;
    }
    let slots = cluster.slots.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
    });
    let state_dir = cluster
        .state_dir
        .clone()
        .unwrap_or_else(config::default_state_dir);
    let store = FileStore::open(&state_dir).map_err(|e| failed(e.to_string()))?;
    let embedded =
        EmbeddedCluster::start_with_store(Arc::new(store), cluster.executors, slots, cluster.ui)
            .await
            .map_err(|message| failed(format!("starting the embedded cluster: {message}")))?;
    let ui = embedded
        .http_addr()
        .map(|addr| format!("http://{addr}/ui/"));
    if let Some(ui) = &ui {
        eprintln!("kiln: the embedded cluster's web UI is at {ui}");
    }
    let outcome = match Client::connect(embedded.url()).await {
        Ok(client) => body(client).await,
        Err(e) => Err(e.into()),
    };
    if let Some(ui) = &ui {
        eprintln!("kiln: still serving the web UI at {ui}; Ctrl-C stops it");
        if let Err(e) = tokio::signal::ctrl_c().await {
            eprintln!("kiln: waiting for Ctrl-C: {e}");
        }
    }
    embedded.stop().await;
    outcome
}

/// Submits a job, shows its progress, prints its result; returns the exit code.
async fn run_job(client: &Client, spec: proto::JobSpec, format: Format) -> Result<u8, Failure> {
    let sink = spec.sink.clone();
    let job_id = client.submit(spec).await?;
    let status = progress::follow(client, &job_id).await?;
    eprint!("{}", progress::summary(&status));
    match sink {
        Some(sink) if exit_code(&status) == 0 => {
            let rows = output::rows_written(client.results(&status)?)
                .await
                .map_err(failed)?;
            let target = if sink.table.is_empty() {
                sink.path
            } else {
                format!("{} table {}", sink.path, sink.table)
            };
            println!("wrote {rows} rows to {target}");
            Ok(0)
        }
        _ => print_if_succeeded(client, &status, format, None).await,
    }
}

/// Runs one query job quietly and prints its result; returns the exit code.
async fn run_query(
    client: &Client,
    spec: proto::JobSpec,
    format: Format,
    out: Option<&std::path::Path>,
) -> Result<u8, Failure> {
    let inserts = spec.steps.iter().any(|s| sql::is_insert(&s.sql));
    let job_id = client.submit(spec).await?;
    let status = client.wait(&job_id).await?;
    if exit_code(&status) != 0 {
        eprintln!(
            "kiln: job {job_id} {}: {}",
            kiln_client::state_name(status.state),
            status.error
        );
    } else if inserts {
        // Each load task reports its own count: print their sum.
        let rows = output::rows_written(client.results(&status)?)
            .await
            .map_err(failed)?;
        println!("inserted {rows} rows");
        return Ok(0);
    }
    // As Athena says how much data a query scanned: on stderr, so results stay clean.
    if let Some(scan) = status.catalog_scan.filter(|s| s.files > 0) {
        eprintln!("({})", progress::scan_text(&scan));
    }
    print_if_succeeded(client, &status, format, out).await
}

async fn print_if_succeeded(
    client: &Client,
    status: &proto::JobStatus,
    format: Format,
    out: Option<&std::path::Path>,
) -> Result<u8, Failure> {
    let code = exit_code(status);
    if code == 0 {
        let schema = Client::result_schema(status)?;
        let batches = client.results(status)?;
        output::print_results(std::sync::Arc::new(schema), batches, format, out)
            .await
            .map_err(failed)?;
    }
    Ok(code)
}

fn exit_code(status: &proto::JobStatus) -> u8 {
    match proto::JobState::try_from(status.state) {
        Ok(proto::JobState::Succeeded) => 0,
        Ok(proto::JobState::Cancelled) => exit::CANCELLED,
        Ok(proto::JobState::TimedOut) => exit::TIMED_OUT,
        _ => exit::FAILED,
    }
}
