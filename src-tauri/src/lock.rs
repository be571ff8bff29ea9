//! The app lock 应用锁: the registry on this device is encrypted at rest (core's `vault` and
//! `Store::open_encrypted`), its key wrapped under a PIN (6 digits or more) or a longer passphrase
//! chosen when the registry is created or the device enrolled. Every launch starts locked: the store is
//! not open and no key is in memory until the PIN unwraps it. After [`DEFAULT_IDLE_MINUTES`] without
//! a touch (a setting, 1–60 minutes) the app locks again: the store is closed and the key dropped with
//! it — not an overlay over an open store — and the sync loop, which finds no store, pauses until the
//! next unlock.
//!
//! Wrong PINs are counted in `<db>.lock.json` (so quitting does not reset them): after
//! [`FREE_ATTEMPTS`] the next try waits 30 s, then twice as long each time, up to 15 minutes. Each try
//! costs Argon2id (64 MiB) too. A registry made before encryption (a plaintext file with no key file,
//! e.g. `shouwang init --unencrypted`) opens as before, without a lock; the lock screen's settings say
//! so.
//!
//! In the demo (`./scripts/run`) the app is started with `SHOUWANG_DEMO_PIN`: the lock screen shows it,
//! and only then.

use crate::dto::AppStatus;
use crate::error::{AppError, AppResult, ErrorKind};
use crate::state::AppState;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use shouwang_core::store::Store;
use shouwang_core::vault::{self, Vault};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tauri::{AppHandle, Emitter, Manager, Runtime, State};
use ts_rs::TS;

/// The event sent when the app locked itself (idle): the UI shows the lock screen.
pub const LOCKED_EVENT: &str = "app-locked";
/// Wrong PINs allowed before the back-off starts.
pub const FREE_ATTEMPTS: u32 = 5;
/// Minutes without a touch before the app locks, unless set otherwise.
pub const DEFAULT_IDLE_MINUTES: u32 = 5;
/// The longest idle time that may be set.
pub const MAX_IDLE_MINUTES: u32 = 60;
/// The first wait after [`FREE_ATTEMPTS`] wrong PINs; doubled each time up to [`MAX_WAIT`].
pub const FIRST_WAIT: Duration = Duration::from_secs(30);
/// The longest wait between tries.
pub const MAX_WAIT: Duration = Duration::from_secs(15 * 60);
/// How often the idle watchdog looks.
const WATCH_EVERY: Duration = Duration::from_secs(5);

/// How long the next try must wait after `failures` wrong PINs in a row.
pub fn wait_after(failures: u32) -> Duration {
    if failures < FREE_ATTEMPTS {
        return Duration::ZERO;
    }
    let factor = 1u32.checked_shl((failures - FREE_ATTEMPTS).min(16)).unwrap_or(u32::MAX);
    FIRST_WAIT.saturating_mul(factor).min(MAX_WAIT)
}

/// The lock's settings and counters, kept beside the database (`<db>.lock.json`). No secret here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct LockFile {
    idle_minutes: u32,
    failures: u32,
    /// Unix seconds before which no PIN is tried.
    blocked_until: Option<i64>,
}

impl Default for LockFile {
    fn default() -> LockFile {
        LockFile { idle_minutes: DEFAULT_IDLE_MINUTES, failures: 0, blocked_until: None }
    }
}

/// What the lock screen and the lock settings show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LockView {
    /// The store is closed until the PIN is given.
    pub locked: bool,
    /// The registry is encrypted at rest under a PIN (false: a plaintext registry made before, or none).
    pub encrypted: bool,
    /// Wrong PINs in a row.
    pub failures: u32,
    /// Tries left before the back-off starts.
    pub attempts_left: u32,
    /// Seconds until the next try is accepted (0: now).
    pub wait_seconds: u32,
    /// Minutes without a touch before the app locks.
    pub idle_minutes: u32,
    /// The demo's PIN, shown on the lock screen in demo mode only (`SHOUWANG_DEMO_PIN`).
    pub demo_pin: Option<String>,
}

/// `unlock`: the PIN or passphrase.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct UnlockArgs {
    /// What the person typed.
    pub pin: String,
}

/// `set_idle_minutes`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct IdleArgs {
    /// 1 to 60.
    pub minutes: u32,
}

/// `change_pin`: the current PIN and the new one.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct ChangePinArgs {
    /// The current PIN or passphrase.
    pub old: String,
    /// The new one (6 characters or more).
    pub new: String,
}

/// The lock's state in the app: where the key file is, the counters, the last touch.
pub struct Lock {
    key_path: PathBuf,
    file_path: PathBuf,
    demo_pin: Option<String>,
    inner: Mutex<(LockFile, Instant)>,
}

impl Lock {
    /// The lock of the database at `db_path` (its key file `<db>.key`, its counters `<db>.lock.json`).
    pub fn new(db_path: &Path) -> Lock {
        let mut file_path = db_path.as_os_str().to_owned();
        file_path.push(".lock.json");
        let file_path = PathBuf::from(file_path);
        let file = std::fs::read(&file_path)
            .ok()
            .and_then(|b| serde_json::from_slice::<LockFile>(&b).ok())
            .unwrap_or_default();
        let demo_pin = std::env::var("SHOUWANG_DEMO_PIN").ok().filter(|p| !p.is_empty());
        Lock {
            key_path: vault::key_path(db_path),
            file_path,
            demo_pin,
            inner: Mutex::new((file, Instant::now())),
        }
    }

    /// The key file beside the database.
    pub fn key_path(&self) -> &Path {
        &self.key_path
    }

    /// Whether the registry is encrypted under a PIN (its key file exists).
    pub fn encrypted(&self) -> bool {
        self.key_path.exists()
    }

    fn with<T>(&self, f: impl FnOnce(&mut (LockFile, Instant)) -> T) -> T {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut inner)
    }

    fn save(&self, file: &LockFile) -> AppResult<()> {
        let bytes = serde_json::to_vec_pretty(file).unwrap_or_default();
        std::fs::write(&self.file_path, bytes).map_err(|e| {
            AppError::new(
                ErrorKind::Failed,
                None,
                format!("无法保存锁定设置：{e}"),
                format!("the lock settings could not be saved: {e}"),
            )
        })
    }

    /// A person used the app: the idle time starts again.
    pub fn touch(&self) {
        self.with(|(_, last)| *last = Instant::now());
    }

    /// Whether the app has been left alone for the idle time at `now`.
    pub fn is_idle(&self, now: Instant) -> bool {
        self.with(|(file, last)| {
            now.saturating_duration_since(*last) >= Duration::from_secs(u64::from(file.idle_minutes) * 60)
        })
    }

    /// How long the next try must wait at `now`, if at all.
    pub fn wait(&self, now: DateTime<Utc>) -> Option<Duration> {
        self.with(|(file, _)| {
            let until = file.blocked_until?;
            let secs = until - now.timestamp();
            (secs > 0).then(|| Duration::from_secs(secs.unsigned_abs()))
        })
    }

    /// Counts a wrong PIN at `now`; returns the failures in a row.
    fn failed(&self, now: DateTime<Utc>) -> AppResult<u32> {
        let file = self.with(|(file, _)| {
            file.failures = file.failures.saturating_add(1);
            let wait = wait_after(file.failures);
            file.blocked_until = (!wait.is_zero())
                .then(|| now.timestamp() + i64::try_from(wait.as_secs()).unwrap_or(i64::MAX / 2));
            file.clone()
        });
        self.save(&file)?;
        Ok(file.failures)
    }

    fn succeeded(&self) -> AppResult<()> {
        let file = self.with(|(file, last)| {
            file.failures = 0;
            file.blocked_until = None;
            *last = Instant::now();
            file.clone()
        });
        self.save(&file)
    }

    /// The view at `now`, with the store `open` or not.
    pub fn view(&self, open: bool, now: DateTime<Utc>) -> LockView {
        let encrypted = self.encrypted();
        let wait = self.wait(now).map(|w| u32::try_from(w.as_secs()).unwrap_or(u32::MAX)).unwrap_or(0);
        self.with(|(file, _)| LockView {
            locked: encrypted && !open,
            encrypted,
            failures: file.failures,
            attempts_left: FREE_ATTEMPTS.saturating_sub(file.failures),
            wait_seconds: wait,
            idle_minutes: file.idle_minutes,
            demo_pin: self.demo_pin.clone(),
        })
    }

    /// Creates the key file for a new registry under `pin`: the key the store is created with.
    /// A PIN that is too short is refused under the field `pin`, writing nothing.
    pub fn create_key(&self, pin: &str) -> AppResult<vault::DbKey> {
        let key = Vault::create(&self.key_path, pin).map_err(vault_error)?;
        self.succeeded()?;
        Ok(key)
    }

    /// Removes the key file of a registry whose creation failed.
    pub fn forget_key(&self) {
        let _ = std::fs::remove_file(&self.key_path);
    }
}

/// A vault error as the UI receives it: the PIN's problems under the field `pin`.
pub fn vault_error(e: vault::Error) -> AppError {
    match e.field() {
        Some(_) => {
            let mut out = AppError::new(ErrorKind::Invalid, Some("pin"), e.zh(), e.en());
            out.violations.push(crate::error::FieldError {
                field: "pin".into(),
                rule: "pin".into(),
                message: e.zh(),
                en: e.en(),
                warning: false,
            });
            out
        }
        None => AppError::new(ErrorKind::Failed, None, e.zh(), e.en()),
    }
}

fn too_many(wait: Duration) -> AppError {
    let secs = wait.as_secs().max(1);
    AppError::new(
        ErrorKind::Refused,
        Some("pin"),
        format!("PIN 错误次数过多，请 {secs} 秒后再试"),
        format!("too many wrong PINs: try again in {secs} s"),
    )
}

fn wrong_pin(failures: u32) -> AppError {
    let left = FREE_ATTEMPTS.saturating_sub(failures);
    let (zh, en) = if left > 0 {
        (
            format!("PIN 不正确（已错 {failures} 次，还可再试 {left} 次）"),
            format!("wrong PIN ({failures} wrong so far, {left} more before a wait)"),
        )
    } else {
        let secs = wait_after(failures).as_secs();
        (
            format!("PIN 不正确（已错 {failures} 次），请 {secs} 秒后再试"),
            format!("wrong PIN ({failures} wrong in a row): try again in {secs} s"),
        )
    };
    let mut out = AppError::new(ErrorKind::Invalid, Some("pin"), zh.clone(), en.clone());
    out.violations.push(crate::error::FieldError {
        field: "pin".into(),
        rule: "wrong_pin".into(),
        message: zh,
        en,
        warning: false,
    });
    out
}

/// Closes the store if the app has been idle at `now` (an encrypted registry only); whether it locked.
/// The watchdog calls it with the clock; tests with a time of their choosing.
pub fn lock_if_idle<R: Runtime>(app: &AppHandle<R>, now: Instant) -> bool {
    let state = app.state::<AppState>();
    if !state.lock.encrypted() || !state.lock.is_idle(now) {
        return false;
    }
    let closed = state.store.blocking_lock().take().is_some();
    if closed {
        let _ = app.emit(LOCKED_EVENT, state.lock.view(false, Utc::now()));
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
    Ok(state.lock.view(open, Utc::now()))
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
    if let Some(wait) = state.lock.wait(Utc::now()) {
        return Err(too_many(wait));
    }
    let key_path = state.lock.key_path().to_path_buf();
    let db_path = state.db_path.clone();
    let pin = zeroize::Zeroizing::new(args.pin);
    let opened = tauri::async_runtime::spawn_blocking(move || {
        let key = Vault::unlock(&key_path, &pin)?;
        Ok::<_, vault::Error>(Store::open_encrypted(&db_path, &key, Utc::now()))
    })
    .await
    .map_err(|e| {
        AppError::new(ErrorKind::Failed, None, format!("解锁中断：{e}"), format!("unlock stopped: {e}"))
    })?;
    match opened {
        Err(vault::Error::WrongPassphrase) => Err(wrong_pin(state.lock.failed(Utc::now())?)),
        Err(other) => Err(vault_error(other)),
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
    Ok(state.lock.view(false, Utc::now()))
}

/// Sets how many idle minutes lock the app (1–60).
#[tauri::command]
pub async fn set_idle_minutes(state: State<'_, AppState>, args: IdleArgs) -> AppResult<LockView> {
    if !(1..=MAX_IDLE_MINUTES).contains(&args.minutes) {
        return Err(AppError::new(
            ErrorKind::Invalid,
            Some("minutes"),
            format!("自动锁定时间须为 1 至 {MAX_IDLE_MINUTES} 分钟"),
            format!("the idle time must be 1 to {MAX_IDLE_MINUTES} minutes"),
        ));
    }
    let file = state.lock.with(|(file, last)| {
        file.idle_minutes = args.minutes;
        *last = Instant::now();
        file.clone()
    });
    state.lock.save(&file)?;
    let open = state.store.lock().await.is_some();
    Ok(state.lock.view(open, Utc::now()))
}

/// Changes the PIN: rewraps the database key (the database is not re-encrypted).
#[tauri::command]
pub async fn change_pin(state: State<'_, AppState>, args: ChangePinArgs) -> AppResult<LockView> {
    let open = state.store.lock().await.is_some();
    if !open {
        return Err(AppError::not_open());
    }
    if let Some(wait) = state.lock.wait(Utc::now()) {
        return Err(too_many(wait));
    }
    let key_path = state.lock.key_path().to_path_buf();
    let (old, new) = (zeroize::Zeroizing::new(args.old), zeroize::Zeroizing::new(args.new));
    let changed = tauri::async_runtime::spawn_blocking(move || Vault::change(&key_path, &old, &new))
        .await
        .map_err(|e| AppError::new(ErrorKind::Failed, None, format!("中断：{e}"), format!("stopped: {e}")))?;
    match changed {
        Err(vault::Error::WrongPassphrase) => {
            let mut e = wrong_pin(state.lock.failed(Utc::now())?);
            e.field = Some("old".into());
            e.violations.iter_mut().for_each(|v| v.field = "old".into());
            Err(e)
        }
        Err(vault::Error::BadPassphrase) => {
            let mut e = vault_error(vault::Error::BadPassphrase);
            e.field = Some("new".into());
            e.violations.iter_mut().for_each(|v| v.field = "new".into());
            Err(e)
        }
        Err(other) => Err(vault_error(other)),
        Ok(()) => {
            state.lock.succeeded()?;
            Ok(state.lock.view(true, Utc::now()))
        }
    }
}

/// A person used the app (the UI calls it on input, at most every few seconds).
#[tauri::command]
pub async fn touch(state: State<'_, AppState>) -> AppResult<()> {
    state.lock.touch();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_free_tries_then_waits_doubling_up_to_the_limit() {
        assert_eq!(wait_after(0), Duration::ZERO);
        assert_eq!(wait_after(4), Duration::ZERO);
        assert_eq!(wait_after(5), Duration::from_secs(30));
        assert_eq!(wait_after(6), Duration::from_secs(60));
        assert_eq!(wait_after(9), Duration::from_secs(480));
        assert_eq!(wait_after(10), MAX_WAIT);
        assert_eq!(wait_after(u32::MAX), MAX_WAIT);
    }
}
