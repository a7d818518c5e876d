//! `praxis import wordpress EXPORT.xml`: a WordPress export (WXR 1.0–1.2,
//! Tools → Export) into Markdown articles.
//!
//! The export is read with `roxmltree`; each post and page becomes an article
//! (`content/posts/SLUG.md`, pages `content/SLUG.md`) with title, dates,
//! tags (tags and categories), authors (added to `praxis.toml`), draft status
//! and `aliases` for the old permalinks. Bodies are HTML: Gutenberg block
//! comments are removed, paragraphs of the classic editor restored, `[caption]`
//! and `[embed]` converted, other shortcodes kept as raw HTML and reported,
//! `<iframe>` embeds replaced by links (they would load another site), then
//! `htmd` turns the HTML into Markdown (tables included). Links to other
//! posts become `@/` links; images under `wp-content/uploads` are copied from
//! `--uploads` into `static/uploads/` and linked relatively, so the site works
//! under a sub-path. Nothing is dropped without a line in the report.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{
    Article, FrontMatter, Progress, Report, SourceAuthor, Target, decode, origin_of, parse_day,
    rewrite_links,
};
use crate::content::slug::slugify;
use crate::diagnostics::{Diagnostic, line_col};

const WP_NS: &str = "http://wordpress.org/export/";
const CONTENT_NS: &str = "http://purl.org/rss/1.0/modules/content/";
const DC_NS: &str = "http://purl.org/dc/elements/1.1/";

/// Which namespace a child element is looked up in.
#[derive(Clone, Copy)]
enum Ns {
    None,
    Wp,
    Excerpt,
    Content,
    Dc,
}

fn ns_matches(node: roxmltree::Node<'_, '_>, ns: Ns) -> bool {
    let uri = node.tag_name().namespace().unwrap_or("");
    match ns {
        Ns::None => uri.is_empty(),
        Ns::Wp => uri.starts_with(WP_NS) && !uri.ends_with("/excerpt/"),
        Ns::Excerpt => uri.starts_with(WP_NS) && uri.ends_with("/excerpt/"),
        Ns::Content => uri == CONTENT_NS,
        Ns::Dc => uri == DC_NS,
    }
}

fn child<'a, 'i>(
    node: roxmltree::Node<'a, 'i>,
    ns: Ns,
    name: &str,
) -> Option<roxmltree::Node<'a, 'i>> {
    node.children()
        .find(|c| c.is_element() && c.tag_name().name() == name && ns_matches(*c, ns))
}

/// All text (and CDATA) inside an element.
fn text_of(node: roxmltree::Node<'_, '_>) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect()
}

fn child_text(node: roxmltree::Node<'_, '_>, ns: Ns, name: &str) -> String {
    child(node, ns, name).map(text_of).unwrap_or_default()
}

/// A post or page read from the export, before conversion.
struct Item {
    id: String,
    kind: String,
    status: String,
    title: String,
    slug: String,
    link: String,
    date: String,
    modified: String,
    creator: String,
    content: String,
    /// Line of `<content:encoded>` in the export.
    content_line: usize,
    line: usize,
    excerpt: String,
    tags: Vec<String>,
    meta: Vec<(String, String)>,
}

/// Percent-decoding for slugs such as `r%c3%bcckenschmerzen`.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(v) = u8::from_str_radix(hex, 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Strips tags and collapses whitespace (for descriptions).
fn plain_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    decode_entities(&out)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Decodes the HTML entities WordPress writes into titles and excerpts.
fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let end = tail.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &tail[1..e];
            let c = match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "nbsp" => ' ',
                "hellip" => '…',
                "ndash" => '–',
                "mdash" => '—',
                "lsquo" => '‘',
                "rsquo" => '’',
                "ldquo" => '“',
                "rdquo" => '”',
                _ => {
                    let num = name.strip_prefix('#')?;
                    let code = match num.strip_prefix(['x', 'X']) {
                        Some(h) => u32::from_str_radix(h, 16).ok()?,
                        None => num.parse().ok()?,
                    };
                    char::from_u32(code)?
                }
            };
            Some((c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &tail[e + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The path of a URL on the old site, relative to the old site's root path.
fn old_path(url: &str, old_root: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let path = &rest[rest.find('/')?..];
    let path = path
        .strip_prefix(old_root.trim_end_matches('/'))
        .unwrap_or(path);
    let path = if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/{path}")
    };
    Some(path)
}

/// Link lookup key: path and query, without a trailing slash, lower case.
fn link_key(path: &str) -> String {
    let p = path.split('#').next().unwrap_or("");
    p.trim_end_matches('/').to_lowercase()
}

/// A shortcode found in a post.
struct Shortcode {
    name: String,
    text: String,
}

const KNOWN_SHORTCODES: [&str; 8] = [
    "caption",
    "wp_caption",
    "gallery",
    "embed",
    "audio",
    "video",
    "playlist",
    "contact-form-7",
];

/// Finds `[name …]`, `[name …]…[/name]`; converts `[caption]` and `[embed]`,
/// replaces the others by placeholders kept for later.
fn take_shortcodes(html: &str, found: &mut Vec<Shortcode>) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        let next = after[name.len()..].chars().next();
        let starts_ok = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && matches!(next, Some(' ' | ']' | '/'));
        let close_tag = after.find(']');
        if !starts_ok || close_tag.is_none() {
            out.push('[');
            rest = after;
            continue;
        }
        let tag_end = open + 1 + close_tag.unwrap_or(0) + 1;
        let tag = &rest[open..tag_end];
        let closing = format!("[/{name}]");
        let enclosing_end = rest[tag_end..]
            .find(&closing)
            .map(|i| tag_end + i + closing.len());
        let is_shortcode = KNOWN_SHORTCODES.contains(&name.as_str())
            || tag.contains('=')
            || enclosing_end.is_some();
        if !is_shortcode {
            out.push('[');
            rest = after;
            continue;
        }
        let whole_end = enclosing_end.unwrap_or(tag_end);
        let inner = enclosing_end.map_or("", |e| &rest[tag_end..e - closing.len()]);
        match name.as_str() {
            "caption" | "wp_caption" => {
                // `<img …> Caption text` → a figure.
                let (media, caption) = match inner.rfind('>') {
                    Some(i) => (&inner[..=i], inner[i + 1..].trim()),
                    None => (inner, ""),
                };
                out.push_str(&format!(
                    "<figure>{media}<figcaption>{caption}</figcaption></figure>"
                ));
            }
            "embed" => {
                let url = inner.trim();
                out.push_str(&format!("<p><a href=\"{url}\">{url}</a></p>"));
            }
            _ => {
                out.push_str(&format!(" PRAXISSHORTCODE{}X ", found.len()));
                found.push(Shortcode {
                    name: name.clone(),
                    text: rest[open..whole_end].to_owned(),
                });
            }
        }
        rest = &rest[whole_end..];
    }
    out.push_str(rest);
    out
}

/// Removes Gutenberg block comments (`<!-- wp:paragraph -->`), keeps
/// `<!--more-->` as a marker.
fn strip_block_comments(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find("<!--") {
        out.push_str(&rest[..i]);
        let Some(end) = rest[i + 4..].find("-->").map(|e| e + 4) else {
            out.push_str(&rest[i..]);
            return out;
        };
        let inner = rest[i + 4..i + end].trim();
        if inner == "more" || inner.starts_with("more ") {
            out.push_str("\n<p>PRAXISMOREX</p>\n");
        } else if !(inner.starts_with("wp:") || inner.starts_with("/wp:")) {
            out.push_str(&rest[i..i + end + 3]);
        }
        rest = &rest[i + end + 3..];
    }
    out.push_str(rest);
    out
}

const BLOCK_TAGS: [&str; 22] = [
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "table",
    "blockquote",
    "pre",
    "figure",
    "hr",
    "dl",
    "section",
    "iframe",
    "form",
    "address",
    "!--",
];

/// The classic editor stores paragraphs as blank lines (WordPress's
/// `wpautop` adds `<p>` when showing them): wrap such text in `<p>`.
fn autop(html: &str) -> String {
    let html = html.replace("\r\n", "\n");
    let mut out = String::new();
    for chunk in html.split("\n\n") {
        let t = chunk.trim();
        if t.is_empty() {
            continue;
        }
        let is_block = t.strip_prefix('<').is_some_and(|r| {
            let name: String = r
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '!' || *c == '-')
                .collect::<String>()
                .to_lowercase();
            BLOCK_TAGS.contains(&name.as_str())
        });
        if is_block {
            out.push_str(t);
        } else {
            out.push_str("<p>");
            out.push_str(&t.replace('\n', "<br>"));
            out.push_str("</p>");
        }
        out.push('\n');
    }
    out
}

const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];
/// Elements whose end tag HTML lets one leave out.
const OPTIONAL_END: [&str; 8] = ["p", "li", "td", "th", "tr", "dt", "dd", "option"];

/// The first unbalanced tag, as (byte offset, what is wrong), if any.
fn broken_html(html: &str) -> Option<(usize, String)> {
    let mut stack: Vec<(String, usize)> = Vec::new();
    let b = html.as_bytes();
    let mut i = 0;
    while let Some(rel) = html[i..].find('<') {
        let at = i + rel;
        i = at + 1;
        if html[at..].starts_with("<!--") {
            i = html[at..].find("-->").map_or(html.len(), |e| at + e + 3);
            continue;
        }
        let closing = b.get(at + 1) == Some(&b'/');
        let start = at + 1 + usize::from(closing);
        let name: String = html[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_lowercase();
        if name.is_empty() {
            continue;
        }
        let Some(end) = html[at..].find('>') else {
            return Some((at, format!("`<{name}` is never closed with `>`")));
        };
        let self_closing = html[at..at + end].ends_with('/');
        i = at + end + 1;
        if VOID.contains(&name.as_str()) || self_closing {
            continue;
        }
        if !closing {
            if name == "script" || name == "style" {
                let close = format!("</{name}");
                i = html[i..]
                    .to_lowercase()
                    .find(&close)
                    .map_or(html.len(), |e| i + e);
            }
            stack.push((name, at));
            continue;
        }
        match stack.iter().rposition(|(n, _)| *n == name) {
            Some(pos) => {
                for (open, off) in stack.drain(pos + 1..) {
                    if !OPTIONAL_END.contains(&open.as_str()) {
                        return Some((off, format!("`<{open}>` is not closed before `</{name}>`")));
                    }
                }
                stack.pop();
            }
            None => return Some((at, format!("`</{name}>` closes nothing"))),
        }
    }
    stack
        .into_iter()
        .find(|(n, _)| !OPTIONAL_END.contains(&n.as_str()))
        .map(|(n, off)| (off, format!("`<{n}>` is never closed")))
}

/// HTML → Markdown with `htmd`; `<iframe>` embeds become links.
pub fn to_markdown(html: &str) -> String {
    let options = htmd::options::Options {
        bullet_list_marker: htmd::options::BulletListMarker::Dash,
        ul_bullet_spacing: 1,
        ol_number_spacing: 1,
        hr_style: htmd::options::HrStyle::Dashes,
        br_style: htmd::options::BrStyle::Backslash,
        ..htmd::options::Options::default()
    };
    let converter = htmd::HtmlToMarkdown::builder()
        .options(options)
        .skip_tags(vec!["script", "style", "noscript"])
        .add_handler(
            vec!["figcaption"],
            |h: &dyn htmd::element_handler::Handlers, e: htmd::Element| {
                let text = h.walk_children(e.node).content;
                let text = text.trim();
                (!text.is_empty()).then(|| format!("\n\n*{text}*\n\n").into())
            },
        )
        .add_handler(
            vec!["iframe"],
            |_: &dyn htmd::element_handler::Handlers, e: htmd::Element| {
                let src = e
                    .attrs
                    .iter()
                    .find(|a| &*a.name.local == "src")
                    .map(|a| a.value.to_string())?;
                let title = e
                    .attrs
                    .iter()
                    .find(|a| &*a.name.local == "title")
                    .map(|a| a.value.to_string())
                    .unwrap_or_else(|| format!("Embedded content on {}", origin_of(&src)));
                Some(format!("\n\n[{title}]({src})\n\n").into())
            },
        )
        .build();
    converter.convert(html).unwrap_or_default()
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('[', "&#91;")
        .replace(']', "&#93;")
}

/// Imports the WordPress export `export` into the site at `into`.
pub fn import(
    export: &Path,
    uploads: Option<&Path>,
    into: &Path,
    progress: bool,
) -> Result<Report, Diagnostic> {
    let bytes = std::fs::read(export).map_err(|e| {
        Diagnostic::error("io", format!("cannot read {}: {e}", export.display()))
            .with_hint("give the .xml file from WordPress's Tools → Export")
    })?;
    if let Some(u) = uploads
        && !u.is_dir()
    {
        return Err(Diagnostic::error(
            "import",
            format!("--uploads {} is not a folder", u.display()),
        )
        .with_hint("give the wp-content/uploads folder of the old site"));
    }
    let mut report = Report::default();
    let text = decode(bytes, export, &mut report);
    let doc = roxmltree::Document::parse_with_options(
        &text,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..roxmltree::ParsingOptions::default()
        },
    )
    .map_err(|e| {
        let pos = e.pos();
        Diagnostic::error("import", format!("the export is not well-formed XML: {e}"))
            .in_file(export)
            .at(pos.row as usize, pos.col as usize)
            .with_hint("export again from WordPress (Tools → Export → All content); a cut-off file cannot be read")
    })?;
    let channel = doc
        .root_element()
        .children()
        .find(|c| c.has_tag_name("channel"))
        .ok_or_else(|| {
            Diagnostic::error(
                "import",
                "no <channel> in the file: this is not a WordPress export",
            )
            .in_file(export)
            .with_hint("use the .xml file from WordPress's Tools → Export")
        })?;
    let site_title = child_text(channel, Ns::None, "title");
    let mut site_link = child_text(channel, Ns::Wp, "base_blog_url");
    if site_link.is_empty() {
        site_link = child_text(channel, Ns::None, "link");
    }
    let old_origin = origin_of(&site_link);
    let old_root = old_path(&site_link, "").unwrap_or_else(|| "/".into());
    let mut target = Target::open(into, &site_title, &site_link, &mut report)?;

    // Authors of the export.
    let mut authors: BTreeMap<String, SourceAuthor> = BTreeMap::new();
    for a in channel
        .children()
        .filter(|c| c.is_element() && c.tag_name().name() == "author" && ns_matches(*c, Ns::Wp))
    {
        let login = child_text(a, Ns::Wp, "author_login");
        let display = child_text(a, Ns::Wp, "author_display_name");
        let full = format!(
            "{} {}",
            child_text(a, Ns::Wp, "author_first_name"),
            child_text(a, Ns::Wp, "author_last_name")
        );
        let name = [display.trim(), full.trim(), login.trim()]
            .into_iter()
            .find(|s| !s.is_empty())
            .unwrap_or("")
            .to_owned();
        authors.insert(
            login.clone(),
            SourceAuthor {
                id: login,
                name,
                ..SourceAuthor::default()
            },
        );
    }

    // Items.
    let mut items = Vec::new();
    let mut attachments: HashMap<String, String> = HashMap::new();
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    for it in channel.children().filter(|c| c.has_tag_name("item")) {
        let kind = child_text(it, Ns::Wp, "post_type");
        let content_node = child(it, Ns::Content, "encoded");
        let item = Item {
            id: child_text(it, Ns::Wp, "post_id"),
            status: child_text(it, Ns::Wp, "status"),
            title: child_text(it, Ns::None, "title"),
            slug: percent_decode(&child_text(it, Ns::Wp, "post_name")),
            link: child_text(it, Ns::None, "link"),
            date: {
                let d = child_text(it, Ns::Wp, "post_date");
                if d.starts_with("0000") || d.is_empty() {
                    child_text(it, Ns::None, "pubDate")
                } else {
                    d
                }
            },
            modified: child_text(it, Ns::Wp, "post_modified"),
            creator: child_text(it, Ns::Dc, "creator"),
            content: content_node.map(text_of).unwrap_or_default(),
            content_line: content_node.map_or(0, |n| line_col(&text, n.range().start).0),
            line: line_col(&text, it.range().start).0,
            excerpt: child_text(it, Ns::Excerpt, "encoded"),
            tags: it
                .children()
                .filter(|c| c.has_tag_name("category"))
                .filter(|c| matches!(c.attribute("domain"), Some("category" | "post_tag")))
                .filter(|c| c.attribute("nicename") != Some("uncategorized"))
                .map(text_of)
                .collect(),
            meta: it
                .children()
                .filter(|c| c.tag_name().name() == "postmeta" && ns_matches(*c, Ns::Wp))
                .map(|m| {
                    (
                        child_text(m, Ns::Wp, "meta_key"),
                        child_text(m, Ns::Wp, "meta_value"),
                    )
                })
                .collect(),
            kind,
        };
        match (item.kind.as_str(), item.status.as_str()) {
            ("attachment", _) => {
                let url = child_text(it, Ns::Wp, "attachment_url");
                attachments.insert(item.id.clone(), url);
                *skipped
                    .entry("attachments (media library entries)".into())
                    .or_default() += 1;
            }
            ("post" | "page", "trash" | "auto-draft") => {
                report.warn(
                    Diagnostic::warning(
                        "skipped",
                        format!(
                            "{} “{}” is in WordPress's {}; it was not imported",
                            item.kind,
                            item.title,
                            if item.status == "trash" {
                                "trash"
                            } else {
                                "auto-drafts"
                            }
                        ),
                    )
                    .in_file(export)
                    .at(item.line, 0),
                );
                *skipped
                    .entry(format!("{} in the trash or auto-drafts", item.kind))
                    .or_default() += 1;
            }
            ("post" | "page", _) => items.push(item),
            (other, _) => {
                *skipped.entry(format!("{other} items")).or_default() += 1;
            }
        }
    }
    report.counts.skipped += skipped.values().sum::<usize>();
    if !skipped.is_empty() {
        report.warn(
            Diagnostic::warning(
                "skipped",
                format!(
                    "left out on purpose: {}",
                    skipped
                        .iter()
                        .map(|(w, n)| format!("{n} {w}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .in_file(export)
            .with_hint("menus, revisions and media entries have no place in a praxis site; images come in with --uploads"),
        );
    }

    // Output paths (slug collisions resolved in file order) and old links.
    let mut planned: Vec<(Item, String)> = Vec::new();
    let mut links: HashMap<String, String> = HashMap::new();
    for item in items {
        let mut slug = slugify(&item.slug);
        if slug.is_empty() {
            slug = slugify(&item.title);
        }
        if slug.is_empty() {
            slug = format!("{}-{}", item.kind, item.id);
        }
        let rel = if item.kind == "page" {
            format!("{slug}.md")
        } else {
            format!("posts/{slug}.md")
        };
        let rel = target.claim(&rel, &item_source(export, &item), &mut report);
        if let Some(p) = old_path(&item.link, &old_root).filter(|p| !p.contains('?')) {
            links.insert(link_key(&p), rel.clone());
        }
        links.insert(format!("/?p={}", item.id), rel.clone());
        links.insert(format!("/?page_id={}", item.id), rel.clone());
        planned.push((item, rel));
    }

    let used_authors: Vec<SourceAuthor> = planned
        .iter()
        .map(|(i, _)| {
            authors
                .get(&i.creator)
                .cloned()
                .unwrap_or_else(|| SourceAuthor {
                    id: i.creator.clone(),
                    name: i.creator.clone(),
                    ..SourceAuthor::default()
                })
        })
        .filter(|a| !a.id.is_empty())
        .collect();
    let author_keys = target.add_authors(&used_authors, &mut report);

    let bar = Progress::new(progress, planned.len());
    let converted: Vec<(Article, Report, Vec<String>)> = planned
        .par_iter()
        .map(|(item, rel)| {
            let mut r = Report::default();
            let (article, wanted) = convert(
                item,
                rel,
                export,
                &old_origin,
                &old_root,
                &links,
                &author_keys,
                &mut r,
            );
            bar.tick();
            (article, r, wanted)
        })
        .collect();
    bar.finish();

    // Copy uploads, then write.
    for (article, r, wanted) in converted {
        report.diagnostics.extend(r.diagnostics);
        let mut article = article;
        for upload in wanted {
            let Some(dir) = uploads else { continue };
            let from = dir.join(&upload);
            let dest = PathBuf::from("static/uploads").join(&upload);
            if from.is_file() {
                target.copy_new(&from, &dest, &mut report);
                let depth = article.rel.matches('/').count() + 1;
                let local = format!("{}uploads/{upload}", "../".repeat(depth));
                article.body = rewrite_links(&article.body, |d| {
                    upload_path(d)
                        .filter(|u| *u == upload)
                        .map(|_| local.clone())
                });
            } else {
                report.warn(
                    Diagnostic::warning("uploads", format!("{upload} is not in {}", dir.display()))
                        .in_file(&article.source)
                        .with_hint("copy the whole wp-content/uploads folder of the old site and import again"),
                );
            }
        }
        target.write_article(article, &mut report);
    }
    Ok(report)
}

/// How the report names an item: `export.xml:LINE` (the item's `<item>` line).
fn item_source(export: &Path, item: &Item) -> PathBuf {
    PathBuf::from(format!("{}:{}", export.display(), item.line))
}

/// `https://old.example/wp-content/uploads/2024/01/x.png` → `2024/01/x.png`.
fn upload_path(url: &str) -> Option<String> {
    let i = url.find("/wp-content/uploads/")?;
    let p = &url[i + "/wp-content/uploads/".len()..];
    let p = p.split(['?', '#']).next().unwrap_or(p);
    (!p.is_empty() && !p.contains("..")).then(|| percent_decode(p))
}

/// One post or page → an article, and the uploads it uses.
#[allow(clippy::too_many_arguments)]
fn convert(
    item: &Item,
    rel: &str,
    export: &Path,
    old_origin: &str,
    old_root: &str,
    links: &HashMap<String, String>,
    author_keys: &HashMap<String, String>,
    r: &mut Report,
) -> (Article, Vec<String>) {
    let what = format!("{} “{}” (id {})", item.kind, item.title.trim(), item.id);
    let at = |d: Diagnostic, line: usize| d.in_file(export).at(line, 0);
    if item.title.contains('\u{fffd}') || item.content.contains('\u{fffd}') {
        r.warn(
            at(
                Diagnostic::warning(
                    "encoding",
                    format!("{what} has text that was not UTF-8 (shown as �)"),
                ),
                item.line,
            )
            .with_hint(format!("correct the characters in content/{rel}")),
        );
    }
    if item.title.trim().is_empty() {
        r.warn(
            at(
                Diagnostic::warning(
                    "title",
                    format!("{} {} has an empty title", item.kind, item.id),
                ),
                item.line,
            )
            .with_hint(format!("give content/{rel} a title")),
        );
    }
    let title = plain_text(&item.title);
    let mut fm = FrontMatter {
        title: if title.is_empty() {
            format!("Untitled {} {}", item.kind, item.id)
        } else {
            title
        },
        date: parse_day(&item.date),
        ..FrontMatter::default()
    };
    fm.updated =
        parse_day(&item.modified).filter(|u| Some(*u) != fm.date && fm.date.is_none_or(|d| *u > d));
    if item.status != "publish" {
        fm.draft = true;
        r.warn(
            at(
                Diagnostic::warning(
                    "draft",
                    format!(
                        "{what} was {} in WordPress; imported as a draft",
                        item.status
                    ),
                ),
                item.line,
            )
            .with_hint("set draft = false when it should be published"),
        );
    }
    fm.add_tags(item.tags.iter().map(|t| plain_text(t)));
    if let Some(key) = author_keys.get(&item.creator) {
        fm.authors.push(key.clone());
    }
    let excerpt = plain_text(&item.excerpt);
    let meta_desc = item
        .meta
        .iter()
        .find(|(k, _)| k == "_yoast_wpseo_metadesc" || k == "_aioseo_description")
        .map(|(_, v)| plain_text(v))
        .filter(|v| !v.is_empty());
    fm.description = meta_desc.or((!excerpt.is_empty()).then_some(excerpt));
    if !fm.draft
        && let Some(p) = old_path(&item.link, old_root).filter(|p| !p.contains('?') && p != "/")
    {
        let new_url = format!("/{}/", rel.trim_end_matches(".md"));
        if p.trim_end_matches('/') != new_url.trim_end_matches('/') {
            fm.add_alias(p);
        }
    }
    fm.extra
        .insert("wordpress_id".into(), toml::Value::String(item.id.clone()));
    for (k, v) in &item.meta {
        if !k.starts_with('_') && !k.is_empty() {
            let meta = fm
                .extra
                .entry("wordpress_meta")
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            if let toml::Value::Table(t) = meta {
                t.insert(k.clone(), toml::Value::String(v.clone()));
            }
        }
    }

    // Body.
    if let Some((off, problem)) = broken_html(&item.content) {
        let (line, _) = line_col(&item.content, off);
        r.warn(
            at(
                Diagnostic::warning("html", format!("broken HTML in {what}: {problem}")),
                item.content_line + line - 1,
            )
            .with_hint(format!(
                "it was read as a browser would; compare content/{rel} with the old page"
            )),
        );
    }
    let mut shortcodes = Vec::new();
    let html = strip_block_comments(&item.content);
    let html = take_shortcodes(&html, &mut shortcodes);
    let html = autop(&html);
    let lower = html.to_ascii_lowercase();
    if lower.contains("<script") {
        r.warn(
            at(
                Diagnostic::warning("script", format!("{what} had a <script>; it was left out")),
                item.content_line,
            )
            .with_hint("praxis pages load no scripts from content"),
        );
    }
    let iframes = lower.matches("<iframe").count();
    if iframes > 0 {
        r.warn(at(
            Diagnostic::warning("embed", format!("{what}: {iframes} embed(s) (<iframe>) replaced by a link")),
            item.content_line,
        )
        .with_hint("embeds load another site and send it your readers' IP addresses; a link loads nothing until clicked"));
    }
    let mut body = to_markdown(&html);
    body = body.replace("PRAXISMOREX", "<!-- more -->");
    for (i, sc) in shortcodes.iter().enumerate() {
        let raw = format!(
            "<span class=\"wp-shortcode\" data-shortcode=\"{}\">{}</span>",
            sc.name,
            html_escape(&sc.text)
        );
        body = body.replace(&format!("PRAXISSHORTCODE{i}X"), &raw);
        r.warn(
            at(
                Diagnostic::warning(
                    "shortcode",
                    format!("{what}: shortcode [{}] kept as raw HTML", sc.name),
                ),
                item.content_line,
            )
            .with_hint(format!(
                "replace `{}` in content/{rel} by Markdown (or remove it)",
                sc.text.lines().next().unwrap_or("")
            )),
        );
    }
    let mut wanted = Vec::new();
    body = rewrite_links(&body, |dest| {
        if let Some(u) = upload_path(dest) {
            wanted.push(u);
            return None;
        }
        let same_site =
            dest.starts_with('/') || (!old_origin.is_empty() && origin_of(dest) == old_origin);
        if !same_site || dest.starts_with("//") {
            return None;
        }
        let anchor = dest.find('#').map(|i| &dest[i..]).unwrap_or("");
        let path = old_path(dest, old_root)?;
        links
            .get(&link_key(&path))
            .map(|rel| format!("@/{rel}{anchor}"))
    });
    let body = body.trim().to_owned() + "\n";
    (
        Article {
            source: item_source(export, item),
            rel: rel.to_owned(),
            fm,
            body,
            section: false,
        },
        wanted,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gutenberg_comments_go_and_more_stays() {
        let html = "<!-- wp:paragraph -->\n<p>Intro</p>\n<!-- /wp:paragraph -->\n<!--more-->\n<!-- wp:paragraph --><p>Rest</p><!-- /wp:paragraph -->";
        assert_eq!(
            strip_block_comments("a<!-->b<!-- x -->"),
            "a<!-->b<!-- x -->"
        );
        let md = to_markdown(&autop(&strip_block_comments(html)))
            .replace("PRAXISMOREX", "<!-- more -->");
        assert_eq!(md, "Intro\n\n<!-- more -->\n\nRest");
    }

    #[test]
    fn classic_editor_paragraphs_lists_and_tables() {
        let html = "First line\nsecond line\n\n<ul><li>a</li><li>b</li></ul>\n\n<table><thead><tr><th>Drug</th><th>Dose</th></tr></thead><tbody><tr><td>Metformin</td><td>500 mg</td></tr></tbody></table>";
        let md = to_markdown(&autop(html));
        assert_eq!(
            md,
            "First line\\\nsecond line\n\n- a\n- b\n\n| Drug      | Dose   |\n| --------- | ------ |\n| Metformin | 500 mg |"
        );
    }

    #[test]
    fn shortcodes_are_converted_or_kept() {
        let mut found = Vec::new();
        let html = "A [caption id=\"x\" width=\"300\"]<img src=\"a.png\" alt=\"ECG\"> An ECG[/caption] [gallery ids=\"1,2\"] [sic] [contact-form-7 id=\"5\" title=\"Contact\"] [embed]https://v.example/1[/embed]";
        let out = take_shortcodes(html, &mut found);
        assert!(
            out.contains(
                "<figure><img src=\"a.png\" alt=\"ECG\"><figcaption>An ECG</figcaption></figure>"
            ),
            "{out}"
        );
        assert!(out.contains("[sic]"));
        assert_eq!(
            to_markdown(&out[..out.find("</figure>").expect("figure") + 9]),
            "A\n\n![ECG](a.png)\n\n*An ECG*"
        );
        assert!(out.contains("<a href=\"https://v.example/1\">"));
        let names: Vec<_> = found.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, vec!["gallery", "contact-form-7"]);
    }

    #[test]
    fn broken_html_is_found() {
        assert_eq!(broken_html("<p>a<p>b</p><ul><li>x</ul>"), None);
        assert!(broken_html("<div><p>open").is_some_and(|(_, m)| m.contains("<div>")));
        assert!(broken_html("<p>a</div>").is_some_and(|(_, m)| m.contains("closes nothing")));
        assert!(broken_html("<em><strong>x</em></strong>").is_some());
    }

    #[test]
    fn entities_in_titles_are_decoded() {
        assert_eq!(
            plain_text("Hay fever &amp; <em>allergies</em> &#8211; &#x2014; &hellip; &bogus; & x"),
            "Hay fever & allergies – — … &bogus; & x"
        );
    }

    #[test]
    fn slugs_and_paths_from_old_urls() {
        assert_eq!(percent_decode("r%c3%bcckenschmerzen"), "rückenschmerzen");
        assert_eq!(
            old_path("https://e.org/blog/2020/01/x/", "/blog/").as_deref(),
            Some("/2020/01/x/")
        );
        assert_eq!(
            upload_path("https://e.org/wp-content/uploads/2024/01/a%20b.png?w=300").as_deref(),
            Some("2024/01/a b.png")
        );
    }
}
