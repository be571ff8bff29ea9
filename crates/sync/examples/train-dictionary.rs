//! Trains the zstd dictionary shipped in `crates/protocol/dict/`, from realistic bodies: push and pull
//! bodies of 1–8 changes (what a device sends after a visit or an edit, what it pulls in a quiet
//! week), made of demo elders' changes and visit-sized records. The seeds differ from the sync
//! benchmark's, so the benchmark measures the dictionary on data it was not trained on.
//!
//! `cargo run -p shouwang-sync --release --example train-dictionary [-- OUT]` (default
//! `crates/protocol/dict/v1.zstd-dict`). A shipped dictionary is never replaced: a new one is a new
//! file and a new version byte in `shouwang_protocol::wire`.

#[path = "../benches/data/mod.rs"]
mod data;

use shouwang_core::demo::Rng;
use shouwang_protocol::{Change, PullResponse, PushRequest};
use std::path::PathBuf;

/// The dictionary's size: 32 KiB shipped with the app.
const SIZE: usize = 32 * 1024;

fn main() {
    let out = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../protocol/dict/v1.zstd-dict"));
    let elders = data::elders(400, 11);
    let actor = automerge::ActorId::from([3u8; 16]);
    let mut changes: Vec<Change> =
        elders.iter().flat_map(|e| data::elder_changes(e, &actor, 1_700_000_000_000)).collect();
    changes.extend(data::Visits::generate(&elders, 3, 12, data::Layout::NewDoc).changes);
    changes.extend(data::Visits::generate(&elders, 1, 14, data::Layout::Appended).changes);
    let mut rng = Rng::new(13);
    let mut samples = Vec::new();
    for i in 0..4_000 {
        let n = rng.range(1, 8) as usize;
        let start = rng.range(0, (changes.len() - n) as i64) as usize;
        let batch = changes[start..start + n].to_vec();
        let body = if i % 2 == 0 {
            postcard::to_stdvec(&PushRequest { changes: batch })
        } else {
            let seq = rng.range(1, 100_000) as u64;
            let changes: Vec<(u64, Change)> =
                batch.into_iter().enumerate().map(|(k, c)| (seq + k as u64, c)).collect();
            let next = seq + n as u64;
            let epoch = format!("{:016x}{:016x}", rng.next_u64(), rng.next_u64());
            let pushers = vec![shouwang_protocol::Role::Helper; changes.len()];
            let page = PullResponse { epoch, changes, next, more: false, latest: next, pushers, routes: 0 };
            postcard::to_stdvec(&page)
        };
        samples.push(body.expect("postcard"));
    }
    let dict = zstd::dict::from_samples(&samples, SIZE).expect("a dictionary");
    std::fs::write(&out, &dict).expect("the dictionary file");
    eprintln!("wrote {} ({} bytes) from {} samples", out.display(), dict.len(), samples.len());
}
