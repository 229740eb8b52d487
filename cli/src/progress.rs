//! Live progress of a running job: one bar per running stage (tasks done/total, rows written),
//! then a summary table of every stage.

use std::collections::BTreeMap;
use std::time::Duration;

use futures::StreamExt;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use kiln_client::{Client, ClientError, proto};

/// Follows a job to its end, drawing progress bars on stderr (when it is a terminal), and
/// returns the final status.
pub async fn follow(client: &Client, job_id: &str) -> Result<proto::JobStatus, ClientError> {
    follow_with(client, job_id, false).await
}

/// As [`follow`], erasing the bars at the end (the shell prints a one-line footer instead).
pub async fn follow_clearing(
    client: &Client,
    job_id: &str,
) -> Result<proto::JobStatus, ClientError> {
    follow_with(client, job_id, true).await
}

async fn follow_with(
    client: &Client,
    job_id: &str,
    clear: bool,
) -> Result<proto::JobStatus, ClientError> {
    let bars = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(
        "{prefix:>9} [{bar:30.cyan/blue}] {pos}/{len} tasks  {msg}  {elapsed} (eta {eta})",
    )
    .expect("valid progress template")
    .progress_chars("=> ");
    let mut stage_bars: BTreeMap<u32, ProgressBar> = BTreeMap::new();
    let mut updates = Box::pin(client.watch(job_id).await?);
    let mut last = None;
    while let Some(status) = updates.next().await {
        let status = status?;
        for stage in &status.stages {
            let started = stage.tasks_running > 0 || stage.tasks_succeeded > 0;
            if !started && !stage_bars.contains_key(&stage.stage_id) {
                continue;
            }
            let bar = stage_bars.entry(stage.stage_id).or_insert_with(|| {
                let bar = bars.add(ProgressBar::new(stage.tasks_total as u64));
                bar.set_style(style.clone());
                bar.set_prefix(format!("stage {}", stage.stage_id));
                bar.enable_steady_tick(Duration::from_millis(200));
                bar
            });
            bar.set_length(stage.tasks_total as u64);
            bar.set_position(stage.tasks_succeeded as u64);
            bar.set_message(format!(
                "{} rows  {}",
                stage.rows_out,
                human_bytes(stage.bytes_out)
            ));
            if stage.state == proto::StageState::Succeeded as i32 && !bar.is_finished() {
                bar.finish();
            }
        }
        last = Some(status);
    }
    for bar in stage_bars.values() {
        if clear {
            bar.finish_and_clear();
        } else if !bar.is_finished() {
            bar.abandon();
        }
    }
    match last {
        Some(status) if kiln_client::is_finished(&status) => Ok(status),
        _ => client.get(job_id).await,
    }
}

/// A stage-by-stage summary of a finished job, for stderr.
pub fn summary(status: &proto::JobStatus) -> String {
    let mut text = format!(
        "job {} ({}) {} in {}\n",
        status.job_id,
        status.name,
        kiln_client::state_name(status.state),
        human_duration(status.ended_at_ms.saturating_sub(status.submitted_at_ms))
    );
    text.push_str(&format!(
        "{:>6} {:>10} {:>8} {:>12} {:>10} {:>8} {:>10}\n",
        "stage", "state", "tasks", "rows", "bytes", "retries", "time"
    ));
    for stage in &status.stages {
        let state = proto::StageState::try_from(stage.state)
            .map(|s| s.as_str_name().trim_start_matches("STAGE_STATE_"))
            .unwrap_or("?");
        let time = match (stage.started_at_ms, stage.ended_at_ms) {
            (0, _) | (_, 0) => "-".to_string(),
            (start, end) => human_duration(end.saturating_sub(start)),
        };
        text.push_str(&format!(
            "{:>6} {:>10} {:>8} {:>12} {:>10} {:>8} {:>10}\n",
            stage.stage_id,
            state,
            format!("{}/{}", stage.tasks_succeeded, stage.tasks_total),
            stage.rows_out,
            human_bytes(stage.bytes_out),
            stage.task_failures,
            time
        ));
    }
    if status.records_read > 0 {
        text.push_str(&format!(
            "sources read {} records, {} bad\n",
            status.records_read, status.bad_records
        ));
    }
    if let Some(scan) = status
        .catalog_scan
        .filter(|s| s.files > 0 || s.partitions > 0)
    {
        text.push_str(&format!("catalog tables: {}\n", scan_text(&scan)));
    }
    if !status.error.is_empty() {
        text.push_str(&format!("error: {}\n", status.error));
    }
    text
}

/// What a job's catalog scans read, as Athena says what a query scanned: `1 partition(s)
/// read, 999 pruned, 1 file(s), 2.1 KiB scanned`.
pub fn scan_text(scan: &proto::CatalogScan) -> String {
    format!(
        "{} partition(s) read, {} pruned, {} file(s), {} scanned",
        scan.partitions,
        scan.partitions_pruned,
        scan.files,
        human_bytes(scan.bytes)
    )
}

pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

pub fn human_duration(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else {
        format!("{:.2} s", ms as f64 / 1000.0)
    }
}
