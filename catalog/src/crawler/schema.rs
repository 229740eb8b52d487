//! Merging the columns found in different files of one table: a column missing from some
//! files becomes nullable, integer types widen (int to bigint to double), and any type meets
//! text as text. Two incompatible types are a conflict, never a dropped column.

use arrow::datatypes::{DataType, Field, Schema};

/// The columns of `a` and then those only `b` has, each in the type both fit; an error naming
/// the column when their types cannot meet.
pub(crate) fn merge(a: &Schema, b: &Schema) -> Result<Schema, String> {
    let mut fields: Vec<Field> = Vec::with_capacity(a.fields().len());
    for field in a.fields() {
        match b.field_with_name(field.name()) {
            Ok(other) => {
                let data_type = widen(field.data_type(), other.data_type()).ok_or_else(|| {
                    format!(
                        "column {} is {} in one file and {} in another",
                        field.name(),
                        field.data_type(),
                        other.data_type()
                    )
                })?;
                fields.push(Field::new(
                    field.name(),
                    data_type,
                    field.is_nullable() || other.is_nullable(),
                ));
            }
            Err(_) => fields.push(field.as_ref().clone().with_nullable(true)),
        }
    }
    for field in b.fields() {
        if a.field_with_name(field.name()).is_err() {
            fields.push(field.as_ref().clone().with_nullable(true));
        }
    }
    Ok(Schema::new(fields))
}

/// Whether files with these columns belong in one table: their types meet, and more than half
/// of the smaller one's columns are the other's too (a table that gained columns over time),
/// as opposed to two datasets side by side.
pub(crate) fn compatible(a: &Schema, b: &Schema) -> bool {
    let shared = a
        .fields()
        .iter()
        .filter(|f| b.field_with_name(f.name()).is_ok())
        .count();
    merge(a, b).is_ok() && shared * 2 > a.fields().len().min(b.fields().len())
}

/// The type both `a` and `b` fit in, if any.
fn widen(a: &DataType, b: &DataType) -> Option<DataType> {
    use DataType::*;
    if a == b {
        return Some(a.clone());
    }
    let text = |t: &DataType| matches!(t, Utf8 | LargeUtf8 | Utf8View);
    Some(match (a, b) {
        (Null, other) | (other, Null) => other.clone(),
        (x, y) if text(x) || text(y) => Utf8,
        (x, y) if x.is_integer() && y.is_integer() => {
            let width = x.primitive_width().max(y.primitive_width()).unwrap_or(8);
            match (x.is_signed_integer(), y.is_signed_integer()) {
                (true, true) if width <= 4 => Int32,
                (true, true) => Int64,
                (false, false) if width <= 4 => UInt32,
                (false, false) => UInt64,
                // A signed and an unsigned type meet in a wider signed one, if there is one.
                _ if width < 8 => Int64,
                _ => Float64,
            }
        }
        (x, y) if x.is_numeric() && y.is_numeric() => Float64,
        (Date32, Timestamp(unit, zone)) | (Timestamp(unit, zone), Date32) => {
            Timestamp(*unit, zone.clone())
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(fields: &[(&str, DataType)]) -> Schema {
        Schema::new(
            fields
                .iter()
                .map(|(n, t)| Field::new(*n, t.clone(), false))
                .collect::<Vec<_>>(),
        )
    }

    #[test]
    fn columns_widen_and_missing_ones_become_nullable() {
        let a = schema(&[("id", DataType::Int32), ("fare", DataType::Int64)]);
        let b = schema(&[
            ("id", DataType::Int64),
            ("fare", DataType::Float64),
            ("tip", DataType::Float64),
        ]);
        let merged = merge(&a, &b).unwrap();
        assert_eq!(
            merged,
            Schema::new(vec![
                Field::new("id", DataType::Int64, false),
                Field::new("fare", DataType::Float64, false),
                Field::new("tip", DataType::Float64, true),
            ])
        );
        assert!(compatible(&a, &b));
    }

    #[test]
    fn conflicts_and_unrelated_columns_are_told_apart() {
        let a = schema(&[("when", DataType::Boolean)]);
        let b = schema(&[("when", DataType::Date32)]);
        let error = merge(&a, &b).unwrap_err();
        assert!(error.contains("column when is Boolean"), "{error}");
        let orders = schema(&[("order_id", DataType::Int64)]);
        let users = schema(&[("user_id", DataType::Int64)]);
        assert!(merge(&orders, &users).is_ok());
        assert!(!compatible(&orders, &users));
        assert_eq!(
            merge(
                &schema(&[("n", DataType::Int64)]),
                &schema(&[("n", DataType::Utf8)])
            )
            .unwrap()
            .field(0)
            .data_type(),
            &DataType::Utf8
        );
    }
}
