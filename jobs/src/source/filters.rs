//! Filters pushed into database reads: the parts of a query's WHERE the database can evaluate,
//! so only matching rows cross the network (the Glue job's "subset of a table").
//!
//! Only filters whose meaning is the same in the database and in DataFusion are pushed:
//! comparisons of columns read natively with integer, date or boolean literals, string
//! equality and IN lists (a case-insensitive collation can only return more rows, which
//! DataFusion filters again), IS [NOT] NULL, AND and OR. Pushed filters stay in DataFusion's
//! plan too, so a database that returns more rows never changes a result. Strings holding a
//! backslash or NUL are not pushed, and quotes are doubled, so no literal can change the SQL.

use datafusion::common::ScalarValue;
use datafusion::logical_expr::{BinaryExpr, Expr, Operator};

/// A table's quoted name for a column read natively (None for columns read as text or
/// unknown).
pub(crate) type ColumnLookup<'a> = Box<dyn Fn(&str) -> Option<String> + 'a>;

/// How one database writes SQL: the table's columns, and how it writes literals.
pub(crate) struct Dialect<'a> {
    pub column: ColumnLookup<'a>,
    pub literals: Literals,
}

/// How a database reads literals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Literals {
    /// Typed literals (`DATE '2024-01-01'`, `TRUE`): PostgreSQL, MySQL, MariaDB.
    Typed,
    /// SQLite: dates are ISO 8601 text and compare as text; booleans are not pushed, since a
    /// `BOOLEAN` column may hold `1` or `'true'`.
    Sqlite,
}

impl Dialect<'_> {
    /// `filter` as SQL, when all of it can be pushed.
    pub(crate) fn sql(&self, filter: &Expr) -> Option<String> {
        match filter {
            Expr::BinaryExpr(BinaryExpr { left, op, right }) => match op {
                Operator::And | Operator::Or => Some(format!(
                    "({} {} {})",
                    self.sql(left)?,
                    if *op == Operator::And { "AND" } else { "OR" },
                    self.sql(right)?
                )),
                Operator::Eq
                | Operator::NotEq
                | Operator::Lt
                | Operator::LtEq
                | Operator::Gt
                | Operator::GtEq => {
                    let (column, literal, op) = match (self.column_of(left), self.column_of(right))
                    {
                        (Some(column), None) => (column, right, *op),
                        (None, Some(column)) => (column, left, op.swap()?),
                        _ => return None,
                    };
                    let value = self.literal(literal, op == Operator::Eq)?;
                    Some(format!("{column} {op} {value}"))
                }
                _ => None,
            },
            Expr::IsNull(inner) => Some(format!("{} IS NULL", self.column_of(inner)?)),
            Expr::IsNotNull(inner) => Some(format!("{} IS NOT NULL", self.column_of(inner)?)),
            Expr::InList(in_list) if !in_list.negated && !in_list.list.is_empty() => {
                let column = self.column_of(&in_list.expr)?;
                let values = in_list
                    .list
                    .iter()
                    .map(|v| self.literal(v, true))
                    .collect::<Option<Vec<_>>>()?;
                Some(format!("{column} IN ({})", values.join(", ")))
            }
            _ => None,
        }
    }

    fn column_of(&self, expr: &Expr) -> Option<String> {
        match expr {
            Expr::Column(column) => (self.column)(&column.name),
            _ => None,
        }
    }

    /// A literal as SQL the database reads as DataFusion does; strings only where `equality`
    /// holds.
    fn literal(&self, expr: &Expr, equality: bool) -> Option<String> {
        let Expr::Literal(value, _) = expr else {
            return None;
        };
        match (value, self.literals) {
            (ScalarValue::Boolean(_), Literals::Sqlite) => None,
            (ScalarValue::Date32(Some(_)), Literals::Sqlite) => Some(format!("'{value}'")),
            _ => literal_sql(value, equality),
        }
    }
}

/// A literal as SQL PostgreSQL and MySQL read the same way; strings only where `equality`
/// holds.
fn literal_sql(value: &ScalarValue, equality: bool) -> Option<String> {
    match value {
        ScalarValue::Int8(Some(v)) => Some(v.to_string()),
        ScalarValue::Int16(Some(v)) => Some(v.to_string()),
        ScalarValue::Int32(Some(v)) => Some(v.to_string()),
        ScalarValue::Int64(Some(v)) => Some(v.to_string()),
        ScalarValue::UInt8(Some(v)) => Some(v.to_string()),
        ScalarValue::UInt16(Some(v)) => Some(v.to_string()),
        ScalarValue::UInt32(Some(v)) => Some(v.to_string()),
        ScalarValue::UInt64(Some(v)) => Some(v.to_string()),
        ScalarValue::Boolean(Some(v)) => Some(v.to_string().to_uppercase()),
        ScalarValue::Date32(Some(_)) => Some(format!("DATE '{value}'")),
        ScalarValue::Utf8(Some(s))
        | ScalarValue::LargeUtf8(Some(s))
        | ScalarValue::Utf8View(Some(s))
            if equality && !s.contains(['\\', '\0']) =>
        {
            Some(format!("'{}'", s.replace('\'', "''")))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::prelude::{col, lit};

    fn pushed_as(literals: Literals, filter: Expr) -> Option<String> {
        let column = |name: &str| (name != "as_text").then(|| format!("\"{name}\""));
        Dialect {
            column: Box::new(column),
            literals,
        }
        .sql(&filter)
    }

    fn pushed(filter: Expr) -> Option<String> {
        pushed_as(Literals::Typed, filter)
    }

    #[test]
    fn pushes_what_means_the_same_in_the_database() {
        assert_eq!(
            pushed(
                col("id")
                    .gt_eq(lit(10i64))
                    .and(col("status").eq(lit("O'Brien")))
            ),
            Some("(\"id\" >= 10 AND \"status\" = 'O''Brien')".into())
        );
        assert_eq!(
            pushed(lit(5i32).lt(col("id")).or(col("note").is_null())),
            Some("(\"id\" > 5 OR \"note\" IS NULL)".into())
        );
        assert_eq!(
            pushed(col("day").eq(lit(ScalarValue::Date32(Some(19782))))),
            Some("\"day\" = DATE '2024-02-29'".into())
        );
        assert_eq!(
            pushed(col("region").in_list(vec![lit("north"), lit("south")], false)),
            Some("\"region\" IN ('north', 'south')".into())
        );
    }

    #[test]
    fn sqlite_compares_dates_as_text_and_keeps_booleans() {
        let day = col("day").gt_eq(lit(ScalarValue::Date32(Some(19782))));
        assert_eq!(
            pushed_as(Literals::Sqlite, day),
            Some("\"day\" >= '2024-02-29'".into())
        );
        assert_eq!(pushed_as(Literals::Sqlite, col("flag").eq(lit(true))), None);
        assert_eq!(
            pushed_as(Literals::Sqlite, col("id").lt(lit(3i64))),
            Some("\"id\" < 3".into())
        );
    }

    #[test]
    fn keeps_what_could_mean_something_else() {
        // Collations order and compare strings their own way.
        assert_eq!(pushed(col("status").not_eq(lit("shipped"))), None);
        assert_eq!(pushed(col("status").lt(lit("m"))), None);
        assert_eq!(pushed(col("status").eq(lit("back\\slash"))), None);
        assert_eq!(pushed(col("price").gt(lit(1.5f64))), None);
        assert_eq!(pushed(col("as_text").eq(lit(1i64))), None);
        assert_eq!(pushed(col("a").eq(col("b"))), None);
        // Half of an AND cannot go: none of it goes (DataFusion filters anyway).
        assert_eq!(
            pushed(col("id").eq(lit(1i64)).and(col("price").gt(lit(1.5f64)))),
            None
        );
    }
}
