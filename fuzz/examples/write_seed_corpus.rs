//! Writes the seed corpus of every target into `fuzz/corpus/<target>/` from real data: changes from a
//! registry's outbox (elders and a visit), request bodies carrying them, a ledger as CSV and XLSX, ID
//! numbers valid and not. Run from the repository root:
//! `cargo run --manifest-path fuzz/Cargo.toml --example write-seed-corpus`.

use shouwang_core::doc::{DocId, DocKind};
use shouwang_core::visit::{Checks, Mode, Service, Visit};
use shouwang_fuzz::{encode, now, registry};
use shouwang_protocol::{encode_as, Change, DocRef, Format, PushRequest, RedeemRequest, SyncRequest};
use std::path::Path;

fn write(target: &str, name: &str, bytes: &[u8]) {
    let dir = Path::new("fuzz/corpus").join(target);
    std::fs::create_dir_all(&dir).expect("the corpus directory");
    std::fs::write(dir.join(name), bytes).expect("a seed file");
}

fn main() {
    let (_dir, mut store, elders) = registry(2);
    let helper = store.add_helper(shouwang_core::helper::Helper::named("陈桂兰"), now()).expect("a helper");
    let visit = Visit {
        id: String::new(),
        elder: elders[0].clone(),
        helper: helper.to_string(),
        mode: Mode::Door,
        at: now() - chrono::Duration::hours(1),
        duration_minutes: 30,
        checks: Checks::all_fine(),
        services: vec![Service::Patrol],
        follow_up: "下周送药".into(),
        position: None,
        amends: None,
        home_distance_m: None,
        recorded_at: None,
    };
    store.log_visit(visit, now()).expect("a visit");
    // As the relay sends them (sealed), and in the clear as the outbox keeps them (the file is a plain
    // SQLite file here: the targets' registries are not encrypted at rest).
    let outbox = store.outbox_batch(0, 1000, usize::MAX).expect("the outbox");
    let conn = rusqlite::Connection::open(store.path()).expect("the store's file");
    let plain: Vec<(String, Vec<u8>)> = conn
        .prepare("SELECT doc_id, change FROM outbox WHERE what = 0 ORDER BY seq")
        .and_then(|mut stmt| stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .expect("the outbox in the clear");
    let kind_index = |k: DocKind| DocKind::ALL.iter().position(|x| *x == k).expect("a kind") as u8;
    let elder_index =
        |id: &shouwang_core::elder::ElderId| elders.iter().position(|e| e == id).unwrap_or(0) as u8;

    // apply_changes: one elder's changes and a visit's (in the clear: the target seals them with its
    // registry's key), a change's body to be wrapped, and envelopes as received.
    let of = |pred: &dyn Fn(&DocKind) -> bool| -> Vec<(u8, u8, Vec<u8>)> {
        plain
            .iter()
            .map(|(doc, bytes)| (doc.parse::<DocId>().expect("a document id"), bytes))
            .filter(|(doc, _)| pred(&doc.kind))
            .take(12)
            .map(|(doc, bytes)| (elder_index(&doc.elder), kind_index(doc.kind), bytes.clone()))
            .collect()
    };
    write("apply_changes", "record-documents", &encode(&of(&|k| DocKind::RECORD.contains(k))));
    write(
        "apply_changes",
        "visit-and-helper",
        &encode(&of(&|k| matches!(k, DocKind::Visits | DocKind::Helper))),
    );
    // A change chunk: magic (4), checksum (4), type (1), body length (LEB128), body.
    let first = &plain[0].1;
    let body_at = 9 + first[9..].iter().position(|b| b & 0x80 == 0).expect("a length") + 1;
    write("apply_changes", "wrapped-body", &encode(&[(0, 0x80, first[body_at..].to_vec())]));
    let received: Vec<(u8, u8, Vec<u8>)> = outbox
        .iter()
        .take(6)
        .map(|c| (0x80 | elder_index(&c.doc.elder), kind_index(c.doc.kind), c.bytes.clone()))
        .collect();
    write("apply_changes", "sealed-as-received", &encode(&received));

    // relay_request: push and sync bodies in every format, a redeem request.
    let changes: Vec<Change> = outbox
        .iter()
        .take(8)
        .map(|c| Change {
            doc: DocRef { elder: c.doc.elder.to_string(), kind: c.doc.kind.code().into() },
            bytes: c.bytes.clone(),
        })
        .collect();
    for n in 0..=4u8 {
        let Some(format) = Format::from_number(n) else { continue };
        write(
            "relay_request",
            &format!("push-v{n}"),
            &encode_as(format, &PushRequest { changes: changes.clone() }),
        );
        let sync = SyncRequest { changes: changes[..2].to_vec(), after: 17, limit: 500 };
        write("relay_request", &format!("sync-v{n}"), &encode_as(format, &sync));
        let redeem =
            RedeemRequest { code: "ABCD-EFGH-JKLM".into(), device_name: "陈桂兰的平板".into() };
        write("relay_request", &format!("redeem-v{n}"), &encode_as(format, &redeem));
        let enrolment = shouwang_protocol::EnrolmentRequest {
            role: shouwang_protocol::Role::Helper,
            elder: None,
            helper: Some(helper.to_string()),
            label: Some("5e".repeat(16)),
        };
        write("relay_request", &format!("enrolment-v{n}"), &encode_as(format, &enrolment));
    }

    // ledger_import: the sample ledger as CSV and the registry exported as XLSX.
    let csv = shouwang_core::ledger::sample_ledger(4, 3);
    write("ledger_import", "sample.csv", &[&[0u8][..], csv.as_bytes()].concat());
    let records: Vec<_> = elders.iter().map(|e| store.elder(e).expect("an elder")).collect();
    let today = shouwang_core::time::local_date(now());
    let xlsx = shouwang_core::ledger::export_xlsx(&records, today).expect("an xlsx");
    write("ledger_import", "export.xlsx", &[&[1u8][..], &xlsx[..]].concat());

    // resident_id: valid numbers, a residence permit, a 15-digit legacy number, a bad check digit.
    for (name, id) in [
        ("valid", "11010519491231002X"),
        ("valid-lower-x", "11010519491231002x"),
        ("bad-check-digit", "110105194912310021"),
        ("legacy-15", "110105491231002"),
        ("permit", "810000199408230021"),
        ("short", "1101051949"),
    ] {
        write("resident_id", name, id.as_bytes());
    }
    println!("seed corpus written to fuzz/corpus/");
}
