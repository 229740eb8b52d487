//! TPC-H data (generated in-process with tpchgen, written as Parquet) and the 22 queries.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::RecordBatch;
use arrow::error::ArrowError;
use parquet::arrow::ArrowWriter;
use tpchgen::generators::{
    CustomerGenerator, LineItemGenerator, NationGenerator, OrderGenerator, PartGenerator,
    PartSuppGenerator, RegionGenerator, SupplierGenerator,
};
use tpchgen_arrow::{
    CustomerArrow, LineItemArrow, NationArrow, OrderArrow, PartArrow, PartSuppArrow, RegionArrow,
    SupplierArrow,
};

/// The eight TPC-H tables.
pub const TABLES: [&str; 8] = [
    "customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier",
];

/// The text of TPC-H query `n` (1..=22).
pub fn query(n: usize) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tpch")
        .join(format!("q{n}.sql"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// TPC-H data at `scale` in `files` Parquet files per large table, generated once under the
/// target directory and reused by later runs; returns its directory.
pub fn dataset(scale: f64, files: usize) -> PathBuf {
    let dir = crate::cluster::bin_dir()
        .join("kiln-test-data")
        .join(format!("tpch-sf{scale}-{files}files"));
    if dir.join("_COMPLETE").exists() {
        return dir;
    }
    let staging = dir.with_file_name(format!(
        "{}.staging-{}",
        dir.file_name().and_then(|n| n.to_str()).unwrap_or("tpch"),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&staging);
    generate(&staging, scale, files).expect("generating TPC-H data");
    std::fs::write(staging.join("_COMPLETE"), b"").expect("marking data complete");
    // Another test process may have finished first; either copy is complete.
    if std::fs::rename(&staging, &dir).is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    dir
}

/// Writes the eight tables under `dir/<table>/part-<i>.parquet`.
pub fn generate(dir: &Path, scale: f64, files: usize) -> Result<(), ArrowError> {
    let parts = files as i32;
    for part in 1..=parts {
        write(
            dir,
            "lineitem",
            part,
            LineItemArrow::new(LineItemGenerator::new(scale, part, parts)),
        )?;
        write(
            dir,
            "orders",
            part,
            OrderArrow::new(OrderGenerator::new(scale, part, parts)),
        )?;
        write(
            dir,
            "customer",
            part,
            CustomerArrow::new(CustomerGenerator::new(scale, part, parts)),
        )?;
        write(
            dir,
            "part",
            part,
            PartArrow::new(PartGenerator::new(scale, part, parts)),
        )?;
        write(
            dir,
            "partsupp",
            part,
            PartSuppArrow::new(PartSuppGenerator::new(scale, part, parts)),
        )?;
        write(
            dir,
            "supplier",
            part,
            SupplierArrow::new(SupplierGenerator::new(scale, part, parts)),
        )?;
    }
    write(
        dir,
        "nation",
        1,
        NationArrow::new(NationGenerator::new(scale, 1, 1)),
    )?;
    write(
        dir,
        "region",
        1,
        RegionArrow::new(RegionGenerator::new(scale, 1, 1)),
    )?;
    Ok(())
}

fn write<I>(dir: &Path, table: &str, part: i32, batches: I) -> Result<(), ArrowError>
where
    I: arrow::record_batch::RecordBatchReader,
{
    let table_dir = dir.join(table);
    std::fs::create_dir_all(&table_dir)?;
    let file = File::create(table_dir.join(format!("part-{part}.parquet")))?;
    let schema = batches.schema();
    let mut writer = ArrowWriter::try_new(file, Arc::clone(&schema), None)
        .map_err(|e| ArrowError::ExternalError(Box::new(e)))?;
    for batch in batches {
        let batch: RecordBatch = batch?;
        writer
            .write(&batch)
            .map_err(|e| ArrowError::ExternalError(Box::new(e)))?;
    }
    writer
        .close()
        .map_err(|e| ArrowError::ExternalError(Box::new(e)))?;
    Ok(())
}

/// `CREATE EXTERNAL TABLE` statements for the tables under `dir`.
pub fn create_tables_sql(dir: &Path) -> Vec<String> {
    TABLES
        .iter()
        .map(|table| {
            format!(
                "CREATE EXTERNAL TABLE {table} STORED AS PARQUET LOCATION '{}/'",
                dir.join(table).display()
            )
        })
        .collect()
}
