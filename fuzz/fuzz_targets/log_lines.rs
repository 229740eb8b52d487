//! Any text through every log format: format recognition, column inference and each line's
//! parse end in values or an error naming the reason, never a panic.
#![no_main]

use std::collections::HashMap;

use kiln_logs::LogOptions;
use kiln_logs::formats::{Format, recognise};
use libfuzzer_sys::fuzz_target;

/// Each format with the options it needs.
const FORMATS: &[&[(&str, &str)]] = &[
    &[("format", "combined")],
    &[("format", "common")],
    &[("format", "apache_error")],
    &[("format", "syslog"), ("year", "2024")],
    &[("format", "rfc5424")],
    &[("format", "json")],
    &[("format", "alb")],
    &[("format", "elb")],
    &[("format", "cloudfront")],
    &[("format", "w3c"), ("fields", "date time c-ip sc-status cs(User-Agent)")],
    &[("format", "regex"), ("pattern", r"^(?P<n>\d+) (?P<at>\S+) (?P<rest>.*)$"), ("types", "n:int,at:timestamp")],
    &[("format", "grok"), ("pattern", "%{INT:n:int} %{IP:ip} %{GREEDYDATA:rest}")],
];

fuzz_target!(|input: &[u8]| {
    let Some((choice, text)) = input.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(text);
    let lines: Vec<&str> = text.lines().collect();
    let _ = recognise(&lines[..lines.len().min(8)]);

    let options: HashMap<String, String> = FORMATS[usize::from(*choice) % FORMATS.len()]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let options = LogOptions::parse(&options).expect("the fuzz target's options are valid");
    let format = Format::new(&options).expect("the fuzz target's formats are valid");
    let Ok(columns) = format.infer_columns(&text) else {
        return;
    };
    let _ = format.parses_all(&lines);
    let mut parser = format.parser(&columns);
    let mut values = Vec::new();
    for line in &lines {
        values.clear();
        if let Ok(true) = parser.parse(line, &mut values) {
            assert_eq!(
                values.len(),
                format.parser_columns(&columns).len(),
                "a parsed line has one value per column"
            );
        }
    }
});
