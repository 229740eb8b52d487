//! Test harness for Kiln's cross-process integration tests: real `kiln-coordinator` and
//! `kiln-executor` processes on loopback ports, TPC-H data generated in-process, and result
//! comparison against single-process DataFusion.

pub mod cluster;
pub mod compare;
pub mod tpch;

pub use cluster::TestCluster;

use kiln_client::proto;

/// A one-step SQL job: `setup` DDL statements, then `sql`.
pub fn sql_job(name: &str, setup: &[String], sql: &str) -> proto::JobSpec {
    proto::JobSpec {
        name: name.into(),
        setup_sql: setup.to_vec(),
        steps: vec![proto::StepSpec {
            name: "query".into(),
            sql: sql.into(),
        }],
        ..Default::default()
    }
}
