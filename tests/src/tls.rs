//! Test certificates made with the `openssl` command: a CA, and server or client certificates
//! it signs (PEM files in a directory of the test's).

use std::path::{Path, PathBuf};
use std::process::Command;

/// A certificate and its private key.
#[derive(Debug, Clone)]
pub struct CertFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// A CA made for one test.
#[derive(Debug, Clone)]
pub struct TestCa {
    dir: PathBuf,
    name: String,
}

impl TestCa {
    /// Makes a CA called `name` in `dir` (files `name.crt` and `name.key`).
    pub fn create(dir: &Path, name: &str) -> TestCa {
        let ca = TestCa {
            dir: dir.to_path_buf(),
            name: name.to_string(),
        };
        ca.openssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.crt"),
            "-days",
            "1",
            "-subj",
            &format!("/CN={name}"),
        ]);
        ca
    }

    /// The CA's certificate.
    pub fn cert(&self) -> PathBuf {
        self.dir.join(format!("{}.crt", self.name))
    }

    /// Issues a server certificate `file`.crt for `alt_names` (`IP:127.0.0.1,DNS:localhost`).
    pub fn server(&self, file: &str, alt_names: &str) -> CertFiles {
        self.issue(
            file,
            "127.0.0.1",
            &format!("subjectAltName={alt_names}\nextendedKeyUsage=serverAuth\n"),
        )
    }

    /// Issues a client certificate `file`.crt whose common name is `user`.
    pub fn client(&self, file: &str, user: &str) -> CertFiles {
        self.issue(file, user, "extendedKeyUsage=clientAuth\n")
    }

    fn issue(&self, file: &str, common_name: &str, extensions: &str) -> CertFiles {
        let ext = format!("{file}.ext");
        std::fs::write(
            self.dir.join(&ext),
            format!(
                "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n{extensions}"
            ),
        )
        .expect("writing the certificate extensions");
        let (key, csr, cert) = (
            format!("{file}.key"),
            format!("{file}.csr"),
            format!("{file}.crt"),
        );
        self.openssl(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            &key,
            "-out",
            &csr,
            "-subj",
            &format!("/CN={common_name}"),
        ]);
        self.openssl(&[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            &format!("{}.crt", self.name),
            "-CAkey",
            &format!("{}.key", self.name),
            "-CAcreateserial",
            "-out",
            &cert,
            "-days",
            "1",
            "-extfile",
            &ext,
        ]);
        CertFiles {
            cert: self.dir.join(cert),
            key: self.dir.join(key),
        }
    }

    fn openssl(&self, args: &[&str]) {
        let output = Command::new("openssl")
            .args(args)
            .current_dir(&self.dir)
            .output()
            .expect("openssl is needed for TLS tests: apt-get install -y openssl");
        assert!(output.status.success(), "openssl {args:?}: {output:?}");
    }
}
