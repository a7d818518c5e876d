//! The build pipeline: load → assemble → render → emit → write.
//!
//! [`build`] runs every stage in memory and returns the [`Output`] plus all
//! diagnostics (for `praxis serve` and `praxis check`); [`build_staged`]
//! (`praxis build`) writes each page into a temporary folder as soon as it is
//! rendered instead of holding the whole site, and [`Staged::publish`] swaps
//! that folder in; it renders each page's Markdown in the page's own job
//! (`streamed`), so no stage holds every page's HTML. Stages collect
//! diagnostics instead of stopping at the first, so one run reports every
//! broken file; the build stops between stages once there are errors, since
//! later stages would only report follow-on noise.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use std::collections::HashMap;

use crate::config::Config;
use crate::content::taxonomy::{self, Taxonomy};
use crate::content::{self, LoadOptions, Site};
use crate::date::Date;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::incremental::Memo;
use crate::output::{Content, Output, Staging, WriteError, WriteOptions, Written};
use crate::outputs::{aliases, feeds, search, sitemap};
use crate::render::{self, Renderer, views::RenderedContent};
use crate::theme::{StaticSource, ThemeFiles};

mod streamed;

/// What a build should do.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Defaults to `public/` in the site root.
    pub output_dir: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    /// The day review dates are judged against (injected for tests).
    pub today: Date,
    /// Where drawn share cards are kept between builds; `None` draws every
    /// card anew and writes nothing. Defaults to `.praxis-cache/cards/` in the site root.
    pub card_cache: Option<PathBuf>,
    /// Where formatted references are kept between builds
    /// ([`crate::citations::cache`]); `None` formats them anew and writes
    /// nothing. Defaults to `.praxis-cache/citations/` in the site root.
    pub citation_cache: Option<PathBuf>,
    /// Where what a build wrote into each output folder is remembered, so
    /// the next build keeps unchanged files (with their modification times)
    /// instead of writing them again ([`crate::output::kept`]); `None` writes
    /// every file. Defaults to `.praxis-cache/outputs/` in the site root.
    pub output_cache: Option<PathBuf>,
    /// Draw share cards at all (`praxis check` does not: it writes nothing and
    /// needs no images).
    pub draw_cards: bool,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> BuildOptions {
        let root = root.into();
        BuildOptions {
            card_cache: Some(root.join(crate::cards::CACHE_DIR)),
            citation_cache: Some(root.join(crate::citations::cache::CACHE_DIR)),
            output_cache: Some(root.join(crate::output::kept::CACHE_DIR)),
            draw_cards: true,
            root,
            output_dir: None,
            base_url: None,
            drafts: false,
            today: Date::today(),
        }
    }

    pub fn output_dir(&self) -> PathBuf {
        self.output_dir
            .clone()
            .unwrap_or_else(|| self.root.join("public"))
    }
}

/// Why a build did not produce a site.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// Problems in the site's files: exit code 1.
    #[error("the site has {} error(s)", .0.error_count())]
    Content(Diagnostics),
    /// Writing the output failed: exit code 3.
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// Counts for the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub pages: usize,
    pub sections: usize,
    pub files: usize,
    /// Share cards drawn in this build.
    pub cards_drawn: usize,
    /// Share cards taken unchanged from the cache (`.praxis-cache/cards/`).
    pub cards_cached: usize,
    /// What an incremental rebuild (`praxis serve`) reused.
    pub reuse: crate::incremental::MemoStats,
}

/// A site built in memory.
#[derive(Debug)]
pub struct Built {
    pub output: Output,
    /// Warnings (errors make the build fail instead).
    pub diagnostics: Diagnostics,
    pub stats: Stats,
    /// Readability of every page and links to other sites, for `praxis check`.
    pub checked: crate::check::Findings,
    /// Milliseconds per stage, for `--verbose`.
    pub timings: Vec<(&'static str, u128)>,
}

fn fail(mut ds: Diagnostics) -> BuildError {
    ds.sort();
    BuildError::Content(ds)
}

fn stop_on_errors(ds: Diagnostics) -> Result<Diagnostics, BuildError> {
    if ds.has_errors() {
        Err(fail(ds))
    } else {
        Ok(ds)
    }
}

/// Where rendered pages go.
enum Sink<'a> {
    /// Kept in the [`Output`] (`serve`, `check`, tests).
    Memory,
    /// Written into the temporary folder at once (`praxis build`).
    Folder(&'a Staging),
}

impl Sink<'_> {
    /// What the output keeps of a rendered text file: the text itself, or,
    /// once written, only what the checks read in it.
    fn keep(&self, site: &Site, path: &Path, c: Content) -> Result<Content, WriteError> {
        let Sink::Folder(staging) = self else {
            return Ok(c);
        };
        let text: &str = match &c {
            Content::Text(t) => t,
            Content::Shared(t) => t,
            _ => return Ok(c),
        };
        staging.write_text(path, text)?;
        let html = path.extension().is_some_and(|e| e == "html");
        Ok(Content::Written(std::sync::Arc::new(Written {
            anchors: crate::check::links::anchors(text),
            remote: if html {
                crate::check::origin::remote_loads(text, site).into()
            } else {
                Box::default()
            },
        })))
    }
}

/// Builds the site in memory.
pub fn build(opts: &BuildOptions) -> Result<Built, BuildError> {
    build_stages(opts, None, &Sink::Memory).map(|(built, _)| built)
}

/// A site built into a temporary folder beside its output folder, not yet
/// in place; dropping it removes the folder and leaves the old site as it was.
#[derive(Debug)]
pub struct Staged {
    pub built: Built,
    staging: Staging,
}

impl Staged {
    /// Writes what is not written yet and swaps the folder in.
    pub fn publish(self) -> Result<Built, WriteError> {
        self.staging.finish(&self.built.output)?;
        Ok(self.built)
    }
}

/// Builds the site, writing each page into a temporary folder beside the
/// output folder as soon as it is rendered (processed as `write` says).
pub fn build_staged(opts: &BuildOptions, write: WriteOptions) -> Result<Staged, BuildError> {
    let staging =
        Staging::new(&opts.output_dir(), write)?.keeping_unchanged(opts.output_cache.as_deref());
    let (built, _) = build_stages(opts, None, &Sink::Folder(&staging))?;
    Ok(Staged { built, staging })
}

/// Builds the site in memory, taking from `memo` whatever the last build made
/// from the same inputs, and leaving in it what this build made. The output is
/// the same as [`build`]'s.
pub fn build_with(opts: &BuildOptions, memo: &mut Memo) -> Result<Built, BuildError> {
    match build_stages(opts, Some(memo), &Sink::Memory) {
        Ok((mut built, kept)) => {
            built.stats.reuse = memo.turn();
            if let Some(kept) = kept {
                memo.keep_site(kept);
            }
            Ok(built)
        }
        Err(e) => {
            memo.abandon();
            Err(e)
        }
    }
}

/// The stages; with a memo, also the assembled site to keep for the next build.
fn build_stages(
    opts: &BuildOptions,
    memo: Option<&Memo>,
    sink: &Sink<'_>,
) -> Result<(Built, Option<content::reuse::Kept>), BuildError> {
    let mut clock = std::time::Instant::now();
    let mut timings = Vec::new();
    let mut lap = |stage: &'static str| {
        timings.push((stage, clock.elapsed().as_millis()));
        clock = std::time::Instant::now();
    };
    let mut config = Config::load(&opts.root).map_err(BuildError::Content)?;
    if let Some(url) = &opts.base_url {
        config.set_base_url(url).map_err(|d| {
            let mut ds = Diagnostics::new();
            ds.push(
                d.with_hint("pass --base-url like https://example.org/ or http://127.0.0.1:8000/"),
            );
            BuildError::Content(ds)
        })?;
    }
    let mut ds = Diagnostics::new();
    let theme = ThemeFiles::load(&config);
    let load_opts = LoadOptions {
        drafts: opts.drafts,
        today: opts.today,
    };
    let loaded = content::load_with(config, load_opts, memo);
    let (mut site, theme, load_ds) = match (loaded, theme) {
        (Ok((site, load_ds)), Ok(theme)) => {
            ds.extend(load_ds.clone());
            (site, theme, load_ds)
        }
        (loaded, theme) => {
            ds.extend(loaded.err().unwrap_or_default());
            ds.extend(theme.err().unwrap_or_default());
            return Err(fail(ds));
        }
    };

    lap("load");
    // A rebuild in `serve` formats only the references of the edited page:
    // reading the cache would cost more than it saves.
    let cite_cache = opts
        .citation_cache
        .as_deref()
        .filter(|_| memo.is_none_or(Memo::is_empty));
    // Writing into a folder, each page's Markdown renders in the page pass
    // (see `streamed`), unless that cannot give the same output.
    let streamed = match sink {
        Sink::Folder(_) if memo.is_none() => {
            streamed::build(&mut site, &theme, &mut ds, cite_cache, sink)?
        }
        _ => None,
    };
    let (md, source_checks, renderer, mut output, mut ds) = match streamed {
        Some(s) => {
            lap("md+render");
            (s.md, Some(s.checks), s.renderer, s.output, ds)
        }
        None => {
            let mut md = render::render_markdown_with(&site, &mut ds, memo, cite_cache);
            lap("markdown");
            let renderer = match Renderer::with_memo(&site, &theme, md.has_highlighted_code, memo) {
                Ok(r) => Some(r),
                Err(e) => {
                    ds.extend(e);
                    None
                }
            };
            let mut ds = stop_on_errors(ds)?;
            let Some(renderer) = renderer else {
                return Err(fail(ds));
            };
            let output = emit(&site, &theme, &renderer, &mut md, &mut ds, memo, sink)?;
            lap("render");
            (md, None, renderer, output, ds)
        }
    };
    let cards = if opts.draw_cards {
        crate::cards::generate(
            &site,
            &theme,
            &md,
            opts.card_cache.as_deref(),
            &mut output,
            &mut ds,
            memo,
        )
    } else {
        crate::cards::CardStats::default()
    };
    lap("cards");
    let mut ds = stop_on_errors(ds)?;
    let checked = match source_checks {
        Some(done) => crate::check::run_after(&site, &md, &output, &mut ds, done),
        None => crate::check::run_with(&site, &md, &output, &mut ds, memo),
    };
    lap("check");
    let mut ds = stop_on_errors(ds)?;
    ds.sort();
    let stats = Stats {
        pages: site.pages.len(),
        sections: site.sections.len(),
        files: output.len(),
        cards_drawn: cards.drawn,
        cards_cached: cards.cached,
        reuse: Default::default(),
    };
    let built = Built {
        output,
        diagnostics: ds,
        stats,
        checked,
        timings,
    };
    drop(renderer);
    drop(md);
    let kept = memo.map(|_| {
        let config = site.config.clone();
        content::reuse::Kept::new(&config, load_opts, site, load_ds)
    });
    Ok((built, kept))
}

/// Takes each page's rendered Markdown out of `md`, leaving only what the
/// later stages read of it: what listings show (summary, word count), the
/// search excerpt, the cited keys, and of the HTML only what the share card
/// reads ([`crate::cards::description_source`]). `None` for a page whose
/// rendering is shared (a rebuild memo holds it too).
fn take_page_renderings(md: &mut render::MarkdownOutput) -> Vec<Option<render::RenderedFile>> {
    md.pages
        .iter_mut()
        .map(|r| {
            let r = std::sync::Arc::get_mut(r)?;
            let kept = render::RenderedFile {
                html: crate::cards::description_source(&r.html).to_owned(),
                summary: r.summary.clone(),
                toc: Vec::new(),
                heading_ids: Vec::new(),
                word_count: r.word_count,
                excerpt: r.excerpt.clone(),
                anchor_refs: Vec::new(),
                diagnostics: Vec::new(),
                has_highlighted_code: r.has_highlighted_code,
                references: None,
                cited: Vec::new(),
                cited_keys: r.cited_keys.clone(),
                fingerprint: r.fingerprint,
            };
            Some(std::mem::replace(r, kept))
        })
        .collect()
}

/// Renders every template and gathers every file of the output; rendered
/// pages go to `sink` as soon as they are rendered.
fn emit(
    site: &Site,
    theme: &ThemeFiles,
    renderer: &Renderer,
    md: &mut render::MarkdownOutput,
    ds: &mut Diagnostics,
    memo: Option<&Memo>,
    sink: &Sink<'_>,
) -> Result<Output, WriteError> {
    let taxonomy = Taxonomy::build_with(site, memo);
    // Writing into a folder, a page's rendered Markdown is dropped as soon
    // as the page is written: the feeds, the only later readers of all of
    // its HTML, are made first (without a memo, so without its parts).
    let (early_feeds, own) = match sink {
        Sink::Folder(_) if memo.is_none() => {
            let langs = lang_pages(site);
            let feeds: Vec<String> = feed_specs(site, &taxonomy, &langs)
                .par_iter()
                .map(|(_, spec)| feeds::atom_with(site, &md.pages, spec, None))
                .collect();
            (Some(feeds), take_page_renderings(md))
        }
        _ => (None, site.pages.iter().map(|_| None).collect()),
    };
    // Each page's job takes its own rendering, which goes when it is written.
    let own: Vec<std::sync::Mutex<Option<render::RenderedFile>>> =
        own.into_iter().map(std::sync::Mutex::new).collect();
    let md: &render::MarkdownOutput = md;
    let mut content = RenderedContent {
        page_keys: Vec::new(),
        listing_keys: site.pages.iter().map(|_| Default::default()).collect(),
        listing_values: renderer.listing_values(),
        listing_once: site.pages.iter().map(|_| Default::default()).collect(),
        pages: &md.pages,
        sections: &md.sections,
        taxonomy: &taxonomy,
        jsonld: Default::default(),
        summary_word_count: renderer.summary_word_count(),
        author_values: Default::default(),
    };
    if let Some(memo) = memo {
        content.make_page_keys(site, memo);
    }
    let content = content;

    // Every page, section, tag and author page is one job of a single
    // parallel pass: the pages first (each drops its rendered Markdown when
    // written, before the listings make a value of every page), then the
    // listings, the long ones first (so no big listing is left to one core
    // at the end); the feeds, search indexes and sitemap are made meanwhile
    // (and the code stylesheet). The results go into the output in
    // the jobs' order. A page goes to the sink as soon as it is rendered
    // (pages have one path each, checked when loading); the listings go
    // after the pass, only the last file for a path (a later file wins a
    // path, as in memory).
    let jobs = render_jobs(site, &taxonomy);
    let (rendered, files) = rayon::join(
        || -> Result<Vec<(usize, Vec<Rendered>)>, WriteError> {
            let mut order: Vec<usize> = (0..jobs.len()).collect();
            order.sort_by_key(|&i| {
                let listing = !matches!(jobs[i], Job::Page(_));
                (listing, std::cmp::Reverse(jobs[i].weight()))
            });
            let mut done: Vec<(usize, Vec<Rendered>)> = order
                .into_par_iter()
                .map(|i| {
                    let r = jobs[i].render(site, renderer, &content, &own);
                    let r = match jobs[i] {
                        Job::Page(_) => r.into_iter().map(|r| to_sink(sink, site, r)).collect(),
                        _ => Ok(r),
                    };
                    r.map(|r| (i, r))
                })
                .collect::<Result<_, _>>()?;
            done.sort_unstable_by_key(|(i, _)| *i);
            Ok(done)
        },
        || {
            let css = md.has_highlighted_code.then(|| {
                crate::markdown::highlight::stylesheet(&site.config.markdown.highlight_theme)
            });
            (site_files(site, &taxonomy, md, &content, early_feeds), css)
        },
    );
    let (files, css) = files;
    let (pages, listings): (Vec<_>, Vec<_>) = rendered?
        .into_iter()
        .partition(|(i, _)| matches!(jobs[*i], Job::Page(_)));
    let rendered = PassResults {
        pages: pages.into_iter().flat_map(|(_, r)| r).collect(),
        listings: listings.into_iter().flat_map(|(_, r)| r).collect(),
        files,
        css,
    };
    emit_rest(site, theme, renderer, &content, rendered, ds, memo, sink)
}

/// What the parallel pass of [`emit`] made: the pages' and the listings'
/// files (in the jobs' order), the feeds, search indexes and sitemap, and
/// the code stylesheet (when some code is highlighted).
struct PassResults {
    pages: Vec<Rendered>,
    listings: Vec<Rendered>,
    files: Vec<(PathBuf, Content)>,
    css: Option<Option<String>>,
}

/// The rest of [`emit`] after its parallel pass: the listings go to the
/// sink, everything goes into the output in order, then the pages made
/// once per site, aliases, static files and assets, and the site-wide
/// checks.
#[allow(clippy::too_many_arguments)]
fn emit_rest(
    site: &Site,
    theme: &ThemeFiles,
    renderer: &Renderer,
    content: &RenderedContent<'_>,
    rendered: PassResults,
    ds: &mut Diagnostics,
    memo: Option<&Memo>,
    sink: &Sink<'_>,
) -> Result<Output, WriteError> {
    let PassResults {
        pages,
        listings,
        files,
        css,
    } = rendered;
    let mut output = Output::default();
    let mut add_rendered = |output: &mut Output, r: Rendered| match r {
        Ok((path, c)) => output.add(path, c),
        Err(d) => ds.push(d),
    };
    let listings = last_to_sink(sink, site, listings)?;
    for r in pages.into_iter().chain(listings) {
        add_rendered(&mut output, r);
    }
    for lang in &site.config.languages {
        if content.taxonomy.tags_in(lang).next().is_some() {
            add_rendered(&mut output, renderer.render_tags(site, content, lang));
        }
    }
    add_rendered(
        &mut output,
        renderer
            .render_404(site)
            .map(|h| (PathBuf::from("404.html"), h)),
    );
    if let Some(r) = renderer.render_impressum(site) {
        let r = r.and_then(|f| crate::legal::unless_taken(&output, f));
        add_rendered(&mut output, r);
    }

    for (path, file) in files {
        output.add(path, file);
    }
    aliases_of(site, &mut output, ds);

    for (rel, src) in &theme.static_files {
        let c = match src {
            StaticSource::Builtin(b) => Content::Static(b),
            StaticSource::File(p) => Content::Copy(p.clone()),
        };
        output.add(rel.clone(), c);
    }
    if let Some(css) = css {
        let name = &site.config.markdown.highlight_theme;
        match css {
            Some(css) => output.add("syntax.css", Content::Text(css)),
            None => ds.push(
                Diagnostic::error("config", format!("unknown highlight theme `{name}`"))
                    .in_file(crate::config::CONFIG_FILE)
                    .with_hint(format!(
                        "use one of: {}",
                        crate::markdown::highlight::THEMES.join(", ")
                    )),
            ),
        }
    }
    for a in site
        .assets
        .iter()
        .chain(site.pages.iter().flat_map(|p| p.assets.iter()))
    {
        output.add(a.output.clone(), Content::Copy(a.source.clone()));
    }
    missing_strings(site, theme, ds);
    crate::review::check_with(site, ds, memo);
    crate::legal::check(&site.config, ds);
    Ok(output)
}

/// One template render of [`emit`]'s parallel pass.
enum Job<'a> {
    Page(&'a content::Page),
    Section(&'a content::Section),
    Tag(&'a taxonomy::Tag),
    Author(&'a taxonomy::AuthorPages),
}

/// What a job renders: files, or the diagnostics of those that failed.
type Rendered = Result<(PathBuf, Content), Diagnostic>;

/// Hands a rendered file to the sink; a failed render passes through.
fn to_sink(sink: &Sink<'_>, site: &Site, r: Rendered) -> Result<Rendered, WriteError> {
    match r {
        Ok((path, c)) => {
            let c = sink.keep(site, &path, c)?;
            Ok(Ok((path, c)))
        }
        Err(d) => Ok(Err(d)),
    }
}

/// Hands the last file rendered for each path to the sink (in parallel); an
/// earlier file at a path a later one takes is never written.
fn last_to_sink(
    sink: &Sink<'_>,
    site: &Site,
    rendered: Vec<Rendered>,
) -> Result<Vec<Rendered>, WriteError> {
    let mut last: HashMap<&Path, usize> = HashMap::new();
    for (i, r) in rendered.iter().enumerate() {
        if let Ok((p, _)) = r {
            last.insert(p.as_path(), i);
        }
    }
    let keep: Vec<bool> = rendered
        .iter()
        .enumerate()
        .map(|(i, r)| {
            r.as_ref()
                .map_or(true, |(p, _)| last.get(p.as_path()) == Some(&i))
        })
        .collect();
    rendered
        .into_par_iter()
        .zip(keep)
        .map(|(r, last)| if last { to_sink(sink, site, r) } else { Ok(r) })
        .collect()
}

/// The pages, sections, tags and author pages, in the order their files go
/// into the output.
fn render_jobs<'a>(site: &'a Site, taxonomy: &'a Taxonomy) -> Vec<Job<'a>> {
    site.pages
        .iter()
        .map(Job::Page)
        .chain(site.sections.iter().map(Job::Section))
        .chain(taxonomy.tags.values().map(Job::Tag))
        .chain(taxonomy.authors.values().map(Job::Author))
        .collect()
}

impl Job<'_> {
    /// Roughly how long the render takes: the number of pages it lists.
    fn weight(&self) -> usize {
        match self {
            Job::Page(_) => 1,
            Job::Section(s) if s.is_root() => 10 + s.pages.len(),
            Job::Section(s) => s.pages.len(),
            Job::Tag(t) => t.pages.len(),
            Job::Author(a) => a.written.len() + a.reviewed.len(),
        }
    }

    fn render(
        &self,
        site: &Site,
        renderer: &Renderer,
        content: &RenderedContent<'_>,
        own: &[std::sync::Mutex<Option<render::RenderedFile>>],
    ) -> Vec<Rendered> {
        match self {
            Job::Page(p) => vec![
                render::guard::guarded(&p.file, "rendering the template of", || {
                    let own = own.get(p.id.0 as usize).and_then(|o| o.lock().ok()?.take());
                    renderer.render_page_with(site, content, p.id, own.as_ref())
                })
                .and_then(|r| r)
                .map(|html| (p.output.clone(), html)),
            ],
            Job::Section(s) => {
                let file = s.file.clone().unwrap_or_else(|| s.output.clone());
                render::guard::guarded(&file, "rendering the template of", || {
                    renderer.render_section(site, content, s.id)
                })
                .unwrap_or_else(|d| vec![Err(d)])
            }
            Job::Tag(t) => vec![renderer.render_tag(site, content, t)],
            Job::Author(a) => vec![renderer.render_author(site, content, a)],
        }
    }
}

/// Each language with pages (and the default language), with its pages
/// newest first.
fn lang_pages(site: &Site) -> Vec<(&str, Vec<content::PageId>)> {
    let cfg = &site.config;
    let mut langs = Vec::new();
    for lang in &cfg.languages {
        let ids = site.newest_first(lang).to_vec();
        if ids.is_empty() && *lang != cfg.default_language {
            continue;
        }
        langs.push((lang.as_str(), ids));
    }
    langs
}

/// The site's Atom feeds and where each goes: one per language of `langs`,
/// in order, then one per tag; none when feeds are off.
fn feed_specs<'a>(
    site: &Site,
    taxonomy: &'a Taxonomy,
    langs: &'a [(&'a str, Vec<content::PageId>)],
) -> Vec<(PathBuf, feeds::FeedSpec<'a>)> {
    let cfg = &site.config;
    if !cfg.feeds.enabled {
        return Vec::new();
    }
    let by_lang = langs.iter().map(|(lang, ids)| {
        let root = cfg.language_root(lang);
        let spec = feeds::FeedSpec {
            lang,
            title: cfg.title.clone(),
            self_url: format!("{root}atom.xml"),
            html_url: root.clone(),
            pages: ids,
        };
        let path = crate::content::output_for(&root, &cfg.root_path).with_file_name("atom.xml");
        (path, spec)
    });
    let by_tag = taxonomy.tags.values().map(|tag| {
        let spec = feeds::FeedSpec {
            lang: &tag.lang,
            title: format!("{} – {}", cfg.title, tag.name),
            self_url: format!("{}atom.xml", tag.url),
            html_url: tag.url.clone(),
            pages: &tag.pages,
        };
        let path = crate::content::output_for(&tag.url, &cfg.root_path).with_file_name("atom.xml");
        (path, spec)
    });
    by_lang.chain(by_tag).collect()
}

/// Feeds, sitemap, robots.txt and search indexes; `early_feeds`: the text
/// of each of [`feed_specs`], when made already.
fn site_files(
    site: &Site,
    taxonomy: &Taxonomy,
    md: &render::MarkdownOutput,
    content: &RenderedContent<'_>,
    early_feeds: Option<Vec<String>>,
) -> Vec<(PathBuf, Content)> {
    let mut output = Vec::new();
    let cfg = &site.config;
    // With a memo: each page's part by its listing key (its inputs), what
    // every render shares (the configuration) and what the output adds.
    let memo_part = |id: content::PageId, extra: u64, make: &dyn Fn() -> String| match &content
        .listing_values
    {
        Some(values) => {
            let k = crate::incremental::KeyHasher::new()
                .num(values.shared)
                .num(content.listing_key(site, id))
                .num(extra)
                .finish();
            values.memo.parts.get_or(k, || std::sync::Arc::from(make()))
        }
        None => std::sync::Arc::from(make()),
    };
    let parts: Option<crate::outputs::Parts<'_>> =
        content.listing_values.as_ref().map(|_| &memo_part as _);
    // With a memo, a whole file is kept too, under a key of what it shows:
    // a file that shows none of the edited pages is not made again.
    let whole = |key: &dyn Fn(&mut crate::incremental::KeyHasher), make: &dyn Fn() -> String| {
        match &content.listing_values {
            Some(values) => {
                let mut h = crate::incremental::KeyHasher::new();
                h.num(values.shared);
                key(&mut h);
                let k = h.finish();
                Content::Shared(values.memo.parts.get_or(k, || std::sync::Arc::from(make())))
            }
            None => Content::Text(make()),
        }
    };
    // The pages a file lists, by their listing keys (their inputs).
    let listed = |h: &mut crate::incremental::KeyHasher,
                  ids: &mut dyn Iterator<Item = &content::PageId>| {
        for &id in ids {
            h.num(u64::from(id.0)).num(content.listing_key(site, id));
        }
    };
    let langs = lang_pages(site);
    let specs = feed_specs(site, taxonomy, &langs);
    let texts: Vec<Content> = match early_feeds {
        Some(texts) => texts.into_iter().map(Content::Text).collect(),
        None => specs
            .par_iter()
            .map(|(_, spec)| {
                // What the feed shows: its head and its first pages (the
                // date it was updated is theirs, or the day's, which every
                // render's key holds).
                let key = |h: &mut crate::incremental::KeyHasher| {
                    h.str("atom feed")
                        .str(spec.lang)
                        .str(&spec.title)
                        .str(&spec.self_url)
                        .str(&spec.html_url);
                    listed(h, &mut spec.pages.iter().take(cfg.feeds.limit));
                };
                whole(&key, &|| feeds::atom_with(site, &md.pages, spec, parts))
            })
            .collect(),
    };
    // The languages' feeds come first, in the order of `langs`.
    let mut feeds = specs.into_iter().map(|(path, _)| path).zip(texts);
    for (lang, ids) in &langs {
        let root = cfg.language_root(lang);
        if cfg.feeds.enabled
            && let Some((path, text)) = feeds.next()
        {
            output.push((path, text));
        }
        let key = |h: &mut crate::incremental::KeyHasher| {
            h.str("search index").str(lang);
            listed(h, &mut ids.iter());
        };
        output.push((
            crate::content::output_for(&root, &cfg.root_path).with_file_name("search-index.json"),
            whole(&key, &|| search::index_with(site, &md.pages, lang, parts)),
        ));
    }
    output.extend(feeds);

    // The sitemap reads no text: within one assembly of the site (where
    // only texts change) it stays as it is.
    let assembly = site.text_keys.assembly;
    let make_sitemap = || {
        let mut entries = sitemap::page_entries(site);
        for url in taxonomy
            .tags
            .values()
            .map(|t| t.url.clone())
            .chain(taxonomy.authors.values().map(|a| a.url.clone()))
        {
            entries.push(sitemap::Entry {
                permalink: cfg.permalink(&url),
                lastmod: None,
                alternates: Vec::new(),
            });
        }
        sitemap::sitemap(entries)
    };
    let sitemap = if assembly != 0 {
        whole(
            &|h: &mut crate::incremental::KeyHasher| {
                h.str("sitemap").num(assembly);
            },
            &make_sitemap,
        )
    } else {
        Content::Text(make_sitemap())
    };
    output.push(("sitemap.xml".into(), sitemap));
    output.push(("robots.txt".into(), Content::Text(sitemap::robots(site))));
    output
}

/// Alias redirects: never over a real page.
fn aliases_of(site: &Site, output: &mut Output, ds: &mut Diagnostics) {
    let cfg = &site.config;
    let targets = || {
        site.pages
            .iter()
            .map(|p| (&p.fm.aliases, &p.file, &p.permalink, &p.lang, &p.text))
            .chain(site.sections.iter().filter_map(|s| {
                s.file
                    .as_ref()
                    .map(|f| (&s.fm.aliases, f, &s.permalink, &s.lang, &s.text))
            }))
    };
    // Only the paths that aliases want are looked up (most sites have few
    // aliases, and a rebuild should not list every file it made).
    let wanted: std::collections::HashSet<PathBuf> = targets()
        .flat_map(|(aliases, ..)| aliases)
        .filter_map(|alias| aliases::output_path(alias, &cfg.root_path).ok())
        .collect();
    if targets().all(|(aliases, ..)| aliases.is_empty()) {
        return;
    }
    // What holds each wanted path; a page or section file named for a path
    // wins over what the output has there.
    let taken: HashMap<PathBuf, String> = output
        .paths()
        .filter(|p| wanted.contains(*p))
        .map(|p| (p.to_path_buf(), p.display().to_string()))
        .chain(
            site.pages
                .iter()
                .filter(|p| wanted.contains(&p.output))
                .map(|p| (p.output.clone(), p.file.display().to_string())),
        )
        .chain(site.sections.iter().filter_map(|s| {
            s.file
                .as_ref()
                .filter(|_| wanted.contains(&s.output))
                .map(|f| (s.output.clone(), f.display().to_string()))
        }))
        .collect();
    let mut aliases_seen: HashMap<PathBuf, String> = HashMap::new();
    let targets = targets();
    for (aliases, file, permalink, lang, text) in targets {
        for alias in aliases {
            let locate = |d: Diagnostic| {
                let d = d.in_file(file.clone());
                match text.find(alias.as_str()) {
                    Some(off) => d.at_offset(text, off),
                    None => d,
                }
            };
            let path = match aliases::output_path(alias, &cfg.root_path) {
                Ok(p) => p,
                Err(d) => {
                    ds.push(locate(d));
                    continue;
                }
            };
            let clash = taken.get(&path).or_else(|| aliases_seen.get(&path));
            if let Some(other) = clash {
                ds.push(locate(
                    Diagnostic::error(
                        "alias",
                        format!(
                            "alias `{alias}` of {} would overwrite {other}",
                            file.display()
                        ),
                    )
                    .with_hint("remove the alias or move the page it collides with"),
                ));
                continue;
            }
            aliases_seen.insert(
                path.clone(),
                format!("the alias `{alias}` of {}", file.display()),
            );
            output.add(path, Content::Text(aliases::redirect_page(permalink, lang)));
        }
    }
}

/// A warning per language whose UI strings lack keys that English has.
fn missing_strings(site: &Site, theme: &ThemeFiles, ds: &mut Diagnostics) {
    let Some(en) = theme.i18n.get("en") else {
        return;
    };
    for lang in &site.config.languages {
        let primary = lang.split('-').next().unwrap_or(lang);
        if primary == "en" {
            continue;
        }
        let have = theme.strings_for(lang);
        let own: Vec<&String> = en
            .keys()
            .filter(|k| {
                !theme.i18n.get(primary).is_some_and(|m| m.contains_key(*k))
                    && !theme
                        .i18n
                        .get(lang.as_str())
                        .is_some_and(|m| m.contains_key(*k))
            })
            .collect();
        if own.is_empty() || have.is_empty() {
            continue;
        }
        let keys = own
            .iter()
            .take(8)
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        ds.push(
            Diagnostic::warning(
                "i18n",
                format!(
                    "{} theme string(s) have no `{lang}` translation and show in English: {keys}{}",
                    own.len(),
                    if own.len() > 8 { ", …" } else { "" }
                ),
            )
            .in_file(format!("i18n/{lang}.toml"))
            .with_hint(format!(
                "add them to i18n/{lang}.toml in the site (key = \"text\")"
            )),
        );
    }
}

/// Builds and writes the site (as `praxis build` does); returns the build
/// (for its warnings and stats).
pub fn build_to_disk(opts: &BuildOptions) -> Result<Built, BuildError> {
    Ok(build_staged(opts, WriteOptions::default())?.publish()?)
}

/// True when `path` looks like a site root.
pub fn is_site_root(path: &Path) -> bool {
    path.join(crate::config::CONFIG_FILE).is_file()
}
