//! Devices 设备登记: a committee device issues one-time enrolment codes for its own village — a
//! helper's tablet bound to one of its helpers, or a family phone for one elder — through the relay
//! (`POST /v1/enrolments`), shown as a QR code (SVG made in Rust) and as text; the village's keys and
//! the device keys issued here, revoked and rotated. Core and the relay decide who may: only a store
//! holding the village's root key issues key bundles and rotates keys.

use crate::dto::{DeviceKind, IssueArgs, IssuedCode, KeysView, RevokeArgs};
use crate::error::{AppError, AppResult, ErrorKind};
use crate::parse;
use crate::state::AppState;
use chrono::Utc;
use shouwang_core::card::Enrolment;
use shouwang_protocol::{EnrolmentRequest, Role};
use tauri::State;

/// Issues a one-time enrolment code for a device of this village (a device enrolled with a relay).
/// The helper or elder must be on this device's registry.
#[tauri::command]
pub async fn issue_enrolment(state: State<'_, AppState>, args: IssueArgs) -> AppResult<IssuedCode> {
    let store = state.open().await?;
    store.require_village_keys()?;
    let Some(enrolment) = store.sync_state()? else {
        return Err(AppError::new(
            ErrorKind::Refused,
            None,
            "本设备尚未登记到中继服务器，不能发放登记码",
            "this device is not enrolled with a relay: it cannot issue codes",
        ));
    };
    let chosen = |v: &Option<String>, field: &str, zh: &str, en: &str| {
        parse::text(v).ok_or_else(|| AppError::field(field, "required", zh, en))
    };
    let (request, name) = match args.kind {
        DeviceKind::Helper => {
            let raw =
                chosen(&args.helper, "helper", "请选择互助员", "choose the helper whose tablet this is")?;
            let id = parse::helper("helper", &raw)?;
            let name = store.helper(&id)?.name;
            (
                EnrolmentRequest {
                    role: Role::Helper,
                    elder: None,
                    helper: Some(id.to_string()),
                    label: None,
                },
                name,
            )
        }
        DeviceKind::Family => {
            let raw = chosen(
                &args.elder,
                "elder",
                "请选择老人",
                "choose the elder whose family this phone is for",
            )?;
            let id = parse::elder("elder", &raw)?;
            let name = store.card(&id)?.name;
            (
                EnrolmentRequest {
                    role: Role::Family,
                    elder: Some(id.to_string()),
                    helper: None,
                    label: None,
                },
                name,
            )
        }
    };
    drop(store);
    let client = shouwang_sync::Relay::new(&enrolment.relay, Some(enrolment.token.clone()))?;
    let answer = client.enrolment_code(&request).await?;
    // The device's keys travel in the QR code only, never through the relay: a helper's tablet gets
    // the village key, a family phone its elder's card key (core's `issue_key_bundle`).
    let label = shouwang_core::keys::device_label(args.kind.into(), &name);
    let elder = request.elder.as_deref().map(|e| parse::elder("elder", e)).transpose()?;
    let bundle = (state.open().await?)
        .issue_key_bundle(args.kind.into(), elder.as_ref(), request.helper.as_deref(), &label, state.now())?
        .to_text();
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

/// The village's key generations and the device keys issued here.
#[tauri::command]
pub async fn device_keys(state: State<'_, AppState>) -> AppResult<KeysView> {
    let store = state.open().await?;
    Ok(store.keys_summary()?.into_iter().next().into())
}

/// Revokes a device key (a lost tablet, a helper who left): it gets no key at the next rotation.
#[tauri::command]
pub async fn revoke_device(state: State<'_, AppState>, args: RevokeArgs) -> AppResult<KeysView> {
    let mut store = state.open().await?;
    store.revoke_device_key(&args.key_id, state.now())?;
    Ok(store.keys_summary()?.into_iter().next().into())
}

/// 更换密钥: starts a new key generation; every issued, unrevoked device gets it as it syncs, a revoked
/// one cannot read what is written after. Wakes the sync loop.
#[tauri::command]
pub async fn rotate_keys(state: State<'_, AppState>) -> AppResult<KeysView> {
    let mut store = state.open().await?;
    store.rotate_keys(state.now())?;
    let view = store.keys_summary()?.into_iter().next().into();
    drop(store);
    state.sync_soon();
    Ok(view)
}
