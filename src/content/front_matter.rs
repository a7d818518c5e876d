//! Front matter: split it from the Markdown body and parse it into typed values.
//!
//! TOML goes between `+++` lines, YAML between `---` lines. Errors point at the
//! line and column in the *file* (the block's offset is added back), never at a
//! line inside the block. Keys outside the contract are errors with a
//! suggestion; free-form values belong in `[extra]`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::config::OneOrMany;
use crate::date::{Date, Interval};
use crate::diagnostics::Diagnostic;
use crate::source_errors::{Snippet, toml_error, yaml_error};

/// Which syntax a front-matter block is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Yaml,
}

/// A file cut into front matter and body, with byte offsets into the file.
#[derive(Debug, Clone, Copy)]
pub struct Split<'a> {
    pub format: Option<Format>,
    pub front_matter: &'a str,
    pub front_matter_offset: usize,
    pub body: &'a str,
    pub body_offset: usize,
}

/// Splits `text` (the whole file) at its front-matter delimiters.
pub fn split<'a>(text: &'a str, file: &Path) -> Result<Split<'a>, Diagnostic> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let first_line_end = text[start..]
        .find('\n')
        .map_or(text.len(), |i| start + i + 1);
    let first = text[start..first_line_end].trim_end();
    let (format, delim) = match first {
        "+++" => (Format::Toml, "+++"),
        "---" => (Format::Yaml, "---"),
        _ => {
            return Ok(Split {
                format: None,
                front_matter: "",
                front_matter_offset: start,
                body: &text[start..],
                body_offset: start,
            });
        }
    };
    let mut offset = first_line_end;
    for line in text[first_line_end..].split_inclusive('\n') {
        if line.trim_end() == delim {
            return Ok(Split {
                format: Some(format),
                front_matter: &text[first_line_end..offset],
                front_matter_offset: first_line_end,
                body: &text[offset + line.len()..],
                body_offset: offset + line.len(),
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::error(
        "front-matter",
        format!("the front matter opened with `{delim}` is never closed"),
    )
    .in_file(file)
    .at_offset(text, start)
    .with_hint(format!(
        "add a line with only `{delim}` after the last front-matter key"
    )))
}

/// Parses the front-matter block of `split` as `T`.
pub fn parse<T: DeserializeOwned + Default>(
    split: &Split<'_>,
    text: &str,
    file: &Path,
) -> Result<T, Diagnostic> {
    let snippet = Snippet {
        file_text: text,
        offset: split.front_matter_offset,
    };
    match split.format {
        None => Ok(T::default()),
        Some(Format::Toml) => toml::from_str(split.front_matter)
            .map_err(|e| toml_error(&e, "front-matter", file, snippet)),
        Some(Format::Yaml) => {
            // An empty YAML block is "null", which no struct accepts: read it as `{}`.
            let fm = if split.front_matter.trim().is_empty() {
                "{}"
            } else {
                split.front_matter
            };
            serde_yaml_ng::from_str(fm).map_err(|e| yaml_error(&e, "front-matter", file, snippet))
        }
    }
}

/// Byte offset in the file of the line that sets `key` in the front matter, if any.
pub fn key_offset(split: &Split<'_>, key: &str) -> Option<usize> {
    let mut offset = split.front_matter_offset;
    for line in split.front_matter.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key) {
            let rest = rest.trim_start();
            if rest.starts_with('=') || rest.starts_with(':') {
                return Some(offset + (line.len() - trimmed.len()));
            }
        }
        offset += line.len();
    }
    None
}

/// [`key_offset`] of each of `keys` (each made of letters, digits, `_` and
/// `-`) that the front matter sets, in one pass over its lines.
pub fn key_offsets<const N: usize>(
    split: &Split<'_>,
    keys: &[&'static str; N],
) -> [Option<usize>; N] {
    let mut found = [None; N];
    let mut offset = split.front_matter_offset;
    for line in split.front_matter.split_inclusive('\n') {
        let trimmed = line.trim_start();
        // A key is set on this line when it is the line's whole leading
        // word and `=` or `:` follows it.
        let word_len = trimmed
            .bytes()
            .position(|b| !(b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
            .unwrap_or(trimmed.len());
        let rest = trimmed[word_len..].trim_start();
        if word_len > 0
            && (rest.starts_with('=') || rest.starts_with(':'))
            && let Some(i) = keys.iter().position(|k| *k == &trimmed[..word_len])
            && found[i].is_none()
        {
            found[i] = Some(offset + (line.len() - trimmed.len()));
        }
        offset += line.len();
    }
    found
}

/// Who an article is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    #[default]
    Patients,
    Clinicians,
    All,
}

impl Audience {
    pub fn as_str(&self) -> &'static str {
        match self {
            Audience::Patients => "patients",
            Audience::Clinicians => "clinicians",
            Audience::All => "all",
        }
    }
}

/// `card = false`, `card = true` or `card = "hero.png"`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum CardSetting {
    Enabled(bool),
    Image(String),
}

/// The front matter of an article.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageFrontMatter {
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub date: Option<Date>,
    #[serde(default)]
    pub updated: Option<Date>,
    #[serde(default)]
    pub last_reviewed: Option<Date>,
    #[serde(default)]
    pub review_interval: Option<Interval>,
    #[serde(default)]
    pub next_review: Option<Date>,
    #[serde(default)]
    pub authors: Option<Vec<String>>,
    #[serde(default)]
    pub reviewed_by: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub audience: Option<Audience>,
    #[serde(default)]
    pub lang: Option<String>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub bibliography: Option<OneOrMany>,
    #[serde(default)]
    pub card: Option<CardSetting>,
    #[serde(default)]
    pub template: Option<String>,
    #[serde(default)]
    pub weight: Option<i64>,
    #[serde(default)]
    pub specialty: Option<String>,
    /// Checks turned off for this page: `allow = ["confidentiality"]`.
    #[serde(default)]
    pub allow: Vec<String>,
    #[serde(default)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// How a section orders its pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    #[default]
    Date,
    Title,
    Weight,
}

/// The front matter of a section's `_index.md`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionFrontMatter {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub sort_by: SortBy,
    #[serde(default)]
    pub paginate_by: Option<i64>,
    #[serde(default)]
    pub template: Option<String>,
    #[serde(default)]
    pub page_template: Option<String>,
    #[serde(default)]
    pub weight: Option<i64>,
    #[serde(default)]
    pub lang: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub draft: bool,
    /// Checks turned off for this page: `allow = ["confidentiality"]`.
    #[serde(default)]
    pub allow: Vec<String>,
    #[serde(default)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(text: &str) -> Result<PageFrontMatter, Diagnostic> {
        let file = Path::new("a.md");
        let s = split(text, file)?;
        parse(&s, text, file)
    }

    #[test]
    fn key_offsets_in_one_pass_match_key_offset() {
        let texts = [
            "+++\ntitle = \"A\"\n  lang=\"de\"\ntitles = 1\nslug.x = 2\ntitle = \"B\"\n+++\nBody\n",
            "---\ntitle: A\nauthors:\n  - x\nnext_review : 2026-01-01\n---\n",
            "+++\n[extra]\nslug = \"s\"\naliases\u{a0}= []\ntitleé = 1\npaginate_by-x = 1\n+++\n",
            "No front matter\n",
        ];
        let keys = [
            "title",
            "authors",
            "lang",
            "next_review",
            "slug",
            "aliases",
            "paginate_by",
        ];
        for text in texts {
            let s = split(text, Path::new("a.md")).expect("closed");
            let all = key_offsets(&s, &keys);
            for (key, found) in keys.iter().zip(all) {
                assert_eq!(found, key_offset(&s, key), "{key} in {text:?}");
            }
        }
    }

    #[test]
    fn splits_toml_and_yaml_with_offsets() {
        let text = "+++\ntitle = \"A\"\n+++\nBody\n";
        let s = split(text, Path::new("a.md")).expect("closed");
        assert_eq!(s.format, Some(Format::Toml));
        assert_eq!(s.front_matter, "title = \"A\"\n");
        assert_eq!(s.body, "Body\n");
        assert_eq!(&text[s.body_offset..], "Body\n");

        let text = "\u{feff}---\r\ntitle: A\r\n---\r\nBody";
        let s = split(text, Path::new("a.md")).expect("closed");
        assert_eq!(s.format, Some(Format::Yaml));
        assert_eq!(s.body, "Body");
    }

    #[test]
    fn unclosed_front_matter_is_an_error_at_line_one() {
        let err = split("+++\ntitle = \"A\"\nBody\n", Path::new("a.md")).expect_err("unclosed");
        assert_eq!(err.line, 1);
        assert!(err.message.contains("never closed"));
    }

    #[test]
    fn toml_dates_and_yaml_dates_parse_alike() {
        let a =
            page("+++\ntitle = \"A\"\ndate = 2026-03-01\nreview_interval = \"6 months\"\n+++\n")
                .expect("toml");
        let b = page("---\ntitle: A\ndate: 2026-03-01\nreview_interval: 6 months\n---\n")
            .expect("yaml");
        assert_eq!(a.date, b.date);
        assert_eq!(a.date.map(|d| d.iso()), Some("2026-03-01".into()));
        assert_eq!(a.review_interval, b.review_interval);
    }

    #[test]
    fn errors_point_at_the_line_in_the_file() {
        let err = page("+++\ntitle = \"A\"\ndate = \"01.03.2026\"\n+++\n").expect_err("bad date");
        assert_eq!(err.line, 3);
        assert!(
            err.hint.as_deref().unwrap_or("").contains("YYYY-MM-DD"),
            "{}",
            err.render(false)
        );

        let err = page("---\ntitle: A\ntags: [a, b\n---\n").expect_err("bad yaml");
        assert!(err.line >= 3, "line {}", err.line);

        let err = page("+++\ntitle = \"A\"\nauthor = [\"x\"]\n+++\n").expect_err("unknown key");
        assert_eq!(err.line, 3);
        assert!(err.hint.unwrap_or_default().contains("`authors`"));
    }

    #[test]
    fn key_offset_finds_toml_and_yaml_keys() {
        let text = "---\ntitle: A\nauthors: [x]\n---\n";
        let s = split(text, Path::new("a.md")).expect("closed");
        let off = key_offset(&s, "authors").expect("found");
        assert_eq!(&text[off..off + 7], "authors");
    }
}
