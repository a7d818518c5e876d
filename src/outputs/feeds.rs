//! Atom feeds (RFC 4287): one per language and one per tag.
//!
//! `updated` of an entry is the latest of its date, `updated` and
//! `last_reviewed`: a medical review is a change readers care about.

use std::fmt::Write as _;

use crate::config::FeedContent;
use crate::content::{PageId, Site};
use crate::date::Date;

use super::{last_changed, xml_escape};

/// What one feed is about.
pub struct FeedSpec<'a> {
    pub lang: &'a str,
    pub title: String,
    /// Root-relative URL of the feed itself.
    pub self_url: String,
    /// Root-relative URL of the HTML page the feed mirrors.
    pub html_url: String,
    /// Newest first.
    pub pages: &'a [PageId],
}

fn timestamp(d: Date) -> String {
    format!("{}T00:00:00Z", d.iso())
}

/// Renders one Atom feed.
pub fn atom(
    site: &Site,
    rendered: &[std::sync::Arc<crate::render::RenderedFile>],
    spec: &FeedSpec<'_>,
) -> String {
    atom_with(site, rendered, spec, None)
}

/// [`atom`], taking each entry from `parts` (a rebuild memo) when given.
pub fn atom_with(
    site: &Site,
    rendered: &[std::sync::Arc<crate::render::RenderedFile>],
    spec: &FeedSpec<'_>,
    parts: Option<super::Parts<'_>>,
) -> String {
    let cfg = &site.config;
    let pages: Vec<PageId> = spec.pages.iter().copied().take(cfg.feeds.limit).collect();
    let updated = pages
        .iter()
        .filter_map(|p| last_changed(site.page(*p)))
        .max()
        .unwrap_or(site.today);
    let mut out = String::with_capacity(4096 + pages.len() * 2048);
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        out,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        xml_escape(spec.lang)
    );
    let _ = writeln!(out, "  <title>{}</title>", xml_escape(&spec.title));
    if !cfg.description.is_empty() {
        let _ = writeln!(
            out,
            "  <subtitle>{}</subtitle>",
            xml_escape(&cfg.description)
        );
    }
    let self_link = cfg.permalink(&spec.self_url);
    let html_link = cfg.permalink(&spec.html_url);
    let _ = writeln!(
        out,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        xml_escape(&self_link)
    );
    let _ = writeln!(
        out,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        xml_escape(&html_link)
    );
    let _ = writeln!(out, "  <id>{}</id>", xml_escape(&self_link));
    let _ = writeln!(out, "  <updated>{}</updated>", timestamp(updated));
    let _ = writeln!(
        out,
        "  <generator uri=\"https://crates.io/crates/praxis\" version=\"{}\">praxis</generator>",
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(
        out,
        "  <author><name>{}</name></author>",
        xml_escape(&cfg.title)
    );
    for id in pages {
        let make = || entry(site, rendered, id, updated);
        match parts {
            Some(parts) => {
                let extra = crate::incremental::KeyHasher::new()
                    .str("atom entry")
                    .str(&updated.iso())
                    .finish();
                out.push_str(&parts(id, extra, &make));
            }
            None => out.push_str(&make()),
        }
    }
    out.push_str("</feed>\n");
    out
}

/// One `<entry>` of a feed (`updated`: the feed's, for pages without dates).
fn entry(
    site: &Site,
    rendered: &[std::sync::Arc<crate::render::RenderedFile>],
    id: PageId,
    updated: Date,
) -> String {
    let cfg = &site.config;
    let mut out = String::with_capacity(2048);
    let p = site.page(id);
    let r = &rendered[id.0 as usize];
    out.push_str("  <entry>\n");
    let _ = writeln!(out, "    <title>{}</title>", xml_escape(&p.title));
    let _ = writeln!(
        out,
        "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        xml_escape(&p.permalink)
    );
    let _ = writeln!(out, "    <id>{}</id>", xml_escape(&p.permalink));
    if let Some(d) = p.fm.date {
        let _ = writeln!(out, "    <published>{}</published>", timestamp(d));
    }
    let _ = writeln!(
        out,
        "    <updated>{}</updated>",
        timestamp(last_changed(p).unwrap_or(updated))
    );
    for key in &p.authors {
        if let Some(a) = cfg.authors.get(key) {
            let _ = write!(out, "    <author><name>{}</name>", xml_escape(&a.name));
            if !a.url.is_empty() {
                let _ = write!(out, "<uri>{}</uri>", xml_escape(&a.url));
            }
            out.push_str("</author>\n");
        }
    }
    for t in &p.fm.tags {
        let _ = writeln!(out, "    <category term=\"{}\"/>", xml_escape(t));
    }
    if let Some(d) = p.fm.description.as_deref().filter(|d| !d.is_empty()) {
        let _ = writeln!(out, "    <summary>{}</summary>", xml_escape(d));
    }
    let html = match cfg.feeds.content {
        FeedContent::Full => Some(r.html.as_str()),
        FeedContent::Summary => r.summary.as_deref(),
    };
    if let Some(html) = html {
        let _ = writeln!(
            out,
            "    <content type=\"html\">{}</content>",
            xml_escape(html)
        );
    }
    out.push_str("  </entry>\n");
    out
}
