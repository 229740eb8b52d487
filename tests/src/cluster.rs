//! Starting and stopping real Kiln processes for a test.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use kiln_client::{Client, ConnectOptions, ResultRoute, Tls, Token};
use kiln_core::config::DEFAULT_ETCD_PREFIX;
use kiln_core::state::{EtcdOptions, EtcdStore, StateStore};

use crate::etcd::{Etcd, TlsFiles};

/// The directory holding the workspace's built binaries: `target/<profile>`, found from the
/// running executable (a test in `target/<profile>/deps`, or a binary like `kiln-bench`).
pub fn bin_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the process knows its own path");
    let dir = exe.parent().expect("an executable lives in a directory");
    match dir.file_name() {
        Some(name) if name == "deps" => dir.parent().unwrap_or(dir).to_path_buf(),
        _ => dir.to_path_buf(),
    }
}

/// The path of a workspace binary; panics with the build command when it is missing.
pub fn binary(name: &str) -> PathBuf {
    let path = bin_dir().join(name);
    assert!(
        path.exists(),
        "{} is missing: build the binaries first with `cargo build --bins` \
         (scripts/test does this)",
        path.display()
    );
    path
}

/// A log line without its ANSI color codes (`ESC [ ... m`).
fn without_colors(line: &str) -> String {
    let mut text = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            chars.by_ref().find(|&c| c == 'm');
        } else {
            text.push(c);
        }
    }
    text
}

/// A free loopback port.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Coordinators and executors running as separate processes around their own etcd.
pub struct TestCluster {
    /// Every coordinator's URL, comma-separated (the client follows the leader among them).
    pub coordinator_url: String,
    /// The cluster's etcd; tests stop and resume it.
    pub etcd: Etcd,
    coordinators: Vec<Option<Child>>,
    coordinator_urls: Vec<String>,
    /// Each coordinator's HTTP port (probes, metrics).
    coordinator_http_ports: Vec<u16>,
    /// The etcd endpoint each coordinator is given instead of the cluster's, if any.
    coordinator_etcd: Vec<Option<String>>,
    executors: Vec<Option<Child>>,
    /// The arguments each executor was started with.
    executor_args: Vec<Vec<String>>,
    work_dir: tempfile::TempDir,
    options: ClusterOptions,
    /// The CA and the certificate every process serves with, when `options.tls`.
    pub tls_files: Option<TlsFiles>,
}

/// Settings for a [`TestCluster`].
#[derive(Debug, Clone)]
pub struct ClusterOptions {
    pub coordinators: usize,
    pub executors: usize,
    pub slots: usize,
    pub shuffle_partitions: usize,
    /// The TTL of every lease: how soon a dead executor or leader is noticed.
    pub lease_ttl_secs: u64,
    /// Environment variables for every process (e.g. S3 credentials and endpoint).
    pub env: Vec<(String, String)>,
    /// The clients' bearer token, when the cluster requires one; its members then share
    /// [`TestCluster::cluster_token`].
    pub token: Option<String>,
    /// Serve TLS everywhere, with certificates of a CA made for the cluster.
    pub tls: bool,
    /// Extra flags of each executor in turn (executor i takes entry i % len), e.g.
    /// `--shuffle-compression none`.
    pub executor_flags: Vec<Vec<String>>,
    /// Extra environment variables of coordinator i (entry i, when there is one), e.g.
    /// `FAILPOINTS` for one coordinator only.
    pub coordinator_env: Vec<Vec<(String, String)>>,
}

impl Default for ClusterOptions {
    fn default() -> Self {
        Self {
            coordinators: 1,
            executors: 2,
            slots: 2,
            shuffle_partitions: 4,
            lease_ttl_secs: 3,
            env: vec![],
            token: None,
            tls: false,
            executor_flags: vec![],
            coordinator_env: vec![],
        }
    }
}

impl TestCluster {
    /// Starts etcd, the coordinators and `options.executors` executors, and waits until
    /// every executor has joined.
    pub async fn start(options: ClusterOptions) -> TestCluster {
        let work_dir = tempfile::Builder::new()
            .prefix("kiln-test-")
            .tempdir()
            .expect("a temp dir");
        let mut cluster = TestCluster {
            coordinator_url: String::new(),
            etcd: Etcd::start(),
            coordinators: vec![],
            coordinator_urls: vec![],
            coordinator_http_ports: vec![],
            coordinator_etcd: vec![],
            executors: vec![],
            executor_args: vec![],
            work_dir,
            options: options.clone(),
            tls_files: None,
        };
        if let Some(token) = &options.token {
            cluster
                .options
                .env
                .push((kiln_core::auth::TOKEN_ENV.into(), token.clone()));
            cluster.options.env.push((
                kiln_core::auth::CLUSTER_TOKEN_ENV.into(),
                cluster.cluster_token().expect("a cluster token"),
            ));
        }
        if options.tls {
            let dir = cluster.work_dir.path().join("tls");
            std::fs::create_dir_all(&dir).expect("a directory for certificates");
            let files = TlsFiles::generate(&dir);
            for (name, path) in [
                ("KILN_TLS_CERT_FILE", &files.cert),
                ("KILN_TLS_KEY_FILE", &files.key),
                (kiln_core::tls::CA_FILE_ENV, &files.ca),
            ] {
                let path = path.display().to_string();
                cluster.options.env.push((name.into(), path));
            }
            cluster.tls_files = Some(files);
        }
        let scheme = if options.tls { "https" } else { "http" };
        for index in 0..options.coordinators.max(1) {
            let (port, http_port, child) = cluster.spawn_coordinator(index, free_port());
            cluster.coordinators.push(Some(child));
            cluster.coordinator_http_ports.push(http_port);
            cluster
                .coordinator_urls
                .push(format!("{scheme}://127.0.0.1:{port}"));
        }
        cluster.coordinator_url = cluster.coordinator_urls.join(",");
        for _ in 0..options.executors {
            cluster.add_executor(options.slots);
        }
        cluster.wait_for_executors(options.executors).await;
        cluster
    }

    /// The flags that point a Kiln process at this cluster's etcd (at `endpoint`, if given).
    fn state_args(&self, endpoint: Option<&str>) -> Vec<String> {
        vec![
            "--etcd-endpoints".into(),
            endpoint.map_or_else(|| self.etcd.endpoint(), str::to_string),
            "--lease-ttl-secs".into(),
            self.options.lease_ttl_secs.to_string(),
        ]
    }

    /// Starts coordinator `index`, on `port` if it is still free, else on another; returns
    /// the gRPC and HTTP ports it listens on.
    fn spawn_coordinator(&self, index: usize, port: u16) -> (u16, u16, Child) {
        // A port picked free can be taken by another test before the coordinator binds it:
        // start again on another port when the coordinator exits instead of listening.
        let mut port = port;
        for _ in 0..5 {
            let http_port = free_port();
            let mut args = vec![
                "--port".to_string(),
                port.to_string(),
                "--http-port".to_string(),
                http_port.to_string(),
                "--shuffle-partitions".to_string(),
                self.options.shuffle_partitions.to_string(),
            ];
            let endpoint = self.coordinator_etcd.get(index).cloned().flatten();
            args.extend(self.state_args(endpoint.as_deref()));
            let mut env = self.options.env.clone();
            env.extend(
                self.options
                    .coordinator_env
                    .get(index)
                    .into_iter()
                    .flatten()
                    .cloned(),
            );
            let mut child = spawn(
                "kiln-coordinator",
                &args,
                &self.work_dir,
                &format!("coordinator-{index}"),
                &env,
            );
            let deadline = Instant::now() + Duration::from_secs(20);
            loop {
                if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return (port, http_port, child);
                }
                if child.try_wait().ok().flatten().is_some() || Instant::now() > deadline {
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
            port = free_port();
        }
        panic!("the coordinator did not start: {}", self.logs());
    }

    /// The gRPC URL of coordinator `index` alone.
    pub fn coordinator_grpc_url(&self, index: usize) -> String {
        self.coordinator_urls[index].clone()
    }

    /// The base URL of coordinator `index`'s HTTP endpoint (probes, metrics).
    pub fn coordinator_http_url(&self, index: usize) -> String {
        format!("http://127.0.0.1:{}", self.coordinator_http_ports[index])
    }

    /// The index of the leading coordinator, as etcd names it.
    pub async fn leader_index(&self) -> Option<usize> {
        let options = EtcdOptions::new(vec![self.etcd.endpoint()], DEFAULT_ETCD_PREFIX);
        let store = EtcdStore::connect(&options).await.ok()?;
        let leader = store.leader().await.ok()??;
        self.coordinator_urls.iter().position(|u| *u == leader)
    }

    /// Kills coordinator `index` with SIGKILL.
    pub fn kill_coordinator(&mut self, index: usize) {
        if let Some(mut child) = self.coordinators[index].take() {
            child.kill().expect("killing the coordinator");
            let _ = child.wait();
        }
    }

    /// The process id of coordinator `index`, while it runs (to read its memory use).
    pub fn coordinator_pid(&self, index: usize) -> Option<u32> {
        self.coordinators[index].as_ref().map(Child::id)
    }

    /// Starts coordinator `index` again (after it was killed), on its old port.
    pub fn restart_coordinator(&mut self, index: usize) {
        assert!(
            self.coordinators[index].is_none(),
            "coordinator {index} runs"
        );
        let port: u16 = self.coordinator_urls[index]
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("a coordinator URL ends with its port");
        let (started, http_port, child) = self.spawn_coordinator(index, port);
        assert_eq!(
            started, port,
            "coordinator {index} could not get its port back"
        );
        self.coordinators[index] = Some(child);
        self.coordinator_http_ports[index] = http_port;
    }

    /// Starts coordinator `index` again (after it was killed) reaching etcd at `endpoint`
    /// (e.g. through a [`crate::proxy::TcpProxy`]).
    pub fn restart_coordinator_via(&mut self, index: usize, endpoint: String) {
        if self.coordinator_etcd.len() <= index {
            self.coordinator_etcd.resize(index + 1, None);
        }
        self.coordinator_etcd[index] = Some(endpoint);
        self.restart_coordinator(index);
    }

    /// Sets the extra environment of coordinator `index` for its next start.
    pub fn set_coordinator_env(&mut self, index: usize, env: Vec<(String, String)>) {
        let envs = &mut self.options.coordinator_env;
        if envs.len() <= index {
            envs.resize(index + 1, vec![]);
        }
        envs[index] = env;
    }

    /// Starts one more coordinator (a standby, while another leads); returns its index.
    /// Clients made afterwards know it.
    pub fn add_coordinator(&mut self) -> usize {
        let index = self.coordinators.len();
        let (port, http_port, child) = self.spawn_coordinator(index, free_port());
        self.coordinators.push(Some(child));
        self.coordinator_http_ports.push(http_port);
        let scheme = if self.options.tls { "https" } else { "http" };
        self.coordinator_urls
            .push(format!("{scheme}://127.0.0.1:{port}"));
        self.coordinator_url = self.coordinator_urls.join(",");
        index
    }

    /// Freezes coordinator `index` (SIGSTOP): it neither acts nor keeps its lease alive.
    pub fn pause_coordinator(&self, index: usize) {
        signal(
            self.coordinator_pid(index).expect("coordinator runs"),
            "-STOP",
        );
    }

    /// Thaws coordinator `index` (SIGCONT).
    pub fn resume_coordinator(&self, index: usize) {
        signal(
            self.coordinator_pid(index).expect("coordinator runs"),
            "-CONT",
        );
    }

    /// Starts one more executor process; returns its index.
    pub fn add_executor(&mut self, slots: usize) -> usize {
        let index = self.executors.len();
        let work = self.work_dir.path().join(format!("executor-{index}"));
        let mut args = vec![
            "--executor-id".to_string(),
            format!("exec-{index}"),
            // Port 0: the OS picks free ports and the executor reports them when it registers.
            "--port".to_string(),
            "0".to_string(),
            "--flight-port".to_string(),
            "0".to_string(),
            "--http-port".to_string(),
            "0".to_string(),
            "--slots".to_string(),
            slots.to_string(),
            "--work-dir".to_string(),
            work.display().to_string(),
            "--shutdown-grace-secs".to_string(),
            "5".to_string(),
        ];
        let flags = &self.options.executor_flags;
        if !flags.is_empty() {
            args.extend(flags[index % flags.len()].iter().cloned());
        }
        args.extend(self.state_args(None));
        let child = spawn(
            "kiln-executor",
            &args,
            &self.work_dir,
            &format!("executor-{index}"),
            &self.options.env,
        );
        self.executors.push(Some(child));
        self.executor_args.push(args);
        index
    }

    /// SIGKILLs executor `index` and starts it again at once with the same id, address and
    /// ports, as a StatefulSet's pod comes back: before its lease can expire, so its
    /// registration changes only in its start time.
    pub async fn restart_executor_in_place(&mut self, index: usize) {
        let id = format!("exec-{index}");
        let executors = self
            .client()
            .await
            .executors()
            .await
            .expect("listing executors");
        let info = executors
            .iter()
            .find(|e| e.executor_id == id)
            .unwrap_or_else(|| panic!("{id} is not registered"));
        let mut args = self.executor_args[index].clone();
        for (flag, port) in [
            ("--port", info.grpc_port),
            ("--flight-port", info.flight_port),
        ] {
            let at = args.iter().position(|a| a == flag).expect("a port flag") + 1;
            args[at] = port.to_string();
        }
        self.kill_executor(index);
        let child = spawn(
            "kiln-executor",
            &args,
            &self.work_dir,
            &format!("executor-{index}"),
            &self.options.env,
        );
        self.executors[index] = Some(child);
    }

    /// The token coordinators and executors share (never a client's), when the cluster
    /// requires tokens.
    pub fn cluster_token(&self) -> Option<String> {
        let client = self.options.token.as_ref()?;
        Some(format!("{client}-members-only"))
    }

    /// The work directory of executor `index`.
    pub fn executor_work_dir(&self, index: usize) -> PathBuf {
        self.work_dir.path().join(format!("executor-{index}"))
    }

    /// A client connected to the coordinator (retrying while it starts).
    pub async fn client(&self) -> Client {
        self.client_reading(ResultRoute::Auto).await
    }

    /// A client connected to the coordinator that reads results by `results`.
    pub async fn client_reading(&self, results: ResultRoute) -> Client {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let options = ConnectOptions {
                token: match &self.options.token {
                    Some(secret) => Token::new(secret).expect("a valid test token"),
                    None => Token::none(),
                },
                tls: match &self.tls_files {
                    Some(files) => Tls::load(None, None, Some(&files.ca)).expect("the test CA"),
                    None => Tls::none(),
                },
                results,
            };
            match Client::connect_with(self.coordinator_url.clone(), options).await {
                Ok(client) => return client,
                Err(e) if Instant::now() > deadline => panic!("coordinator never came up: {e}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    /// Waits until exactly `n` executors are registered.
    pub async fn wait_for_executors(&self, n: usize) {
        let client = self.client().await;
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let executors = client.executors().await.expect("listing executors");
            if executors.len() == n {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "expected {n} executors, {} registered: {:?}",
                executors.len(),
                self.logs()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Kills executor `index` with SIGKILL.
    pub fn kill_executor(&mut self, index: usize) {
        if let Some(mut child) = self.executors[index].take() {
            child.kill().expect("killing the executor");
            let _ = child.wait();
        }
    }

    /// Freezes executor `index` (SIGSTOP): it neither works nor keeps its lease alive.
    pub fn pause_executor(&self, index: usize) {
        signal(self.executor_pid(index), "-STOP");
    }

    /// Thaws executor `index` (SIGCONT).
    pub fn resume_executor(&self, index: usize) {
        signal(self.executor_pid(index), "-CONT");
    }

    /// The process id of executor `index`, which must run (to signal it, read its memory
    /// use or put it in a cgroup).
    pub fn executor_pid(&self, index: usize) -> u32 {
        self.executors[index]
            .as_ref()
            .expect("executor is running")
            .id()
    }

    /// Sends SIGTERM to executor `index` and waits for it to exit.
    pub fn terminate_executor(&mut self, index: usize) -> std::process::ExitStatus {
        let mut child = self.executors[index].take().expect("executor is running");
        signal(child.id(), "-TERM");
        child.wait().expect("waiting for the executor")
    }

    /// Each process's log file and its whole text so far.
    fn log_files(&self) -> Vec<(PathBuf, String)> {
        let Ok(entries) = std::fs::read_dir(self.work_dir.path()) else {
            return vec![];
        };
        entries
            .flatten()
            .map(|e| e.path())
            .filter(|path| path.extension().is_some_and(|x| x == "log"))
            .map(|path| {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                (path, text)
            })
            .collect()
    }

    /// Copies every process's log file into `dir` (to keep them past the cluster's end).
    pub fn save_logs(&self, dir: &std::path::Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        for (path, text) in self.log_files() {
            if let Some(name) = path.file_name() {
                std::fs::write(dir.join(name), text)?;
            }
        }
        Ok(())
    }

    /// Every line of the processes' logs (whole files, colors removed) that contains `needle`.
    pub fn log_lines_containing(&self, needle: &str) -> Vec<String> {
        self.log_files()
            .iter()
            .flat_map(|(_, text)| text.lines().map(without_colors))
            .filter(|l| l.contains(needle))
            .collect()
    }

    /// The last lines of each process's log, for failure messages.
    pub fn logs(&self) -> String {
        let mut text = String::new();
        for (path, log) in self.log_files() {
            let tail: Vec<&str> = log.lines().rev().take(30).collect();
            text.push_str(&format!("--- {}\n", path.display()));
            for line in tail.into_iter().rev() {
                text.push_str(line);
                text.push('\n');
            }
        }
        text
    }
}

impl Drop for TestCluster {
    fn drop(&mut self) {
        for child in self.executors.iter_mut().flatten() {
            let _ = child.kill();
            let _ = child.wait();
        }
        for child in self.coordinators.iter_mut().flatten() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn spawn(
    binary_name: &str,
    args: &[String],
    dir: &tempfile::TempDir,
    log_name: &str,
    env: &[(String, String)],
) -> Child {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.path().join(format!("{log_name}.log")))
        .expect("a log file");
    Command::new(binary(binary_name))
        .args(args)
        .env("KILN_LOG", "info")
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("log handle"))
        .stderr(log)
        .spawn()
        .unwrap_or_else(|e| panic!("starting {binary_name}: {e}"))
}

fn signal(pid: u32, signal: &str) {
    let status = Command::new("kill")
        .args([signal, &pid.to_string()])
        .status()
        .expect("running kill");
    assert!(status.success(), "kill {signal} {pid} failed");
}
