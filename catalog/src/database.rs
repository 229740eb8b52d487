//! Databases: the namespaces of tables.

use kiln_proto::v1::CatalogDatabase;
use prost::Message;

use kiln_core::state::Batch;

use crate::catalog::{Catalog, check_name};
use crate::error::{CatalogError, Result};
use crate::keys;

impl Catalog {
    /// Creates a database; stamps when.
    pub async fn create_database(&self, mut database: CatalogDatabase) -> Result<CatalogDatabase> {
        check_name("database", &database.name)?;
        let key = keys::database(&database.name);
        if self.store.get(&key).await?.is_some() {
            return Err(CatalogError::AlreadyExists {
                what: format!("database {}", database.name),
            });
        }
        database.created_at_ms = kiln_core::ids::now_ms();
        self.write(Batch::put(key, database.encode_to_vec()))
            .await?;
        Ok(database)
    }

    /// Creates database `name`, as `by`, unless it exists: where a crawl or a job's table
    /// goes.
    pub async fn ensure_database(&self, name: &str, by: &str) -> Result<()> {
        let database = CatalogDatabase {
            name: name.to_string(),
            created_by: by.to_string(),
            ..Default::default()
        };
        match self.create_database(database).await {
            Ok(_) | Err(CatalogError::AlreadyExists { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// One database.
    pub async fn database(&self, name: &str) -> Result<CatalogDatabase> {
        self.read(&keys::database(name))
            .await?
            .ok_or_else(|| CatalogError::NotFound {
                what: format!("database {name}"),
            })
    }

    /// Every database, by name.
    pub async fn databases(&self) -> Result<Vec<CatalogDatabase>> {
        self.read_all(keys::DATABASES).await
    }

    /// Drops an empty database; one that still has tables is refused, naming how many.
    pub async fn drop_database(&self, name: &str) -> Result<()> {
        self.database(name).await?;
        let tables = self.store.list(&keys::tables(name)).await?.len();
        if tables > 0 {
            return Err(CatalogError::Invalid(format!(
                "database {name} still has {tables} table(s): drop them first"
            )));
        }
        self.write(Batch::delete(keys::database(name))).await
    }
}

#[cfg(test)]
mod tests {
    use crate::CatalogError;
    use crate::testing::catalog_with_table;

    use super::*;

    #[tokio::test]
    async fn databases_are_created_once_and_dropped_only_when_empty() {
        let catalog = catalog_with_table().await;
        let again = catalog
            .create_database(CatalogDatabase {
                name: "logs".into(),
                ..Default::default()
            })
            .await;
        assert!(matches!(again, Err(CatalogError::AlreadyExists { .. })));
        let error = catalog.drop_database("logs").await.unwrap_err();
        assert!(error.to_string().contains("still has 1 table"), "{error}");
        catalog.drop_table("logs", "events").await.unwrap();
        catalog.drop_database("logs").await.unwrap();
        assert!(catalog.databases().await.unwrap().is_empty());
        let error = catalog.database("logs").await.unwrap_err();
        assert_eq!(error.to_string(), "database logs does not exist");
    }

    #[tokio::test]
    async fn bad_names_are_refused() {
        let catalog = catalog_with_table().await;
        for name in ["", "a\nb", &"x".repeat(256)] {
            let result = catalog
                .create_database(CatalogDatabase {
                    name: name.into(),
                    ..Default::default()
                })
                .await;
            assert!(matches!(result, Err(CatalogError::Invalid(_))), "{name:?}");
        }
    }
}
