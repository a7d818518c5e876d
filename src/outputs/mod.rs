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
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 forbids.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
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
    }
}
