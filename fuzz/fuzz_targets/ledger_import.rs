//! The ledger importer (信息台账 in `.csv` or `.xlsx`): any bytes read as a CSV (UTF-8 or GBK) or an
//! XLSX workbook, then planned against a registry (headings mapped, every row validated and matched);
//! a refusal is an error or a refused row, never a panic. The first byte picks the reader.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shouwang_core::ledger::{plan, read_csv, read_xlsx, ImportContext};
use shouwang_core::store::Store;
use shouwang_fuzz::{now, registry};
use std::cell::RefCell;

thread_local! {
    static REGISTRY: RefCell<Option<(tempfile::TempDir, Store, Vec<shouwang_core::elder::ElderId>)>> =
        const { RefCell::new(None) };
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, bytes)) = data.split_first() else { return };
    let sheet = if which % 2 == 0 { read_csv(bytes) } else { read_xlsx(bytes, None) };
    let Ok(sheet) = sheet else { return };
    REGISTRY.with(|cell| {
        let mut slot = cell.borrow_mut();
        let (_, store, _) = slot.get_or_insert_with(|| registry(2));
        let ctx = ImportContext {
            unit: store.registry().unit.clone(),
            policy: store.policy(),
            today: shouwang_core::time::local_date(now()),
        };
        if let Ok(planned) = plan(&sheet, store, &ctx) {
            let _ = (planned.ok(), planned.refused(), planned.existing(), planned.with_warnings());
        }
    });
});
