//! TLS on Kiln's gRPC and Flight endpoints.
//!
//! A cluster serves TLS on every endpoint or on none. A coordinator or executor given a
//! certificate and its key serves TLS and advertises `https://` URLs. Every Kiln process (and
//! the SDK) connecting to an `https://` URL checks the server's certificate against the CA in
//! `--tls-ca-file` / `KILN_TLS_CA_FILE`, else against the system's trusted roots. The bearer
//! token ([`crate::auth`]) still decides who may call; TLS keeps it and the data private.

use std::path::{Path, PathBuf};

use tonic::transport::{Certificate, ClientTlsConfig, Endpoint, Identity, Server, ServerTlsConfig};

/// The environment variable naming the CA certificate clients verify servers with.
pub const CA_FILE_ENV: &str = "KILN_TLS_CA_FILE";

/// This process's TLS setup: a certificate to serve with, and the CA to trust.
#[derive(Clone, Default)]
pub struct Tls {
    identity: Option<Identity>,
    ca: Option<Certificate>,
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the key.
        f.debug_struct("Tls")
            .field("serves_tls", &self.identity.is_some())
            .field("custom_ca", &self.ca.is_some())
            .finish()
    }
}

fn read(path: &Path, what: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("reading the {what} {}: {e}", path.display()))
}

impl Tls {
    /// No certificate to serve with; `https://` URLs are verified against the system's roots.
    pub fn none() -> Self {
        Self::default()
    }

    /// Loads PEM files: `cert` and `key` (both or neither) to serve TLS, `ca` to verify the
    /// servers this process connects to.
    pub fn load(
        cert: Option<&Path>,
        key: Option<&Path>,
        ca: Option<&Path>,
    ) -> Result<Self, String> {
        let identity = match (cert, key) {
            (Some(cert), Some(key)) => Some(Identity::from_pem(
                read(cert, "TLS certificate")?,
                read(key, "TLS key")?,
            )),
            (None, None) => None,
            _ => return Err("--tls-cert-file and --tls-key-file go together".into()),
        };
        let ca = ca
            .map(|ca| read(ca, "TLS CA certificate").map(Certificate::from_pem))
            .transpose()?;
        Ok(Self { identity, ca })
    }

    /// For clients: the CA from `KILN_TLS_CA_FILE`, when set.
    pub fn from_env() -> Result<Self, String> {
        let ca = std::env::var_os(CA_FILE_ENV).map(PathBuf::from);
        Self::load(None, None, ca.as_deref())
    }

    /// The URL scheme this process's endpoints speak: `https` when it serves TLS.
    pub fn scheme(&self) -> &'static str {
        if self.identity.is_some() {
            "https"
        } else {
            "http"
        }
    }

    /// `server`, serving TLS when this process has a certificate.
    pub fn serve(&self, server: Server) -> Result<Server, String> {
        match &self.identity {
            Some(identity) => server
                .tls_config(ServerTlsConfig::new().identity(identity.clone()))
                .map_err(|e| format!("setting up TLS: {e}")),
            None => Ok(server),
        }
    }

    /// An endpoint for `url`; an `https://` one verifies the server's certificate.
    pub fn endpoint(&self, url: &str) -> Result<Endpoint, String> {
        let endpoint =
            Endpoint::from_shared(url.to_string()).map_err(|e| format!("bad URL {url}: {e}"))?;
        if !url.starts_with("https://") {
            return Ok(endpoint);
        }
        let config = match &self.ca {
            Some(ca) => ClientTlsConfig::new().ca_certificate(ca.clone()),
            None => ClientTlsConfig::new().with_native_roots(),
        };
        endpoint
            .tls_config(config)
            .map_err(|e| format!("setting up TLS for {url}: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_unless_a_certificate_is_given() {
        let tls = Tls::none();
        assert_eq!(tls.scheme(), "http");
        assert!(tls.endpoint("http://127.0.0.1:1").is_ok());
        assert!(tls.endpoint("https://127.0.0.1:1").is_ok());
        let half = Tls::load(Some(Path::new("cert.pem")), None, None).unwrap_err();
        assert!(half.contains("go together"), "{half}");
        let missing = Tls::load(None, None, Some(Path::new("/nonexistent/ca.pem"))).unwrap_err();
        assert!(missing.contains("/nonexistent/ca.pem"), "{missing}");
    }
}
