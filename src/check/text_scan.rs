//! Byte-level scanning helpers for the page checks.
//!
//! The checks read every line of every content file (74 MB of Markdown on a
//! 10,000-page site), so the common case, ASCII text, is read byte by byte
//! without decoding characters or allocating; a multi-byte character is
//! decoded only where one occurs. Each helper gives exactly what its
//! `char`-based counterpart gives (the tests compare them).

/// A character that belongs to a word: a letter or digit (any script), `-`,
/// `'` or `’`.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '\'' | '’')
}

/// Whether the ASCII byte `b` belongs to a word (see [`is_word_char`]).
const fn is_ascii_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'\''
}

/// The words of `line` as byte spans `(start, end)`: the maximal runs of
/// [`is_word_char`] characters, in order, the same as splitting at every
/// other character and dropping the empty pieces.
pub fn word_spans(line: &str) -> WordSpans<'_> {
    WordSpans { line, at: 0 }
}

/// The iterator of [`word_spans`].
#[derive(Debug, Clone)]
pub struct WordSpans<'a> {
    line: &'a str,
    at: usize,
}

/// How an ASCII byte reads in a word: [`WORD`] or [`NOT_WORD`]; bytes of
/// other characters are [`WIDE`] and decoded.
const WORD: u8 = 1;
const NOT_WORD: u8 = 0;
const WIDE: u8 = 2;

/// [`WORD`], [`NOT_WORD`] or [`WIDE`] for every byte: runs of ASCII bytes
/// are read with one table look-up each.
const BYTE_CLASS: [u8; 256] = {
    let mut t = [NOT_WORD; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = if !b.is_ascii() {
            WIDE
        } else if is_ascii_word_byte(b) {
            WORD
        } else {
            NOT_WORD
        };
        i += 1;
    }
    t
};

impl WordSpans<'_> {
    /// Whether the character at byte `i` (a char boundary, not ASCII) is a
    /// word character, and the byte after it.
    #[cold]
    fn wide_word_char_at(&self, i: usize) -> (bool, usize) {
        match self.line.get(i..).and_then(|r| r.chars().next()) {
            Some(c) => (is_word_char(c), i + c.len_utf8()),
            None => (false, self.line.len()),
        }
    }

    /// Moves past the bytes of class `class` (ASCII only) from the current
    /// place, and gives the class of the byte it stops at (`None` at the end).
    #[inline(always)]
    fn skip(&mut self, class: u8) -> Option<u8> {
        let b = self.line.as_bytes();
        while let Some(&x) = b.get(self.at) {
            let c = BYTE_CLASS[x as usize];
            if c != class {
                return Some(c);
            }
            self.at += 1;
        }
        None
    }
}

impl Iterator for WordSpans<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        // After an ASCII byte or a whole character: always a char boundary.
        let start = loop {
            match self.skip(NOT_WORD)? {
                WORD => break self.at,
                _ => {
                    let (word, next) = self.wide_word_char_at(self.at);
                    if word {
                        break self.at;
                    }
                    self.at = next;
                }
            }
        };
        loop {
            match self.skip(WORD) {
                None => return Some((start, self.line.len())),
                Some(NOT_WORD) => return Some((start, self.at)),
                Some(_) => {
                    let (word, next) = self.wide_word_char_at(self.at);
                    if !word {
                        return Some((start, self.at));
                    }
                    self.at = next;
                }
            }
        }
    }
}

/// Whether `line` holds an ASCII digit: eight bytes at a time, read as one
/// integer whose bytes are tested together.
pub fn has_ascii_digit(line: &str) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let b = line.as_bytes();
    let mut chunks = b.chunks_exact(8);
    let whole = chunks.by_ref().any(|chunk| {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        // The low seven bits of each byte: adding cannot carry into the next.
        let low = x & !HIGH;
        let from_0 = low + ONES * (0x80 - u64::from(b'0'));
        let past_9 = low + ONES * (0x80 - u64::from(b'9') - 1);
        from_0 & !past_9 & !x & HIGH != 0
    });
    whole || chunks.remainder().iter().any(u8::is_ascii_digit)
}

/// For eight bytes read as one little-endian integer, the top bit of each
/// byte that is an ASCII digit.
pub fn digit_bits(x: u64) -> u64 {
    range_bits(x, b'0', b'9')
}

/// For eight bytes read as one little-endian integer, the top bit of each
/// byte that is an ASCII capital.
pub fn capital_bits(x: u64) -> u64 {
    range_bits(x, b'A', b'Z')
}

/// For eight bytes read as one little-endian integer, the top bit of each
/// byte from `lo` to `hi` (both ASCII, `lo` at least 1).
#[inline(always)]
fn range_bits(x: u64, lo: u8, hi: u8) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // The low seven bits of each byte: adding cannot carry into the next.
    let low = x & !HIGH;
    let from_lo = low + ONES * (0x80 - u64::from(lo));
    let past_hi = low + ONES * (0x80 - u64::from(hi) - 1);
    from_lo & !past_hi & !x & HIGH
}

/// `bytes` read eight at a time as little-endian integers, each with the
/// place of its first byte, then the bytes left over one by one.
fn eights(bytes: &[u8]) -> (impl Iterator<Item = (usize, u64)> + '_, usize) {
    let whole = bytes.len() / 8 * 8;
    let words = bytes[..whole]
        .chunks_exact(8)
        .enumerate()
        .map(|(k, chunk)| {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            (8 * k, u64::from_le_bytes(word))
        });
    (words, whole)
}

/// The places of the ASCII digits in `line`, in order, found eight bytes at
/// a time.
pub fn ascii_digits(line: &str) -> impl Iterator<Item = usize> + '_ {
    let b = line.as_bytes();
    let (words, whole) = eights(b);
    words
        .flat_map(|(at, x)| {
            let mut bits = digit_bits(x);
            std::iter::from_fn(move || {
                (bits != 0).then(|| {
                    let i = at + (bits.trailing_zeros() / 8) as usize;
                    bits &= bits - 1;
                    i
                })
            })
        })
        .chain((whole..b.len()).filter(move |&i| b[i].is_ascii_digit()))
}

/// The ASCII digits and the ASCII capitals in `line`, counted eight bytes at
/// a time.
pub fn count_digits_and_capitals(line: &str) -> (usize, usize) {
    let b = line.as_bytes();
    let (words, whole) = eights(b);
    let (mut digits, mut capitals) = (0, 0);
    for (_, x) in words {
        digits += digit_bits(x).count_ones() as usize;
        capitals += capital_bits(x).count_ones() as usize;
    }
    for x in &b[whole..] {
        digits += usize::from(x.is_ascii_digit());
        capitals += usize::from(x.is_ascii_uppercase());
    }
    (digits, capitals)
}

/// Whether `line` holds `n` ASCII digits in a row (`n` at least 1).
pub fn has_digit_run(line: &str, n: usize) -> bool {
    let mut run = 0;
    for b in line.bytes() {
        if b.is_ascii_digit() {
            run += 1;
            if run >= n {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
}

/// The lines of `text`, each with its line break: the pieces
/// [`str::split_inclusive`]`('\n')` gives. The breaks are found with the
/// `memchr` crate's vector search; the standard library's search for a
/// `char`, which `split_inclusive` uses, reads two words at a time and took
/// several times as long on the long lines of Markdown paragraphs.
pub fn lines_inclusive(text: &str) -> impl Iterator<Item = &str> + '_ {
    let mut start = 0;
    memchr::memchr_iter(b'\n', text.as_bytes())
        .map(|i| i + 1)
        .chain(std::iter::once(text.len()))
        .filter_map(move |end| {
            // After an ASCII byte, and at the end, is a character boundary;
            // the last piece is left out when it is empty.
            let line = text.get(start..end).filter(|l| !l.is_empty());
            start = end;
            line
        })
}

/// The first place at or after `from` where `needle` starts (the same as
/// `str::find`), found by its first byte: fast when that byte is rare, as
/// `<` is in Markdown.
pub fn find_from(text: &str, from: usize, needle: &str) -> Option<usize> {
    let first = *needle.as_bytes().first()?;
    if !first.is_ascii() {
        return text.get(from..)?.find(needle).map(|i| from + i);
    }
    let mut i = from;
    loop {
        // After an ASCII byte is always a character boundary.
        let at = i + memchr::memchr(first, text.get(i..)?.as_bytes())?;
        if text.as_bytes()[at..].starts_with(needle.as_bytes()) {
            return Some(at);
        }
        i = at + 1;
    }
}

/// The words of `line` that start with an ASCII byte for which `first` is
/// true and are at most `max_len` bytes long: the same words as
/// [`word_spans`] gives, filtered, but only the bytes that could start such a
/// word are looked at closely.
pub fn short_words_starting_with<'a>(
    line: &'a str,
    first: &'a [bool; 256],
    max_len: usize,
) -> impl Iterator<Item = &'a str> + 'a {
    let b = line.as_bytes();
    (0..b.len()).filter_map(move |i| {
        if !first[b[i] as usize] || !b[i].is_ascii() {
            return None;
        }
        // A word starts here only after a character that is not a word's.
        if i > 0 {
            let before = b[i - 1];
            let joined = if before.is_ascii() {
                is_ascii_word_byte(before)
            } else {
                line[..i].chars().next_back().is_some_and(is_word_char)
            };
            if joined {
                return None;
            }
        }
        let mut end = i + 1;
        while end < b.len() {
            if end - i > max_len {
                return None;
            }
            let x = b[end];
            if x.is_ascii() {
                if !is_ascii_word_byte(x) {
                    break;
                }
                end += 1;
            } else {
                match line[end..].chars().next() {
                    Some(c) if is_word_char(c) => end += c.len_utf8(),
                    _ => break,
                }
            }
        }
        (end - i <= max_len).then(|| &line[i..end])
    })
}

/// Where each of `needles` (ASCII, lower case) occurs in `text`, compared
/// ignoring ASCII case: the start of every occurrence (overlapping ones
/// too), sorted, each once. Like searching the ASCII-lower-cased text for
/// each needle, but a needle
/// with a byte that is not a letter (`:` in `http://`, `.` in `www.`) is
/// found by searching for that byte alone, which is rare in prose.
pub fn ascii_ci_occurrences(text: &str, needles: &[&str]) -> Vec<usize> {
    let b = text.as_bytes();
    let anchor_of = |n: &str| n.bytes().position(|c| !c.is_ascii_alphabetic());
    let mut starts = Vec::new();
    for (n, needle) in needles.iter().enumerate() {
        let Some(k) = anchor_of(needle) else {
            let lower = text.to_ascii_lowercase();
            starts.extend(lower.match_indices(needle).map(|(i, _)| i));
            continue;
        };
        let anchor = needle.as_bytes()[k];
        // Needles that share an anchor byte are found in one search.
        let shared = |m: &str| anchor_of(m).map(|j| m.as_bytes()[j]) == Some(anchor);
        if needles[..n].iter().any(|m| shared(m)) {
            continue;
        }
        let group: Vec<(usize, &[u8])> = needles[n..]
            .iter()
            .filter(|m| shared(m))
            .filter_map(|m| Some((anchor_of(m)?, m.as_bytes())))
            .collect();
        for a in memchr::memchr_iter(anchor, b) {
            for &(j, m) in &group {
                if let Some(s) = a.checked_sub(j)
                    && b.len() - s >= m.len()
                    && b[s..s + m.len()].eq_ignore_ascii_case(m)
                {
                    starts.push(s);
                }
            }
        }
    }
    starts.sort_unstable();
    starts.dedup();
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `word_spans` must give: split at non-word characters.
    fn by_chars(line: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut start = None;
        for (i, c) in line.char_indices() {
            match (is_word_char(c), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    out.push((s, i));
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = start {
            out.push((s, line.len()));
        }
        out
    }

    #[test]
    fn lines_inclusive_match_split_inclusive() {
        let parts = ["\n", "\r\n", "a", "é", " ", "\n\n", "日本", "line text"];
        let texts = ["", "\n", "a", "a\n", "\n\na", "é\nb\r\n"]
            .into_iter()
            .map(str::to_owned)
            .chain(super::super::random_text::joined(&parts, 11, 2000, 12));
        for text in texts {
            let want: Vec<&str> = text.split_inclusive('\n').collect();
            let got: Vec<&str> = lines_inclusive(&text).collect();
            assert_eq!(got, want, "{text:?}");
        }
    }

    #[test]
    fn word_spans_match_the_char_split() {
        for line in [
            "",
            " ",
            "a",
            "Frau Anna Schmidt, 54",
            "Lindenstraße 23",
            "ends with digits 1971",
            "1971",
            "l’hôpital d'Anna-Lena — 3½ ans",
            "né le 3 mars 1971 à Paris",
            "  double  spaces\tand\ttabs  ",
            "Über Ärzte: Ω-3, 日本語の文, emoji 🙂x🙂",
            "patiënte Čapek ﬁnal",
            "trailing ’",
            "’leading",
            "a-b-c--d''e",
        ] {
            let spans: Vec<_> = word_spans(line).collect();
            assert_eq!(spans, by_chars(line), "{line:?}");
            for (s, e) in spans {
                assert!(line.is_char_boundary(s) && line.is_char_boundary(e));
            }
        }
    }

    #[test]
    fn word_spans_of_empty_and_separator_only_input() {
        assert_eq!(word_spans("").count(), 0);
        assert_eq!(word_spans(" ,.;— ").count(), 0);
    }

    #[test]
    fn multi_byte_words_keep_their_letters() {
        let line = "Lindenstraße 23, Čapek";
        let words: Vec<&str> = word_spans(line).map(|(s, e)| &line[s..e]).collect();
        assert_eq!(words, ["Lindenstraße", "23", "Čapek"]);
    }

    #[test]
    fn digits_found_in_every_byte_position() {
        for x in 0..=255u8 {
            for len in 1..=17 {
                for k in 0..len {
                    let mut bytes = vec![b'a'; len];
                    bytes[k] = x;
                    if let Ok(line) = std::str::from_utf8(&bytes) {
                        assert_eq!(has_ascii_digit(line), x.is_ascii_digit(), "{line:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn digits_and_capitals_found_eight_bytes_at_a_time() {
        for x in 0..=255u8 {
            for len in 1..=17 {
                for k in 0..len {
                    let mut bytes = vec![b'a'; len];
                    bytes[k] = x;
                    bytes[len / 2] = if k == len / 2 { x } else { b'7' };
                    let Ok(line) = std::str::from_utf8(&bytes) else {
                        continue;
                    };
                    let digits: Vec<usize> =
                        (0..len).filter(|&i| bytes[i].is_ascii_digit()).collect();
                    assert_eq!(ascii_digits(line).collect::<Vec<_>>(), digits, "{line:?}");
                    let capitals = bytes.iter().filter(|b| b.is_ascii_uppercase()).count();
                    assert_eq!(
                        count_digits_and_capitals(line),
                        (digits.len(), capitals),
                        "{line:?}"
                    );
                }
            }
        }
        let line = "Ü 0171 2345678, DE89 3704 0044 0532 0130 00 — ½ ٣ Straße 5";
        assert_eq!(count_digits_and_capitals(line), (32, 3));
    }

    #[test]
    fn digits_anywhere_in_the_line() {
        assert!(!has_ascii_digit(""));
        assert!(!has_ascii_digit("no digits, only ½ and ٣"));
        assert!(has_ascii_digit("at the end 7"));
        assert!(has_ascii_digit("7 at the start"));
        let long = "no digits in a line longer than sixteen bytes, Straße ü";
        assert!(!has_ascii_digit(long));
        assert!(has_ascii_digit(&format!("{long} 3")));
        assert!(has_ascii_digit(&format!("{long}{long}9{long}")));
    }

    #[test]
    fn short_words_are_the_filtered_word_spans() {
        let mut first = [false; 256];
        for c in b"dfhmpDFHMP" {
            first[*c as usize] = true;
        }
        for line in [
            "",
            "m",
            "Frau Anna Schmidt, 54",
            "Hr. Müller und Mme. Dupont, patiënte mevrouw",
            "ämfrau éhr ’mr l’mr x-fr fr-x",
            "mademoiselle mademoiselles Mlle.",
            "ends with digits 1971 and m",
            "日本語 m 🙂fr🙂 Ω-hr",
        ] {
            let expected: Vec<&str> = word_spans(line)
                .map(|(s, e)| &line[s..e])
                .filter(|w| first[w.as_bytes()[0] as usize] && w.len() <= 12)
                .collect();
            let got: Vec<&str> = short_words_starting_with(line, &first, 12).collect();
            assert_eq!(got, expected, "{line:?}");
        }
    }

    #[test]
    fn find_from_is_str_find() {
        for (text, needle) in [
            ("", "<!--"),
            ("<!-", "<!--"),
            ("a < b <!-- c --> <!--", "<!--"),
            ("Straße <!-- praxis", "<!--"),
            (
                "x <!-- praxis:allow confidentiality -->",
                "<!-- praxis:allow",
            ),
        ] {
            for from in 0..=text.len() {
                if text.is_char_boundary(from) {
                    assert_eq!(
                        find_from(text, from, needle),
                        text[from..].find(needle).map(|i| from + i),
                        "{text:?} from {from}"
                    );
                }
            }
        }
    }

    #[test]
    fn occurrences_ignore_ascii_case_like_a_lower_cased_search() {
        let needles = ["http://", "https://", "www.", "mailto:", "tel:", "abc"];
        for text in [
            "",
            "tel:",
            ":.",
            "ends with htt",
            "See WWW.example.org or Https://x.example — mailto:a@b.example",
            "Straße tel:+49 und HTTPS://www.a.example/x, http://, Tel: 030 ABC",
            "a.b:c http:/ https:// wwww.x ww.w abcabc",
            "ünïcödé www.日本.example tel:",
        ] {
            let lower = text.to_ascii_lowercase();
            let mut expected: Vec<usize> = needles
                .iter()
                .flat_map(|n| lower.match_indices(n).map(|(i, _)| i))
                .collect();
            expected.sort_unstable();
            expected.dedup();
            assert_eq!(ascii_ci_occurrences(text, &needles), expected, "{text:?}");
        }
    }
}
