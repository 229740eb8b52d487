//! Catalog columns as Arrow fields and back: a column's type is stored as Arrow writes it
//! (`Int64`, `Utf8`, `Timestamp(µs)`), which Arrow parses back to the same type.

use std::str::FromStr;

use arrow::datatypes::{DataType, Field, Schema};
use kiln_proto::v1::{CatalogColumn, CatalogTable};

use crate::error::{CatalogError, Result};

/// A column's Arrow field.
pub fn field(table: &CatalogTable, column: &CatalogColumn) -> Result<Field> {
    let data_type = DataType::from_str(&column.data_type).map_err(|e| {
        CatalogError::Invalid(format!(
            "table {}.{}: column {} has type {:?}, which is not an Arrow type: {e}",
            table.database, table.name, column.name, column.data_type
        ))
    })?;
    Ok(Field::new(&column.name, data_type, column.nullable))
}

/// A field as a catalog column.
pub fn column(field: &Field) -> CatalogColumn {
    CatalogColumn {
        name: field.name().clone(),
        data_type: field.data_type().to_string(),
        nullable: field.is_nullable(),
    }
}

/// The schema of a table's data files (its columns without the partition keys).
pub fn file_schema(table: &CatalogTable) -> Result<Schema> {
    let fields = table
        .columns
        .iter()
        .map(|c| field(table, c))
        .collect::<Result<Vec<_>>>()?;
    Ok(Schema::new(fields))
}

/// The fields of a table's partition keys, in key order.
pub fn partition_fields(table: &CatalogTable) -> Result<Vec<Field>> {
    table
        .partition_keys
        .iter()
        .map(|c| field(table, c))
        .collect()
}

#[cfg(test)]
mod tests {
    use arrow::datatypes::TimeUnit;

    use super::*;

    #[test]
    fn types_survive_the_catalog() {
        for data_type in [
            DataType::Int64,
            DataType::Float64,
            DataType::Utf8,
            DataType::Boolean,
            DataType::Date32,
            DataType::Decimal128(12, 2),
            DataType::Timestamp(TimeUnit::Microsecond, None),
            DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into())),
        ] {
            let original = Field::new("c", data_type, true);
            let table = CatalogTable::default();
            let back = field(&table, &column(&original)).unwrap();
            assert_eq!(back, original);
        }
        let bad = CatalogColumn {
            name: "c".into(),
            data_type: "Int65".into(),
            nullable: true,
        };
        let table = CatalogTable {
            database: "d".into(),
            name: "t".into(),
            ..Default::default()
        };
        let error = field(&table, &bad).unwrap_err().to_string();
        assert!(
            error.contains("d.t: column c has type \"Int65\""),
            "{error}"
        );
    }
}
