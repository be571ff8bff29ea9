//! `shouwang`: every registry operation, scriptable for county IT staff.
//!
//! Exit codes: 0 done, 2 invalid input (nothing was written), 1 any other failure. `--json` makes
//! every command print machine-readable JSON (errors too, on standard error).

mod args;
mod commands;
mod error;
mod output;
mod set;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let json = cli.json;
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            output::error(&err, json);
            ExitCode::from(if err.is_invalid_input() { 2 } else { 1 })
        }
    }
}
