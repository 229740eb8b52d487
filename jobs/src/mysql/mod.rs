//! MySQL and MariaDB plumbing: connecting with a password from a declared secret, and rows as
//! the parameters of prepared multi-row `INSERT`s.

pub mod insert;

use std::collections::HashMap;
use std::time::Duration;

use datafusion::error::{DataFusionError, Result};
use mysql_async::prelude::Queryable;
use mysql_async::{Conn, Opts, OptsBuilder};

use crate::secrets::{PASSWORD_SECRET, password, redact_password};
use crate::statement_timeout::statement_timeout;

/// The options of a connection to `url`, with its password from the job's declared secret.
fn connection_options(url: &str, options: &HashMap<String, String>) -> Result<OptsBuilder> {
    let opts = Opts::from_url(url).map_err(|e| {
        DataFusionError::Execution(format!(
            "mysql {url}: not a valid connection URL (mysql://user@host:port/database): {e}"
        ))
    })?;
    if opts.pass().is_some() {
        return Err(DataFusionError::Plan(format!(
            "mysql URL {}: remove the password from the URL; declare it to the cluster as a \
             secret and name it with the option {PASSWORD_SECRET}",
            redact_password(url)
        )));
    }
    Ok(OptsBuilder::from_opts(opts)
        .pass(password(options)?)
        // Never the password in cleartext (mysql_clear_password), which a job's URL could ask
        // for: connections have no TLS to protect it.
        .enable_cleartext_plugin(false)
        .prefer_socket(false)
        .init(vec![
            "SET SESSION sql_mode = CONCAT(@@sql_mode, ',STRICT_ALL_TABLES')",
            "SET time_zone = '+00:00'",
        ]))
}

/// How long connecting may take before the job fails.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Connects to `url` (`mysql://user@host:3306/db`, which must not hold a password); the
/// password comes from the declared secret `password_secret` names, when there is one. The
/// session is strict (bad values fail instead of being truncated), in UTC, and cancels
/// statements that run past `statement_timeout_secs`.
pub async fn connect(url: &str, options: &HashMap<String, String>) -> Result<Conn> {
    let what = |message: String| DataFusionError::Execution(format!("mysql {url}: {message}"));
    let builder = connection_options(url, options)?;
    let timeout = statement_timeout(options)?;
    let mut conn = tokio::time::timeout(CONNECT_TIMEOUT, Conn::new(builder))
        .await
        .map_err(|_| what(format!("no connection within {CONNECT_TIMEOUT:?}")))?
        .map_err(|e| what(format!("cannot connect: {e}")))?;
    // MariaDB bounds every statement (in seconds); MySQL, which lacks that, its SELECTs (in
    // milliseconds), and bounds lock waits with innodb_lock_wait_timeout.
    let mariadb = format!("SET SESSION max_statement_time = {}", timeout.as_secs());
    if conn.query_drop(mariadb).await.is_err() {
        conn.query_drop(format!(
            "SET SESSION max_execution_time = {}",
            timeout.as_millis()
        ))
        .await
        .map_err(|e| what(format!("setting the statement timeout: {e}")))?;
    }
    Ok(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_cannot_turn_on_cleartext_passwords() {
        let url = "mysql://app@db.example.com:3306/shop?enable_cleartext_plugin=true";
        assert!(Opts::from_url(url).unwrap().enable_cleartext_plugin());
        let opts = Opts::from(connection_options(url, &HashMap::new()).unwrap());
        assert!(!opts.enable_cleartext_plugin());
    }
}
