//! A real S3-protocol server for tests: `s3s-fs` on a free loopback port, serving a temporary
//! directory (one subdirectory per bucket), plus an independent S3 client (boto3) to put and
//! list objects the way any other S3 user would.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::cluster::free_port;

/// How to install the tools these tests need; named in every "missing tool" failure.
pub const INSTALL_HINT: &str = "run scripts/setup (it installs s3s-fs with \
     `cargo install s3s-fs@0.14.1 --features binary --locked --root ~/.local/kiln-tools` \
     and boto3 into the virtual environment ~/.local/kiln-tools/venv)";

const ACCESS_KEY: &str = "kiln-test-access";
const SECRET_KEY: &str = "kiln-test-secret-key";

/// A running S3 server; stopped when dropped.
pub struct S3Server {
    pub endpoint: String,
    child: Child,
    data: tempfile::TempDir,
}

/// Where `scripts/setup` installs the test tools.
fn tools_dir() -> PathBuf {
    std::env::var_os("KILN_TOOLS_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".local/kiln-tools")))
        .unwrap_or_default()
}

/// The Python that has boto3 and prometheus_client: the tools' virtual environment, else the
/// system's.
pub fn tools_python() -> PathBuf {
    let venv = tools_dir().join("venv/bin/python3");
    if venv.exists() {
        venv
    } else {
        PathBuf::from("python3")
    }
}

fn s3s_fs_binary() -> PathBuf {
    let candidate = tools_dir().join("bin/s3s-fs");
    if candidate.exists() {
        return candidate;
    }
    let on_path = Command::new("sh")
        .args(["-c", "command -v s3s-fs"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    on_path
        .unwrap_or_else(|| panic!("s3s-fs (the test S3 server) is not installed: {INSTALL_HINT}"))
}

impl S3Server {
    /// Starts a server and waits until it accepts connections.
    pub fn start() -> S3Server {
        let data = tempfile::Builder::new()
            .prefix("kiln-s3-")
            .tempdir()
            .expect("a temp dir");
        let port = free_port();
        let child = Command::new(s3s_fs_binary())
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY])
            .arg(data.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting s3s-fs: {e}; {INSTALL_HINT}"));
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "s3s-fs did not start on port {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        S3Server {
            endpoint: format!("http://127.0.0.1:{port}"),
            child,
            data,
        }
    }

    /// The environment a Kiln process needs to reach this server (the standard AWS variables).
    pub fn env(&self) -> Vec<(String, String)> {
        [
            ("AWS_ACCESS_KEY_ID", ACCESS_KEY),
            ("AWS_SECRET_ACCESS_KEY", SECRET_KEY),
            ("AWS_REGION", "us-east-1"),
            ("AWS_ENDPOINT_URL", self.endpoint.as_str()),
            ("AWS_ALLOW_HTTP", "true"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    /// The environment of a Kiln process that signs with profiles of the shared AWS files
    /// (written into `dir`) instead of keys in its environment: `profiles` are (name, right
    /// key?) pairs, each with this server's access key and its secret key or a wrong one, and
    /// region us-east-1. `AWS_PROFILE` picks `default_profile`; the instance metadata service
    /// is off.
    pub fn profile_env(
        &self,
        dir: &Path,
        profiles: &[(&str, bool)],
        default_profile: &str,
    ) -> Vec<(String, String)> {
        let mut config = String::new();
        let mut credentials = String::new();
        for (name, right) in profiles {
            let secret = if *right {
                SECRET_KEY
            } else {
                "not-the-secret-key"
            };
            config.push_str(&format!("[profile {name}]\nregion = us-east-1\n\n"));
            credentials.push_str(&format!(
                "[{name}]\naws_access_key_id = {ACCESS_KEY}\naws_secret_access_key = {secret}\n\n"
            ));
        }
        let (config_file, credentials_file) = (dir.join("config"), dir.join("credentials"));
        std::fs::write(&config_file, config).unwrap();
        std::fs::write(&credentials_file, credentials).unwrap();
        [
            ("AWS_CONFIG_FILE", config_file.display().to_string()),
            (
                "AWS_SHARED_CREDENTIALS_FILE",
                credentials_file.display().to_string(),
            ),
            ("AWS_PROFILE", default_profile.to_string()),
            ("AWS_EC2_METADATA_DISABLED", "true".to_string()),
            ("AWS_ENDPOINT_URL", self.endpoint.clone()),
            ("AWS_ALLOW_HTTP", "true".to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    /// Creates a bucket (a directory of the server's data dir).
    pub fn create_bucket(&self, bucket: &str) {
        std::fs::create_dir_all(self.data.path().join(bucket)).expect("creating a bucket");
    }

    /// Uploads a local file with boto3.
    pub fn put_file(&self, bucket: &str, key: &str, file: &Path) {
        self.boto3(&format!(
            "s3.upload_file({:?}, {bucket:?}, {key:?})",
            file.display().to_string()
        ));
    }

    /// Sets an object's modification time (what listings report as its LastModified), as if
    /// it had been written then: files of one batch often share a second.
    pub fn set_modified(&self, bucket: &str, key: &str, at: std::time::SystemTime) {
        std::fs::File::options()
            .write(true)
            .open(self.data.path().join(bucket).join(key))
            .and_then(|file| file.set_modified(at))
            .unwrap_or_else(|e| {
                panic!("setting the modification time of s3://{bucket}/{key}: {e}")
            });
    }

    /// Uploads every file under local `dir` with boto3, keyed `prefix` + its path below `dir`.
    pub fn put_dir(&self, bucket: &str, prefix: &str, dir: &Path) {
        self.boto3(&format!(
            "import os\n\
             root = {:?}\n\
             for base, _, files in os.walk(root):\n    \
                 for name in files:\n        \
                     path = os.path.join(base, name)\n        \
                     s3.upload_file(path, {bucket:?}, {prefix:?} + os.path.relpath(path, root))",
            dir.display().to_string()
        ));
    }

    /// Deletes the objects under `prefix` with boto3.
    pub fn delete_prefix(&self, bucket: &str, prefix: &str) {
        for key in self.list(bucket, prefix) {
            self.boto3(&format!("s3.delete_object(Bucket={bucket:?}, Key={key:?})"));
        }
    }

    /// Every key in a bucket under `prefix`, listed with boto3, sorted.
    pub fn list(&self, bucket: &str, prefix: &str) -> Vec<String> {
        let out = self.boto3(&format!(
            "pages = s3.get_paginator('list_objects_v2').paginate(Bucket={bucket:?}, Prefix={prefix:?})\n\
             for page in pages:\n    \
                 for o in page.get('Contents', []):\n        \
                     print(o['Key'])"
        ));
        let mut keys: Vec<String> = out.lines().map(str::to_string).collect();
        keys.sort();
        keys
    }

    /// Downloads the objects under `prefix` whose keys end in `suffix` with boto3 into `dir`,
    /// keeping the key paths.
    pub fn download_prefix(&self, bucket: &str, prefix: &str, suffix: &str, dir: &Path) {
        self.boto3(&format!(
            "import os\n\
             pages = s3.get_paginator('list_objects_v2').paginate(Bucket={bucket:?}, Prefix={prefix:?})\n\
             for page in pages:\n    \
                 for o in page.get('Contents', []):\n        \
                     if not o['Key'].endswith({suffix:?}): continue\n        \
                     path = os.path.join({:?}, o['Key'])\n        \
                     os.makedirs(os.path.dirname(path), exist_ok=True)\n        \
                     s3.download_file({bucket:?}, o['Key'], path)",
            dir.display().to_string()
        ));
    }

    /// The quarantine entries under `prefix` of `bucket` (bad records, as JSON lines) as
    /// (file, line, record), sorted.
    pub fn quarantined(&self, bucket: &str, prefix: &str) -> Vec<(String, u64, String)> {
        let dir = tempfile::tempdir().expect("a temporary directory");
        self.download_prefix(bucket, prefix, ".jsonl", dir.path());
        let mut entries = Vec::new();
        let mut stack = vec![dir.path().to_path_buf()];
        while let Some(path) = stack.pop() {
            if path.is_dir() {
                let children = std::fs::read_dir(&path).expect("a downloaded directory");
                stack.extend(children.map(|e| e.expect("a directory entry").path()));
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("a downloaded quarantine file");
            for line in text.lines() {
                let entry: serde_json::Value =
                    serde_json::from_str(line).expect("a quarantine entry is JSON");
                entries.push((
                    entry["file"].as_str().expect("an entry's file").to_string(),
                    entry["line"].as_u64().expect("an entry's line"),
                    entry["record"]
                        .as_str()
                        .expect("an entry's record")
                        .to_string(),
                ));
            }
        }
        entries.sort();
        entries
    }

    fn boto3(&self, body: &str) -> String {
        let script = format!(
            "import boto3\n\
             s3 = boto3.client('s3', endpoint_url={:?}, aws_access_key_id={ACCESS_KEY:?}, \
             aws_secret_access_key={SECRET_KEY:?}, region_name='us-east-1')\n{body}\n",
            self.endpoint
        );
        let python = tools_python();
        let output = Command::new(&python)
            .args(["-c", &script])
            .output()
            .unwrap_or_else(|e| {
                panic!(
                    "running {} for boto3: {e}; {INSTALL_HINT}",
                    python.display()
                )
            });
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "boto3 call failed: {stderr}\n(if boto3 is missing: {INSTALL_HINT})"
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
