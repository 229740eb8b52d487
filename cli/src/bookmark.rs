//! `kiln bookmark`: what an incremental job's successful runs read, and forgetting it.

use kiln_client::proto;

use crate::catalog::{CatalogArgs, print};
use crate::progress::human_bytes;
use crate::{Failure, with_cluster};

/// What `kiln bookmark` does.
#[derive(Debug, clap::Subcommand)]
pub enum BookmarkCommand {
    /// Show the successful runs of an incremental job and how many files each read.
    Show {
        /// The incremental job's name.
        name: String,
        /// List every file (URL, ETag, size) each run read.
        #[arg(long)]
        files: bool,
        #[command(flatten)]
        args: CatalogArgs,
    },
    /// Forget everything an incremental job read: its next run reads every file again.
    Reset {
        name: String,
        #[command(flatten)]
        args: CatalogArgs,
    },
    /// Forget the runs after one: the next run reads again what they read.
    Rewind {
        name: String,
        /// The last run to keep (its job id, from `kiln bookmark show`).
        #[arg(long = "to", value_name = "JOB_ID")]
        to: String,
        #[command(flatten)]
        args: CatalogArgs,
    },
}

/// Runs a `kiln bookmark` command.
pub async fn bookmark(command: BookmarkCommand) -> Result<u8, Failure> {
    let (name, keep_through, args) = match command {
        BookmarkCommand::Show { name, files, args } => {
            return with_cluster(&args.cluster, |client| async move {
                let bookmark = client.bookmark(&name, files).await?;
                print(args.output, &bookmark, |b| runs_text(b, files));
                Ok(0)
            })
            .await;
        }
        BookmarkCommand::Reset { name, args } => (name, String::new(), args),
        BookmarkCommand::Rewind { name, to, args } => (name, to, args),
    };
    with_cluster(&args.cluster, |client| async move {
        let kept = client.reset_bookmark(&name, &keep_through).await?;
        match kept.runs.last() {
            None => eprintln!("bookmark of {name} reset: its next run reads every file"),
            Some(run) => eprintln!(
                "bookmark of {name} rewound to {} ({} runs kept)",
                run.job_id,
                kept.runs.len()
            ),
        }
        print(args.output, &kept, |b| runs_text(b, false));
        Ok(0)
    })
    .await
}

/// The rows a run read from a database source, by its bookmark keys.
fn window_text(window: &proto::RowWindow) -> String {
    let tuple = |keys: &[String]| format!("({})", keys.join(", "));
    if window.through.is_empty() {
        return format!("{}: no rows yet", window.source);
    }
    match (window.after.is_empty(), window.after == window.through) {
        (_, true) => format!(
            "{}: nothing new after {}",
            window.source,
            tuple(&window.after)
        ),
        (true, false) => format!("{}: rows through {}", window.source, tuple(&window.through)),
        (false, false) => format!(
            "{}: rows after {} through {}",
            window.source,
            tuple(&window.after),
            tuple(&window.through)
        ),
    }
}

/// The runs as a table, each followed by the rows it read from each database source, and
/// by its files when `files`.
fn runs_text(bookmark: &proto::Bookmark, files: bool) -> String {
    let mut text = format!(
        "{:<18} {:<22} {:>7} {:>10}\n",
        "JOB", "ENDED", "FILES", "BYTES"
    );
    for run in &bookmark.runs {
        text.push_str(&format!(
            "{:<18} {:<22} {:>7} {:>10}\n",
            run.job_id,
            crate::schedules::time(run.ended_at_ms),
            run.file_count,
            human_bytes(run.bytes)
        ));
        for window in &run.windows {
            text.push_str(&format!("    {}\n", window_text(window)));
        }
        if files {
            for file in &run.files {
                text.push_str(&format!(
                    "    {}  {}  {}\n",
                    file.path,
                    file.e_tag,
                    human_bytes(file.size)
                ));
            }
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_shows_the_rows_it_read_by_their_keys() {
        let window = |after: &[&str], through: &[&str]| proto::RowWindow {
            source: "orders".into(),
            after: after.iter().map(|k| k.to_string()).collect(),
            through: through.iter().map(|k| k.to_string()).collect(),
        };
        assert_eq!(window_text(&window(&[], &[])), "orders: no rows yet");
        assert_eq!(
            window_text(&window(&[], &["2024-01-01", "8"])),
            "orders: rows through (2024-01-01, 8)"
        );
        assert_eq!(
            window_text(&window(&["2024-01-01", "8"], &["2024-01-02", "3"])),
            "orders: rows after (2024-01-01, 8) through (2024-01-02, 3)"
        );
        assert_eq!(
            window_text(&window(&["2024-01-02", "3"], &["2024-01-02", "3"])),
            "orders: nothing new after (2024-01-02, 3)"
        );
    }
}
