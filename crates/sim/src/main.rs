//! `shouwang-sim`: a county's year of offline work on real stores, the real sync engine and a real
//! relay process, with faults; prints the counts (or JSON) and exits 1 if any invariant broke.
//!
//! ```sh
//! cargo build -p shouwang-relay -p shouwang-sim
//! target/debug/shouwang-sim --seed 7 --villages 1 --helpers 3 --elders 60 --days 365
//! ```

use clap::Parser;
use shouwang_sim::Config;

/// Simulates a county's year of offline work with faults and checks that nothing was lost.
#[derive(Parser)]
#[command(name = "shouwang-sim", version)]
struct Args {
    /// The seed of every random choice.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Villages.
    #[arg(long, default_value_t = 20)]
    villages: usize,
    /// Helpers in the county.
    #[arg(long, default_value_t = 100)]
    helpers: usize,
    /// Elders in the county.
    #[arg(long, default_value_t = 6000)]
    elders: usize,
    /// Days simulated.
    #[arg(long, default_value_t = 365)]
    days: u32,
    /// Checkpoints at random days (the end is always checked).
    #[arg(long, default_value_t = 4)]
    checkpoints: usize,
    /// Keep the relay's changes in this PostgreSQL database instead of SQLite.
    #[arg(long, conflicts_with = "move_relay_to")]
    relay_database: Option<String>,
    /// Move the relay mid-year from SQLite to this empty PostgreSQL database (export, import).
    #[arg(long)]
    move_relay_to: Option<String>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    /// No progress lines on standard error.
    #[arg(long)]
    quiet: bool,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let config = Config {
        seed: args.seed,
        villages: args.villages,
        helpers: args.helpers,
        elders: args.elders,
        days: args.days,
        checkpoints: args.checkpoints,
        relay_database: args.relay_database,
        move_relay_to: args.move_relay_to,
        ..Config::county(args.seed)
    };
    let quiet = args.quiet;
    let report = shouwang_sim::run(&config, &mut |line| {
        if !quiet {
            eprintln!("{line}");
        }
    })?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.text());
    }
    if !report.passed() {
        std::process::exit(1);
    }
    Ok(())
}
