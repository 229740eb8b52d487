//! Reading results through the coordinator: a `kiln` client on another network host, which
//! reaches the coordinator's port and nothing else (the executors' Flight ports are refused
//! there), reads a 10-million-row result while the coordinator's memory stays bounded; an SDK
//! client reads the same rows by each route and through a standby; bad tickets are refused
//! with what was wrong.

use std::net::SocketAddr;

use arrow::array::AsArray;
use arrow::datatypes::Int64Type;
use arrow_flight::Ticket;
use arrow_flight::sql::{ProstMessageExt, TicketStatementQuery};
use futures::TryStreamExt;
use kiln_client::{ResultRoute, proto};
use kiln_core::auth::Token;
use kiln_core::flight::FlightClients;
use kiln_core::tls::Tls;
use kiln_tests::cluster::{ClusterOptions, binary};
use kiln_tests::http::{scrape, value};
use kiln_tests::netns::OutsideHost;
use kiln_tests::proxy::TcpProxy;
use kiln_tests::{TestCluster, run_to_success, sql_job};
use prost::Message;

const ROWS: i64 = 10_000_000;

/// The peak resident memory of process `pid` so far, in bytes.
fn peak_memory(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("the process");
    let line = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .expect("VmHWM in /proc/PID/status");
    let kib: u64 = line
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .expect("a number of kB");
    kib * 1024
}

/// The sum of the second (int64) column of `batches`.
fn second_column_sum(batches: &[arrow::array::RecordBatch]) -> i64 {
    batches
        .iter()
        .flat_map(|b| b.column(1).as_primitive::<Int64Type>().values().to_vec())
        .sum()
}

/// The result bytes coordinator `index` has streamed to clients.
fn results_served(cluster: &TestCluster, index: usize) -> f64 {
    let samples = scrape(
        &format!("{}/metrics", cluster.coordinator_http_url(index)),
        None,
    );
    value(&samples, "kiln_results_served_bytes_total", &[]).unwrap_or(0.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_reaches_only_the_coordinator_reads_a_large_result_through_it() {
    let outside = OutsideHost::create();
    let cluster = TestCluster::start(ClusterOptions::default()).await;
    let client = cluster.client().await;

    // The outside host reaches the coordinator through a relay on this host's end of the
    // link; the executors listen on this host's loopback, which from there is its own.
    let coordinator: SocketAddr = cluster
        .coordinator_grpc_url(0)
        .trim_start_matches("http://")
        .parse()
        .expect("the coordinator's address");
    let relay = TcpProxy::start_on(outside.host_addr.into(), coordinator).await;
    let executor = &client.executors().await.unwrap()[0];
    let probe = outside
        .command(std::path::Path::new("bash"))
        .args([
            "-c",
            &format!("exec 3<>/dev/tcp/127.0.0.1/{}", executor.flight_port),
        ])
        .output()
        .unwrap();
    assert!(
        !probe.status.success(),
        "the outside host must not reach the executors' Flight ports"
    );

    let pid = cluster.coordinator_pid(0).expect("the coordinator runs");
    let memory_before = peak_memory(pid);
    let served_before = results_served(&cluster, 0);
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("rows.parquet");
    let sql = format!(
        "SELECT value, concat('row-', CAST(value AS VARCHAR)) AS label \
         FROM generate_series(1, {ROWS})"
    );
    let run = outside
        .command(&binary("kiln"))
        .args(["sql", "--coordinator", &relay.url(), "--out"])
        .arg(&file)
        .arg(&sql)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "kiln sql from the outside host failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let served = results_served(&cluster, 0) - served_before;
    let growth = peak_memory(pid).saturating_sub(memory_before);

    // Every row arrived, once.
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
        std::fs::File::open(&file).unwrap(),
    )
    .unwrap()
    .build()
    .unwrap();
    let (mut rows, mut sum) = (0i64, 0i128);
    for batch in reader {
        let batch = batch.unwrap();
        let values = batch.column(0).as_primitive::<Int64Type>();
        rows += values.len() as i64;
        sum += values.values().iter().map(|v| *v as i128).sum::<i128>();
    }
    assert_eq!(rows, ROWS);
    assert_eq!(sum, (ROWS as i128) * (ROWS as i128 + 1) / 2);

    // They came through the coordinator, which did not hold them: its growth (about 40 MB of
    // buffers and allocator arenas, the same for 30 million rows) stays well below the
    // result's 240 MB.
    assert!(
        served > (ROWS * 8) as f64,
        "only {served} bytes of results passed through the coordinator"
    );
    println!(
        "{ROWS} rows ({:.0} MB) streamed through the coordinator; its peak memory grew by {:.1} MB",
        served / 1e6,
        growth as f64 / 1e6
    );
    assert!(
        growth < 100 << 20,
        "the coordinator's peak memory grew by {growth} bytes while streaming"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_route_reads_the_same_rows_and_a_standby_passes_reads_to_the_leader() {
    let cluster = TestCluster::start(ClusterOptions {
        coordinators: 2,
        ..ClusterOptions::default()
    })
    .await;
    let leader = cluster.leader_index().await.expect("a leader");
    let sum_of = |route| {
        let cluster = &cluster;
        async move {
            let client = cluster.client_reading(route).await;
            let spec = sql_job(
                "routes",
                &[],
                "SELECT value % 7 AS k, sum(value) AS total FROM generate_series(1, 200000) GROUP BY 1",
            );
            let status = run_to_success(&client, spec).await;
            assert!(status.result.as_ref().unwrap().partitions.len() > 1);
            let batches: Vec<_> = client
                .results(&status)
                .unwrap()
                .try_collect()
                .await
                .unwrap();
            (status.job_id, second_column_sum(&batches))
        }
    };
    let expected = 200_000i64 * 200_001 / 2;
    let served_before = results_served(&cluster, leader);
    assert_eq!(sum_of(ResultRoute::Direct).await.1, expected);
    assert_eq!(results_served(&cluster, leader), served_before);
    let (job_id, total) = sum_of(ResultRoute::Coordinator).await;
    assert_eq!(total, expected);
    assert!(results_served(&cluster, leader) > served_before);

    // A standby passes a read on to the leader: here the whole result as one stream, as
    // Flight SQL clients read it.
    let standby = cluster.coordinator_grpc_url(1 - leader);
    let flight = FlightClients::new(64 << 20, Token::none(), Tls::none());
    let whole = proto::ResultTicket {
        job_id: job_id.clone(),
        partition: None,
    };
    let batches: Vec<_> = flight
        .client(&standby)
        .unwrap()
        .do_get(Ticket::new(statement_ticket(whole.encode_to_vec())))
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
    assert_eq!((rows, second_column_sum(&batches)), (7, expected));

    // Tickets the coordinator cannot serve say why.
    let refused = |ticket: Vec<u8>| {
        let flight = &flight;
        let url = standby.clone();
        async move {
            let mut client = flight.client(&url).unwrap();
            match client.do_get(Ticket::new(ticket)).await {
                Ok(stream) => match stream.try_collect::<Vec<_>>().await {
                    Ok(_) => panic!("the ticket was served"),
                    Err(e) => e.to_string(),
                },
                Err(e) => e.to_string(),
            }
        }
    };
    let ticket = |job_id: &str, partition| {
        let handle = proto::ResultTicket {
            job_id: job_id.into(),
            partition: Some(partition),
        };
        statement_ticket(handle.encode_to_vec())
    };
    let out_of_range = refused(ticket(&job_id, 9999)).await;
    assert!(out_of_range.contains("no partition 9999"), "{out_of_range}");
    let unknown = refused(ticket("no-such-job", 0)).await;
    assert!(unknown.contains("no-such-job"), "{unknown}");
    let garbage = refused(statement_ticket(vec![0xff, 0xff, 0xff])).await;
    assert!(garbage.contains("ResultTicket"), "{garbage}");
    let failed = run_to_failure(&cluster).await;
    let not_succeeded = refused(ticket(&failed, 0)).await;
    assert!(
        not_succeeded.contains("no result to read"),
        "{not_succeeded}"
    );
}

/// A Flight SQL statement ticket with `handle`.
fn statement_ticket(handle: Vec<u8>) -> Vec<u8> {
    let ticket = TicketStatementQuery {
        statement_handle: handle.into(),
    };
    ticket.as_any().encode_to_vec()
}

/// Runs a job that fails while it runs (a cast no row survives); returns its id.
async fn run_to_failure(cluster: &TestCluster) -> String {
    let client = cluster.client().await;
    let spec = sql_job(
        "fails",
        &[],
        "SELECT CAST(concat('x', CAST(value AS VARCHAR)) AS INT) FROM generate_series(1, 10)",
    );
    let job_id = client.submit(spec).await.unwrap();
    let status = client.wait(&job_id).await.unwrap();
    assert_eq!(status.state, proto::JobState::Failed as i32, "{status:?}");
    job_id
}
