//! Devices 设备登记: a committee device issues one-time enrolment codes for its own village — a
//! helper's tablet bound to one of its helpers, or a family phone for one elder — through the relay
//! (`POST /v1/enrolments`), shown as a QR code (SVG made in Rust) and as text. And the family's side: whether
//! their elder was visited this month, from the date a visit writes into the card document.

use crate::dto::AppRole;
use crate::error::{AppError, AppResult, ErrorKind};
use crate::state::{self, AppState};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use shouwang_core::card::Enrolment;
use shouwang_core::elder::ElderId;
use shouwang_core::helper::HelperId;
use shouwang_protocol::{EnrolmentRequest, Role};
use tauri::State;
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

/// Whether the family's elder was visited this month (the family card).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct VisitedView {
    /// The date of the latest visit (`YYYY-MM-DD`), if any: nothing else of it.
    pub last_visit: Option<String>,
    /// Visited in the current calendar month (China time) 本月已探访.
    pub this_month: bool,
}

fn invalid(field: &str, zh: &str, en: &str) -> AppError {
    AppError::new(ErrorKind::Invalid, Some(field), zh, en)
}

/// Issues a one-time enrolment code for a device of this committee's village (committee devices
/// enrolled with a relay only). The helper or elder must be on this device's registry.
#[tauri::command]
pub async fn issue_enrolment(state: State<'_, AppState>, args: IssueArgs) -> AppResult<IssuedCode> {
    let guard = state.store.lock().await;
    let store = guard.as_ref().ok_or_else(AppError::not_open)?;
    let enrolment = store.sync_state()?;
    if AppRole::of(enrolment.as_ref()) != AppRole::Committee {
        return Err(AppError::forbidden("登记设备"));
    }
    let Some(enrolment) = enrolment else {
        return Err(AppError::new(
            ErrorKind::Refused,
            None,
            "本设备尚未登记到中继服务器，不能发放登记码",
            "this device is not enrolled with a relay: it cannot issue codes",
        ));
    };
    let (request, name) = match args.kind {
        DeviceKind::Helper => {
            let raw =
                args.helper.as_deref().map(str::trim).filter(|h| !h.is_empty()).ok_or_else(|| {
                    invalid("helper", "请选择互助员", "choose the helper whose tablet this is")
                })?;
            let id: HelperId =
                raw.parse().map_err(|_| invalid("helper", "互助员编号不正确", "not a helper id"))?;
            let helper = store.helper(&id)?;
            (
                EnrolmentRequest {
                    role: Role::Helper,
                    elder: None,
                    helper: Some(id.to_string()),
                    label: None,
                },
                helper.name,
            )
        }
        DeviceKind::Family => {
            let raw = args.elder.as_deref().map(str::trim).filter(|e| !e.is_empty()).ok_or_else(|| {
                invalid("elder", "请选择老人", "choose the elder whose family this phone is for")
            })?;
            let id: ElderId =
                raw.parse().map_err(|_| invalid("elder", "老人编号不正确", "not an elder id"))?;
            let card = store.card(&id)?;
            (
                EnrolmentRequest {
                    role: Role::Family,
                    elder: Some(id.to_string()),
                    helper: None,
                    label: None,
                },
                card.name,
            )
        }
    };
    drop(guard);
    let client = shouwang_sync::Relay::new(&enrolment.relay, Some(enrolment.token.clone()))?;
    let answer = client.enrolment_code(&request).await?;
    // The device's keys travel in the QR code only, never through the relay: a helper's tablet gets
    // the village key, a family phone its elder's card key (core's `issue_key_bundle`).
    let bundle = {
        let mut guard = state.store.lock().await;
        let store = state::open(&mut guard)?;
        let role = match args.kind {
            DeviceKind::Helper => shouwang_core::role::Role::Helper,
            DeviceKind::Family => shouwang_core::role::Role::Family,
        };
        let elder: Option<ElderId> = request.elder.as_deref().and_then(|e| e.parse().ok());
        let label = match args.kind {
            DeviceKind::Helper => format!("{name}的平板"),
            DeviceKind::Family => format!("{name}的家属手机"),
        };
        store.issue_key_bundle(role, elder.as_ref(), request.helper.as_deref(), &label, Utc::now())?.to_text()
    };
    let link = Enrolment::new(&enrolment.relay, &answer.code).with_keys(&bundle);
    let payload = link.payload();
    let qr_svg = shouwang_core::print::qr_svg(&payload, 60.0).map_err(|e| {
        AppError::new(
            ErrorKind::Failed,
            None,
            format!("二维码无法生成：{e}"),
            format!("the QR code failed: {e}"),
        )
    })?;
    let expires_at =
        chrono::DateTime::from_timestamp(answer.expires_at, 0).unwrap_or_else(Utc::now).to_rfc3339();
    Ok(IssuedCode {
        kind: args.kind,
        name,
        code: answer.code,
        relay: link.relay,
        payload,
        qr_svg,
        expires_at,
    })
}

/// Whether the family's elder was visited this month, from the card document alone (family devices).
#[tauri::command]
pub async fn family_visited(state: State<'_, AppState>) -> AppResult<VisitedView> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    let enrolment = store.sync_state()?;
    if AppRole::of(enrolment.as_ref()) != AppRole::Family {
        return Err(AppError::forbidden("查看探访情况"));
    }
    let elder = enrolment.and_then(|s| s.elder).ok_or_else(|| {
        AppError::new(ErrorKind::NotFound, None, "本设备没有关联的老人", "this device has no elder")
    })?;
    let id: ElderId = elder.parse().map_err(|_| invalid("elder", "老人编号不正确", "not an elder id"))?;
    let card = store.card(&id)?;
    let today = shouwang_core::time::local_date(Utc::now());
    Ok(VisitedView {
        last_visit: card.last_visit.map(|d| d.to_string()),
        this_month: card.visited_this_month(today),
    })
}

/// The helper this device belongs to (a helper's tablet enrolled with a code naming one).
pub fn device_helper(store: &shouwang_core::store::Store) -> AppResult<Option<HelperId>> {
    let helper = store.sync_state()?.filter(|s| s.role == "helper").and_then(|s| s.helper);
    Ok(helper.and_then(|h| h.parse().ok()))
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

/// `revoke_device`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct RevokeArgs {
    /// The key id to revoke.
    pub key_id: String,
}

fn keys_view(store: &shouwang_core::store::Store) -> AppResult<KeysView> {
    let space = store.keys_summary()?.into_iter().next();
    Ok(match space {
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
    })
}

fn committee(store: &shouwang_core::store::Store, what: &str) -> AppResult<()> {
    if state::role(store)? != AppRole::Committee {
        return Err(AppError::forbidden(what));
    }
    Ok(())
}

/// The village's key generations and the device keys issued here (committee).
#[tauri::command]
pub async fn device_keys(state: State<'_, AppState>) -> AppResult<KeysView> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    committee(store, "管理设备密钥")?;
    keys_view(store)
}

/// Revokes a device key (a lost tablet, a helper who left): it gets no key at the next rotation.
#[tauri::command]
pub async fn revoke_device(state: State<'_, AppState>, args: RevokeArgs) -> AppResult<KeysView> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    committee(store, "吊销设备密钥")?;
    store.revoke_device_key(&args.key_id, Utc::now())?;
    keys_view(store)
}

/// 更换密钥: starts a new key generation; every issued, unrevoked device gets it as it syncs, a revoked
/// one cannot read what is written after. Wakes the sync loop.
#[tauri::command]
pub async fn rotate_keys(state: State<'_, AppState>) -> AppResult<KeysView> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    committee(store, "更换密钥")?;
    store.rotate_keys(Utc::now())?;
    let view = keys_view(store);
    drop(guard);
    state.sync_soon();
    view
}
