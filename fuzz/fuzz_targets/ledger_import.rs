//! The ledger importer (信息台账 in `.csv` or `.xlsx`): any bytes read and planned against a registry;
//! a refusal is an error or a refused row, never a panic. Body: `shouwang_fuzz::targets::ledger_import`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shouwang_core::store::Store;
use std::cell::RefCell;

thread_local! {
    static REGISTRY: RefCell<Option<(tempfile::TempDir, Store, Vec<shouwang_core::elder::ElderId>)>> =
        const { RefCell::new(None) };
}

fuzz_target!(|data: &[u8]| {
    REGISTRY.with(|cell| {
        let mut slot = cell.borrow_mut();
        let (_, store, _) = slot.get_or_insert_with(|| shouwang_fuzz::registry(2));
        shouwang_fuzz::targets::ledger_import(store, data);
    });
});
