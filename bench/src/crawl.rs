//! Crawling: a full crawl of many small objects in 1,000 partitions on the real S3 server, an
//! incremental recrawl after 1% new objects, and planning a pruned query on a table of 100,000
//! partitions; against a bare object_store listing of the same prefix, in the same run.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::prelude::{SessionConfig, SessionContext};
use futures::{StreamExt, TryStreamExt};
use kiln_catalog::{Catalog, CatalogColumn, CatalogDatabase, CatalogPartition, CatalogTable};
use kiln_core::state::FileStore;
use kiln_tests::s3::S3Server;
use object_store::aws::AmazonS3Builder;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

/// Partitions of the crawled prefix: days x hours.
const DAYS: usize = 40;
const HOURS: usize = 25;
/// The new partitions of the incremental recrawl (1% of the objects).
const NEW_PARTITIONS: usize = 10;
/// Concurrent uploads while the data is written.
const CONCURRENT_PUTS: usize = 64;
/// Partitions of the planning table: regions x days.
const REGIONS: usize = 100;
const PLAN_DAYS: usize = 1000;

fn column(name: &str, data_type: &str) -> CatalogColumn {
    CatalogColumn {
        name: name.into(),
        data_type: data_type.into(),
        nullable: true,
    }
}

/// Uploads `per_partition` small CSV objects into each of `partitions` (`dt=.../h=.../`);
/// returns their keys.
async fn upload(
    store: &Arc<dyn ObjectStore>,
    partitions: &[(String, usize)],
    per_partition: usize,
) -> Vec<String> {
    let keys: Vec<String> = partitions
        .iter()
        .flat_map(|(day, hour)| {
            (0..per_partition).map(move |i| format!("events/dt={day}/h={hour:02}/part-{i:03}.csv"))
        })
        .collect();
    futures::stream::iter(keys.clone())
        .map(|key| {
            let store = Arc::clone(store);
            async move {
                let body = format!("id,name,amount\n{},{key},1.5\n", key.len());
                store
                    .put(&ObjectPath::from(key.as_str()), PutPayload::from(body))
                    .await
                    .expect("uploading an object");
            }
        })
        .buffer_unordered(CONCURRENT_PUTS)
        .collect::<Vec<()>>()
        .await;
    keys
}

fn crawler(name: &str, recrawl: &str) -> kiln_catalog::Crawler {
    kiln_catalog::crawler::parse_crawler(
        &format!(
            "name = \"{name}\"\ndatabase = \"bench\"\ntargets = [\"s3://bench/events/\"]\n\
             recrawl = \"{recrawl}\"\n"
        ),
        "bench",
    )
    .expect("a valid crawler")
}

/// Runs the crawl benchmark with `per_partition` objects in each of 1,000 partitions, and
/// writes the figures to `out`.
pub async fn run(per_partition: usize, out: &Path) {
    let s3 = S3Server::start();
    s3.create_bucket("bench");
    // The planning table has a bucket of its own: the test server lists a prefix by walking
    // its bucket, which would charge the crawled objects to planning.
    s3.create_bucket("wide");
    let env: std::collections::HashMap<String, String> = s3.env().into_iter().collect();
    let bucket = |name: &str| -> Arc<dyn ObjectStore> {
        Arc::new(
            AmazonS3Builder::new()
                .with_endpoint(&env["AWS_ENDPOINT_URL"])
                .with_access_key_id(&env["AWS_ACCESS_KEY_ID"])
                .with_secret_access_key(&env["AWS_SECRET_ACCESS_KEY"])
                .with_region("us-east-1")
                .with_allow_http(true)
                .with_bucket_name(name)
                .build()
                .expect("an S3 client"),
        )
    };
    let store = bucket("bench");
    let wide = bucket("wide");
    let partitions: Vec<(String, usize)> = (0..DAYS)
        .flat_map(|d| (0..HOURS).map(move |h| (format!("2024-01-{:02}", d + 1), h)))
        .collect();
    let objects = partitions.len() * per_partition;
    let started = Instant::now();
    upload(&store, &partitions, per_partition).await;
    eprintln!("uploaded {objects} objects in {:?}", started.elapsed());

    let runtime = RuntimeEnvBuilder::new().build_arc().expect("a runtime");
    runtime.register_object_store(&url::Url::parse("s3://bench").unwrap(), Arc::clone(&store));
    runtime.register_object_store(&url::Url::parse("s3://wide").unwrap(), Arc::clone(&wide));
    let ctx = SessionContext::new_with_config_rt(SessionConfig::new(), runtime);
    let state = ctx.state();
    let dir = tempfile::tempdir().expect("a temp dir");
    let catalog = Catalog::new(Arc::new(FileStore::open(dir.path()).expect("a state dir")));

    // The baseline: a bare listing of the whole prefix.
    let started = Instant::now();
    let listed: Vec<_> = store
        .list(Some(&ObjectPath::from("events")))
        .try_collect()
        .await
        .expect("listing");
    let list_time = started.elapsed();
    assert_eq!(listed.len(), objects);

    let everything = catalog
        .create_crawler(crawler("full", "everything"), "bench")
        .await
        .expect("a crawler");
    let started = Instant::now();
    let full = kiln_catalog::crawler::crawl(&catalog, &state, &everything, false, &[])
        .await
        .expect("the full crawl");
    let full_time = started.elapsed();
    assert_eq!(full.objects_listed as usize, objects, "{full:?}");
    assert_eq!(full.partitions_added as usize, partitions.len(), "{full:?}");
    assert!(full.errors.is_empty(), "{:?}", full.errors);

    let started = Instant::now();
    let same = kiln_catalog::crawler::crawl(&catalog, &state, &everything, false, &[])
        .await
        .expect("the unchanged recrawl");
    let same_time = started.elapsed();
    assert_eq!(same.objects_read, 0, "{same:?}");

    // 1% new objects, in new partitions.
    let new: Vec<(String, usize)> = (0..NEW_PARTITIONS)
        .map(|h| ("2024-02-01".to_string(), h))
        .collect();
    upload(
        &store,
        &new,
        per_partition * partitions.len() / 100 / NEW_PARTITIONS,
    )
    .await;
    let new_folders = catalog
        .create_crawler(crawler("incremental", "new_folders"), "bench")
        .await
        .expect("a crawler");
    let started = Instant::now();
    let incremental = kiln_catalog::crawler::crawl(&catalog, &state, &new_folders, false, &[])
        .await
        .expect("the incremental crawl");
    let incremental_time = started.elapsed();
    assert_eq!(
        incremental.partitions_added as usize, NEW_PARTITIONS,
        "{incremental:?}"
    );
    assert_eq!(
        incremental.objects_read as usize, NEW_PARTITIONS,
        "{incremental:?}"
    );

    // Another 1% lands, and its S3 events start a crawler that lists only their folders.
    let landed: Vec<(String, usize)> = (0..NEW_PARTITIONS)
        .map(|h| ("2024-02-02".to_string(), h))
        .collect();
    let keys = upload(
        &store,
        &landed,
        per_partition * partitions.len() / 100 / NEW_PARTITIONS,
    )
    .await;
    let events: Vec<String> = keys.iter().map(|k| format!("s3://bench/{k}")).collect();
    let from_events = catalog
        .create_crawler(crawler("events", "events"), "bench")
        .await
        .expect("a crawler");
    let started = Instant::now();
    let evented = kiln_catalog::crawler::crawl(&catalog, &state, &from_events, false, &events)
        .await
        .expect("the crawl from events");
    let evented_time = started.elapsed();
    assert_eq!(
        evented.partitions_added as usize, NEW_PARTITIONS,
        "{evented:?}"
    );
    assert_eq!(evented.objects_listed as usize, keys.len(), "{evented:?}");

    let (plan_leading, plan_other, registered) = planning(&catalog, &ctx, &wide).await;

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let report = format!(
        "# Crawling\n\n\
         - Release build; the real S3 server (s3s-fs) on loopback; the catalog in the embedded \
         default's file store (SQLite); 2 cores.\n\
         - {objects} objects of one CSV row in {} hive partitions (`dt=/h=`), {per_partition} per \
         partition; the crawler samples one object per partition.\n\
         - Baseline, same run: a bare object_store listing of the whole prefix.\n\n\
         | measure | time | figure |\n|---|---:|---|\n\
         | bare listing of the prefix (baseline) | {:.0} ms | {:.0} objects/s |\n\
         | full crawl | {:.0} ms | **{:.0} objects/s** (target >= 5,000); {:.2}x the bare listing |\n\
         | recrawl, nothing changed (`everything`) | {:.0} ms | {} objects read |\n\
         | incremental recrawl, 1% new objects (`new_folders`) | {:.0} ms | **{:.1}x faster** than \
         the full crawl (target >= 20x); {} objects listed, {} read |\n\
         | incremental recrawl of 1% new objects from their S3 events (`events`) | {:.0} ms | \
         **{:.1}x faster** than the full crawl (target >= 20x); {} objects listed, {} read |\n\
         | plan a query on 1 of {registered} partitions (leading keys) | {:.1} ms | target <= 50 ms |\n\
         | plan a query on a non-leading key (every registration read) | {:.1} ms | |\n\n\
         The incremental recrawl lists folder by folder and does not enter the folders the \
         catalog knows, so its cost follows the new objects and the number of folders, not the \
         objects already crawled; it still lists every folder above the partitions (each day, \
         to find new hours). From events (a trigger's S3 notifications name the objects that \
         landed), the crawl lists only those objects' folders, and its cost follows what \
         landed alone. A recrawl with `recrawl = \"everything\"` lists every object \
         (to notice changed ETags) but reads none that did not change.\n\n\
         The test server (s3s-fs) lists a prefix by walking the folders below it, so each \
         listing costs in proportion to the objects under its prefix (its flat listing of the \
         whole prefix pages through that walk again for every 1,000 keys); the crawl lists folder \
         by folder. The planning table has a bucket of its own for that reason.\n",
        partitions.len(),
        ms(list_time),
        objects as f64 / list_time.as_secs_f64(),
        ms(full_time),
        objects as f64 / full_time.as_secs_f64(),
        full_time.as_secs_f64() / list_time.as_secs_f64(),
        ms(same_time),
        same.objects_read,
        ms(incremental_time),
        full_time.as_secs_f64() / incremental_time.as_secs_f64(),
        incremental.objects_listed,
        incremental.objects_read,
        ms(evented_time),
        full_time.as_secs_f64() / evented_time.as_secs_f64(),
        evented.objects_listed,
        evented.objects_read,
        ms(plan_leading),
        ms(plan_other),
    );
    std::fs::write(out, &report).expect("writing the results");
    print!("{report}");
}

/// Defines a table of REGIONS x PLAN_DAYS partitions (one with a file) and times planning a
/// query pruned by its leading keys, and one on a later key; the mean of 20 plans each.
async fn planning(
    catalog: &Catalog,
    ctx: &SessionContext,
    store: &Arc<dyn ObjectStore>,
) -> (Duration, Duration, usize) {
    catalog
        .create_database(CatalogDatabase {
            name: "plan".into(),
            ..Default::default()
        })
        .await
        .expect("a database");
    catalog
        .create_table(
            CatalogTable {
                database: "plan".into(),
                name: "wide".into(),
                location: "s3://wide/wide/".into(),
                format: "csv".into(),
                options: [("has_header".to_string(), "true".to_string())].into(),
                columns: vec![column("id", "Int64")],
                partition_keys: vec![column("region", "Utf8"), column("day", "Utf8")],
                ..Default::default()
            },
            "bench",
        )
        .await
        .expect("a table");
    let registrations: Vec<CatalogPartition> = (0..REGIONS)
        .flat_map(|r| (0..PLAN_DAYS).map(move |d| (r, d)))
        .map(|(r, d)| CatalogPartition {
            values: vec![format!("r{r}"), d.to_string()],
            location: format!("s3://wide/wide/r{r}/{d}/"),
            file_count: 1,
            ..Default::default()
        })
        .collect();
    let registered = registrations.len();
    catalog
        .add_partitions("plan", "wide", registrations, "bench")
        .await
        .expect("registering partitions");
    store
        .put(
            &ObjectPath::from("wide/r42/420/part-0.csv"),
            PutPayload::from("id\n7\n"),
        )
        .await
        .expect("a file");
    let time = |sql: &'static str| async move {
        let mut total = Duration::ZERO;
        for _ in 0..20 {
            let session = SessionContext::new_with_state(ctx.state());
            let started = Instant::now();
            kiln_catalog::provider::register_referenced(&session, catalog, sql)
                .await
                .expect("registering");
            session
                .sql(sql)
                .await
                .expect("planning")
                .create_physical_plan()
                .await
                .expect("a physical plan");
            total += started.elapsed();
        }
        total / 20
    };
    let leading = time("SELECT sum(id) FROM plan.wide WHERE region = 'r42' AND day = '420'").await;
    let other = time("SELECT sum(id) FROM plan.wide WHERE day = '420'").await;
    (leading, other, registered)
}
