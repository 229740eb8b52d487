//! Job bookmarks: an incremental job reads only the input no earlier successful run of it read.
//!
//! A file is known by its URL, ETag and size, not by a modification time (Glue's bookmarks
//! skip files that share a timestamp with the last one read, and read a file rewritten within
//! the same second as old). A database source's rows are read in windows of its bookmark keys
//! ([`crate::source::window`]), each run from where the last one stopped. The coordinator
//! gathers what the job's earlier runs read, plans the job with its file tables wrapped in
//! [`Increment::table`] and its database tables from [`Increment::database_table`], and keeps
//! what they chose ([`Increment::files`], [`Increment::windows`]) with the job; the job's
//! successful end stores it as a new run of the bookmark, in the same write.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use datafusion::catalog::{Session, TableProvider};
use datafusion::datasource::listing::PartitionedFile;
use datafusion::datasource::physical_plan::{FileGroup, FileScanConfig};
use datafusion::error::{DataFusionError, Result};
use datafusion::physical_plan::ExecutionPlan;
use kiln_proto::v1 as pb;

use crate::file_scans::{self, NarrowedTable, Narrowing};
use crate::source::window::WindowStart;

/// How many new files a run reads from each source when the job does not say.
pub const DEFAULT_MAX_FILES_PER_RUN: u32 = 2_000;

/// The most new files a run may read from each source: what it read travels in the job's
/// record and in the bookmark's entry for the run, both bounded by the state store's limit.
pub const MAX_FILES_PER_RUN: u32 = 5_000;

/// A file as a bookmark knows it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileKey {
    pub path: String,
    pub e_tag: String,
    pub size: u64,
}

impl From<&pb::BookmarkedFile> for FileKey {
    fn from(file: &pb::BookmarkedFile) -> Self {
        Self {
            path: file.path.clone(),
            e_tag: file.e_tag.clone(),
            size: file.size,
        }
    }
}

impl From<FileKey> for pb::BookmarkedFile {
    fn from(file: FileKey) -> Self {
        Self {
            path: file.path,
            e_tag: file.e_tag,
            size: file.size,
        }
    }
}

/// What an incremental run reads.
#[derive(Debug)]
pub enum Choice {
    /// What no earlier successful run read: the files not `seen` (at most `max_files` per
    /// scan, oldest first), and each database source's rows above the keys its last run
    /// read `through` (from the first row for a source not in `after`).
    Unseen {
        seen: HashSet<FileKey>,
        max_files: usize,
        after: HashMap<String, Vec<String>>,
    },
    /// Exactly these files and windows: a run planned again (after a failover) reads what it
    /// first chose.
    Only {
        files: HashSet<FileKey>,
        windows: HashMap<String, pb::RowWindow>,
    },
}

/// What the tables of a run's plan chose to read.
#[derive(Debug, Default)]
struct Chosen {
    files: BTreeSet<FileKey>,
    windows: BTreeMap<String, pb::RowWindow>,
}

/// One incremental run's choice of input, shared by the tables of its plan, and what they
/// chose.
#[derive(Debug)]
pub struct Increment {
    choice: Choice,
    chosen: Mutex<Chosen>,
}

impl Increment {
    /// A run that reads as `choice` says.
    pub fn new(choice: Choice) -> Arc<Self> {
        Arc::new(Self {
            choice,
            chosen: Mutex::default(),
        })
    }

    /// The table a database source reads in this run: the rows of its window.
    pub async fn database_table(
        &self,
        source: &pb::SourceSpec,
        default_partitions: usize,
    ) -> Result<Arc<dyn TableProvider>> {
        let start = match &self.choice {
            Choice::Unseen { after, .. } => {
                WindowStart::After(after.get(&source.name).cloned().unwrap_or_default())
            }
            Choice::Only { windows, .. } => {
                WindowStart::Exactly(windows.get(&source.name).cloned().unwrap_or_else(|| {
                    pb::RowWindow {
                        source: source.name.clone(),
                        ..Default::default()
                    }
                }))
            }
        };
        let (table, window) =
            crate::source::incremental_table(source, default_partitions, &start).await?;
        self.chosen
            .lock()
            .expect("chosen input poisoned")
            .windows
            .insert(source.name.clone(), window);
        Ok(table)
    }

    /// The windows the database tables planned so far chose, by source name.
    pub fn windows(&self) -> Vec<pb::RowWindow> {
        let chosen = self.chosen.lock().expect("chosen input poisoned");
        chosen.windows.values().cloned().collect()
    }

    /// `table` reading only the files this run chooses.
    pub fn table(self: &Arc<Self>, table: Arc<dyn TableProvider>) -> Arc<dyn TableProvider> {
        Arc::new(NarrowedTable {
            inner: table,
            narrowing: Arc::clone(self),
        })
    }

    /// The files the scans planned so far chose, in path order.
    pub fn files(&self) -> Vec<pb::BookmarkedFile> {
        let chosen = self.chosen.lock().expect("chosen input poisoned");
        chosen.files.iter().cloned().map(Into::into).collect()
    }

    /// Keeps only the chosen files of a scan's file groups (one group, when none is left, so
    /// the scan still has a partition that reads nothing). A file listed without an ETag is
    /// known by its entry in `e_tags`.
    fn choose(&self, config: &FileScanConfig, e_tags: &EtagsByPath) -> Vec<FileGroup> {
        let url = config.object_store_url.as_str();
        let store = url.strip_suffix('/').unwrap_or(url);
        let key = |file: &PartitionedFile| FileKey {
            path: format!("{store}/{}", file.object_meta.location),
            e_tag: (file.object_meta.e_tag.as_ref())
                .or_else(|| e_tags.get(&file.object_meta.location))
                .cloned()
                .unwrap_or_default(),
            size: file.object_meta.size,
        };
        let mut files: Vec<(FileKey, PartitionedFile)> = config
            .file_groups
            .iter()
            .flat_map(|group| group.iter())
            .map(|file| (key(file), file.clone()))
            .filter(|(key, _)| match &self.choice {
                Choice::Unseen { seen, .. } => !seen.contains(key),
                Choice::Only { files, .. } => files.contains(key),
            })
            .collect();
        if let Choice::Unseen { max_files, .. } = self.choice {
            files.sort_by(|(a, fa), (b, fb)| {
                (fa.object_meta.last_modified, &a.path)
                    .cmp(&(fb.object_meta.last_modified, &b.path))
            });
            files.truncate(max_files);
        }
        self.chosen
            .lock()
            .expect("chosen input poisoned")
            .files
            .extend(files.iter().map(|(key, _)| key.clone()));
        let groups = config.file_groups.len().max(1);
        let mut chosen = vec![Vec::new(); groups];
        for (i, (_, file)) in files.into_iter().enumerate() {
            chosen[i % groups].push(file);
        }
        chosen.into_iter().map(FileGroup::new).collect()
    }

    /// `plan` with every file scan reading only the chosen files.
    fn rewrite(
        &self,
        plan: Arc<dyn ExecutionPlan>,
        e_tags: &EtagsByPath,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let (plan, scans) =
            file_scans::narrow(plan, |config| Ok(Some(self.choose(config, e_tags))))?;
        if scans == 0 {
            return Err(DataFusionError::Plan(
                "an incremental job's bookmark keeps the files it read, and this table reads \
                 no files (a catalog table of a database?): read it as a [[source]] with \
                 bookmark_keys, or in a job that is not incremental"
                    .into(),
            ));
        }
        Ok(plan)
    }
}

/// A file table's scans read only what the run chooses.
#[async_trait]
impl Narrowing for Arc<Increment> {
    async fn narrow(
        &self,
        state: &dyn Session,
        plan: Arc<dyn ExecutionPlan>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let e_tags = missing_e_tags(state, &plan).await?;
        self.rewrite(plan, &e_tags)
    }
}

/// The ETags of the files `plan` scans that their listing gave none (some S3-compatible
/// servers list without them), by path, from one HEAD request each. Without an ETag, a file
/// rewritten in place with the same size would pass for one already read.
async fn missing_e_tags(state: &dyn Session, plan: &Arc<dyn ExecutionPlan>) -> Result<EtagsByPath> {
    use futures::{StreamExt, TryStreamExt};
    let mut missing = Vec::new();
    file_scans::for_each(plan, |config| {
        let store = state.runtime_env().object_store(&config.object_store_url)?;
        for file in config.file_groups.iter().flat_map(|group| group.iter()) {
            if file.object_meta.e_tag.is_none() {
                missing.push((Arc::clone(&store), file.object_meta.location.clone()));
            }
        }
        Ok(())
    })?;
    let heads: Vec<_> = missing
        .into_iter()
        .map(|(store, location)| e_tag_of(store, location))
        .collect();
    futures::stream::iter(heads)
        .buffer_unordered(16)
        .try_filter_map(|found| async move { Ok(found) })
        .try_collect()
        .await
}

/// The ETag a HEAD request gives the object at `location`, if any.
async fn e_tag_of(
    store: Arc<dyn object_store::ObjectStore>,
    location: object_store::path::Path,
) -> Result<Option<(object_store::path::Path, String)>> {
    use object_store::ObjectStoreExt;
    let meta = store.head(&location).await?;
    Ok(meta.e_tag.map(|e_tag| (location, e_tag)))
}

/// ETags by object path (see [`missing_e_tags`]).
type EtagsByPath = HashMap<object_store::path::Path, String>;

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::prelude::SessionContext;

    async fn count(ctx: &SessionContext, table: Arc<dyn TableProvider>) -> i64 {
        ctx.deregister_table("t").unwrap();
        ctx.register_table("t", table).unwrap();
        let batches = ctx
            .sql("SELECT count(*) FROM t")
            .await
            .unwrap()
            .collect()
            .await
            .unwrap();
        let column = batches[0].column(0);
        arrow::array::cast::as_primitive_array::<arrow::datatypes::Int64Type>(column).value(0)
    }

    #[tokio::test]
    async fn a_run_reads_only_unseen_files_and_a_rewritten_file_again() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, rows: &str| {
            std::fs::write(dir.path().join(name), format!("id\n{rows}")).unwrap();
        };
        write("a.csv", "1\n2\n");
        write("b.csv", "3\n");
        // A cluster's runtime: a listing taken again sees files that landed since.
        let runtime = datafusion::execution::runtime_env::RuntimeEnvBuilder::new()
            .with_cache_manager(kiln_core::config::long_lived_caches())
            .build_arc()
            .unwrap();
        let ctx = SessionContext::new_with_config_rt(Default::default(), runtime);
        let location = format!("{}/", dir.path().display());
        let table = || async {
            crate::tables::files_table(
                &ctx.state(),
                &location,
                Arc::new(datafusion::datasource::file_format::csv::CsvFormat::default()),
                None,
                &[],
            )
            .await
            .unwrap()
        };

        let first = Increment::new(Choice::Unseen {
            seen: HashSet::new(),
            max_files: 1,
            after: HashMap::new(),
        });
        assert_eq!(
            count(&ctx, first.table(table().await)).await,
            2,
            "a.csv first, one file per run"
        );
        let read: Vec<FileKey> = first.files().iter().map(FileKey::from).collect();
        assert_eq!(read.len(), 1);
        assert!(read[0].path.ends_with("/a.csv"), "{read:?}");
        assert!(read[0].path.starts_with("file:///"), "{read:?}");

        // b.csv is new; then a.csv is rewritten in place with a different size and ETag.
        let mut seen: HashSet<FileKey> = read.into_iter().collect();
        let second = Increment::new(Choice::Unseen {
            seen: seen.clone(),
            max_files: 10,
            after: HashMap::new(),
        });
        assert_eq!(count(&ctx, second.table(table().await)).await, 1);
        seen.extend(second.files().iter().map(FileKey::from));
        write("a.csv", "4\n5\n6\n");
        let third = Increment::new(Choice::Unseen {
            seen: seen.clone(),
            max_files: 10,
            after: HashMap::new(),
        });
        assert_eq!(count(&ctx, third.table(table().await)).await, 3);

        // Planned again, a run reads exactly what it chose, whatever landed since.
        write("c.csv", "7\n");
        let again = Increment::new(Choice::Only {
            files: third.files().iter().map(FileKey::from).collect(),
            windows: HashMap::new(),
        });
        assert_eq!(count(&ctx, again.table(table().await)).await, 3);
        assert_eq!(again.files(), third.files());

        seen.extend(third.files().iter().map(FileKey::from));
        let fourth = Increment::new(Choice::Unseen {
            seen,
            max_files: 10,
            after: HashMap::new(),
        });
        assert_eq!(
            count(&ctx, fourth.table(table().await)).await,
            1,
            "only c.csv is new"
        );
    }
}
