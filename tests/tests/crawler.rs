//! Crawlers end to end: folders of Parquet, CSV, TSV, gzipped JSON lines and access logs
//! become catalog tables with hive and positional partitions, queried by name with `kiln sql`;
//! recrawls read only what changed, apply the schema-change and deletion policies, and a dry
//! run changes nothing. Through the `kiln` binary on the embedded default's state directory,
//! and on a cluster reading the real S3 server; and the user's classifiers, tried first.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use arrow::array::{ArrayRef, Float64Array, Int64Array, RecordBatch};
use arrow::datatypes::{DataType, Field, Schema};
use kiln_client::proto;
use kiln_tests::TestCluster;
use kiln_tests::cluster::{ClusterOptions, binary};
use kiln_tests::s3::S3Server;

/// Writes a Parquet file of `ids` (and a `tip` column when `with_tip`).
fn write_parquet(path: &Path, ids: std::ops::Range<i64>, with_tip: bool) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut fields = vec![Field::new("id", DataType::Int64, true)];
    let mut columns: Vec<ArrayRef> = vec![Arc::new(Int64Array::from_iter_values(ids.clone()))];
    if with_tip {
        fields.push(Field::new("tip", DataType::Float64, true));
        columns.push(Arc::new(Float64Array::from_iter_values(
            ids.map(|i| i as f64 / 10.0),
        )));
    }
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(Arc::clone(&schema), columns).unwrap();
    let file = std::fs::File::create(path).unwrap();
    let mut writer = parquet::arrow::ArrowWriter::try_new(file, schema, None).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
}

fn write_text(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn write_gzip(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let file = std::fs::File::create(path).unwrap();
    let mut encoder = flate2::write::GzEncoder::new(file, flate2::Compression::default());
    encoder.write_all(text.as_bytes()).unwrap();
    encoder.finish().unwrap();
}

const ACCESS_LINE: &str = r#"10.0.0.1 - - [22/Sep/2019:10:00:00 +0000] "GET /index.html HTTP/1.1" 200 512 "-" "curl/8.0""#;
const MISSING_LINE: &str =
    r#"10.0.0.2 - - [22/Sep/2019:10:00:01 +0000] "GET /missing HTTP/1.1" 404 0 "-" "curl/8.0""#;

/// A lake of six folders: hive-partitioned Parquet, positional gzipped JSON lines, a CSV with
/// a header, a TSV without one, positional access logs, and a corrupt Parquet file; plus
/// things a crawl must skip (a hidden folder, a marker file, an excluded folder).
fn write_lake(root: &Path) {
    write_parquet(
        &root.join("taxi/year=2024/month=01/part-0.parquet"),
        0..10,
        false,
    );
    write_parquet(
        &root.join("taxi/year=2024/month=02/part-0.parquet"),
        10..25,
        false,
    );
    write_text(&root.join("taxi/year=2024/month=01/_SUCCESS"), "");
    for (day, n) in [("22", 3), ("23", 4)] {
        let lines: String = (0..n)
            .map(|i| format!("{{\"user\": \"u{i}\", \"clicks\": {i}}}\n"))
            .collect();
        write_gzip(
            &root.join(format!("events/2019/09/{day}/events.json.gz")),
            &lines,
        );
    }
    write_text(
        &root.join("orders/orders.csv"),
        "id,name,amount\n1,ann,2.5\n2,bob,3\n3,cy,4.25\n",
    );
    write_text(&root.join("readings/data.tsv"), "1\t20.5\n2\t21\n");
    write_text(
        &root.join("access/2019/09/22/access.log"),
        &format!("{ACCESS_LINE}\n{MISSING_LINE}\n{ACCESS_LINE}\n"),
    );
    write_text(&root.join("broken/bad.parquet"), "not parquet at all");
    write_parquet(&root.join("_tmp/junk.parquet"), 0..1, false);
    write_text(&root.join("scratch/notes.csv"), "a,b\n1,2\n");
}

fn kiln(state_dir: &Path, args: &[&str]) -> Output {
    Command::new(binary("kiln"))
        .args(args)
        .env("KILN_STATE_DIR", state_dir)
        .env_remove("KILN_COORDINATOR")
        .output()
        .expect("running kiln")
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "kiln failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_str(&stdout(output)).expect("kiln printed JSON")
}

/// Crawls with `kiln crawl NAME --output json`; the run record (exit code 1 when it names
/// errors, as this lake's corrupt file makes it).
fn crawl(state_dir: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["crawl"];
    all.extend_from_slice(args);
    all.extend(["--output", "json", "--executors", "1"]);
    let output = kiln(state_dir, &all);
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "no run record ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn sql(state_dir: &Path, query: &str) -> String {
    stdout(&kiln(
        state_dir,
        &[
            "sql",
            query,
            "--format",
            "csv",
            "--executors",
            "1",
            "--slots",
            "2",
        ],
    ))
}

/// `kiln table NAME --output json`.
fn table_json(state_dir: &Path, name: &str) -> serde_json::Value {
    json(&kiln(
        state_dir,
        &["table", name, "--output", "json", "--executors", "1"],
    ))
}

fn names(value: &serde_json::Value) -> Vec<String> {
    let mut names: Vec<String> = value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

#[test]
fn a_crawl_finds_tables_and_partitions_and_recrawls_read_only_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let (root, state_dir) = (dir.path().join("lake"), dir.path().join("state"));
    write_lake(&root);
    let definition = dir.path().join("lake.toml");
    std::fs::write(
        &definition,
        format!(
            "name = \"lake\"\ndatabase = \"lake\"\ntargets = [\"file://{}/\"]\n\
             exclusions = [\"scratch/**\"]\npartition_keys = [\"year\", \"month\", \"day\"]\n",
            root.display()
        ),
    )
    .unwrap();
    stdout(&kiln(
        &state_dir,
        &["crawler", "create", definition.to_str().unwrap()],
    ));

    // A dry run says what it would do and changes nothing.
    let dry = crawl(&state_dir, &["lake", "--dry-run"]);
    assert_eq!(dry["dry_run"], true);
    assert_eq!(names(&dry["tables_created"]).len(), 5, "{dry:#}");
    let nothing = kiln(&state_dir, &["tables", "lake", "--executors", "1"]);
    assert!(!nothing.status.success());
    assert!(
        String::from_utf8_lossy(&nothing.stderr).contains("database lake does not exist"),
        "{nothing:?}"
    );

    let first = crawl(&state_dir, &["lake"]);
    assert_eq!(
        names(&first["tables_created"]),
        ["access", "events", "orders", "readings", "taxi"]
    );
    // Every data file was sampled once (the skipped and excluded ones never listed), and the
    // corrupt one is named, changing no table.
    assert_eq!(first["objects_listed"], "8", "{first:#}");
    assert_eq!(first["objects_read"], "8", "{first:#}");
    let errors = first["errors"].to_string();
    assert!(errors.contains("broken/bad.parquet"), "{errors}");
    assert_eq!(first["partitions_added"], "5", "{first:#}");

    let tables = json(&kiln(
        &state_dir,
        &["tables", "lake", "--output", "json", "--executors", "1"],
    ));
    let table = |name: &str| {
        tables
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == name)
            .unwrap_or_else(|| panic!("no table {name} in {tables:#}"))
            .clone()
    };
    let keys = |t: &serde_json::Value| -> Vec<String> {
        t["partition_keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(keys(&table("taxi")), ["year", "month"]);
    assert_eq!(keys(&table("events")), ["year", "month", "day"]);
    assert_eq!(table("events")["format"], "json");
    assert_eq!(table("events")["options"]["compression"], "gzip");
    assert_eq!(table("orders")["options"]["has_header"], "true");
    assert_eq!(table("readings")["options"]["delimiter"], "\t");
    assert_eq!(table("readings")["options"]["has_header"], "false");
    assert_eq!(table("access")["format"], "log");
    assert_eq!(table("access")["options"]["format"], "combined");
    assert_eq!(table("taxi")["created_by"], "crawler:lake");

    // The tables read by name, partitions pruned by their values.
    assert_eq!(
        sql(
            &state_dir,
            "SELECT count(*) AS n FROM lake.taxi WHERE month = '02'"
        ),
        "n\n15\n"
    );
    assert_eq!(
        sql(
            &state_dir,
            "SELECT sum(clicks) AS c FROM lake.events WHERE day = '23'"
        ),
        "c\n6\n"
    );
    assert_eq!(
        sql(
            &state_dir,
            "SELECT name FROM lake.orders WHERE amount > 2.5 ORDER BY id"
        ),
        "name\nbob\ncy\n"
    );
    assert_eq!(
        sql(
            &state_dir,
            "SELECT column_1 AS n FROM lake.readings WHERE column_2 > 20.7"
        ),
        "n\n2\n"
    );
    assert_eq!(
        sql(
            &state_dir,
            "SELECT count(*) AS n FROM lake.access WHERE status = 404 AND day = '22'"
        ),
        "n\n1\n"
    );

    // A job reads a catalog table as a source, pruned the same way.
    let job = dir.path().join("job.toml");
    std::fs::write(
        &job,
        "name = \"from-catalog\"\n[[source]]\nname = \"trips\"\ncatalog = \"lake.taxi\"\n\
         [[step]]\nname = \"q\"\nsql = \"SELECT count(*) AS n FROM trips WHERE month = '01'\"\n",
    )
    .unwrap();
    assert_eq!(
        stdout(&kiln(
            &state_dir,
            &[
                "run",
                job.to_str().unwrap(),
                "--format",
                "csv",
                "--executors",
                "1"
            ]
        )),
        "n\n10\n"
    );

    // Nothing changed: nothing is read again.
    let unchanged = crawl(&state_dir, &["lake"]);
    assert_eq!(
        unchanged["objects_read"], "1",
        "only the corrupt file: {unchanged:#}"
    );
    assert_eq!(unchanged["partitions_unchanged"], "5", "{unchanged:#}");
    assert_eq!(unchanged["partitions_added"], "0");

    // A new month with a new column: one file read, a partition added, the table widened
    // and its earlier schema kept.
    write_parquet(
        &root.join("taxi/year=2024/month=03/part-0.parquet"),
        25..30,
        true,
    );
    let grown = crawl(&state_dir, &["lake"]);
    assert_eq!(
        grown["objects_read"], "2",
        "the new file and the corrupt one: {grown:#}"
    );
    assert_eq!(grown["partitions_added"], "1");
    assert_eq!(names(&grown["tables_updated"]), ["taxi"]);
    let taxi = table_json(&state_dir, "lake.taxi");
    assert_eq!(taxi["version"], 2);
    assert_eq!(taxi["partition_count"], 3);
    assert_eq!(taxi["earlier_versions"].as_array().unwrap().len(), 1);
    assert_eq!(
        sql(
            &state_dir,
            "SELECT count(*) AS n, count(tip) AS tips FROM lake.taxi"
        ),
        "n,tips\n30,5\n"
    );

    // A day's folder deleted: its partition is deprecated, kept in the catalog, not read.
    std::fs::remove_dir_all(root.join("events/2019/09/23")).unwrap();
    let shrunk = crawl(&state_dir, &["lake"]);
    assert_eq!(shrunk["partitions_deprecated"], "1", "{shrunk:#}");
    let partitions = json(&kiln(
        &state_dir,
        &[
            "partitions",
            "lake.events",
            "--where",
            "day >= '23'",
            "--output",
            "json",
            "--executors",
            "1",
        ],
    ));
    let partitions = partitions.as_array().unwrap();
    assert_eq!(partitions.len(), 1);
    assert_eq!(partitions[0]["deprecated"], true);
    assert_eq!(
        sql(&state_dir, "SELECT count(*) AS n FROM lake.events"),
        "n\n3\n"
    );

    // The crawler shows its runs.
    let shown = stdout(&kiln(
        &state_dir,
        &["crawler", "show", "lake", "--executors", "1"],
    ));
    assert!(
        shown.contains("deprecate partition lake.events [2019, 09, 23]"),
        "{shown}"
    );
    assert_eq!(shown.matches("run of ").count(), 5, "{shown}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crawl_on_the_cluster_reads_s3_and_follows_its_policies() {
    let s3 = S3Server::start();
    s3.create_bucket("lake");
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    for day in ["20", "21"] {
        write_parquet(
            &data.join(format!("2019/09/{day}/part-0.parquet")),
            0..4,
            false,
        );
    }
    write_text(&data.join("2019/09/21/notes.txt.bak"), "skip me");
    s3.put_dir("lake", "user_event_logs/", &data);
    let cluster = TestCluster::start(ClusterOptions {
        executors: 1,
        env: s3.env(),
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    let crawler = kiln_catalog::crawler::parse_crawler(
        "name = \"events\"\ndatabase = \"web\"\ntargets = [\"s3://lake/user_event_logs/\"]\n\
         exclusions = [\"**/*.bak\"]\nrecrawl = \"new_folders\"\nschema_change = \"log\"\n\
         deletion = \"delete\"\ntable_prefix = \"raw_\"\n",
        "events.toml",
    )
    .unwrap();
    client.create_crawler(crawler, "test").await.unwrap();

    let first = client.crawl("events", false).await.unwrap();
    assert!(first.errors.is_empty(), "{:?}", first.errors);
    assert_eq!(first.tables_created, ["raw_user_event_logs"]);
    assert_eq!((first.objects_listed, first.objects_read), (2, 2));
    let table = client.table("web", "raw_user_event_logs").await.unwrap();
    let keys: Vec<&str> = table
        .partition_keys
        .iter()
        .map(|k| k.name.as_str())
        .collect();
    assert_eq!(keys, ["partition_0", "partition_1", "partition_2"]);

    // Athena's query on Glue's default names, pruned to one partition.
    let status = kiln_tests::run_to_success(
        &client,
        kiln_tests::sql_job(
            "pruned",
            &[],
            "SELECT count(*) FROM web.raw_user_event_logs WHERE partition_1 = '09' AND partition_2 = '21'",
        ),
    )
    .await;
    assert_eq!(kiln_tests::first_column(&client, &status).await, ["4"]);

    // New folders only: the new day's file is the only object opened, even though an old
    // folder's file changed (with a new column, which schema_change = log leaves out).
    let new = dir.path().join("new.parquet");
    write_parquet(&new, 10..20, true);
    s3.put_file("lake", "user_event_logs/2019/09/22/part-0.parquet", &new);
    s3.put_file("lake", "user_event_logs/2019/09/20/part-1.parquet", &new);
    let second = client.crawl("events", false).await.unwrap();
    assert_eq!(second.objects_read, 1, "{second:?}");
    assert_eq!(second.partitions_added, 1);
    assert!(second.tables_updated.is_empty());
    assert!(
        second
            .changes
            .iter()
            .any(|c| c.contains("schema change not applied")),
        "{:?}",
        second.changes
    );
    assert_eq!(
        client
            .table("web", "raw_user_event_logs")
            .await
            .unwrap()
            .version,
        1
    );

    // A deleted folder, with deletion = delete, leaves the catalog.
    s3.delete_prefix("lake", "user_event_logs/2019/09/21/");
    let third = client.crawl("events", false).await.unwrap();
    assert_eq!(third.partitions_removed, 1, "{third:?}");
    let left: Vec<Vec<String>> = client
        .partitions("web", "raw_user_event_logs", &[])
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.values)
        .collect();
    assert_eq!(left, [vec!["2019", "09", "20"], vec!["2019", "09", "22"]]);

    let (_, runs) = client.crawler("events").await.unwrap();
    assert_eq!(runs.len(), 3);
    let listed: Vec<proto::Crawler> = client.crawlers().await.unwrap();
    assert_eq!(listed.len(), 1);
    client.delete_crawler("events").await.unwrap();
    assert!(client.crawlers().await.unwrap().is_empty());
}

#[test]
fn a_database_crawl_registers_tables_with_hostile_names_their_keys_and_changes() {
    let pg = kiln_tests::postgres::TestDatabase::create();
    pg.psql(
        "CREATE TABLE \"Order\" (id bigint PRIMARY KEY, customer text, amount numeric(10,2)); \
         INSERT INTO \"Order\" SELECT g, 'c' || g, g * 1.5 FROM generate_series(1, 20) g; \
         CREATE TABLE \"we\"\"ird name\" (k int); \
         CREATE SCHEMA sales; CREATE TABLE sales.returns (id int PRIMARY KEY, reason text); \
         CREATE TABLE skip_me (x int);",
    );
    let maria = kiln_tests::mysql::TestDatabase::create();
    maria.sql("CREATE TABLE `Order` (id BIGINT PRIMARY KEY, customer TEXT)");
    let dir = tempfile::tempdir().unwrap();
    let sqlite = dir.path().join("app.db");
    kiln_tests::sqlite::execute(
        &sqlite,
        "CREATE TABLE \"Order\" (id INTEGER PRIMARY KEY, total REAL);",
    );
    let state_dir = dir.path().join("state");
    let definition = dir.path().join("shop.toml");
    std::fs::write(
        &definition,
        format!(
            "name = \"shop\"\ndatabase = \"shop\"\ntargets = [{:?}]\n\
             exclusions = [\"public.skip_*\"]\n",
            pg.url()
        ),
    )
    .unwrap();
    stdout(&kiln(
        &state_dir,
        &["crawler", "create", definition.to_str().unwrap()],
    ));
    let first = crawl(&state_dir, &["shop"]);
    assert!(first["errors"].as_array().unwrap().is_empty(), "{first:#}");
    assert_eq!(
        names(&first["tables_created"]),
        ["order", "sales_returns", "we_ird_name"]
    );
    let order = table_json(&state_dir, "shop.order");
    assert_eq!(order["format"], "postgres");
    assert_eq!(order["options"]["table"], "\"public\".\"Order\"");
    assert_eq!(order["options"]["partition_column"], "id");
    assert_eq!(order["parameters"]["primary_key"], "id");
    assert_eq!(
        sql(
            &state_dir,
            "SELECT count(*) AS n, max(customer) AS c FROM shop.\"order\" WHERE id > 10"
        ),
        "n,c\n10,c20\n"
    );

    // A subset of the orders copied to files (Glue's Order -> Order_info), crawled as a table.
    let info = dir.path().join("lake/order_info");
    let job = dir.path().join("copy.toml");
    std::fs::write(
        &job,
        format!(
            "name = \"order-info\"\n[[source]]\nname = \"orders\"\ncatalog = \"shop.order\"\n\
             [[step]]\nname = \"subset\"\nsql = \"SELECT id, customer FROM orders WHERE amount > 15\"\n\
             [sink]\nformat = \"parquet\"\npath = \"{}/\"\nmode = \"overwrite\"\n",
            info.display()
        ),
    )
    .unwrap();
    stdout(&kiln(
        &state_dir,
        &["run", job.to_str().unwrap(), "--executors", "1"],
    ));
    let lake = dir.path().join("lake.toml");
    std::fs::write(
        &lake,
        format!(
            "name = \"lake\"\ndatabase = \"lake\"\ntargets = [\"{}/\"]\n",
            dir.path().join("lake").display()
        ),
    )
    .unwrap();
    stdout(&kiln(
        &state_dir,
        &["crawler", "create", lake.to_str().unwrap()],
    ));
    let lake_run = crawl(&state_dir, &["lake"]);
    assert_eq!(
        names(&lake_run["tables_created"]),
        ["order_info"],
        "{lake_run:#}"
    );
    assert_eq!(
        sql(&state_dir, "SELECT count(*) AS n FROM lake.order_info"),
        "n\n10\n"
    );

    // A new column updates the table; a dropped table is deprecated.
    pg.psql("ALTER TABLE \"Order\" ADD COLUMN note text; DROP TABLE \"we\"\"ird name\";");
    let second = crawl(&state_dir, &["shop"]);
    assert_eq!(names(&second["tables_updated"]), ["order"], "{second:#}");
    assert_eq!(
        names(&second["tables_deprecated"]),
        ["we_ird_name"],
        "{second:#}"
    );
    let order = table_json(&state_dir, "shop.order");
    assert_eq!(order["version"], 2);

    // MariaDB and SQLite tables, hostile names and keys alike.
    for (name, target) in [
        ("maria", maria.url()),
        ("lite", format!("sqlite://{}", sqlite.display())),
    ] {
        let definition = dir.path().join(format!("{name}.toml"));
        std::fs::write(
            &definition,
            format!("name = \"{name}\"\ndatabase = \"{name}\"\ntargets = [{target:?}]\n"),
        )
        .unwrap();
        stdout(&kiln(
            &state_dir,
            &["crawler", "create", definition.to_str().unwrap()],
        ));
        let run = crawl(&state_dir, &[name]);
        assert_eq!(names(&run["tables_created"]), ["order"], "{run:#}");
        let table = table_json(&state_dir, &format!("{name}.order"));
        assert_eq!(table["parameters"]["primary_key"], "id", "{table:#}");
        assert_eq!(
            sql(
                &state_dir,
                &format!("SELECT count(*) AS n FROM {name}.\"order\"")
            ),
            "n\n0\n"
        );
    }
}

/// The user's classifiers decide first, in their order, as Glue's custom classifiers do: a
/// grok pattern makes an application log a table of its captures, a regex one of its named
/// groups, a CSV classifier reads `|`-separated files without a header under the names it
/// gives; files no classifier matches fall to the built-in ones; a bad classifier is refused
/// at create with the option it got wrong.
#[test]
fn user_classifiers_decide_formats_in_their_order() {
    let dir = tempfile::tempdir().unwrap();
    let (root, state_dir) = (dir.path().join("lake"), dir.path().join("state"));
    write_text(
        &root.join("app/day-1.log"),
        "2024-01-01T10:00:00Z INFO started job 7\n2024-01-01T10:00:01Z WARN slow disk\n\
         2024-01-01T10:00:02Z INFO finished job 7\n",
    );
    write_text(
        &root.join("audit/part-0.txt"),
        "user=ann action=login\nuser=bob action=logout\nuser=ann action=logout\n",
    );
    write_text(
        &root.join("pipes/rows.dat"),
        "1|ann|2.5\n2|bob|3.0\n3|cyd|4.5\n",
    );
    write_text(&root.join("plain/orders.csv"), "id,amount\n1,2.5\n2,3.5\n");
    let definition = dir.path().join("classified.toml");
    std::fs::write(
        &definition,
        format!(
            r#"name = "classified"
database = "logs"
targets = ["file://{}/"]

[[classifier]]
name = "app-log"
format = "grok"
pattern = "%{{TIMESTAMP_ISO8601:ts}} %{{LOGLEVEL:level}} %{{GREEDYDATA:message}}"
types = "ts:timestamp"

# Matches the application log too, but comes second.
[[classifier]]
name = "stamped"
format = "grok"
pattern = "%{{TIMESTAMP_ISO8601:at}} %{{GREEDYDATA:rest}}"

[[classifier]]
name = "audit"
format = "regex"
pattern = 'user=(?P<who>\S+) action=(?P<action>\S+)'

[[classifier]]
name = "pipes"
format = "csv"
delimiter = "|"
has_header = false
columns = ["id", "name", "fare"]
"#,
            root.display()
        ),
    )
    .unwrap();
    stdout(&kiln(
        &state_dir,
        &["crawler", "create", definition.to_str().unwrap()],
    ));
    let shown = stdout(&kiln(
        &state_dir,
        &["crawler", "show", "classified", "--executors", "1"],
    ));
    assert!(
        shown.contains("classifiers 1. app-log (grok)") && shown.contains("4. pipes (csv)"),
        "{shown}"
    );

    let run = crawl(&state_dir, &["classified"]);
    assert_eq!(
        names(&run["tables_created"]),
        ["app", "audit", "pipes", "plain"],
        "{run:#}"
    );
    let table = |name: &str| table_json(&state_dir, &format!("logs.{name}"));
    let app = table("app");
    assert_eq!(
        (&app["format"], &app["options"]["format"]),
        (&"log".into(), &"grok".into()),
        "{app:#}"
    );
    assert_eq!(app["parameters"]["classification"], "app-log", "{app:#}");
    assert_eq!(table("audit")["parameters"]["classification"], "audit");
    let pipes = table("pipes");
    assert_eq!(pipes["parameters"]["classification"], "pipes", "{pipes:#}");
    assert_eq!(pipes["options"]["delimiter"], "|");
    // Nothing of the user's matched: the built-in CSV classifier took it.
    let plain = table("plain");
    assert_eq!(plain["parameters"]["classification"], "csv", "{plain:#}");
    assert_eq!(plain["options"]["has_header"], "true");

    // Each reads by name, with the columns its classifier gave it.
    assert_eq!(
        sql(
            &state_dir,
            "SELECT level, count(*) AS n, max(ts) IS NOT NULL AS timed FROM logs.app \
             GROUP BY level ORDER BY level"
        ),
        "level,n,timed\nINFO,2,true\nWARN,1,true\n"
    );
    assert_eq!(
        sql(
            &state_dir,
            "SELECT who FROM logs.audit WHERE action = 'logout' ORDER BY who"
        ),
        "who\nann\nbob\n"
    );
    assert_eq!(
        sql(&state_dir, "SELECT name, fare FROM logs.pipes WHERE id = 3"),
        "name,fare\ncyd,4.5\n"
    );
    assert_eq!(
        sql(
            &state_dir,
            "SELECT count(*) AS n FROM logs.plain WHERE amount > 3"
        ),
        "n\n1\n"
    );

    // A pattern that cannot compile is refused, naming the classifier and the reason.
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        format!(
            "name = \"bad\"\ndatabase = \"logs\"\ntargets = [\"file://{}/\"]\n\
             [[classifier]]\nname = \"oops\"\nformat = \"grok\"\npattern = \"%{{NOPE:x}}\"\n",
            root.display()
        ),
    )
    .unwrap();
    let refused = kiln(&state_dir, &["crawler", "create", bad.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success(), "{said}");
    assert!(
        said.contains("classifiers[0] (\"oops\")") && said.contains("NOPE"),
        "{said}"
    );
}
