use futures::TryStreamExt;
use kiln_client::{Client, proto};
use std::time::Instant;

#[tokio::main]
async fn main() {
    let client = Client::connect("http://127.0.0.1:51050".to_string())
        .await
        .unwrap();
    let data = std::path::PathBuf::from("/work/main/bench/data/tpch-sf1-4files");
    let setup = kiln_tests::tpch::create_tables_sql(&data);
    for n in [2usize, 11, 16, 22, 18] {
        let sql = kiln_tests::tpch::query(n);
        for _ in 0..3 {
            let spec = kiln_tests::sql_job("q", &setup, &sql);
            let t0 = Instant::now();
            let job_id = client.submit(spec).await.unwrap();
            let t1 = t0.elapsed();
            let status = client.wait(&job_id).await.unwrap();
            let t2 = t0.elapsed();
            let batches: Vec<_> = client
                .results(&status)
                .unwrap()
                .try_collect()
                .await
                .unwrap();
            let t3 = t0.elapsed();
            let wall = status.ended_at_ms - status.submitted_at_ms;
            println!(
                "q{n} submit {:?} wait {:?} fetch {:?} | job wall {} ms rows {}",
                t1,
                t2 - t1,
                t3 - t2,
                wall,
                batches.iter().map(|b| b.num_rows()).sum::<usize>()
            );
            let _ = proto::JobState::Succeeded;
        }
    }
}
