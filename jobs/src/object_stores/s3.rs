//! S3 stores: credentials through the AWS default chain, and settings per bucket that the
//! cluster declares.
//!
//! With `AWS_ACCESS_KEY_ID` in the environment, object_store signs with those keys, as before.
//! Otherwise the AWS SDK's default chain finds them, as the `aws` CLI does: `AWS_PROFILE` and
//! the shared config and credentials files (static keys, SSO logins, assumed roles,
//! `credential_process`), web identity tokens (EKS IRSA), the ECS container endpoint, and the
//! EC2 instance role. Each coordinator and executor resolves credentials itself; a job names a
//! bucket, never a key.
//!
//! The file that [`BUCKETS_FILE_ENV`] names gives single buckets their own profile, region,
//! endpoint and addressing, for example a MinIO bucket beside AWS ones:
//!
//! ```toml
//! [lake-eu]
//! profile = "analytics"
//! region = "eu-west-1"
//!
//! [raw-minio]
//! endpoint = "http://minio.storage:9000"
//! path_style = true
//! allow_http = true
//! profile = "minio"
//! ```

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use aws_config::BehaviorVersion;
use aws_config::environment::EnvironmentVariableRegionProvider;
use aws_config::meta::region::RegionProviderChain;
use aws_config::profile::ProfileFileRegionProvider;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
use datafusion::error::{DataFusionError, Result};
use object_store::CredentialProvider;
use object_store::aws::{AmazonS3, AmazonS3Builder, AwsCredential};
use serde::Deserialize;

/// The environment variable naming the TOML file of per-bucket settings.
pub const BUCKETS_FILE_ENV: &str = "KILN_S3_BUCKETS_FILE";

/// How long before they expire credentials are fetched again.
const REFRESH_BEFORE_EXPIRY: Duration = Duration::from_secs(300);

/// The settings of one bucket, each overriding the environment's.
#[derive(Debug, Default, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct BucketSettings {
    /// The profile of the shared AWS config files whose credentials (and region) sign requests.
    pub profile: Option<String>,
    /// The bucket's region.
    pub region: Option<String>,
    /// The endpoint of an S3-compatible server.
    pub endpoint: Option<String>,
    /// Path-style URLs (`endpoint/bucket/key`), which most S3-compatible servers need.
    pub path_style: Option<bool>,
    /// Whether plain HTTP is allowed to the endpoint.
    pub allow_http: Option<bool>,
}

/// The settings the cluster declares for `bucket`; defaults when it declares none.
fn bucket_settings(bucket: &str) -> Result<BucketSettings> {
    let Some(path) = std::env::var_os(BUCKETS_FILE_ENV) else {
        return Ok(BucketSettings::default());
    };
    let what = |message: String| {
        DataFusionError::Configuration(format!(
            "{BUCKETS_FILE_ENV} {}: {message}",
            std::path::Path::new(&path).display()
        ))
    };
    let text = std::fs::read_to_string(&path).map_err(|e| what(e.to_string()))?;
    let mut buckets: HashMap<String, BucketSettings> =
        toml::from_str(&text).map_err(|e| what(e.to_string()))?;
    Ok(buckets.remove(bucket).unwrap_or_default())
}

/// The store for `bucket` (`url` names it), with credentials from the environment's keys or the
/// AWS default chain and the bucket's declared settings.
pub fn build(url: &url::Url, bucket: &str) -> Result<AmazonS3> {
    let settings = bucket_settings(bucket)?;
    let mut builder = AmazonS3Builder::from_env().with_url(url.as_str());
    if let Some(endpoint) = &settings.endpoint {
        builder = builder.with_endpoint(endpoint);
    }
    if let Some(allow) = settings.allow_http {
        builder = builder.with_allow_http(allow);
    }
    if let Some(path_style) = settings.path_style {
        builder = builder.with_virtual_hosted_style_request(!path_style);
    }
    let keys_in_env = std::env::var_os("AWS_ACCESS_KEY_ID").is_some();
    if settings.profile.is_some() || !keys_in_env {
        let chain = DefaultChain::load(settings.profile.clone());
        if let Some(region) = settings.region.clone().or(chain.region) {
            builder = builder.with_region(region);
        }
        if let Some(provider) = chain.credentials {
            builder = builder.with_credentials(Arc::new(ChainCredentials {
                provider,
                profile: settings.profile,
                cached: Mutex::default(),
            }));
        }
    } else if let Some(region) = settings.region {
        builder = builder.with_region(region);
    }
    builder
        .build()
        .map_err(|e| DataFusionError::Configuration(format!("object store for s3://{bucket}: {e}")))
}

/// What the AWS default chain resolved without network calls: the region of the environment
/// or profile, and the (lazy) credentials provider.
struct DefaultChain {
    region: Option<String>,
    credentials: Option<SharedCredentialsProvider>,
}

impl DefaultChain {
    /// Loads the chain for `profile` (or `AWS_PROFILE`, or `default`). The SDK's loader is
    /// async and stores are built in sync code, so it runs on a thread of its own; it reads
    /// files and the environment only, as the region comes from them and not from the instance
    /// metadata service.
    fn load(profile: Option<String>) -> DefaultChain {
        let load = move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime for loading the AWS configuration");
            runtime.block_on(async move {
                let mut profile_region = ProfileFileRegionProvider::builder();
                if let Some(name) = &profile {
                    profile_region = profile_region.profile_name(name);
                }
                let region =
                    RegionProviderChain::first_try(EnvironmentVariableRegionProvider::new())
                        .or_else(profile_region.build());
                let http = aws_smithy_http_client::Builder::new()
                    .tls_provider(Provider::Rustls(CryptoMode::Ring))
                    .build_https();
                let mut loader = aws_config::defaults(BehaviorVersion::latest())
                    .http_client(http)
                    .region(region);
                if let Some(name) = &profile {
                    loader = loader.profile_name(name);
                }
                let config = loader.load().await;
                DefaultChain {
                    region: config.region().map(|r| r.to_string()),
                    credentials: config.credentials_provider(),
                }
            })
        };
        std::thread::spawn(load)
            .join()
            .expect("loading the AWS configuration panicked")
    }
}

/// object_store's credentials from the AWS SDK's chain, kept until shortly before they expire
/// (the SDK's providers do not cache on their own).
#[derive(Debug)]
struct ChainCredentials {
    provider: SharedCredentialsProvider,
    profile: Option<String>,
    cached: Mutex<Option<(Arc<AwsCredential>, Option<SystemTime>)>>,
}

#[async_trait::async_trait]
impl CredentialProvider for ChainCredentials {
    type Credential = AwsCredential;

    async fn get_credential(&self) -> object_store::Result<Arc<AwsCredential>> {
        if let Some((credential, expiry)) = &*self.cached.lock().expect("credential cache") {
            let fresh =
                expiry.is_none_or(|expiry| SystemTime::now() + REFRESH_BEFORE_EXPIRY < expiry);
            if fresh {
                return Ok(Arc::clone(credential));
            }
        }
        let found = self.provider.provide_credentials().await.map_err(|e| {
            let profile = match &self.profile {
                Some(name) => format!("profile {name}"),
                None => "the AWS default chain".to_string(),
            };
            object_store::Error::Generic {
                store: "S3",
                source: format!(
                    "no credentials from {profile} (AWS_PROFILE, the shared config files, web \
                     identity, the container or instance role): {}",
                    kiln_core::error::error_chain(&e)
                )
                .into(),
            }
        })?;
        let credential = Arc::new(AwsCredential {
            key_id: found.access_key_id().to_string(),
            secret_key: found.secret_access_key().to_string(),
            token: found.session_token().map(str::to_string),
        });
        *self.cached.lock().expect("credential cache") =
            Some((Arc::clone(&credential), found.expiry()));
        Ok(credential)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_settings_are_read_by_name_and_typos_are_refused() {
        let text = "[lake-eu]\nprofile = \"analytics\"\nregion = \"eu-west-1\"\n\
                    [raw]\nendpoint = \"http://minio:9000\"\npath_style = true\n";
        let buckets: HashMap<String, BucketSettings> = toml::from_str(text).unwrap();
        assert_eq!(buckets["lake-eu"].profile.as_deref(), Some("analytics"));
        assert_eq!(buckets["raw"].path_style, Some(true));
        let typo = toml::from_str::<HashMap<String, BucketSettings>>("[b]\nprofil = \"x\"\n")
            .unwrap_err()
            .to_string();
        assert!(typo.contains("profil"), "{typo}");
    }
}
