//! The outline of a page: heading levels that skip one (h2 → h4) confuse
//! screen-reader users, who move through a page by its headings; and two
//! pages with one title in one language look the same in search results,
//! feeds and listings.
//!
//! The page title is the page's `<h1>`, so the body's first heading should be
//! `##` (a `#` heading is not a skip); after that each heading may go at most
//! one level deeper than the one before.

use std::collections::HashMap;

use super::Doc;
use crate::content::Site;
use crate::diagnostics::{Diagnostic, Diagnostics};

pub fn check(doc: &Doc<'_>, out: &mut Vec<Diagnostic>) {
    let mut prev = 1u8;
    for &(level, offset) in &doc.headings {
        if level > prev + 1 {
            let before = if prev == 1 {
                "the page title (h1)".to_owned()
            } else {
                format!("h{prev}")
            };
            let want = "#".repeat(usize::from(prev) + 1);
            out.push(doc.locate(
                Diagnostic::warning(
                    "heading-skip",
                    format!("heading level skips from {before} to h{level}"),
                )
                .with_hint(format!(
                    "use `{want}` here (h{}): screen readers move through a page by its heading levels",
                    prev + 1
                )),
                offset,
            ));
        }
        prev = level;
    }
}

/// The line of `title` in the front matter, else the file's start.
fn title_offset(text: &str, body_offset: usize) -> usize {
    let fm = &text[..body_offset.min(text.len())];
    let mut at = 0;
    for line in fm.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with("title") && t["title".len()..].trim_start().starts_with(['=', ':']) {
            return at + (line.len() - t.len());
        }
        at += line.len();
    }
    0
}

/// Two pages in one language with one title: a warning at each later page,
/// naming the first.
pub fn check_titles(site: &Site, ds: &mut Diagnostics) {
    check_titles_with(site, ds, None);
}

/// [`check_titles`]; with a memo, the pages that share a title are found
/// once per assembly of the site (titles are front matter, which a site
/// patched with saved texts keeps).
pub fn check_titles_with(
    site: &Site,
    ds: &mut Diagnostics,
    memo: Option<&crate::incremental::Memo>,
) {
    let assembly = site.text_keys.assembly;
    let pairs = match memo {
        Some(m) if assembly != 0 => {
            let mut kept = m
                .titles
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            match &*kept {
                Some((a, pairs)) if *a == assembly => pairs.clone(),
                _ => {
                    let pairs = std::sync::Arc::new(same_titles(site));
                    *kept = Some((assembly, pairs.clone()));
                    pairs
                }
            }
        }
        _ => std::sync::Arc::new(same_titles(site)),
    };
    for &(i, j) in pairs.iter() {
        let (p, other) = (&site.pages[i], &site.pages[j]);
        ds.push(
            Diagnostic::warning(
                "duplicate-title",
                format!(
                    "the title “{}” is also the title of {} ({})",
                    p.title,
                    other.file.display(),
                    p.lang
                ),
            )
            .in_file(&p.file)
            .at_offset(&p.text, title_offset(&p.text, p.body_offset))
            .with_hint(format!(
                "give {} or {} a distinct title: readers tell pages apart by it in search results and listings",
                p.file.display(),
                other.file.display()
            )),
        );
    }
}

/// Each page whose title (in its language) an earlier page has, with that page.
fn same_titles(site: &Site) -> Vec<(usize, usize)> {
    let mut first: HashMap<(&str, String), usize> = HashMap::new();
    let mut pairs = Vec::new();
    for (i, p) in site.pages.iter().enumerate() {
        let key = (p.lang.as_str(), p.title.trim().to_lowercase());
        if key.1.is_empty() {
            continue;
        }
        match first.get(&key) {
            Some(&j) => pairs.push((i, j)),
            None => {
                first.insert(key, i);
            }
        }
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn skips(text: &str) -> Vec<(usize, usize, String)> {
        let doc = super::super::test_doc(text);
        let mut out = Vec::new();
        check(&doc, &mut out);
        out.into_iter()
            .map(|d| (d.line, d.column, d.message))
            .collect()
    }

    #[test]
    fn a_skipped_level_is_reported_once_where_it_happens() {
        let s = skips("## Dose\n\n#### Children\n\n#### Adults\n\n## Risks\n");
        assert_eq!(s.len(), 1, "{s:?}");
        assert_eq!((s[0].0, s[0].1), (3, 1));
        assert!(s[0].2.contains("from h2 to h4"), "{}", s[0].2);
        let s = skips("Intro.\n\n### Dose\n");
        assert!(s[0].2.contains("page title (h1) to h3"), "{}", s[0].2);
        assert!(skips("# Top\n\n## A\n\n### B\n\n## C\n\n# D\n").is_empty());
        assert!(skips("```\n#### not a heading\n```\n").is_empty());
    }

    #[test]
    fn the_title_line_is_found_in_toml_and_yaml() {
        let t = "+++\ndate = 2026-01-01\ntitle = \"A\"\n+++\n";
        assert_eq!(title_offset(t, t.len()), 22);
        let y = "---\n  title: A\n---\n";
        assert_eq!(title_offset(y, y.len()), 6);
        assert_eq!(title_offset("x", 0), 0);
    }
}
