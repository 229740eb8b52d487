//! The reference of every source and sink option, generated from the same tables that
//! validation checks options against, so that the page cannot drift from what a job may write.
//! Published as `jobs/OPTIONS.md`; `kiln options` prints it.

use crate::{sink, source, tls};

/// The options one kind of source or sink takes.
struct OptionTable {
    /// The heading: which `format` values, as a source or a sink.
    title: &'static str,
    /// What the path names, and anything the options do not say.
    note: &'static str,
    options: Vec<(&'static str, &'static str)>,
}

fn tables() -> Vec<OptionTable> {
    let mut csv = source::text_files::COMMON_OPTIONS.to_vec();
    csv.extend_from_slice(kiln_logs::csv_json::CSV_OPTIONS);
    vec![
        OptionTable {
            title: "Source `csv`",
            note: "The path is a file, a directory (every file below it) or a URL; .gz, .zst, \
                   .bz2 and .xz files are decompressed.",
            options: csv,
        },
        OptionTable {
            title: "Source `json` (JSON lines)",
            note: "The path is as for CSV.",
            options: source::text_files::COMMON_OPTIONS.to_vec(),
        },
        OptionTable {
            title: "Source `parquet`",
            note: "The path is a file, a directory or a URL; `key=value` directory levels \
                   become columns. No options.",
            options: vec![],
        },
        OptionTable {
            title: "Source `log`",
            note: "The path is as for CSV. In SQL (`STORED AS LOG OPTIONS (...)`) keys may \
                   carry a `log.` prefix.",
            options: kiln_logs::options::OPTIONS.to_vec(),
        },
        OptionTable {
            title: "Sources `postgres` and `mysql`",
            note: "The path is the connection URL without a password \
                   (`postgres://user@host:5432/db`, `mysql://user@host:3306/db`), with the \
                   TLS parameters below.",
            options: source::OPTIONS.to_vec(),
        },
        OptionTable {
            title: "Source `sqlite`",
            note: "The path is the database file, opened read-only.",
            options: source::sqlite::OPTIONS.to_vec(),
        },
        OptionTable {
            title: "Sinks `postgres` and `mysql`",
            note: "The path is the connection URL as for the sources; `table` names the table.",
            options: sink::table::OPTIONS.to_vec(),
        },
        OptionTable {
            title: "Sink `sqlite`",
            note: "The path is the database file.",
            options: sink::sqlite::OPTIONS.to_vec(),
        },
        OptionTable {
            title: "Database URL parameters (TLS)",
            note: "Parameters of `postgres://` and `mysql://` URLs, after `?`.",
            options: tls::URL_PARAMETERS.to_vec(),
        },
    ]
}

/// The reference page in Markdown.
pub fn markdown() -> String {
    let mut page = String::from(
        "# Job options\n\n\
         Generated from the option tables Kiln validates jobs with (`kiln options` prints \
         this page). Values may be TOML strings, numbers or booleans. File sinks (`parquet`, \
         `csv`, `json`) take DataFusion's writer options (for example `compression`).\n",
    );
    for table in tables() {
        page.push_str(&format!("\n## {}\n\n{}\n", table.title, table.note));
        if table.options.is_empty() {
            continue;
        }
        page.push_str("\n| option | meaning |\n|---|---|\n");
        for (name, meaning) in table.options {
            page.push_str(&format!("| `{name}` | {} |\n", meaning.replace('|', "\\|")));
        }
    }
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_published_reference_is_current() {
        let published = include_str!("../OPTIONS.md");
        assert!(
            published == markdown(),
            "jobs/OPTIONS.md is stale: regenerate it with \
             `target/debug/kiln options > jobs/OPTIONS.md`"
        );
    }

    #[test]
    fn every_option_has_a_meaning() {
        for table in tables() {
            for (name, meaning) in table.options {
                assert!(!meaning.trim().is_empty(), "{}: {name}", table.title);
            }
        }
    }
}
