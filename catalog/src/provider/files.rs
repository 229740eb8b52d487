//! A catalog table over files: its partitions come from the catalog, pruned by the query's
//! partition predicates, and only the kept partitions' directories are listed.

use std::sync::Arc;

use arrow::datatypes::{Field, Schema, SchemaRef};
use async_trait::async_trait;
use datafusion::catalog::{Session, TableProvider};
use datafusion::common::ScalarValue;
use datafusion::datasource::TableType;
use datafusion::datasource::listing::{ListingTableUrl, PartitionedFile};
use datafusion::datasource::physical_plan::{FileGroup, FileScanConfigBuilder};
use datafusion::datasource::table_schema::TableSchema;
use datafusion::error::{DataFusionError, Result};
use datafusion::execution::context::SessionState;
use datafusion::logical_expr::dml::InsertOp;
use datafusion::logical_expr::{Expr, TableProviderFilterPushDown};
use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_plan::empty::EmptyExec;
use futures::{StreamExt, TryStreamExt};
use kiln_core::sink::SinkWriterExec;
use kiln_proto::v1::{self as pb, CatalogPartition, CatalogTable};

use super::prune;
use crate::{Catalog, columns};

/// How many partition directories are listed at once.
const CONCURRENT_LISTINGS: usize = 32;

/// A file table of the catalog.
#[derive(Debug)]
pub struct CatalogFilesTable {
    catalog: Catalog,
    table: CatalogTable,
    file_schema: SchemaRef,
    partition_fields: Vec<Field>,
    schema: SchemaRef,
}

impl CatalogFilesTable {
    /// The table `table` of `catalog`.
    pub fn try_new(catalog: Catalog, table: CatalogTable) -> crate::Result<Self> {
        let file_schema = Arc::new(columns::file_schema(&table)?);
        let partition_fields = columns::partition_fields(&table)?;
        let mut fields: Vec<Field> = file_schema
            .fields()
            .iter()
            .map(|f| f.as_ref().clone())
            .collect();
        fields.extend(partition_fields.iter().cloned());
        Ok(Self {
            catalog,
            table,
            file_schema,
            partition_fields,
            schema: Arc::new(Schema::new(fields)),
        })
    }

    fn partition_names(&self) -> Vec<&str> {
        self.partition_fields
            .iter()
            .map(|f| f.name().as_str())
            .collect()
    }

    /// The partitions the filters keep: those with the filters' leading values, fetched by
    /// prefix, then the rest of the filters evaluated on their values.
    async fn kept_partitions(
        &self,
        state: &dyn Session,
        filters: &[Expr],
    ) -> Result<Vec<CatalogPartition>> {
        let leading = prune::leading_values(&self.partition_fields, filters);
        let partitions = self
            .catalog
            .partitions(&self.table.database, &self.table.name, &leading)
            .await
            .map_err(|e| DataFusionError::External(Box::new(e)))?;
        // A deprecated partition's objects are gone (a crawl found them missing).
        let partitions = partitions.into_iter().filter(|p| !p.deprecated).collect();
        prune::keep(state, &self.partition_fields, partitions, filters)
    }
}

#[async_trait]
impl TableProvider for CatalogFilesTable {
    fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    fn supports_filters_pushdown(
        &self,
        filters: &[&Expr],
    ) -> Result<Vec<TableProviderFilterPushDown>> {
        let partitions = self.partition_names();
        Ok(filters
            .iter()
            .map(|filter| match prune::on_partitions(&partitions, filter) {
                true => TableProviderFilterPushDown::Exact,
                false => TableProviderFilterPushDown::Inexact,
            })
            .collect())
    }

    /// `INSERT INTO db.t SELECT ...` (and `INSERT OVERWRITE`) write files where the table
    /// lives, partitioned by its keys, and register the partitions at commit, as a job's
    /// `[sink] catalog = "db.t"` does; the coordinator resolves the sink and fills the job id.
    async fn insert_into(
        &self,
        _state: &dyn Session,
        input: Arc<dyn ExecutionPlan>,
        op: InsertOp,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let name = format!("{}.{}", self.table.database, self.table.name);
        let mode = kiln_jobs::sink::insert_mode(op, &name)?;
        let sink = pb::SinkSpec {
            catalog: name,
            mode: mode as i32,
            ..Default::default()
        };
        Ok(Arc::new(SinkWriterExec::new(String::new(), sink, input)))
    }

    async fn scan(
        &self,
        state: &dyn Session,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        limit: Option<usize>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let session = state
            .as_any()
            .downcast_ref::<SessionState>()
            .ok_or_else(|| {
                DataFusionError::Internal("catalog tables need a SessionState".into())
            })?;
        let format = session
            .get_file_format_factory(&self.table.format)
            .ok_or_else(|| {
                DataFusionError::Plan(format!(
                    "table {}.{}: unknown file format {}",
                    self.table.database, self.table.name, self.table.format
                ))
            })?
            .create(session, &format_options(&self.table))?;
        let url = ListingTableUrl::parse(&self.table.location)?;
        let store = state.runtime_env().object_store(&url)?;

        // The directories to read: the kept partitions', or the table's own.
        let partition_filters: Vec<Expr> = {
            let names = self.partition_names();
            filters
                .iter()
                .filter(|f| prune::on_partitions(&names, f))
                .cloned()
                .collect()
        };
        let directories: Vec<(String, Vec<ScalarValue>)> = if self.partition_fields.is_empty() {
            vec![(self.table.location.clone(), vec![])]
        } else {
            self.kept_partitions(state, &partition_filters)
                .await?
                .into_iter()
                .map(|p| {
                    let values = prune::typed_values(&self.partition_fields, &p.values)?;
                    Ok((p.location, values))
                })
                .collect::<Result<_>>()?
        };

        // A crawled table's files have the extension it found (`.tsv`, `.log`, or none).
        let extension = match self.table.parameters.get(crate::crawler::EXTENSION) {
            Some(extension) => extension.clone(),
            None => match format.compression_type() {
                Some(compression) => format.get_ext_with_compression(&compression)?,
                None => format.get_ext(),
            },
        };
        let directories_read = directories.len() as u64;
        let files: Vec<PartitionedFile> = futures::stream::iter(directories)
            .map(|(location, values)| {
                let store = Arc::clone(&store);
                let extension = extension.clone();
                async move {
                    let directory = ListingTableUrl::parse(&location)?;
                    let objects: Vec<_> =
                        store.list(Some(directory.prefix())).try_collect().await?;
                    Ok::<_, DataFusionError>(
                        objects
                            .into_iter()
                            .filter(|o| is_data_file(o.location.as_ref(), &extension))
                            .map(|o| {
                                let mut file = PartitionedFile::from(o);
                                file.partition_values = values.clone();
                                file
                            })
                            .collect::<Vec<_>>(),
                    )
                }
            })
            .buffered(CONCURRENT_LISTINGS)
            .try_concat()
            .await?;

        if let Some(counts) = state.config().get_extension::<super::ScanCounts>() {
            let (read, pruned) = if self.partition_fields.is_empty() {
                (0, 0)
            } else {
                let registered = self
                    .catalog
                    .partition_count(&self.table.database, &self.table.name)
                    .await
                    .map_err(|e| DataFusionError::External(Box::new(e)))?;
                (
                    directories_read,
                    registered.saturating_sub(directories_read),
                )
            };
            counts.add(
                read,
                pruned,
                files.len() as u64,
                files.iter().map(|f| f.object_meta.size).sum(),
            );
        }
        let projected = match projection {
            Some(p) => Arc::new(self.schema.project(p)?),
            None => Arc::clone(&self.schema),
        };
        if files.is_empty() {
            return Ok(Arc::new(EmptyExec::new(projected)));
        }
        let groups = state.config().target_partitions().max(1);
        let mut file_groups: Vec<Vec<PartitionedFile>> = vec![vec![]; groups.min(files.len())];
        for (i, file) in files.into_iter().enumerate() {
            file_groups[i % groups].push(file);
        }
        let table_schema = TableSchema::builder(Arc::clone(&self.file_schema))
            .with_table_partition_cols(
                self.partition_fields
                    .iter()
                    .cloned()
                    .map(Arc::new)
                    .collect::<Vec<_>>(),
            )
            .build();
        let config =
            FileScanConfigBuilder::new(url.object_store(), format.file_source(table_schema))
                .with_file_groups(file_groups.into_iter().map(FileGroup::new).collect())
                .with_projection_indices(projection.cloned())?
                .with_limit(limit)
                .build();
        format.create_physical_plan(state, config).await
    }
}

/// A table's options as its format's factory takes them: DataFusion's formats want
/// `format.has_header`, the catalog keeps `has_header` (log options take either).
fn format_options(table: &CatalogTable) -> std::collections::HashMap<String, String> {
    table
        .options
        .iter()
        .map(
            |(key, value)| match key.contains('.') || table.format == "log" {
                true => (key.clone(), value.clone()),
                false => (format!("format.{key}"), value.clone()),
            },
        )
        .collect()
}

/// Whether an object is one of the table's data files: with the format's extension, and not
/// a marker or hidden file (`_SUCCESS`, `.crc`), as Spark and Hive read directories.
fn is_data_file(location: &str, extension: &str) -> bool {
    let name = location.rsplit('/').next().unwrap_or(location);
    !kiln_jobs::tables::is_hidden(name) && name.ends_with(extension)
}
