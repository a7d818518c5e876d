//! Readability of articles written for patients (`audience = "patients"`, the
//! default), with a classic formula per language over the paragraph text
//! (headings, lists, tables and code are left out):
//!
//! | language | formula | warns when |
//! |---|---|---|
//! | en | Flesch–Kincaid grade = 0.39·ASL + 11.8·ASW − 15.59 | above 8 |
//! | de | Flesch–Amstad = 180 − ASL − 58.5·ASW | below 50 |
//! | fr | Kandel–Moles = 207 − 1.015·ASL − 73.6·ASW | below 50 |
//! | nl | Flesch–Douma = 206.835 − 0.93·ASL − 77·ASW | below 50 |
//!
//! ASL is words per sentence, ASW syllables per word. Syllables are vowel
//! groups, with per-language rules for vowel pairs that are one sound. Pages
//! with fewer than [`MIN_WORDS`] words of paragraph text are not scored.
//! `[check]` in praxis.toml can move the targets (`max_grade`, `min_ease`)
//! or turn the check off (`readability = false`).

use super::{CheckConfig, Doc};
use crate::content::front_matter::Audience;
use crate::diagnostics::Diagnostic;

/// Below this many words a score says little.
pub const MIN_WORDS: usize = 100;
/// The highest Flesch–Kincaid grade accepted for English.
pub const MAX_GRADE: f64 = 8.0;
/// The lowest Flesch-type reading ease accepted for German, French and Dutch.
pub const MIN_EASE: f64 = 50.0;

/// Counts of a text.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Counts {
    pub sentences: usize,
    pub words: usize,
    pub syllables: usize,
}

impl Counts {
    /// Average sentence length (words per sentence).
    pub fn asl(&self) -> f64 {
        self.words as f64 / self.sentences.max(1) as f64
    }

    /// Average syllables per word.
    pub fn asw(&self) -> f64 {
        self.syllables as f64 / self.words.max(1) as f64
    }
}

/// A score, what it is called and whether it passes.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub name: &'static str,
    pub value: f64,
    pub ok: bool,
    pub target: String,
}

/// The score of `c` in `lang` (primary subtag) against the default targets;
/// `None` for other languages.
pub fn score(lang: &str, c: &Counts) -> Option<Score> {
    score_with(lang, c, &CheckConfig::default())
}

/// The score of `c` in `lang` against the targets in `cfg`.
pub fn score_with(lang: &str, c: &Counts, cfg: &CheckConfig) -> Option<Score> {
    let (max_grade, min_ease) = (cfg.max_grade, cfg.min_ease);
    let (asl, asw) = (c.asl(), c.asw());
    let ease = |name, value: f64| Score {
        name,
        value,
        ok: value >= min_ease,
        target: format!("{min_ease} or more"),
    };
    Some(match primary(lang) {
        "en" => {
            let value = 0.39 * asl + 11.8 * asw - 15.59;
            Score {
                name: "Flesch–Kincaid grade",
                value,
                ok: value <= max_grade,
                target: format!("{max_grade} or below"),
            }
        }
        "de" => ease("Flesch–Amstad reading ease", 180.0 - asl - 58.5 * asw),
        "fr" => ease(
            "Kandel–Moles reading ease",
            207.0 - 1.015 * asl - 73.6 * asw,
        ),
        "nl" => ease(
            "Flesch–Douma reading ease",
            206.835 - 0.93 * asl - 77.0 * asw,
        ),
        _ => return None,
    })
}

fn primary(lang: &str) -> &str {
    lang.split('-').next().unwrap_or(lang)
}

/// Vowels, and the vowel groups that count as one syllable, longest first.
fn rules(lang: &str) -> (&'static str, &'static [&'static str]) {
    match primary(lang) {
        "de" => (
            "aeiouyäöü",
            &["äu", "eu", "ei", "ai", "au", "ie", "aa", "ee", "oo"],
        ),
        "nl" => (
            "aeiouyëïéèáóúü",
            &[
                "aai", "ooi", "oei", "eeu", "ieu", "aa", "ee", "oo", "uu", "ij", "ei", "ou", "au",
                "ui", "oe", "eu", "ie",
            ],
        ),
        "fr" => (
            "aeiouyàâäéèêëîïôöùûüœæ",
            &[
                "eau", "oeu", "œu", "ou", "oi", "ai", "ei", "au", "eu", "ui", "œ",
            ],
        ),
        // English: every vowel group is one syllable.
        _ => ("aeiouy", &[]),
    }
}

/// Syllables of one word.
pub fn syllables(word: &str, lang: &str) -> usize {
    let w: Vec<char> = word.to_lowercase().chars().collect();
    let (vowels, units) = rules(lang);
    let is_vowel = |c: char| vowels.contains(c);
    let english = units.is_empty();
    let mut count = 0;
    let mut i = 0;
    while i < w.len() {
        if !is_vowel(w[i]) {
            i += 1;
            continue;
        }
        count += 1;
        let step = if english {
            w[i..].iter().take_while(|c| is_vowel(**c)).count()
        } else {
            units
                .iter()
                .map(|u| u.chars().collect::<Vec<_>>())
                .find(|u| w[i..].starts_with(u))
                .map_or(1, |u| u.len())
        };
        i += step;
    }
    let ends = |s: &str| word.to_lowercase().ends_with(s);
    let silent_e = match primary(lang) {
        "en" => ends("e") && !ends("le") && !ends("ee"),
        "fr" => (ends("e") || ends("es")) && !ends("ée") && !ends("ées"),
        _ => false,
    };
    if silent_e && count > 1 {
        count -= 1;
    }
    count.max(1)
}

/// Sentences, words and syllables of `text`.
pub fn counts(text: &str, lang: &str) -> Counts {
    let mut c = Counts::default();
    let mut open_sentence = false;
    for token in text.split_whitespace() {
        let word: String = token
            .chars()
            .filter(|ch| ch.is_alphabetic() || *ch == '-' || *ch == '\'')
            .collect();
        if word.chars().any(char::is_alphabetic) {
            c.words += 1;
            c.syllables += word
                .split('-')
                .filter(|p| !p.is_empty())
                .map(|p| syllables(p, lang))
                .sum::<usize>();
            open_sentence = true;
        }
        let end = token.trim_end_matches(['"', '\'', ')', '»', '«', '“', '”', '’', ']']);
        if open_sentence && end.ends_with(['.', '!', '?', '…']) {
            c.sentences += 1;
            open_sentence = false;
        }
    }
    if open_sentence {
        c.sentences += 1;
    }
    c
}

pub fn check(doc: &Doc<'_>, cfg: &CheckConfig, out: &mut Vec<Diagnostic>) {
    if !cfg.readability || doc.audience != Some(Audience::Patients) || doc.paragraphs.is_empty() {
        return;
    }
    let text: Vec<&str> = doc.paragraphs.iter().map(|(p, _)| p.as_str()).collect();
    let c = counts(&text.join("\n"), doc.lang);
    if c.words < MIN_WORDS {
        return;
    }
    let Some(s) = score_with(doc.lang, &c, cfg) else {
        return;
    };
    if s.ok {
        return;
    }
    out.push(doc.locate(
        Diagnostic::warning(
            "readability",
            format!(
                "hard to read for patients: {} {:.1} (target: {}); {:.1} words per sentence, {:.2} syllables per word",
                s.name,
                s.value,
                s.target,
                c.asl(),
                c.asw()
            ),
        )
        .with_hint("use shorter sentences and everyday words; set audience = \"clinicians\" if the article is written for professionals"),
        doc.paragraphs[0].1,
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syllables_follow_language_rules() {
        assert_eq!(syllables("reading", "en"), 2);
        assert_eq!(syllables("make", "en"), 1);
        assert_eq!(syllables("table", "en"), 2);
        assert_eq!(syllables("medicine", "en"), 3);
        assert_eq!(syllables("Bäume", "de"), 2);
        assert_eq!(syllables("Blutdruck", "de"), 2);
        assert_eq!(syllables("Zeitung", "de"), 2);
        assert_eq!(syllables("Beobachtung", "de"), 4);
        assert_eq!(syllables("bijzonder", "nl"), 3);
        assert_eq!(syllables("huisarts", "nl"), 2);
        assert_eq!(syllables("beaucoup", "fr"), 2);
        assert_eq!(syllables("maladie", "fr"), 3);
        assert_eq!(syllables("chapeau", "fr"), 2);
    }

    #[test]
    fn counts_sentences_words_and_syllables() {
        let c = counts("Take one pill. Then wait (an hour)! Done", "en");
        assert_eq!(c.sentences, 3);
        assert_eq!(c.words, 8);
        assert_eq!(c.syllables, 8);
    }

    #[test]
    fn scores_use_the_published_formulas() {
        let c = Counts {
            sentences: 10,
            words: 150,
            syllables: 240,
        };
        let en = score("en", &c).expect("en");
        assert!((en.value - (0.39 * 15.0 + 11.8 * 1.6 - 15.59)).abs() < 1e-9);
        assert!(!en.ok);
        let de = score("de-AT", &c).expect("de");
        assert!((de.value - (180.0 - 15.0 - 58.5 * 1.6)).abs() < 1e-9);
        assert!(de.ok);
        let fr = score("fr", &c).expect("fr");
        assert!((fr.value - (207.0 - 1.015 * 15.0 - 73.6 * 1.6)).abs() < 1e-9);
        let nl = score("nl", &c).expect("nl");
        assert!((nl.value - (206.835 - 0.93 * 15.0 - 77.0 * 1.6)).abs() < 1e-9);
        assert!(score("it", &c).is_none());
    }
}
