//! A short smoke of the chaos suite (`kiln-bench chaos`, run at length from a release build,
//! see bench/README.md): one seeded run of the leader killed, the leader cut off from etcd
//! and an executor restarted in place, each at an event of a sink job, through the real
//! harness and processes. The harness exits non-zero when a run loses or duplicates rows,
//! ends in a state its data contradicts, hangs or leaves staging data behind.

use std::process::Command;

use kiln_tests::cluster::binary;

#[test]
fn the_chaos_smoke_keeps_every_promise() {
    let out = tempfile::tempdir().expect("a temp dir");
    let report = out.path().join("chaos.md");
    let output = Command::new(binary("kiln-bench"))
        .args([
            "chaos",
            "--runs",
            "1",
            "--seed",
            "30",
            "--rows",
            "60000",
            "--scenarios",
            "leader-kill,leader-cut-off,executor-restart",
            "--out",
        ])
        .arg(&report)
        .output()
        .expect("running kiln-bench");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    let text = std::fs::read_to_string(&report).expect("the report");
    for scenario in [
        "| leader SIGKILL | 1 |",
        "| leader cut off from etcd | 1 |",
        "| executor restarted in place | 1 |",
    ] {
        assert!(text.contains(scenario), "{scenario} missing from:\n{text}");
    }
    // Each scenario struck its fault: the run proves the failure happened before it counts
    // the outcome.
    let struck = stdout.lines().filter(|l| l.contains("faults 1")).count();
    assert_eq!(struck, 3, "a fault did not strike:\n{stdout}");
    assert!(
        stdout.matches("1/1 succeeded").count() == 3,
        "a job did not succeed:\n{stdout}"
    );
}
