//! `praxis build`.

use std::path::PathBuf;
use std::time::Instant;

use super::{Global, exit, find_root};
use crate::build::{BuildError, BuildOptions, build_staged};
use crate::output::{WriteError, WriteOptions};

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The site's folder (the one with praxis.toml).
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Where to write the site [default: ROOT/public].
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Use this base URL instead of the one in praxis.toml.
    #[arg(long)]
    pub base_url: Option<String>,
    /// Include drafts.
    #[arg(long)]
    pub drafts: bool,
    /// Fail on warnings too.
    #[arg(long)]
    pub strict: bool,
    /// Minify HTML, CSS and JavaScript.
    #[arg(long)]
    pub minify: bool,
    /// Also write .gz and .br beside every text file (for nginx gzip_static/brotli_static).
    #[arg(long)]
    pub precompress: bool,
    /// For tests: judge review dates as of this day (YYYY-MM-DD) instead of today.
    #[arg(long, hide = true, value_name = "YYYY-MM-DD", value_parser = super::review::parse_date)]
    pub today: Option<crate::date::Date>,
}

pub fn run(args: Args, g: &Global) -> u8 {
    let started = Instant::now();
    let root = find_root(args.root);
    let mut opts = BuildOptions {
        output_dir: args.output,
        base_url: args.base_url,
        drafts: args.drafts,
        ..BuildOptions::new(root)
    };
    if let Some(today) = args.today {
        opts.today = today;
    }
    let write = WriteOptions {
        minify: args.minify,
        precompress: args.precompress,
    };
    // Pages are written into a temporary folder as they are rendered; it
    // replaces the output folder only at the end, after every check passed.
    let staged = match build_staged(&opts, write) {
        Ok(b) => b,
        Err(BuildError::Content(ds)) => {
            g.report(&ds);
            eprintln!(
                "error: build failed with {} error(s); {} was not changed",
                ds.error_count(),
                opts.output_dir().display()
            );
            // Unreadable files are an I/O failure, not a content error.
            let io_only = ds.iter().filter(|d| d.is_error()).all(|d| d.code == "io");
            return if io_only { exit::IO } else { exit::CONTENT };
        }
        Err(BuildError::Write(e)) => return write_failed(&e),
    };
    g.report(&staged.built.diagnostics);
    if args.strict && !staged.built.diagnostics.is_empty() {
        eprintln!(
            "error: --strict: {} warning(s) count as errors; {} was not changed",
            staged.built.diagnostics.warning_count(),
            opts.output_dir().display()
        );
        return exit::CONTENT;
    }
    let writing = std::time::Instant::now();
    let built = match staged.publish() {
        Ok(b) => b,
        Err(e) => return write_failed(&e),
    };
    if g.verbose {
        for (stage, ms) in &built.timings {
            eprintln!("  {stage:<10} {ms:>6} ms");
        }
        eprintln!("  {:<10} {:>6} ms", "write", writing.elapsed().as_millis());
        eprintln!(
            "  share cards: {} drawn, {} from the cache",
            built.stats.cards_drawn, built.stats.cards_cached
        );
    }
    if !g.quiet {
        eprintln!(
            "built {} pages and {} sections ({} files) into {} in {} ms{}",
            built.stats.pages,
            built.stats.sections,
            built.stats.files,
            opts.output_dir().display(),
            started.elapsed().as_millis(),
            match built.diagnostics.warning_count() {
                0 => String::new(),
                n => format!(", {n} warning(s)"),
            }
        );
    }
    // The process ends here: freeing the site page by page would only keep
    // the user waiting (a tenth of a second on 10,000 pages).
    std::mem::forget(built);
    exit::OK
}

fn write_failed(e: &WriteError) -> u8 {
    eprintln!("error: {e}");
    if e.source.kind() == std::io::ErrorKind::StorageFull {
        eprintln!(
            "  = hint: the output's disk is full: free some space and build again (a build \
             needs room for the old and the new site side by side); the previous site was \
             kept and nothing half-written was left"
        );
    } else {
        eprintln!("  = hint: check free disk space and permissions; the previous site was kept");
    }
    exit::IO
}
