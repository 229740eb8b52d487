//! Printing query results and job summaries.

use std::io::Write;

use arrow::array::{AsArray, RecordBatch};
use arrow::datatypes::SchemaRef;
use arrow::datatypes::UInt64Type;
use futures::{Stream, StreamExt};
use kiln_client::ClientError;

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// An aligned text table.
    Table,
    /// CSV with a header line.
    Csv,
    /// One JSON object per row.
    Json,
}

/// The rows a sink job wrote: the sum of its result's `count` column (one row per task).
pub async fn rows_written(
    mut batches: impl Stream<Item = Result<RecordBatch, ClientError>> + Unpin,
) -> Result<u64, String> {
    let mut rows = 0;
    while let Some(batch) = batches.next().await {
        let batch = batch.map_err(|e| e.to_string())?;
        let counts = batch
            .column_by_name("count")
            .and_then(|c| c.as_primitive_opt::<UInt64Type>())
            .ok_or("a sink job's result has no count column")?;
        rows += counts.iter().flatten().sum::<u64>();
    }
    Ok(rows)
}

/// Writes a result stream to stdout in `format`; returns the number of rows.
pub async fn print_results(
    schema: SchemaRef,
    mut batches: impl Stream<Item = Result<RecordBatch, ClientError>> + Unpin,
    format: Format,
) -> Result<u64, String> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut rows = 0u64;
    match format {
        Format::Table => {
            let mut all = vec![];
            while let Some(batch) = batches.next().await {
                let batch = batch.map_err(|e| e.to_string())?;
                rows += batch.num_rows() as u64;
                all.push(batch);
            }
            if all.is_empty() {
                all.push(RecordBatch::new_empty(schema));
            }
            let table =
                arrow::util::pretty::pretty_format_batches(&all).map_err(|e| e.to_string())?;
            writeln!(out, "{table}").map_err(|e| e.to_string())?;
        }
        Format::Csv => {
            let mut writer = arrow::csv::WriterBuilder::new()
                .with_header(true)
                .build(&mut out);
            let mut wrote = false;
            while let Some(batch) = batches.next().await {
                let batch = batch.map_err(|e| e.to_string())?;
                rows += batch.num_rows() as u64;
                writer.write(&batch).map_err(|e| e.to_string())?;
                wrote = true;
            }
            if !wrote {
                writer
                    .write(&RecordBatch::new_empty(schema))
                    .map_err(|e| e.to_string())?;
            }
        }
        Format::Json => {
            let mut writer = arrow::json::LineDelimitedWriter::new(&mut out);
            while let Some(batch) = batches.next().await {
                let batch = batch.map_err(|e| e.to_string())?;
                rows += batch.num_rows() as u64;
                writer.write(&batch).map_err(|e| e.to_string())?;
            }
            writer.finish().map_err(|e| e.to_string())?;
        }
    }
    out.flush().map_err(|e| e.to_string())?;
    Ok(rows)
}
