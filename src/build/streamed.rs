//! `praxis build`'s page pass with each page's Markdown rendered in it.
//!
//! Rendering every page's Markdown first and the templates after held the
//! Markdown HTML, reference lists and cited works of the whole site at once
//! (on 10,000 pages about 170 MB, most of the build's peak memory). Here a
//! page's Markdown is rendered in the same job as its template, and of it
//! only small facts are kept once the page is written: what listings, the
//! search index, share cards and the checks read (summary, word count,
//! excerpt, the first paragraph, heading ids, anchor links, cited keys),
//! and the whole HTML of the pages the feeds show.
//!
//! What the templates need before any page renders is found first: the
//! sections' Markdown is rendered as before, and whether any code will be
//! highlighted (the templates' `highlight_css`) is guessed from the pages'
//! code fences. When the guess turns out wrong (a fence that is not a code
//! block, a line too long to highlight), or the templates do not compile,
//! the build runs the usual way instead, so the output is the same either
//! way. Listings, feeds and the rest render after the pages, from what was
//! kept.
//!
//! The checks that read a page's Markdown source run right after the page
//! pass, and of each page's text only what later reports locate in is kept
//! (mostly the front matter): the sources of 10,000 pages, about 75 MB,
//! were otherwise held through the listings, feeds and search indexes, the
//! build's peak of memory, only for the checks at its end.

use std::sync::Arc;

use super::*;

/// How many pages of a job have their Markdown rendered before their
/// templates (their HTML is held meanwhile: about 1 MB).
const PAGES_AT_ONCE: usize = 32;

/// The site rendered and written by [`build`].
pub(super) struct Streamed<'m> {
    pub md: render::MarkdownOutput,
    /// The checks of the sources, run before the texts were cut.
    pub checks: crate::check::SourceChecks,
    pub renderer: Renderer<'m>,
    pub output: Output,
}

/// Renders the site's Markdown and templates, each page's in one job, into
/// the sink's folder. `Ok(None)` when the build must run the usual way (see the
/// module doc); `ds` is then as it was. Stops with the same diagnostics as
/// the usual way when the Markdown has errors.
pub(super) fn build<'m>(
    site: &mut Site,
    theme: &ThemeFiles,
    ds: &mut Diagnostics,
    cite_cache: Option<&Path>,
    sink: &Sink<'_>,
) -> Result<Option<Streamed<'m>>, BuildError> {
    let before = ds.clone();
    let pass = render::MarkdownPass::new(site, ds, None, cite_cache);
    let sections = pass.render_sections();
    let guess = sections.iter().any(|r| r.has_highlighted_code)
        || (site.config.markdown.highlight_code
            && site
                .pages
                .par_iter()
                .any(|p| may_highlight(p.text.get(p.body_offset..).unwrap_or(&p.text))));
    let Ok(renderer) = Renderer::with_memo(site, theme, guess, None) else {
        *ds = before;
        return Ok(None);
    };
    let taxonomy = Taxonomy::build_with(site, None);
    let whole_html = feed_pages(site, &taxonomy);
    let content = page_content(site, &[], &sections, &taxonomy, &renderer);
    // A few pages' Markdown, then their templates: each stage's working
    // set (syntax definitions, templates) stays in the CPU's caches.
    let done: Vec<(Rendered, Arc<render::RenderedFile>)> = site
        .pages
        .par_chunks(PAGES_AT_ONCE)
        .flat_map_iter(|chunk| {
            let mds: Vec<_> = chunk.iter().map(|p| pass.render_page(p.id)).collect();
            chunk.iter().zip(mds)
        })
        .map(|(p, md)| {
            let html = render::guard::guarded(&p.file, "rendering the template of", || {
                renderer.render_page_with(site, &content, p.id, Some(&md))
            })
            .and_then(|r| r)
            .map(|html| (p.output.clone(), html));
            let html = to_sink(sink, site, html)?;
            let whole = whole_html.get(p.id.0 as usize).copied().unwrap_or(false);
            Ok((html, kept_facts(md, whole)))
        })
        .collect::<Result<_, WriteError>>()?;
    drop(content);
    let (pages, kept): (Vec<Rendered>, Vec<_>) = done.into_iter().unzip();
    let mut md = pass.finish(kept, sections, ds);
    if ds.has_errors() {
        return Err(fail(std::mem::take(ds)));
    }
    if md.has_highlighted_code != guess {
        *ds = before;
        return Ok(None);
    }
    drop(before);
    let checks = crate::check::SourceChecks::new(site);
    cut_texts(site, &checks);
    let site: &Site = site;

    // The listings, one language after another (a listing shows pages of
    // its own language), the long ones first, with the feeds, search
    // indexes and sitemap made meanwhile. A page's listing value is made
    // once for all the listings of its language that show it, and forgotten
    // when they are done: kept for all pages at once, they added about 30 MB
    // on 10,000 pages.
    let content = page_content(site, &md.pages, &md.sections, &taxonomy, &renderer);
    let mut jobs: Vec<(usize, Job<'_>)> = render_jobs(site, &taxonomy)
        .into_iter()
        .enumerate()
        .filter(|(_, j)| !matches!(j, Job::Page(_)))
        .collect();
    let rank = |j: &Job<'_>| {
        let lang = job_lang(j);
        site.config.languages.iter().position(|l| l == lang)
    };
    jobs.sort_by_key(|(_, j)| (rank(j), std::cmp::Reverse(j.weight())));
    // A listing goes to the sink as soon as it is rendered when no other
    // listing renders to its path (else the last in `render_jobs` order
    // goes, after the pass, as in `emit`).
    let mut claims: HashMap<PathBuf, usize> = HashMap::new();
    for (_, j) in &jobs {
        for path in listing_outputs(site, j) {
            *claims.entry(path).or_default() += 1;
        }
    }
    let (listings, (files, css)) = rayon::join(
        || -> Result<Vec<Vec<Rendered>>, WriteError> {
            let mut done = Vec::with_capacity(jobs.len());
            for group in jobs.chunk_by(|(_, a), (_, b)| rank(a) == rank(b)) {
                let rendered: Vec<Vec<Rendered>> = group
                    .par_iter()
                    .map(|(_, j)| {
                        j.render(site, &renderer, &content, &[])
                            .into_iter()
                            .map(|r| match &r {
                                Ok((path, _)) if claims.get(path) == Some(&1) => {
                                    to_sink(sink, site, r)
                                }
                                _ => Ok(r),
                            })
                            .collect()
                    })
                    .collect::<Result<_, WriteError>>()?;
                content.forget_listings();
                done.extend(rendered);
            }
            Ok(done)
        },
        || {
            let css = md.has_highlighted_code.then(|| {
                crate::markdown::highlight::stylesheet(&site.config.markdown.highlight_theme)
            });
            let files = site_files(site, &taxonomy, &md, &content, None);
            (files_to_sink(sink, site, files, &claims), css)
        },
    );
    // The listings go into the output in the order of `render_jobs`.
    let mut listings: Vec<(usize, Vec<Rendered>)> =
        jobs.iter().map(|(i, _)| *i).zip(listings?).collect();
    listings.sort_unstable_by_key(|(i, _)| *i);
    let rendered = PassResults {
        pages,
        listings: listings.into_iter().flat_map(|(_, r)| r).collect(),
        files: files?,
        css,
    };
    let output = emit_rest(site, theme, &renderer, &content, rendered, ds, None, sink)?;
    drop(content);
    for r in md.pages.iter_mut() {
        if let Some(r) = Arc::get_mut(r) {
            r.html = crate::cards::description_source(&r.html).to_owned();
        }
    }
    Ok(Some(Streamed {
        md,
        checks,
        renderer,
        output,
    }))
}

/// Cuts each page's text after the last line that a report made after the
/// page pass locates in: the front matter and the body's first line
/// (descriptions, titles, review dates and the other front-matter
/// warnings), the first `card` of a page with a card image and the first
/// occurrence of each alias (their errors point there), and where the links
/// checked against the built site are.
fn cut_texts(site: &mut Site, checks: &crate::check::SourceChecks) {
    site.pages.par_iter_mut().for_each(|p| {
        let card = match &p.fm.card {
            Some(crate::content::front_matter::CardSetting::Image(_)) => Some("card"),
            _ => None,
        };
        let found = card
            .into_iter()
            .chain(p.fm.aliases.iter().map(String::as_str));
        let located = checks.located_offsets(p.id.0 as usize);
        let keep = kept_len(&p.text, p.body_offset, found, located);
        if keep < p.text.len() {
            p.text.truncate(keep);
            p.text.shrink_to_fit();
        }
    });
}

/// How much of `text` holds the whole lines of its start, of `body_offset`,
/// of the first occurrence of each of `found` and of each of `located`
/// (offsets), so that each is found and located in it as in `text`.
fn kept_len<'a>(
    text: &str,
    body_offset: usize,
    found: impl Iterator<Item = &'a str>,
    located: impl Iterator<Item = usize>,
) -> usize {
    let line_end = |at: usize| {
        text.get(at..)
            .and_then(|rest| rest.find('\n'))
            .map_or(text.len(), |i| at + i + 1)
    };
    let found = found.filter_map(|what| text.find(what).map(|at| at + what.len()));
    [0, body_offset]
        .into_iter()
        .chain(found)
        .chain(located)
        .map(line_end)
        .max()
        .unwrap_or(text.len())
}

/// Writes the feeds, sitemap and search indexes to the sink as soon as they
/// are made (so they are not held through the cards and the checks), each
/// whose path no listing and no other of them takes; the others stay in the
/// output, to be written after everything rendered before them.
fn files_to_sink(
    sink: &Sink<'_>,
    site: &Site,
    files: Vec<(PathBuf, Content)>,
    claims: &HashMap<PathBuf, usize>,
) -> Result<Vec<(PathBuf, Content)>, WriteError> {
    let mut count: HashMap<&Path, usize> = HashMap::new();
    for (path, _) in &files {
        *count.entry(path).or_default() += 1;
    }
    let alone: Vec<bool> = files
        .iter()
        .map(|(path, _)| count.get(path.as_path()) == Some(&1) && !claims.contains_key(path))
        .collect();
    files
        .into_par_iter()
        .zip(alone)
        .map(|((path, c), alone)| {
            let c = if alone { sink.keep(site, &path, c)? } else { c };
            Ok((path, c))
        })
        .collect()
}

/// The template values of pages (`pages`: their rendered Markdown, or none
/// while the pages render, each given its own).
fn page_content<'a>(
    site: &Site,
    pages: &'a [Arc<render::RenderedFile>],
    sections: &'a [Arc<render::RenderedFile>],
    taxonomy: &'a Taxonomy,
    renderer: &Renderer<'_>,
) -> RenderedContent<'a> {
    RenderedContent {
        page_keys: Vec::new(),
        listing_keys: site.pages.iter().map(|_| Default::default()).collect(),
        listing_values: None,
        listing_once: site.pages.iter().map(|_| Default::default()).collect(),
        pages,
        sections,
        taxonomy,
        jsonld: Default::default(),
        summary_word_count: renderer.summary_word_count(),
        author_values: Default::default(),
    }
}

/// The language of the pages listing `job` shows.
fn job_lang<'j>(job: &Job<'j>) -> &'j str {
    match job {
        Job::Page(p) => &p.lang,
        Job::Section(s) => &s.lang,
        Job::Tag(t) => &t.lang,
        Job::Author(a) => &a.lang,
    }
}

/// The files listing `job` renders to.
fn listing_outputs(site: &Site, job: &Job<'_>) -> Vec<PathBuf> {
    let root = &site.config.root_path;
    match job {
        Job::Page(_) => Vec::new(),
        Job::Section(s) => render::section_pagers(site, s.id)
            .into_iter()
            .map(|p| p.output)
            .collect(),
        Job::Tag(t) => vec![crate::content::output_for(&t.url, root)],
        Job::Author(a) => vec![crate::content::output_for(&a.url, root)],
    }
}

/// Per page, whether a feed shows its whole HTML.
fn feed_pages(site: &Site, taxonomy: &Taxonomy) -> Vec<bool> {
    let mut whole = vec![false; site.pages.len()];
    if site.config.feeds.content != crate::config::FeedContent::Full {
        return whole;
    }
    let langs = lang_pages(site);
    for (_, spec) in feed_specs(site, taxonomy, &langs) {
        for id in spec.pages.iter().take(site.config.feeds.limit) {
            if let Some(w) = whole.get_mut(id.0 as usize) {
                *w = true;
            }
        }
    }
    whole
}

/// What later stages read of a page's rendered Markdown once the page is
/// written (with `whole_html`, all of its HTML, for a feed).
fn kept_facts(md: Arc<render::RenderedFile>, whole_html: bool) -> Arc<render::RenderedFile> {
    let mut r = Arc::try_unwrap(md).unwrap_or_else(|shared| (*shared).clone());
    // Grown by doubling while rendering, and kept for every page until the
    // checks: only what they hold.
    r.heading_ids.shrink_to_fit();
    r.anchor_refs.shrink_to_fit();
    r.diagnostics.shrink_to_fit();
    r.cited_keys.shrink_to_fit();
    let html = if whole_html {
        r.html
    } else {
        crate::cards::description_source(&r.html).to_owned()
    };
    Arc::new(render::RenderedFile {
        html,
        summary: r.summary,
        toc: Vec::new(),
        heading_ids: r.heading_ids,
        word_count: r.word_count,
        excerpt: r.excerpt,
        anchor_refs: r.anchor_refs,
        diagnostics: r.diagnostics,
        has_highlighted_code: r.has_highlighted_code,
        references: None,
        cited: Vec::new(),
        cited_keys: r.cited_keys,
        fingerprint: r.fingerprint,
    })
}

/// Whether the Markdown `text` may hold a code block that is highlighted: a
/// fence (```` ``` ```` or `~~~`) whose info string starts with a language
/// the highlighter knows, or has escapes (which the Markdown parser
/// resolves first). A guess: a fence inside other code, or a line too long
/// to highlight, makes it wrong, and [`build`] checks it.
fn may_highlight(text: &str) -> bool {
    ["```", "~~~"].iter().any(|fence| {
        memchr::memmem::find_iter(text.as_bytes(), fence.as_bytes()).any(|at| {
            let after = &text[at..];
            let mark = fence.as_bytes()[0] as char;
            let line = after.trim_start_matches(mark);
            let line = line.split('\n').next().unwrap_or("").trim_start();
            if line.contains(['\\', '&']) {
                return true;
            }
            let lang = line.split([' ', ',', '{']).next().unwrap_or("").trim();
            !lang.is_empty() && crate::markdown::highlight::knows(lang)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::{kept_len, may_highlight};
    use crate::diagnostics::Diagnostic;

    /// Where `at_offset` puts a report at `offset` of `text`.
    fn located(text: &str, offset: usize) -> Diagnostic {
        Diagnostic::warning("x", "y").at_offset(text, offset)
    }

    #[test]
    fn a_cut_text_locates_and_finds_as_the_whole_text() {
        let text = "+++\ntitle = \"T\"\n+++\nFirst line.\n\nSome [link](../a/) here.\n\nAn alias /old/ in the body.\n\nMore text.\nLast line without end";
        let body = text.find("First").expect("body");
        let link = text.find("../a/").expect("link");
        let cases: [(&[&str], &[usize]); 4] = [
            (&[], &[]),
            (&[], &[link]),
            (&["/old/"], &[]),
            (&["/old/", "absent"], &[link, text.len() - 3]),
        ];
        for (found, offsets) in cases {
            let keep = kept_len(text, body, found.iter().copied(), offsets.iter().copied());
            let cut = &text[..keep];
            assert!(keep >= body && cut.ends_with('\n') || keep == text.len());
            for &at in [0, 4, body].iter().chain(offsets) {
                assert_eq!(located(cut, at), located(text, at), "{at} in {cut:?}");
            }
            for what in found {
                assert_eq!(cut.find(what), text.find(what), "{what}");
            }
        }
        assert_eq!(
            kept_len(text, body, [].into_iter(), [].into_iter()),
            body + 12
        );
        let whole = kept_len(text, body, [].into_iter(), [text.len() - 3].into_iter());
        assert_eq!(whole, text.len(), "the last line, unended");
        let none = "No front matter\nat all\n";
        assert_eq!(kept_len(none, 0, [].into_iter(), [].into_iter()), 16);
        assert_eq!(kept_len("", 0, [].into_iter(), [].into_iter()), 0);
    }

    #[test]
    fn fences_with_a_known_language_may_highlight() {
        assert!(may_highlight("Text\n\n```rust\nfn main() {}\n```\n"));
        assert!(may_highlight("> ~~~ python {.x}\n> print(1)\n> ~~~\n"));
        assert!(may_highlight("```r&#117;st\nx\n```\n"), "escapes: maybe");
        assert!(may_highlight("```rust\r\nfn main() {}\r\n```\r\n"));
    }

    #[test]
    fn text_without_such_fences_does_not() {
        assert!(!may_highlight("No code here.\n"));
        assert!(!may_highlight("```\nplain\n```\n"), "no language");
        assert!(!may_highlight("```klingon-script\nx\n```\n"));
        assert!(!may_highlight("    indented code\n"));
    }
}
