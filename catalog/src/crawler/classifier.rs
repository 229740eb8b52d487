//! The user's classifiers (Glue's custom classifiers): checked when a crawler is defined,
//! compiled once per crawl, and tried on each sampled text file, in the crawler's order,
//! before the built-in ones.

use std::collections::{BTreeMap, HashMap, HashSet};

use arrow::datatypes::{Field, Schema};
use kiln_logs::LogOptions;
use kiln_logs::formats::Format;
use kiln_proto::v1::Classifier;

use super::classify::csv_columns;

/// The options a grok or regex classifier takes (the log format's, less those that change
/// what a line is).
const PATTERN_OPTIONS: &[&str] = &["pattern", "patterns", "types", "timestamp_format"];
/// The options a CSV classifier takes.
const CSV_OPTIONS: &[&str] = &["delimiter", "has_header", "columns"];
/// How many sample lines a pattern must match.
const MATCHED_LINES: usize = 20;

/// A classifier, ready to try on samples.
#[derive(Debug)]
pub(crate) struct Compiled {
    name: String,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    /// grok or regex: the log table options its tables get, and the format they compile to.
    Pattern {
        options: BTreeMap<String, String>,
        format: Format,
    },
    Csv {
        delimiter: u8,
        /// Whether files have a header line; none: detected per file.
        header: Option<bool>,
        /// Names for the columns, replacing the header's or `column_N`.
        columns: Vec<String>,
    },
}

/// What a classifier made of a sample that matched it.
#[derive(Debug, PartialEq)]
pub(crate) enum Found {
    /// A log table with these options; its columns come from the pattern.
    Log(BTreeMap<String, String>),
    /// A CSV table with these options (`delimiter`, `has_header`) and columns.
    Csv {
        options: BTreeMap<String, String>,
        schema: Schema,
    },
}

impl Compiled {
    /// Compiles `classifier`; the error names the option that is wrong and what it expects.
    pub(crate) fn new(classifier: &Classifier) -> Result<Self, String> {
        let allowed = match classifier.format.as_str() {
            "grok" | "regex" => PATTERN_OPTIONS,
            "csv" => CSV_OPTIONS,
            other => {
                return Err(format!(
                    "format: expected grok, regex or csv, got {other:?}"
                ));
            }
        };
        if let Some(unknown) = classifier
            .options
            .keys()
            .find(|k| !allowed.contains(&k.as_str()))
        {
            return Err(format!(
                "{unknown}: not an option of a {} classifier; expected one of {}",
                classifier.format,
                allowed.join(", ")
            ));
        }
        let option = |name: &str| classifier.options.get(name).map(String::as_str);
        let kind = match classifier.format.as_str() {
            "csv" => {
                let delimiter = match option("delimiter").map(str::as_bytes) {
                    Some([delimiter]) if *delimiter != b'\n' && *delimiter != b'"' => *delimiter,
                    _ => return Err("delimiter: expected one ASCII character".into()),
                };
                let header = match option("has_header") {
                    None => None,
                    Some("true") => Some(true),
                    Some("false") => Some(false),
                    Some(other) => {
                        return Err(format!("has_header: expected true or false, got {other:?}"));
                    }
                };
                let columns: Vec<String> = option("columns")
                    .map(|c| c.split(',').map(|n| n.trim().to_string()).collect())
                    .unwrap_or_default();
                let mut seen = HashSet::new();
                if let Some(bad) = columns.iter().find(|c| c.is_empty() || !seen.insert(*c)) {
                    return Err(format!("columns: {bad:?} is empty or named twice"));
                }
                Kind::Csv {
                    delimiter,
                    header,
                    columns,
                }
            }
            _ => {
                if option("pattern").is_none_or(str::is_empty) {
                    return Err(format!(
                        "pattern: a {} classifier needs one",
                        classifier.format
                    ));
                }
                let mut options: BTreeMap<String, String> =
                    classifier.options.clone().into_iter().collect();
                options.insert("format".into(), classifier.format.clone());
                let parsed =
                    LogOptions::parse(&options.clone().into_iter().collect::<HashMap<_, _>>())
                        .map_err(|e| e.to_string())?;
                let format = Format::new(&parsed).map_err(|e| e.to_string())?;
                Kind::Pattern { options, format }
            }
        };
        Ok(Self {
            name: classifier.name.clone(),
            kind,
        })
    }

    /// Its name, the `classification` of the tables it classifies.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// What the classifier makes of a sample's `lines`, when they match it: a pattern must
    /// parse each of the first lines; a CSV file must split every line into as many fields
    /// (more than one, or as many as the classifier names) with its delimiter.
    pub(crate) fn find(&self, lines: &[&str]) -> Option<Found> {
        match &self.kind {
            Kind::Pattern { options, format } => {
                format.parses_all(&lines[..lines.len().min(MATCHED_LINES)])?;
                Some(Found::Log(options.clone()))
            }
            Kind::Csv {
                delimiter,
                header,
                columns,
            } => {
                let (header, schema) = csv_columns(lines, *delimiter, *header)?;
                let fields = schema.fields().len();
                let fits = match columns.is_empty() {
                    true => fields > 1,
                    false => fields == columns.len(),
                };
                if !fits {
                    return None;
                }
                let schema = match columns.is_empty() {
                    true => schema,
                    false => Schema::new(
                        schema
                            .fields()
                            .iter()
                            .zip(columns)
                            .map(|(field, name)| Field::new(name, field.data_type().clone(), true))
                            .collect::<Vec<_>>(),
                    ),
                };
                let options = BTreeMap::from([
                    ("delimiter".to_string(), (*delimiter as char).to_string()),
                    ("has_header".to_string(), header.to_string()),
                ]);
                Some(Found::Csv { options, schema })
            }
        }
    }
}

/// Compiles a crawler's classifiers, in order; the error names the classifier.
pub(crate) fn compile(classifiers: &[Classifier]) -> Result<Vec<Compiled>, String> {
    let mut names = HashSet::new();
    classifiers
        .iter()
        .enumerate()
        .map(|(i, classifier)| {
            let what = format!("classifiers[{i}] ({:?})", classifier.name);
            if classifier.name.is_empty() || !names.insert(&classifier.name) {
                return Err(format!("{what}: a classifier needs a name of its own"));
            }
            Compiled::new(classifier).map_err(|e| format!("{what}: {e}"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::datatypes::DataType;

    fn classifier(name: &str, format: &str, options: &[(&str, &str)]) -> Classifier {
        Classifier {
            name: name.into(),
            format: format.into(),
            options: options
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    const APP: &[&str] = &[
        "2024-01-01T10:00:00Z INFO started job 7",
        "2024-01-01T10:00:01Z WARN slow disk",
    ];

    #[test]
    fn a_grok_classifier_matches_only_lines_of_its_pattern() {
        let grok = compile(&[classifier(
            "app",
            "grok",
            &[(
                "pattern",
                "%{TIMESTAMP_ISO8601:ts} %{LOGLEVEL:level} %{GREEDYDATA:message}",
            )],
        )])
        .unwrap();
        let Some(Found::Log(options)) = grok[0].find(APP) else {
            panic!("no match");
        };
        assert_eq!(options["format"], "grok");
        assert_eq!(grok[0].find(&["a,b", "1,2"]), None);
        // One line in the first ones that does not match: not this classifier's file.
        assert_eq!(grok[0].find(&[APP[0], "junk"]), None);
    }

    #[test]
    fn a_csv_classifier_uses_its_delimiter_and_names() {
        let pipes = compile(&[classifier(
            "pipes",
            "csv",
            &[
                ("delimiter", "|"),
                ("has_header", "false"),
                ("columns", "id, name, fare"),
            ],
        )])
        .unwrap();
        let Some(Found::Csv { options, schema }) = pipes[0].find(&["1|ann|2.5", "2|bob|3"]) else {
            panic!("no match");
        };
        assert_eq!(options["has_header"], "false");
        let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        assert_eq!(names, ["id", "name", "fare"]);
        assert_eq!(schema.field(2).data_type(), &DataType::Float64);
        // Commas, or a different number of fields than it names: not its file.
        assert_eq!(pipes[0].find(&["1,ann,2.5"]), None);
        assert_eq!(pipes[0].find(&["1|ann", "2|bob"]), None);
    }

    #[test]
    fn bad_classifiers_are_refused_by_name_and_option() {
        let error = |c: Classifier| compile(&[c]).unwrap_err();
        let unknown = error(classifier("a", "grok", &[("pattern", "%{NOPE:x}")]));
        assert!(
            unknown.contains("classifiers[0] (\"a\")") && unknown.contains("NOPE"),
            "{unknown}"
        );
        let delimiter = error(classifier("b", "csv", &[("delimiter", "||")]));
        assert!(
            delimiter.contains("delimiter: expected one ASCII character"),
            "{delimiter}"
        );
        let option = error(classifier(
            "c",
            "regex",
            &[("pattern", "(?P<a>.)"), ("mode", "fail_fast")],
        ));
        assert!(option.contains("mode: not an option"), "{option}");
        let format = error(classifier("d", "xml", &[]));
        assert!(format.contains("expected grok, regex or csv"), "{format}");
        let twice = compile(&[
            classifier("e", "csv", &[("delimiter", ";")]),
            classifier("e", "csv", &[("delimiter", ";")]),
        ])
        .unwrap_err();
        assert!(twice.contains("classifiers[1]"), "{twice}");
    }
}
