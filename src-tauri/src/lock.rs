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
//! The commands are in `commands/lock.rs`; this file is the lock itself.
//!
//! In the demo (`./scripts/run`) the app is started with `SHOUWANG_DEMO_PIN`: the lock screen shows it,
//! and only then.

use crate::dto::LockView;
use crate::error::{AppError, AppResult, ErrorKind};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use shouwang_core::vault::{self, Vault};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

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
    pub fn failed(&self, now: DateTime<Utc>) -> AppResult<u32> {
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

    /// A right PIN: the counters start again, and the idle time.
    pub fn succeeded(&self) -> AppResult<()> {
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
        let key = Vault::create(&self.key_path, pin)?;
        self.succeeded()?;
        Ok(key)
    }

    /// Sets how many idle minutes lock the app (1 to [`MAX_IDLE_MINUTES`]); the idle time starts again.
    pub fn set_idle_minutes(&self, minutes: u32) -> AppResult<()> {
        if !(1..=MAX_IDLE_MINUTES).contains(&minutes) {
            return Err(AppError::new(
                ErrorKind::Invalid,
                Some("minutes"),
                format!("自动锁定时间须为 1 至 {MAX_IDLE_MINUTES} 分钟"),
                format!("the idle time must be 1 to {MAX_IDLE_MINUTES} minutes"),
            ));
        }
        let file = self.with(|(file, last)| {
            file.idle_minutes = minutes;
            *last = Instant::now();
            file.clone()
        });
        self.save(&file)
    }

    /// Removes the key file of a registry whose creation failed.
    pub fn forget_key(&self) {
        let _ = std::fs::remove_file(&self.key_path);
    }
}

/// The refusal of a try made before the wait is over.
pub fn too_many(wait: Duration) -> AppError {
    let secs = wait.as_secs().max(1);
    AppError::new(
        ErrorKind::Refused,
        Some("pin"),
        format!("PIN 错误次数过多，请 {secs} 秒后再试"),
        format!("too many wrong PINs: try again in {secs} s"),
    )
}

/// A wrong PIN after `failures` in a row, under the field `pin`.
pub fn wrong_pin(failures: u32) -> AppError {
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
    AppError::field("pin", "wrong_pin", zh, en)
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
