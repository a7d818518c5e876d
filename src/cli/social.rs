//! `praxis social`: ready-to-post texts per platform for the site's articles.
//!
//! Loads the site and renders its Markdown in memory (nothing is written, no
//! card is drawn), then prints one post per article and platform as
//! Markdown, JSON or CSV on standard output; warnings go to standard error.

use std::io::Write;
use std::path::PathBuf;

use clap::ValueEnum;

use super::{Global, exit, find_root};
use crate::config::Config;
use crate::content::{self, LoadOptions, Page, Site};
use crate::date::Date;
use crate::diagnostics::{Diagnostics, did_you_mean};
use crate::social::{self, Platform, Selection, format};

/// How to print the posts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// Markdown: a section per article, a code block per platform.
    #[default]
    Md,
    /// A JSON object for scripts.
    Json,
    /// RFC 4180 CSV, one row per article and platform.
    Csv,
}

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The site's folder (the one with praxis.toml).
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Only articles published (`date`) on or after this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = super::review::parse_date)]
    pub since: Option<Date>,
    /// Only this article: its file (`artikel/hba1c.md`, `content/artikel/hba1c.md`) or URL (`/artikel/hba1c/`); may be repeated.
    #[arg(long, value_name = "PATH")]
    pub page: Vec<String>,
    /// The platforms, comma-separated [default: all]
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = parse_platform)]
    pub platform: Vec<Platform>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Md)]
    pub format: Format,
}

fn parse_platform(s: &str) -> Result<Platform, String> {
    Platform::parse(s).ok_or_else(|| {
        let names: Vec<&str> = Platform::ALL.iter().map(|p| p.name()).collect();
        format!(
            "unknown platform `{s}`; use one or more of: {}",
            names.join(",")
        )
    })
}

/// The page a `--page` value names.
fn find_page<'a>(site: &'a Site, wanted: &str) -> Result<&'a Page, String> {
    let w = wanted.trim().replace('\\', "/");
    let w = w.strip_prefix("./").unwrap_or(&w);
    let bare = w.strip_prefix("content/").unwrap_or(w);
    let url_like = w.trim_matches('/');
    let found = site.pages.iter().find(|p| {
        let file = p.file.display().to_string().replace('\\', "/");
        let rel = file.strip_prefix("content/").unwrap_or(&file);
        rel == bare
            || rel.strip_suffix(".md") == Some(bare)
            || p.permalink == w
            || (!url_like.is_empty() && p.url.trim_matches('/') == url_like)
            || p.url
                .strip_prefix(&site.config.root_path)
                .is_some_and(|u| !url_like.is_empty() && u.trim_matches('/') == url_like)
    });
    found.ok_or_else(|| {
        let files: Vec<String> = site
            .pages
            .iter()
            .map(|p| {
                let f = p.file.display().to_string().replace('\\', "/");
                f.strip_prefix("content/").unwrap_or(&f).to_owned()
            })
            .collect();
        let hint = did_you_mean(bare, files.iter().map(String::as_str)).unwrap_or_else(|| {
            "name an article by its file under content/, like artikel/hba1c.md, or by its URL"
                .to_owned()
        });
        format!("no article `{wanted}` in the site; {hint}")
    })
}

pub fn run(args: Args, g: &Global) -> u8 {
    let root = find_root(args.root);
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
        drafts: false,
        today: Date::today(),
    };
    let (site, mut ds) = match content::load(config, opts) {
        Ok(v) => v,
        Err(ds) => return failed(&ds),
    };
    let md = crate::render::render_markdown(&site, &mut ds);
    if ds.has_errors() {
        ds.sort();
        return failed(&ds);
    }
    ds.sort();
    g.report(&ds);

    let mut sel = Selection {
        since: args.since,
        pages: Vec::new(),
        platforms: Vec::new(),
    };
    for p in &args.platform {
        if !sel.platforms.contains(p) {
            sel.platforms.push(*p);
        }
    }
    for wanted in &args.page {
        match find_page(&site, wanted) {
            Ok(p) => sel.pages.push(p.id),
            Err(msg) => {
                eprintln!("error: {msg}");
                return exit::USAGE;
            }
        }
    }
    let kits = social::kits(&site, &md, &sel);
    if kits.is_empty() {
        eprintln!("no articles match (of {} in the site)", site.pages.len());
    }
    let text = match args.format {
        Format::Md => format::markdown(&kits),
        Format::Json => format::json(&kits),
        Format::Csv => format::csv(&kits),
    };
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => exit::OK,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => exit::OK,
        Err(e) => {
            eprintln!("error: cannot write the posts: {e}");
            exit::IO
        }
    }
}
