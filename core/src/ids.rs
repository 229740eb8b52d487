//! Identifiers and timestamps.

use std::time::{SystemTime, UNIX_EPOCH};

/// A new job id: short enough to type, unique enough for one cluster's history.
pub fn new_job_id() -> String {
    let uuid = uuid::Uuid::new_v4().simple().to_string();
    format!("job-{}", &uuid[..12])
}

/// A new executor id.
pub fn new_executor_id() -> String {
    let uuid = uuid::Uuid::new_v4().simple().to_string();
    format!("exec-{}", &uuid[..8])
}

/// Whether `id` is safe to use as a path component (job and executor ids travel in tickets).
pub fn is_safe_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_are_safe_path_components() {
        assert!(is_safe_id(&new_job_id()));
        assert!(is_safe_id(&new_executor_id()));
        assert!(!is_safe_id("../etc"));
        assert!(!is_safe_id(""));
        assert!(!is_safe_id("a/b"));
    }
}
