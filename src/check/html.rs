//! A small, forgiving scanner for start tags in raw HTML: enough to find
//! `src`, `href`, `alt` and `on…` attributes, not a full HTML parser.

/// One start tag, with lower-cased names and raw attribute values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartTag {
    pub name: String,
    pub attrs: Vec<(String, Option<String>)>,
    /// Byte offset of the `<` in the scanned text.
    pub offset: usize,
}

impl StartTag {
    /// The value of an attribute (`Some("")` for a bare attribute).
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_deref().unwrap_or(""))
    }

    pub fn has(&self, name: &str) -> bool {
        self.attrs.iter().any(|(n, _)| n == name)
    }
}

/// Every start tag in `html`, skipping comments, end tags and the contents of
/// `<script>` and `<style>` elements.
pub fn start_tags(html: &str) -> Vec<StartTag> {
    start_tags_where(html, |_| true)
}

/// [`start_tags`], keeping only tags whose name passes `keep` (given in
/// lower case); the others are stepped over without reading their
/// attributes, which matters on a site's worth of built pages.
pub fn start_tags_where(html: &str, keep: impl Fn(&str) -> bool) -> Vec<StartTag> {
    let bytes = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    // Tags are dense in built pages: memchr's plain byte search costs less
    // per call than `str::find`.
    while let Some(rel) = bytes.get(i..).and_then(|b| memchr::memchr(b'<', b)) {
        let start = i + rel;
        let rest = &html[start..];
        if bytes.get(start + 1) == Some(&b'!')
            && let Some(comment) = rest.strip_prefix("<!--")
        {
            i = match comment.find("-->") {
                Some(e) => start + 4 + e + 3,
                None => html.len(),
            };
            continue;
        }
        let name_len = rest[1..]
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-')
            .count();
        if name_len == 0 || !bytes[start + 1].is_ascii_alphabetic() {
            i = start + 1;
            continue;
        }
        let raw_name = &rest[1..1 + name_len];
        let mut name = std::borrow::Cow::Borrowed(raw_name);
        if raw_name.bytes().any(|b| b.is_ascii_uppercase()) {
            name = raw_name.to_ascii_lowercase().into();
        }
        if keep(&name) {
            let (attrs, end) = attributes(html, start + 1 + name_len);
            out.push(StartTag {
                name: name.to_string(),
                attrs,
                offset: start,
            });
            i = end;
        } else {
            i = tag_end(html, start + 1 + name_len);
        }
        if name == "script" || name == "style" {
            i = closing_tag(html, i, &name);
        }
    }
    out
}

/// Where `</name` (any case) starts at or after `from`, else the end.
fn closing_tag(html: &str, from: usize, name: &str) -> usize {
    let b = html.as_bytes();
    let mut i = from;
    while let Some(at) = super::text_scan::find_from(html, i, "</") {
        let end = at + 2 + name.len();
        if end <= b.len() && b[at + 2..end].eq_ignore_ascii_case(name.as_bytes()) {
            return at;
        }
        i = at + 2;
    }
    html.len()
}

/// The offset after the `>` that closes a tag whose attributes start at
/// `at`, read exactly as [`attributes`] reads them, without keeping any.
fn tag_end(html: &str, at: usize) -> usize {
    scan_attributes(html, at, |_, _| {})
}

/// Parses attributes from `at` to the closing `>`; returns them and the offset after it.
fn attributes(html: &str, at: usize) -> (Vec<(String, Option<String>)>, usize) {
    let mut attrs = Vec::new();
    let end = scan_attributes(html, at, |name, value| {
        attrs.push((name.to_ascii_lowercase(), value.map(decode_entities)));
    });
    (attrs, end)
}

/// Reads attributes from `at` to the closing `>`, handing each name and raw
/// value to `on`; returns the offset after the `>`.
fn scan_attributes(html: &str, mut at: usize, mut on: impl FnMut(&str, Option<&str>)) -> usize {
    let b = html.as_bytes();
    loop {
        while at < b.len() && (b[at].is_ascii_whitespace() || b[at] == b'/') {
            at += 1;
        }
        if at >= b.len() {
            return at;
        }
        if b[at] == b'>' {
            return at + 1;
        }
        let name_start = at;
        while at < b.len() && !b[at].is_ascii_whitespace() && !matches!(b[at], b'=' | b'>' | b'/') {
            at += 1;
        }
        let name = &html[name_start..at];
        while at < b.len() && b[at].is_ascii_whitespace() {
            at += 1;
        }
        if at < b.len() && b[at] == b'=' {
            at += 1;
            while at < b.len() && b[at].is_ascii_whitespace() {
                at += 1;
            }
            let value = if at < b.len() && (b[at] == b'"' || b[at] == b'\'') {
                // Values are short: a plain loop beats a call to memchr.
                let q = b[at];
                let vs = at + 1;
                let ve = b[vs..]
                    .iter()
                    .position(|&c| c == q)
                    .map_or(html.len(), |e| vs + e);
                at = (ve + 1).min(html.len());
                &html[vs..ve]
            } else {
                let vs = at;
                while at < b.len() && !b[at].is_ascii_whitespace() && b[at] != b'>' {
                    at += 1;
                }
                &html[vs..at]
            };
            on(name, Some(value));
        } else if !name.is_empty() {
            on(name, None);
        }
    }
}

/// Decodes the few entities that matter in URLs.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    s.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skipped_tags_end_where_read_tags_end() {
        let html = "<a title='x>y' href=\"b\">t</a><p x= \"a>b\" y=c>d<img src=z><SCRIPT>if (a<b) {}</script ><img src=w><style>p{}</STYLE><img src=v>";
        let all: Vec<(String, usize)> = start_tags(html)
            .into_iter()
            .filter(|t| t.name == "img")
            .map(|t| (t.attr("src").unwrap_or("").to_owned(), t.offset))
            .collect();
        let imgs: Vec<(String, usize)> = start_tags_where(html, |n| n == "img")
            .into_iter()
            .map(|t| (t.attr("src").unwrap_or("").to_owned(), t.offset))
            .collect();
        assert_eq!(imgs, all);
        let srcs: Vec<&str> = imgs.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(srcs, ["z", "w", "v"]);
    }

    #[test]
    fn finds_tags_attributes_and_offsets() {
        let html = "<p>Hi <img src=\"a.png\" alt=''>\n<!-- <img src=x> --><IFRAME SRC=https://x.example/v allowfullscreen></iframe>";
        let tags = start_tags(html);
        let names: Vec<_> = tags.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["p", "img", "iframe"]);
        assert_eq!(tags[1].attr("src"), Some("a.png"));
        assert_eq!(tags[1].attr("alt"), Some(""));
        assert_eq!(tags[1].offset, 6);
        assert_eq!(tags[2].attr("src"), Some("https://x.example/v"));
        assert!(tags[2].has("allowfullscreen"));
        assert!(!tags[2].has("alt"));
    }

    #[test]
    fn skips_script_bodies_and_end_tags() {
        let tags = start_tags(
            "<script>if (a<b) { x = '<img src=y>' }</script></p><a href='/x?a=1&amp;b=2'>",
        );
        let names: Vec<_> = tags.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["script", "a"]);
        assert_eq!(tags[1].attr("href"), Some("/x?a=1&b=2"));
    }
}
