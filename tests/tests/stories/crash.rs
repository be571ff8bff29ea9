//! A committee member registers elders on a tablet whose battery dies mid-write. Whatever the tablet
//! said was saved must still be there when it is switched back on, and nothing may be half written.
//!
//! The `crash-writer` binary writes demo elders (and address changes) into a real store file and
//! prints `BEGIN` before and `ACK` after each commit; this test kills it with SIGKILL the moment it
//! has begun a seeded number of writes (so the kill lands with a write in flight, however fast or busy
//! the machine is), many times over the same file, then opens the store and checks every acknowledged
//! write and every invariant between documents, projection and outbox.

use rusqlite::Connection;
use shouwang_core::demo::{DemoVillage, Rng};
use shouwang_core::elder::ElderId;
use shouwang_core::store::{Error, Store};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};

/// Power cuts.
const RUNS: u64 = 200;
/// A cut comes as the writer begins its `1..=MAX_BEGUN`-th write (seeded), or at start-up.
const MAX_BEGUN: u64 = 9;
/// Every demo elder fills these documents (no helper is assigned, so `assignment` stays empty).
const KINDS: [&str; 4] = ["card", "family", "profile", "sensitive"];

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-11-23T09:00:00+08:00").unwrap().to_utc()
}

/// One line the writer printed: `BEGIN|ACK <elder id> add|address <address>`.
#[derive(Debug, Clone, PartialEq)]
struct Line {
    ack: bool,
    id: String,
    what: String,
    address: String,
}

fn parse(line: &str) -> Line {
    let mut parts = line.splitn(4, ' ');
    let mut next =
        || parts.next().unwrap_or_else(|| panic!("a short line from the writer: {line:?}")).to_string();
    let (verb, id, what, address) = (next(), next(), next(), next());
    assert!(verb == "BEGIN" || verb == "ACK", "an unknown line from the writer: {line:?}");
    Line { ack: verb == "ACK", id, what, address }
}

/// Starts the writer on `db` and cuts its power the moment it prints the `begun`-th `BEGIN` (`0`:
/// while it is still starting up); returns the complete lines it printed.
fn write_until_power_cut(db: &Path, seed: u64, begun: u64) -> Vec<Line> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_crash-writer"))
        .arg(db)
        .arg(seed.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the writer starts");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut text = String::new();
    let mut seen = 0;
    while seen < begun {
        let before = text.len();
        if out.read_line(&mut text).unwrap() == 0 {
            break; // the writer stopped: reported below
        }
        if text[before..].starts_with("BEGIN ") {
            seen += 1;
        }
    }
    let stopped_by_itself = child.try_wait().unwrap();
    child.kill().unwrap();
    out.read_to_string(&mut text).unwrap();
    let status = child.wait().unwrap();
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert!(stopped_by_itself.is_none(), "the writer stopped by itself ({status}): {err}");
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(9), "the writer was not killed but exited ({status}): {err}");
    }
    // A line cut off by the kill was never acknowledged.
    text.split_inclusive('\n').filter(|l| l.ends_with('\n')).map(|l| parse(l.trim_end())).collect()
}

/// What became of one elder's writes, as far as the writer told.
#[derive(Debug, Default)]
struct Fate {
    /// The address of the last acknowledged write (its add or an address change).
    acked: Option<String>,
    /// Addresses of writes begun after that and cut off by a power cut: each may or may not have
    /// committed, so the stored address is the acknowledged one or any of these.
    in_flight: Vec<String>,
}

#[derive(Debug, Default)]
struct History {
    elders: BTreeMap<String, Fate>,
    acked_adds: usize,
    acked_moves: usize,
    cut_off: usize,
}

impl History {
    /// Records one run. The writer writes one record at a time, so each `BEGIN` is followed by its
    /// `ACK` except perhaps the last, which the power cut interrupted.
    fn record(&mut self, lines: Vec<Line>) {
        let mut pending: Option<Line> = None;
        for line in lines {
            if line.ack {
                let begun = pending.take().unwrap_or_else(|| panic!("ACK without BEGIN: {line:?}"));
                assert_eq!(begun, Line { ack: false, ..line.clone() }, "ACK of another write");
                let fate = self.elders.entry(line.id).or_default();
                fate.acked = Some(line.address);
                fate.in_flight.clear();
                match line.what.as_str() {
                    "add" => self.acked_adds += 1,
                    _ => self.acked_moves += 1,
                }
            } else {
                assert!(pending.is_none(), "a write began before the last was acknowledged: {pending:?}");
                pending = Some(line);
            }
        }
        if let Some(cut) = pending {
            self.cut_off += 1;
            self.elders.entry(cut.id).or_default().in_flight.push(cut.address);
        }
    }
}

fn column(conn: &Connection, sql: &str) -> Vec<String> {
    let mut stmt = conn.prepare(sql).unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().collect::<rusqlite::Result<_>>().unwrap()
}

#[test]
fn every_acknowledged_write_survives_the_tablet_losing_power() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("village.sqlite");
    drop(Store::init(&db, DemoVillage::bazhou().unit, "斑竹村", "sichuan", now()).unwrap());

    let mut rng = Rng::new(20_261_123);
    let mut history = History::default();
    let mut cut_at_start = 0;
    for run in 0..RUNS {
        // Every eighth cut comes while the writer is still starting up.
        let begun = if run % 8 == 0 { 0 } else { rng.range(1, MAX_BEGUN as i64) as u64 };
        cut_at_start += usize::from(begun == 0);
        history.record(write_until_power_cut(&db, 1_000 + run, begun));
    }
    let runs = RUNS;
    // Each cut after start-up was made as a write began: nearly all of them find it in flight (a
    // write may still commit between its BEGIN and the signal). Counted, not timed.
    let with_a_write = (RUNS as usize) - cut_at_start;
    assert!(
        history.cut_off * 2 >= with_a_write,
        "only {} of {with_a_write} power cuts came with a write in flight",
        history.cut_off
    );
    assert!(history.acked_adds > 0 && history.acked_moves > 0, "{history:?}");

    let mut store = Store::open(&db, now()).expect("the store opens after the power cuts");
    let mut committed_in_flight = 0;
    for (raw, fate) in &history.elders {
        let id: ElderId = raw.parse().unwrap();
        let address = match (store.elder(&id), &fate.acked) {
            (Ok(elder), _) => elder.address,
            (Err(Error::NotFound(_)), None) => continue,
            (Err(e), _) => panic!("acknowledged elder {id} is lost: {e}"),
        };
        if fate.acked.as_ref() != Some(&address) {
            assert!(
                fate.in_flight.contains(&address),
                "elder {id} has address {address:?}, but the last acknowledged was {:?} and the cut-off writes {:?}",
                fate.acked,
                fate.in_flight
            );
            committed_in_flight += 1;
        }
    }

    let conn = Connection::open(&db).unwrap();
    assert_eq!(column(&conn, "PRAGMA integrity_check"), ["ok"]);
    let written: BTreeSet<String> =
        // The device's own audit log is a document too; its subject is the device, not an elder.
        column(&conn, "SELECT DISTINCT elder_id FROM documents WHERE kind <> 'audit'").into_iter().collect();
    let unknown: Vec<&String> = written.iter().filter(|id| !history.elders.contains_key(*id)).collect();
    assert!(unknown.is_empty(), "elders stored that no writer began: {unknown:?}");

    // No half-written elder: a projection row has every document, every document a projection row.
    for kind in KINDS {
        let missing = column(
            &conn,
            &format!(
                "SELECT elder_id FROM elders e WHERE NOT EXISTS
                   (SELECT 1 FROM documents d WHERE d.elder_id = e.elder_id AND d.kind = '{kind}')"
            ),
        );
        assert!(missing.is_empty(), "elders listed without their {kind} document: {missing:?}");
    }
    let unlisted = column(
        &conn,
        "SELECT DISTINCT elder_id FROM documents
         WHERE kind <> 'audit' AND elder_id NOT IN (SELECT elder_id FROM elders)",
    );
    assert!(unlisted.is_empty(), "elders with documents but no projection row: {unlisted:?}");
    let stray = column(
        &conn,
        "SELECT elder_id FROM elder_categories WHERE elder_id NOT IN (SELECT elder_id FROM elders)",
    );
    assert!(stray.is_empty(), "categories of elders not listed: {stray:?}");

    // Every document loads, and the outbox holds the changes that made its current state.
    for raw in &written {
        store.elder(&raw.parse().unwrap()).unwrap_or_else(|e| panic!("elder {raw} does not load: {e}"));
    }
    let mut stmt = conn.prepare("SELECT doc_id, hash FROM outbox").unwrap();
    let outbox: HashSet<(String, String)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().collect::<rusqlite::Result<_>>().unwrap();
    let mut stmt = conn.prepare("SELECT doc_id, heads FROM documents").unwrap();
    let heads: Vec<(String, String)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().collect::<rusqlite::Result<_>>().unwrap();
    for (doc, heads) in &heads {
        for head in heads.split(',') {
            assert!(
                outbox.contains(&(doc.clone(), head.to_string())),
                "change {head} of {doc} is not in the outbox"
            );
        }
    }
    let orphans =
        column(&conn, "SELECT doc_id FROM outbox WHERE doc_id NOT IN (SELECT doc_id FROM documents)");
    assert!(orphans.is_empty(), "changes in the outbox for documents never stored: {orphans:?}");

    // The projection is exactly what the documents say.
    let before = store.projection_dump().unwrap();
    assert_eq!(store.rebuild().unwrap(), written.len());
    assert_eq!(store.projection_dump().unwrap(), before, "a rebuild changed the projection");

    println!(
        "{runs} power cuts: {} elders stored, {} adds and {} address changes acknowledged; \
         {} writes cut off, {committed_in_flight} of them found committed",
        written.len(),
        history.acked_adds,
        history.acked_moves,
        history.cut_off
    );
}
