//! The ledger 信息台账 in and out of Excel: a dry run of an import (every row with what would happen
//! and why), the import (core writes the rows it accepts in one transaction), and the export of every
//! elder with the ledger's headings.

use super::files;
use crate::dto::{ImportPreview, LedgerExport, LedgerFile, SavedFile};
use crate::error::{AppError, AppResult, ErrorKind};
use crate::state::AppState;
use base64::Engine as _;
use shouwang_core::ledger::{self, ImportContext, ImportPlan, LedgerError};
use shouwang_core::policy::Policy;
use shouwang_core::store::Store;
use std::path::Path;
use tauri::{AppHandle, Runtime, State};

/// Reads the picked file with core: `.xlsx` or `.csv` by its name.
pub fn read_ledger(file: &LedgerFile) -> AppResult<ledger::Sheet> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(file.data.trim()).map_err(|_| {
        AppError::field(
            "file",
            "format",
            "文件内容无法读取（不是 base64）",
            "the file's content is not base64",
        )
    })?;
    let ext = Path::new(&file.name).extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let sheet = file.sheet.as_deref().filter(|s| !s.trim().is_empty());
    Ok(match ext.as_str() {
        "xlsx" => ledger::read_xlsx(&bytes, sheet),
        "csv" => ledger::read_csv(&bytes),
        _ => Err(LedgerError::Format(file.name.clone())),
    }?)
}

/// Core's plan for the file on this registry (its unit and policy, today).
fn plan_on(store: &Store, file: &LedgerFile, today: chrono::NaiveDate) -> AppResult<ImportPlan> {
    let registry = store.registry().clone();
    let policy = Policy::builtin(&registry.policy).ok_or_else(|| {
        AppError::new(
            ErrorKind::Failed,
            Some("policy"),
            format!("本登记册的政策配置 {} 不存在", registry.policy),
            format!("this registry's policy profile {} does not exist", registry.policy),
        )
    })?;
    let ctx = ImportContext::new(registry.unit, policy, today);
    Ok(ledger::plan(&read_ledger(file)?, store, &ctx)?)
}

/// The dry run of a ledger import: every row that would be added or skipped and every refused row
/// with its row number, column heading, field and rule. Writes nothing.
#[tauri::command]
pub async fn preview_import(state: State<'_, AppState>, args: LedgerFile) -> AppResult<ImportPreview> {
    let store = state.open().await?;
    Ok(ImportPreview::of(&args.name, &plan_on(&store, &args, state.today())?, None))
}

/// Imports the ledger: the rows core accepts are registered in one transaction; a refused row writes
/// nothing. Wakes the sync loop.
#[tauri::command]
pub async fn import_ledger(state: State<'_, AppState>, args: LedgerFile) -> AppResult<ImportPreview> {
    let mut store = state.open().await?;
    let plan = plan_on(&store, &args, state.today())?;
    let added = ledger::apply(&plan, &mut store, state.now())?.added.len();
    drop(store);
    if added > 0 {
        state.sync_soon();
    }
    Ok(ImportPreview::of(&args.name, &plan, Some(added)))
}

/// Writes every active elder of the registry, with the ledger's headings, into the download
/// directory; returns where.
#[tauri::command]
pub async fn export_ledger<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    args: LedgerExport,
) -> AppResult<SavedFile> {
    let store = state.open().await?;
    let registry = store.registry().clone();
    let elders = store.ledger_elders(state.now())?;
    drop(store);
    let stem = format!("信息台账-{}{}-{}", registry.name, registry.unit, state.today());
    let path = files::free_path(&files::export_dir(&app)?, &stem, args.format.extension());
    ledger::export(&elders, state.today(), &path)?;
    Ok(files::saved(&path))
}
