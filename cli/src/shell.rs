//! The interactive SQL shell that `kiln sql` opens on a terminal, as spark-sql and psql do:
//! statements across lines until `;`, history kept across sessions, completion of catalog
//! names, `\d`-style commands, and after each result its rows, bytes scanned and time.

use std::path::Path;
use std::sync::{Arc, Mutex};

use kiln_client::{Client, proto};
use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::FileHistory;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{CompletionType, Config, Editor, Helper};

use crate::output::{self, Format};
use crate::{Failure, catalog, exit_code, failed, progress, sql};

const HELP: &str = "\
Statements end with ';' and may span lines. CREATE EXTERNAL TABLE, CREATE VIEW and SET last
for the whole session. Catalog tables are DATABASE.TABLE; Tab completes their names.
  \\l              list the catalog's databases
  \\dt DATABASE    list a database's tables
  \\d DB.TABLE     show a table: location, format, columns, partition keys
  \\dp DB.TABLE    list a table's partitions
  \\?              this help
  \\q              quit (or Ctrl-D); Ctrl-C cancels the running statement
";

/// Runs the shell on `client` until the user quits, printing results in `format`; history
/// lives in the file `history`.
pub async fn run(client: &Client, history: &Path, format: Format) -> Result<u8, Failure> {
    let config = Config::builder()
        .completion_type(CompletionType::List)
        .auto_add_history(true)
        .max_history_size(10_000)
        .map_err(|e| failed(e.to_string()))?
        .build();
    let names = Arc::new(Mutex::new(vec![]));
    let mut editor: Editor<ShellHelper, FileHistory> =
        Editor::with_config(config).map_err(|e| failed(format!("opening the terminal: {e}")))?;
    editor.set_helper(Some(ShellHelper {
        names: names.clone(),
    }));
    // No history yet is the normal first run.
    let _ = editor.load_history(history);
    eprintln!("kiln sql shell: statements end with ';', \\? for help, \\q to quit");
    let mut session = sql::Session::default();
    loop {
        refresh_names(client, &names).await;
        let line = tokio::task::block_in_place(|| editor.readline("kiln> "));
        let input = match line {
            Ok(input) => input,
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(failed(format!("reading the terminal: {e}"))),
        };
        let input = input.trim();
        if input.is_empty() {
            continue;
        }
        if let Some(command) = input.strip_prefix('\\') {
            match command.split_whitespace().collect::<Vec<_>>().as_slice() {
                ["q"] => break,
                words => meta_command(client, words).await,
            }
        } else if matches!(input, "quit" | "exit") {
            break;
        } else {
            match session.jobs(input) {
                Ok(jobs) => {
                    for spec in jobs {
                        if !run_statement(client, spec, format).await {
                            break;
                        }
                    }
                }
                Err(e) => eprintln!("error: {e}"),
            }
        }
    }
    if let Some(dir) = history.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    editor
        .save_history(history)
        .map_err(|e| failed(format!("saving the history in {}: {e}", history.display())))?;
    Ok(0)
}

/// Runs one statement as a job with live progress, prints its result and what it took;
/// returns whether it succeeded. Ctrl-C cancels the job.
async fn run_statement(client: &Client, spec: proto::JobSpec, format: Format) -> bool {
    let job_id = match client.submit(spec).await {
        Ok(job_id) => job_id,
        Err(e) => {
            eprintln!("error: {e}");
            return false;
        }
    };
    let status = tokio::select! {
        status = progress::follow_clearing(client, &job_id) => status,
        _ = tokio::signal::ctrl_c() => {
            if let Err(e) = client.cancel(&job_id).await {
                eprintln!("error: cancelling {job_id}: {e}");
            }
            client.wait(&job_id).await
        }
    };
    let status = match status {
        Ok(status) => status,
        Err(e) => {
            eprintln!("error: {e}");
            return false;
        }
    };
    if exit_code(&status) != 0 {
        eprintln!(
            "job {job_id} {}: {}",
            kiln_client::state_name(status.state),
            status.error
        );
        return false;
    }
    let printed = async {
        let schema = Client::result_schema(&status).map_err(|e| e.to_string())?;
        let batches = client.results(&status).map_err(|e| e.to_string())?;
        output::print_results(Arc::new(schema), batches, format, None).await
    };
    match printed.await {
        Ok(rows) => {
            eprintln!("{}", footer(&status, rows));
            true
        }
        Err(message) => {
            eprintln!("error: {message}");
            false
        }
    }
}

/// What a statement returned and cost: `3 rows, 2 partition(s) read, 8 pruned, 1 file(s),
/// 1.2 MiB scanned, 0.41 s (job ...)`.
fn footer(status: &proto::JobStatus, rows: u64) -> String {
    let mut text = format!("{rows} row{}", if rows == 1 { "" } else { "s" });
    if let Some(scan) = status.catalog_scan.filter(|s| s.files > 0) {
        text.push_str(&format!(", {}", progress::scan_text(&scan)));
    } else if status.records_read > 0 {
        text.push_str(&format!(", {} records read", status.records_read));
    }
    text.push_str(&format!(
        ", {} (job {})",
        progress::human_duration(status.ended_at_ms.saturating_sub(status.submitted_at_ms)),
        status.job_id
    ));
    text
}

/// Runs a backslash command; errors are printed, the shell goes on.
async fn meta_command(client: &Client, words: &[&str]) {
    let text = match words {
        ["l"] | ["d"] => client
            .databases()
            .await
            .map(|d| catalog::databases_text(&d)),
        ["dt", database] => client
            .tables(database)
            .await
            .map(|t| catalog::tables_text(&t)),
        ["d", name] | ["dp", name] => {
            let Ok((database, table)) = catalog::split_name(name) else {
                eprintln!("error: expected DATABASE.TABLE, got '{name}'");
                return;
            };
            let shown = async {
                let definition = client.table(&database, &table).await?;
                let partitions = client.partitions(&database, &table, &[]).await?;
                Ok::<_, kiln_client::ClientError>(match words[0] {
                    "d" => catalog::table_text(&definition, partitions.len()),
                    _ => catalog::partitions_text(&definition, &partitions),
                })
            };
            shown.await
        }
        ["?"] | ["h"] => Ok(HELP.to_string()),
        _ => {
            eprintln!("unknown command \\{}; \\? lists them", words.join(" "));
            return;
        }
    };
    match text {
        Ok(text) => print!("{text}"),
        Err(e) => eprintln!("error: {e}"),
    }
}

/// Reloads the names Tab completes: the catalog's databases and DATABASE.TABLE names. A
/// catalog that cannot be read leaves the old names.
async fn refresh_names(client: &Client, names: &Mutex<Vec<String>>) {
    let Ok(databases) = client.databases().await else {
        return;
    };
    let mut found = vec![];
    for database in databases {
        if let Ok(tables) = client.tables(&database.name).await {
            found.extend(
                tables
                    .iter()
                    .map(|t| format!("{}.{}", database.name, t.name)),
            );
        }
        found.push(database.name);
    }
    found.sort();
    *names.lock().expect("names lock") = found;
}

/// The line editor's hooks: catalog-name completion and statements that end at `;`.
struct ShellHelper {
    names: Arc<Mutex<Vec<String>>>,
}

impl Completer for ShellHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &rustyline::Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let start = line[..pos]
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .map_or(0, |i| i + 1);
        let word = &line[start..pos];
        let names = self.names.lock().expect("names lock");
        let candidates = names
            .iter()
            .filter(|name| name.starts_with(word))
            .map(|name| Pair {
                display: name.clone(),
                replacement: name.clone(),
            })
            .collect();
        Ok((start, candidates))
    }
}

impl Validator for ShellHelper {
    fn validate(&self, ctx: &mut ValidationContext<'_>) -> rustyline::Result<ValidationResult> {
        let input = ctx.input().trim();
        let done = input.is_empty()
            || input.starts_with('\\')
            || matches!(input, "quit" | "exit")
            || sql::is_complete(input);
        Ok(match done {
            true => ValidationResult::Valid(None),
            false => ValidationResult::Incomplete,
        })
    }
}

impl Hinter for ShellHelper {
    type Hint = String;
}

impl Highlighter for ShellHelper {}

impl Helper for ShellHelper {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_footer_names_rows_scan_and_time() {
        let status = proto::JobStatus {
            job_id: "j1".into(),
            submitted_at_ms: 1_000,
            ended_at_ms: 2_500,
            catalog_scan: Some(proto::CatalogScan {
                partitions: 2,
                partitions_pruned: 8,
                files: 3,
                bytes: 2048,
            }),
            ..Default::default()
        };
        assert_eq!(
            footer(&status, 1),
            "1 row, 2 partition(s) read, 8 pruned, 3 file(s), 2.0 KiB scanned, 1.50 s (job j1)"
        );
        let status = proto::JobStatus {
            records_read: 7,
            ..status
        };
        let status = proto::JobStatus {
            catalog_scan: None,
            ..status
        };
        assert!(footer(&status, 0).starts_with("0 rows, 7 records read, "));
    }
}
