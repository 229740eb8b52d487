//! TLS to databases, PostgreSQL and MySQL alike: the `sslmode` and certificates a connection URL
//! names (libpq's parameters, so that a URL copied from `psql` or a cloud console works), and
//! the rustls configuration that checks them.
//!
//! The default suits a cloud database: a server that is not on this machine is reached only over
//! TLS whose certificate the system's CAs sign for the host name (`verify-full`); a server on
//! loopback or a Unix socket gets TLS when it offers it (`prefer`). Client keys come from
//! declared secrets only (see [`crate::secrets`]), never from a path the job names: the files of
//! the cluster's processes include Kiln's own keys. A CA bundle is public and may be a path.

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;

use datafusion::error::{DataFusionError, Result};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};

use crate::secrets;

/// URL parameter: how the connection uses TLS.
pub const SSLMODE: &str = "sslmode";
/// URL parameter: the CA certificates (a PEM file on every process, or `system`).
pub const SSLROOTCERT: &str = "sslrootcert";
/// URL parameter: the declared secret holding the client certificate chain (PEM).
pub const SSLCERT_SECRET: &str = "sslcert_secret";
/// URL parameter: the declared secret holding the client's private key (PEM).
pub const SSLKEY_SECRET: &str = "sslkey_secret";

/// The TLS parameters of a database URL, and what each means, for the options reference.
pub const URL_PARAMETERS: &[(&str, &str)] = &[
    (
        SSLMODE,
        "disable, prefer (TLS when offered, unchecked), require (TLS; checked only against a \
         named sslrootcert), verify-ca (a trusted CA signed the certificate; PostgreSQL only), \
         verify-full (and for this host). Default: verify-full, or prefer for loopback and \
         Unix sockets. MySQL's spellings (ssl-mode=VERIFY_IDENTITY) work too",
    ),
    (
        SSLROOTCERT,
        "a PEM file of CA certificates on every coordinator and executor (for RDS its bundle), \
         or system (the system's CAs, the default)",
    ),
    (
        SSLCERT_SECRET,
        "the declared secret holding the client certificate chain (PEM)",
    ),
    (
        SSLKEY_SECRET,
        "the declared secret holding the client's private key (PEM; PKCS#1 RSA for MySQL)",
    ),
];

/// How a connection uses TLS: libpq's `sslmode` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    /// Never TLS.
    Disable,
    /// TLS when the server offers it, without checking its certificate; plaintext otherwise
    /// (where a password is still never sent in cleartext).
    Prefer,
    /// TLS or no connection; the certificate is checked against `sslrootcert` only when one is
    /// named, as libpq does.
    Require,
    /// TLS with a certificate a trusted CA signed, for any host name.
    VerifyCa,
    /// TLS with a certificate a trusted CA signed for the host the URL names.
    VerifyFull,
}

impl SslMode {
    /// The mode as a URL writes it.
    pub fn name(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }

    fn parse(value: &str) -> Result<SslMode> {
        // MySQL's spellings (DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY) too.
        Ok(
            match value.to_ascii_lowercase().replace('_', "-").as_str() {
                "disable" | "disabled" => SslMode::Disable,
                "prefer" | "preferred" => SslMode::Prefer,
                "require" | "required" => SslMode::Require,
                "verify-ca" => SslMode::VerifyCa,
                "verify-full" | "verify-identity" => SslMode::VerifyFull,
                _ => {
                    return Err(DataFusionError::Plan(format!(
                        "URL parameter {SSLMODE}: '{value}' is not a mode; expected disable, prefer, \
                     require, verify-ca or verify-full"
                    )));
                }
            },
        )
    }

    /// Whether the mode sends nothing before TLS is up.
    pub fn requires_tls(self) -> bool {
        !matches!(self, SslMode::Disable | SslMode::Prefer)
    }
}

/// Where the CA certificates that sign a server's certificate come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Roots {
    /// The system's trusted CAs.
    System,
    /// A PEM bundle (for example the RDS bundle) at this path on every coordinator and executor.
    File(PathBuf),
}

/// The TLS settings of one connection URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseTls {
    /// How TLS is used.
    pub mode: SslMode,
    /// The CAs named by `sslrootcert`, if any.
    pub roots: Option<Roots>,
    /// The secrets holding the client certificate and key, if the server checks clients.
    pub client_secrets: Option<(String, String)>,
}

/// Parameters of other clients that would pick a file or a TLS setting Kiln does not follow,
/// refused with what to write instead.
const REFUSED: &[(&str, &str)] = &[
    (
        "sslcert",
        "name a declared secret holding the certificate with sslcert_secret",
    ),
    (
        "sslkey",
        "name a declared secret holding the key with sslkey_secret",
    ),
    ("sslpassword", "declare the key unencrypted as a secret"),
    ("sslcrl", "certificate revocation lists are not supported"),
    ("require_ssl", "use sslmode=require"),
    ("verify_ca", "use sslmode=verify-ca"),
    ("verify_identity", "use sslmode=verify-full"),
    ("built_in_roots", "use sslrootcert"),
];

/// Takes Kiln's TLS parameters out of `url`: returns the URL for the driver and the settings.
/// `local` tells whether every host the URL names is on this machine, which picks the default
/// mode. URLs in `key=value` form are returned unchanged, with the default settings.
pub fn take_tls_params(url: &str, local: impl Fn(&str) -> bool) -> Result<(String, DatabaseTls)> {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut mode = None;
    let mut roots = None;
    let (mut cert, mut key) = (None, None);
    let mut kept = vec![];
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = decode(pair);
        match name.as_str() {
            SSLMODE | "ssl-mode" | "ssl_mode" => mode = Some(SslMode::parse(&value)?),
            SSLROOTCERT => {
                roots = Some(match value.as_str() {
                    "system" => Roots::System,
                    path => Roots::File(PathBuf::from(path)),
                })
            }
            SSLCERT_SECRET | SSLKEY_SECRET => {
                secrets::check_secret_name(&value)
                    .map_err(|e| DataFusionError::Plan(format!("URL parameter {name}: {e}")))?;
                if name.as_str() == SSLCERT_SECRET {
                    cert = Some(value);
                } else {
                    key = Some(value);
                }
            }
            _ => match REFUSED.iter().find(|(refused, _)| *refused == name) {
                Some((_, instead)) => {
                    return Err(DataFusionError::Plan(format!(
                        "URL parameter {name} is refused: {instead}"
                    )));
                }
                None => kept.push(pair),
            },
        }
    }
    let client_secrets = match (cert, key) {
        (Some(cert), Some(key)) => Some((cert, key)),
        (None, None) => None,
        _ => {
            return Err(DataFusionError::Plan(format!(
                "URL parameters {SSLCERT_SECRET} and {SSLKEY_SECRET} go together: name both \
                 the certificate's secret and the key's"
            )));
        }
    };
    let host_part = base.split_once("://").map_or("", |(_, rest)| rest);
    let authority = host_part.split('/').next().unwrap_or_default();
    let hosts = authority.rsplit('@').next().unwrap_or_default();
    let mode = mode.unwrap_or_else(|| {
        let all_local = hosts.split(',').all(|host| local(host_name(host)));
        if all_local {
            SslMode::Prefer
        } else {
            SslMode::VerifyFull
        }
    });
    if mode == SslMode::Disable && (roots.is_some() || client_secrets.is_some()) {
        return Err(DataFusionError::Plan(format!(
            "URL parameters {SSLROOTCERT}, {SSLCERT_SECRET} and {SSLKEY_SECRET} need TLS, but \
             {SSLMODE} is disable"
        )));
    }
    let driver_url = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok((
        driver_url,
        DatabaseTls {
            mode,
            roots,
            client_secrets,
        },
    ))
}

/// A `name=value` URL parameter, percent-decoded.
fn decode(pair: &str) -> (String, String) {
    url::form_urlencoded::parse(pair.as_bytes())
        .next()
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .unwrap_or_default()
}

/// The host of `host[:port]` (an IPv6 address in brackets loses them).
fn host_name(host_and_port: &str) -> &str {
    if let Some(rest) = host_and_port.strip_prefix('[') {
        return rest.split(']').next().unwrap_or_default();
    }
    host_and_port.split(':').next().unwrap_or_default()
}

/// Whether `host` is this machine: a loopback address, `localhost`, or (empty, or a path) a
/// Unix socket.
pub fn is_local_host(host: &str) -> bool {
    let (host, _) = decode(host);
    host.is_empty()
        || host.starts_with('/')
        || host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

impl DatabaseTls {
    /// Whether the server's certificate is checked against a CA.
    pub fn verifies_ca(&self) -> bool {
        match self.mode {
            SslMode::VerifyCa | SslMode::VerifyFull => true,
            SslMode::Require => self.roots.is_some(),
            SslMode::Disable | SslMode::Prefer => false,
        }
    }

    /// The CA certificates that sign servers' certificates (the system's when none are named).
    pub fn root_certificates(&self) -> Result<Vec<CertificateDer<'static>>> {
        match self.roots.as_ref().unwrap_or(&Roots::System) {
            Roots::System => {
                let found = rustls_native_certs::load_native_certs();
                if found.certs.is_empty() {
                    return Err(DataFusionError::Execution(format!(
                        "no system CA certificates found ({:?}); name a CA bundle with \
                         {SSLROOTCERT}=/path/to/ca.pem",
                        found.errors
                    )));
                }
                Ok(found.certs)
            }
            Roots::File(path) => {
                let certs = CertificateDer::pem_file_iter(path)
                    .and_then(|certs| certs.collect::<std::result::Result<Vec<_>, _>>())
                    .map_err(|e| {
                        DataFusionError::Execution(format!(
                            "{SSLROOTCERT} {}: cannot read CA certificates: {e}",
                            path.display()
                        ))
                    })?;
                if certs.is_empty() {
                    return Err(DataFusionError::Execution(format!(
                        "{SSLROOTCERT} {}: no PEM certificates in the file",
                        path.display()
                    )));
                }
                Ok(certs)
            }
        }
    }

    /// The client certificate chain and key from their declared secrets, if the URL names them.
    pub fn client_identity(
        &self,
    ) -> Result<Option<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)>> {
        let Some((cert_secret, key_secret)) = &self.client_secrets else {
            return Ok(None);
        };
        let chain = secrets::secret(cert_secret)?;
        let chain = CertificateDer::pem_slice_iter(chain.as_bytes())
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| {
                DataFusionError::Execution(format!(
                    "secret '{cert_secret}' ({SSLCERT_SECRET}): not a PEM certificate chain: {e}"
                ))
            })?;
        if chain.is_empty() {
            return Err(DataFusionError::Execution(format!(
                "secret '{cert_secret}' ({SSLCERT_SECRET}): no PEM certificate in it"
            )));
        }
        let key = PrivateKeyDer::from_pem_slice(secrets::secret(key_secret)?.as_bytes()).map_err(
            |e| {
                DataFusionError::Execution(format!(
                    "secret '{key_secret}' ({SSLKEY_SECRET}): not a PEM private key: {e}"
                ))
            },
        )?;
        Ok(Some((chain, key)))
    }

    /// A rustls configuration that checks the server as the mode says, and presents the client
    /// certificate when there is one.
    pub fn rustls_config(&self) -> Result<ClientConfig> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let tls_error = |e: rustls::Error| {
            DataFusionError::Execution(format!("TLS ({SSLMODE} {}): {e}", self.mode.name()))
        };
        let builder = ClientConfig::builder_with_provider(Arc::clone(&provider))
            .with_safe_default_protocol_versions()
            .map_err(tls_error)?;
        let verifier: Arc<dyn ServerCertVerifier> = if self.verifies_ca() {
            let mut roots = RootCertStore::empty();
            let (_, unusable) = roots.add_parsable_certificates(self.root_certificates()?);
            if roots.is_empty() {
                return Err(DataFusionError::Execution(format!(
                    "{SSLROOTCERT}: none of its {unusable} certificates can be used as a CA"
                )));
            }
            let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .map_err(|e| DataFusionError::Execution(format!("{SSLROOTCERT}: {e}")))?;
            Arc::new(CheckedServer {
                webpki,
                check_name: self.mode == SslMode::VerifyFull,
            })
        } else {
            Arc::new(AnyServer(provider.signature_verification_algorithms))
        };
        let builder = builder
            .dangerous()
            .with_custom_certificate_verifier(verifier);
        match self.client_identity()? {
            Some((chain, key)) => builder.with_client_auth_cert(chain, key).map_err(tls_error),
            None => Ok(builder.with_no_client_auth()),
        }
    }
}

/// Checks the server's certificate against the CAs, and its host name in `verify-full`.
#[derive(Debug)]
struct CheckedServer {
    webpki: Arc<WebPkiServerVerifier>,
    check_name: bool,
}

impl ServerCertVerifier for CheckedServer {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        match self.webpki.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        ) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) if !self.check_name => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}

/// Accepts any certificate (`prefer`, and `require` without a CA): the traffic is encrypted but
/// the server is not authenticated. The handshake's signatures are still checked.
#[derive(Debug)]
struct AnyServer(WebPkiSupportedAlgorithms);

impl ServerCertVerifier for AnyServer {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}

/// The message for a connection that failed with TLS settings `tls`: the failure, the mode,
/// and what to do when the failure is about TLS.
pub fn explain_failure(tls: &DatabaseTls, failure: &str) -> String {
    let lower = failure.to_ascii_lowercase();
    let hint = if lower.contains("unknownissuer") || lower.contains("unknown issuer") {
        format!(
            "; the server's certificate is not signed by a trusted CA: name its CA with \
             {SSLROOTCERT}=/path/to/ca.pem (for RDS, the RDS bundle)"
        )
    } else if lower.contains("notvalidforname") || lower.contains("not valid for name") {
        "; the certificate does not name this host: connect by a name it holds, or use \
         sslmode=verify-ca"
            .to_string()
    } else if lower.contains("no encryption") {
        "; the server takes only TLS connections here: use sslmode=verify-full (or require)"
            .to_string()
    } else if lower.contains("does not support tls") || lower.contains("asked for ssl") {
        "; the server offers no TLS: enable TLS on the server, or use sslmode=prefer (or \
         disable) for a server on a trusted network"
            .to_string()
    } else {
        String::new()
    };
    format!("{failure} ({SSLMODE} {}{hint})", tls.mode.name())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn take(url: &str) -> Result<(String, DatabaseTls)> {
        take_tls_params(url, is_local_host)
    }

    #[test]
    fn the_default_mode_depends_on_where_the_server_is() {
        let (_, local) = take("postgres://u@127.0.0.1:5432/db").unwrap();
        assert_eq!(local.mode, SslMode::Prefer);
        let (_, local) = take("mysql://root@localhost/db").unwrap();
        assert_eq!(local.mode, SslMode::Prefer);
        let (_, socket) = take("postgres://u@%2Fvar%2Frun%2Fpostgresql/db").unwrap();
        assert_eq!(socket.mode, SslMode::Prefer);
        let (_, remote) = take("postgres://u@db.example.com/db").unwrap();
        assert_eq!(remote.mode, SslMode::VerifyFull);
        let (_, mixed) = take("postgres://u@127.0.0.1:5432,db.example.com:5432/db").unwrap();
        assert_eq!(mixed.mode, SslMode::VerifyFull);
        let (_, v6) = take("postgres://u@[::1]:5432/db").unwrap();
        assert_eq!(v6.mode, SslMode::Prefer);
    }

    #[test]
    fn kiln_parameters_leave_the_url_and_others_stay() {
        let (url, tls) = take(
            "postgres://u@db.example.com/db?application_name=x&sslmode=verify-ca\
             &sslrootcert=%2Fetc%2Frds.pem&sslcert_secret=pg-cert&sslkey_secret=pg-key\
             &connect_timeout=5",
        )
        .unwrap();
        assert_eq!(
            url,
            "postgres://u@db.example.com/db?application_name=x&connect_timeout=5"
        );
        assert_eq!(tls.mode, SslMode::VerifyCa);
        assert_eq!(tls.roots, Some(Roots::File("/etc/rds.pem".into())));
        assert_eq!(
            tls.client_secrets,
            Some(("pg-cert".to_string(), "pg-key".to_string()))
        );
        let (url, tls) = take("mysql://root@db:3306/shop?ssl-mode=VERIFY_IDENTITY").unwrap();
        assert_eq!(url, "mysql://root@db:3306/shop");
        assert_eq!(tls.mode, SslMode::VerifyFull);
    }

    #[test]
    fn files_and_unknown_modes_are_refused_naming_the_parameter() {
        for (url, expected) in [
            (
                "postgres://u@h/db?sslkey=/etc/kiln/tls.key",
                "sslkey_secret",
            ),
            (
                "postgres://u@h/db?sslcert=/proc/self/environ",
                "sslcert_secret",
            ),
            ("mysql://u@h/db?require_ssl=true", "sslmode=require"),
            (
                "postgres://u@h/db?sslmode=allow",
                "expected disable, prefer",
            ),
            ("postgres://u@h/db?sslkey_secret=k", "go together"),
            (
                "postgres://u@h/db?sslkey_secret=../k&sslcert_secret=c",
                "not a secret name",
            ),
            (
                "postgres://u@h/db?sslmode=disable&sslrootcert=/ca.pem",
                "disable",
            ),
        ] {
            let error = take(url).unwrap_err().to_string();
            assert!(error.contains(expected), "{url}: {error}");
        }
    }

    #[test]
    fn the_modes_that_check_a_ca() {
        let tls = |mode, roots| DatabaseTls {
            mode,
            roots,
            client_secrets: None,
        };
        assert!(!tls(SslMode::Prefer, None).verifies_ca());
        assert!(!tls(SslMode::Require, None).verifies_ca());
        assert!(tls(SslMode::Require, Some(Roots::System)).verifies_ca());
        assert!(tls(SslMode::VerifyCa, None).verifies_ca());
        assert!(tls(SslMode::VerifyFull, None).verifies_ca());
    }
}
