//! Where the catalog lives in the state store, relative to the cluster's prefix:
//!
//! ```text
//! catalog/databases/{database}                           CatalogDatabase
//! catalog/tables/{database}/{table}                      CatalogTable
//! catalog/partitions/{database}/{table}/{v1}/{v2}/.../   CatalogPartition, values in key order
//! catalog/crawlers/{crawler}                             Crawler
//! catalog/crawl_runs/{crawler}/{started_at_ms}           CrawlRun, the latest few
//! ```
//!
//! Each name and value is percent-encoded (`/`, `%` and control characters), and each ends
//! with `/`, so a prefix never matches a longer name or value (`a/` is not a prefix of `ab/`).
//! Listing a database's tables never reads a partition, and the partitions with given leading
//! values (`year=2019/month=09`) are one prefix of keys.

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

/// Prefix of the catalog's databases.
pub const DATABASES: &str = "catalog/databases/";
/// Prefix of the catalog's tables.
pub const TABLES: &str = "catalog/tables/";
/// Prefix of the catalog's partitions.
pub const PARTITIONS: &str = "catalog/partitions/";

/// Prefix of the catalog's crawlers.
pub const CRAWLERS: &str = "catalog/crawlers/";
/// Prefix of the records of crawls.
pub const CRAWL_RUNS: &str = "catalog/crawl_runs/";

/// What is escaped in a key component.
const ESCAPED: &AsciiSet = &CONTROLS.add(b'/').add(b'%');

fn component(name: &str) -> String {
    format!("{}/", utf8_percent_encode(name, ESCAPED))
}

/// The key of database `database`.
pub fn database(database: &str) -> String {
    format!("{DATABASES}{}", component(database))
}

/// The prefix of the tables of `database`.
pub fn tables(database: &str) -> String {
    format!("{TABLES}{}", component(database))
}

/// The key of table `database.table`.
pub fn table(database: &str, table: &str) -> String {
    format!("{}{}", tables(database), component(table))
}

/// The prefix of the partitions of `database.table` whose values start with `leading`.
pub fn partitions<S: AsRef<str>>(database: &str, table: &str, leading: &[S]) -> String {
    let mut key = format!("{PARTITIONS}{}{}", component(database), component(table));
    for value in leading {
        key.push_str(&component(value.as_ref()));
    }
    key
}

/// The key of the partition of `database.table` with `values` (all of them, in key order).
pub fn partition<S: AsRef<str>>(database: &str, table: &str, values: &[S]) -> String {
    partitions(database, table, values)
}

/// The key of crawler `name`.
pub fn crawler(name: &str) -> String {
    format!("{CRAWLERS}{}", component(name))
}

/// The prefix of the run records of crawler `name`.
pub fn crawl_runs(name: &str) -> String {
    format!("{CRAWL_RUNS}{}", component(name))
}

/// The key of the run of crawler `name` that started at `started_at_ms` (zero-padded, so
/// runs list in the order they started).
pub fn crawl_run(name: &str, started_at_ms: u64) -> String {
    format!("{}{started_at_ms:020}/", crawl_runs(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_values_cannot_reach_into_each_other() {
        // All of it is kept by the embedded default's state file.
        for prefix in [DATABASES, TABLES, PARTITIONS] {
            assert!(prefix.starts_with(kiln_core::state::keys::CATALOG));
        }
        assert_eq!(table("sales", "orders"), "catalog/tables/sales/orders/");
        // A slash in a name stays inside its component.
        assert_eq!(table("a/b", "c"), "catalog/tables/a%2Fb/c/");
        assert_ne!(table("a/b", "c"), table("a", "b/c"));
        // The partitions with year 2019 are one prefix, which 20190 is not under.
        let year = partitions("logs", "events", &["2019"]);
        assert!(partition("logs", "events", &["2019", "09"]).starts_with(&year));
        assert!(!partition("logs", "events", &["20190", "09"]).starts_with(&year));
        // Partitions are never under the tables' prefix.
        assert!(!partition("logs", "events", &["2019"]).starts_with(&tables("logs")));
        assert_eq!(
            partition("logs", "events", &["", "100%"]),
            "catalog/partitions/logs/events//100%25/"
        );
    }
}
