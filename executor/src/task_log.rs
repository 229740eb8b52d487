//! Each task attempt's own log: the lines logged while the attempt runs, kept so that
//! `kiln logs` can show them after it ends and a failed job can quote its last ones.
//!
//! The task runner runs every attempt inside [`TaskLog::scope`]; the [`TaskLogLayer`] (installed
//! by [`init_logging`]) appends each event at INFO and above logged from inside that scope to
//! the attempt's log, whatever the process's own log filter shows. The attempt's lines go to
//! the coordinator with its outcome.

use std::collections::VecDeque;
use std::fmt::Write;
use std::future::Future;
use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;

/// Sets up logging for a process that runs tasks: stderr as
/// [`kiln_core::runtime::log_output`] says, and every task attempt's own log. Does nothing
/// when the process has set up logging already.
pub fn init_logging(json: bool, default: &str) {
    let _ = tracing_subscriber::registry()
        .with(kiln_core::runtime::log_output(json, default))
        .with(TaskLogLayer.with_filter(LevelFilter::INFO))
        .try_init();
}

/// The most lines an attempt's log keeps; beyond it the oldest go, and the log says so.
pub const MAX_LINES: usize = 1000;
/// The longest line kept, in bytes; longer ones are cut.
const MAX_LINE_BYTES: usize = 4096;

tokio::task_local! {
    static CURRENT: TaskLog;
}

/// The log of one task attempt. Clones share the same lines.
#[derive(Debug, Clone, Default)]
pub struct TaskLog(Arc<Mutex<Lines>>);

#[derive(Debug, Default)]
struct Lines {
    kept: VecDeque<String>,
    dropped: usize,
}

impl TaskLog {
    /// Runs `future`, appending every event it logs to this log.
    pub async fn scope<F: Future>(&self, future: F) -> F::Output {
        CURRENT.scope(self.clone(), future).await
    }

    /// The lines, oldest first; the first one says how many were dropped, if any were.
    pub fn lines(&self) -> Vec<String> {
        let lines = self.0.lock().expect("task log poisoned");
        let dropped =
            (lines.dropped > 0).then(|| format!("... {} earlier line(s) dropped", lines.dropped));
        dropped
            .into_iter()
            .chain(lines.kept.iter().cloned())
            .collect()
    }

    fn push(&self, mut line: String) {
        if line.len() > MAX_LINE_BYTES {
            let mut end = MAX_LINE_BYTES;
            while !line.is_char_boundary(end) {
                end -= 1;
            }
            line.truncate(end);
            line.push_str(" ...");
        }
        let mut lines = self.0.lock().expect("task log poisoned");
        if lines.kept.len() == MAX_LINES {
            lines.kept.pop_front();
            lines.dropped += 1;
        }
        lines.kept.push_back(line);
    }
}

/// A `tracing` layer that copies events logged inside a [`TaskLog::scope`] into that log.
pub struct TaskLogLayer;

impl<S: Subscriber> Layer<S> for TaskLogLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let _ = CURRENT.try_with(|log| log.push(format_event(event)));
    }
}

/// `2026-11-23T21:30:00.123Z  WARN message key=value ...`
fn format_event(event: &Event<'_>) -> String {
    let mut fields = Fields::default();
    event.record(&mut fields);
    format!(
        "{} {:>5} {}{}",
        chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ"),
        event.metadata().level(),
        fields.message,
        fields.rest
    )
}

#[derive(Default)]
struct Fields {
    message: String,
    rest: String,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            let _ = write!(self.rest, " {}={value}", field.name());
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let _ = write!(self.rest, " {}={value:?}", field.name());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn keeps_what_is_logged_inside_the_scope_only() {
        let subscriber = tracing_subscriber::registry().with(TaskLogLayer);
        let _guard = tracing::subscriber::set_default(subscriber);
        let log = TaskLog::default();
        tracing::info!("before the task");
        log.scope(async {
            tracing::info!(rows = 3, file = "a.csv", "wrote");
            tracing::warn!("slow input {}", 7);
        })
        .await;
        tracing::info!("after the task");
        let lines = log.lines();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(
            lines[0].ends_with(" INFO wrote rows=3 file=a.csv"),
            "{}",
            lines[0]
        );
        assert!(lines[1].ends_with(" WARN slow input 7"), "{}", lines[1]);
    }

    #[test]
    fn drops_the_oldest_lines_beyond_the_cap_and_says_so() {
        let log = TaskLog::default();
        for i in 0..MAX_LINES + 5 {
            log.push(format!("line {i}"));
        }
        log.push("é".repeat(MAX_LINE_BYTES));
        let lines = log.lines();
        assert_eq!(lines.len(), MAX_LINES + 1);
        assert_eq!(lines[0], "... 6 earlier line(s) dropped");
        assert_eq!(lines[1], "line 6");
        let last = lines.last().unwrap();
        assert!(last.len() <= MAX_LINE_BYTES + 4 && last.ends_with(" ..."));
    }
}
