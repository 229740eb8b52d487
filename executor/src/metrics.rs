//! The executor's Prometheus metrics, served at `/metrics` on its HTTP endpoint: its task
//! attempts by outcome, what they wrote, fetched and spilled, and its slots and running
//! tasks (read at each scrape). Cluster-wide job figures are the coordinator's.

use kiln_core::http::OutcomeLabel;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::{Registry, Unit};

/// The executor's metrics and the registry that exposes them.
#[derive(Debug)]
pub struct ExecutorMetrics {
    registry: Registry,
    tasks: Family<OutcomeLabel, Counter>,
    written: Counter,
    served: Counter,
    spilled: Counter,
    slots: Gauge,
    running: Gauge,
}

impl Default for ExecutorMetrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("kiln_executor");
        let tasks = Family::<OutcomeLabel, Counter>::default();
        let (written, served, spilled) =
            (Counter::default(), Counter::default(), Counter::default());
        let (slots, running) = (Gauge::default(), Gauge::default());
        registry.register(
            "task_attempts",
            "Task attempts that ended on this executor, by outcome (succeeded, failed, killed)",
            tasks.clone(),
        );
        registry.register_with_unit(
            "shuffle_written",
            "Bytes task attempts wrote as shuffle outputs and results, in memory or on disk",
            Unit::Bytes,
            written.clone(),
        );
        registry.register_with_unit(
            "shuffle_fetched",
            "Bytes other processes fetched from this executor over Flight (shuffle inputs of \
             other executors' tasks, and results)",
            Unit::Bytes,
            served.clone(),
        );
        registry.register_with_unit(
            "spilled",
            "Bytes task operators spilled to disk when their memory limit was reached",
            Unit::Bytes,
            spilled.clone(),
        );
        registry.register("slots", "Task slots of this executor", slots.clone());
        registry.register(
            "running_tasks",
            "Task attempts running on this executor",
            running.clone(),
        );
        ExecutorMetrics {
            registry,
            tasks,
            written,
            served,
            spilled,
            slots,
            running,
        }
    }
}

impl ExecutorMetrics {
    /// The registry to encode, once the gauges say this executor has `slots` and runs
    /// `running` attempts.
    pub fn registry(&self, slots: usize, running: usize) -> &Registry {
        self.slots.set(slots as i64);
        self.running.set(running as i64);
        &self.registry
    }

    /// An attempt ended with `outcome` after writing `written` bytes and spilling `spilled`.
    pub fn attempt_ended(&self, outcome: &str, written: u64, spilled: u64) {
        self.tasks
            .get_or_create(&OutcomeLabel {
                outcome: outcome.into(),
            })
            .inc();
        self.written.inc_by(written);
        self.spilled.inc_by(spilled);
    }

    /// Flight sent `bytes` of a shuffle output or result to a reader.
    pub fn served(&self, bytes: usize) {
        self.served.inc_by(bytes as u64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_gauges_are_encoded_with_their_units() {
        let metrics = ExecutorMetrics::default();
        metrics.attempt_ended("succeeded", 1_000, 0);
        metrics.attempt_ended("killed", 0, 0);
        metrics.served(300);
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, metrics.registry(4, 1)).unwrap();
        for line in [
            "kiln_executor_task_attempts_total{outcome=\"succeeded\"} 1",
            "kiln_executor_task_attempts_total{outcome=\"killed\"} 1",
            "kiln_executor_shuffle_written_bytes_total 1000",
            "kiln_executor_shuffle_fetched_bytes_total 300",
            "kiln_executor_slots 4",
            "kiln_executor_running_tasks 1",
        ] {
            assert!(text.lines().any(|l| l == line), "no {line:?} in\n{text}");
        }
    }
}
