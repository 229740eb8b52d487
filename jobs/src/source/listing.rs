//! The base tables a database holds, with their primary keys: what a crawler of a database
//! target registers in the catalog.

use std::collections::HashMap;

use datafusion::error::{DataFusionError, Result};
use mysql_async::prelude::Queryable;

use super::{mysql, postgres, sqlite};
use crate::sql_names::quote_ident;

/// A base table of a database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedTable {
    /// Its schema (PostgreSQL); none where the connection names the database (MySQL, SQLite).
    pub schema: Option<String>,
    pub name: String,
    /// Its primary key's columns, in key order; empty when it has none.
    pub primary_key: Vec<String>,
}

impl ListedTable {
    /// The table as a source's `table` option names it (quoted, so any name reads as itself).
    pub fn option(&self) -> String {
        match &self.schema {
            Some(schema) => format!("{}.{}", quote_ident(schema), quote_ident(&self.name)),
            None => quote_ident(&self.name),
        }
    }
}

/// The base tables of the database at `url` (a `format` source's path), outside the system
/// schemas, by schema and name. `options` carry the connection's `password_secret`.
pub async fn list_tables(
    format: &str,
    url: &str,
    options: &HashMap<String, String>,
) -> Result<Vec<ListedTable>> {
    match format {
        postgres::FORMAT => {
            let client = crate::postgres::connect(url, options).await?;
            let rows = client
                .query(
                    "SELECT t.table_schema::text, t.table_name::text, \
                     COALESCE(array_agg(k.column_name::text ORDER BY k.ordinal_position) \
                     FILTER (WHERE k.column_name IS NOT NULL), '{}') \
                     FROM information_schema.tables t \
                     LEFT JOIN information_schema.table_constraints c \
                     ON c.table_schema = t.table_schema AND c.table_name = t.table_name \
                     AND c.constraint_type = 'PRIMARY KEY' \
                     LEFT JOIN information_schema.key_column_usage k \
                     ON k.constraint_schema = c.constraint_schema \
                     AND k.constraint_name = c.constraint_name \
                     WHERE t.table_type = 'BASE TABLE' \
                     AND t.table_schema NOT IN ('pg_catalog', 'information_schema') \
                     GROUP BY 1, 2 ORDER BY 1, 2",
                    &[],
                )
                .await
                .map_err(|e| failed(url, crate::postgres::error_text(&e)))?;
            Ok(rows
                .iter()
                .map(|row| ListedTable {
                    schema: Some(row.get(0)),
                    name: row.get(1),
                    primary_key: row.get(2),
                })
                .collect())
        }
        mysql::FORMAT => {
            let mut conn = crate::mysql::connect(url, options).await?;
            let names: Vec<String> = conn
                .query(
                    "SELECT TABLE_NAME FROM information_schema.TABLES \
                     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' \
                     ORDER BY TABLE_NAME",
                )
                .await
                .map_err(|e| failed(url, e))?;
            let keys: Vec<(String, String)> = conn
                .query(
                    "SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE \
                     WHERE TABLE_SCHEMA = DATABASE() AND CONSTRAINT_NAME = 'PRIMARY' \
                     ORDER BY TABLE_NAME, ORDINAL_POSITION",
                )
                .await
                .map_err(|e| failed(url, e))?;
            Ok(names
                .into_iter()
                .map(|name| ListedTable {
                    primary_key: keys
                        .iter()
                        .filter(|(t, _)| *t == name)
                        .map(|(_, c)| c.clone())
                        .collect(),
                    schema: None,
                    name,
                })
                .collect())
        }
        sqlite::FORMAT => {
            let url = url.to_string();
            crate::sqlite::blocking(move || {
                let what = format!("sqlite database {url}");
                let conn = crate::sqlite::open(&url, crate::sqlite::Access::ReadOnly, &what)?;
                let failure = |e: rusqlite::Error| failed(&url, e);
                let names: Vec<String> = conn
                    .prepare(
                        "SELECT name FROM sqlite_master WHERE type = 'table' \
                         AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
                    )
                    .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
                    .map_err(failure)?;
                names
                    .into_iter()
                    .map(|name| {
                        let primary_key = conn
                            .prepare(
                                "SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk",
                            )
                            .and_then(|mut s| s.query_map([&name], |r| r.get(0))?.collect())
                            .map_err(failure)?;
                        Ok(ListedTable {
                            schema: None,
                            name,
                            primary_key,
                        })
                    })
                    .collect()
            })
            .await
        }
        other => Err(super::unknown(other)),
    }
}

fn failed(url: &str, error: impl std::fmt::Display) -> DataFusionError {
    DataFusionError::Execution(format!(
        "listing the tables of {}: {error}",
        crate::secrets::redact_password(url)
    ))
}
