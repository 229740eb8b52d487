use datafusion::prelude::*;
fn cpu() -> f64 {
    let s = std::fs::read_to_string("/proc/self/stat").unwrap();
    let f: Vec<&str> = s.rsplit(')').next().unwrap().split_whitespace().collect();
    (f[11].parse::<f64>().unwrap() + f[12].parse::<f64>().unwrap()) / 100.0
}
#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args[1].parse().unwrap();
    let times: usize = args[2].parse().unwrap();
    let data = std::path::PathBuf::from("/work/main/bench/data/tpch-sf1-4files");
    let ctx = SessionContext::new_with_config(SessionConfig::new().with_target_partitions(2));
    for s in kiln_tests::tpch::create_tables_sql(&data) {
        ctx.sql(&s).await.unwrap();
    }
    let sql = kiln_tests::tpch::query(n);
    ctx.sql(&sql).await.unwrap().collect().await.unwrap();
    let (c0, t) = (cpu(), std::time::Instant::now());
    for _ in 0..times {
        ctx.sql(&sql).await.unwrap().collect().await.unwrap();
    }
    println!(
        "q{n} wall {:?} cpu {:.1} ms per query",
        t.elapsed() / times as u32,
        (cpu() - c0) * 1000.0 / times as f64
    );
}
