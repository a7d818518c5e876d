//! The `praxis` binary: parse arguments, run the command, exit with its code.

use std::process::ExitCode;

use clap::Parser;

/// Builds allocate many small strings (Markdown events, citation formatting) from
/// every thread; mimalloc handles that far better than the system allocator.
/// Built with `no_thp`: asking for transparent huge pages made every fresh
/// 2 MB of heap a page fault that zeroes all of it, about a sixth of a large
/// build's CPU time.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    praxis::citations::engine::hide_recovered_panics();
    let cli = praxis::cli::Cli::parse();
    ExitCode::from(praxis::cli::run(cli))
}
