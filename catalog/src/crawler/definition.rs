//! Crawler definitions, as users write them (a TOML file) and as the catalog keeps them, and
//! the records of their runs.

use kiln_core::state::Batch;
use kiln_proto::v1::{
    Classifier, CrawlRun, Crawler, DeletionPolicy, RecrawlPolicy, SchemaChangePolicy,
};
use prost::Message;
use serde::Deserialize;

use crate::catalog::{Catalog, check_name};
use crate::error::{CatalogError, Result};
use crate::keys;

/// How many run records a crawler keeps; older ones are removed as new ones come.
pub const KEPT_RUNS: usize = 20;

/// A crawler file as written:
///
/// ```toml
/// name = "lake"
/// database = "lake"
/// targets = ["s3://bucket/taxi_project/", "s3://bucket/user_event_logs/"]
/// exclusions = ["**/_tmp/**"]
/// partition_keys = ["year", "month", "day"]
/// schema_change = "update"   # or "log"
/// deletion = "deprecate"     # or "delete", "log"
/// recrawl = "everything"     # or "new_folders", "events"
/// # database targets (postgres://, mysql://, sqlite://): which tables, and the password
/// includes = ["public.*"]
/// password_secret = "shop-db"
///
/// # the user's classifiers, tried in order before the built-in ones
/// [[classifier]]
/// name = "app-log"
/// format = "grok"            # or "regex" (named groups), "csv"
/// pattern = "%{TIMESTAMP_ISO8601:ts} %{LOGLEVEL:level} %{GREEDYDATA:message}"
/// types = "ts:timestamp"
///
/// [[classifier]]
/// name = "pipes"
/// format = "csv"
/// delimiter = "|"
/// has_header = false
/// columns = ["id", "name", "fare"]
/// ```
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CrawlerFile {
    name: String,
    database: String,
    #[serde(default)]
    table_prefix: String,
    targets: Vec<String>,
    #[serde(default)]
    exclusions: Vec<String>,
    #[serde(default)]
    partition_keys: Vec<String>,
    #[serde(default)]
    table_level: u32,
    #[serde(default)]
    schema_change: SchemaChange,
    #[serde(default)]
    deletion: Deletion,
    #[serde(default)]
    recrawl: Recrawl,
    #[serde(default)]
    sample_files: u32,
    #[serde(default)]
    includes: Vec<String>,
    #[serde(default)]
    password_secret: String,
    #[serde(default, rename = "classifier")]
    classifiers: Vec<ClassifierFile>,
}

/// A `[[classifier]]` of a crawler file; its options are the fields its format takes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClassifierFile {
    name: String,
    format: String,
    pattern: Option<String>,
    patterns: Option<String>,
    types: Option<String>,
    timestamp_format: Option<String>,
    delimiter: Option<String>,
    has_header: Option<bool>,
    columns: Option<Vec<String>>,
}

impl From<ClassifierFile> for Classifier {
    fn from(file: ClassifierFile) -> Self {
        let options = [
            ("pattern", file.pattern),
            ("patterns", file.patterns),
            ("types", file.types),
            ("timestamp_format", file.timestamp_format),
            ("delimiter", file.delimiter),
            ("has_header", file.has_header.map(|h| h.to_string())),
            ("columns", file.columns.map(|c| c.join(","))),
        ]
        .into_iter()
        .filter_map(|(name, value)| Some((name.to_string(), value?)))
        .collect();
        Classifier {
            name: file.name,
            format: file.format,
            options,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
enum SchemaChange {
    #[default]
    Update,
    Log,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Deletion {
    #[default]
    Deprecate,
    Delete,
    Log,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Recrawl {
    #[default]
    Everything,
    NewFolders,
    Events,
}

/// Parses a crawler file (`file` names it in errors) and checks it.
pub fn parse_crawler(text: &str, file: &str) -> Result<Crawler> {
    let parsed: CrawlerFile = toml::from_str(text)
        .map_err(|e| CatalogError::Invalid(format!("{file}: {}", e.to_string().trim_end())))?;
    let crawler = Crawler {
        name: parsed.name,
        database: parsed.database,
        table_prefix: parsed.table_prefix,
        targets: parsed.targets,
        exclusions: parsed.exclusions,
        partition_keys: parsed.partition_keys,
        table_level: parsed.table_level,
        schema_change: match parsed.schema_change {
            SchemaChange::Update => SchemaChangePolicy::SchemaChangeUpdate,
            SchemaChange::Log => SchemaChangePolicy::SchemaChangeLog,
        } as i32,
        deletion: match parsed.deletion {
            Deletion::Deprecate => DeletionPolicy::DeletionDeprecate,
            Deletion::Delete => DeletionPolicy::DeletionDelete,
            Deletion::Log => DeletionPolicy::DeletionLog,
        } as i32,
        recrawl: match parsed.recrawl {
            Recrawl::Everything => RecrawlPolicy::RecrawlEverything,
            Recrawl::NewFolders => RecrawlPolicy::RecrawlNewFolders,
            Recrawl::Events => RecrawlPolicy::RecrawlEvents,
        } as i32,
        sample_files: parsed.sample_files,
        includes: parsed.includes,
        password_secret: parsed.password_secret,
        classifiers: parsed
            .classifiers
            .into_iter()
            .map(Classifier::from)
            .collect(),
        ..Default::default()
    };
    check(&crawler).map_err(|e| CatalogError::Invalid(format!("{file}: {e}")))?;
    Ok(crawler)
}

/// Refuses a crawler that cannot run as defined, saying which field is wrong.
pub fn check(crawler: &Crawler) -> Result<()> {
    check_name("crawler", &crawler.name)?;
    check_name("database", &crawler.database)?;
    if crawler.targets.is_empty() {
        return Err(CatalogError::Invalid(
            "targets: a crawler needs at least one directory URL to crawl".into(),
        ));
    }
    for target in &crawler.targets {
        if super::run::database_format(target).is_some() {
            continue;
        }
        datafusion::datasource::listing::ListingTableUrl::parse(target).map_err(|e| {
            CatalogError::Invalid(format!("targets: {target} is not a directory URL: {e}"))
        })?;
    }
    if !crawler.password_secret.is_empty() {
        kiln_jobs::secrets::check_secret_name(&crawler.password_secret)
            .map_err(|e| CatalogError::Invalid(format!("password_secret: {e}")))?;
    }
    for glob in crawler.exclusions.iter().chain(&crawler.includes) {
        glob::Pattern::new(glob).map_err(|e| {
            CatalogError::Invalid(format!("exclusions/includes: {glob:?} is not a glob: {e}"))
        })?;
    }
    super::classifier::compile(&crawler.classifiers).map_err(CatalogError::Invalid)?;
    let mut seen = std::collections::HashSet::new();
    for key in &crawler.partition_keys {
        if key.is_empty() || !seen.insert(key) {
            return Err(CatalogError::Invalid(format!(
                "partition_keys: {key:?} is empty or named twice"
            )));
        }
    }
    Ok(())
}

impl Catalog {
    /// Stores a new crawler, as `by`.
    pub async fn create_crawler(&self, mut crawler: Crawler, by: &str) -> Result<Crawler> {
        check(&crawler)?;
        let key = keys::crawler(&crawler.name);
        if self.store.get(&key).await?.is_some() {
            return Err(CatalogError::AlreadyExists {
                what: format!("crawler {}", crawler.name),
            });
        }
        crawler.created_by = by.to_string();
        crawler.created_at_ms = kiln_core::ids::now_ms();
        self.write(Batch::put(key, crawler.encode_to_vec())).await?;
        Ok(crawler)
    }

    /// One crawler.
    pub async fn crawler(&self, name: &str) -> Result<Crawler> {
        self.read(&keys::crawler(name))
            .await?
            .ok_or_else(|| CatalogError::NotFound {
                what: format!("crawler {name}"),
            })
    }

    /// Every crawler, by name.
    pub async fn crawlers(&self) -> Result<Vec<Crawler>> {
        self.read_all(keys::CRAWLERS).await
    }

    /// Removes a crawler and its run records (not the tables it found).
    pub async fn delete_crawler(&self, name: &str) -> Result<()> {
        self.crawler(name).await?;
        let runs: Vec<String> = self
            .store
            .list(&keys::crawl_runs(name))
            .await?
            .into_iter()
            .map(|(key, _)| key)
            .collect();
        let mut deletes = runs;
        deletes.push(keys::crawler(name));
        self.write(Batch {
            puts: vec![],
            deletes,
        })
        .await
    }

    /// Keeps the record of a crawl, and removes records beyond the latest [`KEPT_RUNS`].
    pub async fn record_crawl(&self, run: &CrawlRun) -> Result<()> {
        let older: Vec<String> = self
            .store
            .list(&keys::crawl_runs(&run.crawler))
            .await?
            .into_iter()
            .map(|(key, _)| key)
            .collect();
        let excess = (older.len() + 1).saturating_sub(KEPT_RUNS);
        self.write(Batch {
            puts: vec![(
                keys::crawl_run(&run.crawler, run.started_at_ms),
                run.encode_to_vec(),
            )],
            deletes: older.into_iter().take(excess).collect(),
        })
        .await
    }

    /// The kept records of a crawler's runs, oldest first.
    pub async fn crawl_runs(&self, name: &str) -> Result<Vec<CrawlRun>> {
        self.read_all(&keys::crawl_runs(name)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crawler_file_is_checked_field_by_field() {
        let crawler = parse_crawler(
            "name = \"lake\"\ndatabase = \"lake\"\ntargets = [\"file:///tmp/lake/\"]\n\
             recrawl = \"new_folders\"\npartition_keys = [\"year\"]\n",
            "lake.toml",
        )
        .unwrap();
        assert_eq!(crawler.recrawl, RecrawlPolicy::RecrawlNewFolders as i32);
        assert_eq!(crawler.partition_keys, ["year"]);

        let typo = parse_crawler(
            "name = \"x\"\ndatabase = \"d\"\ntargets = [\"file:///t/\"]\ndeletoin = \"log\"\n",
            "x.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(
            typo.contains("x.toml") && typo.contains("deletoin"),
            "{typo}"
        );
        let no_targets = parse_crawler("name = \"x\"\ndatabase = \"d\"\ntargets = []\n", "x.toml")
            .unwrap_err()
            .to_string();
        assert!(no_targets.contains("targets"), "{no_targets}");
        let bad_glob = parse_crawler(
            "name = \"x\"\ndatabase = \"d\"\ntargets = [\"file:///t/\"]\nexclusions = [\"[\"]\n",
            "x.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(bad_glob.contains("exclusions"), "{bad_glob}");
    }

    #[tokio::test]
    async fn only_the_latest_runs_are_kept() {
        let catalog = Catalog::new(std::sync::Arc::new(kiln_core::state::MemoryStore::new()));
        for started in 0..(KEPT_RUNS as u64 + 5) {
            let run = CrawlRun {
                crawler: "lake".into(),
                started_at_ms: started,
                ..Default::default()
            };
            catalog.record_crawl(&run).await.unwrap();
        }
        let runs = catalog.crawl_runs("lake").await.unwrap();
        assert_eq!(runs.len(), KEPT_RUNS);
        assert_eq!(runs[0].started_at_ms, 5);
    }
}
