//! Code highlighting with syntect, as CSS classes.
//!
//! The syntax set is loaded once, lazily: a site without code blocks never pays
//! for it. Highlighted code carries `hl-` classes; one stylesheet
//! (`syntax.css`) generated from the configured theme colours them all, so the
//! HTML stays small and a theme change does not touch the pages.

use std::sync::OnceLock;

use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// Lines longer than this are not highlighted (highlighting a minified
/// 100 KB line takes seconds and produces megabytes).
const MAX_LINE: usize = 5_000;

/// The themes syntect ships, valid values of `[markdown] highlight_theme`.
pub const THEMES: [&str; 7] = [
    "InspiredGitHub",
    "Solarized (dark)",
    "Solarized (light)",
    "base16-eighties.dark",
    "base16-mocha.dark",
    "base16-ocean.dark",
    "base16-ocean.light",
];

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// Whether [`code_block`] finds a syntax for the language `lang` (as its
/// info string's first word gives it).
pub fn knows(lang: &str) -> bool {
    let set = syntaxes();
    set.find_syntax_by_token(lang)
        .or_else(|| set.find_syntax_by_name(lang))
        .is_some()
}

/// Escapes text for HTML element content and attribute values.
/// The text between the five ASCII characters it replaces is copied in
/// runs, not a character at a time.
pub fn escape_html(s: &str, out: &mut String) {
    let mut copied = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'&' => "&amp;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        // `i` is at an ASCII byte, so on a character boundary.
        out.push_str(&s[copied..i]);
        out.push_str(entity);
        copied = i + 1;
    }
    out.push_str(&s[copied..]);
}

/// Renders a fenced code block as `<pre class="code"><code class="language-x">…`.
/// Returns whether syntax highlighting was applied.
pub fn code_block(lang: &str, code: &str, highlight: bool, out: &mut String) -> bool {
    let lang = lang.split([' ', ',', '{']).next().unwrap_or("").trim();
    out.push_str("<pre class=\"code\"><code");
    if !lang.is_empty() {
        out.push_str(" class=\"language-");
        escape_html(lang, out);
        out.push('"');
    }
    out.push('>');
    let highlighted = highlight
        && !lang.is_empty()
        && code.lines().all(|l| l.len() <= MAX_LINE)
        && highlight_into(lang, code, out);
    if !highlighted {
        escape_html(code, out);
    }
    out.push_str("</code></pre>\n");
    highlighted
}

fn highlight_into(lang: &str, code: &str, out: &mut String) -> bool {
    let set = syntaxes();
    let Some(syntax) = set
        .find_syntax_by_token(lang)
        .or_else(|| set.find_syntax_by_name(lang))
    else {
        return false;
    };
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, set, CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        if generator
            .parse_html_for_line_which_includes_newline(line)
            .is_err()
        {
            return false;
        }
    }
    out.push_str(&generator.finalize());
    true
}

/// The stylesheet for `theme_name` (one of [`THEMES`]).
pub fn stylesheet(theme_name: &str) -> Option<String> {
    let themes = syntect::highlighting::ThemeSet::load_defaults();
    let theme = themes.themes.get(theme_name)?;
    css_for_theme_with_class_style(theme, CLASS_STYLE).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_html_replaces_the_five_characters_and_keeps_the_rest() {
        for (text, want) in [
            ("", ""),
            ("plain", "plain"),
            (
                "<a href=\"x\">Tom & Jerry's</a>",
                "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;",
            ),
            (
                "Blutdrucküberwachung <5 mmHg>",
                "Blutdrucküberwachung &lt;5 mmHg&gt;",
            ),
            ("&&", "&amp;&amp;"),
            ("é'", "é&#39;"),
        ] {
            let mut out = String::from("kept:");
            escape_html(text, &mut out);
            assert_eq!(out, format!("kept:{want}"), "{text:?}");
        }
    }

    #[test]
    fn known_language_gets_classes() {
        let mut out = String::new();
        assert!(code_block("python", "x = 1\n", true, &mut out));
        assert!(out.starts_with("<pre class=\"code\"><code class=\"language-python\">"));
        assert!(out.contains("class=\"hl-"), "{out}");
    }

    #[test]
    fn unknown_language_is_escaped_plain_text() {
        let mut out = String::new();
        assert!(!code_block("nosuchlang", "<b>&</b>\n", true, &mut out));
        assert!(out.contains("&lt;b&gt;&amp;&lt;/b&gt;"));
    }

    #[test]
    fn every_listed_theme_has_a_stylesheet() {
        for t in THEMES {
            let css = stylesheet(t).unwrap_or_default();
            assert!(css.contains(".hl-"), "{t}");
        }
        assert!(stylesheet("nope").is_none());
    }
}
