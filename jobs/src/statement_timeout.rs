//! How long one database statement may run: PostgreSQL and MySQL/MariaDB connections cancel
//! any statement Kiln runs past it, so a job never waits forever on a lock or a stuck query.

use std::collections::HashMap;
use std::time::Duration;

use datafusion::error::{DataFusionError, Result};

/// Connector option: the seconds one statement may run before the database cancels it.
pub const STATEMENT_TIMEOUT_SECS: &str = "statement_timeout_secs";

/// The statement timeout when the option is absent: long enough for one partition's load or a
/// whole job's publishing transaction, short enough that a stuck one ends.
pub const DEFAULT_STATEMENT_TIMEOUT: Duration = Duration::from_secs(3600);

/// What the option means, for the option lists of database sources and sinks.
pub const MEANING: &str = "seconds one statement may run before the database cancels it (3600)";

/// The statement timeout `options` ask for; an error names the option and what it expects.
pub fn statement_timeout(options: &HashMap<String, String>) -> Result<Duration> {
    let Some(value) = options.get(STATEMENT_TIMEOUT_SECS) else {
        return Ok(DEFAULT_STATEMENT_TIMEOUT);
    };
    match value.parse::<u64>() {
        Ok(secs) if secs > 0 => Ok(Duration::from_secs(secs)),
        _ => Err(DataFusionError::Plan(format!(
            "option {STATEMENT_TIMEOUT_SECS}: expected a positive number of seconds, got '{value}'"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_option_is_seconds_and_defaults_to_an_hour() {
        let options = |value: &str| HashMap::from([(STATEMENT_TIMEOUT_SECS.into(), value.into())]);
        assert_eq!(
            statement_timeout(&HashMap::new()).unwrap(),
            DEFAULT_STATEMENT_TIMEOUT
        );
        assert_eq!(
            statement_timeout(&options("30")).unwrap(),
            Duration::from_secs(30)
        );
        for bad in ["0", "-1", "soon"] {
            let error = statement_timeout(&options(bad)).unwrap_err().to_string();
            assert!(
                error.contains(STATEMENT_TIMEOUT_SECS) && error.contains(bad),
                "{error}"
            );
        }
    }
}
