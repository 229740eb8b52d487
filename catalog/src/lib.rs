//! Kiln's data catalog: the databases, tables and partitions that crawlers find and jobs
//! write, kept in the cluster state store (etcd in a cluster, a file on a laptop) so that
//! they outlive any coordinator.
//!
//! - [`keys`]: where each kind lives in the store, laid out so a table's partitions with given
//!   leading values are one prefix (a query reading a few partitions fetches only their keys).
//! - [`Catalog`]: the handle, in `catalog`; its calls on databases, tables (with their schema
//!   versions) and partitions in `database`, `table` and `partition`.
//! - [`provider`]: catalog tables in SQL (`SELECT ... FROM db.table`), with partition
//!   pruning on the catalog's registrations; [`columns`]: catalog columns as Arrow fields.
//! - [`crawler`]: crawlers, which find tables and partitions under object-store prefixes.
//! - [`CatalogError`]: what can go wrong, naming the database, table or partition.

mod catalog;
pub mod columns;
pub mod crawler;
mod database;
mod error;
pub mod keys;
mod partition;
pub mod provider;
mod table;
#[cfg(test)]
mod testing;

pub use catalog::Catalog;
pub use error::{CatalogError, Result};
pub use kiln_proto::v1::{
    CatalogColumn, CatalogDatabase, CatalogPartition, CatalogTable, CrawlRun, Crawler,
    SchemaVersion,
};
