//! The Python SDK (clients/python) against a real cluster: it is built from the checkout as
//! pip builds it (stubs generated from proto/ by grpcio-tools), then its tests submit job
//! files, TOML text and dicts, watch, wait, read results into pyarrow directly and through
//! the coordinator, cancel, and catch the typed exceptions of failed, cancelled and rejected
//! jobs.

use std::path::Path;
use std::process::Command;

use kiln_tests::TestCluster;
use kiln_tests::cluster::ClusterOptions;
use kiln_tests::s3::{INSTALL_HINT, tools_python};

const TOKEN: &str = "python-sdk-token";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_python_sdk_tests_pass_against_a_cluster() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let sdk = root.join("clients/python");
    let python = tools_python();
    let installed = tempfile::tempdir().unwrap();
    let built = Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
        ])
        .arg("--target")
        .arg(installed.path())
        .arg(&sdk)
        .output()
        .unwrap_or_else(|e| panic!("running {}: {e}; {INSTALL_HINT}", python.display()));
    assert!(
        built.status.success(),
        "pip could not build the SDK: {}; its build needs grpcio-tools ({INSTALL_HINT})",
        String::from_utf8_lossy(&built.stderr)
    );
    assert!(
        installed.path().join("kiln/v1/job_pb2_grpc.py").exists(),
        "the build generated the stubs"
    );

    let cluster = TestCluster::start(ClusterOptions {
        token: Some(TOKEN.into()),
        ..ClusterOptions::default()
    })
    .await;
    let output = Command::new(&python)
        .args(["-m", "unittest", "discover", "-v", "-s"])
        .arg(sdk.join("tests"))
        .env("PYTHONPATH", installed.path())
        .env("KILN_COORDINATOR", cluster.coordinator_grpc_url(0))
        .env("KILN_TOKEN", TOKEN)
        .env("KILN_EXAMPLES", root.join("jobs/examples"))
        .env_remove("KILN_RESULTS")
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the Python SDK tests failed:\n{report}"
    );
    // Every test ran (none skipped), so a passing run means they all passed.
    assert!(report.contains("Ran 8 tests"), "{report}");
    assert!(!report.contains("skipped"), "{report}");
}
