//! `shouwang`: every registry operation, scriptable for county IT staff.
//!
//! Exit codes: 0 done, 2 invalid input (nothing was written), 1 any other failure. `--json` makes
//! every command print machine-readable JSON (errors too, on standard error).

mod args;
mod commands;
mod context;
mod error;
mod output;
mod parse;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    quiet_on_closed_pipe();
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

/// `shouwang elder list | head` closes standard output early; printing then fails with a broken pipe.
/// Like other Unix tools, end quietly (exit 0: everything that was read was printed) instead of
/// panicking with a backtrace. Every write is committed before anything is printed, so nothing is lost.
fn quiet_on_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.contains("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(0);
        }
        default(info);
    }));
}
