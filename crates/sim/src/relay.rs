//! [`RelayProcess`]: the real `shouwang-relay` binary on a free loopback port over a data directory of
//! the simulation (SQLite) or a PostgreSQL database — the approach of `tests/src/relay.rs`, with a
//! handle that another thread may use to kill the relay in the middle of a device's sync.

use crate::SimError;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The environment variable naming the relay binary; by default it is looked for next to the running
/// executable (`target/<profile>/shouwang-relay`).
pub const RELAY_BIN_VAR: &str = "SHOUWANG_RELAY_BIN";

/// A running `shouwang-relay serve`; killed when dropped.
#[derive(Debug)]
pub struct RelayProcess {
    binary: PathBuf,
    data: PathBuf,
    database: Option<String>,
    addr: SocketAddr,
    child: Arc<Mutex<Option<Child>>>,
}

/// Finds the relay binary: [`RELAY_BIN_VAR`], else next to the running executable or one or two
/// folders up (a test binary lives in `target/<profile>/deps`).
pub fn binary() -> Result<PathBuf, SimError> {
    if let Some(path) = std::env::var_os(RELAY_BIN_VAR) {
        return Ok(PathBuf::from(path));
    }
    let exe = std::env::current_exe().map_err(|e| SimError::Relay(format!("own path: {e}")))?;
    let name = format!("shouwang-relay{}", std::env::consts::EXE_SUFFIX);
    exe.ancestors().skip(1).take(3).map(|dir| dir.join(&name)).find(|p| p.is_file()).ok_or_else(|| {
        SimError::Relay(format!(
            "no {name} next to {}: run `cargo build -p shouwang-relay` (same profile) or set {RELAY_BIN_VAR}",
            exe.display()
        ))
    })
}

impl RelayProcess {
    /// Starts a relay keeping its data in `data` (and its changes in `database` when given, a
    /// `postgres://` URL) and waits until `/healthz` answers.
    pub fn start(data: &Path, database: Option<String>) -> Result<RelayProcess, SimError> {
        std::fs::create_dir_all(data).map_err(|e| SimError::Relay(format!("data directory: {e}")))?;
        let listener =
            TcpListener::bind("127.0.0.1:0").map_err(|e| SimError::Relay(format!("a loopback port: {e}")))?;
        let addr = listener.local_addr().map_err(|e| SimError::Relay(e.to_string()))?;
        drop(listener);
        let relay = RelayProcess {
            binary: binary()?,
            data: data.to_path_buf(),
            database,
            addr,
            child: Arc::new(Mutex::new(None)),
        };
        relay.spawn()?;
        Ok(relay)
    }

    /// The base URL devices use.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Whether the process runs.
    pub fn is_running(&self) -> bool {
        let mut child = self.child.lock().expect("the relay handle");
        child.as_mut().is_some_and(|c| c.try_wait().ok().flatten().is_none())
    }

    /// A handle another thread can kill the relay with.
    pub fn killer(&self) -> Killer {
        Killer(Arc::clone(&self.child))
    }

    /// The store option of every command: `--database URL`, else `--data DIR` (the two exclude each
    /// other).
    fn store_args(&self, cmd: &mut Command) {
        match &self.database {
            Some(url) => cmd.arg("--database").arg(url),
            None => cmd.arg("--data").arg(&self.data),
        };
    }

    /// Runs `shouwang-relay <args…>` on this relay's data and returns what it printed.
    pub fn admin(&self, args: &[&str]) -> Result<String, SimError> {
        let mut cmd = Command::new(&self.binary);
        self.store_args(&mut cmd);
        cmd.args(args);
        let out = cmd.output().map_err(|e| SimError::Relay(format!("shouwang-relay {args:?}: {e}")))?;
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        if !out.status.success() {
            return Err(SimError::Relay(format!(
                "shouwang-relay {args:?} failed ({}): {stdout}{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            )));
        }
        Ok(stdout)
    }

    /// A one-time enrolment code for a device of `role` in the village `scope`; a helper's tablet names
    /// its helper (the 32-hex id), so the device knows whose it is and shows only their elders.
    pub fn enroll(&self, role: &str, scope: &str, helper: Option<&str>) -> Result<String, SimError> {
        let mut args = vec!["enroll", "--role", role, "--scope", scope];
        if let Some(helper) = helper {
            args.extend(["--helper", helper]);
        }
        let out = self.admin(&args)?;
        out.lines()
            .find_map(|l| l.strip_prefix("code: "))
            .map(|c| c.trim().to_string())
            .ok_or_else(|| SimError::Relay(format!("no code in the output of enroll: {out}")))
    }

    /// Moves the relay to the PostgreSQL database `url`, as an operator would (issue 8): stops it,
    /// `shouwang-relay export` from its store, `shouwang-relay --database URL import` into the new, empty
    /// one, and serves again from there on the same address. Devices keep their tokens and cursors.
    /// Returns how many changes moved.
    pub fn move_to(&mut self, url: &str) -> Result<u64, SimError> {
        self.kill();
        let file = self.data.join("moved.jsonl");
        let path = file.to_str().ok_or_else(|| SimError::Relay("a non-UTF-8 data path".into()))?.to_string();
        self.admin(&["export", "--out", &path])?;
        let previous = self.database.replace(url.to_string());
        let printed = match self.admin(&["import", &path]) {
            Ok(printed) => printed,
            Err(e) => {
                self.database = previous;
                return Err(e);
            }
        };
        let _ = std::fs::remove_file(&file);
        self.spawn()?;
        // "imported 12 devices, 14 codes, 1 spaces, 5210 changes"
        let changes = printed
            .split(", ")
            .find_map(|part| part.trim().strip_suffix(" changes"))
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| SimError::Relay(format!("no count in the output of import: {printed}")))?;
        Ok(changes)
    }

    /// Kills the relay with SIGKILL, as a power cut would.
    pub fn kill(&self) {
        self.killer().kill();
    }

    /// Starts the relay again on the same data and port if it is not running.
    pub fn ensure_running(&self) -> Result<(), SimError> {
        if self.is_running() {
            return Ok(());
        }
        self.kill();
        self.spawn()
    }

    fn spawn(&self) -> Result<(), SimError> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let mut cmd = Command::new(&self.binary);
            self.store_args(&mut cmd);
            cmd.arg("serve")
                .arg("--listen")
                .arg(self.addr.to_string())
                .arg("--requests-per-minute")
                .arg("1000000");
            let mut child = cmd
                .env("RUST_LOG", "warn")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .map_err(|e| SimError::Relay(format!("{}: {e}", self.binary.display())))?;
            while Instant::now() < deadline {
                if healthy(self.addr) {
                    *self.child.lock().expect("the relay handle") = Some(child);
                    return Ok(());
                }
                if let Ok(Some(_)) = child.try_wait() {
                    // The port may still be held by the killed process's sockets: try again.
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
            if Instant::now() >= deadline {
                return Err(SimError::Relay(format!("the relay on {} did not answer /healthz", self.addr)));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for RelayProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Kills the relay from any thread.
#[derive(Debug, Clone)]
pub struct Killer(Arc<Mutex<Option<Child>>>);

impl Killer {
    /// SIGKILL, then waits for the process to be gone.
    pub fn kill(&self) {
        if let Some(mut child) = self.0.lock().expect("the relay handle").take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Whether `GET /healthz` answers `200`.
fn healthy(addr: SocketAddr) -> bool {
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_millis(500)) else { return false };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    if stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: relay\r\nConnection: close\r\n\r\n").is_err() {
        return false;
    }
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.starts_with("HTTP/1.1 200")
}
