//! What sync costs on the wire and in time, against the formats the same data would otherwise travel
//! in, side by side in one run.
//!
//! `cargo bench -p shouwang-sync --bench sync` builds, in memory, demo elders of 斑竹村 and
//! "visit-sized records" (see `data/`: a home visit's time, helper, mode, the four checks 吃穿住医
//! with a note each, 2–3 services, a follow-up line and GPS, each one automerge change making a new
//! small document; appending to a per-elder visits document is measured too, and costs more), then
//! measures:
//!
//! - **bytes**: one visit and a village month (300 elders, 1,200 visits) as push bodies in the old
//!   format (postcard + zstd) and the current one (postcard + zstd + the shipped dictionary), against
//!   the same records as JSON lines with zstd (levels 3 and 19) and as ODK Collect submissions;
//! - **a month through 64 kbit/s**: a real `shouwang_sync::sync` pushes the month from a helper's
//!   store through a token-bucket proxy (8,000 bytes/s each way) to an in-process relay, and a
//!   committee device pulls it back through the same link;
//! - **a township's initial sync** (5,000 elders, 60,000 visits): a fresh device in a child process
//!   (so that its CPU time and memory are its own) runs a real `sync` of the elders, then pulls the
//!   visits; wire bytes are counted by a proxy;
//! - **relay throughput**: 100 devices each pushing 20 small batches as fast as answered, per
//!   [`link::Backend`];
//! - **sealing**: the village month's push body with the automerge changes in the clear against the
//!   same changes sealed (XChaCha20-Poly1305, SM4-GCM): bytes, and the time to seal and open
//!   ([`sealing`]).
//!
//! The table goes to stdout, the figures to `target/bench/sync.json`; `-- --relay-only` runs only the
//! relay throughput rows, `-- --sealing-only` only the sealing rows, `-- --link-only` only the month
//! through the slow link (stdout only). Visits have no store support yet, so the month's visits enter
//! the helper's outbox by SQL (in the clear, as the outbox keeps them: the real `sync` seals them), and
//! the pulled visits are decoded but not applied (the store would refuse a document kind it does not
//! know).

mod data;
mod link;
mod sealing;

use chrono::{DateTime, Utc};
use data::Layout;
use link::Backend;
use shouwang_core::store::Store;
use shouwang_protocol::{encode_as, Change, Format, PullResponse, PushRequest, PushResponse, Role};
use shouwang_sync::Relay as Client;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const VILLAGE: &str = "511902106202";
/// The space the township's visits are kept in (visits have no document kind of their own yet, so
/// they live apart from the elders the device applies).
const VISIT_SPACE: &str = "511902106201";
const LINK_BYTES_PER_S: f64 = 8_000.0;
const DEVICES: usize = 100;
const PUSHES_PER_DEVICE: usize = 20;
const VISITS_PER_PUSH: usize = 3;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T09:00:00+08:00").expect("a time").to_utc()
}

fn zstd_len(data: &[u8], level: i32) -> usize {
    zstd::bulk::compress(data, level).expect("zstd").len()
}

fn kb(n: f64) -> String {
    if n >= 1024.0 * 1024.0 {
        format!("{:.2} MiB", n / 1024.0 / 1024.0)
    } else if n >= 10_000.0 {
        format!("{:.1} KB", n / 1000.0)
    } else {
        format!("{n:.0} B")
    }
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        manifest.ancestors().nth(2).unwrap_or(manifest).join("target")
    })
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1].as_secs_f64() * 1e3
}

/// Pushes `changes` in protocol-sized batches with a raw client (seeding a relay).
async fn seed(client: &Client, space: &str, changes: &[Change]) {
    for batch in changes.chunks(1_000) {
        let request = PushRequest { changes: batch.to_vec() };
        let (answer, _): (PushResponse, usize) = client.push(space, &request).await.expect("a push");
        assert_eq!(answer.kept.len(), batch.len());
    }
}

async fn token(url: &str, code: String) -> String {
    let client = Client::new(url, None).expect("a client");
    let request = shouwang_protocol::RedeemRequest { code, device_name: "bench".into(), office_key: None };
    client.redeem(&request).await.expect("redeemed").token
}

/// Pulls a whole space with a raw client; returns (changes, pages).
async fn pull_all(client: &Client, space: &str) -> (usize, usize) {
    let (mut after, mut n, mut pages) = (0, 0, 0);
    loop {
        let (page, _): (PullResponse, usize) = client.pull(space, after, 1_000).await.expect("a page");
        n += page.changes.len();
        pages += 1;
        if !page.more {
            return (n, pages);
        }
        after = page.next;
    }
}

/// The township device, in a child process: `sync --township-device URL CODE_ELDERS CODE_VISITS KEYS`
/// (KEYS: the key bundle its enrolment QR carries).
fn township_device(args: &[String]) {
    let (url, code_elders, code_visits, keys) = (&args[0], &args[1], &args[2], &args[3]);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let rss_before = link::status_bytes("VmRSS");
    let out = rt.block_on(async {
        let upstream: std::net::SocketAddr = url.trim_start_matches("http://").parse().expect("an address");
        let proxy = link::Proxy::start(upstream, None).await;
        let mut store = Store::init(dir.path().join("device.sqlite"), VILLAGE.parse().expect("a code"), "斑竹村", "sichuan", now())
            .expect("a store");
        let started = Instant::now();
        let cpu = link::process_cpu();
        shouwang_sync::enrol_with_keys(&mut store, &proxy.url(), code_elders, Some(keys), "township bench", now())
            .await
            .expect("enrolled");
        let mut trips = 0;
        let report = shouwang_sync::sync(&mut store, &mut |_| trips += 1, now()).await.expect("a sync");
        let elders_wall = started.elapsed();
        let elders_cpu = link::process_cpu() - cpu;
        let elders_bytes = proxy.total();
        let token = token(&proxy.url(), code_visits.clone()).await;
        let client = Client::new(&proxy.url(), Some(token)).expect("a client");
        let (visits, pages) = pull_all(&client, VISIT_SPACE).await;
        serde_json::json!({
            "applied": report.received.applied, "quarantined": report.received.quarantined, "round_trips": trips + pages,
            "visits": visits,
            "elders_wall_s": elders_wall.as_secs_f64(), "elders_cpu_s": elders_cpu.as_secs_f64(), "elders_bytes": elders_bytes,
            "wall_s": started.elapsed().as_secs_f64(), "cpu_s": (link::process_cpu() - cpu).as_secs_f64(),
            "bytes": proxy.total(),
            "listed": store.list(&Default::default(), shouwang_core::time::local_date(now())).expect("a list").len(),
        })
    });
    let mut out = out;
    out["rss_before"] = link::status_bytes("VmRSS").min(rss_before).into();
    out["rss"] = link::status_bytes("VmRSS").into();
    out["hwm"] = link::status_bytes("VmHWM").into();
    println!("{out}");
}

/// One row of the bytes table: shouwang before and after the dictionary, and the two baselines.
struct Bytes {
    name: &'static str,
    plain: f64,
    dict: f64,
    json3: f64,
    json19: f64,
    odk: f64,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--township-device") {
        return township_device(&args[i + 1..]);
    }
    if args.iter().any(|a| a == "--relay-only") {
        return relay_only();
    }
    if args.iter().any(|a| a == "--link-only") {
        return link_only();
    }
    if args.iter().any(|a| a == "--sealing-only") {
        return sealing_only();
    }
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let t0 = Instant::now();

    // The data. Training data for the dictionary uses other seeds (see examples/train-dictionary.rs).
    let village = data::elders(300, 2026);
    let month = data::Visits::generate(&village, 4, 7, Layout::NewDoc);
    let appended = data::Visits::generate(&village, 4, 7, Layout::Appended);
    let township = data::elders(5_000, 2027);
    let t_visits = data::Visits::generate(&township, 12, 8, Layout::NewDoc);
    eprintln!("sync bench: data built in {:.1} s", t0.elapsed().as_secs_f64());

    // Bytes: one visit and a village month.
    let month_json: Vec<String> = month.json.iter().map(|(e, v)| data::json_line(e, v)).collect();
    let month_odk: Vec<String> = month
        .json
        .iter()
        .enumerate()
        .map(|(i, (e, v))| {
            data::odk_submission(&data::odk_xml(e, v, 0x9f3a_0000_0000_0000_0000_0000_0000_0000 + i as u128))
        })
        .collect();
    let one = PushRequest { changes: vec![month.changes[600].clone()] };
    let all = PushRequest { changes: month.changes.clone() };
    let n = month.changes.len() as f64;
    let json_all = month_json.concat();
    let visit = Bytes {
        name: "one visit, alone in a push",
        plain: encode_as(Format::Plain, &one).len() as f64,
        dict: encode_as(Format::Dictionary1, &one).len() as f64,
        json3: zstd_len(month_json[600].as_bytes(), 3) as f64,
        json19: zstd_len(month_json[600].as_bytes(), 19) as f64,
        odk: month_odk[600].len() as f64,
    };
    let month_row = Bytes {
        name: "village month (300 elders, 1,200 visits), one push",
        plain: encode_as(Format::Plain, &all).len() as f64,
        dict: encode_as(Format::Dictionary1, &all).len() as f64,
        json3: zstd_len(json_all.as_bytes(), 3) as f64,
        json19: zstd_len(json_all.as_bytes(), 19) as f64,
        odk: month_odk.iter().map(String::len).sum::<usize>() as f64,
    };
    let in_batch = Bytes {
        name: "one visit inside the month's batch (÷ 1,200)",
        plain: month_row.plain / n,
        dict: month_row.dict / n,
        json3: month_row.json3 / n,
        json19: month_row.json19 / n,
        odk: month_row.odk / n,
    };
    let raw_change = month.changes.iter().map(|c| c.bytes.len()).sum::<usize>() as f64 / n;
    let appended_raw = appended.changes.iter().map(|c| c.bytes.len()).sum::<usize>() as f64 / n;
    let appended_month =
        encode_as(Format::Dictionary1, &PushRequest { changes: appended.changes }).len() as f64;
    let sealed = sealing::measure(VILLAGE, &month.changes, 600);
    let am_small = automerge_sync_cost(&village[0], 1);
    let am_large = automerge_sync_cost(&village[0], 12);

    // Township bytes as JSON lines (elders, then visits).
    let township_json: String = township
        .iter()
        .map(|e| serde_json::to_string(e).expect("json") + "\n")
        .chain(t_visits.json.iter().map(|(e, v)| data::json_line(e, v)))
        .collect();
    let township_json3 = zstd_len(township_json.as_bytes(), 3) as f64;
    drop(township_json);

    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");

    // A village month through 64 kbit/s.
    let (push_s, push_bytes, push_trips, pull_s, pull_bytes, pull_trips) = slow_link(&rt, &month);

    // A township's initial sync, against a fresh relay; the device in a child process.
    let relay = link::Relay::start(Backend::Sqlite, 1);

    // What the village offices pushed is sealed with their keys (the relay refuses anything else); the
    // township device receives the elders' office's key bundle in its enrolment QR.
    let shm = Path::new("/dev/shm");
    let offices =
        if shm.is_dir() { tempfile::tempdir_in(shm) } else { tempfile::tempdir() }.expect("a directory");
    let office = |space: &str| {
        Store::init(
            offices.path().join(format!("{space}.sqlite")),
            space.parse().expect("a code"),
            "斑竹村",
            "sichuan",
            now(),
        )
        .expect("an office store")
    };
    let mut elders_office = office(VILLAGE);
    let keys = elders_office
        .issue_key_bundle(shouwang_core::role::Role::Township, None, None, "township bench", now())
        .expect("a key bundle")
        .to_text();
    // The township's 5,000 elders registered at the office (each with its own key for the sensitive
    // document, sent sealed with the office key): its outbox, sealed, is what the relay holds.
    for elder in &township {
        elders_office.add_elder(elder.clone(), now()).expect("a demo elder");
    }
    let t_elders: Vec<Change> = elders_office
        .outbox_batch(0, usize::MAX >> 1, usize::MAX)
        .expect("the office's outbox")
        .into_iter()
        .map(|c| Change {
            doc: shouwang_protocol::DocRef { elder: c.doc.elder.to_string(), kind: c.doc.kind.code().into() },
            bytes: c.bytes,
        })
        .collect();
    let t_visit_changes = sealing::seal_with(&office(VISIT_SPACE), &t_visits.changes);
    let (elders_code, visits_code) = rt.block_on(async {
        let writer =
            Client::new(&relay.url(), Some(token(&relay.url(), relay.code(Role::Committee, VILLAGE)).await))
                .expect("a client");
        seed(&writer, VILLAGE, &t_elders).await;
        let writer = Client::new(
            &relay.url(),
            Some(token(&relay.url(), relay.code(Role::Committee, VISIT_SPACE)).await),
        )
        .expect("a client");
        seed(&writer, VISIT_SPACE, &t_visit_changes).await;
        (relay.code(Role::Committee, VILLAGE), relay.code(Role::Committee, VISIT_SPACE))
    });
    let child = std::process::Command::new(std::env::current_exe().expect("this binary"))
        .args(["--township-device", &relay.url(), &elders_code, &visits_code, &keys])
        .output()
        .expect("the device process");
    assert!(child.status.success(), "device: {}", String::from_utf8_lossy(&child.stderr));
    let device: serde_json::Value = serde_json::from_slice(&child.stdout).expect("the device's figures");
    eprintln!("  township: {device}");
    drop(relay);

    let throughput = relay_throughput(&village);

    // The table.
    let machine = format!("{cores} cores, {} {}", std::env::consts::OS, std::env::consts::ARCH);
    println!("\n## Sync\n");
    println!(
        "machine: {machine}; 斑竹村 demo data; a visit = one automerge change making a new small document\n"
    );
    println!("| bytes on the wire | shouwang before (postcard+zstd) | shouwang (+ dictionary) | JSON+zstd -3 | JSON+zstd -19 | ODK XML | ÷ JSON+zstd -3 | ÷ ODK |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for b in [&visit, &in_batch, &month_row] {
        println!(
            "| {} | {} | {} | {} | {} | {} | {:.2}× | {:.3}× |",
            b.name,
            kb(b.plain),
            kb(b.dict),
            kb(b.json3),
            kb(b.json19),
            kb(b.odk),
            b.dict / b.json3,
            b.dict / b.odk
        );
    }
    println!();
    sealing::print(&sealed, LINK_BYTES_PER_S);
    let elders_bytes = device["elders_bytes"].as_f64().unwrap_or(0.0);
    let t_bytes = device["bytes"].as_f64().unwrap_or(0.0);
    println!("\n| sync | shouwang | target | |");
    println!("|---|---:|---:|---|");
    println!(
        "| village month through 64 kbit/s: helper's push (real `sync`) | {push_s:.1} s, {}, {push_trips} round trips | < 30 s | {} |",
        kb(push_bytes as f64),
        if push_s < 30.0 { "met" } else { "missed" }
    );
    println!(
        "| the same month pulled by the committee's device | {pull_s:.1} s, {}, {pull_trips} round trips | < 30 s | {} |",
        kb(pull_bytes as f64),
        if pull_s < 30.0 { "met" } else { "missed" }
    );
    let t_cpu = device["cpu_s"].as_f64().unwrap_or(0.0);
    println!(
        "| township initial sync (5,000 elders + 60,000 visits), bytes incl. HTTP | {} ({:.2}× its JSON+zstd {}) | < 2× | {} |",
        kb(t_bytes),
        t_bytes / township_json3,
        kb(township_json3),
        if t_bytes < 2.0 * township_json3 { "met" } else { "missed" }
    );
    println!(
        "| … its time: wall, device CPU (of which the elders: {:.1} s, {}) | {:.1} s, {:.1} s CPU | < 10 s CPU | {} |",
        device["elders_cpu_s"].as_f64().unwrap_or(0.0),
        kb(elders_bytes),
        device["wall_s"].as_f64().unwrap_or(0.0),
        t_cpu,
        if t_cpu < 10.0 { "met" } else { "missed" }
    );
    let rss = device["rss"].as_f64().unwrap_or(0.0);
    let hwm = device["hwm"].as_f64().unwrap_or(0.0);
    println!(
        "| device memory with the township loaded: RSS (peak) | {} ({}) | < 200 MiB | {} |",
        kb(rss),
        kb(hwm),
        if hwm < 200.0 * 1024.0 * 1024.0 { "met" } else { "missed" }
    );
    print_throughput(&throughput);
    println!();
    println!(
        "- a visit's automerge change, as a new small document: {raw_change:.0} B raw; appended to a per-elder visits document instead: {appended_raw:.0} B raw (a dependency hash and list ops more) and the month {} with the dictionary.",
        kb(appended_month)
    );
    println!(
        "- automerge's own sync protocol for the same one new visit, fresh sync states: {} B in {} messages when the peer lacks 1 of the document's 13 changes, {} B in {} messages when it lacks 1 of 2 (more than a third: the whole document); a push of the change: {} B.",
        am_large.0, am_large.1, am_small.0, am_small.1, visit.dict
    );
    println!("- JSON+zstd and ODK: the same fields; JSON lines compressed as one stream (the month) or alone (one visit); ODK one multipart XML submission per visit, uncompressed, HTTP headers not counted.");
    println!("- link: a token-bucket TCP proxy passing 8,000 bytes/s each way on loopback, no added latency; its byte counts include HTTP headers.");
    println!(
        "- township: the device is a child process (its CPU and memory only); {} elders listed, {} visits pulled and decoded, not applied (visits have no document kind yet).",
        device["listed"], device["visits"]
    );

    let rows = [&visit, &in_batch, &month_row];
    let throughput_json: Vec<serde_json::Value> = throughput
        .iter()
        .map(|Throughput { backend, per_s, p50, p99, batch }| {
            serde_json::json!({
                "backend": backend.name(), "devices": DEVICES, "pushes_per_device": PUSHES_PER_DEVICE,
                "pushes_per_s": per_s, "p50_ms": p50, "p99_ms": p99, "pushes_per_commit": batch,
            })
        })
        .collect();
    let json = serde_json::json!({
        "bench": "sync",
        "machine": { "cores": cores, "os": std::env::consts::OS, "arch": std::env::consts::ARCH },
        "bytes": rows.iter().map(|b| serde_json::json!({
            "metric": b.name, "shouwang_plain": b.plain, "shouwang": b.dict, "json_zstd3": b.json3,
            "json_zstd19": b.json19, "odk_xml": b.odk, "ratio_json_zstd3": b.dict / b.json3, "ratio_odk": b.dict / b.odk,
        })).collect::<Vec<_>>(),
        "visit_change_raw_bytes": raw_change, "visit_appended_raw_bytes": appended_raw, "month_appended_bytes": appended_month,
        "automerge_sync_one_visit": { "lacks_1_of_13": { "bytes": am_large.0, "messages": am_large.1 },
            "lacks_1_of_2": { "bytes": am_small.0, "messages": am_small.1 } },
        "month_64kbit": { "push_s": push_s, "push_bytes": push_bytes, "push_round_trips": push_trips,
            "pull_s": pull_s, "pull_bytes": pull_bytes, "pull_round_trips": pull_trips },
        "township": { "device": device, "json_zstd3": township_json3 },
        "relay": throughput_json,
        "sealing": sealing::json(&sealed),
    });
    let out = target_dir().join("bench");
    std::fs::create_dir_all(&out).expect("target/bench");
    let file = out.join("sync.json");
    let mut f = std::fs::File::create(&file).expect("sync.json");
    writeln!(f, "{}", serde_json::to_string_pretty(&json).expect("json")).expect("sync.json");
    eprintln!("wrote {} after {:.0} s", file.display(), t0.elapsed().as_secs_f64());
}

/// A village month through 64 kbit/s: a helper's real `sync` pushes it, a committee device pulls it.
/// Returns (push seconds, bytes, round trips, pull seconds, bytes, round trips).
fn slow_link(rt: &tokio::runtime::Runtime, month: &data::Visits) -> (f64, u64, u64, f64, u64, usize) {
    let relay = link::Relay::start(Backend::Sqlite, 1);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let slow = rt.block_on(async {
        let proxy = link::Proxy::start(relay.addr, Some(LINK_BYTES_PER_S)).await;
        let mut helper = Store::init(
            dir.path().join("helper.sqlite"),
            VILLAGE.parse().expect("a code"),
            "斑竹村",
            "sichuan",
            now(),
        )
        .expect("a store");
        shouwang_sync::enrol(&mut helper, &proxy.url(), &relay.code(Role::Helper, VILLAGE), "helper", now())
            .await
            .expect("enrolled");
        {
            let conn = rusqlite::Connection::open(helper.path()).expect("the helper's file");
            let tx = conn.unchecked_transaction().expect("a transaction");
            for c in &month.changes {
                tx.execute(
                    "INSERT INTO outbox (doc_id, hash, change, created_at) VALUES (?1, ?2, ?3, ?4)",
                    // The outbox keeps changes in the clear under their automerge hash; the real
                    // `sync` seals them with the helper store's village key as it forms the batch.
                    (c.doc.to_string(), automerge_hash(&c.bytes), &c.bytes, now().to_rfc3339()),
                )
                .expect("an outbox row");
            }
            tx.commit().expect("commit");
        }
        // Its own visits do not come back on its pull: the relay never sends a device what it pushed.
        let (before, requests) = (proxy.total(), relay.requests());
        let started = Instant::now();
        let report = shouwang_sync::sync(&mut helper, &mut |_| {}, now()).await.expect("a sync");
        let trips = relay.requests() - requests;
        let push_s = started.elapsed().as_secs_f64();
        let push_bytes = proxy.total() - before;
        assert_eq!(report.acknowledged, month.changes.len());
        let committee =
            Client::new(&proxy.url(), Some(token(&proxy.url(), relay.code(Role::Committee, VILLAGE)).await))
                .expect("a client");
        let before = proxy.total();
        let started = Instant::now();
        let (pulled, pages) = pull_all(&committee, VILLAGE).await;
        assert_eq!(pulled, month.changes.len());
        (push_s, push_bytes, trips, started.elapsed().as_secs_f64(), proxy.total() - before, pages)
    });
    let (push_s, _, _, pull_s, _, _) = slow;
    eprintln!("  month through 64 kbit/s: push {push_s:.1} s, pull {pull_s:.1} s");
    drop(relay);
    slow
}

/// The automerge hash of a change in the clear, as the store's outbox keys it.
fn automerge_hash(bytes: &[u8]) -> String {
    automerge::Change::from_bytes(bytes.to_vec()).expect("an automerge change").hash().to_string()
}

/// Only the month through the slow link (`cargo bench … --bench sync -- --link-only`).
fn link_only() {
    let village = data::elders(300, 2026);
    let month = data::Visits::generate(&village, 4, 7, Layout::NewDoc);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let (push_s, push_bytes, push_trips, pull_s, pull_bytes, pull_trips) = slow_link(&rt, &month);
    println!("| village month through 64 kbit/s: helper's push (real `sync`) | {push_s:.1} s, {push_bytes} B, {push_trips} round trips |");
    println!("| the same month pulled by the committee's device | {pull_s:.1} s, {pull_bytes} B, {pull_trips} round trips |");
}

/// Only the sealing rows (`cargo bench … --bench sync -- --sealing-only`).
fn sealing_only() {
    let village = data::elders(300, 2026);
    let month = data::Visits::generate(&village, 4, 7, Layout::NewDoc);
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    println!(
        "\nmachine: {cores} cores; the village month (300 elders, 1,200 visits), {} rounds\n",
        sealing::ROUNDS
    );
    sealing::print(&sealing::measure(VILLAGE, &month.changes, 600), LINK_BYTES_PER_S);
}

/// Only the relay's throughput rows (`cargo bench … --bench sync -- --relay-only`).
fn relay_only() {
    let village = data::elders(300, 2026);
    let throughput = relay_throughput(&village);
    println!("\n| sync | shouwang | target | |");
    println!("|---|---:|---:|---|");
    print_throughput(&throughput);
}

/// One backend's throughput row.
struct Throughput {
    backend: Backend,
    per_s: f64,
    p50: f64,
    p99: f64,
    /// The mean number of pushes the relay stored per group commit.
    batch: f64,
}

/// Relay throughput, per backend.
fn relay_throughput(village: &[shouwang_core::elder::Elder]) -> Vec<Throughput> {
    let pool = data::Visits::generate(
        village,
        DEVICES * PUSHES_PER_DEVICE * VISITS_PER_PUSH / village.len(),
        9,
        Layout::NewDoc,
    );
    Backend::ALL.into_iter().map(|backend| push_load(backend, &pool.changes)).collect()
}

/// The throughput rows of the table.
fn print_throughput(throughput: &[Throughput]) {
    for Throughput { backend, per_s, p50, p99, batch } in throughput {
        println!(
            "| relay, {} : {DEVICES} devices × {PUSHES_PER_DEVICE} pushes of {VISITS_PER_PUSH} visits, loopback | {per_s:.0} pushes/s ({:.2}× the target), p50 {p50:.1} ms, p99 {p99:.1} ms; {batch:.1} pushes per commit | ≥ 2,050/s (50 × 41) | {} |",
            backend.name(),
            per_s / 2050.0,
            if *per_s >= 2050.0 { "met" } else { "missed" }
        );
    }
}

/// 100 devices, each pushing its batches one after another.
fn push_load(backend: Backend, pool: &[Change]) -> Throughput {
    let relay = link::Relay::start(backend, 1);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime");
    // Codes are made through the store directly, outside the runtime (a blocking PostgreSQL client
    // must not run on it).
    let codes: Vec<_> = (0..DEVICES).map(|_| relay.code(Role::Helper, VILLAGE)).collect();
    let (per_s, p50, p99) = rt.block_on(async {
        let mut clients = Vec::new();
        for code in codes {
            let token = token(&relay.url(), code).await;
            clients.push(Client::new(&relay.url(), Some(token)).expect("a client"));
        }
        let started = Instant::now();
        let tasks: Vec<_> = clients
            .into_iter()
            .zip(pool.chunks(PUSHES_PER_DEVICE * VISITS_PER_PUSH))
            .map(|(client, mine)| {
                let mine = mine.to_vec();
                tokio::spawn(async move {
                    let mut latencies = Vec::new();
                    for batch in mine.chunks(VISITS_PER_PUSH) {
                        let started = Instant::now();
                        let request = PushRequest { changes: batch.to_vec() };
                        client.push(VILLAGE, &request).await.expect("a push");
                        latencies.push(started.elapsed());
                    }
                    latencies
                })
            })
            .collect();
        let mut all = Vec::new();
        for task in tasks {
            all.extend(task.await.expect("a device"));
        }
        let wall = started.elapsed();
        all.sort();
        (all.len() as f64 / wall.as_secs_f64(), percentile(&all, 0.5), percentile(&all, 0.99))
    });
    let (commits, pushes) = relay.commits();
    Throughput { backend, per_s, p50, p99, batch: pushes as f64 / commits.max(1) as f64 }
}

/// Bytes automerge's own sync protocol exchanges (fresh sync states on both sides, as between devices
/// that meet only through a relay) to bring a peer that lacks the last visit of a visits document
/// holding `visits` visits up to date. Returns (bytes, messages).
fn automerge_sync_cost(elder: &shouwang_core::elder::Elder, visits: usize) -> (usize, usize) {
    use automerge::sync::{State, SyncDoc};
    let mut rng = shouwang_core::demo::Rng::new(21);
    let mut doc = automerge::AutoCommit::new();
    let mut list = Vec::new();
    for i in 0..visits {
        list.push(serde_json::Value::Object(data::visit(elder, "h0000002a", i, &mut rng)));
        let content = serde_json::json!({"visits": list}).as_object().cloned().expect("an object");
        shouwang_core::crdt::reconcile(&mut doc, &content).expect("reconciles");
        doc.commit();
    }
    let mut peer = doc.fork();
    list.push(serde_json::Value::Object(data::visit(elder, "h0000002a", visits, &mut rng)));
    let content = serde_json::json!({"visits": list}).as_object().cloned().expect("an object");
    shouwang_core::crdt::reconcile(&mut doc, &content).expect("reconciles");
    doc.commit();
    let (mut mine, mut theirs) = (State::new(), State::new());
    let (mut bytes, mut messages) = (0, 0);
    loop {
        let mut quiet = true;
        if let Some(m) = doc.sync().generate_sync_message(&mut mine) {
            let encoded = m.encode();
            bytes += encoded.len();
            messages += 1;
            let m = automerge::sync::Message::decode(&encoded).expect("a message");
            peer.sync().receive_sync_message(&mut theirs, m).expect("received");
            quiet = false;
        }
        if let Some(m) = peer.sync().generate_sync_message(&mut theirs) {
            let encoded = m.encode();
            bytes += encoded.len();
            messages += 1;
            let m = automerge::sync::Message::decode(&encoded).expect("a message");
            doc.sync().receive_sync_message(&mut mine, m).expect("received");
            quiet = false;
        }
        if quiet || messages > 20 {
            break;
        }
    }
    assert_eq!(doc.get_heads(), peer.get_heads());
    (bytes, messages)
}
