//! `GET /v1/devices` and `POST /v1/devices/{id}/revoke`: a village committee lists the devices enrolled
//! for its village and revokes one (a lost tablet) from its own tablet, before it rotates the village's
//! key. Only a committee device may; it sees and revokes only devices whose scope is its village.

use super::{authenticate, reply, requested_format};
use crate::store::Device;
use crate::{RelayError, RelayState};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use shouwang_protocol::{DeviceInfo, DevicesResponse, Role};

/// What a committee is told of a device (never its token's hash).
fn info(d: Device) -> DeviceInfo {
    DeviceInfo {
        id: d.id,
        name: d.name,
        role: d.role,
        label: d.label,
        created_at: d.created_at,
        last_seen: d.last_seen,
        revoked_at: d.revoked_at,
        elder: d.elder,
        helper: d.helper,
    }
}

/// The committee device making the request, or 403.
async fn committee(state: &RelayState, headers: &HeaderMap) -> Result<Device, RelayError> {
    let device = authenticate(state, headers).await?;
    if device.role != Role::Committee {
        return Err(RelayError::Forbidden);
    }
    Ok(device)
}

/// The devices of the committee's village, oldest first.
async fn village_devices(state: &RelayState, scope: String) -> Result<Vec<Device>, RelayError> {
    let all = state.with_store(|s| s.devices()).await?;
    Ok(all.into_iter().filter(|d| d.scope == scope).collect())
}

pub(super) async fn list(
    State(state): State<RelayState>,
    headers: HeaderMap,
) -> Result<Response, RelayError> {
    let device = committee(&state, &headers).await?;
    let devices: Vec<DeviceInfo> =
        village_devices(&state, device.scope.clone()).await?.into_iter().map(info).collect();
    tracing::info!(device = %device.id, devices = devices.len(), "devices listed");
    let answer = DevicesResponse { epoch: state.epoch().to_string(), devices };
    Ok(reply(requested_format(&headers), &answer))
}

pub(super) async fn revoke(
    State(state): State<RelayState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, RelayError> {
    let device = committee(&state, &headers).await?;
    // A device of another village answers as an unknown one: a committee learns nothing of others.
    let Some(target) = village_devices(&state, device.scope.clone()).await?.into_iter().find(|d| d.id == id)
    else {
        return Err(RelayError::NotFound { field: "id" });
    };
    let now = crate::now();
    let target_id = target.id.clone();
    // Revoking a revoked device changes nothing and answers it as it is.
    state.with_store(move |s| s.revoke(&target_id, now)).await?;
    let revoked = village_devices(&state, device.scope.clone())
        .await?
        .into_iter()
        .find(|d| d.id == id)
        .ok_or(RelayError::NotFound { field: "id" })?;
    tracing::info!(device = %device.id, revoked = %revoked.id, "device revoked");
    Ok(reply(requested_format(&headers), &info(revoked)))
}
