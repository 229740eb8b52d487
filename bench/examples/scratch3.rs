use futures::TryStreamExt;
use kiln_client::Client;
#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args[1].parse().unwrap();
    let times: usize = args[2].parse().unwrap();
    let client = Client::connect("http://127.0.0.1:51050".to_string())
        .await
        .unwrap();
    let data = std::path::PathBuf::from("/work/main/bench/data/tpch-sf1-4files");
    let setup = kiln_tests::tpch::create_tables_sql(&data);
    let sql = kiln_tests::tpch::query(n);
    let t = std::time::Instant::now();
    for _ in 0..times {
        let status =
            kiln_tests::run_to_success(&client, kiln_tests::sql_job("q", &setup, &sql)).await;
        let _b: Vec<_> = client
            .results(&status)
            .unwrap()
            .try_collect()
            .await
            .unwrap();
    }
    println!("{:?} per query", t.elapsed() / times as u32);
}
