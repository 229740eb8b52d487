//! Database passwords as named secrets the cluster declares, never as values in the job spec
//! (which is stored and shown), and never as arbitrary environment variables or files: a job
//! that could name any of them could send Kiln's own token, or `/proc/self/environ`, to a
//! server of its choosing.
//!
//! A secret `orders-db` is declared to every process that connects (coordinators plan database
//! jobs, executors run them) either as a file `orders-db` in the directory `KILN_SECRETS_DIR`
//! names (a Kubernetes Secret mounted as a volume) or as the environment variable
//! `KILN_SECRET_ORDERS_DB`. A job uses it with `password_secret = "orders-db"`.

use std::collections::HashMap;
use std::path::PathBuf;

use datafusion::error::{DataFusionError, Result};

/// Connector option: the name of the secret holding the password.
pub const PASSWORD_SECRET: &str = "password_secret";
/// What [`PASSWORD_SECRET`] means, for option listings.
pub const PASSWORD_SECRET_MEANING: &str =
    "the secret holding the password (KILN_SECRET_<NAME>, or file <name> in KILN_SECRETS_DIR)";
/// The environment variable naming the directory of secret files.
pub const SECRETS_DIR_ENV: &str = "KILN_SECRETS_DIR";
/// The prefix of environment variables that declare secrets.
pub const SECRET_ENV_PREFIX: &str = "KILN_SECRET_";

/// Options that once named a variable or file of the cluster's processes, refused with the
/// rule that replaced them.
const RETIRED: &[&str] = &["password_env", "password_file"];

/// Why a retired option is refused, when `option` is one; for the unknown-option error.
pub fn retired_option(option: &str) -> Option<String> {
    RETIRED.contains(&option).then(|| {
        format!(
            "a job may not name the cluster's environment variables or files; declare the \
             password to the cluster ({SECRET_ENV_PREFIX}<NAME> or a file in \
             {SECRETS_DIR_ENV}) and name it with {PASSWORD_SECRET} = \"<name>\""
        )
    })
}

/// The password for a connection: the secret `password_secret` names, or none.
pub fn password(options: &HashMap<String, String>) -> Result<Option<String>> {
    options
        .get(PASSWORD_SECRET)
        .map(|name| {
            secret(name).map_err(|e| match e {
                DataFusionError::Plan(text) => {
                    DataFusionError::Plan(format!("option {PASSWORD_SECRET}: {text}"))
                }
                other => other,
            })
        })
        .transpose()
}

/// Checks that `name` can name a secret: letters, digits, `-` and `_`, starting with a letter,
/// so that it can neither leave the secrets directory nor reach a variable outside the prefix.
pub fn check_secret_name(name: &str) -> Result<()> {
    let valid = name.len() <= 128
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid {
        Ok(())
    } else {
        Err(DataFusionError::Plan(format!(
            "'{name}' is not a secret name (letters, digits, '-' and \
             '_', starting with a letter)"
        )))
    }
}

/// The environment variable that declares secret `name`.
fn env_var(name: &str) -> String {
    format!(
        "{SECRET_ENV_PREFIX}{}",
        name.to_ascii_uppercase().replace('-', "_")
    )
}

/// The value of the declared secret `name`: its file in the secrets directory when there is
/// one, else its environment variable.
pub fn secret(name: &str) -> Result<String> {
    check_secret_name(name)?;
    let dir = std::env::var_os(SECRETS_DIR_ENV).map(PathBuf::from);
    if let Some(path) = dir.as_ref().map(|dir| dir.join(name)) {
        match std::fs::read_to_string(&path) {
            Ok(text) => return Ok(text.trim_end_matches(['\n', '\r']).to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(DataFusionError::Execution(format!(
                    "reading secret '{name}' from {}: {e}",
                    path.display()
                )));
            }
        }
    }
    let var = env_var(name);
    std::env::var(&var).map_err(|_| {
        let dir = match &dir {
            Some(dir) => format!("no file {name} in {}", dir.display()),
            None => format!("{SECRETS_DIR_ENV} is not set"),
        };
        DataFusionError::Plan(format!(
            "secret '{name}' is not declared to the cluster: set {var} or put a file {name} in \
             the secrets directory ({dir})"
        ))
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_could_reach_outside_the_declared_secrets_are_refused() {
        for name in [
            "../etc/passwd",
            "/proc/self/environ",
            ".hidden",
            "a/b",
            "",
            "9a",
            "a b",
        ] {
            let error = check_secret_name(name).unwrap_err().to_string();
            assert!(error.contains("not a secret name"), "{name}: {error}");
        }
        for name in ["orders-db", "PG_1", "x"] {
            check_secret_name(name).unwrap();
        }
    }

    #[test]
    fn a_secret_maps_to_its_prefixed_variable_only() {
        assert_eq!(env_var("orders-db"), "KILN_SECRET_ORDERS_DB");
        // The token's own variable is out of reach: the name gets the prefix.
        assert_eq!(env_var("KILN_TOKEN"), "KILN_SECRET_KILN_TOKEN");
    }

    #[test]
    fn an_undeclared_secret_names_where_to_declare_it() {
        let options = [(PASSWORD_SECRET.to_string(), "kiln-no-such".to_string())].into();
        let error = password(&options).unwrap_err().to_string();
        assert!(error.contains("KILN_SECRET_KILN_NO_SUCH"), "{error}");
        assert!(error.contains("not declared"), "{error}");
    }

    #[test]
    fn retired_options_say_what_replaced_them() {
        let why = retired_option("password_env").unwrap();
        assert!(why.contains(PASSWORD_SECRET), "{why}");
        assert!(retired_option("table").is_none());
    }
}
