//! `praxis serve`.

use std::io::Write as _;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;

use super::{Global, exit, find_root};
use crate::build::BuildOptions;
use crate::serve::{Event, ServeError, ServeOptions, start};

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The site's folder (the one with praxis.toml).
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// The address to listen on; 0.0.0.0 makes the preview reachable from the network.
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// The port to listen on; 0 picks a free one.
    #[arg(long, short, default_value_t = 1111)]
    pub port: u16,
    /// Include drafts.
    #[arg(long)]
    pub drafts: bool,
    /// Open the site in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Poll for changes instead of using file events (network drives, some VMs).
    #[arg(long)]
    pub poll: bool,
}

pub fn run(args: Args, g: &Global) -> u8 {
    let root = find_root(args.root);
    let opts = ServeOptions {
        build: BuildOptions {
            drafts: args.drafts,
            ..BuildOptions::new(root)
        },
        bind: args.bind,
        port: args.port,
        poll: args.poll,
    };
    let reporter = {
        let g = g.clone();
        let shown = std::sync::Mutex::new(std::collections::HashSet::new());
        Arc::new(move |e: Event<'_>| {
            let mut shown = shown
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            report(&g, &e, &mut shown)
        })
    };
    let server = match start(opts, reporter) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            match e {
                ServeError::PortInUse { .. } => eprintln!(
                    "  = hint: stop the other server, choose another port with --port, or let \
                     praxis pick a free one with --port 0"
                ),
                ServeError::Bind { .. } => {
                    eprintln!("  = hint: --bind takes an address of this machine, like 127.0.0.1")
                }
                _ => {}
            }
            return exit::IO;
        }
    };
    // The address always goes to standard output, also with --quiet: it is
    // what the command is for (and what scripts read).
    println!("serving the site at {} (Ctrl-C to stop)", server.url());
    let _ = std::io::stdout().flush();
    if args.bind.is_unspecified() && !g.quiet {
        eprintln!(
            "note: listening on all interfaces ({}); anyone on the network can see the preview",
            args.bind
        );
    }
    if args.open {
        open_browser(server.url());
    }
    server.run();
    exit::OK
}

/// Prints what a rebuild did. Warnings already shown after an earlier build
/// are not repeated (`shown` holds them); the summary line counts them all.
fn report(g: &Global, e: &Event<'_>, shown: &mut std::collections::HashSet<u64>) {
    let what = |changed: &[PathBuf]| match changed {
        [] => String::new(),
        [one] => format!(" after a change to {}", one.display()),
        [first, ..] => format!(" after changes to {} and others", first.display()),
    };
    match e {
        Event::Built {
            built,
            millis,
            changed,
        } => {
            let mut new = crate::diagnostics::Diagnostics::new();
            let mut now = std::collections::HashSet::new();
            for d in built.diagnostics.iter() {
                let key = crate::incremental::KeyHasher::new()
                    .str(d.code)
                    .debug(&d.file)
                    .num(d.line as u64)
                    .num(d.column as u64)
                    .str(&d.message)
                    .finish();
                if !shown.contains(&key) {
                    new.push(d.clone());
                }
                now.insert(key);
            }
            *shown = now;
            g.report(&new);
            if g.verbose {
                for (stage, ms) in &built.timings {
                    eprintln!("  {stage:<10} {ms:>6} ms");
                }
                let r = built.stats.reuse;
                eprintln!(
                    "  reused: Markdown of {} files ({} rendered), {} templates ({} rendered)",
                    r.markdown.reused,
                    r.markdown.computed,
                    r.templates.reused,
                    r.templates.computed
                );
            }
            if !g.quiet {
                eprintln!(
                    "built {} pages and {} sections in {millis} ms{}{}",
                    built.stats.pages,
                    built.stats.sections,
                    what(changed),
                    match built.diagnostics.warning_count() {
                        0 => String::new(),
                        n => format!(", {n} warning(s)"),
                    }
                );
            }
        }
        Event::Failed {
            diagnostics,
            changed,
        } => {
            g.report(diagnostics);
            eprintln!(
                "error: the build failed{} with {} error(s); still serving the last good site",
                what(changed),
                diagnostics.error_count()
            );
        }
        Event::WatchTrouble(t) => eprintln!("warning: watching for changes: {t}"),
    }
}

/// Opens `url` with the platform's opener; a failure is only a note.
fn open_browser(url: &str) {
    let mut cmd = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    let opened = cmd
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if opened.is_err() {
        eprintln!("note: could not open a browser; open {url} yourself");
    }
}
