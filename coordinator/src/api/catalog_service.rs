//! `CatalogService`: the catalog's databases, tables and partitions, and its crawlers, whose
//! crawls run here on the leader.

use std::sync::Arc;

use kiln_catalog::crawler;
use kiln_proto::v1 as pb;
use tonic::{Request, Response, Status};

use crate::scheduler::Scheduler;

pub(crate) struct CatalogApi {
    scheduler: Arc<Scheduler>,
}

impl CatalogApi {
    pub(crate) fn new(scheduler: Arc<Scheduler>) -> Self {
        Self { scheduler }
    }
}

type Reply<T> = Result<Response<T>, Status>;

/// A catalog error as the gRPC status clients get (not found, already exists, invalid, ...).
fn status(error: kiln_catalog::CatalogError) -> Status {
    crate::CoordinatorError::from(error).into()
}

#[tonic::async_trait]
impl pb::catalog_service_server::CatalogService for CatalogApi {
    async fn list_databases(
        &self,
        _: Request<pb::ListDatabasesRequest>,
    ) -> Reply<pb::ListDatabasesResponse> {
        let catalog = self.scheduler.catalog().await?;
        Ok(Response::new(pb::ListDatabasesResponse {
            databases: catalog.databases().await.map_err(status)?,
        }))
    }

    async fn list_tables(
        &self,
        request: Request<pb::ListTablesRequest>,
    ) -> Reply<pb::ListTablesResponse> {
        let catalog = self.scheduler.catalog().await?;
        let database = request.into_inner().database;
        Ok(Response::new(pb::ListTablesResponse {
            tables: catalog.tables(&database).await.map_err(status)?,
        }))
    }

    async fn get_table(&self, request: Request<pb::GetTableRequest>) -> Reply<pb::CatalogTable> {
        let catalog = self.scheduler.catalog().await?;
        let request = request.into_inner();
        let table = catalog
            .table(&request.database, &request.table)
            .await
            .map_err(status)?;
        Ok(Response::new(table))
    }

    async fn list_partitions(
        &self,
        request: Request<pb::ListPartitionsRequest>,
    ) -> Reply<pb::ListPartitionsResponse> {
        let catalog = self.scheduler.catalog().await?;
        let request = request.into_inner();
        let partitions = catalog
            .partitions(&request.database, &request.table, &request.leading_values)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ListPartitionsResponse { partitions }))
    }

    async fn create_crawler(
        &self,
        request: Request<pb::CreateCrawlerRequest>,
    ) -> Reply<pb::Crawler> {
        let catalog = self.scheduler.catalog().await?;
        let request = request.into_inner();
        let crawler = request
            .crawler
            .ok_or_else(|| Status::invalid_argument("the request has no crawler"))?;
        let by = match request.by.as_str() {
            "" => "user",
            by => by,
        };
        let created = catalog.create_crawler(crawler, by).await.map_err(status)?;
        Ok(Response::new(created))
    }

    async fn list_crawlers(
        &self,
        _: Request<pb::ListCrawlersRequest>,
    ) -> Reply<pb::ListCrawlersResponse> {
        let catalog = self.scheduler.catalog().await?;
        Ok(Response::new(pb::ListCrawlersResponse {
            crawlers: catalog.crawlers().await.map_err(status)?,
        }))
    }

    async fn get_crawler(
        &self,
        request: Request<pb::GetCrawlerRequest>,
    ) -> Reply<pb::GetCrawlerResponse> {
        let catalog = self.scheduler.catalog().await?;
        let name = request.into_inner().name;
        let crawler = catalog.crawler(&name).await.map_err(status)?;
        let runs = catalog.crawl_runs(&name).await.map_err(status)?;
        Ok(Response::new(pb::GetCrawlerResponse {
            crawler: Some(crawler),
            runs,
        }))
    }

    async fn delete_crawler(
        &self,
        request: Request<pb::DeleteCrawlerRequest>,
    ) -> Reply<pb::DeleteCrawlerResponse> {
        let catalog = self.scheduler.catalog().await?;
        catalog
            .delete_crawler(&request.into_inner().name)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::DeleteCrawlerResponse {}))
    }

    async fn start_crawl(&self, request: Request<pb::StartCrawlRequest>) -> Reply<pb::CrawlRun> {
        let catalog = self.scheduler.catalog().await?;
        let request = request.into_inner();
        let definition = catalog.crawler(&request.name).await.map_err(status)?;
        let state = self.scheduler.session_state();
        let run = crawler::crawl(&catalog, &state, &definition, request.dry_run, &[])
            .await
            .map_err(status)?;
        Ok(Response::new(run))
    }
}
