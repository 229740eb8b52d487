//! A cursor over one line for the hand-written parsers: space-separated tokens, quoted and
//! bracketed fields, without copying unless a field has escapes.

use std::borrow::Cow;

/// Reads fields off the front of a line.
pub struct Cursor<'a> {
    line: &'a str,
    at: usize,
}

impl<'a> Cursor<'a> {
    pub fn new(line: &'a str) -> Self {
        Self { line, at: 0 }
    }

    fn rest_bytes(&self) -> &'a [u8] {
        &self.line.as_bytes()[self.at..]
    }

    /// Whether the line has nothing left but spaces.
    pub fn is_done(&self) -> bool {
        self.rest_bytes().iter().all(|b| *b == b' ')
    }

    /// What is left of the line, without leading spaces.
    pub fn rest(&mut self) -> &'a str {
        self.skip_spaces();
        let rest = &self.line[self.at..];
        self.at = self.line.len();
        rest
    }

    /// What is left of the line, leaving the cursor where it is.
    pub fn rest_of_line(&self) -> &'a str {
        &self.line[self.at..]
    }

    pub fn skip_spaces(&mut self) {
        while self.rest_bytes().first() == Some(&b' ') {
            self.at += 1;
        }
    }

    /// The next token up to `delimiter` (which is consumed) or the end of the line.
    pub fn until(&mut self, delimiter: u8) -> &'a str {
        let rest = self.rest_bytes();
        let end = memchr::memchr(delimiter, rest).unwrap_or(rest.len());
        let token = &self.line[self.at..self.at + end];
        self.at = (self.at + end + 1).min(self.line.len());
        token
    }

    /// The next space-separated token; an error names `what` when the line has ended.
    pub fn token(&mut self, what: &str) -> Result<&'a str, String> {
        self.skip_spaces();
        if self.at >= self.line.len() {
            return Err(format!("line ends before {what}"));
        }
        Ok(self.until(b' '))
    }

    /// Consumes `byte` if it comes next.
    pub fn eat(&mut self, byte: u8) -> bool {
        if self.rest_bytes().first() == Some(&byte) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    /// A field between `open` and `close`, e.g. `[10/Oct/2000:13:55:36 -0700]`.
    pub fn enclosed(&mut self, open: u8, close: u8, what: &str) -> Result<&'a str, String> {
        self.skip_spaces();
        if !self.eat(open) {
            return Err(format!("expected '{}' to open {what}", open as char));
        }
        let rest = self.rest_bytes();
        let end = memchr::memchr(close, rest)
            .ok_or_else(|| format!("{what} is not closed by '{}'", close as char))?;
        let field = &self.line[self.at..self.at + end];
        self.at += end + 1;
        Ok(field)
    }

    /// A double-quoted field; `\"` and `\\` inside it are unescaped.
    pub fn quoted(&mut self, what: &str) -> Result<Cow<'a, str>, String> {
        self.skip_spaces();
        if !self.eat(b'"') {
            return Err(format!("expected '\"' to open {what}"));
        }
        let start = self.at;
        let bytes = self.line.as_bytes();
        let mut escaped = false;
        let mut i = start;
        loop {
            let Some(offset) = memchr::memchr2(b'"', b'\\', &bytes[i..]) else {
                return Err(format!("{what} is not closed by '\"'"));
            };
            i += offset;
            if bytes[i] == b'\\' {
                escaped = true;
                i += 2;
                if i > bytes.len() {
                    return Err(format!("{what} is not closed by '\"'"));
                }
                continue;
            }
            break;
        }
        self.at = i + 1;
        let raw = &self.line[start..i];
        Ok(if escaped {
            Cow::Owned(unescape(raw))
        } else {
            Cow::Borrowed(raw)
        })
    }
}

/// Undoes the `\"` and `\\` escapes Apache and nginx write inside quoted fields; other escapes
/// (`\x16` for a control byte) stay as written.
fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some(c @ ('"' | '\\')) => out.push(c),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_unescape_only_when_needed() {
        let mut cursor = Cursor::new(r#""plain" "say \"hi\" \\o/" "open"#);
        assert!(matches!(cursor.quoted("a"), Ok(Cow::Borrowed("plain"))));
        assert_eq!(cursor.quoted("b").unwrap(), r#"say "hi" \o/"#);
        assert!(cursor.quoted("c").unwrap_err().contains("not closed"));
    }

    #[test]
    fn tokens_and_brackets() {
        let mut cursor = Cursor::new("a  [x y] b");
        assert_eq!(cursor.token("first").unwrap(), "a");
        assert_eq!(cursor.enclosed(b'[', b']', "time").unwrap(), "x y");
        assert_eq!(cursor.token("last").unwrap(), "b");
        assert!(cursor.is_done());
        assert!(cursor.token("more").unwrap_err().contains("before more"));
    }
}
