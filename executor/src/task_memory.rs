//! A task's own memory limit (a job's `memory_per_task`) inside the executor's shared pool.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use datafusion::error::{DataFusionError, Result};
use datafusion::execution::memory_pool::{
    MemoryConsumer, MemoryLimit, MemoryPool, MemoryReservation,
};

/// Caps what one task reserves at `limit`, while every reservation also counts against the
/// executor's shared pool (so the executor's own limit still holds). Operators that can spill
/// spill when either is full; the others fail the task with the limit named.
#[derive(Debug)]
pub(crate) struct TaskMemoryPool {
    shared: Arc<dyn MemoryPool>,
    limit: usize,
    used: AtomicUsize,
}

impl TaskMemoryPool {
    pub(crate) fn new(shared: Arc<dyn MemoryPool>, limit: usize) -> Self {
        Self {
            shared,
            limit,
            used: AtomicUsize::new(0),
        }
    }
}

impl fmt::Display for TaskMemoryPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "task pool ({} bytes) in {}", self.limit, self.shared)
    }
}

impl MemoryPool for TaskMemoryPool {
    fn name(&self) -> &str {
        "kiln-task"
    }

    fn register(&self, consumer: &MemoryConsumer) {
        self.shared.register(consumer);
    }

    fn unregister(&self, consumer: &MemoryConsumer) {
        self.shared.unregister(consumer);
    }

    fn grow(&self, reservation: &MemoryReservation, additional: usize) {
        self.shared.grow(reservation, additional);
        self.used.fetch_add(additional, Ordering::Relaxed);
    }

    fn shrink(&self, reservation: &MemoryReservation, shrink: usize) {
        self.shared.shrink(reservation, shrink);
        self.used.fetch_sub(shrink, Ordering::Relaxed);
    }

    fn try_grow(&self, reservation: &MemoryReservation, additional: usize) -> Result<()> {
        let before = self.used.fetch_add(additional, Ordering::Relaxed);
        if before + additional > self.limit {
            self.used.fetch_sub(additional, Ordering::Relaxed);
            return Err(DataFusionError::ResourcesExhausted(format!(
                "{} asked for {additional} more bytes, but the task already holds {before} of \
                 its {} bytes (the job's memory_per_task)",
                reservation.consumer().name(),
                self.limit
            )));
        }
        if let Err(error) = self.shared.try_grow(reservation, additional) {
            self.used.fetch_sub(additional, Ordering::Relaxed);
            return Err(error);
        }
        Ok(())
    }

    fn reserved(&self) -> usize {
        self.used.load(Ordering::Relaxed)
    }

    fn memory_limit(&self) -> MemoryLimit {
        MemoryLimit::Finite(self.limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::execution::memory_pool::{GreedyMemoryPool, UnboundedMemoryPool};

    #[test]
    fn the_task_limit_and_the_shared_limit_both_hold() {
        let shared: Arc<dyn MemoryPool> = Arc::new(UnboundedMemoryPool::default());
        let pool: Arc<dyn MemoryPool> = Arc::new(TaskMemoryPool::new(Arc::clone(&shared), 100));
        let reservation = MemoryConsumer::new("sort").register(&pool);
        reservation.try_grow(60).unwrap();
        let refused = reservation.try_grow(50).unwrap_err().to_string();
        assert!(refused.contains("memory_per_task"), "{refused}");
        assert_eq!((pool.reserved(), shared.reserved()), (60, 60));
        reservation.shrink(60);
        assert_eq!((pool.reserved(), shared.reserved()), (0, 0));

        let small: Arc<dyn MemoryPool> = Arc::new(GreedyMemoryPool::new(10));
        let pool: Arc<dyn MemoryPool> = Arc::new(TaskMemoryPool::new(Arc::clone(&small), 100));
        let reservation = MemoryConsumer::new("join").register(&pool);
        assert!(
            reservation.try_grow(20).is_err(),
            "the executor's own limit"
        );
        assert_eq!(pool.reserved(), 0);
    }
}
