//! PostgreSQL plumbing shared by the sink (and later the source): connecting with a password
//! from the environment, quoting names, and the binary `COPY` encoding.

pub mod copy;

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use datafusion::error::{DataFusionError, Result};
use tokio_postgres::{Client, NoTls};

/// Sink option: the environment variable holding the password (default `PGPASSWORD`).
pub const PASSWORD_ENV: &str = "password_env";
/// Sink option: a file holding the password.
pub const PASSWORD_FILE: &str = "password_file";
/// How long connecting may take before the job fails.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Quotes an identifier so any name (`order`, `My "Table"`, names with spaces) is safe.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
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

/// Connects to `url` (which must not hold a password); the password comes from the env var
/// named by `password_env` (default `PGPASSWORD`) or the file named by `password_file`.
pub async fn connect(url: &str, options: &HashMap<String, String>) -> Result<Client> {
    let what = |message: String| DataFusionError::Execution(format!("postgres {url}: {message}"));
    let mut config = tokio_postgres::Config::from_str(url)
        .map_err(|e| what(format!("not a valid connection URL: {e}")))?;
    if config.get_password().is_some() {
        return Err(DataFusionError::Plan(format!(
            "postgres URL {}: remove the password from the URL; put it in an environment \
             variable (PGPASSWORD, or the one option {PASSWORD_ENV} names) or a file \
             (option {PASSWORD_FILE})",
            redact_password(url)
        )));
    }
    if let Some(password) = password(options)? {
        config.password(password);
    }
    config.connect_timeout(CONNECT_TIMEOUT);
    let (client, connection) = tokio::time::timeout(CONNECT_TIMEOUT, config.connect(NoTls))
        .await
        .map_err(|_| what(format!("no connection within {CONNECT_TIMEOUT:?}")))?
        .map_err(|e| what(format!("cannot connect: {}", error_text(&e))))?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::debug!(error = %e, "postgres connection ended");
        }
    });
    Ok(client)
}

fn password(options: &HashMap<String, String>) -> Result<Option<String>> {
    if let Some(file) = options.get(PASSWORD_FILE) {
        let text = std::fs::read_to_string(file).map_err(|e| {
            DataFusionError::Execution(format!("reading the password file {file}: {e}"))
        })?;
        return Ok(Some(text.trim_end_matches(['\n', '\r']).to_string()));
    }
    let var = options
        .get(PASSWORD_ENV)
        .map(String::as_str)
        .unwrap_or("PGPASSWORD");
    match std::env::var(var) {
        Ok(value) => Ok(Some(value)),
        Err(_) if options.contains_key(PASSWORD_ENV) => Err(DataFusionError::Execution(format!(
            "the password variable {var} (option {PASSWORD_ENV}) is not set"
        ))),
        Err(_) => Ok(None),
    }
}

/// A URL with any password replaced by `***`, for messages and logs.
pub fn redact_password(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_string(),
    }
}

/// A PostgreSQL error with the server's message, detail and hint when there are any.
pub fn error_text(error: &tokio_postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => {
            let mut text = db.message().to_string();
            if let Some(detail) = db.detail() {
                text.push_str(&format!(" ({detail})"));
            }
            if let Some(hint) = db.hint() {
                text.push_str(&format!("; hint: {hint}"));
            }
            text
        }
        None => {
            let mut text = error.to_string();
            let mut source = std::error::Error::source(error);
            while let Some(cause) = source {
                text.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            text
        }
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
        assert!(TableName::parse("a.b.c").is_err());
        assert!(TableName::parse("").is_err());
        assert!(TableName::parse(r#""open"#).is_err());
    }

    #[test]
    fn a_password_in_the_url_is_refused_without_echoing_it() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let error = runtime
            .block_on(connect(
                "postgres://u:hunter2@127.0.0.1/db",
                &HashMap::new(),
            ))
            .unwrap_err()
            .to_string();
        assert!(error.contains("remove the password"), "{error}");
        assert!(!error.contains("hunter2"), "{error}");
    }
}
