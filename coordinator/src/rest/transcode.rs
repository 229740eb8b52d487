//! From an HTTP request to a gRPC method's request message, and from a gRPC status to an
//! HTTP error: the JSON body, the path's `{field}` parts and the query string make one JSON
//! object, read as the message by its proto3 JSON mapping (an unknown or mistyped field is a
//! 400 that names it).

use std::sync::Arc;

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use prost_types::field_descriptor_proto::{Label, Type};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use tonic::metadata::AsciiMetadataValue;

use super::protos::Protos;

/// Why a request cannot be read as its message: answered 400 with this text.
#[derive(Debug)]
pub(super) struct BadRequest(pub String);

impl IntoResponse for BadRequest {
    fn into_response(self) -> Response {
        error(&tonic::Status::invalid_argument(self.0))
    }
}

/// Makes one method's request messages.
#[derive(Clone)]
pub(super) struct Transcoder {
    pub protos: Arc<Protos>,
    /// The request message's name, with its leading dot.
    pub input: String,
}

impl Transcoder {
    /// The request message of `path` parameters, `query` pairs and the JSON `body`, with the
    /// caller's authorization as the call's metadata.
    pub fn request<Req: DeserializeOwned>(
        &self,
        path: Vec<(String, String)>,
        query: Vec<(String, String)>,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<tonic::Request<Req>, BadRequest> {
        let mut fields = if body.iter().all(u8::is_ascii_whitespace) {
            Map::new()
        } else {
            match serde_json::from_slice(body) {
                Ok(Value::Object(fields)) => fields,
                Ok(_) => return Err(BadRequest("the body must be a JSON object".into())),
                Err(e) => return Err(BadRequest(format!("the body is not JSON: {e}"))),
            }
        };
        for (name, value) in path {
            fields.insert(name, Value::String(value));
        }
        for (name, value) in query {
            self.add_query(&mut fields, name, value)?;
        }
        let message = serde_json::from_value(Value::Object(fields)).map_err(|e| {
            BadRequest(format!(
                "the request is not a {}: {e}",
                self.input.trim_start_matches('.')
            ))
        })?;
        let mut request = tonic::Request::new(message);
        if let Some(token) = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| AsciiMetadataValue::try_from(v.as_bytes()).ok())
        {
            request.metadata_mut().insert("authorization", token);
        }
        Ok(request)
    }

    /// Adds the query parameter `name=value` as its field's type asks: a list item for a
    /// repeated field (given once per item), `key=value` for a map, `true`/`false` for a bool,
    /// and a string otherwise (which the JSON mapping reads as a number or an enum's name).
    fn add_query(
        &self,
        fields: &mut Map<String, Value>,
        name: String,
        value: String,
    ) -> Result<(), BadRequest> {
        let field = self
            .protos
            .message(&self.input)
            .and_then(|m| m.descriptor.field.iter().find(|f| f.name() == name));
        let Some(field) = field else {
            return Err(BadRequest(format!(
                "unknown query parameter `{name}` for {}",
                self.input.trim_start_matches('.')
            )));
        };
        let repeated = field.label() == Label::Repeated;
        if repeated
            && field.r#type() == Type::Message
            && self.protos.is_map_entry(field.type_name())
        {
            let Some((key, item)) = value.split_once('=') else {
                return Err(BadRequest(format!(
                    "query parameter `{name}` takes KEY=VALUE, got `{value}`"
                )));
            };
            let map = fields
                .entry(name)
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(map) = map {
                map.insert(key.to_string(), Value::String(item.to_string()));
            }
            return Ok(());
        }
        let value = match field.r#type() {
            Type::Bool => match value.as_str() {
                "true" | "" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => {
                    return Err(BadRequest(format!(
                        "query parameter `{name}` is true or false, got `{value}`"
                    )));
                }
            },
            _ => Value::String(value),
        };
        if repeated {
            let list = fields.entry(name).or_insert_with(|| Value::Array(vec![]));
            if let Value::Array(list) = list {
                list.push(value);
            }
        } else {
            fields.insert(name, value);
        }
        Ok(())
    }
}

/// The HTTP status that stands for a gRPC code (as Google's APIs map them).
pub(super) fn http_status(code: tonic::Code) -> StatusCode {
    use tonic::Code as C;
    match code {
        C::Ok => StatusCode::OK,
        C::InvalidArgument | C::OutOfRange | C::FailedPrecondition => StatusCode::BAD_REQUEST,
        C::Unauthenticated => StatusCode::UNAUTHORIZED,
        C::PermissionDenied => StatusCode::FORBIDDEN,
        C::NotFound => StatusCode::NOT_FOUND,
        C::AlreadyExists | C::Aborted => StatusCode::CONFLICT,
        C::ResourceExhausted => StatusCode::TOO_MANY_REQUESTS,
        C::Cancelled => StatusCode::from_u16(499).expect("499 is a status code"),
        C::Unimplemented => StatusCode::NOT_IMPLEMENTED,
        C::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        C::DeadlineExceeded => StatusCode::GATEWAY_TIMEOUT,
        C::Unknown | C::Internal | C::DataLoss => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The error body of a failed call: its HTTP code, the gRPC code's name and the message.
pub(super) fn error_body(status: &tonic::Status) -> Value {
    let code = http_status(status.code());
    json!({
        "error": {
            "code": code.as_u16(),
            "status": grpc_name(status.code()),
            "message": status.message(),
        }
    })
}

/// The response to a failed call.
pub(super) fn error(status: &tonic::Status) -> Response {
    (http_status(status.code()), Json(error_body(status))).into_response()
}

/// A gRPC code's name as the protos spell it (`NOT_FOUND`).
fn grpc_name(code: tonic::Code) -> &'static str {
    use tonic::Code as C;
    match code {
        C::Ok => "OK",
        C::Cancelled => "CANCELLED",
        C::Unknown => "UNKNOWN",
        C::InvalidArgument => "INVALID_ARGUMENT",
        C::DeadlineExceeded => "DEADLINE_EXCEEDED",
        C::NotFound => "NOT_FOUND",
        C::AlreadyExists => "ALREADY_EXISTS",
        C::PermissionDenied => "PERMISSION_DENIED",
        C::ResourceExhausted => "RESOURCE_EXHAUSTED",
        C::FailedPrecondition => "FAILED_PRECONDITION",
        C::Aborted => "ABORTED",
        C::OutOfRange => "OUT_OF_RANGE",
        C::Unimplemented => "UNIMPLEMENTED",
        C::Internal => "INTERNAL",
        C::Unavailable => "UNAVAILABLE",
        C::DataLoss => "DATA_LOSS",
        C::Unauthenticated => "UNAUTHENTICATED",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kiln_proto::v1 as pb;

    fn transcoder(input: &str) -> Transcoder {
        Transcoder {
            protos: Arc::new(Protos::kiln()),
            input: input.into(),
        }
    }

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn path_query_and_body_make_one_request() {
        let list = transcoder(".kiln.v1.ListJobsRequest")
            .request::<pb::ListJobsRequest>(
                vec![],
                pairs(&[
                    ("state", "JOB_STATE_RUNNING"),
                    ("limit", "5"),
                    ("labels", "team=etl"),
                    ("labels", "tier=gold"),
                ]),
                &HeaderMap::new(),
                b"",
            )
            .unwrap()
            .into_inner();
        assert_eq!(list.state, Some(pb::JobState::Running as i32));
        assert_eq!(list.limit, 5);
        assert_eq!(list.labels.len(), 2);
        assert_eq!(list.labels["tier"], "gold");

        let tasks = transcoder(".kiln.v1.GetTasksRequest")
            .request::<pb::GetTasksRequest>(
                pairs(&[("job_id", "j-1")]),
                pairs(&[("with_logs", "true"), ("stage_id", "2")]),
                &HeaderMap::new(),
                b"",
            )
            .unwrap()
            .into_inner();
        assert_eq!(
            (tasks.job_id.as_str(), tasks.with_logs, tasks.stage_id),
            ("j-1", true, Some(2))
        );

        let start = transcoder(".kiln.v1.StartCrawlRequest")
            .request::<pb::StartCrawlRequest>(
                pairs(&[("name", "lake")]),
                vec![],
                &HeaderMap::new(),
                br#"{"dry_run": true}"#,
            )
            .unwrap()
            .into_inner();
        assert_eq!((start.name.as_str(), start.dry_run), ("lake", true));
    }

    #[test]
    fn a_bad_field_is_a_400_that_names_it() {
        let status = |result: Result<tonic::Request<pb::ListJobsRequest>, BadRequest>| {
            result.expect_err("refused").into_response().status()
        };
        let t = transcoder(".kiln.v1.ListJobsRequest");
        let none = HeaderMap::new();
        assert_eq!(
            status(t.request(vec![], pairs(&[("colour", "red")]), &none, b"")),
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            status(t.request(vec![], pairs(&[("labels", "nokey")]), &none, b"")),
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            status(t.request(vec![], vec![], &none, br#"{"limit": "many"}"#)),
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            status(t.request(vec![], vec![], &none, b"[1]")),
            StatusCode::BAD_REQUEST
        );
    }

    #[test]
    fn grpc_codes_become_http_statuses() {
        let body = error_body(&tonic::Status::not_found("no job j-1"));
        assert_eq!(body["error"]["code"], 404);
        assert_eq!(body["error"]["status"], "NOT_FOUND");
        assert_eq!(body["error"]["message"], "no job j-1");
        assert_eq!(
            http_status(tonic::Code::Unauthenticated),
            StatusCode::UNAUTHORIZED
        );
    }
}
