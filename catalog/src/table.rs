//! Tables: where the data is, its format and columns, partition keys, and earlier schemas.

use kiln_core::state::{Batch, MAX_BATCH_WRITES};
use kiln_proto::v1::{CatalogTable, SchemaVersion};
use prost::Message;

use crate::catalog::{Catalog, check_name, names};
use crate::error::{CatalogError, Result};
use crate::keys;

impl Catalog {
    /// Creates a table in an existing database, as `by` (a user, `crawler:NAME`, `job:ID`):
    /// version 1 of its schema.
    pub async fn create_table(&self, mut table: CatalogTable, by: &str) -> Result<CatalogTable> {
        check_name("table", &table.name)?;
        self.database(&table.database).await?;
        check_columns(&table)?;
        let key = keys::table(&table.database, &table.name);
        if self.store.get(&key).await?.is_some() {
            return Err(CatalogError::AlreadyExists {
                what: format!("table {}.{}", table.database, table.name),
            });
        }
        let now = kiln_core::ids::now_ms();
        table.created_by = by.to_string();
        table.created_at_ms = now;
        table.updated_by = by.to_string();
        table.updated_at_ms = now;
        table.version = 1;
        table.earlier_versions.clear();
        self.write(Batch::put(key, table.encode_to_vec())).await?;
        Ok(table)
    }

    /// One table.
    pub async fn table(&self, database: &str, name: &str) -> Result<CatalogTable> {
        self.read(&keys::table(database, name))
            .await?
            .ok_or_else(|| CatalogError::NotFound {
                what: format!("table {database}.{name}"),
            })
    }

    /// The tables of a database, by name (never reading a partition).
    pub async fn tables(&self, database: &str) -> Result<Vec<CatalogTable>> {
        self.database(database).await?;
        self.read_all(&keys::tables(database)).await
    }

    /// Changes a table's location, format, options, parameters or columns, as `by`. New
    /// columns make a new schema version and keep the one before, as Glue keeps table
    /// versions; the partition keys of a table never change.
    pub async fn update_table(&self, mut table: CatalogTable, by: &str) -> Result<CatalogTable> {
        let current = self.table(&table.database, &table.name).await?;
        check_columns(&table)?;
        if table.partition_keys != current.partition_keys {
            return Err(CatalogError::Invalid(format!(
                "table {}.{}: its partition keys ({}) cannot change; create a new table",
                table.database,
                table.name,
                names(&current.partition_keys)
            )));
        }
        let now = kiln_core::ids::now_ms();
        table.created_by = current.created_by.clone();
        table.created_at_ms = current.created_at_ms;
        table.updated_by = by.to_string();
        table.updated_at_ms = now;
        table.earlier_versions = current.earlier_versions.clone();
        table.version = current.version;
        if table.columns != current.columns {
            table.earlier_versions.push(SchemaVersion {
                version: current.version,
                columns: current.columns,
                changed_by: current.updated_by,
                changed_at_ms: current.updated_at_ms,
            });
            table.version = current.version + 1;
        }
        let key = keys::table(&table.database, &table.name);
        self.write(Batch::put(key, table.encode_to_vec())).await?;
        Ok(table)
    }

    /// Drops a table and its partitions (their registrations, not their data); returns how
    /// many partitions went. The partitions go first, so a drop cut short leaves the table.
    pub async fn drop_table(&self, database: &str, name: &str) -> Result<usize> {
        self.table(database, name).await?;
        let keys: Vec<String> = self
            .store
            .list(&keys::partitions::<&str>(database, name, &[]))
            .await?
            .into_iter()
            .map(|(key, _)| key)
            .collect();
        for chunk in keys.chunks(MAX_BATCH_WRITES) {
            let batch = Batch {
                puts: vec![],
                deletes: chunk.to_vec(),
            };
            self.write(batch).await?;
        }
        self.write(Batch::delete(keys::table(database, name)))
            .await?;
        Ok(keys.len())
    }
}

/// Refuses a table whose columns repeat a name, or name a partition key.
fn check_columns(table: &CatalogTable) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    for column in table.columns.iter().chain(&table.partition_keys) {
        if !seen.insert(column.name.as_str()) {
            return Err(CatalogError::Invalid(format!(
                "table {}.{}: column {} appears twice (columns and partition keys share names)",
                table.database, table.name, column.name
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::CatalogError;
    use crate::testing::{catalog_with_table, column};

    use super::*;

    #[tokio::test]
    async fn a_change_of_columns_keeps_the_schema_before_it() {
        let catalog = catalog_with_table().await;
        let mut table = catalog.table("logs", "events").await.unwrap();
        assert_eq!((table.version, table.created_by.as_str()), (1, "alice"));

        // A change of parameters only: same version.
        table
            .parameters
            .insert("classification".into(), "parquet".into());
        let table = catalog.update_table(table, "bob").await.unwrap();
        assert_eq!(table.version, 1);
        assert!(table.earlier_versions.is_empty());

        // A new column: version 2, version 1 kept with who made it.
        let mut wider = table.clone();
        wider.columns.push(column("host", "Utf8"));
        let wider = catalog.update_table(wider, "crawler:lake").await.unwrap();
        assert_eq!(wider.version, 2);
        assert_eq!(wider.earlier_versions.len(), 1);
        assert_eq!(wider.earlier_versions[0].version, 1);
        assert_eq!(wider.earlier_versions[0].columns, table.columns);
        assert_eq!(wider.earlier_versions[0].changed_by, "bob");
        assert_eq!(
            (wider.created_by.as_str(), wider.updated_by.as_str()),
            ("alice", "crawler:lake")
        );
        assert_eq!(catalog.table("logs", "events").await.unwrap(), wider);
    }

    #[tokio::test]
    async fn partition_keys_and_column_names_are_checked() {
        let catalog = catalog_with_table().await;
        let mut table = catalog.table("logs", "events").await.unwrap();
        table.partition_keys.pop();
        let error = catalog.update_table(table, "bob").await.unwrap_err();
        assert!(
            error.to_string().contains("partition keys (year, month)"),
            "{error}"
        );

        let mut table = catalog.table("logs", "events").await.unwrap();
        table.columns.push(column("year", "Int32"));
        let error = catalog.update_table(table, "bob").await.unwrap_err();
        assert!(
            error.to_string().contains("column year appears twice"),
            "{error}"
        );

        let orphan = CatalogTable {
            database: "nowhere".into(),
            name: "t".into(),
            ..Default::default()
        };
        let error = catalog.create_table(orphan, "bob").await.unwrap_err();
        assert!(matches!(error, CatalogError::NotFound { .. }), "{error}");
    }
}
