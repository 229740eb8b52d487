//! Catalog tables in SQL: a query naming `db.table` reads the catalog's table, through a
//! DataFusion [`TableProvider`] made from its definition.
//!
//! Only the tables a statement names are fetched from the store (one key each), before the
//! statement is planned, so planning never grows with the catalog; a statement on
//! `information_schema` (`SHOW TABLES`) gets every table. File tables prune partitions from
//! the catalog's registrations before any file is listed ([`files`]); database tables read
//! in parallel key ranges like a job's database source.

mod files;
mod prune;

use std::sync::Arc;

use datafusion::catalog::{MemorySchemaProvider, TableProvider};
use datafusion::common::TableReference;
use datafusion::prelude::SessionContext;
use kiln_proto::v1::{CatalogTable, SourceSpec};

pub use files::CatalogFilesTable;

use crate::Catalog;
use crate::error::{CatalogError, Result};

/// What the catalog tables a session planned give it to read, for the job's status: set as a
/// session config extension, filled by each scan of a catalog file table.
#[derive(Debug, Default)]
pub struct ScanCounts {
    partitions: std::sync::atomic::AtomicU64,
    pruned: std::sync::atomic::AtomicU64,
    files: std::sync::atomic::AtomicU64,
    bytes: std::sync::atomic::AtomicU64,
}

impl ScanCounts {
    fn add(&self, partitions: u64, pruned: u64, files: u64, bytes: u64) {
        use std::sync::atomic::Ordering::Relaxed;
        self.partitions.fetch_add(partitions, Relaxed);
        self.pruned.fetch_add(pruned, Relaxed);
        self.files.fetch_add(files, Relaxed);
        self.bytes.fetch_add(bytes, Relaxed);
    }

    /// The totals so far.
    pub fn summary(&self) -> kiln_proto::v1::CatalogScan {
        use std::sync::atomic::Ordering::Relaxed;
        kiln_proto::v1::CatalogScan {
            partitions: self.partitions.load(Relaxed),
            partitions_pruned: self.pruned.load(Relaxed),
            files: self.files.load(Relaxed),
            bytes: self.bytes.load(Relaxed),
        }
    }
}

/// The file formats a catalog table may have (DataFusion's `STORED AS` names, lowercase).
pub const FILE_FORMATS: &[&str] = &["parquet", "csv", "json", "arrow", "log"];

/// Registers in `ctx` each catalog table that `sql` names as `database.table`; names that are
/// not in the catalog are left for DataFusion to report. SQL that does not parse registers
/// nothing (planning it reports the error).
pub async fn register_referenced(ctx: &SessionContext, catalog: &Catalog, sql: &str) -> Result<()> {
    let state = ctx.state();
    let dialect = state.config().options().sql_parser.dialect;
    let Ok(statement) = state.sql_to_statement(sql, &dialect) else {
        return Ok(());
    };
    let Ok(references) = state.resolve_table_references(&statement) else {
        return Ok(());
    };
    let default_catalog = state.config().options().catalog.default_catalog.clone();
    let mut named = vec![];
    for reference in references {
        let (database, table) = match &reference {
            TableReference::Partial { schema, table } => (schema, table),
            TableReference::Full {
                catalog: c,
                schema,
                table,
            } if **c == default_catalog => (schema, table),
            _ => continue,
        };
        if database.as_ref() == "information_schema" {
            return register_all(ctx, catalog).await;
        }
        if ctx.table_exist(reference.clone()).unwrap_or(false) {
            continue;
        }
        named.push((database.to_string(), table.to_string()));
    }
    for (database, table) in named {
        match catalog.table(&database, &table).await {
            Ok(definition) => register(ctx, catalog, definition).await?,
            Err(CatalogError::NotFound { .. }) => {}
            Err(error) => return Err(error),
        }
    }
    Ok(())
}

/// The DataFusion table of catalog table `database.table`, for a job source that names it
/// (`[[source]] catalog = "db.table"`); read with `partitions` parallel reads when it is a
/// database table.
pub async fn table(
    catalog: &Catalog,
    database: &str,
    table: &str,
    partitions: usize,
) -> Result<Arc<dyn TableProvider>> {
    let definition = catalog.table(database, table).await?;
    table_provider(catalog, definition, partitions).await
}

/// Registers every table of every database, for statements on `information_schema`.
async fn register_all(ctx: &SessionContext, catalog: &Catalog) -> Result<()> {
    for database in catalog.databases().await? {
        for table in catalog.tables(&database.name).await? {
            register(ctx, catalog, table).await?;
        }
    }
    Ok(())
}

/// Registers one catalog table as `database.table` of the session's default catalog.
async fn register(ctx: &SessionContext, catalog: &Catalog, table: CatalogTable) -> Result<()> {
    let state = ctx.state();
    let options = state.config().options();
    let Some(default) = ctx.catalog(&options.catalog.default_catalog) else {
        return Err(CatalogError::Invalid(
            "the session has no default catalog".into(),
        ));
    };
    let schema = match default.schema(&table.database) {
        Some(schema) => schema,
        None => {
            let schema = Arc::new(MemorySchemaProvider::new());
            default
                .register_schema(&table.database, schema.clone())
                .map_err(|e| invalid(&table, e))?;
            schema
        }
    };
    let provider =
        table_provider(catalog, table.clone(), options.execution.target_partitions).await?;
    schema
        .register_table(table.name.clone(), provider)
        .map_err(|e| invalid(&table, e))?;
    Ok(())
}

/// The DataFusion table of a catalog table.
async fn table_provider(
    catalog: &Catalog,
    table: CatalogTable,
    partitions: usize,
) -> Result<Arc<dyn TableProvider>> {
    if FILE_FORMATS.contains(&table.format.as_str()) {
        return Ok(Arc::new(CatalogFilesTable::try_new(
            catalog.clone(),
            table,
        )?));
    }
    if kiln_jobs::source::FORMATS.contains(&table.format.as_str()) {
        let source = SourceSpec {
            name: format!("{}.{}", table.database, table.name),
            format: table.format.clone(),
            path: table.location.clone(),
            options: table.options.clone(),
        };
        return kiln_jobs::source::table(&source, partitions)
            .await
            .map_err(|e| invalid(&table, e));
    }
    Err(CatalogError::Invalid(format!(
        "table {}.{} has format {:?}; expected one of {} or {}",
        table.database,
        table.name,
        table.format,
        FILE_FORMATS.join(", "),
        kiln_jobs::source::FORMATS.join(", ")
    )))
}

fn invalid(table: &CatalogTable, error: impl std::fmt::Display) -> CatalogError {
    CatalogError::Invalid(format!("table {}.{}: {error}", table.database, table.name))
}
