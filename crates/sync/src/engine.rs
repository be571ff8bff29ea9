//! One sync session: push everything waiting, then pull everything new.

use crate::{Relay, SyncError};
use chrono::{DateTime, Utc};
use shouwang_core::doc::DocId;
use shouwang_core::role::Role;
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
    /// Elders newly routed to this helper's tablet whose history was fetched.
    pub routed: usize,
    /// Elders routed away from this helper's tablet and forgotten here.
    pub forgotten: usize,
    /// A committee device gave the relay its routing table (it differed from the relay's).
    pub routes_sent: bool,
    /// A helper's tablet caught up with a new routing list.
    pub routed_list: bool,
    /// What the device should tell its user though the sync went through (the relay holds another
    /// office key, refused a change of the outbox, …), in Chinese and English.
    pub notices: Vec<String>,
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
    // An office device gives the relay its village's office key: the first to enrol sets it, and only
    // erasures signed with it are ever acted on.
    let office_key = store.office_key_now()?;
    let request = RedeemRequest {
        code: code.trim().to_string(),
        device_name: device_name.into(),
        office_key: office_key.clone(),
    };
    let answer = relay.redeem(&request).await?;
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
    if answer.role == shouwang_protocol::Role::Committee {
        if let (Some(ours), Some(held)) = (office_key, answer.office_key) {
            match store.office_key_of(held.generation)? {
                // The relay holds this village's key, the newest or one an older rotation made (the
                // next sync moves it on).
                Some(own) if own == held => store.note_office_registration(held.generation, now)?,
                _ => {
                    return Err(SyncError::Refused {
                        status: 409,
                        kind: "office_key_mismatch".into(),
                        field: Some("office_key".into()),
                        message: format!(
                            "the relay holds another office key for {} ({}), not this office's ({}): a device                              without the office's keys enrolled as its committee first. No erasure of the village                              is accepted until the relay's operator runs `shouwang-relay office-key reset --space {}`                              and this device enrols again",
                            state.scope,
                            shouwang_protocol::office::fingerprint(&held.key),
                            shouwang_protocol::office::fingerprint(&ours.key),
                            state.scope
                        ),
                    });
                }
            }
        }
    }
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
        if state.role == "committee" {
            move_office_key(store, &relay, &state, &mut report, now).await?;
        }
        let restart = if space::is_village(&state.scope) {
            let mut routes = None;
            let restart =
                sync_village(store, &relay, &state, &mut report, &mut routes, progress, now).await?;
            if !restart {
                if let Some(seen) = routes {
                    follow_routing(store, &relay, &state, seen, &mut report, now).await?;
                }
            }
            restart
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

/// Whether this device's role lets it send a change to `doc`: the kinds the relay takes from the role
/// ([`shouwang_protocol::Role::writable_kinds`]; a family phone its own elder's `family` only, a
/// township office nothing). What it may not send stays in the outbox, counted as held.
fn may_send(state: &SyncState, change: &OutgoingChange) -> bool {
    let Some(role) = shouwang_protocol::Role::parse(&state.role) else { return false };
    role.writable_kinds().contains(&change.doc.kind.code())
        && (role != shouwang_protocol::Role::Family
            || state.elder.as_deref() == Some(change.doc.elder.as_str()))
}

/// After a rotation on an office device: moves the relay's office key for the village to the newest
/// generation, signed with the key it holds. A refusal is told, not fatal: the village's changes
/// still sync; erasures wait.
async fn move_office_key(
    store: &mut Store,
    relay: &Relay,
    state: &SyncState,
    report: &mut Report,
    now: DateTime<Utc>,
) -> Result<(), SyncError> {
    let Some(change) = store.office_key_change()? else { return Ok(()) };
    match relay.change_office_key(&state.scope, &change).await {
        Ok(held) => store.note_office_registration(held.generation, now)?,
        Err(SyncError::Refused { status: 403, kind, .. }) if kind == "office_key" => report.notices.push(format!(
            "中继服务器不接受新一代村委会密钥（第 {} 代），删除个人信息暂不能同步 / the relay refused the office key of              generation {}: erasures wait until it holds it",
            change.new.generation, change.new.generation
        )),
        Err(e) => return Err(e),
    }
    Ok(())
}

/// After the pulls of a village device: a committee gives the relay its routing table when the relay's
/// differs from its own; a helper's tablet whose routing list moved fetches the history of the elders
/// routed to it since, then forgets those routed away.
async fn follow_routing(
    store: &mut Store,
    relay: &Relay,
    state: &SyncState,
    seen: u64,
    report: &mut Report,
    now: DateTime<Utc>,
) -> Result<(), SyncError> {
    match state.role.as_str() {
        "committee" if store.routing_digest()? != seen => {
            let routes = store.routing_table()?;
            let digest = shouwang_protocol::routes_digest(
                routes.iter().flat_map(|(h, elders)| elders.iter().map(move |e| (h.as_str(), e.as_str()))),
            );
            // Only an office device whose office key the relay holds signs a routing table.
            let Some(signature) = store.sign_routes(digest)? else { return Ok(()) };
            let request = shouwang_protocol::RoutesRequest { routes, signature };
            match relay.put_routes(&state.scope, &request).await {
                Ok((_, sent)) => {
                    report.wire_bytes += sent as u64;
                    report.routes_sent = true;
                }
                Err(SyncError::Refused { status: 403, kind, .. }) if kind == "office_key" => {
                    report.notices.push(
                        "中继服务器不接受本设备的派单路由（村委会密钥不符）/ the relay refused this device's routing table \
                         (not signed by the office key it holds)"
                            .into(),
                    );
                }
                Err(e) => return Err(e),
            }
        }
        "helper" if store.routing_version()? != seen => {
            let (list, received) = relay.helper_routes(&state.scope).await?;
            report.wire_bytes += received as u64;
            report.received_bytes += received as u64;
            let upto = store.sync_state()?.map_or(0, |s| s.cursor);
            for subject in store.subjects_to_fetch(&list.subjects)? {
                let mut after = 0;
                loop {
                    let (page, received) = relay.pull_subject(&state.scope, &subject, after, upto).await?;
                    report.wire_bytes += received as u64;
                    report.received_bytes += received as u64;
                    let incoming = incoming(&page);
                    let applied = store.apply_history(&incoming, now)?;
                    add_applied(report, &applied, page.changes.len() - incoming.len());
                    if !page.more || page.next <= after {
                        break;
                    }
                    after = page.next;
                }
                report.routed += 1;
            }
            report.forgotten += store.set_routing(list.version, &list.subjects)?;
            report.routed_list = true;
        }
        _ => {}
    }
    Ok(())
}

/// The position in a push of the change a refusal names (`changes[3].doc` → 3), for a refusal that
/// holds for that change only (403: a kind the role may not write, an erasure not signed with the key
/// the relay holds).
fn refused_position(error: &SyncError) -> Option<(usize, String)> {
    let SyncError::Refused { status: 403, kind, field: Some(field), .. } = error else { return None };
    let index = field.strip_prefix("changes[")?.split(']').next()?.parse().ok()?;
    Some((index, kind.clone()))
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
    let kept: Vec<(DocId, String)> =
        kept.iter().filter_map(|&i| sent.get(i as usize)).map(|c| (c.doc.clone(), c.hash.clone())).collect();
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
#[allow(clippy::too_many_arguments)]
async fn sync_village(
    store: &mut Store,
    relay: &Relay,
    state: &SyncState,
    report: &mut Report,
    routes: &mut Option<u64>,
    progress: &mut dyn FnMut(&Progress),
    now: DateTime<Utc>,
) -> Result<bool, SyncError> {
    let mut p = push_progress(store)?;
    let (first, after, answer, sent_bytes, received_bytes) = loop {
        let mut after = 0;
        let first = next_batch(store, state, &mut after, report)?;
        let changes: Vec<Change> = first.iter().map(to_wire).collect();
        let request = SyncRequest { changes, after: state.cursor, limit: limits::DEFAULT_PAGE };
        match relay.sync(&state.scope, &request).await {
            Ok((answer, sent, received)) => break (first, after, answer, sent, received),
            Err(e) => {
                // One change the relay will not take: it waits in the outbox, and the round goes again.
                let (i, kind) = refused_position(&e).ok_or(e)?;
                let refused =
                    first.get(i).ok_or_else(|| SyncError::Wire("a refusal names no change sent".into()))?;
                store.hold_outgoing(&refused.doc, &refused.hash, &kind)?;
                report.notices.push(refusal_notice(refused, &kind));
            }
        }
    };
    let digest = batch_digest(first.iter().map(to_wire).filter_map(|c| c.hash().ok()));
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
    *routes = Some(page.routes);
    apply(store, page, received_bytes, None, report, &mut pulled, progress, now)?;
    if push(store, relay, state, after, report, &mut p, progress, now).await? {
        return Ok(true);
    }
    if more && next > state.cursor {
        return pull(store, relay, &state.scope, None, next, report, routes, &mut pulled, progress, now)
            .await;
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
        let (answer, sent_bytes) = match relay.push(&state.scope, &PushRequest { changes }).await {
            Ok(answered) => answered,
            Err(e) => {
                // One change the relay will not take: it waits in the outbox, the rest goes again.
                let (i, kind) = refused_position(&e).ok_or(e)?;
                let refused = sendable
                    .get(i)
                    .ok_or_else(|| SyncError::Wire("a refusal names no change sent".into()))?;
                store.hold_outgoing(&refused.doc, &refused.hash, &kind)?;
                report.notices.push(refusal_notice(refused, &kind));
                after = sendable.first().map_or(after, |c| c.seq - 1);
                continue;
            }
        };
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
        if pull(store, relay, space, Some(space), *cursor, report, &mut None, &mut p, progress, now).await? {
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
    routes: &mut Option<u64>,
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
        *routes = Some(page.routes);
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
    let incoming = incoming(&page);
    let applied = match per_space {
        None => store.apply_remote(&incoming, page.next, now)?,
        Some(space) => store.apply_remote_in(space, &incoming, page.next, now)?,
    };
    add_applied(report, &applied, page.changes.len() - incoming.len());
    report.wire_bytes += received_bytes as u64;
    report.received_bytes += received_bytes as u64;
    p.changes_done += page.changes.len() as u64;
    p.changes_total = p.changes_total.max(p.changes_done + page.latest.saturating_sub(page.next));
    p.bytes_done += received_bytes as u64;
    progress(p);
    Ok(())
}

/// Counts what applying did in the report; `unreadable` changes the page held that were not even
/// addressed to a document this build knows.
fn add_applied(report: &mut Report, applied: &Applied, unreadable: usize) {
    report.received.applied += applied.applied;
    report.received.duplicates += applied.duplicates;
    report.received.quarantined += applied.quarantined + unreadable;
    report.received.released += applied.released;
    report.received.held += applied.held;
    report.received.forbidden += applied.forbidden;
    report.received.keys += applied.keys;
}

/// The changes of a page as the store applies them, each with the role of the device that pushed it
/// (a page that names fewer roles than changes is from a relay that does not say: the rest count as a
/// helper's, the least a village device writes).
fn incoming(page: &PullResponse) -> Vec<IncomingChange> {
    page.changes
        .iter()
        .enumerate()
        .filter_map(|(i, (_, c))| {
            let by = page.pushers.get(i).copied().unwrap_or(shouwang_protocol::Role::Helper);
            from_wire(c, Role::parse(by.code()).unwrap_or(Role::Helper))
        })
        .collect()
}

/// What the user is told of a change the relay refused.
fn refusal_notice(change: &OutgoingChange, kind: &str) -> String {
    format!(
        "中继服务器拒收一条对 {} 的修改（{kind}），已保留在本机待处理 / the relay refused a change to {} ({kind}); it is kept here",
        change.doc.kind.zh(),
        change.doc.kind.code()
    )
}

fn to_wire(c: &OutgoingChange) -> Change {
    Change {
        doc: DocRef { elder: c.doc.elder.to_string(), kind: c.doc.kind.code().to_string() },
        bytes: c.bytes.clone(),
    }
}

fn from_wire(c: &Change, by: Role) -> Option<IncomingChange> {
    let doc = format!("{}/{}", c.doc.elder, c.doc.kind).parse().ok()?;
    Some(IncomingChange { doc, bytes: c.bytes.clone(), by })
}
