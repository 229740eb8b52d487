//! PostgreSQL plumbing shared by the sink (and later the source): connecting with a password
//! from a declared secret, quoting names, and the binary `COPY` encoding.

pub mod copy;
pub mod copy_out;
pub mod no_cleartext;

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use datafusion::error::{DataFusionError, Result};

use crate::secrets::{PASSWORD_SECRET, password, redact_password};
pub use crate::sql_names::{TableName, quote_ident};
use crate::statement_timeout::statement_timeout;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_postgres::config::Host;
use tokio_postgres::tls::NoTlsStream;
use tokio_postgres::{Client, Connection, NoTls};

use self::no_cleartext::NoCleartextPassword;

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
    let (client, connection) = tokio::time::timeout(CONNECT_TIMEOUT, open(&config))
        .await
        .map_err(|_| what(format!("no connection within {CONNECT_TIMEOUT:?}")))?
        .map_err(|e| what(format!("cannot connect: {e}")))?;
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

/// A byte stream to a server, over TCP or a Unix socket.
trait Socket: AsyncRead + AsyncWrite + Unpin + Send {}
impl<S: AsyncRead + AsyncWrite + Unpin + Send> Socket for S {}

/// A connection whose password is never sent in cleartext.
type Guarded = NoCleartextPassword<Box<dyn Socket>>;

/// Opens the connection `config` names, trying its hosts in turn as libpq does, through
/// [`NoCleartextPassword`].
async fn open(
    config: &tokio_postgres::Config,
) -> std::result::Result<(Client, Connection<Guarded, NoTlsStream>), String> {
    let ports = config.get_ports();
    let mut failures = vec![];
    for (i, host) in config.get_hosts().iter().enumerate() {
        let port = ports.get(i).or(ports.first()).copied().unwrap_or(5432);
        let socket: std::io::Result<Box<dyn Socket>> = match host {
            Host::Tcp(name) => match config.get_hostaddrs().get(i) {
                Some(addr) => tokio::net::TcpStream::connect((*addr, port)).await,
                None => tokio::net::TcpStream::connect((name.as_str(), port)).await,
            }
            .and_then(|tcp| {
                tcp.set_nodelay(true)
                    .map(|()| Box::new(tcp) as Box<dyn Socket>)
            }),
            Host::Unix(dir) => {
                tokio::net::UnixStream::connect(dir.join(format!(".s.PGSQL.{port}")))
                    .await
                    .map(|unix| Box::new(unix) as Box<dyn Socket>)
            }
        };
        let failure = match socket {
            Ok(socket) => match config
                .connect_raw(NoCleartextPassword::new(socket), NoTls)
                .await
            {
                Ok(connected) => return Ok(connected),
                Err(e) => error_text(&e),
            },
            Err(e) => e.to_string(),
        };
        let name = match host {
            Host::Tcp(name) => name.clone(),
            Host::Unix(dir) => dir.display().to_string(),
        };
        failures.push(format!("{name}:{port}: {failure}"));
    }
    if failures.is_empty() {
        return Err("the URL names no host".into());
    }
    Err(failures.join("; "))
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
