//! What templates see: serialisable views that borrow from the site.
//!
//! Views are built per render from the immutable [`Site`] and the rendered
//! Markdown; nothing here clones the site. The field names are the template
//! contract documented in `docs/templates.md`: change them only with the docs.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::content::taxonomy::{AuthorPages, Tag, Taxonomy};
use crate::content::{PageId, SectionId, Site};
use crate::incremental::Derived;
use crate::markdown::{TocEntry, reading_time};

pub use super::shared_values::{DateField, DateView, OgLocale, Shared, TagField, TagView};
use super::shared_values::{KeyBytes, SharedKey};

#[derive(Debug, Serialize)]
pub struct AuthorView<'a> {
    pub key: &'a str,
    pub name: &'a str,
    pub credentials: &'a str,
    pub affiliation: &'a str,
    pub url: &'a str,
    pub orcid: &'a str,
    pub disclosures: &'a str,
    pub page_url: String,
}

#[derive(Debug, Serialize)]
pub struct LinkView<'a> {
    pub title: &'a str,
    pub url: &'a str,
}

#[derive(Debug, Serialize)]
pub struct TranslationView<'a> {
    pub lang: &'a str,
    pub title: &'a str,
    pub url: &'a str,
    pub permalink: &'a str,
    /// `og:locale:alternate` of that language (`en_US`).
    pub og_locale: OgLocale<'a>,
}

/// A page, in full (`content`, `toc`) or as a summary for listings.
#[derive(Debug, Serialize)]
pub struct PageView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub url: &'a str,
    pub permalink: &'a str,
    pub slug: &'a str,
    pub lang: &'a str,
    pub date: Option<DateField<'a>>,
    pub updated: Option<DateField<'a>>,
    pub last_reviewed: Option<DateField<'a>>,
    pub next_review: Option<DateField<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<Derived<'a, str>>,
    pub summary: Option<Derived<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub toc: Option<Derived<'a, [TocEntry]>>,
    /// The reference list (HTML `<ol>`), null when the page cites nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub references: Option<Derived<'a, str>>,
    /// Plain text of each cited work; full pages only (listings do not
    /// carry every listed page's sources into the template).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citations: Option<Derived<'a, [String]>>,
    /// In page summaries only when a template may read it (see
    /// [`summaries_show_word_count`]): appending a sentence changes it, and
    /// a listing that does not show it need not be rendered again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub word_count: Option<usize>,
    pub reading_time: usize,
    pub tags: Vec<TagField<'a>>,
    pub authors: Vec<AuthorRef<'a>>,
    pub reviewers: Vec<AuthorRef<'a>>,
    pub audience: &'static str,
    pub draft: bool,
    pub section: Shared<LinkView<'a>>,
    pub translations: Vec<TranslationView<'a>>,
    pub assets: Vec<String>,
    pub extra: &'a BTreeMap<String, serde_json::Value>,
    pub review: ReviewView<'a>,
    /// The latest of `date`, `updated` and `last_reviewed` (`article:modified_time`).
    pub modified: Option<DateField<'a>>,
    /// `og:locale` of the page's language: `de_DE`, `en_US`, `de_AT`.
    pub og_locale: OgLocale<'a>,
    /// schema.org JSON-LD (`MedicalWebPage`), safe to print inside
    /// `<script type="application/ld+json">` with `| safe`; full pages only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jsonld: Option<PageJsonLd<'a>>,
    /// The share card (`og:image`): `{ url, width, height, type, alt }`; null
    /// with `card = false`, with `[cards] enabled = false`, and in listings.
    pub card: Option<crate::cards::CardView>,
}

/// A page's JSON-LD, made when the template is rendered. Into a rebuild key it
/// adds nothing: it is made from the page, its rendering and the
/// configuration, which the key holds already.
#[derive(Debug, Clone, Copy)]
pub struct PageJsonLd<'a> {
    site: &'a Site,
    taxonomy: &'a Taxonomy,
    page: &'a crate::content::Page,
    cited: &'a [String],
    shared: &'a crate::jsonld::Shared,
}

impl Serialize for PageJsonLd<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if crate::incremental::fingerprinting() {
            return s.serialize_unit();
        }
        s.serialize_str(&crate::jsonld::page(
            self.site,
            self.taxonomy,
            self.page,
            self.cited,
            self.shared,
        ))
    }
}

/// A page in a listing (a section, tag or author page, the home page's
/// recent articles). It serialises as the page's summary view; into a rebuild
/// key it goes as the hash of that view, made once per build however many
/// listings show the page.
#[derive(Clone, Copy)]
pub struct Listed<'a> {
    site: &'a Site,
    rendered: &'a RenderedContent<'a>,
    id: PageId,
}

impl std::fmt::Debug for Listed<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Listed").field(&self.id).finish()
    }
}

/// The pages `ids` as a listing shows them.
pub fn listed<'a>(
    site: &'a Site,
    rendered: &'a RenderedContent<'a>,
    ids: &[PageId],
) -> Vec<Listed<'a>> {
    ids.iter()
        .map(|&id| Listed { site, rendered, id })
        .collect()
}

impl Serialize for Listed<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let key = || self.rendered.shown_key(self.site, self.id);
        if crate::incremental::fingerprinting() {
            return s.serialize_u64(key());
        }
        let view = || page_view(self.site, self.rendered, self.id, false);
        let Some(values) = &self.rendered.listing_values else {
            // A build without a memo makes it once, for every listing (or,
            // without slots, anew for each).
            let Some(slot) = self.rendered.listing_once.get(self.id.0 as usize) else {
                return view().serialize(s);
            };
            if let Some(v) = slot.get() {
                return v.serialize(s);
            }
            return match tera::Value::try_from_serializable(&view()) {
                Ok(v) => {
                    slot.put(v.clone());
                    v.serialize(s)
                }
                Err(_) => view().serialize(s),
            };
        };
        // Made once per page however many listings show it, and kept while
        // its key holds: into a template's context it goes as a shared value.
        let k = values.key(key());
        if let Some(v) = values.memo.listings.get_shared(k) {
            return v.serialize(s);
        }
        match tera::Value::try_from_serializable(&view()) {
            Ok(v) => {
                values.memo.listings.put(k, v.clone());
                v.serialize(s)
            }
            Err(_) => view().serialize(s),
        }
    }
}

/// `page.review`.
#[derive(Debug, Serialize)]
pub struct ReviewView<'a> {
    pub status: &'static str,
    pub next_due: Option<DateField<'a>>,
    pub last: Option<DateField<'a>>,
    pub interval: String,
}

impl SharedKey for AuthorView<'_> {
    const KIND: u8 = b'a';
    fn write_key(&self, key: &mut KeyBytes) {
        key.str(self.key)
            .str(self.name)
            .str(self.credentials)
            .str(self.affiliation)
            .str(self.url)
            .str(self.orcid)
            .str(self.disclosures)
            .str(&self.page_url);
    }
}

impl SharedKey for LinkView<'_> {
    const KIND: u8 = b'l';
    fn write_key(&self, key: &mut KeyBytes) {
        key.str(self.title).str(self.url);
    }
}

#[derive(Debug, Serialize)]
pub struct SubsectionView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub url: &'a str,
    pub page_count: usize,
}

#[derive(Debug, Serialize)]
pub struct SectionView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub url: &'a str,
    pub permalink: &'a str,
    pub lang: &'a str,
    pub content: &'a str,
    pub pages: Vec<Listed<'a>>,
    pub subsections: Vec<SubsectionView<'a>>,
    pub extra: &'a BTreeMap<String, serde_json::Value>,
}

/// The site's rendered Markdown, by page and section, and its taxonomy.
pub struct RenderedContent<'a> {
    /// With a rebuild memo: each page's [`page_key`], listing and full view,
    /// and the hash of its summary as listings show it, made before
    /// rendering (see [`PageKeys`]); empty without one.
    pub page_keys: Vec<[u64; 3]>,
    /// Per page, the hash of its listing view (made when first needed, by
    /// rebuilds only): see [`Listed`].
    pub listing_keys: Vec<std::sync::OnceLock<u64>>,
    /// With a rebuild memo: where each page's listing view is kept as a
    /// template value (see [`Listed`]).
    pub listing_values: Option<ListingValues<'a>>,
    /// Without a memo: each page's listing view as a template value, made
    /// once however many listings show the page (a value is shared, not
    /// copied), until [`RenderedContent::forget_listings`]. Empty: made anew
    /// for each listing. Kept for every page of a site they would add to the
    /// build's peak memory (on 10,000 pages about 30 MB): `praxis build`
    /// renders the listings one language after another and forgets the
    /// values of each language when its listings are done.
    pub listing_once: Vec<ListingSlot>,
    pub pages: &'a [std::sync::Arc<super::RenderedFile>],
    pub sections: &'a [std::sync::Arc<super::RenderedFile>],
    pub taxonomy: &'a Taxonomy,
    /// What the pages' JSON-LD shares, serialised once per build.
    pub jsonld: crate::jsonld::Shared,
    /// Whether page summaries carry `word_count` ([`summaries_show_word_count`]).
    pub summary_word_count: bool,
    /// The authors pages show, as template values.
    pub author_values: AuthorValues,
}

/// Whether some template may read `word_count` of a page summary: it names
/// it, reads a map's keys, values or pairs (`| pairs`, `{% for k, v in
/// item %}`), or prints a whole value (`| json_encode`, `__tera_context`).
/// Otherwise summaries go without it, so that a listing is not
/// rendered again when a saved article only grew by a few words (its reading
/// time is what listings show).
pub fn summaries_show_word_count<'t>(templates: impl IntoIterator<Item = &'t str>) -> bool {
    templates.into_iter().any(|t| {
        t.split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .any(|w| {
                matches!(
                    w,
                    "word_count" | "pairs" | "keys" | "values" | "json_encode" | "__tera_context"
                )
            })
            || iterates_a_map(t)
    })
}

/// Whether `template` has a `for` loop over two names (`for k, v in …`).
fn iterates_a_map(template: &str) -> bool {
    template.match_indices("for").any(|(i, _)| {
        let rest = &template[i + 3..];
        let Some(rest) = rest.strip_prefix(char::is_whitespace) else {
            return false;
        };
        let rest = rest.trim_start();
        let name_end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        name_end > 0 && rest[name_end..].trim_start().starts_with(',')
    })
}

/// One page's listing value while it is kept (see
/// [`RenderedContent::listing_once`]).
#[derive(Default)]
pub struct ListingSlot(std::sync::Mutex<Option<tera::Value>>);

impl ListingSlot {
    fn get(&self) -> Option<tera::Value> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn put(&self, value: tera::Value) {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(value);
    }
}

impl RenderedContent<'_> {
    /// Drops the listing values made so far ([`RenderedContent::listing_once`]):
    /// listings rendered after make them anew.
    pub fn forget_listings(&self) {
        for slot in &self.listing_once {
            slot.0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .take();
        }
    }

    /// [`page_key`], taken from [`RenderedContent::page_keys`] when made.
    pub fn page_key(&self, site: &Site, id: PageId, full: bool) -> u64 {
        match self.page_keys.get(id.0 as usize) {
            Some(keys) => keys[usize::from(full)],
            None => page_key(site, self, id, full),
        }
    }

    /// What page `id`'s summary shows (listings go into a render's key by
    /// it): the hash of the summary itself when made before rendering,
    /// else [`RenderedContent::listing_key`].
    pub fn shown_key(&self, site: &Site, id: PageId) -> u64 {
        match self.page_keys.get(id.0 as usize) {
            Some(keys) => keys[2],
            None => self.listing_key(site, id),
        }
    }

    /// [`page_key`] of page `id`'s listing view, made once per build.
    pub fn listing_key(&self, site: &Site, id: PageId) -> u64 {
        match self.listing_keys.get(id.0 as usize) {
            Some(slot) => *slot.get_or_init(|| {
                let key = self.page_key(site, id, false);
                // The page's listing value stays in the memo while its key
                // holds, though this build may render no listing of it.
                if let Some(values) = &self.listing_values {
                    let _ = values.memo.listings.get_shared(values.key(key));
                }
                key
            }),
            None => self.page_key(site, id, false),
        }
    }

    /// Makes every page's [`page_key`]s, taking from `memo` those of pages
    /// whose rendered Markdown is unchanged in the same assembly of the site,
    /// and keeps them there for the next build.
    ///
    /// A page whose keys are made anew gets its summary made too, as a
    /// template value kept in the memo, and hashed: listings show the page
    /// by that hash, so an edit that leaves the summary as it was (a
    /// sentence added below the first paragraph) renders no listing again.
    pub fn make_page_keys(&mut self, site: &Site, memo: &crate::incremental::Memo) {
        use rayon::prelude::*;
        let mut slot = memo
            .page_keys
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let assembly = site.text_keys.assembly;
        // Summaries read the day and the configuration too (in what every
        // render shares): their hashes hold while that does.
        let shared = self.listing_values.as_ref().map(|v| v.shared);
        let old = slot.take().filter(|k| {
            assembly != 0
                && k.assembly == assembly
                && k.keys.len() == site.pages.len()
                && k.shared == shared
        });
        let this: &RenderedContent<'_> = self;
        let made: Vec<(u64, [u64; 3])> = site
            .pages
            .par_iter()
            .map(|p| {
                let i = p.id.0 as usize;
                let fingerprint = this.pages[i].fingerprint;
                if let Some((f, keys)) = old.as_ref().and_then(|o| o.keys.get(i))
                    && *f == fingerprint
                {
                    return (fingerprint, *keys);
                }
                let listing = page_key(site, this, p.id, false);
                let full = page_key(site, this, p.id, true);
                (fingerprint, [listing, full, this.summary_key(site, p.id)])
            })
            .collect();
        self.page_keys = made.iter().map(|(_, k)| *k).collect();
        // The listing keys too, and the summaries kept under their hashes
        // while they hold, though this build may render no listing of a page.
        if let Some(values) = &self.listing_values {
            for (slot, keys) in self.listing_keys.iter().zip(&self.page_keys) {
                let _ = slot.set(keys[0]);
            }
            values
                .memo
                .listings
                .keep(self.page_keys.iter().map(|k| values.key(k[2])));
        }
        *slot = Some(PageKeys {
            assembly,
            shared,
            keys: made,
        });
    }

    /// Makes page `id`'s summary into a template value, keeps it in the
    /// memo under its hash, and returns the hash; without a memo, or when
    /// the summary makes no template value, its [`page_key`].
    fn summary_key(&self, site: &Site, id: PageId) -> u64 {
        let fallback = || page_key(site, self, id, false);
        let Some(values) = &self.listing_values else {
            return fallback();
        };
        let view = page_view(site, self, id, false);
        let Ok(v) = tera::Value::try_from_serializable(&view) else {
            return fallback();
        };
        // The view itself, in its fields' order (a template value's maps
        // have none); 1 marks these hashes apart from page keys.
        let key = crate::incremental::KeyHasher::new()
            .num(1)
            .value_as_is(&view)
            .finish();
        let k = values.key(key);
        if values.memo.listings.get_shared(k).is_none() {
            values.memo.listings.put(k, v);
        }
        key
    }
}

/// The [`page_key`]s of one build's pages, by page id with the fingerprint
/// of the page's rendered Markdown, and the assembly of the site
/// ([`crate::content::TextKeys::assembly`]) they were made in. Within one
/// assembly only texts change, so a page's keys are a function of its
/// rendered Markdown alone: everything else `page_key` reads (titles, URLs,
/// sections, translations, authors' pages) comes from the front matter and
/// the file list, which a patched site keeps.
pub struct PageKeys {
    assembly: u64,
    /// What every render shared ([`ListingValues::shared`]).
    shared: Option<u64>,
    keys: Vec<(u64, [u64; 3])>,
}

impl ListingValues<'_> {
    /// The memo key of a page's listing value, from its [`page_key`].
    fn key(&self, page_key: u64) -> u64 {
        crate::incremental::KeyHasher::new()
            .num(self.shared)
            .num(page_key)
            .finish()
    }
}

/// The memo that keeps listing views, and the hash of what every render
/// shares (templates, configuration, UI strings).
pub struct ListingValues<'a> {
    pub memo: &'a crate::incremental::Memo,
    pub shared: u64,
}

/// One author, linking to their page in `lang`.
pub fn author_view<'a>(
    site: &'a Site,
    tax: &Taxonomy,
    key: &'a str,
    lang: &str,
) -> Option<AuthorView<'a>> {
    let a = site.config.authors.get(key)?;
    Some(AuthorView {
        key,
        name: &a.name,
        credentials: &a.credentials,
        affiliation: &a.affiliation,
        url: &a.url,
        orcid: &a.orcid,
        disclosures: &a.disclosures,
        page_url: tax.author_url(site, lang, key),
    })
}

fn author_views<'a>(
    site: &'a Site,
    rendered: &'a RenderedContent<'a>,
    keys: &'a [String],
    lang: &'a str,
) -> Vec<AuthorRef<'a>> {
    keys.iter()
        .filter(|k| site.config.authors.contains_key(k.as_str()))
        .map(|key| AuthorRef {
            site,
            rendered,
            key,
            lang,
        })
        .collect()
}

/// An author of a page (or its reviewer), linking to their page in `lang`:
/// serialises as [`author_view`], made into a template value once per build
/// and language (see [`AuthorValues`]) however many pages and listings
/// show the author.
#[derive(Clone, Copy)]
pub struct AuthorRef<'a> {
    site: &'a Site,
    rendered: &'a RenderedContent<'a>,
    key: &'a str,
    lang: &'a str,
}

impl std::fmt::Debug for AuthorRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("AuthorRef")
            .field(&self.key)
            .field(&self.lang)
            .finish()
    }
}

impl Serialize for AuthorRef<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let view = || author_view(self.site, self.rendered.taxonomy, self.key, self.lang);
        // Into a rebuild key the view goes as itself (a template value's
        // maps have no stable order).
        if crate::incremental::fingerprinting() {
            return view().serialize(s);
        }
        let values = &self.rendered.author_values;
        if let Some(v) = values.get(self.lang, self.key) {
            return v.serialize(s);
        }
        let Some(view) = view() else {
            return s.serialize_none();
        };
        match tera::Value::try_from_serializable(&view) {
            Ok(v) => {
                values.put(self.lang, self.key, v.clone());
                v.serialize(s)
            }
            Err(_) => view.serialize(s),
        }
    }
}

/// The site's authors as template values, by language and key, made when
/// first shown in a build. An author's view is a function of the
/// configuration and the taxonomy, which one build does not change: a
/// [`RenderedContent`] (one build's) keeps them.
#[derive(Default)]
pub struct AuthorValues(std::sync::RwLock<HashMap<String, HashMap<String, tera::Value>>>);

impl AuthorValues {
    fn get(&self, lang: &str, key: &str) -> Option<tera::Value> {
        let map = self
            .0
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        map.get(lang)?.get(key).cloned()
    }

    fn put(&self, lang: &str, key: &str, value: tera::Value) {
        let mut map = self
            .0
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        map.entry(lang.to_owned())
            .or_default()
            .insert(key.to_owned(), value);
    }
}

/// `tag` (and the entries of `tags`).
#[derive(Debug, Serialize)]
pub struct TagPageView<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub url: &'a str,
    pub permalink: String,
    pub count: usize,
    pub hashtag: Option<&'a str>,
    pub feed_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pages: Option<Vec<Listed<'a>>>,
}

pub fn tag_view<'a>(
    site: &'a Site,
    md: &'a RenderedContent<'a>,
    tag: &'a Tag,
    with_pages: bool,
) -> TagPageView<'a> {
    TagPageView {
        name: &tag.name,
        slug: &tag.slug,
        url: &tag.url,
        permalink: site.config.permalink(&tag.url),
        count: tag.pages.len(),
        hashtag: site
            .config
            .tags
            .iter()
            .find(|(k, _)| crate::content::slug::slugify(k) == tag.slug)
            .and_then(|(_, m)| m.hashtag.as_deref()),
        feed_url: format!("{}atom.xml", tag.url),
        pages: with_pages.then(|| listed(site, md, &tag.pages)),
    }
}

/// `author` on an author page.
#[derive(Debug, Serialize)]
pub struct AuthorPageView<'a> {
    #[serde(flatten)]
    pub author: AuthorView<'a>,
    pub permalink: String,
    pub pages: Vec<Listed<'a>>,
    pub reviewed: Vec<Listed<'a>>,
    /// schema.org JSON-LD (`ProfilePage` with the `Person`), safe inside a script element.
    pub jsonld: String,
}

pub fn author_page_view<'a>(
    site: &'a Site,
    md: &'a RenderedContent<'a>,
    a: &'a AuthorPages,
) -> Option<AuthorPageView<'a>> {
    let permalink = site.config.permalink(&a.url);
    let jsonld = crate::jsonld::author_page(site, &a.key, &a.lang, &permalink)
        .map(|v| crate::jsonld::script_safe(&v))
        .unwrap_or_default();
    Some(AuthorPageView {
        author: author_view(site, md.taxonomy, &a.key, &a.lang)?,
        permalink,
        jsonld,
        pages: listed(site, md, &a.written),
        reviewed: listed(site, md, &a.reviewed),
    })
}

/// A hash of everything [`page_view`] reads, made without building the view
/// (a rebuild keys every page's template render by it). The page's rendered
/// Markdown fingerprint stands for its text, and with it its front matter,
/// file and language; the configuration is in every render's key already
/// (see `Renderer::with_memo`). What the assembly adds from the rest of the
/// site is hashed here: the page's place (URL, section), its translations and
/// its authors' pages. A new input of `page_view`, or of what it calls
/// (review status, JSON-LD, the card), that is not a function of these must be
/// added here, or rebuilds show stale pages (the serve tests catch it).
pub fn page_key(site: &Site, rendered: &RenderedContent<'_>, id: PageId, full: bool) -> u64 {
    let p = site.page(id);
    let r = &rendered.pages[id.0 as usize];
    let section = site.section(p.section);
    let mut h = crate::incremental::KeyHasher::new();
    // The day is in what every render shares (see `Renderer::with_memo`).
    h.num(u64::from(full))
        .num(r.fingerprint)
        .str(&p.title)
        .str(&p.lang)
        .str(&p.slug)
        .str(&p.url)
        .str(&p.permalink)
        .str(&section.title)
        .str(&section.url)
        .str(p.audience.as_str());
    let translated = site
        .translations
        .get(&p.translation_key)
        .is_some_and(|t| t.len() > 1);
    let others = if translated {
        site.translations_of(id)
    } else {
        Vec::new()
    };
    for t in others {
        let tp = site.page(t);
        h.str(&tp.lang)
            .str(&tp.title)
            .str(&tp.url)
            .str(&tp.permalink);
    }
    h.num(p.assets.len() as u64);
    for a in &p.assets {
        h.bytes(a.output.as_os_str().as_encoded_bytes());
    }
    for (role, keys) in [(1, &p.authors), (2, &p.reviewers)] {
        h.num(role).num(keys.len() as u64);
        for k in keys {
            h.str(k)
                .str(&rendered.taxonomy.author_url(site, &p.lang, k));
        }
    }
    h.finish()
}

/// The view of page `id`; `full` adds content and table of contents.
pub fn page_view<'a>(
    site: &'a Site,
    rendered: &'a RenderedContent<'a>,
    id: PageId,
    full: bool,
) -> PageView<'a> {
    page_view_with(site, rendered, id, full, None)
}

/// [`page_view`], with the page's rendered Markdown given apart (`praxis
/// build` takes it out of `rendered`, leaving what listings read, so that it
/// is dropped as soon as the page is written); `None` reads it from `rendered`.
pub fn page_view_with<'a>(
    site: &'a Site,
    rendered: &'a RenderedContent<'a>,
    id: PageId,
    full: bool,
    own: Option<&'a super::RenderedFile>,
) -> PageView<'a> {
    let p = site.page(id);
    let r = own.unwrap_or_else(|| &rendered.pages[id.0 as usize]);
    let fingerprint = r.fingerprint;
    let derived = |value: &'a str| Derived { value, fingerprint };
    let lang = p.lang.as_str();
    let section = site.section(p.section);
    let review = crate::review::review(
        p,
        site.today,
        site.config.review_interval,
        site.config.review_due_soon,
    );
    let tag_root: std::sync::Arc<str> = site.config.language_root(lang).into();
    PageView {
        title: &p.title,
        description: p.fm.description.as_deref().unwrap_or(""),
        url: &p.url,
        permalink: &p.permalink,
        slug: &p.slug,
        lang,
        date: p.fm.date.map(|d| DateField::new(d, lang)),
        updated: p.fm.updated.map(|d| DateField::new(d, lang)),
        last_reviewed: p.fm.last_reviewed.map(|d| DateField::new(d, lang)),
        next_review: review.next_due.map(|d| DateField::new(d, lang)),
        content: full.then_some(derived(r.html.as_str())),
        summary: r.summary.as_deref().map(derived),
        toc: full.then_some(Derived {
            value: r.toc.as_slice(),
            fingerprint,
        }),
        references: r.references.as_deref().filter(|_| full).map(derived),
        citations: full.then_some(Derived {
            value: r.cited.as_slice(),
            fingerprint,
        }),
        word_count: (full || rendered.summary_word_count).then_some(r.word_count),
        reading_time: reading_time(r.word_count),
        tags: p
            .fm
            .tags
            .iter()
            .map(|t| TagField {
                name: t,
                lang_root: tag_root.clone(),
            })
            .collect(),
        authors: author_views(site, rendered, &p.authors, lang),
        reviewers: author_views(site, rendered, &p.reviewers, lang),
        audience: p.audience.as_str(),
        draft: p.fm.draft,
        section: Shared(LinkView {
            title: &section.title,
            url: &section.url,
        }),
        translations: site
            .translations_of(id)
            .into_iter()
            .map(|t| {
                let tp = site.page(t);
                TranslationView {
                    lang: &tp.lang,
                    title: &tp.title,
                    url: &tp.url,
                    permalink: &tp.permalink,
                    og_locale: OgLocale(&tp.lang),
                }
            })
            .collect(),
        assets: p
            .assets
            .iter()
            .map(|a| {
                let rel = a.output.to_string_lossy().replace('\\', "/");
                format!("{}{rel}", site.config.root_path)
            })
            .collect(),
        extra: &p.fm.extra,
        review: ReviewView {
            status: review.status.as_str(),
            next_due: review.next_due.map(|d| DateField::new(d, lang)),
            last: review.last.map(|d| DateField::new(d, lang)),
            interval: review.interval.to_string(),
        },
        modified: crate::outputs::last_changed(p).map(|d| DateField::new(d, lang)),
        og_locale: OgLocale(lang),
        jsonld: full.then_some(PageJsonLd {
            site,
            taxonomy: rendered.taxonomy,
            page: p,
            cited: &r.cited,
            shared: &rendered.jsonld,
        }),
        card: full
            .then(|| crate::cards::page_card(site, p))
            .flatten()
            .map(|t| crate::cards::view(site, &t, &p.title)),
    }
}

pub fn section_view<'a>(
    site: &'a Site,
    rendered: &'a RenderedContent<'a>,
    id: SectionId,
) -> SectionView<'a> {
    let s = site.section(id);
    SectionView {
        title: &s.title,
        description: s.fm.description.as_deref().unwrap_or(""),
        url: &s.url,
        permalink: &s.permalink,
        lang: &s.lang,
        content: &rendered.sections[id.0 as usize].html,
        pages: listed(site, rendered, &s.pages),
        subsections: s
            .subsections
            .iter()
            .map(|&c| {
                let c = site.section(c);
                SubsectionView {
                    title: &c.title,
                    description: c.fm.description.as_deref().unwrap_or(""),
                    url: &c.url,
                    page_count: c.pages.len(),
                }
            })
            .collect(),
        extra: &s.fm.extra,
    }
}

/// The site-wide part of every template's context.
#[derive(Debug, Serialize)]
pub struct ConfigView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub disclaimer: &'a str,
    pub base_url: &'a str,
    pub default_language: &'a str,
    pub languages: &'a [String],
    pub extra: &'a BTreeMap<String, serde_json::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_carry_the_word_count_when_a_template_may_read_it() {
        let clinic = "{{ item.reading_time }} {{ page.jsonld | safe }} {% set author_keys = [] %}";
        assert!(!summaries_show_word_count([clinic]));
        for t in [
            "{{ item.word_count }}",
            "{{ item | get(key=\"word_count\") }}",
            "{% for k in item | keys %}{{ k }}{% endfor %}",
            "{% for pair in item | pairs %}{% endfor %}",
            "{{ item | values | length }}",
            "{% for k, v in item %}{{ k }}{% endfor %}",
            "{%- for key , value in page %}{% endfor %}",
            "<script>{{ paginator.pages | json_encode | safe }}</script>",
            "{{ __tera_context }}",
        ] {
            assert!(summaries_show_word_count([clinic, t]), "{t}");
        }
        assert!(!summaries_show_word_count([
            "{% for p in pages %}, {% endfor %}"
        ]));
        assert!(!summaries_show_word_count(["before, after"]));
    }
}
