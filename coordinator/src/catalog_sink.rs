//! Sinks into catalog tables (`[sink] catalog = "db.table"`): the job writes files where the
//! table lives, in its format and partitioned by its keys, and the partitions the location
//! holds once the files are committed are registered, as the job that added them.
//!
//! Registration runs after the files' commit and before the job is recorded as succeeded:
//! a job that fails or is cancelled registers nothing, and a leader that dies in between
//! leaves the job committing, so its successor runs the (repeatable) commit again and then
//! registers. Registering is idempotent: it lists the location, so a second run registers
//! the same partitions. An overwrite replaces the registrations: partitions no longer there
//! are dropped.

use std::collections::BTreeMap;

use arrow::datatypes::{DataType, Field, Schema};
use datafusion::datasource::listing::ListingTableUrl;
use datafusion::execution::runtime_env::RuntimeEnv;
use futures::TryStreamExt;
use kiln_catalog::Catalog;
use kiln_proto::v1 as pb;
use percent_encoding::percent_decode_str;

use crate::error::{CoordinatorError, Result};

/// The formats of catalog tables a job can write.
const WRITABLE: &[&str] = &["parquet", "csv", "json"];

/// Fills a catalog sink with its table's format, location and partition keys; for a table
/// that does not exist yet, with the table its commit creates from the sink's path, format
/// and partition_by and the columns of `schema` (the job's output).
pub(crate) async fn resolve(
    catalog: &Catalog,
    mut sink: pb::SinkSpec,
    schema: &Schema,
) -> Result<pb::SinkSpec> {
    let what = format!("sink (catalog table {})", sink.catalog);
    let invalid = |message: String| CoordinatorError::InvalidJob(format!("{what}: {message}"));
    let (database, name) = sink
        .catalog
        .split_once('.')
        .ok_or_else(|| invalid("expected DATABASE.TABLE".into()))?;
    let table = match catalog.table(database, name).await {
        Ok(table) => table,
        Err(kiln_catalog::CatalogError::NotFound { .. }) => {
            let table = new_table(database, name, &sink, schema).map_err(invalid)?;
            sink.format = table.format.clone();
            sink.new_table = Some(table);
            return Ok(sink);
        }
        Err(kiln_catalog::CatalogError::State(e)) => return Err(CoordinatorError::State(e)),
        Err(other) => return Err(invalid(other.to_string())),
    };
    let format = table.format.to_ascii_lowercase();
    if !WRITABLE.contains(&format.as_str()) || table.location.is_empty() {
        return Err(invalid(format!(
            "it is a {format} table{}; jobs write into tables of parquet, csv or json files",
            if table.location.is_empty() {
                " without a location"
            } else {
                ""
            }
        )));
    }
    let keys: Vec<String> = table
        .partition_keys
        .iter()
        .map(|k| k.name.clone())
        .collect();
    if !sink.partition_by.is_empty() && sink.partition_by != keys {
        return Err(invalid(format!(
            "partition_by {:?} differs from the table's partition keys {keys:?}; leave it out",
            sink.partition_by
        )));
    }
    if !sink.path.is_empty()
        && sink.path.trim_end_matches('/') != table.location.trim_end_matches('/')
    {
        return Err(invalid(format!(
            "path {} differs from the table's location {}; leave it out",
            sink.path, table.location
        )));
    }
    sink.format = format;
    sink.path = table.location;
    sink.partition_by = keys;
    sink.new_table = None;
    Ok(sink)
}

/// The table a catalog sink creates when its table does not exist: at the sink's path, in its
/// format (parquet when it names none), its partition keys (kept as text, as hive-style
/// directories hold them) and the other columns of the job's output.
fn new_table(
    database: &str,
    name: &str,
    sink: &pb::SinkSpec,
    schema: &Schema,
) -> std::result::Result<pb::CatalogTable, String> {
    let format = match sink.format.to_ascii_lowercase() {
        format if format.is_empty() => "parquet".to_string(),
        format => format,
    };
    if !WRITABLE.contains(&format.as_str()) {
        return Err(format!(
            "it does not exist, and jobs create tables of parquet, csv or json files, not {format}"
        ));
    }
    if sink.path.is_empty() {
        return Err(
            "it does not exist: give the sink a path (where the new table's files go) to \
             create it at commit"
                .into(),
        );
    }
    for key in &sink.partition_by {
        if schema.field_with_name(key).is_err() {
            return Err(format!(
                "partition_by column {key} is not a column of the job's output"
            ));
        }
    }
    let columns = schema
        .fields()
        .iter()
        .filter(|field| !sink.partition_by.contains(field.name()))
        .map(|field| kiln_catalog::columns::column(field))
        .collect();
    let partition_keys = sink
        .partition_by
        .iter()
        .map(|key| kiln_catalog::columns::column(&Field::new(key, DataType::Utf8, true)))
        .collect();
    Ok(pb::CatalogTable {
        database: database.to_string(),
        name: name.to_string(),
        location: sink.path.clone(),
        format,
        columns,
        partition_keys,
        ..Default::default()
    })
}

/// Creates the table (and its database) a catalog sink's commit creates, unless it exists:
/// a successor finishing the commit, or another job, created it first.
async fn create_table(catalog: &Catalog, table: &pb::CatalogTable, by: &str) -> Result<()> {
    let failed = |e: kiln_catalog::CatalogError| {
        CoordinatorError::InvalidJob(format!(
            "creating catalog table {}.{}: {e}",
            table.database, table.name
        ))
    };
    catalog
        .ensure_database(&table.database, by)
        .await
        .map_err(failed)?;
    match catalog.create_table(table.clone(), by).await {
        Ok(_) => {
            tracing::info!(table = %format!("{}.{}", table.database, table.name), %by, "catalog table created");
            Ok(())
        }
        Err(kiln_catalog::CatalogError::AlreadyExists { .. }) => Ok(()),
        Err(e) => Err(failed(e)),
    }
}

/// Registers the partitions `sink`'s location holds after `job_id` committed into it, those
/// not registered already (all of them after an overwrite); returns how many.
pub(crate) async fn register(
    catalog: &Catalog,
    runtime: &RuntimeEnv,
    sink: &pb::SinkSpec,
    job_id: &str,
) -> Result<usize> {
    let Some((database, name)) = sink.catalog.split_once('.') else {
        return Ok(0);
    };
    let by = format!("job:{job_id}");
    if let Some(table) = &sink.new_table {
        create_table(catalog, table, &by).await?;
    }
    if sink.partition_by.is_empty() {
        return Ok(0);
    }
    let failed = |message: String| {
        CoordinatorError::InvalidJob(format!(
            "registering the partitions of catalog table {}: {message}",
            sink.catalog
        ))
    };
    let url = ListingTableUrl::parse(&sink.path).map_err(|e| failed(e.to_string()))?;
    let store = runtime
        .object_store(&url)
        .map_err(|e| failed(e.to_string()))?;
    let base = url.prefix().as_ref().to_string();
    let objects: Vec<_> = store
        .list(Some(url.prefix()))
        .try_collect()
        .await
        .map_err(|e| failed(format!("listing {}: {e}", sink.path)))?;
    // Per partition (its values), its directory, file count and bytes.
    let mut found: BTreeMap<Vec<String>, (String, u64, u64)> = BTreeMap::new();
    for meta in objects {
        let path = meta.location.as_ref();
        let relative = path
            .strip_prefix(base.as_str())
            .unwrap_or(path)
            .trim_start_matches('/');
        let Some(values) = partition_values(relative, &sink.partition_by) else {
            continue;
        };
        let dir: Vec<&str> = relative.split('/').take(sink.partition_by.len()).collect();
        let location = format!("{}/{}/", sink.path.trim_end_matches('/'), dir.join("/"));
        let entry = found.entry(values).or_insert((location, 0, 0));
        entry.1 += 1;
        entry.2 += meta.size;
    }
    let registered = catalog
        .partitions::<String>(database, name, &[])
        .await
        .map_err(|e| failed(e.to_string()))?;
    let overwrite = sink.mode == pb::SaveMode::Overwrite as i32;
    let registered: std::collections::BTreeSet<Vec<String>> =
        registered.into_iter().map(|p| p.values).collect();
    let gone: Vec<Vec<String>> = registered
        .iter()
        .filter(|values| overwrite && !found.contains_key(*values))
        .cloned()
        .collect();
    // An append leaves the partitions it found registered as they were: their lineage names
    // who added them first (their file counts are refreshed by the next crawl). After an
    // overwrite every partition is this job's.
    if !overwrite {
        found.retain(|values, _| !registered.contains(values));
    }
    if !gone.is_empty() {
        catalog
            .drop_partitions(database, name, &gone)
            .await
            .map_err(|e| failed(e.to_string()))?;
    }
    let partitions: Vec<pb::CatalogPartition> = found
        .into_iter()
        .map(
            |(values, (location, file_count, bytes))| pb::CatalogPartition {
                values,
                location,
                file_count,
                bytes,
                ..Default::default()
            },
        )
        .collect();
    let count = partitions.len();
    catalog
        .add_partitions(database, name, partitions, &by)
        .await
        .map_err(|e| failed(e.to_string()))?;
    tracing::info!(%job_id, table = %sink.catalog, partitions = count, dropped = gone.len(), "catalog partitions registered");
    Ok(count)
}

/// The values of `relative` (a committed file's path under the table's location) for `keys`,
/// when it lies in a `key=value/...` directory for each key in order and is a data file
/// (no hidden or marker file, nothing under `_temporary/`).
fn partition_values(relative: &str, keys: &[String]) -> Option<Vec<String>> {
    let segments: Vec<&str> = relative.split('/').collect();
    if segments.len() != keys.len() + 1
        || segments
            .iter()
            .any(|s| s.is_empty() || kiln_jobs::tables::is_hidden(s))
    {
        return None;
    }
    keys.iter()
        .zip(&segments)
        .map(|(key, segment)| {
            let (name, value) = segment.split_once('=')?;
            (name == key).then(|| percent_decode_str(value).decode_utf8_lossy().into_owned())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_data_files_in_key_directories_are_partitions() {
        let keys = vec!["year".to_string(), "month".to_string()];
        assert_eq!(
            partition_values("year=2024/month=05/part-0.parquet", &keys),
            Some(vec!["2024".into(), "05".into()])
        );
        assert_eq!(
            partition_values("year=2024/month=a%2Fb/part-0.parquet", &keys),
            Some(vec!["2024".into(), "a/b".into()])
        );
        for other in [
            "year=2024/part-0.parquet",
            "month=05/year=2024/part-0.parquet",
            "_temporary/j/year=2024/month=05/x.parquet",
            "year=2024/month=05/_SUCCESS",
            "_SUCCESS",
        ] {
            assert_eq!(partition_values(other, &keys), None, "{other}");
        }
    }
}
