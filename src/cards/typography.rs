//! Typographic clean-up of card text before it is measured and drawn.
//!
//! Two things the author cannot be expected to type: Unicode NFC (text pasted
//! from a PDF or a Mac file name often carries `e` + combining accent, which
//! measures and draws differently from the precomposed `é`), and French
//! spacing, where `: ; ! ?` and the inside of `« »` take a narrow no-break
//! space (U+202F) so the punctuation never starts a line on its own.

use unicode_normalization::UnicodeNormalization;

/// U+202F NARROW NO-BREAK SPACE.
pub const NNBSP: char = '\u{202F}';

/// True for French (`fr`, `fr-CA`, `fr_BE` …).
fn is_french(lang: &str) -> bool {
    let l = lang.as_bytes();
    l.len() >= 2
        && l[..2].eq_ignore_ascii_case(b"fr")
        && (l.len() == 2 || matches!(l[2], b'-' | b'_'))
}

/// A space that may be replaced by the narrow no-break space.
fn is_plain_space(c: char) -> bool {
    matches!(c, ' ' | '\u{A0}' | '\t' | NNBSP)
}

/// `text` in NFC; on French pages with narrow no-break spaces before
/// `: ; ! ?` and `»` and after `«`. `nbsp` is the space used (U+202F unless
/// the card font lacks it).
pub fn prepare(text: &str, lang: &str, nbsp: char) -> String {
    let nfc: String = text.nfc().collect();
    if is_french(lang) {
        french_spacing(&nfc, nbsp)
    } else {
        nfc
    }
}

/// French punctuation spacing. An existing space before the mark becomes
/// `nbsp`; a missing one is added after a word when the mark ends it, so
/// marks inside a token (`10:30`, `https://`, `?id=3`) are left alone.
fn french_spacing(text: &str, nbsp: char) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        match c {
            ':' | ';' | '!' | '?' | '»' => {
                let prev = out.chars().next_back();
                let ends_token = next.is_none_or(|n| {
                    n.is_whitespace() || matches!(n, '!' | '?' | ';' | ':' | '»' | ')' | '.')
                });
                // `?!` and `!!` share one space, before the first mark.
                let after_mark =
                    prev.is_some_and(|p| matches!(p, '!' | '?')) && matches!(c, '!' | '?');
                if prev.is_some_and(is_plain_space) {
                    out.pop();
                    // Collapse runs of spaces ("mot  :").
                    while out.chars().next_back().is_some_and(is_plain_space) {
                        out.pop();
                    }
                    if !out.is_empty() {
                        out.push(nbsp);
                    }
                } else if !after_mark
                    && prev.is_some_and(|p| p.is_alphanumeric() || matches!(p, ')' | '"' | '”'))
                    && (c == '»' || ends_token)
                {
                    out.push(nbsp);
                }
                out.push(c);
            }
            '«' => {
                out.push(c);
                if next.is_some_and(|n| !n.is_whitespace()) {
                    out.push(nbsp);
                }
            }
            _ if is_plain_space(c) && out.ends_with('«') => {
                // The space after « becomes the narrow no-break space.
                if !out.ends_with(nbsp) {
                    out.push(nbsp);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fr(s: &str) -> String {
        prepare(s, "fr", NNBSP)
    }

    #[test]
    fn text_is_nfc() {
        // "e" + COMBINING ACUTE, "o" + COMBINING DIAERESIS.
        assert_eq!(
            prepare("Caf\u{65}\u{301} To\u{308}n", "de", NNBSP),
            "Café Tön"
        );
        // Ligatures are characters of their own, not compatibility forms to fold.
        assert_eq!(prepare("ĳs œuvre", "nl", NNBSP), "ĳs œuvre");
    }

    #[test]
    fn french_punctuation_gets_a_narrow_no_break_space() {
        assert_eq!(fr("Pourquoi ?"), "Pourquoi\u{202F}?");
        assert_eq!(fr("Attention!"), "Attention\u{202F}!");
        assert_eq!(
            fr("Le diabète : guide ; suite"),
            "Le diabète\u{202F}: guide\u{202F}; suite"
        );
        assert_eq!(fr("Vraiment ?!"), "Vraiment\u{202F}?!");
        assert_eq!(fr("« Bonjour »"), "«\u{202F}Bonjour\u{202F}»");
        assert_eq!(fr("«Bonjour»"), "«\u{202F}Bonjour\u{202F}»");
        assert_eq!(fr("déjà\u{A0}?"), "déjà\u{202F}?");
    }

    #[test]
    fn colons_inside_tokens_are_left_alone() {
        assert_eq!(
            fr("à 10:30 sur https://exemple.fr"),
            "à 10:30 sur https://exemple.fr"
        );
    }

    #[test]
    fn only_french_pages_change_spacing() {
        assert_eq!(prepare("Warum ?", "de", NNBSP), "Warum ?");
        assert_eq!(prepare("Why?", "en", NNBSP), "Why?");
        assert_eq!(prepare("Pourquoi ?", "fr-CA", NNBSP), "Pourquoi\u{202F}?");
        assert_eq!(prepare("Pourquoi ?", "fy", NNBSP), "Pourquoi ?");
    }

    #[test]
    fn the_fallback_space_is_used_when_asked() {
        assert_eq!(prepare("Pourquoi ?", "fr", '\u{A0}'), "Pourquoi\u{A0}?");
    }
}
