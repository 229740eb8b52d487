//! Splitting a SQL script into Kiln jobs: DDL statements set the scene, each query is a job.

use datafusion::sql::parser::{DFParser, Statement};
use datafusion::sql::sqlparser::ast::Statement as SqlStatement;
use datafusion::sql::sqlparser::dialect::GenericDialect;
use datafusion::sql::sqlparser::tokenizer::{Token, Tokenizer};
use kiln_client::proto;

/// One job per query statement; every DDL statement before it (CREATE EXTERNAL TABLE,
/// CREATE VIEW, DROP) is replayed as the job's setup, so each job stands alone.
pub fn script_to_jobs(script: &str) -> Result<Vec<proto::JobSpec>, String> {
    let mut setup = vec![];
    let mut jobs = vec![];
    for text in split_statements(script)? {
        let mut parsed = DFParser::parse_sql(&text).map_err(|e| e.strip_backtrace())?;
        let Some(statement) = parsed.pop_front() else {
            continue;
        };
        if is_setup(&statement) {
            setup.push(text);
            continue;
        }
        jobs.push(proto::JobSpec {
            name: format!("sql-{}", jobs.len() + 1),
            setup_sql: setup.clone(),
            steps: vec![proto::StepSpec {
                name: "query".into(),
                sql: text,
            }],
            ..Default::default()
        });
    }
    if jobs.is_empty() {
        return Err("no query to run: the script has only DDL statements".into());
    }
    Ok(jobs)
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
    fn syntax_errors_are_reported() {
        assert!(script_to_jobs("SELEC 1").is_err());
        assert!(is_insert("INSERT INTO t SELECT 1"));
        assert!(!is_insert("SELECT 1 AS insert"));
        assert!(script_to_jobs("CREATE VIEW v AS SELECT 1").is_err());
    }
}
