//! Incremental jobs on a real cluster over a real S3 server: rounds of new CSV files (two
//! sharing a modification time, one rewritten in place with the same size and time but a new
//! ETag) appended into a Parquet lake, every row landing exactly once; a run that fails on a
//! bad row advances nothing and the next run reads its files; a leader killed inside a run's
//! commit, whose successor finishes it and records the run once; overlapping runs refused;
//! and `kiln bookmark show`, `rewind` and `reset`.

use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use kiln_client::proto;
use kiln_tests::cluster::{ClusterOptions, binary};
use kiln_tests::s3::S3Server;
use kiln_tests::{TestCluster, first_column, run_to_success};

/// The incremental job's name, which keys its bookmark.
const NAME: &str = "events-to-lake";

/// The failpoint between a file commit's renames and its deletes.
const BEFORE_DELETES: &str = "files-commit-before-deletes";

/// A CSV of rows `ids`, each line the same length whatever the id (so a rewrite of a file
/// with as many other rows has the same size).
fn csv(ids: impl IntoIterator<Item = u64>) -> String {
    let mut text = String::from("id,note\n");
    for id in ids {
        text.push_str(&format!("{id:07},row {id:07}\n"));
    }
    text
}

/// Uploads `text` as `s3://raw/events/NAME`.
fn put(s3: &S3Server, dir: &std::path::Path, name: &str, text: &str) {
    let file = dir.join(name);
    std::fs::write(&file, text).unwrap();
    s3.put_file("raw", &format!("events/{name}"), &file);
}

/// The incremental job: new files under s3://raw/events/ appended to s3://lake/events/.
fn incremental_job() -> proto::JobSpec {
    let mut job = proto::JobSpec::sql(NAME, "SELECT id, note FROM events")
        .source(
            proto::SourceSpec::csv("events", "s3://raw/events/")
                .option("schema", "id BIGINT, note VARCHAR"),
        )
        .sink(
            proto::SinkSpec::files("parquet", "s3://lake/events/")
                .save_mode(proto::SaveMode::Append),
        );
    job.options = Some(proto::JobOptions {
        incremental: true,
        max_task_attempts: 1,
        ..Default::default()
    });
    job
}

/// Every id in the lake, in order (duplicates kept).
async fn lake_ids(client: &kiln_client::Client) -> Vec<u64> {
    let query = proto::JobSpec::sql("read-lake", "SELECT id FROM lake ORDER BY id")
        .source(proto::SourceSpec::parquet("lake", "s3://lake/events/"));
    let status = run_to_success(client, query).await;
    first_column(client, &status)
        .await
        .iter()
        .map(|id| id.parse().unwrap())
        .collect()
}

/// The file names (after `events/`) the bookmark's runs read, per run.
async fn runs(client: &kiln_client::Client) -> Vec<(String, Vec<String>)> {
    let bookmark = client.bookmark(NAME, true).await.unwrap();
    bookmark
        .runs
        .iter()
        .map(|run| {
            assert_eq!(run.file_count as usize, run.files.len(), "{run:?}");
            let files = run
                .files
                .iter()
                .map(|f| f.path.rsplit('/').next().unwrap().to_string())
                .collect();
            (run.job_id.clone(), files)
        })
        .collect()
}

/// Waits until `count` log lines of the cluster contain `needle`.
async fn wait_for_lines(cluster: &TestCluster, needle: &str, count: usize) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while cluster.log_lines_containing(needle).len() < count {
        assert!(
            Instant::now() < deadline,
            "fewer than {count} log lines with '{needle}': {}",
            cluster.logs()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_incremental_job_lands_every_row_once_across_rounds_failures_and_a_failover() {
    let s3 = S3Server::start();
    s3.create_bucket("raw");
    s3.create_bucket("lake");
    let local = tempfile::tempdir().unwrap();
    let mut cluster = TestCluster::start(ClusterOptions {
        env: s3.env(),
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;

    // Round 1: two files with the same modification time.
    put(&s3, local.path(), "a.csv", &csv(1..=100));
    put(&s3, local.path(), "b.csv", &csv(101..=200));
    let batch_time = SystemTime::now() - Duration::from_secs(3600);
    s3.set_modified("raw", "events/a.csv", batch_time);
    s3.set_modified("raw", "events/b.csv", batch_time);
    let first = run_to_success(&client, incremental_job()).await;
    assert_eq!(lake_ids(&client).await, (1..=200).collect::<Vec<_>>());
    assert_eq!(
        runs(&client).await,
        [(first.job_id.clone(), vec!["a.csv".into(), "b.csv".into()])]
    );

    // Round 2: a good file and one with a bad row. The run fails at the bad row (fail_fast)
    // and advances nothing: the lake and the bookmark are as they were.
    put(&s3, local.path(), "c.csv", &csv(201..=300));
    put(
        &s3,
        local.path(),
        "d.csv",
        &format!("{}00003x1,not a number\n", csv(301..=310)),
    );
    let failed = client.submit(incremental_job()).await.unwrap();
    let failed = client.wait(&failed).await.unwrap();
    assert_eq!(failed.state, proto::JobState::Failed as i32, "{failed:?}");
    assert!(
        failed.error.contains("s3://raw/events/d.csv, line 12"),
        "{}",
        failed.error
    );
    assert_eq!(runs(&client).await.len(), 1);
    assert_eq!(lake_ids(&client).await.len(), 200);
    // What its tasks wrote is removed, even by a task still writing when it failed.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !s3.list("lake", "events/_temporary/").is_empty() {
        assert!(
            Instant::now() < deadline,
            "the failed run left {:?}",
            s3.list("lake", "events/_temporary/")
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // The bad file is fixed (a new ETag): the next run reads it and the failed run's c.csv.
    put(&s3, local.path(), "d.csv", &csv(301..=310));
    let second = run_to_success(&client, incremental_job()).await;
    assert_eq!(lake_ids(&client).await, (1..=310).collect::<Vec<_>>());
    assert_eq!(
        runs(&client).await[1],
        (second.job_id.clone(), vec!["c.csv".into(), "d.csv".into()])
    );

    // Round 3: a.csv is rewritten in place with rows of the same length, then given back its
    // old modification time: only its ETag tells it apart. A run reads it alone, and its
    // leader is killed inside the commit; the standby finishes the commit and records the
    // run once.
    put(&s3, local.path(), "a.csv", &csv(1001..=1100));
    s3.set_modified("raw", "events/a.csv", batch_time);
    cluster.kill_coordinator(0);
    cluster.set_coordinator_env(
        0,
        vec![(
            "FAILPOINTS".into(),
            format!("{BEFORE_DELETES}=return(60000)"),
        )],
    );
    cluster.restart_coordinator(0);
    let client = cluster.client().await;
    let third = client.submit(incremental_job()).await.unwrap();
    wait_for_lines(&cluster, &format!("failpoint {BEFORE_DELETES}"), 1).await;
    // Runs of one job never overlap: a second submit is refused while this one commits.
    let refused = client.submit(incremental_job()).await.unwrap_err();
    assert!(
        refused.to_string().contains(&third) && refused.to_string().contains("under way"),
        "{refused}"
    );
    let standby = cluster.add_coordinator();
    cluster.kill_coordinator(0);
    let client = cluster.client().await;
    let status = tokio::time::timeout(Duration::from_secs(60), client.wait(&third))
        .await
        .expect("the run ends after the failover")
        .unwrap();
    assert_eq!(
        status.state,
        proto::JobState::Succeeded as i32,
        "{status:?}"
    );
    assert_eq!(cluster.leader_index().await, Some(standby));
    assert!(
        !cluster
            .log_lines_containing("finishing the commit a predecessor began")
            .is_empty(),
        "the standby did not finish the commit: {}",
        cluster.logs()
    );
    let mut expected: Vec<u64> = (1..=310).chain(1001..=1100).collect();
    expected.sort();
    assert_eq!(lake_ids(&client).await, expected);
    let recorded = runs(&client).await;
    assert_eq!(recorded.len(), 3, "{recorded:?}");
    assert_eq!(recorded[2], (third.clone(), vec!["a.csv".into()]));

    // Nothing new: a run reads nothing, and is still a run of the bookmark.
    let empty = run_to_success(&client, incremental_job()).await;
    assert_eq!(lake_ids(&client).await, expected);
    assert_eq!(runs(&client).await[3], (empty.job_id.clone(), vec![]));

    // The CLI: show, rewind to the second run (the next run reads a.csv again), reset.
    let kiln = |args: &[&str]| {
        let out = Command::new(binary("kiln"))
            .args(args)
            .args(["--coordinator", &cluster.coordinator_grpc_url(standby)])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "kiln {args:?}: {stdout}{stderr}");
        (stdout, stderr)
    };
    let (shown, _) = kiln(&["bookmark", "show", NAME, "--files"]);
    assert!(
        shown.contains(&first.job_id) && shown.contains("s3://raw/events/b.csv"),
        "{shown}"
    );
    assert_eq!(shown.matches("s3://raw/events/a.csv").count(), 2, "{shown}");
    let (_, said) = kiln(&["bookmark", "rewind", NAME, "--to", &second.job_id]);
    assert!(said.contains("2 runs kept"), "{said}");
    let again = run_to_success(&client, incremental_job()).await;
    assert_eq!(
        runs(&client).await[2],
        (again.job_id.clone(), vec!["a.csv".into()])
    );
    let (_, said) = kiln(&["bookmark", "reset", NAME]);
    assert!(said.contains("reads every file"), "{said}");
    let error = client.bookmark(NAME, false).await.unwrap_err();
    assert!(error.to_string().contains("no successful run"), "{error}");
}

/// An incremental copy of table `events` (`id`, `updated_at`, `note`) of a database
/// (`source`) into Parquet files under `lake`, bookmarked by (updated_at, id); `note` is cast
/// to a number, so a row whose note is not one fails the run.
fn copy_job(name: &str, source: proto::SourceSpec, lake: &std::path::Path) -> proto::JobSpec {
    let source = source
        .option("table", "events")
        .option("bookmark_keys", "updated_at, id");
    let mut job = proto::JobSpec::sql(name, "SELECT id, CAST(note AS BIGINT) AS n FROM events")
        .source(source)
        .sink(
            proto::SinkSpec::files("parquet", lake.display().to_string())
                .save_mode(proto::SaveMode::Append),
        );
    job.options = Some(proto::JobOptions {
        incremental: true,
        max_task_attempts: 1,
        ..Default::default()
    });
    job
}

/// Every id in the Parquet files under `lake`, in order, each checked against its `n`.
async fn copied_ids(client: &kiln_client::Client, lake: &std::path::Path) -> Vec<u64> {
    let query = proto::JobSpec::sql(
        "read-copy",
        "SELECT CASE WHEN id = n THEN id ELSE -1 END FROM copy ORDER BY id",
    )
    .source(proto::SourceSpec::parquet(
        "copy",
        lake.display().to_string(),
    ));
    let status = run_to_success(client, query).await;
    first_column(client, &status)
        .await
        .iter()
        .map(|id| id.parse().unwrap())
        .collect()
}

/// Rounds of rows into `events` through `execute`, some sharing the highest timestamp of the
/// round before: each row is copied once, and a failed run advances nothing.
async fn copy_rounds(
    client: &kiln_client::Client,
    name: &str,
    source: proto::SourceSpec,
    execute: impl Fn(&str),
    time_type: &str,
) {
    let lake = tempfile::tempdir().unwrap();
    let job = || copy_job(name, source.clone(), lake.path());
    let insert = |rows: &[(u64, &str)]| {
        let values: Vec<String> = rows
            .iter()
            .map(|(id, at)| format!("({id}, '2024-01-01 {at}', '{id}')"))
            .collect();
        execute(&format!(
            "INSERT INTO events (id, updated_at, note) VALUES {}",
            values.join(", ")
        ));
    };
    execute(&format!(
        "CREATE TABLE events (id INT PRIMARY KEY, updated_at {time_type} NOT NULL, \
         note VARCHAR(20) NOT NULL)"
    ));
    insert(&[
        (5, "10:00:00"),
        (1, "10:00:00"),
        (3, "10:00:00"),
        (8, "11:00:00"),
        (6, "11:00:00"),
    ]);
    run_to_success(client, job()).await;
    assert_eq!(copied_ids(client, lake.path()).await, [1, 3, 5, 6, 8]);

    // Rows sharing the last run's highest timestamp (9 and 10 come after (11:00, 8) by their
    // ids alone: a bookmark on updated_at would lose them with `>` and read 6 and 8 again
    // with `>=`), and rows with older ids at a later time (2 and 4).
    insert(&[
        (9, "11:00:00"),
        (10, "11:00:00"),
        (2, "12:00:00"),
        (4, "12:00:00"),
    ]);
    run_to_success(client, job()).await;
    assert_eq!(
        copied_ids(client, lake.path()).await,
        [1, 2, 3, 4, 5, 6, 8, 9, 10]
    );

    // A run failing on a bad row advances nothing; fixed, the next run copies the round.
    // 100 is the highest key of the round as a number, not as text ("12" > "100").
    insert(&[(11, "13:00:00"), (12, "13:00:00"), (100, "13:00:00")]);
    execute("UPDATE events SET note = 'twelve' WHERE id = 12");
    let failed = client.submit(job()).await.unwrap();
    let failed = client.wait(&failed).await.unwrap();
    assert_eq!(failed.state, proto::JobState::Failed as i32, "{failed:?}");
    assert!(failed.error.contains("twelve"), "{}", failed.error);
    assert_eq!(client.bookmark(name, false).await.unwrap().runs.len(), 2);
    execute("UPDATE events SET note = '12' WHERE id = 12");
    run_to_success(client, job()).await;
    assert_eq!(
        copied_ids(client, lake.path()).await,
        [1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 100]
    );
    let bookmark = client.bookmark(name, false).await.unwrap();
    let windows: Vec<&proto::RowWindow> =
        bookmark.runs.iter().flat_map(|run| &run.windows).collect();
    assert_eq!(windows.len(), 3, "{bookmark:?}");
    assert_eq!(windows[0].after, Vec::<String>::new());
    assert_eq!(windows[1].after, windows[0].through);
    assert_eq!(windows[2].through[1], "100", "{bookmark:?}");

    // Nothing new: an empty window where the last one ended.
    run_to_success(client, job()).await;
    let bookmark = client.bookmark(name, false).await.unwrap();
    let last = &bookmark.runs[3].windows[0];
    assert_eq!(
        (&last.after, &last.through),
        (&windows[2].through, &windows[2].through)
    );
    assert_eq!(copied_ids(client, lake.path()).await.len(), 12);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incremental_copies_from_postgres_and_mysql_lose_no_row_sharing_a_timestamp() {
    let cluster = TestCluster::start(ClusterOptions::default()).await;
    let client = cluster.client().await;
    let postgres = kiln_tests::postgres::TestDatabase::create();
    copy_rounds(
        &client,
        "copy-from-postgres",
        proto::SourceSpec::new("events", "postgres", postgres.url()),
        |sql| {
            postgres.psql(sql);
        },
        "timestamptz",
    )
    .await;
    let mysql = kiln_tests::mysql::TestDatabase::create();
    copy_rounds(
        &client,
        "copy-from-mysql",
        proto::SourceSpec::new("events", "mysql", mysql.url()),
        |sql| {
            mysql.sql(sql);
        },
        "DATETIME(6)",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_incremental_job_is_checked_at_submit() {
    let cluster = TestCluster::start(ClusterOptions::default()).await;
    let client = cluster.client().await;
    let mut bad_name = incremental_job();
    bad_name.name = "events to lake".into();
    let error = client.submit(bad_name).await.unwrap_err().to_string();
    assert!(error.contains("'events to lake'"), "{error}");

    // A database source needs its bookmark keys, and rows where they are not NULL.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("events.sqlite");
    kiln_tests::sqlite::execute(
        &db,
        "CREATE TABLE events (id INTEGER, updated_at TEXT, note TEXT); \
         INSERT INTO events VALUES (1, '2024-01-01', '1'), (2, NULL, '2');",
    );
    let source = proto::SourceSpec::new("events", "sqlite", db.display().to_string());
    let mut unkeyed = copy_job("copy-from-sqlite", source.clone(), dir.path());
    unkeyed.sources[0].options.remove("bookmark_keys");
    let error = client.submit(unkeyed).await.unwrap_err().to_string();
    assert!(
        error.contains("source 'events'") && error.contains("bookmark_keys = \"updated_at, id\""),
        "{error}"
    );
    let error = client
        .submit(copy_job("copy-from-sqlite", source, dir.path()))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("some rows have a NULL in bookmark_keys (updated_at, id)"),
        "{error}"
    );
}
