//! Partitions: one registration per set of partition values, with its location, size and
//! lineage.

use kiln_core::state::{Batch, MAX_BATCH_WRITES, MAX_WRITE_BYTES};
use kiln_proto::v1::{CatalogPartition, CatalogTable};
use prost::Message;

use crate::catalog::{Catalog, names};
use crate::error::{CatalogError, Result};
use crate::keys;

impl Catalog {
    /// Registers partitions of a table, as `by` (their lineage), replacing any registered with
    /// the same values. Written in as few batches as the store's limits allow: the writes grow
    /// with the partitions added, never with the table's.
    pub async fn add_partitions(
        &self,
        database: &str,
        table: &str,
        partitions: Vec<CatalogPartition>,
        by: &str,
    ) -> Result<()> {
        let def = self.table(database, table).await?;
        let now = kiln_core::ids::now_ms();
        let mut batch = Batch::default();
        let mut bytes = 0;
        for mut partition in partitions {
            check_values(&def, &partition.values)?;
            partition.added_by = by.to_string();
            partition.added_at_ms = now;
            let key = keys::partition(database, table, &partition.values);
            let value = partition.encode_to_vec();
            let size = key.len() + value.len();
            if batch.puts.len() == MAX_BATCH_WRITES || bytes + size > MAX_WRITE_BYTES / 2 {
                self.write(std::mem::take(&mut batch)).await?;
                bytes = 0;
            }
            bytes += size;
            batch.puts.push((key, value));
        }
        if !batch.puts.is_empty() {
            self.write(batch).await?;
        }
        Ok(())
    }

    /// How many partitions a table has registered, counted by the store without reading
    /// them (what a pruned query did not read is this minus what it read).
    pub async fn partition_count(&self, database: &str, table: &str) -> Result<u64> {
        Ok(self
            .store
            .count(&keys::partitions::<&str>(database, table, &[]))
            .await?)
    }

    /// The partitions of a table whose values start with `leading` (all of them when empty),
    /// in value order. Reads only those partitions' keys.
    pub async fn partitions<S: AsRef<str>>(
        &self,
        database: &str,
        table: &str,
        leading: &[S],
    ) -> Result<Vec<CatalogPartition>> {
        let def = self.table(database, table).await?;
        if leading.len() > def.partition_keys.len() {
            return Err(CatalogError::Invalid(format!(
                "table {database}.{table} has {} partition key(s) ({}); {} value(s) given",
                def.partition_keys.len(),
                names(&def.partition_keys),
                leading.len()
            )));
        }
        self.read_all(&keys::partitions(database, table, leading))
            .await
    }

    /// Removes the registrations of the partitions with these values.
    pub async fn drop_partitions(
        &self,
        database: &str,
        table: &str,
        values: &[Vec<String>],
    ) -> Result<()> {
        let def = self.table(database, table).await?;
        for chunk in values.chunks(MAX_BATCH_WRITES) {
            let mut deletes = vec![];
            for values in chunk {
                check_values(&def, values)?;
                deletes.push(keys::partition(database, table, values));
            }
            self.write(Batch {
                puts: vec![],
                deletes,
            })
            .await?;
        }
        Ok(())
    }
}

/// Refuses partition values that are not one per partition key.
fn check_values(table: &CatalogTable, values: &[String]) -> Result<()> {
    if values.len() != table.partition_keys.len() {
        return Err(CatalogError::Invalid(format!(
            "table {}.{} is partitioned by {} ({} key(s)); a partition with {} value(s) ({}) \
             does not fit",
            table.database,
            table.name,
            names(&table.partition_keys),
            table.partition_keys.len(),
            values.len(),
            values.join("/")
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::testing::catalog_with_table;

    use super::*;

    fn partition(year: &str, month: &str) -> CatalogPartition {
        CatalogPartition {
            values: vec![year.into(), month.into()],
            location: format!("s3://lake/events/{year}/{month}/"),
            file_count: 2,
            bytes: 100,
            ..Default::default()
        }
    }

    #[tokio::test]
    async fn partitions_are_listed_by_leading_values() {
        let catalog = catalog_with_table().await;
        // More partitions than one batch holds.
        let mut all = vec![];
        for year in ["2019", "20190", "2020"] {
            for month in 1..=100 {
                all.push(partition(year, &format!("{month:03}")));
            }
        }
        catalog
            .add_partitions("logs", "events", all, "crawler:lake")
            .await
            .unwrap();

        let everything = catalog
            .partitions::<&str>("logs", "events", &[])
            .await
            .unwrap();
        assert_eq!(everything.len(), 300);
        let year = catalog
            .partitions("logs", "events", &["2019"])
            .await
            .unwrap();
        assert_eq!(year.len(), 100);
        assert!(year.iter().all(|p| p.values[0] == "2019"));
        assert_eq!(year[0].added_by, "crawler:lake");
        let month = catalog
            .partitions("logs", "events", &["2020", "042"])
            .await
            .unwrap();
        assert_eq!(month.len(), 1);
        assert_eq!(month[0].location, "s3://lake/events/2020/042/");

        let error = catalog
            .partitions("logs", "events", &["2020", "042", "x"])
            .await
            .unwrap_err();
        assert!(
            error.to_string().contains("has 2 partition key(s)"),
            "{error}"
        );

        let gone: Vec<Vec<String>> = (1..=100)
            .map(|m| vec!["2019".to_string(), format!("{m:03}")])
            .collect();
        catalog
            .drop_partitions("logs", "events", &gone)
            .await
            .unwrap();
        assert!(
            catalog
                .partitions("logs", "events", &["2019"])
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(catalog.drop_table("logs", "events").await.unwrap(), 200);
    }

    #[tokio::test]
    async fn a_partition_must_have_a_value_per_key() {
        let catalog = catalog_with_table().await;
        let bad = CatalogPartition {
            values: vec!["2019".into()],
            ..Default::default()
        };
        let error = catalog
            .add_partitions("logs", "events", vec![bad], "bob")
            .await
            .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("partitioned by year, month (2 key(s))"),
            "{error}"
        );
    }

    #[tokio::test]
    async fn re_adding_a_partition_replaces_its_registration() {
        let catalog = catalog_with_table().await;
        catalog
            .add_partitions("logs", "events", vec![partition("2019", "09")], "a")
            .await
            .unwrap();
        let mut bigger = partition("2019", "09");
        bigger.file_count = 5;
        catalog
            .add_partitions("logs", "events", vec![bigger], "job:7")
            .await
            .unwrap();
        let listed = catalog
            .partitions::<&str>("logs", "events", &[])
            .await
            .unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(
            (listed[0].file_count, listed[0].added_by.as_str()),
            (5, "job:7")
        );
    }
}
