//! Any text as a job file, with parameters taken from the input too: a job with steps, or an
//! error that names the file. Seeded from `jobs/examples` by `scripts/fuzz`.
#![no_main]

use std::collections::HashMap;
use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    // The first line holds the parameters' values, the rest is the file.
    let (values, text) = input.split_once('\n').unwrap_or(("", input));
    let mut values = values.split('\u{1f}');
    let params: HashMap<String, String> = ["day", "p", "table"]
        .into_iter()
        .zip(values.by_ref())
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect();
    match kiln_jobs::parse_job(text, "fuzz.toml", Path::new("/nonexistent"), &params) {
        Ok(spec) => assert!(!spec.steps.is_empty(), "a job without steps was accepted"),
        Err(e) => assert!(e.to_string().contains("fuzz.toml"), "an error without the file: {e}"),
    }
});
