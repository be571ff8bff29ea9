//! The app's own shapes: the device's role and registry, the sync indicator and its events, the
//! first-run arguments (a new registry, an enrolment).

use serde::{Deserialize, Serialize};
use shouwang_core::role::Role;
use shouwang_core::store::Registry;
use ts_rs::TS;

/// Which screens a device shows. An un-enrolled local registry acts as the committee's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AppRole {
    /// 村委会: registry, form, review, enrolment.
    Committee,
    /// 互助员: my elders.
    Helper,
    /// 乡镇: the registries under the township (same screens as the committee for now).
    Township,
    /// 家属: the contact card of their elder, nothing else.
    Family,
}

impl From<Role> for AppRole {
    /// The screens of core's viewer role (`Store::viewer`).
    fn from(role: Role) -> AppRole {
        match role {
            Role::Committee => AppRole::Committee,
            Role::Helper => AppRole::Helper,
            Role::Township => AppRole::Township,
            Role::Family => AppRole::Family,
        }
    }
}

/// The registry this device holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RegistryInfo {
    /// 12-digit unit code.
    pub unit: String,
    /// The unit's name, e.g. 斑竹村.
    pub name: String,
    /// Policy profile, e.g. `sichuan`.
    pub policy: String,
}

impl From<&Registry> for RegistryInfo {
    fn from(r: &Registry) -> RegistryInfo {
        RegistryInfo { unit: r.unit.to_string(), name: r.name.clone(), policy: r.policy.clone() }
    }
}

/// Where sync stands: what the sync indicator shows. Also the payload of the `sync-status` event.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct SyncView {
    /// Enrolled with a relay.
    pub enrolled: bool,
    /// The relay's URL.
    pub relay: Option<String>,
    /// Changes made here and not yet acknowledged by the relay.
    pub pending: u32,
    /// When everything was last sent and received (RFC 3339).
    pub last_success: Option<String>,
    /// When a sync was last tried.
    pub last_attempt: Option<String>,
    /// What went wrong last time.
    pub last_error: Option<String>,
    /// A sync is running now.
    pub syncing: bool,
    /// Family devices: their elder's id.
    pub elder: Option<String>,
}

/// Progress of a running sync: the payload of the `sync-progress` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SyncProgress {
    /// `push` (sending) or `pull` (receiving).
    pub phase: String,
    /// Changes done in this phase.
    pub changes_done: u32,
    /// Changes in this phase (an upper bound for a pull).
    pub changes_total: u32,
    /// Bytes moved in this phase.
    pub bytes_done: u32,
}

impl From<&shouwang_sync::Progress> for SyncProgress {
    fn from(p: &shouwang_sync::Progress) -> SyncProgress {
        let n = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
        SyncProgress {
            phase: match p.phase {
                shouwang_sync::Phase::Push => "push".into(),
                shouwang_sync::Phase::Pull => "pull".into(),
            },
            changes_done: n(p.changes_done),
            changes_total: n(p.changes_total),
            bytes_done: n(p.bytes_done),
        }
    }
}

/// What the app shows first: whether a registry is open, and the device's role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AppStatus {
    /// The database file.
    pub db_path: String,
    /// The registry, once created or enrolled; `None` shows the first-run screen.
    pub registry: Option<RegistryInfo>,
    /// Which screens exist.
    pub role: AppRole,
    /// The sync indicator.
    pub sync: SyncView,
    /// An encrypted registry is here but closed: the lock screen asks for the PIN.
    pub locked: bool,
    /// The registry is encrypted at rest under a PIN.
    pub encrypted: bool,
}

/// `create_registry`: a new local registry (the committee's).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct CreateRegistryArgs {
    /// 12-digit unit code of the village (统计用区划代码).
    pub unit: String,
    /// Its name.
    pub name: String,
    /// Policy profile: `liaoning`, `shandong`, `hunan`, `guangdong`, `sichuan`.
    pub policy: String,
    /// The PIN (6 digits or more) or passphrase the registry's key is wrapped under.
    pub pin: String,
}

/// `enrol`: redeem a relay's one-time code.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[ts(optional_fields = nullable)]
pub struct EnrolArgs {
    /// The relay's URL, e.g. `http://192.168.1.10:8787`.
    pub relay: String,
    /// The one-time code.
    pub code: String,
    /// This device's name at the relay, e.g. 村委会办公室.
    pub device_name: String,
    /// First run only: the unit code printed with the code (the registry is created for it).
    pub unit: Option<String>,
    /// First run only: the policy profile; empty: the profile of the place the unit lies in.
    pub policy: Option<String>,
    /// First run only: the PIN (6 digits or more) or passphrase the new registry's key is wrapped under.
    pub pin: Option<String>,
    /// The key bundle of the QR code (`SWK1.…`, its `keys=`): the village's keys for this device,
    /// imported before the code is redeemed. Without it the device reads nothing others wrote.
    pub keys: Option<String>,
}
