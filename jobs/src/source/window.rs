//! The rows one run of an incremental job reads from a database source: those whose
//! bookmark keys lie above where the job's last successful run stopped and at most where this
//! run stops (the highest keys when it is planned).
//!
//! The source's `bookmark_keys` option names the keys, compared in order as one tuple: first
//! a column whose values only grow (`updated_at`, a sequence), then a unique key that orders
//! the rows sharing its values (`id`). A bookmark on the first alone would lose the rows that
//! arrive later with the last run's timestamp (`>`) or read twice the ones it saw (`>=`);
//! the tuple does neither. Values travel as the database's own text for them, so any type
//! that orders works, and go back as quoted literals the database casts to the column's type.

use datafusion::error::{DataFusionError, Result};
use kiln_proto::v1 as pb;

/// The option naming a database source's bookmark keys.
pub const BOOKMARK_KEYS: &str = "bookmark_keys";

/// What the option means, for the options reference.
pub(crate) const BOOKMARK_KEYS_MEANING: &str = "for an incremental job: columns compared in \
    order to find the rows no earlier run read, first one whose values only grow, then a unique \
    key (e.g. \"updated_at, id\")";

/// Where a run's window over a source's rows comes from.
#[derive(Debug, Clone)]
pub enum WindowStart {
    /// A new run: above these keys (from the first row when empty), up to the highest now.
    After(Vec<String>),
    /// A run planned again: exactly the window it first read.
    Exactly(pb::RowWindow),
}

/// An incremental read of a database source: its bookmark keys and the window of rows it
/// reads.
pub(crate) struct Narrowed {
    pub keys: Vec<String>,
    pub window: pb::RowWindow,
}

impl Narrowed {
    /// What a source reads (`base`), narrowed to the window when there is one.
    pub(crate) fn base(narrowed: Option<&Narrowed>, base: String, dialect: &Dialect) -> String {
        match narrowed {
            None => base,
            Some(n) => windowed(&base, &n.keys, &n.window, dialect),
        }
    }
}

/// How a connector writes SQL for a window.
pub(crate) struct Dialect {
    /// A column name as an identifier.
    pub quote: fn(&str) -> String,
    /// The SQL type the database casts any value to text with.
    pub text_type: &'static str,
    /// A text value as a literal that no value can end early (see [`quoted_literal`]).
    pub literal: fn(&str) -> String,
}

/// A text literal in standard SQL: single quotes, a quote inside doubled.
pub(crate) fn quoted_literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// A text literal for MySQL and MariaDB, written in hex: a backslash inside a quoted literal
/// escapes the next character unless the server's `sql_mode` says otherwise, so no quoting
/// is safe under every mode.
pub(crate) fn mysql_literal(value: &str) -> String {
    let hex: String = value.bytes().map(|b| format!("{b:02x}")).collect();
    format!("_utf8mb4 X'{hex}'")
}

/// A source's bookmark keys (the database says so when one is not a column).
pub(crate) fn bookmark_keys(source: &pb::SourceSpec) -> Result<Vec<String>> {
    let bad = |message: String| {
        DataFusionError::Plan(format!(
            "{} source '{}': {message}",
            source.format, source.name
        ))
    };
    let Some(option) = source.options.get(BOOKMARK_KEYS) else {
        return Err(bad(format!(
            "an incremental job reads a database source from where its last run stopped, by \
             the columns of the option {BOOKMARK_KEYS}: first one whose values only grow, then \
             a unique key for rows that share them (e.g. {BOOKMARK_KEYS} = \"updated_at, id\")"
        )));
    };
    let keys: Vec<String> = option.split(',').map(|k| k.trim().to_string()).collect();
    if keys.iter().any(String::is_empty) {
        return Err(bad(format!(
            "{BOOKMARK_KEYS}: expected column names separated by commas, got '{option}'"
        )));
    }
    Ok(keys)
}

/// A tuple of quoted columns, as SQL.
fn columns(keys: &[String], dialect: &Dialect) -> String {
    let quoted: Vec<String> = keys.iter().map(|k| (dialect.quote)(k)).collect();
    format!("({})", quoted.join(", "))
}

/// A tuple of text literals, as SQL.
fn literals(values: &[String], dialect: &Dialect) -> String {
    let quoted: Vec<String> = values.iter().map(|v| (dialect.literal)(v)).collect();
    format!("({})", quoted.join(", "))
}

/// The query whose one row (none when nothing is new) is where a new run stops: the highest
/// keys above `after`, as text.
pub(crate) fn end_query(
    base: &str,
    keys: &[String],
    after: &[String],
    dialect: &Dialect,
) -> String {
    let texts: Vec<String> = keys
        .iter()
        .map(|k| format!("CAST({} AS {})", (dialect.quote)(k), dialect.text_type))
        .collect();
    let order: Vec<String> = keys
        .iter()
        // Qualified: a bare name would sort by the text output column of the same name
        // ('999' after '1000').
        .map(|k| format!("_kiln_source.{} DESC", (dialect.quote)(k)))
        .collect();
    let above = match after.is_empty() {
        true => String::new(),
        false => format!(
            " WHERE {} > {}",
            columns(keys, dialect),
            literals(after, dialect)
        ),
    };
    format!(
        "SELECT {} FROM ({base}) AS _kiln_source{above} ORDER BY {} LIMIT 1",
        texts.join(", "),
        order.join(", ")
    )
}

/// The query whose one row (none when all is well) is a row no window can place: one with a
/// NULL key.
pub(crate) fn null_keys_query(base: &str, keys: &[String], dialect: &Dialect) -> String {
    let nulls: Vec<String> = keys
        .iter()
        .map(|k| format!("{} IS NULL", (dialect.quote)(k)))
        .collect();
    format!(
        "SELECT CAST({} AS {}) FROM ({base}) AS _kiln_source WHERE {} LIMIT 1",
        (dialect.quote)(&keys[0]),
        dialect.text_type,
        nulls.join(" OR ")
    )
}

/// The error for a source whose keys are NULL in some rows.
pub(crate) fn null_keys(source: &pb::SourceSpec, keys: &[String]) -> DataFusionError {
    DataFusionError::Plan(format!(
        "{} source '{}': some rows have a NULL in {BOOKMARK_KEYS} ({}), and an incremental \
         run cannot tell whether it read them: make the keys NOT NULL, or leave those rows \
         out in the source's query",
        source.format,
        source.name,
        keys.join(", ")
    ))
}

/// `base` narrowed to `window`'s rows.
pub(crate) fn windowed(
    base: &str,
    keys: &[String],
    window: &pb::RowWindow,
    dialect: &Dialect,
) -> String {
    let tuple = columns(keys, dialect);
    let condition = match (window.after.is_empty(), window.through.is_empty()) {
        (_, true) => "1 = 0".to_string(),
        (true, false) => format!("{tuple} <= {}", literals(&window.through, dialect)),
        (false, false) => format!(
            "{tuple} > {} AND {tuple} <= {}",
            literals(&window.after, dialect),
            literals(&window.through, dialect)
        ),
    };
    format!("SELECT * FROM ({base}) AS _kiln_window WHERE {condition}")
}

/// The window a run of `source` reads: `start`'s, or from `start` to `end` (the highest keys
/// now, None when nothing is new).
pub(crate) fn window(
    source: &pb::SourceSpec,
    start: &WindowStart,
    end: Option<Vec<String>>,
) -> pb::RowWindow {
    match start {
        WindowStart::Exactly(window) => window.clone(),
        WindowStart::After(after) => pb::RowWindow {
            source: source.name.clone(),
            after: after.clone(),
            through: end.unwrap_or_else(|| after.clone()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POSTGRES: Dialect = crate::source::postgres::DIALECT;

    fn keys() -> Vec<String> {
        vec!["updated_at".into(), "id".into()]
    }

    #[test]
    fn a_window_reads_above_the_last_run_and_through_its_own_end() {
        let window = pb::RowWindow {
            source: "orders".into(),
            after: vec!["2024-01-01 10:00:00".into(), "7".into()],
            through: vec!["2024-01-02 00:00:00".into(), "it's".into()],
        };
        assert_eq!(
            windowed("SELECT * FROM t", &keys(), &window, &POSTGRES),
            "SELECT * FROM (SELECT * FROM t) AS _kiln_window WHERE (\"updated_at\", \"id\") > \
             ('2024-01-01 10:00:00', '7') AND (\"updated_at\", \"id\") <= \
             ('2024-01-02 00:00:00', 'it''s')"
        );
        let first = pb::RowWindow {
            after: vec![],
            ..window.clone()
        };
        assert!(
            windowed("b", &keys(), &first, &POSTGRES)
                .ends_with("WHERE (\"updated_at\", \"id\") <= ('2024-01-02 00:00:00', 'it''s')")
        );
        let empty = pb::RowWindow {
            through: vec![],
            ..window
        };
        assert!(windowed("b", &keys(), &empty, &POSTGRES).ends_with("WHERE 1 = 0"));
        // MySQL's literals are hex: a backslash in a value cannot escape its closing quote.
        assert_eq!(
            literals(&["a\\'".into()], &crate::source::mysql::DIALECT),
            "(_utf8mb4 X'615c27')"
        );
        assert_eq!(
            end_query("b", &keys(), &["x".into(), "1".into()], &POSTGRES),
            "SELECT CAST(\"updated_at\" AS text), CAST(\"id\" AS text) FROM (b) AS _kiln_source \
             WHERE (\"updated_at\", \"id\") > ('x', '1') ORDER BY _kiln_source.\"updated_at\" DESC, _kiln_source.\"id\" DESC LIMIT 1"
        );
    }

    #[test]
    fn a_new_run_with_nothing_new_ends_where_the_last_one_did() {
        let source = pb::SourceSpec {
            name: "orders".into(),
            ..Default::default()
        };
        let start = WindowStart::After(vec!["5".into()]);
        assert_eq!(window(&source, &start, None).through, ["5"]);
        assert_eq!(
            window(&source, &start, Some(vec!["9".into()])).through,
            ["9"]
        );
    }

    #[test]
    fn bookmark_keys_are_named_columns() {
        let mut source = pb::SourceSpec {
            name: "orders".into(),
            format: "postgres".into(),
            ..Default::default()
        };
        let missing = bookmark_keys(&source).unwrap_err().to_string();
        assert!(
            missing.contains("bookmark_keys = \"updated_at, id\""),
            "{missing}"
        );
        source
            .options
            .insert(BOOKMARK_KEYS.into(), "updated_at,,id".into());
        let wrong = bookmark_keys(&source).unwrap_err().to_string();
        assert!(wrong.contains("expected column names"), "{wrong}");
        source
            .options
            .insert(BOOKMARK_KEYS.into(), " updated_at ,id".into());
        assert_eq!(bookmark_keys(&source).unwrap(), keys());
    }
}
