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
        // Most `<` in built pages open end tags: only a letter or `!` can
        // start anything read here.
        let next = bytes.get(start + 1).copied().unwrap_or(0);
        if !next.is_ascii_alphabetic() {
            if next == b'!'
                && let Some(comment) = html[start..].strip_prefix("<!--")
            {
                i = match comment.find("-->") {
                    Some(e) => start + 4 + e + 3,
                    None => html.len(),
                };
            } else {
                i = start + 1;
            }
            continue;
        }
        let name_end = bytes[start + 1..]
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || *b == b'-'))
            .map_or(bytes.len(), |n| start + 1 + n);
        // The name is ASCII, so these are char boundaries.
        let raw_name = &html[start + 1..name_end];
        let mut name = std::borrow::Cow::Borrowed(raw_name);
        if raw_name.bytes().any(|b| b.is_ascii_uppercase()) {
            name = raw_name.to_ascii_lowercase().into();
        }
        if keep(&name) {
            let (attrs, end) = attributes(html, name_end);
            out.push(StartTag {
                name: name.to_string(),
                attrs,
                offset: start,
            });
            i = end;
        } else {
            i = tag_end(html, name_end);
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
/// `at`, where [`scan_attributes`] would end, without reading names: outside
/// values only `=` and `>` matter. After an `=`, a value in quotes runs to
/// the same quote and one without to the next space or `>`; other quotes
/// are plain characters (as in `<p a"b>`), so the next `=` or `>` is all
/// there is to find. Built pages hold hundreds of tags that load nothing.
fn tag_end(html: &str, mut at: usize) -> usize {
    let b = html.as_bytes();
    loop {
        let Some(rel) = b.get(at..).and_then(|r| memchr::memchr2(b'>', b'=', r)) else {
            return b.len();
        };
        let p = at + rel;
        if b[p] == b'>' {
            return p + 1;
        }
        at = p + 1;
        while at < b.len() && b[at].is_ascii_whitespace() {
            at += 1;
        }
        match b.get(at) {
            Some(&q) if q == b'"' || q == b'\'' => match memchr::memchr(q, &b[at + 1..]) {
                Some(e) => at += 1 + e + 1,
                None => return b.len(),
            },
            _ => {
                while at < b.len() && !b[at].is_ascii_whitespace() && b[at] != b'>' {
                    at += 1;
                }
            }
        }
    }
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

    /// Every string over a small alphabet of the characters that matter,
    /// up to `len` long.
    fn strings(alphabet: &[&str], len: usize) -> Vec<String> {
        let mut all = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..len {
            last = last
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            all.extend(last.iter().cloned());
        }
        all
    }

    #[test]
    fn tag_end_ends_where_the_attribute_reader_ends() {
        // Quotes, `=`, `>`, `/`, spaces, a letter and a multi-byte letter.
        let alphabet = ["a", "=", "\"", "'", ">", " ", "/", "é", "\n"];
        for s in strings(&alphabet, 6) {
            for at in (0..=s.len()).filter(|&i| s.is_char_boundary(i)) {
                assert_eq!(
                    tag_end(&s, at),
                    scan_attributes(&s, at, |_, _| {}),
                    "{s:?} from {at}"
                );
            }
        }
    }

    #[test]
    fn tag_end_edge_cases() {
        assert_eq!(tag_end("", 0), 0);
        assert_eq!(tag_end(" a", 0), 2);
        // `>` in a quoted value; an `=` inside an unquoted value opens nothing.
        assert_eq!(tag_end(" t='a>b'>x", 0), 9);
        assert_eq!(tag_end(" a=b=\"c>d\">", 0), 8);
        // Quotes in a name are plain characters; an unclosed quote runs to the end.
        assert_eq!(tag_end(" a\"b>c\">", 0), 5);
        assert_eq!(tag_end(" a=\"b>", 0), 6);
        assert_eq!(tag_end(" alt=\"Blutdrucküberwachung\">ü", 0), 29);
    }

    #[test]
    fn start_tags_where_matches_start_tags() {
        let html = "<p>x</p><!-- <img src=a> --><!x><a href=\"/b\" title='<img src=c>'>é</a>< img src=d><Img SRC=e><span class=k>&lt;img src=f&gt;</span><script>'<img src=g>'</script><img src=h";
        let kept: Vec<StartTag> = start_tags(html)
            .into_iter()
            .filter(|t| t.name == "img")
            .collect();
        assert_eq!(start_tags_where(html, |n| n == "img"), kept);
        let srcs: Vec<&str> = kept.iter().filter_map(|t| t.attr("src")).collect();
        assert_eq!(srcs, ["e", "h"]);
        assert!(start_tags_where("", |_| true).is_empty());
        assert!(start_tags_where("<", |_| true).is_empty());
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
