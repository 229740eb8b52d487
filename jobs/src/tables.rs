//! `CREATE EXTERNAL TABLE` over a directory that reads only the format's data files.
//!
//! Data lakes keep marker and metadata files beside the data (`_SUCCESS`, which Kiln's own file
//! sinks write, `.crc` files, `_delta_log/`). DataFusion's listing-table factory infers hive-style
//! partitions from *every* file of a directory, so such a file at the top of a partitioned
//! table makes the table unreadable ("mixed partition values"). Like Spark and Hive, Kiln only
//! looks at files with the format's extension, and leaves out hidden files and folders: a
//! sink's `_temporary/` holds what running and failed jobs wrote, which no reader may see.

use std::sync::Arc;

use arrow::datatypes::{DataType, SchemaRef};
use async_trait::async_trait;
use datafusion::catalog::{Session, TableProvider, TableProviderFactory};
use datafusion::datasource::file_format::FileFormat;
use datafusion::datasource::listing::{
    ListingOptions, ListingTable, ListingTableConfig, ListingTableUrl,
};
use datafusion::datasource::listing_table_factory::ListingTableFactory;
use datafusion::datasource::physical_plan::FileGroup;
use datafusion::error::{DataFusionError, Result};
use datafusion::execution::context::SessionState;
use datafusion::logical_expr::CreateExternalTable;
use datafusion::physical_plan::ExecutionPlan;

use crate::file_scans::{self, NarrowedTable, Narrowing};

/// `CREATE EXTERNAL TABLE t STORED AS POSTGRES LOCATION 'postgres://user@host/db'
/// OPTIONS ('table' 'public.orders')` (likewise `STORED AS MYSQL`, and `STORED AS SQLITE` with
/// the database file as the location): a database table (or `'query'`) as a SQL table, read
/// in parallel like a job's database source, with the same options.
#[derive(Debug, Default)]
pub struct DatabaseTableFactory;

/// The database formats `STORED AS` takes.
pub const DATABASE_FORMATS: &[&str] = &["POSTGRES", "MYSQL", "SQLITE"];

#[async_trait]
impl TableProviderFactory for DatabaseTableFactory {
    async fn create(
        &self,
        state: &dyn Session,
        cmd: &CreateExternalTable,
    ) -> Result<Arc<dyn TableProvider>> {
        let [location] = cmd.locations.as_slice() else {
            return Err(DataFusionError::Plan(
                "a database table takes one LOCATION, its connection URL".into(),
            ));
        };
        let source = kiln_proto::v1::SourceSpec {
            name: cmd.name.to_string(),
            format: cmd.file_type.to_ascii_lowercase(),
            path: location.clone(),
            options: cmd
                .options
                .iter()
                .map(|(k, v)| (k.trim_start_matches("format.").to_string(), v.clone()))
                .collect(),
        };
        crate::source::table(&source, state.config().target_partitions()).await
    }
}

/// The file formats this factory serves (the names `STORED AS` takes).
pub const FILE_FORMATS: &[&str] = &["PARQUET", "CSV", "JSON", "ARROW", "LOG"];

/// Builds directory tables from data files only.
#[derive(Debug, Default)]
pub struct DataFilesTableFactory;

#[async_trait]
impl TableProviderFactory for DataFilesTableFactory {
    async fn create(
        &self,
        state: &dyn Session,
        cmd: &CreateExternalTable,
    ) -> Result<Arc<dyn TableProvider>> {
        let [location] = cmd.locations.as_slice() else {
            return ListingTableFactory::new().create(state, cmd).await;
        };
        let session = state
            .as_any()
            .downcast_ref::<SessionState>()
            .ok_or_else(|| DataFusionError::Internal("tables need a SessionState".into()))?;
        let format = session
            .get_file_format_factory(&cmd.file_type)
            .ok_or_else(|| DataFusionError::Plan(format!("unknown file format {}", cmd.file_type)))?
            .create(session, &cmd.options)?;
        let schema = (!cmd.schema.fields().is_empty()).then(|| Arc::clone(cmd.schema.inner()));
        files_table(state, location, format, schema, &cmd.table_partition_cols).await
    }
}

/// A table over the files at `location` (a file, a glob or a directory) in `format`. A
/// directory contributes only files with the format's extension (any file, for formats without
/// one, like logs) and its hive-style partitions become columns. Without a `schema`, it is
/// inferred.
pub async fn files_table(
    state: &dyn Session,
    location: &str,
    format: Arc<dyn FileFormat>,
    schema: Option<SchemaRef>,
    partition_columns: &[String],
) -> Result<Arc<dyn TableProvider>> {
    let url = ListingTableUrl::parse(location)?;
    let directory = url.is_collection() && url.get_glob().is_none();
    let extension = match format.compression_type() {
        _ if !directory => String::new(),
        Some(compression) => format.get_ext_with_compression(&compression)?,
        None => format.get_ext(),
    };
    let extension = if extension.is_empty() {
        extension
    } else {
        format!(".{extension}")
    };
    let options = ListingOptions::new(format).with_file_extension(extension);

    let table = ListingTableConfig::new(url.clone());
    let (options, schema) = match schema {
        None => {
            let partitions = if !partition_columns.is_empty() {
                partition_columns.to_vec()
            } else if directory {
                options.infer_partitions(state, &url).await?
            } else {
                Vec::new()
            };
            // Plain strings, not DataFusion's dictionary-encoded default: the values are few
            // per file anyway, and plain columns travel through every exchange unchanged.
            let options = options.with_table_partition_cols(
                partitions
                    .into_iter()
                    .map(|p| (p, DataType::Utf8))
                    .collect(),
            );
            let schema = options.infer_schema(state, &url).await?;
            (options, schema)
        }
        Some(schema) => {
            let partitions = partition_columns
                .iter()
                .map(|name| {
                    let field = schema.field_with_name(name)?;
                    Ok((name.clone(), field.data_type().clone()))
                })
                .collect::<Result<Vec<_>>>()?;
            let data_columns: Vec<usize> = (0..schema.fields().len())
                .filter(|&i| !partition_columns.contains(schema.field(i).name()))
                .collect();
            let options = options.with_table_partition_cols(partitions);
            (options, Arc::new(schema.project(&data_columns)?))
        }
    };
    let table = table.with_listing_options(options).with_schema(schema);
    Ok(Arc::new(NarrowedTable {
        inner: Arc::new(ListingTable::try_new(table)?),
        narrowing: VisibleFiles {
            prefix: url.prefix().clone(),
        },
    }))
}

/// Whether a file or folder name is hidden from readers of a directory, as in Spark and Hive:
/// markers and a writer's work (`_SUCCESS`, `_temporary`), and dot files (`.crc`).
pub fn is_hidden(name: &str) -> bool {
    name.starts_with('_') || name.starts_with('.')
}

/// Keeps a listing table's scans from reading any hidden file, or file in a hidden folder,
/// below its location.
#[derive(Debug)]
struct VisibleFiles {
    /// The location's path in its store, below which names are looked at.
    prefix: object_store::path::Path,
}

impl VisibleFiles {
    fn is_visible(&self, location: &object_store::path::Path) -> bool {
        location
            .prefix_match(&self.prefix)
            .is_none_or(|mut parts| parts.all(|part| !is_hidden(part.as_ref())))
    }
}

#[async_trait]
impl Narrowing for VisibleFiles {
    async fn narrow(
        &self,
        _state: &dyn Session,
        plan: Arc<dyn ExecutionPlan>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let (plan, _) = file_scans::narrow(plan, |config| {
            let files = || config.file_groups.iter().flat_map(|group| group.iter());
            if files().all(|file| self.is_visible(&file.object_meta.location)) {
                return Ok(None);
            }
            Ok(Some(
                config
                    .file_groups
                    .iter()
                    .map(|group| {
                        let visible = group
                            .iter()
                            .filter(|file| self.is_visible(&file.object_meta.location))
                            .cloned()
                            .collect();
                        FileGroup::new(visible)
                    })
                    .collect(),
            ))
        })?;
        Ok(plan)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::prelude::SessionContext;

    /// The result of `sql` as a printed table.
    async fn pretty(ctx: &SessionContext, sql: &str) -> String {
        let batches = ctx.sql(sql).await.unwrap().collect().await.unwrap();
        arrow::util::pretty::pretty_format_batches(&batches)
            .unwrap()
            .to_string()
    }

    #[tokio::test]
    async fn a_marker_file_beside_hive_partitions_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = SessionContext::new();
        for region in ["north", "south"] {
            let path = dir.path().join(format!("region={region}/part-0.parquet"));
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            ctx.sql("SELECT 1 AS x")
                .await
                .unwrap()
                .write_parquet(path.to_str().unwrap(), Default::default(), None)
                .await
                .unwrap();
        }
        std::fs::write(dir.path().join("_SUCCESS"), "job-1\n").unwrap();
        ctx.state_ref()
            .write()
            .table_factories_mut()
            .insert("PARQUET".into(), Arc::new(DataFilesTableFactory));
        ctx.sql(&format!(
            "CREATE EXTERNAL TABLE t STORED AS PARQUET LOCATION '{}/'",
            dir.path().display()
        ))
        .await
        .unwrap();
        let text = pretty(
            &ctx,
            "SELECT count(*) AS n, count(DISTINCT region) AS regions FROM t",
        )
        .await;
        assert!(text.contains("| 2 | 2       |"), "{text}");
    }

    #[tokio::test]
    async fn files_in_hidden_folders_are_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = SessionContext::new();
        // Committed data, a running job's attempt, and files a tool hid.
        for (file, rows) in [
            ("part-0.parquet", 3),
            ("_temporary/job-1/part-0-attempt-0/part-0.parquet", 5),
            (".staging/part-0.parquet", 7),
            ("_old.parquet", 11),
        ] {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            ctx.sql(&format!("SELECT * FROM generate_series(1, {rows}) AS t(x)"))
                .await
                .unwrap()
                .write_parquet(path.to_str().unwrap(), Default::default(), None)
                .await
                .unwrap();
        }
        let location = format!("{}/", dir.path().display());
        let table = files_table(
            &ctx.state(),
            &location,
            Arc::new(datafusion::datasource::file_format::parquet::ParquetFormat::default()),
            None,
            &[],
        )
        .await
        .unwrap();
        ctx.register_table("t", table).unwrap();
        let text = pretty(&ctx, "SELECT count(*) AS n FROM t").await;
        assert!(text.contains("| 3 |"), "{text}");
    }
}
