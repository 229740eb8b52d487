//! Object-created triggers on a real cluster: S3 event notifications posted to the
//! coordinator's HTTP endpoint (through Python's urllib, as any sender would) start a stored
//! job with the object's key intact; a redelivered event starts nothing; a burst is cut into
//! batches covering every key once; a malformed body is refused with its reason and kept;
//! the taxi example's chain: a landed file, its crawl, and the job that follows the crawl; and
//! an event for an incremental job whose previous run goes on, which waits for it.

use std::collections::BTreeSet;
use std::process::Command;
use std::time::{Duration, Instant};

use kiln_client::{Client, proto};
use kiln_tests::cluster::{ClusterOptions, binary};
use kiln_tests::http::post;
use kiln_tests::kubernetes::repo_root;
use kiln_tests::s3::S3Server;
use kiln_tests::{TestCluster, run_to_success};

const TOKEN: &str = "kiln-trigger-test-token";

/// An S3 notification of `keys` (given URL-encoded, as S3 sends them) created in `bucket`.
fn notification(bucket: &str, keys: &[String]) -> String {
    let records: Vec<serde_json::Value> = keys
        .iter()
        .enumerate()
        .map(|(i, key)| {
            serde_json::json!({
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "eventName": "ObjectCreated:Put",
                "s3": {
                    "bucket": {"name": bucket},
                    "object": {"key": key, "size": 10, "eTag": format!("etag-{i}"),
                               "sequencer": format!("{i:016X}")}
                }
            })
        })
        .collect();
    serde_json::json!({ "Records": records }).to_string()
}

/// The jobs a stored job `definition` started, waiting up to `patience` until there are
/// `count`.
async fn started_jobs(
    client: &Client,
    definition: &str,
    count: usize,
    patience: Duration,
) -> Vec<proto::JobStatus> {
    let deadline = Instant::now() + patience;
    loop {
        let jobs: Vec<proto::JobStatus> = client
            .list(kiln_client::JobQuery::all())
            .await
            .unwrap()
            .into_iter()
            .filter(|s| s.labels.get("kiln.definition").map(String::as_str) == Some(definition))
            .collect();
        if jobs.len() >= count || Instant::now() > deadline {
            return jobs;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A stored job `name` of one step running `sql`.
fn definition(name: &str, sql: &str) -> proto::JobDefinition {
    stored(
        name,
        &format!("name = \"{name}\"\n[[step]]\nname = \"q\"\nsql = \"{sql}\"\n"),
    )
}

/// A stored job `name` of job file `toml`.
fn stored(name: &str, toml: &str) -> proto::JobDefinition {
    proto::JobDefinition {
        name: name.into(),
        toml: toml.into(),
        base_dir: "/".into(),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_events_start_stored_jobs_once_each_in_batches() {
    let cluster = TestCluster::start(ClusterOptions {
        executors: 1,
        slots: 4,
        token: Some(TOKEN.into()),
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    let url = format!("{}/api/v1/events/s3", cluster.coordinator_http_url(0));
    client
        .put_definition(
            definition("ingest", "SELECT '${kiln.key}' AS key"),
            true,
            false,
        )
        .await
        .unwrap();
    client
        .put_trigger(proto::Trigger {
            name: "taxi".into(),
            bucket: "taxi-lake".into(),
            prefix: "raw/".into(),
            suffix: ".csv".into(),
            job: "ingest".into(),
            ..Default::default()
        })
        .await
        .unwrap();

    // The token is required.
    let event = notification(
        "taxi-lake",
        &["raw/dt%3D2024-01-01/it%27s+here/%C3%BC.csv".into()],
    );
    assert_eq!(post(&url, None, &event).0, 401);

    // One event: one job, whose SQL got the decoded key intact.
    let (status, body) = post(&url, Some(TOKEN), &event);
    assert_eq!(status, 200, "{body}");
    let receipt: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(receipt["accepted"], "1", "{receipt}");
    let jobs = started_jobs(&client, "ingest", 1, Duration::from_secs(30)).await;
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    let done = client.wait(&jobs[0].job_id).await.unwrap();
    let key = &kiln_tests::first_column(&client, &done).await[0];
    assert_eq!(key, "raw/dt=2024-01-01/it's here/ü.csv");

    // Redelivered: recognised, and nothing more starts.
    let (status, body) = post(&url, Some(TOKEN), &event);
    assert_eq!(status, 200, "{body}");
    let receipt: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (receipt["accepted"].as_str(), receipt["duplicates"].as_str()),
        (Some("0"), Some("1")),
        "64-bit counts are strings in the proto3 JSON mapping: {receipt}"
    );
    // Objects the trigger does not want start nothing either.
    let other = notification(
        "taxi-lake",
        &["raw/readme.txt".into(), "other/x.csv".into()],
    );
    let receipt: serde_json::Value =
        serde_json::from_str(&post(&url, Some(TOKEN), &other).1).unwrap();
    assert_eq!(receipt["unmatched"], "2", "{receipt}");
    let more = started_jobs(&client, "ingest", 2, Duration::from_secs(1)).await;
    assert_eq!(more.len(), 1, "{more:?}");

    // A malformed body: 400 with the reason, kept among the rejected requests, nothing starts.
    let (status, body) = post(
        &url,
        Some(TOKEN),
        r#"{"Records":[{"eventName":"ObjectCreated:Put"}]}"#,
    );
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("Records[0]") && body.contains("s3"), "{body}");
    let listed = client.triggers().await.unwrap();
    assert!(
        listed
            .rejected
            .iter()
            .any(|r| r.reason.contains("Records[0]")),
        "{:?}",
        listed.rejected
    );

    // A burst of 1,000 objects with batches of 100: ten runs, every key in exactly one.
    client
        .put_definition(
            definition(
                "batch",
                "SELECT ${kiln.event_count} AS n, '${kiln.keys}' AS keys",
            ),
            true,
            false,
        )
        .await
        .unwrap();
    client
        .put_trigger(proto::Trigger {
            name: "burst".into(),
            bucket: "burst".into(),
            job: "batch".into(),
            batch_size: 100,
            batch_window_secs: 600,
            ..Default::default()
        })
        .await
        .unwrap();
    let keys: Vec<String> = (0..1000).map(|i| format!("in/part-{i:04}.json")).collect();
    let (status, body) = post(&url, Some(TOKEN), &notification("burst", &keys));
    assert_eq!(status, 200, "{body}");
    let runs = started_jobs(&client, "batch", 10, Duration::from_secs(30)).await;
    assert_eq!(runs.len(), 10, "{runs:?}");
    let mut covered: Vec<String> = vec![];
    for run in &runs {
        assert_eq!(run.labels["param.kiln.event_count"], "100");
        let batch: Vec<String> = serde_json::from_str(&run.labels["param.kiln.keys"]).unwrap();
        covered.extend(batch);
    }
    let distinct: BTreeSet<&String> = covered.iter().collect();
    assert_eq!(covered.len(), 1000, "a key ran twice or was lost");
    assert_eq!(distinct.len(), 1000);
    assert_eq!(distinct, keys.iter().collect::<BTreeSet<_>>());
    let burst = client.triggers().await.unwrap();
    let burst = burst.triggers.iter().find(|t| t.name == "burst").unwrap();
    assert_eq!((burst.pending, burst.runs.len()), (0, 10), "{burst:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watched_bucket_starts_jobs_for_objects_that_land_without_notifications() {
    let s3 = kiln_tests::s3::S3Server::start();
    s3.create_bucket("landing");
    let cluster = TestCluster::start(ClusterOptions {
        executors: 1,
        env: s3.env(),
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    client
        .put_definition(
            definition("landed", "SELECT '${kiln.key}' AS key"),
            true,
            false,
        )
        .await
        .unwrap();
    client
        .put_trigger(proto::Trigger {
            name: "landing".into(),
            bucket: "landing".into(),
            prefix: "in/".into(),
            job: "landed".into(),
            watch_interval_secs: 1,
            ..Default::default()
        })
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rows.csv");
    std::fs::write(&file, "a,b\n1,2\n").unwrap();
    // Uploaded with an independent S3 client; one is outside the trigger's prefix.
    s3.put_file("landing", "in/it's here ü.csv", &file);
    s3.put_file("landing", "elsewhere/x.csv", &file);
    let jobs = started_jobs(&client, "landed", 1, Duration::from_secs(30)).await;
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    let done = client.wait(&jobs[0].job_id).await.unwrap();
    let key = &kiln_tests::first_column(&client, &done).await[0];
    assert_eq!(key, "in/it's here ü.csv");
    // Later listings see the same object again and start nothing; a new one starts a run.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    assert_eq!(
        started_jobs(&client, "landed", 2, Duration::ZERO)
            .await
            .len(),
        1
    );
    s3.put_file("landing", "in/second.csv", &file);
    let jobs = started_jobs(&client, "landed", 2, Duration::from_secs(30)).await;
    assert_eq!(jobs.len(), 2, "{jobs:?}");
}

/// The tables of catalog database `database`, waiting up to 30 s until there are `count`.
async fn tables(client: &Client, database: &str, count: usize) -> Vec<proto::CatalogTable> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let tables = client.tables(database).await.unwrap_or_default();
        if tables.len() >= count || Instant::now() > deadline {
            return tables;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_files_start_a_crawler_and_a_schedule_runs_one() {
    let cluster = TestCluster::start(ClusterOptions {
        executors: 1,
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    let lake = tempfile::tempdir().unwrap();
    let landing = lake.path().join("trips");
    std::fs::create_dir_all(landing.join("day=2024-01-01")).unwrap();
    let crawler = |name: &str, database: &str| proto::Crawler {
        name: name.into(),
        database: database.into(),
        targets: vec![format!("file://{}/", lake.path().display())],
        ..Default::default()
    };
    // It lists only the folders of the objects that landed (Glue's event mode).
    let on_landing = proto::Crawler {
        recrawl: proto::RecrawlPolicy::RecrawlEvents as i32,
        ..crawler("on-landing", "landed")
    };
    client.create_crawler(on_landing, "test").await.unwrap();
    client
        .put_trigger(proto::Trigger {
            name: "lake".into(),
            bucket: "local".into(),
            crawler: "on-landing".into(),
            watch: format!("file://{}/", lake.path().display()),
            watch_interval_secs: 1,
            suffix: ".csv".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    std::fs::write(
        landing.join("day=2024-01-01/part-0.csv"),
        "id,fare\n1,12.5\n2,7.25\n",
    )
    .unwrap();
    // The file is found by the listing, the crawler runs, and the table is in the catalog.
    let found = tables(&client, "landed", 1).await;
    assert_eq!(found.len(), 1, "{found:?}");
    let keys: Vec<&str> = found[0]
        .partition_keys
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(keys, ["day"], "{found:?}");
    let listed = client.triggers().await.unwrap();
    let lake_trigger = listed.triggers.iter().find(|t| t.name == "lake").unwrap();
    assert_eq!(lake_trigger.runs.last().unwrap().crawler, "on-landing");

    // A second day lands, and a day the trigger does not want (its suffix): the crawl lists
    // the landed day's folder alone (a crawl for new folders would list and add both), and
    // adds its partition to the table.
    std::fs::create_dir_all(landing.join("day=2023-12-31")).unwrap();
    std::fs::write(landing.join("day=2023-12-31/notes.txt"), "id,fare\n9,1.0\n").unwrap();
    std::fs::create_dir_all(landing.join("day=2024-01-02")).unwrap();
    std::fs::write(
        landing.join("day=2024-01-02/part-0.csv"),
        "id,fare\n3,4.5\n",
    )
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let runs = loop {
        let (_, runs) = client.crawler("on-landing").await.unwrap();
        if runs.len() >= 2 {
            break runs;
        }
        assert!(Instant::now() < deadline, "one crawl only: {runs:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let second = &runs[1];
    assert_eq!(
        (second.objects_listed, second.partitions_added),
        (1, 1),
        "{second:?}"
    );
    let partitions = client
        .partitions("landed", &found[0].name, &[])
        .await
        .unwrap();
    let days: Vec<&str> = partitions.iter().map(|p| p.values[0].as_str()).collect();
    assert_eq!(days, ["2024-01-01", "2024-01-02"], "{partitions:?}");

    // A schedule runs a crawler too.
    client
        .create_crawler(crawler("nightly", "scheduled"), "test")
        .await
        .unwrap();
    client
        .put_schedule(proto::Schedule {
            name: "crawl-every-second".into(),
            cron: "* * * * * *".into(),
            crawler: "nightly".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(tables(&client, "scheduled", 1).await.len(), 1);
    let schedule = client
        .suspend_schedule("crawl-every-second", true)
        .await
        .unwrap();
    assert!(
        schedule.runs.iter().any(|r| r.crawler == "nightly"),
        "{:?}",
        schedule.runs
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_standby_passes_notifications_on_to_the_leader() {
    let cluster = TestCluster::start(ClusterOptions {
        coordinators: 2,
        executors: 1,
        token: Some(TOKEN.into()),
        ..ClusterOptions::default()
    })
    .await;
    let leader = cluster.leader_index().await.expect("a leader is elected");
    let standby = 1 - leader;
    let client = cluster.client().await;
    client
        .put_definition(
            definition("landed", "SELECT '${kiln.key}' AS key"),
            true,
            false,
        )
        .await
        .unwrap();
    client
        .put_trigger(proto::Trigger {
            name: "landing".into(),
            bucket: "landing".into(),
            job: "landed".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let url = format!("{}/api/v1/events/s3", cluster.coordinator_http_url(standby));
    // The standby checks the token itself, then the leader takes the event.
    assert_eq!(
        post(&url, None, &notification("landing", &["a.csv".into()])).0,
        401
    );
    let (status, body) = post(
        &url,
        Some(TOKEN),
        &notification("landing", &["a.csv".into()]),
    );
    assert_eq!(status, 200, "the standby answered: {body}");
    let receipt: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(receipt["accepted"], "1", "{receipt}");
    let jobs = started_jobs(&client, "landed", 1, Duration::from_secs(30)).await;
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    let done = client.wait(&jobs[0].job_id).await.unwrap();
    assert_eq!(kiln_tests::first_column(&client, &done).await, ["a.csv"]);
    // A malformed body is refused with the leader's reason, through the standby.
    let (status, body) = post(&url, Some(TOKEN), "{\"Records\": 7}");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("error"), "{body}");
}

/// The taxi example (`jobs/examples/taxi_events/`) as its README sets it up, through the CLI,
/// on a real S3 server: a landed file's notification starts the crawler, the crawl's end
/// starts the incremental job, and the job creates the partitioned catalog table lake.trips
/// and appends each day's trips once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_taxi_example_crawls_landed_files_and_loads_them_into_a_catalog_table() {
    let s3 = S3Server::start();
    s3.create_bucket("taxi");
    s3.create_bucket("lake");
    let cluster = TestCluster::start(ClusterOptions {
        executors: 1,
        env: s3.env(),
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    let root = repo_root();
    let example = root.join("jobs/examples/taxi_events");
    let coordinator = cluster.coordinator_grpc_url(0);
    let kiln = |args: &[&str]| {
        let out = Command::new(binary("kiln"))
            .args(args)
            .args(["--coordinator", &coordinator])
            .current_dir(&root)
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "kiln {args:?}: {text}");
        text
    };
    kiln(&[
        "crawler",
        "create",
        "jobs/examples/taxi_events/crawler.toml",
    ]);
    kiln(&[
        "job",
        "create",
        "taxi-to-lake",
        "jobs/examples/taxi_events/job.toml",
    ]);
    kiln(&[
        "trigger",
        "create",
        "taxi-landed",
        "--crawler",
        "taxi-landing",
        "--bucket",
        "taxi",
        "--prefix",
        "landing/",
        "--suffix",
        ".csv",
    ]);
    let said = kiln(&[
        "trigger",
        "create",
        "taxi-crawled",
        "--after-crawler",
        "taxi-landing",
        "--job",
        "taxi-to-lake",
    ]);
    assert!(
        said.contains("after crawler taxi-landing crawled"),
        "{said}"
    );

    let events = format!("{}/api/v1/events/s3", cluster.coordinator_http_url(0));
    let mut landed = 0;
    for (run, day) in ["2024-01-01", "2024-01-02"].into_iter().enumerate() {
        let key = format!("landing/trips/dt={day}/trips.csv");
        let file = example.join(&key);
        let rows = std::fs::read_to_string(&file).unwrap().lines().count() - 1;
        s3.put_file("taxi", &key, &file);
        let (status, body) = post(
            &events,
            None,
            &notification("taxi", &[key.replace('=', "%3D")]),
        );
        assert_eq!(status, 200, "{body}");
        // The crawl, then the job: its runs are started by the conditional trigger.
        let jobs = started_jobs(&client, "taxi-to-lake", run + 1, Duration::from_secs(60)).await;
        assert_eq!(jobs.len(), run + 1, "{}", cluster.logs());
        let done = client.wait(&jobs[0].job_id).await.unwrap();
        assert_eq!(done.state, proto::JobState::Succeeded as i32, "{done:?}");
        assert_eq!(done.labels["param.kiln.after_crawlers"], "taxi-landing");
        landed += rows;
        let query = format!(
            "SELECT count(*) AS n, count(DISTINCT trip_id) AS trips FROM lake.trips \
             WHERE pickup_date = '{day}'"
        );
        let status = run_to_success(&client, kiln_tests::sql_job("count", &[], &query)).await;
        let counted = kiln_tests::first_column(&client, &status).await;
        assert_eq!(counted, [rows.to_string()], "{day}");
    }

    // Every trip once, in one partition per day, each added by the run that wrote it.
    let status = run_to_success(
        &client,
        kiln_tests::sql_job(
            "all",
            &[],
            "SELECT count(DISTINCT trip_id) AS trips FROM lake.trips",
        ),
    )
    .await;
    assert_eq!(
        kiln_tests::first_column(&client, &status).await,
        [landed.to_string()]
    );
    let table = client.table("lake", "trips").await.unwrap();
    assert_eq!(table.location, "s3://lake/trips/");
    assert!(table.created_by.starts_with("job:"), "{table:?}");
    let partitions = client.partitions("lake", "trips", &[]).await.unwrap();
    let days: Vec<&str> = partitions.iter().map(|p| p.values[0].as_str()).collect();
    assert_eq!(days, ["2024-01-01", "2024-01-02"]);
    assert_ne!(partitions[0].added_by, partitions[1].added_by);
    // The second run read the second day's file only.
    let bookmark = client.bookmark("taxi-to-lake", true).await.unwrap();
    let read: Vec<usize> = bookmark.runs.iter().map(|r| r.files.len()).collect();
    assert_eq!(read, [1, 1], "{bookmark:?}");
}

/// An object event for an incremental job whose previous run still commits (held 4 s at a
/// failpoint) waits for that run and then starts one that loads the new file: it is neither
/// dead-lettered nor lost, and every row lands once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_for_an_incremental_job_under_way_waits_for_its_run_to_end() {
    const HELD: &str = "files-commit-before-deletes";
    let s3 = S3Server::start();
    s3.create_bucket("raw");
    s3.create_bucket("lake");
    let mut env = s3.env();
    env.push(("FAILPOINTS".into(), format!("{HELD}=return(4000)")));
    let cluster = TestCluster::start(ClusterOptions {
        executors: 1,
        env,
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    let toml = "name = \"load\"\n\
        [[source]]\nname = \"events\"\nformat = \"csv\"\npath = \"s3://raw/events/\"\n\
        [[step]]\nname = \"q\"\nsql = \"SELECT * FROM events\"\n\
        [sink]\nformat = \"parquet\"\npath = \"s3://lake/events/\"\nmode = \"append\"\n\
        [options]\nincremental = true\n";
    client
        .put_definition(stored("load", toml), true, false)
        .await
        .unwrap();
    client
        .put_trigger(proto::Trigger {
            name: "landed".into(),
            bucket: "raw".into(),
            prefix: "events/".into(),
            job: "load".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let events = format!("{}/api/v1/events/s3", cluster.coordinator_http_url(0));
    let dir = tempfile::tempdir().unwrap();
    let land = |name: &str, ids: std::ops::RangeInclusive<u32>| {
        let file = dir.path().join(name);
        let rows: String = ids.map(|id| format!("{id}\n")).collect();
        std::fs::write(&file, format!("id\n{rows}")).unwrap();
        s3.put_file("raw", &format!("events/{name}"), &file);
        let (status, body) = post(
            &events,
            None,
            &notification("raw", &[format!("events/{name}")]),
        );
        assert_eq!(status, 200, "{body}");
    };

    land("a.csv", 1..=100);
    let first = started_jobs(&client, "load", 1, Duration::from_secs(30)).await;
    assert_eq!(first.len(), 1, "{}", cluster.logs());
    let deadline = Instant::now() + Duration::from_secs(30);
    while cluster
        .log_lines_containing(&format!("failpoint {HELD}"))
        .is_empty()
    {
        assert!(Instant::now() < deadline, "{}", cluster.logs());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The second file's event arrives while the first run commits.
    land("b.csv", 101..=200);
    let running = client.get(&first[0].job_id).await.unwrap();
    assert_eq!(
        running.ended_at_ms, 0,
        "the first run ended too soon: {running:?}"
    );

    let both = started_jobs(&client, "load", 2, Duration::from_secs(60)).await;
    assert_eq!(both.len(), 2, "{}", cluster.logs());
    let first = client.wait(&first[0].job_id).await.unwrap();
    let second = both.iter().find(|j| j.job_id != first.job_id).unwrap();
    let second = client.wait(&second.job_id).await.unwrap();
    for run in [&first, &second] {
        assert_eq!(run.state, proto::JobState::Succeeded as i32, "{run:?}");
    }
    assert!(
        second.submitted_at_ms >= first.ended_at_ms,
        "the runs overlapped: {first:?} {second:?}"
    );
    let listed = client.triggers().await.unwrap();
    let landed = listed.triggers.iter().find(|t| t.name == "landed").unwrap();
    assert!(landed.dead_letters.is_empty(), "{:?}", landed.dead_letters);
    assert_eq!((landed.pending, landed.runs.len()), (0, 2), "{landed:?}");

    let query = proto::JobSpec::sql(
        "count",
        "SELECT CAST(count(*) AS VARCHAR) || ' rows, ' || CAST(count(DISTINCT id) AS VARCHAR) \
         || ' ids' AS n FROM lake",
    )
    .source(proto::SourceSpec::parquet("lake", "s3://lake/events/"));
    let status = run_to_success(&client, query).await;
    assert_eq!(
        kiln_tests::first_column(&client, &status).await,
        ["200 rows, 200 ids"]
    );
}
