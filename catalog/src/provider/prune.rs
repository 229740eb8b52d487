//! Partition pruning on the catalog's registrations: which partitions a query's predicates
//! on partition columns keep, decided before any file is listed.

use std::sync::Arc;

use arrow::array::{Array, AsArray, RecordBatch};
use arrow::datatypes::{DataType, Field, Schema};
use datafusion::catalog::Session;
use datafusion::common::{DFSchema, ScalarValue};
use datafusion::datasource::listing::helpers::expr_applicable_for_cols;
use datafusion::error::Result;
use datafusion::logical_expr::utils::conjunction;
use datafusion::logical_expr::{BinaryExpr, Expr, Operator};
use kiln_proto::v1::CatalogPartition;

/// Whether `filter` reads only partition columns, so it is decided on partitions alone.
pub fn on_partitions(names: &[&str], filter: &Expr) -> bool {
    !names.is_empty() && expr_applicable_for_cols(names, filter)
}

/// The values that `key = 'literal'` filters fix for the leading partition keys, up to the
/// first key they leave open: the partitions with those values are one prefix of the store.
/// Only string keys are fixed this way, since a value's text is what the key holds (`09`
/// is not `9`); the other filters are evaluated by [`keep`].
pub fn leading_values(fields: &[Field], filters: &[Expr]) -> Vec<String> {
    let mut leading = vec![];
    for field in fields {
        if field.data_type() != &DataType::Utf8 {
            break;
        }
        let fixed = filters
            .iter()
            .find_map(|filter| equality(filter, field.name()));
        match fixed {
            Some(value) => leading.push(value),
            None => break,
        }
    }
    leading
}

/// The string `column = 'value'` (or `'value' = column`) fixes.
fn equality(filter: &Expr, column: &str) -> Option<String> {
    let Expr::BinaryExpr(BinaryExpr {
        left,
        op: Operator::Eq,
        right,
    }) = filter
    else {
        return None;
    };
    let ((Expr::Column(c), Expr::Literal(ScalarValue::Utf8(Some(v)), _))
    | (Expr::Literal(ScalarValue::Utf8(Some(v)), _), Expr::Column(c))) =
        (left.as_ref(), right.as_ref())
    else {
        return None;
    };
    (c.name == column).then(|| v.clone())
}

/// A partition's values, typed as its table's partition keys.
pub fn typed_values(fields: &[Field], values: &[String]) -> Result<Vec<ScalarValue>> {
    fields
        .iter()
        .zip(values)
        .map(|(field, value)| ScalarValue::try_from_string(value.clone(), field.data_type()))
        .collect()
}

/// The partitions that every filter (each on partition columns only) holds true for.
pub fn keep(
    state: &dyn Session,
    fields: &[Field],
    partitions: Vec<CatalogPartition>,
    filters: &[Expr],
) -> Result<Vec<CatalogPartition>> {
    let Some(filter) = conjunction(filters.iter().cloned()) else {
        return Ok(partitions);
    };
    if partitions.is_empty() {
        return Ok(partitions);
    }
    let schema = Arc::new(Schema::new(fields.to_vec()));
    let mut columns = vec![];
    for (i, field) in fields.iter().enumerate() {
        let values = partitions
            .iter()
            .map(|p| ScalarValue::try_from_string(p.values[i].clone(), field.data_type()))
            .collect::<Result<Vec<_>>>()?;
        columns.push(ScalarValue::iter_to_array(values)?);
    }
    let batch = RecordBatch::try_new(Arc::clone(&schema), columns)?;
    let expr = state.create_physical_expr(filter, &DFSchema::try_from(schema)?)?;
    let matches = expr.evaluate(&batch)?.into_array(batch.num_rows())?;
    let matches = matches.as_boolean();
    Ok(partitions
        .into_iter()
        .enumerate()
        .filter(|(i, _)| matches.is_valid(*i) && matches.value(*i))
        .map(|(_, p)| p)
        .collect())
}

#[cfg(test)]
mod tests {
    use datafusion::logical_expr::{col, lit};
    use datafusion::prelude::SessionContext;

    use super::*;

    fn fields() -> Vec<Field> {
        vec![
            Field::new("year", DataType::Utf8, true),
            Field::new("month", DataType::Utf8, true),
            Field::new("day", DataType::Int32, true),
        ]
    }

    fn partition(values: [&str; 3]) -> CatalogPartition {
        CatalogPartition {
            values: values.map(String::from).to_vec(),
            ..Default::default()
        }
    }

    #[test]
    fn equalities_on_leading_string_keys_make_the_prefix() {
        let filters = [col("month").eq(lit("09")), lit("2019").eq(col("year"))];
        assert_eq!(leading_values(&fields(), &filters), ["2019", "09"]);
        // A key left open ends the prefix.
        let filters = [col("month").eq(lit("09"))];
        assert!(leading_values(&fields(), &filters).is_empty());
        // A range is no prefix.
        let filters = [col("year").gt(lit("2019"))];
        assert!(leading_values(&fields(), &filters).is_empty());
    }

    #[test]
    fn filters_keep_the_partitions_they_hold_for() {
        let ctx = SessionContext::new();
        let state = ctx.state();
        let partitions = vec![
            partition(["2019", "09", "21"]),
            partition(["2019", "09", "22"]),
            partition(["2019", "10", "01"]),
            partition(["2020", "01", "01"]),
        ];
        let filters = [
            col("year").eq(lit("2019")),
            col("day").gt_eq(lit(22)).or(col("month").eq(lit("10"))),
        ];
        let kept = keep(&state, &fields(), partitions.clone(), &filters).unwrap();
        let kept: Vec<&str> = kept.iter().map(|p| p.values[2].as_str()).collect();
        assert_eq!(kept, ["22", "01"]);
        // A typed key compares as its type: day 9 is under 10 though "9" > "10".
        let filters = [col("day").lt(lit(10))];
        let kept = keep(&state, &fields(), partitions.clone(), &filters).unwrap();
        assert_eq!(kept.len(), 2);
        assert_eq!(keep(&state, &fields(), partitions, &[]).unwrap().len(), 4);
    }
}
