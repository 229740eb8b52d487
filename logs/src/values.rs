//! Parsed field values and the Arrow builders they go into.

use std::borrow::Cow;
use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanBuilder, Float64Builder, Int32Builder, Int64Builder, StringBuilder,
    TimestampMicrosecondBuilder,
};
use arrow::datatypes::{DataType, Field, TimeUnit};

/// One field of a parsed line, borrowed from the line where possible.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Null,
    Text(Cow<'a, str>),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// Microseconds since the Unix epoch, UTC.
    Timestamp(i64),
}

impl<'a> Value<'a> {
    /// Text, with the logs' `-` meaning "no value".
    pub fn text_or_dash(text: &'a str) -> Self {
        if text == "-" {
            Value::Null
        } else {
            Value::Text(Cow::Borrowed(text))
        }
    }
}

impl Value<'_> {
    /// The same value, owning its text.
    pub fn into_owned(self) -> Value<'static> {
        match self {
            Value::Text(text) => Value::Text(Cow::Owned(text.into_owned())),
            Value::Null => Value::Null,
            Value::Int(i) => Value::Int(i),
            Value::Float(f) => Value::Float(f),
            Value::Bool(b) => Value::Bool(b),
            Value::Timestamp(t) => Value::Timestamp(t),
        }
    }
}

/// The column types log formats produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    Text,
    Int32,
    Int64,
    Float64,
    Bool,
    /// Microsecond timestamps in UTC.
    Timestamp,
}

impl ColumnType {
    pub fn data_type(self) -> DataType {
        match self {
            ColumnType::Text => DataType::Utf8,
            ColumnType::Int32 => DataType::Int32,
            ColumnType::Int64 => DataType::Int64,
            ColumnType::Float64 => DataType::Float64,
            ColumnType::Bool => DataType::Boolean,
            ColumnType::Timestamp => DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
        }
    }

    pub fn of(data_type: &DataType) -> Option<Self> {
        match data_type {
            DataType::Utf8 => Some(ColumnType::Text),
            DataType::Int32 => Some(ColumnType::Int32),
            DataType::Int64 => Some(ColumnType::Int64),
            DataType::Float64 => Some(ColumnType::Float64),
            DataType::Boolean => Some(ColumnType::Bool),
            DataType::Timestamp(TimeUnit::Microsecond, _) => Some(ColumnType::Timestamp),
            _ => None,
        }
    }

    /// Reads a type hint (`int`, `bigint`, `float`, `timestamp`, ...).
    pub fn from_hint(hint: &str) -> Option<Self> {
        Some(match hint {
            "string" | "str" | "text" | "utf8" | "varchar" => ColumnType::Text,
            "int" | "integer" | "int32" => ColumnType::Int32,
            "bigint" | "long" | "int64" => ColumnType::Int64,
            "float" | "double" | "float64" | "number" => ColumnType::Float64,
            "bool" | "boolean" => ColumnType::Bool,
            "timestamp" | "datetime" => ColumnType::Timestamp,
            _ => return None,
        })
    }

    /// A field of this type; every parsed column is nullable.
    pub fn field(self, name: &str) -> Field {
        Field::new(name, self.data_type(), true)
    }
}

/// Builds one column.
#[derive(Debug)]
enum ColumnBuilder {
    Text(StringBuilder),
    Int32(Int32Builder),
    Int64(Int64Builder),
    Float64(Float64Builder),
    Bool(BooleanBuilder),
    Timestamp(TimestampMicrosecondBuilder),
}

impl ColumnBuilder {
    fn new(ty: ColumnType) -> Self {
        match ty {
            ColumnType::Text => ColumnBuilder::Text(StringBuilder::new()),
            ColumnType::Int32 => ColumnBuilder::Int32(Int32Builder::new()),
            ColumnType::Int64 => ColumnBuilder::Int64(Int64Builder::new()),
            ColumnType::Float64 => ColumnBuilder::Float64(Float64Builder::new()),
            ColumnType::Bool => ColumnBuilder::Bool(BooleanBuilder::new()),
            ColumnType::Timestamp => {
                ColumnBuilder::Timestamp(TimestampMicrosecondBuilder::new().with_timezone("UTC"))
            }
        }
    }

    /// Appends a value already converted to this column's type (see [`convert`]); anything
    /// else becomes null.
    fn append(&mut self, value: &Value) {
        match (self, value) {
            (ColumnBuilder::Text(b), Value::Text(t)) => b.append_value(t),
            (ColumnBuilder::Int32(b), Value::Int(i)) => b.append_option(i32::try_from(*i).ok()),
            (ColumnBuilder::Int64(b), Value::Int(i)) => b.append_value(*i),
            (ColumnBuilder::Float64(b), Value::Float(f)) => b.append_value(*f),
            (ColumnBuilder::Bool(b), Value::Bool(v)) => b.append_value(*v),
            (ColumnBuilder::Timestamp(b), Value::Timestamp(t)) => b.append_value(*t),
            (builder, _) => builder.append_null(),
        }
    }

    fn append_text(&mut self, text: &str) {
        match self {
            ColumnBuilder::Text(b) => b.append_value(text),
            other => other.append_null(),
        }
    }

    fn append_null(&mut self) {
        match self {
            ColumnBuilder::Text(b) => b.append_null(),
            ColumnBuilder::Int32(b) => b.append_null(),
            ColumnBuilder::Int64(b) => b.append_null(),
            ColumnBuilder::Float64(b) => b.append_null(),
            ColumnBuilder::Bool(b) => b.append_null(),
            ColumnBuilder::Timestamp(b) => b.append_null(),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            ColumnBuilder::Text(b) => Arc::new(b.finish()),
            ColumnBuilder::Int32(b) => Arc::new(b.finish()),
            ColumnBuilder::Int64(b) => Arc::new(b.finish()),
            ColumnBuilder::Float64(b) => Arc::new(b.finish()),
            ColumnBuilder::Bool(b) => Arc::new(b.finish()),
            ColumnBuilder::Timestamp(b) => Arc::new(b.finish()),
        }
    }
}

/// Where an output column's values come from.
#[derive(Debug, Clone, Copy)]
pub enum ColumnSource {
    /// The parser's field at this index.
    Field(usize),
    /// The raw text of a bad record.
    CorruptRecord,
}

/// Builds a batch's columns from parsed lines; only the columns a query needs.
#[derive(Debug)]
pub struct RowBuilder {
    columns: Vec<(ColumnSource, ColumnBuilder)>,
    rows: usize,
}

impl RowBuilder {
    pub fn new(columns: impl IntoIterator<Item = (ColumnSource, ColumnType)>) -> Self {
        Self {
            columns: columns
                .into_iter()
                .map(|(source, ty)| (source, ColumnBuilder::new(ty)))
                .collect(),
            rows: 0,
        }
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Appends a parsed line, one value per parser field.
    pub fn append(&mut self, values: &[Value]) {
        for (source, builder) in &mut self.columns {
            match source {
                ColumnSource::Field(i) => builder.append(values.get(*i).unwrap_or(&Value::Null)),
                ColumnSource::CorruptRecord => builder.append_null(),
            }
        }
        self.rows += 1;
    }

    /// Appends a bad record: every parsed column null, its text in `_corrupt_record`.
    pub fn append_corrupt(&mut self, text: &str) {
        for (source, builder) in &mut self.columns {
            match source {
                ColumnSource::Field(_) => builder.append_null(),
                ColumnSource::CorruptRecord => builder.append_text(text),
            }
        }
        self.rows += 1;
    }

    /// The columns built so far; the builder starts over.
    pub fn finish(&mut self) -> Vec<ArrayRef> {
        self.rows = 0;
        self.columns.iter_mut().map(|(_, b)| b.finish()).collect()
    }
}

/// Converts a captured text to a column type; `None` when it does not fit (a bad record).
pub fn convert<'a>(
    text: Cow<'a, str>,
    ty: ColumnType,
    timestamp_format: Option<&str>,
) -> Option<Value<'a>> {
    if ty != ColumnType::Text && (text.is_empty() || text == "-") {
        return Some(Value::Null);
    }
    Some(match ty {
        ColumnType::Text => Value::Text(text),
        ColumnType::Int32 | ColumnType::Int64 => Value::Int(text.trim().parse().ok()?),
        ColumnType::Float64 => Value::Float(text.trim().parse().ok()?),
        ColumnType::Bool => Value::Bool(match text.trim().to_ascii_lowercase().as_str() {
            "true" | "t" | "yes" | "1" => true,
            "false" | "f" | "no" | "0" => false,
            _ => return None,
        }),
        ColumnType::Timestamp => Value::Timestamp(crate::formats::time::parse_any(
            text.trim(),
            timestamp_format,
        )?),
    })
}

/// Reuses a vector's allocation for values of another lifetime.
pub fn recycle<'b>(mut values: Vec<Value<'_>>) -> Vec<Value<'b>> {
    values.clear();
    values.into_iter().map(|_| Value::Null).collect()
}
