//! The bodies of the four fuzz targets, as plain functions: `fuzz_targets/*.rs` hand them libFuzzer's
//! inputs, and the workspace's tests (`crates/sim/tests/stories/fuzz_replay.rs`) run them over every
//! input kept in `fuzz/corpus/**` and `fuzz/regressions/**`, so CI replays each kept input on the stable
//! toolchain without building the sanitizer targets.

use super::{now, records, registry};
use shouwang_core::doc::DocId;
use shouwang_core::store::{IncomingChange, Store};
use shouwang_protocol::envelope;
use shouwang_protocol::{
    decode, encode_as, Change, EnrolmentRequest, EnrolmentRequestV1, FamilyCodeRequest, Format, PushRequest,
    RedeemRequest, SyncRequest,
};

fn check_changes(changes: &[Change]) {
    for change in changes {
        // What the relay checks of each change: its address and its envelope's header; the hash.
        if change.validate().is_ok() {
            let header = envelope::parse(&change.bytes).expect("a valid change is an envelope");
            assert!(header.header_len + envelope::TAG_LEN <= change.bytes.len());
            assert_eq!(change.hash().expect("a valid change has a hash").len(), 64);
        }
    }
}

fn round_trip<T>(data: &[u8]) -> Option<T>
where
    T: serde::de::DeserializeOwned + serde::Serialize + PartialEq + std::fmt::Debug,
{
    let message: T = decode(data).ok()?;
    let format = Format::of(data).unwrap_or(Format::CURRENT);
    let again: T = decode(&encode_as(format, &message)).expect("what decoded encodes and decodes again");
    assert_eq!(again, message);
    Some(message)
}

/// `relay_request`: every body a device may send (push, sync, redeem, enrolment codes in their three
/// bodies) through `decode` as the relay's `body()` does, then what the relay checks of each change
/// (address, the envelope's header, the hash). Whatever decodes must encode again to the same message;
/// the raw input is also parsed as one envelope.
pub fn relay_request(data: &[u8]) {
    if let Some(push) = round_trip::<PushRequest>(data) {
        check_changes(&push.changes);
    }
    if let Some(sync) = round_trip::<SyncRequest>(data) {
        check_changes(&sync.changes);
    }
    let _ = round_trip::<RedeemRequest>(data);
    let _ = round_trip::<EnrolmentRequest>(data);
    let _ = round_trip::<EnrolmentRequestV1>(data);
    let _ = round_trip::<FamilyCodeRequest>(data);
    if let Ok(header) = envelope::parse(data) {
        assert_eq!(header.to_bytes(), data[..header.header_len]);
    }
}

/// `resident_id`: any string is accepted or refused with a reason, never a panic; an accepted number
/// keeps its characters (upper-case `X`), agrees with its check digit, and its masked form hides the
/// birth date.
pub fn resident_id(data: &[u8]) {
    use shouwang_core::resident_id::{check_digit, ResidentId};
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Ok(id) = ResidentId::parse(s) {
        let text = id.as_str();
        assert_eq!(text.len(), 18);
        assert_eq!(check_digit(&text[..17]), text.chars().last());
        let _ = (id.birth_date(), id.sex(), id.region(), id.kind());
        assert!(!id.masked().contains(&text[6..14]), "the masked number shows the birth date");
        assert_eq!(ResidentId::parse(text).as_ref().map(ResidentId::as_str), Ok(text));
    }
    if let Ok(id) = ResidentId::parse_legacy(s) {
        assert_eq!(id.as_str().len(), 18);
    }
    let _ = check_digit(s);
}

/// `ledger_import`: any bytes read as a CSV (UTF-8 or GBK) or an XLSX workbook (the first byte picks),
/// then planned against `store`; a refusal is an error or a refused row, never a panic.
pub fn ledger_import(store: &Store, data: &[u8]) {
    use shouwang_core::ledger::{plan, read_csv, read_xlsx, ImportContext};
    let Some((&which, bytes)) = data.split_first() else { return };
    let sheet = if which % 2 == 0 { read_csv(bytes) } else { read_xlsx(bytes, None) };
    let Ok(sheet) = sheet else { return };
    let ctx = ImportContext::new(
        store.registry().unit.clone(),
        store.policy(),
        shouwang_core::time::local_date(now()),
    );
    if let Ok(planned) = plan(&sheet, store, &ctx) {
        let _ = (planned.ok(), planned.refused(), planned.existing(), planned.with_warnings());
    }
}

/// `apply_changes`: any bytes for any document of a registry (`store` with `elders`), applied as a
/// pulled page is (`Store::apply_remote`). A record's bytes are sealed with the registry's own key, as
/// another device of the village seals its changes, so they reach automerge: as an automerge change, or
/// (high bit of the kind byte) first wrapped in a change chunk with a valid checksum. With the high bit
/// of the elder byte, or when the registry holds no key for the document, they are the envelope as
/// received instead (parsing, opening, quarantine). Never a
/// panic nor an error; applied + duplicates + quarantined = sent; the projection equals a rebuild. Returns the counts.
pub fn apply_changes(
    store: &mut Store,
    elders: &[shouwang_core::elder::ElderId],
    data: &[u8],
) -> shouwang_core::store::Applied {
    let changes: Vec<IncomingChange> = records(data)
        .into_iter()
        .map(|r| {
            let doc = DocId {
                elder: elders[usize::from(r.elder & 0x7f) % elders.len()].clone(),
                kind: r.doc_kind(),
            };
            let bytes = if r.as_received() {
                r.bytes.to_vec()
            } else {
                let change =
                    if r.wrap() { shouwang_protocol::change_chunk(r.bytes) } else { r.bytes.to_vec() };
                // An elder's `sensitive` document has a key once something sensitive was written; for
                // one without, the bytes go as they are (and are refused: not an envelope).
                store.seal_change(&doc, &change).unwrap_or(change)
            };
            // As an office desk pushed it: every field of every kind may be written.
            IncomingChange { doc, bytes, by: shouwang_core::role::Role::Committee }
        })
        .collect();
    let applied = store.apply_remote(&changes, 0, now()).expect("applying never fails on bad bytes");
    assert_eq!(applied.applied + applied.duplicates + applied.quarantined, changes.len());
    // What was applied or released from quarantine was saved: every document must load again.
    if applied.applied + applied.released > 0 {
        let before = store.projection_dump().expect("the projection");
        store.rebuild().expect("a rebuild");
        assert_eq!(store.projection_dump().expect("the projection"), before, "projection ≠ rebuild");
    }
    applied
}

/// A registry for [`apply_changes`] and [`ledger_import`], as the targets make it.
pub fn fresh_registry(elders: usize) -> (tempfile::TempDir, Store, Vec<shouwang_core::elder::ElderId>) {
    registry(elders)
}
