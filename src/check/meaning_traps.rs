//! Clinical meaning traps: places where Markdown silently changes what a
//! doctor wrote. Each is found on the parsed Markdown (so code blocks, raw
//! HTML and comments never match) and reported at its line and column in the
//! `.md` file, with the escape that keeps the text as written:
//!
//! | code | written | becomes | escape |
//! |---|---|---|---|
//! | `trap-quote` | `>5.5 mmol/L` (`>` then a digit or `=`) | a block quote; the `>` is gone | `\>5.5` |
//! | `trap-tilde` | `~10 mg~` (single tildes around text that starts with a number and has a space) | subscript; the tildes are gone | `\~10 mg` |
//! | `trap-sign` | `+ 2` / `- 2` alone (a one-item list starting with a number) | a bullet; the sign is gone | `\+ 2` |
//! | `trap-number` | `2015. was the year` (a one-item numbered list whose number is 100 or more or whose text goes on in lower case, or a list whose written numbers are not consecutive) | a numbered list, renumbered | `2015\.` |
//! | `trap-table` | a table row with more cells than the header | the extra cells are dropped | `\|`, or a header cell more |
//!
//! What is taken as intended and not reported: a list of two or more bullet
//! items (`- 2 tablets` / `- 1 tablet`), a numbered list starting at 1 or
//! whose items are numbered consecutively (`3.`, `4.`, `5.`) or all alike
//! (`1.`, `1.`, `1.`), a lone `2. Breathe out.` (steps continued after a
//! paragraph), `~~struck~~` text, and a pure subscript like `CO ~2~`
//! (no space inside).

use std::ops::Range;

use pulldown_cmark::{Event, Tag, TagEnd};

use super::Doc;
use crate::diagnostics::Diagnostic;

/// What kind of trap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Quote,
    Tilde,
    Sign,
    Number,
    Table { cells: usize, header: usize },
}

/// One trap: its kind, where it is in the whole file and what was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trap {
    pub kind: Kind,
    pub offset: usize,
    /// What was written: `>7.0`, `~10 mg~`, `+ 2`, `2015.` (empty for tables).
    pub written: String,
}

/// A list being read: whether it is numbered, and each item's offset in the
/// body, written number (numbered lists) and whether its text starts with a
/// digit (bullet lists).
#[derive(Debug, Default)]
struct List {
    ordered: bool,
    items: Vec<(usize, Option<u64>, bool)>,
}

/// Collects traps from a Markdown event stream (fed by [`super::parse`]).
#[derive(Debug, Default)]
pub struct Scanner {
    lists: Vec<List>,
    header_cells: usize,
    traps: Vec<Trap>,
}

/// `s` up to its first whitespace after `skip` bytes, at most 24 characters.
fn token(s: &str, skip: usize) -> String {
    let end = s
        .get(skip..)
        .and_then(|rest| rest.find(char::is_whitespace))
        .map_or(s.len(), |i| skip + i);
    let t = s.get(..end).unwrap_or(s);
    let mut out: String = t.chars().take(24).collect();
    if t.chars().count() > 24 {
        out.push('…');
    }
    out
}

/// Leading spaces, then `-`, `+` or `*`, then the text: the text's start.
fn bullet_text(src: &str) -> Option<&str> {
    let s = src.trim_start_matches(' ');
    let rest = s.strip_prefix(['-', '+', '*'])?;
    Some(rest.trim_start_matches([' ', '\t']))
}

/// Leading spaces, then digits and `.` or `)`: the number.
fn ordered_number(src: &str) -> Option<u64> {
    let s = src.trim_start_matches(' ');
    let digits = s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 || !s[digits..].starts_with(['.', ')']) {
        return None;
    }
    s[..digits].parse().ok()
}

/// Byte offsets of the unescaped `|` that separate cells in a table row,
/// leading and trailing bars left out.
fn cell_separators(row: &str) -> Vec<usize> {
    let mut bars = Vec::new();
    let mut escaped = false;
    for (i, c) in row.char_indices() {
        match c {
            '\\' if !escaped => {
                escaped = true;
                continue;
            }
            '|' if !escaped => bars.push(i),
            _ => {}
        }
        escaped = false;
    }
    let content = row.trim_end();
    let lead = row.len() - row.trim_start().len();
    if bars.first() == Some(&lead) {
        bars.remove(0);
    }
    if content.len() > lead && bars.last() == Some(&(content.len() - 1)) {
        bars.pop();
    }
    bars
}

impl Scanner {
    /// Looks at one event; `range` is in `body`, which starts at `base` in the file.
    ///
    /// Only start tags and the end of a list can be traps, so every other
    /// event (most of them: text, ends) returns here without a call.
    #[inline]
    pub fn event(&mut self, event: &Event<'_>, range: &Range<usize>, body: &str, base: usize) {
        if matches!(event, Event::Start(_) | Event::End(TagEnd::List(_))) {
            self.tag(event, range, body, base);
        }
    }

    fn tag(&mut self, event: &Event<'_>, range: &Range<usize>, body: &str, base: usize) {
        let src = body.get(range.clone()).unwrap_or("");
        match event {
            Event::Start(Tag::BlockQuote(_)) => {
                let lead = src.len() - src.trim_start().len();
                let after = src[lead..].strip_prefix('>').unwrap_or("");
                let after = after.strip_prefix('=').unwrap_or(after);
                if src[lead..].starts_with('>') && after.starts_with(|c: char| c.is_ascii_digit()) {
                    let w = token(&src[lead..], 0);
                    self.push(Kind::Quote, range.start + lead, w, base);
                }
            }
            Event::Start(Tag::Subscript | Tag::Strikethrough)
                if src.starts_with('~') && !src.starts_with("~~") =>
            {
                let inner = src.trim_matches('~');
                if inner.starts_with(|c: char| c.is_ascii_digit())
                    && inner.contains(char::is_whitespace)
                {
                    self.push(Kind::Tilde, range.start, token(src, src.len()), base);
                }
            }
            Event::Start(Tag::List(first)) => self.lists.push(List {
                ordered: first.is_some(),
                items: Vec::new(),
            }),
            Event::Start(Tag::Item) => {
                if let Some(list) = self.lists.last_mut() {
                    let lead = src.len() - src.trim_start_matches(' ').len();
                    let digit = bullet_text(src)
                        .is_some_and(|t| t.starts_with(|c: char| c.is_ascii_digit()));
                    list.items
                        .push((range.start + lead, ordered_number(src), digit));
                }
            }
            Event::End(TagEnd::List(_)) => {
                if let Some(list) = self.lists.pop() {
                    self.end_list(&list, body, base);
                }
            }
            Event::Start(Tag::Table(aligns)) => self.header_cells = aligns.len(),
            Event::Start(Tag::TableRow) => {
                let seps = cell_separators(src);
                let cells = seps.len() + 1;
                if cells > self.header_cells
                    && let Some(&at) = seps.get(self.header_cells.saturating_sub(1))
                {
                    let kind = Kind::Table {
                        cells,
                        header: self.header_cells,
                    };
                    self.push(kind, range.start + at, String::new(), base);
                }
            }
            _ => {}
        }
    }

    fn end_list(&mut self, list: &List, body: &str, base: usize) {
        let Some(&(first_at, first_n, first_digit)) = list.items.first() else {
            return;
        };
        if !list.ordered {
            if list.items.len() == 1 && first_digit {
                let s = &body[first_at..];
                if s.starts_with(['-', '+']) {
                    let skip = s.len() - s[1..].trim_start().len();
                    self.push(Kind::Sign, first_at, token(s, skip), base);
                }
            }
            return;
        }
        let Some(start) = first_n else { return };
        if list.items.len() == 1 {
            // `2. Breathe out` after a paragraph continues steps on purpose;
            // a year or a value (100 or more), or text going on in lower
            // case (`2. weeks later`), reads as a sentence.
            let s = body[first_at..].trim_start_matches(|c: char| c.is_ascii_digit());
            let text = s.get(1..).unwrap_or("").trim_start();
            let sentence = start >= 100 || text.starts_with(char::is_lowercase);
            if start != 1 && sentence {
                self.push_number(first_at, body, base);
            }
            return;
        }
        if list.items.iter().all(|(_, n, _)| *n == first_n) {
            return;
        }
        let renumbered = list
            .items
            .iter()
            .zip(start..)
            .find(|((_, n, _), shown)| *n != Some(*shown));
        if let Some(((at, _, _), _)) = renumbered {
            self.push_number(*at, body, base);
        }
    }

    /// A number and its `.` or `)` at `at`.
    fn push_number(&mut self, at: usize, body: &str, base: usize) {
        let s = &body[at..];
        let digits = s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let w = s.get(..digits + 1).unwrap_or(s).to_owned();
        self.push(Kind::Number, at, w, base);
    }

    fn push(&mut self, kind: Kind, at: usize, written: String, base: usize) {
        self.traps.push(Trap {
            kind,
            offset: base + at,
            written,
        });
    }

    /// The traps found, in file order.
    pub fn finish(mut self) -> Vec<Trap> {
        self.traps.sort_by_key(|t| t.offset);
        self.traps
    }
}

/// `2015. was` → `2015\. was`: a backslash before the `.` or `)` after the number.
fn escape_number(written: &str) -> String {
    let digits = written.len()
        - written
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .len();
    format!("{}\\{}", &written[..digits], &written[digits..])
}

pub fn check(doc: &Doc<'_>, out: &mut Vec<Diagnostic>) {
    for t in &doc.traps {
        let w = t.written.as_str();
        let d = match t.kind {
            Kind::Quote => Diagnostic::warning(
                "trap-quote",
                format!("`{w}` at the start of a line becomes a block quote and the `>` disappears"),
            )
            .with_hint(format!("write `\\{w}` (or “more than …”) to keep the sign")),
            Kind::Tilde => Diagnostic::warning(
                "trap-tilde",
                format!("`{w}`: text between single `~` becomes subscript and the tildes disappear"),
            )
            .with_hint(format!("write `\\{w}` (or “about …”) to keep the tildes")),
            Kind::Sign => Diagnostic::warning(
                "trap-sign",
                format!("`{w}` at the start of a line becomes a list item and the sign disappears"),
            )
            .with_hint(format!("write `\\{w}` to keep the sign")),
            Kind::Number => Diagnostic::warning(
                "trap-number",
                format!("`{w}` at the start of a line becomes a numbered list item (indented, and renumbered when the numbers are not consecutive)"),
            )
            .with_hint(format!(
                "write `{}` to keep the number as text (or number the list consecutively)",
                escape_number(w)
            )),
            Kind::Table { cells, header } => Diagnostic::warning(
                "trap-table",
                format!("this table row has {cells} cells but the header has {header}: the cells from here on are dropped"),
            )
            .with_hint("add a header cell, or write `\\|` for a `|` inside a cell"),
        };
        out.push(doc.locate(d, t.offset));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(code, line, column, hint)` of each trap in `text`.
    fn traps(text: &str) -> Vec<(&'static str, usize, usize, String)> {
        let doc = super::super::test_doc(text);
        let mut out = Vec::new();
        check(&doc, &mut out);
        out.into_iter()
            .map(|d| (d.code, d.line, d.column, d.hint.unwrap_or_default()))
            .collect()
    }

    fn codes(text: &str) -> Vec<(&'static str, usize, usize)> {
        traps(text)
            .into_iter()
            .map(|(c, l, col, _)| (c, l, col))
            .collect()
    }

    #[test]
    fn a_sign_at_line_start_that_makes_a_quote() {
        let t = traps("Fasting glucose\n>7.0 mmol/L means diabetes.\n");
        assert_eq!(t.len(), 1, "{t:?}");
        assert_eq!((t[0].0, t[0].1, t[0].2), ("trap-quote", 2, 1));
        assert!(t[0].3.contains("write `\\>7.0` "), "{}", t[0].3);
        assert_eq!(codes(">=5 tablets a day\n"), [("trap-quote", 1, 1)]);
        assert_eq!(codes("- >5.5 mmol/L\n- ok\n"), [("trap-quote", 1, 3)]);
        // A real quote, an escaped sign, a sign inside a line, code.
        assert!(codes("> Five patients said so.\n").is_empty());
        assert!(codes("\\>5.5 mmol/L\n\nAbove >5.5 mmol/L.\n").is_empty());
        assert!(codes("```\n>5.5\n```\n\n    >5.5\n\n<!--\n>5.5\n-->\n").is_empty());
    }

    #[test]
    fn tildes_for_about_that_make_subscript() {
        let t = traps("Take ~10 mg~ a day.\n");
        assert_eq!(t.len(), 1, "{t:?}");
        assert_eq!((t[0].0, t[0].1, t[0].2), ("trap-tilde", 1, 6));
        assert!(t[0].3.contains("write `\\~10 mg~` "), "{}", t[0].3);
        assert!(codes("CO ~2~ and ~~10 mg~~ and \\~10 mg~ and `~10 mg~`\n").is_empty());
    }

    #[test]
    fn a_lone_sign_that_makes_a_list_item() {
        assert_eq!(codes("Change:\n\n+ 2 mmol/L\n"), [("trap-sign", 3, 1)]);
        assert_eq!(codes("Change:\n- 0.5 %\n\nText.\n"), [("trap-sign", 2, 1)]);
        // A list of doses is a list.
        assert!(codes("- 2 tablets in the morning\n- 1 tablet at night\n").is_empty());
        assert!(codes("- Two tablets\n").is_empty());
        assert!(codes("\\+ 2 mmol/L\n").is_empty());
    }

    #[test]
    fn a_number_that_starts_or_renumbers_a_list() {
        let t = traps("2015. was the year the guideline changed.\n");
        assert_eq!((t[0].0, t[0].1, t[0].2), ("trap-number", 1, 1));
        assert!(t[0].3.contains("write `2015\\.` "), "{}", t[0].3);
        assert_eq!(traps("+ 2 mmol/L\n")[0].3, "write `\\+ 2` to keep the sign");
        // Written 1, 3: shown 1, 2.
        assert_eq!(codes("1. One\n3. Three\n"), [("trap-number", 2, 1)]);
        // Intended lists.
        assert!(codes("1. One\n2. Two\n").is_empty());
        assert!(codes("1. Only\n").is_empty());
        assert!(codes("1. One\n1. Two\n1. Three\n").is_empty());
        assert!(codes("3. Three\n4. Four\n").is_empty());
        assert!(codes("2015\\. was the year.\n").is_empty());
        assert_eq!(codes("Since\n\n2. weeks later\n"), [("trap-number", 3, 1)]);
        assert_eq!(codes("2015. Das Jahr\n"), [("trap-number", 1, 1)]);
        // Steps continued after a paragraph.
        assert!(codes("1. Shake.\n\nThen:\n\n2. Breathe out.\n").is_empty());
        // Inside a paragraph a number cannot start a list.
        assert!(codes("In\n2015. it changed.\n").is_empty());
    }

    #[test]
    fn table_rows_with_more_cells_than_the_header() {
        let t = traps("| Drug | Dose |\n|---|---|\n| A | 5 | 10 |\n| B | 1 \\| 2 |\n");
        assert_eq!(t.len(), 1, "{t:?}");
        assert_eq!((t[0].0, t[0].1, t[0].2), ("trap-table", 3, 9));
        let t = traps("Drug | Dose\n--- | ---\nA | 5 | 10\nB\n");
        assert_eq!((t[0].0, t[0].1, t[0].2), ("trap-table", 3, 7));
    }

    #[test]
    fn locations_count_the_front_matter() {
        let text = "+++\ntitle = \"T\"\n+++\n>5 mmol/L\n";
        let doc = super::super::parse(
            std::path::Path::new("a.md"),
            text,
            20,
            "/a/",
            std::path::Path::new("a/index.html"),
            "en",
            None,
        );
        let mut out = Vec::new();
        check(&doc, &mut out);
        assert_eq!((out[0].line, out[0].column), (4, 1));
    }
}
