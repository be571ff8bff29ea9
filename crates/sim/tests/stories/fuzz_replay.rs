//! Every input the fuzzers keep — the seed corpus (`fuzz/corpus/<target>/`) and every crash found so
//! far (`fuzz/regressions/<target>/`) — replayed through the fuzz targets' own bodies
//! (`fuzz/src/targets.rs`) on the stable toolchain, so CI exercises each kept input on every run
//! without building the nightly sanitizer targets (`scripts/fuzz` runs the fuzzers themselves).

// The seed corpus writer's helpers (`encode`) are not used here.
#[allow(dead_code)]
#[path = "../../../../fuzz/src/lib.rs"]
mod shouwang_fuzz;

use std::path::{Path, PathBuf};

/// The kept inputs of `target`, corpus and regressions, in name order.
fn kept(target: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut files: Vec<PathBuf> = ["corpus", "regressions"]
        .iter()
        .filter_map(|dir| std::fs::read_dir(root.join(dir).join(target)).ok())
        .flat_map(|entries| entries.flatten().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

fn replay(target: &str, mut body: impl FnMut(&[u8])) -> usize {
    let files = kept(target);
    assert!(!files.is_empty(), "no kept input for {target}");
    for file in &files {
        let data = std::fs::read(file).unwrap();
        eprintln!("{target}: {}", file.display());
        body(&data);
    }
    files.len()
}

#[test]
fn every_kept_input_of_the_relays_request_decoding_and_the_id_validator_passes() {
    assert!(replay("relay_request", shouwang_fuzz::targets::relay_request) >= 1);
    assert!(replay("resident_id", shouwang_fuzz::targets::resident_id) >= 1);
}

#[test]
fn every_kept_input_of_the_ledger_importer_passes() {
    let (_dir, store, _) = shouwang_fuzz::targets::fresh_registry(2);
    replay("ledger_import", |data| shouwang_fuzz::targets::ledger_import(&store, data));
}

#[test]
fn every_kept_input_of_applying_remote_changes_and_every_crash_found_so_far_passes() {
    // A fresh registry per input, as each crash was found on its own.
    let mut reached_automerge = Vec::new();
    let replayed = replay("apply_changes", |data| {
        let (_dir, mut store, elders) = shouwang_fuzz::targets::fresh_registry(3);
        let applied = shouwang_fuzz::targets::apply_changes(&mut store, &elders, data);
        reached_automerge.push(applied.applied);
    });
    assert!(replayed >= 10, "the regressions are replayed: {replayed}");
    // The target seals what it sends with the registry's key: the seed changes open and apply.
    assert!(
        reached_automerge.iter().filter(|&&n| n > 0).count() >= 2,
        "changes applied per input: {reached_automerge:?}"
    );
}
