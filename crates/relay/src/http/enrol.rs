//! `POST /v1/enrol`: a device redeems a one-time code for its token.

use super::{body, reply};
use crate::metrics::Metrics;
use crate::{secret, RelayError, RelayState};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use shouwang_protocol::{limits, RedeemRequest, RedeemResponse};
use std::time::Instant;

pub(super) async fn redeem(
    State(state): State<RelayState>,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, RelayError> {
    // Unauthenticated, so one shared budget bounds guessing.
    state
        .limiter()
        .check("enrol", Instant::now())
        .map_err(|retry_after| RelayError::RateLimited { retry_after })?;
    let request: RedeemRequest = body(&headers, raw)?;
    let name = request.device_name.trim().to_string();
    if name.is_empty() || name.len() > limits::MAX_DEVICE_NAME {
        return Err(RelayError::invalid("device_name", "must be 1 to 100 bytes"));
    }
    let code = secret::normalise_code(&request.code);
    if code.len() != secret::CODE_LEN {
        return Err(RelayError::InvalidCode);
    }
    let token = secret::random_hex(32);
    let (code_hash, token_hash, id) = (secret::hash(&code), secret::hash(&token), secret::random_hex(8));
    let now = crate::now();
    let device = state
        .with_store(move |s| s.redeem(&code_hash, &id, &name, &token_hash, now))
        .await?
        .ok_or(RelayError::InvalidCode)?;
    Metrics::add(&state.metrics().enrolments, 1);
    tracing::info!(device = %device.id, role = %device.role, "device enrolled");
    Ok(reply(&RedeemResponse {
        token,
        device_id: device.id,
        role: device.role,
        scope: device.scope,
        elder: device.elder,
        epoch: state.epoch().to_string(),
    }))
}
