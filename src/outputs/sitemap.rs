//! `sitemap.xml` (with language alternates) and `robots.txt`.

use std::fmt::Write as _;

use crate::content::Site;
use crate::date::Date;

use super::{last_changed, xml_escape};

/// One URL of the sitemap.
pub struct Entry {
    pub permalink: String,
    pub lastmod: Option<Date>,
    /// `(lang, permalink)` of every language version, this one included; empty when only one.
    pub alternates: Vec<(String, String)>,
}

/// Every page and section of the site, with translations as alternates.
pub fn page_entries(site: &Site) -> Vec<Entry> {
    let mut out = Vec::new();
    for s in &site.sections {
        out.push(Entry {
            permalink: s.permalink.clone(),
            lastmod: s
                .pages
                .iter()
                .filter_map(|p| last_changed(site.page(*p)))
                .max(),
            alternates: Vec::new(),
        });
    }
    for p in &site.pages {
        let others = site.translations_of(p.id);
        let alternates = if others.is_empty() {
            Vec::new()
        } else {
            std::iter::once(p.id)
                .chain(others)
                .map(|t| {
                    let tp = site.page(t);
                    (tp.lang.clone(), tp.permalink.clone())
                })
                .collect()
        };
        out.push(Entry {
            permalink: p.permalink.clone(),
            lastmod: last_changed(p),
            alternates,
        });
    }
    out
}

/// Renders the sitemap.
pub fn sitemap(mut entries: Vec<Entry>) -> String {
    entries.sort_by(|a, b| a.permalink.cmp(&b.permalink));
    entries.dedup_by(|a, b| a.permalink == b.permalink);
    let mut out = String::with_capacity(128 + entries.len() * 160);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n");
    for e in entries {
        out.push_str("  <url>\n");
        let _ = writeln!(out, "    <loc>{}</loc>", xml_escape(&e.permalink));
        if let Some(d) = e.lastmod {
            let _ = writeln!(out, "    <lastmod>{}</lastmod>", d.iso());
        }
        for (lang, href) in &e.alternates {
            let _ = writeln!(
                out,
                "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                xml_escape(lang),
                xml_escape(href)
            );
        }
        out.push_str("  </url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// `robots.txt`: everything allowed, the sitemap named.
pub fn robots(site: &Site) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}sitemap.xml\n",
        site.config.base_url
    )
}
