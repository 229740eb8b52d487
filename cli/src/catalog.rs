//! The catalog commands: `kiln crawl`, `kiln crawler ...`, `kiln databases`, `kiln tables`,
//! `kiln table` and `kiln partitions`, on the embedded cluster's catalog or a coordinator's.

use std::path::PathBuf;
use std::sync::Arc;

use arrow::array::{ArrayRef, RecordBatch, StringArray, UInt64Array};
use arrow::datatypes::{DataType, Field, Schema};
use datafusion::prelude::SessionContext;
use kiln_client::{Client, proto};
use serde::Serialize;

use crate::output::Output;
use crate::{ClusterArgs, Failure, failed, usage, with_cluster};

/// Where the catalog is, and how its entries print.
#[derive(Debug, clap::Args)]
pub struct CatalogArgs {
    #[command(flatten)]
    pub(crate) cluster: ClusterArgs,
    /// text for people, json for scripts.
    #[arg(long, value_enum, default_value_t = Output::Text)]
    pub(crate) output: Output,
}

/// What `kiln crawler` does.
#[derive(Debug, clap::Subcommand)]
pub enum CrawlerCommand {
    /// Store a crawler from its TOML file (name, database, targets, exclusions, policies).
    Create {
        file: PathBuf,
        #[command(flatten)]
        args: CatalogArgs,
    },
    /// List the crawlers.
    List {
        #[command(flatten)]
        args: CatalogArgs,
    },
    /// Show a crawler and what its latest runs found and changed.
    Show {
        name: String,
        #[command(flatten)]
        args: CatalogArgs,
    },
    /// Remove a crawler (the tables it found stay).
    Delete {
        name: String,
        #[command(flatten)]
        args: CatalogArgs,
    },
}

/// The catalog commands.
#[derive(Debug, clap::Subcommand)]
pub enum CatalogCommand {
    /// Run a crawler now, on the cluster, and print what it found and changed.
    Crawl {
        name: String,
        /// Only show what the crawl would change; change nothing.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        args: CatalogArgs,
    },
    /// Create, list, show or delete crawlers.
    Crawler {
        #[command(subcommand)]
        command: CrawlerCommand,
    },
    /// List the catalog's databases.
    Databases {
        #[command(flatten)]
        args: CatalogArgs,
    },
    /// List a database's tables.
    Tables {
        database: String,
        #[command(flatten)]
        args: CatalogArgs,
    },
    /// Show a table: location, format, columns, partition keys and count, lineage, versions.
    Table {
        /// DATABASE.TABLE
        name: String,
        #[command(flatten)]
        args: CatalogArgs,
    },
    /// List a table's partitions, those a SQL condition on the partition keys keeps.
    Partitions {
        /// DATABASE.TABLE
        name: String,
        /// A condition on the partition keys, e.g. "year = '2019' AND month >= '09'".
        #[arg(long = "where", value_name = "EXPR")]
        condition: Option<String>,
        #[command(flatten)]
        args: CatalogArgs,
    },
}

/// Runs a catalog command; returns the exit code.
pub async fn run(command: CatalogCommand) -> Result<u8, Failure> {
    match command {
        CatalogCommand::Crawl {
            name,
            dry_run,
            args,
        } => {
            on_catalog(&args, |client| async move {
                let run = client.crawl(&name, dry_run).await?;
                print(args.output, &run, crawl_text);
                Ok(u8::from(!run.errors.is_empty()))
            })
            .await
        }
        CatalogCommand::Crawler { command } => crawler(command).await,
        CatalogCommand::Databases { args } => {
            on_catalog(&args, |client| async move {
                let databases = client.databases().await?;
                print(args.output, &databases, databases_text);
                Ok(0)
            })
            .await
        }
        CatalogCommand::Tables { database, args } => {
            on_catalog(&args, |client| async move {
                let tables = client.tables(&database).await?;
                print(args.output, &tables, tables_text);
                Ok(0)
            })
            .await
        }
        CatalogCommand::Table { name, args } => {
            let (database, table) = split_name(&name)?;
            on_catalog(&args, |client| async move {
                let table = client.table(&database, &table).await?;
                let partitions = client.partitions(&database, &table.name, &[]).await?;
                #[derive(Serialize)]
                struct Shown<'a> {
                    #[serde(flatten)]
                    table: &'a proto::CatalogTable,
                    partition_count: usize,
                }
                let shown = Shown {
                    table: &table,
                    partition_count: partitions.len(),
                };
                print(args.output, &shown, |s| {
                    table_text(s.table, s.partition_count)
                });
                Ok(0)
            })
            .await
        }
        CatalogCommand::Partitions {
            name,
            condition,
            args,
        } => {
            let (database, table) = split_name(&name)?;
            on_catalog(&args, |client| async move {
                let definition = client.table(&database, &table).await?;
                let mut partitions = client.partitions(&database, &table, &[]).await?;
                if let Some(condition) = &condition {
                    partitions = filter(&definition, partitions, condition).await?;
                }
                print(args.output, &partitions, |p| {
                    partitions_text(&definition, p)
                });
                Ok(0)
            })
            .await
        }
    }
}

async fn crawler(command: CrawlerCommand) -> Result<u8, Failure> {
    match command {
        CrawlerCommand::Create { file, args } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| usage(format!("{}: {e}", file.display())))?;
            let mut crawler =
                kiln_catalog::crawler::parse_crawler(&text, &file.display().to_string())
                    .map_err(usage)?;
            // Relative local targets are relative to the crawler file, as a job's paths are.
            let base = file.parent().unwrap_or(std::path::Path::new("."));
            for target in &mut crawler.targets {
                if !target.contains("://") && !std::path::Path::new(target.as_str()).is_absolute() {
                    let joined = std::path::absolute(base.join(&*target))
                        .map_err(|e| usage(format!("{}: target {target}: {e}", file.display())))?;
                    let mut absolute = joined.display().to_string();
                    if !absolute.ends_with('/') {
                        absolute.push('/');
                    }
                    *target = absolute;
                }
            }
            on_catalog(&args, |client| async move {
                let by = std::env::var("USER").unwrap_or_else(|_| "user".into());
                let created = client.create_crawler(crawler, &by).await?;
                print(args.output, &created, |c| {
                    format!("crawler {} created\n", c.name)
                });
                Ok(0)
            })
            .await
        }
        CrawlerCommand::List { args } => {
            on_catalog(&args, |client| async move {
                let crawlers = client.crawlers().await?;
                print(args.output, &crawlers, |crawlers| {
                    let mut text = format!("{:<20} {:<16} {}\n", "CRAWLER", "DATABASE", "TARGETS");
                    for c in crawlers {
                        text.push_str(&format!(
                            "{:<20} {:<16} {}\n",
                            c.name,
                            c.database,
                            c.targets.join(", ")
                        ));
                    }
                    text
                });
                Ok(0)
            })
            .await
        }
        CrawlerCommand::Show { name, args } => {
            on_catalog(&args, |client| async move {
                let (crawler, runs) = client.crawler(&name).await?;
                #[derive(Serialize)]
                struct Shown {
                    crawler: proto::Crawler,
                    runs: Vec<proto::CrawlRun>,
                }
                let shown = Shown { crawler, runs };
                print(args.output, &shown, |s| crawler_text(&s.crawler, &s.runs));
                Ok(0)
            })
            .await
        }
        CrawlerCommand::Delete { name, args } => {
            on_catalog(&args, |client| async move {
                client.delete_crawler(&name).await?;
                if args.output == Output::Text {
                    println!("crawler {name} deleted");
                }
                Ok(0)
            })
            .await
        }
    }
}

/// Runs `body` on the catalog the arguments name (an embedded cluster needs no executors).
async fn on_catalog<F, Fut>(args: &CatalogArgs, body: F) -> Result<u8, Failure>
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = Result<u8, Failure>>,
{
    with_cluster(&args.cluster, body).await
}

/// Prints `value` as JSON, or as the text `text` makes of it.
pub(crate) fn print<T: Serialize>(output: Output, value: &T, text: impl Fn(&T) -> String) {
    match output {
        Output::Text => print!("{}", text(value)),
        Output::Json => println!(
            "{}",
            serde_json::to_string_pretty(value).expect("proto messages serialize")
        ),
    }
}

/// `DATABASE.TABLE` as its two names.
pub(crate) fn split_name(name: &str) -> Result<(String, String), Failure> {
    name.split_once('.')
        .map(|(d, t)| (d.to_string(), t.to_string()))
        .ok_or_else(|| usage(format!("expected DATABASE.TABLE, got '{name}'")))
}

/// The partitions whose values `condition` (SQL on the partition keys) keeps.
async fn filter(
    table: &proto::CatalogTable,
    partitions: Vec<proto::CatalogPartition>,
    condition: &str,
) -> Result<Vec<proto::CatalogPartition>, Failure> {
    let mut fields: Vec<Field> = table
        .partition_keys
        .iter()
        .map(|k| Field::new(&k.name, DataType::Utf8, true))
        .collect();
    fields.push(Field::new("__index", DataType::UInt64, false));
    let mut columns: Vec<ArrayRef> = (0..table.partition_keys.len())
        .map(|i| {
            Arc::new(StringArray::from_iter_values(
                partitions.iter().map(|p| p.values[i].clone()),
            )) as ArrayRef
        })
        .collect();
    columns.push(Arc::new(UInt64Array::from_iter_values(
        0..partitions.len() as u64,
    )));
    let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), columns)
        .map_err(|e| failed(e.to_string()))?;
    let ctx = SessionContext::new();
    ctx.register_batch("partitions", batch)
        .map_err(|e| failed(e.to_string()))?;
    let kept = ctx
        .sql(&format!("SELECT __index FROM partitions WHERE {condition}"))
        .await
        .map_err(|e| usage(format!("--where {condition}: {e}")))?
        .collect()
        .await
        .map_err(|e| usage(format!("--where {condition}: {e}")))?;
    let mut keep = vec![false; partitions.len()];
    for batch in kept {
        let indexes = batch
            .column(0)
            .as_any()
            .downcast_ref::<UInt64Array>()
            .expect("u64");
        for i in indexes.values() {
            keep[*i as usize] = true;
        }
    }
    Ok(partitions
        .into_iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(p))
        .collect())
}

fn names(columns: &[proto::CatalogColumn]) -> String {
    columns
        .iter()
        .map(|c| c.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn when(ms: u64) -> String {
    chrono::DateTime::from_timestamp_millis(ms as i64)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| "-".into())
}

pub(crate) fn databases_text(databases: &Vec<proto::CatalogDatabase>) -> String {
    let mut text = format!(
        "{:<24} {:<24} {}\n",
        "DATABASE", "CREATED BY", "DESCRIPTION"
    );
    for d in databases {
        text.push_str(&format!(
            "{:<24} {:<24} {}\n",
            d.name, d.created_by, d.description
        ));
    }
    text
}

pub(crate) fn tables_text(tables: &Vec<proto::CatalogTable>) -> String {
    let mut text = format!(
        "{:<24} {:<8} {:<24} {:>7} {:<20} {}\n",
        "TABLE", "FORMAT", "PARTITION KEYS", "VERSION", "UPDATED BY", "LOCATION"
    );
    for t in tables {
        text.push_str(&format!(
            "{:<24} {:<8} {:<24} {:>7} {:<20} {}{}\n",
            t.name,
            t.format,
            names(&t.partition_keys),
            t.version,
            t.updated_by,
            t.location,
            if t.deprecated { " (deprecated)" } else { "" }
        ));
    }
    text
}

pub(crate) fn table_text(t: &proto::CatalogTable, partition_count: usize) -> String {
    let mut text = format!("table       {}.{}\n", t.database, t.name);
    text.push_str(&format!("location    {}\n", t.location));
    text.push_str(&format!("format      {}", t.format));
    let mut options: Vec<_> = t.options.iter().collect();
    options.sort();
    for (k, v) in options {
        text.push_str(&format!(" {k}={v:?}"));
    }
    text.push('\n');
    if t.partition_keys.is_empty() {
        text.push_str("partitions  none (unpartitioned)\n");
    } else {
        text.push_str(&format!(
            "partitions  {partition_count} by [{}]\n",
            names(&t.partition_keys)
        ));
    }
    text.push_str(&format!(
        "created     {} by {}\n",
        when(t.created_at_ms),
        t.created_by
    ));
    text.push_str(&format!(
        "updated     {} by {}\n",
        when(t.updated_at_ms),
        t.updated_by
    ));
    if t.deprecated {
        text.push_str("deprecated  its objects are gone\n");
    }
    text.push_str(&format!("columns (version {}):\n", t.version));
    for c in &t.columns {
        let null = if c.nullable { "" } else { " not null" };
        text.push_str(&format!("  {:<24} {}{null}\n", c.name, c.data_type));
    }
    for v in t.earlier_versions.iter().rev() {
        text.push_str(&format!(
            "version {} (until {} by {}): {}\n",
            v.version,
            when(v.changed_at_ms),
            v.changed_by,
            names(&v.columns)
        ));
    }
    text
}

pub(crate) fn partitions_text(
    table: &proto::CatalogTable,
    partitions: &Vec<proto::CatalogPartition>,
) -> String {
    let mut text = format!(
        "{:<32} {:>6} {:>12} {:<20} {}\n",
        format!("[{}]", names(&table.partition_keys)),
        "FILES",
        "BYTES",
        "ADDED BY",
        "LOCATION"
    );
    for p in partitions {
        text.push_str(&format!(
            "{:<32} {:>6} {:>12} {:<20} {}{}\n",
            p.values.join("/"),
            p.file_count,
            p.bytes,
            p.added_by,
            p.location,
            if p.deprecated { " (deprecated)" } else { "" }
        ));
    }
    text
}

fn crawl_text(run: &proto::CrawlRun) -> String {
    let mut text = format!(
        "{}crawl of {}: {} object(s) listed, {} read, in {:.1} s\n",
        if run.dry_run { "dry run: " } else { "" },
        run.crawler,
        run.objects_listed,
        run.objects_read,
        run.duration_ms as f64 / 1000.0
    );
    text.push_str(&format!(
        "tables: {} created, {} updated, {} deprecated; partitions: {} added, {} updated, {} \
         unchanged, {} deprecated, {} removed\n",
        run.tables_created.len(),
        run.tables_updated.len(),
        run.tables_deprecated.len(),
        run.partitions_added,
        run.partitions_updated,
        run.partitions_unchanged,
        run.partitions_deprecated,
        run.partitions_removed
    ));
    for change in &run.changes {
        text.push_str(&format!("  {change}\n"));
    }
    for error in &run.errors {
        text.push_str(&format!("  error: {error}\n"));
    }
    text
}

fn crawler_text(c: &proto::Crawler, runs: &[proto::CrawlRun]) -> String {
    let mut text = format!("crawler     {}\ndatabase    {}\n", c.name, c.database);
    text.push_str(&format!("targets     {}\n", c.targets.join(", ")));
    if !c.exclusions.is_empty() {
        text.push_str(&format!("exclusions  {}\n", c.exclusions.join(", ")));
    }
    if !c.partition_keys.is_empty() {
        text.push_str(&format!("partitions  {}\n", c.partition_keys.join(", ")));
    }
    for (i, classifier) in c.classifiers.iter().enumerate() {
        let mut options: Vec<String> = classifier
            .options
            .iter()
            .map(|(k, v)| format!("{k}={v:?}"))
            .collect();
        options.sort();
        text.push_str(&format!(
            "{:<12}{}. {} ({}) {}\n",
            if i == 0 { "classifiers" } else { "" },
            i + 1,
            classifier.name,
            classifier.format,
            options.join(" ")
        ));
    }
    let schema_change = match c.schema_change() {
        proto::SchemaChangePolicy::SchemaChangeUpdate => "update",
        proto::SchemaChangePolicy::SchemaChangeLog => "log",
    };
    let deletion = match c.deletion() {
        proto::DeletionPolicy::DeletionDeprecate => "deprecate",
        proto::DeletionPolicy::DeletionDelete => "delete",
        proto::DeletionPolicy::DeletionLog => "log",
    };
    let recrawl = match c.recrawl() {
        proto::RecrawlPolicy::RecrawlEverything => "everything",
        proto::RecrawlPolicy::RecrawlNewFolders => "new_folders",
        proto::RecrawlPolicy::RecrawlEvents => "events",
    };
    text.push_str(&format!(
        "policies    schema_change={schema_change} deletion={deletion} recrawl={recrawl}\n"
    ));
    text.push_str(&format!(
        "created     {} by {}\n",
        when(c.created_at_ms),
        c.created_by
    ));
    if runs.is_empty() {
        text.push_str("no runs yet\n");
    }
    for run in runs.iter().rev() {
        text.push_str(&format!("\nrun of {}:\n", when(run.started_at_ms)));
        for line in crawl_text(run).lines() {
            text.push_str(&format!("  {line}\n"));
        }
    }
    text
}
