//! The catalog calls of [`Client`]: databases, tables and partitions, and crawlers, which
//! the leading coordinator runs.

use crate::{Client, Result, proto};

impl Client {
    /// The catalog's databases.
    pub async fn databases(&self) -> Result<Vec<proto::CatalogDatabase>> {
        let response = self
            .coordinators
            .call_catalog(
                |mut c| async move { c.list_databases(proto::ListDatabasesRequest {}).await },
            )
            .await?;
        Ok(response.databases)
    }

    /// The tables of `database`.
    pub async fn tables(&self, database: &str) -> Result<Vec<proto::CatalogTable>> {
        let request = proto::ListTablesRequest {
            database: database.to_string(),
        };
        let response = self
            .coordinators
            .call_catalog(|mut c| {
                let request = request.clone();
                async move { c.list_tables(request).await }
            })
            .await?;
        Ok(response.tables)
    }

    /// One table: location, format, columns, partition keys, lineage and earlier schemas.
    pub async fn table(&self, database: &str, table: &str) -> Result<proto::CatalogTable> {
        let request = proto::GetTableRequest {
            database: database.to_string(),
            table: table.to_string(),
        };
        self.coordinators
            .call_catalog(|mut c| {
                let request = request.clone();
                async move { c.get_table(request).await }
            })
            .await
    }

    /// The partitions of a table whose values start with `leading` (all when empty).
    pub async fn partitions(
        &self,
        database: &str,
        table: &str,
        leading: &[String],
    ) -> Result<Vec<proto::CatalogPartition>> {
        let request = proto::ListPartitionsRequest {
            database: database.to_string(),
            table: table.to_string(),
            leading_values: leading.to_vec(),
        };
        let response = self
            .coordinators
            .call_catalog(|mut c| {
                let request = request.clone();
                async move { c.list_partitions(request).await }
            })
            .await?;
        Ok(response.partitions)
    }

    /// Stores a crawler (see `kiln_catalog::crawler::parse_crawler` for its file), as `by`.
    pub async fn create_crawler(
        &self,
        crawler: proto::Crawler,
        by: &str,
    ) -> Result<proto::Crawler> {
        let request = proto::CreateCrawlerRequest {
            crawler: Some(crawler),
            by: by.to_string(),
        };
        self.coordinators
            .call_catalog(|mut c| {
                let request = request.clone();
                async move { c.create_crawler(request).await }
            })
            .await
    }

    /// Every crawler.
    pub async fn crawlers(&self) -> Result<Vec<proto::Crawler>> {
        let response = self
            .coordinators
            .call_catalog(
                |mut c| async move { c.list_crawlers(proto::ListCrawlersRequest {}).await },
            )
            .await?;
        Ok(response.crawlers)
    }

    /// A crawler and the records of its latest runs, oldest first.
    pub async fn crawler(&self, name: &str) -> Result<(proto::Crawler, Vec<proto::CrawlRun>)> {
        let request = proto::GetCrawlerRequest {
            name: name.to_string(),
        };
        let response = self
            .coordinators
            .call_catalog(|mut c| {
                let request = request.clone();
                async move { c.get_crawler(request).await }
            })
            .await?;
        Ok((response.crawler.unwrap_or_default(), response.runs))
    }

    /// Removes a crawler and its run records (not the tables it found).
    pub async fn delete_crawler(&self, name: &str) -> Result<()> {
        let request = proto::DeleteCrawlerRequest {
            name: name.to_string(),
        };
        self.coordinators
            .call_catalog(|mut c| {
                let request = request.clone();
                async move { c.delete_crawler(request).await }
            })
            .await?;
        Ok(())
    }

    /// Runs a crawl on the cluster to its end and returns its record; a dry run records what
    /// it would change and changes nothing.
    pub async fn crawl(&self, name: &str, dry_run: bool) -> Result<proto::CrawlRun> {
        let request = proto::StartCrawlRequest {
            name: name.to_string(),
            dry_run,
        };
        self.coordinators
            .call_catalog(|mut c| {
                let request = request.clone();
                async move { c.start_crawl(request).await }
            })
            .await
    }
}
