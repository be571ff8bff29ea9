//! `POST` and `GET /v1/spaces/{space}/changes`: push changes to a village's space, pull them after a
//! cursor; `POST /v1/spaces/{space}/sync`: both in one round trip. A push is checked whole before
//! anything is stored: one bad or forbidden change refuses it all.

use super::{authenticate, body, reply, requested_format};
use crate::metrics::Metrics;
use crate::store::Device;
use crate::{access, RelayError, RelayState};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use shouwang_protocol::{
    batch_digest, limits, space, Change, PullResponse, PushRequest, PushResponse, Role, SyncRequest,
    SyncResponse,
};

pub(super) fn check_space(code: &str) -> Result<(), RelayError> {
    if space::is_village(code) {
        Ok(())
    } else {
        Err(RelayError::invalid("space", "must be a 12-digit village code"))
    }
}

/// Checks a push whole before anything is stored: its size, each change's format (a sealed envelope's
/// header: an automerge change in the clear is refused, 400 naming `changes[i].bytes`; the hash is
/// computed from the bytes, never sent), the device's right to write every one of them (403 naming
/// `changes[i].doc`) and every erasure's signature by the village's office key (403
/// `unsigned_erasure` naming `changes[i].bytes`). Returns the changes with their hashes.
async fn checked(
    state: &RelayState,
    device: &Device,
    space_code: &str,
    changes: Vec<Change>,
) -> Result<Vec<(String, Change)>, RelayError> {
    if changes.len() > limits::MAX_CHANGES_PER_PUSH {
        return Err(RelayError::TooLarge { field: "changes" });
    }
    let mut hashed = Vec::with_capacity(changes.len());
    for (i, change) in changes.into_iter().enumerate() {
        change.validate().map_err(|e| RelayError::Invalid(e.within(&format!("changes[{i}]"))))?;
        let hash = change.hash().map_err(|e| RelayError::Invalid(e.within(&format!("changes[{i}]"))))?;
        hashed.push((hash, change));
    }
    if let Some(i) = hashed.iter().position(|(_, c)| !access::may_write_change(device, c)) {
        return Err(RelayError::ForbiddenChange { field: format!("changes[{i}].doc") });
    }
    if hashed.iter().any(|(_, c)| access::is_erasure(c)) {
        let space = space_code.to_string();
        let office = state.with_store(move |s| s.office_key(&space)).await?;
        if let Some(i) = hashed.iter().position(|(_, c)| {
            access::is_erasure(c) && !access::erasure_is_signed(space_code, c, office.as_ref())
        }) {
            return Err(RelayError::UnsignedErasure { field: format!("changes[{i}].bytes") });
        }
    }
    Ok(hashed)
}

/// Stores checked changes through the group commit and answers once the transaction holding them has
/// committed.
async fn store(
    state: &RelayState,
    device: &Device,
    space_code: String,
    hashed: Vec<(String, Change)>,
) -> Result<PushResponse, RelayError> {
    // A push is all or nothing: once stored, every change of it is kept, duplicates included.
    let kept: Vec<u32> = (0..hashed.len() as u32).collect();
    let received = hashed.len();
    let outcome = state.committer().push(space_code, hashed, device.id.clone(), device.role).await?;
    Metrics::add(&state.metrics().changes_received, received);
    Metrics::add(&state.metrics().changes_stored, outcome.new);
    tracing::info!(device = %device.id, received, new = outcome.new, "push stored");
    Ok(PushResponse { epoch: state.epoch().to_string(), kept, cursor: outcome.head })
}

/// The page after `after` this device may read (with `subject`, only that subject's changes up to
/// `upto`: the history of an elder newly routed to a helper's tablet), and the routing it depends on.
async fn page(
    state: &RelayState,
    device: &Device,
    space_code: String,
    after: u64,
    limit: Option<u32>,
    only: Option<(String, u64)>,
) -> Result<PullResponse, RelayError> {
    let limit = limit.unwrap_or(limits::DEFAULT_PAGE).clamp(1, limits::MAX_PAGE);
    let mut filter = access::read_filter(device);
    if let Some((subject, upto)) = only {
        filter.subject = Some(subject);
        filter.upto = Some(upto);
    }
    let routing = match device.role {
        Role::Helper => device.helper.clone().map(Some),
        Role::Committee => Some(None),
        Role::Township | Role::Family => None,
    };
    let (page, routes) = state
        .with_store(move |s| {
            let page = s.pull(&space_code, after, limit, &filter)?;
            let routes = match &routing {
                Some(helper) => s.route_state(&space_code, helper.as_deref())?,
                None => 0,
            };
            Ok((page, routes))
        })
        .await?;
    Metrics::add(&state.metrics().changes_served, page.changes.len());
    tracing::info!(device = %device.id, served = page.changes.len(), more = page.more, "pull served");
    Ok(PullResponse {
        epoch: state.epoch().to_string(),
        changes: page.changes,
        next: page.next,
        more: page.more,
        latest: page.latest,
        pushers: page.pushers,
        routes,
    })
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
    let (request, format): (PushRequest, _) = body(&headers, raw)?;
    let hashed = checked(&state, &device, &space_code, request.changes).await?;
    let answer = store(&state, &device, space_code, hashed).await?;
    Ok(reply(format, &answer))
}

/// The query of a pull: `after` and `limit`; with `subject` (32 hex digits) and `upto`, only that
/// subject's changes numbered at most `upto`.
#[derive(Debug, Deserialize)]
pub(super) struct PullQuery {
    after: Option<u64>,
    limit: Option<u32>,
    subject: Option<String>,
    upto: Option<u64>,
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
    let Query(query) = query
        .map_err(|_| RelayError::invalid("query", "after, limit and upto must be non-negative integers"))?;
    let only = match (query.subject, query.upto) {
        (None, None) => None,
        (Some(subject), Some(upto)) => {
            let doc = shouwang_protocol::DocRef { elder: subject, kind: "card".into() };
            doc.validate().map_err(|_| RelayError::invalid("subject", "must be 32 lowercase hex digits"))?;
            Some((doc.elder, upto))
        }
        _ => return Err(RelayError::invalid("upto", "subject and upto go together")),
    };
    let answer = page(&state, &device, space_code, query.after.unwrap_or(0), query.limit, only).await?;
    Ok(reply(requested_format(&headers), &answer))
}

/// A push and a pull in one round trip. The page is read first, bounded by the head at that moment, so
/// it never holds the changes of this push; the push is then stored through the group commit, and the
/// answer leaves only after that commit. Without changes it needs only the right to read the space.
pub(super) async fn sync(
    State(state): State<RelayState>,
    Path(space_code): Path<String>,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, RelayError> {
    let device = authenticate(&state, &headers).await?;
    check_space(&space_code)?;
    if !access::may_read_space(&device, &space_code) {
        return Err(RelayError::Forbidden);
    }
    let (request, format): (SyncRequest, _) = body(&headers, raw)?;
    if !request.changes.is_empty() && !access::may_write_space(&device, &space_code) {
        return Err(RelayError::Forbidden);
    }
    let hashed = checked(&state, &device, &space_code, request.changes).await?;
    let digest = batch_digest(hashed.iter().map(|(hash, _)| hash));
    let pull = page(&state, &device, space_code.clone(), request.after, Some(request.limit), None).await?;
    let push = if hashed.is_empty() {
        PushResponse { epoch: state.epoch().to_string(), kept: Vec::new(), cursor: pull.latest }
    } else {
        store(&state, &device, space_code, hashed).await?
    };
    Ok(reply(format, &SyncResponse { push, digest, pull }))
}
