//! Where the lines of card text end.
//!
//! Break opportunities are the breaking spaces between words (a no-break
//! space, such as the narrow one before French `?`, holds its neighbours
//! together), a hyphen already in a word (`HbA1c-Wert`), and the hyphenation
//! points the patterns of the page's language find (German, French, Dutch and
//! English, embedded in the binary and each loaded once per process).
//! textwrap's optimal-fit algorithm chooses among them, using widths measured
//! with the card font's real glyph advances. Dictionary hyphens carry a
//! penalty, so a word is split only when it does not fit on a line or when
//! splitting clearly evens out the lines. Last, a short word alone on the last
//! line (an orphan) pulls the word before it down.

use std::ops::Range;
use std::sync::OnceLock;

use hyphenation::{Language, Load, Standard};
use textwrap::WordSplitter;
use textwrap::core::Fragment;
use textwrap::wrap_algorithms::{Penalties, wrap_optimal_fit};

use super::text::Metrics;

/// Words shorter than this (in characters) are not hyphenated by dictionary:
/// `Wo-chen` at a line end reads worse than a slightly shorter line.
const MIN_HYPHENATED: usize = 7;

/// textwrap gets widths in half-ems, roughly one character: the scale its
/// penalties are designed for (gaps cost their square).
const UNITS_PER_EM: f64 = 2.0;

const PENALTIES: Penalties = Penalties {
    // Every extra line costs as much as a 45-unit gap: fewer lines win.
    nline_penalty: 2000,
    // Lines never overflow while any other choice exists.
    overflow_penalty: 1_000_000,
    // A single fragment on the last line, under a quarter of the width…
    short_last_line_fraction: 4,
    short_last_line_penalty: 400,
    // A dictionary hyphen must save about a 17-unit gap to be worth it.
    hyphen_penalty: 300,
};

/// The hyphenation languages praxis embeds.
const LANGUAGES: [Language; 5] = [
    Language::German1996,
    Language::French,
    Language::Dutch,
    Language::EnglishUS,
    Language::EnglishGB,
];

/// The splitter for a page language (`de`, `fr-CA`, `en_GB` …), if praxis has
/// patterns for it. Each dictionary is deserialised once per process.
pub fn splitter(lang: &str) -> Option<&'static WordSplitter> {
    static LOADED: [OnceLock<Option<WordSplitter>>; 5] = [const { OnceLock::new() }; 5];
    let lang = lang.to_ascii_lowercase().replace('_', "-");
    let i = match lang.split('-').next().unwrap_or("") {
        "de" => 0,
        "fr" => 1,
        "nl" => 2,
        "en" if lang.starts_with("en-gb") => 4,
        "en" => 3,
        _ => return None,
    };
    LOADED[i]
        .get_or_init(|| {
            Standard::from_embedded(LANGUAGES[i])
                .ok()
                .map(WordSplitter::Hyphenation)
        })
        .as_ref()
}

/// Spaces a line may break at: whitespace other than the no-break spaces.
fn is_breaking_space(c: char) -> bool {
    c.is_whitespace() && !matches!(c, '\u{A0}' | '\u{202F}' | '\u{2007}')
}

/// The words of `text`, split at breaking spaces only.
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(is_breaking_space).filter(|w| !w.is_empty())
}

/// A piece of a word: the whole word, or the part up to a break inside it.
#[derive(Debug, Clone)]
struct Piece {
    text: String,
    /// Width in units.
    width: f64,
    /// The space after the piece (zero inside a word).
    space: f64,
    /// The hyphen added when a line ends after the piece (dictionary breaks).
    hyphen: f64,
    /// Index of the word the piece belongs to.
    word: usize,
    /// The piece begins its word.
    word_start: bool,
}

impl Fragment for Piece {
    fn width(&self) -> f64 {
        self.width
    }
    fn whitespace_width(&self) -> f64 {
        self.space
    }
    fn penalty_width(&self) -> f64 {
        self.hyphen
    }
}

/// One laid-out line.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub text: String,
    /// The line ends in a hyphen that breaks a word (not one the text has).
    pub hyphenated: bool,
}

impl Line {
    /// The text without the added hyphen (for an ellipsis in its place).
    pub fn without_hyphen(&self) -> &str {
        if self.hyphenated {
            self.text.strip_suffix('-').unwrap_or(&self.text)
        } else {
            &self.text
        }
    }
}

/// Text broken into lines for one width.
#[derive(Debug, Clone)]
pub struct Layout {
    pub lines: Vec<Line>,
    /// A piece was wider than a line and had to be cut between characters,
    /// or a line is still too wide: the size is too large for this text.
    pub forced: bool,
}

/// A text cut into pieces and measured once, to be wrapped at many widths.
pub struct Pieces<'m> {
    m: &'m Metrics,
    pieces: Vec<Piece>,
    /// Syllables per word, when the language has patterns.
    syllables: Vec<Option<usize>>,
}

impl<'m> Pieces<'m> {
    /// Cuts `text` at every break opportunity for `lang` and measures it.
    pub fn new(m: &'m Metrics, text: &str, lang: &str) -> Pieces<'m> {
        let splitter = splitter(lang);
        let space = f64::from(m.em_width(" ")) * UNITS_PER_EM;
        let hyphen = f64::from(m.em_width("-")) * UNITS_PER_EM;
        let mut pieces = Vec::new();
        let mut syllables = Vec::new();
        for (wi, word) in words(text).enumerate() {
            let (cuts, count) = cuts(word, splitter);
            syllables.push(count);
            let mut start = 0;
            let ends = cuts.iter().copied().chain([(word.len(), false)]);
            for (k, (end, dictionary)) in ends.enumerate() {
                let part = &word[start..end];
                let last = end == word.len();
                pieces.push(Piece {
                    text: part.to_owned(),
                    width: f64::from(m.em_width(part)) * UNITS_PER_EM,
                    space: if last { space } else { 0.0 },
                    hyphen: if dictionary { hyphen } else { 0.0 },
                    word: wi,
                    word_start: k == 0,
                });
                start = end;
            }
        }
        Pieces {
            m,
            pieces,
            syllables,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.pieces.is_empty()
    }

    /// The best lines at most `max_em` wide.
    pub fn wrap(&self, max_em: f32) -> Layout {
        let max = f64::from(max_em) * UNITS_PER_EM;
        let mut forced = false;
        let mut frags: Vec<Piece> = Vec::with_capacity(self.pieces.len());
        for p in &self.pieces {
            if p.width + p.hyphen <= max {
                frags.push(p.clone());
            } else {
                forced = true;
                self.chop(p, max, &mut frags);
            }
        }
        let lines = match wrap_optimal_fit(&frags, &[max], &PENALTIES) {
            Ok(lines) => lines,
            // Only infinite widths overflow the cost; ours are finite.
            Err(_) => vec![&frags[..]],
        };
        let mut ranges = Vec::with_capacity(lines.len());
        let mut at = 0;
        for l in lines {
            ranges.push(at..at + l.len());
            at += l.len();
        }
        self.avoid_orphan(&frags, &mut ranges, max);
        let lines: Vec<Line> = ranges.into_iter().map(|r| render(&frags[r])).collect();
        let too_wide = lines
            .iter()
            .any(|l| f64::from(self.m.em_width(&l.text)) * UNITS_PER_EM > max + 1e-3);
        Layout {
            lines,
            forced: forced || too_wide,
        }
    }

    /// Cuts a piece wider than a line between characters.
    fn chop(&self, p: &Piece, max: f64, out: &mut Vec<Piece>) {
        let mut cur = String::new();
        let mut first = true;
        for c in p.text.chars() {
            cur.push(c);
            if f64::from(self.m.em_width(&cur)) * UNITS_PER_EM > max && cur.chars().count() > 1 {
                cur.pop();
                out.push(Piece {
                    width: f64::from(self.m.em_width(&cur)) * UNITS_PER_EM,
                    text: std::mem::take(&mut cur),
                    space: 0.0,
                    hyphen: 0.0,
                    word: p.word,
                    word_start: p.word_start && first,
                });
                first = false;
                cur.push(c);
            }
        }
        out.push(Piece {
            width: f64::from(self.m.em_width(&cur)) * UNITS_PER_EM,
            text: cur,
            space: p.space,
            hyphen: p.hyphen,
            word: p.word,
            word_start: p.word_start && first,
        });
    }

    /// A short word alone on the last line pulls the word before it down,
    /// when both fit there and the line above keeps a word.
    fn avoid_orphan(&self, frags: &[Piece], lines: &mut [Range<usize>], max: f64) {
        let n = lines.len();
        if n < 2 {
            return;
        }
        let last = lines[n - 1].clone();
        let first = &frags[last.start];
        if !first.word_start || frags[last.clone()].iter().any(|p| p.word != first.word) {
            return;
        }
        let one_syllable = self.syllables.get(first.word) == Some(&Some(1));
        if !one_syllable && line_width(&frags[last.clone()]) >= max / 4.0 {
            return;
        }
        let prev = lines[n - 2].clone();
        let Some(s) = (prev.start..prev.end).rev().find(|&i| frags[i].word_start) else {
            return;
        };
        let moved = s..last.end;
        if s == prev.start || line_width(&frags[moved.clone()]) > max {
            return;
        }
        lines[n - 2] = prev.start..s;
        lines[n - 1] = moved;
    }
}

/// Where a word may break, as (byte offset, is a dictionary break), and how
/// many syllables the patterns find in it (None without patterns).
fn cuts(word: &str, splitter: Option<&WordSplitter>) -> (Vec<(usize, bool)>, Option<usize>) {
    let mut cuts = Vec::new();
    // After hyphens the text has, between letters or digits.
    let mut segments = Vec::new();
    let mut seg_start = 0;
    for (i, _) in word.match_indices('-') {
        let before = word[..i].chars().next_back();
        let after = word[i + 1..].chars().next();
        if before.is_some_and(char::is_alphanumeric) && after.is_some_and(char::is_alphanumeric) {
            cuts.push((i + 1, false));
            segments.push(seg_start..i);
            seg_start = i + 1;
        }
    }
    segments.push(seg_start..word.len());
    let Some(splitter) = splitter else {
        return (cuts, None);
    };
    let mut syllables = 0;
    for seg in segments {
        // Hyphenate the letters only: not quotes, brackets or punctuation.
        let s = &word[seg.clone()];
        let lead = s.len() - s.trim_start_matches(|c: char| !c.is_alphabetic()).len();
        let core = s[lead..].trim_end_matches(|c: char| !c.is_alphabetic());
        if core.is_empty() {
            continue;
        }
        let points = splitter.split_points(core);
        syllables += points.len() + 1;
        if core.chars().count() >= MIN_HYPHENATED {
            cuts.extend(points.into_iter().map(|p| (seg.start + lead + p, true)));
        }
    }
    cuts.sort_unstable();
    cuts.dedup_by_key(|c| c.0);
    (cuts, Some(syllables.max(1)))
}

/// Width of a line of fragments, in units.
fn line_width(frags: &[Piece]) -> f64 {
    let Some((last, rest)) = frags.split_last() else {
        return 0.0;
    };
    rest.iter().map(|p| p.width + p.space).sum::<f64>() + last.width + last.hyphen
}

fn render(frags: &[Piece]) -> Line {
    let mut text = String::new();
    for (i, p) in frags.iter().enumerate() {
        text.push_str(&p.text);
        if p.space > 0.0 && i + 1 < frags.len() {
            text.push(' ');
        }
    }
    let hyphenated = frags.last().is_some_and(|p| p.hyphen > 0.0);
    if hyphenated {
        text.push('-');
    }
    Line { text, hyphenated }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metrics() -> Metrics {
        Metrics::new(super::super::fonts::bundled_bold())
    }

    fn texts(l: &Layout) -> Vec<&str> {
        l.lines.iter().map(|l| l.text.as_str()).collect()
    }

    #[test]
    fn dictionaries_exist_for_the_site_languages() {
        for lang in ["de", "de-AT", "fr", "fr_CA", "nl", "en", "en-GB"] {
            assert!(splitter(lang).is_some(), "{lang}");
        }
        assert!(splitter("fy").is_none());
        // Loaded once: the same dictionary each time.
        assert!(std::ptr::eq(
            splitter("de").expect("de"),
            splitter("de-CH").expect("de")
        ));
    }

    #[test]
    fn no_break_spaces_hold_words_together() {
        let w: Vec<&str> = words("Pourquoi\u{202F}? 10\u{A0}mg  oui\tnon").collect();
        assert_eq!(w, ["Pourquoi\u{202F}?", "10\u{A0}mg", "oui", "non"]);
    }

    #[test]
    fn existing_hyphens_and_dictionary_points_are_breaks() {
        let (c, _) = cuts_of("HbA1c-Wert");
        assert_eq!(c, [(6, false)]);
        let (c, _) = cuts_of("Blutdruckmessung");
        assert!(c.contains(&(9, true)), "Blutdruck-messung: {c:?}");
        // Short words keep their syllables but are not split.
        let (c, syllables) = cuts_of("Wochen");
        assert!(c.is_empty());
        assert_eq!(syllables, Some(2));
        assert_eq!(cuts_of("Sie").1, Some(1));
        // Quotes and punctuation stay on their word.
        let word = "„Schilddrüsenunterfunktion“,";
        let (c, _) = cuts_of(word);
        assert!(!c.is_empty());
        assert!(
            c.iter()
                .all(|&(i, _)| i > "„".len() + 1 && i < word.len() - "“,".len() - 1),
            "{c:?}"
        );
    }

    fn cuts_of(w: &str) -> (Vec<(usize, bool)>, Option<usize>) {
        cuts(w, splitter("de"))
    }

    #[test]
    fn a_long_compound_is_hyphenated_in_a_narrow_box() {
        let m = metrics();
        for word in ["Schilddrüsenunterfunktion", "Blutdruckmessung"] {
            let max_em = m.em_width(word) * 0.6;
            let l = Pieces::new(&m, word, "de").wrap(max_em);
            assert!(!l.forced, "{word}: {l:?}");
            assert!(l.lines.len() >= 2, "{l:?}");
            assert!(l.lines[0].hyphenated && l.lines[0].text.ends_with('-'));
            let joined: String = l.lines.iter().map(Line::without_hyphen).collect();
            assert_eq!(joined, word);
            for line in &l.lines {
                assert!(m.em_width(&line.text) <= max_em, "{line:?}");
            }
        }
        let l = Pieces::new(&m, "Blutdruckmessung", "de").wrap(m.em_width("Blutdruck-") + 0.01);
        assert_eq!(texts(&l), ["Blutdruck-", "messung"]);
    }

    #[test]
    fn words_that_fit_are_not_hyphenated_without_need() {
        let m = metrics();
        let text = "Was Ihr Blutdruck über Herz und Gefäße verrät";
        let l = Pieces::new(&m, text, "de").wrap(m.em_width("Was Ihr Blutdruck über") + 0.2);
        assert!(!l.forced);
        assert!(l.lines.iter().all(|l| !l.hyphenated), "{l:?}");
        assert_eq!(texts(&l).join(" "), text);
    }

    #[test]
    fn without_patterns_a_long_word_is_cut_and_marked_forced() {
        let m = metrics();
        let word = "Schilddrüsenunterfunktion";
        let max_em = m.em_width(word) * 0.6;
        let l = Pieces::new(&m, word, "fy").wrap(max_em);
        assert!(l.forced);
        assert_eq!(texts(&l).concat(), word);
        for line in &l.lines {
            assert!(m.em_width(&line.text) <= max_em, "{line:?}");
        }
    }

    #[test]
    fn a_one_syllable_word_is_not_left_alone_on_the_last_line() {
        let m = metrics();
        let text = "Blutzucker richtig messen und verstehen für Sie";
        // Wide enough for everything but "Sie": the last line gets a partner.
        let max_em = m.em_width("Blutzucker richtig messen und verstehen für") + 0.05;
        let l = Pieces::new(&m, text, "de").wrap(max_em);
        assert_eq!(
            texts(&l),
            ["Blutzucker richtig messen und verstehen", "für Sie"]
        );
        // In a language without patterns, a short word counts as an orphan too.
        let l = Pieces::new(&m, text, "fy").wrap(max_em);
        assert_eq!(texts(&l).last(), Some(&"für Sie"));
    }

    #[test]
    fn the_orphan_rule_holds_even_when_the_line_above_gets_short() {
        let m = metrics();
        // Optimal fit alone keeps "Sie" alone: moving the long word down
        // leaves a wide gap after "Herz". The rule pulls it down anyway.
        let text = "Herz Blutzuckermessungen Sie";
        let max_em = m.em_width("Herz Blutzuckermessungen") + 0.05;
        let l = Pieces::new(&m, text, "fy").wrap(max_em);
        assert_eq!(texts(&l), ["Herz", "Blutzuckermessungen Sie"]);
        // Unless the line above would be left empty.
        let l = Pieces::new(&m, "Blutzuckermessungen Sie", "fy")
            .wrap(m.em_width("Blutzuckermessungen") + 0.05);
        assert_eq!(texts(&l), ["Blutzuckermessungen", "Sie"]);
    }

    #[test]
    fn a_long_last_word_may_stand_alone() {
        let m = metrics();
        let text = "Was bedeutet Schilddrüsenunterfunktion";
        let max_em = m.em_width("Was bedeutet Schilddrüsenunterfunktion") - 0.05;
        let l = Pieces::new(&m, text, "de").wrap(max_em);
        assert_eq!(l.lines.len(), 2, "{l:?}");
        assert!(l.lines[1].text.chars().count() > 3, "{l:?}");
    }

    #[test]
    fn french_no_break_space_keeps_the_question_mark_on_its_word() {
        let m = metrics();
        let text = "Faut-il vraiment s’inquiéter\u{202F}?";
        let max_em = m.em_width("Faut-il vraiment s’inquiéter") + 0.1;
        let l = Pieces::new(&m, text, "fr").wrap(max_em);
        assert!(l.lines.iter().all(|l| !l.text.starts_with('?')), "{l:?}");
        assert!(
            l.lines
                .last()
                .is_some_and(|l| l.text.ends_with("\u{202F}?"))
        );
    }
}
