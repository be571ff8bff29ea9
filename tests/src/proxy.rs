//! [`Proxy`]: a small HTTP/1.1 proxy on loopback between devices and the relay that breaks the link
//! the way a village's mobile network does, following a seeded plan: it cuts connections in the
//! middle of an answer (forwards the first N bytes, then closes), and answers a pull — a `GET` of
//! changes, or a `POST …/sync`, which carries a page too — with a copy of an earlier answer of the same
//! kind to the same device (a page delivered twice, and late; for a sync, with the acknowledgement of an
//! earlier push). Enrolment passes untouched; faults can be switched off to let the devices finish.
//!
//! Each request gets its own connection to the relay (`connection: close`), so the proxy sees whole
//! requests and whole answers.
//!
//! ```no_run
//! use shouwang_tests::proxy::Proxy;
//! use shouwang_tests::relay::{Backend, RelayProcess};
//! let relay = RelayProcess::start(Backend::Sqlite);
//! let proxy = Proxy::start(relay.addr(), 7);
//! println!("devices use {}", proxy.url());
//! proxy.set_faults(false);
//! ```

use shouwang_core::demo::Rng;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How many requests met each fate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Forwarded whole.
    pub passed: usize,
    /// Answers cut off part way.
    pub cut: usize,
    /// Pulls answered with an earlier pull's answer.
    pub replayed: usize,
}

struct Shared {
    rng: Rng,
    /// Earlier answers to pulls, each with the request's kind and token (its `authorization` line).
    pulls: Vec<(String, Vec<u8>)>,
    stats: Stats,
}

/// A running proxy; stopped when dropped.
pub struct Proxy {
    addr: SocketAddr,
    faults: Arc<AtomicBool>,
    shared: Arc<Mutex<Shared>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

enum Fate {
    Pass,
    Cut(u64),
    Replay(Vec<u8>),
}

impl Proxy {
    /// Listens on a free loopback port and forwards to `upstream`, with faults on, planned by `seed`.
    pub fn start(upstream: SocketAddr, seed: u64) -> Proxy {
        let faults = Arc::new(AtomicBool::new(true));
        let shared =
            Arc::new(Mutex::new(Shared { rng: Rng::new(seed), pulls: Vec::new(), stats: Stats::default() }));
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        std_listener.set_nonblocking(true).expect("non-blocking");
        let addr = std_listener.local_addr().expect("its address");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (f, s) = (faults.clone(), shared.clone());
        let thread = std::thread::spawn(move || {
            let runtime =
                tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
            runtime.block_on(async move {
                let listener = TcpListener::from_std(std_listener).expect("a tokio listener");
                let accept = async {
                    loop {
                        let Ok((client, _)) = listener.accept().await else { continue };
                        let (f, s) = (f.clone(), s.clone());
                        tokio::spawn(async move {
                            let _ = handle(client, upstream, &f, &s).await;
                        });
                    }
                };
                tokio::select! { () = accept => {}, _ = stopped => {} }
            });
        });
        Proxy { addr, faults, shared, stop: Some(stop), thread: Some(thread) }
    }

    /// The base URL devices use.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Switches the faults on or off.
    pub fn set_faults(&self, on: bool) {
        self.faults.store(on, Ordering::SeqCst);
    }

    /// What happened so far.
    pub fn stats(&self) -> Stats {
        self.shared.lock().unwrap_or_else(|p| p.into_inner()).stats.clone()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Reads one request: its head (through the blank line) and its body (`content-length` bytes).
async fn read_request(client: &mut TcpStream) -> std::io::Result<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = client.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let length: usize = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0);
    let mut body = buf[end..].to_vec();
    while body.len() < length {
        let n = client.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Ok((head, body))
}

async fn handle(
    mut client: TcpStream,
    upstream: SocketAddr,
    faults: &AtomicBool,
    shared: &Mutex<Shared>,
) -> std::io::Result<()> {
    let (head, body) = read_request(&mut client).await?;
    let line = head.lines().next().unwrap_or_default().to_string();
    let is_sync = line.contains(" /v1/spaces/");
    let is_pull =
        is_sync && (line.starts_with("GET ") || (line.starts_with("POST ") && line.contains("/sync HTTP/")));
    // Answers are replayed only to the device they were for, on the same route and space: a device's
    // pages leave out its own changes, so another device's page is another answer, not a late copy.
    let mut words = line.split(' ');
    let method = words.next().unwrap_or_default();
    let path = words.next().unwrap_or_default().split('?').next().unwrap_or_default();
    let token =
        head.lines().find(|l| l.to_ascii_lowercase().starts_with("authorization:")).unwrap_or_default();
    let key = format!("{method} {path} {token}");
    let fate = {
        let mut s = shared.lock().unwrap_or_else(|p| p.into_inner());
        let roll = s.rng.range(0, 99);
        let pick = s.rng.next_u64();
        if !faults.load(Ordering::SeqCst) || !is_sync {
            Fate::Pass
        } else if roll < 25 {
            s.stats.cut += 1;
            Fate::Cut(pick)
        } else if let Some(answer) = (roll < 45 && is_pull)
            .then(|| {
                let earlier: Vec<&Vec<u8>> =
                    s.pulls.iter().filter(|(k, _)| *k == key).map(|(_, answer)| answer).collect();
                (!earlier.is_empty()).then(|| earlier[pick as usize % earlier.len()].clone())
            })
            .flatten()
        {
            s.stats.replayed += 1;
            Fate::Replay(answer)
        } else {
            s.stats.passed += 1;
            Fate::Pass
        }
    };
    if let Fate::Replay(answer) = fate {
        client.write_all(&answer).await?;
        return client.shutdown().await;
    }
    let mut relay = TcpStream::connect(upstream).await?;
    let head = format!("{}\r\nconnection: close\r\n\r\n", head.trim_end_matches("\r\n"));
    relay.write_all(head.as_bytes()).await?;
    relay.write_all(&body).await?;
    let mut answer = Vec::new();
    relay.read_to_end(&mut answer).await?;
    if is_pull && answer.starts_with(b"HTTP/1.1 200") {
        let mut s = shared.lock().unwrap_or_else(|p| p.into_inner());
        if s.pulls.len() < 256 {
            s.pulls.push((key, answer.clone()));
        }
    }
    match fate {
        Fate::Cut(pick) if !answer.is_empty() => {
            let n = pick as usize % answer.len();
            client.write_all(&answer[..n]).await?;
        }
        _ => client.write_all(&answer).await?,
    }
    client.shutdown().await
}
