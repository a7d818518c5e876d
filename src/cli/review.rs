//! `praxis review`: the review register.
//!
//! Loads the site (nothing is rendered or written) and prints every article
//! with its last review, reviewers, next review date and status: never reviewed
//! first, then by due date, so the most urgent work is at the top.

use std::io::Write;
use std::path::PathBuf;

use clap::ValueEnum;
use serde::Serialize;

use super::{Global, exit, find_root};
use crate::check::readability::ArticleScore;
use crate::config::Config;
use crate::content::{self, LoadOptions};
use crate::date::{Date, Interval};
use crate::diagnostics::Diagnostics;
use crate::review::{Entry, Status, register};

/// How to print the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// An aligned table for people.
    #[default]
    Text,
    /// A JSON object for scripts.
    Json,
    /// RFC 4180 CSV for spreadsheets.
    Csv,
}

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The site's folder (the one with praxis.toml).
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Only articles due within this time, like 60d or "3 months" (overdue and never reviewed ones always show).
    #[arg(long, value_name = "INTERVAL", value_parser = parse_interval)]
    pub due_within: Option<Interval>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Include drafts.
    #[arg(long)]
    pub drafts: bool,
    /// Add each article's readability score (the formula of its language).
    #[arg(long)]
    pub readability: bool,
    /// For tests: judge review dates as of this day (YYYY-MM-DD) instead of today.
    #[arg(long, hide = true, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub today: Option<Date>,
}

pub fn parse_interval(s: &str) -> Result<Interval, String> {
    s.parse()
}

pub fn parse_date(s: &str) -> Result<Date, String> {
    s.parse()
}

/// The register as `--format json` prints it.
#[derive(Debug, Serialize)]
struct Register<'a> {
    today: Date,
    due_within: Option<String>,
    articles: &'a [Entry],
}

pub fn run(args: Args, g: &Global) -> u8 {
    let root = find_root(args.root);
    let today = args.today.unwrap_or_else(Date::today);
    let failed = |ds: &Diagnostics| {
        g.report(ds);
        let io_only = ds.iter().filter(|d| d.is_error()).all(|d| d.code == "io");
        if io_only { exit::IO } else { exit::CONTENT }
    };
    let config = match Config::load(&root) {
        Ok(c) => c,
        Err(ds) => return failed(&ds),
    };
    let opts = LoadOptions {
        drafts: args.drafts,
        today,
    };
    let (site, ds) = match content::load(config, opts) {
        Ok(v) => v,
        Err(ds) => return failed(&ds),
    };
    g.report(&ds);

    let mut entries = register(&site);
    if args.readability {
        for e in &mut entries {
            if let Some(p) = site
                .pages
                .iter()
                .find(|p| p.file.to_string_lossy().replace('\\', "/") == e.file)
            {
                e.readability = Some(crate::check::page_readability(&site, p));
            }
        }
    }
    if let Some(window) = args.due_within {
        let limit = today.plus(window);
        entries.retain(|e| {
            e.status == Status::NeverReviewed
                || e.status == Status::Overdue
                || match (e.next_review, limit) {
                    (Some(due), Some(limit)) => due <= limit,
                    (Some(_), None) => true,
                    (None, _) => false,
                }
        });
    }
    let text = match args.format {
        Format::Text => text(&entries, site.pages.len(), today, args.due_within),
        Format::Json => {
            let r = Register {
                today,
                due_within: args.due_within.map(|i| i.to_string()),
                articles: &entries,
            };
            let mut s = serde_json::to_string_pretty(&r).unwrap_or_default();
            s.push('\n');
            s
        }
        Format::Csv => csv(&entries, args.readability),
    };
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => exit::OK,
        // `praxis review | head` is fine.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => exit::OK,
        Err(e) => {
            eprintln!("error: cannot write the register: {e}");
            exit::IO
        }
    }
}

fn status_text(s: Status) -> &'static str {
    match s {
        Status::Current => "current",
        Status::DueSoon => "due soon",
        Status::Overdue => "overdue",
        Status::NeverReviewed => "never reviewed",
    }
}

fn date_or_dash(d: Option<Date>) -> String {
    d.map_or_else(|| "-".to_owned(), |d| d.iso())
}

/// An aligned table, then a summary line.
pub fn text(entries: &[Entry], total: usize, today: Date, window: Option<Interval>) -> String {
    let with_score = entries.iter().any(|e| e.readability.is_some());
    let mut header = vec![
        "STATUS",
        "NEXT DUE",
        "LAST REVIEWED",
        "REVIEWED BY",
        "LANG",
        "FILE",
    ];
    if with_score {
        header.push("READABILITY");
    }
    header.push("TITLE");
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            let mut r = vec![
                status_text(e.status).to_owned(),
                date_or_dash(e.next_review),
                date_or_dash(e.last_reviewed),
                if e.reviewers.is_empty() {
                    "-".to_owned()
                } else {
                    e.reviewers.join(", ")
                },
                e.lang.clone(),
                e.file.clone(),
            ];
            if with_score {
                r.push(
                    e.readability
                        .as_ref()
                        .map_or_else(|| "-".to_owned(), score_text),
                );
            }
            r.push(e.title.clone());
            r
        })
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r.iter()) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &[&str]| {
        let mut l = String::new();
        for (i, cell) in cells.iter().enumerate() {
            l.push_str(cell);
            if i + 1 < cells.len() {
                let pad = widths[i] - cell.chars().count() + 2;
                l.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    if !rows.is_empty() {
        line(&header);
        for r in &rows {
            let cells: Vec<&str> = r.iter().map(String::as_str).collect();
            line(&cells);
        }
        out.push('\n');
    }
    let count = |s: Status| entries.iter().filter(|e| e.status == s).count();
    let shown = match window {
        Some(w) => format!("{} of {total} article(s) due within {w}", entries.len()),
        None => format!("{total} article(s)"),
    };
    out.push_str(&format!(
        "{shown}: {} overdue, {} due soon, {} current, {} never reviewed (as of {today})\n",
        count(Status::Overdue),
        count(Status::DueSoon),
        count(Status::Current),
        count(Status::NeverReviewed),
    ));
    out
}

/// `grade 7.4`, `ease 49.3 (hard)`: the first formula's value, and whether
/// it misses the target; `-` for languages without a formula.
fn score_text(a: &ArticleScore) -> String {
    let Some(first) = a.scores.first() else {
        return "-".to_owned();
    };
    let kind = if first.formula.contains("grade") {
        "grade"
    } else {
        "ease"
    };
    let hard = if a.ok == Some(false) { " (hard)" } else { "" };
    format!("{kind} {:.1}{hard}", first.value)
}

/// One CSV field, quoted when it must be (RFC 4180).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// RFC 4180 CSV with a header row and CRLF line ends; with `readability`,
/// three columns more.
pub fn csv(entries: &[Entry], readability: bool) -> String {
    let mut out = String::from(
        "status,next_review,last_reviewed,reviewers,lang,file,title,url,days_until_due",
    );
    if readability {
        out.push_str(",readability_formula,readability_score,readability_ok");
    }
    out.push_str("\r\n");
    for e in entries {
        let mut fields = vec![
            e.status.as_str().to_owned(),
            e.next_review.map(|d| d.iso()).unwrap_or_default(),
            e.last_reviewed.map(|d| d.iso()).unwrap_or_default(),
            e.reviewers.join("; "),
            e.lang.clone(),
            e.file.clone(),
            e.title.clone(),
            e.url.clone(),
            e.days_until_due.map(|d| d.to_string()).unwrap_or_default(),
        ];
        if readability {
            let first = e.readability.as_ref().and_then(|a| a.scores.first());
            fields.push(first.map(|f| f.formula.to_owned()).unwrap_or_default());
            fields.push(first.map(|f| f.value.to_string()).unwrap_or_default());
            fields.push(
                e.readability
                    .as_ref()
                    .and_then(|a| a.ok)
                    .map(|ok| ok.to_string())
                    .unwrap_or_default(),
            );
        }
        let row: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_only_what_needs_it() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    }
}
