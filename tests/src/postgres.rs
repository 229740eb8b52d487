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
    let mut psql = Command::new("psql");
    psql.args(["-h", "127.0.0.1", "-U", "postgres", "-d", database]);
    run_psql(psql, sql)
}

/// Runs `sql` with `psql` (a psql command naming the server and database) and returns its
/// unaligned output (`|` between fields, one line per row); panics with the error otherwise.
fn run_psql(mut psql: Command, sql: &str) -> String {
    let output = psql
        .args(["-X", "-q", "-A", "-t", "-F", "|"])
        .args(["-v", "ON_ERROR_STOP=1", "-c", sql])
        .output()
        .unwrap_or_else(|e| panic!("running psql: {e}; {INSTALL_HINT}"));
    assert!(
        output.status.success(),
        "psql failed on `{sql}`: {}\n({INSTALL_HINT})",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A private PostgreSQL server that requires a password over TCP, for tests of how
/// Kiln sends one: the machine's server trusts loopback and ignores passwords. It is started
/// with `initdb` and `pg_ctl` from the installed PostgreSQL 15 in a temp dir, as user
/// `postgres` when the test runs as root (PostgreSQL refuses to run as root), on a free port,
/// and stopped when dropped.
pub struct PasswordServer {
    dir: tempfile::TempDir,
    pub port: u16,
    pub password: String,
    /// The server's command-line settings, for starting it again.
    settings: String,
}

/// What a TLS server serves: its certificate, and the CA that signs the client certificates
/// it accepts.
pub struct ServerTls {
    pub cert: crate::tls::CertFiles,
    pub client_ca: std::path::PathBuf,
}

/// Where Debian's PostgreSQL 15 keeps `initdb` and `pg_ctl`.
const PG_BIN: &str = "/usr/lib/postgresql/15/bin";

impl PasswordServer {
    /// Starts a server whose superuser `postgres` has `password`, checked with SCRAM.
    pub fn start(password: &str) -> PasswordServer {
        Self::start_with_auth(password, "scram-sha-256")
    }

    /// Starts a server whose superuser `postgres` has `password`, checked by `method`
    /// (`scram-sha-256`, `md5`, or `password`, which asks for it in cleartext).
    pub fn start_with_auth(password: &str, method: &str) -> PasswordServer {
        Self::launch(password, method, None)
    }

    /// Starts a server that takes only TLS connections, on 127.0.0.1 and 127.0.0.2, serving
    /// `tls.cert`: user `postgres` signs in with `password` (SCRAM), user `clear_user` with
    /// the same password sent in cleartext (safe inside TLS), and user `cert_user` with a
    /// client certificate that `tls.client_ca` signed.
    pub fn start_tls(password: &str, tls: &ServerTls) -> PasswordServer {
        let server = Self::launch(password, "scram-sha-256", Some(tls));
        server.psql(&format!(
            "CREATE ROLE clear_user LOGIN SUPERUSER PASSWORD '{password}'; \
             CREATE ROLE cert_user LOGIN SUPERUSER"
        ));
        server
    }

    fn launch(password: &str, method: &str, tls: Option<&ServerTls>) -> PasswordServer {
        let dir = tempfile::tempdir().expect("a temp dir");
        let pwfile = dir.path().join("password");
        std::fs::write(&pwfile, format!("{password}\n")).unwrap();
        let port = crate::cluster::free_port();
        let mut server = PasswordServer {
            dir,
            port,
            password: password.to_string(),
            settings: String::new(),
        };
        if is_root() {
            let owner = Command::new("id").args(["-u", "postgres"]).output();
            let uid: u32 = owner
                .ok()
                .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
                .unwrap_or_else(|| panic!("no user postgres; {INSTALL_HINT}"));
            for path in [server.dir.path(), &pwfile] {
                std::os::unix::fs::chown(path, Some(uid), None).unwrap();
            }
        }
        let data = server.dir.path().join("data");
        server.run(
            "initdb",
            &[
                "-D".as_ref(),
                data.as_os_str(),
                "-U".as_ref(),
                "postgres".as_ref(),
                format!("--auth={method}").as_ref(),
                format!("--pwfile={}", pwfile.display()).as_ref(),
                "-N".as_ref(),
            ],
        );
        let mut settings = format!("-p {port} -k {} -c fsync=off", server.dir.path().display());
        match tls {
            None => settings.push_str(" -c listen_addresses=127.0.0.1"),
            Some(tls) => settings.push_str(&server.serve_tls(&data, tls)),
        }
        server.settings = settings;
        server.start_again();
        server
    }

    /// Crashes the server (`pg_ctl -m immediate stop`); [`Self::start_again`] brings it back.
    pub fn stop_immediately(&self) {
        let data = self.dir.path().join("data");
        self.run(
            "pg_ctl",
            &[
                "-D".as_ref(),
                data.as_os_str(),
                "-m".as_ref(),
                "immediate".as_ref(),
                "-w".as_ref(),
                "stop".as_ref(),
            ],
        );
    }

    /// Starts the server with its settings; returns once it accepts connections.
    pub fn start_again(&self) {
        let data = self.dir.path().join("data");
        let log = self.dir.path().join("log");
        self.run(
            "pg_ctl",
            &[
                "-D".as_ref(),
                data.as_os_str(),
                "-l".as_ref(),
                log.as_os_str(),
                "-w".as_ref(),
                "-o".as_ref(),
                self.settings.as_ref(),
                "start".as_ref(),
            ],
        );
    }

    /// Copies the certificates where the server (user postgres when this is root) may read
    /// them, writes a pg_hba.conf that refuses connections without TLS, and returns the
    /// settings that turn TLS on.
    fn serve_tls(&self, data: &std::path::Path, tls: &ServerTls) -> String {
        let mut settings = String::from(" -c listen_addresses=127.0.0.1,127.0.0.2 -c ssl=on");
        for (file, from, setting) in [
            ("server.crt", &tls.cert.cert, "ssl_cert_file"),
            ("server.key", &tls.cert.key, "ssl_key_file"),
            ("client-ca.crt", &tls.client_ca, "ssl_ca_file"),
        ] {
            let to = self.dir.path().join(file);
            std::fs::copy(from, &to).unwrap();
            std::fs::set_permissions(&to, std::os::unix::fs::PermissionsExt::from_mode(0o600))
                .unwrap();
            if is_root() {
                let uid = std::fs::metadata(self.dir.path()).map(|m| {
                    use std::os::unix::fs::MetadataExt;
                    m.uid()
                });
                std::os::unix::fs::chown(&to, uid.ok(), None).unwrap();
            }
            settings.push_str(&format!(" -c {setting}={}", to.display()));
        }
        std::fs::write(
            data.join("pg_hba.conf"),
            "hostssl all cert_user 127.0.0.0/8 cert\n\
             hostssl all clear_user 127.0.0.0/8 password\n\
             hostssl all all 127.0.0.0/8 scram-sha-256\n\
             hostnossl all all 127.0.0.0/8 reject\n",
        )
        .unwrap();
        settings
    }

    /// Runs SQL on database `postgres` with psql, giving the password; returns the unaligned
    /// output.
    pub fn psql(&self, sql: &str) -> String {
        let mut psql = Command::new("psql");
        psql.env("PGPASSWORD", &self.password)
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string()])
            .args(["-U", "postgres", "-d", "postgres"]);
        run_psql(psql, sql)
    }

    /// The URL of its database `postgres` as a Kiln sink or source names it (the password
    /// comes from a secret).
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Crashes the server (`pg_ctl -m immediate`: no shutdown checkpoint, so unlogged tables
    /// come back empty) and starts it again with the same settings; returns once it accepts
    /// connections.
    pub fn restart_immediately(&self) {
        self.stop_immediately();
        self.start_again();
    }

    /// Runs one of PostgreSQL's programs and checks that it succeeded.
    fn run(&self, program: &str, args: &[&std::ffi::OsStr]) {
        let output = pg_program(program)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("running {program}: {e}; {INSTALL_HINT}"));
        assert!(
            output.status.success(),
            "{program} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

impl Drop for PasswordServer {
    fn drop(&mut self) {
        let _ = pg_program("pg_ctl")
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-m", "immediate", "stop"])
            .output();
    }
}

/// A command running one of PostgreSQL's programs, as user postgres when this is root.
fn pg_program(program: &str) -> Command {
    let path = format!("{PG_BIN}/{program}");
    if is_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--", &path]);
        command
    } else {
        Command::new(path)
    }
}

fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}
