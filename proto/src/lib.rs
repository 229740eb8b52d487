//! Kiln's gRPC contract: the Rust code generated from `proto/kiln/v1` (the public API; the
//! `.proto` files are the contract for clients in other languages) and `proto/kiln/internal/v1`
//! (between the cluster's members), and builders for the messages clients write by hand.
//!
//! The generated code is checked in under `src/generated`, so that building this crate (and
//! the client SDK above it) needs no `protoc`; `tests/generated.rs` fails when it no longer
//! matches the `.proto` files, and `KILN_BLESS_PROTO=1` regenerates it.

mod builders;

/// Version 1 of Kiln's public protocol (`kiln.v1`): what clients speak.
pub mod v1 {
    #![allow(clippy::all, missing_docs)]
    include!("generated/kiln.v1.rs");
    include!("generated/kiln.v1.serde.rs");
}

/// What the cluster's members speak among themselves and keep in the state store; not part
/// of the public contract, and free to change between releases (an executor of another
/// [`PROTOCOL_VERSION`] is refused).
pub mod internal {
    /// Version 1 of the internal protocol (`kiln.internal.v1`).
    pub mod v1 {
        #![allow(clippy::all, missing_docs)]
        include!("generated/kiln.internal.v1.rs");
    }
}

/// The encoded descriptors of every Kiln proto file, served by the gRPC reflection service so
/// that tools such as grpcurl list and call Kiln's services without the `.proto` files.
pub const FILE_DESCRIPTOR_SET: &[u8] = include_bytes!("generated/kiln_descriptor.bin");

/// The version an executor announces when it registers; the coordinator rejects any other.
/// 2: the internal services moved to the `kiln.internal.v1` package.
/// 3: a launch request carries each job's settings once (`JobTaskSettings`), not per task.
/// 4: a data removal names several jobs (`JobDataRemoval`).
pub const PROTOCOL_VERSION: u32 = 4;

/// gRPC metadata a standby coordinator adds to its `UNAVAILABLE` answers: the leader's URL
/// (empty while no leader is elected). Clients retry there.
pub const LEADER_METADATA: &str = "kiln-leader";
