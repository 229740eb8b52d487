use datafusion::prelude::*;
use std::time::Instant;

#[tokio::main]
async fn main() {
    let data = std::path::PathBuf::from("/work/main/bench/data/tpch-sf1-4files");
    let setup = kiln_tests::tpch::create_tables_sql(&data);
    let ctx = SessionContext::new_with_config(kiln_core::config::distributed_session_config(2));
    let t = Instant::now();
    for s in &setup {
        ctx.sql(s).await.unwrap();
    }
    println!("register {:?}", t.elapsed());
    for n in [2usize, 11, 16, 22, 18, 9] {
        let sql = kiln_tests::tpch::query(n);
        for _ in 0..3 {
            let t = Instant::now();
            let df = ctx.sql(&sql).await.unwrap();
            let t1 = t.elapsed();
            let _plan = df.create_physical_plan().await.unwrap();
            println!("q{n} logical {:?} physical {:?}", t1, t.elapsed() - t1);
        }
    }
}
