//! Code highlighting with syntect, as CSS classes.
//!
//! The syntax set is loaded once, lazily: a site without code blocks never pays
//! for it. Highlighted code carries `hl-` classes; one stylesheet
//! (`syntax.css`) generated from the configured theme colours them all, so the
//! HTML stays small and a theme change does not touch the pages.
//!
//! Parsing a line (syntect's regexes) is most of the cost of highlighting,
//! and what it gives depends only on the line and the parse state before
//! it. Lines recur across a site's code blocks and between the rebuilds
//! of `praxis serve` (a blank line, a closing brace, an import, the same
//! snippet on several pages), so each thread keeps what recent lines
//! parsed to, by the line and the state before it (see [`LineMemo`]).

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::OnceLock;

use syntect::html::{ClassStyle, css_for_theme_with_class_style, line_tokens_to_classed_spans};
use syntect::parsing::{ParseState, ScopeStack, ScopeStackOp, SyntaxReference, SyntaxSet};
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
    LINES.with(|memo| highlight_lines(set, syntax, code, &mut memo.borrow_mut(), out))
}

/// What `highlight_into` writes, with lines parsed through `memo`: the
/// same HTML as syntect's `ClassedHTMLGenerator` (its parse, then
/// `line_tokens_to_classed_spans`, then the spans left open closed).
fn highlight_lines(
    set: &SyntaxSet,
    syntax: &SyntaxReference,
    code: &str,
    memo: &mut LineMemo,
    out: &mut String,
) -> bool {
    let mut state = ParseState::new(syntax);
    let mut scopes = ScopeStack::new();
    let mut open_spans: isize = 0;
    let mut html = String::with_capacity(code.len() * 4);
    for line in LinesWithEndings::from(code) {
        let Some(ops) = memo.parse(&mut state, line, set) else {
            return false;
        };
        let Ok((spans, delta)) = line_tokens_to_classed_spans(line, ops, CLASS_STYLE, &mut scopes)
        else {
            return false;
        };
        open_spans += delta;
        html.push_str(&spans);
    }
    for _ in 0..open_spans {
        html.push_str("</span>");
    }
    out.push_str(&html);
    true
}

thread_local! {
    static LINES: RefCell<LineMemo> = RefCell::new(LineMemo::default());
}

/// How many lines a thread's [`LineMemo`] holds before it starts afresh
/// (each entry is the line, its scope operations and two parse states:
/// about a kilobyte for a line of code)...
const MEMO_LINES: usize = 512;
/// ...and about how many bytes (a long line gives many operations).
const MEMO_BYTES: usize = 1 << 19;
/// What an entry costs besides its line and operations (two parse states,
/// the map's slot), for [`MEMO_BYTES`].
const ENTRY_BYTES: usize = 256;

/// Lines parsed before, by their text: for each parse state a line was
/// parsed from, the scope operations it gave and the state after it.
#[derive(Default)]
struct LineMemo {
    lines: HashMap<String, Vec<Parsed>, BuildHasherDefault<crate::incremental::OneShotHash>>,
    entries: usize,
    bytes: usize,
}

struct Parsed {
    before: ParseState,
    ops: Vec<(usize, ScopeStackOp)>,
    after: ParseState,
}

impl LineMemo {
    /// The scope operations of `line` parsed from `state`, which moves on
    /// to the state after the line; `None` when syntect cannot parse it.
    fn parse(
        &mut self,
        state: &mut ParseState,
        line: &str,
        set: &SyntaxSet,
    ) -> Option<&[(usize, ScopeStackOp)]> {
        let known = self
            .lines
            .get(line)
            .and_then(|seen| seen.iter().position(|p| p.before == *state));
        if let Some(i) = known {
            let parsed = &self.lines.get(line)?[i];
            state.clone_from(&parsed.after);
            return Some(&parsed.ops);
        }
        let before = state.clone();
        let ops = state.parse_line(line, set).ok()?;
        let size =
            line.len() + ops.len() * std::mem::size_of::<(usize, ScopeStackOp)>() + ENTRY_BYTES;
        if self.entries >= MEMO_LINES || self.bytes + size > MEMO_BYTES {
            self.lines.clear();
            self.entries = 0;
            self.bytes = 0;
        }
        self.entries += 1;
        self.bytes += size;
        let seen = self.lines.entry(line.to_owned()).or_default();
        seen.push(Parsed {
            before,
            ops,
            after: state.clone(),
        });
        seen.last().map(|p| p.ops.as_slice())
    }
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

    /// Highlighting as syntect's own generator does it, line by line
    /// without the memo.
    fn by_generator(lang: &str, code: &str) -> String {
        let set = syntaxes();
        let syntax = set.find_syntax_by_token(lang).expect("syntax");
        let mut g =
            syntect::html::ClassedHTMLGenerator::new_with_class_style(syntax, set, CLASS_STYLE);
        for line in LinesWithEndings::from(code) {
            g.parse_html_for_line_which_includes_newline(line)
                .expect("parse");
        }
        g.finalize()
    }

    fn by_memo(lang: &str, code: &str, memo: &mut LineMemo) -> String {
        let set = syntaxes();
        let syntax = set.find_syntax_by_token(lang).expect("syntax");
        let mut out = String::new();
        assert!(highlight_lines(set, syntax, code, memo, &mut out));
        out
    }

    #[test]
    fn remembered_lines_highlight_as_syntect_does_in_every_state() {
        // The same line inside and outside a string or comment parses
        // differently: the memo must tell the states apart.
        let blocks = [
            ("python", "x = 1\n\"\"\"\nx = 1\n\"\"\"\nx = 1\n"),
            ("python", "def f():\n    return 1\n\nx = 1\n"),
            ("rust", "/* open\nlet a = 1;\n*/\nlet a = 1;\n"),
            ("sql", "SELECT 1\nFROM t -- x\nWHERE a = 'it''s'\n"),
            ("json", "{\n  \"a\": [1, 2],\n  \"b\": \"x\"\n}\n"),
            ("bash", "for i in 1 2; do\n  echo \"$i\"\ndone\n"),
            ("r", "x <- c(1, 2)\nmean(x)\n"),
            ("html", "<p>\n<script>\nlet a = 1;\n</script>\nlet a = 1;\n"),
            ("python", "no newline at the end"),
        ];
        let mut memo = LineMemo::default();
        // Twice over: the second round is read from the memo.
        for round in 0..2 {
            for (lang, code) in blocks {
                assert_eq!(
                    by_memo(lang, code, &mut memo),
                    by_generator(lang, code),
                    "round {round}, {lang}: {code:?}"
                );
            }
        }
        assert!(memo.entries > 0);
    }

    #[test]
    fn long_lines_fill_the_memo_by_their_size() {
        let mut memo = LineMemo::default();
        // Thirty distinct lines of about 100 KB of operations each.
        let code: String = (0..30)
            .map(|i| format!("v{i} = [{}]\n", "1, ".repeat(1500)))
            .collect();
        assert_eq!(
            by_memo("python", &code, &mut memo),
            by_generator("python", &code)
        );
        assert!(memo.bytes <= MEMO_BYTES, "{}", memo.bytes);
        assert!(memo.entries < 30, "started afresh: {}", memo.entries);
    }

    #[test]
    fn a_full_memo_starts_afresh_and_still_highlights_the_same() {
        let mut memo = LineMemo::default();
        let code: String = (0..MEMO_LINES + 10)
            .map(|i| format!("value_{i} = {i}\n"))
            .collect();
        assert_eq!(
            by_memo("python", &code, &mut memo),
            by_generator("python", &code)
        );
        assert!(memo.entries <= MEMO_LINES, "{}", memo.entries);
        assert!(memo.bytes <= MEMO_BYTES, "{}", memo.bytes);
        let again = "value_1 = 1\nvalue_2 = 2\n";
        assert_eq!(
            by_memo("python", again, &mut memo),
            by_generator("python", again)
        );
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
