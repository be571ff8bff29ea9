//! The background sync loop: syncs on start, when woken (a write, a tap on the indicator, the UI
//! coming back to the foreground or online) and on a timer; after a failure it waits longer each time
//! (backoff), up to a limit. Every edit is already committed locally, so a sync that fails loses
//! nothing. Emits `sync-progress` while running and `sync-status` when done.

use crate::dto::{SyncProgress, SyncView};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager, Runtime};

/// The event carrying [`SyncProgress`].
pub const PROGRESS_EVENT: &str = "sync-progress";
/// The event carrying [`SyncView`] after every attempt.
pub const STATUS_EVENT: &str = "sync-status";

/// Time between syncs while everything works.
pub const INTERVAL: Duration = Duration::from_secs(120);
/// First wait after a failure; doubled each time up to [`MAX_BACKOFF`].
pub const FIRST_BACKOFF: Duration = Duration::from_secs(5);
/// Longest wait after failures.
pub const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// How long to wait after `failures` failed attempts in a row.
pub fn delay_after(failures: u32) -> Duration {
    if failures == 0 {
        return INTERVAL;
    }
    let factor = 1u32.checked_shl(failures.saturating_sub(1).min(16)).unwrap_or(u32::MAX);
    FIRST_BACKOFF.saturating_mul(factor).min(MAX_BACKOFF)
}

/// Runs one sync now, if the device is enrolled; emits progress and the resulting status.
/// `Ok(None)`: not enrolled (or no registry), nothing to do.
///
/// Blocking: call it from a thread of its own (the loop's, or `spawn_blocking`). The engine's progress
/// callback is not `Send`, so a sync runs on a current-thread runtime of its own rather than as a task
/// of Tauri's multi-threaded one.
pub fn sync_once<R: Runtime>(app: &AppHandle<R>) -> AppResult<Option<SyncView>> {
    let state = app.state::<AppState>();
    let mut guard = state.store.blocking_lock();
    let Some(store) = guard.as_mut() else { return Ok(None) };
    if store.sync_state()?.is_none() {
        return Ok(None);
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| {
        AppError::new(
            crate::error::ErrorKind::Failed,
            None,
            format!("无法启动同步：{e}"),
            format!("cannot start sync: {e}"),
        )
    })?;
    state.syncing.store(true, Ordering::SeqCst);
    let _ = app.emit(STATUS_EVENT, state.sync_view(store)?);
    let emitter = app.clone();
    let mut progress = move |p: &shouwang_sync::Progress| {
        let _ = emitter.emit(PROGRESS_EVENT, SyncProgress::from(p));
    };
    let result = runtime.block_on(shouwang_sync::sync(store, &mut progress, state.now()));
    state.syncing.store(false, Ordering::SeqCst);
    let view = state.sync_view(store)?;
    let _ = app.emit(STATUS_EVENT, view.clone());
    result.map_err(AppError::from)?;
    Ok(Some(view))
}

/// Starts the loop on a thread of its own: sync, then wait for a wake-up or the timer (longer after
/// each failure), again.
pub fn spawn<R: Runtime>(app: AppHandle<R>) {
    let spawned = std::thread::Builder::new().name("shouwang-sync".into()).spawn(move || {
        let Ok(timer) = tokio::runtime::Builder::new_current_thread().enable_time().build() else { return };
        let mut failures = 0u32;
        loop {
            match sync_once(&app) {
                Ok(_) => failures = 0,
                Err(_) => failures = failures.saturating_add(1),
            }
            let wait = delay_after(failures);
            let state = app.state::<AppState>();
            timer.block_on(async {
                tokio::select! {
                    _ = state.wake.notified() => {}
                    _ = tokio::time::sleep(wait) => {}
                }
            });
        }
    });
    if let Err(e) = spawned {
        eprintln!("守望: the sync loop could not start: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_back_off_doubling_up_to_the_limit() {
        assert_eq!(delay_after(0), INTERVAL);
        assert_eq!(delay_after(1), Duration::from_secs(5));
        assert_eq!(delay_after(2), Duration::from_secs(10));
        assert_eq!(delay_after(4), Duration::from_secs(40));
        assert_eq!(delay_after(10), MAX_BACKOFF);
        assert_eq!(delay_after(u32::MAX), MAX_BACKOFF);
    }
}
