//! Test harness for Kiln's cross-process integration tests: real `kiln-coordinator` and
//! `kiln-executor` processes on loopback ports, TPC-H data generated in-process, and result
//! comparison against single-process DataFusion.

pub mod cluster;
pub mod compare;
pub mod tpch;

pub use cluster::TestCluster;
