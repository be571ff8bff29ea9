//! Applying remote changes (`Store::apply_remote`, what a device does with every page it pulls): any
//! bytes for any document of a registry with demo elders — raw, or a change chunk inside a well-formed
//! envelope — are applied, counted as duplicates or quarantined; never a panic, and the projection
//! stays what a rebuild from the documents makes of them. Body: `shouwang_fuzz::targets::apply_changes`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shouwang_core::store::Store;
use shouwang_fuzz::registry;
use std::cell::RefCell;

thread_local! {
    static REGISTRY: RefCell<Option<(tempfile::TempDir, Store, Vec<shouwang_core::elder::ElderId>)>> =
        const { RefCell::new(None) };
    static RUNS: RefCell<u64> = const { RefCell::new(0) };
}

fuzz_target!(|data: &[u8]| {
    REGISTRY.with(|cell| {
        let mut slot = cell.borrow_mut();
        // A fresh registry now and then, so the documents do not grow without bound.
        let fresh = RUNS.with(|r| {
            let mut r = r.borrow_mut();
            *r += 1;
            *r % 2000 == 1
        });
        if slot.is_none() {
            // libfuzzer-sys aborts on any panic, even one the store catches: core catches automerge's
            // panics on crafted changes (and quarantines the change), so only an uncaught panic —
            // which libfuzzer-sys still turns into a crash — may end a run.
            std::panic::set_hook(Box::new(|info| eprintln!("{info}")));
        }
        if fresh || slot.is_none() {
            *slot = Some(registry(3));
        }
        let (_, store, elders) = slot.as_mut().expect("a registry");
        let _ = shouwang_fuzz::targets::apply_changes(store, elders, data);
    });
});
