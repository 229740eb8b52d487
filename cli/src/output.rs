//! Printing query results and job summaries.

use std::io::Write;
use std::path::Path;

use arrow::array::{AsArray, RecordBatch};
use arrow::datatypes::SchemaRef;
use arrow::datatypes::UInt64Type;
use futures::{Stream, StreamExt};
use kiln_client::{ClientError, proto};

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// An aligned text table.
    Table,
    /// CSV with a header line.
    Csv,
    /// One JSON object per row.
    Json,
    /// A Parquet file (with --out).
    Parquet,
}

impl Format {
    /// The format a file name asks for (`.csv`, `.json`, `.parquet`), if any.
    pub fn of_file(path: &Path) -> Option<Self> {
        match path.extension()?.to_str()? {
            "csv" => Some(Self::Csv),
            "json" | "jsonl" => Some(Self::Json),
            "parquet" => Some(Self::Parquet),
            _ => None,
        }
    }
}

/// How read commands print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    /// Aligned text for people.
    Text,
    /// One JSON document for scripts.
    Json,
}

/// A one-line description of a job spec.
pub fn describe(spec: &proto::JobSpec) -> String {
    let sink = match &spec.sink {
        Some(sink) if sink.table.is_empty() => format!("writes {} to {}", sink.format, sink.path),
        Some(sink) => format!("writes {} table {}", sink.format, sink.table),
        None => "returns its result".into(),
    };
    format!(
        "{} source(s), {} step(s), {sink}",
        spec.sources.len(),
        spec.steps.len()
    )
}

/// A job's status as JSON: states by name, times in milliseconds since the epoch.
pub fn status_json(status: &proto::JobStatus) -> serde_json::Value {
    let stages: Vec<serde_json::Value> = status
        .stages
        .iter()
        .map(|s| {
            serde_json::json!({
                "stage_id": s.stage_id,
                "state": proto::StageState::try_from(s.state)
                    .map(|s| s.as_str_name().trim_start_matches("STAGE_STATE_"))
                    .unwrap_or("UNKNOWN"),
                "inputs": s.inputs,
                "tasks_total": s.tasks_total,
                "tasks_succeeded": s.tasks_succeeded,
                "tasks_running": s.tasks_running,
                "task_failures": s.task_failures,
                "rows_out": s.rows_out,
                "bytes_out": s.bytes_out,
                "records_read": s.records_read,
                "bad_records": s.bad_records,
                "started_at_ms": s.started_at_ms,
                "ended_at_ms": s.ended_at_ms,
            })
        })
        .collect();
    serde_json::json!({
        "job_id": status.job_id,
        "name": status.name,
        "state": kiln_client::state_name(status.state),
        "error": status.error,
        "labels": status.labels,
        "submitted_at_ms": status.submitted_at_ms,
        "started_at_ms": status.started_at_ms,
        "ended_at_ms": status.ended_at_ms,
        "stages": stages,
        "records_read": status.records_read,
        "bad_records": status.bad_records,
        "result_rows": status.result.as_ref().map(|r| r.rows),
        "catalog_scan": status.catalog_scan.map(|s| serde_json::json!({
            "partitions": s.partitions,
            "partitions_pruned": s.partitions_pruned,
            "files": s.files,
            "bytes": s.bytes,
        })),
    })
}

/// A task attempt as JSON; its log lines under `log` when it carries them.
pub fn attempt_json(attempt: &proto::TaskAttemptStatus) -> serde_json::Value {
    serde_json::json!({
        "stage_id": attempt.stage_id,
        "partition": attempt.partition,
        "attempt": attempt.attempt,
        "executor_id": attempt.executor_id,
        "state": attempt_state(attempt),
        "started_at_ms": attempt.started_at_ms,
        "ended_at_ms": attempt.ended_at_ms,
        "rows_out": attempt.rows_out,
        "bytes_out": attempt.bytes_out,
        "error": attempt.error,
        "log": attempt.log,
    })
}

fn attempt_state(attempt: &proto::TaskAttemptStatus) -> &'static str {
    proto::TaskAttemptState::try_from(attempt.state)
        .map(|s| s.as_str_name().trim_start_matches("TASK_ATTEMPT_STATE_"))
        .unwrap_or("UNKNOWN")
}

/// How long an attempt ran (so far, while it runs).
fn attempt_duration(attempt: &proto::TaskAttemptStatus) -> String {
    let end = match attempt.ended_at_ms {
        0 => kiln_core::ids::now_ms(),
        end => end,
    };
    crate::progress::human_duration(end.saturating_sub(attempt.started_at_ms))
}

/// Task attempts as an aligned table, a failed one's error cut to its first line.
pub fn tasks_table(attempts: &[proto::TaskAttemptStatus]) -> String {
    let mut text = format!(
        "{:>5} {:>5} {:>7} {:<16} {:<9} {:>9} {:>10} {:>10}  {}\n",
        "STAGE", "TASK", "ATTEMPT", "EXECUTOR", "STATE", "TIME", "ROWS", "BYTES", "ERROR"
    );
    for a in attempts {
        text.push_str(&format!(
            "{:>5} {:>5} {:>7} {:<16} {:<9} {:>9} {:>10} {:>10}  {}\n",
            a.stage_id,
            a.partition,
            a.attempt,
            a.executor_id,
            attempt_state(a),
            attempt_duration(a),
            a.rows_out,
            crate::progress::human_bytes(a.bytes_out),
            a.error.lines().next().unwrap_or("")
        ));
    }
    text
}

/// Task attempts' logs for people: a header line per attempt, then its lines.
pub fn logs_text(attempts: &[proto::TaskAttemptStatus]) -> String {
    let mut text = String::new();
    for a in attempts {
        text.push_str(&format!(
            "==> stage {} task {} attempt {} on {}: {} ({}) <==\n",
            a.stage_id,
            a.partition,
            a.attempt,
            a.executor_id,
            attempt_state(a),
            attempt_duration(a)
        ));
        for line in &a.log {
            text.push_str(line);
            text.push('\n');
        }
        text.push('\n');
    }
    text
}

/// An executor as JSON.
pub fn executor_json(executor: &proto::ExecutorStatus) -> serde_json::Value {
    serde_json::json!({
        "executor_id": executor.executor_id,
        "host": executor.host,
        "grpc_port": executor.grpc_port,
        "flight_port": executor.flight_port,
        "slots": executor.slots,
        "running_tasks": executor.running_tasks,
        "draining": executor.draining,
        "memory_limit_bytes": executor.memory_limit_bytes,
        "memory_reserved_bytes": executor.memory_reserved_bytes,
        "resident_bytes": executor.resident_bytes,
    })
}

/// Jobs as an aligned table.
pub fn jobs_table(jobs: &[proto::JobStatus]) -> String {
    let mut text = format!(
        "{:<18} {:<24} {:<10} {:>10}\n",
        "JOB", "NAME", "STATE", "SECONDS"
    );
    for job in jobs {
        let seconds = match (job.started_at_ms, job.ended_at_ms) {
            (0, _) => String::from("-"),
            (start, 0) => format!("{:.1}+", (kiln_core::ids::now_ms() - start) as f64 / 1000.0),
            (start, end) => format!("{:.1}", end.saturating_sub(start) as f64 / 1000.0),
        };
        text.push_str(&format!(
            "{:<18} {:<24} {:<10} {:>10}\n",
            job.job_id,
            job.name,
            kiln_client::state_name(job.state),
            seconds
        ));
    }
    text
}

/// Executors as an aligned table.
pub fn executors_table(executors: &[proto::ExecutorStatus]) -> String {
    let mut text = format!(
        "{:<16} {:<22} {:>5} {:>8} {:>10} {:>10} {:<8}\n",
        "EXECUTOR", "ADDRESS", "SLOTS", "RUNNING", "TASK MEM", "RESIDENT", "STATE"
    );
    for e in executors {
        text.push_str(&format!(
            "{:<16} {:<22} {:>5} {:>8} {:>10} {:>10} {:<8}\n",
            e.executor_id,
            format!("{}:{}", e.host, e.grpc_port),
            e.slots,
            e.running_tasks,
            crate::progress::human_bytes(e.memory_reserved_bytes),
            crate::progress::human_bytes(e.resident_bytes),
            if e.draining { "draining" } else { "active" }
        ));
    }
    text
}

/// The rows a sink job wrote: the sum of its result's `count` column (one row per task).
pub async fn rows_written(
    mut batches: impl Stream<Item = Result<RecordBatch, ClientError>> + Unpin,
) -> Result<u64, String> {
    let mut rows = 0;
    while let Some(batch) = batches.next().await {
        let batch = batch.map_err(|e| e.to_string())?;
        let counts = batch
            .column_by_name("count")
            .and_then(|c| c.as_primitive_opt::<UInt64Type>())
            .ok_or("a sink job's result has no count column")?;
        rows += counts.iter().flatten().sum::<u64>();
    }
    Ok(rows)
}

/// Writes a result stream in `format` to `out` (a file) or stdout; returns the number of rows.
pub async fn print_results(
    schema: SchemaRef,
    mut batches: impl Stream<Item = Result<RecordBatch, ClientError>> + Unpin,
    format: Format,
    out: Option<&Path>,
) -> Result<u64, String> {
    let target: Box<dyn Write + Send> = match out {
        Some(path) => {
            Box::new(std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?)
        }
        None if format == Format::Parquet => {
            return Err("--format parquet writes a file: give --out FILE".into());
        }
        None => Box::new(std::io::stdout()),
    };
    let mut out = std::io::BufWriter::new(target);
    let mut rows = 0u64;
    let mut next = async || -> Result<Option<RecordBatch>, String> {
        match batches.next().await {
            Some(batch) => {
                let batch = batch.map_err(|e| e.to_string())?;
                rows += batch.num_rows() as u64;
                Ok(Some(batch))
            }
            None => Ok(None),
        }
    };
    match format {
        Format::Table => {
            let mut all = vec![];
            while let Some(batch) = next().await? {
                all.push(batch);
            }
            if all.is_empty() {
                all.push(RecordBatch::new_empty(schema));
            }
            let table =
                arrow::util::pretty::pretty_format_batches(&all).map_err(|e| e.to_string())?;
            writeln!(out, "{table}").map_err(|e| e.to_string())?;
        }
        Format::Csv => {
            let mut writer = arrow::csv::WriterBuilder::new()
                .with_header(true)
                .build(&mut out);
            let mut wrote = false;
            while let Some(batch) = next().await? {
                writer.write(&batch).map_err(|e| e.to_string())?;
                wrote = true;
            }
            if !wrote {
                writer
                    .write(&RecordBatch::new_empty(schema))
                    .map_err(|e| e.to_string())?;
            }
        }
        Format::Json => {
            let mut writer = arrow::json::LineDelimitedWriter::new(&mut out);
            while let Some(batch) = next().await? {
                writer.write(&batch).map_err(|e| e.to_string())?;
            }
            writer.finish().map_err(|e| e.to_string())?;
        }
        Format::Parquet => {
            let mut writer = parquet::arrow::ArrowWriter::try_new(&mut out, schema, None)
                .map_err(|e| e.to_string())?;
            while let Some(batch) = next().await? {
                writer.write(&batch).map_err(|e| e.to_string())?;
            }
            writer.close().map_err(|e| e.to_string())?;
        }
    }
    out.flush().map_err(|e| e.to_string())?;
    Ok(rows)
}
