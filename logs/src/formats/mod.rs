//! The log formats: one module per family, each a [`LineParser`] that turns a line into typed
//! values without a regex engine (except the user's own `regex` and `grok` patterns).

mod access;
mod apache_error;
mod aws;
mod cursor;
mod json;
mod pattern;
mod syslog;
pub mod time;
mod w3c;

use std::collections::HashMap;
use std::sync::Arc;

use crate::options::{LogOptions, bad};
use crate::values::{ColumnType, Value};
use crate::{LogError, Result};

/// Turns one record into values, one per column of its format, in order.
pub trait LineParser: Send + std::fmt::Debug {
    /// Parses `line` into `out`; `Ok(false)` when the line is a directive (W3C `#Fields:`)
    /// that carries no row, `Err` with the reason when it does not parse.
    fn parse<'a>(&mut self, line: &'a str, out: &mut Vec<Value<'a>>) -> Result<bool, String>;
}

/// A format's columns: name and type, in order.
pub type Columns = Vec<(String, ColumnType)>;

/// A log format, ready to make parsers.
#[derive(Debug, Clone)]
pub struct Format {
    kind: Kind,
    /// W3C fields from the `fields` option.
    fields: Option<String>,
}

#[derive(Debug, Clone)]
enum Kind {
    Access { combined: bool },
    ApacheError,
    Rfc3164 { year: i32 },
    Rfc5424,
    Aws { alb: bool },
    W3c,
    Json,
    Pattern(Arc<pattern::Pattern>),
}

/// The format names, as the `format` option takes them.
pub const FORMATS: &[&str] = &[
    "combined",
    "common",
    "apache_error",
    "syslog",
    "rfc3164",
    "rfc5424",
    "json",
    "alb",
    "elb",
    "cloudfront",
    "w3c",
    "regex",
    "grok",
    "csv",
    "ndjson",
];

/// The formats a crawler recognises from sample lines. Parsers are lenient (the combined one
/// takes lines without referer and agent, the common one ignores them), so among the formats
/// that parse every line the one that finds the most values wins, the earlier on a tie.
const RECOGNISED: &[&str] = &[
    "alb",
    "elb",
    "common",
    "combined",
    "apache_error",
    "rfc5424",
    "syslog",
];

/// The fixed-column format that best parses every one of `lines` (a file's first lines, as
/// a crawler samples them), or none.
pub fn recognise(lines: &[&str]) -> Option<&'static str> {
    if lines.is_empty() {
        return None;
    }
    let mut best: Option<(&'static str, usize)> = None;
    for name in RECOGNISED {
        let options = HashMap::from([("format".to_string(), name.to_string())]);
        let Ok(format) = LogOptions::parse(&options).and_then(|o| Format::new(&o)) else {
            continue;
        };
        if let Some(found) = format.parses_all(lines)
            && best.is_none_or(|(_, most)| found > most)
        {
            best = Some((name, found));
        }
    }
    best.map(|(name, _)| name)
}

impl Format {
    /// The format the options name, its pattern compiled.
    pub fn new(options: &LogOptions) -> Result<Self> {
        let kind = match options.format.as_str() {
            "combined" => Kind::Access { combined: true },
            "common" => Kind::Access { combined: false },
            "apache_error" => Kind::ApacheError,
            "syslog" | "rfc3164" => Kind::Rfc3164 {
                year: options.year.unwrap_or_else(time::this_year),
            },
            "rfc5424" => Kind::Rfc5424,
            "alb" => Kind::Aws { alb: true },
            "elb" => Kind::Aws { alb: false },
            "cloudfront" | "w3c" => Kind::W3c,
            "json" => Kind::Json,
            "regex" => Kind::Pattern(Arc::new(pattern::Pattern::compile(options, false)?)),
            "grok" => Kind::Pattern(Arc::new(pattern::Pattern::compile(options, true)?)),
            other => {
                return Err(bad(
                    "format",
                    format!(
                        "unknown log format '{other}'; expected one of {}",
                        FORMATS.join(", ")
                    ),
                ));
            }
        };
        if options.pattern.is_some() && !matches!(kind, Kind::Pattern(_)) {
            return Err(bad(
                "pattern",
                format!("the {} format takes no pattern", options.format),
            ));
        }
        Ok(Self {
            kind,
            fields: options.fields.clone(),
        })
    }

    /// The columns, when they do not depend on the data (`None` for JSON, and W3C without
    /// the `fields` option: see [`Format::infer_columns`]).
    pub fn fixed_columns(&self) -> Option<Columns> {
        let named = |columns: &[(&str, ColumnType)]| {
            columns.iter().map(|(n, t)| (n.to_string(), *t)).collect()
        };
        Some(match &self.kind {
            Kind::Access { combined } => {
                let mut columns: Columns = named(access::COMMON);
                if *combined {
                    columns.extend(named(access::COMBINED_EXTRA));
                }
                columns
            }
            Kind::ApacheError => named(apache_error::COLUMNS),
            Kind::Rfc3164 { .. } => named(syslog::RFC3164),
            Kind::Rfc5424 => named(syslog::RFC5424),
            Kind::Aws { alb } => named(&aws::columns(*alb)),
            Kind::W3c => {
                let fields: Vec<&str> = self.fields.as_deref()?.split_whitespace().collect();
                w3c::columns(&fields)
            }
            Kind::Json => return None,
            Kind::Pattern(pattern) => pattern.columns.clone(),
        })
    }

    /// How many values a fixed-column format finds in `lines` (a sample's first lines) when
    /// it parses every one of them; none when a line does not parse, or the columns depend
    /// on the data.
    pub fn parses_all(&self, lines: &[&str]) -> Option<usize> {
        let columns = self.fixed_columns()?;
        let mut parser = self.parser(&columns);
        let mut values = Vec::new();
        let mut found = 0;
        for line in lines {
            values.clear();
            parser.parse(line, &mut values).ok()?;
            found += values.iter().filter(|v| **v != Value::Null).count();
        }
        Some(found)
    }

    /// The columns, found in the first bytes of a file when the format needs data for that.
    pub fn infer_columns(&self, head: &str) -> Result<Columns> {
        if let Some(columns) = self.fixed_columns() {
            return Ok(columns);
        }
        let columns = match self.kind {
            Kind::Json => json::infer(head),
            _ => head
                .lines()
                .find_map(w3c::fields_directive)
                .map(|fields| w3c::columns(&fields))
                .ok_or_else(|| {
                    bad(
                        "fields",
                        "the first file has no #Fields: line; name the fields with this option",
                    )
                })?,
        };
        if columns.is_empty() {
            return Err(LogError::BadOption {
                option: "format".into(),
                message: "no columns could be inferred from the first file; give the table a \
                          schema"
                    .into(),
            });
        }
        Ok(columns)
    }

    /// A parser that fills `columns` (the table's), for one file.
    pub fn parser(&self, columns: &Columns) -> Box<dyn LineParser> {
        match &self.kind {
            Kind::Access { combined } => Box::new(access::AccessLogParser {
                combined: *combined,
            }),
            Kind::ApacheError => Box::new(apache_error::ApacheErrorParser),
            Kind::Rfc3164 { year } => Box::new(syslog::Rfc3164Parser { year: *year }),
            Kind::Rfc5424 => Box::new(syslog::Rfc5424Parser),
            Kind::Aws { alb } => Box::new(aws::AwsParser { alb: *alb }),
            Kind::W3c => {
                let fields: Vec<&str> = self
                    .fields
                    .as_deref()
                    .map(|f| f.split_whitespace().collect())
                    .unwrap_or_default();
                Box::new(w3c::W3cParser::new(columns.clone(), &fields))
            }
            Kind::Json => Box::new(json::JsonParser {
                columns: columns.clone(),
            }),
            Kind::Pattern(pattern) => Box::new(pattern::PatternParser(Arc::clone(pattern))),
        }
    }

    /// The columns a parser from [`Format::parser`] fills for a table with `columns`.
    pub fn parser_columns(&self, columns: &Columns) -> Columns {
        self.fixed_columns()
            .filter(|_| !matches!(self.kind, Kind::W3c))
            .unwrap_or_else(|| columns.clone())
    }

    /// Whether a file can be read in byte ranges: not when lines depend on a header.
    pub fn splittable(&self) -> bool {
        !matches!(self.kind, Kind::W3c)
    }
}

#[cfg(test)]
mod tests {
    use super::recognise;

    #[test]
    fn sample_lines_name_their_format() {
        let combined = r#"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326 "http://x/" "Mozilla/4.08""#;
        let common = r#"127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 12"#;
        let syslog = "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick";
        assert_eq!(recognise(&[combined, combined]), Some("combined"));
        assert_eq!(recognise(&[common]), Some("common"));
        assert_eq!(recognise(&[syslog]), Some("syslog"));
        assert_eq!(recognise(&["a,b,c", "1,2,3"]), None);
        // One line that fits no format: not a log of that format.
        assert_eq!(recognise(&[combined, "garbage"]), None);
    }
}
