//! SQLite database files read and written with Python's own `sqlite3` module, independently
//! of Kiln.

use std::path::Path;
use std::process::Command;

/// What to do when Python is missing.
const INSTALL_HINT: &str = "python3 is needed to read and write SQLite files in tests: \
     apt-get install -y python3";

/// Runs one query and returns its rows as Python prints them (`[(1, 'a'), (2, None)]`).
pub fn query(db: &Path, sql: &str) -> String {
    python(
        "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchall())",
        db,
        sql,
    )
}

/// Runs a script of statements and commits them, creating the file if needed.
pub fn execute(db: &Path, script: &str) {
    python(
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()",
        db,
        script,
    );
}

fn python(program: &str, db: &Path, sql: &str) -> String {
    let output = Command::new("python3")
        .args(["-c", program])
        .arg(db)
        .arg(sql)
        .output()
        .expect(INSTALL_HINT);
    assert!(output.status.success(), "{sql}: {output:?}");
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}
