//! How each platform counts a post's length, and trimming text to a budget
//! on word boundaries.
//!
//! The platforms do not agree: X weighs characters (most Latin, Greek and
//! Cyrillic letters count 1, CJK and emoji 2, out of 280) and counts every
//! link as 23 whatever its length; Mastodon counts code points and every link
//! as 23; LinkedIn, Facebook and Instagram count in the browser, i.e. UTF-16
//! code units. Counting the way each platform does is what keeps a post from
//! being refused or cut off after it was pasted.

/// What the trimmed end of a text gets.
pub const ELLIPSIS: char = '…';

/// The length a platform's link shortener gives every URL (X and Mastodon).
pub const URL_LENGTH: usize = 23;

/// A way of counting characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// X: weighted characters (twitter-text v3) and links as 23.
    Weighted,
    /// Mastodon: code points, links as 23.
    CodePointsShortLinks,
    /// Browser counters: UTF-16 code units, links as written.
    Utf16,
}

/// A token that X turns into a t.co link (counted as 23).
fn is_link(token: &str) -> bool {
    let t = token.to_ascii_lowercase();
    t.starts_with("http://") || t.starts_with("https://")
}

/// A token X may autolink although it has no scheme (`praxis.de`,
/// `www.example.org/x`): counted as at least 23 so the count never falls short.
fn looks_like_domain(token: &str) -> bool {
    let t = token.trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '"', '\'', '»', '“']);
    let host = t.split('/').next().unwrap_or(t);
    let Some((name, tld)) = host.rsplit_once('.') else {
        return false;
    };
    !name.is_empty()
        && tld.len() >= 2
        && tld.chars().all(|c| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
}

/// X's weight of one character, in hundredths of a character.
fn x_weight(c: char) -> usize {
    let u = c as u32;
    if u <= 4351
        || (8192..=8205).contains(&u)
        || (8208..=8223).contains(&u)
        || (8242..=8247).contains(&u)
    {
        100
    } else {
        200
    }
}

impl Measure {
    /// The length of `text` as the platform counts it (X: in characters, rounded up).
    pub fn len(self, text: &str) -> usize {
        match self {
            Measure::Utf16 => text.encode_utf16().count(),
            Measure::CodePointsShortLinks => tokens(text)
                .map(|(tok, is_space)| {
                    if !is_space && is_link(tok) {
                        URL_LENGTH
                    } else {
                        tok.chars().count()
                    }
                })
                .sum(),
            Measure::Weighted => {
                let hundredths: usize = tokens(text)
                    .map(|(tok, is_space)| {
                        let own: usize = tok.chars().map(x_weight).sum();
                        if is_space {
                            own
                        } else if is_link(tok) {
                            URL_LENGTH * 100
                        } else if looks_like_domain(tok) {
                            own.max(URL_LENGTH * 100)
                        } else {
                            own
                        }
                    })
                    .sum();
                hundredths.div_ceil(100)
            }
        }
    }
}

/// `text` cut into alternating runs of whitespace and non-whitespace.
fn tokens(text: &str) -> impl Iterator<Item = (&str, bool)> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let space = first.is_whitespace();
        let end = rest
            .char_indices()
            .find(|&(_, c)| c.is_whitespace() != space)
            .map_or(rest.len(), |(i, _)| i);
        let (tok, r) = rest.split_at(end);
        rest = r;
        Some((tok, space))
    })
}

/// `text` shortened to at most `budget` (as `m` counts) on a word boundary,
/// ending in "…"; the whole text when it fits; empty when not even the first
/// word fits (a word is never cut).
pub fn trim_words(text: &str, budget: usize, m: Measure) -> String {
    let text = text.trim();
    if m.len(text) <= budget {
        return text.to_owned();
    }
    // Ends of the prefixes that stop before a whitespace run.
    let mut ends = Vec::new();
    let mut pos = 0;
    for (tok, space) in tokens(text) {
        if space {
            ends.push(pos);
        }
        pos += tok.len();
    }
    let candidate = |end: usize| {
        let head = text[..end].trim_end_matches(|c: char| {
            c.is_whitespace() || matches!(c, ',' | ';' | ':' | '–' | '—' | '-' | '(' | '/')
        });
        if head.is_empty() {
            None
        } else {
            Some(format!("{head}{ELLIPSIS}"))
        }
    };
    // The longest prefix that fits: lengths grow with the prefix, so search.
    let (mut lo, mut hi) = (0usize, ends.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let fits = candidate(ends[mid - 1]).is_some_and(|c| m.len(&c) <= budget);
        if fits {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    if lo == 0 {
        return String::new();
    }
    candidate(ends[lo - 1]).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x_counts_links_as_23_and_wide_characters_twice() {
        let m = Measure::Weighted;
        assert_eq!(m.len("abc"), 3);
        assert_eq!(m.len("Größe"), 5);
        assert_eq!(
            m.len("see https://example.org/a/very/long/path/that/goes/on"),
            4 + 23
        );
        assert_eq!(m.len("see https://a.de"), 4 + 23);
        assert_eq!(m.len("see praxis.de"), 4 + 23);
        assert_eq!(m.len("漢字"), 4);
        assert_eq!(m.len("z. B. so"), 8);
    }

    #[test]
    fn mastodon_counts_code_points_and_links_as_23() {
        let m = Measure::CodePointsShortLinks;
        assert_eq!(
            m.len("Größe https://example.org/long/long/long/long"),
            6 + 23
        );
        assert_eq!(m.len("https://a.de"), 23);
    }

    #[test]
    fn browsers_count_utf16_units() {
        assert_eq!(Measure::Utf16.len("é😀"), 3);
    }

    #[test]
    fn trims_on_word_boundaries_with_an_ellipsis() {
        let m = Measure::Utf16;
        assert_eq!(trim_words("Ein kurzer Text", 100, m), "Ein kurzer Text");
        assert_eq!(trim_words("Ein kurzer Text", 12, m), "Ein kurzer…");
        assert_eq!(trim_words("Ein kurzer Text", 11, m), "Ein kurzer…");
        assert_eq!(trim_words("Ein kurzer Text", 10, m), "Ein…");
        assert_eq!(trim_words("Ein, kurzer Text", 8, m), "Ein…");
        assert_eq!(trim_words("Donaudampfschifffahrt ist lang", 10, m), "");
    }
}
