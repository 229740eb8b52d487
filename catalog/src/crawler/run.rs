//! One crawl: list each target, read a sample of every folder whose objects changed since the
//! last crawl, group the folders into tables, then compare with the catalog and apply the
//! changes the crawler's policies allow (in a dry run, only record them).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Instant;

use arrow::datatypes::{DataType, Field, Schema};
use datafusion::datasource::listing::ListingTableUrl;
use datafusion::execution::context::SessionState;
use futures::StreamExt;
use kiln_jobs::tables::is_hidden;
use kiln_proto::v1::{
    CatalogColumn, CatalogPartition, CatalogTable, CrawlRun, Crawler, DeletionPolicy,
    RecrawlPolicy, SchemaChangePolicy,
};
use object_store::{ObjectMeta, ObjectStore};

use super::classifier::{Compiled, compile};
use super::classify::{Classified, classify};
use super::layout::{self, Leaf, TableLayout};
use super::schema;
use crate::error::{CatalogError, Result};
use crate::{Catalog, columns};

/// How many files are sampled at once.
const CONCURRENT_SAMPLES: usize = 32;
/// How many change and error lines a run record keeps (the log has them all).
const KEPT_LINES: usize = 1000;
/// How many folders are listed at once.
const CONCURRENT_LISTINGS: usize = 32;
/// The table parameter holding the data files' extension (`.csv.gz`), which queries read.
pub const EXTENSION: &str = "extension";
/// The table parameter naming what classified its files: a user classifier, else the format.
const CLASSIFICATION: &str = "classification";
/// The table parameter holding the fingerprint of an unpartitioned table's objects.
const FINGERPRINT: &str = "fingerprint";

/// Crawls with `crawler`'s definition, reading objects through `state`'s object stores, and
/// writes what it found to `catalog` (unless `dry_run`). `landed` names objects known to have
/// landed (the URLs of a trigger's S3 events): a crawler whose recrawl policy is `events`
/// lists only their folders. The record of the run is kept in the catalog and returned;
/// unreadable files are named in it and change nothing.
pub async fn crawl(
    catalog: &Catalog,
    state: &SessionState,
    crawler: &Crawler,
    dry_run: bool,
    landed: &[String],
) -> Result<CrawlRun> {
    super::definition::check(crawler)?;
    let classifiers = compile(&crawler.classifiers).map_err(CatalogError::Invalid)?;
    let started = Instant::now();
    let mut crawl = Crawl {
        catalog,
        crawler,
        classifiers,
        landed,
        by: format!("crawler:{}", crawler.name),
        dry_run,
        run: CrawlRun {
            crawler: crawler.name.clone(),
            started_at_ms: kiln_core::ids::now_ms(),
            dry_run,
            ..Default::default()
        },
        left_out: (0, 0),
    };
    let existing = match catalog.tables(&crawler.database).await {
        Ok(tables) => tables,
        Err(CatalogError::NotFound { .. }) => {
            crawl.change(format!("create database {}", crawler.database));
            if !dry_run {
                catalog
                    .ensure_database(&crawler.database, &crawl.by)
                    .await?;
            }
            vec![]
        }
        Err(e) => return Err(e),
    };
    for target in &crawler.targets {
        match database_format(target) {
            Some(format) => crawl.database(target, format, &existing).await?,
            None => crawl.target(state, target, &existing).await?,
        }
    }
    close_lines(&mut crawl.run.changes, crawl.left_out.0);
    close_lines(&mut crawl.run.errors, crawl.left_out.1);
    crawl.run.duration_ms = started.elapsed().as_millis() as u64;
    catalog.record_crawl(&crawl.run).await?;
    Ok(crawl.run)
}

/// A crawl under way: its definition and what it has found so far.
struct Crawl<'a> {
    catalog: &'a Catalog,
    crawler: &'a Crawler,
    /// Its classifiers, compiled.
    classifiers: Vec<Compiled>,
    /// The objects a trigger's events said landed.
    landed: &'a [String],
    /// Lineage of what it writes: `crawler:NAME`.
    by: String,
    dry_run: bool,
    run: CrawlRun,
    /// Change and error lines past what the record keeps.
    left_out: (u64, u64),
}

/// What a folder's files hold: read from a sample, or known from the catalog when its
/// objects did not change.
#[derive(Debug, Clone)]
struct Signature {
    format: String,
    options: BTreeMap<String, String>,
    extension: String,
    schema: Schema,
    classification: String,
}

/// A folder holding files, with what they are.
struct Folder {
    leaf: Leaf,
    files: Vec<ObjectMeta>,
    fingerprint: String,
    signature: Option<Signature>,
}

impl Crawl<'_> {
    fn change(&mut self, line: String) {
        tracing::info!(crawler = %self.crawler.name, dry_run = self.dry_run, "{line}");
        keep_line(&mut self.run.changes, &mut self.left_out.0, line);
    }

    fn error(&mut self, line: String) {
        tracing::warn!(crawler = %self.crawler.name, "{line}");
        keep_line(&mut self.run.errors, &mut self.left_out.1, line);
    }

    /// Crawls one target directory.
    async fn target(
        &mut self,
        state: &SessionState,
        target: &str,
        existing: &[CatalogTable],
    ) -> Result<()> {
        let invalid = |e: datafusion::error::DataFusionError| {
            CatalogError::Invalid(format!("target {target}: {e}"))
        };
        let url = ListingTableUrl::parse(target).map_err(invalid)?;
        let store = state.runtime_env().object_store(&url).map_err(invalid)?;
        let base = directory(url.as_str());
        // What the catalog knows of this target: each registered folder's fingerprint and
        // what its table holds.
        let mut known: HashMap<String, (String, Signature)> = HashMap::new();
        // The registrations read for that, by table, so they are not read again.
        let mut registered: HashMap<String, Vec<CatalogPartition>> = HashMap::new();
        for table in existing.iter().filter(|t| t.location.starts_with(&base)) {
            let Some(signature) = table_signature(table) else {
                continue;
            };
            if table.partition_keys.is_empty() {
                let fingerprint = table.parameters.get(FINGERPRINT).cloned();
                known.insert(
                    table.location.clone(),
                    (fingerprint.unwrap_or_default(), signature),
                );
                continue;
            }
            let partitions = self
                .catalog
                .partitions::<&str>(&table.database, &table.name, &[])
                .await?;
            for partition in &partitions {
                known.insert(
                    partition.location.clone(),
                    (partition.fingerprint.clone(), signature.clone()),
                );
            }
            registered.insert(table.name.clone(), partitions);
        }

        // Recrawling new folders only, the folders the catalog knows are not even listed; from
        // events, only the folders of the objects that landed are.
        let new_only = self.crawler.recrawl != RecrawlPolicy::RecrawlEverything as i32;
        // Objects none of which is below this target: it is crawled for new folders.
        let landed = landed_folders(&base, self.landed);
        let from_events =
            self.crawler.recrawl == RecrawlPolicy::RecrawlEvents as i32 && !landed.is_empty();
        let listing = match from_events {
            true => {
                let known_folders = known.keys().filter_map(|location| {
                    let relative = location.strip_prefix(&base)?;
                    let dirs: Vec<String> = relative
                        .split('/')
                        .filter(|d| !d.is_empty())
                        .map(str::to_string)
                        .collect();
                    (format!("{base}{}", folder_path(&dirs)) == *location).then_some(dirs)
                });
                list_folders(
                    &store,
                    &url,
                    &self.crawler.exclusions,
                    landed,
                    known_folders,
                )
                .await
            }
            false => {
                list(&store, &url, &self.crawler.exclusions, |dirs| {
                    new_only && known.contains_key(&format!("{base}{}", folder_path(dirs)))
                })
                .await
            }
        }
        .map_err(|e| CatalogError::Invalid(format!("listing {target}: {e}")))?;
        self.run.objects_listed += listing.objects.len() as u64;
        let mut folders = folders(listing.objects, &base);
        folders.extend(listing.skipped.into_iter().map(|dirs| {
            let (fingerprint, signature) = &known[&format!("{base}{}", folder_path(&dirs))];
            Folder {
                leaf: Leaf { dirs },
                files: vec![],
                fingerprint: fingerprint.clone(),
                signature: Some(signature.clone()),
            }
        }));
        self.sample(state, &store, &base, &mut folders, &known)
            .await;
        let readable: Vec<&Folder> = folders.iter().filter(|f| f.signature.is_some()).collect();
        let leaves: Vec<Leaf> = readable.iter().map(|f| f.leaf.clone()).collect();
        let signature = |i: usize| readable[i].signature.as_ref().expect("readable");
        let (layouts, errors) = layout::tables(
            &leaves,
            self.crawler.table_level,
            &self.crawler.partition_keys,
            |members| {
                let first = signature(members[0]);
                members.iter().all(|&i| {
                    let other = signature(i);
                    other.format == first.format
                        && other.options == first.options
                        && schema::compatible(&first.schema, &other.schema)
                })
            },
        );
        for error in errors {
            self.error(format!("{base}{error}"));
        }
        let mut seen = vec![];
        for table in &layouts {
            let members: Vec<&Folder> = table.leaves.iter().map(|&i| readable[i]).collect();
            let name = self.table_name(target, &url, table);
            seen.push(name.clone());
            let current = existing.iter().find(|t| t.name == name);
            let registrations = registered.remove(&name);
            self.table(&base, &name, table, &members, current, registrations)
                .await?;
        }
        if from_events {
            // It saw only what landed: nothing it did not list is gone.
            return Ok(());
        }
        self.tables_gone(existing, |t| t.location.starts_with(&base), &seen)
            .await
    }

    /// Reads a sample of each folder whose objects changed (or, recrawling new folders only,
    /// that the catalog does not know).
    async fn sample(
        &mut self,
        state: &SessionState,
        store: &Arc<dyn ObjectStore>,
        base: &str,
        folders: &mut [Folder],
        known: &HashMap<String, (String, Signature)>,
    ) {
        let new_only = self.crawler.recrawl != RecrawlPolicy::RecrawlEverything as i32;
        let per_folder = self.crawler.sample_files.max(1) as usize;
        let mut reads = vec![];
        for (i, folder) in folders.iter_mut().enumerate() {
            let location = format!("{base}{}", folder_path(&folder.leaf.dirs));
            if let Some((fingerprint, signature)) = known.get(&location)
                && (new_only || *fingerprint == folder.fingerprint)
            {
                folder.signature = Some(signature.clone());
                continue;
            }
            for file in folder.files.iter().filter(|f| f.size > 0).take(per_folder) {
                reads.push((i, file.clone()));
            }
        }
        self.run.objects_read += reads.len() as u64;
        let classifiers = &self.classifiers;
        let results: Vec<(usize, ObjectMeta, std::result::Result<Classified, String>)> =
            futures::stream::iter(reads)
                .map(|(i, file)| async move {
                    let classified = classify(state, store, &file, classifiers).await;
                    (i, file, classified)
                })
                .buffered(CONCURRENT_SAMPLES)
                .collect()
                .await;
        for (i, file, classified) in results {
            let classified = match classified {
                Ok(classified) => classified,
                Err(reason) => {
                    self.error(format!("{base}{}: {reason}", file_path(base, &file)));
                    continue;
                }
            };
            let folder = &mut folders[i];
            let merged = match &folder.signature {
                None => Ok(signature(classified)),
                Some(current) if current.format != classified.format => Err(format!(
                    "{} while the folder's other files are {}",
                    classified.format, current.format
                )),
                Some(current) => {
                    schema::merge(&current.schema, &classified.schema).map(|schema| Signature {
                        schema,
                        ..current.clone()
                    })
                }
            };
            match merged {
                Ok(signature) => folder.signature = Some(signature),
                Err(reason) => {
                    let path = file_path(base, &file);
                    self.error(format!("{base}{path}: {reason}; left out of the schema"));
                }
            }
        }
    }

    /// The catalog name of a table found at `layout.root` under `target`: its folder's name
    /// (the target's own for the target itself).
    fn table_name(&self, target: &str, url: &ListingTableUrl, layout: &TableLayout) -> String {
        let folder = match layout.root.last() {
            Some(name) => name.clone(),
            None => url
                .prefix()
                .filename()
                .map(str::to_string)
                .unwrap_or_else(|| target.to_string()),
        };
        self.clean_name(&percent_decode(&folder))
    }

    /// A name as a catalog table's: lower case, other characters than letters, digits and `_`
    /// as `_` (so that SQL names it unquoted), after the crawler's table prefix.
    fn clean_name(&self, raw: &str) -> String {
        let cleaned: String = raw
            .to_lowercase()
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        format!("{}{cleaned}", self.crawler.table_prefix)
    }

    /// Creates or updates one table found by the crawl, and its partitions.
    async fn table(
        &mut self,
        base: &str,
        name: &str,
        layout: &TableLayout,
        members: &[&Folder],
        current: Option<&CatalogTable>,
        registered: Option<Vec<CatalogPartition>>,
    ) -> Result<()> {
        let database = self.crawler.database.clone();
        let first = members[0].signature.as_ref().expect("readable");
        let mut merged = first.schema.clone();
        for member in &members[1..] {
            let other = &member.signature.as_ref().expect("readable").schema;
            merged = schema::merge(&merged, other).expect("grouped as compatible");
        }
        let location = format!("{base}{}", folder_path(&layout.root));
        let partition_keys: Vec<_> = layout
            .partition_keys
            .iter()
            .map(|key| columns::column(&Field::new(key, DataType::Utf8, true)))
            .collect();
        let partitions: Vec<CatalogPartition> = members
            .iter()
            .map(|folder| {
                let dirs = &folder.leaf.dirs[layout.root.len()..];
                CatalogPartition {
                    values: dirs
                        .iter()
                        .zip(&layout.partition_keys)
                        .map(|(dir, key)| percent_decode(layout::partition_value(dir, key)))
                        .collect(),
                    location: format!("{base}{}", folder_path(&folder.leaf.dirs)),
                    file_count: folder.files.len() as u64,
                    bytes: folder.files.iter().map(|f| f.size).sum(),
                    fingerprint: folder.fingerprint.clone(),
                    ..Default::default()
                }
            })
            .collect();
        let Some(current) = current else {
            let mut table = CatalogTable {
                database: database.clone(),
                name: name.to_string(),
                location,
                format: first.format.clone(),
                options: first.options.clone().into_iter().collect(),
                columns: merged.fields().iter().map(|f| columns::column(f)).collect(),
                partition_keys,
                parameters: [
                    (CLASSIFICATION.to_string(), first.classification.clone()),
                    (EXTENSION.to_string(), first.extension.clone()),
                ]
                .into(),
                ..Default::default()
            };
            if layout.partition_keys.is_empty() {
                table
                    .parameters
                    .insert(FINGERPRINT.into(), members[0].fingerprint.clone());
            }
            let partitioned = match layout.partition_keys.is_empty() {
                true => "unpartitioned".to_string(),
                false => format!(
                    "{} partition(s) by [{}]",
                    partitions.len(),
                    layout.partition_keys.join(", ")
                ),
            };
            self.change(format!(
                "create table {database}.{name} ({} at {}, {partitioned})",
                table.format, table.location
            ));
            self.run.tables_created.push(name.to_string());
            if !layout.partition_keys.is_empty() {
                self.run.partitions_added += partitions.len() as u64;
            }
            if !self.dry_run {
                self.catalog.create_table(table, &self.by).await?;
                if !layout.partition_keys.is_empty() {
                    self.catalog
                        .add_partitions(&database, name, partitions, &self.by)
                        .await?;
                }
            }
            return Ok(());
        };

        let keys: Vec<&str> = current
            .partition_keys
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        if keys != layout.partition_keys || current.format != first.format {
            self.error(format!(
                "table {database}.{name}: its folders now hold {} partitioned by [{}], where the \
                 catalog has {} by [{}]; left as it is (drop it to crawl it anew)",
                first.format,
                layout.partition_keys.join(", "),
                current.format,
                keys.join(", ")
            ));
            return Ok(());
        }
        let mut updated = current.clone();
        let mut table_changed = false;
        let current_schema = columns::file_schema(current)?;
        let widened = match schema::merge(&current_schema, &merged) {
            Ok(widened) => widened,
            Err(reason) => {
                self.error(format!(
                    "table {database}.{name}: {reason}; schema left as it is"
                ));
                current_schema.clone()
            }
        };
        let proposed: Vec<_> = widened
            .fields()
            .iter()
            .map(|f| columns::column(f))
            .collect();
        if self.schema_change(current, &proposed) {
            updated.columns = proposed;
            table_changed = true;
        }
        if current.deprecated {
            self.change(format!(
                "table {database}.{name} has objects again: no longer deprecated"
            ));
            updated.deprecated = false;
            table_changed = true;
        }
        if layout.partition_keys.is_empty() {
            let fingerprint = &members[0].fingerprint;
            if current.parameters.get(FINGERPRINT) != Some(fingerprint) {
                updated
                    .parameters
                    .insert(FINGERPRINT.into(), fingerprint.clone());
                table_changed = true;
            }
        }
        if table_changed && !self.dry_run {
            self.catalog.update_table(updated, &self.by).await?;
        }
        if !layout.partition_keys.is_empty() {
            self.partitions(current, partitions, registered).await?;
        }
        Ok(())
    }

    /// Records a change of a table's columns to `proposed`, if they differ; true when the
    /// schema-change policy lets it apply.
    fn schema_change(&mut self, current: &CatalogTable, proposed: &[CatalogColumn]) -> bool {
        if current.columns == proposed {
            return false;
        }
        let before: Vec<String> = current.columns.iter().map(describe).collect();
        let after: Vec<String> = proposed.iter().map(describe).collect();
        let applies = self.crawler.schema_change == SchemaChangePolicy::SchemaChangeUpdate as i32;
        self.change(format!(
            "{} table {}.{} columns from ({}) to ({})",
            if applies {
                "update"
            } else {
                "schema change not applied (schema_change = log):"
            },
            current.database,
            current.name,
            before.join(", "),
            after.join(", ")
        ));
        if applies {
            self.run.tables_updated.push(current.name.clone());
        }
        applies
    }

    /// Registers the tables of a database target with their columns and primary keys.
    async fn database(
        &mut self,
        target: &str,
        format: &str,
        existing: &[CatalogTable],
    ) -> Result<()> {
        let shown = kiln_jobs::secrets::redact_password(target);
        let mut connection = HashMap::new();
        if !self.crawler.password_secret.is_empty() {
            connection.insert(
                kiln_jobs::secrets::PASSWORD_SECRET.to_string(),
                self.crawler.password_secret.clone(),
            );
        }
        let listed = kiln_jobs::source::listing::list_tables(format, target, &connection)
            .await
            .map_err(|e| CatalogError::Invalid(format!("target {shown}: {e}")))?;
        self.run.objects_listed += listed.len() as u64;
        let globs = |patterns: &[String]| -> Vec<glob::Pattern> {
            patterns
                .iter()
                .filter_map(|g| glob::Pattern::new(g).ok())
                .collect()
        };
        let (includes, exclusions) = (
            globs(&self.crawler.includes),
            globs(&self.crawler.exclusions),
        );
        let mut seen = vec![];
        for table in listed {
            let qualified = match &table.schema {
                Some(schema) => format!("{schema}.{}", table.name),
                None => table.name.clone(),
            };
            let included = includes.is_empty() || includes.iter().any(|g| g.matches(&qualified));
            if !included || exclusions.iter().any(|g| g.matches(&qualified)) {
                continue;
            }
            let mut options = connection.clone();
            options.insert("table".into(), table.option());
            let source = kiln_proto::v1::SourceSpec {
                name: qualified.clone(),
                format: format.to_string(),
                path: target.to_string(),
                options: options.clone(),
            };
            self.run.objects_read += 1;
            let provider = match kiln_jobs::source::table(&source, 1).await {
                Ok(provider) => provider,
                Err(e) => {
                    self.error(format!("{shown} table {qualified}: {e}"));
                    continue;
                }
            };
            let found = provider.schema();
            // A single integer, date or timestamp key: reads split on it by default.
            if let [key] = table.primary_key.as_slice()
                && found.field_with_name(key).is_ok_and(|f| {
                    let t = f.data_type();
                    t.is_integer() || matches!(t, DataType::Date32 | DataType::Timestamp(..))
                })
            {
                options.insert("partition_column".into(), key.clone());
            }
            let raw = match &table.schema {
                Some(schema) if schema != "public" => format!("{schema}_{}", table.name),
                _ => table.name.clone(),
            };
            let name = self.clean_name(&raw);
            seen.push(name.clone());
            let columns: Vec<CatalogColumn> =
                found.fields().iter().map(|f| columns::column(f)).collect();
            let database = self.crawler.database.clone();
            match existing.iter().find(|t| t.name == name) {
                None => {
                    self.change(format!(
                        "create table {database}.{name} ({format} table {qualified} at {shown})"
                    ));
                    self.run.tables_created.push(name.clone());
                    let definition = CatalogTable {
                        database,
                        name,
                        location: target.to_string(),
                        format: format.to_string(),
                        options: options.into_iter().collect(),
                        columns,
                        parameters: [
                            (CLASSIFICATION.to_string(), format.to_string()),
                            ("source_table".to_string(), qualified),
                            ("primary_key".to_string(), table.primary_key.join(", ")),
                        ]
                        .into(),
                        ..Default::default()
                    };
                    if !self.dry_run {
                        self.catalog.create_table(definition, &self.by).await?;
                    }
                }
                Some(current) => {
                    let mut updated = current.clone();
                    let mut changed = current.deprecated;
                    updated.deprecated = false;
                    if self.schema_change(current, &columns) {
                        updated.columns = columns;
                        changed = true;
                    }
                    if changed && !self.dry_run {
                        self.catalog.update_table(updated, &self.by).await?;
                    }
                }
            }
        }
        self.tables_gone(existing, |t| t.location == target, &seen)
            .await
    }

    /// Adds the new partitions of a table, registers changed ones again, and applies the
    /// deletion policy to registered ones that are gone; `registered` are the table's
    /// registrations when the crawl has read them already.
    async fn partitions(
        &mut self,
        table: &CatalogTable,
        found: Vec<CatalogPartition>,
        registered: Option<Vec<CatalogPartition>>,
    ) -> Result<()> {
        let (database, name) = (&table.database, &table.name);
        let registered = match registered {
            Some(registered) => registered,
            None => self.catalog.partitions::<&str>(database, name, &[]).await?,
        };
        let registered: HashMap<Vec<String>, CatalogPartition> = registered
            .into_iter()
            .map(|p| (p.values.clone(), p))
            .collect();
        let mut writes = vec![];
        let mut present = std::collections::HashSet::new();
        for partition in found {
            present.insert(partition.values.clone());
            match registered.get(&partition.values) {
                None => {
                    self.run.partitions_added += 1;
                    self.change(format!(
                        "add partition {database}.{name} [{}]",
                        partition.values.join(", ")
                    ));
                    writes.push(partition);
                }
                Some(old) if old.fingerprint != partition.fingerprint || old.deprecated => {
                    self.run.partitions_updated += 1;
                    writes.push(partition);
                }
                Some(_) => self.run.partitions_unchanged += 1,
            }
        }
        let gone: Vec<&CatalogPartition> = registered
            .values()
            .filter(|p| !present.contains(&p.values) && !p.deprecated)
            .collect();
        let policy = self.crawler.deletion;
        for partition in &gone {
            self.change(format!(
                "{} partition {database}.{name} [{}]: its objects are gone",
                deletion_verb(policy),
                partition.values.join(", ")
            ));
        }
        if policy == DeletionPolicy::DeletionDeprecate as i32 {
            self.run.partitions_deprecated += gone.len() as u64;
            writes.extend(gone.iter().map(|p| CatalogPartition {
                deprecated: true,
                ..(*p).clone()
            }));
        }
        if self.dry_run {
            return Ok(());
        }
        if !writes.is_empty() {
            self.catalog
                .add_partitions(database, name, writes, &self.by)
                .await?;
        }
        if policy == DeletionPolicy::DeletionDelete as i32 && !gone.is_empty() {
            self.run.partitions_removed += gone.len() as u64;
            let values: Vec<Vec<String>> = gone.iter().map(|p| p.values.clone()).collect();
            self.catalog
                .drop_partitions(database, name, &values)
                .await?;
        }
        Ok(())
    }

    /// Applies the deletion policy to the tables this crawler made at a target (`at` says which
    /// are there) that this crawl did not find (`seen` holds those it did).
    async fn tables_gone(
        &mut self,
        existing: &[CatalogTable],
        at: impl Fn(&CatalogTable) -> bool,
        seen: &[String],
    ) -> Result<()> {
        for table in existing {
            let gone = at(table)
                && table.created_by == self.by
                && !seen.contains(&table.name)
                && !table.deprecated;
            if gone {
                self.table_gone(table).await?;
            }
        }
        Ok(())
    }

    /// Applies the deletion policy to a table whose objects are all gone.
    async fn table_gone(&mut self, table: &CatalogTable) -> Result<()> {
        let policy = self.crawler.deletion;
        self.change(format!(
            "{} table {}.{}: its objects are gone",
            deletion_verb(policy),
            table.database,
            table.name
        ));
        if policy == DeletionPolicy::DeletionLog as i32 {
            return Ok(());
        }
        self.run.tables_deprecated.push(table.name.clone());
        if self.dry_run {
            return Ok(());
        }
        if policy == DeletionPolicy::DeletionDelete as i32 {
            let removed = self
                .catalog
                .drop_table(&table.database, &table.name)
                .await?;
            self.run.partitions_removed += removed as u64;
        } else {
            let mut deprecated = table.clone();
            deprecated.deprecated = true;
            self.catalog.update_table(deprecated, &self.by).await?;
        }
        Ok(())
    }
}

/// Adds a line to a run record's list, up to [`KEPT_LINES`]; counts the lines past that in
/// `left_out`, so a crawl of many changes keeps a record the state store takes.
fn keep_line(lines: &mut Vec<String>, left_out: &mut u64, line: String) {
    match lines.len() < KEPT_LINES {
        true => lines.push(line),
        false => *left_out += 1,
    }
}

/// Ends a run record's list with how many lines it left out, if any.
fn close_lines(lines: &mut Vec<String>, left_out: u64) {
    if left_out > 0 {
        lines.push(format!("... and {left_out} more (in the log)"));
    }
}

/// The database source format a target URL names, if it names a database.
pub(crate) fn database_format(target: &str) -> Option<&'static str> {
    match target.split_once("://")?.0 {
        "postgres" | "postgresql" => Some("postgres"),
        "mysql" => Some("mysql"),
        "sqlite" => Some("sqlite"),
        _ => None,
    }
}

/// How a change line names what the deletion policy does.
fn deletion_verb(policy: i32) -> &'static str {
    match DeletionPolicy::try_from(policy).unwrap_or_default() {
        DeletionPolicy::DeletionDeprecate => "deprecate",
        DeletionPolicy::DeletionDelete => "delete",
        DeletionPolicy::DeletionLog => "left registered (deletion = log):",
    }
}

fn describe(column: &kiln_proto::v1::CatalogColumn) -> String {
    format!("{} {}", column.name, column.data_type)
}

fn signature(classified: Classified) -> Signature {
    Signature {
        format: classified.format,
        options: classified.options,
        extension: classified.extension,
        schema: classified.schema,
        classification: classified.classification,
    }
}

/// What a catalog table's folders hold, as the crawl compares folders.
fn table_signature(table: &CatalogTable) -> Option<Signature> {
    Some(Signature {
        format: table.format.clone(),
        options: table.options.clone().into_iter().collect(),
        extension: table.parameters.get(EXTENSION).cloned().unwrap_or_default(),
        schema: columns::file_schema(table).ok()?,
        classification: table
            .parameters
            .get(CLASSIFICATION)
            .cloned()
            .unwrap_or_else(|| table.format.clone()),
    })
}

/// What a listing of a target found.
struct Listing {
    /// The objects, each with its folders below the target.
    objects: Vec<(Vec<String>, ObjectMeta)>,
    /// Folders it did not enter (recrawling new folders only: those the catalog knows).
    skipped: Vec<Vec<String>>,
}

/// Lists the objects under `url` folder by folder, many folders at once, leaving out hidden
/// and marker files and folders (`_SUCCESS`, `_temporary/`, `.crc`), objects an exclusion
/// glob matches (relative to the target; `*` stays within a folder, `**` crosses folders),
/// and the folders `skip` names.
async fn list(
    store: &Arc<dyn ObjectStore>,
    url: &ListingTableUrl,
    exclusions: &[String],
    skip: impl Fn(&[String]) -> bool,
) -> object_store::Result<Listing> {
    let excluded = exclusion(exclusions);
    let mut listing = Listing {
        objects: vec![],
        skipped: vec![],
    };
    let mut frontier = vec![(Vec::<String>::new(), url.prefix().clone())];
    while !frontier.is_empty() {
        let listed: Vec<_> = futures::stream::iter(std::mem::take(&mut frontier))
            .map(|(dirs, path)| async move { (dirs, store.list_with_delimiter(Some(&path)).await) })
            .buffer_unordered(CONCURRENT_LISTINGS)
            .collect()
            .await;
        for (dirs, result) in listed {
            let result = result?;
            keep_objects(&mut listing, &dirs, result.objects, &excluded);
            for folder in result.common_prefixes {
                let Some(name) = folder.filename().filter(|n| !is_hidden(n)) else {
                    continue;
                };
                let mut child = dirs.clone();
                child.push(name.to_string());
                match skip(&child) {
                    true => listing.skipped.push(child),
                    false => frontier.push((child, folder)),
                }
            }
        }
    }
    Ok(listing)
}

/// Lists only the `landed` folders (below the target, those of the objects a trigger's events
/// named, their subfolders left alone); every other folder the catalog knows (`known`) counts
/// as skipped, as it was.
async fn list_folders(
    store: &Arc<dyn ObjectStore>,
    url: &ListingTableUrl,
    exclusions: &[String],
    landed: Vec<Vec<String>>,
    known: impl Iterator<Item = Vec<String>>,
) -> object_store::Result<Listing> {
    let excluded = exclusion(exclusions);
    let mut listing = Listing {
        objects: vec![],
        skipped: known.filter(|dirs| !landed.contains(dirs)).collect(),
    };
    let listed: Vec<_> = futures::stream::iter(landed)
        .map(|dirs| async move {
            // The folder names are as listings give them (encoded already).
            let joined = format!("{}/{}", url.prefix().as_ref(), dirs.join("/"));
            let listed = match object_store::path::Path::parse(joined.trim_start_matches('/')) {
                Ok(path) => store.list_with_delimiter(Some(&path)).await,
                Err(e) => Err(e.into()),
            };
            (dirs, listed)
        })
        .buffer_unordered(CONCURRENT_LISTINGS)
        .collect()
        .await;
    for (dirs, result) in listed {
        keep_objects(&mut listing, &dirs, result?.objects, &excluded);
    }
    Ok(listing)
}

/// The folders below the target directory `base` that hold the `landed` objects (URLs), each
/// once; objects elsewhere are not this target's.
fn landed_folders(base: &str, landed: &[String]) -> Vec<Vec<String>> {
    let mut folders: Vec<Vec<String>> = landed
        .iter()
        .filter_map(|url| {
            let relative = url.strip_prefix(base)?;
            let path = object_store::path::Path::from(relative);
            let mut parts: Vec<String> = path.parts().map(|p| p.as_ref().to_string()).collect();
            parts.pop()?;
            Some(parts)
        })
        .filter(|dirs| !dirs.iter().any(|d| is_hidden(d)))
        .collect();
    folders.sort();
    folders.dedup();
    folders
}

/// Whether an object (its path below the target, as text) is excluded by the crawler's globs.
fn exclusion(exclusions: &[String]) -> impl Fn(&str) -> bool {
    let globs: Vec<glob::Pattern> = exclusions
        .iter()
        .filter_map(|g| glob::Pattern::new(g).ok())
        .collect();
    let options = glob::MatchOptions {
        require_literal_separator: true,
        ..Default::default()
    };
    move |relative| globs.iter().any(|g| g.matches_with(relative, options))
}

/// Adds the visible, not excluded `objects` of folder `dirs` to `listing`.
fn keep_objects(
    listing: &mut Listing,
    dirs: &[String],
    objects: Vec<ObjectMeta>,
    excluded: &impl Fn(&str) -> bool,
) {
    for object in objects {
        let Some(name) = object.location.filename().map(str::to_string) else {
            continue;
        };
        let relative = percent_decode(&format!("{}{name}", folder_path(dirs)));
        if !is_hidden(&name) && !excluded(&relative) {
            listing.objects.push((dirs.to_vec(), object));
        }
    }
}

/// Groups listed objects by the folder that holds them, each with its fingerprint.
fn folders(objects: Vec<(Vec<String>, ObjectMeta)>, base: &str) -> Vec<Folder> {
    let mut by_dir: BTreeMap<Vec<String>, Vec<ObjectMeta>> = BTreeMap::new();
    for (dirs, object) in objects {
        by_dir.entry(dirs).or_default().push(object);
    }
    by_dir
        .into_iter()
        .map(|(dirs, mut files)| {
            files.sort_by(|a, b| a.location.cmp(&b.location));
            let mut hasher = blake3::Hasher::new();
            hasher.update(base.as_bytes());
            for file in &files {
                hasher.update(file.location.as_ref().as_bytes());
                hasher.update(&file.size.to_le_bytes());
                hasher.update(file.e_tag.as_deref().unwrap_or_default().as_bytes());
                hasher.update(&file.last_modified.timestamp_millis().to_le_bytes());
                hasher.update(b"\n");
            }
            Folder {
                leaf: Leaf { dirs },
                files,
                fingerprint: hasher.finalize().to_hex()[..32].to_string(),
                signature: None,
            }
        })
        .collect()
}

/// A directory URL ending in `/`.
fn directory(url: &str) -> String {
    match url.ends_with('/') {
        true => url.to_string(),
        false => format!("{url}/"),
    }
}

/// A folder below a target as a relative URL path ending in `/` (empty for the target).
fn folder_path(dirs: &[String]) -> String {
    dirs.iter().map(|d| format!("{d}/")).collect()
}

/// An object's path relative to the target directory `base`.
fn file_path(base: &str, file: &ObjectMeta) -> String {
    let location = file.location.as_ref();
    let base_path = ListingTableUrl::parse(base)
        .map(|u| u.prefix().as_ref().to_string())
        .unwrap_or_default();
    location
        .strip_prefix(&base_path)
        .unwrap_or(location)
        .trim_start_matches('/')
        .to_string()
}

/// A path component as its text (object store paths keep some characters percent-encoded).
fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_record_keeps_its_first_lines_and_counts_the_rest() {
        let (mut lines, mut left_out) = (vec![], 0);
        for i in 0..KEPT_LINES + 5 {
            keep_line(&mut lines, &mut left_out, format!("add partition {i}"));
        }
        close_lines(&mut lines, left_out);
        assert_eq!(lines.len(), KEPT_LINES + 1);
        assert_eq!(
            lines[KEPT_LINES - 1],
            format!("add partition {}", KEPT_LINES - 1)
        );
        assert_eq!(lines[KEPT_LINES], "... and 5 more (in the log)");
    }
}
