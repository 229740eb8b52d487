//! Kiln's gRPC contract: the Rust code generated from `proto/kiln/v1` (the `.proto` files are
//! the contract for clients in other languages), and builders for the messages clients write
//! by hand.
//!
//! The generated code is checked in under `src/generated`, so that building this crate (and
//! the client SDK above it) needs no `protoc`; `tests/generated.rs` fails when it no longer
//! matches the `.proto` files, and `KILN_BLESS_PROTO=1` regenerates it.

mod builders;

/// Version 1 of the Kiln protocol.
pub mod v1 {
    #![allow(clippy::all, missing_docs)]
    include!("generated/kiln.v1.rs");
}

/// The encoded descriptors of every Kiln proto file, served by the gRPC reflection service so
/// that tools such as grpcurl list and call Kiln's services without the `.proto` files.
pub const FILE_DESCRIPTOR_SET: &[u8] = include_bytes!("generated/kiln_descriptor.bin");

/// The version an executor announces when it registers; the coordinator rejects any other.
pub const PROTOCOL_VERSION: u32 = 1;

/// gRPC metadata a standby coordinator adds to its `UNAVAILABLE` answers: the leader's URL
/// (empty while no leader is elected). Clients retry there.
pub const LEADER_METADATA: &str = "kiln-leader";
