//! Log files as a DataFusion file format: listing tables, projection, byte-range splits of big
//! files, per-file decompression, and metrics of records read and bad.

use std::collections::HashMap;
use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::error::ArrowError;
use async_trait::async_trait;
use bytes::Bytes;
use datafusion::catalog::Session;
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::common::{GetExt, Statistics};
use datafusion::datasource::file_format::csv::CsvFormat;
use datafusion::datasource::file_format::file_compression_type::FileCompressionType;
use datafusion::datasource::file_format::json::JsonFormat;
use datafusion::datasource::file_format::{FileFormat, FileFormatFactory};
use datafusion::datasource::listing::ListingTableUrl;
use datafusion::datasource::physical_plan::{
    FileGroupPartitioner, FileOpenFuture, FileOpener, FileScanConfig, FileScanConfigBuilder,
    FileSource,
};
use datafusion::datasource::projection::{ProjectionOpener, SplitProjection};
use datafusion::datasource::source::DataSourceExec;
use datafusion::datasource::table_schema::TableSchema;
use datafusion::error::{DataFusionError, Result};
use datafusion::execution::runtime_env::RuntimeEnv;
use datafusion::physical_expr::{LexOrdering, PhysicalExpr};
use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_plan::metrics::{ExecutionPlanMetricsSet, MetricBuilder};
use datafusion::physical_plan::projection::ProjectionExprs;
use datafusion_datasource::PartitionedFile;
use datafusion_datasource::boundary_stream::AlignedBoundaryStream;
use datafusion_datasource::decoder::{Decoder, DecoderDeserializer, deserialize_stream};
use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};
use object_store::path::Path;
use object_store::{GetOptions, GetRange, ObjectMeta, ObjectStore};
use regex::Regex;

use crate::csv_json::{OutputColumn, RecordDecoder, TextFormat};
use crate::decoder::{BadRecord, Counters, LogDecoder, Quarantined};
use crate::formats::{Columns, Format};
use crate::options::{BadRecordPolicy, LogOptions, bad};
use crate::quarantine::{Input, Quarantine, QuarantineWriter};
use crate::values::{ColumnSource, ColumnType, RowBuilder};
use crate::{CORRUPT_RECORD_COLUMN, metrics};

/// How many bytes of the first file a format that infers its columns looks at.
const INFERENCE_BYTES: usize = 1 << 20;

/// A log format with its options: what `STORED AS LOG` and `format = "log"` read with, and
/// CSV and JSON job sources.
#[derive(Debug, Clone)]
pub struct LogFormat {
    options: LogOptions,
    reader: Reader,
    multiline_start: Option<Arc<Regex>>,
}

/// How a format's records become rows.
#[derive(Debug, Clone)]
enum Reader {
    /// A parser of a log family, line by line ([`crate::formats`]).
    Lines(Format),
    /// Arrow's CSV or JSON reader, a batch of records at a time ([`crate::csv_json`]).
    Records(TextFormat),
}

impl LogFormat {
    /// Checks the options and compiles the patterns they name.
    pub fn new(options: LogOptions) -> crate::Result<Self> {
        let reader = match options.format.as_str() {
            "csv" => Reader::Records(TextFormat::Csv(options.csv.clone())),
            "ndjson" => Reader::Records(TextFormat::Json),
            _ => Reader::Lines(Format::new(&options)?),
        };
        let multiline_start = options
            .multiline_start
            .as_deref()
            .map(|start| {
                Regex::new(start)
                    .map(Arc::new)
                    .map_err(|e| bad("multiline_start", format!("regex does not compile: {e}")))
            })
            .transpose()?;
        Ok(Self {
            options,
            reader,
            multiline_start,
        })
    }

    pub fn options(&self) -> &LogOptions {
        &self.options
    }

    /// The table schema for `columns`: plus `_corrupt_record` under the permissive policy.
    fn schema(&self, columns: Columns) -> Schema {
        self.table_schema(columns.iter().map(|(name, ty)| ty.field(name)).collect())
    }

    /// The table schema of a table with `fields` (declared or inferred): under the
    /// permissive policy every column may be null (a bad record's are) and `_corrupt_record`
    /// follows them.
    pub fn table_schema(&self, fields: Vec<Field>) -> Schema {
        if self.options.mode != BadRecordPolicy::Permissive {
            return Schema::new(fields);
        }
        let mut fields: Vec<Field> = fields
            .into_iter()
            .filter(|f| f.name() != CORRUPT_RECORD_COLUMN)
            .map(|f| f.with_nullable(true))
            .collect();
        fields.push(Field::new(CORRUPT_RECORD_COLUMN, DataType::Utf8, true));
        Schema::new(fields)
    }

    /// The compression of the file at `location`: the option's, or its extension's.
    fn compression_of(&self, location: &Path) -> FileCompressionType {
        self.options
            .compression
            .unwrap_or_else(|| compression_of(location))
    }

    /// The columns of CSV or JSON files, inferred by DataFusion's own formats from the first
    /// records.
    async fn infer_records_schema(
        &self,
        format: &TextFormat,
        state: &dyn Session,
        store: &Arc<dyn ObjectStore>,
        objects: &[ObjectMeta],
    ) -> Result<SchemaRef> {
        let Some(first) = objects.first() else {
            return Err(DataFusionError::Plan(
                "no files to infer the columns from; give the source a schema".into(),
            ));
        };
        let compression = self.compression_of(&first.location);
        let inferred = match format {
            TextFormat::Csv(dialect) => {
                let mut csv = CsvFormat::default()
                    .with_has_header(dialect.header)
                    .with_delimiter(dialect.delimiter)
                    .with_quote(dialect.quote)
                    .with_escape(dialect.escape)
                    .with_comment(dialect.comment)
                    .with_newlines_in_values(dialect.newlines_in_values)
                    .with_file_compression_type(compression);
                if let Some(null) = dialect.null_regex() {
                    csv = csv.with_null_regex(Some(null));
                }
                csv.infer_schema(state, store, objects).await?
            }
            TextFormat::Json => {
                JsonFormat::default()
                    .with_file_compression_type(compression)
                    .infer_schema(state, store, objects)
                    .await?
            }
        };
        let fields = inferred
            .fields()
            .iter()
            .map(|f| f.as_ref().clone())
            .collect();
        Ok(Arc::new(self.table_schema(fields)))
    }
}

#[async_trait]
impl FileFormat for LogFormat {
    /// Log files are read whatever their names; `.gz`/`.zst`/`.bz2`/`.xz` ones are decompressed.
    /// A directory of CSV or JSON is read by extension, `.csv` (`.csv.gz` when the compression
    /// option says gzip) or `.json`.
    fn get_ext(&self) -> String {
        match &self.reader {
            Reader::Lines(_) => String::new(),
            Reader::Records(TextFormat::Csv(_)) => "csv".into(),
            Reader::Records(TextFormat::Json) => "json".into(),
        }
    }

    fn get_ext_with_compression(&self, compression: &FileCompressionType) -> Result<String> {
        Ok(format!("{}{}", self.get_ext(), compression.get_ext()))
    }

    fn compression_type(&self) -> Option<FileCompressionType> {
        match &self.reader {
            Reader::Lines(_) => None,
            Reader::Records(_) => self.options.compression,
        }
    }

    async fn infer_schema(
        &self,
        state: &dyn Session,
        store: &Arc<dyn ObjectStore>,
        objects: &[ObjectMeta],
    ) -> Result<SchemaRef> {
        let format = match &self.reader {
            Reader::Lines(format) => format,
            Reader::Records(records) => {
                return self
                    .infer_records_schema(records, state, store, objects)
                    .await;
            }
        };
        let columns = match (format.fixed_columns(), objects.first()) {
            (Some(columns), _) => columns,
            (None, None) => {
                return Err(DataFusionError::Plan(format!(
                    "no files to infer the columns of {} logs from; give the table a schema",
                    self.options.format
                )));
            }
            (None, Some(first)) => {
                let head = read_head(store, &first.location).await?;
                format
                    .infer_columns(&String::from_utf8_lossy(&head))
                    .map_err(|e| DataFusionError::Plan(format!("{}: {e}", first.location)))?
            }
        };
        Ok(Arc::new(self.schema(columns)))
    }

    async fn infer_stats(
        &self,
        _state: &dyn Session,
        _store: &Arc<dyn ObjectStore>,
        table_schema: SchemaRef,
        _object: &ObjectMeta,
    ) -> Result<Statistics> {
        Ok(Statistics::new_unknown(&table_schema))
    }

    async fn create_physical_plan(
        &self,
        state: &dyn Session,
        conf: FileScanConfig,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let Some(source) = conf.file_source().downcast_ref::<LogSource>() else {
            return Ok(DataSourceExec::from_data_source(conf));
        };
        let source = source
            .clone()
            .with_quarantine_store(state.runtime_env(), state.session_id())?;
        let conf = FileScanConfigBuilder::from(conf)
            .with_source(Arc::new(source))
            .build();
        Ok(DataSourceExec::from_data_source(conf))
    }

    fn file_source(&self, table_schema: TableSchema) -> Arc<dyn FileSource> {
        Arc::new(LogSource::with_format(table_schema, self.clone()))
    }
}

/// The first bytes of a file, decompressed.
async fn read_head(store: &Arc<dyn ObjectStore>, location: &Path) -> Result<Vec<u8>> {
    let stream = store
        .get_opts(location, GetOptions::default())
        .await?
        .into_stream()
        .map_err(DataFusionError::from)
        .boxed();
    let mut stream = compression_of(location).convert_stream(stream)?;
    let mut head = Vec::new();
    while head.len() < INFERENCE_BYTES {
        match stream.next().await {
            Some(chunk) => head.extend_from_slice(&chunk?),
            None => break,
        }
    }
    Ok(head)
}

/// A file's compression, from its extension.
fn compression_of(location: &Path) -> FileCompressionType {
    match location.extension() {
        Some("gz") => FileCompressionType::GZIP,
        Some("zst" | "zstd") => FileCompressionType::ZSTD,
        Some("bz2") => FileCompressionType::BZIP2,
        Some("xz") => FileCompressionType::XZ,
        _ => FileCompressionType::UNCOMPRESSED,
    }
}

/// `CREATE EXTERNAL TABLE t STORED AS LOG LOCATION '...' OPTIONS ('log.format' 'combined')`.
#[derive(Debug, Default)]
pub struct LogFormatFactory;

impl GetExt for LogFormatFactory {
    fn get_ext(&self) -> String {
        "log".into()
    }
}

impl FileFormatFactory for LogFormatFactory {
    fn create(
        &self,
        _state: &dyn Session,
        format_options: &HashMap<String, String>,
    ) -> Result<Arc<dyn FileFormat>> {
        let options = LogOptions::parse(format_options)?;
        Ok(Arc::new(LogFormat::new(options)?))
    }

    fn default(&self) -> Arc<dyn FileFormat> {
        let options = HashMap::from([("format".to_string(), "combined".to_string())]);
        let options = LogOptions::parse(&options).expect("the combined format needs no options");
        Arc::new(LogFormat::new(options).expect("the combined format compiles"))
    }
}

/// Reads log files in a DataFusion scan (one [`DataSourceExec`] partition per file group).
#[derive(Debug, Clone)]
pub struct LogSource {
    table_schema: TableSchema,
    format: LogFormat,
    batch_size: Option<usize>,
    metrics: ExecutionPlanMetricsSet,
    projection: SplitProjection,
    quarantine: Option<Quarantine>,
}

impl LogSource {
    /// A source for a table of logs; fails when the options do not make a format.
    pub fn try_new(table_schema: TableSchema, options: LogOptions) -> crate::Result<Self> {
        Ok(Self::with_format(table_schema, LogFormat::new(options)?))
    }

    fn with_format(table_schema: TableSchema, format: LogFormat) -> Self {
        Self {
            projection: SplitProjection::unprojected(&table_schema),
            table_schema,
            format,
            batch_size: None,
            metrics: ExecutionPlanMetricsSet::new(),
            quarantine: None,
        }
    }

    /// Finds the store of the `quarantine` option, if set, in `runtime`; `run_id` (the job)
    /// names the directory the bad records of this run go to.
    pub fn with_quarantine_store(mut self, runtime: &RuntimeEnv, run_id: &str) -> Result<Self> {
        let Some(location) = &self.format.options.quarantine else {
            return Ok(self);
        };
        let url = ListingTableUrl::parse(location)?;
        self.quarantine = Some(Quarantine {
            store: runtime.object_store(url.object_store())?,
            prefix: url.prefix().clone(),
            run_id: run_id.to_string(),
        });
        Ok(self)
    }

    /// The options the source was made with (what a plan codec ships).
    pub fn options(&self) -> &LogOptions {
        self.format.options()
    }

    /// The table's parsed columns (all but `_corrupt_record`).
    fn table_columns(&self) -> Result<Columns> {
        self.table_schema
            .file_schema()
            .fields()
            .iter()
            .filter(|f| f.name() != CORRUPT_RECORD_COLUMN)
            .map(|f| Ok((f.name().clone(), column_type(f)?)))
            .collect()
    }

    /// For each column of `schema`, where a line parser's values for it come from, given the
    /// table's columns.
    fn layout(
        &self,
        format: &Format,
        schema: &Schema,
        table_columns: &Columns,
    ) -> Result<Vec<(ColumnSource, ColumnType)>> {
        let parsed = format.parser_columns(table_columns);
        schema
            .fields()
            .iter()
            .map(|field| {
                let source = if field.name() == CORRUPT_RECORD_COLUMN {
                    ColumnSource::CorruptRecord
                } else {
                    let index = parsed
                        .iter()
                        .position(|(name, _)| name == field.name())
                        .ok_or_else(|| {
                            DataFusionError::Plan(format!(
                                "column '{}' is not a field of {} logs (fields: {})",
                                field.name(),
                                self.format.options.format,
                                parsed
                                    .iter()
                                    .map(|(n, _)| n.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ))
                        })?;
                    ColumnSource::Field(index)
                };
                Ok((source, column_type(field)?))
            })
            .collect()
    }

    /// What a CSV or JSON opener decodes (every column of the file but `_corrupt_record`),
    /// and where each column of `schema` comes from.
    fn records_layout(&self, schema: &Schema) -> Result<(SchemaRef, Vec<OutputColumn>)> {
        let file_schema = self.table_schema.file_schema();
        let decoded: Vec<Field> = file_schema
            .fields()
            .iter()
            .filter(|f| f.name() != CORRUPT_RECORD_COLUMN)
            .map(|f| f.as_ref().clone())
            .collect();
        let columns = schema
            .fields()
            .iter()
            .map(|field| match field.name() == CORRUPT_RECORD_COLUMN {
                true => Ok(OutputColumn::Corrupt),
                false => decoded
                    .iter()
                    .position(|f| f.name() == field.name())
                    .map(OutputColumn::Decoded)
                    .ok_or_else(|| {
                        DataFusionError::Internal(format!("no column '{}'", field.name()))
                    }),
            })
            .collect::<Result<_>>()?;
        Ok((Arc::new(Schema::new(decoded)), columns))
    }
}

fn column_type(field: &Field) -> Result<ColumnType> {
    ColumnType::of(field.data_type()).ok_or_else(|| {
        DataFusionError::Plan(format!(
            "log column '{}' cannot be {} (use STRING, INT, BIGINT, DOUBLE, BOOLEAN or TIMESTAMP)",
            field.name(),
            field.data_type()
        ))
    })
}

impl FileSource for LogSource {
    fn create_file_opener(
        &self,
        object_store: Arc<dyn ObjectStore>,
        base_config: &FileScanConfig,
        partition: usize,
    ) -> Result<Arc<dyn FileOpener>> {
        let file_schema = self.table_schema.file_schema();
        let schema = Arc::new(file_schema.project(&self.projection.file_indices)?);
        let decoding = match &self.format.reader {
            Reader::Lines(format) => {
                let table_columns = self.table_columns()?;
                Decoding::Lines {
                    layout: self.layout(format, &schema, &table_columns)?,
                    table_columns,
                }
            }
            Reader::Records(_) => {
                let (records_schema, columns) = self.records_layout(&schema)?;
                Decoding::Records {
                    records_schema,
                    columns,
                }
            }
        };
        let opener = LogOpener {
            store_url: base_config.object_store_url.as_str().to_string(),
            quarantine: self.quarantine.clone(),
            store: object_store,
            decoding,
            schema,
            format: self.format.clone(),
            batch_size: self.batch_size.unwrap_or(8192),
            counters: Counters {
                records: MetricBuilder::new(&self.metrics).counter(metrics::RECORDS, partition),
                bad: MetricBuilder::new(&self.metrics).counter(metrics::BAD_RECORDS, partition),
            },
        };
        ProjectionOpener::try_new(self.projection.clone(), Arc::new(opener), file_schema)
    }

    fn table_schema(&self) -> &TableSchema {
        &self.table_schema
    }

    fn with_batch_size(&self, batch_size: usize) -> Arc<dyn FileSource> {
        let mut source = self.clone();
        source.batch_size = Some(batch_size);
        Arc::new(source)
    }

    fn projection(&self) -> Option<&ProjectionExprs> {
        Some(&self.projection.source)
    }

    fn try_pushdown_projection(
        &self,
        projection: &ProjectionExprs,
    ) -> Result<Option<Arc<dyn FileSource>>> {
        let mut source = self.clone();
        let merged = self.projection.source.try_merge(projection)?;
        source.projection = SplitProjection::new(self.table_schema.file_schema(), &merged);
        Ok(Some(Arc::new(source)))
    }

    fn metrics(&self) -> &ExecutionPlanMetricsSet {
        &self.metrics
    }

    fn file_type(&self) -> &str {
        "log"
    }

    fn supports_repartitioning(&self) -> bool {
        let splittable = match &self.format.reader {
            Reader::Lines(format) => format.splittable(),
            Reader::Records(format) => format.splittable(),
        };
        splittable && self.format.multiline_start.is_none()
    }

    /// Splits big uncompressed files into line-aligned byte ranges; compressed files are read
    /// whole (many small files are already grouped into partitions by the listing).
    fn repartitioned(
        &self,
        target_partitions: usize,
        repartition_file_min_size: usize,
        output_ordering: Option<LexOrdering>,
        config: &FileScanConfig,
    ) -> Result<Option<FileScanConfig>> {
        let compressed = config
            .file_groups
            .iter()
            .flat_map(|group| group.iter())
            .any(|file| {
                self.format
                    .compression_of(&file.object_meta.location)
                    .is_compressed()
            });
        if compressed || !self.supports_repartitioning() {
            return Ok(None);
        }
        let groups = FileGroupPartitioner::new()
            .with_target_partitions(target_partitions)
            .with_repartition_file_min_size(repartition_file_min_size)
            .with_preserve_order_within_groups(output_ordering.is_some())
            .repartition_file_groups(&config.file_groups);
        Ok(groups.map(|file_groups| {
            let mut config = config.clone();
            config.file_groups = file_groups;
            config
        }))
    }

    fn fmt_extra(
        &self,
        _t: datafusion::physical_plan::DisplayFormatType,
        f: &mut std::fmt::Formatter,
    ) -> std::fmt::Result {
        write!(
            f,
            ", log_format={}, mode={}",
            self.format.options.format,
            self.format.options.mode.name()
        )
    }

    fn apply_expressions(
        &self,
        f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>,
    ) -> Result<TreeNodeRecursion> {
        datafusion::physical_plan::apply_expression_roots(self.projection.source.iter(), f)
    }
}

/// Opens one file (or byte range) of a log scan.
struct LogOpener {
    /// The store's URL (`s3://bucket/`), to name files in full in messages.
    store_url: String,
    quarantine: Option<Quarantine>,
    store: Arc<dyn ObjectStore>,
    /// What the scan reads of each file.
    schema: SchemaRef,
    decoding: Decoding,
    format: LogFormat,
    batch_size: usize,
    counters: Counters,
}

impl FileOpener for LogOpener {
    fn open(&self, file: PartitionedFile) -> Result<FileOpenFuture> {
        let store = Arc::clone(&self.store);
        let location = file.object_meta.location.clone();
        let name = format!("{}{location}", self.store_url);
        let size = file.object_meta.size;
        let range = file
            .range
            .as_ref()
            .map(|r| (r.start.max(0) as u64, r.end.max(0) as u64));
        let quarantine = self
            .quarantine
            .clone()
            .map(|target| (target, Quarantined::default()));
        let quarantined = quarantine.as_ref().map(|(_, records)| Arc::clone(records));
        let decoder = match (&self.decoding, &self.format.reader) {
            (
                Decoding::Lines {
                    layout,
                    table_columns,
                },
                Reader::Lines(format),
            ) => {
                let decoder = LogDecoder::new(
                    format.parser(table_columns),
                    RowBuilder::new(layout.iter().copied()),
                    Arc::clone(&self.schema),
                    self.format.options.mode,
                    self.format.multiline_start.clone(),
                    self.batch_size,
                    self.counters.clone(),
                );
                ScanDecoder::Lines(match quarantined {
                    Some(records) => decoder.with_quarantine(records),
                    None => decoder,
                })
            }
            (
                Decoding::Records {
                    records_schema,
                    columns,
                },
                Reader::Records(format),
            ) => {
                let decoder = RecordDecoder::new(
                    format.clone(),
                    Arc::clone(records_schema),
                    Arc::clone(&self.schema),
                    columns.clone(),
                    self.format.options.mode,
                    self.batch_size,
                    self.counters.clone(),
                    range.is_none_or(|(start, _)| start == 0),
                );
                ScanDecoder::Records(Box::new(match quarantined {
                    Some(records) => decoder.with_quarantine(records),
                    None => decoder,
                }))
            }
            _ => {
                return Err(DataFusionError::Internal(
                    "a log opener's decoding does not match its format".into(),
                ));
            }
        };
        let compression = self.format.compression_of(&location);
        Ok(Box::pin(async move {
            match range {
                Some((start, end)) => tracing::info!("reading {name}, bytes {start}..{end}"),
                None => tracing::info!("reading {name}"),
            }
            let bytes: BoxStream<'static, Result<Bytes>> = match range {
                Some((start, end)) => AlignedBoundaryStream::new(
                    Arc::clone(&store),
                    location.clone(),
                    start,
                    end,
                    size,
                    b'\n',
                )
                .await?
                .map_err(DataFusionError::from)
                .boxed(),
                None => store
                    .get_opts(&location, GetOptions::default())
                    .await?
                    .into_stream()
                    .map_err(DataFusionError::from)
                    .boxed(),
            };
            let input = compression.convert_stream(bytes)?.fuse();
            let start = range.map_or(0, |(start, _)| start);
            // Bad records go to the quarantine a chunk of input at a time: those of one chunk
            // are written before the next one is decoded.
            let quarantine = quarantine.map(|(target, records)| {
                let input = Input {
                    store: Arc::clone(&store),
                    location: location.clone(),
                    name: name.clone(),
                    start,
                };
                Arc::new(futures::lock::Mutex::new(QuarantineWriter::new(
                    target, records, input,
                )))
            });
            let input = match &quarantine {
                None => input.boxed(),
                Some(writer) => {
                    let writer = Arc::clone(writer);
                    input
                        .then(move |chunk| {
                            let writer = Arc::clone(&writer);
                            async move {
                                writer.lock().await.drain().await?;
                                chunk
                            }
                        })
                        .boxed()
                }
            };
            let batches = deserialize_stream(input, DecoderDeserializer::new(decoder)).then({
                let (store, location, name) = (Arc::clone(&store), location.clone(), name.clone());
                move |batch| {
                    let (store, location, name) =
                        (Arc::clone(&store), location.clone(), name.clone());
                    async move {
                        match batch {
                            Ok(batch) => Ok(batch),
                            Err(error) => Err(locate(error, &store, &location, &name, start).await),
                        }
                    }
                }
            });
            let Some(writer) = quarantine else {
                return Ok(batches.boxed());
            };
            // Once the input is read, the last bad records go and the upload completes.
            let finish =
                futures::stream::once(
                    async move { writer.lock().await.finish().await.map(|()| None) },
                );
            Ok(batches
                .map_ok(Some)
                .chain(finish)
                .try_filter_map(|batch| futures::future::ready(Ok(batch)))
                .boxed())
        }))
    }
}

/// What an opener's decoder is built from, by the format's reader.
enum Decoding {
    /// A line parser's: where each column's values come from, and the table's columns.
    Lines {
        layout: Vec<(ColumnSource, ColumnType)>,
        table_columns: Columns,
    },
    /// Arrow's: the columns every record is decoded into, and what the scan reads of them.
    Records {
        records_schema: SchemaRef,
        columns: Vec<OutputColumn>,
    },
}

/// The decoder of one file of a scan.
#[derive(Debug)]
enum ScanDecoder {
    Lines(LogDecoder),
    /// Boxed: it holds a CSV tokenizer's tables.
    Records(Box<RecordDecoder>),
}

impl Decoder for ScanDecoder {
    fn decode(&mut self, buf: &[u8]) -> std::result::Result<usize, ArrowError> {
        match self {
            Self::Lines(d) => d.decode(buf),
            Self::Records(d) => d.decode(buf),
        }
    }

    fn flush(&mut self) -> std::result::Result<Option<arrow::array::RecordBatch>, ArrowError> {
        match self {
            Self::Lines(d) => d.flush(),
            Self::Records(d) => d.flush(),
        }
    }

    fn can_flush_early(&self) -> bool {
        match self {
            Self::Lines(d) => d.can_flush_early(),
            Self::Records(d) => d.can_flush_early(),
        }
    }
}

/// Names the file and line of a `fail_fast` bad record; other errors pass through.
async fn locate(
    error: ArrowError,
    store: &Arc<dyn ObjectStore>,
    location: &Path,
    name: &str,
    start: u64,
) -> DataFusionError {
    let ArrowError::ExternalError(inner) = &error else {
        return error.into();
    };
    let Some(bad) = inner.downcast_ref::<BadRecord>() else {
        return error.into();
    };
    // A byte range starts after the first newline at or past `start - 1`.
    let line = if start == 0 {
        Some(bad.line)
    } else {
        lines_before(store, location, start - 1)
            .await
            .ok()
            .map(|n| n + 1 + bad.line)
    };
    let line = line.map_or_else(
        || format!("line {} after byte {start}", bad.line),
        |n| format!("line {n}"),
    );
    DataFusionError::External(Box::new(FailFast {
        file: name.to_string(),
        line,
        reason: bad.reason.clone(),
        record: bad.record.clone(),
    }))
}

/// A scan stopped at a bad record under the `fail_fast` policy. The data is the same on every
/// attempt, so the scheduler fails the job at once instead of retrying the task.
#[derive(Debug, thiserror::Error)]
#[error("{file}, {line}: {reason} (mode fail_fast; the record: {record})")]
pub struct FailFast {
    /// The file's full name, with its store's URL.
    pub file: String,
    /// `line N`, or `line N after byte B` when the line could not be counted.
    pub line: String,
    pub reason: String,
    /// The record, shortened.
    pub record: String,
}

/// Newlines in the file's first `end` bytes.
pub(crate) async fn lines_before(
    store: &Arc<dyn ObjectStore>,
    location: &Path,
    end: u64,
) -> Result<u64> {
    let options = GetOptions {
        range: Some(GetRange::Bounded(0..end)),
        ..Default::default()
    };
    let mut stream = store.get_opts(location, options).await?.into_stream();
    let mut lines = 0;
    while let Some(chunk) = stream.next().await {
        lines += memchr::memchr_iter(b'\n', &chunk?).count() as u64;
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::datasource::listing::ListingOptions;
    use datafusion::physical_plan::displayable;
    use datafusion::prelude::{SessionConfig, SessionContext};
    use std::io::Write;

    fn line(n: usize) -> String {
        format!(
            r#"10.0.0.{} - - [10/Oct/2000:13:55:36 -0700] "GET /p/{n} HTTP/1.1" {} {n} "-" "ua""#,
            n % 250,
            if n.is_multiple_of(2) { 200 } else { 404 }
        )
    }

    async fn table(ctx: &SessionContext, dir: &std::path::Path, options: &[(&str, &str)]) {
        let map: HashMap<String, String> = options
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let format = LogFormat::new(LogOptions::parse(&map).unwrap()).unwrap();
        let listing = ListingOptions::new(Arc::new(format)).with_file_extension("");
        ctx.register_listing_table("logs", dir.to_str().unwrap(), listing, None, None)
            .await
            .unwrap();
    }

    /// A session that splits any file into 4 byte ranges.
    fn splitting_session() -> SessionContext {
        let mut config = SessionConfig::new().with_target_partitions(4);
        config
            .options_mut()
            .set("datafusion.optimizer.repartition_file_min_size", "1")
            .unwrap();
        SessionContext::new_with_config(config)
    }

    async fn query(ctx: &SessionContext, sql: &str) -> Result<String> {
        let batches = ctx.sql(sql).await?.collect().await?;
        Ok(arrow::util::pretty::pretty_format_batches(&batches)?.to_string())
    }

    #[tokio::test]
    async fn plain_and_gzipped_files_with_a_bad_line() {
        let dir = tempfile::tempdir().unwrap();
        let plain: Vec<String> = (0..3).map(line).chain(["garbage".to_string()]).collect();
        std::fs::write(dir.path().join("a.log"), plain.join("\n")).unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(format!("{}\n{}\n", line(3), line(4)).as_bytes())
            .unwrap();
        std::fs::write(dir.path().join("b.log.gz"), gz.finish().unwrap()).unwrap();

        let ctx = SessionContext::new();
        table(&ctx, dir.path(), &[("format", "combined")]).await;
        let text = query(
            &ctx,
            "SELECT count(*) AS n, count(_corrupt_record) AS bad, sum(bytes) AS bytes, \
             count(DISTINCT status) AS statuses, min(timestamp) AS first FROM logs",
        )
        .await
        .unwrap();
        assert!(
            text.contains("| 6 | 1   | 10    | 2        | 2000-10-10T20:55:36Z |"),
            "{text}"
        );
    }

    #[tokio::test]
    async fn fail_fast_names_file_and_line_in_a_split_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut lines: Vec<String> = (0..2000).map(line).collect();
        lines[1499] = "this is not an access log".into();
        std::fs::write(dir.path().join("big.log"), lines.join("\n")).unwrap();

        let ctx = splitting_session();
        table(
            &ctx,
            dir.path(),
            &[("format", "combined"), ("mode", "fail_fast")],
        )
        .await;
        let plan = ctx
            .sql("SELECT status FROM logs")
            .await
            .unwrap()
            .create_physical_plan()
            .await
            .unwrap();
        let shown = displayable(plan.as_ref()).indent(true).to_string();
        assert!(
            shown.contains("4 groups") && shown.contains("big.log:"),
            "{shown}"
        );
        let error = query(&ctx, "SELECT status FROM logs")
            .await
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("big.log, line 1500:") && error.contains("this is not an access log"),
            "{error}"
        );

        // Dropped, counted and quarantined with their lines, whichever range they fall in.
        lines[1799] = "another bad line".into();
        std::fs::write(dir.path().join("big.log"), lines.join("\n")).unwrap();
        let quarantine = tempfile::tempdir().unwrap();
        let ctx = splitting_session();
        let target = format!("{}/", quarantine.path().display());
        table(
            &ctx,
            dir.path(),
            &[
                ("format", "combined"),
                ("mode", "drop_malformed"),
                ("quarantine", &target),
            ],
        )
        .await;
        let text = query(&ctx, "SELECT count(*) AS n FROM logs").await.unwrap();
        assert!(text.contains("| 1998 |"), "{text}");
        let mut quarantined: Vec<(u64, String)> = walk(quarantine.path())
            .into_iter()
            .flat_map(|file| {
                let text = std::fs::read_to_string(file).unwrap();
                text.lines()
                    .map(|line| {
                        let entry: serde_json::Value = serde_json::from_str(line).unwrap();
                        assert!(
                            entry["file"].as_str().unwrap().ends_with("/big.log"),
                            "{entry}"
                        );
                        (
                            entry["line"].as_u64().unwrap(),
                            entry["record"].as_str().unwrap().to_string(),
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        quarantined.sort();
        assert_eq!(
            quarantined,
            [
                (1500, "this is not an access log".to_string()),
                (1800, "another bad line".to_string())
            ]
        );
    }

    fn walk(path: &std::path::Path) -> Vec<std::path::PathBuf> {
        if path.is_file() {
            return vec![path.to_path_buf()];
        }
        std::fs::read_dir(path)
            .unwrap()
            .flat_map(|entry| walk(&entry.unwrap().path()))
            .collect()
    }

    #[tokio::test]
    async fn columns_are_inferred_for_json_and_w3c() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("cf.log"),
            "#Version: 1.0\n#Fields: date time c-ip sc-status cs(User-Agent)\n\
             2019-12-04\t21:02:31\t192.0.2.1\t200\tcurl\n\
             2019-12-04\t21:02:32\t192.0.2.2\t304\t-\n",
        )
        .unwrap();
        let ctx = SessionContext::new();
        table(
            &ctx,
            dir.path(),
            &[("format", "cloudfront"), ("mode", "fail_fast")],
        )
        .await;
        let text = query(
            &ctx,
            "SELECT max(timestamp) AS last, sum(sc_status) AS s, count(cs_user_agent) AS ua FROM logs",
        )
        .await
        .unwrap();
        assert!(
            text.contains("| 2019-12-04T21:02:32Z | 504 | 1  |"),
            "{text}"
        );
    }
}
