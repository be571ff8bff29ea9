//! The sync indicator: its state, and a sync now when it is tapped (the loop is `sync_loop.rs`).

use crate::dto::SyncView;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use tauri::{AppHandle, Runtime, State};

/// Syncs now (the indicator was tapped); returns the new status.
#[tauri::command]
pub async fn sync_now<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> AppResult<SyncView> {
    let handle = app.clone();
    let ran = tauri::async_runtime::spawn_blocking(move || crate::sync_loop::sync_once(&handle))
        .await
        .map_err(|e| AppError::failed(None, format!("同步中断：{e} / sync stopped: {e}")))??;
    match ran {
        Some(view) => Ok(view),
        None => state.sync_view(&*state.open().await?),
    }
}

/// The sync indicator's state.
#[tauri::command]
pub async fn sync_status(state: State<'_, AppState>) -> AppResult<SyncView> {
    let guard = state.store.lock().await;
    match guard.as_ref() {
        Some(store) => state.sync_view(store),
        None => Ok(SyncView::default()),
    }
}
