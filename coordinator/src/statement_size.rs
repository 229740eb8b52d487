//! A bound on how large one SQL statement's expressions may grow. SQL parses a chain of
//! operators (`a = 1 OR a = 2 OR ...`, `x + y + ...`, `SELECT ... UNION ALL SELECT ...`)
//! without nesting limits, into a tree as deep as the chain is long, which DataFusion then
//! plans, optimizes and evaluates recursively: a few thousand terms overflow a thread's stack
//! and end the process (the coordinator at submit, or an executor). Statements over the bound
//! are refused at submit instead.

use datafusion::sql::sqlparser::dialect::GenericDialect;
use datafusion::sql::sqlparser::keywords::Keyword;
use datafusion::sql::sqlparser::tokenizer::{Token, Tokenizer};

use crate::error::{CoordinatorError, Result};

/// The most operators (AND, OR, comparisons, arithmetic, concatenation, set operations) one
/// statement may hold: far above hand-written SQL, and well within what the runtime's stacks
/// (`kiln_core::runtime::THREAD_STACK_BYTES`) plan and run.
pub const MAX_OPERATORS: usize = 2_000;

/// Refuses `sql` (named `what` in the error) when it holds more than [`MAX_OPERATORS`].
pub fn check(what: &str, sql: &str) -> Result<()> {
    // A statement the tokenizer refuses is left for the parser to report.
    let Ok(tokens) = Tokenizer::new(&GenericDialect {}, sql).tokenize() else {
        return Ok(());
    };
    let operators = tokens.iter().filter(|t| is_operator(t)).count();
    if operators <= MAX_OPERATORS {
        return Ok(());
    }
    Err(CoordinatorError::InvalidJob(format!(
        "{what}: the statement holds {operators} operators (AND, OR, comparisons, arithmetic, \
         set operations), over the limit of {MAX_OPERATORS} per statement: write a long list \
         of alternatives as `column IN (...)`, or split the statement into steps"
    )))
}

fn is_operator(token: &Token) -> bool {
    match token {
        Token::Word(word) => matches!(
            word.keyword,
            Keyword::AND | Keyword::OR | Keyword::UNION | Keyword::INTERSECT | Keyword::EXCEPT
        ),
        Token::Eq
        | Token::DoubleEq
        | Token::Neq
        | Token::Lt
        | Token::Gt
        | Token::LtEq
        | Token::GtEq
        | Token::Spaceship
        | Token::Plus
        | Token::Minus
        | Token::Mul
        | Token::Div
        | Token::DuckIntDiv
        | Token::Mod
        | Token::StringConcat
        | Token::Ampersand
        | Token::Pipe
        | Token::Caret
        | Token::ShiftLeft
        | Token::ShiftRight => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ors(n: usize) -> String {
        let terms: Vec<String> = (0..n).map(|i| format!("x = {i}")).collect();
        format!("SELECT x FROM t WHERE {}", terms.join(" OR "))
    }

    #[test]
    fn a_chain_of_operators_over_the_limit_is_refused_naming_it() {
        // 1000 terms: 1000 comparisons and 999 ORs.
        check("step 'q'", &ors(1000)).unwrap();
        let error = check("step 'q'", &ors(20_000)).unwrap_err().to_string();
        assert!(
            error.contains("step 'q'")
                && error.contains("39999 operators")
                && error.contains("limit of 2000"),
            "{error}"
        );
        // Operators inside strings and comments are not counted.
        let quoted = format!("SELECT '{}' -- {}", "a OR ".repeat(5000), "+ ".repeat(5000));
        check("step 'q'", &quoted).unwrap();
    }
}
