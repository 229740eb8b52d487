//! Ships physical plans between processes: datafusion-proto for DataFusion's own nodes, plus
//! Kiln's extension codec for the shuffle nodes.

use std::sync::Arc;

use arrow::datatypes::Schema;
use arrow::ipc::convert::IpcSchemaEncoder;
use datafusion::error::{DataFusionError, Result};
use datafusion::execution::TaskContext;
use datafusion::physical_expr::LexOrdering;
use datafusion::physical_plan::ExecutionPlan;
use datafusion_proto::physical_plan::from_proto::parse_physical_sort_expr;
use datafusion_proto::physical_plan::to_proto::serialize_physical_sort_expr;
use datafusion_proto::physical_plan::{
    PhysicalExtensionCodec, PhysicalPlanDecodeContext, PhysicalProtoConverterExtension,
};
use datafusion_proto::protobuf::{PhysicalExprNode, PhysicalSortExprNode};
use kiln_proto::v1 as pb;
use prost::Message;

use crate::shuffle::{MapOutputLocation, ReadMode, ShuffleReaderExec, ShuffleWriterExec};

/// Encodes a plan (which may contain Kiln's shuffle nodes) as bytes.
pub fn encode_plan(plan: Arc<dyn ExecutionPlan>) -> Result<Vec<u8>> {
    Ok(
        datafusion_proto::bytes::physical_plan_to_bytes_with_extension_codec(plan, &KilnCodec)?
            .to_vec(),
    )
}

/// Decodes a plan encoded by [`encode_plan`], resolving tables and functions against `ctx`.
pub fn decode_plan(bytes: &[u8], ctx: &TaskContext) -> Result<Arc<dyn ExecutionPlan>> {
    datafusion_proto::bytes::physical_plan_from_bytes_with_extension_codec(bytes, ctx, &KilnCodec)
}

/// Encodes an Arrow schema as an IPC schema message.
pub fn encode_schema(schema: &Schema) -> Vec<u8> {
    let fb = IpcSchemaEncoder::new().schema_to_fb(schema);
    fb.finished_data().to_vec()
}

/// Decodes an IPC schema message written by [`encode_schema`].
pub fn decode_schema(bytes: &[u8]) -> Result<Schema> {
    let ipc = arrow::ipc::root_as_schema(bytes)
        .map_err(|e| DataFusionError::Internal(format!("invalid IPC schema: {e}")))?;
    Ok(arrow::ipc::convert::fb_to_schema(ipc))
}

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
        let node = pb::KilnPlanNode::decode(buf).map_err(|e| decode_error("Kiln plan node", e))?;
        let decode_ctx = PhysicalPlanDecodeContext::new(ctx, self);
        match node.node {
            Some(pb::kiln_plan_node::Node::ShuffleWriter(writer)) => {
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
            Some(pb::kiln_plan_node::Node::ShuffleReader(reader)) => {
                let schema = Arc::new(decode_schema(&reader.schema)?);
                let mode = match pb::ReadMode::try_from(reader.mode) {
                    Ok(pb::ReadMode::Hash) => ReadMode::Hash,
                    Ok(pb::ReadMode::OneToOne) => ReadMode::OneToOne,
                    Ok(pb::ReadMode::Merge) => ReadMode::Merge,
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
            pb::kiln_plan_node::Node::ShuffleWriter(pb::ShuffleWriterNode {
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
                ReadMode::Hash => pb::ReadMode::Hash,
                ReadMode::OneToOne => pb::ReadMode::OneToOne,
                ReadMode::Merge => pb::ReadMode::Merge,
            };
            pb::kiln_plan_node::Node::ShuffleReader(pb::ShuffleReaderNode {
                job_id: reader.job_id().to_string(),
                stage_id: reader.stage_id(),
                schema: encode_schema(&reader.schema()),
                mode: mode as i32,
                partitions: reader.partitions() as u32,
                locations: reader
                    .locations()
                    .iter()
                    .map(|l| pb::MapOutputLocation {
                        map_partition: l.map_partition,
                        attempt: l.attempt,
                        executor_id: l.executor_id.clone(),
                        flight_endpoint: l.flight_endpoint.clone(),
                    })
                    .collect(),
                ordering,
            })
        } else {
            return Err(DataFusionError::NotImplemented(format!(
                "Kiln cannot ship plan node {} to executors",
                node.name()
            )));
        };
        pb::KilnPlanNode {
            node: Some(encoded),
        }
        .encode(buf)
        .map_err(|e| DataFusionError::Internal(format!("encoding Kiln plan node: {e}")))
    }
}
