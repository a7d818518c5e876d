//! Measuring and fitting text for share cards.
//!
//! resvg does not wrap text, so the lines are computed here, with the real
//! glyph advances of the font the card is drawn with. ab_glyph reports
//! advances in font units; dividing by `units_per_em` and multiplying by the
//! font size gives CSS pixels, which is what SVG's `font-size` means.

use ab_glyph::{Font, FontArc};

use super::breaking::Pieces;

/// Advances of one font, in em (font units / units per em).
#[derive(Clone)]
pub struct Metrics {
    font: FontArc,
    upem: f32,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").field("upem", &self.upem).finish()
    }
}

impl Metrics {
    pub fn new(font: FontArc) -> Metrics {
        let upem = font.units_per_em().unwrap_or(1000.0);
        Metrics { font, upem }
    }

    /// The width of `text` at font size 1 (in em).
    pub fn em_width(&self, text: &str) -> f32 {
        let mut w = 0.0;
        let mut prev = None;
        for c in text.chars() {
            let g = self.font.glyph_id(c);
            if let Some(p) = prev {
                w += self.font.kern_unscaled(p, g);
            }
            w += self.font.h_advance_unscaled(g);
            prev = Some(g);
        }
        w / self.upem
    }

    /// True when the font has a glyph for `c` (else it would draw a box).
    pub fn has_glyph(&self, c: char) -> bool {
        self.font.glyph_id(c).0 != 0
    }

    /// The width of `text` in pixels at `size`.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        self.em_width(text) * size
    }
}

/// How a block of text may be laid out.
#[derive(Debug, Clone, Copy)]
pub struct Box {
    /// Available width in pixels.
    pub width: f32,
    pub max_lines: usize,
    /// The largest font size, tried first.
    pub max_size: f32,
    /// The smallest font size; text that still does not fit is ellipsised.
    pub min_size: f32,
    /// How much the size shrinks per try.
    pub step: f32,
}

/// Text broken into lines at one font size.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    pub lines: Vec<String>,
    pub size: f32,
    /// True when text had to be cut off (an ellipsis ends the last line).
    pub truncated: bool,
}

const ELLIPSIS: &str = "…";

/// Breaks `text` into lines that fit `b`: the largest size at which the
/// lines (see [`super::breaking`]: optimal fit, hyphenation for `lang`) are at
/// most `max_lines` and no word had to be cut between letters; at `min_size`,
/// lines beyond the last are dropped and the last line ends in an ellipsis.
pub fn fit(m: &Metrics, text: &str, lang: &str, b: Box) -> Fitted {
    let pieces = Pieces::new(m, text, lang);
    if pieces.is_empty() || b.max_lines == 0 {
        return Fitted {
            lines: Vec::new(),
            size: b.max_size,
            truncated: false,
        };
    }
    let mut size = b.max_size;
    loop {
        let layout = pieces.wrap(b.width / size);
        if !layout.forced && layout.lines.len() <= b.max_lines {
            return Fitted {
                lines: layout.lines.into_iter().map(|l| l.text).collect(),
                size,
                truncated: false,
            };
        }
        let next = size - b.step.max(0.5);
        if next < b.min_size {
            break;
        }
        size = next;
    }
    // Still too long at the smallest size: cut after the last line.
    let size = b.min_size;
    let mut layout = pieces.wrap(b.width / size).lines;
    let truncated = layout.len() > b.max_lines;
    let mut lines: Vec<String> = Vec::with_capacity(b.max_lines);
    if truncated {
        layout.truncate(b.max_lines);
        let last = layout.pop().map(|l| l.without_hyphen().to_owned());
        lines.extend(layout.into_iter().map(|l| l.text));
        lines.push(ellipsize(m, &last.unwrap_or_default(), b.width, size, true));
    } else {
        lines.extend(layout.into_iter().map(|l| l.text));
    }
    // A line is never wider than the box, even in pathological cases.
    for l in &mut lines {
        if m.width(l, size) > b.width {
            *l = ellipsize(m, l, b.width, size, false);
        }
    }
    Fitted {
        lines,
        size,
        truncated,
    }
}

/// `line`, shortened (at a word boundary when possible) so that it and an
/// ellipsis fit `width` at `size`. With `force`, the ellipsis is added even
/// when the line fits as it is.
pub fn ellipsize(m: &Metrics, line: &str, width: f32, size: f32, force: bool) -> String {
    if !force && m.width(line, size) <= width {
        return line.to_owned();
    }
    let fits = |s: &str| m.width(&format!("{s}{ELLIPSIS}"), size) <= width;
    let mut cut = line.trim_end().to_owned();
    if fits(&cut) {
        return format!("{cut}{ELLIPSIS}");
    }
    // Drop whole words first, then characters.
    while let Some(i) = cut.rfind(' ') {
        cut.truncate(i);
        let t = cut.trim_end_matches([' ', ',', ';', ':', '–', '-']);
        if fits(t) && !t.is_empty() {
            return format!("{t}{ELLIPSIS}");
        }
    }
    while cut.pop().is_some() {
        if fits(&cut) {
            break;
        }
    }
    format!("{cut}{ELLIPSIS}")
}

/// The first sentence of `text` (at most about `max_chars` characters).
pub fn first_sentence(text: &str, max_chars: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut end = None;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        if matches!(c, '.' | '!' | '?')
            && k >= 20
            && chars.get(k + 1).is_none_or(|&(_, n)| n == ' ')
            // not an abbreviation like "z. B." or "Dr."
            && !text[..i].rsplit(' ').next().is_some_and(|w| w.chars().count() <= 2 || w == "Dr" || w == "bzw" || w == "ca" || w == "ggf")
        {
            end = Some(i + c.len_utf8());
            break;
        }
    }
    let s = match end {
        Some(e) => &text[..e],
        None => &text,
    };
    if s.chars().count() > max_chars {
        let cut: String = s.chars().take(max_chars).collect();
        match cut.rfind(' ') {
            Some(i) => format!("{}{ELLIPSIS}", &cut[..i]),
            None => format!("{cut}{ELLIPSIS}"),
        }
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metrics() -> Metrics {
        Metrics::new(super::super::fonts::bundled_bold())
    }

    const TITLE: Box = Box {
        width: 1040.0,
        max_lines: 3,
        max_size: 68.0,
        min_size: 40.0,
        step: 2.0,
    };

    #[test]
    fn advances_are_scaled_by_units_per_em() {
        let m = metrics();
        // Inter Bold: "M" is about 0.8 em wide, a space about 0.25 em.
        let w = m.em_width("M");
        assert!((0.6..1.0).contains(&w), "{w}");
        assert!((m.width("MM", 50.0) - 2.0 * m.width("M", 50.0)).abs() < 1.0);
    }

    #[test]
    fn umlauts_and_sharp_s_are_measured_with_their_own_glyphs() {
        let m = metrics();
        for c in "äöüÄÖÜßẞ".chars() {
            assert!(m.has_glyph(c), "{c}");
        }
        // An umlaut is as wide as its base letter; ß is wider than s.
        assert!(
            (m.em_width("Größe") - m.em_width("Grose") - (m.em_width("ß") - m.em_width("s"))).abs()
                < 0.05
        );
        assert!(m.em_width("Maß") > m.em_width("Mas"));
        assert!(m.em_width("Übergröße") > m.em_width("Ubergroe"));
        // Wrapping uses those widths: every line fits at the chosen size.
        let f = fit(
            &m,
            "Größenverhältnisse, Maßnahmen und Übergrößen: Süßstoff, Fußpflege, Gefäßverschlüsse",
            "de",
            Box {
                width: 500.0,
                ..TITLE
            },
        );
        for l in &f.lines {
            assert!(m.width(l, f.size) <= 500.0, "{l}");
        }
    }

    #[test]
    fn dutch_ij_and_french_oe_are_single_glyphs() {
        let m = metrics();
        for c in "ĳĲœŒ".chars() {
            assert!(m.has_glyph(c), "{c}");
        }
        assert!(m.em_width("œ") > m.em_width("o"));
        // Decomposed input (e + combining acute) measures like the composed
        // letter once normalised, and so wraps the same way.
        let nfd = super::super::typography::prepare("Cœur e\u{301}tudie\u{301}", "fr", '\u{202F}');
        assert_eq!(nfd, "Cœur étudié");
        assert_eq!(m.em_width(&nfd), m.em_width("Cœur étudié"));
        let f = fit(
            &m,
            "Bĳwerkingen van ĳzertabletten bĳ vrouwen",
            "nl",
            Box {
                width: 400.0,
                ..TITLE
            },
        );
        assert!(!f.truncated);
        assert!(f.lines.concat().matches('ĳ').count() == 3, "{f:?}");
        for l in &f.lines {
            assert!(m.width(l, f.size) <= 400.0, "{l}");
        }
    }

    #[test]
    fn a_long_compound_is_hyphenated_rather_than_cut() {
        let m = metrics();
        let narrow = Box {
            width: 420.0,
            max_lines: 2,
            ..TITLE
        };
        let f = fit(&m, "Schilddrüsenunterfunktion", "de", narrow);
        assert_eq!(f.lines.len(), 2, "{f:?}");
        assert!(f.lines[0].ends_with('-'), "{f:?}");
        assert_eq!(
            f.lines.concat().replace('-', ""),
            "Schilddrüsenunterfunktion"
        );
        assert!(!f.truncated);
        let f = fit(
            &m,
            "Blutdruckmessung",
            "de",
            Box {
                width: 300.0,
                ..narrow
            },
        );
        assert_eq!(f.lines, ["Blutdruck-", "messung"]);
    }

    #[test]
    fn short_title_keeps_max_size() {
        let f = fit(&metrics(), "HbA1c verstehen", "de", TITLE);
        assert_eq!(f.lines, vec!["HbA1c verstehen"]);
        assert_eq!(f.size, 68.0);
        assert!(!f.truncated);
    }

    #[test]
    fn lines_fit_the_width() {
        let m = metrics();
        let f = fit(
            &m,
            "Größere Überraschungen bei der Blutzuckermessung: was Ihr HbA1c-Wert über die letzten Wochen verrät",
            "de",
            TITLE,
        );
        assert!(f.lines.len() <= 3 && f.lines.len() > 1, "{f:?}");
        for l in &f.lines {
            assert!(m.width(l, f.size) <= TITLE.width, "{l}");
        }
        // Nothing lost: the same letters, whether a line ends in a hyphen or not.
        let letters = |s: &str| s.replace(['-', ' '], "");
        assert_eq!(
            letters(&f.lines.concat()),
            letters(
                "Größere Überraschungen bei der Blutzuckermessung: was Ihr HbA1c-Wert über die letzten Wochen verrät"
            )
        );
    }

    #[test]
    fn long_title_shrinks_then_ellipsises() {
        let m = metrics();
        let medium = "Diabetes mellitus Typ 2 im Alltag: Ernährung, Bewegung, Medikamente und Kontrollen Schritt für Schritt erklärt für Sie";
        let f = fit(&m, medium, "de", TITLE);
        assert!(f.size < TITLE.max_size, "shrinks: {f:?}");
        assert!(!f.truncated, "{f:?}");
        let long = medium.repeat(4);
        let f = fit(&m, &long, "de", TITLE);
        assert_eq!(f.size, TITLE.min_size);
        assert!(f.truncated);
        assert_eq!(f.lines.len(), 3);
        assert!(f.lines[2].ends_with('…'), "{f:?}");
        for l in &f.lines {
            assert!(m.width(l, f.size) <= TITLE.width + 0.01, "{l}");
        }
    }

    #[test]
    fn an_overlong_word_is_broken() {
        let m = metrics();
        let word = "Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichensammlung".repeat(2);
        let f = fit(&m, &word, "de", TITLE);
        assert!(!f.lines.is_empty());
        for l in &f.lines {
            assert!(m.width(l, f.size) <= TITLE.width + 0.01, "{l}");
        }
    }

    #[test]
    fn empty_text_has_no_lines() {
        let f = fit(&metrics(), "   ", "de", TITLE);
        assert!(f.lines.is_empty());
    }

    #[test]
    fn first_sentence_skips_abbreviations() {
        assert_eq!(
            first_sentence(
                "Der HbA1c zeigt z. B. den Zucker der letzten Wochen. Mehr dazu unten.",
                200
            ),
            "Der HbA1c zeigt z. B. den Zucker der letzten Wochen."
        );
        assert_eq!(first_sentence("kurz", 200), "kurz");
        assert!(first_sentence(&"wort ".repeat(100), 50).ends_with('…'));
    }
}
