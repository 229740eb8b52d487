//! The OpenAPI 3.1 description of the REST API, served at `/api/v1/openapi.json`: made from
//! the endpoint table and the protos' descriptors (their comments become the descriptions),
//! so it describes exactly what the server answers.

use std::collections::BTreeMap;

use prost_types::FieldDescriptorProto;
use prost_types::field_descriptor_proto::{Label, Type};
use serde_json::{Map, Value, json};

use super::endpoint::Endpoint;
use super::protos::Protos;

/// The description of `endpoints`.
pub(super) fn document(endpoints: &[Endpoint], protos: &Protos) -> Value {
    let mut schemas = Schemas {
        protos,
        made: BTreeMap::new(),
    };
    let mut paths: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    for endpoint in endpoints {
        let method = &protos.methods[endpoint.rpc];
        let operation = operation(endpoint, method, &mut schemas);
        paths
            .entry(format!("/api/v1{}", endpoint.path))
            .or_default()
            .insert(endpoint.method.as_str().to_lowercase(), operation);
    }
    let mut components: Map<String, Value> = schemas.made.into_iter().collect();
    components.insert(
        "Error".into(),
        json!({
            "type": "object",
            "description": "A failed call: the HTTP code, the gRPC code's name and why.",
            "required": ["error"],
            "properties": {"error": {
                "type": "object",
                "required": ["code", "status", "message"],
                "properties": {
                    "code": {"type": "integer"},
                    "status": {"type": "string"},
                    "message": {"type": "string"},
                },
            }},
        }),
    );
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Kiln",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Kiln's public gRPC API (kiln.v1) as JSON over HTTP. Messages follow \
                the proto3 JSON mapping with the proto's field names: 64-bit integers are \
                strings, enums are their names. Fields come from the path, the query string \
                (a repeated field once per item, a map field as KEY=VALUE) and the JSON body.",
        },
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    })
}

/// One operation: its parameters, body and responses.
fn operation(
    endpoint: &Endpoint,
    method: &super::protos::MethodInfo,
    schemas: &mut Schemas,
) -> Value {
    let (service, name) = endpoint
        .rpc
        .rsplit_once('.')
        .map(|(service, name)| (service.rsplit('.').next().unwrap_or(service), name))
        .expect("rpc names are package.Service.Method");
    let input = schemas.protos.message(&method.input).expect("known input");
    let in_path: Vec<&str> = endpoint
        .path
        .split('/')
        .filter_map(|part| part.strip_prefix('{')?.strip_suffix('}'))
        .collect();
    let takes_body = endpoint.method == axum::http::Method::POST;
    let mut parameters = vec![];
    for field in &input.descriptor.field {
        let place = if in_path.contains(&field.name()) {
            "path"
        } else if takes_body {
            continue;
        } else {
            "query"
        };
        let schema = if place == "query" && schemas.is_map(field) {
            json!({"type": "array", "items": {"type": "string", "pattern": "^[^=]*=.*$"}})
        } else {
            schemas.field(field)
        };
        parameters.push(json!({
            "name": field.name(),
            "in": place,
            "required": place == "path",
            "description": input.field_comments.get(field.name()).cloned().unwrap_or_default(),
            "schema": schema,
            "explode": true,
        }));
    }
    let output = schemas.reference(&method.output);
    let content_type = if endpoint.streams {
        "text/event-stream"
    } else {
        "application/json"
    };
    let mut operation = json!({
        "operationId": format!("{service}_{name}"),
        "tags": [service],
        "summary": method.comment,
        "parameters": parameters,
        "responses": {
            "200": {
                "description": if endpoint.streams {
                    "Server-sent events, each one message as JSON."
                } else {
                    "The answer."
                },
                "content": {content_type: {"schema": output}},
            },
            "default": {
                "description": "The call failed.",
                "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Error"}
                }},
            },
        },
    });
    if takes_body {
        operation["requestBody"] = json!({
            "required": false,
            "content": {"application/json": {"schema": schemas.reference(&method.input)}},
        });
    }
    operation
}

/// The component schemas made so far, by name.
struct Schemas<'a> {
    protos: &'a Protos,
    made: BTreeMap<String, Value>,
}

impl Schemas<'_> {
    /// A reference to the schema of message or enum `name` (with its leading dot), made
    /// with those it refers to when not yet made.
    fn reference(&mut self, name: &str) -> Value {
        let key = name.trim_start_matches('.').to_string();
        if !self.made.contains_key(&key) {
            // A placeholder first, so that recursive messages end.
            self.made.insert(key.clone(), Value::Null);
            let schema = self.make(name);
            self.made.insert(key.clone(), schema);
        }
        json!({"$ref": format!("#/components/schemas/{key}")})
    }

    fn make(&mut self, name: &str) -> Value {
        if let Some(enumeration) = self.protos.enums.get(name) {
            let values: Vec<&str> = enumeration.value.iter().map(|v| v.name()).collect();
            return json!({"type": "string", "enum": values});
        }
        let message = self
            .protos
            .message(name)
            .unwrap_or_else(|| panic!("{name} is neither a message nor an enum of the protos"));
        let mut properties = Map::new();
        for field in &message.descriptor.field {
            let mut schema = self.field(field);
            if let Some(comment) = message.field_comments.get(field.name()) {
                schema = json!({"allOf": [schema], "description": comment});
            }
            properties.insert(field.name().to_string(), schema);
        }
        json!({
            "type": "object",
            "description": message.comment,
            "properties": properties,
            "additionalProperties": false,
        })
    }

    fn is_map(&self, field: &FieldDescriptorProto) -> bool {
        field.label() == Label::Repeated
            && field.r#type() == Type::Message
            && self.protos.is_map_entry(field.type_name())
    }

    /// The schema of a field's JSON value.
    fn field(&mut self, field: &FieldDescriptorProto) -> Value {
        if self.is_map(field) {
            let entry = self.protos.message(field.type_name()).expect("map entry");
            let value = entry
                .descriptor
                .field
                .iter()
                .find(|f| f.name() == "value")
                .expect("a map entry has a value")
                .clone();
            return json!({"type": "object", "additionalProperties": self.single(&value)});
        }
        let single = self.single(field);
        if field.label() == Label::Repeated {
            json!({"type": "array", "items": single})
        } else if field.r#type() == Type::Message || field.proto3_optional() {
            // Unset, it is null.
            json!({"anyOf": [single, {"type": "null"}]})
        } else {
            single
        }
    }

    /// The schema of one value of a field's type.
    fn single(&mut self, field: &FieldDescriptorProto) -> Value {
        match field.r#type() {
            Type::Double | Type::Float => json!({"type": "number"}),
            Type::Int32 | Type::Sint32 | Type::Sfixed32 => {
                json!({"type": "integer", "format": "int32"})
            }
            Type::Uint32 | Type::Fixed32 => json!({"type": "integer", "minimum": 0}),
            Type::Int64 | Type::Sint64 | Type::Sfixed64 => {
                json!({"type": "string", "format": "int64"})
            }
            Type::Uint64 | Type::Fixed64 => json!({"type": "string", "format": "uint64"}),
            Type::Bool => json!({"type": "boolean"}),
            Type::String => json!({"type": "string"}),
            Type::Bytes => json!({"type": "string", "contentEncoding": "base64"}),
            Type::Enum | Type::Message | Type::Group => self.reference(field.type_name()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_endpoint_is_described_with_its_messages() {
        let protos = Protos::kiln();
        let document = document(&super::super::endpoints(), &protos);
        let get = &document["paths"]["/api/v1/jobs/{job_id}"]["get"];
        assert_eq!(get["operationId"], "JobService_Get");
        assert_eq!(get["parameters"][0]["in"], "path");
        assert_eq!(
            get["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/kiln.v1.JobStatus"
        );
        let schemas = &document["components"]["schemas"];
        assert_eq!(
            schemas["kiln.v1.JobState"]["enum"][3],
            "JOB_STATE_SUCCEEDED"
        );
        // Every reference names a schema that is there.
        let text = document.to_string();
        for reference in text.split("\"#/components/schemas/").skip(1) {
            let name = reference.split('"').next().unwrap();
            assert!(
                schemas[name].is_object(),
                "{name} is referred to, not described"
            );
        }
        // The POST of a job takes its request as the body; a list takes its query.
        assert!(document["paths"]["/api/v1/jobs"]["post"]["requestBody"].is_object());
        let list = &document["paths"]["/api/v1/jobs"]["get"]["parameters"];
        let names: Vec<&str> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["state", "limit", "labels", "page_token"]);
    }
}
