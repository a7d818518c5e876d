//! Markdown to HTML, as small typed passes over pulldown-cmark's event stream.
//!
//! One parse per file. Each event keeps its byte range, so every problem found
//! here (a broken `@/` link, say) is reported at its line and column in the
//! file. The passes:
//! - headings get unique ids, an anchor link, and feed the table of contents
//!   ([`headings`]);
//! - `@/path.md` links are resolved to the target's URL (the caller decides
//!   what a path means; anchors are checked after every page is rendered);
//! - fenced code is highlighted with CSS classes ([`highlight`]);
//! - HTML comments are dropped (reviewers leave notes in them), and
//!   `<!-- more -->` marks the end of the summary.
//!
//! Nothing is substituted into the HTML afterwards: what a pass produces is
//! final.

pub mod headings;
pub mod highlight;

use std::path::Path;

use std::cell::RefCell;

use pulldown_cmark::{BrokenLink, CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};

use crate::citations::{CiteGroup, Citer, syntax};

use crate::content::slug::{UniqueIds, heading_id};
use crate::diagnostics::Diagnostic;
pub use headings::TocEntry;

/// Settings that apply to every page.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub smart_punctuation: bool,
    pub highlight_code: bool,
}

/// What an `@/` link resolves to: the URL, and a key for the later anchor check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved<K> {
    pub url: String,
    pub target: K,
}

/// A link to `#anchor` in another page, to be checked once all pages are rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnchorRef<K> {
    pub target: K,
    pub anchor: String,
    /// Byte offset of the link in the file.
    pub offset: usize,
}

/// The result of rendering one file.
#[derive(Debug, Clone)]
pub struct Rendered<K> {
    pub html: String,
    /// HTML of the text before `<!-- more -->`, else of the first paragraph.
    pub summary: Option<String>,
    pub toc: Vec<TocEntry>,
    pub heading_ids: Vec<String>,
    pub word_count: usize,
    /// The start of the text, plain, about [`EXCERPT_CHARS`] characters, for search.
    pub excerpt: String,
    pub anchor_refs: Vec<AnchorRef<K>>,
    pub diagnostics: Vec<Diagnostic>,
    pub has_highlighted_code: bool,
    /// The reference list (`<ol>`), when the page cites anything.
    pub references: Option<String>,
    /// Plain text of each cited work, in reference-list order.
    pub cited: Vec<String>,
    /// The bibliography key of each work in `cited`.
    pub cited_keys: Vec<String>,
    /// Identifies this rendering among the builds of one `praxis serve`
    /// (0 when not building incrementally); see `incremental::Derived`.
    pub fingerprint: u64,
}

/// Maps an `@/` path to its URL, or to an error message and a hint.
pub type Resolver<'a, K> = dyn Fn(&str) -> Result<Resolved<K>, (String, String)> + Sync + 'a;

/// One Markdown file to render.
pub struct Input<'a> {
    /// The whole file, front matter included (for line numbers).
    pub text: &'a str,
    pub body_offset: usize,
    /// The file, relative to the site root, for diagnostics.
    pub file: &'a Path,
}

const MORE: &str = "more";

/// How much plain text goes into [`Rendered::excerpt`].
pub const EXCERPT_CHARS: usize = 300;

fn options(settings: Settings) -> Options {
    let mut o = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SUBSCRIPT
        | Options::ENABLE_SUPERSCRIPT;
    if settings.smart_punctuation {
        o |= Options::ENABLE_SMART_PUNCTUATION;
    }
    o
}

/// `<!-- … -->` and nothing else; returns the comment's text.
fn comment_text(html: &str) -> Option<&str> {
    let t = html.trim();
    let inner = t.strip_prefix("<!--")?.strip_suffix("-->")?;
    (!inner.contains("-->")).then_some(inner.trim())
}

/// Removes `<!-- … -->` comments inside raw HTML (an unclosed one runs to the end).
fn strip_comments(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        rest = match rest[start + 4..].find("-->") {
            Some(end) => &rest[start + 4 + end + 3..],
            None => "",
        };
    }
    out.push_str(rest);
    out
}

/// A heading being collected until its end tag.
struct OpenHeading<'a> {
    level: u8,
    id: Option<String>,
    classes: Vec<String>,
    text: String,
    events: Vec<Event<'a>>,
}

/// The marker a citation leaves in the event list until the page's citations
/// are formatted together (numbering depends on all of them).
const CITE_MARK: &str = "\u{0}praxis-cite:";

/// Renders one file. `resolve` maps an `@/` path (without `@/` and anchor) to a
/// URL, or gives the error message and hint. `citer` formats citations; without
/// one, citation syntax stays text.
pub fn render<K: Clone>(
    input: &Input<'_>,
    settings: Settings,
    resolve: &Resolver<'_, K>,
    citer: Option<&Citer<'_>>,
) -> Rendered<K> {
    let body = &input.text[input.body_offset..];
    let groups: RefCell<Vec<CiteGroup>> = RefCell::new(Vec::new());
    let callback = |link: BrokenLink<'_>| {
        citer?;
        let span = link.span.clone();
        let inner = body.get(span.start + 1..span.end.saturating_sub(1))?;
        let items = syntax::parse_bracketed(inner, span.start + 1)?;
        let mut g = groups.borrow_mut();
        g.push(CiteGroup {
            items,
            in_text: false,
        });
        Some((
            CowStr::from(format!("{CITE_MARK}{}", g.len() - 1)),
            CowStr::from(""),
        ))
    };
    let mut in_cite_link = false;
    let mut prev_char: Option<char> = None;
    // Sized for the usual number of events per byte of Markdown: grown from
    // empty, the list was copied a dozen times a page.
    let mut events: Vec<Event<'_>> = Vec::with_capacity(body.len() / 16);
    let mut diagnostics = Vec::new();
    let mut anchor_refs = Vec::new();
    let mut toc_flat = Vec::new();
    let mut ids = UniqueIds::default();
    let mut heading_ids = Vec::new();
    let mut word_count = 0usize;
    let mut excerpt = String::new();
    let mut has_highlighted_code = false;
    let mut more_at: Option<usize> = None;
    let mut first_paragraph: Option<(usize, usize)> = None;
    let mut depth = 0usize;

    let mut heading: Option<OpenHeading<'_>> = None;
    let mut code: Option<(String, String)> = None;
    let mut html_block: Option<String> = None;

    let parser = Parser::new_with_broken_link_callback(body, options(settings), Some(callback));
    for (event, range) in parser.into_offset_iter() {
        // A bracketed citation: its text was parsed already; leave a marker.
        if in_cite_link {
            in_cite_link = !matches!(event, Event::End(TagEnd::Link));
            continue;
        }
        if let Event::Start(Tag::Link { dest_url, .. }) = &event
            && let Some(n) = dest_url.strip_prefix(CITE_MARK)
        {
            in_cite_link = true;
            let mark = Event::Html(CowStr::from(format!("{CITE_MARK}{n}")));
            match heading.as_mut() {
                Some(h) => h.events.push(mark),
                None => events.push(mark),
            }
            continue;
        }
        // Code blocks: gather the text, emit highlighted HTML at the end.
        if let Some((_, buf)) = code.as_mut() {
            match event {
                Event::Text(t) => buf.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let (lang, text) = code.take().unwrap_or_default();
                    let mut out = String::with_capacity(text.len() * 2);
                    has_highlighted_code |=
                        highlight::code_block(&lang, &text, settings.highlight_code, &mut out);
                    events.push(Event::Html(out.into()));
                }
                _ => {}
            }
            continue;
        }
        if let Some(buf) = html_block.as_mut() {
            match event {
                Event::Html(h) | Event::InlineHtml(h) => buf.push_str(&h),
                Event::End(TagEnd::HtmlBlock) => {
                    let html = html_block.take().unwrap_or_default();
                    match comment_text(&html) {
                        Some(MORE) if more_at.is_none() => more_at = Some(events.len()),
                        Some(_) => {}
                        None => events.push(Event::Html(strip_comments(&html).into())),
                    }
                }
                _ => {}
            }
            continue;
        }

        let event = match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
                continue;
            }
            Event::Start(Tag::HtmlBlock) => {
                html_block = Some(String::new());
                continue;
            }
            Event::InlineHtml(h) if comment_text(&h).is_some() => {
                if comment_text(&h) == Some(MORE) && more_at.is_none() {
                    more_at = Some(events.len());
                }
                continue;
            }
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }) => {
                heading = Some(OpenHeading {
                    level: level as u8,
                    id: id.map(|s| s.to_string()),
                    classes: classes.iter().map(|c| c.to_string()).collect(),
                    text: String::new(),
                    events: Vec::new(),
                });
                continue;
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(h) = heading.take() {
                    let id = ids.claim(h.id.unwrap_or_else(|| heading_id(&h.text)));
                    let (open, close) = headings::wrap(h.level, &id, &h.classes);
                    events.push(Event::Html(open.into()));
                    events.extend(h.events);
                    events.push(Event::Html(close.into()));
                    toc_flat.push((h.level, id.clone(), h.text.trim().to_owned()));
                    heading_ids.push(id);
                }
                continue;
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) if dest_url.starts_with("@/") => {
                let (path, anchor) = match dest_url[2..].split_once('#') {
                    Some((p, a)) => (p.to_owned(), Some(a.to_owned())),
                    None => (dest_url[2..].to_owned(), None),
                };
                let offset = input.body_offset
                    + range.start
                    + body[range.clone()].find(dest_url.as_ref()).unwrap_or(0);
                let url = match resolve(&path) {
                    Ok(r) => {
                        if let Some(a) = &anchor {
                            anchor_refs.push(AnchorRef {
                                target: r.target.clone(),
                                anchor: a.clone(),
                                offset,
                            });
                        }
                        match &anchor {
                            Some(a) => format!("{}#{a}", r.url),
                            None => r.url,
                        }
                    }
                    Err((message, hint)) => {
                        diagnostics.push(
                            Diagnostic::error("link", message)
                                .in_file(input.file)
                                .at_offset(input.text, offset)
                                .with_hint(hint),
                        );
                        dest_url.to_string()
                    }
                };
                Event::Start(Tag::Link {
                    link_type,
                    dest_url: CowStr::from(url),
                    title,
                    id,
                })
            }
            Event::Text(t) => {
                let last = t.chars().last();
                let found: Vec<_> = match citer {
                    Some(c) => syntax::in_text(&t, prev_char)
                        .into_iter()
                        .filter(|(_, key, _)| c.resolves(key))
                        .collect(),
                    None => Vec::new(),
                };
                prev_char = last.or(prev_char);
                if !found.is_empty() {
                    word_count += count_words(&t);
                    let mut pieces = Vec::new();
                    let mut at = 0;
                    let mut g = groups.borrow_mut();
                    for (i, key, len) in found {
                        if i > at {
                            pieces.push(Event::Text(CowStr::from(t[at..i].to_owned())));
                        }
                        g.push(CiteGroup {
                            items: vec![syntax::CiteItem {
                                key,
                                prefix: String::new(),
                                locator: String::new(),
                                suppress_author: false,
                                offset: range.start + i,
                            }],
                            in_text: true,
                        });
                        pieces.push(Event::Html(CowStr::from(format!(
                            "{CITE_MARK}{}",
                            g.len() - 1
                        ))));
                        at = i + len;
                    }
                    if at < t.len() {
                        pieces.push(Event::Text(CowStr::from(t[at..].to_owned())));
                    }
                    match heading.as_mut() {
                        Some(h) => h.events.extend(pieces),
                        None => events.extend(pieces),
                    }
                    continue;
                }
                word_count += count_words(&t);
                if excerpt.len() < EXCERPT_CHARS * 2 {
                    if !excerpt.is_empty() && !excerpt.ends_with(' ') {
                        excerpt.push(' ');
                    }
                    excerpt.push_str(t.trim());
                }
                if let Some(h) = heading.as_mut() {
                    h.text.push_str(&t);
                }
                Event::Text(t)
            }
            Event::Code(c) => {
                word_count += 1;
                if let Some(h) = heading.as_mut() {
                    h.text.push_str(&c);
                }
                Event::Code(c)
            }
            other => other,
        };

        match &event {
            Event::Start(Tag::Paragraph) if depth == 0 && first_paragraph.is_none() => {
                first_paragraph = Some((events.len(), 0));
            }
            Event::End(TagEnd::Paragraph) if depth == 1 => {
                if let Some((s, 0)) = first_paragraph {
                    first_paragraph = Some((s, events.len() + 1));
                }
            }
            _ => {}
        }
        match &event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        match heading.as_mut() {
            Some(h) => h.events.push(event),
            None => events.push(event),
        }
    }

    let groups = groups.into_inner();
    let mut references = None;
    let mut cited = Vec::new();
    let mut cited_keys = Vec::new();
    if let (Some(c), false) = (citer, groups.is_empty()) {
        let formatted = c.format(&groups);
        for (offset, message, hint) in formatted.errors {
            diagnostics.push(
                Diagnostic::error("citation", message)
                    .in_file(input.file)
                    .at_offset(input.text, input.body_offset + offset)
                    .with_hint(hint),
            );
        }
        for e in &mut events {
            if let Event::Html(h) = e
                && let Some(n) = h.strip_prefix(CITE_MARK)
            {
                let html = n
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| formatted.citations.get(i))
                    .cloned()
                    .unwrap_or_default();
                *e = Event::InlineHtml(CowStr::from(html));
            }
        }
        references = formatted.references;
        cited = formatted.cited;
        cited_keys = formatted.keys;
    }

    let summary = match (more_at, first_paragraph) {
        (Some(cut), _) => Some(to_html(&events[..cut])),
        (None, Some((s, e))) if e > s => Some(to_html(&events[s..e])),
        _ => None,
    };
    Rendered {
        html: to_html(&events),
        summary,
        toc: headings::nest(toc_flat),
        heading_ids,
        word_count,
        excerpt: cut_words(&excerpt, EXCERPT_CHARS),
        anchor_refs,
        diagnostics,
        has_highlighted_code,
        references,
        cited,
        cited_keys,
        fingerprint: 0,
    }
}

fn to_html(events: &[Event<'_>]) -> String {
    thread_local! {
        // Grown once per thread instead of once per page.
        static BUF: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    BUF.with(|buf| {
        let mut buf = buf.borrow_mut();
        buf.clear();
        pulldown_cmark::html::push_html(&mut buf, events.iter().map(borrowed));
        // An exact-size copy: a string grown by doubling keeps up to half
        // its size unused, for every page until it is written (43 MB on
        // 10,000 pages).
        buf.as_str().to_owned()
    })
}

/// `event` with its text borrowed: the writer only reads it, and a clone
/// copies every owned string (a highlighted code block, a resolved link).
fn borrowed<'e>(event: &'e Event<'_>) -> Event<'e> {
    let b = |s: &'e CowStr<'_>| CowStr::Borrowed(s.as_ref());
    match event {
        Event::Text(t) => Event::Text(b(t)),
        Event::Html(h) => Event::Html(b(h)),
        Event::InlineHtml(h) => Event::InlineHtml(b(h)),
        Event::Code(c) => Event::Code(b(c)),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type: *link_type,
            dest_url: b(dest_url),
            title: b(title),
            id: b(id),
        }),
        other => other.clone(),
    }
}

/// The words of `text`, counted as `text.split_whitespace().count()` counts
/// them (runs of characters between Unicode white space), over bytes: every
/// text event of every page is counted, and decoding each character to ask
/// whether it is white space cost more than the rest of the Markdown pass
/// outside parsing and highlighting.
///
/// Eight ASCII bytes are looked at together (the usual case). Only the lead
/// bytes 0xC2, 0xE1, 0xE2 and 0xE3 start a white-space character outside
/// ASCII (U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F,
/// U+205F, U+3000): those characters are decoded, any other is a letter.
fn count_words(text: &str) -> usize {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = LOW * 0x80;
    let bytes = text.as_bytes();
    let mut words = 0;
    // Whether the last character was part of a word.
    let mut in_word = false;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b < 0x80
            && let Some(chunk) = bytes.get(i..).and_then(<[u8]>::first_chunk::<8>)
            && u64::from_le_bytes(*chunk) & HIGH == 0
        {
            // Bit 7 of each byte tells whether it is white space: a space
            // (the byte XOR 0x20 is zero), or 0x09..=0x0D (at least 9 and
            // not at least 14). No sum carries into the next byte, as every
            // byte is below 0x80.
            let x = u64::from_le_bytes(*chunk);
            let t = x ^ (LOW * 0x20);
            let blank = !(((t & !HIGH) + !HIGH) | t) & HIGH;
            let control = (x + LOW * (0x80 - 0x09)) & !(x + LOW * (0x80 - 0x0E)) & HIGH;
            let space = blank | control;
            // A word starts at a byte that is not white space after one that is.
            let before = (space << 8) | if in_word { 0 } else { 0x80 };
            // One bit (bit 7) per byte at most: shifted to bit 0 and
            // multiplied, the top byte is their sum (no popcount instruction
            // on baseline x86-64).
            words += ((((!space & before & HIGH) >> 7).wrapping_mul(LOW)) >> 56) as usize;
            in_word = space >> 63 == 0;
            i += 8;
            continue;
        }
        let (space, len) = match b {
            0..0x80 => (matches!(b, b'\t'..=b'\r' | b' '), 1),
            0xC2 | 0xE1 | 0xE2 | 0xE3 => match text.get(i..).and_then(|s| s.chars().next()) {
                Some(c) => (c.is_whitespace(), c.len_utf8()),
                None => (false, 1),
            },
            // The lead byte of a character that is not white space: its length.
            _ => (false, (b.leading_ones() as usize).max(1)),
        };
        words += usize::from(!space && !in_word);
        in_word = !space;
        i += len;
    }
    words
}

/// At most `max` characters of `text`, cut at a word boundary, with `…` when cut.
pub fn cut_words(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let end = text.char_indices().nth(max).map_or(text.len(), |(i, _)| i);
    let cut = text[..end].rfind(char::is_whitespace).unwrap_or(end);
    // Exact size: `format!` grew the string to twice its length, and every
    // page's excerpt is kept until the search index is made.
    let kept = text[..cut].trim_end();
    let mut out = String::with_capacity(kept.len() + '…'.len_utf8());
    out.push_str(kept);
    out.push('…');
    out
}

/// Reading time in minutes at 200 words a minute, at least one.
pub fn reading_time(words: usize) -> usize {
    words.div_ceil(200).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        Settings {
            smart_punctuation: true,
            highlight_code: true,
        }
    }

    fn render_md(md: &str) -> Rendered<u32> {
        let input = Input {
            text: md,
            body_offset: 0,
            file: Path::new("content/a.md"),
        };
        render(
            &input,
            settings(),
            &|p: &str| match p {
                "b.md" => Ok(Resolved {
                    url: "/b/".into(),
                    target: 7,
                }),
                other => Err((format!("no page {other}"), "check the path".into())),
            },
            None,
        )
    }

    #[test]
    fn headings_get_unique_ids_anchors_and_toc() {
        let r = render_md(
            "# Titel\n\n## Zielwerte für HbA1c\n\n### Details\n\n## Zielwerte für HbA1c\n\n## Custom {#own}\n",
        );
        assert!(r.html.contains("<h2 id=\"zielwerte-für-hba1c\">Zielwerte für HbA1c <a class=\"anchor\" href=\"#zielwerte-für-hba1c\""));
        assert!(r.html.contains("<h2 id=\"zielwerte-für-hba1c-1\">"));
        assert!(r.html.contains("<h2 id=\"own\">"));
        assert_eq!(r.toc.len(), 1, "h1 holds the rest");
        assert_eq!(r.toc[0].children.len(), 3);
        assert_eq!(r.toc[0].children[0].children[0].id, "details");
    }

    #[test]
    fn internal_links_resolve_and_broken_ones_are_located() {
        let r = render_md("See [b](@/b.md#x).\n\nAnd [c](@/c.md).\n");
        assert!(r.html.contains("<a href=\"/b/#x\">b</a>"));
        assert_eq!(
            r.anchor_refs,
            vec![AnchorRef {
                target: 7,
                anchor: "x".into(),
                offset: 8
            }]
        );
        assert_eq!(r.diagnostics.len(), 1);
        let d = &r.diagnostics[0];
        assert_eq!((d.line, d.column), (3, 9));
        assert_eq!(d.message, "no page c.md");
    }

    #[test]
    fn code_is_highlighted_and_citations_in_code_stay_literal() {
        let r = render_md("```python\nx = 1  # [@key]\n```\n\nText `[@key]`.\n");
        assert!(r.has_highlighted_code);
        assert!(r.html.contains("hl-"));
        assert!(r.html.contains("[@key]"));
    }

    #[test]
    fn comments_are_dropped_and_more_marks_the_summary() {
        let r = render_md(
            "First para.\n\nSecond para.\n\n<!-- more -->\n\nRest. <!-- note to reviewer -->\n\n<!--\nmulti\n-->\n",
        );
        assert_eq!(
            r.summary.as_deref(),
            Some("<p>First para.</p>\n<p>Second para.</p>\n")
        );
        assert!(!r.html.contains("<!--"));
        assert!(!r.html.contains("reviewer"));
        assert!(r.html.contains("Rest."));
    }

    #[test]
    fn comments_inside_raw_html_are_dropped_too() {
        let r =
            render_md("<div class=\"box\">\n<!-- private note -->\nKept <!-- x --> text\n</div>\n");
        assert!(r.html.contains("<div class=\"box\">"));
        assert!(r.html.contains("Kept  text"));
        assert!(
            !r.html.contains("private") && !r.html.contains("<!--"),
            "{}",
            r.html
        );
        assert_eq!(strip_comments("a<!-- unclosed"), "a");
    }

    #[test]
    fn summary_falls_back_to_first_paragraph() {
        let r = render_md("## H\n\nOne *two*.\n\nThree.\n");
        assert_eq!(r.summary.as_deref(), Some("<p>One <em>two</em>.</p>\n"));
    }

    #[test]
    fn extensions_are_on() {
        let r = render_md(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\nx[^1]\n\n[^1]: note\n\n~~old~~ CO ~2~ x\n\n- [x] done\n\n\"quoted\"\n",
        );
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("footnote-definition"));
        assert!(r.html.contains("<del>old</del>"));
        assert!(r.html.contains("<sub>2</sub>"), "{}", r.html);
        assert!(r.html.contains("checkbox"));
        assert!(r.html.contains("“quoted”"));
    }

    #[test]
    fn excerpt_is_plain_text_cut_at_a_word() {
        let r = render_md("## Title\n\nSome *emphasised* words.\n");
        assert_eq!(r.excerpt, "Title Some emphasised words.");
        assert_eq!(cut_words("one two three", 9), "one two…");
        assert_eq!(cut_words("äöü", 9), "äöü");
    }

    #[test]
    fn words_are_counted_as_split_whitespace_counts_them() {
        let mut samples = vec![
            String::new(),
            " ".to_owned(),
            "Blutdruck  120/80\tmmHg\n".to_owned(),
            "Ärzte\u{a0}und\u{2009}Ärztinnen\u{3000}– «Überweisung» \u{85}x\u{1680}y".to_owned(),
            "\u{2028}a\u{2029}b\u{202f}c\u{205f}d\u{200a}e\u{200b}f\u{feff}g\u{1c}h".to_owned(),
            "∑ € ‰ 😀\u{2000}ẞ\u{e1}\u{1e9e}".to_owned(),
        ];
        // Every character up to U+30FF, each between letters.
        let all: String = (0..0x3100u32)
            .filter_map(char::from_u32)
            .flat_map(|c| ['a', c, 'b', c])
            .collect();
        samples.push(all);
        // Short mixes that put white space of each kind at every position
        // of an eight-byte group, and across groups.
        let pieces = [
            "a", " ", "\t", "\u{b}", "\r\n", "\u{1c}", "ä", "\u{a0}", "\u{2003}", "–", "x1",
        ];
        let mut seed = 7u32;
        for _ in 0..3000 {
            let mut s = String::new();
            for _ in 0..seed % 23 {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                s.push_str(pieces[(seed >> 16) as usize % pieces.len()]);
            }
            samples.push(s);
        }
        for s in &samples {
            assert_eq!(count_words(s), s.split_whitespace().count(), "{s:?}");
        }
    }

    #[test]
    fn word_count_and_reading_time() {
        let r = render_md("one two three\n\n```\nnot counted here\n```\n");
        assert_eq!(r.word_count, 3);
        assert_eq!(reading_time(0), 1);
        assert_eq!(reading_time(401), 3);
    }
}
