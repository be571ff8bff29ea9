//! The app lock's commands 应用锁 (the lock itself is `lock.rs`): its state, unlocking with the PIN
//! (the store opens), locking now (the store closes), the idle time, a new PIN, a touch; and the idle
//! watchdog that closes the store when the app is left alone.

use crate::dto::{AppStatus, ChangePinArgs, IdleArgs, LockView, UnlockArgs};
use crate::error::{AppError, AppResult, ErrorKind};
use crate::lock::{too_many, wrong_pin, LOCKED_EVENT};
use crate::state::AppState;
use shouwang_core::store::Store;
use shouwang_core::vault::{self, Vault};
use std::time::{Duration, Instant};
use tauri::{AppHandle, Emitter, Manager, Runtime, State};

/// How often the idle watchdog looks.
const WATCH_EVERY: Duration = Duration::from_secs(5);

/// Closes the store if the app has been idle at `now` (an encrypted registry only); whether it locked.
/// The watchdog calls it with the clock; tests with a time of their choosing.
pub fn lock_if_idle<R: Runtime>(app: &AppHandle<R>, now: Instant) -> bool {
    let state = app.state::<AppState>();
    if !state.lock.encrypted() || !state.lock.is_idle(now) {
        return false;
    }
    let closed = state.store.blocking_lock().take().is_some();
    if closed {
        let _ = app.emit(LOCKED_EVENT, state.lock.view(false, state.now()));
    }
    closed
}

/// Starts the idle watchdog on a thread of its own.
pub fn spawn_watchdog<R: Runtime>(app: AppHandle<R>) {
    let spawned = std::thread::Builder::new().name("shouwang-lock".into()).spawn(move || loop {
        std::thread::sleep(WATCH_EVERY);
        lock_if_idle(&app, Instant::now());
    });
    if let Err(e) = spawned {
        eprintln!("守望: the idle lock could not start: {e}");
    }
}

/// Whether the app is locked, the counters and the idle setting.
#[tauri::command]
pub async fn lock_status(state: State<'_, AppState>) -> AppResult<LockView> {
    let open = state.store.lock().await.is_some();
    Ok(state.lock.view(open, state.now()))
}

/// Unlocks with the PIN: unwraps the database key (Argon2id) and opens the store with it; the key is
/// dropped once the store is open. A wrong PIN is counted; after five the tries wait longer each time.
#[tauri::command]
pub async fn unlock(state: State<'_, AppState>, args: UnlockArgs) -> AppResult<AppStatus> {
    let mut guard = state.store.lock().await;
    if guard.is_some() {
        state.lock.touch();
        return state.status(guard.as_ref());
    }
    if !state.lock.encrypted() {
        return Err(AppError::not_open());
    }
    if let Some(wait) = state.lock.wait(state.now()) {
        return Err(too_many(wait));
    }
    let key_path = state.lock.key_path().to_path_buf();
    let db_path = state.db_path.clone();
    let pin = zeroize::Zeroizing::new(args.pin);
    let now = state.now();
    let opened = tauri::async_runtime::spawn_blocking(move || {
        let key = Vault::unlock(&key_path, &pin)?;
        Ok::<_, vault::Error>(Store::open_encrypted(&db_path, &key, now))
    })
    .await
    .map_err(|e| AppError::failed(None, format!("解锁中断：{e} / unlock stopped: {e}")))?;
    match opened {
        Err(vault::Error::WrongPassphrase) => Err(wrong_pin(state.lock.failed(state.now())?)),
        Err(other) => Err(other.into()),
        Ok(store) => {
            *guard = Some(store?);
            state.lock.succeeded()?;
            let status = state.status(guard.as_ref());
            drop(guard);
            state.sync_soon();
            status
        }
    }
}

/// Locks now: closes the store (the key goes with it). Sync pauses until the next unlock.
#[tauri::command]
pub async fn lock_now(state: State<'_, AppState>) -> AppResult<LockView> {
    if !state.lock.encrypted() {
        return Err(AppError::new(
            ErrorKind::Refused,
            None,
            "本机登记册未加密，无法锁定",
            "this registry is not encrypted: there is nothing to lock",
        ));
    }
    let mut guard = state.store.lock().await;
    *guard = None;
    Ok(state.lock.view(false, state.now()))
}

/// Sets how many idle minutes lock the app (1–60).
#[tauri::command]
pub async fn set_idle_minutes(state: State<'_, AppState>, args: IdleArgs) -> AppResult<LockView> {
    state.lock.set_idle_minutes(args.minutes)?;
    let open = state.store.lock().await.is_some();
    Ok(state.lock.view(open, state.now()))
}

/// Changes the PIN: rewraps the database key (the database is not re-encrypted).
#[tauri::command]
pub async fn change_pin(state: State<'_, AppState>, args: ChangePinArgs) -> AppResult<LockView> {
    let open = state.store.lock().await.is_some();
    if !open {
        return Err(AppError::not_open());
    }
    if let Some(wait) = state.lock.wait(state.now()) {
        return Err(too_many(wait));
    }
    let key_path = state.lock.key_path().to_path_buf();
    let (old, new) = (zeroize::Zeroizing::new(args.old), zeroize::Zeroizing::new(args.new));
    let changed = tauri::async_runtime::spawn_blocking(move || Vault::change(&key_path, &old, &new))
        .await
        .map_err(|e| AppError::failed(None, format!("中断：{e} / stopped: {e}")))?;
    match changed {
        Err(vault::Error::WrongPassphrase) => {
            let mut e = wrong_pin(state.lock.failed(state.now())?);
            e.field = Some("old".into());
            e.violations.iter_mut().for_each(|v| v.field = "old".into());
            Err(e)
        }
        Err(vault::Error::BadPassphrase) => {
            let mut e = AppError::from(vault::Error::BadPassphrase);
            e.field = Some("new".into());
            e.violations.iter_mut().for_each(|v| v.field = "new".into());
            Err(e)
        }
        Err(other) => Err(other.into()),
        Ok(()) => {
            state.lock.succeeded()?;
            Ok(state.lock.view(true, state.now()))
        }
    }
}

/// A person used the app (the UI calls it on input, at most every few seconds).
#[tauri::command]
pub async fn touch(state: State<'_, AppState>) -> AppResult<()> {
    state.lock.touch();
    Ok(())
}
