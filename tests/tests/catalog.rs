//! The catalog end to end: tables defined in the state store and queried by name, through
//! the `kiln` binary on the embedded default's state directory (written by one process, read
//! by another) and through a cluster on etcd across a coordinator failover; partitions pruned
//! from the catalog before any file is opened.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use arrow::array::{Int64Array, RecordBatch, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use kiln_catalog::{Catalog, CatalogColumn, CatalogDatabase, CatalogPartition, CatalogTable};
use kiln_core::config::DEFAULT_ETCD_PREFIX;
use kiln_core::state::{EtcdOptions, EtcdStore, FileStore};
use kiln_tests::cluster::{ClusterOptions, binary};
use kiln_tests::{TestCluster, first_column, run_to_success, sql_job};

const REGIONS: usize = 10;
const DAYS: usize = 100;

fn column(name: &str, data_type: &str) -> CatalogColumn {
    CatalogColumn {
        name: name.into(),
        data_type: data_type.into(),
        nullable: true,
    }
}

/// Writes one Parquet file of 5 rows (`id`, and `tag` naming the partition) to `path`.
fn write_part(path: &Path, region: usize, day: usize) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, true),
        Field::new("tag", DataType::Utf8, true),
    ]));
    let base = (region * DAYS + day) as i64 * 10;
    let batch = RecordBatch::try_new(
        Arc::clone(&schema),
        vec![
            Arc::new(Int64Array::from_iter_values(base..base + 5)),
            Arc::new(StringArray::from(vec![format!("r{region}/{day}"); 5])),
        ],
    )
    .unwrap();
    let file = std::fs::File::create(path).unwrap();
    let mut writer = parquet::arrow::ArrowWriter::try_new(file, schema, None).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
}

/// Lays out `REGIONS` x `DAYS` positional partitions (`{region}/{day}/`) under `root/events`,
/// and the same under `root/trap`, where every partition but (r3, 42) holds only a corrupt
/// file: a query that opens any other partition of `trap` fails.
fn write_lake(root: &Path) {
    for region in 0..REGIONS {
        for day in 0..DAYS {
            let part = format!("r{region}/{day}/part-0.parquet");
            write_part(&root.join("events").join(&part), region, day);
            let trap = root.join("trap").join(&part);
            if (region, day) == (3, 42) {
                write_part(&trap, region, day);
            } else {
                std::fs::create_dir_all(trap.parent().unwrap()).unwrap();
                std::fs::write(&trap, b"not parquet at all").unwrap();
            }
        }
    }
}

/// Defines database `lake` with tables `events` and `trap` over [`write_lake`]'s folders,
/// partitioned by `region` (text) and `day` (an integer), one registration per partition.
async fn define_lake(catalog: &Catalog, root: &Path) {
    catalog
        .create_database(CatalogDatabase {
            name: "lake".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    for name in ["events", "trap"] {
        let location = format!("file://{}/{name}/", root.display());
        catalog
            .create_table(
                CatalogTable {
                    database: "lake".into(),
                    name: name.into(),
                    location: location.clone(),
                    format: "parquet".into(),
                    columns: vec![column("id", "Int64"), column("tag", "Utf8")],
                    partition_keys: vec![column("region", "Utf8"), column("day", "Int32")],
                    ..Default::default()
                },
                "test",
            )
            .await
            .unwrap();
        let partitions = (0..REGIONS)
            .flat_map(|region| (0..DAYS).map(move |day| (region, day)))
            .map(|(region, day)| CatalogPartition {
                values: vec![format!("r{region}"), day.to_string()],
                location: format!("{location}r{region}/{day}/"),
                file_count: 1,
                ..Default::default()
            })
            .collect();
        catalog
            .add_partitions("lake", name, partitions, "test")
            .await
            .unwrap();
    }
}

fn kiln_sql(state_dir: &Path, sql: &str) -> std::process::Output {
    Command::new(binary("kiln"))
        .args([
            "sql",
            sql,
            "--format",
            "csv",
            "--executors",
            "1",
            "--slots",
            "2",
        ])
        .env("KILN_STATE_DIR", state_dir)
        .env_remove("KILN_COORDINATOR")
        .output()
        .expect("running kiln")
}

fn stdout(output: &std::process::Output) -> String {
    assert!(
        output.status.success(),
        "kiln failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_catalog_in_the_state_dir_is_queried_by_name_with_its_partitions_pruned() {
    let dir = tempfile::tempdir().unwrap();
    let (root, state_dir) = (dir.path().join("lake"), dir.path().join("state"));
    write_lake(&root);
    {
        // This process writes the catalog; the `kiln` processes below read it.
        let store = FileStore::open(&state_dir).unwrap();
        define_lake(&Catalog::new(Arc::new(store)), &root).await;
    }

    // The trap is live: a query reaching a corrupt partition fails, naming the file.
    let trapped = kiln_sql(
        &state_dir,
        "SELECT count(*) FROM lake.trap WHERE region = 'r4'",
    );
    assert!(!trapped.status.success());
    let error = String::from_utf8_lossy(&trapped.stderr);
    assert!(error.contains("trap/r4/"), "{error}");

    // 1 of 1,000 partitions: only its file is opened (any other would fail), and the result
    // is the one a scan of every partition filtered on the data gives.
    let pruned_run = kiln_sql(
        &state_dir,
        "SELECT count(*) AS n, sum(id) AS total FROM lake.trap WHERE region = 'r3' AND day = 42",
    );
    let pruned = stdout(&pruned_run);
    // The job says what it read, as Athena says what a query scanned.
    let scanned = String::from_utf8_lossy(&pruned_run.stderr);
    assert!(
        scanned.contains("(1 partition(s) read, 999 pruned, 1 file(s)"),
        "{scanned}"
    );
    let unpruned = stdout(&kiln_sql(
        &state_dir,
        "SELECT count(*) AS n, sum(id) AS total FROM lake.events WHERE tag = 'r3/42'",
    ));
    let expected: i64 = (3420..3425).sum();
    assert_eq!(pruned, format!("n,total\n5,{expected}\n"));
    assert_eq!(pruned, unpruned);

    // A typed key compares as its type, and a range of partitions is read whole.
    let range = stdout(&kiln_sql(
        &state_dir,
        "SELECT count(*) AS n FROM lake.events WHERE day < 10 AND region IN ('r1', 'r2')",
    ));
    assert_eq!(range, "n\n100\n");

    // The catalog's tables are listed and described in SQL.
    let tables = stdout(&kiln_sql(
        &state_dir,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'lake' \
         ORDER BY table_name",
    ));
    assert_eq!(tables, "table_name\nevents\ntrap\n");
    let described = stdout(&kiln_sql(&state_dir, "DESCRIBE lake.events"));
    for column in ["id,Int64", "tag,Utf8", "region,Utf8", "day,Int32"] {
        assert!(described.contains(column), "{described}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_catalog_on_etcd_survives_a_coordinator_failover() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("lake");
    write_lake(&root);
    let mut cluster = TestCluster::start(ClusterOptions {
        coordinators: 2,
        ..ClusterOptions::default()
    })
    .await;
    let options = EtcdOptions::new(vec![cluster.etcd.endpoint()], DEFAULT_ETCD_PREFIX);
    let store = EtcdStore::connect(&options).await.unwrap();
    define_lake(&Catalog::new(Arc::new(store)), &root).await;

    let query = "SELECT sum(id) FROM lake.trap WHERE region = 'r3' AND day = 42";
    let expected: i64 = (3420..3425).sum();
    let client = cluster.client().await;
    let status = run_to_success(&client, sql_job("before", &[], query)).await;
    assert_eq!(first_column(&client, &status).await, [expected.to_string()]);

    let leader = cluster.leader_index().await.expect("a leader");
    cluster.kill_coordinator(leader);
    let mut new_leader = None;
    for _ in 0..100 {
        new_leader = cluster.leader_index().await.filter(|&l| l != leader);
        if new_leader.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(new_leader.is_some(), "no coordinator took over");

    let client = cluster.client().await;
    let status = run_to_success(&client, sql_job("after", &[], query)).await;
    assert_eq!(first_column(&client, &status).await, [expected.to_string()]);
}
