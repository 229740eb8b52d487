//! PostgreSQL plumbing shared by the sink (and later the source): connecting with a password
//! from a declared secret, quoting names, and the binary `COPY` encoding.

pub mod copy;
pub mod copy_out;

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use datafusion::error::{DataFusionError, Result};

use crate::secrets::{PASSWORD_SECRET, password, redact_password};
pub use crate::sql_names::{TableName, quote_ident};
use crate::statement_timeout::statement_timeout;
use tokio_postgres::{Client, NoTls};

/// How long connecting may take before the job fails.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Connects to `url` (which must not hold a password); the password comes from the declared
/// secret `password_secret` names, when there is one. The session cancels statements that run past `statement_timeout_secs`.
pub async fn connect(url: &str, options: &HashMap<String, String>) -> Result<Client> {
    let what = |message: String| DataFusionError::Execution(format!("postgres {url}: {message}"));
    let mut config = tokio_postgres::Config::from_str(url)
        .map_err(|e| what(format!("not a valid connection URL: {e}")))?;
    if config.get_password().is_some() {
        return Err(DataFusionError::Plan(format!(
            "postgres URL {}: remove the password from the URL; declare it to the cluster \
             as a secret and name it with the option {PASSWORD_SECRET}",
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
    let timeout = statement_timeout(options)?;
    client
        .batch_execute(&format!("SET statement_timeout = {}", timeout.as_millis()))
        .await
        .map_err(|e| what(format!("setting the statement timeout: {}", error_text(&e))))?;
    Ok(client)
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
