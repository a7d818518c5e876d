//! The content tree: discover files under `content/`, read their front matter,
//! and assemble the immutable [`Site`] model of sections and pages.
//!
//! Folders are sections (`_index.md` describes one, per language:
//! `_index.en.md`); other `.md` files are pages; a folder with an `index.md` is
//! a page bundle whose other files are copied beside the page. A page's
//! language comes from its file suffix (`hba1c.en.md`) or its `lang` key.
//! Pages and sections refer to each other by small ids, never by pointers.
//!
//! This stage reads files and checks what can be checked without rendering
//! (front matter, languages, authors, output paths). It renders nothing.

pub mod front_matter;
pub(crate) mod reuse;
pub mod size_limit;
pub mod slug;
pub mod taxonomy;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Config;
use crate::date::Date;
use crate::diagnostics::{Diagnostic, Diagnostics, did_you_mean};
use front_matter::{Audience, PageFrontMatter, SectionFrontMatter, SortBy, Split};

/// Index of a page in [`Site::pages`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PageId(pub u32);

/// Index of a section in [`Site::sections`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SectionId(pub u32);

/// What an `@/path.md` link can point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Page(PageId),
    Section(SectionId),
}

/// A file copied into the output unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    /// Absolute source path.
    pub source: PathBuf,
    /// Path relative to the output folder.
    pub output: PathBuf,
}

/// One article.
#[derive(Debug, Clone)]
pub struct Page {
    pub id: PageId,
    /// Relative to the site root, e.g. `content/artikel/hba1c.md`.
    pub file: PathBuf,
    /// The whole file (front matter included), for locating diagnostics.
    /// `praxis build` cuts it after its page pass to what the reports made
    /// after that locate in (the front matter, mostly; see
    /// `build::streamed`): read the body before.
    pub text: String,
    pub body_offset: usize,
    pub fm: PageFrontMatter,
    pub title: String,
    pub lang: String,
    pub slug: String,
    /// Root-relative URL, `/artikel/hba1c/`.
    pub url: String,
    pub permalink: String,
    /// Relative to the output folder, `artikel/hba1c/index.html`.
    pub output: PathBuf,
    pub section: SectionId,
    /// Same for all translations of one page: `artikel/hba1c`.
    pub translation_key: String,
    pub authors: Vec<String>,
    pub reviewers: Vec<String>,
    pub audience: Audience,
    /// Files of a page bundle, copied beside the page.
    pub assets: Vec<Asset>,
}

impl Page {
    pub fn body(&self) -> &str {
        &self.text[self.body_offset..]
    }
}

/// A folder of content in one language.
#[derive(Debug, Clone)]
pub struct Section {
    pub id: SectionId,
    /// The `_index.md` it was read from, if any.
    pub file: Option<PathBuf>,
    pub text: String,
    pub body_offset: usize,
    pub fm: SectionFrontMatter,
    pub title: String,
    pub lang: String,
    /// Folder relative to `content/`, `""` for the root.
    pub dir: String,
    pub url: String,
    pub permalink: String,
    pub output: PathBuf,
    pub parent: Option<SectionId>,
    /// Sorted by the section's `sort_by`.
    pub pages: Vec<PageId>,
    pub subsections: Vec<SectionId>,
}

impl Section {
    pub fn body(&self) -> &str {
        &self.text[self.body_offset..]
    }

    pub fn is_root(&self) -> bool {
        self.parent.is_none()
    }
}

/// The assembled site: immutable after [`load`].
#[derive(Debug, Clone)]
pub struct Site {
    pub config: Config,
    pub pages: Vec<Page>,
    pub sections: Vec<Section>,
    /// The home section of each language.
    pub roots: BTreeMap<String, SectionId>,
    /// `@/` link targets by path relative to `content/` (`artikel/hba1c.md`).
    pub link_targets: HashMap<String, Target>,
    /// Files under `content/` that are copied as they are.
    pub assets: Vec<Asset>,
    /// Translations of each page, by translation key.
    pub translations: HashMap<String, Vec<PageId>>,
    /// Drafts left out of this build, by link path (so a link to one can say why it fails).
    pub excluded_drafts: BTreeSet<String>,
    /// The day review statuses are judged against.
    pub today: Date,
    /// A hash of each page's and section's file text, by id, for the keys of
    /// the rebuild memo (so that a rebuild does not hash every text again).
    /// A site loaded without a memo has no text hashes (nothing keys by
    /// them), only its assembly number.
    pub text_keys: TextKeys,
}

/// See [`Site::text_keys`].
#[derive(Debug, Clone, Default)]
pub struct TextKeys {
    pub pages: Vec<u64>,
    pub sections: Vec<u64>,
    /// A number unique to this assembly of the site. A site patched with
    /// saved texts ([`reuse`]) keeps it: everything but the texts is as it
    /// was, so what a rebuild derived from the rest may be kept under it.
    pub assembly: u64,
    /// Each language's pages newest first ([`Site::newest_first`]), made
    /// once per assembly: a patched site keeps its dates, languages and files.
    pub newest_first: std::sync::OnceLock<BTreeMap<String, Vec<PageId>>>,
}

/// A new [`TextKeys::assembly`].
fn next_assembly() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// The key of one file's text in [`TextKeys`].
pub(crate) fn text_key(text: &str) -> u64 {
    crate::incremental::KeyHasher::new().str(text).finish()
}

impl Site {
    pub fn page(&self, id: PageId) -> &Page {
        &self.pages[id.0 as usize]
    }

    /// The pages in `lang`, newest first ([`taxonomy::sort_newest_first`]);
    /// sorted once for the site's assembly, not by every listing, feed and
    /// search index of every rebuild.
    pub fn newest_first(&self, lang: &str) -> &[PageId] {
        let by_lang = self.text_keys.newest_first.get_or_init(|| {
            let mut by_lang: BTreeMap<String, Vec<PageId>> = BTreeMap::new();
            for p in &self.pages {
                by_lang.entry(p.lang.clone()).or_default().push(p.id);
            }
            by_lang
                .par_iter_mut()
                .for_each(|(_, ids)| taxonomy::sort_newest_first(self, ids));
            by_lang
        });
        by_lang.get(lang).map_or(&[], Vec::as_slice)
    }

    pub fn section(&self, id: SectionId) -> &Section {
        &self.sections[id.0 as usize]
    }

    /// The other-language versions of a page, in the site's language order.
    pub fn translations_of(&self, id: PageId) -> Vec<PageId> {
        let page = self.page(id);
        let mut out: Vec<PageId> = self
            .translations
            .get(&page.translation_key)
            .map(|v| v.iter().copied().filter(|&p| p != id).collect())
            .unwrap_or_default();
        let order = |p: &PageId| {
            let lang = &self.page(*p).lang;
            self.config.languages.iter().position(|l| l == lang)
        };
        out.sort_by_key(order);
        out
    }
}

/// Options that change what is loaded.
#[derive(Debug, Clone, Copy)]
pub struct LoadOptions {
    pub drafts: bool,
    pub today: Date,
}

/// What kind of content file a path is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    /// `_index.md` of the folder.
    Section,
    /// `index.md` of a bundle folder.
    BundlePage,
    Page,
}

/// A Markdown file read from disk, front matter split and parsed.
#[derive(Debug, Clone)]
pub(crate) struct Loaded {
    kind: Kind,
    /// Relative to `content/`, with `/` separators.
    rel: String,
    /// Folder relative to `content/` (for a bundle: the bundle's own folder).
    dir: String,
    /// File stem without language suffix (`hba1c`, `index`, `_index`).
    stem: String,
    suffix_lang: Option<String>,
    text: String,
    split_body_offset: usize,
    fm_offset: usize,
    page_fm: Option<PageFrontMatter>,
    section_fm: Option<SectionFrontMatter>,
    /// Offsets of keys in the file, for later diagnostics.
    key_offsets: HashMap<&'static str, usize>,
}

const LOCATED_KEYS: [&str; 8] = [
    "title",
    "authors",
    "reviewed_by",
    "lang",
    "next_review",
    "slug",
    "paginate_by",
    "aliases",
];

/// Editor leftovers and hidden files that are never content.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
}

/// Reads `content/` and assembles the site.
pub fn load(config: Config, opts: LoadOptions) -> Result<(Site, Diagnostics), Diagnostics> {
    load_with(config, opts, None)
}

/// [`load`], reusing the parse of files unchanged since the memo's last build.
pub fn load_with(
    config: Config,
    opts: LoadOptions,
    memo: Option<&crate::incremental::Memo>,
) -> Result<(Site, Diagnostics), Diagnostics> {
    let content = config.root.join("content");
    let mut ds = Diagnostics::new();
    if !content.is_dir() {
        ds.push(
            Diagnostic::error("content", "the site has no content/ folder")
                .in_file("content")
                .with_hint(
                    "create content/_index.md for the home page, or start with `praxis init`",
                ),
        );
        return Err(ds);
    }
    if let Some((kept, changed)) = memo.and_then(crate::incremental::Memo::take_site)
        && let Some(patched) = reuse::patched(kept, &changed, &config, opts)
    {
        return Ok(patched);
    }

    let (md_files, other_files) = discover(&content, &config, &mut ds);
    let bundle_dirs: BTreeSet<String> = md_files
        .iter()
        .filter(|(rel, _)| file_stem_parts(rel, &config.languages).0 == "index")
        .map(|(rel, _)| parent_dir(rel).to_owned())
        .collect();

    let loaded: Vec<Result<Loaded, Diagnostic>> = match memo {
        None => md_files
            .par_iter()
            .map(|(rel, abs)| read_markdown(rel, abs, &config))
            .collect(),
        Some(memo) => read_memoised(&md_files, &config, memo),
    };
    let mut files = Vec::with_capacity(loaded.len());
    for l in loaded {
        match l {
            Ok(f) => files.push(f),
            Err(d) => ds.push(d),
        }
    }

    let mut asm = Assembler::new(config, opts);
    asm.assemble(files, &mut ds);
    asm.place_assets(other_files, &bundle_dirs);
    asm.check_outputs(&mut ds);
    let site = asm.finish(memo.is_some());
    if ds.has_errors() {
        return Err(ds);
    }
    Ok((site, ds))
}

/// All files under `content/`, sorted: (Markdown, other), each `(rel, abs)`.
type Found = Vec<(String, PathBuf)>;

fn discover(content: &Path, config: &Config, ds: &mut Diagnostics) -> (Found, Found) {
    let mut md = Vec::new();
    let mut other = Vec::new();
    let walker = walkdir::WalkDir::new(content)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| crate::diagnostics::relative_to(p, &config.root));
                let mut d = Diagnostic::error("io", format!("cannot read: {e}"));
                if let Some(p) = path {
                    d = d.in_file(p);
                }
                ds.push(d);
                continue;
            }
        };
        if !entry.file_type().is_file() {
            if entry.path_is_symlink() {
                ds.push(
                    Diagnostic::warning("symlink", "symbolic links are not followed")
                        .in_file(crate::diagnostics::relative_to(entry.path(), &config.root))
                        .with_hint("copy the file into the site instead"),
                );
            }
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(content) else {
            continue;
        };
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if rel.ends_with(".md") {
            md.push((rel, entry.path().to_path_buf()));
        } else {
            other.push((rel, entry.path().to_path_buf()));
        }
    }
    (md, other)
}

fn parent_dir(rel: &str) -> &str {
    rel.rfind('/').map_or("", |i| &rel[..i])
}

/// `artikel/hba1c.en.md` → (`hba1c`, Some(`en`)). The suffix is a language when
/// the site lists it (`de-AT` too), or when it is two lowercase letters, which
/// can only be meant as one (an unlisted one is reported later). Other dotted
/// names (`notes.faq.md`, `vitamin.d.md`) are plain names.
fn file_stem_parts<'a>(rel: &'a str, languages: &[String]) -> (&'a str, Option<&'a str>) {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let stem = name.strip_suffix(".md").unwrap_or(name);
    match stem.rsplit_once('.') {
        Some((base, lang))
            if !base.is_empty()
                && (languages.iter().any(|l| l == lang)
                    || (lang.len() == 2 && lang.chars().all(|c| c.is_ascii_lowercase()))) =>
        {
            (base, Some(lang))
        }
        _ => (stem, None),
    }
}

/// Reads the files that changed since the memo's last build; takes the others'
/// parse from it. Files that fail to parse are read again every time (their
/// diagnostics are not kept).
fn read_memoised(
    md_files: &Found,
    config: &Config,
    memo: &crate::incremental::Memo,
) -> Vec<Result<Loaded, Diagnostic>> {
    use std::sync::PoisonError;
    let config_key = crate::incremental::KeyHasher::new().debug(config).finish();
    let mut files = memo.files.lock().unwrap_or_else(PoisonError::into_inner);
    {
        let mut seen = memo
            .config_key
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if *seen != Some(config_key) {
            files.clear();
            *seen = Some(config_key);
        }
    }
    let old = std::mem::take(&mut *files);
    let results: Vec<(
        PathBuf,
        Option<crate::incremental::Stamp>,
        Result<Loaded, Diagnostic>,
    )> = md_files
        .par_iter()
        .map(|(rel, abs)| {
            let stamp = crate::incremental::Stamp::of(abs);
            let kept = old
                .get(abs)
                .filter(|(s, _)| Some(*s) == stamp)
                .map(|(_, l)| Ok(l.clone()));
            let r = kept.unwrap_or_else(|| read_markdown(rel, abs, config));
            (abs.clone(), stamp, r)
        })
        .collect();
    results
        .into_iter()
        .map(|(abs, stamp, r)| {
            if let (Some(stamp), Ok(l)) = (stamp, &r) {
                files.insert(abs, (stamp, l.clone()));
            }
            r
        })
        .collect()
}

fn read_markdown(rel: &str, abs: &Path, config: &Config) -> Result<Loaded, Diagnostic> {
    let file = Path::new("content").join(rel);
    let bytes = size_limit::read_markdown_bytes(abs, &file, size_limit::MAX_MARKDOWN_BYTES)?;
    parse_markdown(rel, bytes, config)
}

/// Decodes and splits one Markdown file (`rel` is relative to `content/`) and
/// parses its front matter; the file's bytes are given, nothing is read.
pub(crate) fn parse_markdown(
    rel: &str,
    bytes: Vec<u8>,
    config: &Config,
) -> Result<Loaded, Diagnostic> {
    let file = Path::new("content").join(rel);
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let prefix = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
        let (line, col) = crate::diagnostics::line_col(&prefix, valid);
        Diagnostic::error("encoding", "the file is not valid UTF-8")
            .in_file(&file)
            .at(line, col)
            .with_hint("save it as UTF-8 (most editors offer \"UTF-8\" in the save dialog)")
    })?;
    let (stem, suffix_lang) = file_stem_parts(rel, &config.languages);
    let kind = match stem {
        "_index" => Kind::Section,
        "index" => Kind::BundlePage,
        _ => Kind::Page,
    };
    let dir = parent_dir(rel).to_owned();
    let (stem, suffix_lang) = (stem.to_owned(), suffix_lang.map(str::to_owned));
    let split: Split<'_> = front_matter::split(&text, &file)?;
    let key_offsets: HashMap<&'static str, usize> = LOCATED_KEYS
        .iter()
        .zip(front_matter::key_offsets(&split, &LOCATED_KEYS))
        .filter_map(|(&key, off)| Some((key, off?)))
        .collect();
    let (page_fm, section_fm) = if kind == Kind::Section {
        (
            None,
            Some(front_matter::parse::<SectionFrontMatter>(
                &split, &text, &file,
            )?),
        )
    } else {
        if split.format.is_none() {
            return Err(
                Diagnostic::error("front-matter", "the article has no front matter")
                    .in_file(&file)
                    .at(1, 1)
                    .with_hint(
                        "start the file with a block like:\n    +++\n    title = \"…\"\n    +++",
                    ),
            );
        }
        (
            Some(front_matter::parse::<PageFrontMatter>(
                &split, &text, &file,
            )?),
            None,
        )
    };
    let (body_offset, fm_offset) = (split.body_offset, split.front_matter_offset);
    Ok(Loaded {
        kind,
        rel: rel.to_owned(),
        dir,
        stem,
        suffix_lang,
        text,
        split_body_offset: body_offset,
        fm_offset,
        page_fm,
        section_fm,
        key_offsets,
    })
}

/// Assembles a site from files already parsed by [`parse_markdown`] (no
/// assets): the same checks [`load`] makes, without reading `content/`.
pub(crate) fn assemble(
    config: Config,
    opts: LoadOptions,
    files: Vec<Loaded>,
    ds: &mut Diagnostics,
) -> Site {
    let mut asm = Assembler::new(config, opts);
    asm.assemble(files, ds);
    asm.check_outputs(ds);
    asm.finish(true)
}

/// A page file after [`Assembler::prepare_page`].
enum Prepared {
    /// A draft left out of this build, by its link path.
    Draft(String),
    Page(Box<PreparedPage>),
}

/// A checked page file with its names, waiting for its id and section.
struct PreparedPage {
    file: PathBuf,
    section_dir: String,
    fm: PageFrontMatter,
    title: String,
    lang: String,
    slug: String,
    authors: Vec<String>,
    /// What is left of the file (its front matter taken).
    f: Loaded,
}

/// Builds sections and pages from loaded files; collects diagnostics on the way.
struct Assembler {
    config: Config,
    opts: LoadOptions,
    pages: Vec<Page>,
    sections: Vec<Section>,
    section_index: HashMap<(String, String), SectionId>,
    link_targets: HashMap<String, Target>,
    assets: Vec<Asset>,
    excluded_drafts: BTreeSet<String>,
    draft_dirs: Vec<String>,
}

impl Assembler {
    fn new(config: Config, opts: LoadOptions) -> Self {
        Assembler {
            config,
            opts,
            pages: Vec::new(),
            sections: Vec::new(),
            section_index: HashMap::new(),
            link_targets: HashMap::new(),
            assets: Vec::new(),
            excluded_drafts: BTreeSet::new(),
            draft_dirs: Vec::new(),
        }
    }

    fn file(rel: &str) -> PathBuf {
        Path::new("content").join(rel)
    }

    /// The language of a file, checked against the configured languages.
    fn language_of(
        &self,
        f: &Loaded,
        fm_lang: Option<&str>,
        ds: &mut Diagnostics,
    ) -> Option<String> {
        // Made only for a diagnostic.
        let file = || Self::file(&f.rel);
        let listed = || self.config.languages.join(", ");
        if let Some(l) = &f.suffix_lang {
            if !self.config.is_language(l) {
                ds.push(
                    Diagnostic::error(
                        "language",
                        format!("the file name says language `{l}`, which the site does not list"),
                    )
                    .in_file(file())
                    .with_hint(format!(
                        "add \"{l}\" to `languages` in praxis.toml (now: {}), or rename the file",
                        listed()
                    )),
                );
                return None;
            }
            if let Some(fl) = fm_lang
                && fl != l
            {
                let d = Diagnostic::error(
                    "language",
                    format!("`lang = \"{fl}\"` contradicts the file name's language `{l}`"),
                )
                .in_file(file());
                ds.push(
                    locate(d, f, "lang")
                        .with_hint("remove `lang`: the file suffix already says the language"),
                );
                return None;
            }
            return Some(l.clone());
        }
        match fm_lang {
            Some(l) if self.config.is_language(l) => Some(l.to_owned()),
            Some(l) => {
                let d = Diagnostic::error(
                    "language",
                    format!("language `{l}` is not one of the site's languages"),
                )
                .in_file(file())
                .with_hint(format!(
                    "use one of {}, or add \"{l}\" to `languages` in praxis.toml",
                    listed()
                ));
                ds.push(locate(d, f, "lang"));
                None
            }
            None => Some(self.config.default_language.clone()),
        }
    }

    fn assemble(&mut self, files: Vec<Loaded>, ds: &mut Diagnostics) {
        let (section_files, page_files): (Vec<_>, Vec<_>) =
            files.into_iter().partition(|f| f.kind == Kind::Section);

        // Sections first, shallow before deep, so parents exist when children need them.
        let mut section_files = section_files;
        section_files.sort_by_key(|f| {
            (
                f.dir.matches('/').count() + usize::from(!f.dir.is_empty()),
                f.rel.clone(),
            )
        });
        for mut f in section_files {
            let Some(fm) = f.section_fm.take() else {
                continue;
            };
            if fm.draft && !self.opts.drafts {
                self.draft_dirs.push(f.dir.clone());
                self.excluded_drafts.insert(f.rel.clone());
                continue;
            }
            if self.in_draft_dir(&f.dir) {
                continue;
            }
            let Some(lang) = self.language_of(&f, fm.lang.as_deref(), ds) else {
                continue;
            };
            if let Some(n) = fm.paginate_by
                && n < 1
            {
                let d = Diagnostic::error("front-matter", format!("paginate_by = {n} cannot list any page"))
                    .in_file(Self::file(&f.rel))
                    .with_hint("use a number of pages per listing page, like 10, or remove the key to list all pages on one page");
                ds.push(locate(d, &f, "paginate_by"));
                continue;
            }
            let id = self.ensure_section(&f.dir, &lang);
            let title = fm
                .title
                .clone()
                .unwrap_or_else(|| self.default_section_title(&f.dir));
            let s = &mut self.sections[id.0 as usize];
            s.file = Some(Self::file(&f.rel));
            s.title = title;
            s.fm = fm;
            s.text = f.text;
            s.body_offset = f.split_body_offset;
            self.link_targets.insert(f.rel.clone(), Target::Section(id));
        }
        self.ensure_section("", &self.config.default_language.clone());

        // Each page file is checked and named in parallel (its diagnostics
        // kept in file order); only giving pages their ids and sections is
        // serial. On 10,000 pages this was most of a serial stretch.
        let prepared: Vec<(Option<Prepared>, Diagnostics)> = page_files
            .into_par_iter()
            .map(|f| {
                let mut own = Diagnostics::new();
                let p = self.prepare_page(f, &mut own);
                (p, own)
            })
            .collect();
        let mut placed = Vec::with_capacity(prepared.len());
        for (p, own) in prepared {
            ds.extend(own);
            match p {
                Some(Prepared::Draft(rel)) => {
                    self.excluded_drafts.insert(rel);
                }
                Some(Prepared::Page(p)) => {
                    let section = self.ensure_section(&p.section_dir, &p.lang);
                    placed.push((p, section));
                }
                None => {}
            }
        }
        let first = self.pages.len();
        let new_pages: Vec<(Page, String)> = placed
            .into_par_iter()
            .enumerate()
            .map(|(i, (p, section))| {
                let id = PageId((first + i) as u32);
                self.page_of(*p, id, section)
            })
            .collect();
        self.pages.reserve(new_pages.len());
        for (page, rel) in new_pages {
            self.sections[page.section.0 as usize].pages.push(page.id);
            self.link_targets.insert(rel, Target::Page(page.id));
            self.pages.push(page);
        }

        // Sort each section's pages.
        let mut sections = std::mem::take(&mut self.sections);
        sections.par_iter_mut().for_each(|s| {
            let pages = &self.pages;
            let by = s.fm.sort_by;
            s.pages.sort_by(|a, b| {
                let (pa, pb) = (&pages[a.0 as usize], &pages[b.0 as usize]);
                let ord = match by {
                    SortBy::Date => pb.fm.date.cmp(&pa.fm.date),
                    SortBy::Title => pa.title.to_lowercase().cmp(&pb.title.to_lowercase()),
                    SortBy::Weight => pa.fm.weight.cmp(&pb.fm.weight),
                };
                ord.then_with(|| pa.file.cmp(&pb.file))
            });
        });
        self.sections = sections;
    }

    fn in_draft_dir(&self, dir: &str) -> bool {
        self.draft_dirs
            .iter()
            .any(|d| d.is_empty() || dir == d || dir.starts_with(&format!("{d}/")))
    }

    fn default_section_title(&self, dir: &str) -> String {
        if dir.is_empty() {
            return self.config.title.clone();
        }
        let name = dir
            .rsplit('/')
            .next()
            .unwrap_or(dir)
            .replace(['-', '_'], " ");
        let mut chars = name.chars();
        match chars.next() {
            Some(c) => c.to_uppercase().chain(chars).collect(),
            None => name,
        }
    }

    /// The section for `dir` in `lang`, created (with its parents) when missing.
    fn ensure_section(&mut self, dir: &str, lang: &str) -> SectionId {
        if let Some(id) = self.section_index.get(&(dir.to_owned(), lang.to_owned())) {
            return *id;
        }
        let parent = if dir.is_empty() {
            None
        } else {
            Some(self.ensure_section(parent_dir(dir), lang))
        };
        let mut url = self.config.language_root(lang);
        for part in dir.split('/').filter(|p| !p.is_empty()) {
            url.push_str(&slug::slugify(part));
            url.push('/');
        }
        let id = SectionId(self.sections.len() as u32);
        let title = self.default_section_title(dir);
        self.sections.push(Section {
            id,
            file: None,
            text: String::new(),
            body_offset: 0,
            fm: SectionFrontMatter::default(),
            title,
            lang: lang.to_owned(),
            dir: dir.to_owned(),
            permalink: self.config.permalink(&url),
            output: output_for(&url, &self.config.root_path),
            url,
            parent,
            pages: Vec::new(),
            subsections: Vec::new(),
        });
        if let Some(p) = parent {
            self.sections[p.0 as usize].subsections.push(id);
        }
        self.section_index
            .insert((dir.to_owned(), lang.to_owned()), id);
        id
    }

    /// Checks a page file and works out what names it: `None` when it has
    /// errors (reported in `ds`) or is no page; reads only what the sections
    /// pass settled, so files are prepared in parallel.
    fn prepare_page(&self, mut f: Loaded, ds: &mut Diagnostics) -> Option<Prepared> {
        let fm = f.page_fm.take()?;
        let file = Self::file(&f.rel);
        let (section_dir, base_name) = if f.kind == Kind::BundlePage {
            let name = f.dir.rsplit('/').next().unwrap_or(&f.dir).to_owned();
            (parent_dir(&f.dir).to_owned(), name)
        } else {
            (f.dir.clone(), f.stem.clone())
        };
        if (fm.draft && !self.opts.drafts) || self.in_draft_dir(&section_dir) {
            return Some(Prepared::Draft(f.rel));
        }
        let mut ok = true;
        let title = match fm.title.clone() {
            Some(t) if !t.trim().is_empty() => t,
            _ => {
                let d = Diagnostic::error("front-matter", "the article has no title")
                    .in_file(&file)
                    .with_hint("add `title = \"…\"` to the front matter: it is the page's heading and its name in search results");
                let d = match f.key_offsets.get("title") {
                    Some(&off) => d.at_offset(&f.text, off),
                    None => d.at_offset(&f.text, f.fm_offset.saturating_sub(1)),
                };
                ds.push(d);
                ok = false;
                String::new()
            }
        };
        let lang = self.language_of(&f, fm.lang.as_deref(), ds)?;

        let authors = fm
            .authors
            .clone()
            .unwrap_or_else(|| self.config.default_authors.clone());
        for (key, list) in [("authors", &authors), ("reviewed_by", &fm.reviewed_by)] {
            for a in list {
                if !self.config.authors.contains_key(a) {
                    let hint = did_you_mean(a, self.config.authors.keys().map(String::as_str))
                        .unwrap_or_else(|| format!("add an [authors.{a}] table to praxis.toml"));
                    let d =
                        Diagnostic::error("author", format!("unknown author key `{a}` in `{key}`"))
                            .in_file(&file)
                            .with_hint(hint);
                    ds.push(locate(d, &f, key));
                    ok = false;
                }
            }
        }
        if let (Some(last), Some(next)) = (fm.last_reviewed, fm.next_review)
            && next < last
        {
            let d = Diagnostic::error(
                "review",
                format!("next_review ({next}) is before last_reviewed ({last})"),
            )
            .in_file(&file)
            .with_hint("the next review must come after the last one: fix one of the two dates");
            ds.push(locate(d, &f, "next_review"));
            ok = false;
        }

        let slug = match &fm.slug {
            Some(s) => {
                let clean = slug::slugify(s);
                if clean.is_empty() {
                    let d = Diagnostic::error(
                        "front-matter",
                        format!("slug `{s}` has no letters or digits"),
                    )
                    .in_file(&file)
                    .with_hint("use a slug like \"hba1c\"");
                    ds.push(locate(d, &f, "slug"));
                    ok = false;
                }
                clean
            }
            None => {
                let s = slug::slugify(&base_name);
                if s.is_empty() {
                    slug::slugify(&title)
                } else {
                    s
                }
            }
        };
        if !ok {
            return None;
        }
        Some(Prepared::Page(Box::new(PreparedPage {
            file,
            section_dir,
            fm,
            title,
            lang,
            slug,
            authors,
            f,
        })))
    }

    /// The page `p` as page `id` of `section` (which exists by now), and
    /// the link path it answers to.
    fn page_of(&self, p: PreparedPage, id: PageId, section: SectionId) -> (Page, String) {
        let PreparedPage {
            file,
            section_dir: _,
            fm,
            title,
            lang,
            slug,
            authors,
            f,
        } = p;
        let url = format!("{}{slug}/", self.sections[section.0 as usize].url);
        let translation_key = if f.kind == Kind::BundlePage {
            f.dir.clone()
        } else if f.dir.is_empty() {
            f.stem.clone()
        } else {
            format!("{}/{}", f.dir, f.stem)
        };
        let audience = fm.audience.unwrap_or_default();
        let reviewers = fm.reviewed_by.clone();
        let page = Page {
            id,
            file,
            text: f.text,
            body_offset: f.split_body_offset,
            fm,
            title,
            lang,
            slug,
            permalink: self.config.permalink(&url),
            output: output_for(&url, &self.config.root_path),
            url,
            section,
            translation_key,
            authors,
            reviewers,
            audience,
            assets: Vec::new(),
        };
        (page, f.rel)
    }

    /// Bundle files go beside their page (in every language of it); other files keep their path.
    fn place_assets(&mut self, files: Vec<(String, PathBuf)>, bundle_dirs: &BTreeSet<String>) {
        let root = self.config.root_path.clone();
        for (rel, abs) in files {
            let bundle = bundle_dirs
                .iter()
                .filter(|d| rel.starts_with(&format!("{d}/")))
                .max_by_key(|d| d.len());
            match bundle {
                Some(dir) => {
                    let inner = &rel[dir.len() + 1..];
                    let pages: Vec<PageId> = self
                        .pages
                        .iter()
                        .filter(|p| &p.translation_key == dir)
                        .map(|p| p.id)
                        .collect();
                    for id in pages {
                        let page = &mut self.pages[id.0 as usize];
                        let dir_out = page
                            .output
                            .parent()
                            .map(Path::to_path_buf)
                            .unwrap_or_default();
                        page.assets.push(Asset {
                            source: abs.clone(),
                            output: dir_out.join(inner),
                        });
                    }
                }
                None => {
                    if self.in_draft_dir(parent_dir(&rel)) {
                        continue;
                    }
                    let mut out = PathBuf::new();
                    let dir = parent_dir(&rel);
                    for part in dir.split('/').filter(|p| !p.is_empty()) {
                        out.push(slug::slugify(part));
                    }
                    out.push(rel.rsplit('/').next().unwrap_or(&rel));
                    let _ = &root;
                    self.assets.push(Asset {
                        source: abs,
                        output: out,
                    });
                }
            }
        }
    }

    /// Two things may not be written to one output path.
    fn check_outputs(&self, ds: &mut Diagnostics) {
        let mut seen: HashMap<&Path, &Path> = HashMap::new();
        let sources = self
            .sections
            .iter()
            .filter_map(|s| s.file.as_deref().map(|f| (s.output.as_path(), f)))
            .chain(
                self.pages
                    .iter()
                    .map(|p| (p.output.as_path(), p.file.as_path())),
            );
        for (out, file) in sources {
            if let Some(first) = seen.insert(out, file) {
                ds.push(
                    Diagnostic::error(
                        "duplicate-path",
                        format!(
                            "{} and {} would both be written to {}",
                            first.display(),
                            file.display(),
                            out.display()
                        ),
                    )
                    .in_file(file)
                    .with_hint("give one of them another `slug` or file name"),
                );
            }
        }
    }

    /// The site; `hash_texts`: whether to fill [`Site::text_keys`] (only
    /// the keys of a rebuild memo read them).
    fn finish(self, hash_texts: bool) -> Site {
        let mut roots = BTreeMap::new();
        for s in &self.sections {
            if s.parent.is_none() {
                roots.insert(s.lang.clone(), s.id);
            }
        }
        let mut translations: HashMap<String, Vec<PageId>> = HashMap::new();
        for p in &self.pages {
            translations
                .entry(p.translation_key.clone())
                .or_default()
                .push(p.id);
        }
        let (pages, sections) = if hash_texts {
            (
                self.pages.par_iter().map(|p| text_key(&p.text)).collect(),
                self.sections
                    .par_iter()
                    .map(|s| text_key(&s.text))
                    .collect(),
            )
        } else {
            (Vec::new(), Vec::new())
        };
        let text_keys = TextKeys {
            pages,
            sections,
            assembly: next_assembly(),
            newest_first: std::sync::OnceLock::new(),
        };
        Site {
            text_keys,
            config: self.config,
            pages: self.pages,
            sections: self.sections,
            roots,
            link_targets: self.link_targets,
            assets: self.assets,
            translations,
            excluded_drafts: self.excluded_drafts,
            today: self.opts.today,
        }
    }
}

/// Points a diagnostic at the line of `key` in the front matter, or at line 1.
fn locate(d: Diagnostic, f: &Loaded, key: &str) -> Diagnostic {
    match f.key_offsets.get(key) {
        Some(&off) => d.at_offset(&f.text, off),
        None => d.at(1, 1),
    }
}

/// `/blog/artikel/hba1c/` with root `/blog/` → `artikel/hba1c/index.html`.
pub fn output_for(url: &str, root_path: &str) -> PathBuf {
    let rel = url.strip_prefix(root_path).unwrap_or(url).trim_matches('/');
    let mut p = PathBuf::new();
    for part in rel.split('/').filter(|s| !s.is_empty()) {
        p.push(part);
    }
    p.join("index.html")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_suffixes_are_recognised() {
        let langs = vec!["de".to_owned(), "de-AT".to_owned(), "fil".to_owned()];
        let parts = |r| file_stem_parts(r, &langs);
        assert_eq!(parts("a/hba1c.en.md"), ("hba1c", Some("en")));
        assert_eq!(parts("a/_index.de.md"), ("_index", Some("de")));
        assert_eq!(parts("a/hba1c.de-AT.md"), ("hba1c", Some("de-AT")));
        assert_eq!(parts("a/hba1c.fil.md"), ("hba1c", Some("fil")));
        assert_eq!(parts("a/notes.faq.md"), ("notes.faq", None));
        assert_eq!(parts("a/vitamin.d.md"), ("vitamin.d", None));
        assert_eq!(parts("hba1c.md"), ("hba1c", None));
        assert_eq!(parts(".en.md"), (".en", None));
    }

    #[test]
    fn output_paths_strip_the_root() {
        assert_eq!(
            output_for("/blog/a/b/", "/blog/"),
            PathBuf::from("a/b/index.html")
        );
        assert_eq!(output_for("/", "/"), PathBuf::from("index.html"));
    }

    #[test]
    fn editor_files_are_ignored() {
        for n in [".hba1c.md.swp", "hba1c.md~", "4913", ".DS_Store", "#a.md#"] {
            assert!(is_ignored_name(n), "{n}");
        }
        assert!(!is_ignored_name("hba1c.md"));
    }
}
