//! Generates Rust code for Kiln's protos with the system protoc.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let protos = [
        "kiln/v1/job.proto",
        "kiln/v1/executor.proto",
        "kiln/v1/plan.proto",
        "kiln/v1/state.proto",
        "kiln/v1/catalog.proto",
    ];
    for proto in protos {
        println!("cargo:rerun-if-changed={proto}");
    }
    tonic_prost_build::configure().compile_protos(&protos, &["."])?;
    Ok(())
}
