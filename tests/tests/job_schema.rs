//! The published JSON Schema of job files (`jobs/job-file.schema.json`), checked by a
//! validator Kiln did not write (Python's `jsonschema`, over job files read by `tomllib`):
//! every example job validates, and a misspelt key or a wrong type does not.

use std::process::Command;

use kiln_tests::cluster::binary;
use kiln_tests::kubernetes::{repo_root, run};
use kiln_tests::s3::{INSTALL_HINT, tools_python};

/// Validates each TOML file given against the schema; prints `ok PATH` or `bad PATH: why`.
const VALIDATE: &str = r#"
import json, sys, tomllib, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
for path in sys.argv[2:]:
    errors = sorted(validator.iter_errors(tomllib.load(open(path, "rb"))), key=str)
    print(f"bad {path}: {errors[0].message}" if errors else f"ok {path}")
"#;

fn validate(files: &[std::path::PathBuf]) -> Vec<String> {
    let schema = repo_root().join("jobs/job-file.schema.json");
    let output = run(Command::new(tools_python())
        .args(["-c", VALIDATE])
        .arg(&schema)
        .args(files));
    assert!(!output.is_empty(), "no output; {INSTALL_HINT}");
    output.lines().map(str::to_string).collect()
}

#[test]
fn example_jobs_validate_and_mistakes_do_not() {
    // The published file is what `kiln schema` prints.
    let printed = run(Command::new(binary("kiln")).arg("schema"));
    let published = std::fs::read_to_string(repo_root().join("jobs/job-file.schema.json")).unwrap();
    assert_eq!(printed, published);

    let mut examples = vec![];
    for dir in std::fs::read_dir(repo_root().join("jobs/examples")).unwrap() {
        for file in std::fs::read_dir(dir.unwrap().path()).into_iter().flatten() {
            let path = file.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            // Crawler definitions are not job files.
            if name.ends_with(".toml") && !name.contains("crawler") {
                examples.push(path);
            }
        }
    }
    assert!(examples.len() >= 6, "{examples:?}");
    for line in validate(&examples) {
        assert!(line.starts_with("ok "), "{line}");
    }

    let dir = tempfile::tempdir().unwrap();
    let misspelt = dir.path().join("misspelt.toml");
    std::fs::write(
        &misspelt,
        "name = \"j\"\n[[step]]\nname = \"q\"\nsql = \"SELECT 1\"\n[options]\nparalelism = 4\n",
    )
    .unwrap();
    let wrong_type = dir.path().join("wrong_type.toml");
    std::fs::write(
        &wrong_type,
        "name = \"j\"\n[[step]]\nname = \"q\"\nsql = \"SELECT 1\"\n[sink]\nformat = \"csv\"\n\
         path = \"/tmp/out\"\nmode = \"replace\"\n",
    )
    .unwrap();
    let lines = validate(&[misspelt, wrong_type]);
    assert!(
        lines[0].starts_with("bad ") && lines[0].contains("paralelism"),
        "{lines:?}"
    );
    assert!(
        lines[1].starts_with("bad ") && lines[1].contains("replace"),
        "{lines:?}"
    );
}
