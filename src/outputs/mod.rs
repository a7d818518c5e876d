//! Site-wide files made in Rust rather than from templates: Atom feeds, the
//! sitemap, robots.txt, alias redirects and the search index.
//!
//! These are machine-read formats with strict rules (valid XML, valid JSON,
//! absolute URLs); generating them in code means a theme cannot break them.
//! Each is a pure function of the assembled site and its rendered Markdown.

pub mod aliases;
pub mod feeds;
pub mod search;
pub mod sitemap;

use crate::content::{Page, PageId};
use crate::date::Date;

/// Gives one page's part of a site-wide output (a feed entry, a search
/// item): `(page, key of what else the part depends on, how to make it)`.
/// A rebuild takes parts whose inputs are unchanged from its memo.
pub type Parts<'a> = &'a (dyn Fn(PageId, u64, &dyn Fn() -> String) -> std::sync::Arc<str> + Sync);

/// Escapes text for XML element content and attribute values.
pub fn xml_escape(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len() + s.len() / 16);
    // Runs of bytes that stay as they are are copied whole (feeds escape
    // every page's HTML, several times over).
    let mut copied = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escaped = match b {
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'&' => "&amp;",
            b'"' => "&quot;",
            b'\'' => "&apos;",
            // Characters XML 1.0 forbids.
            0..0x20 if !matches!(b, b'\t' | b'\n' | b'\r') => "",
            _ => continue,
        };
        // `i` is at an ASCII byte: a character boundary.
        out.push_str(&s[copied..i]);
        out.push_str(escaped);
        copied = i + 1;
    }
    out.push_str(&s[copied..]);
    out
}

/// The day a page last changed for a reader: the latest of date, updated and last review.
pub fn last_changed(page: &Page) -> Option<Date> {
    [page.fm.date, page.fm.updated, page.fm.last_reviewed]
        .into_iter()
        .flatten()
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escape_handles_markup_and_control_characters() {
        assert_eq!(xml_escape("a<b>&\"'\u{1}c"), "a&lt;b&gt;&amp;&quot;&apos;c");
        assert_eq!(
            xml_escape("Müller – “x” \t\n\r\u{1f}\u{7f}<"),
            "Müller – “x” \t\n\r\u{7f}&lt;"
        );
        assert_eq!(xml_escape(""), "");
    }
}
