//! `praxis import`: bring posts in from WordPress, Hugo, Jekyll or any
//! folder of Markdown, and print what needs attention.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Subcommand;

use super::{Global, exit};
use crate::diagnostics::Diagnostic;
use crate::import::Report;

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub source: Source,
    /// The praxis site to import into (created when missing) [default: .].
    #[arg(long, global = true, value_name = "DIR")]
    pub into: Option<PathBuf>,
    /// Also write the report as JSON (the shape of `praxis check --format json`).
    #[arg(long, global = true, value_name = "FILE")]
    pub report: Option<PathBuf>,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Source {
    /// A folder of Markdown with YAML or TOML front matter (Quarto, R Markdown, Obsidian, notes).
    Markdown {
        /// The folder to read.
        dir: PathBuf,
    },
    /// A WordPress export file (Tools → Export, WXR).
    Wordpress {
        /// The exported .xml file.
        export: PathBuf,
        /// The site's wp-content/uploads folder: referenced images are copied into static/uploads/.
        #[arg(long, value_name = "DIR")]
        uploads: Option<PathBuf>,
    },
    /// A Hugo site (the folder with config.toml or hugo.toml).
    Hugo {
        /// The Hugo site's folder.
        dir: PathBuf,
    },
    /// A Jekyll site (the folder with _config.yml).
    Jekyll {
        /// The Jekyll site's folder.
        dir: PathBuf,
    },
}

pub fn run(args: Args, g: &Global) -> u8 {
    let into = args.into.unwrap_or_else(|| PathBuf::from("."));
    let progress = !g.quiet && std::io::stderr().is_terminal();
    let result: Result<Report, Diagnostic> = match &args.source {
        Source::Markdown { dir } => crate::import::markdown::import(dir, &into, progress),
        Source::Wordpress { export, uploads } => {
            crate::import::wordpress::import(export, uploads.as_deref(), &into, progress)
        }
        Source::Hugo { dir } => crate::import::hugo::import(dir, &into, progress),
        Source::Jekyll { dir } => crate::import::jekyll::import(dir, &into, progress),
    };
    let report = match result {
        Ok(r) => r,
        Err(d) => {
            eprint!("{}", d.render(g.color_stderr()));
            return if d.code == "io" {
                exit::IO
            } else {
                exit::CONTENT
            };
        }
    };
    g.report(&report.diagnostics);
    if let Some(path) = &args.report
        && let Err(e) = std::fs::write(path, report.to_json())
    {
        eprintln!("error: cannot write {}: {e}", path.display());
        return exit::IO;
    }
    if !g.quiet {
        eprintln!("{}", report.summary());
        eprintln!(
            "next: praxis build --root {} (or praxis check) to see the imported site",
            into.display()
        );
    }
    let errors: Vec<_> = report.diagnostics.iter().filter(|d| d.is_error()).collect();
    if errors.is_empty() {
        exit::OK
    } else if errors.iter().all(|d| d.code == "io") {
        exit::IO
    } else {
        exit::CONTENT
    }
}
