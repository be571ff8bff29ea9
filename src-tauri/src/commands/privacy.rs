//! Privacy 个人信息保护: an elder's consents 知情同意 (record, withdraw), the export of everything held
//! on one elder 导出个人信息 (a JSON file in the download directory), erasure 删除个人信息 (with the
//! elder's name typed as confirmation), and the audit log 审计日志 with its verification. Core decides
//! who may see and do what, and writes the audit entries.

use super::files;
use crate::dto::{
    AuditBreak, AuditLine, AuditQuery, ConsentForm, ConsentView, ElderRef, EraseArgs, SavedFile, WithdrawArgs,
};
use crate::error::{AppError, AppResult};
use crate::parse;
use crate::state::AppState;
use shouwang_core::consent::Withdrawal;
use tauri::{AppHandle, Runtime, State};

/// The consents recorded for an elder, oldest first.
#[tauri::command]
pub async fn list_consents(state: State<'_, AppState>, args: ElderRef) -> AppResult<Vec<ConsentView>> {
    let store = state.open().await?;
    Ok(store.consents(&parse::elder("id", &args.id)?)?.iter().map(ConsentView::from).collect())
}

/// Records a consent (core validates it; nothing is written if it breaks a rule). Wakes the sync loop.
#[tauri::command]
pub async fn record_consent(state: State<'_, AppState>, args: ConsentForm) -> AppResult<ConsentView> {
    let mut store = state.open().await?;
    let saved =
        store.record_consent(&parse::elder("elder", &args.elder)?, args.to_consent()?, state.now())?;
    drop(store);
    state.sync_soon();
    Ok(ConsentView::from(&saved))
}

/// Withdraws a consent; the record is kept with its withdrawal.
#[tauri::command]
pub async fn withdraw_consent(state: State<'_, AppState>, args: WithdrawArgs) -> AppResult<ConsentView> {
    let mut store = state.open().await?;
    let withdrawal = Withdrawal { on: parse::date("on", &args.on)?, by: args.by };
    let saved = store.withdraw_consent(
        &parse::elder("elder", &args.elder)?,
        &args.consent,
        withdrawal,
        state.now(),
    )?;
    drop(store);
    state.sync_soon();
    Ok(ConsentView::from(&saved))
}

/// Writes everything held on one elder to a JSON file in the download directory (logged by core as
/// an `export` audit entry).
#[tauri::command]
pub async fn export_elder_data<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    args: ElderRef,
) -> AppResult<SavedFile> {
    let export = state.open().await?.export_elder(&parse::elder("id", &args.id)?, state.now())?;
    let json = serde_json::to_vec_pretty(&export).map_err(|e| AppError::failed(None, e))?;
    files::write(&app, &format!("个人信息-{}", args.id), "json", &json)
}

/// Erases an elder for good: the name typed again must match the card's (the screen's confirmation);
/// core requires the reason and a device holding the village's root, destroys the elder's key and
/// every record here, and the erasure reaches every device on sync.
#[tauri::command]
pub async fn erase_elder(state: State<'_, AppState>, args: EraseArgs) -> AppResult<()> {
    let mut store = state.open().await?;
    let id = parse::elder("id", &args.id)?;
    store.erase_elder_named(&id, &args.confirm_name, &args.reason, state.now())?;
    drop(store);
    state.sync_soon();
    Ok(())
}

/// The audit log (newest first), of one elder or all.
#[tauri::command]
pub async fn audit_log(state: State<'_, AppState>, args: AuditQuery) -> AppResult<Vec<AuditLine>> {
    let store = state.open().await?;
    let elder = parse::elder_opt("elder", args.elder.as_deref())?;
    Ok(store.audit_log(elder.as_ref())?.into_iter().rev().map(AuditLine::from).collect())
}

/// Verifies every device's chain: each break found (an empty list: the log is whole).
#[tauri::command]
pub async fn verify_audit(state: State<'_, AppState>) -> AppResult<Vec<AuditBreak>> {
    let store = state.open().await?;
    Ok(store.verify_audit()?.into_iter().map(AuditBreak::from).collect())
}
