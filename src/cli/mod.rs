//! The command line: one `Args` struct and one `run` per subcommand.
//!
//! Each subcommand returns an [`ExitCode`]-like number instead of exiting, so
//! tests can call it; only `main.rs` exits. Exit codes: 0 ok, 1 content or
//! config errors, 2 usage error,
//! 3 I/O failure.

pub mod build;
pub mod check;
pub mod import;
pub mod init;
pub mod new;
pub mod review;
pub mod serve;
pub mod social;

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::diagnostics::Diagnostics;

/// Exit codes, as documented in the README.
pub mod exit {
    pub const OK: u8 = 0;
    pub const CONTENT: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const IO: u8 = 3;
}

/// When to colour the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// Options every subcommand understands.
#[derive(Debug, Clone, clap::Args, Default)]
pub struct Global {
    /// Print only errors.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Print more about what is done.
    #[arg(long, short, global = true)]
    pub verbose: bool,
    /// Colour the output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
}

impl Global {
    /// Whether to colour what goes to standard error.
    pub fn color_stderr(&self) -> bool {
        match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        }
    }

    /// Prints diagnostics to standard error (warnings only unless quiet).
    pub fn report(&self, ds: &Diagnostics) {
        let color = self.color_stderr();
        const CAP: usize = 200;
        let mut shown = 0;
        for d in ds.iter() {
            if self.quiet && !d.is_error() {
                continue;
            }
            if shown == CAP {
                eprintln!("… and {} more", ds.iter().count() - CAP);
                break;
            }
            eprint!("{}", d.render(color));
            shown += 1;
        }
    }
}

/// praxis builds fast, private, accessible websites for clinicians' articles.
#[derive(Debug, Parser)]
#[command(name = "praxis", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new site that builds at once.
    Init(init::Args),
    /// Create a new article with its front matter filled in.
    New(new::Args),
    /// Build the site into public/.
    Build(build::Args),
    /// Build, serve on 127.0.0.1, rebuild on change and reload the browser.
    Serve(serve::Args),
    /// Build in memory and report problems without writing.
    Check(check::Args),
    /// Print the review register: last review, reviewer, next review due.
    Review(review::Args),
    /// Print ready-to-post texts per platform for the site's articles.
    Social(social::Args),
    /// Import posts from WordPress, Hugo, Jekyll or a folder of Markdown.
    Import(import::Args),
}

/// Runs the parsed command line; returns the exit code.
pub fn run(cli: Cli) -> u8 {
    let g = &cli.global;
    match cli.command {
        Command::Init(a) => init::run(a, g),
        Command::New(a) => new::run(a, g),
        Command::Build(a) => build::run(a, g),
        Command::Serve(a) => serve::run(a, g),
        Command::Check(a) => check::run(a, g),
        Command::Review(a) => review::run(a, g),
        Command::Social(a) => social::run(a, g),
        Command::Import(a) => import::run(a, g),
    }
}

/// The site root: `--root`, else the nearest folder upwards with a praxis.toml, else `.`.
pub fn find_root(root: Option<PathBuf>) -> PathBuf {
    if let Some(r) = root {
        return r;
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    cwd.ancestors()
        .find(|d| crate::build::is_site_root(d))
        .map(PathBuf::from)
        .unwrap_or(cwd)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_documented_subcommand_is_present() {
        let cmd = Cli::command();
        let names: Vec<_> = cmd
            .get_subcommands()
            .map(|c| c.get_name().to_owned())
            .collect();
        for n in [
            "init", "new", "build", "serve", "check", "review", "social", "import",
        ] {
            assert!(names.iter().any(|x| x == n), "missing {n}");
        }
    }
}
