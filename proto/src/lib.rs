//! Kiln's gRPC contract, generated from `proto/kiln/v1`. The `.proto` files are the contract for
//! clients in other languages; this crate holds only the generated Rust code.

/// Version 1 of the Kiln protocol.
pub mod v1 {
    #![allow(clippy::all, missing_docs)]
    tonic::include_proto!("kiln.v1");
}

/// The encoded descriptors of every Kiln proto file, served by the gRPC reflection service so
/// that tools such as grpcurl list and call Kiln's services without the `.proto` files.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/kiln_descriptor.bin"));

/// The version an executor announces when it registers; the coordinator rejects any other.
pub const PROTOCOL_VERSION: u32 = 1;

/// gRPC metadata a standby coordinator adds to its `UNAVAILABLE` answers: the leader's URL
/// (empty while no leader is elected). Clients retry there.
pub const LEADER_METADATA: &str = "kiln-leader";
