//! Database passwords: from an environment variable or a file the job names, never from the
//! job spec itself (which is stored and shown), and never echoed in messages.

use std::collections::HashMap;

use datafusion::error::{DataFusionError, Result};

/// Connector option: the environment variable holding the password.
pub const PASSWORD_ENV: &str = "password_env";
/// Connector option: a file holding the password.
pub const PASSWORD_FILE: &str = "password_file";

/// The password for a connection: the file named by `password_file`, else the variable named
/// by `password_env` (an error when unset), else `default_env` when set, else none.
pub fn password(options: &HashMap<String, String>, default_env: &str) -> Result<Option<String>> {
    if let Some(file) = options.get(PASSWORD_FILE) {
        let text = std::fs::read_to_string(file).map_err(|e| {
            DataFusionError::Execution(format!("reading the password file {file}: {e}"))
        })?;
        return Ok(Some(text.trim_end_matches(['\n', '\r']).to_string()));
    }
    let var = options
        .get(PASSWORD_ENV)
        .map(String::as_str)
        .unwrap_or(default_env);
    match std::env::var(var) {
        Ok(value) => Ok(Some(value)),
        Err(_) if options.contains_key(PASSWORD_ENV) => Err(DataFusionError::Execution(format!(
            "the password variable {var} (option {PASSWORD_ENV}) is not set"
        ))),
        Err(_) => Ok(None),
    }
}

/// A URL with any password replaced by `***`, for messages and logs.
pub fn redact_password(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_string(),
    }
}
