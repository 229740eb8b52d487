//! MySQL and MariaDB plumbing: connecting with a password from the environment, and rows as
//! the parameters of prepared multi-row `INSERT`s.

pub mod insert;

use std::collections::HashMap;
use std::time::Duration;

use datafusion::error::{DataFusionError, Result};
use mysql_async::{Conn, Opts, OptsBuilder};

use crate::secrets::{PASSWORD_ENV, PASSWORD_FILE, password, redact_password};

/// How long connecting may take before the job fails.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Connects to `url` (`mysql://user@host:3306/db`, which must not hold a password); the password
/// comes from the env var named by `password_env` (default `MYSQL_PWD`) or the file named by
/// `password_file`. The session is strict (bad values fail instead of being truncated) and in
/// UTC.
pub async fn connect(url: &str, options: &HashMap<String, String>) -> Result<Conn> {
    let what = |message: String| DataFusionError::Execution(format!("mysql {url}: {message}"));
    let opts = Opts::from_url(url).map_err(|e| {
        what(format!(
            "not a valid connection URL (mysql://user@host:port/database): {e}"
        ))
    })?;
    if opts.pass().is_some() {
        return Err(DataFusionError::Plan(format!(
            "mysql URL {}: remove the password from the URL; put it in an environment variable \
             (MYSQL_PWD, or the one option {PASSWORD_ENV} names) or a file (option {PASSWORD_FILE})",
            redact_password(url)
        )));
    }
    let builder = OptsBuilder::from_opts(opts)
        .pass(password(options, "MYSQL_PWD")?)
        .prefer_socket(false)
        .init(vec![
            "SET SESSION sql_mode = CONCAT(@@sql_mode, ',STRICT_ALL_TABLES')",
            "SET time_zone = '+00:00'",
        ]);
    tokio::time::timeout(CONNECT_TIMEOUT, Conn::new(builder))
        .await
        .map_err(|_| what(format!("no connection within {CONNECT_TIMEOUT:?}")))?
        .map_err(|e| what(format!("cannot connect: {e}")))
}
