//! The catalog handle: where it is stored and how it reads and writes there. Its calls are
//! in [`crate::database`], [`crate::table`] and [`crate::partition`].

use std::sync::Arc;

use kiln_core::state::{Batch, Fence, StateStore};
use kiln_proto::v1::CatalogColumn;
use prost::Message;

use crate::error::{CatalogError, Result};

/// The longest database or table name.
const MAX_NAME_LEN: usize = 255;

/// The catalog of a cluster, in its state store. Writes carry the writer's fence when it has
/// one (the leading coordinator), so a deposed leader changes nothing.
#[derive(Clone)]
pub struct Catalog {
    pub(crate) store: Arc<dyn StateStore>,
    fence: Option<Fence>,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog")
            .field("fenced", &self.fence.is_some())
            .finish()
    }
}

impl Catalog {
    /// The catalog in `store`, written without a fence (a single process, or tests).
    pub fn new(store: Arc<dyn StateStore>) -> Self {
        Self { store, fence: None }
    }

    /// The same catalog, written only while the leadership of `fence` holds.
    pub fn fenced(self, fence: Fence) -> Self {
        Self {
            fence: Some(fence),
            ..self
        }
    }

    pub(crate) async fn read<M: Message + Default>(&self, key: &str) -> Result<Option<M>> {
        match self.store.get(key).await? {
            Some(bytes) => decode(key, &bytes).map(Some),
            None => Ok(None),
        }
    }

    pub(crate) async fn read_all<M: Message + Default>(&self, prefix: &str) -> Result<Vec<M>> {
        let entries = self.store.list(prefix).await?;
        entries
            .iter()
            .map(|(key, bytes)| decode(key, bytes))
            .collect()
    }

    pub(crate) async fn write(&self, batch: Batch) -> Result<()> {
        Ok(self.store.apply(batch, self.fence.as_ref()).await?)
    }
}

fn decode<M: Message + Default>(key: &str, bytes: &[u8]) -> Result<M> {
    M::decode(bytes).map_err(|source| CatalogError::Corrupt {
        key: key.to_string(),
        source,
    })
}

pub(crate) fn check_name(what: &str, name: &str) -> Result<()> {
    if name.is_empty() || name.len() > MAX_NAME_LEN || name.chars().any(char::is_control) {
        return Err(CatalogError::Invalid(format!(
            "{what} name {name:?}: expected 1 to {MAX_NAME_LEN} bytes without control characters"
        )));
    }
    Ok(())
}

pub(crate) fn names(columns: &[CatalogColumn]) -> String {
    let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
    match names.is_empty() {
        true => "none".into(),
        false => names.join(", "),
    }
}
