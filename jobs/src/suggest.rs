//! "Did you mean": the valid name nearest a misspelt option or job-file key, so that an error
//! points at the fix instead of listing every name.

/// The name among `known` that `unknown` most likely misspells: the fewest edits (a swap of
/// two neighbouring letters counts as one), at most a third of the name's length; None when
/// nothing is that close.
pub fn nearest<'a>(unknown: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let unknown = unknown.to_ascii_lowercase();
    let limit = (unknown.chars().count() / 3).max(1);
    known
        .into_iter()
        .map(|name| {
            (
                strsim::damerau_levenshtein(&unknown, &name.to_ascii_lowercase()),
                name,
            )
        })
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| name)
}

/// `text` (a TOML parse error) with a "did you mean" line when it reports an unknown field
/// that is near one it expects.
pub fn unknown_field_hint(text: &str) -> String {
    let Some(rest) = text
        .lines()
        .find_map(|line| line.trim().strip_prefix("unknown field `"))
    else {
        return text.to_string();
    };
    let Some((field, expected)) = rest.split_once('`') else {
        return text.to_string();
    };
    let names = expected.split('`').skip(1).step_by(2);
    match nearest(field, names) {
        Some(name) => format!("{text}\ndid you mean `{name}`?"),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misspellings_find_their_name_and_strangers_none() {
        let known = [
            "delimiter",
            "header",
            "null_value",
            "newlines_in_values",
            "mode",
        ];
        assert_eq!(nearest("delimter", known), Some("delimiter"));
        assert_eq!(nearest("Header", known), Some("header"));
        assert_eq!(nearest("nulll_value", known), Some("null_value"));
        assert_eq!(nearest("moed", known), Some("mode"));
        assert_eq!(nearest("password_env", known), None);
        assert_eq!(nearest("x", known), None);
    }

    #[test]
    fn a_toml_unknown_field_gets_a_hint() {
        let error = "TOML parse error at line 4, column 1\n  |\n4 | partiton_by = []\n  | \
                     ^^^^^^^^^^^\nunknown field `partiton_by`, expected one of `format`, \
                     `path`, `partition_by`, `mode`\n";
        let hinted = unknown_field_hint(error);
        assert!(hinted.ends_with("did you mean `partition_by`?"), "{hinted}");
        let far = error.replace("partiton_by", "colour");
        assert_eq!(unknown_field_hint(&far), far);
    }
}
