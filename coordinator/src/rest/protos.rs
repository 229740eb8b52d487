//! Kiln's proto descriptors, indexed for the REST API: what type each request field has (a
//! query parameter's value becomes a number, a list or a map by it) and what the OpenAPI
//! description says of each method, message and field (their comments in the `.proto` files).

use std::collections::HashMap;

use prost::Message;
use prost_types::source_code_info::Location;
use prost_types::{DescriptorProto, EnumDescriptorProto, FileDescriptorSet};

/// A message, with the comments of its fields by field name.
pub(super) struct MessageInfo {
    pub descriptor: DescriptorProto,
    pub comment: String,
    pub field_comments: HashMap<String, String>,
}

/// A service method.
pub(super) struct MethodInfo {
    /// The request message, fully qualified with a leading dot (`.kiln.v1.GetJobRequest`).
    pub input: String,
    pub output: String,
    pub comment: String,
}

/// The messages, enums and methods of Kiln's protos, by fully qualified name.
pub(super) struct Protos {
    pub messages: HashMap<String, MessageInfo>,
    pub enums: HashMap<String, EnumDescriptorProto>,
    /// By `package.Service.Method` (`kiln.v1.JobService.Get`).
    pub methods: HashMap<String, MethodInfo>,
}

// Field numbers in descriptor.proto, which source locations' paths are made of.
const FILE_MESSAGES: i32 = 4;
const FILE_SERVICES: i32 = 6;
const MESSAGE_FIELDS: i32 = 2;
const MESSAGE_NESTED: i32 = 3;
const SERVICE_METHODS: i32 = 2;

impl Protos {
    /// The descriptors the proto crate carries (those the gRPC reflection serves).
    pub fn kiln() -> Protos {
        let set = FileDescriptorSet::decode(kiln_proto::FILE_DESCRIPTOR_SET)
            .expect("the proto crate's descriptor set decodes");
        let mut protos = Protos {
            messages: HashMap::new(),
            enums: HashMap::new(),
            methods: HashMap::new(),
        };
        for file in set.file {
            let package = file.package().to_string();
            let comments: HashMap<Vec<i32>, String> = file
                .source_code_info
                .iter()
                .flat_map(|info| &info.location)
                .map(|location| (location.path.clone(), comment(location)))
                .collect();
            let scope = format!(".{package}");
            for (i, message) in file.message_type.iter().enumerate() {
                protos.add_message(&scope, message, vec![FILE_MESSAGES, i as i32], &comments);
            }
            for enumeration in &file.enum_type {
                protos.enums.insert(
                    format!("{scope}.{}", enumeration.name()),
                    enumeration.clone(),
                );
            }
            for (s, service) in file.service.iter().enumerate() {
                for (m, method) in service.method.iter().enumerate() {
                    let path = vec![FILE_SERVICES, s as i32, SERVICE_METHODS, m as i32];
                    protos.methods.insert(
                        format!("{package}.{}.{}", service.name(), method.name()),
                        MethodInfo {
                            input: method.input_type().to_string(),
                            output: method.output_type().to_string(),
                            comment: comments.get(&path).cloned().unwrap_or_default(),
                        },
                    );
                }
            }
        }
        protos
    }

    fn add_message(
        &mut self,
        scope: &str,
        message: &DescriptorProto,
        path: Vec<i32>,
        comments: &HashMap<Vec<i32>, String>,
    ) {
        let name = format!("{scope}.{}", message.name());
        let at = |kind: i32, i: usize| {
            let mut path = path.clone();
            path.extend([kind, i as i32]);
            path
        };
        for (i, nested) in message.nested_type.iter().enumerate() {
            self.add_message(&name, nested, at(MESSAGE_NESTED, i), comments);
        }
        for enumeration in &message.enum_type {
            self.enums.insert(
                format!("{name}.{}", enumeration.name()),
                enumeration.clone(),
            );
        }
        let field_comments = message
            .field
            .iter()
            .enumerate()
            .filter_map(|(i, field)| {
                let comment = comments.get(&at(MESSAGE_FIELDS, i))?;
                Some((field.name().to_string(), comment.clone()))
            })
            .collect();
        self.messages.insert(
            name,
            MessageInfo {
                descriptor: message.clone(),
                comment: comments.get(&path).cloned().unwrap_or_default(),
                field_comments,
            },
        );
    }

    /// The message named `name` (with its leading dot).
    pub fn message(&self, name: &str) -> Option<&MessageInfo> {
        self.messages.get(name)
    }

    /// Whether the message type `name` is a map's entry (`map<K, V>` fields are repeated
    /// entries on the wire and an object in JSON).
    pub fn is_map_entry(&self, name: &str) -> bool {
        self.message(name)
            .and_then(|m| m.descriptor.options.as_ref())
            .is_some_and(|o| o.map_entry())
    }
}

/// A location's leading comment, as one paragraph of text.
fn comment(location: &Location) -> String {
    location
        .leading_comments()
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
