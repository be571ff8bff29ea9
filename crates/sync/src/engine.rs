//! One sync session: push everything waiting, then pull everything new.

use crate::{Relay, SyncError};
use chrono::{DateTime, Utc};
use shouwang_core::doc::DocKind;
use shouwang_core::store::{Applied, IncomingChange, OutgoingChange, Store, SyncState};
use shouwang_protocol::{limits, Change, DocRef, PushRequest, RedeemRequest};

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
    /// Changes in this phase (for a pull, an upper bound: the relay's sequence numbers left).
    pub changes_total: u64,
    /// Bytes sent or received in this phase.
    pub bytes_done: u64,
    /// Bytes to send (push only; 0 when unknown).
    pub bytes_total: u64,
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
    /// The relay had been restored from a backup: everything was sent again.
    pub epoch_changed: bool,
    /// Changes this device may not send (kept in the outbox, reported).
    pub held: usize,
}

/// Redeems a one-time code with the relay at `relay_url` and records the enrolment in the store.
pub async fn enrol(
    store: &mut Store,
    relay_url: &str,
    code: &str,
    device_name: &str,
    now: DateTime<Utc>,
) -> Result<SyncState, SyncError> {
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
        if push(store, &relay, &state, &mut report, progress, now).await? {
            report.epoch_changed = true;
            continue;
        }
        if pull(store, &relay, &state, &mut report, progress, now).await? {
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

/// Sends the outbox in bounded batches. Returns true if the relay's epoch changed (start again).
async fn push(
    store: &mut Store,
    relay: &Relay,
    state: &SyncState,
    report: &mut Report,
    progress: &mut dyn FnMut(&Progress),
    now: DateTime<Utc>,
) -> Result<bool, SyncError> {
    let (total, total_bytes) = store.outbox_totals()?;
    let mut p = Progress {
        phase: Phase::Push,
        changes_done: 0,
        changes_total: total,
        bytes_done: 0,
        bytes_total: total_bytes,
    };
    let mut after = 0;
    loop {
        let batch = store.outbox_batch(after, limits::MAX_CHANGES_PER_PUSH, limits::MAX_BODY_BYTES / 2)?;
        let Some(last) = batch.last() else { break };
        after = last.seq;
        let (sendable, held): (Vec<_>, Vec<_>) = batch.into_iter().partition(|c| may_send(state, c));
        report.held += held.len();
        if sendable.is_empty() {
            continue;
        }
        let changes: Vec<Change> = sendable.iter().map(to_wire).collect();
        let raw: u64 = sendable.iter().map(|c| c.bytes.len() as u64).sum();
        let (answer, sent_bytes) = relay.push(&state.scope, &PushRequest { changes }).await?;
        report.wire_bytes += sent_bytes as u64;
        if store.observe_epoch(&answer.epoch, now)? {
            return Ok(true);
        }
        report.sent += sendable.len();
        // The relay answers with positions in this push; only those leave the outbox.
        let kept: Vec<String> =
            answer.kept.iter().filter_map(|&i| sendable.get(i as usize)).map(|c| c.hash.clone()).collect();
        report.acknowledged += store.acknowledge(&kept)?;
        p.changes_done += sendable.len() as u64;
        p.bytes_done += raw;
        progress(&p);
    }
    Ok(false)
}

/// Pulls pages after the cursor until the relay has no more. Returns true if the epoch changed.
async fn pull(
    store: &mut Store,
    relay: &Relay,
    state: &SyncState,
    report: &mut Report,
    progress: &mut dyn FnMut(&Progress),
    now: DateTime<Utc>,
) -> Result<bool, SyncError> {
    let start = state.cursor;
    let mut cursor = start;
    let mut p =
        Progress { phase: Phase::Pull, changes_done: 0, changes_total: 0, bytes_done: 0, bytes_total: 0 };
    loop {
        let (page, received_bytes) = relay.pull(&state.scope, cursor, limits::DEFAULT_PAGE).await?;
        if store.observe_epoch(&page.epoch, now)? {
            return Ok(true);
        }
        let incoming: Vec<IncomingChange> = page.changes.iter().filter_map(|(_, c)| from_wire(c)).collect();
        let applied = store.apply_remote(&incoming, page.next, now)?;
        report.received.applied += applied.applied;
        report.received.duplicates += applied.duplicates;
        report.received.quarantined += applied.quarantined + (page.changes.len() - incoming.len());
        report.received.released += applied.released;
        report.wire_bytes += received_bytes as u64;
        p.changes_done += page.changes.len() as u64;
        p.changes_total = p.changes_done.max(page.latest.saturating_sub(start));
        p.bytes_done += received_bytes as u64;
        progress(&p);
        if !page.more || page.next <= cursor {
            return Ok(false);
        }
        cursor = page.next;
    }
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
