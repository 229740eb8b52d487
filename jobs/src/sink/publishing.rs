//! A database sink's publishing transaction: what the PostgreSQL and MySQL sinks implement and
//! both the job commit and the early [`Publisher`](super::Publisher) drive.

use async_trait::async_trait;
use datafusion::error::Result;
use kiln_proto::v1 as pb;

/// A sink's publishing transaction, one partition at a time.
#[async_trait]
pub(crate) trait Publishing: Send {
    /// Empties the target in the transaction, for `overwrite`.
    async fn empty_target(&mut self) -> Result<()>;
    /// Publishes the rows of one partition's winning attempt in the transaction.
    async fn publish(&mut self, partition: u32, attempt: u32) -> Result<()>;
    /// Commits the transaction and removes the job's staging tables.
    async fn commit(self: Box<Self>) -> Result<()>;
    /// Rolls the transaction back.
    async fn rollback(self: Box<Self>) -> Result<()>;
}

/// A job's whole commit in `publishing`: empties the target for `overwrite`, publishes every
/// winner, then commits.
pub(crate) async fn publish_all(
    mut publishing: Box<dyn Publishing>,
    sink: &pb::SinkSpec,
    winners: &[(u32, u32)],
) -> Result<()> {
    if pb::SaveMode::try_from(sink.mode) == Ok(pb::SaveMode::Overwrite) {
        publishing.empty_target().await?;
    }
    for (partition, attempt) in winners {
        publishing.publish(*partition, *attempt).await?;
    }
    publishing.commit().await
}
