//! Failure injection for the cross-process tests, through the `fail` crate: a test starts a
//! process with `FAILPOINTS="NAME=return(MILLISECONDS)"` to hold it at a named point (and
//! kill, freeze or race it there). Points act only in builds with this crate's `failpoints`
//! feature; elsewhere they compile to nothing.

use std::time::Duration;

/// Waits as long as the failpoint `name` is set to, if it is set.
pub async fn delay(name: &str) {
    if let Some(wait) = wait_of(name) {
        tokio::time::sleep(wait).await;
    }
}

/// [`delay`] for code on a blocking thread (SQLite's).
pub fn delay_blocking(name: &str) {
    if let Some(wait) = wait_of(name) {
        std::thread::sleep(wait);
    }
}

/// How long the failpoint `name` is set to wait, logged, if it is set.
#[cfg_attr(not(feature = "failpoints"), allow(unused_variables))]
fn wait_of(name: &str) -> Option<Duration> {
    let millis = (|| -> Option<u64> {
        fail::fail_point!(name, |arg: Option<String>| arg
            .and_then(|millis| millis.parse().ok()));
        None
    })()?;
    tracing::info!("failpoint {name}: waiting {millis} ms");
    Some(Duration::from_millis(millis))
}
