//! Table and column names in SQL: parsed from job specs, quoted for each database, so that
//! names like `order`, `user`, `My "Table"` or ones with spaces work and none can inject SQL.

use datafusion::error::{DataFusionError, Result};

/// Quotes an identifier the standard way (PostgreSQL, SQLite) so any name (`order`,
/// `My "Table"`, names with spaces) is safe.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Quotes an identifier for MySQL/MariaDB (backticks).
pub fn quote_mysql_ident(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// A possibly schema-qualified table name as written in a job (`orders`, `sales.orders`,
/// `"Odd.Name"`, `public."Order"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableName {
    pub schema: Option<String>,
    pub name: String,
}

impl TableName {
    /// Parses a table name; double quotes keep dots and case inside a part.
    pub fn parse(text: &str) -> Result<Self> {
        let mut parts = vec![];
        let mut current = String::new();
        let mut quoted = false;
        let mut chars = text.trim().chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '"' if quoted && chars.peek() == Some(&'"') => {
                    current.push('"');
                    chars.next();
                }
                '"' => quoted = !quoted,
                '.' if !quoted => parts.push(std::mem::take(&mut current)),
                c => current.push(c),
            }
        }
        parts.push(current);
        let bad = || {
            DataFusionError::Plan(format!(
                "table '{text}': expected name or schema.name (double quotes keep dots inside a name)"
            ))
        };
        if quoted || parts.iter().any(String::is_empty) {
            return Err(bad());
        }
        match <[String; 2]>::try_from(parts) {
            Ok([schema, name]) => Ok(Self {
                schema: Some(schema),
                name,
            }),
            Err(parts) => match <[String; 1]>::try_from(parts) {
                Ok([name]) => Ok(Self { schema: None, name }),
                Err(_) => Err(bad()),
            },
        }
    }

    /// The name quoted for SQL.
    pub fn quoted(&self) -> String {
        match &self.schema {
            Some(schema) => format!("{}.{}", quote_ident(schema), quote_ident(&self.name)),
            None => quote_ident(&self.name),
        }
    }

    /// The name quoted for MySQL/MariaDB (where a schema is a database).
    pub fn mysql_quoted(&self) -> String {
        match &self.schema {
            Some(schema) => format!(
                "{}.{}",
                quote_mysql_ident(schema),
                quote_mysql_ident(&self.name)
            ),
            None => quote_mysql_ident(&self.name),
        }
    }

    /// A table in the same schema.
    pub fn sibling(&self, name: String) -> Self {
        Self {
            schema: self.schema.clone(),
            name,
        }
    }
}

impl std::fmt::Display for TableName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.quoted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_parse_and_quote() {
        let t = TableName::parse("public.order").unwrap();
        assert_eq!(t.quoted(), r#""public"."order""#);
        let t = TableName::parse(r#""My ""Odd"" Table""#).unwrap();
        assert_eq!(t.name, r#"My "Odd" Table"#);
        assert_eq!(t.quoted(), r#""My ""Odd"" Table""#);
        let t = TableName::parse(r#"s."a.b""#).unwrap();
        assert_eq!((t.schema.as_deref(), t.name.as_str()), (Some("s"), "a.b"));
        assert_eq!(
            TableName::parse("db.o`k").unwrap().mysql_quoted(),
            "`db`.`o``k`"
        );
        assert!(TableName::parse("a.b.c").is_err());
        assert!(TableName::parse("").is_err());
        assert!(TableName::parse(r#""open"#).is_err());
    }
}
