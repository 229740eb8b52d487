//! What the unit tests share: a catalog in memory with a database and a partitioned table.

use std::sync::Arc;

use kiln_core::state::MemoryStore;

use crate::{Catalog, CatalogColumn, CatalogDatabase, CatalogTable};

pub fn column(name: &str, data_type: &str) -> CatalogColumn {
    CatalogColumn {
        name: name.into(),
        data_type: data_type.into(),
        nullable: true,
    }
}

/// A catalog with database `logs` and table `logs.events` partitioned by year and month.
pub async fn catalog_with_table() -> Catalog {
    let catalog = Catalog::new(Arc::new(MemoryStore::new()));
    catalog
        .create_database(CatalogDatabase {
            name: "logs".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    catalog
        .create_table(
            CatalogTable {
                database: "logs".into(),
                name: "events".into(),
                location: "s3://lake/events/".into(),
                format: "parquet".into(),
                columns: vec![column("id", "Int64"), column("msg", "Utf8")],
                partition_keys: vec![column("year", "Utf8"), column("month", "Utf8")],
                ..Default::default()
            },
            "alice",
        )
        .await
        .unwrap();
    catalog
}
