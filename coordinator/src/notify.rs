//! Job-end notifications: the webhooks a job names (`[[notify]]`) are POSTed a JSON summary
//! by the leader once the job ends, outside the scheduler, retried with backoff on connection
//! errors and 5xx/429 answers, so a slow or failing receiver never delays the job or the
//! scheduler. They are recorded with the job's end (`notifications/{job_id}`) until called,
//! so a successor calls those its predecessor did not get to: at least once. A URL that is a credential comes from a cluster secret and is
//! never logged: failures name the job and the notification's place in the list.

use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use kiln_proto::v1 as pb;
use serde_json::{Value, json};

use crate::error::{CoordinatorError, Result};

/// How an undelivered notification is retried: 6 more times, waiting 0.5 s doubling to at
/// most 16 s (about 30 s in all).
const NOTIFY_BACKOFF: ExponentialBuilder = ExponentialBuilder::new()
    .with_min_delay(Duration::from_millis(500))
    .with_max_delay(Duration::from_secs(16))
    .with_max_times(6);

/// How long one call may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// Checks a job's notifications at submit: each names an http(s) URL, or a secret the
/// cluster declares that holds one.
pub(crate) fn validate(spec: &pb::JobSpec) -> Result<()> {
    for (i, notification) in spec.notify.iter().enumerate() {
        let at = format!("notify {}", i + 1);
        url(notification).map_err(|e| CoordinatorError::InvalidJob(format!("{at}: {e}")))?;
    }
    Ok(())
}

/// The URL a notification calls.
fn url(notification: &pb::Notification) -> std::result::Result<reqwest::Url, String> {
    let (text, from_secret) = match (
        notification.url.is_empty(),
        notification.url_secret.is_empty(),
    ) {
        (false, true) => (notification.url.clone(), false),
        (true, false) => (
            kiln_jobs::secrets::secret(&notification.url_secret).map_err(|e| e.to_string())?,
            true,
        ),
        _ => return Err("give url or url_secret (one of them)".into()),
    };
    // A URL from a secret is not quoted back: it may be the credential.
    let shown = |text: &str| match from_secret {
        true => format!("the URL in secret '{}'", notification.url_secret),
        false => format!("'{text}'"),
    };
    let url =
        reqwest::Url::parse(&text).map_err(|e| format!("{} is not a URL: {e}", shown(&text)))?;
    match url.scheme() {
        "http" | "https" => Ok(url),
        other => Err(format!(
            "{} is a {other} URL; webhooks are http or https",
            shown(&text)
        )),
    }
}

/// The JSON a webhook is sent about `status`.
pub(crate) fn body(status: &pb::JobStatus) -> Value {
    let rows = match &status.result {
        Some(result) => result.rows,
        None => status.stages.last().map_or(0, |s| s.rows_out),
    };
    let started = match status.started_at_ms {
        0 => status.submitted_at_ms,
        started => started,
    };
    json!({
        "job_id": status.job_id,
        "name": status.name,
        "state": pb::JobState::try_from(status.state)
            .map(|s| s.as_str_name())
            .unwrap_or("JOB_STATE_UNSPECIFIED"),
        "duration_ms": status.ended_at_ms.saturating_sub(started),
        "rows": rows,
        "error": status.error,
        "labels": status.labels,
        "submitted_at_ms": status.submitted_at_ms,
        "ended_at_ms": status.ended_at_ms,
    })
}

/// Why one call did not deliver, and whether calling again may.
#[derive(Debug)]
struct Undelivered {
    reason: String,
    retry: bool,
}

/// Calls each of `targets` about the ended job `status`, all at once; returns when each was
/// delivered or given up.
pub(crate) async fn deliver(
    client: &reqwest::Client,
    status: &pb::JobStatus,
    targets: &[pb::Notification],
) {
    let body = body(status).to_string();
    let calls = targets.iter().enumerate().map(|(i, target)| {
        let (body, job_id) = (&body, &status.job_id);
        async move {
            let place = i + 1;
            let url = match url(target) {
                Ok(url) => url,
                Err(reason) => {
                    tracing::warn!(%job_id, notification = place, %reason, "job-end notification not sent");
                    return;
                }
            };
            let call = || async {
                let answer = client
                    .post(url.clone())
                    .timeout(CALL_TIMEOUT)
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .header(
                        reqwest::header::USER_AGENT,
                        concat!("kiln/", env!("CARGO_PKG_VERSION")),
                    )
                    .body(body.clone())
                    .send()
                    .await
                    .map_err(|e| Undelivered {
                        // Without the URL, which may be a credential.
                        reason: e.without_url().to_string(),
                        retry: true,
                    })?;
                let code = answer.status();
                if code.is_success() {
                    return Ok(());
                }
                Err(Undelivered {
                    reason: format!("answered {code}"),
                    retry: code.is_server_error() || code.as_u16() == 429 || code.as_u16() == 408,
                })
            };
            let outcome = call
                .retry(NOTIFY_BACKOFF)
                .when(|e: &Undelivered| e.retry)
                .notify(|e: &Undelivered, wait| {
                    tracing::info!(%job_id, notification = place, reason = %e.reason, ?wait, "job-end notification undelivered; retrying");
                })
                .await;
            match outcome {
                Ok(()) => {
                    tracing::info!(%job_id, notification = place, "job-end notification delivered")
                }
                Err(e) => {
                    tracing::warn!(%job_id, notification = place, reason = %e.reason, "job-end notification given up")
                }
            }
        }
    });
    futures::future::join_all(calls).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notification(url: &str, secret: &str) -> pb::Notification {
        pb::Notification {
            url: url.into(),
            url_secret: secret.into(),
        }
    }

    #[test]
    fn a_notification_names_one_http_url() {
        let spec = |n: pb::Notification| pb::JobSpec {
            notify: vec![n],
            ..Default::default()
        };
        assert!(validate(&spec(notification("https://hooks.example.com/x", ""))).is_ok());
        let refused = |n| validate(&spec(n)).unwrap_err().to_string();
        assert!(refused(notification("", "")).contains("notify 1: give url or url_secret"));
        assert!(refused(notification("a", "b")).contains("one of them"));
        assert!(refused(notification("ftp://example.com/", "")).contains("http or https"));
        assert!(refused(notification("not a url", "")).contains("is not a URL"));
        assert!(refused(notification("", "no-such-secret-here")).contains("no-such-secret-here"));
    }

    #[test]
    fn the_body_says_how_the_job_ended() {
        let status = pb::JobStatus {
            job_id: "job-1".into(),
            name: "nightly".into(),
            state: pb::JobState::Failed as i32,
            error: "boom".into(),
            submitted_at_ms: 1_000,
            started_at_ms: 1_500,
            ended_at_ms: 4_000,
            stages: vec![pb::StageStatus {
                rows_out: 42,
                ..Default::default()
            }],
            ..Default::default()
        };
        let body = body(&status);
        assert_eq!(body["state"], "JOB_STATE_FAILED");
        assert_eq!(body["duration_ms"], 2_500);
        assert_eq!(body["rows"], 42);
        assert_eq!(body["error"], "boom");
    }
}
