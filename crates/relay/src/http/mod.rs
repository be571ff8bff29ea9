//! The HTTP face of the relay: [`router`] (what tests call) and [`serve`] (a listener plus a shutdown
//! signal, so a test binds port 0 and stops cleanly).
//!
//! | route | does | answers |
//! |---|---|---|
//! | `POST /v1/enrol` | redeems a one-time code | 200 [`RedeemResponse`](shouwang_protocol::RedeemResponse), 400, 401, 413, 415, 429 |
//! | `POST /v1/enrolments` | a committee device asks for a one-time code for its village: a family phone for an elder or a helper's tablet for a helper ([`EnrolmentRequest`](shouwang_protocol::EnrolmentRequest), or the older [`FamilyCodeRequest`](shouwang_protocol::FamilyCodeRequest)) | 200 [`FamilyCodeResponse`](shouwang_protocol::FamilyCodeResponse), 400, 401, 403, 415, 429 |
//! | `GET /v1/devices` | a committee lists the devices of its village (id, name, role, key label, enrolled, last seen, revoked) | 200 [`DevicesResponse`](shouwang_protocol::DevicesResponse), 401, 403, 429 |
//! | `POST /v1/devices/{id}/revoke` | a committee revokes a device of its village: its token stops at once | 200 [`DeviceInfo`](shouwang_protocol::DeviceInfo), 401, 403, 404, 429 |
//! | `GET /v1/spaces` | the villages the device reads that hold changes, with their heads | 200 [`SpacesResponse`](shouwang_protocol::SpacesResponse), 401, 429 |
//! | `POST /v1/spaces/{space}/changes` | stores changes | 200 [`PushResponse`](shouwang_protocol::PushResponse), 400, 401, 403, 413, 415, 429 |
//! | `GET /v1/spaces/{space}/changes?after=N&limit=M` | changes after a cursor | 200 [`PullResponse`](shouwang_protocol::PullResponse), 400, 401, 403, 429 |
//! | `POST /v1/spaces/{space}/sync` | a pull and a push in one round trip | 200 [`SyncResponse`](shouwang_protocol::SyncResponse), 400, 401, 403, 413, 415, 429 |
//! | `POST /v1/spaces/{space}/office-key` | a committee moves the village's office key to a new generation, signed by the one held | 200 [`OfficeKey`](shouwang_protocol::office::OfficeKey), 400, 401, 403, 415, 429 |
//! | `PUT /v1/spaces/{space}/routes` | a committee stores its village's routing table (which elders each helper's tablet receives) | 200 [`RoutesAck`](shouwang_protocol::RoutesAck), 400, 401, 403, 413, 415, 429 |
//! | `GET /v1/spaces/{space}/routes` | a helper's tablet reads its routing list | 200 [`HelperRoutes`](shouwang_protocol::HelperRoutes), 401, 403, 429 |
//! | `GET /healthz` | liveness | 200 `ok` |
//! | `GET /metrics` | counters, Prometheus text | 200 |
//!
//! Bodies are postcard + zstd ([`shouwang_protocol::CONTENT_TYPE`]), answered in the request body's
//! format, or for a request without a body in the one its `x-shouwang-format` header names; errors are
//! JSON. Every response
//! carries the store's epoch in the `x-shouwang-epoch` header.

mod changes;
mod devices;
mod enrol;
mod office;
mod spaces;

use crate::{RelayError, RelayState};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::de::DeserializeOwned;
use shouwang_protocol::{limits, Format, CONTENT_TYPE, FORMAT_HEADER};
use std::future::Future;
use std::time::Instant;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// The header every response carries the store's epoch in.
pub const EPOCH_HEADER: &str = "x-shouwang-epoch";

/// The relay's routes over a state.
pub fn router(state: RelayState) -> Router {
    let timeout = state.config().request_timeout;
    Router::new()
        .route("/v1/enrol", post(enrol::redeem))
        .route("/v1/enrolments", post(enrol::issue))
        .route("/v1/spaces", get(spaces::list))
        .route("/v1/devices", get(devices::list))
        .route("/v1/devices/{id}/revoke", post(devices::revoke))
        .route("/v1/spaces/{space}/changes", post(changes::push).get(changes::pull))
        .route("/v1/spaces/{space}/sync", post(changes::sync))
        .route("/v1/spaces/{space}/office-key", post(office::change_key))
        .route("/v1/spaces/{space}/routes", get(office::helper_routes).put(office::put_routes))
        .route("/healthz", get(|| async { "ok" }))
        .route("/metrics", get(metrics))
        .layer(DefaultBodyLimit::max(limits::MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(state.clone(), stamp))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves the relay on `listener` until `shutdown` completes, then finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: RelayState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    tracing::info!(addr = ?listener.local_addr().ok(), "relay listening");
    axum::serve(listener, router(state)).with_graceful_shutdown(shutdown).await
}

async fn metrics(State(state): State<RelayState>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], state.metrics().render())
}

/// Adds the epoch header to every response and counts it by status.
async fn stamp(State(state): State<RelayState>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    state.metrics().response(response.status().as_u16());
    if let Ok(epoch) = HeaderValue::from_str(state.epoch()) {
        response.headers_mut().insert(EPOCH_HEADER, epoch);
    }
    response
}

/// The device a request's bearer token belongs to, after counting it against its rate limit.
async fn authenticate(state: &RelayState, headers: &HeaderMap) -> Result<crate::store::Device, RelayError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .filter(|t| !t.is_empty() && t.len() <= 128)
        .ok_or(RelayError::Unauthorised)?;
    let token_hash = crate::secret::hash(token);
    let device =
        state.with_store(move |s| s.device_by_token(&token_hash)).await?.ok_or(RelayError::Unauthorised)?;
    state
        .limiter()
        .check(&device.id, Instant::now())
        .map_err(|retry_after| RelayError::RateLimited { retry_after })?;
    let now = crate::now();
    if device.last_seen.is_none_or(|seen| now - seen >= 60) {
        let id = device.id.clone();
        state.with_store(move |s| s.touch(&id, now)).await?;
    }
    Ok(device)
}

/// Decodes a request body, mapping each failure to its status; returns it with its format, the one to
/// answer in.
fn body<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(T, Format), RelayError> {
    let body = body.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => RelayError::TooLarge { field: "body" },
        _ => RelayError::invalid("body", "could not be read"),
    })?;
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    if content_type != Some(CONTENT_TYPE) {
        return Err(RelayError::UnsupportedMediaType);
    }
    let message = shouwang_protocol::decode(&body).map_err(|e| match e {
        shouwang_protocol::WireError::TooLarge => RelayError::TooLarge { field: "body" },
        _ => RelayError::invalid("body", "not a valid postcard+zstd message"),
    })?;
    Ok((message, Format::of(&body).unwrap_or(Format::CURRENT)))
}

/// The format a request without a body asks its answer in ([`FORMAT_HEADER`]); the current one if it
/// names none, or one this build does not know (a newer device reads every older format).
fn requested_format(headers: &HeaderMap) -> Format {
    headers
        .get(FORMAT_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u8>().ok())
        .and_then(Format::from_number)
        .unwrap_or(Format::CURRENT)
}

/// An encoded response body, in the format the request came in: a device reads the formats of its own
/// build, so the relay never answers in a newer one than it spoke.
fn reply<T: serde::Serialize>(format: Format, message: &T) -> Response {
    ([(header::CONTENT_TYPE, CONTENT_TYPE)], shouwang_protocol::encode_as(format, message)).into_response()
}
