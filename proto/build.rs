//! Generates Rust code for Kiln's protos with the system protoc.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let protos = [
        "kiln/v1/job.proto",
        "kiln/v1/executor.proto",
        "kiln/v1/plan.proto",
        "kiln/v1/state.proto",
        "kiln/v1/catalog.proto",
        "kiln/v1/schedule.proto",
    ];
    for proto in protos {
        println!("cargo:rerun-if-changed={proto}");
    }
    // The catalog's and schedules' messages print as JSON (`kiln tables --output json`)
    // with their proto field names.
    let mut config = tonic_prost_build::configure();
    for message in [
        "CatalogDatabase",
        "CatalogColumn",
        "SchemaVersion",
        "CatalogTable",
        "CatalogPartition",
        "Crawler",
        "CrawlRun",
        "JobDefinition",
        "Schedule",
        "ScheduleRun",
        "Trigger",
        "TriggerRun",
        "DeadLetter",
        "TriggerBatch",
    ] {
        config =
            config.type_attribute(format!(".kiln.v1.{message}"), "#[derive(serde::Serialize)]");
    }
    // The descriptors, for the gRPC reflection service (grpcurl without the .proto files).
    let descriptors =
        std::path::PathBuf::from(std::env::var("OUT_DIR")?).join("kiln_descriptor.bin");
    config
        .file_descriptor_set_path(descriptors)
        .compile_protos(&protos, &["."])?;
    Ok(())
}
