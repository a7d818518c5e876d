//! Checks beyond what a build needs: links and images that resolve to
//! nothing, missing alt text, resources from other origins, scripts in
//! content, missing descriptions, unused references and readability.
//!
//! They run after the site is built in memory, by `praxis build` (so
//! `build --strict` agrees with `check`) and by `praxis check`. Each Markdown
//! file is parsed once more here (cheap next to rendering) into a [`Doc`]: its
//! links, images, raw HTML start tags and paragraph text, each with its byte
//! offset in the file, so every finding points at a line and column.

pub mod alt_text;
pub mod confidentiality;
pub mod description;
pub mod html;
pub mod links;
pub mod origin;
pub mod readability;
pub mod unsafe_html;
pub mod unused_refs;

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
    /// Plain text of each top-level paragraph and its offset.
    pub paragraphs: Vec<(String, usize)>,
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
        paragraphs: Vec::new(),
    };
    let dest_at = |url: &str, range: &std::ops::Range<usize>| {
        body_offset + range.start + body[range.clone()].find(url).unwrap_or(0)
    };
    let mut image: Option<Image> = None;
    let mut paragraph: Option<(String, usize)> = None;
    let mut in_html_block = false;
    let mut depth = 0usize;
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        match &event {
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
                paragraph = Some((String::new(), body_offset + range.start));
            }
            Event::End(TagEnd::Paragraph) if depth == 1 => {
                doc.paragraphs.extend(paragraph.take());
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some(img) = image.as_mut() {
                    img.alt.push_str(t);
                } else if let Some((p, _)) = paragraph.as_mut() {
                    p.push_str(t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some((p, _)) = paragraph.as_mut() {
                    p.push(' ');
                }
            }
            _ => {}
        }
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    doc
}

fn scan_html(tags: &mut Vec<StartTag>, html: &str, base: usize) {
    tags.extend(html::start_tags(html).into_iter().map(|mut t| {
        t.offset += base;
        t
    }));
}

/// Every page and section with a file, parsed.
pub fn documents(site: &Site) -> Vec<Doc<'_>> {
    let pages = site.pages.par_iter().map(|p| {
        parse(
            &p.file,
            &p.text,
            p.body_offset,
            &p.url,
            &p.output,
            &p.lang,
            Some(p.audience),
        )
    });
    let sections = site.sections.par_iter().filter_map(|s| {
        let file = s.file.as_ref()?;
        Some(parse(
            file,
            &s.text,
            s.body_offset,
            &s.url,
            &s.output,
            &s.lang,
            None,
        ))
    });
    pages.chain(sections).collect()
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

/// Runs every check; findings go into `ds`.
pub fn run(site: &Site, md: &MarkdownOutput, output: &Output, ds: &mut Diagnostics) {
    let docs = documents(site);
    let index = links::OutputIndex::new(site, output);
    let found: Vec<Diagnostic> = docs
        .par_iter()
        .flat_map_iter(|doc| {
            let mut v = Vec::new();
            links::check(doc, &index, &mut v);
            alt_text::check(doc, &mut v);
            origin::check(doc, site, &mut v);
            unsafe_html::check(doc, &mut v);
            readability::check(doc, &site.config.check, &mut v);
            v
        })
        .collect();
    ds.extend(found);
    description::check(site, ds);
    origin::check_output(site, output, &docs, ds);
    unused_refs::check(site, md, ds);
    confidentiality::check(site, ds);
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
        let paras: Vec<_> = d.paragraphs.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paras, ["Para x and .", "Two lines in it."]);
    }

    #[test]
    fn remote_means_another_origin() {
        assert_eq!(origin_of("https://a.example/x"), "a.example");
        assert!(same_origin("https://a.example/x", "https://a.example/"));
        assert!(!same_origin("https://cdn.example/x", "https://a.example/"));
    }
}
