//! `GET /v1/spaces`: the villages a device may read that hold changes, each with its head, so that a
//! township device pulls only the villages that moved since its cursors.

use super::{authenticate, reply, requested_format};
use crate::{access, RelayError, RelayState};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use shouwang_protocol::{space, SpacesResponse};

pub(super) async fn list(
    State(state): State<RelayState>,
    headers: HeaderMap,
) -> Result<Response, RelayError> {
    let device = authenticate(&state, &headers).await?;
    let Some(prefix) = space::prefix(&device.scope).map(str::to_owned) else {
        return Err(RelayError::Forbidden);
    };
    let listed = state.with_store(move |s| s.spaces(&prefix)).await?;
    // The prefix narrows the query; the scope rule decides, as it does for a pull.
    let spaces: Vec<(String, u64)> =
        listed.into_iter().filter(|(code, _)| access::may_read_space(&device, code)).collect();
    tracing::info!(device = %device.id, spaces = spaces.len(), "spaces listed");
    Ok(reply(requested_format(&headers), &SpacesResponse { epoch: state.epoch().to_string(), spaces }))
}
