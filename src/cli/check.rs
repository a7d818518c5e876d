//! `praxis check`: build in memory, write nothing, report every problem
//! grouped by file, with a summary; `--format json` for tools.

use std::collections::BTreeSet;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use std::time::Duration;

use clap::ValueEnum;
use serde::Serialize;

use super::{ColorChoice, Global, exit, find_root};
use crate::build::{BuildError, BuildOptions, build};
use crate::check::Findings;
use crate::check::external::Options;
use crate::check::readability::ArticleScore;
use crate::diagnostics::{Diagnostic, Diagnostics};

/// How to print the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// Grouped by file, like a compiler, with a summary line.
    #[default]
    Text,
    /// One JSON object for tools.
    Json,
}

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The site's folder (the one with praxis.toml).
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Exit with 1 on warnings too.
    #[arg(long)]
    pub strict: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Include drafts.
    #[arg(long)]
    pub drafts: bool,
    /// Also check links to other sites (HTTP HEAD; results cached in .praxis-cache/).
    #[arg(long)]
    pub external: bool,
    /// Seconds to wait for one external link.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0, value_parser = parse_seconds)]
    pub external_timeout: f64,
    /// For tests: judge review dates as of this day (YYYY-MM-DD) instead of today.
    #[arg(long, hide = true, value_name = "YYYY-MM-DD", value_parser = super::review::parse_date)]
    pub today: Option<crate::date::Date>,
}

/// The report as `--format json` prints it.
#[derive(Debug, Serialize)]
pub struct Report<'a> {
    pub errors: usize,
    pub warnings: usize,
    pub files: usize,
    pub diagnostics: &'a [Diagnostic],
    /// The readability of every page (empty when the build stopped on errors).
    pub readability: &'a [ArticleScore],
}

pub fn run(args: Args, g: &Global) -> u8 {
    let root = find_root(args.root);
    let external = args.external.then(|| Options {
        timeout: Duration::from_secs_f64(args.external_timeout),
        ..Options::new(&root)
    });
    let mut opts = BuildOptions {
        drafts: args.drafts,
        // check writes nothing: no share cards, no card cache.
        draw_cards: false,
        card_cache: None,
        citation_cache: None,
        ..BuildOptions::new(root)
    };
    if let Some(today) = args.today {
        opts.today = today;
    }
    let (mut ds, pages, checked) = match build(&opts) {
        Ok(b) => (b.diagnostics, Some(b.stats.pages), b.checked),
        Err(BuildError::Content(ds)) => (ds, None, Findings::default()),
        Err(BuildError::Write(e)) => {
            eprintln!("error: {e}");
            return exit::IO;
        }
    };
    if let Some(o) = &external {
        ds.extend(crate::check::external::check(&checked.external_links, o));
    }
    let scores = checked.readability;
    let mut items = ds.into_vec();
    if g.quiet {
        items.retain(Diagnostic::is_error);
    }
    let mut all = Diagnostics::new();
    all.extend(items.iter().cloned());
    all.sort();
    let items = all.into_vec();
    let (errors, warnings, files) = counts(&items);
    let text = match args.format {
        Format::Json => {
            let r = Report {
                errors,
                warnings,
                files,
                diagnostics: &items,
                readability: &scores,
            };
            let mut s = serde_json::to_string_pretty(&r).unwrap_or_default();
            s.push('\n');
            s
        }
        Format::Text => text(&items, pages, color_stdout(g), g.quiet),
    };
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => {
            eprintln!("error: cannot write the report: {e}");
            return exit::IO;
        }
    }
    let io_only = errors > 0
        && items
            .iter()
            .filter(|d| d.is_error())
            .all(|d| d.code == "io");
    if io_only {
        exit::IO
    } else if errors > 0 || (args.strict && warnings > 0) {
        exit::CONTENT
    } else {
        exit::OK
    }
}

/// A positive number of seconds, at most a day.
fn parse_seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v > 0.0 && v <= 86_400.0 => Ok(v),
        _ => Err(format!("`{s}` is not a number of seconds like 10 or 2.5")),
    }
}

fn color_stdout(g: &Global) -> bool {
    match g.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    }
}

fn plural(n: usize, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

/// Diagnostics grouped by file (a header line per file), then the summary.
/// `items` must be sorted (by file, then position).
pub fn text(items: &[Diagnostic], pages: Option<usize>, color: bool, quiet: bool) -> String {
    let mut out = String::new();
    let mut current: Option<Option<&PathBuf>> = None;
    let (bold, reset) = if color {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("", "")
    };
    for d in items {
        if current != Some(d.file.as_ref()) {
            if current.is_some() {
                out.push('\n');
            }
            current = Some(d.file.as_ref());
            let name = d
                .file
                .as_ref()
                .map_or_else(|| "(site)".to_owned(), |f| f.display().to_string());
            out.push_str(&format!("{bold}{name}{reset}\n"));
        }
        out.push_str(&d.render(color));
    }
    if !items.is_empty() {
        out.push('\n');
    }
    let (errors, warnings, files) = counts(items);
    if items.is_empty() {
        if !quiet {
            let checked = pages.map_or_else(String::new, |n| format!(" in {}", plural(n, "page")));
            out.push_str(&format!("no problems found{checked}\n"));
        }
    } else {
        out.push_str(&format!(
            "{}, {} in {}\n",
            plural(errors, "error"),
            plural(warnings, "warning"),
            plural(files, "file")
        ));
    }
    out
}

/// Errors, warnings, and the number of files they are in.
fn counts(items: &[Diagnostic]) -> (usize, usize, usize) {
    let errors = items.iter().filter(|d| d.is_error()).count();
    let files = items
        .iter()
        .filter_map(|d| d.file.as_ref())
        .collect::<BTreeSet<_>>()
        .len();
    (errors, items.len() - errors, files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_groups_by_file_and_counts() {
        let items = vec![
            Diagnostic::error("link", "broken")
                .in_file("content/a.md")
                .at(2, 3),
            Diagnostic::warning("alt-text", "no alt")
                .in_file("content/a.md")
                .at(4, 1),
            Diagnostic::warning("description", "none").in_file("content/b.md"),
        ];
        let t = text(&items, Some(2), false, false);
        assert!(
            t.starts_with("content/a.md\nerror: content/a.md:2:3: broken\n"),
            "{t}"
        );
        assert_eq!(t.matches("content/b.md\n").count(), 1, "{t}");
        assert!(t.ends_with("1 error, 2 warnings in 2 files\n"), "{t}");
        assert_eq!(
            text(&[], Some(3), false, false),
            "no problems found in 3 pages\n"
        );
    }
}
