//! Turning TOML and YAML parse errors into located, helpful diagnostics.
//!
//! serde's messages are written for programmers ("unknown field `titel`,
//! expected one of …"). This module maps their byte positions to the line and
//! column in the *file* (front matter starts after the `+++` line, not at the
//! top of the file) and rewrites the common cases into a message plus a hint a
//! doctor can act on.

use std::path::Path;

use crate::diagnostics::{Diagnostic, did_you_mean};

/// Where a parsed snippet sits inside its file.
#[derive(Debug, Clone, Copy)]
pub struct Snippet<'a> {
    /// The whole file's text, for line and column numbers.
    pub file_text: &'a str,
    /// Byte offset of the snippet inside the file.
    pub offset: usize,
}

/// A diagnostic for a TOML error in `snippet`, in `file`.
pub fn toml_error(
    err: &toml::de::Error,
    code: &'static str,
    file: &Path,
    snippet: Snippet<'_>,
) -> Diagnostic {
    let offset = snippet.offset + err.span().map_or(0, |r| r.start);
    let (message, hint) = explain(err.message().trim());
    let hint =
        hint.unwrap_or_else(|| "check the TOML syntax: `key = \"value\"`, one per line".into());
    Diagnostic::error(code, message)
        .in_file(file)
        .at_offset(snippet.file_text, offset)
        .with_hint(hint)
}

/// A diagnostic for a YAML error in `snippet`, in `file`.
pub fn yaml_error(
    err: &serde_yaml_ng::Error,
    code: &'static str,
    file: &Path,
    snippet: Snippet<'_>,
) -> Diagnostic {
    let offset = snippet.offset + err.location().map_or(0, |l| l.index());
    let raw = err.to_string();
    let raw = match raw.rfind(" at line ") {
        Some(i) => &raw[..i],
        None => raw.as_str(),
    };
    let (message, hint) = explain(raw.trim());
    let hint = hint.unwrap_or_else(|| "check the YAML syntax: `key: value`, one per line".into());
    Diagnostic::error(code, message)
        .in_file(file)
        .at_offset(snippet.file_text, offset)
        .with_hint(hint)
}

/// Rewrites serde's wording of the usual mistakes into message + hint.
pub fn explain(message: &str) -> (String, Option<String>) {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (name, tail) = rest.split_once('`').unwrap_or((rest, ""));
        let expected = expected_names(tail);
        let hint = did_you_mean(name, expected.iter().map(String::as_str)).or_else(|| {
            (!expected.is_empty()).then(|| {
                format!(
                    "valid keys here are {}",
                    expected
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
        });
        let hint = hint.map(|h| format!("{h} (free-form values belong in an `[extra]` table)"));
        return (format!("unknown key `{name}`"), hint);
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or(rest);
        return (
            format!("the required key `{name}` is missing"),
            Some(format!("add `{name} = \"…\"`")),
        );
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let rest = ["i64", "u64", "i32", "u32", "usize", "u8"]
            .iter()
            .find_map(|t| rest.strip_suffix(&format!("expected {t}")))
            .map_or_else(
                || rest.to_owned(),
                |r| format!("{r}expected a whole number"),
            );
        return (
            format!("wrong kind of value: {rest}"),
            Some("check quotes and brackets: strings in quotes, lists in [ ]".into()),
        );
    }
    // Our own value checks say how to write the value after ": write …":
    // that is the hint, not the generic syntax one.
    if let Some((what, how)) = message.split_once(": write ") {
        return (what.to_owned(), Some(format!("write {how}")));
    }
    (message.to_owned(), None)
}

/// The names listed after "expected one of" in a serde message.
fn expected_names(tail: &str) -> Vec<String> {
    let Some(i) = tail.find("expected") else {
        return Vec::new();
    };
    tail[i..]
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_field_gets_a_suggestion() {
        let (msg, hint) = explain("unknown field `titel`, expected one of `title`, `date`, `tags`");
        assert_eq!(msg, "unknown key `titel`");
        assert!(hint.unwrap_or_default().contains("did you mean `title`?"));
    }

    #[test]
    fn value_checks_keep_their_own_advice_as_the_hint() {
        let (msg, hint) = explain("`24.11.2026` is not a date: write it as YYYY-MM-DD");
        assert_eq!(msg, "`24.11.2026` is not a date");
        assert_eq!(hint.as_deref(), Some("write it as YYYY-MM-DD"));
        let (msg, _) = explain("invalid type: string \"ten\", expected i64");
        assert_eq!(
            msg,
            "wrong kind of value: string \"ten\", expected a whole number"
        );
    }

    #[test]
    fn unknown_field_without_near_key_lists_valid_ones() {
        let (_, hint) = explain("unknown field `zzz`, expected `title` or `date`");
        assert!(hint.unwrap_or_default().contains("`title`, `date`"));
    }

    #[test]
    fn toml_error_points_into_the_file() {
        let file_text = "+++\ntitle = \"x\"\ntitel = 3\n+++\n";
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Fm {
            title: String,
        }
        let body = &file_text[4..26];
        let err = toml::from_str::<Fm>(body).expect_err("unknown key");
        let d = toml_error(
            &err,
            "front-matter",
            Path::new("a.md"),
            Snippet {
                file_text,
                offset: 4,
            },
        );
        assert_eq!((d.line, d.column), (3, 1));
        assert_eq!(d.message, "unknown key `titel`");
    }
}
