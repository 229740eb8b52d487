//! CSV and JSON sources: their options, declared schemas and registration as tables.
//!
//! Both take `schema`, the columns as SQL (`id BIGINT, day DATE`), to read them as declared
//! instead of inferring their types from a sample, as Spark's `.schema(...)` does. CSV also
//! takes the dialect options below.

use std::str::FromStr;
use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::common::ScalarValue;
use datafusion::common::file_options::file_type::GetExt;
use datafusion::datasource::file_format::file_compression_type::FileCompressionType;
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::{DdlStatement, LogicalPlan, cast, ident, lit, when};
use datafusion::prelude::{CsvReadOptions, JsonReadOptions, SessionContext};
use kiln_proto::v1 as pb;

use crate::sink::table::check_options;

/// The option declaring a source's columns instead of inferring them.
const SCHEMA: &str = "schema";
/// What the schema option means.
const SCHEMA_MEANING: &str =
    "the columns as SQL, e.g. \"id BIGINT, day DATE, amount DECIMAL(10, 2)\" (default: inferred)";

/// The option naming a source's compression.
const COMPRESSION: &str = "compression";
/// What the compression option means.
const COMPRESSION_MEANING: &str = "gzip, zstd, bzip2 or xz (default: from the file extension)";

/// The options a JSON source takes, and what each means.
const JSON_OPTIONS: &[(&str, &str)] =
    &[(SCHEMA, SCHEMA_MEANING), (COMPRESSION, COMPRESSION_MEANING)];

/// The options a CSV source takes, and what each means.
const CSV_OPTIONS: &[(&str, &str)] = &[
    (SCHEMA, SCHEMA_MEANING),
    ("header", "\"false\" when the first line is data"),
    ("delimiter", "one character, default ,"),
    ("quote", "one character, default \""),
    (
        "escape",
        "one character before a quote inside a quoted field",
    ),
    ("comment", "one character that starts a comment line"),
    ("null_value", "the text that means null, e.g. \\N or NULL"),
    (
        "newlines_in_values",
        "\"true\" when quoted fields contain line breaks",
    ),
    (COMPRESSION, COMPRESSION_MEANING),
];

/// Registers a JSON lines source as table `source.name`.
pub async fn register_json(ctx: &SessionContext, source: &pb::SourceSpec) -> Result<()> {
    check_options("json source", &source.options, JSON_OPTIONS)?;
    let schema = declared_schema(ctx, source).await?;
    let (compression, extension) = compression(source, "json")?;
    let mut options = JsonReadOptions::default()
        .file_compression_type(compression)
        .file_extension(&extension);
    if let Some(schema) = &schema {
        options = options.schema(schema);
    }
    ctx.register_json(&source.name, &source.path, options).await
}

/// Registers a CSV source as table `source.name`.
///
/// DataFusion 55 uses a null marker when it infers a CSV file's types but not when it reads
/// the file, so a source with `null_value` is read as text and typed by a projection that
/// turns the marker into NULL (the table is a view over the text columns).
pub async fn register_csv(ctx: &SessionContext, source: &pb::SourceSpec) -> Result<()> {
    let read = CsvRead::parse(source)?;
    let declared = declared_schema(ctx, source).await?;
    let Some(marker) = &read.null_value else {
        let mut options = read.options();
        if let Some(schema) = &declared {
            options = options.schema(schema);
        }
        return ctx.register_csv(&source.name, &source.path, options).await;
    };
    let text_table = format!("_kiln_text_{}", source.name);
    let typed = match declared {
        Some(schema) => schema,
        None => {
            ctx.register_csv(&text_table, &source.path, read.options())
                .await?;
            let inferred = ctx.table(&text_table).await?.schema().inner().clone();
            ctx.deregister_table(&text_table)?;
            inferred
        }
    };
    let text = Schema::new(
        typed
            .fields()
            .iter()
            .map(|f| Field::new(f.name(), DataType::Utf8, true))
            .collect::<Vec<_>>(),
    );
    ctx.register_csv(&text_table, &source.path, read.options().schema(&text))
        .await?;
    let columns = typed
        .fields()
        .iter()
        .map(|f| {
            let value = when(
                ident(f.name()).eq(lit(marker.as_str())),
                lit(ScalarValue::Utf8(None)),
            )
            .otherwise(ident(f.name()))?;
            Ok(cast(value, f.data_type().clone()).alias(f.name()))
        })
        .collect::<Result<Vec<_>>>()?;
    let view = ctx.table(&text_table).await?.select(columns)?.into_view();
    ctx.register_table(source.name.as_str(), view).map(|_| ())
}

/// The Arrow schema of a source's `schema` option, typed as DataFusion types the columns of
/// `CREATE EXTERNAL TABLE`; None when the option is absent.
async fn declared_schema(
    ctx: &SessionContext,
    source: &pb::SourceSpec,
) -> Result<Option<SchemaRef>> {
    let Some(columns) = source.options.get(SCHEMA) else {
        return Ok(None);
    };
    let bad = |message: String| DataFusionError::Plan(format!("option {SCHEMA}: {message}"));
    let ddl = format!("CREATE EXTERNAL TABLE declared ({columns}) STORED AS CSV LOCATION 'unread'");
    match ctx.state().create_logical_plan(&ddl).await {
        Ok(LogicalPlan::Ddl(DdlStatement::CreateExternalTable(table))) => {
            Ok(Some(Arc::new(table.schema.as_arrow().clone())))
        }
        Ok(_) => Err(bad(format!(
            "expected column definitions like \"id BIGINT, day DATE\", got '{columns}'"
        ))),
        Err(e) => Err(bad(e.strip_backtrace())),
    }
}

/// A source's compression, from its option or else its path's extension (`orders.csv.gz`),
/// and the extension its files have: for a directory, `.<format>` plus the compression's
/// suffix; a named file is read whatever its name.
fn compression(source: &pb::SourceSpec, format: &str) -> Result<(FileCompressionType, String)> {
    let path = source.path.trim_end_matches('/');
    let compression = match source.options.get(COMPRESSION).map(String::as_str) {
        None => [
            FileCompressionType::GZIP,
            FileCompressionType::ZSTD,
            FileCompressionType::BZIP2,
            FileCompressionType::XZ,
        ]
        .into_iter()
        .find(|c| path.ends_with(&c.get_ext()))
        .unwrap_or(FileCompressionType::UNCOMPRESSED),
        Some("none") => FileCompressionType::UNCOMPRESSED,
        Some(name) => FileCompressionType::from_str(name).map_err(|_| {
            DataFusionError::Plan(format!(
                "option {COMPRESSION}: expected gzip, zstd, bzip2 or xz, got '{name}'"
            ))
        })?,
    };
    let extension = if source.path.ends_with('/') {
        format!(".{format}{}", compression.get_ext())
    } else {
        std::path::Path::new(path)
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.find('.').map(|i| n[i..].to_string()))
            .unwrap_or_default()
    };
    Ok((compression, extension))
}

/// A CSV source's read options, owning what `CsvReadOptions` borrows.
struct CsvRead {
    has_header: bool,
    delimiter: Option<u8>,
    quote: Option<u8>,
    escape: Option<u8>,
    comment: Option<u8>,
    null_value: Option<String>,
    newlines_in_values: bool,
    compression: FileCompressionType,
    extension: String,
}

impl CsvRead {
    fn parse(source: &pb::SourceSpec) -> Result<Self> {
        check_options("csv source", &source.options, CSV_OPTIONS)?;
        let bad = |message: String| DataFusionError::Plan(message);
        let option = |key: &str| source.options.get(key).map(String::as_str);
        let byte = |key: &str| -> Result<Option<u8>> {
            match option(key) {
                None => Ok(None),
                Some(value) => match value.as_bytes() {
                    [byte] => Ok(Some(*byte)),
                    _ => Err(bad(format!(
                        "option {key} must be one character, got '{value}'"
                    ))),
                },
            }
        };
        let flag = |key: &str, default: bool| -> Result<bool> {
            match option(key) {
                None => Ok(default),
                Some("true") => Ok(true),
                Some("false") => Ok(false),
                Some(other) => Err(bad(format!(
                    "option {key} must be true or false, got '{other}'"
                ))),
            }
        };
        let (compression, extension) = compression(source, "csv")?;
        Ok(Self {
            has_header: flag("header", true)?,
            delimiter: byte("delimiter")?,
            quote: byte("quote")?,
            escape: byte("escape")?,
            comment: byte("comment")?,
            null_value: option("null_value").map(String::from),
            newlines_in_values: flag("newlines_in_values", false)?,
            compression,
            extension,
        })
    }

    fn options(&self) -> CsvReadOptions<'_> {
        let mut read = CsvReadOptions::new()
            .has_header(self.has_header)
            .newlines_in_values(self.newlines_in_values)
            .null_regex(
                self.null_value
                    .as_deref()
                    .map(|v| format!("^{}$", regex_escape(v))),
            )
            .file_compression_type(self.compression)
            .file_extension(&self.extension);
        if let Some(delimiter) = self.delimiter {
            read = read.delimiter(delimiter);
        }
        if let Some(quote) = self.quote {
            read = read.quote(quote);
        }
        if let Some(escape) = self.escape {
            read = read.escape(escape);
        }
        if let Some(comment) = self.comment {
            read = read.comment(comment);
        }
        read
    }
}

/// Escapes regex metacharacters so a literal null marker like `\N` matches itself.
fn regex_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}
