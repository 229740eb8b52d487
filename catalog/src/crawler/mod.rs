//! Crawlers: they list object-store prefixes, tell which folders are tables and which are
//! their partitions, find each table's format and columns from a sample of its files, and
//! keep the catalog in step with what they find, as Glue's crawlers do.
//!
//! - `definition`: a crawler as written (TOML) and as stored, and its run records.
//! - `run`: one crawl, compared with the catalog and applied under the crawler's policies.
//! - `layout`: folders into tables and partitions; `classify`: one file's format and columns;
//!   `classifier`: the user's classifiers, tried first; `schema`: columns merged across files.

mod classifier;
mod classify;
mod definition;
mod layout;
mod run;
mod schema;

pub use definition::{KEPT_RUNS, check, parse_crawler};
pub use run::{EXTENSION, crawl};
