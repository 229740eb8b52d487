//! The proto as a contract, checked as buf's lint and breaking-change rules would check it
//! (buf itself comes from the Go module proxy, which these machines cannot reach).
//!
//! - Lint: each file's package matches its directory and names its version, each file sets
//!   `go_package` and `java_package`, services end in `Service`, every service, call and
//!   enum's zero value is documented, and enum values are UPPER_SNAKE_CASE.
//! - Breaking changes: `proto/contract.txt` lists every field (number, name, type), enum
//!   value and call of the public package as released. A line that is gone from the current
//!   protos is a breaking change and fails, unless the field's number is now `reserved`;
//!   additions fail until they are recorded in the file, so that a reviewer sees every change
//!   of the contract in the diff. `KILN_BLESS_CONTRACT=1` rewrites the file from the protos.

use std::collections::BTreeSet;
use std::path::PathBuf;

use prost::Message;
use prost_types::field_descriptor_proto::{Label, Type};
use prost_types::{
    DescriptorProto, EnumDescriptorProto, FileDescriptorProto, FileDescriptorSet, SourceCodeInfo,
};

fn descriptors() -> FileDescriptorSet {
    FileDescriptorSet::decode(kiln_proto::FILE_DESCRIPTOR_SET).expect("descriptors decode")
}

/// The packages whose changes must stay compatible: those clients speak.
const PUBLIC: &[&str] = &["kiln.v1"];

fn contract_file() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("contract.txt")
}

/// One line per element of the wire and JSON contract of the public packages.
fn contract(set: &FileDescriptorSet) -> BTreeSet<String> {
    let mut lines = BTreeSet::new();
    for file in set.file.iter().filter(|f| PUBLIC.contains(&f.package())) {
        let package = file.package();
        for message in &file.message_type {
            message_lines(
                &format!("{package}.{}", message.name()),
                message,
                &mut lines,
            );
        }
        for e in &file.enum_type {
            enum_lines(&format!("{package}.{}", e.name()), e, &mut lines);
        }
        for service in &file.service {
            for method in &service.method {
                let stream = |on: bool| if on { "stream " } else { "" };
                lines.insert(format!(
                    "rpc {package}.{}.{}({}{}) returns ({}{})",
                    service.name(),
                    method.name(),
                    stream(method.client_streaming()),
                    method.input_type().trim_start_matches('.'),
                    stream(method.server_streaming()),
                    method.output_type().trim_start_matches('.'),
                ));
            }
        }
    }
    lines
}

fn message_lines(name: &str, message: &DescriptorProto, lines: &mut BTreeSet<String>) {
    for field in &message.field {
        let label = match field.label() {
            Label::Repeated => "repeated ",
            _ if field.proto3_optional() => "optional ",
            _ => "",
        };
        let kind = match field.r#type() {
            Type::Message | Type::Enum => field.type_name().trim_start_matches('.').to_string(),
            other => other
                .as_str_name()
                .trim_start_matches("TYPE_")
                .to_lowercase(),
        };
        lines.insert(format!(
            "field {name} {} {}: {label}{kind}",
            field.number(),
            field.name()
        ));
    }
    for nested in &message.nested_type {
        message_lines(&format!("{name}.{}", nested.name()), nested, lines);
    }
    for e in &message.enum_type {
        enum_lines(&format!("{name}.{}", e.name()), e, lines);
    }
}

fn enum_lines(name: &str, e: &EnumDescriptorProto, lines: &mut BTreeSet<String>) {
    for value in &e.value {
        lines.insert(format!("value {name} {} {}", value.number(), value.name()));
    }
}

/// Whether a removed field line (`field MESSAGE NUMBER NAME: TYPE`) names a number that its
/// message now reserves.
fn reserved_now(set: &FileDescriptorSet, line: &str) -> bool {
    let mut words = line.split(' ');
    let (Some("field"), Some(message), Some(number)) = (words.next(), words.next(), words.next())
    else {
        return false;
    };
    let Ok(number) = number.parse::<i32>() else {
        return false;
    };
    find_message(set, message).is_some_and(|m| {
        m.reserved_range
            .iter()
            .any(|r| (r.start()..r.end()).contains(&number))
    })
}

fn find_message<'a>(set: &'a FileDescriptorSet, full_name: &str) -> Option<&'a DescriptorProto> {
    set.file.iter().find_map(|file| {
        let rest = full_name.strip_prefix(file.package())?.strip_prefix('.')?;
        let mut parts = rest.split('.');
        let mut message = file
            .message_type
            .iter()
            .find(|m| Some(m.name()) == parts.next())?;
        for part in parts {
            message = message.nested_type.iter().find(|m| m.name() == part)?;
        }
        Some(message)
    })
}

#[test]
fn the_public_contract_only_grows() {
    let set = descriptors();
    let current = contract(&set);
    let path = contract_file();
    if std::env::var_os("KILN_BLESS_CONTRACT").is_some() {
        let mut text = String::from(
            "# The public gRPC contract as released: checked by proto/tests/contract.rs.\n\
             # Lines may be added (KILN_BLESS_CONTRACT=1 rewrites this file); a line removed or\n\
             # changed breaks clients.\n",
        );
        for line in &current {
            text.push_str(line);
            text.push('\n');
        }
        std::fs::write(&path, text).unwrap();
    }
    let recorded: BTreeSet<String> = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(str::to_string)
        .collect();
    let broken: Vec<&String> = recorded
        .difference(&current)
        .filter(|line| !reserved_now(&set, line))
        .collect();
    assert!(
        broken.is_empty(),
        "breaking changes to the public protos (add new fields, values or calls instead, and \
         reserve the numbers of removed fields):\n{}",
        broken
            .iter()
            .map(|l| format!("  gone: {l}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let added: Vec<&String> = current.difference(&recorded).collect();
    assert!(
        added.is_empty(),
        "the public protos grew; record the additions in {} (KILN_BLESS_CONTRACT=1 rewrites \
         it) so that the review sees them:\n{}",
        path.display(),
        added
            .iter()
            .map(|l| format!("  new: {l}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The leading comment of the element at `path` in a file's source info.
fn documented(info: &SourceCodeInfo, path: &[i32]) -> bool {
    info.location
        .iter()
        .any(|l| l.path == path && !l.leading_comments().trim().is_empty())
}

// Field numbers of descriptor.proto, which source paths are made of.
const FILE_MESSAGE: i32 = 4;
const FILE_ENUM: i32 = 5;
const FILE_SERVICE: i32 = 6;
const MESSAGE_ENUM: i32 = 4;
const ENUM_VALUE: i32 = 2;
const SERVICE_METHOD: i32 = 2;

fn lint_file(file: &FileDescriptorProto, problems: &mut Vec<String>) {
    let name = file.name();
    let directory = name.rsplit_once('/').map_or("", |(dir, _)| dir);
    if directory.replace('/', ".") != file.package() {
        problems.push(format!(
            "{name}: package {} does not match its directory",
            file.package()
        ));
    }
    if !file
        .package()
        .rsplit('.')
        .next()
        .is_some_and(|v| v.starts_with('v') && v[1..].parse::<u32>().is_ok())
    {
        problems.push(format!(
            "{name}: the package does not end in a version (v1)"
        ));
    }
    let options = file.options.clone().unwrap_or_default();
    if options.go_package().is_empty() || options.java_package().is_empty() {
        problems.push(format!("{name}: set go_package and java_package"));
    }
    let info = file.source_code_info.clone().unwrap_or_default();
    for (s, service) in file.service.iter().enumerate() {
        let s = s as i32;
        if !service.name().ends_with("Service") {
            problems.push(format!(
                "{name}: service {} should end in Service",
                service.name()
            ));
        }
        if !documented(&info, &[FILE_SERVICE, s]) {
            problems.push(format!("{name}: service {} has no comment", service.name()));
        }
        for (m, method) in service.method.iter().enumerate() {
            if !documented(&info, &[FILE_SERVICE, s, SERVICE_METHOD, m as i32]) {
                problems.push(format!(
                    "{name}: rpc {}.{} has no comment",
                    service.name(),
                    method.name()
                ));
            }
        }
    }
    let mut enums: Vec<(Vec<i32>, &EnumDescriptorProto)> = file
        .enum_type
        .iter()
        .enumerate()
        .map(|(i, e)| (vec![FILE_ENUM, i as i32], e))
        .collect();
    for (i, message) in file.message_type.iter().enumerate() {
        for (j, e) in message.enum_type.iter().enumerate() {
            enums.push((vec![FILE_MESSAGE, i as i32, MESSAGE_ENUM, j as i32], e));
        }
    }
    for (path, e) in enums {
        for (v, value) in e.value.iter().enumerate() {
            let upper = value
                .name()
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
            if !upper {
                problems.push(format!("{name}: {} is not UPPER_SNAKE_CASE", value.name()));
            }
            let mut value_path = path.clone();
            value_path.extend([ENUM_VALUE, v as i32]);
            // The zero value is what an unset field reads as: say what it means.
            if value.number() == 0
                && !value.name().ends_with("_UNSPECIFIED")
                && !documented(&info, &value_path)
            {
                problems.push(format!(
                    "{name}: {}'s zero value {} is neither _UNSPECIFIED nor documented",
                    e.name(),
                    value.name()
                ));
            }
        }
    }
}

#[test]
fn the_protos_follow_the_lint_rules() {
    let mut problems = vec![];
    for file in &descriptors().file {
        lint_file(file, &mut problems);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_checks_see_what_they_check() {
    let set = descriptors();
    let lines = contract(&set);
    assert!(
        lines.contains("field kiln.v1.JobSpec 1 name: string"),
        "{lines:?}"
    );
    assert!(
        lines.contains(
            "rpc kiln.v1.JobService.Watch(kiln.v1.WatchJobRequest) returns (stream kiln.v1.JobStatus)"
        ),
        "{lines:?}"
    );
    assert!(lines.contains("value kiln.v1.JobState 0 JOB_STATE_UNSPECIFIED"));
    assert!(!reserved_now(&set, "field kiln.v1.JobSpec 1 name: string"));
    // A service with no comment and a wrong package are found.
    let mut file = set
        .file
        .iter()
        .find(|f| !f.service.is_empty())
        .unwrap()
        .clone();
    file.package = Some("kiln".into());
    file.source_code_info = None;
    let mut problems = vec![];
    lint_file(&file, &mut problems);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("does not match its directory"))
    );
    assert!(problems.iter().any(|p| p.contains("has no comment")));
}
