//! The client-side search index: one JSON file per language, read by the
//! default theme's search box with no server.

use serde::Serialize;

use crate::content::Site;

#[derive(Debug, Serialize)]
struct Item<'a> {
    title: &'a str,
    description: &'a str,
    tags: &'a [String],
    url: &'a str,
    lang: &'a str,
    excerpt: &'a str,
}

/// The index of the pages in `lang`, newest first.
pub fn index(
    site: &Site,
    rendered: &[std::sync::Arc<crate::render::RenderedFile>],
    lang: &str,
) -> String {
    let mut ids: Vec<_> = site
        .pages
        .iter()
        .filter(|p| p.lang == lang)
        .map(|p| p.id)
        .collect();
    crate::content::taxonomy::sort_newest_first(site, &mut ids);
    let items: Vec<Item<'_>> = ids
        .iter()
        .map(|&id| {
            let p = site.page(id);
            Item {
                title: &p.title,
                description: p.fm.description.as_deref().unwrap_or(""),
                tags: &p.fm.tags,
                url: &p.url,
                lang: &p.lang,
                excerpt: &rendered[id.0 as usize].excerpt,
            }
        })
        .collect();
    serde_json::to_string(&items).unwrap_or_else(|_| "[]".into())
}
