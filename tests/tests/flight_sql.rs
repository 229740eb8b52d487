//! Flight SQL on the coordinator, through clients no one on the project wrote: the ADBC Flight
//! SQL driver and flightsql-dbapi (over pyarrow's Flight client). Both list the catalog's
//! tables, run a TPC-H query over catalog tables and a parameterized query, and must get the
//! rows `kiln sql` gets; an `INSERT` through the update call loads a crawled database table;
//! the token works as a bearer token and as a basic-auth password, a wrong one is refused,
//! and each statement ran as a Kiln job.

use std::collections::BTreeSet;
use std::path::Path;

use arrow::array::RecordBatch;
use arrow::util::display::array_value_to_string;
use kiln_client::proto;
use kiln_tests::cluster::ClusterOptions;
use kiln_tests::compare::same_rows;
use kiln_tests::{TestCluster, run_to_success, sql_job, tpch};

const TOKEN: &str = "flight-sql-token";

/// TPC-H query 3 over the crawled catalog tables.
fn catalog_q3() -> String {
    ["customer", "orders", "lineitem"]
        .iter()
        .fold(tpch::query(3), |sql, table| {
            sql.replace(&format!(" {table}"), &format!(" tpch.{table}"))
        })
}

/// Defines crawler `name` of `target` (with `extra` TOML lines) into database `name`, and
/// runs it.
async fn crawl(client: &kiln_client::Client, name: &str, target: &str, extra: &str) {
    let definition =
        format!("name = {name:?}\ndatabase = {name:?}\ntargets = [{target:?}]\n{extra}");
    let crawler =
        kiln_catalog::crawler::parse_crawler(&definition, &format!("{name}.toml")).unwrap();
    client.create_crawler(crawler, "test").await.unwrap();
    let run = client.crawl(name, false).await.unwrap();
    assert!(run.errors.is_empty(), "{:?}", run.errors);
}

fn read_arrow(path: &Path) -> Vec<RecordBatch> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    arrow::ipc::reader::FileReader::try_new(file, None)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn adbc_and_flightsql_dbapi_list_tables_and_get_the_rows_kiln_sql_gets() {
    let data = tpch::dataset(0.1, 3);
    let cluster = TestCluster::start(ClusterOptions {
        token: Some(TOKEN.into()),
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    let tpch_target = format!("file://{}/", data.display());
    crawl(
        &client,
        "tpch",
        &tpch_target,
        "exclusions = [\"_COMPLETE\"]\n",
    )
    .await;

    // A database table to load into, crawled too.
    let sqlite = tempfile::tempdir().unwrap();
    let app_db = sqlite.path().join("app.db");
    kiln_tests::sqlite::execute(
        &app_db,
        "CREATE TABLE regions (r_regionkey INTEGER, r_name TEXT, r_comment TEXT);",
    );
    crawl(
        &client,
        "app",
        &format!("sqlite://{}", app_db.display()),
        "",
    )
    .await;

    let q3 = catalog_q3();
    let param_sql = "SELECT l_returnflag, count(*) AS n FROM tpch.lineitem \
                     WHERE l_quantity > ? AND l_shipmode = ? GROUP BY l_returnflag \
                     ORDER BY l_returnflag";
    let expected_q3 = client
        .results(&run_to_success(&client, sql_job("q3", &[], &q3)).await)
        .unwrap();
    let expected_q3: Vec<RecordBatch> = futures::TryStreamExt::try_collect(expected_q3)
        .await
        .unwrap();
    let literal_sql = param_sql.replacen('?', "45", 1).replacen('?', "'AIR'", 1);
    let expected_param = client
        .results(&run_to_success(&client, sql_job("param", &[], &literal_sql)).await)
        .unwrap();
    let expected_param: Vec<RecordBatch> = futures::TryStreamExt::try_collect(expected_param)
        .await
        .unwrap();
    let jobs_before = client
        .list(kiln_client::JobQuery::all().limit(1000))
        .await
        .unwrap()
        .len();

    let out = tempfile::tempdir().unwrap();
    let address = cluster
        .coordinator_grpc_url(0)
        .replace("http://", "grpc://");
    let request = serde_json::json!({
        "uri": address,
        "token": TOKEN,
        "out": out.path(),
        "tpch": q3,
        "param_sql": param_sql,
        "params": [45, "AIR"],
        "insert": "INSERT INTO app.regions SELECT * FROM tpch.region",
    });
    let report = kiln_tests::python::run_json(
        "flight_sql_clients.py",
        &request,
        "adbc-driver-flightsql and flightsql-dbapi",
    );

    // Both list the crawled tables, ADBC with their columns.
    let tables: BTreeSet<String> = tpch::TABLES.iter().map(|t| format!("tpch.{t}")).collect();
    for key in ["adbc_tables", "dbapi_tables"] {
        let listed: BTreeSet<String> = report[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_string())
            .collect();
        assert!(listed.is_superset(&tables), "{key}: {listed:?}");
    }
    let columns = report["adbc_lineitem_columns"].as_array().unwrap();
    assert!(columns.iter().any(|c| c == "l_orderkey"), "{columns:?}");

    // The same rows as kiln sql, by both clients.
    for name in ["adbc_tpch", "dbapi_tpch"] {
        let actual = read_arrow(&out.path().join(format!("{name}.arrow")));
        same_rows(&expected_q3, &actual).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    let adbc_param = read_arrow(&out.path().join("adbc_param.arrow"));
    same_rows(&expected_param, &adbc_param).unwrap_or_else(|e| panic!("adbc_param: {e}"));
    let expected_text: Vec<Vec<String>> = expected_param
        .iter()
        .flat_map(|batch| {
            (0..batch.num_rows()).map(move |row| {
                batch
                    .columns()
                    .iter()
                    .map(|column| array_value_to_string(column, row).unwrap())
                    .collect()
            })
        })
        .collect();
    assert!(!expected_text.is_empty());
    let dbapi_param: Vec<Vec<String>> =
        serde_json::from_value(report["dbapi_param"].clone()).unwrap();
    assert_eq!(dbapi_param, expected_text);

    // An INSERT loads the five regions into the database table and says so.
    assert_eq!(report["dbapi_inserted"], 5, "{report}");
    assert_eq!(
        kiln_tests::sqlite::query(&app_db, "SELECT count(*) FROM regions"),
        "[(5,)]"
    );

    // Basic auth with the token as the password works; a wrong token does not.
    assert_eq!(report["adbc_basic"], serde_json::json!([[42]]));
    let wrong = report["adbc_wrong_token"].as_str().unwrap();
    assert!(wrong.contains("bearer token"), "{wrong}");

    // Each statement ran as a job of the cluster, marked as Flight SQL's.
    let jobs = client
        .list(kiln_client::JobQuery::all().limit(1000))
        .await
        .unwrap();
    let flight_sql_jobs = jobs
        .iter()
        .filter(|job| job.labels.get("client").map(String::as_str) == Some("flight-sql"))
        .count();
    assert!(jobs.len() > jobs_before);
    assert!(
        flight_sql_jobs >= 5,
        "{flight_sql_jobs} Flight SQL jobs: {:?}",
        jobs.iter().map(|j| &j.name).collect::<Vec<_>>()
    );
    assert!(
        jobs.iter()
            .filter(|job| job.name == "flight-sql")
            .all(|job| job.state == proto::JobState::Succeeded as i32)
    );
}
