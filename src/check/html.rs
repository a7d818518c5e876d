//! A small, forgiving scanner for start tags in raw HTML: enough to find
//! `src`, `href`, `alt` and `on…` attributes, not a full HTML parser.

use std::borrow::Cow;

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

/// A start tag read in place, for a site's worth of built pages: its name
/// and attribute values borrowed from the scanned text, copied only where
/// they differ from it (an upper-case tag name, a value with an entity).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagRef<'a> {
    /// The name in lower case.
    pub name: Cow<'a, str>,
    /// Attribute names as written; values with entities decoded.
    attrs: Vec<(&'a str, Option<Cow<'a, str>>)>,
    /// Byte offset of the `<` in the scanned text.
    pub offset: usize,
}

impl TagRef<'_> {
    /// The value of an attribute named `name` (in lower case) in any case
    /// (`Some("")` for a bare attribute).
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_deref().unwrap_or(""))
    }

    /// The same tag with its names in lower case, all copied.
    pub fn to_start_tag(&self) -> StartTag {
        StartTag {
            name: self.name.clone().into_owned(),
            attrs: self
                .attrs
                .iter()
                .map(|(n, v)| (n.to_ascii_lowercase(), v.clone().map(Cow::into_owned)))
                .collect(),
            offset: self.offset,
        }
    }
}

/// What the checks read of a start tag, copied ([`StartTag`]) or read in
/// place ([`TagRef`]).
pub trait Tag {
    /// The name in lower case.
    fn name(&self) -> &str;
    /// The value of an attribute named `name` (in lower case).
    fn attr(&self, name: &str) -> Option<&str>;
}

impl Tag for StartTag {
    fn name(&self) -> &str {
        &self.name
    }

    fn attr(&self, name: &str) -> Option<&str> {
        StartTag::attr(self, name)
    }
}

impl Tag for TagRef<'_> {
    fn name(&self) -> &str {
        &self.name
    }

    fn attr(&self, name: &str) -> Option<&str> {
        TagRef::attr(self, name)
    }
}

/// Every start tag in `html`, skipping comments, end tags and the contents of
/// `<script>` and `<style>` elements.
pub fn start_tags(html: &str) -> Vec<StartTag> {
    start_tags_where(html, |_| true)
}

/// [`start_tags`], keeping only tags whose name passes `keep` (given in
/// lower case); the others are stepped over without reading their
/// attributes.
pub fn start_tags_where(html: &str, keep: impl Fn(&str) -> bool) -> Vec<StartTag> {
    let last = last_that_matters(html, |at| {
        let (name, _) = tag_name(html, at);
        keep(&name) || name == "script" || name == "style"
    });
    scan_to(html, last, keep)
        .iter()
        .map(TagRef::to_start_tag)
        .collect()
}

/// [`start_tags_where`] keeping the tags named in `names` (in lower case),
/// for a site's worth of built pages. Past the last `<` that could start
/// one of them, a script, a style or a comment ([`last_that_matters`]),
/// nothing more can be kept, so the scan stops there: in a built page that
/// is the end of `<head>`. The rest is looked at only where a `<` is, and
/// at most three letters after it. The tags are read in place.
pub fn start_tags_named<'a>(html: &'a str, names: &[&str]) -> Vec<TagRef<'a>> {
    let prefixes = Prefixes::of(names.iter().chain(&["script", "style"]));
    let last = last_that_matters(html, |at| {
        prefixes.may_start(html.as_bytes(), at) && {
            let (name, _) = tag_name(html, at);
            names.contains(&&*name) || name == "script" || name == "style"
        }
    });
    scan_to(html, last, |name| names.contains(&name))
}

/// The first three letters of a set of tag names, as a table: whether a
/// name of the set can start at a `<` is three lookups. (Two letters let
/// through `<li>` for `link`, `<em>` for `embed`, `<strong>` for `style`.)
struct Prefixes([[u32; 27]; 27]);

/// The class of a name's byte: a letter's place in the alphabet (any
/// case), else 26.
static CLASS: [u8; 256] = {
    let mut t = [26u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_alphabetic() {
            t[b] = c.to_ascii_lowercase() - b'a';
        }
        b += 1;
    }
    t
};

impl Prefixes {
    fn class(b: Option<&u8>) -> usize {
        b.map_or(26, |&c| usize::from(CLASS[usize::from(c)]))
    }

    fn of<'a>(names: impl Iterator<Item = &'a &'a str>) -> Prefixes {
        let mut table = [[0u32; 27]; 27];
        for name in names {
            let b = name.as_bytes();
            // A name of fewer than three letters may be followed by anything.
            let third = if b.len() < 3 {
                (1 << 27) - 1
            } else {
                1 << Prefixes::class(b.get(2))
            };
            table[Prefixes::class(b.first())][Prefixes::class(b.get(1))] |= third;
        }
        Prefixes(table)
    }

    /// Whether the tag whose `<` is at `at` in `bytes` may have a name of
    /// the set: false for certain when its first three letters are no
    /// name's, whatever their case.
    fn may_start(&self, bytes: &[u8], at: usize) -> bool {
        let row = self.0[Prefixes::class(bytes.get(at + 1))][Prefixes::class(bytes.get(at + 2))];
        row & 1 << Prefixes::class(bytes.get(at + 3)) != 0
    }
}

/// The scan behind [`start_tags_where`], up to the `<` at `last`
/// (`None`: nothing to scan).
fn scan_to<'a>(html: &'a str, last: Option<usize>, keep: impl Fn(&str) -> bool) -> Vec<TagRef<'a>> {
    let Some(last) = last else {
        return Vec::new();
    };
    let bytes = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i <= last {
        // Tags are dense in built pages: memchr's plain byte search costs
        // less per call than `str::find`.
        let Some(rel) = bytes.get(i..).and_then(|b| memchr::memchr(b'<', b)) else {
            break;
        };
        let start = i + rel;
        // Most `<` in built pages open end tags: only a letter or `!` can
        // start anything read here.
        let next = bytes.get(start + 1).copied().unwrap_or(0);
        if !next.is_ascii_alphabetic() {
            if is_comment(bytes, start) {
                i = match memchr::memmem::find(&bytes[start + 4..], b"-->") {
                    Some(e) => start + 4 + e + 3,
                    None => html.len(),
                };
            } else {
                i = start + 1;
            }
            continue;
        }
        let (name, name_end) = tag_name(html, start);
        if keep(&name) {
            let mut attrs = Vec::new();
            i = scan_attributes(html, name_end, |name, value| {
                attrs.push((name, value.map(decode_entities)));
            });
            if name == "script" || name == "style" {
                i = closing_tag(html, i, &name);
            }
            out.push(TagRef {
                name,
                attrs,
                offset: start,
            });
        } else {
            i = tag_end(html, name_end);
            if name == "script" || name == "style" {
                i = closing_tag(html, i, &name);
            }
        }
    }
    out
}

/// Whether a comment (`<!--`) starts at `at`.
fn is_comment(bytes: &[u8], at: usize) -> bool {
    bytes.get(at..).is_some_and(|b| b.starts_with(b"<!--"))
}

/// The lower-cased name of the tag whose `<` (followed by a letter) is at
/// `start`, and where the name ends.
fn tag_name(html: &str, start: usize) -> (Cow<'_, str>, usize) {
    let bytes = html.as_bytes();
    // One pass for both the end and whether any letter is upper case: this
    // runs for every start tag of every built page.
    let mut end = start + 1;
    let mut upper = false;
    while let Some(&b) = bytes.get(end) {
        if !NAME_BYTES[usize::from(b)] {
            break;
        }
        upper |= b.is_ascii_uppercase();
        end += 1;
    }
    // The name is ASCII, so these are char boundaries.
    let raw_name = &html[start + 1..end];
    if upper {
        (raw_name.to_ascii_lowercase().into(), end)
    } else {
        (raw_name.into(), end)
    }
}

/// The bytes of a tag name: ASCII letters, digits and `-`.
static NAME_BYTES: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'-';
        b += 1;
    }
    t
};

/// The last `<` in `html` at which the scan could keep a tag or step over
/// more than one tag (a script, a style, a comment), found from the end:
/// `tag_matters` says it of a `<` followed by a letter. Wherever the scan
/// stands after it, every later `<` opens a tag that is not kept, an end
/// tag or nothing, so the scan can stop there.
fn last_that_matters(html: &str, tag_matters: impl Fn(usize) -> bool) -> Option<usize> {
    let bytes = html.as_bytes();
    let mut end = bytes.len();
    let back = BackSearch::new();
    while let Some(at) = back.rfind(&bytes[..end]) {
        let matters = match bytes.get(at + 1) {
            Some(c) if c.is_ascii_alphabetic() => tag_matters(at),
            _ => is_comment(bytes, at),
        };
        if matters {
            return Some(at);
        }
        end = at;
    }
    None
}

/// The search for the last `<` before a point. A page's body has one every
/// few dozen bytes and each is a new search, so the cost is in starting
/// one: on x86-64 with AVX2, memchr's searcher for it is called directly,
/// not through the choice `memrchr` makes on every call.
struct BackSearch {
    #[cfg(target_arch = "x86_64")]
    avx2: Option<memchr::arch::x86_64::avx2::memchr::One>,
}

impl BackSearch {
    fn new() -> BackSearch {
        BackSearch {
            #[cfg(target_arch = "x86_64")]
            avx2: memchr::arch::x86_64::avx2::memchr::One::new(b'<'),
        }
    }

    fn rfind(&self, hay: &[u8]) -> Option<usize> {
        #[cfg(target_arch = "x86_64")]
        if let Some(one) = &self.avx2 {
            return one.rfind(hay);
        }
        memchr::memrchr(b'<', hay)
    }
}

/// Where `</name` (any case) starts at or after `from`, else the end.
fn closing_tag(html: &str, from: usize, name: &str) -> usize {
    let b = html.as_bytes();
    let mut i = from;
    while let Some(at) = memchr::memmem::find(&b[i..], b"</").map(|r| i + r) {
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
/// there is to find. Tags are short (a built page's average about 33
/// bytes): a call to memchr costs more than it saves on so few bytes, and
/// a loop over single bytes as much, so [`find2`] looks at eight at a time.
fn tag_end(html: &str, mut at: usize) -> usize {
    let b = html.as_bytes();
    loop {
        let Some(rel) = b.get(at..).and_then(|r| find2(r, b'>', b'=')) else {
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
            Some(&q) if q == b'"' || q == b'\'' => match find2(&b[at + 1..], q, q) {
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

/// Every byte of a word set to `x`.
const fn splat(x: u8) -> u64 {
    0x0101_0101_0101_0101 * x as u64
}

/// The high bit of each zero byte of `w` set; above the lowest zero byte
/// others may be set too, so only the lowest set bit is exact.
const fn zero_bytes(w: u64) -> u64 {
    w.wrapping_sub(splat(1)) & !w & splat(0x80)
}

/// Where `hay` first holds `x` or `y`: eight bytes at a time, in a word.
fn find2(hay: &[u8], x: u8, y: u8) -> Option<usize> {
    let (wx, wy) = (splat(x), splat(y));
    let mut chunks = hay.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        let w = chunk.try_into().map_or(0, u64::from_le_bytes);
        let hits = zero_bytes(w ^ wx) | zero_bytes(w ^ wy);
        if hits != 0 {
            return Some(base + (hits.trailing_zeros() / 8) as usize);
        }
        base += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&c| c == x || c == y)
        .map(|i| base + i)
}

/// Parses attributes from `at` to the closing `>`; returns them and the offset after it.
#[cfg(test)]
fn attributes(html: &str, at: usize) -> (Vec<(String, Option<String>)>, usize) {
    let mut attrs = Vec::new();
    let end = scan_attributes(html, at, |name, value| {
        attrs.push((
            name.to_ascii_lowercase(),
            value.map(|v| decode_entities(v).into_owned()),
        ));
    });
    (attrs, end)
}

/// Reads attributes from `at` to the closing `>`, handing each name and raw
/// value to `on`; returns the offset after the `>`.
fn scan_attributes<'a>(
    html: &'a str,
    mut at: usize,
    mut on: impl FnMut(&'a str, Option<&'a str>),
) -> usize {
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

/// Decodes the few entities that matter in URLs; a value without `&` is
/// borrowed as it is.
fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.replace("&amp;", "&")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&#x27;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scanner as it was before it learnt to report `=` and to step
    /// over tags with plain byte loops: the reference for the tests below.
    mod reference {
        use super::super::{StartTag, attributes};

        pub fn start_tags_where(html: &str, keep: impl Fn(&str) -> bool) -> Vec<StartTag> {
            let bytes = html.as_bytes();
            let mut out = Vec::new();
            let mut i = 0;
            while let Some(rel) = bytes.get(i..).and_then(|b| memchr::memchr(b'<', b)) {
                let start = i + rel;
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
                let name = html[start + 1..name_end].to_ascii_lowercase();
                if keep(&name) {
                    let (attrs, end) = attributes(html, name_end);
                    out.push(StartTag {
                        name: name.clone(),
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

        fn closing_tag(html: &str, from: usize, name: &str) -> usize {
            let b = html.as_bytes();
            let mut i = from;
            while let Some(at) = html[i..].find("</").map(|r| i + r) {
                let end = at + 2 + name.len();
                if end <= b.len() && b[at + 2..end].eq_ignore_ascii_case(name.as_bytes()) {
                    return at;
                }
                i = at + 2;
            }
            html.len()
        }

        pub fn tag_end(html: &str, mut at: usize) -> usize {
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
    }

    /// The scanner against the reference: the same tags, whatever it keeps.
    fn assert_same_as_reference(html: &str) {
        let sets: [&[&str]; 5] = [
            &["img"],
            &["script"],
            &["a", "img"],
            &["link", "iframe", "i", "style"],
            &[],
        ];
        for names in sets {
            let want = reference::start_tags_where(html, |n| names.contains(&n));
            let named: Vec<StartTag> = start_tags_named(html, names)
                .iter()
                .map(TagRef::to_start_tag)
                .collect();
            assert_eq!(named, want, "{html:?} {names:?}");
            assert_eq!(
                start_tags_where(html, |n| names.contains(&n)),
                want,
                "{html:?} {names:?}"
            );
        }
        assert_eq!(
            start_tags(html),
            reference::start_tags_where(html, |_| true),
            "{html:?}"
        );
    }

    #[test]
    fn scanner_matches_the_reference_on_every_short_string() {
        let alphabet = [
            "<", ">", "=", "\"", "'", " ", "a", "/", "é", "!--", "-->", "img", "SCRIPT", "Li",
        ];
        for s in strings(&alphabet, 5) {
            assert_same_as_reference(&s);
        }
    }

    #[test]
    fn scanner_matches_the_reference_on_longer_random_strings() {
        // Longer than a word, so that the eight-byte steps meet every case.
        let alphabet = [
            "<",
            ">",
            "=",
            "\"",
            "'",
            " ",
            "a",
            "/",
            "é",
            "!--",
            "-->",
            "img",
            "SCRIPT",
            "<p ",
            "class=\"hl-k\"",
            " src=",
            "id=",
            "name=\"",
            "</script>",
            "\n",
            "bcdefghijk",
        ];
        for html in
            crate::check::random_text::joined(&alphabet, 0x9e37_79b9_7f4a_7c15_u64, 20_000, 40)
        {
            assert_same_as_reference(&html);
        }
    }

    #[test]
    fn scanner_matches_the_reference_on_edge_cases() {
        for html in [
            "",
            "<",
            "<img",
            "<img src=",
            "<img src=\"a",
            "<img src='a>b' alt=x>",
            "<p title=\"<img src=a>\">x</p><img src=b>",
            "<!-- <img src=a id=x> --><img src=b>",
            "<!-- unclosed <img src=a>",
            "<script>if (a<b && c=d) { '<img src=y id=z>' }</SCRIPT ><img src=c>",
            "<style>p{}</style><img src=d>",
            "<script>never closed <img src=e>",
            "<![CDATA[ <img src=f> ]]><img src=g>",
            "<IMG SRC=h ID=up><Img Src=\"i\">",
            "<p a=b=\"c>d\" id=q>",
            "<p a\"b>c\">",
            "<p class=\"ü\" title='Blutdrucküberwachung'>ß<img alt=\"é=è\" src=j>",
            "<a href=\"/x?id=1&amp;b=2\">x</a><img src = 'k' >",
            "<p\nid\n=\n\"l\"\n><img/src=m>",
            "</img src=n><img src=o",
            "<h2 id=\"side-effects\">x</h2><a name=\"top\"></a><i id=raw>",
        ] {
            assert_same_as_reference(html);
        }
    }

    #[test]
    fn scanner_matches_the_reference_on_built_pages() {
        // What a built page holds most: head links, scripts, highlighted
        // code, escaped text.
        let page = "<!DOCTYPE html>\n<html lang=\"de\"><head><meta charset=\"utf-8\"><link rel=\"stylesheet\" href=\"/style.css\"><script src=\"/clinic.js\" defer></script><script type=\"application/ld+json\">{\"name\":\"a=b\"}</script></head><body><pre><code><span class=\"hl-k\">let</span> x <span class=\"hl-o\">=</span> 1;</code></pre><p>a &lt;b&gt; c=d</p><img src=\"https://cdn.example/x.png\" srcset=\"a.png 1x, https://c.example/b.png 2x\" alt=\"\"></body></html>";
        assert_same_as_reference(page);
    }

    #[test]
    fn find2_finds_the_first_of_two_bytes() {
        let hay: Vec<u8> = (0..40u8).map(|i| b'a' + i % 26).collect();
        for len in 0..hay.len() {
            for (x, y) in [(b'c', b'c'), (b'z', b'd'), (b'q', b'>'), (b'>', b'=')] {
                let h = &hay[..len];
                let want = h.iter().position(|&c| c == x || c == y);
                assert_eq!(find2(h, x, y), want, "{len} {x} {y}");
            }
        }
        // Bytes next to a hit, and high bytes, are no hits.
        assert_eq!(find2("ü=é\"".as_bytes(), b'"', b'"'), Some(5));
        assert_eq!(
            find2(&[0x3d ^ 1, 0x3d + 1, 0xbd, 0x3d], b'=', b'='),
            Some(3)
        );
    }

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
