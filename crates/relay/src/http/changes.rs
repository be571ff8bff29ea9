//! `POST` and `GET /v1/spaces/{space}/changes`: push changes to a village's space, pull them after a
//! cursor. A push is checked whole before anything is stored: one bad or forbidden change refuses it all.

use super::{authenticate, body, reply};
use crate::metrics::Metrics;
use crate::{access, RelayError, RelayState};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use shouwang_protocol::{limits, space, PullResponse, PushRequest, PushResponse};

fn check_space(code: &str) -> Result<(), RelayError> {
    if space::is_village(code) {
        Ok(())
    } else {
        Err(RelayError::invalid("space", "must be a 12-digit village code"))
    }
}

pub(super) async fn push(
    State(state): State<RelayState>,
    Path(space_code): Path<String>,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, RelayError> {
    let device = authenticate(&state, &headers).await?;
    check_space(&space_code)?;
    if !access::may_write_space(&device, &space_code) {
        return Err(RelayError::Forbidden);
    }
    let request: PushRequest = body(&headers, raw)?;
    if request.changes.len() > limits::MAX_CHANGES_PER_PUSH {
        return Err(RelayError::TooLarge { field: "changes" });
    }
    // The hash is computed, never sent: checking the chunk's checksum refuses a damaged change.
    let mut hashed = Vec::with_capacity(request.changes.len());
    for (i, change) in request.changes.into_iter().enumerate() {
        change.validate().map_err(|e| RelayError::Invalid(e.within(&format!("changes[{i}]"))))?;
        let hash = change.hash().map_err(|e| RelayError::Invalid(e.within(&format!("changes[{i}]"))))?;
        hashed.push((hash, change));
    }
    if !hashed.iter().all(|(_, c)| access::may_write_change(&device, c)) {
        return Err(RelayError::Forbidden);
    }
    // A push is all or nothing: once stored, every change of it is kept, duplicates included.
    let kept: Vec<u32> = (0..hashed.len() as u32).collect();
    let received = hashed.len();
    let now = crate::now();
    let outcome = state.with_store(move |s| s.push(&space_code, &hashed, now)).await?;
    Metrics::add(&state.metrics().changes_received, received);
    Metrics::add(&state.metrics().changes_stored, outcome.new);
    tracing::info!(device = %device.id, received, new = outcome.new, "push stored");
    Ok(reply(&PushResponse { epoch: state.epoch().to_string(), kept, cursor: outcome.head }))
}

/// The query of a pull.
#[derive(Debug, Deserialize)]
pub(super) struct PullQuery {
    after: Option<u64>,
    limit: Option<u32>,
}

pub(super) async fn pull(
    State(state): State<RelayState>,
    Path(space_code): Path<String>,
    headers: HeaderMap,
    query: Result<Query<PullQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, RelayError> {
    let device = authenticate(&state, &headers).await?;
    check_space(&space_code)?;
    if !access::may_read_space(&device, &space_code) {
        return Err(RelayError::Forbidden);
    }
    let Query(query) =
        query.map_err(|_| RelayError::invalid("query", "after and limit must be non-negative integers"))?;
    let after = query.after.unwrap_or(0);
    let limit = query.limit.unwrap_or(limits::DEFAULT_PAGE).clamp(1, limits::MAX_PAGE);
    let filter = access::read_filter(&device);
    let page = state.with_store(move |s| s.pull(&space_code, after, limit, &filter)).await?;
    Metrics::add(&state.metrics().changes_served, page.changes.len());
    tracing::info!(device = %device.id, served = page.changes.len(), more = page.more, "pull served");
    Ok(reply(&PullResponse {
        epoch: state.epoch().to_string(),
        changes: page.changes,
        next: page.next,
        more: page.more,
        latest: page.latest,
    }))
}
