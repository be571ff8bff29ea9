//! The office's side of a village at the relay: its office key (`POST /v1/spaces/{space}/office-key`,
//! a change signed by the key held) and its routing table (`PUT /v1/spaces/{space}/routes` by the
//! committee, `GET …/routes` by a helper's tablet for its own list).

use super::changes::check_space;
use super::{authenticate, body, reply, requested_format};
use crate::{access, RelayError, RelayState};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use shouwang_protocol::office::{self, OfficeKeyChange};
use shouwang_protocol::{DocRef, HelperRoutes, Role, RoutesAck, RoutesRequest};

/// The most subjects a routing table may name (a township's worth of elders).
pub const MAX_ROUTES: usize = 100_000;

/// `POST /v1/spaces/{space}/office-key`: a committee device moves the village's office key to a newer
/// generation, signed by the key the relay holds. The same key again is answered as done.
pub(super) async fn change_key(
    State(state): State<RelayState>,
    Path(space_code): Path<String>,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, RelayError> {
    let device = authenticate(&state, &headers).await?;
    check_space(&space_code)?;
    if device.role != Role::Committee || !access::may_write_space(&device, &space_code) {
        return Err(RelayError::Forbidden);
    }
    let (change, format): (OfficeKeyChange, _) = body(&headers, raw)?;
    if change.new.key.len() != 32 {
        return Err(RelayError::invalid("new.key", "must be 32 bytes"));
    }
    let space = space_code.clone();
    let held = state.with_store(move |s| s.office_key(&space)).await?.ok_or(RelayError::OfficeKey)?;
    if held == change.new {
        return Ok(reply(format, &change.new));
    }
    let message = office::change_message(&space_code, &change.new);
    if change.new.generation <= held.generation || !office::verify(&held.key, &message, &change.signature) {
        return Err(RelayError::OfficeKey);
    }
    let new = change.new.clone();
    let now = crate::now();
    let replaced = state.with_store(move |s| s.replace_office_key(&space_code, &held, &new, now)).await?;
    if !replaced {
        // Another office desk moved it first: that device's change is the one the relay holds.
        return Err(RelayError::OfficeKey);
    }
    tracing::info!(device = %device.id, generation = change.new.generation, "office key changed");
    Ok(reply(format, &change.new))
}

/// `PUT /v1/spaces/{space}/routes`: the committee's whole routing table for its village, signed with
/// the village's office key (403 `office_key` otherwise).
pub(super) async fn put_routes(
    State(state): State<RelayState>,
    Path(space_code): Path<String>,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, RelayError> {
    let device = authenticate(&state, &headers).await?;
    check_space(&space_code)?;
    if device.role != Role::Committee || !access::may_write_space(&device, &space_code) {
        return Err(RelayError::Forbidden);
    }
    let (request, format): (RoutesRequest, _) = body(&headers, raw)?;
    let mut total = 0;
    for (i, (helper, subjects)) in request.routes.iter().enumerate() {
        let id = |field: String, value: &str| {
            DocRef { elder: value.to_string(), kind: "helper".into() }
                .validate()
                .map_err(|_| RelayError::invalid(field, "must be 32 lowercase hex digits"))
        };
        id(format!("routes[{i}].helper"), helper)?;
        for (j, subject) in subjects.iter().enumerate() {
            id(format!("routes[{i}].subjects[{j}]"), subject)?;
        }
        total += subjects.len();
    }
    if total > MAX_ROUTES {
        return Err(RelayError::TooLarge { field: "routes" });
    }
    // Signed by the office key the relay holds: a committee token alone cannot reroute the village.
    let space = space_code.clone();
    let held = state.with_store(move |s| s.office_key(&space)).await?.ok_or(RelayError::OfficeKey)?;
    if !office::verify(&held.key, &office::routes_message(&space_code, request.digest()), &request.signature)
    {
        return Err(RelayError::OfficeKey);
    }
    let digest = state.with_store(move |s| s.put_routes(&space_code, &request.routes)).await?;
    tracing::info!(device = %device.id, subjects = total, "routing table stored");
    Ok(reply(format, &RoutesAck { epoch: state.epoch().to_string(), digest }))
}

/// `GET /v1/spaces/{space}/routes`: a helper's tablet reads its own routing list.
pub(super) async fn helper_routes(
    State(state): State<RelayState>,
    Path(space_code): Path<String>,
    headers: HeaderMap,
) -> Result<Response, RelayError> {
    let device = authenticate(&state, &headers).await?;
    check_space(&space_code)?;
    if device.role != Role::Helper || !access::may_read_space(&device, &space_code) {
        return Err(RelayError::Forbidden);
    }
    let (version, subjects) = match device.helper.clone() {
        Some(helper) => state.with_store(move |s| s.helper_routes(&space_code, &helper)).await?,
        None => (0, Vec::new()),
    };
    let answer = HelperRoutes { epoch: state.epoch().to_string(), version, subjects };
    Ok(reply(requested_format(&headers), &answer))
}
