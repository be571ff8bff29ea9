//! `shouwang-relay`: serve the relay, make enrolment codes, list and revoke devices.
//!
//! The store is a SQLite file in a data directory (`--data DIR`, the default `relay-data`) or a
//! PostgreSQL database (`--database postgres://user@host:port/db`, or `SHOUWANG_RELAY_DATABASE`), which
//! several `serve` processes may share as stateless replicas behind one address. Every command takes
//! either option. The connection is unencrypted (`NoTls`): keep the database on the relay's host or LAN.
//! Give a password through `SHOUWANG_RELAY_DATABASE` rather than `--database`, which `ps` shows.
//!
//! ```text
//! shouwang-relay --database postgres://relay@127.0.0.1/shouwang serve --listen 0.0.0.0:8787
//! shouwang-relay --database postgres://relay@127.0.0.1/shouwang enroll --role helper --scope 511902106202 \
//!     --helper 0f3a…(32 hex)
//! ```

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use shouwang_protocol::Role;
use shouwang_relay::enrolment::{self, Grant};
use shouwang_relay::{Config, PostgresStore, RelayState, SqliteStore, Store};
use std::path::PathBuf;
use std::sync::Arc;

/// The Shouwang relay: stores and forwards automerge changes for the villages' devices.
///
/// Keeps its store in a SQLite file under --data (default: relay-data), or in PostgreSQL with
/// --database, where several relay processes may serve one database.
#[derive(Parser)]
#[command(version)]
struct Cli {
    /// Where the relay keeps its SQLite store [default: relay-data].
    #[arg(long, global = true, env = "SHOUWANG_RELAY_DATA")]
    data: Option<PathBuf>,
    /// A PostgreSQL database to keep the store in instead (postgres://user[:password]@host[:port]/db;
    /// unencrypted, for a database on this host or LAN). Several relays may share one.
    #[arg(long, global = true, env = "SHOUWANG_RELAY_DATABASE", conflicts_with = "data")]
    database: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serves the relay until Ctrl-C or SIGTERM.
    Serve {
        /// The address to listen on.
        #[arg(long, default_value = "127.0.0.1:8787")]
        listen: String,
        /// Requests each device may make per minute.
        #[arg(long, default_value_t = 600)]
        requests_per_minute: u32,
        /// Log as JSON lines.
        #[arg(long)]
        log_json: bool,
    },
    /// Makes a one-time enrolment code for a device.
    Enroll {
        /// helper, committee, township or family.
        #[arg(long)]
        role: String,
        /// The village code (or township code for a township device).
        #[arg(long)]
        scope: String,
        /// The elder of a family device.
        #[arg(long)]
        elder: Option<String>,
        /// The helper a helper's tablet belongs to (the helper's 32-hex id, `shouwang helper list`).
        #[arg(long)]
        helper: Option<String>,
        /// The key id (32 hex) of the key bundle handed over with the code, listed with the device.
        #[arg(long)]
        label: Option<String>,
        /// How long the code stays valid.
        #[arg(long, default_value_t = 72)]
        valid_hours: u32,
        /// The relay's address as devices reach it, put in the QR code.
        #[arg(long, default_value = "http://127.0.0.1:8787")]
        relay_url: String,
        /// Also write the QR code as a PNG here.
        #[arg(long)]
        png: Option<PathBuf>,
    },
    /// Lists or revokes devices.
    Devices {
        #[command(subcommand)]
        command: DevicesCommand,
    },
    /// The village's office key: the public key that every erasure must be signed with.
    OfficeKey {
        #[command(subcommand)]
        command: OfficeKeyCommand,
    },
    /// Gives the store a new epoch: run once after restoring it from a backup.
    Restored,
    /// Writes the whole store (devices, codes, epoch, counters, every change with its number) to a file,
    /// from one snapshot, while the relay may go on serving: to move it to another store.
    Export {
        /// The file to write (JSON lines; see PROTOCOL.md, "Moving a relay").
        #[arg(long)]
        out: PathBuf,
    },
    /// Reads an export into this store, which must be new and empty; all or nothing. Devices keep their
    /// tokens, cursors and epoch. Stop the old relay before its last export.
    Import {
        /// The file `export` wrote.
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum OfficeKeyCommand {
    /// Shows the village's office key (its generation and fingerprint), if an office has enrolled.
    Show {
        /// The village code.
        #[arg(long)]
        space: String,
    },
    /// Forgets the village's office key, so the next office device to enrol sets it again: only when a
    /// device without the office's keys enrolled first (the office's device then says so when it
    /// enrols). Until then no erasure of the village is accepted.
    Reset {
        /// The village code.
        #[arg(long)]
        space: String,
    },
}

#[derive(Subcommand)]
enum DevicesCommand {
    /// Lists every device.
    List {
        /// As JSON.
        #[arg(long)]
        json: bool,
    },
    /// Revokes a device: its token stops working at once.
    Revoke {
        /// The device's id.
        id: String,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // The binary keeps this handle until the runtime is gone: a PostgreSQL connection must not be
    // dropped on an async thread.
    let store = open(cli.data.as_deref(), cli.database.as_deref())?;
    match cli.command {
        Command::Serve { listen, requests_per_minute, log_json } => {
            let filter = tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
            let logs = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
            if log_json {
                logs.json().init();
            } else {
                logs.init();
            }
            let config = Config { requests_per_minute, ..Config::default() };
            let state = RelayState::shared(store.clone(), config);
            tokio::runtime::Runtime::new()?.block_on(async move {
                let listener =
                    tokio::net::TcpListener::bind(&listen).await.with_context(|| listen.clone())?;
                println!("listening on {}", listener.local_addr()?);
                shouwang_relay::serve(listener, state, shutdown()).await?;
                anyhow::Ok(())
            })
        }
        Command::Enroll { role, scope, elder, helper, label, valid_hours, relay_url, png } => {
            let Some(role) = Role::parse(&role) else {
                bail!("--role must be helper, committee, township or family");
            };
            let grant = Grant { role, scope, elder, helper, label };
            let code = enrolment::create(store.as_ref(), &grant, valid_hours, shouwang_relay::now())?;
            let payload = enrolment::qr_payload(&relay_url, &code);
            println!("{}", enrolment::qr_terminal(&payload)?);
            println!("code: {code}");
            println!("{role} for {} — valid {valid_hours} hours, once", grant.scope);
            if role == Role::Helper && grant.helper.is_none() {
                println!(
                    "note: a tablet bound to no helper (--helper) receives no elder's documents, only the \
                     helpers and the organisation"
                );
            }
            if let Some(path) = png {
                let file = std::fs::File::create(&path).with_context(|| path.display().to_string())?;
                enrolment::qr_png(&payload, std::io::BufWriter::new(file))
                    .map_err(|e| anyhow::anyhow!("writing {}: {e}", path.display()))?;
            }
            Ok(())
        }
        Command::Devices { command: DevicesCommand::List { json } } => {
            let devices = store.devices()?;
            if json {
                println!("{}", serde_json::to_string_pretty(&devices)?);
                return Ok(());
            }
            println!(
                "{:<16}  {:<10}  {:<12}  {:<20}  {:<8}  name",
                "id", "role", "scope", "last seen", "state"
            );
            for d in devices {
                let seen =
                    d.last_seen.or(Some(d.created_at)).and_then(|t| chrono::DateTime::from_timestamp(t, 0));
                let seen = seen.map_or_else(String::new, |t| t.format("%Y-%m-%d %H:%M UTC").to_string());
                let state = if d.revoked_at.is_some() { "revoked" } else { "active" };
                println!("{:<16}  {:<10}  {:<12}  {seen:<20}  {state:<8}  {}", d.id, d.role, d.scope, d.name);
            }
            Ok(())
        }
        Command::Devices { command: DevicesCommand::Revoke { id } } => {
            if !store.revoke(&id, shouwang_relay::now())? {
                bail!("no active device {id}");
            }
            println!("revoked {id}");
            Ok(())
        }
        Command::OfficeKey { command: OfficeKeyCommand::Show { space } } => {
            match store.office_key(&space)? {
                Some(key) => println!(
                    "{space}: generation {}, key {}",
                    key.generation,
                    shouwang_protocol::office::fingerprint(&key.key)
                ),
                None => println!("{space}: no office key yet (no office device has enrolled)"),
            }
            Ok(())
        }
        Command::OfficeKey { command: OfficeKeyCommand::Reset { space } } => {
            if !store.reset_office_key(&space)? {
                bail!("{space} holds no office key");
            }
            println!("{space}: office key forgotten; the next office device to enrol sets it");
            Ok(())
        }
        Command::Restored => {
            println!("new epoch {}", store.renew_epoch()?);
            Ok(())
        }
        Command::Export { out } => {
            let file = std::fs::File::create(&out).with_context(|| out.display().to_string())?;
            let mut writer = std::io::BufWriter::new(file);
            let counts = shouwang_relay::store::dump::export(store.as_ref(), &mut writer)
                .with_context(|| format!("exporting to {}", out.display()))?;
            writer.into_inner().map_err(|e| e.into_error())?.sync_all()?;
            println!(
                "exported {} devices, {} codes, {} spaces, {} changes to {}",
                counts.devices,
                counts.enrolments,
                counts.spaces,
                counts.changes,
                out.display()
            );
            Ok(())
        }
        Command::Import { file } => {
            let input = std::fs::File::open(&file).with_context(|| file.display().to_string())?;
            let counts = shouwang_relay::store::dump::import(store.as_ref(), std::io::BufReader::new(input))
                .with_context(|| format!("importing {}", file.display()))?;
            println!(
                "imported {} devices, {} codes, {} spaces, {} changes",
                counts.devices, counts.enrolments, counts.spaces, counts.changes
            );
            Ok(())
        }
    }
}

/// Opens the PostgreSQL store if a database is given, else the SQLite store in the data directory.
fn open(data: Option<&std::path::Path>, database: Option<&str>) -> anyhow::Result<Arc<dyn Store>> {
    if let Some(url) = database {
        // The URL is not repeated: it may hold a password.
        let store = PostgresStore::open(url).context("opening the PostgreSQL store (--database)")?;
        return Ok(Arc::new(store));
    }
    let data = data.unwrap_or(std::path::Path::new("relay-data"));
    let store = SqliteStore::open(data).with_context(|| format!("opening {}", data.display()))?;
    Ok(Arc::new(store))
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    tracing::info!("shutting down");
}
