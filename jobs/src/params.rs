//! Job parameters (`${name}`) filled in as values, never as text that could change what the
//! file or a statement means.
//!
//! A placeholder standing alone as a TOML value (`parallelism = ${p}`) becomes a TOML value of
//! its own: a number or boolean when the parameter reads as one, else a string. Inside a TOML
//! string it is filled into that string after parsing. In SQL it is filled in as a literal the
//! statement cannot escape from: inside `'...'` with its quotes doubled, inside a `"..."`
//! identifier likewise, and standing alone as a number or a quoted string. So
//! `WHERE name = '${who}'` with `who = x' OR '1'='1` compares `name` with that text.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;

use datafusion::sql::sqlparser::dialect::GenericDialect;
use datafusion::sql::sqlparser::tokenizer::{Token, Tokenizer, Whitespace};
use toml_parser::lexer::TokenKind;

use crate::{JobSpecError, Result};

/// The values of one job file's parameters: given ones (`--param`), else the file's
/// `[params]` defaults; and which of them the file used.
/// The prefix of the parameters Kiln supplies to the runs it starts (`${kiln.run_id}` for
/// every stored job's run, `${kiln.scheduled_time}`, `${kiln.schedule}`, `${kiln.tick_ms}`
/// for a schedule's, ...); users cannot set them.
pub const RUN_VALUE_PREFIX: &str = "kiln.";

pub(crate) struct Params<'a> {
    file: &'a str,
    given: &'a HashMap<String, String>,
    defaults: BTreeMap<String, String>,
    used: BTreeSet<String>,
}

impl<'a> Params<'a> {
    /// Reads the `[params]` defaults of job file `text` (named `file` in errors) and returns
    /// the text with every placeholder that stands alone as a TOML value replaced by its value,
    /// encoded as TOML.
    pub(crate) fn fill_toml(
        text: &str,
        file: &'a str,
        given: &'a HashMap<String, String>,
    ) -> Result<(Params<'a>, String)> {
        let bare = bare_placeholders(text);
        // The defaults, read leniently from the file with its bare placeholders as strings: a
        // malformed file is reported by the full parse afterwards.
        let readable = replace(text, &bare, |_, name| Ok(format!("\"${{{name}}}\"")))?;
        let defaults = toml::from_str::<toml::Table>(&readable)
            .ok()
            .and_then(|t| t.get("params").and_then(|p| p.as_table()).cloned())
            .map(|params| {
                params
                    .into_iter()
                    .map(|(name, value)| match value {
                        toml::Value::String(text) => (name, text),
                        other => (name, other.to_string()),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut params = Params {
            file,
            given,
            defaults,
            used: BTreeSet::new(),
        };
        let filled = replace(text, &bare, |i, name| {
            let line = text[..bare[i].0.start].matches('\n').count() + 1;
            Ok(toml_value(params.value(name, &format!("line {line}"))?))
        })?;
        Ok((params, filled))
    }

    /// Fills the placeholders of a string field (`field` names it in errors) with their text.
    pub(crate) fn text(&mut self, value: &mut String, field: &str) -> Result<()> {
        let found = placeholders(value).map_err(|m| self.invalid(format!("{field}: {m}")))?;
        *value = replace(value, &found, |_, name| {
            Ok(self.value(name, field)?.to_string())
        })?;
        Ok(())
    }

    /// Fills the placeholders of a SQL statement (`field` names it in errors) as literals.
    pub(crate) fn sql(&mut self, sql: &mut String, field: &str) -> Result<()> {
        let found = placeholders(sql).map_err(|m| self.invalid(format!("{field}: {m}")))?;
        if found.is_empty() {
            return Ok(());
        }
        // Each placeholder becomes a marker word first, so that the tokenizer shows where it
        // stands: inside a string, an identifier, a comment, or alone.
        let marker = |i: usize| format!("__kiln_param_{i}__");
        let marked = replace(sql, &found, |i, _| Ok(marker(i)))?;
        let tokens = Tokenizer::new(&GenericDialect {}, &marked)
            .with_unescape(false)
            .tokenize_with_location()
            .map_err(|e| self.invalid(format!("{field}: {e}")))?;
        let lines = LineStarts::new(&marked);
        let mut out = String::with_capacity(marked.len());
        let mut copied = 0;
        for token in tokens {
            let start = lines.offset(token.span.start.line, token.span.start.column);
            let end = lines.offset(token.span.end.line, token.span.end.column);
            let raw = &marked[start..end];
            if !raw.contains("__kiln_param_") {
                continue;
            }
            let mut piece = raw.to_string();
            for (i, (_, name)) in found.iter().enumerate() {
                if !piece.contains(&marker(i)) {
                    continue;
                }
                let value = self.value(name, field)?.to_string();
                let filled = match &token.token {
                    Token::Word(word) if word.quote_style.is_none() => {
                        if piece != marker(i) {
                            return Err(self.invalid(format!(
                                "{field}: parameter ${{{name}}} stands inside a word; outside \
                                 quotes a parameter stands alone (as a value), or put it in \
                                 '...' or \"...\""
                            )));
                        }
                        sql_literal(&value)
                    }
                    Token::Word(word) if word.quote_style == Some('"') => {
                        value.replace('"', "\"\"")
                    }
                    Token::SingleQuotedString(_) => value.replace('\'', "''"),
                    // A comment keeps the placeholder as written: a value could end it.
                    Token::Whitespace(
                        Whitespace::SingleLineComment { .. } | Whitespace::MultiLineComment(_),
                    ) => format!("${{{name}}}"),
                    _ => {
                        return Err(self.invalid(format!(
                            "{field}: parameter ${{{name}}} stands where its value cannot be \
                             quoted; use it alone as a value, or inside '...' or \"...\""
                        )));
                    }
                };
                piece = piece.replace(&marker(i), &filled);
            }
            out.push_str(&marked[copied..start]);
            out.push_str(&piece);
            copied = end;
        }
        out.push_str(&marked[copied..]);
        *sql = out;
        Ok(())
    }

    /// Refuses given parameters the file never uses (a misspelt `--param`); the run values
    /// Kiln supplies ([`RUN_VALUE_PREFIX`]) may go unused.
    pub(crate) fn check_all_used(&self) -> Result<()> {
        match self.given.keys().find(|k| {
            !k.starts_with(RUN_VALUE_PREFIX)
                && !self.used.contains(*k)
                && !self.defaults.contains_key(*k)
        }) {
            None => Ok(()),
            Some(unknown) => Err(self.invalid(format!(
                "parameter '{unknown}' is not used by this job (it uses: {})",
                self.used.iter().cloned().collect::<Vec<_>>().join(", ")
            ))),
        }
    }

    /// The value of parameter `name`, used at `place`.
    fn value(&mut self, name: &str, place: &str) -> Result<&str> {
        self.used.insert(name.to_string());
        match self.given.get(name).or_else(|| self.defaults.get(name)) {
            Some(value) => Ok(value),
            None => Err(JobSpecError::MissingParam {
                path: self.file.to_string(),
                place: place.to_string(),
                name: name.to_string(),
            }),
        }
    }

    fn invalid(&self, message: String) -> JobSpecError {
        JobSpecError::Invalid {
            path: self.file.to_string(),
            message,
        }
    }
}

/// Where the `${name}` placeholders of `text` are, with their names.
fn placeholders(text: &str) -> std::result::Result<Vec<(Range<usize>, String)>, String> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find("${") {
        let start = from + at;
        let Some(len) = text[start..].find('}') else {
            return Err("'${' without a closing '}'".into());
        };
        let name = &text[start + 2..start + len];
        if name.is_empty() {
            return Err("'${}' names no parameter".into());
        }
        found.push((start..start + len + 1, name.to_string()));
        from = start + len + 1;
    }
    Ok(found)
}

/// The placeholders of a TOML file that stand outside its strings and comments.
fn bare_placeholders(text: &str) -> Vec<(Range<usize>, String)> {
    let quoted: Vec<Range<usize>> = toml_parser::Source::new(text)
        .lex()
        .filter(|t| {
            matches!(
                t.kind(),
                TokenKind::BasicString
                    | TokenKind::LiteralString
                    | TokenKind::MlBasicString
                    | TokenKind::MlLiteralString
                    | TokenKind::Comment
            )
        })
        .map(|t| t.span().start()..t.span().end())
        .collect();
    // An unclosed placeholder is reported where it is filled (or by the TOML parse).
    placeholders(text)
        .unwrap_or_default()
        .into_iter()
        .filter(|(range, _)| !quoted.iter().any(|q| q.contains(&range.start)))
        .collect()
}

/// `text` with the i-th of `found` replaced by what `with` gives for it (and its name).
fn replace(
    text: &str,
    found: &[(Range<usize>, String)],
    mut with: impl FnMut(usize, &str) -> Result<String>,
) -> Result<String> {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (i, (range, name)) in found.iter().enumerate() {
        out.push_str(&text[copied..range.start]);
        out.push_str(&with(i, name)?);
        copied = range.end;
    }
    out.push_str(&text[copied..]);
    Ok(out)
}

/// A parameter as a TOML value: a number or boolean when it reads as one, else a string.
fn toml_value(value: &str) -> String {
    if let Ok(n) = value.parse::<i64>() {
        return n.to_string();
    }
    if let Ok(x) = value.parse::<f64>()
        && x.is_finite()
    {
        return toml::Value::Float(x).to_string();
    }
    if let Ok(b) = value.parse::<bool>() {
        return b.to_string();
    }
    toml::Value::String(value.to_string()).to_string()
}

/// A parameter standing alone in SQL: a number when it reads as one (negative ones in
/// parentheses, so that `a -${n}` cannot become a comment), else a quoted string.
fn sql_literal(value: &str) -> String {
    let number = value.parse::<f64>().is_ok_and(f64::is_finite)
        && value
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'));
    match (number, value.starts_with('-')) {
        (true, false) => value.to_string(),
        (true, true) => format!("({value})"),
        (false, _) => format!("'{}'", value.replace('\'', "''")),
    }
}

/// Byte offsets of line starts, to turn the tokenizer's (line, column) into offsets.
struct LineStarts<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> LineStarts<'t> {
    fn new(text: &'t str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineStarts { text, starts }
    }

    /// The byte offset of 1-based `line` and `column` (in characters).
    fn offset(&self, line: u64, column: u64) -> usize {
        let Some(&start) = self.starts.get((line as usize).saturating_sub(1)) else {
            return self.text.len();
        };
        self.text[start..]
            .char_indices()
            .nth((column as usize).saturating_sub(1))
            .map_or(self.text.len(), |(i, _)| start + i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sql(text: &str, given: &[(&str, &str)]) -> Result<String> {
        let given: HashMap<String, String> = given
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let (mut params, _) = Params::fill_toml("", "job.toml", &given)?;
        let mut sql = text.to_string();
        params.sql(&mut sql, "step 'q'")?;
        Ok(sql)
    }

    #[test]
    fn a_quote_in_a_value_cannot_end_its_string() {
        let filled = sql(
            "SELECT * FROM people WHERE name = '${who}'",
            &[("who", "x' OR '1'='1")],
        )
        .unwrap();
        assert_eq!(
            filled,
            "SELECT * FROM people WHERE name = 'x'' OR ''1''=''1'"
        );
    }

    #[test]
    fn values_fill_strings_identifiers_and_stand_alone_as_literals() {
        let filled = sql(
            "SELECT \"${col}\", 'dt=${day}/${key}' FROM t WHERE n > ${n} AND m < ${m} \
             AND s = ${s} -- ${s}\n",
            &[
                ("col", "we\"ird"),
                ("day", "2024-01-01"),
                ("key", "it's here/ü.csv"),
                ("n", "10"),
                ("m", "-5"),
                ("s", "a' --"),
            ],
        )
        .unwrap();
        assert_eq!(
            filled,
            "SELECT \"we\"\"ird\", 'dt=2024-01-01/it''s here/ü.csv' FROM t WHERE n > 10 AND \
             m < (-5) AND s = 'a'' --' -- ${s}\n"
        );
    }

    #[test]
    fn a_parameter_glued_to_a_word_is_refused() {
        let error = sql("SELECT * FROM t_${x}", &[("x", "1")])
            .unwrap_err()
            .to_string();
        assert!(error.contains("inside a word"), "{error}");
    }

    #[test]
    fn bare_toml_placeholders_become_typed_values() {
        let text = "parallelism = ${p}\nname = \"${n}\"\nflag = ${f}\nx = ${s}\n[params]\np = 4\n";
        let given = HashMap::from([
            ("n".to_string(), "job".to_string()),
            ("f".to_string(), "true".to_string()),
            ("s".to_string(), "a\"\n[sink]".to_string()),
        ]);
        let (_, filled) = Params::fill_toml(text, "job.toml", &given).unwrap();
        let table: toml::Table = toml::from_str(&filled).unwrap();
        assert_eq!(table["parallelism"].as_integer(), Some(4));
        assert_eq!(table["name"].as_str(), Some("${n}"));
        assert_eq!(table["flag"].as_bool(), Some(true));
        assert_eq!(table["x"].as_str(), Some("a\"\n[sink]"));
        assert!(!table.contains_key("sink"));
    }

    proptest::proptest! {
        /// Whatever a value holds (quotes, comment markers, semicolons, any Unicode), the
        /// filled statement parses as the same one statement, with the value as one string
        /// literal, one identifier and one stand-alone literal.
        #[test]
        fn a_value_never_changes_the_statement(
            value in proptest::prop_oneof![
                proptest::string::string_regex("\\PC{1,16}").unwrap(),
                proptest::string::string_regex("[a-z'\" ;\\-/*0-9.e+]{1,12}").unwrap(),
                proptest::strategy::Strategy::prop_map(
                    proptest::prelude::any::<i64>(),
                    |n| n.to_string(),
                ),
            ],
        ) {
            use datafusion::sql::sqlparser::ast::{
                BinaryOperator, Expr, SelectItem, SetExpr, Statement, UnaryOperator, Value,
            };
            use datafusion::sql::sqlparser::dialect::GenericDialect;
            use datafusion::sql::sqlparser::parser::Parser;
            let Ok(filled) = sql(
                "SELECT '${v}' AS a, \"${v}\" AS b FROM t WHERE c = ${v}",
                &[("v", &value)],
            ) else {
                // Refused values (for example one glued to a word) are fine: nothing runs.
                return Ok(());
            };
            let statements = Parser::parse_sql(&GenericDialect {}, &filled)
                .map_err(|e| proptest::test_runner::TestCaseError::fail(format!("{filled}: {e}")))?;
            proptest::prop_assert_eq!(statements.len(), 1, "{}", filled);
            let Statement::Query(query) = &statements[0] else {
                return Err(proptest::test_runner::TestCaseError::fail(filled));
            };
            let SetExpr::Select(select) = query.body.as_ref() else {
                return Err(proptest::test_runner::TestCaseError::fail(filled));
            };
            proptest::prop_assert_eq!(select.projection.len(), 2, "{}", filled);
            match &select.projection[0] {
                SelectItem::ExprWithAlias { expr: Expr::Value(v), .. } => {
                    proptest::prop_assert_eq!(&v.value, &Value::SingleQuotedString(value.clone()));
                }
                other => proptest::prop_assert!(false, "{filled}: {other:?}"),
            }
            match &select.projection[1] {
                SelectItem::ExprWithAlias { expr: Expr::Identifier(ident), .. } => {
                    proptest::prop_assert_eq!(&ident.value, &value);
                }
                other => proptest::prop_assert!(false, "{filled}: {other:?}"),
            }
            let Some(Expr::BinaryOp { left, op: BinaryOperator::Eq, right }) = &select.selection
            else {
                return Err(proptest::test_runner::TestCaseError::fail(filled));
            };
            proptest::prop_assert!(matches!(left.as_ref(), Expr::Identifier(_)), "{}", filled);
            // A number stands as itself, signed (`-1` in parentheses, `+0`).
            let unsigned = |e: &Expr| match e {
                Expr::UnaryOp { op: UnaryOperator::Minus | UnaryOperator::Plus, expr } => {
                    expr.as_ref().clone()
                }
                other => other.clone(),
            };
            let literal = match right.as_ref() {
                Expr::Nested(inner) => unsigned(inner),
                other => unsigned(other),
            };
            proptest::prop_assert!(matches!(literal, Expr::Value(_)), "{}", filled);
        }
    }
}
