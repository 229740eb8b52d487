//! Splitting a SQL script into Kiln jobs: DDL statements set the scene, each query is a job.

use datafusion::sql::parser::{DFParser, Statement};
use datafusion::sql::sqlparser::ast::Statement as SqlStatement;
use kiln_client::proto;

/// One job per query statement; every DDL statement before it (CREATE EXTERNAL TABLE,
/// CREATE VIEW, DROP) is replayed as the job's setup, so each job stands alone.
pub fn script_to_jobs(script: &str) -> Result<Vec<proto::JobSpec>, String> {
    let statements = DFParser::parse_sql(script).map_err(|e| e.strip_backtrace())?;
    let mut setup = vec![];
    let mut jobs = vec![];
    for statement in statements {
        let text = statement.to_string();
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

fn is_setup(statement: &Statement) -> bool {
    match statement {
        Statement::CreateExternalTable(_) => true,
        Statement::Statement(inner) => matches!(
            inner.as_ref(),
            SqlStatement::CreateView { .. }
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
             SELECT count(*) FROM t; CREATE VIEW v AS SELECT 1 AS x; SELECT * FROM v",
        )
        .unwrap();
        assert_eq!(jobs.len(), 2);
        assert_eq!(jobs[0].setup_sql.len(), 1);
        assert_eq!(jobs[1].setup_sql.len(), 2);
        assert!(jobs[1].steps[0].sql.contains("FROM v"));
    }

    #[test]
    fn syntax_errors_are_reported() {
        assert!(script_to_jobs("SELEC 1").is_err());
        assert!(script_to_jobs("CREATE VIEW v AS SELECT 1").is_err());
    }
}
