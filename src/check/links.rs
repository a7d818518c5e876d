//! Relative links and images (`[x](../other/)`, `![](bild.png)`, `/path/`)
//! must point at a file of the built site; `#anchor` must name an id there.

use std::collections::HashMap;
use std::path::Path;

use super::anchor_set::{self, AnchorSet};
use super::{Dest, Doc, Image, StartTag};
use crate::content::Site;
use crate::diagnostics::Diagnostic;
use crate::output::{Content, Output};

/// The paths of the built site, for quick lookup: each output file by its
/// path as the output holds it (nothing is copied), with its text.
pub struct OutputIndex<'a> {
    files: HashMap<&'a Path, Option<Anchors<'a>>>,
    root_path: &'a str,
}

/// Where the anchors of a text file are read: its text, or the list kept
/// when it was written as it was rendered.
enum Anchors<'a> {
    Text(&'a str),
    Listed(&'a AnchorSet),
}

impl<'a> OutputIndex<'a> {
    pub fn new(site: &'a Site, output: &'a Output) -> OutputIndex<'a> {
        // A path given twice is written with its last content.
        let files = output
            .entries()
            .map(|(p, c)| {
                let anchors = match c {
                    Content::Text(t) => Some(Anchors::Text(t)),
                    Content::Shared(t) => Some(Anchors::Text(t)),
                    Content::Written(w) => Some(Anchors::Listed(&w.anchors)),
                    _ => None,
                };
                (p, anchors)
            })
            .collect();
        OutputIndex {
            files,
            root_path: &site.config.root_path,
        }
    }

    fn contains(&self, rel: &str) -> bool {
        self.files.contains_key(Path::new(rel))
    }

    /// The output file a root-relative URL path is served from, if it exists.
    fn lookup(&self, url_path: &str) -> Option<String> {
        let rel = url_path
            .strip_prefix(self.root_path)
            .or_else(|| url_path.strip_prefix(self.root_path.trim_end_matches('/')))?
            .trim_start_matches('/');
        if rel.is_empty() || rel.ends_with('/') {
            let c = format!("{rel}index.html");
            return self.contains(&c).then_some(c);
        }
        if self.contains(rel) {
            return Some(rel.to_owned());
        }
        let c = format!("{rel}/index.html");
        self.contains(&c).then_some(c)
    }

    /// The URL of a built file with this file name, for a hint.
    fn same_name(&self, name: &str) -> Option<String> {
        let mut found: Vec<String> = self
            .files
            .keys()
            .map(|p| slashed(p))
            .filter(|p| p.rsplit('/').next() == Some(name))
            .collect();
        found.sort();
        found.first().map(|p| format!("{}{p}", self.root_path))
    }

    /// Whether the HTML file at `path` has an element with this id.
    fn has_id(&self, path: &str, id: &str) -> Option<bool> {
        Some(match (*self.files.get(Path::new(path))?).as_ref()? {
            Anchors::Text(html) => anchor_set::values(html).any(|v| v == id),
            Anchors::Listed(set) => set.contains(id),
        })
    }
}

/// Every value a `#fragment` may name in `html`, sorted, each once: see
/// [`AnchorSet::of`].
pub fn anchors(html: &str) -> AnchorSet {
    AnchorSet::of(html)
}

fn slashed(p: &std::path::Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// `http:`, `mailto:`, `tel:`, `data:`, `//host`: not a file of this site.
pub fn has_scheme(url: &str) -> bool {
    if url.starts_with("//") {
        return true;
    }
    match url.find(':') {
        Some(i) => {
            let scheme = &url[..i];
            !scheme.is_empty()
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// Decodes `%20` and friends; leaves invalid sequences as they are.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(hex) = std::str::from_utf8(&b[i + 1..i + 3])
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

/// Resolves `rel` against the directory URL `base` (`/a/b/`), removing `.` and `..`.
pub fn resolve(base: &str, rel: &str) -> String {
    let joined = if rel.starts_with('/') {
        rel.to_owned()
    } else {
        let dir = match base.rfind('/') {
            Some(i) => &base[..=i],
            None => "/",
        };
        format!("{dir}{rel}")
    };
    let trailing = joined.ends_with('/') || joined.ends_with("/.") || joined.ends_with("/..");
    let mut parts: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut out = format!("/{}", parts.join("/"));
    if trailing && !out.ends_with('/') {
        out.push('/');
    }
    out
}

/// What is being checked: decides the message and hint.
#[derive(Clone, Copy, PartialEq, Eq)]
enum What {
    Link,
    Image,
}

pub fn check(doc: &Doc<'_>, index: &OutputIndex<'_>, out: &mut Vec<Diagnostic>) {
    check_found(doc, (&doc.links, &doc.images, &doc.tags), index, out);
}

/// [`check`] with the links, images and start tags found in `doc`'s file
/// given apart (kept from an earlier build), so that they are not copied
/// into a `Doc` for every page on every rebuild.
pub fn check_found(
    doc: &Doc<'_>,
    found: (&[Dest], &[Image], &[StartTag]),
    index: &OutputIndex<'_>,
    out: &mut Vec<Diagnostic>,
) {
    for (dest, what) in dests(found) {
        check_dest(doc, index, &dest, what, out);
    }
}

/// The offsets in the file at which [`check_found`] may report something
/// about `found`: where its links, images and link tags that resolve within
/// the site are. (A build keeps of a page's text only what the reports
/// after its checks locate in.)
pub fn checked_offsets<'f>(
    found: (&'f [Dest], &'f [Image], &'f [StartTag]),
) -> impl Iterator<Item = usize> + 'f {
    dests(found)
        .filter(|(d, _)| is_checked(&d.url))
        .map(|(d, _)| d.offset)
}

/// What [`check_found`] resolves: each link, image and the URL of each tag
/// that links or loads, in that order.
fn dests<'f>(
    (links, images, tags): (&'f [Dest], &'f [Image], &'f [StartTag]),
) -> impl Iterator<Item = (std::borrow::Cow<'f, Dest>, What)> {
    use std::borrow::Cow;
    let links = links.iter().map(|l| (Cow::Borrowed(l), What::Link));
    let images = images.iter().map(|i| (Cow::Borrowed(&i.dest), What::Image));
    let tags = tags.iter().filter_map(|t| {
        let (attr, what) = match t.name.as_str() {
            "a" => ("href", What::Link),
            "img" | "source" | "video" | "audio" | "track" => ("src", What::Image),
            _ => return None,
        };
        let url = t.attr(attr)?;
        let d = Dest {
            url: url.to_owned(),
            offset: t.offset,
        };
        Some((Cow::Owned(d), what))
    });
    links.chain(images).chain(tags)
}

/// Whether [`check_dest`] resolves `url` (it leaves `@/` links, which the
/// Markdown stage resolves, and URLs with a scheme).
fn is_checked(url: &str) -> bool {
    let url = url.trim();
    !(url.is_empty() || url.starts_with("@/") || has_scheme(url))
}

fn check_dest(
    doc: &Doc<'_>,
    index: &OutputIndex<'_>,
    dest: &Dest,
    what: What,
    out: &mut Vec<Diagnostic>,
) {
    if !is_checked(&dest.url) {
        return;
    }
    let url = dest.url.trim();
    let (path, fragment) = match url.split_once('#') {
        Some((p, f)) => (p, Some(percent_decode(f))),
        None => (url, None),
    };
    let path = path.split('?').next().unwrap_or(path);
    // The page's own path, only for a link to a fragment of itself.
    let page_html = || slashed(doc.output);
    let target = if path.is_empty() {
        fragment.as_ref().map(|_| page_html())
    } else {
        let resolved = resolve(doc.url, &percent_decode(path));
        match index.lookup(&resolved) {
            Some(t) => Some(t),
            None => {
                let (code, message, hint) = match what {
                    What::Image => (
                        "image",
                        format!("missing image `{url}`: nothing is built at `{resolved}`"),
                        match resolved.rsplit('/').next().and_then(|n| index.same_name(n)) {
                            Some(other) => format!(
                                "a file of that name is built at `{other}`: use that path, or make the page a bundle (a folder with index.md) with the image beside it"
                            ),
                            None => format!(
                                "put the file into the page bundle (a folder with index.md) or into static/; relative paths resolve against the page's URL `{}`",
                                doc.url
                            ),
                        },
                    ),
                    What::Link => (
                        "link",
                        format!("broken link `{url}`: nothing is built at `{resolved}`"),
                        format!(
                            "link to content by file, like `@/artikel/hba1c.md`; relative links resolve against the page's URL `{}`",
                            doc.url
                        ),
                    ),
                };
                out.push(doc.locate(
                    Diagnostic::error(code, message).with_hint(hint),
                    dest.offset,
                ));
                None
            }
        }
    };
    if let (Some(target), Some(frag)) = (target, fragment)
        && !frag.is_empty()
        && index.has_id(&target, &frag) == Some(false)
    {
        let where_ = if path.is_empty() || target == page_html() {
            "this page".to_owned()
        } else {
            format!("`{target}`")
        };
        out.push(doc.locate(
            Diagnostic::error(
                "anchor",
                format!("broken link `{url}`: {where_} has no element with id `{frag}`"),
            )
            .with_hint("link to a heading's id: its text in lower case with dashes, like `#side-effects`, or set one with `## Heading {#my-id}`"),
            dest.offset,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_urls_resolve_like_a_browser() {
        assert_eq!(resolve("/a/b/", "../c/"), "/a/c/");
        assert_eq!(resolve("/a/b/", "bild.png"), "/a/b/bild.png");
        assert_eq!(resolve("/a/b/", "./x/../y"), "/a/b/y");
        assert_eq!(resolve("/a/b/", "/z/"), "/z/");
        assert_eq!(resolve("/a/", "../../.."), "/");
    }

    #[test]
    fn schemes_are_recognised() {
        for u in [
            "https://x",
            "mailto:a@b",
            "tel:+49",
            "//cdn.x/a",
            "javascript:x",
        ] {
            assert!(has_scheme(u), "{u}");
        }
        for u in ["../a/", "a.png", "/x/", "#top", "a/b:c", ":x"] {
            assert!(!has_scheme(u), "{u}");
        }
    }

    #[test]
    fn checked_offsets_are_where_resolved_urls_are() {
        let text = "[a](../a/) [b](@/b.md) [c](https://c.example/) ![](d.png) <a href=\"/e/\">e</a> <span>f</span> <img alt=\"x\"> [g](#g)";
        let d = crate::check::test_doc(text);
        let offsets: Vec<usize> = checked_offsets((&d.links, &d.images, &d.tags)).collect();
        let at = |s: &str| text.find(s).expect(s);
        assert_eq!(offsets, [at("../a/"), at("#g"), at("d.png"), at("<a href")]);
    }

    #[test]
    fn percent_escapes_are_decoded() {
        assert_eq!(percent_decode("a%20b%C3%BC"), "a bü");
        assert_eq!(percent_decode("100%"), "100%");
    }
}
