//! The job file model and its translation into the protocol message.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use kiln_proto::v1 as pb;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};

use crate::params::Params;
use crate::{JobSpecError, Result};

/// A job file as written.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JobFile {
    /// The job's name, shown by `kiln jobs` and in its logs.
    pub name: String,
    /// What the job does, for people.
    #[serde(default)]
    pub description: String,
    /// Free-form labels (`team = "sales"`), listed with the job.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// The tables the steps read: files, databases or catalog tables.
    #[serde(default, rename = "source")]
    pub sources: Vec<SourceEntry>,
    /// DDL run before the steps (CREATE EXTERNAL TABLE, CREATE VIEW).
    #[serde(default)]
    pub setup: Vec<String>,
    /// The SQL steps, in order; each becomes a view the later ones can read by name, and the
    /// last one's rows are the job's result (or go to the sink).
    #[serde(default, rename = "step")]
    pub steps: Vec<StepEntry>,
    /// How the job runs: parallelism, retries, timeout, error budget, memory.
    #[serde(default)]
    pub options: OptionsEntry,
    /// Parameters `${name}` used in the file, with their default values (any TOML scalar).
    #[serde(default)]
    #[schemars(schema_with = "scalar_table")]
    pub params: BTreeMap<String, toml::Value>,
    /// Where the last step's rows go; absent means they stream back as the job's result.
    pub sink: Option<SinkEntry>,
    /// Webhooks POSTed a JSON summary when the job ends.
    #[serde(default, rename = "notify")]
    pub notify: Vec<NotifyEntry>,
}

/// A `[[notify]]` table: a webhook told when the job ends (give `url` or `url_secret`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NotifyEntry {
    /// An http or https URL.
    #[serde(default)]
    pub url: String,
    /// Instead of `url`: the cluster secret holding the URL (for URLs that are credentials).
    #[serde(default)]
    pub url_secret: String,
}

/// The `[sink]` table.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SinkEntry {
    /// parquet, csv or json files; postgres, mysql or sqlite tables.
    #[serde(default)]
    pub format: String,
    /// A directory or object-store URL for files; a database URL for tables.
    #[serde(default)]
    pub path: String,
    /// A catalog table of files, `database.table`: its format, location and partition keys.
    /// A table that does not exist yet is created at commit, where `path` says, in `format`
    /// (default parquet), partitioned by `partition_by`.
    pub catalog: Option<String>,
    /// Columns whose values name the files' folders (`key=value/`).
    #[serde(default)]
    pub partition_by: Vec<String>,
    /// What happens when the target already holds data.
    #[serde(default)]
    pub mode: SaveModeEntry,
    /// The format's options (strings, numbers or booleans).
    #[serde(default, deserialize_with = "scalar_options")]
    #[schemars(schema_with = "scalar_table")]
    pub options: HashMap<String, String>,
    /// The database table a database sink writes.
    #[serde(default)]
    pub table: String,
    /// The columns an upsert matches rows on.
    #[serde(default)]
    pub key_columns: Vec<String>,
}

/// What a sink does when its target already holds data.
#[derive(Debug, Default, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SaveModeEntry {
    Append,
    Overwrite,
    #[default]
    ErrorIfExists,
    Ignore,
    OverwritePartitions,
    Upsert,
}

impl From<SaveModeEntry> for pb::SaveMode {
    fn from(mode: SaveModeEntry) -> Self {
        match mode {
            SaveModeEntry::Append => pb::SaveMode::Append,
            SaveModeEntry::Overwrite => pb::SaveMode::Overwrite,
            SaveModeEntry::ErrorIfExists => pb::SaveMode::ErrorIfExists,
            SaveModeEntry::Ignore => pb::SaveMode::Ignore,
            SaveModeEntry::OverwritePartitions => pb::SaveMode::OverwritePartitions,
            SaveModeEntry::Upsert => pb::SaveMode::Upsert,
        }
    }
}

/// A `[[source]]` table: a format and path, or a catalog table (`catalog = "db.table"`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceEntry {
    /// The table name the steps' SQL reads it by.
    pub name: String,
    /// csv, json, parquet or log files; postgres, mysql or sqlite tables.
    #[serde(default)]
    pub format: String,
    /// A file, directory or object-store URL; a database URL for tables.
    #[serde(default)]
    pub path: String,
    /// A catalog table, `database.table`, read with its own location, format and partitions.
    pub catalog: Option<String>,
    /// The format's options (strings, numbers or booleans).
    #[serde(default, deserialize_with = "scalar_options")]
    #[schemars(schema_with = "scalar_table")]
    pub options: HashMap<String, String>,
}

/// The schema of a table of TOML scalars: option values and parameter defaults.
fn scalar_table(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "object",
        "additionalProperties": {"type": ["string", "number", "boolean"]}
    })
}

/// The JSON Schema of job files, published as `jobs/job-file.schema.json` (`kiln schema`
/// prints it), so that editors and TOML linters check and complete job files.
pub fn job_file_schema() -> String {
    let schema = schemars::schema_for!(JobFile);
    serde_json::to_string_pretty(&schema).expect("a schema is JSON") + "\n"
}

/// Option values as TOML writes them: strings, or numbers and booleans (`partitions = 2`,
/// `create_table = true`), kept as their text for the source or sink that reads them.
fn scalar_options<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<HashMap<String, String>, D::Error> {
    use serde::de::Error;
    let raw = HashMap::<String, toml::Value>::deserialize(deserializer)?;
    raw.into_iter()
        .map(|(key, value)| {
            let text = match value {
                toml::Value::String(text) => text,
                toml::Value::Integer(n) => n.to_string(),
                toml::Value::Float(x) => x.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                other => {
                    return Err(D::Error::custom(format!(
                        "option `{key}`: expected a string, number or boolean, got {}",
                        other.type_str()
                    )));
                }
            };
            Ok((key, text))
        })
        .collect()
}

/// A `[[step]]` table.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StepEntry {
    /// The view name later steps read this step's rows by.
    pub name: String,
    /// One SQL query; `${name}` parameters are bound as literals.
    pub sql: String,
}

/// The `[options]` table.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OptionsEntry {
    /// Partitions per shuffle; 0 or absent: the cluster's default.
    #[serde(default)]
    pub parallelism: u32,
    /// Attempts per task before the job fails; 0 or absent: the cluster's default.
    #[serde(default)]
    pub max_task_attempts: u32,
    /// Seconds; 0 or absent means no timeout.
    #[serde(default)]
    pub timeout_secs: u64,
    /// Error budget: the most bad records the job's sources may read...
    pub max_bad_records: Option<u64>,
    /// ...and the largest fraction of the records read they may be.
    pub max_bad_fraction: Option<f64>,
    /// The most memory one task may use, in MiB; 0 or absent: the executor's limit only.
    #[serde(default)]
    pub memory_per_task_mb: u64,
    /// Read only the files no earlier successful run of this job (by name) read: a job
    /// bookmark, kept by file path, ETag and size; `kiln bookmark` shows and resets it.
    #[serde(default)]
    pub incremental: bool,
    /// Incremental jobs: the most new files a run reads from each source, oldest first;
    /// 0 or absent: 2,000.
    #[serde(default)]
    pub max_files_per_run: u32,
}

/// Reads and parses a job file, filling its `${name}` parameters from `params` (like Glue job
/// arguments) or the file's `[params]` defaults.
pub fn load_job_file(path: &Path, params: &HashMap<String, String>) -> Result<pb::JobSpec> {
    let text = std::fs::read_to_string(path).map_err(|source| JobSpecError::Read {
        path: path.display().to_string(),
        source,
    })?;
    let base = path.parent().unwrap_or(Path::new("."));
    parse_job(&text, &path.display().to_string(), base, params)
}

/// Parses job file text; `name` is used in errors, `base_dir` resolves relative paths, `params`
/// fill `${name}` placeholders as values, never as text of the file or its SQL.
pub fn parse_job(
    text: &str,
    name: &str,
    base_dir: &Path,
    params: &HashMap<String, String>,
) -> Result<pb::JobSpec> {
    let (mut params, text) = Params::fill_toml(text, name, params)?;
    let mut file: JobFile = toml::from_str(&text).map_err(|e| JobSpecError::Parse {
        path: name.to_string(),
        message: crate::suggest::unknown_field_hint(e.to_string().trim_end()),
    })?;
    fill_params(&mut file, &mut params)?;
    let invalid = |message: String| JobSpecError::Invalid {
        path: name.to_string(),
        message,
    };
    if file.steps.is_empty() {
        return Err(invalid(
            "no [[step]]: a job needs at least one SQL step (name = \"...\", sql = \"...\")".into(),
        ));
    }
    for (i, step) in file.steps.iter().enumerate() {
        if step.sql.trim().is_empty() {
            return Err(invalid(format!(
                "step {} ('{}'): sql is empty",
                i + 1,
                step.name
            )));
        }
    }
    if let Some(sink) = &file.sink {
        match &sink.catalog {
            Some(table) if !table.contains('.') => {
                return Err(invalid(format!(
                    "sink.catalog = {table:?}: expected \"database.table\""
                )));
            }
            Some(_) => {}
            None if sink.format.is_empty() || sink.path.is_empty() => {
                return Err(invalid(
                    "sink: give format and path (or a catalog table: catalog = \"db.table\")"
                        .into(),
                ));
            }
            None => {}
        }
    }
    for source in &file.sources {
        let (has_format, has_path) = (!source.format.is_empty(), !source.path.is_empty());
        match &source.catalog {
            Some(table) if !table.contains('.') => {
                return Err(invalid(format!(
                    "source '{}': catalog = {table:?}: expected \"database.table\"",
                    source.name
                )));
            }
            Some(_) if has_format || has_path || !source.options.is_empty() => {
                return Err(invalid(format!(
                    "source '{}': a catalog source takes its format, path and options from the \
                     catalog; remove format, path and options",
                    source.name
                )));
            }
            None if !has_format || !has_path => {
                return Err(invalid(format!(
                    "source '{}': give format and path, or catalog = \"database.table\"",
                    source.name
                )));
            }
            _ => {}
        }
    }
    if let Some(fraction) = file.options.max_bad_fraction
        && !(0.0..=1.0).contains(&fraction)
    {
        return Err(invalid(format!(
            "options.max_bad_fraction: expected a fraction from 0 to 1, got {fraction}"
        )));
    }
    Ok(pb::JobSpec {
        name: file.name,
        description: file.description,
        labels: file.labels.into_iter().collect(),
        sources: file
            .sources
            .into_iter()
            .map(|s| match s.catalog {
                Some(table) => pb::SourceSpec {
                    name: s.name,
                    format: crate::CATALOG_SOURCE.into(),
                    path: table,
                    options: s.options,
                },
                None => pb::SourceSpec {
                    name: s.name,
                    format: s.format,
                    path: resolve_path(&s.path, base_dir),
                    options: s.options,
                },
            })
            .collect(),
        setup_sql: file.setup,
        steps: file
            .steps
            .into_iter()
            .map(|s| pb::StepSpec {
                name: s.name,
                sql: s.sql,
            })
            .collect(),
        options: Some(pb::JobOptions {
            parallelism: file.options.parallelism,
            max_task_attempts: file.options.max_task_attempts,
            timeout_ms: file.options.timeout_secs * 1000,
            max_bad_records: file.options.max_bad_records,
            max_bad_fraction: file.options.max_bad_fraction,
            memory_per_task_bytes: file.options.memory_per_task_mb * 1024 * 1024,
            incremental: file.options.incremental,
            max_files_per_run: file.options.max_files_per_run,
        }),
        sink: file.sink.map(|sink| pb::SinkSpec {
            path: match sink.path.is_empty() {
                true => String::new(),
                false => resolve_path(&sink.path, base_dir),
            },
            catalog: sink.catalog.unwrap_or_default(),
            format: sink.format.to_ascii_lowercase(),
            partition_by: sink.partition_by,
            mode: pb::SaveMode::from(sink.mode) as i32,
            options: sink.options,
            table: sink.table,
            key_columns: sink.key_columns,
            new_table: None,
        }),
        notify: file
            .notify
            .into_iter()
            .map(|n| pb::Notification {
                url: n.url,
                url_secret: n.url_secret,
            })
            .collect(),
    })
}

/// Fills the `${name}` placeholders of every string field of `file` (SQL fields as literals).
fn fill_params(file: &mut JobFile, params: &mut Params) -> Result<()> {
    params.text(&mut file.name, "name")?;
    params.text(&mut file.description, "description")?;
    for (key, value) in &mut file.labels {
        params.text(value, &format!("labels.{key}"))?;
    }
    for source in &mut file.sources {
        let at = format!("source '{}'", source.name);
        params.text(&mut source.name, &format!("{at} name"))?;
        params.text(&mut source.format, &format!("{at} format"))?;
        params.text(&mut source.path, &format!("{at} path"))?;
        if let Some(table) = &mut source.catalog {
            params.text(table, &format!("{at} catalog"))?;
        }
        for (key, value) in &mut source.options {
            params.text(value, &format!("{at} options.{key}"))?;
        }
    }
    for (i, sql) in file.setup.iter_mut().enumerate() {
        params.sql(sql, &format!("setup statement {}", i + 1))?;
    }
    for step in &mut file.steps {
        let at = format!("step '{}'", step.name);
        params.text(&mut step.name, &format!("{at} name"))?;
        params.sql(&mut step.sql, &format!("{at} sql"))?;
    }
    if let Some(sink) = &mut file.sink {
        params.text(&mut sink.format, "sink.format")?;
        params.text(&mut sink.path, "sink.path")?;
        params.text(&mut sink.table, "sink.table")?;
        if let Some(table) = &mut sink.catalog {
            params.text(table, "sink.catalog")?;
        }
        for column in sink.partition_by.iter_mut().chain(&mut sink.key_columns) {
            params.text(column, "sink columns")?;
        }
        for (key, value) in &mut sink.options {
            params.text(value, &format!("sink.options.{key}"))?;
        }
    }
    for (i, notify) in file.notify.iter_mut().enumerate() {
        params.text(&mut notify.url, &format!("notify {} url", i + 1))?;
    }
    params.check_all_used()
}

/// Makes a local relative path absolute against `base_dir`; URLs and absolute paths stay.
fn resolve_path(path: &str, base_dir: &Path) -> String {
    if path.contains("://") || Path::new(path).is_absolute() {
        return path.to_string();
    }
    let joined: PathBuf = base_dir.join(path);
    let absolute = std::path::absolute(&joined).unwrap_or(joined);
    let mut text = absolute.display().to_string();
    if path.ends_with('/') && !text.ends_with('/') {
        text.push('/');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_published_schema_is_current() {
        let published = include_str!("../job-file.schema.json");
        assert!(
            published == job_file_schema(),
            "jobs/job-file.schema.json is stale: regenerate it with \
             `target/debug/kiln schema > jobs/job-file.schema.json`"
        );
    }

    #[test]
    fn parses_a_job_and_resolves_relative_paths() {
        let spec = parse_job(
            r#"
name = "demo"
[[source]]
name = "t"
format = "csv"
path = "data/t.csv"
[[step]]
name = "q"
sql = "SELECT * FROM t"
[options]
parallelism = 3
memory_per_task_mb = 512
"#,
            "demo.toml",
            Path::new("/jobs"),
            &HashMap::new(),
        )
        .unwrap();
        assert_eq!(spec.name, "demo");
        assert_eq!(spec.sources[0].path, "/jobs/data/t.csv");
        let options = spec.options.unwrap();
        assert_eq!(options.parallelism, 3);
        assert_eq!(options.memory_per_task_bytes, 512 * 1024 * 1024);
    }

    #[test]
    fn options_take_numbers_and_booleans_as_toml_writes_them() {
        let spec = parse_job(
            r#"
name = "typed"
[[source]]
name = "t"
format = "csv"
path = "data/t.csv"
options = { has_header = true, delimiter = ";" }
[[step]]
name = "q"
sql = "SELECT * FROM t"
[sink]
format = "postgres"
path = "postgres://db/x"
table = "t"
options = { partitions = 2, create_table = true, batch_fraction = 0.5 }
"#,
            "typed.toml",
            Path::new("/jobs"),
            &HashMap::new(),
        )
        .unwrap();
        assert_eq!(spec.sources[0].options["has_header"], "true");
        let sink = spec.sink.unwrap();
        assert_eq!(sink.options["partitions"], "2");
        assert_eq!(sink.options["create_table"], "true");
        assert_eq!(sink.options["batch_fraction"], "0.5");

        let err = parse_job(
            "name = \"x\"\n[[step]]\nname = \"q\"\nsql = \"SELECT 1\"\n[sink]\nformat = \"csv\"\npath = \"/o\"\noptions = { partitions = [1] }\n",
            "bad.toml",
            Path::new("/jobs"),
            &HashMap::new(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("bad.toml") && err.contains("partitions"),
            "{err}"
        );
        assert!(
            err.contains("expected a string, number or boolean"),
            "{err}"
        );
    }

    #[test]
    fn a_sink_names_a_catalog_table_or_a_format_and_path() {
        let job = |sink: &str| {
            parse_job(
                &format!(
                    "name = \"x\"\n[[step]]\nname = \"q\"\nsql = \"SELECT 1\"\n[sink]\n{sink}"
                ),
                "sink.toml",
                Path::new("/jobs"),
                &HashMap::new(),
            )
        };
        let sink = job("catalog = \"lake.trips\"\nmode = \"append\"\n")
            .unwrap()
            .sink
            .unwrap();
        assert_eq!(
            (sink.catalog.as_str(), sink.path.as_str()),
            ("lake.trips", "")
        );
        for (bad, says) in [
            ("catalog = \"trips\"\n", "database.table"),
            ("format = \"csv\"\n", "give format and path"),
        ] {
            let error = job(bad).unwrap_err().to_string();
            assert!(error.contains(says), "{bad}: {error}");
        }
    }

    #[test]
    fn errors_name_the_file_line_and_field() {
        let err = parse_job(
            "name = \"demo\"\n[[step]]\nname = \"q\"\nsqll = \"SELECT 1\"\n",
            "bad.toml",
            Path::new("."),
            &HashMap::new(),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("bad.toml"), "{err}");
        assert!(err.contains("line 4"), "{err}");
        assert!(err.contains("sqll"), "{err}");
    }

    #[test]
    fn a_source_is_a_format_and_path_or_a_catalog_table() {
        let job = |source: &str| {
            parse_job(
                &format!(
                    "name = \"j\"\n[[source]]\nname = \"t\"\n{source}\n[[step]]\nname = \"q\"\nsql = \"SELECT 1\"\n"
                ),
                "j.toml",
                Path::new("."),
                &HashMap::new(),
            )
        };
        let spec = job("catalog = \"lake.taxi\"").unwrap();
        assert_eq!(
            (
                spec.sources[0].format.as_str(),
                spec.sources[0].path.as_str()
            ),
            (crate::CATALOG_SOURCE, "lake.taxi")
        );
        let both = job("catalog = \"lake.taxi\"\nformat = \"csv\"").unwrap_err();
        assert!(both.to_string().contains("remove format"), "{both}");
        let neither = job("format = \"csv\"").unwrap_err();
        assert!(
            neither.to_string().contains("give format and path"),
            "{neither}"
        );
        let unqualified = job("catalog = \"taxi\"").unwrap_err();
        assert!(
            unqualified.to_string().contains("database.table"),
            "{unqualified}"
        );
    }

    #[test]
    fn a_job_without_steps_is_rejected() {
        let err = parse_job(
            "name = \"demo\"\n",
            "empty.toml",
            Path::new("."),
            &HashMap::new(),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("no [[step]]"), "{err}");
    }

    #[test]
    fn parameters_come_from_the_command_line_or_defaults() {
        let text = r#"
name = "daily-${day}"
[params]
day = "2024-01-01"
[[step]]
name = "q"
sql = "SELECT '${day}' AS day, '${region}' AS region"
"#;
        let given = HashMap::from([("region".to_string(), "no\"r'th".to_string())]);
        let spec = parse_job(text, "p.toml", Path::new("."), &given).unwrap();
        assert_eq!(spec.name, "daily-2024-01-01");
        assert_eq!(
            spec.steps[0].sql,
            "SELECT '2024-01-01' AS day, 'no\"r''th' AS region"
        );

        let missing = parse_job(text, "p.toml", Path::new("."), &HashMap::new())
            .unwrap_err()
            .to_string();
        assert!(
            missing.contains("step 'q' sql") && missing.contains("${region}"),
            "{missing}"
        );
        let typo = HashMap::from([
            ("region".to_string(), "x".to_string()),
            ("regoin".to_string(), "x".to_string()),
        ]);
        let unknown = parse_job(text, "p.toml", Path::new("."), &typo)
            .unwrap_err()
            .to_string();
        assert!(unknown.contains("'regoin'"), "{unknown}");
    }

    /// A job file using most of what the format has: parameters with defaults, sources,
    /// steps, a partitioned sink and options.
    const FUZZ_SEED: &str = r#"
name = "fuzz-${day}"
[params]
day = "2024-01-01"
p = 2
[[source]]
name = "t"
format = "csv"
path = "s3://bucket/in/${day}/"
options = { has_header = "true", mode = "permissive" }
[[step]]
name = "q"
sql = "SELECT * FROM t WHERE day = '${day}'"
[sink]
format = "parquet"
path = "out/"
mode = "overwrite_partitions"
partition_by = ["day"]
[options]
parallelism = ${p}
timeout = "10m"
"#;

    proptest::proptest! {
        /// A job file damaged anywhere (characters replaced, inserted or cut), with any
        /// parameter values: a job or an error naming the file, never a panic.
        #[test]
        fn damaged_job_files_never_panic(
            edits in proptest::collection::vec(
                (
                    proptest::prelude::any::<proptest::sample::Index>(),
                    proptest::sample::select(vec![
                        "", "\"", "'", "[", "]", "{", "}", "=", "\n", "${", "}", "$", "\\",
                        "#", ",", "[[", "é", "\u{0}", "0", "-1", "99999999999999999999",
                    ]),
                ),
                0..5,
            ),
            day in "\\PC{0,8}",
            p in "[0-9a-z-]{0,6}",
        ) {
            let mut text = FUZZ_SEED.to_string();
            for (at, insert) in edits {
                let mut at = at.index(text.len() + 1);
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                // Replaces the character there (or inserts at the end).
                let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
                text.replace_range(at..end, insert);
            }
            let params = HashMap::from([("day".to_string(), day), ("p".to_string(), p)]);
            match parse_job(&text, "fuzz.toml", Path::new("/jobs"), &params) {
                Ok(spec) => proptest::prop_assert!(!spec.steps.is_empty()),
                Err(e) => proptest::prop_assert!(e.to_string().contains("fuzz.toml"), "{}", e),
            }
        }
    }
}
