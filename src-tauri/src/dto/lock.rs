//! The app lock's shapes 应用锁: what the lock screen shows, and the PIN, idle-time and PIN-change
//! arguments.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

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
