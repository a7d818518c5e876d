//! The values a `#fragment` link may name in one built file, kept compactly
//! for the link check: every built page is scanned once as it is written,
//! and what is kept must cost little to build and to hold for 10,000 pages.
//! So the values are found with two searches built once for HTML, sorted as slices of
//! the page on a short numeric key, and copied into one string with their
//! end offsets: two allocations a page instead of one per value.

use std::sync::OnceLock;

use memchr::memmem::{Finder, FinderBuilder};

/// The distinct values of a file's `id=…` and `name="…"` attributes, sorted
/// byte-wise, all in one string.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnchorSet {
    /// The values one after another.
    text: String,
    /// Where each value ends in `text`; it starts where the one before ends.
    ends: Box<[usize]>,
}

impl AnchorSet {
    /// Every value a `#fragment` may name in `html`: what follows `id="`,
    /// `id='` or `name="` up to the closing quote, and what follows an
    /// unquoted `id=` up to the `>`. Like a text search, it also reads
    /// `data-id="…"` and attributes in scripts.
    pub fn of(html: &str) -> AnchorSet {
        let mut values: Vec<(u64, &str)> = values(html).map(|v| (key(v), v)).collect();
        values.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
        values.dedup_by(|a, b| a.1 == b.1);
        let mut text = String::with_capacity(values.iter().map(|(_, v)| v.len()).sum());
        let ends = values
            .iter()
            .map(|(_, v)| {
                text.push_str(v);
                text.len()
            })
            .collect();
        AnchorSet { text, ends }
    }

    /// The values, sorted.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.ends.len()).map(|i| self.get(i))
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Whether `value` is one of the values.
    pub fn contains(&self, value: &str) -> bool {
        let (mut lo, mut hi) = (0, self.ends.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.get(mid).cmp(value) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return true,
            }
        }
        false
    }

    fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        // Each value was pushed whole, so both ends are char boundaries.
        &self.text[start..self.ends[i]]
    }
}

/// The first eight bytes of `v`, big-endian, zero-padded: comparing keys
/// orders like comparing the values, except that equal keys need the
/// values compared.
fn key(v: &str) -> u64 {
    let mut k = [0u8; 8];
    let n = v.len().min(8);
    k[..n].copy_from_slice(&v.as_bytes()[..n]);
    u64::from_be_bytes(k)
}

/// The values of [`AnchorSet::of`], in no particular order, repeats included.
pub(crate) fn values(html: &str) -> impl Iterator<Item = &str> {
    let value_after = move |start: usize| -> Option<&str> {
        let rest = html.get(start..)?;
        match rest.as_bytes().first()? {
            &q @ (b'"' | b'\'') => {
                let v = &rest[1..];
                memchr::memchr(q, v.as_bytes()).map(|end| &v[..end])
            }
            _ => memchr::memchr(b'>', rest.as_bytes()).map(|end| &rest[..end]),
        }
    };
    let (ids, names) = searches();
    let ids = ids
        .find_iter(html.as_bytes())
        .filter_map(move |i| value_after(i + 3));
    let names = names
        .find_iter(html.as_bytes())
        .filter_map(move |i| value_after(i + 5));
    ids.chain(names)
}

/// The searches for `id=` and `name="`, built once.
fn searches() -> &'static (Search, Search) {
    static SEARCHES: OnceLock<(Search, Search)> = OnceLock::new();
    SEARCHES.get_or_init(|| (Search::new(b"id=", (1, 2)), Search::new(b"name=\"", (2, 4))))
}

/// A search for one needle that looks first for two of its bytes chosen
/// for HTML. memchr's own choice is ranked for prose, where `=` and `"`
/// are rare, but in HTML `="` ends every attribute name: for `name="` it
/// would stop at every attribute. Where the processor allows (x86-64 with
/// AVX2) the pair is given outright; elsewhere memchr picks it with a
/// ranking for HTML.
struct Search {
    needle: &'static [u8],
    any: Finder<'static>,
    #[cfg(target_arch = "x86_64")]
    pair: Option<memchr::arch::x86_64::avx2::packedpair::Finder>,
}

impl Search {
    /// `pair`: the indices in `needle` of the two bytes to look for first.
    fn new(needle: &'static [u8], pair: (u8, u8)) -> Search {
        #[cfg(not(target_arch = "x86_64"))]
        let _ = pair;
        Search {
            needle,
            any: FinderBuilder::new().build_forward_with_ranker(HtmlRank, needle),
            #[cfg(target_arch = "x86_64")]
            pair: memchr::arch::all::packedpair::Pair::with_indices(needle, pair.0, pair.1)
                .and_then(|p| memchr::arch::x86_64::avx2::packedpair::Finder::with_pair(needle, p)),
        }
    }

    /// Where the needle next starts at or after `at`.
    fn find_from(&self, hay: &[u8], at: usize) -> Option<usize> {
        let rest = hay.get(at..)?;
        #[cfg(target_arch = "x86_64")]
        if let Some(f) = &self.pair
            && rest.len() >= f.min_haystack_len()
        {
            return f.find(rest, self.needle).map(|i| at + i);
        }
        self.any.find(rest).map(|i| at + i)
    }

    /// Where the needle starts in `hay`, each match after the one before.
    fn find_iter<'h>(&'h self, hay: &'h [u8]) -> impl Iterator<Item = usize> + 'h {
        let mut at = 0;
        std::iter::from_fn(move || {
            let i = self.find_from(hay, at)?;
            at = i + self.needle.len();
            Some(i)
        })
    }
}

/// How common a byte is in built HTML (higher: more common), for the
/// bytes of the two needles; others as common as letters.
struct HtmlRank;

impl memchr::arch::all::packedpair::HeuristicFrequencyRank for HtmlRank {
    fn rank(&self, byte: u8) -> u8 {
        match byte {
            b'"' => 255,
            b'a' | b'e' | b'n' | b'i' => 240,
            b'=' => 200,
            b'd' => 190,
            b'm' => 150,
            _ => 230,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The list as it was kept before: one boxed value each, sorted.
    mod reference {
        pub fn anchors(html: &str) -> Box<[Box<str>]> {
            let mut v: Vec<&str> = anchor_values(html).collect();
            v.sort_unstable();
            v.dedup();
            v.into_iter().map(Box::from).collect()
        }

        fn anchor_values(html: &str) -> impl Iterator<Item = &str> {
            let value_after = move |start: usize| -> Option<&str> {
                let rest = &html[start..];
                match rest.as_bytes().first()? {
                    &q @ (b'"' | b'\'') => {
                        let v = &rest[1..];
                        v.find(char::from(q)).map(|end| &v[..end])
                    }
                    _ => rest.find('>').map(|end| &rest[..end]),
                }
            };
            let ids = memchr::memmem::find_iter(html.as_bytes(), b"id=")
                .filter_map(move |i| value_after(i + 3));
            let names = memchr::memmem::find_iter(html.as_bytes(), b"name=\"")
                .filter_map(move |i| value_after(i + 5));
            ids.chain(names)
        }
    }

    pub(crate) fn assert_same_as_reference(html: &str) {
        let set = AnchorSet::of(html);
        let want = reference::anchors(html);
        let got: Vec<&str> = set.iter().collect();
        let want_list: Vec<&str> = want.iter().map(|v| &**v).collect();
        assert_eq!(got, want_list, "{html:?}");
        assert_eq!(set.len(), want.len());
        for v in &want_list {
            assert!(set.contains(v), "{v:?} in {html:?}");
        }
        // Probes that are not values: near misses of each value, and others.
        for v in &want_list {
            let half: String = v.chars().take(v.chars().count() / 2).collect();
            for probe in [format!("{v}x"), format!("x{v}"), half] {
                assert_eq!(
                    set.contains(&probe),
                    want.binary_search_by(|w| (**w).cmp(&probe)).is_ok(),
                    "{probe:?} in {html:?}"
                );
            }
        }
        for probe in ["", "a", "top", "zzz", "\u{10ffff}"] {
            assert_eq!(
                set.contains(probe),
                want.binary_search_by(|w| (**w).cmp(probe)).is_ok()
            );
        }
    }

    #[test]
    fn anchors_are_the_values_a_text_search_would_find() {
        let html = "<h2 id=\"side-effects\">x</h2><a name=\"top\"></a><p id='q'><i id=raw>\
                    <div data-id=\"d\"><meta name=\"viewport\"><h3 id=\"side-effects\">";
        let set = AnchorSet::of(html);
        let names: Vec<&str> = set.iter().collect();
        assert_eq!(names, ["d", "q", "raw", "side-effects", "top", "viewport"]);
        assert!(set.contains("top") && !set.contains("to") && !set.contains("topp"));
        assert!(
            AnchorSet::of("<p id=\"open").is_empty(),
            "an unclosed value names nothing"
        );
        assert_same_as_reference(html);
    }

    #[test]
    fn keys_order_like_the_values() {
        let mut vs = [
            "",
            "a",
            "a\0",
            "a\0b",
            "ab",
            "abcdefgh",
            "abcdefghi",
            "abcdefgh\0",
            "b",
            "é",
            "ü1",
        ];
        vs.sort_unstable_by(|a, b| key(a).cmp(&key(b)).then_with(|| a.cmp(b)));
        let mut plain = vs;
        plain.sort_unstable();
        assert_eq!(vs, plain);
    }

    #[test]
    fn same_as_the_reference_on_edge_cases() {
        for html in [
            "",
            "id=",
            "id=\"",
            "id='a\"b'",
            "id=\"a'b\"",
            "id=>",
            "id=x y>",
            "name=\"n\" name='m' name=o>",
            "<p ID=\"up\" Name=\"v\" id=\"é\" id=\"\">",
            "<script>var id=\"s\"; name=\"t\"</script><!-- id=\"c\" -->",
            "<p id=\"b\" id=\"a\" id=\"b\" id=\"abcdefghij\" id=\"abcdefghi\">",
            "<p id=\"x\0y\" id=\"x\" id=\"x\0\">",
            "idid=id=\"a\"name=\"name=\"b\"",
            "<a href=\"/x?id=1&amp;b=2\" id=\"&amp;\">",
        ] {
            assert_same_as_reference(html);
        }
    }

    #[test]
    fn same_as_the_reference_on_generated_html() {
        let parts = [
            "<",
            ">",
            "=",
            "\"",
            "'",
            " ",
            "id=",
            "name=\"",
            "ID=",
            "data-id=",
            "a",
            "b",
            "é",
            "<!--",
            "-->",
            "<script>",
            "</script>",
            "&amp;",
            "\n",
            "top",
            "abcdefghij",
        ];
        for html in crate::check::random_text::joined(&parts, 0x2545_f491_4f6c_dd1d_u64, 20_000, 48)
        {
            assert_same_as_reference(&html);
        }
    }
}
