//! A leader that died while its sink job was committing: the coordinator that takes over
//! finishes that same commit (the recorded winning attempts, not new ones), exactly once.

use kiln_proto::internal::v1 as ipb;
use std::sync::Arc;

use datafusion::dataframe::DataFrameWriteOptions;
use datafusion::prelude::SessionContext;
use kiln_coordinator::{Coordinator, CoordinatorConfig};
use kiln_core::state::{MemoryStore, StateStore, keys};
use kiln_proto::v1 as pb;
use prost::Message;

/// Writes one row, `x = value`, as a Parquet file at `path`.
async fn parquet_file(path: &std::path::Path, value: i64) {
    let ctx = SessionContext::new();
    ctx.sql(&format!("SELECT CAST({value} AS BIGINT) AS x"))
        .await
        .unwrap()
        .write_parquet(
            path.to_str().unwrap(),
            DataFrameWriteOptions::new().with_single_file_output(true),
            None,
        )
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_successor_finishes_the_commit_its_predecessor_began() {
    let out = tempfile::tempdir().unwrap();
    let job_id = "job-commit-failover";
    let spec = pb::JobSpec {
        name: "commit-failover".into(),
        steps: vec![pb::StepSpec {
            name: "q".into(),
            sql: "SELECT CAST(1 AS BIGINT) AS x".into(),
        }],
        sink: Some(pb::SinkSpec {
            format: "parquet".into(),
            path: out.path().display().to_string(),
            mode: pb::SaveMode::Append as i32,
            ..Default::default()
        }),
        ..Default::default()
    };
    // What the dead leader left: the task's winning attempt 7 and a losing attempt 3 in the
    // temporary directory, and a record saying it was committing attempt 7.
    let temp = out.path().join("_temporary").join(job_id);
    for (attempt, value) in [(7, 70), (3, 30)] {
        let dir = temp.join(format!("part-0-attempt-{attempt}"));
        std::fs::create_dir_all(&dir).unwrap();
        parquet_file(&dir.join("part-0.parquet"), value).await;
        // The marker lists the attempt's rows and files, as the sink writes it.
        let size = std::fs::metadata(dir.join("part-0.parquet")).unwrap().len();
        let marker = format!("rows\t1\npart-0.parquet\t{size}\n");
        std::fs::write(dir.join("_ATTEMPT_DONE"), marker).unwrap();
    }
    let record = ipb::JobRecord {
        spec: Some(spec),
        status: Some(pb::JobStatus {
            job_id: job_id.into(),
            name: "commit-failover".into(),
            state: pb::JobState::Running as i32,
            ..Default::default()
        }),
        attempt_base: 0,
        stage_tasks: vec![1],
        completed_stages: vec![],
        committing: vec![ipb::CommitWinner {
            partition: 0,
            attempt: 7,
            rows: 1,
        }],
        // No recorded plan: the successor plans the job again from its spec.
        ..Default::default()
    };
    let store = Arc::new(MemoryStore::new());
    store
        .put(&keys::job(job_id), record.encode_to_vec(), None)
        .await
        .unwrap();

    let coordinator = Coordinator::start(CoordinatorConfig::default(), store.clone())
        .await
        .unwrap();
    coordinator.wait_until_leader().await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let status = loop {
        let status = coordinator.scheduler().status(job_id).await.unwrap();
        if status.state != pb::JobState::Running as i32 {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the commit never ended"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert_eq!(
        status.state,
        pb::JobState::Succeeded as i32,
        "{}",
        status.error
    );

    // Exactly the recorded winner is published, once; the loser and the temporary files go.
    let ctx = SessionContext::new();
    let rows = ctx
        .read_parquet(
            out.path().join("part-0.parquet").to_str().unwrap(),
            Default::default(),
        )
        .await
        .unwrap()
        .collect()
        .await
        .unwrap();
    let values: Vec<i64> = rows
        .iter()
        .flat_map(|b| {
            b.column(0)
                .as_any()
                .downcast_ref::<arrow::array::Int64Array>()
                .unwrap()
                .values()
                .to_vec()
        })
        .collect();
    assert_eq!(values, vec![70]);
    assert!(out.path().join("_SUCCESS").exists());
    assert!(!out.path().join("_temporary").exists());
    let published: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(published.len(), 2, "{published:?}");

    // The successor recorded the outcome: the job moved from jobs/ to the history.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let summary = loop {
        if let Some(stored) = store.get(&keys::history(job_id)).await.unwrap() {
            break pb::JobStatus::decode(stored.as_slice()).unwrap();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the outcome was never recorded"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert_eq!(summary.state, pb::JobState::Succeeded as i32);
    assert_eq!(store.get(&keys::job(job_id)).await.unwrap(), None);
    coordinator.shutdown().await;
}
