//! The etcd state store against a real etcd: fencing, elections, leases, watches across a
//! restart.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use kiln_core::state::{
    Batch, EtcdOptions, EtcdStore, StateError, StateStore, StateStoreArgs, WatchEvent,
};
use kiln_tests::etcd::Etcd;

async fn store(etcd: &Etcd, prefix: &str) -> Arc<EtcdStore> {
    let options = EtcdOptions::new(vec![etcd.endpoint()], prefix);
    Arc::new(
        EtcdStore::connect(&options)
            .await
            .expect("connecting to etcd"),
    )
}

/// Revokes every lease in etcd, as if their holders had died long ago.
async fn revoke_all_leases(etcd: &Etcd) {
    let mut client = etcd_client::Client::connect([etcd.endpoint()], None)
        .await
        .unwrap();
    let leases = client.leases().await.unwrap();
    for lease in leases.leases() {
        client.lease_revoke(lease.id()).await.unwrap();
    }
}

async fn eventually(what: &str, mut check: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deposed_leader_cannot_write_and_a_waiting_candidate_takes_over() {
    let etcd = Etcd::start();
    let first = store(&etcd, "/fence/").await;
    let second = store(&etcd, "/fence/").await;
    let ttl = Duration::from_secs(5);

    let leading = first.campaign("http://first", ttl).await.unwrap();
    let waiting = tokio::spawn({
        let second = Arc::clone(&second);
        async move { second.campaign("http://second", ttl).await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!waiting.is_finished(), "only one candidate leads at a time");
    assert_eq!(
        second.leader().await.unwrap().as_deref(),
        Some("http://first")
    );
    let old_fence = leading.fence.clone();
    first
        .put("jobs/a", b"1".to_vec(), Some(&old_fence))
        .await
        .expect("the leader writes");

    drop(leading);
    let successor = tokio::time::timeout(Duration::from_secs(10), waiting)
        .await
        .expect("the waiting candidate is elected once the leader resigns")
        .unwrap()
        .unwrap();
    assert_eq!(
        first.leader().await.unwrap().as_deref(),
        Some("http://second")
    );
    let refused = first
        .put("jobs/a", b"stale".to_vec(), Some(&old_fence))
        .await;
    assert!(
        matches!(refused, Err(StateError::Fenced { .. })),
        "{refused:?}"
    );
    second
        .put("jobs/a", b"2".to_vec(), Some(&successor.fence))
        .await
        .unwrap();
    assert_eq!(first.get("jobs/a").await.unwrap(), Some(b"2".to_vec()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leadership_is_lost_when_its_lease_goes() {
    let etcd = Etcd::start();
    let store = store(&etcd, "/lost/").await;
    let mut leadership = store
        .campaign("http://me", Duration::from_secs(2))
        .await
        .unwrap();
    revoke_all_leases(&etcd).await;
    tokio::time::timeout(
        Duration::from_secs(10),
        leadership.lost.wait_for(|lost| *lost),
    )
    .await
    .expect("the loss is noticed within the keep-alive interval")
    .unwrap();
    assert_eq!(store.leader().await.unwrap(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registrations_come_back_after_their_lease_and_watches_survive_a_restart() {
    let mut etcd = Etcd::start();
    let executor = store(&etcd, "/members/").await;
    let coordinator = store(&etcd, "/members/").await;
    let other_cluster = store(&etcd, "/other/").await;

    let (current, mut events) = coordinator.watch("executors/").await.unwrap();
    assert!(current.is_empty());
    let _registration = executor
        .register("executors/e1", b"info".to_vec(), Duration::from_secs(2))
        .await
        .unwrap();
    other_cluster
        .put("executors/elsewhere", b"x".to_vec(), None)
        .await
        .unwrap();
    assert_eq!(
        events.next().await,
        Some(WatchEvent::Put {
            key: "executors/e1".into(),
            value: b"info".to_vec()
        })
    );

    // The lease vanishes (as after an outage longer than its TTL): the key is deleted, then
    // written again under a new lease.
    revoke_all_leases(&etcd).await;
    assert_eq!(
        events.next().await,
        Some(WatchEvent::Delete {
            key: "executors/e1".into()
        })
    );
    assert_eq!(
        events.next().await,
        Some(WatchEvent::Put {
            key: "executors/e1".into(),
            value: b"info".to_vec()
        })
    );

    // etcd restarts: the watch resumes and sees what changes afterwards.
    etcd.stop();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(matches!(
        coordinator.put("executors/e2", vec![], None).await,
        Err(StateError::Unavailable(_))
    ));
    etcd.resume();
    eventually("etcd to answer again", async || {
        coordinator
            .put("executors/e2", b"2".to_vec(), None)
            .await
            .is_ok()
    })
    .await;
    // e1's 2 s lease may lapse while etcd is stopped on a busy machine: then the watch also
    // shows e1 deleted and registered again, before or after e2.
    let event = tokio::time::timeout(Duration::from_secs(15), async {
        loop {
            match events.next().await {
                Some(WatchEvent::Put { key, .. } | WatchEvent::Delete { key })
                    if key == "executors/e1" => {}
                other => return other,
            }
        }
    })
    .await
    .expect("the watch resumes after the restart");
    assert_eq!(
        event,
        Some(WatchEvent::Put {
            key: "executors/e2".into(),
            value: b"2".to_vec()
        })
    );
    eventually("e1 and e2 only (no key of the other cluster)", async || {
        coordinator.list("executors/").await.unwrap().len() == 2
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn etcd_behind_tls_and_a_password_is_reached_with_the_configured_files() {
    let etcd = Etcd::start_tls();
    let tls = etcd.tls().expect("TLS files").clone();
    let secrets = tempfile::tempdir().unwrap();
    let password_file = secrets.path().join("etcd-password");
    std::fs::write(&password_file, "s3cret\n").unwrap();

    let args = |user: Option<&str>, ca: Option<&std::path::Path>| StateStoreArgs {
        etcd_endpoints: vec![etcd.endpoint()],
        etcd_prefix: "/secure/".into(),
        etcd_user: user.map(str::to_string),
        etcd_password_file: Some(password_file.clone()),
        etcd_ca_file: ca.map(std::path::Path::to_path_buf),
        etcd_cert_file: None,
        etcd_key_file: None,
        lease_ttl_secs: 5,
    };
    // Turn authentication on, as an operator would.
    let mut admin = None;
    eventually("etcd to serve TLS", async || {
        let options = etcd_client::ConnectOptions::new().with_tls(
            etcd_client::TlsOptions::new().ca_certificate(etcd_client::Certificate::from_pem(
                std::fs::read(&tls.ca).unwrap(),
            )),
        );
        admin = etcd_client::Client::connect([etcd.endpoint()], Some(options))
            .await
            .ok();
        match &mut admin {
            Some(client) => client.status().await.is_ok(),
            None => false,
        }
    })
    .await;
    let mut admin = admin.unwrap();
    admin.user_add("root", "s3cret", None).await.unwrap();
    admin.user_grant_role("root", "root").await.unwrap();
    admin.auth_enable().await.unwrap();

    let store = args(Some("root"), Some(&tls.ca))
        .connect()
        .await
        .expect("connects over TLS with the password from the file");
    store.put("jobs/x", b"1".to_vec(), None).await.unwrap();
    assert_eq!(store.get("jobs/x").await.unwrap(), Some(b"1".to_vec()));

    let anonymous = args(None, Some(&tls.ca)).connect().await;
    let refused = match anonymous {
        Ok(store) => store.put("jobs/y", b"1".to_vec(), None).await.err(),
        Err(error) => Some(error),
    };
    assert!(
        refused.is_some(),
        "etcd refuses a client without the password"
    );
    assert!(
        args(Some("root"), None).connect().await.is_err(),
        "without the CA the TLS handshake fails"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prefix_larger_than_one_etcd_response_is_listed_whole_in_pages() {
    let etcd = Etcd::start();
    let store = store(&etcd, "/paging/").await;
    // 60 values of 100 KB: 6 MB, over the 4 MiB a client accepts in one response.
    let value = vec![7u8; 100_000];
    for i in 0..60 {
        store
            .put(&format!("big/{i:03}"), value.clone(), None)
            .await
            .unwrap();
    }
    store
        .put("bigger", b"not under big/".to_vec(), None)
        .await
        .unwrap();
    let listed = store.list("big/").await.expect("listing in pages");
    let keys: Vec<String> = listed.iter().map(|(k, _)| k.clone()).collect();
    let expected: Vec<String> = (0..60).map(|i| format!("big/{i:03}")).collect();
    assert_eq!(keys, expected);
    assert!(listed.iter().all(|(_, v)| *v == value));

    // A write over etcd's request limit is refused before it is sent, naming the key.
    let refused = store.put("huge", vec![0; 2 << 20], None).await;
    assert!(
        matches!(&refused, Err(StateError::TooLarge { key, .. }) if key == "huge"),
        "{refused:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_applies_whole_or_not_at_all() {
    let etcd = Etcd::start();
    let store = store(&etcd, "/batch/").await;
    let ttl = Duration::from_secs(5);
    let leading = store.campaign("http://first", ttl).await.unwrap();
    let fence = leading.fence.clone();
    store
        .put("jobs/a", b"running".to_vec(), None)
        .await
        .unwrap();
    let moved = Batch {
        puts: vec![("history/a".into(), b"done".to_vec())],
        deletes: vec!["jobs/a".into()],
    };
    store.apply(moved, Some(&fence)).await.unwrap();
    assert_eq!(store.get("jobs/a").await.unwrap(), None);
    assert_eq!(
        store.get("history/a").await.unwrap(),
        Some(b"done".to_vec())
    );

    // Deposed, the same kind of batch changes nothing at all.
    store
        .put("jobs/b", b"running".to_vec(), None)
        .await
        .unwrap();
    drop(leading);
    let _successor = store.campaign("http://second", ttl).await.unwrap();
    let refused = Batch {
        puts: vec![("history/b".into(), b"done".to_vec())],
        deletes: vec!["jobs/b".into()],
    };
    let result = store.apply(refused, Some(&fence)).await;
    assert!(
        matches!(result, Err(StateError::Fenced { .. })),
        "{result:?}"
    );
    assert_eq!(
        store.get("jobs/b").await.unwrap(),
        Some(b"running".to_vec())
    );
    assert_eq!(store.get("history/b").await.unwrap(), None);
}
