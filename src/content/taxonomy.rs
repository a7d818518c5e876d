//! Tags and authors as the site sees them: which pages carry which tag, in
//! which language, and who wrote or reviewed what.
//!
//! Built once after assembly; listings and feeds read it, nothing mutates it.

use std::collections::BTreeMap;

use super::{PageId, Site, slug::slugify};

/// One tag in one language.
#[derive(Debug, Clone)]
pub struct Tag {
    pub lang: String,
    pub slug: String,
    /// The label in this language (`[tags.NAME] label`), else the tag as first written.
    pub name: String,
    pub url: String,
    /// Newest first.
    pub pages: Vec<PageId>,
}

/// One author's pages in one language.
#[derive(Debug, Clone)]
pub struct AuthorPages {
    pub key: String,
    pub lang: String,
    pub url: String,
    pub written: Vec<PageId>,
    pub reviewed: Vec<PageId>,
}

/// Tags and author listings of a site.
#[derive(Debug, Clone, Default)]
pub struct Taxonomy {
    /// By (language, slug).
    pub tags: BTreeMap<(String, String), Tag>,
    /// By (language, author key).
    pub authors: BTreeMap<(String, String), AuthorPages>,
}

/// Pages newest first, ties by file, for every listing.
pub fn sort_newest_first(site: &Site, pages: &mut [PageId]) {
    pages.sort_by(|a, b| {
        let (pa, pb) = (site.page(*a), site.page(*b));
        pb.fm
            .date
            .cmp(&pa.fm.date)
            .then_with(|| pa.file.cmp(&pb.file))
    });
}

impl Taxonomy {
    /// [`Taxonomy::build`], or the memo's when the site's tags, authors,
    /// dates, files and languages are what they were.
    pub fn build_with(
        site: &Site,
        memo: Option<&crate::incremental::Memo>,
    ) -> std::sync::Arc<Taxonomy> {
        let Some(memo) = memo else {
            return std::sync::Arc::new(Taxonomy::build(site));
        };
        let mut kept = memo
            .taxonomy
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Within one assembly of the site only texts change, and the taxonomy
        // reads none.
        let assembly = site.text_keys.assembly;
        if let Some((a, _, t)) = &*kept
            && assembly != 0
            && *a == assembly
        {
            return t.clone();
        }
        let mut h = crate::incremental::KeyHasher::new();
        h.debug(&site.config);
        for p in &site.pages {
            h.num(u64::from(p.id.0))
                .str(&p.lang)
                .debug(&p.fm.tags)
                .debug(&p.authors)
                .debug(&p.reviewers)
                .debug(&p.fm.date)
                .debug(&p.file);
        }
        let key = h.finish();
        match &mut *kept {
            Some((a, k, t)) if *k == key => {
                *a = assembly;
                t.clone()
            }
            _ => {
                let t = std::sync::Arc::new(Taxonomy::build(site));
                *kept = Some((assembly, key, t.clone()));
                t
            }
        }
    }

    pub fn build(site: &Site) -> Taxonomy {
        let mut t = Taxonomy::default();
        for p in &site.pages {
            let root = site.config.language_root(&p.lang);
            for name in &p.fm.tags {
                let slug = slugify(name);
                if slug.is_empty() {
                    continue;
                }
                let tag = t
                    .tags
                    .entry((p.lang.clone(), slug.clone()))
                    .or_insert_with(|| Tag {
                        lang: p.lang.clone(),
                        name: site
                            .config
                            .tags
                            .iter()
                            .find(|(k, _)| slugify(k) == slug)
                            .and_then(|(_, m)| m.label.get(&p.lang).cloned())
                            .unwrap_or_else(|| name.clone()),
                        url: format!("{root}tags/{slug}/"),
                        slug,
                        pages: Vec::new(),
                    });
                if !tag.pages.contains(&p.id) {
                    tag.pages.push(p.id);
                }
            }
        }
        for key in site.config.authors.keys() {
            for lang in &site.config.languages {
                let written: Vec<PageId> = site
                    .pages
                    .iter()
                    .filter(|p| p.lang == *lang && p.authors.contains(key))
                    .map(|p| p.id)
                    .collect();
                let reviewed: Vec<PageId> = site
                    .pages
                    .iter()
                    .filter(|p| p.lang == *lang && p.reviewers.contains(key))
                    .map(|p| p.id)
                    .collect();
                let is_default = *lang == site.config.default_language;
                if !is_default && written.is_empty() && reviewed.is_empty() {
                    continue;
                }
                t.authors.insert(
                    (lang.clone(), key.clone()),
                    AuthorPages {
                        key: key.clone(),
                        lang: lang.clone(),
                        url: author_url(site, lang, key),
                        written,
                        reviewed,
                    },
                );
            }
        }
        for tag in t.tags.values_mut() {
            sort_newest_first(site, &mut tag.pages);
        }
        for a in t.authors.values_mut() {
            sort_newest_first(site, &mut a.written);
            sort_newest_first(site, &mut a.reviewed);
        }
        t
    }

    /// Tags of one language, by name.
    pub fn tags_in<'a>(&'a self, lang: &'a str) -> impl Iterator<Item = &'a Tag> + 'a {
        self.tags.values().filter(move |t| t.lang == lang)
    }

    /// The author page for `key` in `lang`, falling back to the default language's.
    pub fn author_url(&self, site: &Site, lang: &str, key: &str) -> String {
        match self.authors.get(&(lang.to_owned(), key.to_owned())) {
            Some(a) => a.url.clone(),
            None => author_url(site, &site.config.default_language, key),
        }
    }
}

fn author_url(site: &Site, lang: &str, key: &str) -> String {
    format!(
        "{}authors/{}/",
        site.config.language_root(lang),
        slugify(key)
    )
}
