//! Shared pieces of Kiln that the coordinator, the executors and the clients all need:
//! errors, cluster-wide settings, the shuffle plan nodes that connect stages, the codec that
//! ships plans between processes, the Flight plumbing that moves shuffle data, and the
//! cluster state store (etcd, or in memory for the embedded cluster), and the HTTP endpoint
//! with probes and metrics.

pub mod codec;
pub mod config;
pub mod error;
pub mod flags;
pub mod http;
pub mod ids;
pub mod runtime;
pub mod shuffle;
pub mod sink;
pub mod source;
pub mod state;

pub use error::{KilnError, Result};
/// What clients share with the cluster on the wire, kept in `kiln-wire` so that the client
/// SDK needs no engine.
pub use kiln_wire::{auth, flight, tls};
