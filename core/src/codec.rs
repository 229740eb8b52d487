//! Ships physical plans between processes: datafusion-proto for DataFusion's own nodes, plus
//! Kiln's extension codec for the shuffle, sink and database-scan nodes and log scans.

use kiln_proto::internal::v1 as ipb;
use std::str::FromStr;
use std::sync::Arc;

use arrow::datatypes::Schema;
use datafusion::common::parsers::CompressionTypeVariant;
use datafusion::datasource::file_format::file_compression_type::FileCompressionType;
use datafusion::datasource::physical_plan::{
    CsvSource, FileScanConfig, FileScanConfigBuilder, JsonSource,
};
use datafusion::datasource::source::DataSourceExec;
use datafusion::error::{DataFusionError, Result};
use datafusion::execution::TaskContext;
use datafusion::physical_expr::{LexOrdering, PhysicalExpr};
use datafusion::physical_plan::ExecutionPlan;
use datafusion_proto::physical_plan::from_proto::{
    parse_physical_sort_expr, parse_protobuf_file_scan_config, parse_table_schema_from_proto,
};
use datafusion_proto::physical_plan::to_proto::serialize_physical_expr_with_converter;
use datafusion_proto::physical_plan::to_proto::{
    serialize_file_scan_config, serialize_physical_sort_expr,
};
use datafusion_proto::physical_plan::{
    PhysicalExtensionCodec, PhysicalPlanDecodeContext, PhysicalPlanNodeExt,
    PhysicalProtoConverterExtension,
};
use datafusion_proto::protobuf::physical_plan_node::PhysicalPlanType;
use datafusion_proto::protobuf::{
    FileScanExecConf, PhysicalExprNode, PhysicalExtensionNode, PhysicalPlanNode,
    PhysicalSortExprNode,
};
use kiln_logs::{LogOptions, LogSource};
use prost::Message;

use crate::shuffle::{MapOutputLocation, ReadMode, ShuffleReaderExec, ShuffleWriterExec};
use crate::sink::SinkWriterExec;
use crate::source::DatabaseScanExec;

/// Encodes a plan (which may contain Kiln's shuffle nodes) as bytes.
pub fn encode_plan(plan: Arc<dyn ExecutionPlan>) -> Result<Vec<u8>> {
    Ok(
        datafusion_proto::bytes::physical_plan_to_bytes_with_proto_converter(
            plan,
            &KilnCodec,
            &KilnProtoConverter,
        )?
        .to_vec(),
    )
}

/// datafusion-proto's conversion, but for compressed CSV and JSON scans, which it would send
/// without their compression: those go as Kiln's `CompressedFileScanNode`.
struct KilnProtoConverter;

impl PhysicalProtoConverterExtension for KilnProtoConverter {
    fn proto_to_execution_plan(
        &self,
        proto: &PhysicalPlanNode,
        ctx: &PhysicalPlanDecodeContext<'_>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        self.default_proto_to_execution_plan(proto, ctx)
    }

    fn execution_plan_to_proto(
        &self,
        plan: &Arc<dyn ExecutionPlan>,
        codec: &dyn PhysicalExtensionCodec,
    ) -> Result<PhysicalPlanNode> {
        let compression = plan
            .downcast_ref::<DataSourceExec>()
            .and_then(|exec| exec.data_source().downcast_ref::<FileScanConfig>())
            .filter(|config| {
                let source = config.file_source();
                source.downcast_ref::<CsvSource>().is_some()
                    || source.downcast_ref::<JsonSource>().is_some()
            })
            .map(|config| config.file_compression_type)
            .filter(|compression| compression.is_compressed());
        let node =
            PhysicalPlanNode::try_from_physical_plan_with_converter(Arc::clone(plan), codec, self)?;
        let Some(compression) = compression else {
            return Ok(node);
        };
        let wrapped = ipb::KilnPlanNode {
            node: Some(ipb::kiln_plan_node::Node::CompressedFileScan(
                ipb::CompressedFileScanNode {
                    scan: node.encode_to_vec(),
                    compression: compression.get_variant().to_string(),
                },
            )),
        };
        Ok(PhysicalPlanNode {
            physical_plan_type: Some(PhysicalPlanType::Extension(PhysicalExtensionNode {
                node: wrapped.encode_to_vec(),
                inputs: vec![],
            })),
        })
    }

    fn proto_to_physical_expr(
        &self,
        proto: &PhysicalExprNode,
        input_schema: &Schema,
        ctx: &PhysicalPlanDecodeContext<'_>,
    ) -> Result<Arc<dyn PhysicalExpr>> {
        self.default_proto_to_physical_expr(proto, input_schema, ctx)
    }

    fn physical_expr_to_proto(
        &self,
        expr: &Arc<dyn PhysicalExpr>,
        codec: &dyn PhysicalExtensionCodec,
    ) -> Result<PhysicalExprNode> {
        serialize_physical_expr_with_converter(expr, codec, self)
    }
}

/// Decodes a plan encoded by [`encode_plan`], resolving tables and functions against `ctx`.
pub fn decode_plan(bytes: &[u8], ctx: &TaskContext) -> Result<Arc<dyn ExecutionPlan>> {
    without_panics("plan", || {
        datafusion_proto::bytes::physical_plan_from_bytes_with_extension_codec(
            bytes, ctx, &KilnCodec,
        )
    })
}

/// Runs a decoder that may panic on damaged input (datafusion-proto and arrow-ipc do on some
/// messages), turning the panic into an error: a damaged message must fail its task or call,
/// never the process or the thread that serves it.
fn without_panics<T>(what: &str, decode: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(decode)).unwrap_or_else(|_| {
        Err(DataFusionError::Internal(format!(
            "the {what} message is damaged (its decoder failed)"
        )))
    })
}

pub use kiln_wire::schema::{decode_schema, encode_schema};

/// The datafusion-proto extension codec for Kiln's own plan nodes.
#[derive(Debug, Default, Clone, Copy)]
pub struct KilnCodec;

fn decode_error(what: &str, e: impl std::fmt::Display) -> DataFusionError {
    DataFusionError::Internal(format!("decoding {what}: {e}"))
}

impl PhysicalExtensionCodec for KilnCodec {
    fn try_decode(
        &self,
        buf: &[u8],
        inputs: &[Arc<dyn ExecutionPlan>],
        ctx: &TaskContext,
        proto_converter: &dyn PhysicalProtoConverterExtension,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let node = ipb::KilnPlanNode::decode(buf).map_err(|e| decode_error("Kiln plan node", e))?;
        let decode_ctx = PhysicalPlanDecodeContext::new(ctx, self);
        match node.node {
            Some(ipb::kiln_plan_node::Node::ShuffleWriter(writer)) => {
                let [input] = inputs else {
                    return Err(decode_error("ShuffleWriterExec", "expected one input"));
                };
                let hash = if writer.hash_exprs.is_empty() {
                    None
                } else {
                    let schema = input.schema();
                    let exprs = writer
                        .hash_exprs
                        .iter()
                        .map(|bytes| {
                            let proto = PhysicalExprNode::decode(bytes.as_slice())
                                .map_err(|e| decode_error("hash expression", e))?;
                            proto_converter.proto_to_physical_expr(&proto, &schema, &decode_ctx)
                        })
                        .collect::<Result<Vec<_>>>()?;
                    Some((exprs, writer.output_partitions as usize))
                };
                Ok(Arc::new(ShuffleWriterExec::new(
                    writer.job_id,
                    writer.stage_id,
                    Arc::clone(input),
                    hash,
                )))
            }
            Some(ipb::kiln_plan_node::Node::ShuffleReader(reader)) => {
                let schema = Arc::new(decode_schema(&reader.schema)?);
                let mode = match ipb::ReadMode::try_from(reader.mode) {
                    Ok(ipb::ReadMode::Hash) => ReadMode::Hash,
                    Ok(ipb::ReadMode::OneToOne) => ReadMode::OneToOne,
                    Ok(ipb::ReadMode::Merge) => ReadMode::Merge,
                    _ => return Err(decode_error("ShuffleReaderExec", "unknown read mode")),
                };
                let sort_exprs = reader
                    .ordering
                    .iter()
                    .map(|bytes| {
                        let proto = PhysicalSortExprNode::decode(bytes.as_slice())
                            .map_err(|e| decode_error("sort expression", e))?;
                        parse_physical_sort_expr(&proto, &decode_ctx, &schema, proto_converter)
                    })
                    .collect::<Result<Vec<_>>>()?;
                let locations = reader
                    .locations
                    .into_iter()
                    .map(|l| MapOutputLocation {
                        map_partition: l.map_partition,
                        attempt: l.attempt,
                        executor_id: l.executor_id,
                        flight_endpoint: l.flight_endpoint,
                    })
                    .collect();
                let exec = ShuffleReaderExec::new(
                    reader.job_id,
                    reader.stage_id,
                    schema,
                    mode,
                    reader.partitions as usize,
                    LexOrdering::new(sort_exprs),
                )
                .with_locations(locations);
                Ok(Arc::new(exec))
            }
            Some(ipb::kiln_plan_node::Node::SinkWriter(writer)) => {
                let [input] = inputs else {
                    return Err(decode_error("SinkWriterExec", "expected one input"));
                };
                let sink = writer
                    .sink
                    .ok_or_else(|| decode_error("SinkWriterExec", "no sink"))?;
                Ok(Arc::new(SinkWriterExec::new(
                    writer.job_id,
                    sink,
                    Arc::clone(input),
                )))
            }
            Some(ipb::kiln_plan_node::Node::DatabaseScan(scan)) => {
                let source = scan
                    .source
                    .ok_or_else(|| decode_error("DatabaseScanExec", "no source"))?;
                let schema = Arc::new(decode_schema(&scan.schema)?);
                Ok(Arc::new(DatabaseScanExec::new(
                    source,
                    scan.queries,
                    schema,
                )))
            }
            Some(ipb::kiln_plan_node::Node::LogScan(scan)) => {
                let conf = FileScanExecConf::decode(scan.scan.as_slice())
                    .map_err(|e| decode_error("log scan", e))?;
                let options = LogOptions::parse(&scan.options.into_iter().collect())
                    .map_err(|e| decode_error("log scan options", e))?;
                let table_schema = parse_table_schema_from_proto(&conf)?;
                let source = LogSource::try_new(table_schema, options)
                    .map_err(|e| decode_error("log scan options", e))?
                    .with_quarantine_store(ctx.runtime_env().as_ref(), &ctx.session_id())?;
                let conf = parse_protobuf_file_scan_config(
                    &conf,
                    &decode_ctx,
                    proto_converter,
                    Arc::new(source),
                )?;
                Ok(DataSourceExec::from_data_source(conf))
            }
            Some(ipb::kiln_plan_node::Node::CompressedFileScan(scan)) => {
                let node = PhysicalPlanNode::decode(scan.scan.as_slice())
                    .map_err(|e| decode_error("compressed file scan", e))?;
                let plan = proto_converter.proto_to_execution_plan(&node, &decode_ctx)?;
                let compression = CompressionTypeVariant::from_str(&scan.compression)
                    .map_err(|e| decode_error("compressed file scan", e))?;
                let config = plan
                    .downcast_ref::<DataSourceExec>()
                    .and_then(|exec| exec.data_source().downcast_ref::<FileScanConfig>())
                    .ok_or_else(|| decode_error("compressed file scan", "not a file scan"))?;
                let config = FileScanConfigBuilder::from(config.clone())
                    .with_file_compression_type(FileCompressionType::from(compression))
                    .build();
                Ok(DataSourceExec::from_data_source(config))
            }
            None => Err(decode_error("Kiln plan node", "empty node")),
        }
    }

    fn try_encode(
        &self,
        node: Arc<dyn ExecutionPlan>,
        buf: &mut Vec<u8>,
        proto_converter: &dyn PhysicalProtoConverterExtension,
    ) -> Result<()> {
        let encoded = if let Some(writer) = node.downcast_ref::<ShuffleWriterExec>() {
            let hash_exprs = writer
                .hash_exprs()
                .unwrap_or_default()
                .iter()
                .map(|expr| {
                    Ok(proto_converter
                        .physical_expr_to_proto(expr, self)?
                        .encode_to_vec())
                })
                .collect::<Result<Vec<_>>>()?;
            ipb::kiln_plan_node::Node::ShuffleWriter(ipb::ShuffleWriterNode {
                job_id: writer.job_id().to_string(),
                stage_id: writer.stage_id(),
                hash_exprs,
                output_partitions: writer.output_partitions() as u32,
            })
        } else if let Some(reader) = node.downcast_ref::<ShuffleReaderExec>() {
            let ordering = reader
                .ordering()
                .map(|o| o.iter().cloned().collect::<Vec<_>>())
                .unwrap_or_default()
                .into_iter()
                .map(|sort| {
                    Ok(serialize_physical_sort_expr(sort, self, proto_converter)?.encode_to_vec())
                })
                .collect::<Result<Vec<_>>>()?;
            let mode = match reader.mode() {
                ReadMode::Hash => ipb::ReadMode::Hash,
                ReadMode::OneToOne => ipb::ReadMode::OneToOne,
                ReadMode::Merge => ipb::ReadMode::Merge,
            };
            ipb::kiln_plan_node::Node::ShuffleReader(ipb::ShuffleReaderNode {
                job_id: reader.job_id().to_string(),
                stage_id: reader.stage_id(),
                schema: encode_schema(&reader.schema()),
                mode: mode as i32,
                partitions: reader.partitions() as u32,
                locations: reader
                    .locations()
                    .iter()
                    .map(|l| ipb::MapOutputLocation {
                        map_partition: l.map_partition,
                        attempt: l.attempt,
                        executor_id: l.executor_id.clone(),
                        flight_endpoint: l.flight_endpoint.clone(),
                    })
                    .collect(),
                ordering,
            })
        } else if let Some(writer) = node.downcast_ref::<SinkWriterExec>() {
            ipb::kiln_plan_node::Node::SinkWriter(ipb::SinkWriterNode {
                job_id: writer.job_id().to_string(),
                sink: Some(writer.sink().clone()),
            })
        } else if let Some(scan) = node.downcast_ref::<DatabaseScanExec>() {
            ipb::kiln_plan_node::Node::DatabaseScan(ipb::DatabaseScanNode {
                source: Some(scan.source().clone()),
                queries: scan.queries().to_vec(),
                schema: encode_schema(&scan.schema()),
            })
        } else if let Some((conf, source)) = node
            .downcast_ref::<DataSourceExec>()
            .and_then(|exec| exec.downcast_to_file_source::<LogSource>())
        {
            ipb::kiln_plan_node::Node::LogScan(ipb::LogScanNode {
                scan: serialize_file_scan_config(conf, self, proto_converter)?.encode_to_vec(),
                options: source.options().to_map().into_iter().collect(),
            })
        } else {
            return Err(DataFusionError::NotImplemented(format!(
                "Kiln cannot ship plan node {} to executors",
                node.name()
            )));
        };
        ipb::KilnPlanNode {
            node: Some(encoded),
        }
        .encode(buf)
        .map_err(|e| DataFusionError::Internal(format!("encoding Kiln plan node: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::physical_plan::{ExecutionPlanProperties, displayable};
    use datafusion::prelude::{ParquetReadOptions, SessionContext};

    fn text(plan: &Arc<dyn ExecutionPlan>) -> String {
        displayable(plan.as_ref()).indent(true).to_string()
    }

    #[test]
    fn schemas_with_dictionary_fields_round_trip() {
        use arrow::datatypes::{DataType, Field};
        let dictionary = DataType::Dictionary(Box::new(DataType::UInt16), Box::new(DataType::Utf8));
        let schema = Schema::new(vec![
            Field::new("x", DataType::Int64, false),
            Field::new("region", dictionary, true),
        ]);
        assert_eq!(decode_schema(&encode_schema(&schema)).unwrap(), schema);
    }

    #[tokio::test]
    async fn a_parquet_scan_keeps_its_file_groups_through_the_codec() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = SessionContext::new();
        let path = dir.path().join("t.parquet");
        ctx.sql("SELECT * FROM (VALUES (1, 'a'), (2, 'b'), (3, 'c')) AS t(x, y)")
            .await
            .unwrap()
            .write_parquet(path.to_str().unwrap(), Default::default(), None)
            .await
            .unwrap();
        ctx.register_parquet("t", path.to_str().unwrap(), ParquetReadOptions::default())
            .await
            .unwrap();
        let plan = ctx
            .sql("SELECT y, sum(x) FROM t GROUP BY y")
            .await
            .unwrap()
            .create_physical_plan()
            .await
            .unwrap();
        let writer: Arc<dyn ExecutionPlan> =
            Arc::new(ShuffleWriterExec::new("job-1", 0, Arc::clone(&plan), None));
        let bytes = encode_plan(Arc::clone(&writer)).unwrap();
        let decoded = decode_plan(&bytes, &ctx.task_ctx()).unwrap();
        assert_eq!(text(&writer), text(&decoded));
        assert_eq!(
            writer.output_partitioning().partition_count(),
            decoded.output_partitioning().partition_count()
        );
    }

    async fn rows_per_partition(plan: &Arc<dyn ExecutionPlan>, ctx: &SessionContext) -> Vec<usize> {
        let mut rows = vec![];
        for p in 0..plan.output_partitioning().partition_count() {
            let batches = datafusion::physical_plan::common::collect(
                plan.execute(p, ctx.task_ctx()).unwrap(),
            )
            .await
            .unwrap();
            rows.push(batches.iter().map(|b| b.num_rows()).sum());
        }
        rows
    }

    #[tokio::test]
    async fn a_scan_split_into_byte_ranges_reads_each_row_once_after_decoding() {
        let dir = tempfile::tempdir().unwrap();
        let writer_ctx = SessionContext::new();
        let props = datafusion::config::TableParquetOptions {
            global: datafusion::config::ParquetOptions {
                max_row_group_size: 1000,
                ..Default::default()
            },
            ..Default::default()
        };
        for file in 0..3 {
            let path = dir.path().join(format!("part-{file}.parquet"));
            writer_ctx
                .sql("SELECT value AS x, value * 2 AS y FROM generate_series(1, 20000)")
                .await
                .unwrap()
                .write_parquet(
                    path.to_str().unwrap(),
                    Default::default(),
                    Some(props.clone()),
                )
                .await
                .unwrap();
        }
        let config = crate::config::distributed_session_config(4).with_repartition_file_min_size(1);
        let ctx = SessionContext::new_with_config(config);
        let location = format!("{}/", dir.path().display());
        ctx.register_parquet("t", &location, ParquetReadOptions::default())
            .await
            .unwrap();
        let plan = ctx
            .sql("SELECT x FROM t WHERE y > 0")
            .await
            .unwrap()
            .create_physical_plan()
            .await
            .unwrap();
        let original = rows_per_partition(&plan, &ctx).await;
        assert_eq!(original.iter().sum::<usize>(), 60000, "{original:?}");
        // Like executors: each partition decodes its own copy of the plan and runs alone, in a
        // session with the settings the coordinator planned with.
        let bytes = encode_plan(Arc::clone(&plan)).unwrap();
        let executor =
            SessionContext::new_with_config(crate::config::distributed_session_config(4));
        let mut isolated = vec![];
        for partition in 0..original.len() {
            let decoded = decode_plan(&bytes, &executor.task_ctx()).unwrap();
            let stream = decoded.execute(partition, executor.task_ctx()).unwrap();
            let batches = datafusion::physical_plan::common::collect(stream)
                .await
                .unwrap();
            isolated.push(batches.iter().map(|b| b.num_rows()).sum::<usize>());
        }
        assert_eq!(isolated, original);
    }

    /// A plan as the coordinator sends it: a shuffle writer over an aggregate of a Parquet
    /// scan, encoded once for the fuzz targets below.
    fn encoded_plan() -> &'static (Vec<u8>, SessionContext) {
        static PLAN: std::sync::OnceLock<(Vec<u8>, SessionContext)> = std::sync::OnceLock::new();
        PLAN.get_or_init(|| {
            let runtime = tokio::runtime::Runtime::new().unwrap();
            runtime.block_on(async {
                let dir = tempfile::tempdir().unwrap().keep();
                let ctx = SessionContext::new();
                let path = dir.join("t.parquet");
                ctx.sql("SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS t(x, y)")
                    .await
                    .unwrap()
                    .write_parquet(path.to_str().unwrap(), Default::default(), None)
                    .await
                    .unwrap();
                ctx.register_parquet("t", path.to_str().unwrap(), ParquetReadOptions::default())
                    .await
                    .unwrap();
                let plan = ctx
                    .sql("SELECT y, sum(x) FROM t WHERE x > 0 GROUP BY y ORDER BY y")
                    .await
                    .unwrap()
                    .create_physical_plan()
                    .await
                    .unwrap();
                let writer: Arc<dyn ExecutionPlan> =
                    Arc::new(ShuffleWriterExec::new("job-1", 0, plan, None));
                (encode_plan(writer).unwrap(), ctx)
            })
        })
    }

    proptest::proptest! {
        /// A plan message damaged anywhere (bytes changed, cut short) decodes to a plan or an
        /// error, never a panic: an executor must survive whatever reaches LaunchTasks.
        #[test]
        fn damaged_plans_never_panic(
            changes in proptest::collection::vec(
                (proptest::prelude::any::<proptest::sample::Index>(), proptest::prelude::any::<u8>()),
                0..6,
            ),
            cut in proptest::prelude::any::<proptest::sample::Index>(),
            shorten in proptest::prelude::any::<bool>(),
        ) {
            let (bytes, ctx) = encoded_plan();
            let mut bytes = bytes.clone();
            for (at, value) in changes {
                let at = at.index(bytes.len());
                bytes[at] = value;
            }
            if shorten {
                bytes.truncate(cut.index(bytes.len()));
            }
            let _ = decode_plan(&bytes, &ctx.task_ctx());
        }

        /// Arbitrary bytes as a plan or as a schema message: an error, never a panic.
        #[test]
        fn arbitrary_bytes_never_panic_as_plans_or_schemas(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
        ) {
            let (_, ctx) = encoded_plan();
            let _ = decode_plan(&bytes, &ctx.task_ctx());
            let _ = decode_schema(&bytes);
        }

        /// A schema message damaged anywhere: a schema or an error, never a panic.
        #[test]
        fn damaged_schemas_never_panic(
            changes in proptest::collection::vec(
                (proptest::prelude::any::<proptest::sample::Index>(), proptest::prelude::any::<u8>()),
                1..4,
            ),
        ) {
            use arrow::datatypes::{DataType, Field};
            let dictionary =
                DataType::Dictionary(Box::new(DataType::UInt16), Box::new(DataType::Utf8));
            let schema = Schema::new(vec![
                Field::new("x", DataType::Int64, false),
                Field::new("d", DataType::Decimal128(20, 4), true),
                Field::new("region", dictionary, true),
            ]);
            let mut bytes = encode_schema(&schema);
            for (at, value) in changes {
                let at = at.index(bytes.len());
                bytes[at] = value;
            }
            let _ = decode_schema(&bytes);
        }
    }
}
