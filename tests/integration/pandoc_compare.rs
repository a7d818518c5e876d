//! praxis's reference lists against Pandoc's citeproc on the same entries.
//!
//! `tests/fixtures/citations/expected/` holds what Pandoc 2.17 printed for
//! every entry of `refs.bib` in each built-in style, in English and German.
//! Each entry praxis renders is compared with Pandoc's, as text with
//! whitespace normalised. The differences that remain are engine differences
//! (listed, with reasons, in `known-differences.txt`); the test fails when an
//! entry that matched stops matching, or a listed difference disappears
//! (then the list must shrink).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use praxis::citations::{Bibliography, CiteGroup, CiteItem, Citer, locale_for, style};
use praxis::config::CitationStyle;
use praxis::diagnostics::Diagnostics;

fn fixtures() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/citations")
}

fn normalise(s: &str) -> String {
    let s = s.replace(['\u{a0}', '\u{202f}'], " ");
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Very small HTML-to-text: drop tags, decode the entities Pandoc writes.
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

/// Pandoc's entries by key: `<div id="ref-KEY" class="csl-entry">…`.
fn pandoc_entries(file: &str) -> BTreeMap<String, String> {
    let html =
        std::fs::read_to_string(fixtures().join("expected").join(file)).expect("expected file");
    let mut out = BTreeMap::new();
    for part in html.split("<div id=\"ref-").skip(1) {
        let Some((key, rest)) = part.split_once('"') else {
            continue;
        };
        let body = rest.split_once('>').map_or("", |(_, b)| b);
        // drop the number column of numbered styles
        let body = match body.split_once("csl-right-inline\">") {
            Some((_, b)) => b,
            None => body,
        };
        let body = body.split("\n</div>").next().unwrap_or(body);
        out.insert(key.to_owned(), normalise(&text_of(body)));
    }
    out
}

fn praxis_entries(style_name: &str, lang: &str, bib: &Bibliography) -> BTreeMap<String, String> {
    let style =
        style::load(&CitationStyle::Builtin(style_name.into()), Path::new(".")).expect("style");
    let locales = style::Locales::new(&[lang.to_owned()]);
    let citer = Citer {
        site: bib,
        page: None,
        style: &style,
        locales: &locales,
        locale: locale_for(lang),
        shared: None,
    };
    let keys: Vec<String> = bib.keys().map(str::to_owned).collect();
    let groups: Vec<CiteGroup> = keys
        .iter()
        .map(|k| CiteGroup {
            items: vec![CiteItem {
                key: k.clone(),
                prefix: String::new(),
                locator: String::new(),
                suppress_author: false,
                offset: 0,
            }],
            in_text: false,
        })
        .collect();
    let f = citer.format(&groups);
    assert!(f.errors.is_empty());
    f.keys
        .into_iter()
        .zip(f.cited)
        .map(|(k, t)| (k, normalise(&t)))
        .collect()
}

#[test]
fn reference_lists_match_pandoc_entry_by_entry() {
    let mut ds = Diagnostics::new();
    let bib = Bibliography::load(&fixtures(), &["refs.bib".into()], &mut ds);
    assert!(!ds.has_errors());
    let known: BTreeSet<String> = std::fs::read_to_string(fixtures().join("known-differences.txt"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split('#').next())
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    let mut report = String::new();
    let mut found = BTreeSet::new();
    let mut matched = 0;
    for (style_name, file_style) in [
        ("vancouver", "vancouver-brackets"),
        ("ama", "ama"),
        ("apa", "apa"),
        ("harvard", "harvard"),
    ] {
        for lang in ["en", "de"] {
            let expected = pandoc_entries(&format!("{file_style}-{lang}.html"));
            let ours = praxis_entries(style_name, lang, &bib);
            assert_eq!(
                expected.len(),
                ours.len(),
                "{style_name}-{lang}: every entry is rendered"
            );
            for (key, want) in &expected {
                let got = ours.get(key).cloned().unwrap_or_default();
                if &got == want {
                    matched += 1;
                } else {
                    let id = format!("{style_name}-{lang} {key}");
                    if !known.contains(&id) {
                        report.push_str(&format!("{id}\n  pandoc: {want}\n  praxis: {got}\n"));
                    }
                    found.insert(id);
                }
            }
        }
    }
    let stale: Vec<_> = known.difference(&found).collect();
    eprintln!(
        "{matched} entries match Pandoc exactly; {} differ (all listed)",
        found.len()
    );
    assert!(
        report.is_empty(),
        "entries that differ from Pandoc and are not in known-differences.txt:\n{report}"
    );
    assert!(
        stale.is_empty(),
        "these now match Pandoc: remove them from known-differences.txt: {stale:?}"
    );
}

#[test]
fn shared_entries_give_the_same_page_as_formatting_it_whole() {
    let mut ds = Diagnostics::new();
    let bib = Bibliography::load(&fixtures(), &["refs.bib".into()], &mut ds);
    let keys: Vec<String> = bib.keys().map(str::to_owned).collect();
    // Out of file order, repeated, several per citation.
    let picks = [7usize, 3, 7, 12, 0, 3, 25, 1, 2, 40, 12];
    let groups: Vec<CiteGroup> = picks
        .chunks(2)
        .map(|c| CiteGroup {
            items: c
                .iter()
                .map(|&i| CiteItem {
                    key: keys[i % keys.len()].clone(),
                    prefix: String::new(),
                    locator: if i % 3 == 0 {
                        "p. 33".into()
                    } else {
                        String::new()
                    },
                    suppress_author: false,
                    offset: 0,
                })
                .collect(),
            in_text: false,
        })
        .collect();
    for name in ["vancouver", "ama"] {
        let style =
            style::load(&CitationStyle::Builtin(name.into()), Path::new(".")).expect("style");
        assert!(praxis::citations::can_share_entries(&style), "{name}");
        let marker = praxis::citations::marker_style(&style);
        for lang in ["en", "de"] {
            let locales = style::Locales::new(&[lang.to_owned()]);
            let slots: Vec<std::sync::OnceLock<_>> =
                (0..bib.len()).map(|_| std::sync::OnceLock::new()).collect();
            let markers = praxis::citations::MarkerCache::default();
            let whole = Citer {
                site: &bib,
                page: None,
                style: &style,
                locales: &locales,
                locale: locale_for(lang),
                shared: None,
            };
            let shared = Citer {
                shared: Some(praxis::citations::SharedEntries {
                    marker_style: &marker,
                    cache: &slots,
                    markers: Some(&markers),
                }),
                ..Citer {
                    site: &bib,
                    page: None,
                    style: &style,
                    locales: &locales,
                    locale: locale_for(lang),
                    shared: None,
                }
            };
            let (a, b) = (whole.format(&groups), shared.format(&groups));
            assert_eq!(a.citations, b.citations, "{name}-{lang} markers");
            assert_eq!(a.references, b.references, "{name}-{lang} list");
            assert_eq!(a.cited, b.cited);
            // a second page reuses the formatted entries and markers
            let again = shared.format(&groups);
            assert_eq!(again.references, a.references);
            assert_eq!(again.citations, a.citations);
            // a page with the same works cited in another order (other
            // numbers), partly known markers
            let mut other = groups.clone();
            other.reverse();
            other.push(groups[0].clone());
            let (a, b) = (whole.format(&other), shared.format(&other));
            assert_eq!(a.citations, b.citations, "{name}-{lang} markers, page 2");
            assert_eq!(a.references, b.references, "{name}-{lang} list, page 2");
        }
    }
}
