//! User patterns: a regex with named groups, or a grok pattern, with type hints.
//!
//! Each named group (grok: each `%{PATTERN:name}`) becomes a column, text unless a hint says
//! otherwise: grok's own `%{NUMBER:bytes:int}`, or the `types` option (`bytes:bigint`). A line
//! the pattern does not match, or whose capture does not fit its type, is a bad record.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use super::LineParser;
use crate::options::{LogOptions, bad};
use crate::values::{ColumnType, Value, convert};
use crate::{LogError, Result};

/// A compiled pattern and the columns it fills.
#[derive(Debug)]
pub struct Pattern {
    matcher: Matcher,
    pub columns: Vec<(String, ColumnType)>,
    /// For a regex, the capture group of each column.
    groups: Vec<usize>,
    timestamp_format: Option<String>,
}

enum Matcher {
    Regex(regex::Regex),
    Grok(grok::Pattern),
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Matcher::Regex(r) => write!(f, "Regex({})", r.as_str()),
            Matcher::Grok(_) => write!(f, "Grok"),
        }
    }
}

impl Pattern {
    /// Compiles the `pattern` option as a regex (`grok` false) or a grok pattern.
    pub fn compile(options: &LogOptions, grok: bool) -> Result<Self> {
        let text = options.pattern.as_deref().ok_or_else(|| {
            bad(
                "pattern",
                format!("the {} format needs a pattern", options.format),
            )
        })?;
        let (matcher, names, mut hints) = if grok {
            let mut library = grok::Grok::with_default_patterns();
            for (name, regex) in &options.patterns {
                library.add_pattern(name.clone(), regex.clone());
            }
            let pattern = library
                .compile(text, true)
                .map_err(|e| bad("pattern", format!("grok pattern does not compile: {e}")))?;
            let names = grok_names_in_order(text, pattern.capture_names().collect());
            let hints: BTreeMap<String, String> = names
                .iter()
                .filter_map(|n| Some((n.clone(), pattern.get_extract(n)?.to_ascii_lowercase())))
                .collect();
            (Matcher::Grok(pattern), names, hints)
        } else {
            let regex = regex::Regex::new(text)
                .map_err(|e| bad("pattern", format!("regex does not compile: {e}")))?;
            let names: Vec<String> = regex.capture_names().flatten().map(String::from).collect();
            (Matcher::Regex(regex), names, BTreeMap::new())
        };
        if names.is_empty() {
            return Err(bad(
                "pattern",
                "names no fields; use (?P<name>...) or %{PATTERN:name}",
            ));
        }
        hints.extend(options.types.clone());
        if let Some(unknown) = hints.keys().find(|h| !names.contains(h)) {
            return Err(bad(
                "types",
                format!(
                    "'{unknown}' is not a field of the pattern (fields: {})",
                    names.join(", ")
                ),
            ));
        }
        let columns = names
            .into_iter()
            .map(|name| {
                let ty = match hints.get(&name) {
                    None => ColumnType::Text,
                    Some(hint) => ColumnType::from_hint(hint).ok_or_else(|| {
                        bad(
                            "types",
                            format!(
                                "'{name}': unknown type '{hint}' (expected string, int, bigint, \
                                 float, boolean or timestamp)"
                            ),
                        )
                    })?,
                };
                Ok((name, ty))
            })
            .collect::<Result<Vec<_>, LogError>>()?;
        let groups = match &matcher {
            Matcher::Regex(regex) => columns
                .iter()
                .map(|(name, _)| {
                    regex
                        .capture_names()
                        .position(|n| n == Some(name.as_str()))
                        .unwrap_or(0)
                })
                .collect(),
            Matcher::Grok(_) => Vec::new(),
        };
        Ok(Self {
            matcher,
            columns,
            groups,
            timestamp_format: options.timestamp_format.clone(),
        })
    }
}

/// Grok's captures in the order the pattern names them, then any named deeper down.
fn grok_names_in_order(pattern: &str, mut names: Vec<&str>) -> Vec<String> {
    let mut ordered = Vec::new();
    let mut rest = pattern;
    while let Some(start) = rest.find("%{") {
        rest = &rest[start + 2..];
        let Some(end) = rest.find('}') else { break };
        let mut parts = rest[..end].split(':');
        if let (Some(_), Some(alias)) = (parts.next(), parts.next())
            && let Some(i) = names.iter().position(|n| *n == alias)
        {
            ordered.push(names.remove(i).to_string());
        }
        rest = &rest[end..];
    }
    ordered.extend(names.into_iter().map(String::from));
    ordered
}

/// Matches lines against a shared compiled pattern.
#[derive(Debug)]
pub struct PatternParser(pub Arc<Pattern>);

impl LineParser for PatternParser {
    fn parse<'a>(&mut self, line: &'a str, out: &mut Vec<Value<'a>>) -> Result<bool, String> {
        let pattern = &*self.0;
        let format = pattern.timestamp_format.as_deref();
        let mut push = |name: &str, ty: ColumnType, text: Option<Cow<'a, str>>| {
            let value = match text {
                None => Value::Null,
                Some(text) if ty == ColumnType::Text => Value::Text(text),
                Some(text) => convert(text.clone(), ty, format)
                    .ok_or_else(|| format!("{name} '{text}' is not a {}", ty.data_type()))?,
            };
            out.push(value);
            Ok::<_, String>(())
        };
        match &pattern.matcher {
            Matcher::Regex(regex) => {
                let captures = regex
                    .captures(line)
                    .ok_or("the line does not match the pattern")?;
                for ((name, ty), group) in pattern.columns.iter().zip(&pattern.groups) {
                    push(
                        name,
                        *ty,
                        captures.get(*group).map(|m| Cow::Borrowed(m.as_str())),
                    )?;
                }
            }
            Matcher::Grok(grok) => {
                let matches = grok
                    .match_against(line)
                    .ok_or("the line does not match the pattern")?;
                for (name, ty) in &pattern.columns {
                    push(
                        name,
                        *ty,
                        matches.get(name).map(|t| Cow::Owned(t.to_string())),
                    )?;
                }
            }
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn options(pairs: &[(&str, &str)]) -> LogOptions {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        LogOptions::parse(&map).unwrap()
    }

    #[test]
    fn regex_with_type_hints() {
        let pattern = Pattern::compile(
            &options(&[
                ("format", "regex"),
                ("pattern", r"^(?P<level>\w+) (?P<took_ms>\d+) (?P<at>\S+)"),
                ("types", "took_ms:bigint, at:timestamp"),
            ]),
            false,
        )
        .unwrap();
        assert_eq!(pattern.columns[1], ("took_ms".into(), ColumnType::Int64));
        let mut parser = PatternParser(Arc::new(pattern));
        let mut out = Vec::new();
        parser
            .parse("INFO 42 2024-01-02T03:04:05Z", &mut out)
            .unwrap();
        assert_eq!(out[1], Value::Int(42));
        assert!(matches!(out[2], Value::Timestamp(_)));
        let error = parser.parse("nothing", &mut Vec::new()).unwrap_err();
        assert!(error.contains("does not match"), "{error}");
    }

    #[test]
    fn grok_with_library_and_user_patterns() {
        let pattern = Pattern::compile(
            &options(&[
                ("format", "grok"),
                (
                    "pattern",
                    "%{IP:client} \\[%{HTTPDATE:time}\\] %{WORD:method} %{URIPATHPARAM:path} %{NUMBER:bytes:int} %{ORDER:order}",
                ),
                ("patterns", "ORDER ord-[0-9]+"),
                ("types", "time:timestamp"),
            ]),
            true,
        )
        .unwrap();
        let names: Vec<&str> = pattern.columns.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            ["client", "time", "method", "path", "bytes", "order"]
        );
        let mut parser = PatternParser(Arc::new(pattern));
        let mut out = Vec::new();
        parser
            .parse(
                "2001:db8::1 [10/Oct/2000:13:55:36 -0700] GET /a?b=c 512 ord-7",
                &mut out,
            )
            .unwrap();
        assert_eq!(out[0], Value::Text("2001:db8::1".into()));
        assert!(matches!(out[1], Value::Timestamp(_)));
        assert_eq!(out[4], Value::Int(512));
        assert_eq!(out[5], Value::Text("ord-7".into()));
    }

    #[test]
    fn pattern_mistakes_are_named() {
        let error = Pattern::compile(
            &options(&[("format", "regex"), ("pattern", "(?P<a>x")]),
            false,
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("'pattern'") && error.contains("compile"),
            "{error}"
        );
        let error = Pattern::compile(
            &options(&[
                ("format", "regex"),
                ("pattern", "(?P<a>x)"),
                ("types", "b:int"),
            ]),
            false,
        )
        .unwrap_err()
        .to_string();
        assert!(error.contains("'b' is not a field"), "{error}");
        let error = Pattern::compile(
            &options(&[("format", "grok"), ("pattern", "%{NOPE:x}")]),
            true,
        )
        .unwrap_err()
        .to_string();
        assert!(error.contains("grok"), "{error}");
    }
}
