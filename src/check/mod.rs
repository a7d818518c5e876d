//! Checks beyond what a build needs: links and images that resolve to
//! nothing, missing alt text, resources from other origins, scripts in
//! content, missing descriptions, unused references, readability, clinical
//! meaning traps, skipped heading levels and duplicate titles; links to other
//! sites only on request (`praxis check --external`).
//!
//! They run after the site is built in memory, by `praxis build` (so
//! `build --strict` agrees with `check`) and by `praxis check`. Each Markdown
//! file is parsed once more here (cheap next to rendering) into a [`Doc`]: its
//! links, images, raw HTML start tags, paragraph text, headings and meaning
//! traps, each with its byte offset in the file, so every finding points at a
//! line and column. (The Markdown stage's own parse is not reused: it turns
//! `[@key]` citations into links, which the checks read as text.)

pub mod alt_text;
pub mod anchor_set;
pub mod confidentiality;
pub mod description;
pub mod external;
pub mod headings;
pub mod html;
pub mod links;
pub mod meaning_traps;
pub mod origin;
#[cfg(test)]
pub(crate) mod random_text;
pub mod readability;
pub(crate) mod reuse;
pub mod text_scan;
pub mod unsafe_html;
pub mod unused_refs;

use std::collections::HashSet;
use std::path::Path;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use rayon::prelude::*;

use crate::content::Site;
use crate::content::front_matter::Audience;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::Output;
use crate::render::MarkdownOutput;
use html::StartTag;

/// `[check]` in praxis.toml.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct CheckConfig {
    /// Score articles for patients for readability.
    pub readability: bool,
    /// The highest Flesch–Kincaid grade accepted for English.
    pub max_grade: f64,
    /// The lowest reading ease accepted for German, French and Dutch.
    pub min_ease: f64,
}

impl Default for CheckConfig {
    fn default() -> Self {
        CheckConfig {
            readability: true,
            max_grade: readability::MAX_GRADE,
            min_ease: readability::MIN_EASE,
        }
    }
}

/// A Markdown link or image destination and where it is in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dest {
    pub url: String,
    /// Byte offset in the whole file (front matter included).
    pub offset: usize,
}

/// An image: its destination and alt text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    pub dest: Dest,
    pub alt: String,
}

/// One content file (page or section), parsed for checking.
#[derive(Debug)]
pub struct Doc<'a> {
    pub file: &'a Path,
    pub text: &'a str,
    /// Root-relative URL of the rendered page, `/artikel/hba1c/`.
    pub url: &'a str,
    /// Output path of the rendered page, `artikel/hba1c/index.html`.
    pub output: &'a Path,
    pub lang: &'a str,
    /// `None` for sections.
    pub audience: Option<Audience>,
    pub links: Vec<Dest>,
    pub images: Vec<Image>,
    /// Start tags of raw HTML, offsets in the whole file.
    pub tags: Vec<StartTag>,
    /// Plain text of the top-level paragraphs, each followed by a newline
    /// (one buffer for the file, which readability reads at once).
    pub prose: String,
    /// Each top-level paragraph's text (a range in `prose`) and offset.
    pub paragraphs: Vec<(std::ops::Range<usize>, usize)>,
    /// Each heading's level (1–6) and offset.
    pub headings: Vec<(u8, usize)>,
    /// Places where Markdown changes what was written.
    pub traps: Vec<meaning_traps::Trap>,
}

impl Doc<'_> {
    /// A diagnostic located at `offset` in this file.
    pub fn locate(&self, d: Diagnostic, offset: usize) -> Diagnostic {
        d.in_file(self.file).at_offset(self.text, offset)
    }
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SUBSCRIPT
        | Options::ENABLE_SUPERSCRIPT
}

/// Parses one Markdown file's body into a [`Doc`].
#[allow(clippy::too_many_arguments)]
pub fn parse<'a>(
    file: &'a Path,
    text: &'a str,
    body_offset: usize,
    url: &'a str,
    output: &'a Path,
    lang: &'a str,
    audience: Option<Audience>,
) -> Doc<'a> {
    let body = &text[body_offset..];
    let mut doc = Doc {
        file,
        text,
        url,
        output,
        lang,
        audience,
        links: Vec::new(),
        images: Vec::new(),
        tags: Vec::new(),
        prose: String::new(),
        paragraphs: Vec::new(),
        headings: Vec::new(),
        traps: Vec::new(),
    };
    let mut traps = meaning_traps::Scanner::default();
    let dest_at = |url: &str, range: &std::ops::Range<usize>| {
        body_offset + range.start + body[range.clone()].find(url).unwrap_or(0)
    };
    let mut image: Option<Image> = None;
    // The open paragraph's start in `doc.prose` and offset in the file.
    let mut paragraph: Option<(usize, usize)> = None;
    let mut in_html_block = false;
    let mut depth = 0usize;
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        traps.event(&event, &range, body, body_offset);
        match &event {
            Event::Start(Tag::Heading { level, .. }) => {
                doc.headings.push((*level as u8, body_offset + range.start));
            }
            Event::Start(Tag::Link { dest_url, .. }) => doc.links.push(Dest {
                url: dest_url.to_string(),
                offset: dest_at(dest_url, &range),
            }),
            Event::Start(Tag::Image { dest_url, .. }) => {
                image = Some(Image {
                    dest: Dest {
                        url: dest_url.to_string(),
                        offset: dest_at(dest_url, &range),
                    },
                    alt: String::new(),
                });
            }
            Event::End(TagEnd::Image) => doc.images.extend(image.take()),
            Event::Start(Tag::HtmlBlock) => {
                in_html_block = true;
                scan_html(
                    &mut doc.tags,
                    &body[range.clone()],
                    body_offset + range.start,
                );
            }
            Event::End(TagEnd::HtmlBlock) => in_html_block = false,
            Event::InlineHtml(h) if !in_html_block => {
                scan_html(&mut doc.tags, h, body_offset + range.start);
            }
            Event::Start(Tag::Paragraph) if depth == 0 => {
                if let Some((start, _)) = paragraph {
                    doc.prose.truncate(start);
                }
                paragraph = Some((doc.prose.len(), body_offset + range.start));
            }
            Event::End(TagEnd::Paragraph) if depth == 1 => {
                if let Some((start, offset)) = paragraph.take() {
                    doc.paragraphs.push((start..doc.prose.len(), offset));
                    doc.prose.push('\n');
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(img) = image.as_mut() {
                    img.alt.push_str(t);
                } else if paragraph.is_some() {
                    doc.prose.push_str(t);
                }
            }
            Event::SoftBreak | Event::HardBreak if paragraph.is_some() => doc.prose.push(' '),
            _ => {}
        }
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if let Some((start, _)) = paragraph {
        doc.prose.truncate(start);
    }
    doc.traps = traps.finish();
    doc
}

fn scan_html(tags: &mut Vec<StartTag>, html: &str, base: usize) {
    tags.extend(html::start_tags(html).into_iter().map(|mut t| {
        t.offset += base;
        t
    }));
}

/// The readability of one page, parsed on its own (for `praxis review
/// --readability`, which renders nothing).
pub fn page_readability(site: &Site, page: &crate::content::Page) -> readability::ArticleScore {
    let doc = parse(
        &page.file,
        &page.text,
        page.body_offset,
        &page.url,
        &page.output,
        &page.lang,
        Some(page.audience),
    );
    readability::assess(&doc, page.audience, &site.config.check).0
}

/// `http://`, `https://` or `//`: a URL on another server (unless it is the site's own).
pub fn is_remote(url: &str, site: &Site) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    let remote =
        lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("//");
    remote && !same_origin(&lower, &site.config.base_url.to_ascii_lowercase())
}

fn origin_of(url: &str) -> &str {
    let rest = url.split_once("//").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

fn same_origin(url: &str, base: &str) -> bool {
    origin_of(url) == origin_of(base)
}

/// What the checks found besides diagnostics.
#[derive(Debug, Default)]
pub struct Findings {
    /// The readability of every page, sorted by file.
    pub readability: Vec<readability::ArticleScore>,
    /// Links to other sites, for `praxis check --external`.
    pub external_links: Vec<external::LinkUse>,
}

/// What the checks of one page found on their own (all but its links, which
/// depend on the other pages), with what the site-wide checks need of it.
/// Kept by the rebuild memo of `praxis serve`, by the page's text.
#[derive(Debug, Default)]
pub struct PageFindings {
    diagnostics: Vec<Diagnostic>,
    score: Option<readability::ArticleScore>,
    external: Vec<external::LinkUse>,
    links: Vec<Dest>,
    images: Vec<Image>,
    tags: Vec<StartTag>,
    /// URLs the content itself loads (images, raw HTML).
    loaded: Vec<String>,
}

fn page_findings(
    doc: Doc<'_>,
    site: &Site,
    own: &confidentiality::Own,
    src: &Source<'_>,
) -> PageFindings {
    let mut v = confidentiality::check_file(own, src.file, src.text, src.body_offset, src.allow);
    let mut ext = Vec::new();
    external::collect(&doc, site, &mut ext);
    alt_text::check(&doc, &mut v);
    origin::check(&doc, site, &mut v);
    unsafe_html::check(&doc, &mut v);
    let score = readability::check(&doc, &site.config.check, &mut v);
    meaning_traps::check(&doc, &mut v);
    headings::check(&doc, &mut v);
    let loaded = doc
        .images
        .iter()
        .map(|i| i.dest.url.clone())
        .chain(
            doc.tags
                .iter()
                .flat_map(|t| origin::loaded_urls(t).into_iter().map(str::to_owned)),
        )
        .collect();
    PageFindings {
        diagnostics: v,
        score,
        external: ext,
        links: doc.links,
        images: doc.images,
        tags: doc.tags,
        loaded,
    }
}

/// Runs every check; problems go into `ds`.
pub fn run(site: &Site, md: &MarkdownOutput, output: &Output, ds: &mut Diagnostics) -> Findings {
    run_with(site, md, output, ds, None)
}

/// [`run`], taking from `memo` the findings of pages whose text is unchanged.
pub fn run_with(
    site: &Site,
    md: &MarkdownOutput,
    output: &Output,
    ds: &mut Diagnostics,
    memo: Option<&crate::incremental::Memo>,
) -> Findings {
    run_all(site, md, output, ds, memo, None)
}

/// The checks of every page and section that read its source (all but
/// the site-wide ones), run before the site is built: a build then needs of
/// each page's text only what the later reports locate in (see
/// [`SourceChecks::located_offsets`]), and can drop the rest early.
#[derive(Debug, Default)]
pub struct SourceChecks {
    /// One per file, pages first, as `sources` lists them.
    found: Vec<std::sync::Arc<PageFindings>>,
}

impl SourceChecks {
    /// Checks the sources of `site`, in parallel.
    pub fn new(site: &Site) -> SourceChecks {
        let own = confidentiality::Own::from_config(&site.config);
        let found = sources(site)
            .par_iter()
            .map(|src| src.findings(site, &own))
            .collect();
        SourceChecks { found }
    }

    /// The offsets in the file of page `page` (its index in the site) at
    /// which [`run_after`] may locate a report: where its links, images and
    /// link tags are.
    pub fn located_offsets(&self, page: usize) -> impl Iterator<Item = usize> + '_ {
        self.found
            .get(page)
            .into_iter()
            .flat_map(|f| links::checked_offsets((&f.links, &f.images, &f.tags)))
    }
}

/// [`run`] with the checks of the sources done before: `site`'s texts need
/// only hold what [`SourceChecks::located_offsets`] names, besides the front
/// matter.
pub fn run_after(
    site: &Site,
    md: &MarkdownOutput,
    output: &Output,
    ds: &mut Diagnostics,
    found: SourceChecks,
) -> Findings {
    run_all(site, md, output, ds, None, Some(found))
}

fn run_all(
    site: &Site,
    md: &MarkdownOutput,
    output: &Output,
    ds: &mut Diagnostics,
    memo: Option<&crate::incremental::Memo>,
    done: Option<SourceChecks>,
) -> Findings {
    // The index of output paths is made only when some page has a link,
    // image or tag to check against it.
    let index_once = std::sync::OnceLock::new();
    let index = || index_once.get_or_init(|| links::OutputIndex::new(site, output));
    let own = confidentiality::Own::from_config(&site.config);
    // Hashed once; each page's key starts from the hash (copying a hasher's
    // state for each of 10,000 pages cost more than the page's own fields).
    let shared_key = memo.map(|_| {
        crate::incremental::KeyHasher::new()
            .debug(&site.config)
            .finish()
    });
    let sources = sources(site);
    // Within one assembly of the site (front matters and file list as they
    // were), a page whose text is unchanged has the findings it had: taken
    // from the last build's list by position, without making its key.
    let assembly = site.text_keys.assembly;
    let prev = match (memo, shared_key) {
        (Some(m), Some(shared)) => m
            .check_stage
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
            .filter(|s| s.matches(assembly, shared, sources.len())),
        _ => None,
    };
    let done = done.map(|d| d.found).unwrap_or_default();
    let mut per_page: Vec<(std::sync::Arc<PageFindings>, Vec<Diagnostic>, Option<u64>)> = sources
        .par_iter()
        .enumerate()
        .map(|(i, src)| {
            let kept = match (&prev, memo, src.text_key) {
                (Some(prev), Some(m), Some(text_key)) => prev.get(i, text_key).map(|k| {
                    m.checks.keep([k.key]);
                    (k.findings.clone(), Some(k.key))
                }),
                _ => None,
            };
            let kept = kept.or_else(|| done.get(i).map(|f| (f.clone(), None)));
            let (found, key) = match kept {
                Some((found, key)) => (found, key),
                None => {
                    let key = shared_key.map(|shared| page_key(shared, src));
                    let found = match (memo, key) {
                        (Some(m), Some(k)) => m.checks.get_or(k, || src.findings(site, &own)),
                        _ => src.findings(site, &own),
                    };
                    (found, key)
                }
            };
            // Links are checked against this build's pages every time.
            let mut v = Vec::new();
            if !(found.links.is_empty() && found.images.is_empty() && found.tags.is_empty()) {
                let found_links = (&found.links[..], &found.images[..], &found.tags[..]);
                links::check_found(&src.empty_doc(), found_links, index(), &mut v);
            }
            (found, v, key)
        })
        .collect();
    drop(prev);
    // The findings are moved out of `per_page` below when no one else holds them.
    drop(done);
    if let (Some(m), Some(shared)) = (memo, shared_key)
        && assembly != 0
    {
        let pages = sources
            .iter()
            .zip(&per_page)
            .map(|(src, (found, _, key))| {
                Some(reuse::Kept {
                    text_key: src.text_key?,
                    key: (*key)?,
                    findings: found.clone(),
                })
            })
            .collect();
        *m.check_stage
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) =
            Some(reuse::Stage::new(assembly, shared, pages));
    }
    let mut f = Findings::default();
    for (found, links, _) in &mut per_page {
        // Moved when not shared with the memo: not held twice.
        match std::sync::Arc::get_mut(found) {
            Some(own) => ds.extend(std::mem::take(&mut own.diagnostics)),
            None => ds.extend(found.diagnostics.iter().cloned()),
        }
        ds.extend(std::mem::take(links));
        f.readability.extend(found.score.clone());
        f.external_links.extend(found.external.iter().cloned());
    }
    f.readability.sort_by(|a, b| a.file.cmp(&b.file));
    description::check(site, ds);
    headings::check_titles_with(site, ds, memo);
    let loaded: HashSet<&str> = per_page
        .iter()
        .flat_map(|(found, _, _)| found.loaded.iter().map(String::as_str))
        .collect();
    origin::check_output(site, output, &loaded, ds, memo);
    unused_refs::check(site, md, ds);
    f
}

/// The memo key of a page's own findings: everything they read.
fn page_key(shared: u64, src: &Source<'_>) -> u64 {
    let mut h = crate::incremental::KeyHasher::new();
    h.num(shared);
    match src.text_key {
        Some(k) => h.num(k),
        None => h.str(src.text),
    };
    h.bytes(src.file.as_os_str().as_encoded_bytes())
        .num(src.body_offset as u64)
        .str(src.url)
        .bytes(src.output.as_os_str().as_encoded_bytes())
        .str(src.lang)
        .str(src.audience.as_ref().map_or("", Audience::as_str))
        .num(src.allow.len() as u64);
    for a in src.allow {
        h.str(a);
    }
    h.finish()
}

/// One page or section file to check.
struct Source<'a> {
    file: &'a Path,
    text: &'a str,
    /// The hash of `text` ([`Site::text_keys`]).
    text_key: Option<u64>,
    body_offset: usize,
    url: &'a str,
    output: &'a Path,
    lang: &'a str,
    audience: Option<Audience>,
    /// The front matter's `allow`.
    allow: &'a [String],
}

impl<'a> Source<'a> {
    /// The page's own findings: its Markdown parsed and every source check run.
    fn findings(&self, site: &Site, own: &confidentiality::Own) -> std::sync::Arc<PageFindings> {
        std::sync::Arc::new(page_findings(self.parse(), site, own, self))
    }

    fn parse(&self) -> Doc<'a> {
        parse(
            self.file,
            self.text,
            self.body_offset,
            self.url,
            self.output,
            self.lang,
            self.audience,
        )
    }

    fn empty_doc(&self) -> Doc<'a> {
        Doc {
            file: self.file,
            text: self.text,
            url: self.url,
            output: self.output,
            lang: self.lang,
            audience: self.audience,
            links: Vec::new(),
            images: Vec::new(),
            tags: Vec::new(),
            prose: String::new(),
            paragraphs: Vec::new(),
            headings: Vec::new(),
            traps: Vec::new(),
        }
    }
}

fn sources(site: &Site) -> Vec<Source<'_>> {
    let pages = site.pages.iter().map(|p| Source {
        file: &p.file,
        text: &p.text,
        text_key: site.text_keys.pages.get(p.id.0 as usize).copied(),
        body_offset: p.body_offset,
        url: &p.url,
        output: &p.output,
        lang: &p.lang,
        audience: Some(p.audience),
        allow: &p.fm.allow,
    });
    let sections = site.sections.iter().filter_map(|s| {
        Some(Source {
            file: s.file.as_ref()?,
            text: &s.text,
            text_key: site.text_keys.sections.get(s.id.0 as usize).copied(),
            body_offset: s.body_offset,
            url: &s.url,
            output: &s.output,
            lang: &s.lang,
            audience: None,
            allow: &s.fm.allow,
        })
    });
    pages.chain(sections).collect()
}

/// A document parsed from `text` as the page `/a/`, for the checks' tests.
#[cfg(test)]
pub(crate) fn test_doc(text: &str) -> Doc<'_> {
    parse(
        Path::new("a.md"),
        text,
        0,
        "/a/",
        Path::new("a/index.html"),
        "en",
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Doc<'_> {
        parse(
            Path::new("content/a.md"),
            text,
            0,
            "/a/",
            Path::new("a/index.html"),
            "en",
            None,
        )
    }

    #[test]
    fn parse_finds_links_images_tags_and_paragraphs() {
        let d = doc(
            "Para [x](../b/) and ![Alt *text*](p.png).\n\n<div onclick=\"x()\">\n<img src=\"q.png\">\n</div>\n\n# Head\n\nTwo\nlines <span>in</span> it.\n",
        );
        assert_eq!(d.links.len(), 1);
        assert_eq!(d.links[0].url, "../b/");
        assert_eq!(d.links[0].offset, 9);
        assert_eq!(d.images[0].alt, "Alt text");
        assert_eq!(d.images[0].dest.url, "p.png");
        let names: Vec<_> = d.tags.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["div", "img", "span"]);
        assert_eq!(&d.text[d.tags[1].offset..d.tags[1].offset + 4], "<img");
        let paras: Vec<_> = d
            .paragraphs
            .iter()
            .map(|(p, _)| &d.prose[p.clone()])
            .collect();
        assert_eq!(paras, ["Para x and .", "Two lines in it."]);
        assert_eq!(d.prose, "Para x and .\nTwo lines in it.\n");
    }

    #[test]
    fn long_lines_keep_every_construct_and_offset() {
        // Special characters far into long lines (the parser scans for
        // them in 16-byte chunks) and every construct the checks read.
        let pad = "Plain words without any markup at all, long enough to span chunks ";
        let text = format!(
            "{pad}[link](../b/) {pad}![alt {pad}](p.png) {pad}<span>x</span>.\n\n\
             >7.0 {pad}\n\n\
             {pad}~10 mg~ {pad}\n\n\
             - + 2 {pad}\n\n\
             | a | b |\n|---|---|\n| 1 | 2 | 3 |\n\n\
             ## {pad}\n"
        );
        let d = doc(&text);
        assert_eq!(d.links[0].url, "../b/");
        assert_eq!(&text[d.links[0].offset..d.links[0].offset + 5], "../b/");
        assert_eq!(d.images[0].alt, format!("alt {pad}"));
        assert_eq!(&text[d.images[0].dest.offset..][..5], "p.png");
        assert_eq!(d.tags.len(), 1);
        assert_eq!(&text[d.tags[0].offset..][..5], "<span");
        assert_eq!(d.headings.len(), 1);
        assert_eq!(&text[d.headings[0].1..][..3], "## ");
        let kinds: Vec<_> = d.traps.iter().map(|t| format!("{:?}", t.kind)).collect();
        assert_eq!(
            kinds,
            ["Quote", "Tilde", "Sign", "Table { cells: 3, header: 2 }"]
        );
        let first_para = &d.prose[d.paragraphs[0].0.clone()];
        assert!(first_para.starts_with(pad) && first_para.ends_with("x."));
    }

    #[test]
    fn remote_means_another_origin() {
        assert_eq!(origin_of("https://a.example/x"), "a.example");
        assert!(same_origin("https://a.example/x", "https://a.example/"));
        assert!(!same_origin("https://cdn.example/x", "https://a.example/"));
    }
}
