//! The flags every server process (`kiln-coordinator`, `kiln-executor`) shares: the files of
//! its tokens and of its TLS certificate.

use std::path::PathBuf;

use crate::auth::{
    AuthError, CLUSTER_TOKEN_ENV, CLUSTER_TOKEN_FILE_ENV, ClusterTokens, TOKEN_ENV, TOKEN_FILE_ENV,
    Token,
};
use crate::tls::{CA_FILE_ENV, Tls};

/// The flags of `kiln-coordinator` and `kiln-executor` that name the token files.
#[derive(Debug, Clone, clap::Args)]
pub struct AuthArgs {
    /// A file holding the client token (KILN_TOKEN holds the token itself and wins). When
    /// set, clients must send it; KILN_CLUSTER_TOKEN must then be set too.
    #[arg(long, env = TOKEN_FILE_ENV)]
    pub token_file: Option<PathBuf>,
    /// A file holding the cluster token that coordinators and executors share and clients
    /// never hold (KILN_CLUSTER_TOKEN holds the token itself and wins).
    #[arg(long, env = CLUSTER_TOKEN_FILE_ENV)]
    pub cluster_token_file: Option<PathBuf>,
}

impl AuthArgs {
    /// Reads the tokens from the environment and the files the flags name, and warns loudly
    /// when the cluster will be open to anyone.
    pub fn load(&self, process: &str) -> Result<ClusterTokens, AuthError> {
        let tokens = ClusterTokens::new(
            Token::load(self.token_file.as_deref())?,
            Token::load_from(CLUSTER_TOKEN_ENV, self.cluster_token_file.as_deref())?,
        )?;
        if tokens.is_open() {
            tracing::warn!(
                "{process} runs WITHOUT AUTHENTICATION: anyone who reaches its ports can submit \
                 jobs, read results and act as a cluster member; set {TOKEN_ENV} and \
                 {CLUSTER_TOKEN_ENV} (or their _FILE variants) on every process"
            );
        }
        Ok(tokens)
    }
}

/// The TLS flags of `kiln-coordinator` and `kiln-executor`.
#[derive(Debug, Clone, clap::Args)]
pub struct TlsArgs {
    /// This process's certificate (PEM) for its gRPC and Flight endpoints; turns TLS on. Use
    /// it on every coordinator and executor of the cluster, or on none.
    #[arg(long, env = "KILN_TLS_CERT_FILE", requires = "tls_key_file")]
    pub tls_cert_file: Option<PathBuf>,
    /// The certificate's private key (PEM).
    #[arg(long, env = "KILN_TLS_KEY_FILE", requires = "tls_cert_file")]
    pub tls_key_file: Option<PathBuf>,
    /// The CA certificate (PEM) that signed the cluster's certificates; without it, peers are
    /// verified against the system's trusted roots.
    #[arg(long, env = CA_FILE_ENV)]
    pub tls_ca_file: Option<PathBuf>,
}

impl TlsArgs {
    /// Reads the files the flags name.
    pub fn load(&self) -> Result<Tls, String> {
        Tls::load(
            self.tls_cert_file.as_deref(),
            self.tls_key_file.as_deref(),
            self.tls_ca_file.as_deref(),
        )
    }
}
