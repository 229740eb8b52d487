//! The checked-in generated code (`src/generated`) is what `protoc` and tonic-prost-build
//! make of the `.proto` files today: a change to a `.proto` file without regenerating fails
//! here. `KILN_BLESS_PROTO=1` regenerates the checked-in copy.

use std::path::{Path, PathBuf};

const PROTOS: &[&str] = &[
    "kiln/v1/job.proto",
    "kiln/v1/catalog.proto",
    "kiln/v1/schedule.proto",
    "kiln/internal/v1/executor.proto",
    "kiln/internal/v1/plan.proto",
    "kiln/internal/v1/state.proto",
];

const GENERATED: [&str; 4] = [
    "kiln.v1.rs",
    "kiln.v1.serde.rs",
    "kiln.internal.v1.rs",
    "kiln_descriptor.bin",
];

/// Generates the code into `out`.
fn generate(out: &Path) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let descriptors = out.join(GENERATED[3]);
    let config = tonic_prost_build::configure()
        .out_dir(out)
        .emit_rerun_if_changed(false)
        .file_descriptor_set_path(&descriptors);
    let protos: Vec<PathBuf> = PROTOS.iter().map(|p| root.join(p)).collect();
    config
        .compile_protos(&protos, &[root.to_path_buf()])
        .unwrap_or_else(|e| {
            panic!(
                "generating the code failed: {e} (protoc comes with scripts/setup, or apt-get \
             install protobuf-compiler)"
            )
        });
    // The public messages' JSON (the REST API, `--output json`): the proto3 JSON mapping
    // with the proto's field names, every field present, unknown fields refused.
    let descriptors = std::fs::read(&descriptors).expect("the descriptor set just written");
    pbjson_build::Builder::new()
        .register_descriptors(&descriptors)
        .expect("the descriptor set decodes")
        .out_dir(out)
        .preserve_proto_field_names()
        .emit_fields()
        .build(&[".kiln.v1"])
        .expect("generating the JSON mapping");
}

#[test]
fn the_checked_in_code_matches_the_protos() {
    let checked_in = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/generated");
    if std::env::var_os("KILN_BLESS_PROTO").is_some() {
        generate(&checked_in);
    }
    let fresh = tempfile::tempdir().unwrap();
    generate(fresh.path());
    for file in GENERATED {
        let want = std::fs::read(fresh.path().join(file)).unwrap();
        let have = std::fs::read(checked_in.join(file)).unwrap_or_default();
        assert!(
            want == have,
            "proto/src/generated/{file} is out of date with the .proto files: regenerate it \
             with KILN_BLESS_PROTO=1 cargo nextest run --workspace -E 'binary(generated)'"
        );
    }
}
