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
    index_with(site, rendered, lang, None)
}

/// [`index`], taking each page's item from `parts` (a rebuild memo) when given.
pub fn index_with(
    site: &Site,
    rendered: &[std::sync::Arc<crate::render::RenderedFile>],
    lang: &str,
    parts: Option<super::Parts<'_>>,
) -> String {
    let ids = site.newest_first(lang);
    let item = |id: crate::content::PageId| {
        let p = site.page(id);
        Item {
            title: &p.title,
            description: p.fm.description.as_deref().unwrap_or(""),
            tags: &p.fm.tags,
            url: &p.url,
            lang: &p.lang,
            excerpt: &rendered[id.0 as usize].excerpt,
        }
    };
    let Some(parts) = parts else {
        let items: Vec<Item<'_>> = ids.iter().map(|&id| item(id)).collect();
        return serde_json::to_string(&items).unwrap_or_else(|_| "[]".into());
    };
    // The same JSON, item by item.
    let extra = crate::incremental::KeyHasher::new()
        .str("search item")
        .finish();
    let mut out = String::from("[");
    for (i, &id) in ids.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let make = || serde_json::to_string(&item(id)).unwrap_or_else(|_| "null".into());
        out.push_str(&parts(id, extra, &make));
    }
    out.push(']');
    out
}
