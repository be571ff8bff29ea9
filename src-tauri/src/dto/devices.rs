//! Devices 设备登记: one-time enrolment codes for a helper's tablet or a family phone, and the
//! village's keys with the device keys issued here.

use serde::{Deserialize, Serialize};
use shouwang_core::store::KeySpace;
use ts_rs::TS;

/// Which device a code is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum DeviceKind {
    /// A helper's tablet 互助员平板, bound to one helper.
    Helper,
    /// A family phone 家属手机, for one elder.
    Family,
}

impl From<DeviceKind> for shouwang_core::role::Role {
    fn from(kind: DeviceKind) -> shouwang_core::role::Role {
        match kind {
            DeviceKind::Helper => shouwang_core::role::Role::Helper,
            DeviceKind::Family => shouwang_core::role::Role::Family,
        }
    }
}

/// `issue_enrolment`: a helper's tablet (with `helper`) or a family phone (with `elder`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct IssueArgs {
    /// The device's kind.
    pub kind: DeviceKind,
    /// The helper's id, for a helper's tablet.
    pub helper: Option<String>,
    /// The elder's id, for a family phone.
    pub elder: Option<String>,
}

/// A one-time code the relay issued, to show on screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct IssuedCode {
    /// The device's kind.
    pub kind: DeviceKind,
    /// Whose device: the helper's or the elder's name.
    pub name: String,
    /// The one-time code, as typed (e.g. `ABCD-EFGH-JK`).
    pub code: String,
    /// The relay the code is redeemed at.
    pub relay: String,
    /// What the QR code holds and what may be pasted on the enrolling device:
    /// `shouwang://enrol?relay=…&code=…&keys=SWK1.…` (the device's key bundle).
    pub payload: String,
    /// The QR code as inline SVG.
    pub qr_svg: String,
    /// Until when it may be redeemed (RFC 3339, UTC).
    pub expires_at: String,
}

/// One device key this committee store issued (in an enrolment QR code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct IssuedKey {
    /// The key's id.
    pub key_id: String,
    /// `helper`, `family`, `committee`, `township`.
    pub role: String,
    /// Whose device, e.g. 陈桂兰的平板.
    pub label: String,
    /// Revoked: it gets no key at the next rotation.
    pub revoked: bool,
}

/// 设备与密钥: this village's keys (never the secrets) and the device keys issued here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct KeysView {
    /// The cipher of the deployment (`xchacha20poly1305` or `sm4-gcm`).
    pub alg: String,
    /// The newest key generation held (1 until the first rotation).
    pub generation: u32,
    /// Device keys issued by this store, newest last.
    pub issued: Vec<IssuedKey>,
}

impl From<Option<KeySpace>> for KeysView {
    /// The village's space of core's `keys_summary` (none yet: no key).
    fn from(space: Option<KeySpace>) -> KeysView {
        match space {
            Some(s) => KeysView {
                alg: s.alg,
                generation: s.generations.iter().map(|(n, _)| *n).max().unwrap_or(0),
                issued: s
                    .issued
                    .into_iter()
                    .map(|(key_id, role, label, revoked)| IssuedKey { key_id, role, label, revoked })
                    .collect(),
            },
            None => KeysView { alg: String::new(), generation: 0, issued: vec![] },
        }
    }
}

/// `revoke_device`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct RevokeArgs {
    /// The key id to revoke.
    pub key_id: String,
}
