//! What the sync benchmark runs against: an in-process relay on loopback (one [`Backend`] per row),
//! a token-bucket TCP proxy that slows a link to a given rate, and the process's CPU and memory.

#![allow(dead_code)]

use shouwang_protocol::Role;
use shouwang_relay::enrolment::{self, Grant};
use shouwang_relay::{Config, PostgresStore, RelayState, SqliteStore};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A relay storage backend the benchmark can run against; `Backend::ALL` is what the throughput table
/// iterates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// `SqliteStore` in a temporary directory.
    Sqlite,
    /// `PostgresStore` in a fresh database of a real PostgreSQL server on loopback (the tests' private
    /// cluster, or `SHOUWANG_TEST_DATABASE_URL`).
    Postgres,
}

impl Backend {
    /// Every backend measured.
    pub const ALL: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];

    /// Its name in the table.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

/// A relay serving on 127.0.0.1 from its own runtime threads, stopped when dropped.
pub struct Relay {
    /// Where it listens.
    pub addr: SocketAddr,
    state: RelayState,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    _dir: tempfile::TempDir,
}

impl Relay {
    /// Starts a relay over a fresh store of `backend`, with no practical rate limit.
    pub fn start(backend: Backend, workers: usize) -> Relay {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let store: Arc<dyn shouwang_relay::Store> = match backend {
            Backend::Sqlite => Arc::new(SqliteStore::open(dir.path()).expect("a relay store")),
            Backend::Postgres => {
                let url = shouwang_tests::postgres::server().fresh_database("bench");
                Arc::new(PostgresStore::open(&url).expect("a PostgreSQL relay store"))
            }
        };
        let config = Config { requests_per_minute: 10_000_000, ..Config::default() };
        // Shared: this handle outlives the runtime, so a PostgreSQL client is never dropped on it.
        let state = RelayState::shared(store, config);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (tx, rx) = std::sync::mpsc::channel();
        let serving = state.clone();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(workers)
                .enable_all()
                .build()
                .expect("a runtime");
            rt.block_on(async move {
                let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
                tx.send(listener.local_addr().expect("an address")).expect("the bench waits");
                shouwang_relay::serve(listener, serving, async {
                    let _ = stopped.await;
                })
                .await
                .expect("the relay serves");
            });
        });
        let addr = rx.recv().expect("the relay starts");
        Relay { addr, state, stop: Some(stop), thread: Some(thread), _dir: dir }
    }

    /// Its base URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The requests it has answered so far (every status): round trips, as the relay counts them.
    pub fn requests(&self) -> u64 {
        let metrics = self.state.metrics().render();
        metrics
            .lines()
            .filter(|l| l.starts_with("shouwang_relay_responses_total{"))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
            .sum()
    }

    /// Its group commits so far: (transactions, pushes they stored).
    pub fn commits(&self) -> (u64, u64) {
        let metrics = self.state.metrics();
        (metrics.commits.load(Ordering::Relaxed), metrics.pushes_committed.load(Ordering::Relaxed))
    }

    /// A one-time enrolment code for `role` in `scope`.
    pub fn code(&self, role: Role, scope: &str) -> String {
        let grant = Grant { role, scope: scope.into(), elder: None, helper: None, label: None };
        enrolment::create(self.state.store().as_ref(), &grant, 1, shouwang_relay::now()).expect("a code")
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// One direction of a slow link: when it is next free to send.
#[derive(Clone)]
struct Pace {
    bytes_per_s: f64,
    free_at: Arc<Mutex<Instant>>,
}

impl Pace {
    /// Waits until `n` more bytes may pass (no burst: the link is busy for n / rate seconds).
    async fn admit(&self, n: usize) {
        let until = {
            let mut free = self.free_at.lock().expect("pace");
            let start = (*free).max(Instant::now());
            *free = start + Duration::from_secs_f64(n as f64 / self.bytes_per_s);
            *free
        };
        tokio::time::sleep_until(until.into()).await;
    }
}

/// A TCP proxy on loopback that counts the bytes it passes and, given a rate, passes at most that
/// many bytes a second each way (a shared link: every connection takes from the same budget), in
/// chunks of at most 512 bytes. Runs on the caller's runtime.
pub struct Proxy {
    addr: SocketAddr,
    passed: Arc<AtomicU64>,
}

impl Proxy {
    /// Starts a proxy to `upstream`, throttled to `bytes_per_s` if given.
    pub async fn start(upstream: SocketAddr, bytes_per_s: Option<f64>) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let addr = listener.local_addr().expect("an address");
        let now = Instant::now();
        let rate = bytes_per_s.unwrap_or(f64::INFINITY);
        let up = Pace { bytes_per_s: rate, free_at: Arc::new(Mutex::new(now)) };
        let down = Pace { bytes_per_s: rate, free_at: Arc::new(Mutex::new(now)) };
        let passed = Arc::new(AtomicU64::new(0));
        let counter = passed.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let (up, down, counter) = (up.clone(), down.clone(), counter.clone());
                tokio::spawn(async move {
                    let Ok(relay) = TcpStream::connect(upstream).await else { return };
                    let (cr, cw) = client.into_split();
                    let (rr, rw) = relay.into_split();
                    tokio::join!(pipe(cr, rw, up, counter.clone()), pipe(rr, cw, down, counter));
                });
            }
        });
        Proxy { addr, passed }
    }

    /// The URL devices use to reach the relay through it.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Bytes passed so far, both ways.
    pub fn total(&self) -> u64 {
        self.passed.load(Ordering::Relaxed)
    }
}

async fn pipe(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    pace: Pace,
    passed: Arc<AtomicU64>,
) {
    let mut buf = [0u8; 512];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if pace.bytes_per_s.is_finite() {
            pace.admit(n).await;
        }
        passed.fetch_add(n as u64, Ordering::Relaxed);
        if to.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}

/// CPU time (user + system) the whole process has used.
pub fn process_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<u64> = after.split_whitespace().map(|f| f.parse().unwrap_or(0)).collect();
    let ticks = fields.get(11).copied().unwrap_or(0) + fields.get(12).copied().unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

/// A line of `/proc/self/status` in bytes (`VmRSS`, `VmHWM`).
pub fn status_bytes(key: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
        .map_or(0, |kib| kib * 1024)
}
