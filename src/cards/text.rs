//! Measuring and fitting text for share cards.
//!
//! resvg does not wrap text, so the lines are computed here, with the real
//! glyph advances of the font the card is drawn with. ab_glyph reports
//! advances in font units; dividing by `units_per_em` and multiplying by the
//! font size gives CSS pixels, which is what SVG's `font-size` means.

use ab_glyph::{Font, FontArc};

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

/// Breaks `text` into lines that fit `b`: the largest size at which every word
/// fits and the lines are at most `max_lines`; at `min_size`, lines beyond
/// the last are dropped and the last line ends in an ellipsis.
pub fn fit(m: &Metrics, text: &str, b: Box) -> Fitted {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() || b.max_lines == 0 {
        return Fitted {
            lines: Vec::new(),
            size: b.max_size,
            truncated: false,
        };
    }
    let widths: Vec<f32> = words.iter().map(|w| m.em_width(w)).collect();
    let space = m.em_width(" ");
    let mut size = b.max_size;
    loop {
        let max_em = b.width / size;
        if let Some(lines) = wrap(&words, &widths, space, max_em)
            && lines.len() <= b.max_lines
        {
            return Fitted {
                lines: lines.into_iter().map(|r| words[r].join(" ")).collect(),
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
    // Still too long at the smallest size: wrap, breaking long words, and cut.
    let size = b.min_size;
    let max_em = b.width / size;
    let mut lines = hard_wrap(m, &words, max_em);
    let truncated = lines.len() > b.max_lines;
    if truncated {
        lines.truncate(b.max_lines);
        let last = lines.pop().unwrap_or_default();
        lines.push(ellipsize(m, &last, b.width, size, true));
    }
    Fitted {
        lines,
        size,
        truncated,
    }
}

/// Greedy word wrap in em; `None` when one word alone is wider than a line.
fn wrap(
    words: &[&str],
    widths: &[f32],
    space: f32,
    max_em: f32,
) -> Option<Vec<std::ops::Range<usize>>> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut w = 0.0;
    for (i, &ww) in widths.iter().enumerate() {
        if ww > max_em {
            return None;
        }
        if i > start && w + space + ww > max_em {
            lines.push(start..i);
            start = i;
            w = ww;
        } else if i == start {
            w = ww;
        } else {
            w += space + ww;
        }
    }
    if start < words.len() {
        lines.push(start..words.len());
    }
    Some(lines)
}

/// Word wrap that breaks words wider than a line between characters.
fn hard_wrap(m: &Metrics, words: &[&str], max_em: f32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in words {
        let candidate = if cur.is_empty() {
            (*word).to_owned()
        } else {
            format!("{cur} {word}")
        };
        if m.em_width(&candidate) <= max_em {
            cur = candidate;
            continue;
        }
        if !cur.is_empty() {
            lines.push(std::mem::take(&mut cur));
        }
        if m.em_width(word) <= max_em {
            cur = (*word).to_owned();
            continue;
        }
        for c in word.chars() {
            cur.push(c);
            if m.em_width(&cur) > max_em && cur.chars().count() > 1 {
                cur.pop();
                lines.push(std::mem::take(&mut cur));
                cur.push(c);
            }
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
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
    fn short_title_keeps_max_size() {
        let f = fit(&metrics(), "HbA1c verstehen", TITLE);
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
            TITLE,
        );
        assert!(f.lines.len() <= 3 && f.lines.len() > 1, "{f:?}");
        for l in &f.lines {
            assert!(m.width(l, f.size) <= TITLE.width, "{l}");
        }
        assert_eq!(
            f.lines.join(" "),
            "Größere Überraschungen bei der Blutzuckermessung: was Ihr HbA1c-Wert über die letzten Wochen verrät"
        );
    }

    #[test]
    fn long_title_shrinks_then_ellipsises() {
        let m = metrics();
        let medium = "Diabetes mellitus Typ 2 im Alltag: Ernährung, Bewegung, Medikamente und Kontrollen Schritt für Schritt erklärt für Sie";
        let f = fit(&m, medium, TITLE);
        assert!(f.size < TITLE.max_size, "shrinks: {f:?}");
        assert!(!f.truncated, "{f:?}");
        let long = medium.repeat(4);
        let f = fit(&m, &long, TITLE);
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
        let f = fit(&m, &word, TITLE);
        assert!(!f.lines.is_empty());
        for l in &f.lines {
            assert!(m.width(l, f.size) <= TITLE.width + 0.01, "{l}");
        }
    }

    #[test]
    fn empty_text_has_no_lines() {
        let f = fit(&metrics(), "   ", TITLE);
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
