//! File sinks (Parquet, CSV, JSON lines) in any object store, with an exactly-once commit.
//!
//! # Commit protocol
//!
//! ```text
//! TARGET/_temporary/JOB/part-P-attempt-A/[col=value/]FILE   written by task attempts
//! TARGET/_temporary/JOB/part-P-attempt-A/_ATTEMPT_DONE      what the attempt wrote
//! TARGET/_temporary/JOB/_manifest                          the commit's decision
//! TARGET/[col=value/]FILE                                  published files
//! TARGET/_SUCCESS                                          written last
//! ```
//!
//! 1. Every task attempt writes under its own temporary directory, which readers of the target
//!    never look at, so a failed, retried or duplicated attempt leaves nothing visible. A
//!    finished attempt lists its rows and files (with their sizes) in `_ATTEMPT_DONE`.
//! 2. At job commit the coordinator takes the winning attempt of each partition (the one it
//!    recorded as succeeded), checks that its files are all still there with the rows the
//!    attempt reported, and writes the list of files to publish as `_manifest`, headed by the
//!    committing leader's term. The manifest is the decision: a commit that runs again (after
//!    a coordinator failover) reads it back instead of deciding anew, and stamps it with its
//!    own, newer term.
//! 3. Each manifest file is moved to its place; a file already moved by an earlier run is
//!    skipped.
//! 4. In overwrite modes, files of the target that are not in the manifest are deleted (all of
//!    them, or only those inside the partition directories the job writes): only once the new
//!    ones are in place, so a commit cut short never leaves the target without both. Then
//!    `_SUCCESS` is written and the job's temporary directory removed.
//!
//! Every step can run twice with the same outcome, so a commit interrupted at any point
//! completes exactly once when it is run again. Before it deletes anything, a commit reads the
//! manifest back: when a newer leader has taken the commit over (or finished it), the older
//! one stops, so a deposed leader that wakes up late never deletes what later jobs wrote.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use arrow::datatypes::{DataType, Schema};
use datafusion::common::config::{ConfigFileType, TableOptions};
use datafusion::common::file_options::csv_writer::CsvWriterOptions;
use datafusion::common::file_options::json_writer::JsonWriterOptions;
use datafusion::common::file_options::parquet_writer::ParquetWriterOptions;
use datafusion::datasource::file_format::csv::CsvSink;
use datafusion::datasource::file_format::json::JsonSink;
use datafusion::datasource::file_format::parquet::ParquetSink;
use datafusion::datasource::listing::ListingTableUrl;
use datafusion::datasource::physical_plan::{FileGroup, FileOutputMode, FileSinkConfig};
use datafusion::datasource::sink::DataSink;
use datafusion::error::{DataFusionError, Result};
use datafusion::execution::TaskContext;
use datafusion::execution::runtime_env::RuntimeEnv;
use datafusion::logical_expr::dml::InsertOp;
use datafusion::physical_plan::SendableRecordBatchStream;
use futures::{StreamExt, TryStreamExt};
use kiln_core::sink::SinkTask;
use kiln_proto::v1 as pb;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

use super::{Committed, StopRequest, Winner, unless_stopped};

/// The directory under the target that holds uncommitted files.
const TEMPORARY: &str = "_temporary";
/// The marker written when a commit completes.
pub const SUCCESS_MARKER: &str = "_SUCCESS";
/// The marker a finished task attempt leaves in its temporary directory.
const ATTEMPT_DONE: &str = "_ATTEMPT_DONE";
/// Sink option: at most this many rows per file (more files are started beyond it).
const ROWS_PER_FILE: &str = "rows_per_file";

/// The file formats a file sink writes.
pub const FORMATS: &[&str] = &["parquet", "csv", "json"];

/// What a sink's target looks like to the commit: its store and its directory.
struct Target {
    store: Arc<dyn ObjectStore>,
    url: ListingTableUrl,
}

impl Target {
    fn resolve(sink: &pb::SinkSpec, runtime: &RuntimeEnv) -> Result<Self> {
        let mut path = sink.path.clone();
        if !path.ends_with('/') {
            path.push('/');
        }
        let url = ListingTableUrl::parse(&path)?;
        let store = runtime.object_store(url.object_store())?;
        Ok(Self { store, url })
    }

    fn dir(&self) -> &Path {
        self.url.prefix()
    }

    fn child(&self, relative: &str) -> Path {
        Path::from(format!("{}/{relative}", self.dir()).trim_start_matches('/'))
    }

    fn job_temp(&self, job_id: &str) -> Path {
        self.child(&format!("{TEMPORARY}/{job_id}"))
    }

    /// Every object under `prefix`.
    async fn list(&self, prefix: &Path) -> Result<Vec<Path>> {
        Ok(self
            .store
            .list(Some(prefix))
            .map_ok(|meta| meta.location)
            .try_collect()
            .await?)
    }

    /// The target's own files: everything but uncommitted output and the success marker.
    async fn published(&self) -> Result<Vec<Path>> {
        let temp = self.child(TEMPORARY);
        let marker = self.child(SUCCESS_MARKER);
        Ok(self
            .list(self.dir())
            .await?
            .into_iter()
            .filter(|p| !p.prefix_matches(&temp) && *p != marker)
            .collect())
    }

    /// The path of `location` relative to `base`.
    fn relative(location: &Path, base: &Path) -> Option<String> {
        let parts: Vec<_> = location
            .prefix_match(base)?
            .map(|p| p.as_ref().to_string())
            .collect();
        Some(parts.join("/"))
    }

    /// Deletes one object, and on a local disk the partition directories it leaves empty.
    async fn delete(&self, location: &Path) -> Result<()> {
        self.store.delete(location).await?;
        if self.url.scheme() == "file" {
            let root = std::path::Path::new("/").join(self.dir().as_ref());
            let mut dir = std::path::Path::new("/").join(location.as_ref());
            while dir.pop() && dir.starts_with(&root) && dir != root {
                // Fails, and stops the walk, at the first directory that is not empty.
                if std::fs::remove_dir(&dir).is_err() {
                    break;
                }
            }
        }
        Ok(())
    }

    /// Deletes every object under `prefix` but `keep`, and on a local disk (when nothing is
    /// kept) the directories left empty.
    async fn remove_all(&self, prefix: &Path, keep: Option<&Path>) -> Result<()> {
        let doomed: Vec<_> = self
            .list(prefix)
            .await?
            .into_iter()
            .filter(|p| Some(p) != keep)
            .map(Ok)
            .collect();
        let locations = futures::stream::iter(doomed).boxed();
        self.store
            .delete_stream(locations)
            .try_collect::<Vec<_>>()
            .await?;
        if self.url.scheme() == "file" && keep.is_none() {
            let dir = std::path::Path::new("/").join(prefix.as_ref());
            match std::fs::remove_dir_all(&dir) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(DataFusionError::Execution(format!(
                        "removing {}: {e}",
                        dir.display()
                    )));
                }
            }
            if let Some(parent) = dir.parent() {
                // Only succeeds when no other job's files are in it.
                let _ = std::fs::remove_dir(parent);
            }
        }
        Ok(())
    }
}

/// The writer options for `sink`, with the user's options applied; errors name the bad option.
fn table_options(sink: &pb::SinkSpec) -> Result<TableOptions> {
    let format = match sink.format.as_str() {
        "parquet" => ConfigFileType::PARQUET,
        "csv" => ConfigFileType::CSV,
        "json" => ConfigFileType::JSON,
        other => {
            return Err(DataFusionError::Configuration(format!(
                "unknown file format '{other}' (expected {})",
                FORMATS.join(", ")
            )));
        }
    };
    let mut options = TableOptions::new();
    options.set_config_format(format);
    let format_options: HashMap<String, String> = sink
        .options
        .iter()
        .filter(|(key, _)| key.as_str() != ROWS_PER_FILE)
        .map(|(key, value)| {
            let key = if key.starts_with("format.") {
                key.clone()
            } else {
                format!("format.{key}")
            };
            (key, value.clone())
        })
        .collect();
    options.alter_with_string_hash_map(&format_options)?;
    Ok(options)
}

fn rows_per_file(sink: &pb::SinkSpec) -> Result<Option<usize>> {
    sink.options
        .get(ROWS_PER_FILE)
        .map(|value| {
            value
                .parse::<usize>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| {
                    DataFusionError::Configuration(format!(
                        "option {ROWS_PER_FILE}: expected a positive number of rows, got '{value}'"
                    ))
                })
        })
        .transpose()
}

/// The file name extension for `sink`'s files, e.g. `parquet` or `csv.gz`.
fn file_extension(sink: &pb::SinkSpec) -> String {
    let compression = sink
        .options
        .get("compression")
        .or_else(|| sink.options.get("format.compression"))
        .map(|c| c.to_ascii_lowercase());
    let suffix = match (sink.format.as_str(), compression.as_deref()) {
        ("parquet", _) | (_, None | Some("uncompressed")) => None,
        (_, Some("gzip")) => Some("gz"),
        (_, Some("zstd")) => Some("zst"),
        (_, Some("bzip2")) => Some("bz2"),
        (_, Some("xz")) => Some("xz"),
        (_, Some(_)) => None,
    };
    match suffix {
        Some(suffix) => format!("{}.{suffix}", sink.format),
        None => sink.format.clone(),
    }
}

/// The partition columns and their types, or an error naming a column the rows lack.
fn partition_columns(sink: &pb::SinkSpec, schema: &Schema) -> Result<Vec<(String, DataType)>> {
    sink.partition_by
        .iter()
        .map(|name| {
            let field = schema.field_with_name(name).map_err(|_| {
                DataFusionError::Plan(format!(
                    "partition_by column '{name}' is not in the job's output (columns: {})",
                    schema
                        .fields()
                        .iter()
                        .map(|f| f.name().as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?;
            Ok((name.clone(), field.data_type().clone()))
        })
        .collect()
}

/// Checks a file sink against the rows it will get, and its target against its save mode.
/// Returns false when the target holds data and the mode is `ignore`: nothing is to be written.
pub async fn validate(sink: &pb::SinkSpec, schema: &Schema, runtime: &RuntimeEnv) -> Result<bool> {
    let options = table_options(sink)?;
    match sink.format.as_str() {
        // Builds the writer settings, which parses compression names and levels.
        "parquet" => {
            // The real writer adds the Arrow schema to the file metadata; a check needs none.
            let mut parquet = options.parquet.clone();
            parquet.global.skip_arrow_metadata = true;
            ParquetWriterOptions::try_from(&parquet).map(|_| ())?
        }
        "csv" => CsvWriterOptions::try_from(&options.csv).map(|_| ())?,
        _ => JsonWriterOptions::try_from(&options.json).map(|_| ())?,
    }
    rows_per_file(sink)?;
    partition_columns(sink, schema)?;
    if sink.partition_by.len() == schema.fields().len() && !schema.fields().is_empty() {
        return Err(DataFusionError::Plan(
            "partition_by names every column: the files would have no columns left".into(),
        ));
    }
    let mode = pb::SaveMode::try_from(sink.mode).unwrap_or_default();
    if mode == pb::SaveMode::OverwritePartitions && sink.partition_by.is_empty() {
        return Err(DataFusionError::Plan(
            "mode overwrite_partitions needs partition_by columns".into(),
        ));
    }
    if matches!(mode, pb::SaveMode::Upsert) {
        return Err(DataFusionError::Plan(
            "mode upsert works for database tables, not files".into(),
        ));
    }
    if matches!(
        mode,
        pb::SaveMode::Unspecified | pb::SaveMode::ErrorIfExists | pb::SaveMode::Ignore
    ) {
        let target = Target::resolve(sink, runtime)?;
        let existing = target.published().await?;
        if let Some(first) = existing.first() {
            if mode == pb::SaveMode::Ignore {
                return Ok(false);
            }
            return Err(DataFusionError::Plan(format!(
                "target {} already holds data (e.g. {first}) and mode is error_if_exists; \
                 choose mode = \"append\", \"overwrite\", \"overwrite_partitions\" or \"ignore\"",
                sink.path
            )));
        }
    }
    Ok(true)
}

/// Writes one task attempt's rows under its temporary directory.
pub async fn write_attempt(
    task: &SinkTask,
    data: SendableRecordBatchStream,
    ctx: Arc<TaskContext>,
) -> Result<u64> {
    let sink = &task.sink;
    let runtime = ctx.runtime_env();
    let target = Target::resolve(sink, &runtime)?;
    let attempt_dir = format!(
        "{}{TEMPORARY}/{}/part-{}-attempt-{}/",
        target.url.as_str(),
        task.job_id,
        task.partition,
        task.attempt
    );
    tracing::info!(
        "writing {} files under {attempt_dir} until the job commits",
        sink.format
    );
    let schema = data.schema();
    let config = FileSinkConfig {
        original_url: sink.path.clone(),
        object_store_url: target.url.object_store(),
        file_group: FileGroup::default(),
        table_paths: vec![ListingTableUrl::parse(&attempt_dir)?],
        output_schema: Arc::clone(&schema),
        table_partition_cols: partition_columns(sink, &schema)?,
        insert_op: InsertOp::Append,
        keep_partition_by_columns: false,
        file_extension: file_extension(sink),
        file_output_mode: FileOutputMode::Directory,
    };
    let options = table_options(sink)?;
    let writer: Arc<dyn DataSink> = match sink.format.as_str() {
        "parquet" => Arc::new(ParquetSink::new(config, options.parquet)),
        "csv" => Arc::new(CsvSink::new(
            config,
            CsvWriterOptions::try_from(&options.csv)?,
        )),
        _ => Arc::new(JsonSink::new(
            config,
            JsonWriterOptions::try_from(&options.json)?,
        )),
    };
    // One file per task (and partition directory) unless it grows past rows_per_file.
    let mut session = ctx.session_config().clone();
    let options = session.options_mut();
    options.set("datafusion.execution.minimum_parallel_output_files", "1")?;
    if let Some(rows) = rows_per_file(sink)? {
        options.set(
            "datafusion.execution.soft_max_rows_per_output_file",
            &rows.to_string(),
        )?;
    }
    let ctx = Arc::new(TaskContext::new(
        ctx.task_id(),
        ctx.session_id(),
        session,
        ctx.scalar_functions().clone(),
        ctx.higher_order_functions().clone(),
        ctx.aggregate_functions().clone(),
        ctx.window_functions().clone(),
        ctx.runtime_env(),
    ));
    let rows = writer.write_all(data, &ctx).await?;
    // Every finished attempt leaves this marker, so the job's temporary directory is never
    // empty before its commit has completed (see `commit`), even when no rows were written.
    // It lists what the attempt wrote, which the commit checks before publishing.
    let attempt_dir = ListingTableUrl::parse(&attempt_dir)?.prefix().clone();
    let mut done = AttemptDone {
        rows,
        files: vec![],
    };
    for meta in target
        .store
        .list(Some(&attempt_dir))
        .try_collect::<Vec<_>>()
        .await?
    {
        if let Some(file) = Target::relative(&meta.location, &attempt_dir) {
            done.files.push((file, meta.size));
        }
    }
    target
        .store
        .put(
            &Path::from(format!("{attempt_dir}/{ATTEMPT_DONE}")),
            PutPayload::from(done.to_text().into_bytes()),
        )
        .await?;
    Ok(rows)
}

/// What a finished task attempt wrote, as its `_ATTEMPT_DONE` marker lists it: a `rows` line,
/// then one line per file (its path under the attempt's directory, and its size).
#[derive(Debug, PartialEq, Eq)]
struct AttemptDone {
    rows: u64,
    files: Vec<(String, u64)>,
}

impl AttemptDone {
    fn to_text(&self) -> String {
        let mut text = format!("rows\t{}\n", self.rows);
        for (file, size) in &self.files {
            text.push_str(&format!("{file}\t{size}\n"));
        }
        text
    }

    fn parse(bytes: &[u8], location: &Path) -> Result<Self> {
        let bad =
            |why: &str| DataFusionError::Execution(format!("attempt marker {location}: {why}"));
        let text = std::str::from_utf8(bytes).map_err(|_| bad("not UTF-8"))?;
        let mut lines = text.lines();
        let rows = lines
            .next()
            .and_then(|line| line.strip_prefix("rows\t"))
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| bad("the first line is not 'rows<TAB>COUNT'"))?;
        let files = lines
            .map(|line| {
                line.rsplit_once('\t')
                    .and_then(|(file, size)| Some((file.to_string(), size.parse().ok()?)))
                    .ok_or_else(|| bad(&format!("bad line '{line}' (expected PATH<TAB>SIZE)")))
            })
            .collect::<Result<_>>()?;
        Ok(Self { rows, files })
    }
}

/// A commit's decision, as `_manifest` holds it: the term of the leader committing it, then
/// the files to publish (each from its attempt's directory to its place in the target).
#[derive(Debug, PartialEq, Eq)]
struct Manifest {
    term: i64,
    files: Vec<(String, String)>,
}

impl Manifest {
    fn to_text(&self) -> String {
        let mut text = format!("term\t{}\n", self.term);
        for (from, to) in &self.files {
            text.push_str(&format!("{from}\t{to}\n"));
        }
        text
    }

    fn parse(bytes: &[u8]) -> Result<Self> {
        let bad = |why: String| DataFusionError::Execution(format!("commit manifest: {why}"));
        let text = std::str::from_utf8(bytes).map_err(|e| bad(format!("not UTF-8: {e}")))?;
        let mut lines = text.lines();
        let term = lines
            .next()
            .and_then(|line| line.strip_prefix("term\t"))
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| bad("the first line is not 'term<TAB>NUMBER'".into()))?;
        let files = lines
            .map(|line| {
                line.split_once('\t')
                    .map(|(from, to)| (from.to_string(), to.to_string()))
                    .ok_or_else(|| bad(format!("bad line '{line}'")))
            })
            .collect::<Result<_>>()?;
        Ok(Self { term, files })
    }
}

/// The error of a commit that a leader of a newer term took over.
fn superseded(sink: &pb::SinkSpec, job_id: &str, term: i64, by: Option<i64>) -> DataFusionError {
    let by = match by {
        Some(newer) => format!("the leader of term {newer} took it over"),
        None => "another leader finished it".into(),
    };
    DataFusionError::Execution(format!(
        "commit of job {job_id} to {}: this leader (term {term}) stopped, {by}",
        sink.path
    ))
}

/// Publishes the winning attempt of every partition (see the module docs) as the leader of
/// `term`, unless `stop` comes before the decision.
pub async fn commit(
    sink: &pb::SinkSpec,
    job_id: &str,
    winners: &[Winner],
    term: i64,
    mut stop: StopRequest,
    runtime: &RuntimeEnv,
) -> Result<Committed> {
    let target = Target::resolve(sink, runtime)?;
    let temp = target.job_temp(job_id);
    let manifest_path = target.child(&format!("{TEMPORARY}/{job_id}/_manifest"));
    let files = match read_manifest(&target, &manifest_path).await? {
        Some(manifest) if manifest.term > term => {
            return Err(superseded(sink, job_id, term, Some(manifest.term)));
        }
        Some(mut manifest) => {
            if manifest.term < term {
                // Taken over from a predecessor, which stops before deleting anything.
                manifest.term = term;
                write_manifest(&target, &manifest_path, &manifest).await?;
            }
            manifest.files
        }
        // Every attempt leaves a marker and the manifest is removed last: an empty temporary
        // directory means an earlier run of this commit completed.
        None if target.list(&temp).await?.is_empty() => return Ok(Committed::Published),
        None => {
            let decided = unless_stopped(&mut stop, decide(&target, sink, job_id, winners));
            let Some(files) = decided.await else {
                return Ok(Committed::Stopped);
            };
            let manifest = Manifest {
                term,
                files: files?,
            };
            write_manifest(&target, &manifest_path, &manifest).await?;
            manifest.files
        }
    };

    // The new files go in place before any old one is deleted: a commit cut short between
    // the two leaves both (and its rerun finishes it), never neither.
    for (from, to) in &files {
        let source = target.child(&format!("{TEMPORARY}/{job_id}/{from}"));
        match target.store.rename(&source, &target.child(to)).await {
            Ok(()) => {}
            // Moved by an earlier run of this commit.
            Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(e.into()),
        }
    }
    tracing::info!(%job_id, files = files.len(), "published files in place");
    crate::failpoints::delay("files-commit-before-deletes").await;
    match read_manifest(&target, &manifest_path).await? {
        Some(manifest) if manifest.term == term => {}
        other => return Err(superseded(sink, job_id, term, other.map(|m| m.term))),
    }
    let mode = pb::SaveMode::try_from(sink.mode).unwrap_or_default();
    if matches!(
        mode,
        pb::SaveMode::Overwrite | pb::SaveMode::OverwritePartitions
    ) {
        let keep: BTreeSet<&str> = files.iter().map(|(_, to)| to.as_str()).collect();
        let replaced_dirs: BTreeSet<&str> = files
            .iter()
            .filter_map(|(_, to)| to.rsplit_once('/').map(|(dir, _)| dir))
            .collect();
        for location in target.published().await? {
            let Some(relative) = Target::relative(&location, target.dir()) else {
                continue;
            };
            let in_replaced_partition = relative
                .rsplit_once('/')
                .is_some_and(|(dir, _)| replaced_dirs.contains(dir));
            let replace = mode == pb::SaveMode::Overwrite || in_replaced_partition;
            if replace && !keep.contains(relative.as_str()) {
                target.delete(&location).await?;
            }
        }
    }

    target
        .store
        .put(
            &target.child(SUCCESS_MARKER),
            PutPayload::from(format!("{job_id}\n").into_bytes()),
        )
        .await?;
    // The manifest goes last: while it exists, a rerun finishes this same commit.
    target.remove_all(&temp, Some(&manifest_path)).await?;
    target.store.delete(&manifest_path).await?;
    target.remove_all(&temp, None).await?;
    Ok(Committed::Published)
}

/// The files to publish: every file of each winning attempt, once its marker shows that
/// they are all there with the rows the attempt reported. Anything missing fails the commit,
/// naming it, rather than publish less than the job wrote.
async fn decide(
    target: &Target,
    sink: &pb::SinkSpec,
    job_id: &str,
    winners: &[Winner],
) -> Result<Vec<(String, String)>> {
    let temp = target.job_temp(job_id);
    let present: HashMap<String, u64> = target
        .store
        .list(Some(&temp))
        .map_ok(|meta| (Target::relative(&meta.location, &temp), meta.size))
        .try_collect::<Vec<_>>()
        .await?
        .into_iter()
        .filter_map(|(relative, size)| Some((relative?, size)))
        .collect();
    let lost = |winner: &Winner, what: String| {
        DataFusionError::Execution(format!(
            "{} sink {}: the output of attempt {} of partition {} is not as it wrote it \
             ({what}); nothing was published, run the job again",
            sink.format, sink.path, winner.attempt, winner.partition
        ))
    };
    let mut files = vec![];
    for winner in winners {
        let attempt = format!("part-{}-attempt-{}", winner.partition, winner.attempt);
        let marker = target.child(&format!("{TEMPORARY}/{job_id}/{attempt}/{ATTEMPT_DONE}"));
        let done = match target.store.get(&marker).await {
            Ok(found) => AttemptDone::parse(&found.bytes().await?, &marker)?,
            Err(object_store::Error::NotFound { .. }) => {
                return Err(lost(winner, format!("{marker} is missing")));
            }
            Err(e) => return Err(e.into()),
        };
        if done.rows != winner.rows {
            return Err(lost(
                winner,
                format!(
                    "its marker lists {} row(s), it reported {}",
                    done.rows, winner.rows
                ),
            ));
        }
        for (file, size) in done.files {
            let from = format!("{attempt}/{file}");
            match present.get(&from) {
                Some(found) if *found == size => files.push((from, file)),
                Some(found) => {
                    return Err(lost(
                        winner,
                        format!("{from} holds {found} bytes, it wrote {size}"),
                    ));
                }
                None => return Err(lost(winner, format!("{from} is missing"))),
            }
        }
    }
    Ok(files)
}

async fn read_manifest(target: &Target, location: &Path) -> Result<Option<Manifest>> {
    match target.store.get(location).await {
        Ok(found) => Ok(Some(Manifest::parse(&found.bytes().await?)?)),
        Err(object_store::Error::NotFound { .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

async fn write_manifest(target: &Target, location: &Path, manifest: &Manifest) -> Result<()> {
    target
        .store
        .put(location, PutPayload::from(manifest.to_text().into_bytes()))
        .await?;
    Ok(())
}

/// Removes everything a job's task attempts wrote (the job failed or was cancelled), unless
/// its commit decided already: a decided commit only ever goes forward, so a deposed leader
/// aborting late cannot take files from under its successor's commit.
pub async fn abort(sink: &pb::SinkSpec, job_id: &str, runtime: &RuntimeEnv) -> Result<()> {
    let target = Target::resolve(sink, runtime)?;
    let manifest_path = target.child(&format!("{TEMPORARY}/{job_id}/_manifest"));
    if read_manifest(&target, &manifest_path).await?.is_some() {
        return Err(DataFusionError::Execution(format!(
            "not removing the files of job {job_id} under {}: its commit decided to publish \
             them ({manifest_path})",
            sink.path
        )));
    }
    target.remove_all(&target.job_temp(job_id), None).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::execution::runtime_env::RuntimeEnvBuilder;
    use datafusion::prelude::{SessionConfig, SessionContext};

    use crate::object_stores::KilnObjectStores;

    fn session() -> SessionContext {
        let runtime = RuntimeEnvBuilder::new()
            .with_object_store_registry(KilnObjectStores::new())
            .build_arc()
            .unwrap();
        SessionContext::new_with_config_rt(SessionConfig::new(), runtime)
    }

    /// Writes one attempt of `job-1`; returns the winner it would be.
    async fn write(
        ctx: &SessionContext,
        sink: &pb::SinkSpec,
        partition: u32,
        attempt: u32,
        sql: &str,
    ) -> Winner {
        let data = ctx.sql(sql).await.unwrap().execute_stream().await.unwrap();
        let task = SinkTask {
            job_id: "job-1".into(),
            sink: sink.clone(),
            partition,
            attempt,
        };
        let rows = write_attempt(&task, data, ctx.task_ctx()).await.unwrap();
        Winner {
            partition,
            attempt,
            rows,
        }
    }

    /// A stop that is never requested.
    fn no_stop() -> StopRequest {
        tokio::sync::watch::channel(false).1
    }

    fn parquet_sink(dir: &std::path::Path, mode: pb::SaveMode) -> pb::SinkSpec {
        pb::SinkSpec {
            format: "parquet".into(),
            path: dir.display().to_string(),
            mode: mode as i32,
            ..Default::default()
        }
    }

    /// The files under `dir`, relative to it.
    fn files_under(dir: &std::path::Path) -> Vec<String> {
        let mut found = vec![];
        let mut pending = vec![dir.to_path_buf()];
        while let Some(next) = pending.pop() {
            for entry in std::fs::read_dir(&next).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    pending.push(path);
                } else {
                    let relative = path.strip_prefix(dir).unwrap();
                    found.push(relative.display().to_string());
                }
            }
        }
        found.sort();
        found
    }

    async fn published(dir: &std::path::Path) -> Vec<String> {
        let ctx = SessionContext::new();
        ctx.state_ref().write().table_factories_mut().insert(
            "PARQUET".into(),
            Arc::new(crate::tables::DataFilesTableFactory),
        );
        ctx.sql(&format!(
            "CREATE EXTERNAL TABLE out STORED AS PARQUET LOCATION '{}/'",
            dir.display()
        ))
        .await
        .unwrap();
        let batches = ctx
            .sql("SELECT CAST(x AS VARCHAR) || '/' || part FROM out ORDER BY 1")
            .await
            .unwrap()
            .collect()
            .await
            .unwrap();
        batches
            .iter()
            .flat_map(|b| {
                let column = arrow::compute::cast(b.column(0), &DataType::Utf8).unwrap();
                let column = arrow::array::AsArray::as_string::<i32>(&column).clone();
                use arrow::array::Array;
                (0..column.len())
                    .map(move |i| column.value(i).to_string())
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    #[tokio::test]
    async fn only_winning_attempts_are_published_and_a_repeated_commit_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let sink = pb::SinkSpec {
            format: "parquet".into(),
            path: dir.path().display().to_string(),
            partition_by: vec!["part".into()],
            mode: pb::SaveMode::Overwrite as i32,
            ..Default::default()
        };
        let ctx = session();
        // An old file the overwrite must remove.
        std::fs::create_dir_all(dir.path().join("part=z")).unwrap();
        ctx.sql("SELECT 99 AS x")
            .await
            .unwrap()
            .write_parquet(
                dir.path().join("part=z/old.parquet").to_str().unwrap(),
                Default::default(),
                None,
            )
            .await
            .unwrap();
        // Partition 0 ran twice (attempt 0 lost), partition 1 once.
        let two_rows = "SELECT 1 AS x, 'a' AS part UNION ALL SELECT 2, 'b'";
        write(&ctx, &sink, 0, 0, two_rows).await;
        let winners = [
            write(&ctx, &sink, 0, 1, two_rows).await,
            write(&ctx, &sink, 1, 0, "SELECT 3 AS x, 'a' AS part").await,
        ];
        assert_eq!(winners.map(|w| w.rows), [2, 1]);
        let outcome = commit(&sink, "job-1", &winners, 1, no_stop(), &ctx.runtime_env())
            .await
            .unwrap();
        assert_eq!(outcome, Committed::Published);
        assert_eq!(published(dir.path()).await, ["1/a", "2/b", "3/a"]);
        assert!(dir.path().join(SUCCESS_MARKER).exists());
        assert!(!dir.path().join(TEMPORARY).exists(), "temporary files left");

        // A commit that runs again (a new leader redoing an interrupted one) changes nothing.
        commit(&sink, "job-1", &winners, 2, no_stop(), &ctx.runtime_env())
            .await
            .unwrap();
        assert_eq!(published(dir.path()).await, ["1/a", "2/b", "3/a"]);
    }

    #[tokio::test]
    async fn a_commit_interrupted_after_its_decision_completes_from_the_manifest() {
        let dir = tempfile::tempdir().unwrap();
        let sink = parquet_sink(dir.path(), pb::SaveMode::Append);
        let ctx = session();
        let winners = [
            write(&ctx, &sink, 0, 0, "SELECT 1 AS x, 'a' AS part").await,
            write(&ctx, &sink, 1, 0, "SELECT 2 AS x, 'b' AS part").await,
        ];
        let target = Target::resolve(&sink, &ctx.runtime_env()).unwrap();
        let manifest = target.child("_temporary/job-1/_manifest");
        // The first run (term 1) decided on partition 0 only and moved nothing yet.
        let listed = target.list(&target.job_temp("job-1")).await.unwrap();
        let first = listed
            .iter()
            .filter_map(|p| Target::relative(p, &target.job_temp("job-1")))
            .find(|r| r.starts_with("part-0-attempt-0/") && r.ends_with(".parquet"))
            .unwrap();
        let file = first.split_once('/').unwrap().1.to_string();
        let decided = Manifest {
            term: 1,
            files: vec![(first, file)],
        };
        write_manifest(&target, &manifest, &decided).await.unwrap();
        // The rerun by the next leader keeps that decision even though it is told both
        // partitions won.
        // A stop requested now comes too late: the commit decided already.
        let (stop, stopped) = tokio::sync::watch::channel(true);
        let outcome = commit(&sink, "job-1", &winners, 2, stopped, &ctx.runtime_env())
            .await
            .unwrap();
        drop(stop);
        assert_eq!(outcome, Committed::Published);
        assert_eq!(published(dir.path()).await, ["1/a"]);
    }

    #[tokio::test]
    async fn a_winner_whose_files_are_gone_fails_the_commit_and_publishes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let sink = parquet_sink(dir.path(), pb::SaveMode::Append);
        let ctx = session();
        let winners = [
            write(&ctx, &sink, 0, 0, "SELECT 1 AS x").await,
            write(&ctx, &sink, 1, 0, "SELECT 2 AS x").await,
        ];
        let lost = files_under(dir.path())
            .into_iter()
            .find(|f| f.contains("part-1-attempt-0/") && f.ends_with(".parquet"))
            .unwrap();
        std::fs::remove_file(dir.path().join(&lost)).unwrap();

        let error = commit(&sink, "job-1", &winners, 1, no_stop(), &ctx.runtime_env())
            .await
            .unwrap_err()
            .to_string();
        let file = lost.strip_prefix("_temporary/job-1/").unwrap();
        assert!(
            error.contains(&format!("{file} is missing")) && error.contains("partition 1"),
            "{error}"
        );
        assert!(
            files_under(dir.path())
                .iter()
                .all(|f| f.starts_with("_temporary/")),
            "published despite the missing file: {:?}",
            files_under(dir.path())
        );

        // An attempt that reported more rows than its marker lists is refused the same way.
        let mut claimed = winners[0];
        claimed.rows += 1;
        let error = commit(&sink, "job-1", &[claimed], 1, no_stop(), &ctx.runtime_env())
            .await
            .unwrap_err()
            .to_string();
        assert!(error.contains("lists 1 row(s), it reported 2"), "{error}");
    }

    #[tokio::test]
    async fn a_deposed_leader_stops_before_deleting_and_cannot_abort_a_decided_commit() {
        let dir = tempfile::tempdir().unwrap();
        let sink = parquet_sink(dir.path(), pb::SaveMode::Overwrite);
        let ctx = session();
        let winners = [write(&ctx, &sink, 0, 0, "SELECT 1 AS x").await];
        let target = Target::resolve(&sink, &ctx.runtime_env()).unwrap();
        let manifest = target.child("_temporary/job-1/_manifest");
        let decided = Manifest {
            term: 7,
            files: decide(&target, &sink, "job-1", &winners).await.unwrap(),
        };
        write_manifest(&target, &manifest, &decided).await.unwrap();
        std::fs::write(dir.path().join("old.parquet"), b"kept").unwrap();

        // The leader of term 5 (deposed by term 7, which took the commit over) stops.
        let error = commit(&sink, "job-1", &winners, 5, no_stop(), &ctx.runtime_env())
            .await
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("the leader of term 7 took it over"),
            "{error}"
        );
        assert!(dir.path().join("old.parquet").exists());
        let error = abort(&sink, "job-1", &ctx.runtime_env())
            .await
            .unwrap_err()
            .to_string();
        assert!(error.contains("its commit decided"), "{error}");

        // The leader of term 7 finishes it: the overwrite replaces the old file.
        let runtime = ctx.runtime_env();
        let outcome = commit(&sink, "job-1", &winners, 7, no_stop(), &runtime);
        assert_eq!(outcome.await.unwrap(), Committed::Published);
        let files = files_under(dir.path());
        assert_eq!(files.len(), 2, "{files:?}");
        assert!(files.contains(&SUCCESS_MARKER.to_string()), "{files:?}");
        assert!(!files.contains(&"old.parquet".to_string()), "{files:?}");
    }

    #[tokio::test]
    async fn a_stop_before_the_decision_publishes_nothing_and_leaves_the_job_to_its_abort() {
        let dir = tempfile::tempdir().unwrap();
        let sink = parquet_sink(dir.path(), pb::SaveMode::Append);
        let ctx = session();
        let winners = [write(&ctx, &sink, 0, 0, "SELECT 1 AS x").await];
        let (_stop, stopped) = tokio::sync::watch::channel(true);
        let runtime = ctx.runtime_env();
        let outcome = commit(&sink, "job-1", &winners, 1, stopped, &runtime);
        assert_eq!(outcome.await.unwrap(), Committed::Stopped);
        assert!(
            files_under(dir.path())
                .iter()
                .all(|f| f.starts_with("_temporary/") && !f.ends_with("_manifest")),
            "{:?}",
            files_under(dir.path())
        );
        abort(&sink, "job-1", &ctx.runtime_env()).await.unwrap();
        assert!(files_under(dir.path()).is_empty());
    }

    /// An in-memory store that crashes after a set number of changes: from then on it refuses
    /// every change, as a killed leader makes none. A rename is a copy, then a delete, as on
    /// S3, so a crash can fall between the two.
    #[derive(Debug)]
    struct CrashingStore {
        inner: object_store::memory::InMemory,
        changes_left: Arc<std::sync::atomic::AtomicUsize>,
    }

    impl std::fmt::Display for CrashingStore {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "CrashingStore")
        }
    }

    fn take_change(changes_left: &std::sync::atomic::AtomicUsize) -> object_store::Result<()> {
        use std::sync::atomic::Ordering;
        changes_left
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .map(|_| ())
            .map_err(|_| object_store::Error::Generic {
                store: "CrashingStore",
                source: "crashed".into(),
            })
    }

    #[async_trait::async_trait]
    impl ObjectStore for CrashingStore {
        async fn put_opts(
            &self,
            location: &Path,
            payload: PutPayload,
            opts: object_store::PutOptions,
        ) -> object_store::Result<object_store::PutResult> {
            take_change(&self.changes_left)?;
            self.inner.put_opts(location, payload, opts).await
        }

        async fn put_multipart_opts(
            &self,
            location: &Path,
            opts: object_store::PutMultipartOptions,
        ) -> object_store::Result<Box<dyn object_store::MultipartUpload>> {
            take_change(&self.changes_left)?;
            self.inner.put_multipart_opts(location, opts).await
        }

        async fn get_opts(
            &self,
            location: &Path,
            options: object_store::GetOptions,
        ) -> object_store::Result<object_store::GetResult> {
            self.inner.get_opts(location, options).await
        }

        fn delete_stream(
            &self,
            locations: futures::stream::BoxStream<'static, object_store::Result<Path>>,
        ) -> futures::stream::BoxStream<'static, object_store::Result<Path>> {
            let changes_left = Arc::clone(&self.changes_left);
            let allowed = locations
                .map(move |location| take_change(&changes_left).and(location))
                .boxed();
            self.inner.delete_stream(allowed)
        }

        fn list(
            &self,
            prefix: Option<&Path>,
        ) -> futures::stream::BoxStream<'static, object_store::Result<object_store::ObjectMeta>>
        {
            self.inner.list(prefix)
        }

        async fn list_with_delimiter(
            &self,
            prefix: Option<&Path>,
        ) -> object_store::Result<object_store::ListResult> {
            self.inner.list_with_delimiter(prefix).await
        }

        async fn copy_opts(
            &self,
            from: &Path,
            to: &Path,
            options: object_store::CopyOptions,
        ) -> object_store::Result<()> {
            take_change(&self.changes_left)?;
            self.inner.copy_opts(from, to, options).await
        }
    }

    /// The objects of `store` under `target/`, outside `_temporary` and but for `_SUCCESS`.
    async fn objects(store: &dyn ObjectStore) -> BTreeSet<String> {
        store
            .list(Some(&Path::from("target")))
            .map_ok(|meta| meta.location.to_string())
            .try_collect::<Vec<_>>()
            .await
            .unwrap()
            .into_iter()
            .filter(|p| !p.starts_with("target/_temporary/") && p != "target/_SUCCESS")
            .collect()
    }

    proptest::proptest! {
        // 64 cases by default: each runs several commits; PROPTEST_CASES asks for more.
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(64)
        ))]
        /// A commit cut short at any change it makes, by as many crashes as come (each
        /// followed by a newer leader running it again), ends with the target holding exactly
        /// the winners' files and the old files the mode keeps: none lost, none twice, no
        /// loser's, and nothing left under `_temporary`.
        #[test]
        fn a_commit_crashed_anywhere_publishes_exactly_the_winners_files(
            crashes in proptest::collection::vec(0usize..40, 0..4),
            mode in proptest::sample::select(vec![
                pb::SaveMode::Append,
                pb::SaveMode::Overwrite,
                pb::SaveMode::OverwritePartitions,
            ]),
            partitions in 1u32..4,
            losers in proptest::collection::vec(proptest::prelude::any::<bool>(), 3),
        ) {
            let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
            runtime.block_on(async {
                let changes_left = Arc::new(std::sync::atomic::AtomicUsize::new(usize::MAX));
                let store = Arc::new(CrashingStore {
                    inner: object_store::memory::InMemory::new(),
                    changes_left: Arc::clone(&changes_left),
                });
                let ctx = session();
                ctx.runtime_env().register_object_store(
                    &url::Url::parse("memory://").unwrap(),
                    Arc::clone(&store) as Arc<dyn ObjectStore>,
                );
                let sink = pb::SinkSpec {
                    format: "parquet".into(),
                    path: "memory:///target".into(),
                    partition_by: vec!["part".into()],
                    mode: mode as i32,
                    ..Default::default()
                };
                // Files of earlier jobs: one in a partition the job writes, one in another.
                for old in ["target/part=a/old.parquet", "target/part=z/old.parquet"] {
                    store.put(&Path::from(old), PutPayload::from_static(b"old")).await.unwrap();
                }
                let mut winners = vec![];
                for partition in 0..partitions {
                    let sql = format!("SELECT {partition} AS x, 'a' AS part UNION ALL SELECT 9, 'b'");
                    if losers[partition as usize] {
                        write(&ctx, &sink, partition, 0, &sql).await;
                    }
                    winners.push(write(&ctx, &sink, partition, 1, &sql).await);
                }
                // What must be published: the files the winners' markers list, and the old
                // files the mode keeps.
                let target = Target::resolve(&sink, &ctx.runtime_env()).unwrap();
                let decided = decide(&target, &sink, "job-1", &winners).await.unwrap();
                let mut expected: BTreeSet<String> =
                    decided.iter().map(|(_, to)| format!("target/{to}")).collect();
                match mode {
                    pb::SaveMode::Append => {
                        expected.insert("target/part=a/old.parquet".into());
                        expected.insert("target/part=z/old.parquet".into());
                    }
                    pb::SaveMode::OverwritePartitions => {
                        expected.insert("target/part=z/old.parquet".into());
                    }
                    _ => {}
                }

                let mut term = 1;
                for crash in &crashes {
                    changes_left.store(*crash, std::sync::atomic::Ordering::SeqCst);
                    let _ = commit(&sink, "job-1", &winners, term, no_stop(), &ctx.runtime_env()).await;
                    term += 1;
                }
                changes_left.store(usize::MAX, std::sync::atomic::Ordering::SeqCst);
                let outcome = commit(&sink, "job-1", &winners, term, no_stop(), &ctx.runtime_env())
                    .await
                    .unwrap();
                proptest::prop_assert_eq!(outcome, Committed::Published);
                proptest::prop_assert_eq!(objects(store.as_ref()).await, expected);
                let leftovers = target.list(&target.child(TEMPORARY)).await.unwrap();
                proptest::prop_assert!(leftovers.is_empty(), "left under _temporary: {:?}", leftovers);
                proptest::prop_assert!(
                    store.head(&Path::from("target/_SUCCESS")).await.is_ok(),
                    "no _SUCCESS"
                );
                Ok(())
            })?;
        }
    }
}
