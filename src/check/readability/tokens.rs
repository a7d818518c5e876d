//! Splitting paragraph text into whitespace-separated tokens, and a table of
//! what readability counts of each token as written.
//!
//! Articles repeat their tokens (and a site repeats its articles' phrasing),
//! so most tokens have been seen before. Looking a whole token up by its
//! bytes skips the per-character work of building its word, lower-casing it
//! and testing its end for a sentence closer: the split only tests each byte
//! for whitespace, and the table keeps token bytes in one buffer (no
//! allocation per entry) with a hash that reads eight bytes at a time.

use std::ops::Range;

/// What a token adds to the counts: its word's syllables (`0` when it has no
/// letters, so no word) and whether it ends a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Token {
    pub syllables: usize,
    pub ends_sentence: bool,
}

/// How a byte can take part in the split.
const OTHER: u8 = 0;
/// ASCII whitespace as [`char::is_whitespace`] has it (vertical tab included).
const SPACE: u8 = 1;
/// The first byte of some multi-byte characters that are whitespace
/// (U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F,
/// U+3000): the character decides.
const MAYBE: u8 = 2;

const CLASS: [u8; 256] = {
    let mut t = [OTHER; 256];
    t[b' ' as usize] = SPACE;
    t[b'\t' as usize] = SPACE;
    t[b'\n' as usize] = SPACE;
    t[0x0b] = SPACE;
    t[0x0c] = SPACE;
    t[b'\r' as usize] = SPACE;
    t[0xc2] = MAYBE;
    t[0xe1] = MAYBE;
    t[0xe2] = MAYBE;
    t[0xe3] = MAYBE;
    t
};

/// The byte length of the whitespace character starting at `i`, if it is one.
fn space_at(text: &str, i: usize) -> Option<usize> {
    let c = text.get(i..)?.chars().next()?;
    c.is_whitespace().then(|| c.len_utf8())
}

/// Eight bytes of `bytes` from `at`, the first in the lowest byte.
#[inline]
fn load(bytes: &[u8], at: usize) -> Option<u64> {
    let eight = bytes.get(at..at.checked_add(8)?)?;
    <[u8; 8]>::try_from(eight).ok().map(u64::from_le_bytes)
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `x` that may end a token (below `!`, or
/// not ASCII): exact up to the lowest one set, which is all the split uses.
#[inline]
fn ends(x: u64) -> u64 {
    ((x.wrapping_sub(ONES * 0x21) & !x) | x) & HIGH
}

/// Where the tokens of `text` are: the pieces [`str::split_whitespace`]
/// gives.
pub(super) struct Tokens<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Tokens<'a> {
    /// The tokens of `text` from byte `at` (a character boundary).
    pub fn from(text: &'a str, at: usize) -> Self {
        Tokens { text, at }
    }

    /// Where the token from `i` ends, and where the next search starts.
    #[inline]
    fn token_end(&self, mut i: usize) -> (usize, usize) {
        let (text, bytes) = (self.text, self.text.as_bytes());
        loop {
            // Eight bytes at a time up to one that may be whitespace.
            let j = match load(bytes, i) {
                Some(x) => match ends(x) {
                    0 => {
                        i += 8;
                        continue;
                    }
                    m => i + (m.trailing_zeros() / 8) as usize,
                },
                None => i,
            };
            let Some(&b) = bytes.get(j) else {
                return (bytes.len(), bytes.len());
            };
            match CLASS[usize::from(b)] {
                SPACE => return (j, j + 1),
                MAYBE => {
                    if let Some(n) = space_at(text, j) {
                        return (j, j + n);
                    }
                }
                _ => {}
            }
            i = j + 1;
        }
    }
}

impl Iterator for Tokens<'_> {
    type Item = Range<usize>;

    #[inline]
    fn next(&mut self) -> Option<Range<usize>> {
        let (text, bytes) = (self.text, self.text.as_bytes());
        let mut i = self.at;
        // Leading whitespace.
        while let Some(&b) = bytes.get(i) {
            match CLASS[usize::from(b)] {
                SPACE => i += 1,
                MAYBE => match space_at(text, i) {
                    Some(n) => i += n,
                    None => break,
                },
                _ => break,
            }
        }
        if i >= bytes.len() {
            self.at = i;
            return None;
        }
        let (end, next) = self.token_end(i);
        self.at = next;
        // Both ends are at character boundaries: the start of the text or
        // after whitespace, and whitespace or the end of the text.
        Some(i..end)
    }
}

/// Entries before the table starts afresh (it bounds the memory a thread
/// keeps for a site with a very large vocabulary: 24 bytes a slot, at most
/// two slots an entry).
const LIMIT: usize = 100_000;
/// Bytes of tokens longer than sixteen kept before the table starts afresh.
const BYTES_LIMIT: usize = 8 << 20;

/// One entry: its token's length and first sixteen bytes (the rest, of a
/// longer token, in [`TokenCache::bytes`]) and what it counts.
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    head: u64,
    next: u64,
    /// Where the rest of a longer token is in [`TokenCache::bytes`].
    start: u32,
    /// 0 for an empty slot (tokens are never empty).
    len: u16,
    /// Syllables, shifted left by one, and whether it ends a sentence.
    value: u16,
}

impl Slot {
    fn token(self) -> Token {
        Token {
            syllables: usize::from(self.value >> 1),
            ends_sentence: self.value & 1 == 1,
        }
    }
}

/// Tokens already counted, per thread and language.
#[derive(Debug, Default)]
pub(super) struct TokenCache {
    slots: Vec<Slot>,
    /// The bytes after the first sixteen of longer tokens.
    bytes: Vec<u8>,
    used: usize,
}

const K: u64 = 0x9e37_79b9_7f4a_7c15;

/// The lowest `n` bytes (at most seven) of a number.
#[inline]
fn low(x: u64, n: usize) -> u64 {
    x & ((1u64 << (8 * n)) - 1)
}

/// The `n` bytes (at most eight) from `at` in `bytes` as a number, the first
/// in the lowest byte; eight when `n` is more.
#[inline]
fn chunk(bytes: &[u8], at: usize, n: usize) -> u64 {
    match load(bytes, at) {
        Some(x) if n >= 8 => x,
        Some(x) => low(x, n),
        None => bytes
            .get(at..at + n.min(8))
            .unwrap_or_default()
            .iter()
            .enumerate()
            .fold(0, |w, (k, &b)| w | u64::from(b) << (8 * k)),
    }
}

/// A token of `len` bytes: its first eight and the eight after them (the
/// bytes past its end zero).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Key {
    head: u64,
    next: u64,
    len: usize,
}

impl Key {
    /// The key of the `len` bytes from `start` in `bytes`.
    #[inline]
    fn of(bytes: &[u8], start: usize, len: usize) -> Key {
        Key {
            head: chunk(bytes, start, len),
            next: if len > 8 {
                chunk(bytes, start + 8, len - 8)
            } else {
                0
            },
            len,
        }
    }

    /// A hash of the token, whose bytes after the first sixteen are `rest`
    /// bytes from `at` in `bytes` (the same for the same token wherever its
    /// bytes are). One multiplication for a token of at most sixteen bytes
    /// (its length is left out: those bytes, zero past its end, tell tokens
    /// apart but for zero bytes, which [`Key::matches`] compares anyway). A
    /// product's high bits depend on all of the factor's bits, its low bits
    /// only on the low ones: the input's high half is folded in first, and
    /// the high bits of the product come out lowest, where the table's mask
    /// takes them.
    #[inline]
    fn hash(self, bytes: &[u8], mut at: usize) -> u64 {
        let x = self.head ^ self.next.rotate_left(23);
        let mut h = (x ^ (x >> 29)).wrapping_mul(K);
        let end = at + self.len.saturating_sub(16);
        while at < end {
            h = (h ^ chunk(bytes, at, end - at)).wrapping_mul(K);
            at += 8;
        }
        h.rotate_left(20)
    }

    fn matches(self, s: Slot) -> bool {
        s.head == self.head && s.next == self.next && usize::from(s.len) == self.len
    }
}

impl TokenCache {
    /// Folds what each token of `text` counts, in order, into `state` with
    /// `add`; `count` counts the tokens not yet in the table. (The state is
    /// passed by value so that it stays in registers through the walk.)
    pub fn fold<S>(
        &mut self,
        text: &str,
        mut count: impl FnMut(&str) -> Token,
        mut state: S,
        mut add: impl FnMut(S, Token) -> S,
    ) -> S {
        let bytes = text.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            // Most tokens are ASCII, at most sixteen bytes and followed by a
            // space: one or two loads find the token's end and its bytes.
            if let Some(key) = short_key(bytes, at)
                && let Some(t) = self.find_short(key)
            {
                state = add(state, t);
                at += key.len + 1;
                continue;
            }
            let mut tokens = Tokens::from(text, at);
            let Some(range) = tokens.next() else {
                break;
            };
            state = add(state, self.get_or(text, range, &mut count));
            at = tokens.at;
        }
        state
    }

    /// What a token of at most sixteen bytes counts, if it is in the table.
    #[inline]
    fn find_short(&self, key: Key) -> Option<Token> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut i = key.hash(&[], 0) as usize & mask;
        loop {
            let s = self.slots[i];
            if s.len == 0 {
                return None;
            }
            if key.matches(s) {
                return Some(s.token());
            }
            i = (i + 1) & mask;
        }
    }

    /// What the token at `range` in `text` counts: from the table, or
    /// `count(token)` added to it.
    #[inline]
    pub fn get_or(
        &mut self,
        text: &str,
        range: Range<usize>,
        count: impl FnOnce(&str) -> Token,
    ) -> Token {
        let bytes = text.as_bytes();
        // Eight bytes at a time from the whole text, past the token's end.
        let key = Key::of(bytes, range.start, range.len());
        let rest = range.start + 16;
        let h = key.hash(bytes, rest);
        if !self.slots.is_empty() {
            let mask = self.slots.len() - 1;
            let mut i = h as usize & mask;
            loop {
                let s = self.slots[i];
                if s.len == 0 {
                    break;
                }
                if key.matches(s) && (key.len <= 16 || self.rest(s) == bytes.get(rest..range.end)) {
                    return s.token();
                }
                i = (i + 1) & mask;
            }
        }
        let token = text.get(range).unwrap_or_default();
        let t = count(token);
        self.insert(key, token.as_bytes().get(16..).unwrap_or_default(), h, t);
        t
    }

    /// The bytes after the first sixteen of a longer token.
    fn rest(&self, s: Slot) -> Option<&[u8]> {
        let start = s.start as usize;
        self.bytes
            .get(start..start + usize::from(s.len).saturating_sub(16))
    }

    fn insert(&mut self, key: Key, rest: &[u8], h: u64, t: Token) {
        // Tokens too long, or counting too many syllables, to fit a slot are
        // counted each time.
        let (Ok(len), Ok(syllables)) = (u16::try_from(key.len), u16::try_from(t.syllables)) else {
            return;
        };
        if syllables > u16::MAX >> 1 {
            return;
        }
        if self.used >= LIMIT || self.bytes.len() + rest.len() > BYTES_LIMIT {
            self.slots.clear();
            self.bytes.clear();
            self.used = 0;
        }
        if (self.used + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut i = h as usize & mask;
        while self.slots[i].len != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = Slot {
            head: key.head,
            next: key.next,
            // At most BYTES_LIMIT, well within u32.
            start: self.bytes.len() as u32,
            len,
            value: syllables << 1 | u16::from(t.ends_sentence),
        };
        self.bytes.extend_from_slice(rest);
        self.used += 1;
    }

    /// Doubles the slots (at least 1024), placing the entries anew.
    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(1024);
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); size]);
        let mask = size - 1;
        for s in old.into_iter().filter(|s| s.len != 0) {
            let key = Key {
                head: s.head,
                next: s.next,
                len: usize::from(s.len),
            };
            let mut i = key.hash(&self.bytes, s.start as usize) as usize & mask;
            while self.slots[i].len != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = s;
        }
    }
}

/// The key of a token at `at` of at most sixteen bytes, all ASCII, followed
/// by ASCII whitespace; `None` for others.
#[inline]
fn short_key(bytes: &[u8], at: usize) -> Option<Key> {
    let head = load(bytes, at)?;
    let (key, after) = match ends(head) {
        0 => {
            let next = load(bytes, at + 8)?;
            let len = (ends(next).trailing_zeros() / 8) as usize;
            if len >= 8 {
                return None;
            }
            let key = Key {
                head,
                next: low(next, len),
                len: 8 + len,
            };
            (key, next >> (8 * len))
        }
        m => {
            let len = (m.trailing_zeros() / 8) as usize;
            if len == 0 {
                return None;
            }
            let key = Key {
                head: low(head, len),
                next: 0,
                len,
            };
            (key, head >> (8 * len))
        }
    };
    // The byte after the token is already loaded.
    (CLASS[(after & 0xff) as usize] == SPACE).then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        Tokens::from(text, 0).map(|r| &text[r]).collect()
    }

    #[test]
    fn tokens_split_as_split_whitespace_does() {
        let texts = [
            "",
            " ",
            "one",
            "  two  words  ",
            "tab\tnew\nline\rcr\u{b}vt\u{c}ff end",
            "nbsp\u{a0}joined «quoted» and\u{2009}thin\u{202f}narrow\u{3000}ideo\u{85}nel",
            "\u{1680}ogham\u{2028}line\u{2029}para\u{205f}math",
            "non-breaking\u{200b}zero-width is not whitespace; é à ü œ “smart” …",
            "ends with space\u{a0}",
            "\u{a0}",
            "Ā€ℹ️ mixed 𝔘nicode\u{e2}",
        ];
        for text in texts {
            let want: Vec<&str> = text.split_whitespace().collect();
            assert_eq!(split(text), want, "{text:?}");
        }
        // Every character, alone and between letters.
        for c in (0..=0x3000u32)
            .chain(0xfeff..=0xffff)
            .filter_map(char::from_u32)
        {
            let text = format!("a{c}b {c}");
            let want: Vec<&str> = text.split_whitespace().collect();
            assert_eq!(split(&text), want, "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn the_table_gives_back_what_was_counted() {
        let mut cache = TokenCache::default();
        let t = |n, e| Token {
            syllables: n,
            ends_sentence: e,
        };
        let mut counted = 0;
        for round in 0..2 {
            for i in 0..5000usize {
                let token = format!("w{i}{}", ".".repeat(i % 3));
                let want = t(i % 40, i % 3 == 1);
                let got = cache.get_or(&token, 0..token.len(), |_| {
                    counted += 1;
                    want
                });
                assert_eq!(got, want, "{token} in round {round}");
            }
        }
        assert_eq!(counted, 5000, "the second round is looked up");
        // Values that do not fit a slot are counted every time.
        let big = t(usize::from(u16::MAX), false);
        for _ in 0..2 {
            assert_eq!(cache.get_or("huge", 0..4, |_| big), big);
        }
        let mut again = false;
        cache.get_or("huge", 0..4, |_| {
            again = true;
            big
        });
        assert!(again);
    }

    /// A token is found by its bytes wherever it is: within a text (read
    /// past its end), at the text's end, or alone; short or long.
    #[test]
    fn a_token_is_found_wherever_its_bytes_are() {
        let mut cache = TokenCache::default();
        let t = Token {
            syllables: 3,
            ends_sentence: true,
        };
        let long = "Blutzuckermessgerätebatterien.";
        for token in [
            "a",
            "seven..",
            "eight!!!",
            "fifteen-letters",
            "sixteen-letters!",
            long,
        ] {
            let text = format!("x {token} y");
            let at = 2..2 + token.len();
            assert_eq!(cache.get_or(&text, at, |_| t), t);
            let mut counted = false;
            for (text, at) in [(token.to_string(), 0), (format!("zz {token}"), 3)] {
                let got = cache.get_or(&text, at..at + token.len(), |_| {
                    counted = true;
                    t
                });
                assert_eq!(got, t, "{token}");
            }
            assert!(!counted, "{token} counted again");
            // The whole-text walk finds it too.
            let seen = cache.fold(
                &format!("{token} {token}\n"),
                |_| unreachable!(),
                Vec::new(),
                |mut seen, t| {
                    seen.push(t);
                    seen
                },
            );
            assert_eq!(seen, [t, t], "{token}");
        }
    }

    /// Tokens that differ in one byte only (the last of an eight-byte load,
    /// the sixteenth, one past it) are told apart, and the hash spreads them:
    /// looking each up again takes few probes.
    #[test]
    fn tokens_differing_in_one_byte_are_told_apart_and_spread() {
        let mut cache = TokenCache::default();
        let stems = ["patient", "medicines-and-th", "bloodpressuremeasurement"];
        let mut tokens = Vec::new();
        for stem in stems {
            for b in b'!'..=b'~' {
                for at in [6, 7, 15, 16] {
                    let mut t = stem.repeat(3).into_bytes();
                    t.truncate(stem.len().max(at + 1));
                    t[at] = b;
                    tokens.push(String::from_utf8(t).expect("ASCII"));
                }
            }
        }
        tokens.sort();
        tokens.dedup();
        for (i, token) in tokens.iter().enumerate() {
            let want = Token {
                syllables: i % 1000 + 1,
                ends_sentence: i % 2 == 0,
            };
            assert_eq!(cache.get_or(token, 0..token.len(), |_| want), want);
        }
        let mask = cache.slots.len() - 1;
        let mut probes = 0;
        for (i, token) in tokens.iter().enumerate() {
            let text = format!("{token} ");
            let got = cache.fold(&text, |_| unreachable!(), None, |_, t| Some(t));
            assert_eq!(got.map(|t| t.syllables), Some(i % 1000 + 1), "{token}");
            let key = Key::of(text.as_bytes(), 0, token.len());
            let mut at = key.hash(text.as_bytes(), 16) as usize & mask;
            while !key.matches(cache.slots[at]) {
                at = (at + 1) & mask;
                probes += 1;
            }
        }
        assert!(
            probes <= tokens.len(),
            "{probes} extra probes for {} tokens",
            tokens.len()
        );
    }

    #[test]
    fn the_table_starts_afresh_at_its_limit() {
        let mut cache = TokenCache::default();
        for i in 0..LIMIT + 10 {
            let token = i.to_string();
            cache.get_or(&token, 0..token.len(), |_| Token {
                syllables: 1,
                ends_sentence: false,
            });
        }
        assert_eq!(cache.used, 10);
        assert!(cache.slots.len() <= 4 * LIMIT);
    }
}
