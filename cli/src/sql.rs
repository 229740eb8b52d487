//! Splitting a SQL script into Kiln jobs: DDL statements set the scene, each query is a job.

use datafusion::sql::parser::{DFParser, Statement};
use datafusion::sql::sqlparser::ast::Statement as SqlStatement;
use datafusion::sql::sqlparser::dialect::GenericDialect;
use datafusion::sql::sqlparser::tokenizer::{Token, Tokenizer};
use kiln_client::proto;

/// One job per query statement; every DDL statement before it (CREATE EXTERNAL TABLE,
/// CREATE VIEW, DROP) is replayed as the job's setup, so each job stands alone.
pub fn script_to_jobs(script: &str) -> Result<Vec<proto::JobSpec>, String> {
    let jobs = Session::default().jobs(script)?;
    if jobs.is_empty() {
        return Err("no query to run: the script has only DDL statements".into());
    }
    Ok(jobs)
}

/// The DDL statements seen so far (CREATE EXTERNAL TABLE, CREATE VIEW, SET, DROP), replayed
/// before each later query, so that a shell's tables and settings last for the whole session
/// while each job still stands alone.
#[derive(Debug, Default)]
pub struct Session {
    setup: Vec<String>,
    queries: usize,
}

impl Session {
    /// The jobs of a script's queries, in order; its DDL statements join the session's setup.
    pub fn jobs(&mut self, script: &str) -> Result<Vec<proto::JobSpec>, String> {
        let mut jobs = vec![];
        for text in split_statements(script)? {
            let mut parsed = DFParser::parse_sql(&text).map_err(|e| e.strip_backtrace())?;
            let Some(statement) = parsed.pop_front() else {
                continue;
            };
            if is_setup(&statement) {
                self.setup.push(text);
                continue;
            }
            self.queries += 1;
            jobs.push(proto::JobSpec {
                name: format!("sql-{}", self.queries),
                setup_sql: self.setup.clone(),
                steps: vec![proto::StepSpec {
                    name: "query".into(),
                    sql: text,
                }],
                ..Default::default()
            });
        }
        Ok(jobs)
    }
}

/// Whether `input` is one or more whole statements: it ends with a semicolon outside strings
/// and comments. A shell keeps reading lines until it does.
pub fn is_complete(input: &str) -> bool {
    let dialect = GenericDialect {};
    let Ok(tokens) = Tokenizer::new(&dialect, input).tokenize() else {
        // An unterminated string or comment: more lines will close it.
        return false;
    };
    tokens
        .iter()
        .rev()
        .find(|token| !matches!(token, Token::Whitespace(_)))
        .is_some_and(|token| *token == Token::SemiColon)
}

/// The statements of a script as written (split at top-level semicolons by the SQL tokenizer,
/// so semicolons in strings and comments stay). Statements are sent as text; re-rendering parsed
/// statements would lose parts DataFusion's printer leaves out, like the OPTIONS of CREATE
/// EXTERNAL TABLE.
fn split_statements(script: &str) -> Result<Vec<String>, String> {
    let dialect = GenericDialect {};
    let tokens = Tokenizer::new(&dialect, script)
        .tokenize()
        .map_err(|e| e.to_string())?;
    let mut statements = vec![];
    let mut current = String::new();
    for token in tokens {
        if token == Token::SemiColon {
            statements.push(std::mem::take(&mut current));
        } else {
            current.push_str(&token.to_string());
        }
    }
    statements.push(current);
    Ok(statements
        .into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect())
}

/// Whether `sql` is an `INSERT` (its job's result is the row count of each load task).
pub fn is_insert(sql: &str) -> bool {
    DFParser::parse_sql(sql).is_ok_and(|parsed| {
        matches!(parsed.front(), Some(Statement::Statement(s)) if matches!(s.as_ref(), SqlStatement::Insert(_)))
    })
}

fn is_setup(statement: &Statement) -> bool {
    match statement {
        Statement::CreateExternalTable(_) => true,
        Statement::Statement(inner) => matches!(
            inner.as_ref(),
            SqlStatement::CreateView { .. }
                | SqlStatement::Set(_)
                | SqlStatement::Drop { .. }
                | SqlStatement::CreateSchema { .. }
                | SqlStatement::CreateDatabase { .. }
        ),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ddl_is_replayed_before_each_query() {
        let jobs = script_to_jobs(
            "CREATE EXTERNAL TABLE t STORED AS PARQUET LOCATION '/tmp/t'; \
             SELECT count(*) FROM t; CREATE VIEW v AS SELECT 1 AS x; \
             SET datafusion.execution.batch_size = 1024; SELECT * FROM v",
        )
        .unwrap();
        assert_eq!(jobs.len(), 2);
        assert_eq!(jobs[0].setup_sql.len(), 1);
        assert_eq!(jobs[1].setup_sql.len(), 3);
        assert!(jobs[1].setup_sql[2].starts_with("SET "));
        assert!(jobs[1].steps[0].sql.contains("FROM v"));
    }

    #[test]
    fn statements_keep_their_options_and_semicolons_inside_strings() {
        let jobs = script_to_jobs(
            "CREATE EXTERNAL TABLE t STORED AS CSV LOCATION 'a;b.csv' \
             OPTIONS ('format.has_header' 'true'); SELECT ';' AS s FROM t;",
        )
        .unwrap();
        assert_eq!(jobs.len(), 1);
        assert!(
            jobs[0].setup_sql[0].contains("'format.has_header' 'true'"),
            "{:?}",
            jobs[0]
        );
        assert!(jobs[0].setup_sql[0].contains("'a;b.csv'"));
        assert_eq!(jobs[0].steps[0].sql, "SELECT ';' AS s FROM t");
    }

    #[test]
    fn a_session_keeps_its_ddl_for_later_scripts() {
        let mut session = Session::default();
        assert!(
            session
                .jobs("CREATE VIEW v AS SELECT 1 AS x;")
                .unwrap()
                .is_empty()
        );
        let jobs = session.jobs("SELECT * FROM v; SELECT 2").unwrap();
        assert_eq!(jobs.len(), 2);
        assert_eq!(jobs[1].setup_sql, vec!["CREATE VIEW v AS SELECT 1 AS x"]);
        assert_eq!(jobs[1].name, "sql-2");
        assert_eq!(session.jobs("SELECT 3").unwrap()[0].name, "sql-3");
    }

    #[test]
    fn statements_are_complete_at_a_semicolon_outside_strings_and_comments() {
        assert!(is_complete("SELECT 1;"));
        assert!(is_complete("SELECT 1;  \n"));
        assert!(is_complete("SELECT 1; -- done\n"));
        assert!(!is_complete("SELECT 1"));
        assert!(!is_complete("SELECT ';"));
        assert!(!is_complete("SELECT 1 -- ;"));
        assert!(!is_complete("SELECT 1 /* ; */"));
        assert!(!is_complete(""));
    }

    #[test]
    fn syntax_errors_are_reported() {
        assert!(script_to_jobs("SELEC 1").is_err());
        assert!(is_insert("INSERT INTO t SELECT 1"));
        assert!(!is_insert("SELECT 1 AS insert"));
        assert!(script_to_jobs("CREATE VIEW v AS SELECT 1").is_err());
    }
}
