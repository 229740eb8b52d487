//! Publishing a database sink's partitions while its job still runs.
//!
//! A database sink publishes its winning staging tables in one transaction (see `postgres` and
//! `mysql`). That transaction inserts every row again, on one database connection, so run at
//! job commit it leaves the cluster idle while the database works alone. A [`Publisher`]
//! opens the transaction when the first partition's load succeeds and publishes each partition
//! as soon as its winning attempt is known, while the other partitions still load. Nothing is
//! visible until the transaction commits, and it commits only at job commit, after the
//! winners are recorded, and only if it published exactly those winners. Otherwise (a
//! partition ran again, a database error, another coordinator took over) it is rolled back and
//! the job's commit runs whole, as it does without a publisher. Either way each row is
//! published once.

use datafusion::error::{DataFusionError, Result};
use kiln_proto::v1 as pb;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use super::publishing::{Published, Publishing};
use super::{Committed, StopRequest, Winner};

/// Opens a sink's publishing transaction, given the first partition to publish.
type Open = Box<
    dyn Fn(
            pb::SinkSpec,
            String,
            Winner,
        ) -> futures::future::BoxFuture<'static, Result<Box<dyn Publishing>>>
        + Send
        + Sync,
>;

enum Command {
    Publish(Winner),
    Commit(Vec<Winner>, StopRequest, oneshot::Sender<Option<Committed>>),
}

/// Publishes a job's partitions as their winners are known (see the module docs).
#[derive(Debug)]
pub struct Publisher {
    commands: mpsc::UnboundedSender<Command>,
    worker: JoinHandle<()>,
}

impl Publisher {
    /// A publisher for `sink`, if it publishes partitions early: PostgreSQL and MySQL sinks
    /// whose mode adds rows. `overwrite` empties the table first, which would lock readers out
    /// for the whole load, so it publishes at commit only.
    pub fn start(sink: &pb::SinkSpec, job_id: &str) -> Option<Publisher> {
        if pb::SaveMode::try_from(sink.mode) == Ok(pb::SaveMode::Overwrite) {
            return None;
        }
        let open: Open = match sink.format.as_str() {
            super::postgres::FORMAT => Box::new(|sink, job_id, first| {
                Box::pin(super::postgres::open_publishing(sink, job_id, first))
            }),
            super::mysql::FORMAT => Box::new(|sink, job_id, first| {
                Box::pin(super::mysql::open_publishing(sink, job_id, first))
            }),
            _ => return None,
        };
        Some(Self::spawn(open, sink.clone(), job_id.to_string()))
    }

    fn spawn(open: Open, sink: pb::SinkSpec, job_id: String) -> Publisher {
        let (commands, receiver) = mpsc::unbounded_channel();
        let worker = tokio::spawn(run(open, sink, job_id, receiver));
        Publisher { commands, worker }
    }

    /// Publishes a partition's winning attempt, in the background.
    pub fn publish(&self, winner: Winner) {
        let _ = self.commands.send(Command::Publish(winner));
    }

    /// Commits what was published if it is exactly `winners`, unless a stop was requested
    /// (then it rolls back and answers `Stopped`); None when the job's commit must publish the
    /// winners itself.
    pub async fn commit(self, winners: &[Winner], stop: StopRequest) -> Option<Committed> {
        let (reply, answer) = oneshot::channel();
        let _ = self
            .commands
            .send(Command::Commit(winners.to_vec(), stop, reply));
        answer.await.ok().flatten()
    }

    /// Rolls back what was published, and waits until the database has.
    pub async fn abandon(self) {
        drop(self.commands);
        let _ = self.worker.await;
    }
}

async fn run(
    open: Open,
    sink: pb::SinkSpec,
    job_id: String,
    mut commands: mpsc::UnboundedReceiver<Command>,
) {
    let mut publishing: Option<Box<dyn Publishing>> = None;
    let mut published = vec![];
    let mut failed = false;
    while let Some(command) = commands.recv().await {
        match command {
            Command::Publish(winner) if !failed => {
                let step = match publishing.as_mut() {
                    Some(publishing) => publishing.publish(winner).await,
                    None => match open(sink.clone(), job_id.clone(), winner).await {
                        // Committed already (this is a rerun): nothing to publish early.
                        Ok(opened) if opened.is_recorded() => Err(DataFusionError::Execution(
                            "the job's commit is already recorded".into(),
                        )),
                        Ok(mut opened) => {
                            let step = opened.publish(winner).await;
                            publishing = Some(opened);
                            step
                        }
                        Err(e) => Err(e),
                    },
                };
                match step {
                    Ok(Published::Rows) => published.push(winner),
                    // The commit finds the lost rows again, with every other partition's.
                    Ok(Published::Lost) => failed = true,
                    Err(error) => {
                        let partition = winner.partition;
                        tracing::warn!(%job_id, %error, "publishing partition {partition} early failed; the commit publishes every partition");
                        failed = true;
                    }
                }
            }
            Command::Publish(..) => {}
            Command::Commit(mut winners, stop, reply) => {
                published.sort_unstable();
                winners.sort_unstable();
                let committed = match publishing.take() {
                    Some(publishing) if *stop.borrow() => {
                        let _ = publishing.rollback().await;
                        Some(Committed::Stopped)
                    }
                    Some(publishing) if !failed && published == winners => {
                        // Held here as a commit that publishes at its end is held before it.
                        crate::failpoints::delay("database-commit-publish").await;
                        match publishing.commit().await {
                            Ok(()) => Some(Committed::Published),
                            Err(error) => {
                                tracing::warn!(%job_id, %error, "committing the early publishing failed; the commit runs whole");
                                None
                            }
                        }
                    }
                    Some(publishing) => {
                        let _ = publishing.rollback().await;
                        None
                    }
                    None => None,
                };
                let _ = reply.send(committed);
                return;
            }
        }
    }
    // Abandoned: the job ends without committing.
    if let Some(publishing) = publishing {
        let _ = publishing.rollback().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_trait::async_trait;
    use std::sync::{Arc, Mutex};

    /// A transaction that records what it is asked to do; publishing partition 9 fails, and
    /// partitions 7 and 8 lost their rows.
    struct Recorded(Arc<Mutex<Vec<String>>>);

    #[async_trait]
    impl Publishing for Recorded {
        async fn empty_target(&mut self) -> Result<()> {
            self.0.lock().unwrap().push("empty".into());
            Ok(())
        }
        async fn publish(&mut self, winner: Winner) -> Result<Published> {
            let Winner {
                partition, attempt, ..
            } = winner;
            if partition == 9 {
                return Err(DataFusionError::Execution("no staging table".into()));
            }
            if partition == 7 || partition == 8 {
                return Ok(Published::Lost);
            }
            self.0
                .lock()
                .unwrap()
                .push(format!("publish {partition}.{attempt}"));
            Ok(Published::Rows)
        }
        async fn commit(self: Box<Self>) -> Result<()> {
            self.0.lock().unwrap().push("commit".into());
            Ok(())
        }
        async fn rollback(self: Box<Self>) -> Result<()> {
            self.0.lock().unwrap().push("rollback".into());
            Ok(())
        }
        fn is_recorded(&self) -> bool {
            false
        }
    }

    /// A stop that is never requested.
    fn go() -> StopRequest {
        tokio::sync::watch::channel(false).1
    }

    fn won(partition: u32, attempt: u32) -> Winner {
        Winner {
            partition,
            attempt,
            rows: 10,
        }
    }

    fn recording() -> (Publisher, Arc<Mutex<Vec<String>>>) {
        let log = Arc::new(Mutex::new(vec![]));
        let shared = Arc::clone(&log);
        let open: Open = Box::new(move |_, _, first| {
            let log = Arc::clone(&shared);
            Box::pin(async move {
                log.lock()
                    .unwrap()
                    .push(format!("open at {}.{}", first.partition, first.attempt));
                Ok(Box::new(Recorded(log)) as Box<dyn Publishing>)
            })
        });
        (
            Publisher::spawn(open, pb::SinkSpec::default(), "j".into()),
            log,
        )
    }

    #[tokio::test]
    async fn commits_only_exactly_the_winners_it_published() {
        let (publisher, log) = recording();
        publisher.publish(won(1, 0));
        publisher.publish(won(0, 3));
        let published = Some(Committed::Published);
        assert_eq!(
            publisher.commit(&[won(0, 3), won(1, 0)], go()).await,
            published
        );
        assert_eq!(
            *log.lock().unwrap(),
            ["open at 1.0", "publish 1.0", "publish 0.3", "commit"]
        );

        // A partition published twice (it ran again): the winners differ, nothing commits.
        let (publisher, log) = recording();
        publisher.publish(won(0, 0));
        publisher.publish(won(0, 1));
        assert_eq!(publisher.commit(&[won(0, 1)], go()).await, None);
        assert_eq!(log.lock().unwrap().last().unwrap(), "rollback");

        // A failed publish leaves every partition to the commit.
        let (publisher, log) = recording();
        publisher.publish(won(9, 0));
        publisher.publish(won(1, 0));
        assert_eq!(publisher.commit(&[won(1, 0), won(9, 0)], go()).await, None);
        assert_eq!(log.lock().unwrap().last().unwrap(), "rollback");

        // Lost rows leave every partition to the commit.
        let (publisher, log) = recording();
        publisher.publish(won(8, 0));
        publisher.publish(won(1, 0));
        assert_eq!(publisher.commit(&[won(1, 0), won(8, 0)], go()).await, None);
        assert_eq!(log.lock().unwrap().last().unwrap(), "rollback");

        // A stop requested before the commit rolls back what was published.
        let (publisher, log) = recording();
        publisher.publish(won(0, 0));
        let (_stop, stopped) = tokio::sync::watch::channel(true);
        let outcome = publisher.commit(&[won(0, 0)], stopped).await;
        assert_eq!(outcome, Some(Committed::Stopped));
        assert_eq!(log.lock().unwrap().last().unwrap(), "rollback");

        // A job that ends without committing rolls back.
        let (publisher, log) = recording();
        publisher.publish(won(0, 0));
        publisher.abandon().await;
        assert_eq!(log.lock().unwrap().last().unwrap(), "rollback");
    }

    #[tokio::test]
    async fn a_commit_names_every_partition_that_lost_rows_and_publishes_nothing() {
        let log = Arc::new(Mutex::new(vec![]));
        let winners = [won(0, 0), won(7, 2), won(1, 0), won(8, 1)];
        let committed = super::super::publishing::publish_all(
            Box::new(Recorded(Arc::clone(&log))),
            &pb::SinkSpec::default(),
            &winners,
            go(),
        )
        .await
        .unwrap();
        assert_eq!(committed, Committed::RowsLost(vec![7, 8]));
        assert_eq!(
            *log.lock().unwrap(),
            ["publish 0.0", "publish 1.0", "rollback"]
        );
    }
}
