//! One REST endpoint: an HTTP method and path that call one gRPC method, unary (answered
//! with its response as JSON) or server-streaming (answered as server-sent events, one JSON
//! message per event, so a browser follows a running job with `EventSource`).

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, RawPathParams};
use axum::http::{HeaderMap, Method};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{MethodFilter, MethodRouter, on};
use futures::StreamExt;
use futures::future::BoxFuture;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Grpc;
use super::protos::Protos;
use super::transcode::{self, Transcoder};

/// What an endpoint's handler gets for one call: the parts of the HTTP request.
struct Call {
    path: Vec<(String, String)>,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
}

impl Call {
    /// The call's request message.
    fn request<Req: DeserializeOwned>(
        self,
        transcoder: &Transcoder,
    ) -> Result<tonic::Request<Req>, transcode::BadRequest> {
        transcoder.request(self.path, self.query, &self.headers, &self.body)
    }
}

/// Answers one call.
type Answer = Arc<dyn Fn(Grpc, Transcoder, Call) -> BoxFuture<'static, Response> + Send + Sync>;

/// An endpoint of the REST API.
pub(super) struct Endpoint {
    pub method: Method,
    /// Under `/api/v1`, with `{field}` parts.
    pub path: &'static str,
    /// The gRPC method, `package.Service.Method`.
    pub rpc: &'static str,
    /// Answered as server-sent events.
    pub streams: bool,
    answer: Answer,
}

impl Endpoint {
    /// An endpoint answered by the unary call `call`.
    pub fn unary<Req, Resp, F, Fut>(
        method: Method,
        path: &'static str,
        rpc: &'static str,
        call: F,
    ) -> Endpoint
    where
        Req: DeserializeOwned + Send + 'static,
        Resp: Serialize + Send + 'static,
        F: Fn(Grpc, tonic::Request<Req>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<tonic::Response<Resp>, tonic::Status>> + Send + 'static,
    {
        let call = Arc::new(call);
        let answer: Answer = Arc::new(move |grpc, transcoder, parts| {
            let call = Arc::clone(&call);
            Box::pin(async move {
                let request = match parts.request::<Req>(&transcoder) {
                    Ok(request) => request,
                    Err(refusal) => return refusal.into_response(),
                };
                match call(grpc, request).await {
                    Ok(response) => Json(response.into_inner()).into_response(),
                    Err(status) => transcode::error(&status),
                }
            })
        });
        Endpoint {
            method,
            path,
            rpc,
            streams: false,
            answer,
        }
    }

    /// An endpoint answered by the server-streaming call `call`: each message is an event's
    /// JSON data; a failure mid-stream is a last event of type `error` with the error body.
    pub fn stream<Req, Resp, F, Fut>(
        method: Method,
        path: &'static str,
        rpc: &'static str,
        call: F,
    ) -> Endpoint
    where
        Req: DeserializeOwned + Send + 'static,
        Resp: Serialize + Send + 'static,
        F: Fn(Grpc, tonic::Request<Req>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<tonic::Response<tonic::Streaming<Resp>>, tonic::Status>>
            + Send
            + 'static,
    {
        let call = Arc::new(call);
        let answer: Answer = Arc::new(move |grpc, transcoder, parts| {
            let call = Arc::clone(&call);
            Box::pin(async move {
                let request = match parts.request::<Req>(&transcoder) {
                    Ok(request) => request,
                    Err(refusal) => return refusal.into_response(),
                };
                let messages = match call(grpc, request).await {
                    Ok(response) => response.into_inner(),
                    Err(status) => return transcode::error(&status),
                };
                let events = messages.map(|message| {
                    Ok::<_, Infallible>(match message {
                        Ok(message) => Event::default().json_data(message).unwrap_or_else(|e| {
                            Event::default().event("error").data(e.to_string())
                        }),
                        Err(status) => Event::default()
                            .event("error")
                            .data(transcode::error_body(&status).to_string()),
                    })
                });
                Sse::new(events)
                    .keep_alive(KeepAlive::default())
                    .into_response()
            })
        });
        Endpoint {
            method,
            path,
            rpc,
            streams: true,
            answer,
        }
    }

    /// Adds this endpoint to `router`, answered through `grpc`.
    pub fn register(self, router: Router, grpc: &Grpc, protos: &Arc<Protos>) -> Router {
        let input = protos
            .methods
            .get(self.rpc)
            .unwrap_or_else(|| panic!("the REST table names {}, which no proto has", self.rpc))
            .input
            .clone();
        let transcoder = Transcoder {
            protos: Arc::clone(protos),
            input,
        };
        let filter = MethodFilter::try_from(self.method.clone()).expect("a standard method");
        let (grpc, answer) = (grpc.clone(), self.answer);
        let handler: MethodRouter = on(
            filter,
            move |path: Result<RawPathParams, axum::extract::rejection::RawPathParamsRejection>,
                  Query(query): Query<Vec<(String, String)>>,
                  headers: HeaderMap,
                  body: Bytes| {
                let path = path
                    .map(|params| {
                        params
                            .iter()
                            .map(|(k, v)| (k.to_string(), v.to_string()))
                            .collect()
                    })
                    .unwrap_or_default();
                answer(
                    grpc.clone(),
                    transcoder.clone(),
                    Call {
                        path,
                        query,
                        headers,
                        body,
                    },
                )
            },
        );
        router.route(&format!("/api/v1{}", self.path), handler)
    }
}
