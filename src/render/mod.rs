//! Rendering: Markdown of every page and section, then templates.
//!
//! Templates are compiled once per build from the merged theme layers. Each
//! language gets one base context (config, UI strings, URLs) that every render
//! clones cheaply (Tera 2 shares maps). Pages render in parallel. Template
//! errors name the template file (built-in or the site's) with line and column.
//! Templates cannot read the environment: Tera 2 has no `get_env`.

mod filters;
pub mod guard;
pub mod language_names;
pub mod shared_values;
mod text_sink;
pub mod views;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;
use tera::{Context, Tera};

use crate::citations::{self, Bibliography, Citer};
pub use crate::content::Target;
use crate::content::taxonomy::{AuthorPages, Tag};
use crate::content::{PageId, SectionId, Site};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::{self, Input, Rendered, Resolved, Settings};
use crate::output::Content;
use crate::theme::{Origin, ThemeFiles};
use views::{ConfigView, RenderedContent};

/// One file's rendered Markdown. Links to anchors in other files name their
/// target by its `@/` path (a key of [`Site::link_targets`]).
pub type RenderedFile = Rendered<String>;

/// The site's Markdown, rendered, with the diagnostics it produced.
pub struct MarkdownOutput {
    pub pages: Vec<Arc<RenderedFile>>,
    pub sections: Vec<Arc<RenderedFile>>,
    pub has_highlighted_code: bool,
    /// The site's bibliography as this build read it (for the
    /// unused-reference check), when citations are on.
    pub bibliography: Option<Arc<Bibliography>>,
}

/// What an `@/` link resolved to: the target's path and URL, or the error.
type LinkResult = Result<Resolved<String>, (String, String)>;

/// A file's rendered Markdown kept for the next build, with what its links
/// resolved to (it is reused only while they resolve the same).
pub struct MarkdownMemo {
    rendered: Arc<RenderedFile>,
    links: Vec<(String, LinkResult)>,
}

/// Resolves an `@/` path against the site.
fn resolve_link(site: &Site, path: &str) -> LinkResult {
    let path = path.trim_start_matches('/');
    let target = match site.link_targets.get_key_value(path) {
        Some((k, t)) => Some((k.clone(), *t)),
        None => {
            // `@/artikel/asthma/` means the bundle's index.md
            let index = format!("{}/index.md", path.trim_end_matches('/'));
            site.link_targets.get(&index).map(|t| (index, *t))
        }
    };
    match target {
        Some((key, t)) => {
            let url = match t {
                Target::Page(p) => site.page(p).url.clone(),
                Target::Section(s) => site.section(s).url.clone(),
            };
            Ok(Resolved { url, target: key })
        }
        None if site.excluded_drafts.contains(path) => Err((
            format!("`@/{path}` links to a draft"),
            "publish the target (draft = false) or build with --drafts".into(),
        )),
        None => {
            let hint = crate::diagnostics::did_you_mean(
                path,
                site.link_targets.keys().map(String::as_str),
            )
            .map(|h| format!("{h} (paths are relative to content/)"))
            .unwrap_or_else(|| "paths are relative to content/, e.g. `@/artikel/hba1c.md`".into());
            Err((
                format!("`@/{path}` does not match any file in content/"),
                hint,
            ))
        }
    }
}

/// One language's formatted entries (a slot per bibliography entry), the
/// citation markers formatted so far, and the file they are kept in between
/// builds.
struct LangSlots {
    entries: Vec<std::sync::OnceLock<citations::FormattedEntry>>,
    markers: citations::MarkerCache,
    persisted: Option<citations::cache::Persisted>,
}

/// [`LangSlots`] by language.
type EntrySlots = BTreeMap<String, LangSlots>;

/// What the citation engine reads from the site's files: the site
/// bibliography (with the warnings reading it gave), the style and the
/// locales. A rebuild in `serve` takes them from the memo while those files
/// and the configuration are unchanged (parsing them was most of a
/// rebuild's Markdown stage).
pub(crate) struct CiteInputs {
    bibliography: Arc<Bibliography>,
    warnings: Vec<Diagnostic>,
    style: Result<hayagriva::citationberg::IndependentStyle, Diagnostic>,
    locales: citations::style::Locales,
}

impl CiteInputs {
    fn read(site: &Site) -> CiteInputs {
        // The style is parsed while the bibliography is read.
        let ((bibliography, ds), style) = rayon::join(
            || {
                let mut ds = Diagnostics::new();
                let bib = Bibliography::load(&site.config.root, &site.config.bibliography, &mut ds);
                (Arc::new(bib), ds)
            },
            || citations::style::load(&site.config.citation_style, &site.config.root),
        );
        CiteInputs {
            bibliography,
            warnings: ds.into_iter().collect(),
            style,
            locales: citations::style::Locales::new(&site.config.languages),
        }
    }

    /// A hash of the files and settings [`CiteInputs::read`] reads: the
    /// bibliography files' bytes, the style, the languages. Made once per
    /// rebuild; the Markdown memo's keys include it too.
    fn files_key(site: &Site) -> u64 {
        let mut h = crate::incremental::KeyHasher::new();
        h.debug(&site.config.root)
            .debug(&site.config.bibliography)
            .debug(&site.config.languages)
            .num(citations::cache::style_key(
                &site.config.citation_style,
                &site.config.root,
            ));
        for f in &site.config.bibliography {
            h.bytes(&std::fs::read(site.config.root.join(f)).unwrap_or_default());
        }
        h.finish()
    }

    /// [`CiteInputs::read`], or the memo's when the files under `key`
    /// ([`CiteInputs::files_key`]) are the same.
    fn read_with(site: &Site, memo: Option<(&crate::incremental::Memo, u64)>) -> Arc<CiteInputs> {
        let Some((memo, key)) = memo else {
            return Arc::new(CiteInputs::read(site));
        };
        let mut slot = memo
            .citations
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((k, inputs)) = slot.as_ref()
            && *k == key
        {
            return inputs.clone();
        }
        let inputs = Arc::new(CiteInputs::read(site));
        *slot = Some((key, inputs.clone()));
        inputs
    }
}

/// The citation engine's inputs for a build: read once, shared by every page.
struct CiteSetup {
    inputs: Arc<CiteInputs>,
    style: hayagriva::citationberg::IndependentStyle,
    /// For styles numbered by first citation: the style without bibliography,
    /// and per language one slot per entry for its formatted text.
    shared: Option<(hayagriva::citationberg::IndependentStyle, EntrySlots)>,
    /// Whether citation markers can be reused between pages.
    reuse_markers: bool,
}

impl CiteSetup {
    /// `None` when the site has no bibliography at all (then `[@key]` stays text).
    /// `cache` is the folder of [`citations::cache`], if any.
    fn new(
        site: &Site,
        ds: &mut Diagnostics,
        cache: Option<&std::path::Path>,
        memo: Option<(&crate::incremental::Memo, u64)>,
    ) -> Option<CiteSetup> {
        let any_page_bib = site.pages.iter().any(|p| p.fm.bibliography.is_some());
        if site.config.bibliography.is_empty() && !any_page_bib {
            return None;
        }
        let style_key = cache
            .map(|_| citations::cache::style_key(&site.config.citation_style, &site.config.root));
        // The last build's formatted entries (one file per language) do not
        // depend on the bibliography: they are read and parsed while it is.
        // (They are read even for a style that turns out not to share
        // entries; then they are dropped unused.)
        let (inputs, persisted) = rayon::join(
            || CiteInputs::read_with(site, memo),
            || -> Vec<Option<citations::cache::Persisted>> {
                match cache.zip(style_key) {
                    Some((dir, style)) => site
                        .config
                        .languages
                        .par_iter()
                        .map(|l| Some(citations::cache::Persisted::load(dir, l, style)))
                        .collect(),
                    None => site.config.languages.iter().map(|_| None).collect(),
                }
            },
        );
        ds.extend(inputs.warnings.iter().cloned());
        let style = match &inputs.style {
            Ok(s) => s,
            Err(d) => {
                ds.push(d.clone());
                return None;
            }
        };
        let bibliography = &inputs.bibliography;
        let shared = citations::can_share_entries(style).then(|| {
            // Each language's slots are filled on its own core.
            let slots = site
                .config
                .languages
                .par_iter()
                .zip(persisted)
                .map(|(l, persisted)| {
                    let mut slots = LangSlots {
                        entries: (0..bibliography.len())
                            .map(|_| std::sync::OnceLock::new())
                            .collect(),
                        markers: citations::MarkerCache::default(),
                        persisted,
                    };
                    if let Some(p) = &mut slots.persisted {
                        p.fill(bibliography, &slots.entries, &slots.markers);
                    }
                    (l.clone(), slots)
                })
                .collect();
            (citations::marker_style(style), slots)
        });
        Some(CiteSetup {
            style: style.clone(),
            inputs: inputs.clone(),
            shared,
            reuse_markers: citations::markers_show_only_numbers(&site.config.citation_style),
        })
    }

    /// Keeps what this build formatted for the next one.
    fn store(&self) {
        for slots in self.shared.iter().flat_map(|(_, s)| s.values()) {
            if let Some(p) = &slots.persisted {
                p.store(&self.inputs.bibliography, &slots.entries, &slots.markers);
            }
        }
    }

    fn citer<'a>(&'a self, lang: &str, page: Option<&'a Bibliography>) -> Citer<'a> {
        Citer {
            site: &self.inputs.bibliography,
            page,
            style: &self.style,
            locales: &self.inputs.locales,
            locale: citations::locale_for(lang),
            shared: self.shared.as_ref().and_then(|(marker_style, slots)| {
                let slots = slots.get(lang)?;
                Some(citations::SharedEntries {
                    marker_style,
                    cache: &slots.entries,
                    markers: self.reuse_markers.then_some(&slots.markers),
                })
            }),
        }
    }
}

/// Renders the Markdown of every page and section, in parallel, then checks
/// `#anchor` links against the headings of their targets.
pub fn render_markdown(site: &Site, ds: &mut Diagnostics) -> MarkdownOutput {
    render_markdown_with(site, ds, None, None)
}

/// [`render_markdown`], reusing files the memo rendered from the same inputs,
/// and references formatted by earlier builds kept in `cite_cache`
/// ([`citations::cache`]).
pub fn render_markdown_with(
    site: &Site,
    ds: &mut Diagnostics,
    memo: Option<&crate::incremental::Memo>,
    cite_cache: Option<&std::path::Path>,
) -> MarkdownOutput {
    let pass = MarkdownPass::new(site, ds, memo, cite_cache);
    let pages: Vec<Arc<RenderedFile>> = site
        .pages
        .par_iter()
        .map(|p| pass.render_page(p.id))
        .collect();
    let sections = pass.render_sections();
    pass.finish(pages, sections, ds)
}

/// The Markdown stage in parts: what every file's rendering shares (settings,
/// the citation engine, page bibliographies), one file at a time, then the
/// site-wide checks. `praxis build` renders each page's Markdown in the page
/// pass with it, so that a page's HTML lives only until the page is written.
pub struct MarkdownPass<'a> {
    site: &'a Site,
    memo: Option<&'a crate::incremental::Memo>,
    settings: Settings,
    cite_setup: Option<CiteSetup>,
    page_bibs: Vec<Option<Bibliography>>,
    own_bibs: Vec<Option<Vec<PathBuf>>>,
    /// Everything besides a file's own text that its rendering reads (with a memo).
    shared_key: Option<crate::incremental::KeyHasher>,
}

impl<'a> MarkdownPass<'a> {
    /// Reads the bibliographies and the citation style (their warnings go
    /// into `ds`).
    pub fn new(
        site: &'a Site,
        ds: &mut Diagnostics,
        memo: Option<&'a crate::incremental::Memo>,
        cite_cache: Option<&std::path::Path>,
    ) -> MarkdownPass<'a> {
        let settings = Settings {
            smart_punctuation: site.config.markdown.smart_punctuation,
            highlight_code: site.config.markdown.highlight_code,
        };
        let cite_files = memo.map(|m| (m, CiteInputs::files_key(site)));
        let cite_setup = CiteSetup::new(site, ds, cite_cache, cite_files);
        let page_bibs: Vec<Option<Bibliography>> = site
            .pages
            .iter()
            .map(|p| {
                let files = p.fm.bibliography.as_ref()?.to_vec();
                let dir = p.file.parent().unwrap_or(std::path::Path::new("content"));
                // Relative to the page's folder, like its images.
                let rel: Vec<PathBuf> = files.iter().map(|f| dir.join(f)).collect();
                Some(Bibliography::load(&site.config.root, &rel, ds))
            })
            .collect();
        let shared_key = cite_files.map(|(_, files)| {
            let mut h = crate::incremental::KeyHasher::new();
            h.debug(&settings)
                .debug(&site.config.citation_style)
                .num(files)
                .num(u64::from(cite_setup.is_some()));
            h
        });
        let own_bibs: Vec<Option<Vec<PathBuf>>> = site
            .pages
            .iter()
            .map(|p| {
                let dir = p.file.parent().unwrap_or(std::path::Path::new("content"));
                p.fm.bibliography
                    .as_ref()
                    .map(|b| b.to_vec().iter().map(|f| dir.join(f)).collect())
            })
            .collect();
        MarkdownPass {
            site,
            memo,
            settings,
            cite_setup,
            page_bibs,
            own_bibs,
            shared_key,
        }
    }

    /// Page `id`'s Markdown (a panic becomes an internal error of the file).
    pub fn render_page(&self, id: PageId) -> Arc<RenderedFile> {
        let site = self.site;
        let p = site.page(id);
        let i = id.0 as usize;
        guarded_markdown(&p.file, || {
            self.render_one(
                &p.text,
                site.text_keys.pages.get(i).copied(),
                p.body_offset,
                &p.file,
                &p.lang,
                self.page_bibs.get(i).and_then(Option::as_ref),
                self.own_bibs.get(i).and_then(Option::as_ref),
            )
        })
    }

    /// Every section's Markdown, in parallel.
    pub fn render_sections(&self) -> Vec<Arc<RenderedFile>> {
        let site = self.site;
        site.sections
            .par_iter()
            .map(|s| {
                let empty = PathBuf::new();
                let file = s.file.as_ref().unwrap_or(&empty);
                guarded_markdown(file, || {
                    let text_key = site.text_keys.sections.get(s.id.0 as usize);
                    self.render_one(
                        &s.text,
                        text_key.copied(),
                        s.body_offset,
                        file,
                        &s.lang,
                        None,
                        None,
                    )
                })
            })
            .collect()
    }

    #[allow(clippy::too_many_arguments)]
    fn render_one(
        &self,
        text: &str,
        text_key: Option<u64>,
        body_offset: usize,
        file: &std::path::Path,
        lang: &str,
        page_bib: Option<&Bibliography>,
        own_bib: Option<&Vec<PathBuf>>,
    ) -> Arc<RenderedFile> {
        let site = self.site;
        #[cfg(test)]
        guard::test_panic_on(text, "PRAXIS-TEST-PANIC-MARKDOWN");
        let citer = self.cite_setup.as_ref().map(|c| c.citer(lang, page_bib));
        let run = |resolve: &markdown::Resolver<'_, String>| {
            let input = Input {
                text,
                body_offset,
                file,
            };
            markdown::render(&input, self.settings, resolve, citer.as_ref())
        };
        let Some(memo) = self.memo else {
            return Arc::new(run(&|p: &str| resolve_link(site, p)));
        };
        let mut h = self.shared_key.clone().unwrap_or_default();
        // A site loaded without a memo has no text hashes.
        h.num(text_key.unwrap_or_else(|| crate::content::text_key(text)))
            .num(body_offset as u64)
            .bytes(file.as_os_str().as_encoded_bytes())
            .str(lang);
        for f in own_bib.into_iter().flatten() {
            h.bytes(&std::fs::read(site.config.root.join(f)).unwrap_or_default());
        }
        let key = h.finish();
        let same_links = |m: &Arc<MarkdownMemo>| {
            m.links
                .iter()
                .all(|(path, was)| resolve_link(site, path) == *was)
        };
        if let Some(m) = memo.markdown.get_if(key, same_links) {
            return m.rendered.clone();
        }
        let links = std::sync::Mutex::new(Vec::new());
        let resolve = |p: &str| {
            let r = resolve_link(site, p);
            links
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push((p.to_owned(), r.clone()));
            r
        };
        let mut rendered = run(&resolve);
        let links = links
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // The key and what the links resolved to determine the rendering.
        let mut f = crate::incremental::KeyHasher::new();
        f.num(key).debug(&links);
        rendered.fingerprint = f.finish();
        let rendered = Arc::new(rendered);
        memo.markdown.put(
            key,
            Arc::new(MarkdownMemo {
                rendered: rendered.clone(),
                links,
            }),
        );
        rendered
    }

    /// Reports each file's diagnostics and checks `#anchor` links against
    /// the headings of their targets (which `pages` and `sections` must
    /// still hold, with each file's anchor links and diagnostics), then keeps
    /// the formatted references for the next build.
    pub fn finish(
        self,
        pages: Vec<Arc<RenderedFile>>,
        sections: Vec<Arc<RenderedFile>>,
        ds: &mut Diagnostics,
    ) -> MarkdownOutput {
        let site = self.site;
        let ids_of = |path: &str| -> &[String] {
            match site.link_targets.get(path) {
                Some(Target::Page(p)) => &pages[p.0 as usize].heading_ids,
                Some(Target::Section(s)) => &sections[s.0 as usize].heading_ids,
                None => &[],
            }
        };
        let sources = site
            .pages
            .iter()
            .map(|p| (&p.file, &p.text))
            .zip(pages.iter())
            .chain(
                site.sections
                    .iter()
                    .filter_map(|s| s.file.as_ref().map(|f| (f, &s.text)))
                    .zip(sections.iter()),
            );
        for ((file, text), r) in sources {
            ds.extend(r.diagnostics.iter().cloned());
            for a in &r.anchor_refs {
                let ids = ids_of(&a.target);
                if !ids.iter().any(|i| i == &a.anchor) {
                    let hint =
                        crate::diagnostics::did_you_mean(&a.anchor, ids.iter().map(String::as_str))
                            .unwrap_or_else(|| {
                                if ids.is_empty() {
                                    "the target page has no headings".into()
                                } else {
                                    format!("headings there: {}", ids.join(", "))
                                }
                            });
                    ds.push(
                        Diagnostic::error(
                            "anchor",
                            format!("the target has no heading with id `{}`", a.anchor),
                        )
                        .in_file(file.clone())
                        .at_offset(text, a.offset)
                        .with_hint(hint),
                    );
                }
            }
        }
        let has_highlighted_code = pages
            .iter()
            .chain(sections.iter())
            .any(|r| r.has_highlighted_code);
        if let Some(c) = &self.cite_setup {
            c.store();
        }
        MarkdownOutput {
            pages,
            sections,
            has_highlighted_code,
            bibliography: self.cite_setup.map(|c| c.inputs.bibliography.clone()),
        }
    }
}

/// Renders one file's Markdown with [`guard::guarded`]: a panic becomes a
/// rendering with no HTML and an internal error naming the file.
fn guarded_markdown(
    file: &std::path::Path,
    work: impl FnOnce() -> Arc<RenderedFile>,
) -> Arc<RenderedFile> {
    guard::guarded(file, "rendering the Markdown of", work).unwrap_or_else(|d| {
        Arc::new(Rendered {
            html: String::new(),
            summary: None,
            toc: Vec::new(),
            heading_ids: Vec::new(),
            word_count: 0,
            excerpt: String::new(),
            anchor_refs: Vec::new(),
            diagnostics: vec![d],
            has_highlighted_code: false,
            references: None,
            cited: Vec::new(),
            cited_keys: Vec::new(),
            fingerprint: 0,
        })
    })
}

/// `translations`: the same thing in another language.
#[derive(Debug, serde::Serialize)]
pub struct TranslationLink {
    pub lang: String,
    /// The language's name in itself ([`language_names::native_name`]).
    pub name: String,
    pub title: String,
    pub url: String,
    pub permalink: String,
}

impl TranslationLink {
    fn new(site: &Site, lang: &str, title: &str, url: &str) -> TranslationLink {
        TranslationLink {
            lang: lang.to_owned(),
            name: language_names::native_name(lang),
            title: title.to_owned(),
            url: url.to_owned(),
            permalink: site.config.permalink(url),
        }
    }
}

/// One page of a paginated listing.
#[derive(Debug, Clone)]
pub struct Pager {
    pub index: usize,
    pub url: String,
    pub output: PathBuf,
    pub range: std::ops::Range<usize>,
}

#[derive(Debug, serde::Serialize)]
struct PagerLink {
    index: usize,
    url: String,
}

#[derive(Debug, serde::Serialize)]
struct PaginatorView<'a> {
    pages: Vec<views::Listed<'a>>,
    current_index: usize,
    number_pagers: usize,
    first: &'a str,
    last: &'a str,
    previous: Option<&'a str>,
    next: Option<&'a str>,
    pagers: Vec<PagerLink>,
}

impl Pager {
    fn view<'a>(&self, all: &'a [Pager], pages: Vec<views::Listed<'a>>) -> PaginatorView<'a> {
        let i = self.index - 1;
        PaginatorView {
            pages,
            current_index: self.index,
            number_pagers: all.len(),
            first: &all[0].url,
            last: &all[all.len() - 1].url,
            previous: i.checked_sub(1).map(|p| all[p].url.as_str()),
            next: all.get(i + 1).map(|p| p.url.as_str()),
            pagers: all
                .iter()
                .map(|p| PagerLink {
                    index: p.index,
                    url: p.url.clone(),
                })
                .collect(),
        }
    }
}

/// How many pages one pager of section `s` lists (`None`: all).
fn per_page(s: &crate::content::Section) -> Option<usize> {
    s.fm.paginate_by
        .and_then(|n| usize::try_from(n).ok())
        .filter(|n| *n > 0)
}

/// The pagers [`Renderer::render_section`] renders for section `id`.
pub fn section_pagers(site: &Site, id: SectionId) -> Vec<Pager> {
    let s = site.section(id);
    pagination(&s.url, &s.output, s.pages.len(), per_page(s))
}

/// Splits `count` items into pagers of `per_page` (one pager when `None` or
/// when there are no items): `/s/`, `/s/page/2/`, `/s/page/3/`…
pub fn pagination(
    url: &str,
    output: &std::path::Path,
    count: usize,
    per_page: Option<usize>,
) -> Vec<Pager> {
    let per = per_page.unwrap_or(count.max(1));
    let n = count.div_ceil(per).max(1);
    let dir = output.parent().map(PathBuf::from).unwrap_or_default();
    (1..=n)
        .map(|i| {
            let range = ((i - 1) * per).min(count)..(i * per).min(count);
            if i == 1 {
                Pager {
                    index: 1,
                    url: url.to_owned(),
                    output: output.to_path_buf(),
                    range,
                }
            } else {
                Pager {
                    index: i,
                    url: format!("{url}page/{i}/"),
                    output: dir.join("page").join(i.to_string()).join("index.html"),
                    range,
                }
            }
        })
        .collect()
}

/// Compiled templates plus the per-language base contexts.
pub struct Renderer<'m> {
    tera: Tera,
    origins: HashMap<String, Origin>,
    base: BTreeMap<String, Context>,
    /// Rendered templates of the last build, and the hash of everything every
    /// render shares (templates, global and per-language context).
    memo: Option<(&'m crate::incremental::Memo, crate::incremental::KeyHasher)>,
    /// How many bytes the last page's template added to its Markdown's HTML
    /// (head, navigation, JSON-LD…): the next page's output buffer is made
    /// that big at once instead of growing (and copying) while it renders.
    page_overhead: std::sync::atomic::AtomicUsize,
    /// Bytes per listed page of the last listing (section pager, tag or
    /// author page): the next listing's buffer is made for its number of
    /// pages at once (see [`Renderer::render_listing`]).
    listing_bytes: std::sync::atomic::AtomicUsize,
    /// See [`Renderer::summary_word_count`].
    summary_word_count: bool,
}

/// The output buffer of a render whose size is known beforehand.
#[derive(Debug, Clone, Copy)]
enum Buffer {
    /// A page: most of its bytes are strings of its context, written through
    /// a [`text_sink::TextSink`] of this many bytes.
    Text(usize),
    /// A listing: this many bytes, checked as UTF-8 at the end.
    Bytes(usize),
}

/// Puts one value into a context.
type SetValue<'a> = Box<dyn FnOnce(&mut Context) + 'a>;

/// A template context in the making: the values to put into it, and (when
/// rendering with a memo) the hash of them all. The values go into a Tera
/// context only when the template is really rendered, so a render taken from
/// the memo costs one hash of its values.
struct Ctx<'a> {
    base: &'a Context,
    sets: Vec<SetValue<'a>>,
    key: Option<crate::incremental::KeyHasher>,
}

impl<'a> Ctx<'a> {
    fn insert<T: serde::Serialize + 'a>(&mut self, name: &'static str, value: T) {
        if let Some(h) = &mut self.key {
            h.str(name).value(&value);
        }
        self.sets
            .push(Box::new(move |c: &mut Context| c.insert(name, &value)));
    }

    /// Sets values that are a function of `key` (and of what every render's
    /// key holds): they are made only when the template is really rendered.
    fn insert_keyed(&mut self, name: &'static str, key: u64, set: impl FnOnce(&mut Context) + 'a) {
        if let Some(h) = &mut self.key {
            h.str(name).num(key);
        }
        self.sets.push(Box::new(set));
    }

    fn into_context(self) -> Context {
        let mut ctx = self.base.clone();
        for set in self.sets {
            set(&mut ctx);
        }
        ctx
    }
}

/// The long strings of a render's context that a template prints as they are
/// (a page's HTML, references and JSON-LD; a section's HTML): their writes
/// need no second UTF-8 check (see [`text_sink`]).
fn known_text(ctx: &Context) -> Vec<&str> {
    let page = ctx.get("page");
    let section = ctx.get("section");
    [
        (page, "content"),
        (page, "references"),
        (page, "jsonld"),
        (section, "content"),
    ]
    .into_iter()
    .filter_map(|(v, field)| v?.get_from_path(field)?.as_str())
    .collect()
}

/// A rendered template as output: moved as it is (no copy) in a build
/// without a memo; with one, shared with the memo under `key`.
fn kept(memo: Option<(&crate::incremental::Memo, u64)>, html: String) -> Content {
    match memo {
        Some((memo, key)) => {
            let html: Arc<str> = Arc::from(html);
            memo.templates.put(key, html.clone());
            Content::Shared(html)
        }
        None => Content::Text(html),
    }
}

/// A Tera error as a diagnostic in the template's file.
pub(crate) fn template_error(
    err: &tera::Error,
    origins: &HashMap<String, Origin>,
    what: &str,
) -> Diagnostic {
    let file_of = |name: &str| {
        origins
            .get(name)
            .map(Origin::display)
            .unwrap_or_else(|| format!("templates/{name}"))
    };
    match err.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let kind = if matches!(err.kind(), tera::ErrorKind::SyntaxError(_)) {
                "template syntax error"
            } else {
                "template error"
            };
            let span = r.span();
            Diagnostic::error("template", format!("{kind}{what}: {}", r.message()))
                .in_file(file_of(r.filename()))
                .at(span.start_line, span.start_col + 1)
                .with_hint("fix the template; Tera's syntax is described at https://keats.github.io/tera/")
        }
        tera::ErrorKind::MissingParent { current, parent } => Diagnostic::error(
            "template",
            format!("template `{current}` extends `{parent}`, which does not exist"),
        )
        .in_file(file_of(current))
        .with_hint(format!("create templates/{parent} or fix the name in `{{% extends %}}`")),
        tera::ErrorKind::TemplateNotFound(name) => Diagnostic::error(
            "template",
            format!("template `{name}` not found{what}"),
        )
        .with_hint(format!(
            "create templates/{name} in the site, or use a template of the theme (page.html, section.html, index.html)"
        )),
        // Unknown filters, tests and functions come as a report:
        // "error: Unknown filter `x`\n --> card.svg:1:11\n …".
        tera::ErrorKind::Msg(report) => match report_place(report) {
            Some((message, name, line, column)) => {
                Diagnostic::error("template", format!("template error{what}: {message}"))
                    .in_file(file_of(name))
                    .at(line, column)
                    .with_hint("check the name: Tera's built-in filters and functions are listed at https://keats.github.io/tera/")
            }
            None => located_by_origin(Diagnostic::error("template", format!("{err}{what}")), origins),
        },
        _ => located_by_origin(Diagnostic::error("template", format!("{err}{what}")), origins),
    }
}

/// The file of a template error that does not say which: the only template there is.
fn located_by_origin(d: Diagnostic, origins: &HashMap<String, Origin>) -> Diagnostic {
    match origins.values().next() {
        Some(o) if origins.len() == 1 => d.in_file(o.display()).at(1, 1),
        _ => d,
    }
}

/// `(message, template, line, column)` of the first error in a Tera report.
fn report_place(report: &str) -> Option<(&str, &str, usize, usize)> {
    let message = report.lines().find_map(|l| l.strip_prefix("error: "))?;
    let place = report
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("--> "))?;
    let mut parts = place.rsplitn(3, ':');
    let column = parts.next()?.trim().parse().ok()?;
    let line = parts.next()?.trim().parse().ok()?;
    let name = parts.next()?;
    Some((message, name, line, column))
}

impl<'m> Renderer<'m> {
    /// Compiles every template; reports all syntax errors at once.
    pub fn new(
        site: &Site,
        theme: &ThemeFiles,
        has_code: bool,
    ) -> Result<Renderer<'static>, Diagnostics> {
        Renderer::with_memo(site, theme, has_code, None)
    }

    /// [`Renderer::new`]; renders whose template and context are unchanged since
    /// the memo's last build are taken from it.
    pub fn with_memo(
        site: &Site,
        theme: &ThemeFiles,
        has_code: bool,
        memo: Option<&'m crate::incremental::Memo>,
    ) -> Result<Renderer<'m>, Diagnostics> {
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html", ".htm", ".xml", ".svg"]);
        filters::register(&mut tera);
        let origins: HashMap<String, Origin> = theme
            .templates
            .values()
            .map(|t| (t.name.clone(), t.origin.clone()))
            .collect();
        let all = theme
            .templates
            .values()
            .map(|t| (t.name.as_str(), t.text.as_str()));
        // The templates are compiled once; only when that fails is each one
        // compiled alone, so that every syntax error is reported (not just
        // the first), else the error of the whole set.
        if let Err(e) = tera.add_raw_templates(all) {
            let mut ds = Diagnostics::new();
            for t in theme.templates.values() {
                let mut single = Tera::new();
                if let Err(e) = single.add_raw_template(&t.name, &t.text)
                    && matches!(e.kind(), tera::ErrorKind::SyntaxError(_))
                {
                    ds.push(template_error(&e, &origins, ""));
                }
            }
            if !ds.has_errors() {
                ds.push(template_error(&e, &origins, ""));
            }
            return Err(ds);
        }

        let config = &site.config;
        let config_view = ConfigView {
            title: &config.title,
            description: &config.description,
            disclaimer: &config.disclaimer,
            base_url: &config.base_url,
            default_language: &config.default_language,
            languages: &config.languages,
            extra: &config.extra,
        };
        tera.global_context().insert("config", &config_view);
        tera.global_context().insert("root_url", &config.root_path);
        tera.global_context()
            .insert("theme_css", &config.theme_css());
        tera.global_context().insert("highlight_css", &has_code);
        tera.global_context()
            .insert("praxis_version", env!("CARGO_PKG_VERSION"));
        tera.global_context()
            .insert("impressum_url", &crate::legal::impressum_url(config));

        let mut base = BTreeMap::new();
        for lang in &config.languages {
            let mut ctx = Context::new();
            ctx.insert("lang", lang);
            ctx.insert("lang_name", &language_names::native_name(lang));
            ctx.insert("og_locale", &crate::jsonld::og_locale(lang));
            ctx.insert("t", &theme.strings_for(lang));
            let root = config.language_root(lang);
            ctx.insert("feed_url", &format!("{root}atom.xml"));
            ctx.insert("search_index_url", &format!("{root}search-index.json"));
            ctx.insert("tags_url", &format!("{root}tags/"));
            ctx.insert("home_url", &root);
            // The share card (`og:image`); pages and home pages set it.
            ctx.insert("card", &Option::<crate::cards::CardView>::None);
            base.insert(lang.clone(), ctx);
        }
        // What every render shares, hashed from the values put into the
        // contexts above (Tera's own maps do not iterate in a stable order).
        let memo = memo.map(|m| {
            let mut h = crate::incremental::KeyHasher::new();
            for t in theme.templates.values() {
                h.str(&t.name).str(&t.text);
            }
            // The whole configuration: values made while rendering (JSON-LD)
            // read it beyond what the contexts hold.
            // The day: review statuses in page views depend on it.
            h.debug(config)
                .debug(&site.today)
                .value(&config_view)
                .str(&config.root_path)
                .value(&config.theme_css())
                .num(u64::from(has_code))
                .value(&crate::legal::impressum_url(config));
            for lang in &config.languages {
                h.str(lang)
                    .str(&language_names::native_name(lang))
                    .value(&theme.strings_for(lang));
            }
            (m, h)
        });
        Ok(Renderer {
            tera,
            origins,
            base,
            memo,
            page_overhead: Default::default(),
            listing_bytes: Default::default(),
            summary_word_count: views::summaries_show_word_count(
                theme.templates.values().map(|t| t.text.as_str()),
            ),
        })
    }

    /// Whether page summaries carry `word_count`
    /// ([`views::summaries_show_word_count`]).
    pub fn summary_word_count(&self) -> bool {
        self.summary_word_count
    }

    /// With a memo: the memo and the hash of what every render shares.
    pub fn listing_values(&self) -> Option<views::ListingValues<'m>> {
        self.memo.as_ref().map(|(memo, h)| views::ListingValues {
            memo,
            shared: h.finish(),
        })
    }

    fn context<'a>(
        &'a self,
        lang: &str,
        path: &'a str,
        permalink: String,
        translations: &'a [TranslationLink],
    ) -> Ctx<'a> {
        static EMPTY: std::sync::OnceLock<Context> = std::sync::OnceLock::new();
        let base = self
            .base
            .get(lang)
            .or_else(|| self.base.values().next())
            .unwrap_or_else(|| EMPTY.get_or_init(Context::new));
        let mut ctx = Ctx {
            base,
            sets: Vec::new(),
            key: self.memo.as_ref().map(|(_, h)| {
                let mut h = h.clone();
                h.str(lang);
                h
            }),
        };
        ctx.insert("current_path", path);
        ctx.insert("current_url", permalink);
        ctx.insert("translations", translations);
        ctx
    }

    fn render(&self, template: &str, ctx: Ctx<'_>, what: &str) -> Result<Content, Diagnostic> {
        self.render_sized(template, ctx, what, None)
    }

    /// [`Renderer::render`] of a page listing `listed` pages, into a buffer
    /// sized from the bytes per listed page of the last listing (a listing
    /// of hundreds of pages otherwise grows and copies its text many times).
    fn render_listing(
        &self,
        template: &str,
        ctx: Ctx<'_>,
        what: &str,
        listed: usize,
    ) -> Result<Content, Diagnostic> {
        use std::sync::atomic::Ordering::Relaxed;
        let shares = listed + 1;
        let per_page = self.listing_bytes.load(Relaxed);
        // An eighth more than the estimate: a listing a little longer than
        // the last does not double its buffer.
        let estimate = shares.saturating_mul(per_page);
        let capacity = (per_page > 0).then(|| estimate.saturating_add(estimate / 8));
        let html = self.render_sized(template, ctx, what, capacity.map(Buffer::Bytes))?;
        if let Content::Text(html) = &html {
            self.listing_bytes.store(html.len() / shares, Relaxed);
        }
        Ok(html)
    }

    /// [`Renderer::render`] into a buffer made as big as `buffer` says, when known.
    fn render_sized(
        &self,
        template: &str,
        ctx: Ctx<'_>,
        what: &str,
        buffer: Option<Buffer>,
    ) -> Result<Content, Diagnostic> {
        let memo = match (&self.memo, &ctx.key) {
            (Some((memo, _)), Some(h)) => Some((*memo, h.clone().str(template).finish())),
            _ => None,
        };
        if let Some((memo, key)) = memo
            && let Some(html) = memo.templates.get(key)
        {
            return Ok(Content::Shared(html));
        }
        let ctx = ctx.into_context();
        let html = match buffer {
            Some(Buffer::Text(n)) => {
                let mut out = text_sink::TextSink::new(n, known_text(&ctx));
                self.tera
                    .render_to(template, &ctx, &mut out)
                    .and_then(|()| Ok(out.finish()?))
            }
            // Checked as UTF-8 once at the end, as Tera's own render does.
            Some(Buffer::Bytes(n)) => {
                let mut out = Vec::with_capacity(n);
                self.tera
                    .render_to(template, &ctx, &mut out)
                    .and_then(|()| Ok(String::from_utf8(out)?))
            }
            None => self.tera.render(template, &ctx),
        }
        .map_err(|e| template_error(&e, &self.origins, what))?;
        Ok(kept(memo, html))
    }

    pub fn render_page(
        &self,
        site: &Site,
        md: &RenderedContent<'_>,
        id: PageId,
    ) -> Result<Content, Diagnostic> {
        self.render_page_with(site, md, id, None)
    }

    /// [`Renderer::render_page`] with the page's rendered Markdown given
    /// apart (see [`views::page_view_with`]).
    pub fn render_page_with(
        &self,
        site: &Site,
        md: &RenderedContent<'_>,
        id: PageId,
        own: Option<&RenderedFile>,
    ) -> Result<Content, Diagnostic> {
        let p = site.page(id);
        #[cfg(test)]
        guard::test_panic_on(&p.title, "PRAXIS-TEST-PANIC-TEMPLATE");
        let section = site.section(p.section);
        let template =
            p.fm.template
                .as_deref()
                .or(section.fm.page_template.as_deref())
                .unwrap_or("page.html");
        // With a memo, the page's render is keyed by what every render shares
        // and the page's inputs (which its translations, path and permalink
        // are made of), and looked up before its context is made at all.
        let key = self.memo.as_ref().map(|(memo, h)| {
            let key = h
                .clone()
                .str(&p.lang)
                .str("page")
                .num(md.page_key(site, id, true))
                .str(template)
                .finish();
            (memo, key)
        });
        if let Some((memo, key)) = key
            && let Some(html) = memo.templates.get(key)
        {
            return Ok(Content::Shared(html));
        }
        let translations: Vec<TranslationLink> = site
            .translations_of(id)
            .into_iter()
            .map(|t| {
                let tp = site.page(t);
                TranslationLink::new(site, &tp.lang, &tp.title, &tp.url)
            })
            .collect();
        let mut ctx = self.context(&p.lang, &p.url, p.permalink.clone(), &translations);
        ctx.key = None;
        ctx.insert_keyed("page", 0, move |c: &mut Context| {
            let view = views::page_view_with(site, md, id, true, own);
            // `card` is `page.card`: the same value, made once.
            let page = tera::Value::from_serializable(&view);
            let card = page.get_from_path("card").cloned();
            c.insert_value("card", card.unwrap_or_else(tera::Value::none));
            c.insert_value("page", page);
        });
        let own = {
            let r = own.unwrap_or_else(|| &md.pages[id.0 as usize]);
            r.html.len() + r.references.as_ref().map_or(0, String::len)
        };
        let overhead = &self.page_overhead;
        let capacity = own + overhead.load(std::sync::atomic::Ordering::Relaxed) + 2048;
        let what = format!(" (rendering {})", p.file.display());
        let html = self.render_sized(template, ctx, &what, Some(Buffer::Text(capacity)))?;
        if let Content::Text(html) = &html {
            overhead.store(
                html.len().saturating_sub(own),
                std::sync::atomic::Ordering::Relaxed,
            );
        }
        Ok(match (key, html) {
            (Some((memo, key)), Content::Text(html)) => kept(Some((*memo, key)), html),
            (_, html) => html,
        })
    }

    /// The section's pager(s): one page, or one per `paginate_by` pages.
    pub fn render_section(
        &self,
        site: &Site,
        md: &RenderedContent<'_>,
        id: SectionId,
    ) -> Vec<Result<(PathBuf, Content), Diagnostic>> {
        let s = site.section(id);
        let translations: Vec<TranslationLink> = site
            .sections
            .iter()
            .filter(|o| o.dir == s.dir && o.lang != s.lang)
            .map(|o| TranslationLink::new(site, &o.lang, &o.title, &o.url))
            .collect();
        let template = match (&s.fm.template, s.is_root()) {
            (Some(t), _) => t.as_str(),
            (None, true) => "index.html",
            (None, false) => "section.html",
        };
        let what = match &s.file {
            Some(f) => format!(" (rendering {})", f.display()),
            None => format!(" (rendering the section {})", s.url),
        };
        let section_view = views::section_view(site, md, id);
        let card = crate::cards::home_card(site, s).map(|t| crate::cards::view(site, &t, ""));
        let recent = if s.is_root() {
            let newest = site.newest_first(&s.lang);
            Some(views::listed(site, md, &newest[..newest.len().min(10)]))
        } else {
            None
        };
        let per_page = per_page(s);
        let pagers = pagination(&s.url, &s.output, s.pages.len(), per_page);
        // A section of 1,250 pages is 125 pagers: rendered in parallel, its
        // job no longer holds one core while the other has nothing left.
        pagers
            .par_iter()
            .map(|pager| {
                let permalink = site.config.permalink(&pager.url);
                let mut ctx = self.context(&s.lang, &pager.url, permalink, &translations);
                ctx.insert("section", &section_view);
                ctx.insert("card", &card);
                if let Some(r) = &recent {
                    ctx.insert("recent_pages", r);
                }
                // `section.pages` lists them all, the paginator its share.
                let mut listed = s.pages.len() + recent.as_ref().map_or(0, Vec::len);
                match &per_page {
                    Some(_) => {
                        let pages = views::listed(site, md, &s.pages[pager.range.clone()]);
                        listed += pages.len();
                        ctx.insert("paginator", pager.view(&pagers, pages));
                    }
                    None => ctx.insert("paginator", ()),
                }
                self.render_listing(template, ctx, &what, listed)
                    .map(|html| (pager.output.clone(), html))
            })
            .collect()
    }

    /// `/tags/` of one language.
    pub fn render_tags(
        &self,
        site: &Site,
        md: &RenderedContent<'_>,
        lang: &str,
    ) -> Result<(PathBuf, Content), Diagnostic> {
        let url = format!("{}tags/", site.config.language_root(lang));
        let translations: Vec<TranslationLink> = site
            .config
            .languages
            .iter()
            .filter(|l| *l != lang && md.taxonomy.tags_in(l).next().is_some())
            .map(|l| {
                TranslationLink::new(
                    site,
                    l,
                    "",
                    &format!("{}tags/", site.config.language_root(l)),
                )
            })
            .collect();
        let mut tags: Vec<_> = md
            .taxonomy
            .tags_in(lang)
            .map(|t| views::tag_view(site, md, t, false))
            .collect();
        tags.sort_by_key(|t| t.name.to_lowercase());
        let what = format!(" (rendering {url})");
        let mut ctx = self.context(lang, &url, site.config.permalink(&url), &translations);
        ctx.insert("tags", &tags);
        let html = self.render("tags.html", ctx, &what)?;
        Ok((
            crate::content::output_for(&url, &site.config.root_path),
            html,
        ))
    }

    /// `/tags/NAME/`.
    pub fn render_tag(
        &self,
        site: &Site,
        md: &RenderedContent<'_>,
        tag: &Tag,
    ) -> Result<(PathBuf, Content), Diagnostic> {
        let translations: Vec<TranslationLink> = md
            .taxonomy
            .tags
            .values()
            .filter(|t| t.slug == tag.slug && t.lang != tag.lang)
            .map(|t| TranslationLink::new(site, &t.lang, &t.name, &t.url))
            .collect();
        let mut ctx = self.context(
            &tag.lang,
            &tag.url,
            site.config.permalink(&tag.url),
            &translations,
        );
        ctx.insert("tag", views::tag_view(site, md, tag, true));
        ctx.insert("paginator", ());
        let what = format!(" (rendering {})", tag.url);
        let html = self.render_listing("tag.html", ctx, &what, tag.pages.len())?;
        Ok((
            crate::content::output_for(&tag.url, &site.config.root_path),
            html,
        ))
    }

    /// `/authors/KEY/`.
    pub fn render_author(
        &self,
        site: &Site,
        md: &RenderedContent<'_>,
        a: &AuthorPages,
    ) -> Result<(PathBuf, Content), Diagnostic> {
        let translations: Vec<TranslationLink> = md
            .taxonomy
            .authors
            .values()
            .filter(|o| o.key == a.key && o.lang != a.lang)
            .map(|o| TranslationLink::new(site, &o.lang, "", &o.url))
            .collect();
        let mut ctx = self.context(
            &a.lang,
            &a.url,
            site.config.permalink(&a.url),
            &translations,
        );
        if let Some(view) = views::author_page_view(site, md, a) {
            ctx.insert("author", view);
        }
        let what = format!(" (rendering {})", a.url);
        let listed = a.written.len() + a.reviewed.len();
        let html = self.render_listing("author.html", ctx, &what, listed)?;
        Ok((
            crate::content::output_for(&a.url, &site.config.root_path),
            html,
        ))
    }

    pub fn render_404(&self, site: &Site) -> Result<Content, Diagnostic> {
        let lang = &site.config.default_language;
        let path = format!("{}404.html", site.config.root_path);
        let ctx = self.context(lang, &path, site.config.permalink(&path), &[]);
        self.render("404.html", ctx, " (rendering 404.html)")
    }

    /// `/impressum/` in the default language, when `[legal]` is configured.
    pub fn render_impressum(&self, site: &Site) -> Option<Result<(PathBuf, Content), Diagnostic>> {
        let legal = site.config.legal.as_ref()?;
        let url = crate::legal::impressum_url(&site.config)?;
        let lang = &site.config.default_language;
        let mut ctx = self.context(lang, &url, site.config.permalink(&url), &[]);
        ctx.insert("legal", crate::legal::LegalView::new(legal));
        Some(
            self.render("impressum.html", ctx, " (rendering /impressum/)")
                .map(|html| {
                    (
                        crate::content::output_for(&url, &site.config.root_path),
                        html,
                    )
                }),
        )
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn tera_reports_give_their_place() {
        let report =
            "error: Unknown filter `nroud`\n --> card.svg:2:11\n  |\n2 | {{ x | nroud }}\n";
        assert_eq!(
            super::report_place(report),
            Some(("Unknown filter `nroud`", "card.svg", 2, 11))
        );
        assert_eq!(super::report_place("error: no place"), None);
    }

    use super::*;

    #[test]
    fn pagination_boundaries() {
        let out = std::path::Path::new("a/index.html");
        let n = |count, per| pagination("/a/", out, count, per).len();
        assert_eq!(n(0, Some(5)), 1, "an empty section still has its page");
        assert_eq!(n(1, Some(5)), 1);
        assert_eq!(n(5, Some(5)), 1, "exactly paginate_by");
        assert_eq!(n(6, Some(5)), 2, "one more");
        assert_eq!(n(6, None), 1);
        let p = pagination("/a/", out, 6, Some(5));
        assert_eq!(p[1].url, "/a/page/2/");
        assert_eq!(p[1].output, PathBuf::from("a/page/2/index.html"));
        assert_eq!(p[1].range, 5..6);
    }
}
