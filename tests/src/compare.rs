//! Comparing query results row for row, with a tolerance for floating point.

use arrow::array::{Array, RecordBatch};
use arrow::datatypes::DataType;
use arrow::util::display::{ArrayFormatter, FormatOptions};

/// One cell: floats compared with a tolerance, everything else as text.
#[derive(Debug, Clone)]
pub enum Cell {
    Float(f64),
    Text(String),
}

impl Cell {
    fn matches(&self, other: &Cell) -> bool {
        match (self, other) {
            (Cell::Float(a), Cell::Float(b)) => {
                a == b || (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
            }
            (Cell::Text(a), Cell::Text(b)) => a == b,
            _ => false,
        }
    }

    /// A coarse key for sorting rows whose order the query leaves open.
    fn sort_key(&self) -> String {
        match self {
            Cell::Float(f) => format!("{f:.3e}"),
            Cell::Text(s) => s.clone(),
        }
    }
}

/// The rows of a result as cells.
pub fn rows(batches: &[RecordBatch]) -> Vec<Vec<Cell>> {
    let options = FormatOptions::default().with_null("NULL");
    let mut rows = vec![];
    for batch in batches {
        let formatters: Vec<_> = batch
            .columns()
            .iter()
            .map(|c| ArrayFormatter::try_new(c.as_ref(), &options).expect("formattable column"))
            .collect();
        for row in 0..batch.num_rows() {
            let cells = batch
                .columns()
                .iter()
                .zip(&formatters)
                .map(|(column, formatter)| {
                    float_value(column.as_ref(), row)
                        .map(Cell::Float)
                        .unwrap_or_else(|| Cell::Text(formatter.value(row).to_string()))
                })
                .collect();
            rows.push(cells);
        }
    }
    rows
}

fn float_value(column: &dyn Array, row: usize) -> Option<f64> {
    if column.is_null(row) {
        return None;
    }
    match column.data_type() {
        DataType::Float64 => Some(
            column
                .as_any()
                .downcast_ref::<arrow::array::Float64Array>()?
                .value(row),
        ),
        DataType::Float32 => Some(
            column
                .as_any()
                .downcast_ref::<arrow::array::Float32Array>()?
                .value(row) as f64,
        ),
        _ => None,
    }
}

/// Checks two results hold the same rows: in the same order, or (when the query leaves ties
/// unordered) the same multiset. Returns a description of the first difference.
pub fn same_rows(expected: &[RecordBatch], actual: &[RecordBatch]) -> Result<(), String> {
    let mut expected = rows(expected);
    let mut actual = rows(actual);
    if expected.len() != actual.len() {
        return Err(format!(
            "expected {} rows, got {}",
            expected.len(),
            actual.len()
        ));
    }
    if equal(&expected, &actual).is_ok() {
        return Ok(());
    }
    let key = |row: &Vec<Cell>| row.iter().map(Cell::sort_key).collect::<Vec<_>>();
    expected.sort_by_key(key);
    actual.sort_by_key(key);
    equal(&expected, &actual)
}

fn equal(expected: &[Vec<Cell>], actual: &[Vec<Cell>]) -> Result<(), String> {
    for (i, (e, a)) in expected.iter().zip(actual).enumerate() {
        if e.len() != a.len() || !e.iter().zip(a).all(|(x, y)| x.matches(y)) {
            return Err(format!(
                "row {i} differs:\n expected {e:?}\n      got {a:?}"
            ));
        }
    }
    Ok(())
}

/// What single-process DataFusion returns for `sql` after the `setup` statements: the
/// reference the cluster's results are compared with.
pub async fn local_result(setup: &[String], sql: &str) -> Vec<RecordBatch> {
    let ctx = datafusion::prelude::SessionContext::new();
    for statement in setup {
        ctx.sql(statement).await.expect("setup");
    }
    ctx.sql(sql).await.unwrap().collect().await.unwrap()
}
