//! The `praxis` binary: parse arguments, run the command, exit with its code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = praxis::cli::Cli::parse();
    ExitCode::from(praxis::cli::run(cli))
}
