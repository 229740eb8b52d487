//! TLS to databases: private PostgreSQL and MariaDB servers that take their users only over TLS,
//! loaded by a real cluster under each `sslmode`, against the right CA, a CA that did not sign
//! the server's certificate, a certificate for another address, no TLS at all, and client
//! certificates from declared secrets.

use kiln_client::{ClientError, proto};
use kiln_tests::cluster::ClusterOptions;
use kiln_tests::postgres::{PasswordServer, ServerTls};
use kiln_tests::sinks::sink_job;
use kiln_tests::tls::{CertFiles, TestCa};
use kiln_tests::{TestCluster, mysql};

/// The certificates of one test: the servers' CA, another CA, a server certificate for
/// 127.0.0.1 only (so that 127.0.0.2 reaches the server under a name it does not hold), and a
/// client certificate for user `cert_user`.
struct Certs {
    _dir: tempfile::TempDir,
    ca: TestCa,
    other_ca: TestCa,
    server: CertFiles,
    client: CertFiles,
}

impl Certs {
    fn make() -> Certs {
        let dir = tempfile::tempdir().unwrap();
        let ca = TestCa::create(dir.path(), "ca");
        let other_ca = TestCa::create(dir.path(), "other-ca");
        let server = ca.server("server", "IP:127.0.0.1");
        let client = ca.client("client", "cert_user");
        Certs {
            _dir: dir,
            ca,
            other_ca,
            server,
            client,
        }
    }

    fn server_tls(&self) -> ServerTls {
        ServerTls {
            cert: self.server.clone(),
            client_ca: self.ca.cert(),
        }
    }

    /// The client key in PKCS#1 form (`BEGIN RSA PRIVATE KEY`).
    fn pkcs1_client_key(&self) -> String {
        let output = std::process::Command::new("openssl")
            .args(["rsa", "-traditional", "-in"])
            .arg(&self.client.key)
            .output()
            .expect("openssl is needed for TLS tests: apt-get install -y openssl");
        assert!(output.status.success(), "openssl rsa: {output:?}");
        String::from_utf8(output.stdout).unwrap()
    }

    /// The secrets the cluster declares: the password, and the client certificate and key.
    fn secrets_env(&self, password: &str) -> Vec<(String, String)> {
        let read = |path: &std::path::Path| std::fs::read_to_string(path).unwrap();
        vec![
            ("KILN_SECRET_DB_PW".into(), password.into()),
            ("KILN_SECRET_DB_CERT".into(), read(&self.client.cert)),
            ("KILN_SECRET_DB_KEY".into(), read(&self.client.key)),
        ]
    }
}

/// Loads the row `n` into table `numbers` at `url`, with the password secret `db-pw` when
/// `password` says so; the error (at submit or from the job) otherwise.
async fn load(
    client: &kiln_client::Client,
    format: &str,
    url: &str,
    password: bool,
    n: i32,
) -> Result<(), String> {
    let mut sink = proto::SinkSpec {
        format: format.into(),
        path: url.into(),
        table: "numbers".into(),
        mode: proto::SaveMode::Append as i32,
        ..Default::default()
    };
    if password {
        sink.options
            .insert("password_secret".into(), "db-pw".into());
    }
    let job = sink_job(vec![], &format!("SELECT CAST({n} AS INT) AS n"), sink);
    match client.submit(job).await {
        Ok(id) => {
            let status = client.wait(&id).await.map_err(|e| e.to_string())?;
            if status.state == proto::JobState::Succeeded as i32 {
                Ok(())
            } else {
                Err(status.error)
            }
        }
        Err(ClientError::InvalidJob(message)) => Err(message),
        Err(other) => panic!("submitting to {url}: {other}"),
    }
}

fn assert_refused(result: Result<(), String>, expected: &[&str]) {
    let message = result.expect_err("the connection should have been refused");
    for part in expected {
        assert!(message.contains(part), "expected {part:?} in: {message}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_over_tls_checks_the_server_as_each_mode_says() {
    let certs = Certs::make();
    let server = PasswordServer::start_tls("pg-pw", &certs.server_tls());
    server.psql("CREATE TABLE numbers (n integer)");
    let cluster = TestCluster::start(ClusterOptions {
        executors: 1,
        env: certs.secrets_env("pg-pw"),
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    let url = |host: &str, user: &str, params: String| {
        format!("postgres://{user}@{host}:{}/postgres?{params}", server.port)
    };
    let ca = certs.ca.cert().display().to_string();
    let other_ca = certs.other_ca.cert().display().to_string();
    let verify = |mode: &str, ca: &str| format!("sslmode={mode}&sslrootcert={ca}");
    let pg = |url: String, password: bool, n: i32| {
        let client = &client;
        async move { load(client, "postgres", &url, password, n).await }
    };

    // The server refuses every connection without TLS, so each load that lands went over TLS.
    pg(
        url("127.0.0.1", "postgres", verify("verify-full", &ca)),
        true,
        1,
    )
    .await
    .unwrap();
    // On loopback the default is prefer: TLS when the server offers it.
    pg(url("127.0.0.1", "postgres", String::new()), true, 2)
        .await
        .unwrap();
    // 127.0.0.2 is the same server under an address its certificate does not name.
    pg(
        url("127.0.0.2", "postgres", verify("verify-ca", &ca)),
        true,
        3,
    )
    .await
    .unwrap();
    assert_refused(
        pg(
            url("127.0.0.2", "postgres", verify("verify-full", &ca)),
            true,
            0,
        )
        .await,
        &["sslmode verify-full", "does not name this host"],
    );
    assert_refused(
        pg(
            url("127.0.0.1", "postgres", verify("verify-full", &other_ca)),
            true,
            0,
        )
        .await,
        &["sslmode verify-full", "not signed by a trusted CA"],
    );
    assert_refused(
        pg(
            url("127.0.0.1", "postgres", "sslmode=disable".into()),
            true,
            0,
        )
        .await,
        &["sslmode disable", "takes only TLS"],
    );
    // Inside TLS a server may ask for the password in cleartext: Kiln sends it.
    pg(
        url("127.0.0.1", "clear_user", "sslmode=require".into()),
        true,
        4,
    )
    .await
    .unwrap();
    // A client certificate from the declared secrets, and without it a refusal.
    let client_cert = format!(
        "{}&sslcert_secret=db-cert&sslkey_secret=db-key",
        verify("verify-full", &ca)
    );
    pg(url("127.0.0.1", "cert_user", client_cert), false, 5)
        .await
        .unwrap();
    assert_refused(
        pg(
            url("127.0.0.1", "cert_user", verify("verify-full", &ca)),
            false,
            0,
        )
        .await,
        &["certificate"],
    );
    // A key or certificate named by path could be one of the cluster's own: refused at submit.
    let key_path = certs.client.key.display().to_string();
    assert_refused(
        pg(
            url("127.0.0.1", "cert_user", format!("sslkey={key_path}")),
            false,
            0,
        )
        .await,
        &["sslkey is refused", "sslkey_secret"],
    );

    assert_eq!(
        server.psql("SELECT string_agg(n::text, ',' ORDER BY n) FROM numbers"),
        "1,2,3,4,5\n"
    );
    let leaked = cluster.log_lines_containing("PRIVATE KEY");
    assert!(
        leaked.is_empty(),
        "the client key reached the logs: {leaked:?}"
    );
    assert!(cluster.log_lines_containing("pg-pw").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_over_tls_checks_the_server_as_each_mode_says() {
    let certs = Certs::make();
    let server = mysql::TlsServer::start("my-pw", &certs.server_tls());
    server.sql("CREATE TABLE shop.numbers (n INT)");
    let plain = mysql::TestDatabase::create();
    let cluster = TestCluster::start(ClusterOptions {
        executors: 1,
        env: {
            let mut env = certs.secrets_env("my-pw");
            env.push(("KILN_SECRET_DB_KEY_RSA".into(), certs.pkcs1_client_key()));
            env
        },
        ..ClusterOptions::default()
    })
    .await;
    let client = cluster.client().await;
    let url = |host: &str, user: &str, params: String| {
        format!("mysql://{user}@{host}:{}/shop?{params}", server.port)
    };
    let ca = certs.ca.cert().display().to_string();
    let other_ca = certs.other_ca.cert().display().to_string();
    let verify = |mode: &str, ca: &str| format!("sslmode={mode}&sslrootcert={ca}");
    let my = |url: String, password: bool, n: i32| {
        let client = &client;
        async move { load(client, "mysql", &url, password, n).await }
    };

    // User app must use TLS (REQUIRE SSL), so each load that lands went over TLS.
    my(url("127.0.0.1", "app", verify("verify-full", &ca)), true, 1)
        .await
        .unwrap();
    my(url("127.0.0.1", "app", String::new()), true, 2)
        .await
        .unwrap();
    // MySQL's own spelling of the mode.
    let identity = format!("ssl-mode=VERIFY_IDENTITY&sslrootcert={ca}");
    my(url("127.0.0.1", "app", identity), true, 3)
        .await
        .unwrap();
    assert_refused(
        my(url("127.0.0.2", "app", verify("verify-full", &ca)), true, 0).await,
        &["sslmode verify-full", "not valid for name"],
    );
    // mysql_async cannot skip the name check alone: verify-ca is refused, not faked.
    assert_refused(
        my(url("127.0.0.2", "app", verify("verify-ca", &ca)), true, 0).await,
        &["verify-ca is not available for MySQL"],
    );
    assert_refused(
        my(
            url("127.0.0.1", "app", verify("verify-full", &other_ca)),
            true,
            0,
        )
        .await,
        &["sslmode verify-full", "not signed by a trusted CA"],
    );
    assert_refused(
        my(url("127.0.0.1", "app", "sslmode=disable".into()), true, 0).await,
        &["sslmode disable", "Access denied"],
    );
    let client_cert = format!(
        "{}&sslcert_secret=db-cert&sslkey_secret=db-key",
        verify("verify-full", &ca)
    );
    // The MySQL driver reads RSA keys in PKCS#1 only: a PKCS#8 key gets the command that
    // converts it.
    assert_refused(
        my(url("127.0.0.1", "cert_user", client_cert.clone()), false, 0).await,
        &["PKCS#1", "openssl rsa"],
    );
    let pkcs1 = client_cert.replace("db-key", "db-key-rsa");
    my(url("127.0.0.1", "cert_user", pkcs1), false, 4)
        .await
        .unwrap();
    assert_refused(
        my(
            url("127.0.0.1", "cert_user", verify("verify-full", &ca)),
            false,
            0,
        )
        .await,
        &["Access denied"],
    );
    // The machine's MariaDB has TLS off: required TLS is refused, naming the fix.
    plain.sql("CREATE TABLE numbers (n INT)");
    assert_refused(
        load(
            &client,
            "mysql",
            &format!("{}?sslmode=require", plain.url()),
            false,
            0,
        )
        .await,
        &["sslmode require", "offers no TLS"],
    );

    assert_eq!(
        server.sql("SELECT GROUP_CONCAT(n ORDER BY n) FROM shop.numbers"),
        "1,2,3,4\n"
    );
    let leaked = cluster.log_lines_containing("PRIVATE KEY");
    assert!(
        leaked.is_empty(),
        "the client key reached the logs: {leaked:?}"
    );
}
