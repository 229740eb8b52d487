//! MySQL and MariaDB plumbing: connecting with a password from a declared secret, and rows as
//! the parameters of prepared multi-row `INSERT`s.

pub mod insert;

use std::collections::HashMap;
use std::time::Duration;

use datafusion::error::{DataFusionError, Result};
use mysql_async::prelude::Queryable;
use mysql_async::{ClientIdentity, Conn, DriverError, Opts, OptsBuilder, SslOpts};

use crate::secrets::{self, PASSWORD_SECRET, password, redact_password};
use crate::statement_timeout::statement_timeout;
use crate::tls::{self, DatabaseTls, Roots, SslMode};
use kiln_core::error::error_chain;
use rustls::pki_types::PrivateKeyDer;

/// The options of a connection to `url`, with its password from the job's declared secret and
/// TLS as its `sslmode` says (see [`crate::tls`]).
fn connection_options(
    url: &str,
    options: &HashMap<String, String>,
) -> Result<(OptsBuilder, DatabaseTls)> {
    let (driver_url, tls) = tls::take_tls_params(url, tls::is_local_host)
        .map_err(|e| DataFusionError::Plan(format!("mysql {url}: {e}")))?;
    let opts = Opts::from_url(&driver_url).map_err(|e| {
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
    let builder = OptsBuilder::from_opts(opts)
        .ssl_opts(ssl_opts(&tls).map_err(|e| match e {
            DataFusionError::Plan(text) => DataFusionError::Plan(format!("mysql {url}: {text}")),
            other => DataFusionError::Execution(format!("mysql {url}: {other}")),
        })?)
        .pass(password(options)?)
        // Never the password in cleartext (mysql_clear_password), which a job's URL could ask
        // for: connections have no TLS to protect it.
        .enable_cleartext_plugin(false)
        .prefer_socket(false)
        .init(vec![
            "SET SESSION sql_mode = CONCAT(@@sql_mode, ',STRICT_ALL_TABLES')",
            "SET time_zone = '+00:00'",
        ]);
    Ok((builder, tls))
}

/// mysql_async's TLS options for `tls`: none for `disable`; the named or the system's CAs, and
/// the client certificate from its secrets. (`prefer` is TLS without checks, retried without
/// TLS when the server offers none.)
fn ssl_opts(tls: &DatabaseTls) -> Result<Option<SslOpts>> {
    match tls.mode {
        SslMode::Disable => return Ok(None),
        // mysql_async skips the name check by matching rustls' error text, which rustls 0.23
        // changed: the check would be made anyway, so the mode is refused rather than faked.
        SslMode::VerifyCa => {
            return Err(DataFusionError::Plan(format!(
                "{}=verify-ca is not available for MySQL; use verify-full, connecting by a \
                 name the server's certificate holds",
                tls::SSLMODE
            )));
        }
        _ => {}
    }
    let mut opts = SslOpts::default();
    if tls.verifies_ca() {
        let roots = match &tls.roots {
            Some(Roots::File(path)) => vec![path.clone().into()],
            _ => tls
                .root_certificates()?
                .into_iter()
                .map(|cert| cert.to_vec().into())
                .collect(),
        };
        opts = opts
            .with_disable_built_in_roots(true)
            .with_root_certs(roots);
    } else {
        opts = opts.with_danger_accept_invalid_certs(true);
    }
    if let (Some((chain_secret, _)), Some((_, key))) = (&tls.client_secrets, tls.client_identity()?)
    {
        // mysql_async reads RSA keys in PKCS#1 only, and takes DER as PKCS#1.
        let PrivateKeyDer::Pkcs1(key) = key else {
            return Err(DataFusionError::Plan(format!(
                "{}: the MySQL driver takes only RSA keys in PKCS#1 form (BEGIN RSA PRIVATE \
                 KEY); convert the key with `openssl rsa -in key.pem -traditional`",
                tls::SSLKEY_SECRET
            )));
        };
        let chain = secrets::secret(chain_secret)?.into_bytes();
        opts = opts.with_client_identity(Some(ClientIdentity::new(
            chain.into(),
            key.secret_pkcs1_der().to_vec().into(),
        )));
    }
    Ok(Some(opts))
}

/// How long connecting may take before the job fails.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Opens a connection with `builder`'s options; None when it takes longer than
/// [`CONNECT_TIMEOUT`].
async fn open(builder: OptsBuilder) -> Option<std::result::Result<Conn, mysql_async::Error>> {
    tokio::time::timeout(CONNECT_TIMEOUT, Conn::new(builder))
        .await
        .ok()
}

/// Connects to `url` (`mysql://user@host:3306/db`, which must not hold a password); the
/// password comes from the declared secret `password_secret` names, when there is one. The
/// session is strict (bad values fail instead of being truncated), in UTC, and cancels
/// statements that run past `statement_timeout_secs`.
pub async fn connect(url: &str, options: &HashMap<String, String>) -> Result<Conn> {
    let what = |message: String| DataFusionError::Execution(format!("mysql {url}: {message}"));
    let (builder, tls) = connection_options(url, options)?;
    let timeout = statement_timeout(options)?;
    let mut conn = match open(builder.clone()).await {
        // `prefer`: a server that offers no TLS is reached without it.
        Some(Err(mysql_async::Error::Driver(DriverError::NoClientSslFlagFromServer)))
            if tls.mode == SslMode::Prefer =>
        {
            open(builder.ssl_opts(None::<SslOpts>)).await
        }
        other => other,
    }
    .ok_or_else(|| what(format!("no connection within {CONNECT_TIMEOUT:?}")))?
    .map_err(|e| {
        what(format!(
            "cannot connect: {}",
            tls::explain_failure(&tls, &error_chain(&e))
        ))
    })?;
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
        let opts = Opts::from(connection_options(url, &HashMap::new()).unwrap().0);
        assert!(!opts.enable_cleartext_plugin());
    }
}
