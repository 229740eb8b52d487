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

    /// A filter over `id` (integer), `s` (text) and `d` (date) as DataFusion sees it after
    /// type coercion: comparisons with literals of the column's type, IS [NOT] NULL, IN lists,
    /// AND and OR.
    fn filters() -> impl proptest::strategy::Strategy<Value = Expr> {
        use proptest::prelude::*;
        let int = prop_oneof![-5i64..5, Just(i64::MIN), Just(i64::MAX), any::<i64>()];
        let text = prop_oneof![
            proptest::sample::select(vec!["a", "b", "A", "O'Brien", "é", "", " a"])
                .prop_map(str::to_string),
            "\\PC{0,6}",
        ];
        let day = -3i32..3;
        let operator = proptest::sample::select(vec![
            Operator::Eq,
            Operator::NotEq,
            Operator::Lt,
            Operator::LtEq,
            Operator::Gt,
            Operator::GtEq,
        ]);
        let compare = |column: &str, value: ScalarValue, op: Operator, flip: bool| {
            let (left, right) = (col(column), lit(value));
            match flip {
                false => Expr::BinaryExpr(BinaryExpr::new(Box::new(left), op, Box::new(right))),
                true => Expr::BinaryExpr(BinaryExpr::new(Box::new(right), op, Box::new(left))),
            }
        };
        let leaf = prop_oneof![
            (int.clone(), operator.clone(), any::<bool>()).prop_map(move |(v, op, flip)| compare(
                "id",
                ScalarValue::Int64(Some(v)),
                op,
                flip
            )),
            (text.clone(), operator.clone(), any::<bool>()).prop_map(move |(v, op, flip)| {
                compare("s", ScalarValue::Utf8(Some(v)), op, flip)
            }),
            (day.clone(), operator, any::<bool>()).prop_map(move |(v, op, flip)| {
                compare("d", ScalarValue::Date32(Some(19782 + v)), op, flip)
            }),
            proptest::sample::select(vec!["id", "s", "d"]).prop_map(|c| col(c).is_null()),
            proptest::sample::select(vec!["id", "s", "d"]).prop_map(|c| col(c).is_not_null()),
            proptest::collection::vec(text, 1..4)
                .prop_map(|values| col("s").in_list(values.into_iter().map(lit).collect(), false)),
            proptest::collection::vec(int, 1..4)
                .prop_map(|values| col("id").in_list(values.into_iter().map(lit).collect(), false)),
        ];
        leaf.prop_recursive(3, 12, 2, |inner| {
            (inner.clone(), inner, any::<bool>())
                .prop_map(|(a, b, and)| if and { a.and(b) } else { a.or(b) })
        })
    }

    /// Rows of the differential test: `id`, `s` and `d` (days since the epoch), any of
    /// them NULL.
    fn rows()
    -> impl proptest::strategy::Strategy<Value = Vec<(Option<i64>, Option<String>, Option<i32>)>>
    {
        use proptest::prelude::*;
        proptest::collection::vec(
            (
                proptest::option::of(prop_oneof![-5i64..5, Just(i64::MIN), Just(i64::MAX)]),
                proptest::option::of(
                    proptest::sample::select(vec!["a", "b", "A", "O'Brien", "é", "", " a"])
                        .prop_map(str::to_string),
                ),
                proptest::option::of(19779..19785),
            ),
            0..12,
        )
    }

    proptest::proptest! {
        /// Differential against a real database: a filter pushed into SQLite returns every
        /// row DataFusion's own evaluation keeps (more would be filtered again; fewer would
        /// lose rows), whatever the literals hold.
        #[test]
        fn pushed_filters_keep_every_row_datafusion_keeps(filter in filters(), rows in rows()) {
            use arrow::array::{Date32Array, Int64Array, StringArray, UInt32Array};
            let Some(pushed) = pushed_as(Literals::Sqlite, filter.clone()) else {
                return Ok(());
            };
            let sqlite = rusqlite::Connection::open_in_memory().unwrap();
            sqlite
                .execute_batch("CREATE TABLE t (n INTEGER, \"id\" INTEGER, \"s\" TEXT, \"d\" DATE)")
                .unwrap();
            for (n, (id, s, d)) in rows.iter().enumerate() {
                let day = d.map(|d| ScalarValue::Date32(Some(d)).to_string());
                sqlite
                    .execute("INSERT INTO t VALUES (?1, ?2, ?3, ?4)", rusqlite::params![n, id, s, day])
                    .unwrap();
            }
            let mut statement = sqlite
                .prepare(&format!("SELECT n FROM t WHERE {pushed} ORDER BY n"))
                .map_err(|e| proptest::test_runner::TestCaseError::fail(format!("{pushed}: {e}")))?;
            let from_sqlite: Vec<u32> = statement
                .query_map([], |row| row.get(0))
                .unwrap()
                .collect::<std::result::Result<_, _>>()
                .unwrap();

            let batch = arrow::array::RecordBatch::try_from_iter([
                ("n", std::sync::Arc::new(UInt32Array::from_iter_values(0..rows.len() as u32)) as _),
                ("id", std::sync::Arc::new(rows.iter().map(|r| r.0).collect::<Int64Array>()) as _),
                ("s", std::sync::Arc::new(rows.iter().map(|r| r.1.clone()).collect::<StringArray>()) as _),
                ("d", std::sync::Arc::new(rows.iter().map(|r| r.2).collect::<Date32Array>()) as _),
            ])
            .unwrap();
            let kept = tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
                let ctx = datafusion::prelude::SessionContext::new();
                let batches = ctx
                    .read_batch(batch)?
                    .filter(filter.clone())?
                    .sort(vec![col("n").sort(true, true)])?
                    .select_columns(&["n"])?
                    .collect()
                    .await?;
                datafusion::error::Result::Ok(
                    batches
                        .iter()
                        .flat_map(|b| {
                            let n = arrow::array::AsArray::as_primitive::<arrow::datatypes::UInt32Type>(b.column(0));
                            n.values().to_vec()
                        })
                        .collect::<Vec<u32>>(),
                )
            });
            let kept = kept.map_err(|e: datafusion::error::DataFusionError| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
            let missing: Vec<_> = kept.iter().filter(|n| !from_sqlite.contains(n)).collect();
            proptest::prop_assert!(
                missing.is_empty(),
                "{pushed} lost rows {missing:?} of {rows:?} (DataFusion keeps {kept:?}, SQLite {from_sqlite:?})"
            );
        }
    }
}
