//! A real PostgreSQL server on loopback for tests: [`server`] and [`PgServer::fresh_database`].
//!
//! If `SHOUWANG_TEST_DATABASE_URL` is set (`postgres://user@host:port/db`, a user that may create
//! databases), tests use that server. Otherwise the first call to [`server`] starts a private cluster
//! for this test process: `initdb --auth=trust -U postgres` into a temporary directory (through
//! `runuser -u postgres --` when running as root, which `initdb` refuses), then `pg_ctl start -w` on a
//! free port of 127.0.0.1 with its socket in that directory and `fsync=on`.
//!
//! **Stopping it.** A Rust test process runs no destructors for statics, so the cluster has a watchdog:
//! a `sh` loop started with `setsid` (in its own session, so a Ctrl-C to the tests does not kill it)
//! that checks every second whether the test process is alive. Once the process is gone, however it
//! ended (success, panic, SIGKILL), the watchdog stops the server with SIGINT (PostgreSQL's fast
//! shutdown) and deletes the directory. One cluster per test process, none left after it.
//!
//! ```no_run
//! let url = shouwang_tests::postgres::server().fresh_database("story");
//! // run `shouwang-relay --database <url> serve` …
//! ```

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// The environment variable naming an existing server to use instead of a private cluster.
pub const URL_VAR: &str = "SHOUWANG_TEST_DATABASE_URL";

/// A PostgreSQL server the tests may create databases on.
#[derive(Debug)]
pub struct PgServer {
    /// The URL of its administrative database, used to create the others.
    admin_url: String,
    /// The URL up to the database name, ending in `/`.
    prefix: String,
    /// What follows the database name (`?…`), possibly nothing.
    suffix: String,
}

/// The server for this test process, started on first use (see the module doc).
pub fn server() -> &'static PgServer {
    static SERVER: OnceLock<PgServer> = OnceLock::new();
    SERVER.get_or_init(|| match std::env::var(URL_VAR) {
        Ok(url) if !url.is_empty() => PgServer::at(&url),
        _ => start_private(),
    })
}

impl PgServer {
    fn at(url: &str) -> PgServer {
        let authority = url.find("://").map_or(0, |i| i + 3);
        let end = url[authority..].find(['/', '?']).map_or(url.len(), |i| authority + i);
        let query = url[end..].find('?').map_or(url.len(), |i| end + i);
        PgServer {
            admin_url: url.to_string(),
            prefix: format!("{}/", &url[..end]),
            suffix: url[query..].to_string(),
        }
    }

    /// The URL of the administrative database.
    pub fn admin_url(&self) -> &str {
        &self.admin_url
    }

    /// Creates a new, empty database with a unique name starting with `name_hint` and returns its URL,
    /// so each test has its own. Safe to call from async tests: the blocking client runs on its own
    /// thread.
    pub fn fresh_database(&self, name_hint: &str) -> String {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let hint: String = name_hint
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' })
            .take(30)
            .collect();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name =
            format!("t_{hint}_{}_{}_{nanos}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
        let admin = self.admin_url.clone();
        let create = format!("CREATE DATABASE \"{name}\"");
        std::thread::spawn(move || {
            let mut client = postgres::Client::connect(&admin, postgres::NoTls)
                .unwrap_or_else(|e| panic!("connecting to the test PostgreSQL server: {e}"));
            client.batch_execute(&create).unwrap_or_else(|e| panic!("{create}: {e}"));
        })
        .join()
        .expect("creating a test database");
        format!("{}{name}{}", self.prefix, self.suffix)
    }
}

fn start_private() -> PgServer {
    let bin = bin_dir().unwrap_or_else(|| {
        panic!(
            "PostgreSQL is not installed: run ./scripts/test (it installs it) or apt-get install postgresql"
        )
    });
    let dir =
        tempfile::Builder::new().prefix("shouwang-pg-").tempdir().expect("a temporary directory").keep();
    watch(&dir);
    let root = is_root();
    if root {
        run(Command::new("chown").arg("postgres:postgres").arg(&dir));
    }
    let data = dir.join("data");
    run(as_owner(root, &bin.join("initdb"))
        .args(["--auth=trust", "-U", "postgres", "--encoding=UTF8", "--locale=C", "--no-sync", "-D"])
        .arg(&data));
    for _ in 0..5 {
        let port = free_port();
        let options = format!("-p {port} -c listen_addresses=127.0.0.1 -k {} -c fsync=on", dir.display());
        let started = as_owner(root, &bin.join("pg_ctl"))
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(dir.join("server.log"))
            .args(["-w", "-t", "60", "-o", &options, "start"])
            .stdout(Stdio::null())
            .status()
            .expect("running pg_ctl");
        if started.success() {
            return PgServer::at(&format!("postgres://postgres@127.0.0.1:{port}/postgres"));
        }
    }
    let log = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
    panic!("the test PostgreSQL server did not start:\n{log}");
}

/// The newest `/usr/lib/postgresql/<version>/bin` holding `initdb` and `pg_ctl`.
fn bin_dir() -> Option<PathBuf> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version = entry.file_name().to_str()?.split('.').next()?.parse().ok()?;
            let bin = entry.path().join("bin");
            (bin.join("initdb").exists() && bin.join("pg_ctl").exists()).then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin)
}

/// Starts the watchdog that stops the server and deletes `dir` once this process has exited.
fn watch(dir: &Path) {
    const SCRIPT: &str = r#"
        while kill -0 "$1" 2>/dev/null; do sleep 1; done
        pid=$(head -n 1 "$2/data/postmaster.pid" 2>/dev/null) && kill -INT "$pid" 2>/dev/null
        i=0
        while [ -e "$2/data/postmaster.pid" ] && [ "$i" -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
        rm -rf "$2"
    "#;
    // `setsid -f` forks: the child waited for here exits at once, the watchdog runs on under init.
    let started = Command::new("setsid")
        .args(["-f", "sh", "-c", SCRIPT, "shouwang-pg-watchdog", &std::process::id().to_string()])
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("starting the PostgreSQL watchdog (setsid, sh)");
    assert!(started.success(), "starting the PostgreSQL watchdog: {started}");
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// `program`, run as the `postgres` user when this process is root.
fn as_owner(root: bool, program: &Path) -> Command {
    if root {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

fn run(command: &mut Command) {
    let out = command.output().unwrap_or_else(|e| panic!("{command:?}: {e}"));
    assert!(out.status.success(), "{command:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binding a free port");
    listener.local_addr().expect("a bound address").port()
}

/// The whole of database `url` as `pg_dump` writes it (schema and every row, as SQL text): what a
/// backup of the relay's database holds.
pub fn dump(url: &str) -> Vec<u8> {
    let pg_dump = bin_dir().map(|b| b.join("pg_dump")).unwrap_or_else(|| PathBuf::from("pg_dump"));
    let out = Command::new(pg_dump)
        .arg("--no-owner")
        .arg(format!("--dbname={url}"))
        .stdin(Stdio::null())
        .output()
        .expect("pg_dump runs");
    assert!(out.status.success(), "pg_dump failed: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}
