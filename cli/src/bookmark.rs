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

/// The runs as a table, each followed by its files when `files`.
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
