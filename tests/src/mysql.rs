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

/// A private MariaDB server that takes TLS, for tests of how Kiln connects with it: the
/// machine's server has TLS off. Started with `mariadb-install-db` and `mariadbd` in a temp
/// dir on a free port of 127.0.0.1 and 127.0.0.2, and stopped when dropped. User `root` has no
/// password and may connect without TLS (for the test's own client); user `app` has
/// `password` and must use TLS; user `cert_user` must present a client certificate that the
/// CA `tls.client_ca` signed.
pub struct TlsServer {
    dir: tempfile::TempDir,
    process: std::process::Child,
    pub port: u16,
}

impl TlsServer {
    /// Starts the server and creates its users and a database `shop`.
    pub fn start(password: &str, tls: &crate::postgres::ServerTls) -> TlsServer {
        let dir = tempfile::tempdir().expect("a temp dir");
        let data = dir.path().join("data");
        let output = Command::new("mariadb-install-db")
            .arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .args(["--user=root", "--auth-root-authentication-method=normal"])
            .args(["--skip-test-db"])
            .output()
            .unwrap_or_else(|e| panic!("running mariadb-install-db: {e}; {INSTALL_HINT}"));
        assert!(
            output.status.success(),
            "mariadb-install-db failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let port = crate::cluster::free_port();
        let log = std::fs::File::create(dir.path().join("server.log")).unwrap();
        let process = Command::new("mariadbd")
            .arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .arg(format!("--socket={}", dir.path().join("socket").display()))
            .arg(format!("--port={port}"))
            .args(["--user=root", "--bind-address=127.0.0.1,127.0.0.2"])
            .args(["--skip-log-bin", "--innodb-buffer-pool-size=16M"])
            .arg(format!("--ssl-cert={}", tls.cert.cert.display()))
            .arg(format!("--ssl-key={}", tls.cert.key.display()))
            .arg(format!("--ssl-ca={}", tls.client_ca.display()))
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("running mariadbd: {e}; {INSTALL_HINT}"));
        let server = TlsServer { dir, process, port };
        let started = std::time::Instant::now();
        while server.try_sql("SELECT 1").is_err() {
            assert!(
                started.elapsed() < std::time::Duration::from_secs(30),
                "mariadbd did not start: {}",
                std::fs::read_to_string(server.dir.path().join("server.log")).unwrap_or_default()
            );
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
        server.sql(&format!(
            "CREATE DATABASE shop; \
             CREATE USER app@'%' IDENTIFIED BY '{password}' REQUIRE SSL; \
             CREATE USER cert_user@'%' REQUIRE X509; \
             GRANT ALL ON shop.* TO app@'%'; GRANT ALL ON shop.* TO cert_user@'%'"
        ));
        server
    }

    /// Runs SQL as root and returns the rows, tab-separated; panics on errors.
    pub fn sql(&self, sql: &str) -> String {
        self.try_sql(sql)
            .unwrap_or_else(|e| panic!("mariadb failed on `{sql}`: {e}"))
    }

    fn try_sql(&self, sql: &str) -> Result<String, String> {
        let output = Command::new("mariadb")
            .args(["-h", "127.0.0.1", "-u", "root", "-N", "-B", "--skip-ssl"])
            .arg(format!("--port={}", self.port))
            .args(["-e", sql])
            .output()
            .map_err(|e| format!("{e}; {INSTALL_HINT}"))?;
        if !output.status.success() {
            return Err(String::from_utf8_lossy(&output.stderr).into_owned());
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}
