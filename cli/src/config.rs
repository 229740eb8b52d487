//! The optional config file, `~/.config/kiln/config.toml` (or the file `KILN_CONFIG` names):
//! defaults for the commands that talk to a running cluster, below flags and environment
//! variables.
//!
//! ```toml
//! coordinator = "http://kiln-1:50050,http://kiln-2:50050"
//! ```

use std::path::PathBuf;

/// What the config file can set.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The coordinator URL, or several comma-separated.
    pub coordinator: Option<String>,
}

/// Where the config file is looked for.
fn path() -> Option<PathBuf> {
    match std::env::var_os("KILN_CONFIG") {
        Some(path) => Some(PathBuf::from(path)),
        None => std::env::var_os("HOME")
            .map(|home| PathBuf::from(home).join(".config/kiln/config.toml")),
    }
}

/// Reads the config file; no file means no settings. A file that does not parse is an error
/// naming the file, line and field.
pub fn load() -> Result<Config, String> {
    let Some(path) = path() else {
        return Ok(Config::default());
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
        Err(e) => return Err(format!("reading {}: {e}", path.display())),
    };
    toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Where the embedded cluster keeps what outlives it (the catalog) when `--state-dir` is not
/// given: `$XDG_DATA_HOME/kiln`, else `~/.local/share/kiln`, else `.kiln` in the current
/// directory.
pub fn default_state_dir() -> PathBuf {
    match std::env::var_os("XDG_DATA_HOME").filter(|dir| !dir.is_empty()) {
        Some(data) => PathBuf::from(data).join("kiln"),
        None => match std::env::var_os("HOME") {
            Some(home) => PathBuf::from(home).join(".local/share/kiln"),
            None => PathBuf::from(".kiln"),
        },
    }
}
