//! [`RelayProcess`]: the real `shouwang-relay` binary, run on a free loopback port over a data
//! directory of its own (SQLite) or a PostgreSQL database, for tests that need a relay as devices meet
//! it in the field — one that can be killed with SIGKILL, restarted on the same data, and restored
//! from a copy of its directory.
//!
//! ```no_run
//! use shouwang_tests::relay::{Backend, RelayProcess};
//! let relay = RelayProcess::start(Backend::Sqlite);
//! let code = relay.enroll("committee", "511902106202", None);
//! println!("{} {code}", relay.url());
//! ```

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Where the relay keeps its changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file in the relay's data directory.
    Sqlite,
    /// A PostgreSQL database (`postgres://…`), passed as `--database`.
    Postgres(String),
}

/// A running `shouwang-relay serve`; killed when dropped.
#[derive(Debug)]
pub struct RelayProcess {
    backend: Backend,
    data: tempfile::TempDir,
    addr: SocketAddr,
    child: Option<Child>,
}

/// The `shouwang-relay` binary next to the test executable (`target/<profile>/shouwang-relay`).
pub fn binary() -> PathBuf {
    let exe = std::env::current_exe().expect("the test knows its own path");
    let name = format!("shouwang-relay{}", std::env::consts::EXE_SUFFIX);
    let found = exe.ancestors().skip(1).take(3).map(|dir| dir.join(&name)).find(|p| p.is_file());
    found.unwrap_or_else(|| {
        panic!(
            "the relay binary {name} is not built next to {}; run `cargo build -p shouwang-relay` first",
            exe.display()
        )
    })
}

/// A loopback port nothing listens on right now.
fn free_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    listener.local_addr().expect("its address")
}

impl RelayProcess {
    /// Starts a relay on a fresh data directory and waits until `/healthz` answers.
    pub fn start(backend: Backend) -> RelayProcess {
        let data = tempfile::tempdir().expect("a data directory");
        let mut relay = RelayProcess { backend, data, addr: free_port(), child: None };
        relay.spawn();
        relay
    }

    /// The base URL devices use (`http://127.0.0.1:PORT`).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The loopback address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its data directory.
    pub fn data(&self) -> &Path {
        self.data.path()
    }

    /// The backend it runs on.
    pub fn backend(&self) -> &Backend {
        &self.backend
    }

    /// Runs `shouwang-relay <args…>` on this relay's data and returns what it printed; panics if it
    /// fails.
    pub fn admin(&self, args: &[&str]) -> String {
        let mut cmd = Command::new(binary());
        cmd.arg("--data").arg(self.data.path()).args(args);
        if let Backend::Postgres(url) = &self.backend {
            cmd.arg("--database").arg(url);
        }
        let Output { status, stdout, stderr } = cmd.output().expect("the relay binary runs");
        let stdout = String::from_utf8_lossy(&stdout).into_owned();
        assert!(
            status.success(),
            "shouwang-relay {args:?} failed ({status}): {stdout}{}",
            String::from_utf8_lossy(&stderr)
        );
        stdout
    }

    /// Makes a one-time enrolment code with `shouwang-relay enroll`.
    pub fn enroll(&self, role: &str, scope: &str, elder: Option<&str>) -> String {
        self.enroll_as(role, scope, elder, None)
    }

    /// A one-time code for a helper's tablet that names its helper (`enroll --helper`): the tablet's
    /// lists are that helper's elders.
    pub fn enroll_helper(&self, scope: &str, helper: &str) -> String {
        self.enroll_as("helper", scope, None, Some(helper))
    }

    fn enroll_as(&self, role: &str, scope: &str, elder: Option<&str>, helper: Option<&str>) -> String {
        let mut args = vec!["enroll", "--role", role, "--scope", scope];
        if let Some(elder) = elder {
            args.extend(["--elder", elder]);
        }
        if let Some(helper) = helper {
            args.extend(["--helper", helper]);
        }
        let out = self.admin(&args);
        out.lines()
            .find_map(|l| l.strip_prefix("code: "))
            .unwrap_or_else(|| panic!("no code in the output of enroll: {out}"))
            .trim()
            .to_string()
    }

    /// The relay's whole database as bytes, for searching what it holds: every file of its data
    /// directory (the SQLite file and its write-ahead log), or a dump of its PostgreSQL database.
    pub fn database_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::new();
        match &self.backend {
            Backend::Postgres(url) => bytes.extend(crate::postgres::dump(url)),
            Backend::Sqlite => {
                let mut dirs = vec![self.data().to_path_buf()];
                while let Some(dir) = dirs.pop() {
                    for entry in std::fs::read_dir(&dir).expect("the data directory") {
                        let path = entry.expect("an entry").path();
                        if path.is_dir() {
                            dirs.push(path);
                        } else {
                            bytes.extend(std::fs::read(&path).expect("a file of the relay"));
                        }
                    }
                }
            }
        }
        bytes
    }

    /// Runs `shouwang-relay restored` (the relay must be stopped): the store gets a new epoch.
    pub fn restored(&self) -> String {
        self.admin(&["restored"])
    }

    /// Kills the relay with SIGKILL, as a power cut would, and waits for it to be gone.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Whether the process is running.
    pub fn is_running(&mut self) -> bool {
        self.child.as_mut().is_some_and(|c| c.try_wait().ok().flatten().is_none())
    }

    /// Kills the relay if it runs and starts it again on the same data and port.
    pub fn restart(&mut self) {
        self.kill();
        self.spawn();
    }

    fn spawn(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let mut cmd = Command::new(binary());
            cmd.arg("--data")
                .arg(self.data.path())
                .arg("serve")
                .arg("--listen")
                .arg(self.addr.to_string())
                .arg("--requests-per-minute")
                .arg("1000000");
            if let Backend::Postgres(url) = &self.backend {
                cmd.arg("--database").arg(url);
            }
            let mut child = cmd
                .env("RUST_LOG", "warn")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("the relay binary starts");
            while Instant::now() < deadline {
                if healthy(self.addr) {
                    self.child = Some(child);
                    return;
                }
                if let Ok(Some(status)) = child.try_wait() {
                    // The port may still be held by the killed process's sockets: try again.
                    eprintln!("relay exited while starting ({status}), retrying");
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
            assert!(Instant::now() < deadline, "the relay on {} did not answer /healthz", self.addr);
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for RelayProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Whether `GET /healthz` answers `200 ok`.
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
