//! The REST API under `/api/v1/`: the public gRPC API as JSON over HTTP, for tools that speak
//! no gRPC (curl, a browser, the web UI). Each endpoint names one gRPC method and is answered
//! by calling it in process, through the same authentication and the same forwarding to the
//! leader as a call over the network, so REST and gRPC cannot disagree.
//!
//! Requests and responses are the methods' messages in the proto3 JSON mapping with the
//! proto's field names (64-bit integers as strings, enums by name); a request's fields come
//! from the path, the query string (`GET` and `DELETE`) and the JSON body (`POST`). Errors
//! are `{"error": {"code": 404, "status": "NOT_FOUND", "message": "..."}}`. The description
//! of every endpoint is served at `/api/v1/openapi.json`, generated from this table and the
//! protos.

mod endpoint;
mod openapi;
mod protos;
mod transcode;

use std::sync::Arc;

use axum::Router;
use axum::http::Method;
use kiln_proto::v1 as pb;
use pb::catalog_service_client::CatalogServiceClient as Catalog;
use pb::job_service_client::JobServiceClient as Jobs;
use pb::schedule_service_client::ScheduleServiceClient as Schedules;
use pb::trigger_service_client::TriggerServiceClient as Triggers;
use tonic::service::Routes;

use crate::api::Forward;
use endpoint::Endpoint;
use protos::Protos;

/// The coordinator's gRPC services as the REST API calls them: in process, behind the
/// forwarding to the leader.
pub(crate) type Grpc = Forward<Routes>;

/// The REST API's routes, answered by `grpc`. Authentication is the gRPC services' own: the
/// caller's `Authorization` header goes with each call.
pub(crate) fn routes(grpc: Grpc) -> Router {
    let protos = Arc::new(Protos::kiln());
    let endpoints = endpoints();
    // Made once, served as the same bytes to every caller.
    let document = openapi::document(&endpoints, &protos).to_string();
    let document = axum::body::Bytes::from(document);
    let mut router = Router::new().route(
        "/api/v1/openapi.json",
        axum::routing::get(move || {
            let document = document.clone();
            async move {
                (
                    [(axum::http::header::CONTENT_TYPE, "application/json")],
                    document,
                )
            }
        }),
    );
    for endpoint in endpoints {
        router = endpoint.register(router, &grpc, &protos);
    }
    router
}

/// Every endpoint, by resource. Paths follow the resources' names in the catalog and the
/// CLI; `{name}` parts fill the request field of that name.
fn endpoints() -> Vec<Endpoint> {
    use Method as M;
    vec![
        // Jobs.
        Endpoint::unary(
            M::GET,
            "/jobs",
            "kiln.v1.JobService.List",
            |g, r| async move { Jobs::new(g).list(r).await },
        ),
        Endpoint::unary(
            M::POST,
            "/jobs",
            "kiln.v1.JobService.Submit",
            |g, r| async move { Jobs::new(g).submit(r).await },
        ),
        Endpoint::unary(
            M::GET,
            "/jobs/{job_id}",
            "kiln.v1.JobService.Get",
            |g, r| async move { Jobs::new(g).get(r).await },
        ),
        Endpoint::stream(
            M::GET,
            "/jobs/{job_id}/watch",
            "kiln.v1.JobService.Watch",
            |g, r| async move { Jobs::new(g).watch(r).await },
        ),
        Endpoint::unary(
            M::POST,
            "/jobs/{job_id}/cancel",
            "kiln.v1.JobService.Cancel",
            |g, r| async move { Jobs::new(g).cancel(r).await },
        ),
        Endpoint::unary(
            M::GET,
            "/jobs/{job_id}/tasks",
            "kiln.v1.JobService.GetTasks",
            |g, r| async move { Jobs::new(g).get_tasks(r).await },
        ),
        Endpoint::unary(
            M::GET,
            "/executors",
            "kiln.v1.JobService.ListExecutors",
            |g, r| async move { Jobs::new(g).list_executors(r).await },
        ),
        Endpoint::unary(
            M::GET,
            "/version",
            "kiln.v1.JobService.GetVersion",
            |g, r| async move { Jobs::new(g).get_version(r).await },
        ),
        Endpoint::unary(
            M::GET,
            "/bookmarks/{name}",
            "kiln.v1.JobService.GetBookmark",
            |g, r| async move { Jobs::new(g).get_bookmark(r).await },
        ),
        Endpoint::unary(
            M::POST,
            "/bookmarks/{name}/reset",
            "kiln.v1.JobService.ResetBookmark",
            |g, r| async move { Jobs::new(g).reset_bookmark(r).await },
        ),
        // The catalog and its crawlers.
        Endpoint::unary(
            M::GET,
            "/databases",
            "kiln.v1.CatalogService.ListDatabases",
            |g, r| async move { Catalog::new(g).list_databases(r).await },
        ),
        Endpoint::unary(
            M::GET,
            "/databases/{database}/tables",
            "kiln.v1.CatalogService.ListTables",
            |g, r| async move { Catalog::new(g).list_tables(r).await },
        ),
        Endpoint::unary(
            M::GET,
            "/databases/{database}/tables/{table}",
            "kiln.v1.CatalogService.GetTable",
            |g, r| async move { Catalog::new(g).get_table(r).await },
        ),
        Endpoint::unary(
            M::GET,
            "/databases/{database}/tables/{table}/partitions",
            "kiln.v1.CatalogService.ListPartitions",
            |g, r| async move { Catalog::new(g).list_partitions(r).await },
        ),
        Endpoint::unary(
            M::GET,
            "/crawlers",
            "kiln.v1.CatalogService.ListCrawlers",
            |g, r| async move { Catalog::new(g).list_crawlers(r).await },
        ),
        Endpoint::unary(
            M::POST,
            "/crawlers",
            "kiln.v1.CatalogService.CreateCrawler",
            |g, r| async move { Catalog::new(g).create_crawler(r).await },
        ),
        Endpoint::unary(
            M::GET,
            "/crawlers/{name}",
            "kiln.v1.CatalogService.GetCrawler",
            |g, r| async move { Catalog::new(g).get_crawler(r).await },
        ),
        Endpoint::unary(
            M::DELETE,
            "/crawlers/{name}",
            "kiln.v1.CatalogService.DeleteCrawler",
            |g, r| async move { Catalog::new(g).delete_crawler(r).await },
        ),
        Endpoint::unary(
            M::POST,
            "/crawlers/{name}/start",
            "kiln.v1.CatalogService.StartCrawl",
            |g, r| async move { Catalog::new(g).start_crawl(r).await },
        ),
        // Stored job definitions, schedules and triggers.
        Endpoint::unary(
            M::GET,
            "/definitions",
            "kiln.v1.ScheduleService.ListDefinitions",
            |g, r| async move { Schedules::new(g).list_definitions(r).await },
        ),
        Endpoint::unary(
            M::POST,
            "/definitions",
            "kiln.v1.ScheduleService.PutDefinition",
            |g, r| async move { Schedules::new(g).put_definition(r).await },
        ),
        Endpoint::unary(
            M::GET,
            "/definitions/{name}",
            "kiln.v1.ScheduleService.GetDefinition",
            |g, r| async move { Schedules::new(g).get_definition(r).await },
        ),
        Endpoint::unary(
            M::DELETE,
            "/definitions/{name}",
            "kiln.v1.ScheduleService.DeleteDefinition",
            |g, r| async move { Schedules::new(g).delete_definition(r).await },
        ),
        Endpoint::unary(
            M::POST,
            "/definitions/{name}/start",
            "kiln.v1.ScheduleService.StartDefinition",
            |g, r| async move { Schedules::new(g).start_definition(r).await },
        ),
        Endpoint::unary(
            M::GET,
            "/schedules",
            "kiln.v1.ScheduleService.ListSchedules",
            |g, r| async move { Schedules::new(g).list_schedules(r).await },
        ),
        Endpoint::unary(
            M::POST,
            "/schedules",
            "kiln.v1.ScheduleService.PutSchedule",
            |g, r| async move { Schedules::new(g).put_schedule(r).await },
        ),
        Endpoint::unary(
            M::DELETE,
            "/schedules/{name}",
            "kiln.v1.ScheduleService.DeleteSchedule",
            |g, r| async move { Schedules::new(g).delete_schedule(r).await },
        ),
        Endpoint::unary(
            M::POST,
            "/schedules/{name}/suspend",
            "kiln.v1.ScheduleService.SuspendSchedule",
            |g, r| async move { Schedules::new(g).suspend_schedule(r).await },
        ),
        Endpoint::unary(
            M::GET,
            "/triggers",
            "kiln.v1.TriggerService.ListTriggers",
            |g, r| async move { Triggers::new(g).list_triggers(r).await },
        ),
        Endpoint::unary(
            M::POST,
            "/triggers",
            "kiln.v1.TriggerService.PutTrigger",
            |g, r| async move { Triggers::new(g).put_trigger(r).await },
        ),
        Endpoint::unary(
            M::DELETE,
            "/triggers/{name}",
            "kiln.v1.TriggerService.DeleteTrigger",
            |g, r| async move { Triggers::new(g).delete_trigger(r).await },
        ),
    ]
}
