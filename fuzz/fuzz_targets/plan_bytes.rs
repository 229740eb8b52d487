//! Damaged and arbitrary bytes as an executor's task plan, and as a schema: a plan, a schema
//! or an error, never a panic that escapes (decoding catches the decoders' own panics, so
//! the default panic hook is put back in place of libFuzzer's, which aborts on any panic).
#![no_main]

use std::sync::{Arc, OnceLock};

use datafusion::physical_plan::ExecutionPlan;
use datafusion::prelude::{CsvReadOptions, SessionContext};
use kiln_core::codec::{decode_plan, decode_schema, encode_plan};
use kiln_core::shuffle::ShuffleWriterExec;
use libfuzzer_sys::fuzz_target;

/// A real stage plan (a scan, a filter, an aggregation and a sort under a shuffle writer),
/// encoded, and the session that decodes it.
fn encoded_plan() -> &'static (Vec<u8>, SessionContext) {
    static PLAN: OnceLock<(Vec<u8>, SessionContext)> = OnceLock::new();
    PLAN.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        runtime.block_on(async {
            let path = std::env::temp_dir().join(format!("kiln-fuzz-{}.csv", std::process::id()));
            std::fs::write(&path, "x,y\n1,a\n2,b\n").unwrap();
            let ctx = SessionContext::new();
            ctx.register_csv("t", path.to_str().unwrap(), CsvReadOptions::new())
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

fuzz_target!(
    init: {
        let _ = std::panic::take_hook();
        encoded_plan();
    },
    |input: &[u8]| {
        let (plan, ctx) = encoded_plan();
        let Some((mode, rest)) = input.split_first() else {
            return;
        };
        let bytes = if mode % 2 == 0 {
            // The real plan with bytes changed: (offset, offset, value) triples, then cut
            // where the mode says.
            let mut bytes = plan.clone();
            for change in rest.chunks_exact(3) {
                let at = usize::from(u16::from_le_bytes([change[0], change[1]])) % bytes.len();
                bytes[at] = change[2];
            }
            if mode % 4 == 2 {
                bytes.truncate(bytes.len() * usize::from(*mode) / 256);
            }
            bytes
        } else {
            rest.to_vec()
        };
        let _ = decode_plan(&bytes, &ctx.task_ctx());
        let _ = decode_schema(&bytes);
    }
);
