//! PostgreSQL plumbing shared by the sink (and later the source): connecting with a password
//! from a declared secret, quoting names, and the binary `COPY` encoding.

pub mod copy;
pub mod copy_out;
pub mod no_cleartext;

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};

use datafusion::error::{DataFusionError, Result};

use crate::secrets::{PASSWORD_SECRET, password, redact_password};
pub use crate::sql_names::{TableName, quote_ident};
use crate::statement_timeout::statement_timeout;
use crate::tls::{self, SslMode};
use tokio::net::{TcpStream, UnixStream};
use tokio_postgres::config::Host;
use tokio_postgres::error::SqlState;
use tokio_postgres::tls::MakeTlsConnect;
use tokio_postgres::{Client, Connection};
use tokio_postgres_rustls::MakeRustlsConnect;
use tokio_util::either::Either;

use self::no_cleartext::NoCleartextPassword;

/// How long connecting may take before the job fails.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a restarting server is waited for: about 5 s in all.
const RESTART_BACKOFF: ExponentialBuilder = ExponentialBuilder::new()
    .with_min_delay(Duration::from_millis(100))
    .with_max_delay(Duration::from_secs(1))
    .with_max_times(8);

/// Connects to `url` (which must not hold a password); the password comes from the declared
/// secret `password_secret` names, when there is one. TLS follows the URL's `sslmode` (see
/// [`crate::tls`]). The session cancels statements that run past `statement_timeout_secs`.
pub async fn connect(url: &str, options: &HashMap<String, String>) -> Result<Client> {
    let what = |message: String| DataFusionError::Execution(format!("postgres {url}: {message}"));
    let (driver_url, tls) = tls::take_tls_params(url, tls::is_local_host)
        .map_err(|e| DataFusionError::Plan(format!("postgres {url}: {e}")))?;
    let mut config = tokio_postgres::Config::from_str(&driver_url)
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
    config.ssl_mode(match tls.mode {
        SslMode::Disable => tokio_postgres::config::SslMode::Disable,
        SslMode::Prefer => tokio_postgres::config::SslMode::Prefer,
        _ => tokio_postgres::config::SslMode::Require,
    });
    let connector = MakeRustlsConnect::new(tls.rustls_config().map_err(|e| what(e.to_string()))?);
    let opening = || async {
        match tokio::time::timeout(CONNECT_TIMEOUT, open(&config, connector.clone())).await {
            Ok(opened) => opened,
            Err(_) => Err(OpenFailure {
                message: format!("no connection within {CONNECT_TIMEOUT:?}"),
                transient: false,
            }),
        }
    };
    // A server that restarts refuses connections, or turns them away while it starts up,
    // for a moment: that moment is waited out rather than failing the task.
    let (client, connection) = opening
        .retry(RESTART_BACKOFF)
        .when(|failure| failure.transient)
        .sleep(tokio::time::sleep)
        .notify(|failure, after| {
            tracing::debug!(error = %failure.message, "postgres not reachable; retrying in {after:?}")
        })
        .await
        .map_err(|failure| {
            what(format!(
                "cannot connect: {}",
                tls::explain_failure(&tls, &failure.message)
            ))
        })?;
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

/// A byte stream to a server, over TCP or a Unix socket. (A concrete type: with a trait object
/// rustc cannot prove the TLS handshake's future `Send`.)
type Socket = Either<TcpStream, UnixStream>;

/// A connection whose password is never sent in cleartext without TLS.
type Guarded = NoCleartextPassword<Socket>;

/// A connection as tokio-postgres drives it: TLS over the guard when the mode asks for it.
type Connected = (
    Client,
    Connection<Guarded, <MakeRustlsConnect as MakeTlsConnect<Guarded>>::Stream>,
);

/// Opens the connection `config` names, trying its hosts in turn as libpq does, through
/// [`NoCleartextPassword`], with TLS as the config's mode says. Unix sockets never use TLS, as
/// with libpq (the server does not offer it there, and nothing leaves the machine).
async fn open(
    config: &tokio_postgres::Config,
    mut connector: MakeRustlsConnect,
) -> std::result::Result<Connected, OpenFailure> {
    let ports = config.get_ports();
    let mut failures = vec![];
    let mut transient = false;
    for (i, host) in config.get_hosts().iter().enumerate() {
        let port = ports.get(i).or(ports.first()).copied().unwrap_or(5432);
        let socket: std::io::Result<Socket> = match host {
            Host::Tcp(name) => match config.get_hostaddrs().get(i) {
                Some(addr) => TcpStream::connect((*addr, port)).await,
                None => TcpStream::connect((name.as_str(), port)).await,
            }
            .and_then(|tcp| tcp.set_nodelay(true).map(|()| Either::Left(tcp))),
            Host::Unix(dir) => UnixStream::connect(dir.join(format!(".s.PGSQL.{port}")))
                .await
                .map(Either::Right),
        };
        let name = match host {
            Host::Tcp(name) => name.clone(),
            Host::Unix(dir) => dir.display().to_string(),
        };
        let failure = match socket {
            Ok(socket) => {
                let tls = MakeTlsConnect::<Guarded>::make_tls_connect(&mut connector, &name)
                    .map_err(|e| OpenFailure {
                        message: e.to_string(),
                        transient: false,
                    })?;
                let mut config = config.clone();
                if matches!(host, Host::Unix(_)) {
                    config.ssl_mode(tokio_postgres::config::SslMode::Disable);
                }
                let guarded = match config.get_ssl_mode() {
                    tokio_postgres::config::SslMode::Disable => NoCleartextPassword::new(socket),
                    _ => NoCleartextPassword::after_ssl_request(socket),
                };
                match config.connect_raw(guarded, tls).await {
                    Ok(connected) => return Ok(connected),
                    Err(e) => {
                        transient |= e.as_db_error().is_some_and(|db| {
                            [
                                SqlState::CANNOT_CONNECT_NOW,
                                SqlState::ADMIN_SHUTDOWN,
                                SqlState::CRASH_SHUTDOWN,
                            ]
                            .contains(db.code())
                        });
                        error_text(&e)
                    }
                }
            }
            Err(e) => {
                transient |= matches!(
                    e.kind(),
                    std::io::ErrorKind::ConnectionRefused | std::io::ErrorKind::ConnectionReset
                );
                e.to_string()
            }
        };
        failures.push(format!("{name}:{port}: {failure}"));
    }
    Err(OpenFailure {
        message: match failures.is_empty() {
            true => "the URL names no host".into(),
            false => failures.join("; "),
        },
        transient,
    })
}

/// Why a connection could not be opened, and whether it may open if tried again soon (the
/// server refused the socket, or turned the connection away while starting up or shutting
/// down: a restart).
struct OpenFailure {
    message: String,
    transient: bool,
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
        None => kiln_core::error::error_chain(error),
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
