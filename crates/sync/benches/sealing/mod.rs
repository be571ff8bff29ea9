//! What end-to-end sealing costs: the same village month as push bodies with the automerge changes in
//! the clear (as before issue 7) and sealed, with XChaCha20-Poly1305 and with SM4-GCM, side by side in
//! one run.
//!
//! Each change is sealed as a device's outbox seals it (`shouwang_core::keys::seal` with the village
//! key of generation 1, bound to its village and document), then the batch is encoded as the wire body
//! (`shouwang_protocol::encode`: postcard + zstd + the dictionary). Opening decodes that body and
//! opens every envelope, checking the plaintext is the change. Times are medians of [`ROUNDS`] rounds
//! over the whole month, the three variants alternating within each round.

use shouwang_core::keys::{self, Alg, Key, What};
use shouwang_protocol::{decode, encode, Change, PushRequest};
use std::time::{Duration, Instant};

/// Rounds over the month for each timing.
pub const ROUNDS: usize = 7;

/// One variant's figures.
#[derive(Debug, Clone)]
pub struct Variant {
    /// "in the clear", or the cipher's name.
    pub name: &'static str,
    /// One visit alone in a push body, bytes.
    pub one: f64,
    /// The month as one push body, bytes.
    pub month: f64,
    /// A change's mean size before the body's zstd: the envelope, or the automerge change in the clear.
    pub change: f64,
    /// Sealing one change, µs (0 in the clear).
    pub seal_us: f64,
    /// Opening one change, µs (0 in the clear).
    pub open_us: f64,
    /// The device's push side for the month: seal every change and encode the body, ms.
    pub push_ms: f64,
    /// The receiving device's side: decode the body and open every change, ms.
    pub pull_ms: f64,
}

fn median(mut v: Vec<Duration>) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64()
}

fn seal_all(alg: Alg, key: &Key, space: &str, changes: &[Change]) -> Vec<Change> {
    changes
        .iter()
        .map(|c| Change {
            doc: c.doc.clone(),
            bytes: keys::seal(alg, key, What::Change, 1, space, &c.doc, &c.bytes),
        })
        .collect()
}

/// Measures the month `changes` (automerge changes in the clear) of `space`: in the clear and sealed
/// under each algorithm. `one` is the index of the visit measured alone.
pub fn measure(space: &str, changes: &[Change], one: usize) -> Vec<Variant> {
    let root = Key::from_bytes([0x5a; 32]);
    let key = keys::village_key(&root);
    let algs: [Option<Alg>; 3] = [None, Some(Alg::XChaCha20Poly1305), Some(Alg::Sm4Gcm)];
    let n = changes.len() as f64;
    let mut seal_t = vec![Vec::new(); 3];
    let mut open_t = vec![Vec::new(); 3];
    let mut push_t = vec![Vec::new(); 3];
    let mut pull_t = vec![Vec::new(); 3];
    let mut bodies = vec![Vec::new(); 3];
    let mut sizes = [0.0; 3];
    for _ in 0..ROUNDS {
        for (i, alg) in algs.iter().enumerate() {
            // The push side: seal, then encode the body.
            let started = Instant::now();
            let wire = match alg {
                Some(alg) => seal_all(*alg, &key, space, changes),
                None => changes.to_vec(),
            };
            let sealed = started.elapsed();
            sizes[i] = wire.iter().map(|c| c.bytes.len()).sum::<usize>() as f64 / n;
            let body = encode(&PushRequest { changes: wire });
            push_t[i].push(started.elapsed());
            seal_t[i].push(sealed);
            // The receiving side: decode the body, then open each change.
            let started = Instant::now();
            let got: PushRequest = decode(&body).expect("the body decodes");
            let decoded = started.elapsed();
            for (c, original) in got.changes.iter().zip(changes) {
                let plain = match alg {
                    Some(_) => keys::open(&key, space, &c.doc, &c.bytes).expect("it opens").1,
                    None => c.bytes.clone(),
                };
                assert!(plain == original.bytes, "the change comes back as it was");
            }
            pull_t[i].push(started.elapsed());
            open_t[i].push(started.elapsed() - decoded);
            bodies[i] = body;
        }
    }
    algs.iter()
        .enumerate()
        .map(|(i, alg)| {
            let lone = match alg {
                Some(alg) => seal_all(*alg, &key, space, &changes[one..=one]),
                None => vec![changes[one].clone()],
            };
            let per = |t: &[Duration]| median(t.to_vec()) * 1e6 / n;
            Variant {
                name: alg.map_or("in the clear", Alg::name),
                one: encode(&PushRequest { changes: lone }).len() as f64,
                month: bodies[i].len() as f64,
                change: sizes[i],
                seal_us: if alg.is_some() { per(&seal_t[i]) } else { 0.0 },
                open_us: if alg.is_some() { per(&open_t[i]) } else { 0.0 },
                push_ms: median(push_t[i].clone()) * 1e3,
                pull_ms: median(pull_t[i].clone()) * 1e3,
            }
        })
        .collect()
}

/// The table, in Markdown: `link_bytes_per_s` is the slow link's rate for the time row.
pub fn print(variants: &[Variant], link_bytes_per_s: f64) {
    let (clear, sealed) = variants.split_first().expect("the clear variant first");
    print!("| sealed vs in the clear (same month, one run) | {} |", clear.name);
    for v in sealed {
        print!(" {} | ÷ clear |", v.name);
    }
    println!();
    println!("|---|---:|{}", "---:|---:|".repeat(sealed.len()));
    type Row = (&'static str, fn(&Variant, f64) -> f64, fn(f64) -> String, bool);
    let bytes = |b: f64| super::kb(b);
    let rows: [Row; 9] = [
        ("a change before the body's zstd: automerge / envelope, mean", |v, _| v.change, bytes, true),
        ("one visit, alone in a push", |v, _| v.one, bytes, true),
        ("one visit inside the month's batch (÷ 1,200)", |v, _| v.month / 1_200.0, bytes, true),
        ("village month (300 elders, 1,200 visits), one push", |v, _| v.month, bytes, true),
        (
            "… its body through 64 kbit/s (bytes ÷ 8,000 B/s, no HTTP)",
            |v, rate| v.month / rate,
            |s| format!("{s:.1} s"),
            true,
        ),
        ("seal one change, median", |v, _| v.seal_us, |u| format!("{u:.1} µs"), false),
        ("open one change, median", |v, _| v.open_us, |u| format!("{u:.1} µs"), false),
        ("push side: seal the month + encode its body", |v, _| v.push_ms, |m| format!("{m:.1} ms"), true),
        ("pull side: decode the body + open the month", |v, _| v.pull_ms, |m| format!("{m:.1} ms"), true),
    ];
    for (name, get, show, ratio) in rows {
        let base = get(clear, link_bytes_per_s);
        print!("| {name} | {} |", if ratio { show(base) } else { "—".into() });
        for v in sealed {
            let x = get(v, link_bytes_per_s);
            if ratio {
                print!(" {} | {:.2}× |", show(x), x / base);
            } else {
                print!(" {} | |", show(x));
            }
        }
        println!();
    }
}

/// The figures for `target/bench/sync.json`.
pub fn json(variants: &[Variant]) -> serde_json::Value {
    variants
        .iter()
        .map(|v| {
            serde_json::json!({
                "variant": v.name, "one_visit_bytes": v.one, "month_bytes": v.month, "change_bytes_mean": v.change,
                "seal_us_per_change": v.seal_us, "open_us_per_change": v.open_us,
                "push_side_ms": v.push_ms, "pull_side_ms": v.pull_ms,
            })
        })
        .collect()
}

/// `changes` sealed by `store` as it seals its own (its newest key for each document), as a device of
/// the store's village pushes them.
pub fn seal_with(store: &shouwang_core::store::Store, changes: &[Change]) -> Vec<Change> {
    changes
        .iter()
        .map(|c| {
            let doc: shouwang_core::doc::DocId =
                format!("{}/{}", c.doc.elder, c.doc.kind).parse().expect("a document id");
            Change {
                doc: c.doc.clone(),
                bytes: store.seal_change(&doc, &c.bytes).expect("a key for the document"),
            }
        })
        .collect()
}
