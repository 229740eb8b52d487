//! Python programs under `tests/python/` that drive Kiln with clients no one on the project
//! wrote (the ADBC driver, gRPC's own health and reflection clients), run with the tools'
//! virtual environment.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::s3::{INSTALL_HINT, tools_python};

/// Runs `tests/python/{script}` with `request` as JSON on its stdin and returns the JSON it
/// prints; a failure names `what` the script needs and how to install it.
pub fn run_json(script: &str, request: &serde_json::Value, what: &str) -> serde_json::Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("python")
        .join(script);
    let python = tools_python();
    let mut child = Command::new(&python)
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("running {}: {e}; {INSTALL_HINT}", python.display()));
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(request.to_string().as_bytes())
        .expect("writing the request");
    let output = child.wait_with_output().expect("waiting for the script");
    assert!(
        output.status.success(),
        "{} failed (it needs {what}; {INSTALL_HINT}): {}",
        script.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{} printed no JSON ({e}): {}",
            script.display(),
            String::from_utf8_lossy(&output.stdout)
        )
    })
}
