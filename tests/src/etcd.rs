//! A real etcd server for a test: Debian's `etcd-server` on free loopback ports with a
//! temporary data directory, stopped (and started again) by its own PID.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::cluster::free_port;

/// A running (or stopped) etcd.
pub struct Etcd {
    client_port: u16,
    peer_port: u16,
    data_dir: tempfile::TempDir,
    /// Serves TLS with these certificates when set.
    tls: Option<TlsFiles>,
    process: Option<Child>,
}

/// How many times a first start tries fresh ports.
const START_ATTEMPTS: usize = 3;

/// etcd stopped before it served, with this exit status.
struct Exited(std::process::ExitStatus);

/// A test CA and a server certificate for 127.0.0.1 signed by it (PEM files).
#[derive(Debug, Clone)]
pub struct TlsFiles {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl TlsFiles {
    /// Generates them in `dir`.
    pub fn generate(dir: &std::path::Path) -> TlsFiles {
        let ca = crate::tls::TestCa::create(dir, "ca");
        let server = ca.server("server", "IP:127.0.0.1");
        TlsFiles {
            ca: ca.cert(),
            cert: server.cert,
            key: server.key,
        }
    }
}

impl Etcd {
    /// Starts etcd and waits until it serves.
    pub fn start() -> Etcd {
        Self::launch(false)
    }

    /// Starts etcd serving TLS with a certificate of a freshly made test CA.
    pub fn start_tls() -> Etcd {
        Self::launch(true)
    }

    fn launch(tls: bool) -> Etcd {
        let binary = PathBuf::from("/usr/bin/etcd");
        assert!(
            binary.exists(),
            "etcd is missing: install it with `apt-get install -y etcd-server` (scripts/setup does)"
        );
        let mut etcd = Etcd {
            client_port: free_port(),
            peer_port: free_port(),
            data_dir: tempfile::Builder::new()
                .prefix("kiln-etcd-")
                .tempdir()
                .expect("a temp dir"),
            tls: None,
            process: None,
        };
        if tls {
            etcd.tls = Some(TlsFiles::generate(etcd.data_dir.path()));
        }
        // A free port can be taken by another test's server before etcd binds it, and etcd
        // then exits: it starts again on other ports.
        for _ in 1..START_ATTEMPTS {
            match etcd.serve() {
                Ok(()) => return etcd,
                Err(Exited(status)) => {
                    eprintln!("etcd exited ({status}) on start; trying other ports");
                    etcd.client_port = free_port();
                    etcd.peer_port = free_port();
                    let _ = std::fs::remove_dir_all(etcd.data_dir.path().join("data"));
                }
            }
        }
        etcd.resume();
        etcd
    }

    /// The number of keys under `prefix`.
    pub async fn count_keys(&self, prefix: &str) -> i64 {
        let mut etcd = etcd_client::Client::connect([self.endpoint()], None)
            .await
            .expect("connecting to etcd");
        let options = etcd_client::GetOptions::new()
            .with_prefix()
            .with_count_only();
        etcd.get(prefix, Some(options))
            .await
            .expect("counting keys")
            .count()
    }

    /// The client URL, for `--etcd-endpoints`.
    pub fn endpoint(&self) -> String {
        let scheme = if self.tls.is_some() { "https" } else { "http" };
        format!("{scheme}://127.0.0.1:{}", self.client_port)
    }

    /// The certificates it serves TLS with, if it does.
    pub fn tls(&self) -> Option<&TlsFiles> {
        self.tls.as_ref()
    }

    /// Kills the server (its data stays, so [`Etcd::resume`] brings the same state back).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.process.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same ports and data, and waits until it serves.
    pub fn resume(&mut self) {
        if let Err(Exited(status)) = self.serve() {
            panic!("etcd exited ({status}) on start: {}", self.log_tail());
        }
    }

    /// The end of the server's log, for a failure message.
    fn log_tail(&self) -> String {
        let path = self.data_dir.path().join("etcd.log");
        let log = std::fs::read_to_string(&path).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        format!(
            "the end of {}:\n{}",
            path.display(),
            lines[lines.len().saturating_sub(10)..].join("\n")
        )
    }

    /// Starts the server on its ports and data and waits until it serves; `Exited` when it
    /// stopped before serving (it could not bind a port).
    fn serve(&mut self) -> Result<(), Exited> {
        assert!(self.process.is_none(), "etcd is already running");
        let peer = format!("http://127.0.0.1:{}", self.peer_port);
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.data_dir.path().join("etcd.log"))
            .expect("an etcd log file");
        let mut command = Command::new("/usr/bin/etcd");
        if let Some(tls) = &self.tls {
            command
                .arg("--cert-file")
                .arg(&tls.cert)
                .arg("--key-file")
                .arg(&tls.key);
        }
        let child = command
            .args(["--name", "kiln-test", "--data-dir"])
            .arg(self.data_dir.path().join("data"))
            .args(["--listen-client-urls", &self.endpoint()])
            .args(["--advertise-client-urls", &self.endpoint()])
            .args(["--listen-peer-urls", &peer])
            .args(["--initial-advertise-peer-urls", &peer])
            .args(["--initial-cluster", &format!("kiln-test={peer}")])
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log handle"))
            .stderr(log)
            .spawn()
            .expect("starting etcd");
        self.process = Some(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let ready = match &self.tls {
                // TLS: the port accepting connections is enough; clients retry meanwhile.
                Some(_) => std::net::TcpStream::connect(("127.0.0.1", self.client_port)).is_ok(),
                None => http_ok(&format!("{}/health", self.endpoint())),
            };
            if ready {
                return Ok(());
            }
            let child = self.process.as_mut().expect("started above");
            if let Ok(Some(status)) = child.try_wait() {
                self.process = None;
                return Err(Exited(status));
            }
            assert!(
                Instant::now() < deadline,
                "etcd did not come up in 20 s: {}",
                self.log_tail()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Etcd {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Whether a plain HTTP GET of `url` (on loopback) answers 200.
fn http_ok(url: &str) -> bool {
    use std::io::{Read, Write};
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let Ok(mut stream) = std::net::TcpStream::connect(host) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
    let request = format!("GET /{path} HTTP/1.0\r\nHost: {host}\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.starts_with("HTTP/1.1 200") || answer.starts_with("HTTP/1.0 200")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A port another process holds makes etcd exit, which is seen at once (so a first start
    /// moves to other ports) rather than after the 20 s wait.
    #[test]
    fn an_etcd_that_cannot_bind_its_port_is_seen_to_exit() {
        let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let mut etcd = Etcd {
            client_port: taken.local_addr().unwrap().port(),
            peer_port: free_port(),
            data_dir: tempfile::tempdir().unwrap(),
            tls: None,
            process: None,
        };
        let started = Instant::now();
        assert!(
            matches!(etcd.serve(), Err(Exited(_))),
            "etcd served on a taken port"
        );
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "seen only after the wait"
        );
        assert!(
            etcd.log_tail().contains("address already in use"),
            "{}",
            etcd.log_tail()
        );

        // A first start does not meet that: it serves on ports of its own.
        let etcd = Etcd::start();
        assert!(http_ok(&format!("{}/health", etcd.endpoint())));
    }
}
