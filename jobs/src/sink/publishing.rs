//! A database sink's publishing transaction: what the PostgreSQL and MySQL sinks implement and
//! both the job commit and the early [`Publisher`](super::Publisher) drive.

use async_trait::async_trait;
use datafusion::error::Result;
use kiln_proto::v1 as pb;

use super::{Committed, StopRequest, Winner, unless_stopped};

/// A sink's publishing transaction, one partition at a time.
#[async_trait]
pub(crate) trait Publishing: Send {
    /// Empties the target in the transaction, for `overwrite`.
    async fn empty_target(&mut self) -> Result<()>;
    /// Publishes the rows of one partition's winning attempt in the transaction, after
    /// checking its staging table holds every row the attempt wrote.
    async fn publish(&mut self, winner: Winner) -> Result<Published>;
    /// Commits the transaction and removes the job's staging tables.
    async fn commit(self: Box<Self>) -> Result<()>;
    /// Rolls the transaction back.
    async fn rollback(self: Box<Self>) -> Result<()>;
    /// Whether the ledger already records the job's commit: its rows are published, and
    /// committing only cleans up.
    fn is_recorded(&self) -> bool;
}

/// What publishing one partition's winning attempt found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Published {
    /// Its rows are published in the transaction.
    Rows,
    /// Its staging table no longer holds the rows its attempt wrote: nothing of it is
    /// published.
    Lost,
}

/// A job's whole commit in `publishing`: empties the target for `overwrite`, publishes every
/// winner, then commits; only commits (cleans up) when an earlier run of the commit is
/// recorded. A stop requested before the transaction commits rolls it back, and so do
/// partitions whose staging tables lost rows (all of them are named, so they run again
/// together).
pub(crate) async fn publish_all(
    mut publishing: Box<dyn Publishing>,
    sink: &pb::SinkSpec,
    winners: &[Winner],
    mut stop: StopRequest,
) -> Result<Committed> {
    if publishing.is_recorded() {
        publishing.commit().await?;
        return Ok(Committed::Published);
    }
    if pb::SaveMode::try_from(sink.mode) == Ok(pb::SaveMode::Overwrite)
        && unless_stopped(&mut stop, publishing.empty_target())
            .await
            .transpose()?
            .is_none()
    {
        // Dropped uncommitted: the database rolls the transaction back.
        return Ok(Committed::Stopped);
    }
    let mut lost = vec![];
    for winner in winners {
        crate::failpoints::delay("database-commit-publish").await;
        match unless_stopped(&mut stop, publishing.publish(*winner))
            .await
            .transpose()?
        {
            None => return Ok(Committed::Stopped),
            Some(Published::Rows) => {}
            Some(Published::Lost) => lost.push(winner.partition),
        }
    }
    if !lost.is_empty() {
        publishing.rollback().await?;
        return Ok(Committed::RowsLost(lost));
    }
    publishing.commit().await?;
    Ok(Committed::Published)
}

/// A staging table that holds `held` rows where its attempt wrote `winner.rows` (a database
/// crash empties unlogged tables, or someone changed it): its partition is not published, and
/// runs again.
pub(crate) fn rows_lost(
    sink: &pb::SinkSpec,
    staging: &impl std::fmt::Display,
    winner: Winner,
    held: u64,
) -> Published {
    tracing::warn!(
        sink = %sink.path,
        "staging table {staging} holds {held} row(s), but attempt {} of partition {} wrote {}: \
         rows were lost before the commit (a database crash or restart, or the table was \
         changed); the partition runs again",
        winner.attempt,
        winner.partition,
        winner.rows
    );
    Published::Lost
}
