//! Which object store serves a URL: `s3://`, `gs://`, `az://`/`abfs://`, `file://` and
//! `memory://`, each created the first time a job names it.
//!
//! Credentials and endpoints come only from each process's environment and files, never from
//! job specs: a job names a bucket, each coordinator and executor decides how to reach it. S3
//! takes the AWS default chain (profiles, SSO, web identity, roles) and per-bucket settings
//! (see [`s3`]); GCS and Azure take object_store's own `GOOGLE_*` and `AZURE_*` variables.

pub mod s3;

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use datafusion::error::{DataFusionError, Result};
use datafusion::execution::object_store::ObjectStoreRegistry;
use object_store::ObjectStore;
use object_store::azure::MicrosoftAzureBuilder;
use object_store::gcp::GoogleCloudStorageBuilder;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use url::Url;

/// A registry that builds stores on demand from the URL and the environment.
#[derive(Debug, Default)]
pub struct KilnObjectStores {
    stores: RwLock<HashMap<String, Arc<dyn ObjectStore>>>,
}

impl KilnObjectStores {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }
}

/// The part of a URL that picks a store: scheme and bucket.
fn store_key(url: &Url) -> String {
    format!("{}://{}", url.scheme(), url.host_str().unwrap_or_default())
}

fn build_store(url: &Url) -> Result<Arc<dyn ObjectStore>> {
    let config_error = |e: object_store::Error| {
        DataFusionError::Configuration(format!("object store for {}: {e}", store_key(url)))
    };
    Ok(match url.scheme() {
        "file" => Arc::new(LocalFileSystem::new()),
        "memory" => Arc::new(InMemory::new()),
        "s3" | "s3a" => Arc::new(s3::build(url, url.host_str().unwrap_or_default())?),
        "gs" => Arc::new(
            GoogleCloudStorageBuilder::from_env()
                .with_url(url.as_str())
                .build()
                .map_err(config_error)?,
        ),
        "az" | "abfs" | "abfss" | "azure" => Arc::new(
            MicrosoftAzureBuilder::from_env()
                .with_url(url.as_str())
                .build()
                .map_err(config_error)?,
        ),
        other => {
            return Err(DataFusionError::Configuration(format!(
                "no object store for '{other}://' URLs (expected s3, gs, az, file or memory)"
            )));
        }
    })
}

impl ObjectStoreRegistry for KilnObjectStores {
    fn register_store(
        &self,
        url: &Url,
        store: Arc<dyn ObjectStore>,
    ) -> Option<Arc<dyn ObjectStore>> {
        self.stores
            .write()
            .expect("object store registry poisoned")
            .insert(store_key(url), store)
    }

    fn get_store(&self, url: &Url) -> Result<Arc<dyn ObjectStore>> {
        let key = store_key(url);
        if let Some(store) = self
            .stores
            .read()
            .expect("object store registry poisoned")
            .get(&key)
        {
            return Ok(Arc::clone(store));
        }
        let mut stores = self.stores.write().expect("object store registry poisoned");
        if let Some(store) = stores.get(&key) {
            return Ok(Arc::clone(store));
        }
        let store = build_store(url)?;
        stores.insert(key, Arc::clone(&store));
        Ok(store)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_store_per_bucket_and_unknown_schemes_are_named() {
        let stores = KilnObjectStores::new();
        let a = stores
            .get_store(&Url::parse("memory://bucket/x/y").unwrap())
            .unwrap();
        let b = stores
            .get_store(&Url::parse("memory://bucket/z").unwrap())
            .unwrap();
        let c = stores
            .get_store(&Url::parse("memory://other/").unwrap())
            .unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &c));
        let error = stores
            .get_store(&Url::parse("ftp://host/file").unwrap())
            .unwrap_err()
            .to_string();
        assert!(error.contains("'ftp://'"), "{error}");
    }
}
