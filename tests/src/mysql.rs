//! A scratch MariaDB/MySQL database per test on the machine's server (127.0.0.1:3306, user
//! root), created, read back and dropped with the `mariadb` command-line client, independently
//! of Kiln.

use std::process::Command;

/// What to do when MariaDB is missing.
pub const INSTALL_HINT: &str = "MariaDB must run on 127.0.0.1:3306 with user root and no \
     password, and the mariadb client must be installed \
     (`apt-get install -y mariadb-server mariadb-client`)";

/// A database that exists for one test and is dropped afterwards.
pub struct TestDatabase {
    pub name: String,
}

impl TestDatabase {
    /// Creates a database with a unique name.
    pub fn create() -> TestDatabase {
        let name = format!("kiln_test_{}", uuid::Uuid::new_v4().simple());
        run(
            None,
            &format!("CREATE DATABASE {name} CHARACTER SET utf8mb4"),
        );
        TestDatabase { name }
    }

    /// The URL a Kiln sink uses.
    pub fn url(&self) -> String {
        format!("mysql://root@127.0.0.1:3306/{}", self.name)
    }

    /// Runs SQL and returns the rows, tab-separated, one line each; panics on errors.
    pub fn sql(&self, sql: &str) -> String {
        run(Some(&self.name), sql)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let _ = Command::new("mariadb")
            .args(["-h", "127.0.0.1", "-u", "root", "-e"])
            .arg(format!("DROP DATABASE IF EXISTS {}", self.name))
            .output();
    }
}

fn run(database: Option<&str>, sql: &str) -> String {
    let mut command = Command::new("mariadb");
    command.args(["-h", "127.0.0.1", "-u", "root", "-N", "-B", "-e", sql]);
    if let Some(database) = database {
        command.arg(database);
    }
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("running mariadb: {e}; {INSTALL_HINT}"));
    assert!(
        output.status.success(),
        "mariadb failed on `{sql}`: {}\n({INSTALL_HINT})",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}
