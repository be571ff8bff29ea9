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
    /// `shouwang://enrol?relay=…&code=…`.
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
            (EnrolmentRequest { role: Role::Helper, elder: None, helper: Some(id.to_string()) }, helper.name)
        }
        DeviceKind::Family => {
            let raw = args.elder.as_deref().map(str::trim).filter(|e| !e.is_empty()).ok_or_else(|| {
                invalid("elder", "请选择老人", "choose the elder whose family this phone is for")
            })?;
            let id: ElderId =
                raw.parse().map_err(|_| invalid("elder", "老人编号不正确", "not an elder id"))?;
            let card = store.card(&id)?;
            (EnrolmentRequest { role: Role::Family, elder: Some(id.to_string()), helper: None }, card.name)
        }
    };
    drop(guard);
    let client = shouwang_sync::Relay::new(&enrolment.relay, Some(enrolment.token.clone()))?;
    let answer = client.enrolment_code(&request).await?;
    let link = Enrolment::new(&enrolment.relay, &answer.code);
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
