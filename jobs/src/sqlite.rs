//! SQLite plumbing the SQLite source and sink share: where a URL's database file is, opening
//! it, and running SQLite's synchronous calls off the async runtime.

use std::time::Duration;

use datafusion::error::{DataFusionError, Result};
use rusqlite::{Connection, OpenFlags};

/// How long a connection waits for another to release the database file.
const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// The database file a location names: `/data/app.db` or `sqlite:///data/app.db`.
pub fn database_path(location: &str) -> &str {
    location.strip_prefix("sqlite://").unwrap_or(location)
}

/// How a connection opens its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Reads only; the file must exist.
    ReadOnly,
    /// Reads and writes; the file must exist.
    ReadWrite,
    /// Reads and writes, creating the file (and its directory) when missing.
    Create,
}

/// Opens the database file at `location`. `what` names the connector in errors
/// (`sqlite source 'orders'`).
pub fn open(location: &str, access: Access, what: &str) -> Result<Connection> {
    let path = database_path(location);
    let failure = |doing: &str, e: &dyn std::fmt::Display| {
        DataFusionError::Execution(format!("{what} ({path}): {doing}: {e}"))
    };
    let mut flags = OpenFlags::SQLITE_OPEN_NO_MUTEX;
    flags |= match access {
        Access::ReadOnly => OpenFlags::SQLITE_OPEN_READ_ONLY,
        Access::ReadWrite => OpenFlags::SQLITE_OPEN_READ_WRITE,
        Access::Create => OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
    };
    if access == Access::Create
        && let Some(dir) = std::path::Path::new(path).parent()
    {
        std::fs::create_dir_all(dir)
            .map_err(|e| failure(&format!("creating {}", dir.display()), &e))?;
    }
    let conn = Connection::open_with_flags(path, flags).map_err(|e| {
        let hint = match access {
            Access::Create => "",
            _ => " (the file must exist)",
        };
        failure(&format!("opening{hint}"), &e)
    })?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(|e| failure("setting the busy timeout", &e))?;
    Ok(conn)
}

/// Runs SQLite `work` on one of tokio's blocking threads.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| DataFusionError::Execution(format!("sqlite work panicked: {e}")))?
}
