//! Diagnostics: the one type for every error and warning praxis reports.
//!
//! Every stage that reads user files reports problems as [`Diagnostic`] values
//! that carry the file (relative to the site root), a 1-based line and column,
//! a message and a hint on how to fix it. Stages collect them instead of
//! stopping at the first one, so a user sees every broken file in one run.
//!
//! This module must not print: rendering to text or JSON is done on request by
//! the CLI, which decides about colour and verbosity.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Something a reader would notice or a check policy may reject.
    Warning,
    /// The site cannot be built correctly.
    Error,
}

/// One problem found in the site, with where it is and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A short stable code, e.g. `front-matter`, `config`, `link`.
    pub code: &'static str,
    /// The file, relative to the site root where possible.
    pub file: Option<PathBuf>,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column (in characters); 0 when unknown.
    pub column: usize,
    pub message: String,
    pub hint: Option<String>,
    /// The source line the problem is on, for display.
    #[serde(skip)]
    pub snippet: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            file: None,
            line: 0,
            column: 0,
            message: message.into(),
            hint: None,
            snippet: None,
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn in_file(mut self, file: impl Into<PathBuf>) -> Self {
        self.file = Some(file.into());
        self
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = line;
        self.column = column;
        self
    }

    /// Sets line, column and the snippet from a byte offset into `source`.
    pub fn at_offset(self, source: &str, offset: usize) -> Self {
        let (line, column) = line_col(source, offset);
        let snippet = source
            .lines()
            .nth(line.saturating_sub(1))
            .map(str::to_owned);
        Diagnostic {
            snippet,
            ..self.at(line, column)
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col` (or less, when unknown).
    pub fn location(&self) -> String {
        let mut s = match &self.file {
            Some(f) => f.display().to_string(),
            None => String::new(),
        };
        if self.line > 0 {
            let _ = write!(s, ":{}", self.line);
            if self.column > 0 {
                let _ = write!(s, ":{}", self.column);
            }
        }
        s
    }

    /// Human-readable rendering, like a compiler: location, message, the source
    /// line with a caret, and the hint.
    pub fn render(&self, color: bool) -> String {
        let (label, on, off) = match (self.severity, color) {
            (Severity::Error, true) => ("error", "\x1b[1;31m", "\x1b[0m"),
            (Severity::Warning, true) => ("warning", "\x1b[1;33m", "\x1b[0m"),
            (Severity::Error, false) => ("error", "", ""),
            (Severity::Warning, false) => ("warning", "", ""),
        };
        let mut out = String::new();
        let loc = self.location();
        if loc.is_empty() {
            let _ = writeln!(out, "{on}{label}{off}: {}", self.message);
        } else {
            let _ = writeln!(out, "{on}{label}{off}: {loc}: {}", self.message);
        }
        if let Some(snippet) = &self.snippet {
            let gutter = self.line.to_string();
            let pad = " ".repeat(gutter.len());
            let _ = writeln!(out, " {pad} |");
            let _ = writeln!(out, " {gutter} | {}", snippet.trim_end());
            if self.column > 0 {
                let caret_pad: String = snippet
                    .chars()
                    .take(self.column - 1)
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                let _ = writeln!(out, " {pad} | {caret_pad}^");
            }
        }
        if let Some(hint) = &self.hint {
            let _ = writeln!(out, "  = hint: {hint}");
        }
        out
    }
}

/// 1-based line and column (in characters) of a byte offset in `source`.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = source[line_start..offset].chars().count() + 1;
    (line, column)
}

/// Decodes a user's file as UTF-8; otherwise an `encoding` error at the line
/// and column of the first invalid byte, with `hint`.
pub fn decode_utf8(bytes: Vec<u8>, file: &Path, hint: &str) -> Result<String, Diagnostic> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let prefix = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
        let (line, column) = line_col(&prefix, valid);
        Diagnostic::error("encoding", "the file is not valid UTF-8")
            .in_file(file)
            .at(line, column)
            .with_hint(hint)
    })
}

/// All diagnostics of one run, in a stable order.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Diagnostics::default()
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(ds);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Sorts by file, line and column so output does not depend on threads.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            (&a.file, a.line, a.column, &a.message).cmp(&(&b.file, b.line, b.column, &b.message))
        });
        self.items.dedup();
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// The closest candidates to `wanted`, best first, for "did you mean" hints.
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let wanted_lower = wanted.to_lowercase();
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&wanted_lower, &c.to_lowercase()), c))
        .filter(|(score, _)| *score > 0.7)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.into_iter().take(3).map(|(_, c)| c).collect()
}

/// "did you mean `a`?" or "did you mean one of `a`, `b`?"; `None` when nothing is close.
pub fn did_you_mean<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let best = closest(wanted, candidates);
    match best.as_slice() {
        [] => None,
        [one] => Some(format!("did you mean `{one}`?")),
        many => Some(format!(
            "did you mean one of {}?",
            many.iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// Makes `path` relative to `root` for display, when it is inside it.
pub fn relative_to(path: &Path, root: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one_and_in_characters() {
        let src = "ab\nüx\n";
        assert_eq!(line_col(src, 0), (1, 1));
        assert_eq!(line_col(src, 3), (2, 1));
        // 'x' comes after the two-byte 'ü'
        assert_eq!(line_col(src, 5), (2, 2));
        assert_eq!(line_col(src, 999), (3, 1));
    }

    #[test]
    fn render_shows_location_caret_and_hint() {
        let d = Diagnostic::error("config", "unknown key `titel`")
            .in_file("praxis.toml")
            .at_offset("a = 1\ntitel = \"x\"\n", 6)
            .with_hint("did you mean `title`?");
        let text = d.render(false);
        assert!(text.starts_with("error: praxis.toml:2:1: unknown key `titel`"));
        assert!(text.contains(" 2 | titel = \"x\""));
        assert!(text.contains("  | ^"));
        assert!(text.contains("hint: did you mean `title`?"));
    }

    #[test]
    fn suggestions_pick_the_nearest_keys() {
        assert_eq!(
            did_you_mean("titel", ["title", "date", "tags"]).as_deref(),
            Some("did you mean `title`?")
        );
        assert_eq!(did_you_mean("zzzz", ["title", "date"]), None);
    }
}
