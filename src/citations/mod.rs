//! Citations: bibliographies, Pandoc citation syntax, and formatting with a
//! real CSL engine (hayagriva).
//!
//! The site's bibliographies are read once per build ([`Bibliography::load`]).
//! Each page then gets a [`Citer`] for its language: the Markdown pass hands it
//! every citation of the page in order, and gets back the HTML of each
//! citation and of the reference list, numbered by first citation as the
//! style says. No style is formatted by hand.

pub mod cache;
pub mod casing;
pub mod engine;
pub mod load;
pub mod style;
pub mod syntax;
pub mod tidy;

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use hayagriva::citationberg::taxonomy::Locator;
use hayagriva::citationberg::{CitationFormat, IndependentStyle, LocaleCode, StyleCategory};
use hayagriva::{
    BibliographyDriver, BibliographyRequest, BufWriteFormat, CitationItem, CitationRequest,
    CitePurpose, Entry, LocatorPayload, SpecificLocator,
};

use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean};
use crate::markdown::highlight::escape_html;
pub use syntax::CiteItem;

/// Where an entry was defined.
#[derive(Debug, Clone)]
pub struct Origin {
    pub file: PathBuf,
    pub line: usize,
}

/// Every entry the site can cite.
#[derive(Debug, Default, Clone)]
pub struct Bibliography {
    entries: Vec<Entry>,
    /// The entries as English pages show them, where that differs
    /// (sentence-cased BibLaTeX titles, see [`casing`]).
    english: HashMap<usize, Entry>,
    origins: Vec<Origin>,
    by_key: HashMap<String, usize>,
    by_doi: HashMap<String, usize>,
    by_pmid: HashMap<String, usize>,
    /// The cache key ([`cache::entry_key`]) of each entry and of its English
    /// form, if it has one: made once, though every language's cache looks
    /// them up twice a build (hashing an entry is not cheap).
    entry_keys: std::sync::OnceLock<Vec<(u64, Option<u64>)>>,
}

impl Bibliography {
    /// Reads `files` (relative to `root`); reports errors and duplicate keys.
    pub fn load(root: &Path, files: &[PathBuf], ds: &mut Diagnostics) -> Bibliography {
        let mut bib = Bibliography::default();
        for rel in files {
            match std::fs::read(root.join(rel)) {
                Ok(bytes) => bib.add_file(rel, bytes, ds),
                Err(e) => {
                    ds.push(
                        Diagnostic::error(
                            "bibliography",
                            format!("cannot read the bibliography: {e}"),
                        )
                        .in_file(rel)
                        .with_hint("check the path in `bibliography` (relative to the site root)"),
                    );
                }
            }
        }
        bib
    }

    /// Adds the entries of one bibliography file (`rel`, by its ending) given
    /// its bytes; reports errors and duplicate keys.
    pub fn add_file(&mut self, rel: &Path, bytes: Vec<u8>, ds: &mut Diagnostics) {
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let valid = e.utf8_error().valid_up_to();
                let prefix = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
                let (line, col) = crate::diagnostics::line_col(&prefix, valid);
                ds.push(
                    Diagnostic::error("encoding", "the bibliography is not valid UTF-8")
                        .in_file(rel)
                        .at(line, col)
                        .with_hint("save it as UTF-8 (reference managers offer it in their export settings)"),
                );
                return;
            }
        };
        match load::load(text.strip_prefix('\u{feff}').unwrap_or(&text), rel) {
            Ok(loaded) => {
                let mut english: HashMap<String, Entry> = loaded.english.into_iter().collect();
                for (entry, line) in loaded.entries {
                    let en = english.remove(entry.key());
                    self.add(
                        entry,
                        Origin {
                            file: rel.to_path_buf(),
                            line,
                        },
                        en,
                        ds,
                    );
                }
            }
            Err(errors) => ds.extend(errors),
        }
    }

    fn add(&mut self, entry: Entry, origin: Origin, english: Option<Entry>, ds: &mut Diagnostics) {
        let key = entry.key().to_owned();
        if let Some(&i) = self.by_key.get(&key) {
            let first = &self.origins[i];
            ds.push(
                Diagnostic::warning(
                    "bibliography",
                    format!(
                        "the key `{key}` is defined twice; the first definition ({}:{}) is used",
                        first.file.display(),
                        first.line
                    ),
                )
                .in_file(&origin.file)
                .at(origin.line, 0)
                .with_hint("remove one of the two entries or give it another key"),
            );
            return;
        }
        let i = self.entries.len();
        if let Some(doi) = entry.doi() {
            self.by_doi.entry(doi.to_lowercase()).or_insert(i);
        }
        if let Some(pmid) = entry.keyed_serial_number("pmid") {
            self.by_pmid.entry(pmid.trim().to_owned()).or_insert(i);
        }
        self.by_key.insert(key, i);
        if let Some(en) = english {
            self.english.insert(i, en);
        }
        self.entries.push(entry);
        self.origins.push(origin);
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(Entry::key)
    }

    /// Where the entry with this key was defined (for `check`).
    pub fn origin(&self, key: &str) -> Option<&Origin> {
        self.by_key.get(key).and_then(|&i| self.origins.get(i))
    }

    /// The entry a citation key means: the key itself, `doi:…` or `pmid:…`.
    pub fn resolve(&self, key: &str) -> Option<&Entry> {
        self.position(key).and_then(|i| self.entries.get(i))
    }

    /// The entry at `i` as a page in `english` or another language shows it.
    fn entry_for(&self, i: usize, english: bool) -> Option<&Entry> {
        english
            .then(|| self.english.get(&i))
            .flatten()
            .or_else(|| self.entries.get(i))
    }

    /// [`cache::entry_key`] of [`Bibliography::entry_for`]`(i, english)`.
    fn entry_key(&self, i: usize, english: bool) -> Option<u64> {
        let keys = self.entry_keys.get_or_init(|| {
            self.entries
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    (
                        cache::entry_key(e),
                        self.english.get(&i).map(cache::entry_key),
                    )
                })
                .collect()
        });
        let &(plain, english_key) = keys.get(i)?;
        Some(if english {
            english_key.unwrap_or(plain)
        } else {
            plain
        })
    }

    /// Where the entry a citation key means is.
    fn position(&self, key: &str) -> Option<usize> {
        self.by_key.get(key).copied().or_else(|| {
            if let Some(doi) = key.strip_prefix("doi:") {
                self.by_doi.get(&doi.to_lowercase()).copied()
            } else {
                key.strip_prefix("pmid:")
                    .and_then(|p| self.by_pmid.get(p).copied())
            }
        })
    }
}

/// The locale a page language asks for (`de` → `de-DE`).
pub fn locale_for(lang: &str) -> LocaleCode {
    let code = match lang {
        "de" => "de-DE",
        "en" => "en-US",
        "fr" => "fr-FR",
        "nl" => "nl-NL",
        other => other,
    };
    LocaleCode(code.to_owned())
}

/// One citation as the Markdown pass found it.
#[derive(Debug, Clone)]
pub struct CiteGroup {
    pub items: Vec<CiteItem>,
    /// `@key` in running text: the author is named, then the marker.
    pub in_text: bool,
}

/// What formatting a page's citations gives back.
#[derive(Debug, Clone, Default)]
pub struct Formatted {
    /// HTML for each group, in order.
    pub citations: Vec<String>,
    /// The reference list (`<ol>`), when anything was cited.
    pub references: Option<String>,
    /// Plain text of each cited entry, for JSON-LD `citation`.
    pub cited: Vec<String>,
    /// The key of each entry of `cited`, in the same order.
    pub keys: Vec<String>,
    /// `(offset, message, hint)` for keys that match no entry.
    pub errors: Vec<(usize, String, String)>,
}

impl FormattedEntry {
    fn new(
        label_html: Option<String>,
        content: &hayagriva::ElemChildren,
        e: Option<&Entry>,
    ) -> Self {
        let html = html_of(content);
        FormattedEntry {
            label_html,
            links: e.map(|e| identifier_links(e, &html)).unwrap_or_default(),
            plain: plain_of(content),
            html,
        }
    }

    fn empty() -> Self {
        FormattedEntry {
            label_html: None,
            html: String::new(),
            plain: String::new(),
            links: String::new(),
        }
    }
}

/// Formats the citations of one page.
pub struct Citer<'a> {
    pub site: &'a Bibliography,
    pub page: Option<&'a Bibliography>,
    pub style: &'a IndependentStyle,
    /// Parsed only once the engine runs.
    pub locales: &'a style::Locales,
    pub locale: LocaleCode,
    /// Set for styles that number by first citation: formatted entries are
    /// shared between pages instead of formatted again on each.
    pub shared: Option<SharedEntries<'a>>,
}

/// One entry of a reference list, formatted.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FormattedEntry {
    /// The number column (`1.`), for numbered styles.
    label_html: Option<String>,
    html: String,
    plain: String,
    /// DOI, PubMed, PMC, AWMF and NICE links (see [`identifier_links`]).
    links: String,
}

/// Entries formatted once per build and language, for styles that number by
/// first citation (Vancouver, AMA): there an entry's text does not depend on
/// the page, only its number does. The citation markers of each page are
/// still made by the engine, with a copy of the style that has no
/// bibliography (so it only numbers and collapses).
#[derive(Clone, Copy)]
pub struct SharedEntries<'a> {
    pub marker_style: &'a IndependentStyle,
    /// One slot per entry of the site bibliography, in its order.
    pub cache: &'a [std::sync::OnceLock<FormattedEntry>],
    /// For styles whose markers show only numbers and locators (the
    /// built-in Vancouver and AMA, see [`markers_show_only_numbers`]): the
    /// markers formatted so far, so a marker is formatted once per build.
    pub markers: Option<&'a MarkerCache>,
}

/// Whether the markers of `style` show nothing but citation numbers and
/// locators, so that a marker can be reused on every page where it has the
/// same numbers: true for the built-in Vancouver and AMA styles, whose
/// `<citation>` is known; a style from a file is formatted page by page.
pub fn markers_show_only_numbers(style: &crate::config::CitationStyle) -> bool {
    matches!(style, crate::config::CitationStyle::Builtin(name) if name == "vancouver" || name == "ama")
}

impl Bibliography {
    /// The position of the entry `key` means, for [`SharedEntries`].
    fn index_of(&self, key: &str) -> Option<usize> {
        self.by_key.get(key).copied()
    }
}

/// Whether entries of `style` can be shared between pages: numbered by first
/// citation, with an unsorted bibliography.
pub fn can_share_entries(style: &IndependentStyle) -> bool {
    let numeric = style.info.category.iter().any(|c| {
        matches!(
            c,
            StyleCategory::CitationFormat {
                format: CitationFormat::Numeric
            }
        )
    });
    numeric
        && style
            .bibliography
            .as_ref()
            .is_some_and(|b| b.sort.is_none())
}

/// The same style without its bibliography: it then only numbers citations.
pub fn marker_style(style: &IndependentStyle) -> IndependentStyle {
    let mut s = style.clone();
    s.bibliography = None;
    s
}

fn locator(text: &str) -> Option<SpecificLocator<'_>> {
    if text.is_empty() {
        return None;
    }
    let labels: [(&str, Locator); 10] = [
        ("pp.", Locator::Page),
        ("p.", Locator::Page),
        ("S.", Locator::Page),
        ("page", Locator::Page),
        ("chap.", Locator::Chapter),
        ("Kap.", Locator::Chapter),
        ("ch.", Locator::Chapter),
        ("fig.", Locator::Figure),
        ("Abb.", Locator::Figure),
        ("sec.", Locator::Section),
    ];
    for (label, loc) in labels {
        if let Some(rest) = text.strip_prefix(label) {
            return Some(SpecificLocator(loc, LocatorPayload::Str(rest.trim())));
        }
    }
    Some(SpecificLocator(Locator::Page, LocatorPayload::Str(text)))
}

fn html_of(children: &hayagriva::ElemChildren) -> String {
    let mut s = String::new();
    let _ = children.write_buf(&mut s, BufWriteFormat::Html);
    tidy::engine_text(s)
}

fn plain_of(children: &hayagriva::ElemChildren) -> String {
    let mut s = String::new();
    let _ = children.write_buf(&mut s, BufWriteFormat::Plain);
    tidy::engine_text(s)
}

/// An id-safe form of a key.
pub fn anchor(key: &str) -> String {
    let mut s = String::with_capacity(4 + key.len());
    s.push_str("ref-");
    // Keys are nearly always plain already: one copy, not a push per char.
    if key
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        s.push_str(key);
        return s;
    }
    s.extend(key.chars().map(|c| {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            c
        } else {
            '-'
        }
    }));
    s
}

impl Citer<'_> {
    /// The entry `key` means, as a page in this language shows it.
    fn resolve(&self, key: &str) -> Option<&Entry> {
        let english = self.is_english();
        self.page
            .and_then(|p| p.entry_for(p.position(key)?, english))
            .or_else(|| self.site.entry_for(self.site.position(key)?, english))
    }

    /// Whether the page is in English (then English titles are sentence-cased,
    /// as Pandoc does).
    fn is_english(&self) -> bool {
        self.locale.0 == "en" || self.locale.0.starts_with("en-")
    }

    /// Whether the style numbers its citations ([1]) rather than naming authors.
    fn is_numeric(&self) -> bool {
        self.style.info.category.iter().any(|c| {
            matches!(
                c,
                StyleCategory::CitationFormat {
                    format: CitationFormat::Numeric
                }
            )
        })
    }

    /// Formats one entry as the reference list shows it, numbered 1.
    fn format_alone(&self, e: &Entry) -> FormattedEntry {
        let rendered = engine::run(self.style, self.style, |style, _| {
            let mut driver: BibliographyDriver<'_, Entry> = BibliographyDriver::new();
            driver.citation(CitationRequest::new(
                vec![CitationItem::with_entry(e)],
                style,
                Some(self.locale.clone()),
                self.locales.get(),
                None,
            ));
            driver.finish(BibliographyRequest::new(
                style,
                Some(self.locale.clone()),
                self.locales.get(),
            ))
        });
        let item = rendered
            .bibliography
            .and_then(|b| b.items.into_iter().next());
        match item {
            Some(item) => FormattedEntry::new(label_html(&item), &item.content, Some(e)),
            None => FormattedEntry::empty(),
        }
    }

    /// Whether `key` names an entry (for `@key` in running text, which is only a
    /// citation when it does: `@praxis` on social media is not).
    pub fn resolves(&self, key: &str) -> bool {
        self.resolve(key).is_some()
    }

    fn unknown(&self, key: &str) -> (String, String) {
        let keys = self
            .site
            .keys()
            .chain(self.page.into_iter().flat_map(Bibliography::keys));
        let hint = match did_you_mean(key, keys) {
            Some(h) => h,
            None if self.site.is_empty() && self.page.is_none() => {
                "the site has no bibliography: add `bibliography = \"references.bib\"` to praxis.toml".to_owned()
            }
            None if key.starts_with("doi:") || key.starts_with("pmid:") => {
                "no entry has this identifier: add the entry to the bibliography".to_owned()
            }
            None => "add the entry to the bibliography, or check the spelling of the key".to_owned(),
        };
        (format!("unknown citation key `{key}`"), hint)
    }

    /// Formats `groups` in order; unknown keys are reported and left out.
    pub fn format(&self, groups: &[CiteGroup]) -> Formatted {
        let mut out = Formatted::default();
        // Per group: the author part, the items for the engine, and what the
        // marker shows (numbers and locators, for the marker cache).
        let mut plan: Vec<PlanRow<'_, '_>> = Vec::new();
        // Each cited entry's key with the group that first cites it, in
        // that order (a page cites a handful: a list beats a map).
        let mut order: Vec<(&str, usize)> = Vec::new();
        // The key of the first entry each group cites (its link's target).
        let mut targets: Vec<Option<&str>> = Vec::with_capacity(groups.len());
        for (gi, g) in groups.iter().enumerate() {
            let mut items = Vec::new();
            let mut target = None;
            let mut author = None;
            let mut shown = Vec::new();
            for it in &g.items {
                match self.resolve(&it.key) {
                    Some(e) => {
                        let number = match order.iter().position(|(k, _)| *k == e.key()) {
                            Some(n) => n + 1,
                            None => {
                                order.push((e.key(), gi));
                                order.len()
                            }
                        };
                        shown.push((number, it.locator.clone()));
                        target.get_or_insert(e.key());
                        if g.in_text {
                            author = Some(author_phrase(e, &self.locale.0));
                        }
                        let mut ci = CitationItem::with_locator(e, locator(&it.locator));
                        // `[-@key]` only means something where the author would show.
                        if it.suppress_author && !self.is_numeric() {
                            ci = ci.kind(CitePurpose::Year);
                        }
                        items.push(ci);
                    }
                    None => {
                        let (m, h) = self.unknown(&it.key);
                        out.errors.push((it.offset, m, h));
                    }
                }
            }
            plan.push((author, items, shown, g));
            targets.push(target);
        }
        let shared = self.shared.filter(|_| self.page.is_none());
        let (markers, rendered) = self.markers(&mut plan, shared);
        for (gi, (author, _, _, g)) in plan.into_iter().enumerate() {
            let mut html = String::new();
            let prefix: Vec<&str> = g
                .items
                .iter()
                .map(|i| i.prefix.as_str())
                .filter(|p| !p.is_empty())
                .collect();
            if let Some(a) = author {
                escape_html(&a, &mut html);
                html.push(' ');
            }
            if !prefix.is_empty() && !g.in_text {
                escape_html(&prefix.join(" "), &mut html);
                html.push(' ');
            }
            if let Some(m) = markers.get(gi).and_then(Option::as_ref) {
                let target = targets
                    .get(gi)
                    .copied()
                    .flatten()
                    .map(anchor)
                    .unwrap_or_default();
                html.push_str("<a class=\"citation\" id=\"cite-");
                crate::decimal::push_decimal(&mut html, (gi + 1) as u64, 1);
                html.push_str("\" href=\"#");
                html.push_str(&target);
                html.push_str("\">");
                html.push_str(m);
                html.push_str("</a>");
            }
            out.citations.push(html);
        }
        // Each entry with the number its label shows, when the shared
        // entry (formatted as number 1) needs renumbering.
        let items: Vec<(String, Cow<'_, FormattedEntry>, Option<usize>)> = match shared {
            Some(sh) => order
                .iter()
                .enumerate()
                .filter_map(|(n, &(key, _))| {
                    let i = self.site.index_of(key)?;
                    let e = sh.cache.get(i)?.get_or_init(|| {
                        let e = self.site.entry_for(i, self.is_english());
                        e.map_or_else(FormattedEntry::empty, |e| self.format_alone(e))
                    });
                    Some((key.to_owned(), Cow::Borrowed(e), Some(n + 1)))
                })
                .collect(),
            None => rendered
                .and_then(|r| r.bibliography)
                .map(|b| {
                    b.items
                        .iter()
                        .map(|item| {
                            let entry = FormattedEntry::new(
                                label_html(item),
                                &item.content,
                                self.resolve(&item.key),
                            );
                            (item.key.clone(), Cow::Owned(entry), None)
                        })
                        .collect()
                })
                .unwrap_or_default(),
        };
        if !items.is_empty() {
            let size: usize = items
                .iter()
                .map(|(k, e, _)| 160 + 2 * k.len() + e.html.len() + e.links.len())
                .sum();
            let mut list = String::with_capacity(32 + size);
            list.push_str("<ol class=\"references-list\">\n");
            for (key, item, number) in &items {
                list.push_str("<li id=\"");
                list.push_str(&anchor(key));
                list.push_str("\">");
                if let Some(label) = &item.label_html {
                    list.push_str("<span class=\"ref-label\">");
                    match number {
                        // The shared entry was formatted as number 1.
                        Some(n) => match label.split_once('1') {
                            Some((before, after)) => {
                                list.push_str(before);
                                crate::decimal::push_decimal(&mut list, (*n) as u64, 1);
                                list.push_str(after);
                            }
                            None => list.push_str(label),
                        },
                        None => list.push_str(label),
                    }
                    list.push_str("</span> ");
                }
                list.push_str("<span class=\"ref-text\">");
                list.push_str(&item.html);
                list.push_str("</span>");
                list.push_str(&item.links);
                if let Some(&(_, gi)) = order.iter().find(|(k, _)| k == key) {
                    list.push_str(" <a class=\"backlink\" href=\"#cite-");
                    crate::decimal::push_decimal(&mut list, (gi + 1) as u64, 1);
                    list.push_str("\" aria-label=\"↩ ");
                    crate::decimal::push_decimal(&mut list, (gi + 1) as u64, 1);
                    list.push_str("\">↩</a>");
                }
                list.push_str("</li>\n");
                out.cited.push(item.plain.trim().to_owned());
                out.keys.push(key.clone());
            }
            list.push_str("</ol>\n");
            out.references = Some(list);
        }
        out
    }
}

/// The number column of a rendered reference-list item, as HTML.
fn label_html(item: &hayagriva::BibliographyItem) -> Option<String> {
    item.first_field.as_ref().map(|f| {
        let mut h = String::new();
        let _ = f.write_buf(&mut h, BufWriteFormat::Html);
        h
    })
}

/// What a citation marker of a numbered style shows: the number and the
/// locator of each work cited.
pub type MarkerKey = Vec<(usize, String)>;

/// Formatted citation markers by what they show, shared by the pages of one
/// language (see [`SharedEntries::markers`]).
pub type MarkerCache = std::sync::RwLock<HashMap<MarkerKey, String>>;

type PlanRow<'e, 'g> = (
    Option<String>,
    Vec<CitationItem<'e, Entry>>,
    MarkerKey,
    &'g CiteGroup,
);

impl<'a> Citer<'a> {
    /// The HTML of each group's marker, and (unless entries are shared) what
    /// the engine rendered for the reference list. With a marker cache, a
    /// page whose markers have all been formatted before (on another page,
    /// with the same numbers and locators) needs no engine run at all.
    fn markers<'e>(
        &self,
        plan: &mut [PlanRow<'e, '_>],
        shared: Option<SharedEntries<'a>>,
    ) -> (Vec<Option<String>>, Option<hayagriva::Rendered>)
    where
        'a: 'e,
    {
        let cache = shared.and_then(|sh| sh.markers);
        if let Some(cache) = cache
            && let Ok(known) = cache.read()
        {
            let hits: Option<Vec<Option<String>>> = plan
                .iter()
                .map(|(_, items, key, _)| {
                    if items.is_empty() {
                        Some(None)
                    } else {
                        known.get(key).cloned().map(Some)
                    }
                })
                .collect();
            if let Some(hits) = hits {
                return (hits, None);
            }
        }
        let mut requests = Vec::with_capacity(plan.len());
        let mut batches = Vec::new();
        for (_, items, _, _) in plan.iter_mut() {
            if items.is_empty() {
                requests.push(None);
                continue;
            }
            requests.push(Some(batches.len()));
            batches.push(std::mem::take(items));
        }
        let finish_style = shared.map_or(self.style, |sh| sh.marker_style);
        let rendered = engine::run(self.style, finish_style, |cite_style, finish_style| {
            let mut driver: BibliographyDriver<'_, Entry> = BibliographyDriver::new();
            for items in &batches {
                driver.citation(CitationRequest::new(
                    items.clone(),
                    cite_style,
                    Some(self.locale.clone()),
                    self.locales.get(),
                    None,
                ));
            }
            driver.finish(BibliographyRequest::new(
                finish_style,
                Some(self.locale.clone()),
                self.locales.get(),
            ))
        });
        let markers: Vec<Option<String>> = requests
            .iter()
            .map(|r| {
                r.and_then(|i| rendered.citations.get(i))
                    .map(|m| html_of(&m.citation))
            })
            .collect();
        if let Some(cache) = cache
            && let Ok(mut known) = cache.write()
        {
            for ((_, _, key, _), m) in plan.iter().zip(&markers) {
                if let Some(m) = m {
                    known.entry(key.clone()).or_insert_with(|| m.clone());
                }
            }
        }
        (markers, Some(rendered))
    }
}

/// "McMurray", "Smith and Jones", "McMurray et al." in the page's language,
/// for `@key` in running text (the way Pandoc writes it for numbered styles).
fn author_phrase(e: &Entry, locale: &str) -> String {
    let names: Vec<String> = e
        .authors()
        .unwrap_or_default()
        .iter()
        .map(|p| match &p.prefix {
            Some(prefix) => format!("{prefix} {}", p.name),
            None => p.name.clone(),
        })
        .collect();
    let lang = locale.split('-').next().unwrap_or(locale);
    let (and, et_al) = match lang {
        "de" => ("und", "u.\u{a0}a."),
        "fr" => ("et", "et al."),
        "nl" => ("en", "e.a."),
        _ => ("and", "et al."),
    };
    match names.as_slice() {
        [] => e.title().map(|t| t.value.to_string()).unwrap_or_default(),
        [one] => one.clone(),
        [a, b] => format!("{a} {and} {b}"),
        [a, ..] => format!("{a} {et_al}"),
    }
}

/// A guideline number doctors cite: an AWMF register number (`057-013`,
/// `032-035OL`, `nvl-001`) or a NICE guidance code (`NG28`). Returns the
/// serial-number key (`awmf`, `nice`) and the identifier.
pub fn guideline_id(s: &str) -> Option<(&'static str, String)> {
    let s = s.trim();
    let b = s.as_bytes();
    let awmf = b.len() >= 7
        && b[..3].iter().all(u8::is_ascii_digit)
        && b[3] == b'-'
        && b[4..7].iter().all(u8::is_ascii_digit)
        && b[7..].iter().all(u8::is_ascii_uppercase);
    let nvl = s
        .strip_prefix("nvl-")
        .is_some_and(|n| n.len() == 3 && n.bytes().all(|c| c.is_ascii_digit()));
    if awmf || nvl {
        return Some(("awmf", s.to_owned()));
    }
    const NICE: [&str; 8] = ["NG", "CG", "QS", "TA", "PH", "IPG", "DG", "MTG"];
    let nice = NICE.iter().any(|p| {
        s.strip_prefix(p)
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()))
    });
    nice.then(|| ("nice", s.to_owned()))
}

/// Links to where a reader can get the work: DOI (unless the style printed
/// it already), PubMed, PubMed Central.
fn identifier_links(e: &Entry, rendered: &str) -> String {
    let mut links = Vec::new();
    if let Some(doi) = e
        .doi()
        .filter(|d| d.starts_with("10.") && !rendered.contains("doi.org/"))
    {
        let mut href = String::new();
        escape_html(&format!("https://doi.org/{doi}"), &mut href);
        links.push(format!("<a class=\"ref-link\" href=\"{href}\">DOI</a>"));
    }
    if let Some(pmid) = e
        .keyed_serial_number("pmid")
        .filter(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    {
        links.push(format!(
            "<a class=\"ref-link\" href=\"https://pubmed.ncbi.nlm.nih.gov/{pmid}/\">PubMed</a>"
        ));
    }
    if let Some(pmc) = e
        .keyed_serial_number("pmcid")
        .filter(|p| p.starts_with("PMC") && p[3..].chars().all(|c| c.is_ascii_digit()))
    {
        links.push(format!("<a class=\"ref-link\" href=\"https://www.ncbi.nlm.nih.gov/pmc/articles/{pmc}/\">PMC</a>"));
    }
    if let Some(id) = e.keyed_serial_number("awmf") {
        let mut href = String::new();
        escape_html(
            &format!("https://register.awmf.org/de/leitlinien/detail/{id}"),
            &mut href,
        );
        if !rendered.contains(&href) {
            links.push(format!("<a class=\"ref-link\" href=\"{href}\">AWMF</a>"));
        }
    }
    if let Some(id) = e.keyed_serial_number("nice") {
        let href = format!("https://www.nice.org.uk/guidance/{}", id.to_lowercase());
        if !rendered.contains(&href) {
            links.push(format!("<a class=\"ref-link\" href=\"{href}\">NICE</a>"));
        }
    }
    if links.is_empty() {
        String::new()
    } else {
        format!(" <span class=\"ref-links\">{}</span>", links.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_are_id_safe_keys() {
        assert_eq!(anchor("smith2020_a-b"), "ref-smith2020_a-b");
        assert_eq!(anchor("doi:10.1/x y"), "ref-doi-10-1-x-y");
        assert_eq!(anchor("müller"), "ref-m-ller");
    }

    #[test]
    fn guideline_numbers_are_recognised() {
        assert_eq!(guideline_id("057-013"), Some(("awmf", "057-013".into())));
        assert_eq!(
            guideline_id("032-035OL"),
            Some(("awmf", "032-035OL".into()))
        );
        assert_eq!(guideline_id("nvl-001"), Some(("awmf", "nvl-001".into())));
        assert_eq!(guideline_id("NG28"), Some(("nice", "NG28".into())));
        assert_eq!(guideline_id("IPG123"), Some(("nice", "IPG123".into())));
        for no in ["5-6", "12", "NG", "ng28", "057-01", "2019-001x"] {
            assert_eq!(guideline_id(no), None, "{no}");
        }
    }
}
