//! One sync session: push everything waiting, then pull everything new.

use crate::{Relay, SyncError};
use chrono::{DateTime, Utc};
use shouwang_core::doc::DocKind;
use shouwang_core::store::{Applied, IncomingChange, OutgoingChange, Store, SyncState};
use shouwang_protocol::{
    batch_digest, limits, space, Change, DocRef, PullResponse, PushRequest, RedeemRequest, SyncRequest,
};
use std::collections::HashMap;

/// Which half of a sync is running.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Sending this device's changes.
    Push,
    /// Receiving other devices' changes.
    Pull,
}

/// Where a sync stands, reported after every round trip.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Progress {
    /// Push or pull.
    pub phase: Phase,
    /// Changes done in this phase.
    pub changes_done: u64,
    /// Changes in this phase (for a pull, an upper bound: the relay's sequence numbers left, summed over
    /// the villages a township device pulls).
    pub changes_total: u64,
    /// Bytes sent or received in this phase.
    pub bytes_done: u64,
    /// Bytes to send (push only; 0 when unknown).
    pub bytes_total: u64,
}

impl Progress {
    /// The start of a pull: nothing done, the total not yet known.
    fn pull() -> Progress {
        Progress { phase: Phase::Pull, changes_done: 0, changes_total: 0, bytes_done: 0, bytes_total: 0 }
    }
}

/// What a completed sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    /// Changes sent.
    pub sent: usize,
    /// Changes the relay acknowledged (they left the outbox).
    pub acknowledged: usize,
    /// Changes received and what became of them.
    pub received: Applied,
    /// Bytes sent and received on the wire.
    pub wire_bytes: u64,
    /// Of those, the bytes received: answers to pulls and listings (never this device's own changes,
    /// which the relay does not send back).
    pub received_bytes: u64,
    /// The relay had been restored from a backup: everything was sent again.
    pub epoch_changed: bool,
    /// Changes this device may not send (kept in the outbox, reported).
    pub held: usize,
}

/// Redeems a one-time code with the relay at `relay_url` and records the enrolment in the store.
/// Without a key bundle the device reads nothing another device wrote (see [`enrol_with_keys`]), unless
/// it is the store that created its village's keys.
pub async fn enrol(
    store: &mut Store,
    relay_url: &str,
    code: &str,
    device_name: &str,
    now: DateTime<Utc>,
) -> Result<SyncState, SyncError> {
    enrol_with_keys(store, relay_url, code, None, device_name, now).await
}

/// Imports the key bundle a committee device issued (the `keys` of the enrolment QR code), then
/// redeems the code as [`enrol`] does. A bundle that does not fit this registry is refused before the
/// code is used.
pub async fn enrol_with_keys(
    store: &mut Store,
    relay_url: &str,
    code: &str,
    keys: Option<&str>,
    device_name: &str,
    now: DateTime<Utc>,
) -> Result<SyncState, SyncError> {
    if let Some(bundle) = keys {
        store.import_key_bundle(bundle, now)?;
    }
    let relay = Relay::new(relay_url, None)?;
    let answer = relay
        .redeem(&RedeemRequest { code: code.trim().to_string(), device_name: device_name.into() })
        .await?;
    let registry = store.registry().clone();
    let scope: shouwang_core::division::UnitCode =
        answer.scope.parse().map_err(|_| SyncError::Wire("scope".into()))?;
    if !(scope.contains(&registry.unit) || registry.unit.contains(&scope)) {
        return Err(SyncError::Refused {
            status: 409,
            kind: "scope_mismatch".into(),
            field: Some("code".into()),
            message: format!("the code is for {}, this registry is {}", answer.scope, registry.unit),
        });
    }
    let state = SyncState {
        relay: relay_url.trim().trim_end_matches('/').to_string(),
        token: answer.token,
        device_id: answer.device_id,
        role: format!("{:?}", answer.role).to_lowercase(),
        scope: answer.scope,
        elder: answer.elder,
        epoch: answer.epoch,
        cursor: 0,
        last_success: None,
        last_attempt: None,
        last_error: None,
        helper: answer.helper,
    };
    store.set_enrolment(&state, now)?;
    Ok(state)
}

/// Pushes the outbox and pulls everything new; see the crate docs for the rules it keeps.
pub async fn sync(
    store: &mut Store,
    progress: &mut dyn FnMut(&Progress),
    now: DateTime<Utc>,
) -> Result<Report, SyncError> {
    let result = run(store, progress, now).await;
    let error = result.as_ref().err().map(ToString::to_string);
    // Recording the outcome must not hide the real error (e.g. a full disk).
    let _ = store.record_sync(error.as_deref().filter(|_| result.is_err()), now);
    result
}

async fn run(
    store: &mut Store,
    progress: &mut dyn FnMut(&Progress),
    now: DateTime<Utc>,
) -> Result<Report, SyncError> {
    let mut report = Report::default();
    // At most one restart: a relay restored twice during one sync is caught next time.
    for _ in 0..2 {
        let state = store.sync_state()?.ok_or(SyncError::NotEnrolled)?;
        let relay = Relay::new(&state.relay, Some(state.token.clone()))?;
        store.prepare_outbox(now)?;
        let restart = if space::is_village(&state.scope) {
            sync_village(store, &relay, &state, &mut report, progress, now).await?
        } else {
            let mut p = push_progress(store)?;
            push(store, &relay, &state, 0, &mut report, &mut p, progress, now).await?
                || pull_every_village(store, &relay, &mut report, progress, now).await?
        };
        if restart {
            report.epoch_changed = true;
            continue;
        }
        return Ok(report);
    }
    Ok(report)
}

/// Whether this device's role lets it send a change to `doc` (a family phone writes only its elder's
/// supporters; a township office writes nothing).
fn may_send(state: &SyncState, change: &OutgoingChange) -> bool {
    match state.role.as_str() {
        "family" => {
            change.doc.kind == DocKind::Family && state.elder.as_deref() == Some(change.doc.elder.as_str())
        }
        "township" => false,
        _ => true,
    }
}

/// The start of a push: nothing sent, the outbox's size as the total.
fn push_progress(store: &Store) -> Result<Progress, SyncError> {
    let (total, total_bytes) = store.outbox_totals()?;
    Ok(Progress {
        phase: Phase::Push,
        changes_done: 0,
        changes_total: total,
        bytes_done: 0,
        bytes_total: total_bytes,
    })
}

/// The changes (in the clear, before sealing) one push carries at most. Sealed changes no longer
/// compress across the batch, and the relay gives a request 30 s: a push of 64 KiB of changes stays
/// well inside that at 64 kbit/s even sealed, so a village month on such a link goes in a few pushes
/// that each finish, where one big push (up to 2 MiB) was cut off and retried whole, forever.
const PUSH_BATCH_BYTES: usize = 64 * 1024;

/// The next batch of the outbox after `*after` that this device may send, moving `*after` past it and
/// counting the changes it holds back; empty when the outbox has nothing more to send.
fn next_batch(
    store: &Store,
    state: &SyncState,
    after: &mut i64,
    report: &mut Report,
) -> Result<Vec<OutgoingChange>, SyncError> {
    loop {
        let batch = store.outbox_batch(*after, limits::MAX_CHANGES_PER_PUSH, PUSH_BATCH_BYTES)?;
        let Some(last) = batch.last() else { return Ok(Vec::new()) };
        *after = last.seq;
        let (sendable, held): (Vec<_>, Vec<_>) =
            batch.into_iter().partition(|c| may_send(state, c) && c.held.is_none());
        report.held += held.len();
        if !sendable.is_empty() {
            return Ok(sendable);
        }
    }
}

/// Drops from the outbox the changes of `sent` at the positions the relay kept, and reports them.
fn acknowledge(
    store: &mut Store,
    sent: &[OutgoingChange],
    kept: &[u32],
    report: &mut Report,
    p: &mut Progress,
    progress: &mut dyn FnMut(&Progress),
) -> Result<(), SyncError> {
    report.sent += sent.len();
    // The relay answers with positions in this push; only those leave the outbox.
    let kept: Vec<String> =
        kept.iter().filter_map(|&i| sent.get(i as usize)).map(|c| c.hash.clone()).collect();
    report.acknowledged += store.acknowledge(&kept)?;
    p.changes_done += sent.len() as u64;
    p.bytes_done += sent.iter().map(|c| c.bytes.len() as u64).sum::<u64>();
    progress(p);
    Ok(())
}

/// A village device's sync: the first batch of the outbox and the first page after the cursor in one
/// round trip (`POST …/sync`), then the rest of the outbox and the rest of the pages, if any, through the
/// push and pull routes. A device with a small outbox and few new changes is done in one round trip.
/// Returns true if the relay's epoch changed (start again).
async fn sync_village(
    store: &mut Store,
    relay: &Relay,
    state: &SyncState,
    report: &mut Report,
    progress: &mut dyn FnMut(&Progress),
    now: DateTime<Utc>,
) -> Result<bool, SyncError> {
    let mut p = push_progress(store)?;
    let mut after = 0;
    let first = next_batch(store, state, &mut after, report)?;
    let changes: Vec<Change> = first.iter().map(to_wire).collect();
    let digest = batch_digest(changes.iter().filter_map(|c| c.hash().ok()));
    let request = SyncRequest { changes, after: state.cursor, limit: limits::DEFAULT_PAGE };
    let (answer, sent_bytes, received_bytes) = relay.sync(&state.scope, &request).await?;
    report.wire_bytes += sent_bytes as u64;
    if answer.digest != digest {
        // Not the answer to this request (a stale copy delivered by something on the way): nothing of
        // it is trusted; the outbox and the cursor stay as they were.
        return Err(SyncError::Wire("the relay's answer does not match the changes sent".into()));
    }
    if store.observe_epoch(&answer.push.epoch, now)? || store.observe_epoch(&answer.pull.epoch, now)? {
        return Ok(true);
    }
    if !first.is_empty() {
        acknowledge(store, &first, &answer.push.kept, report, &mut p, progress)?;
    }
    let mut pulled = Progress::pull();
    let page = answer.pull;
    let (more, next) = (page.more, page.next);
    apply(store, page, received_bytes, None, report, &mut pulled, progress, now)?;
    if push(store, relay, state, after, report, &mut p, progress, now).await? {
        return Ok(true);
    }
    if more && next > state.cursor {
        return pull(store, relay, &state.scope, None, next, report, &mut pulled, progress, now).await;
    }
    Ok(false)
}

/// Sends the outbox after `after` in bounded batches. Returns true if the relay's epoch changed (start
/// again).
#[allow(clippy::too_many_arguments)]
async fn push(
    store: &mut Store,
    relay: &Relay,
    state: &SyncState,
    mut after: i64,
    report: &mut Report,
    p: &mut Progress,
    progress: &mut dyn FnMut(&Progress),
    now: DateTime<Utc>,
) -> Result<bool, SyncError> {
    loop {
        let sendable = next_batch(store, state, &mut after, report)?;
        if sendable.is_empty() {
            return Ok(false);
        }
        let changes: Vec<Change> = sendable.iter().map(to_wire).collect();
        let (answer, sent_bytes) = relay.push(&state.scope, &PushRequest { changes }).await?;
        report.wire_bytes += sent_bytes as u64;
        if store.observe_epoch(&answer.epoch, now)? {
            return Ok(true);
        }
        acknowledge(store, &sendable, &answer.kept, report, p, progress)?;
    }
}

/// A device enrolled for a township (or any code above a village) reads many villages, each a space
/// with its own sequence numbers: it lists them with their heads and pulls only those whose head is past
/// its cursor for them. Returns true if the epoch changed.
async fn pull_every_village(
    store: &mut Store,
    relay: &Relay,
    report: &mut Report,
    progress: &mut dyn FnMut(&Progress),
    now: DateTime<Utc>,
) -> Result<bool, SyncError> {
    let (listing, received_bytes) = relay.spaces().await?;
    report.wire_bytes += received_bytes as u64;
    report.received_bytes += received_bytes as u64;
    if store.observe_epoch(&listing.epoch, now)? {
        return Ok(true);
    }
    store.note_space_heads(&listing.spaces)?;
    let cursors: HashMap<String, u64> =
        store.space_cursors()?.into_iter().map(|c| (c.space, c.cursor)).collect();
    let behind: Vec<(String, u64, u64)> = listing
        .spaces
        .into_iter()
        .filter_map(|(space, head)| {
            let cursor = cursors.get(&space).copied().unwrap_or(0);
            (cursor < head).then_some((space, cursor, head))
        })
        .collect();
    let mut p = Progress::pull();
    p.changes_total = behind.iter().map(|(_, cursor, head)| head - cursor).sum();
    for (space, cursor, _) in &behind {
        if pull(store, relay, space, Some(space), *cursor, report, &mut p, progress, now).await? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Pulls `space`'s pages after `cursor` until the relay has no more, moving the device's cursor (or,
/// with `per_space`, that space's own cursor) with each applied page. Returns true if the epoch changed.
#[allow(clippy::too_many_arguments)]
async fn pull(
    store: &mut Store,
    relay: &Relay,
    space: &str,
    per_space: Option<&str>,
    mut cursor: u64,
    report: &mut Report,
    p: &mut Progress,
    progress: &mut dyn FnMut(&Progress),
    now: DateTime<Utc>,
) -> Result<bool, SyncError> {
    loop {
        let (page, received_bytes) = relay.pull(space, cursor, limits::DEFAULT_PAGE).await?;
        if store.observe_epoch(&page.epoch, now)? {
            return Ok(true);
        }
        let (more, next) = (page.more, page.next);
        apply(store, page, received_bytes, per_space, report, p, progress, now)?;
        if !more || next <= cursor {
            return Ok(false);
        }
        cursor = next;
    }
}

/// Applies a pulled page and moves the cursor (or, with `per_space`, that space's cursor) to its
/// `next`, in one transaction, and reports it.
#[allow(clippy::too_many_arguments)]
fn apply(
    store: &mut Store,
    page: PullResponse,
    received_bytes: usize,
    per_space: Option<&str>,
    report: &mut Report,
    p: &mut Progress,
    progress: &mut dyn FnMut(&Progress),
    now: DateTime<Utc>,
) -> Result<(), SyncError> {
    let incoming: Vec<IncomingChange> = page.changes.iter().filter_map(|(_, c)| from_wire(c)).collect();
    let applied = match per_space {
        None => store.apply_remote(&incoming, page.next, now)?,
        Some(space) => store.apply_remote_in(space, &incoming, page.next, now)?,
    };
    report.received.applied += applied.applied;
    report.received.duplicates += applied.duplicates;
    report.received.quarantined += applied.quarantined + (page.changes.len() - incoming.len());
    report.received.released += applied.released;
    report.received.held += applied.held;
    report.received.keys += applied.keys;
    report.wire_bytes += received_bytes as u64;
    report.received_bytes += received_bytes as u64;
    p.changes_done += page.changes.len() as u64;
    p.changes_total = p.changes_total.max(p.changes_done + page.latest.saturating_sub(page.next));
    p.bytes_done += received_bytes as u64;
    progress(p);
    Ok(())
}

fn to_wire(c: &OutgoingChange) -> Change {
    Change {
        doc: DocRef { elder: c.doc.elder.to_string(), kind: c.doc.kind.code().to_string() },
        bytes: c.bytes.clone(),
    }
}

fn from_wire(c: &Change) -> Option<IncomingChange> {
    let doc = format!("{}/{}", c.doc.elder, c.doc.kind).parse().ok()?;
    Some(IncomingChange { doc, bytes: c.bytes.clone() })
}
