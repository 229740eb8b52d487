//! The command-line flags that say where a Kiln process finds its cluster's state store.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::{EtcdOptions, EtcdStore, Result, StateError, StateStore};
use crate::config::{DEFAULT_ETCD_PREFIX, DEFAULT_LEASE_TTL_SECS};

/// Where the cluster state lives (etcd), shared by `kiln-coordinator` and `kiln-executor`.
#[derive(Debug, Clone, clap::Args)]
pub struct StateStoreArgs {
    /// etcd client URLs, comma-separated.
    #[arg(
        long,
        env = "KILN_ETCD_ENDPOINTS",
        default_value = "http://127.0.0.1:2379",
        value_delimiter = ','
    )]
    pub etcd_endpoints: Vec<String>,
    /// The prefix of this cluster's keys in etcd; clusters sharing an etcd use different ones.
    #[arg(long, env = "KILN_ETCD_PREFIX", default_value = DEFAULT_ETCD_PREFIX)]
    pub etcd_prefix: String,
    /// The etcd user, when etcd has authentication on; the password comes from
    /// KILN_ETCD_PASSWORD or --etcd-password-file.
    #[arg(long, env = "KILN_ETCD_USER")]
    pub etcd_user: Option<String>,
    /// A file holding the etcd user's password.
    #[arg(long, env = "KILN_ETCD_PASSWORD_FILE")]
    pub etcd_password_file: Option<PathBuf>,
    /// A CA certificate (PEM) to verify etcd's certificate; turns TLS on.
    #[arg(long, env = "KILN_ETCD_CA_FILE")]
    pub etcd_ca_file: Option<PathBuf>,
    /// A client certificate (PEM) for etcd's mutual TLS.
    #[arg(long, env = "KILN_ETCD_CERT_FILE", requires = "etcd_key_file")]
    pub etcd_cert_file: Option<PathBuf>,
    /// The client certificate's key (PEM).
    #[arg(long, env = "KILN_ETCD_KEY_FILE", requires = "etcd_cert_file")]
    pub etcd_key_file: Option<PathBuf>,
    /// Seconds of silence after which this process counts as gone: its lease's TTL.
    #[arg(long, env = "KILN_LEASE_TTL_SECS", default_value_t = DEFAULT_LEASE_TTL_SECS)]
    pub lease_ttl_secs: u64,
}

impl StateStoreArgs {
    /// The lease TTL these flags set.
    pub fn lease_ttl(&self) -> Duration {
        Duration::from_secs(self.lease_ttl_secs.max(1))
    }

    /// Connects to the etcd these flags name.
    pub async fn connect(&self) -> Result<Arc<dyn StateStore>> {
        let mut options = EtcdOptions::new(self.etcd_endpoints.clone(), self.etcd_prefix.clone());
        if let Some(user) = &self.etcd_user {
            let password = match &self.etcd_password_file {
                Some(path) => std::fs::read_to_string(path)
                    .map_err(|e| {
                        StateError::Unavailable(format!(
                            "cannot read the etcd password file {}: {e}",
                            path.display()
                        ))
                    })?
                    .trim_end()
                    .to_string(),
                None => std::env::var("KILN_ETCD_PASSWORD").unwrap_or_default(),
            };
            options.user = Some((user.clone(), password));
        }
        options.ca_file = self.etcd_ca_file.clone();
        options.cert_file = self.etcd_cert_file.clone();
        options.key_file = self.etcd_key_file.clone();
        Ok(Arc::new(EtcdStore::connect(&options).await?))
    }
}
