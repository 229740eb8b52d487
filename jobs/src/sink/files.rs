//! File sinks (Parquet, CSV, JSON lines) in any object store, with an exactly-once commit.
//!
//! # Commit protocol
//!
//! ```text
//! TARGET/_temporary/JOB/part-P-attempt-A/[col=value/]FILE   written by task attempts
//! TARGET/_temporary/JOB/_manifest                          the commit's decision
//! TARGET/[col=value/]FILE                                  published files
//! TARGET/_SUCCESS                                          written last
//! ```
//!
//! 1. Every task attempt writes under its own temporary directory, which readers of the target
//!    never look at, so a failed, retried or duplicated attempt leaves nothing visible.
//! 2. At job commit the coordinator lists the winning attempt of each partition (the one it
//!    recorded as succeeded) and writes the list of files to publish as `_manifest`. The manifest
//!    is the decision: a commit that runs again (after a coordinator failover) reads it back
//!    instead of deciding anew.
//! 3. Each manifest file is moved to its place; a file already moved by an earlier run is
//!    skipped.
//! 4. In overwrite modes, files of the target that are not in the manifest are deleted (all of
//!    them, or only those inside the partition directories the job writes): only once the new
//!    ones are in place, so a commit cut short never leaves the target without both. Then
//!    `_SUCCESS` is written and the job's temporary directory removed.
//!
//! Every step can run twice with the same outcome, so a commit interrupted at any point
//! completes exactly once when it is run again.

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

use super::Winner;

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
    let marker = Path::from(format!(
        "{}/{ATTEMPT_DONE}",
        ListingTableUrl::parse(&attempt_dir)?.prefix()
    ));
    target
        .store
        .put(&marker, PutPayload::from_static(b""))
        .await?;
    Ok(rows)
}

/// Publishes the winning attempt of every partition (see the module docs); returns the number
/// of files published.
pub async fn commit(
    sink: &pb::SinkSpec,
    job_id: &str,
    winners: &[Winner],
    runtime: &RuntimeEnv,
) -> Result<usize> {
    let target = Target::resolve(sink, runtime)?;
    let temp = target.job_temp(job_id);
    let manifest_path = target.child(&format!("{TEMPORARY}/{job_id}/_manifest"));
    let manifest: Vec<(String, String)> = match target.store.get(&manifest_path).await {
        Ok(found) => parse_manifest(&found.bytes().await?)?,
        Err(object_store::Error::NotFound { .. }) if target.list(&temp).await?.is_empty() => {
            // Every attempt leaves a marker and the manifest is removed last: an empty
            // temporary directory means an earlier run of this commit completed.
            return Ok(0);
        }
        Err(object_store::Error::NotFound { .. }) => {
            let winning: BTreeSet<String> = winners
                .iter()
                .map(|w| format!("part-{}-attempt-{}", w.partition, w.attempt))
                .collect();
            let mut manifest = vec![];
            for location in target.list(&temp).await? {
                let Some(relative) = Target::relative(&location, &temp) else {
                    continue;
                };
                let Some((attempt, file)) = relative.split_once('/') else {
                    continue;
                };
                let is_marker = file
                    .rsplit('/')
                    .next()
                    .is_some_and(|name| name.starts_with('_'));
                if winning.contains(attempt) && !is_marker {
                    manifest.push((relative.clone(), file.to_string()));
                }
            }
            let text: String = manifest
                .iter()
                .map(|(from, to)| format!("{from}\t{to}\n"))
                .collect();
            target
                .store
                .put(&manifest_path, PutPayload::from(text.into_bytes()))
                .await?;
            manifest
        }
        Err(e) => return Err(e.into()),
    };

    // The new files go in place before any old one is deleted: a commit cut short between
    // the two leaves both (and its rerun finishes it), never neither.
    for (from, to) in &manifest {
        let source = target.child(&format!("{TEMPORARY}/{job_id}/{from}"));
        match target.store.rename(&source, &target.child(to)).await {
            Ok(()) => {}
            // Moved by an earlier run of this commit.
            Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let mode = pb::SaveMode::try_from(sink.mode).unwrap_or_default();
    if matches!(
        mode,
        pb::SaveMode::Overwrite | pb::SaveMode::OverwritePartitions
    ) {
        let keep: BTreeSet<&str> = manifest.iter().map(|(_, to)| to.as_str()).collect();
        let replaced_dirs: BTreeSet<&str> = manifest
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
    Ok(manifest.len())
}

/// Removes everything a job's task attempts wrote (the job failed or was cancelled).
pub async fn abort(sink: &pb::SinkSpec, job_id: &str, runtime: &RuntimeEnv) -> Result<()> {
    let target = Target::resolve(sink, runtime)?;
    target.remove_all(&target.job_temp(job_id), None).await
}

fn parse_manifest(bytes: &[u8]) -> Result<Vec<(String, String)>> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| DataFusionError::Execution(format!("commit manifest is not UTF-8: {e}")))?;
    text.lines()
        .map(|line| {
            line.split_once('\t')
                .map(|(from, to)| (from.to_string(), to.to_string()))
                .ok_or_else(|| {
                    DataFusionError::Execution(format!("commit manifest: bad line '{line}'"))
                })
        })
        .collect()
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

    async fn write(
        ctx: &SessionContext,
        sink: &pb::SinkSpec,
        partition: u32,
        attempt: u32,
        sql: &str,
    ) {
        let data = ctx.sql(sql).await.unwrap().execute_stream().await.unwrap();
        let task = SinkTask {
            job_id: "job-1".into(),
            sink: sink.clone(),
            partition,
            attempt,
        };
        write_attempt(&task, data, ctx.task_ctx()).await.unwrap();
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
        write(
            &ctx,
            &sink,
            0,
            0,
            "SELECT 1 AS x, 'a' AS part UNION ALL SELECT 2, 'b'",
        )
        .await;
        write(
            &ctx,
            &sink,
            0,
            1,
            "SELECT 1 AS x, 'a' AS part UNION ALL SELECT 2, 'b'",
        )
        .await;
        write(&ctx, &sink, 1, 0, "SELECT 3 AS x, 'a' AS part").await;

        let won = |partition, attempt| Winner {
            partition,
            attempt,
            rows: 0,
        };
        let winners = [won(0, 1), won(1, 0)];
        let files = commit(&sink, "job-1", &winners, &ctx.runtime_env())
            .await
            .unwrap();
        assert_eq!(files, 3);
        assert_eq!(published(dir.path()).await, ["1/a", "2/b", "3/a"]);
        assert!(dir.path().join(SUCCESS_MARKER).exists());
        assert!(!dir.path().join(TEMPORARY).exists(), "temporary files left");

        // A commit that runs again (a new leader redoing an interrupted one) changes nothing.
        commit(&sink, "job-1", &winners, &ctx.runtime_env())
            .await
            .unwrap();
        assert_eq!(published(dir.path()).await, ["1/a", "2/b", "3/a"]);
    }

    #[tokio::test]
    async fn a_commit_interrupted_after_its_decision_completes_from_the_manifest() {
        let dir = tempfile::tempdir().unwrap();
        let sink = pb::SinkSpec {
            format: "parquet".into(),
            path: dir.path().display().to_string(),
            mode: pb::SaveMode::Append as i32,
            ..Default::default()
        };
        let ctx = session();
        write(&ctx, &sink, 0, 0, "SELECT 1 AS x, 'a' AS part").await;
        write(&ctx, &sink, 1, 0, "SELECT 2 AS x, 'b' AS part").await;
        let target = Target::resolve(&sink, &ctx.runtime_env()).unwrap();
        let manifest = target.child("_temporary/job-1/_manifest");
        // The first run decided on partition 0 only and moved nothing yet.
        let listed = target.list(&target.job_temp("job-1")).await.unwrap();
        let first = listed
            .iter()
            .filter_map(|p| Target::relative(p, &target.job_temp("job-1")))
            .find(|r| r.starts_with("part-0-attempt-0/") && r.ends_with(".parquet"))
            .unwrap();
        let file = first.split_once('/').unwrap().1.to_string();
        target
            .store
            .put(
                &manifest,
                PutPayload::from(format!("{first}\t{file}\n").into_bytes()),
            )
            .await
            .unwrap();
        // The rerun keeps that decision even though it is told both partitions won.
        let won = |partition| Winner {
            partition,
            attempt: 0,
            rows: 0,
        };
        let files = commit(&sink, "job-1", &[won(0), won(1)], &ctx.runtime_env())
            .await
            .unwrap();
        assert_eq!(files, 1);
        assert_eq!(published(dir.path()).await, ["1/a"]);
    }
}
