//! The scenes' relay: a loopback listener that answers `POST /v1/enrolments` as the relay does (a
//! one-time code, valid for the relay's hours: a helper's tablet 7 days, a family phone 30, from the
//! scene's start), with a code from a fixed stream instead of a random one, and drops every other
//! request (a sync finds the relay unreachable, the same on every machine). One per process, shared by
//! the scenes; [`restart`] puts the code stream back to its start when a scene opens, as the id stream.
//! Its port is fixed: the address is in the answers (and in the QR codes drawn from it). A second
//! process recording or replaying scenes at the same time waits for the port.

use shouwang_protocol::{decode, encode, EnrolmentRequest, FamilyCodeResponse, Role};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The relay's address, the same in every scene.
pub const ADDRESS: &str = "http://127.0.0.1:47815";

static ISSUED: AtomicU32 = AtomicU32::new(0);

/// The relay's address, listening from the first call on.
pub fn address() -> &'static str {
    static STARTED: OnceLock<()> = OnceLock::new();
    STARTED.get_or_init(|| {
        let addr = ADDRESS.trim_start_matches("http://");
        let since = Instant::now();
        let listener = loop {
            match TcpListener::bind(addr) {
                Ok(l) => break l,
                Err(_) if since.elapsed() < Duration::from_secs(60) => {
                    std::thread::sleep(Duration::from_millis(200));
                }
                Err(e) => panic!("the scenes' relay cannot listen on {addr}: {e}"),
            }
        };
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let _ = answer(stream);
            }
        });
    });
    ADDRESS
}

/// The code stream starts again (a scene opens).
pub fn restart() {
    ISSUED.store(0, Ordering::SeqCst);
}

fn answer(mut stream: TcpStream) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut length = 0;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header)?;
        if header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    if !line.starts_with("POST /v1/enrolments ") {
        return Ok(()); // dropped: the relay is out of reach for everything else
    }
    let Ok(request) = decode::<EnrolmentRequest>(&body) else { return Ok(()) };
    let n = ISSUED.fetch_add(1, Ordering::SeqCst) + 1;
    let hours: i64 = if request.role == Role::Family { 30 * 24 } else { 7 * 24 };
    let start = super::at(super::START).timestamp();
    let reply =
        encode(&FamilyCodeResponse { code: format!("K7PQ-F{n:03}-XT"), expires_at: start + hours * 3600 });
    write!(
        stream,
        "HTTP/1.1 200 OK\r\ncontent-type: {}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        shouwang_protocol::CONTENT_TYPE,
        reply.len()
    )?;
    stream.write_all(&reply)
}
