//! Resources loaded from another origin (scripts, images, frames, styles,
//! media): each one sends every visitor's IP address to that server.
//! Plain links to other sites are fine: nothing loads until a visitor clicks.

use std::collections::{BTreeMap, HashSet};

use rayon::prelude::*;

#[cfg(test)]
use super::html::start_tags;
use super::html::{StartTag, Tag, start_tags_named};
use super::{Doc, is_remote};
use crate::content::Site;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::{Content, Output};

const MESSAGE: &str =
    "loads a resource from another origin: visitors' IP addresses go to that server";
const HINT: &str = "download it into static/ or the page bundle and link it with a local path";

/// Tags that can load something without a click (see [`loaded_urls`]).
const MAY_LOAD: [&str; 11] = [
    "script", "iframe", "frame", "embed", "track", "img", "source", "video", "audio", "object",
    "link",
];

#[cfg(test)]
fn may_load(name: &str) -> bool {
    MAY_LOAD.contains(&name)
}

/// The URLs a tag loads without a click.
pub(crate) fn loaded_urls<T: Tag>(t: &T) -> Vec<&str> {
    urls_loaded_by(t).collect()
}

/// The attributes whose URLs a tag loads without a click.
fn loading_attrs<T: Tag>(t: &T) -> &'static [&'static str] {
    match t.name() {
        "script" | "iframe" | "frame" | "embed" | "track" => &["src"],
        "img" => &["src", "srcset"],
        "source" => &["src", "srcset"],
        "video" => &["src", "poster"],
        "audio" => &["src"],
        "object" => &["data"],
        "link" => {
            let loads = t.attr("rel").unwrap_or("").split_whitespace().any(|r| {
                [
                    "stylesheet",
                    "icon",
                    "preload",
                    "modulepreload",
                    "prefetch",
                    "apple-touch-icon",
                ]
                .iter()
                .any(|k| r.eq_ignore_ascii_case(k))
            });
            if loads { &["href"] } else { &[] }
        }
        _ => &[],
    }
}

/// [`loaded_urls`] one after another, collected nowhere.
fn urls_loaded_by<T: Tag>(t: &T) -> impl Iterator<Item = &str> {
    loading_attrs(t)
        .iter()
        .filter_map(|a| t.attr(a))
        .flat_map(|v| {
            // srcset: "a.png 1x, https://b/c.png 2x"
            v.split(',').filter_map(|c| c.split_whitespace().next())
        })
}

fn remote_in(t: &StartTag, site: &Site) -> Option<String> {
    loaded_urls(t)
        .into_iter()
        .find(|u| is_remote(u, site))
        .map(str::to_owned)
}

/// Remote images and raw-HTML resources in one content file.
pub fn check(doc: &Doc<'_>, site: &Site, out: &mut Vec<Diagnostic>) {
    for img in &doc.images {
        if is_remote(&img.dest.url, site) {
            out.push(
                doc.locate(
                    Diagnostic::warning("origin", format!("image `{}` {MESSAGE}", img.dest.url))
                        .with_hint(HINT),
                    img.dest.offset,
                ),
            );
        }
    }
    for t in &doc.tags {
        if let Some(url) = remote_in(t, site) {
            out.push(
                doc.locate(
                    Diagnostic::warning("origin", format!("<{}> `{url}` {MESSAGE}", t.name))
                        .with_hint(HINT),
                    t.offset,
                ),
            );
        }
    }
}

/// The same in every built HTML page, for what templates add; each URL once,
/// and none that content already loads (those are reported at their line).
/// The remote URLs one built page loads, with the page (kept by the memo).
#[derive(Debug)]
pub struct ScannedPage {
    html: std::sync::Arc<str>,
    urls: Vec<(String, String)>,
}

/// The remote URLs one built page loads, each once, with its tag, in order.
/// Every built page is read: the tags are read in place, and only the
/// remote URLs are copied.
pub fn remote_loads(html: &str, site: &Site) -> Vec<(String, String)> {
    let mut seen_here: HashSet<&str> = HashSet::new();
    let mut urls = Vec::new();
    let tags = start_tags_named(html, &MAY_LOAD);
    for t in &tags {
        for url in urls_loaded_by(t) {
            if is_remote(url, site) && seen_here.insert(url) {
                urls.push((url.to_owned(), t.name.clone().into_owned()));
            }
        }
    }
    urls
}

/// A built HTML page: its text, or what was kept of it when it was written.
enum Built<'a> {
    Text(&'a str, Option<&'a std::sync::Arc<str>>),
    Written(&'a [(String, String)]),
}

pub fn check_output(
    site: &Site,
    output: &Output,
    from_content: &HashSet<&str>,
    ds: &mut Diagnostics,
    memo: Option<&crate::incremental::Memo>,
) {
    // Scan every built page in parallel: per page, its remote URLs with their
    // tag. A rebuild takes the scan of a page whose HTML is the very same
    // (shared with the template memo) from the memo.
    let texts: Vec<(&std::path::Path, Built<'_>)> = output
        .entries()
        .filter(|(path, _)| path.extension().is_some_and(|e| e == "html"))
        .filter_map(|(path, c)| {
            let built = match c {
                Content::Text(t) => Built::Text(t, None),
                Content::Shared(t) => Built::Text(t, Some(t)),
                // Scanned as it was written.
                Content::Written(w) => Built::Written(&w.remote),
                _ => return None,
            };
            Some((path, built))
        })
        .collect();
    let scan = |text: &str| remote_loads(text, site);
    let config_key = memo.map(|_| {
        crate::incremental::KeyHasher::new()
            .str(&site.config.base_url)
            .finish()
    });
    let per_page: Vec<(&std::path::Path, std::sync::Arc<ScannedPage>)> = texts
        .par_iter()
        .map(|(path, built)| {
            let (text, shared) = match built {
                Built::Text(text, shared) => (*text, *shared),
                Built::Written(urls) => {
                    let urls = urls.to_vec();
                    let html = std::sync::Arc::from("");
                    return (*path, std::sync::Arc::new(ScannedPage { html, urls }));
                }
            };
            let scanned = match (memo, shared, config_key) {
                (Some(m), Some(html), Some(k)) => {
                    // The memo holds the HTML, so its address names it;
                    // three numbers hashed in one call (a streaming
                    // hasher's set-up, for each of 10,000 pages, cost more).
                    let mut fields = [0u8; 24];
                    for (at, n) in [k, html.as_ptr() as usize as u64, html.len() as u64]
                        .into_iter()
                        .enumerate()
                    {
                        fields[at * 8..at * 8 + 8].copy_from_slice(&n.to_le_bytes());
                    }
                    let key = xxhash_rust::xxh3::xxh3_64(&fields);
                    match m
                        .scans
                        .get_if(key, |s| std::sync::Arc::ptr_eq(&s.html, html))
                    {
                        Some(s) => s,
                        None => {
                            let s = std::sync::Arc::new(ScannedPage {
                                html: (*html).clone(),
                                urls: scan(text),
                            });
                            m.scans.put(key, s.clone());
                            s
                        }
                    }
                }
                _ => std::sync::Arc::new(ScannedPage {
                    html: std::sync::Arc::from(""),
                    urls: scan(text),
                }),
            };
            (*path, scanned)
        })
        .collect();
    let per_page = per_page.into_iter().map(|(page, s)| {
        let urls: Vec<(String, String)> = s
            .urls
            .iter()
            .filter(|(url, _)| !from_content.contains(url.as_str()))
            .cloned()
            .collect();
        (page, urls)
    });
    // url → (tag, first page, number of pages)
    let mut found: BTreeMap<String, (String, String, usize)> = BTreeMap::new();
    for (page, urls) in per_page {
        for (url, tag) in urls {
            found
                .entry(url)
                .and_modify(|e| e.2 += 1)
                .or_insert_with(|| (tag, page.display().to_string(), 1));
        }
    }
    for (url, (tag, page, n)) in found {
        let pages = if n > 1 {
            format!("{page} and {} other page(s)", n - 1)
        } else {
            page
        };
        ds.push(
            Diagnostic::warning(
                "origin",
                format!("<{tag}> `{url}` in the built {pages} {MESSAGE}"),
            )
            .with_hint(format!(
                "{HINT}; it comes from a template (templates/ or the theme)"
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scan of built pages as it was before tags were read in place:
    /// every kept tag copied with lower-cased names, each URL copied into a
    /// set. The reference for the tests below.
    mod reference {
        use std::collections::HashSet;

        use super::super::super::html::{StartTag, start_tags_where};
        use super::super::{MAY_LOAD, is_remote};
        use crate::content::Site;

        fn loaded_urls(t: &StartTag) -> Vec<&str> {
            let attrs: &[&str] = match t.name.as_str() {
                "script" | "iframe" | "frame" | "embed" | "track" => &["src"],
                "img" => &["src", "srcset"],
                "source" => &["src", "srcset"],
                "video" => &["src", "poster"],
                "audio" => &["src"],
                "object" => &["data"],
                "link" => {
                    let rel = t.attr("rel").unwrap_or("").to_ascii_lowercase();
                    let loads = rel.split_whitespace().any(|r| {
                        matches!(
                            r,
                            "stylesheet"
                                | "icon"
                                | "preload"
                                | "modulepreload"
                                | "prefetch"
                                | "apple-touch-icon"
                        )
                    });
                    if loads { &["href"] } else { &[] }
                }
                _ => &[],
            };
            attrs
                .iter()
                .filter_map(|a| t.attr(a))
                .flat_map(|v| v.split(',').filter_map(|c| c.split_whitespace().next()))
                .collect()
        }

        pub fn remote_loads(html: &str, site: &Site) -> Vec<(String, String)> {
            let mut seen_here = HashSet::new();
            let mut urls = Vec::new();
            for t in start_tags_where(html, |n| MAY_LOAD.contains(&n)) {
                for url in loaded_urls(&t) {
                    if is_remote(url, site) && seen_here.insert(url.to_owned()) {
                        urls.push((url.to_owned(), t.name.clone()));
                    }
                }
            }
            urls
        }
    }

    /// The example site, loaded, and its pages built in memory (no cards,
    /// no caches): the path and text of every text file.
    fn example_site() -> (Site, Vec<(String, String)>) {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("example-site");
        let mut opts = crate::build::BuildOptions::new(&root);
        opts.card_cache = None;
        opts.citation_cache = None;
        opts.draw_cards = false;
        let built = crate::build::build(&opts).expect("the example site builds");
        let pages = built
            .output
            .entries()
            .filter_map(|(p, c)| match c {
                Content::Text(t) => Some((p.display().to_string(), t.clone())),
                Content::Shared(t) => Some((p.display().to_string(), t.to_string())),
                _ => None,
            })
            .collect();
        let config = crate::config::Config::load(&root).expect("the example config loads");
        let (site, _) = crate::content::load(
            config,
            crate::content::LoadOptions {
                drafts: false,
                today: crate::date::Date::today(),
            },
        )
        .expect("the example site loads");
        (site, pages)
    }

    #[test]
    fn built_page_scans_match_the_references_on_the_example_site() {
        let (site, pages) = example_site();
        assert!(pages.len() > 20, "{} pages", pages.len());
        for (path, text) in &pages {
            assert_eq!(
                remote_loads(text, &site),
                reference::remote_loads(text, &site),
                "{path}"
            );
            crate::check::anchor_set::tests::assert_same_as_reference(text);
        }
    }

    #[test]
    fn remote_loads_match_the_reference_on_generated_html() {
        let (site, _) = example_site();
        let parts = [
            "<",
            ">",
            "=",
            "\"",
            "'",
            " ",
            "/",
            "\n",
            ",",
            "<img",
            "<IMG",
            "<Link",
            "<link",
            "<script",
            "</script>",
            "<style>",
            "</STYLE>",
            "<source",
            "<video",
            "<audio",
            "<object",
            "<iframe",
            "<li",
            "<em>",
            "<strong>",
            "<!--",
            "-->",
            " src=",
            " SRC=",
            " srcset=",
            " poster=",
            " data=",
            " href=",
            " rel=",
            "Stylesheet",
            "icon preload",
            "https://cdn.example/a.css",
            "HTTPS://CDN.example/b",
            "//x.example/c",
            "https://praxis-meier.example/own.png",
            "/local.png",
            " 2x",
            "&amp;",
            "a&quot;b",
        ];
        for html in crate::check::random_text::joined(&parts, 0x853c_49e6_748f_ea9b_u64, 20_000, 40)
        {
            assert_eq!(
                remote_loads(&html, &site),
                reference::remote_loads(&html, &site),
                "{html:?}"
            );
        }
        // A page the generator would rarely make: everything that loads.
        let page = "<!DOCTYPE html><html><head><LINK REL=\"Icon\" HREF=\"https://a.example/i.png\"><link rel=\"canonical\" href=\"https://b.example/\"><script src='https://c.example/s.js'></script><style>@import url(https://d.example/x.css)</style></head><body><img src=\"https://e.example/a.png?x=1&amp;y=2\" srcset=\"https://e.example/a.png 1x, https://f.example/b.png 2x\"><Video Poster=https://g.example/p.jpg></video><object data=\"https://h.example/o\"></object><iframe src=\"https://i.example/v\"></iframe><!-- <img src=\"https://j.example/\"> --><a href=\"https://k.example/\">k</a></body></html>";
        let urls = remote_loads(page, &site);
        assert_eq!(urls, reference::remote_loads(page, &site));
        assert_eq!(urls.len(), 8, "{urls:?}");
    }

    #[test]
    fn only_loading_tags_count() {
        let tags = start_tags(
            "<a href=\"https://x.example/\">x</a><link rel=\"canonical\" href=\"https://x.example/\"><link rel=stylesheet href=https://cdn.example/a.css><img srcset=\"a.png 1x, https://c.example/b.png 2x\">",
        );
        let urls: Vec<Vec<&str>> = tags.iter().map(loaded_urls).collect();
        assert!(
            tags.iter()
                .filter(|t| !loaded_urls(*t).is_empty())
                .all(|t| may_load(&t.name))
        );
        assert!(urls[0].is_empty() && urls[1].is_empty());
        assert_eq!(urls[2], ["https://cdn.example/a.css"]);
        assert_eq!(urls[3], ["a.png", "https://c.example/b.png"]);
    }
}
