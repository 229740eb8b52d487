//! A scratch PostgreSQL database per test on the machine's server (127.0.0.1:5432, user
//! postgres), created and dropped with `psql`, which also reads results back independently of
//! Kiln.

use std::process::Command;

/// What to do when PostgreSQL is missing.
pub const INSTALL_HINT: &str = "PostgreSQL must run on 127.0.0.1:5432 with user postgres \
     (trust auth) and psql must be installed (`apt-get install -y postgresql postgresql-client`)";

/// A database that exists for one test and is dropped afterwards.
pub struct TestDatabase {
    pub name: String,
}

impl TestDatabase {
    /// Creates a database with a unique name.
    pub fn create() -> TestDatabase {
        let name = format!("kiln_test_{}", uuid::Uuid::new_v4().simple());
        psql_in("postgres", &format!("CREATE DATABASE {name}"));
        TestDatabase { name }
    }

    /// The URL a Kiln sink uses (no password: the server trusts loopback).
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:5432/{}", self.name)
    }

    /// Runs SQL with psql and returns its unaligned output (`|` between fields, one line per
    /// row); panics with the error otherwise.
    pub fn psql(&self, sql: &str) -> String {
        psql_in(&self.name, sql)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let _ = Command::new("psql")
            .args([
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-q",
                "-c",
            ])
            .arg(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .output();
    }
}

fn psql_in(database: &str, sql: &str) -> String {
    let output = Command::new("psql")
        .args(["-h", "127.0.0.1", "-U", "postgres", "-d", database])
        .args([
            "-X",
            "-q",
            "-A",
            "-t",
            "-F",
            "|",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            sql,
        ])
        .output()
        .unwrap_or_else(|e| panic!("running psql: {e}; {INSTALL_HINT}"));
    assert!(
        output.status.success(),
        "psql failed on `{sql}`: {}\n({INSTALL_HINT})",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}
