//! The web UI in a real browser (headless Chromium through Playwright, tests/python/web_ui.py)
//! against a real cluster with a token: sign-in, the jobs list, a running job's stage graph
//! and task timeline, a failed job's error and log tail, the executors page, a crawled
//! table's columns and partitions and the crawl's run, a schedule's next fire time and the job
//! a trigger started. What the pages
//! show is checked against what the API says; a job named like a script shows as text.
//! Screenshots land in `target/tmp/ui-screenshots`.

use kiln_client::proto;
use kiln_tests::TestCluster;
use kiln_tests::cluster::ClusterOptions;

const TOKEN: &str = "ui-token";
const HOSTILE: &str = "<script>alert(1)</script><img src=x onerror=alert(2)>";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_web_ui_shows_jobs_stages_tasks_and_executors_as_the_api_does() {
    let cluster = TestCluster::start(ClusterOptions {
        executors: 2,
        slots: 2,
        token: Some(TOKEN.into()),
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;

    let hostile = client
        .submit(kiln_tests::sql_job(HOSTILE, &[], "SELECT 1 AS one"))
        .await
        .expect("submitting");
    client.wait(&hostile).await.expect("waiting");

    // A task that fails on a bad row, twice: the job fails with the attempts' logs.
    let dir = tempfile::tempdir().unwrap();
    let failing = kiln_tests::failing_cast_job(dir.path());
    let failed = client.submit(failing).await.expect("submitting");
    let failed_status = client.wait(&failed).await.expect("waiting");
    assert_eq!(failed_status.state, proto::JobState::Failed as i32);

    // A job of two stages that runs for minutes unless cancelled.
    let slow = proto::JobSpec::sql(
        "slow-digest",
        "SELECT count(DISTINCT sha256(CAST(value AS VARCHAR))) AS digests \
         FROM generate_series(1, 300000000)",
    )
    .parallelism(2);
    let running = client.submit(slow).await.expect("submitting");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while client
        .tasks(&running)
        .await
        .expect("tasks")
        .iter()
        .all(|a| a.state != proto::TaskAttemptState::Running as i32)
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the slow job never ran"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // A crawled lake of two partitions, for the catalog pages.
    let lake = dir.path().join("lake");
    for year in ["2025", "2026"] {
        let at = lake.join(format!("orders/year={year}"));
        std::fs::create_dir_all(&at).unwrap();
        std::fs::write(at.join("part-0.csv"), "id,amount\n1,10\n2,12\n").unwrap();
    }
    let crawler = kiln_catalog::crawler::parse_crawler(
        &format!(
            "name = \"shop-lake\"\ndatabase = \"shop\"\ntargets = [\"file://{}/\"]\n",
            lake.display()
        ),
        "shop-lake.toml",
    )
    .unwrap();
    client.create_crawler(crawler, "ui-test").await.unwrap();
    let crawl = client.crawl("shop-lake", false).await.unwrap();
    assert_eq!(crawl.tables_created, ["orders"], "{crawl:?}");
    let partitions = client.partitions("shop", "orders", &[]).await.unwrap();
    let columns = client.table("shop", "orders").await.unwrap().columns;

    // A stored job on a nightly schedule, also started by a trigger on new objects: one event
    // posted gives one run.
    client
        .put_definition(
            proto::JobDefinition {
                name: "ui-ingest".into(),
                toml: "name = \"ui-ingest\"\n[[step]]\nname = \"q\"\nsql = \"SELECT '${kiln.key}' AS key\"\n"
                    .into(),
                base_dir: "/".into(),
                ..Default::default()
            },
            true,
            false,
        )
        .await
        .unwrap();
    let nightly = client
        .put_schedule(proto::Schedule {
            name: "nightly".into(),
            cron: "0 2 * * *".into(),
            time_zone: "Europe/Paris".into(),
            job: "ui-ingest".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    client
        .put_trigger(proto::Trigger {
            name: "new-orders".into(),
            bucket: "shop-landing".into(),
            prefix: "orders/".into(),
            suffix: ".csv".into(),
            job: "ui-ingest".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let event = serde_json::json!({"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "eventName": "ObjectCreated:Put",
        "s3": {"bucket": {"name": "shop-landing"},
               "object": {"key": "orders/day-1.csv", "size": 10, "eTag": "e1", "sequencer": "01"}}
    }]});
    let events_url = format!("{}/api/v1/events/s3", cluster.coordinator_http_url(0));
    let (code, body) = kiln_tests::http::post(&events_url, Some(TOKEN), &event.to_string());
    assert_eq!(code, 200, "{body}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let triggered = loop {
        let triggers = client.triggers().await.unwrap().triggers;
        if let Some(run) = triggers[0].runs.first() {
            break run.job_id.clone();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the event started nothing: {triggers:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    let triggered_status = client.wait(&triggered).await.expect("waiting");
    assert_eq!(triggered_status.state, proto::JobState::Succeeded as i32);

    let screenshots = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("ui-screenshots");
    let request = serde_json::json!({
        "url": cluster.coordinator_http_url(0),
        "token": TOKEN,
        "running": running,
        "failed": failed,
        "hostile": hostile,
        "screenshots": screenshots,
    });
    let seen = tokio::task::spawn_blocking(move || {
        kiln_tests::python::run_json(
            "web_ui.py",
            &request,
            "playwright, and Chromium (apt-get install chromium)",
        )
    })
    .await
    .unwrap();

    assert_eq!(seen["login_shown"], true);
    for job in [&hostile, &failed, &running] {
        assert!(
            seen["listed"].as_array().unwrap().iter().any(|j| j == job),
            "{job} is not listed: {seen}"
        );
    }
    // The hostile name is text: shown as given, and nothing of it ran.
    assert_eq!(seen["hostile_name"], HOSTILE, "{seen}");
    assert_eq!(seen["script_elements"], 0, "{seen}");
    assert_eq!(seen["dialogs"], serde_json::json!([]), "{seen}");
    assert_eq!(seen["failed_row_state"], "FAILED");

    // The running job's stages and their tasks, as the API had them a moment later.
    let status = client.get(&running).await.expect("the running job");
    let shown = seen["running"]["stages"].as_array().unwrap();
    assert_eq!(shown.len(), status.stages.len(), "{seen}");
    assert!(status.stages.len() >= 2, "two stages: {status:?}");
    for (page, api) in shown.iter().zip(&status.stages) {
        assert_eq!(page["stage"], api.stage_id);
        assert_eq!(page["total"], api.tasks_total, "{seen}");
        assert!(page["succeeded"].as_u64().unwrap() <= u64::from(api.tasks_succeeded));
    }
    assert!(seen["running"]["edges"].as_u64().unwrap() >= 1, "{seen}");
    assert!(
        seen["running"]["bars"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "RUNNING"),
        "{seen}"
    );
    assert_eq!(seen["running"]["state"], "RUNNING");

    // The failed job: its error, and the end of each failed attempt's log.
    let failed_seen = &seen["failed"];
    assert_eq!(failed_seen["error"], failed_status.error.as_str());
    let attempts = client.tasks(&failed).await.expect("attempts");
    let broken = attempts
        .iter()
        .filter(|a| a.state == proto::TaskAttemptState::Failed as i32)
        .count();
    assert_eq!(
        failed_seen["log_tails"].as_array().unwrap().len(),
        broken,
        "{seen}"
    );
    assert!(
        failed_seen["log_tails"][0]
            .as_str()
            .unwrap()
            .contains("twelve")
            || failed_status.error.contains("twelve"),
        "{seen}"
    );
    let (done, total) = failed_status.stages.iter().fold((0, 0), |(d, t), s| {
        (d + s.tasks_succeeded, t + s.tasks_total)
    });
    assert_eq!(failed_seen["tasks"], format!("{done}/{total}"));

    let executors = client.executors().await.expect("executors");
    let shown = seen["executors"].as_array().unwrap();
    assert_eq!(shown.len(), executors.len(), "{seen}");
    for executor in &executors {
        let row = shown
            .iter()
            .find(|e| e["id"] == executor.executor_id.as_str())
            .unwrap_or_else(|| panic!("{} is not shown: {seen}", executor.executor_id));
        assert_eq!(row["slots"], executor.slots);
        // Memory as the executor's last heartbeat reported it: its process is resident.
        assert!(executor.resident_bytes > 0, "{executor:?}");
        let resident = row["resident"].as_str().unwrap();
        assert!(
            resident.ends_with("MiB") || resident.ends_with("GiB"),
            "{seen}"
        );
        assert!(row["memory"].as_str().unwrap().contains(" of "), "{seen}");
    }
    // The catalog: the crawled table's columns and partitions, and the crawl's run.
    let catalog = &seen["catalog"];
    assert_eq!(catalog["databases"], serde_json::json!(["shop"]), "{seen}");
    assert_eq!(catalog["tables"], serde_json::json!(["orders"]), "{seen}");
    let shown: Vec<&str> = catalog["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(shown, names, "{seen}");
    assert_eq!(catalog["partitions"], partitions.len(), "{seen}");
    assert_eq!(catalog["crawl_runs"], 1, "{seen}");
    // The schedule as the API has it: its cron, zone and next fire time.
    let schedules = seen["schedules"].as_array().unwrap();
    assert_eq!(schedules.len(), 1, "{seen}");
    assert_eq!(schedules[0]["name"], "nightly");
    assert_eq!(schedules[0]["runs"], "job ui-ingest");
    assert_eq!(schedules[0]["cron"], nightly.cron.as_str());
    assert_eq!(schedules[0]["zone"], "Europe/Paris");
    assert_eq!(schedules[0]["state"], "active");
    assert_eq!(
        schedules[0]["next_ms"],
        nightly.next_tick_ms.to_string(),
        "{seen}"
    );
    // The trigger, what it watches, and the run the event started, which opens its job.
    let triggers = seen["triggers"].as_array().unwrap();
    assert_eq!(triggers.len(), 1, "{seen}");
    assert_eq!(triggers[0]["name"], "new-orders");
    assert_eq!(triggers[0]["watches"], "s3://shop-landing/orders/*.csv");
    assert_eq!(triggers[0]["runs"], "job ui-ingest");
    assert_eq!(
        triggers[0]["jobs"],
        serde_json::json!([triggered]),
        "{seen}"
    );
    assert!(
        seen["triggered_job_page"]
            .as_str()
            .unwrap()
            .ends_with(&format!("#/jobs/{triggered}")),
        "{seen}"
    );
    assert_eq!(seen["signed_out"], true);
    for page in [
        "login",
        "jobs",
        "running-job",
        "failed-job",
        "executors",
        "table",
        "crawler",
        "schedules",
        "triggers",
    ] {
        assert!(screenshots.join(format!("{page}.png")).exists(), "{page}");
    }
    client.cancel(&running).await.expect("cancelling");
}
