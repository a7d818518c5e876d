//! The Impressum: `[legal]` facts laid out at `/impressum/`.
//!
//! praxis writes no legal text: the template shows the fields the practice
//! filled in, under neutral labels. For a German site (`default_language` `de`
//! or `de-DE`) a missing field that §5 DDG expects of a doctor is a warning.

use std::path::PathBuf;

use serde::Serialize;

use crate::config::{CONFIG_FILE, Config, Legal};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::Output;

/// The root-relative URL of the Impressum, when `[legal]` is configured.
pub fn impressum_url(config: &Config) -> Option<String> {
    config
        .legal
        .as_ref()
        .map(|_| format!("{}impressum/", config.root_path))
}

/// `legal` in `impressum.html`: the `[legal]` fields plus `notes_html`.
#[derive(Debug, Serialize)]
pub struct LegalView<'a> {
    #[serde(flatten)]
    pub fields: &'a Legal,
    /// `address` split at line breaks (empty lines dropped).
    pub address_lines: Vec<&'a str>,
    /// `tel:` link of `phone` (`""` when unset).
    pub phone_href: String,
    /// `notes` rendered from Markdown (`""` when unset).
    pub notes_html: String,
}

impl<'a> LegalView<'a> {
    pub fn new(legal: &'a Legal) -> LegalView<'a> {
        let mut notes_html = String::new();
        if !legal.notes.trim().is_empty() {
            let parser = pulldown_cmark::Parser::new_ext(
                &legal.notes,
                pulldown_cmark::Options::ENABLE_TABLES
                    | pulldown_cmark::Options::ENABLE_STRIKETHROUGH,
            );
            pulldown_cmark::html::push_html(&mut notes_html, parser);
        }
        let digits: String = legal
            .phone
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect();
        LegalView {
            fields: legal,
            address_lines: legal
                .address
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect(),
            phone_href: if digits.is_empty() {
                String::new()
            } else {
                format!("tel:{digits}")
            },
            notes_html,
        }
    }
}

/// The rendered Impressum, unless a page of the site already has its path
/// (then the site's own page wins, and a warning says so).
pub fn unless_taken(
    output: &Output,
    (path, html): (PathBuf, crate::output::Content),
) -> Result<(PathBuf, crate::output::Content), Diagnostic> {
    if output.paths().any(|p| p == path) {
        return Err(Diagnostic::warning(
            "legal",
            format!(
                "a page of the site is already at {}: praxis does not generate the Impressum from [legal]",
                path.display()
            ),
        )
        .in_file(CONFIG_FILE)
        .with_hint("remove that page to use the generated Impressum, or remove the [legal] table"));
    }
    Ok((path, html))
}

/// Whether the site's default language is German as spoken in Germany.
fn is_german_site(config: &Config) -> bool {
    let lang = config.default_language.to_ascii_lowercase();
    lang == "de" || lang == "de-de"
}

/// The `[legal]` keys a German doctor's Impressum needs that are empty.
pub fn missing_fields(legal: &Legal) -> Vec<&'static str> {
    let empty = |s: &str| s.trim().is_empty();
    let mut out = Vec::new();
    for (key, value) in [
        ("name", &legal.name),
        ("title", &legal.title),
        ("address", &legal.address),
    ] {
        if empty(value) {
            out.push(key);
        }
    }
    if empty(&legal.email) && empty(&legal.phone) {
        out.push("email or phone");
    }
    for (key, value) in [
        ("chamber", &legal.chamber),
        ("state", &legal.state),
        ("professional_code_url", &legal.professional_code_url),
    ] {
        if empty(value) {
            out.push(key);
        }
    }
    out
}

/// A warning when a German site's `[legal]` table lacks mandatory fields.
pub fn check(config: &Config, ds: &mut Diagnostics) {
    let Some(legal) = &config.legal else {
        return;
    };
    if !is_german_site(config) {
        return;
    }
    let missing = missing_fields(legal);
    if missing.is_empty() {
        return;
    }
    let list = missing
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut d = Diagnostic::warning(
        "legal",
        format!("the Impressum lacks {list}, which §5 DDG expects of a practice in Germany"),
    )
    .in_file(CONFIG_FILE)
    .with_hint(
        "fill them in under [legal] in praxis.toml (name, title, address, email or phone, chamber, state, professional_code_url); praxis shows what you write and adds no legal text",
    );
    if let Ok(text) = std::fs::read_to_string(config.root.join(CONFIG_FILE))
        && let Some(off) = text.find("[legal]")
    {
        d = d.at_offset(&text, off);
    }
    ds.push(d);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_fields_accepts_email_or_phone() {
        let full = Legal {
            name: "Dr. A".into(),
            title: "Ärztin".into(),
            address: "Str. 1, Berlin".into(),
            phone: "030 1".into(),
            chamber: "ÄK Berlin".into(),
            state: "Berlin".into(),
            professional_code_url: "https://example.org/bo".into(),
            ..Legal::default()
        };
        assert!(missing_fields(&full).is_empty());
        let no_contact = Legal {
            phone: String::new(),
            ..full.clone()
        };
        assert_eq!(missing_fields(&no_contact), ["email or phone"]);
        assert_eq!(missing_fields(&Legal::default()).len(), 7);
    }

    #[test]
    fn notes_are_markdown() {
        let legal = Legal {
            notes: "Plain *text*.".into(),
            ..Legal::default()
        };
        assert_eq!(
            LegalView::new(&legal).notes_html.trim(),
            "<p>Plain <em>text</em>.</p>"
        );
    }
}
