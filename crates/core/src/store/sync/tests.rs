//! The store's sync rules, one story each, with two stores exchanging changes directly (no relay).

use super::*;
use crate::demo::{demo_village, DemoVillage};
use crate::elder::Elder;
use crate::store::Store;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T09:00:00+08:00").unwrap().to_utc()
}

struct Tablet {
    _dir: tempfile::TempDir,
    store: Store,
}

fn tablet() -> Tablet {
    let dir = tempfile::tempdir().unwrap();
    let store =
        Store::init(dir.path().join("t.sqlite"), "511902106202".parse().unwrap(), "斑竹村", "sichuan", now())
            .unwrap();
    Tablet { _dir: dir, store }
}

/// Two tablets of the village: `b` imported a committee key bundle from `a`.
fn pair() -> (Tablet, Tablet) {
    let mut a = tablet();
    let b = keyed_from(&mut a, crate::role::Role::Committee);
    (a, b)
}

/// A new tablet holding the keys `issuer` gives a device of `role`.
fn keyed_from(issuer: &mut Tablet, role: crate::role::Role) -> Tablet {
    let b = tablet();
    let mut b = b;
    let bundle = issuer.store.issue_key_bundle(role, None, None, "b", now()).unwrap();
    b.store.import_key_bundle(&bundle.to_text(), now()).unwrap();
    b
}

fn enrolled(relay: &str, epoch: &str) -> SyncState {
    SyncState {
        relay: relay.into(),
        token: "t".into(),
        device_id: "d".into(),
        role: "committee".into(),
        scope: "511902106202".into(),
        elder: None,
        epoch: epoch.into(),
        cursor: 0,
        last_success: None,
        last_attempt: None,
        last_error: None,
        helper: None,
    }
}

fn elders(n: usize) -> Vec<Elder> {
    demo_village(&DemoVillage::bazhou(), n, 11)
}

/// Everything in `from`'s outbox, sealed, as the relay would hand it on (the elders' own keys first
/// given, as before a push).
fn outgoing(from: &mut Store) -> Vec<IncomingChange> {
    from.prepare_outbox(now()).unwrap();
    from.outbox_batch(0, 100_000, usize::MAX)
        .unwrap()
        .into_iter()
        .map(|c| IncomingChange { doc: c.doc, bytes: c.bytes, by: crate::role::Role::Committee })
        .collect()
}

/// The outbox keys of everything waiting in `from`'s outbox (what acknowledging takes).
fn outbox_keys(from: &Store) -> Vec<(DocId, String)> {
    from.outbox_batch(0, 100_000, usize::MAX).unwrap().into_iter().map(|c| (c.doc, c.hash)).collect()
}

fn records(store: &Store) -> Vec<Elder> {
    let filter = crate::store::ElderFilter { any_status: true, ..Default::default() };
    let today = crate::time::local_date(now());
    store.list(&filter, today).unwrap().iter().map(|r| store.elder(&r.id).unwrap()).collect()
}

#[test]
fn only_what_the_relay_acknowledged_leaves_the_outbox() {
    let mut a = tablet();
    for e in elders(3) {
        a.store.add_elder(e, now()).unwrap();
    }
    let all = a.store.outbox_batch(0, 1000, usize::MAX).unwrap();
    let kept: Vec<(DocId, String)> = all.iter().take(4).map(|c| (c.doc.clone(), c.hash.clone())).collect();
    assert_eq!(a.store.acknowledge(&kept).unwrap(), 4);
    assert_eq!(a.store.outbox_len().unwrap(), all.len() as u64 - 4);
    // Hashes it never had are ignored; acknowledging again removes nothing.
    let never = (all[0].doc.clone(), "ff".repeat(32));
    assert_eq!(a.store.acknowledge(&[never]).unwrap(), 0);
    // The hash of a change acknowledged for another document removes nothing here.
    let elsewhere = DocId { elder: ElderId::random(), kind: all[5].doc.kind };
    assert_eq!(a.store.acknowledge(&[(elsewhere, all[5].hash.clone())]).unwrap(), 0);
    assert_eq!(a.store.acknowledge(&kept).unwrap(), 0);
}

#[test]
fn a_page_applied_twice_changes_nothing_the_second_time() {
    let (mut a, mut b) = pair();
    b.store.set_enrolment(&enrolled("http://r", "e1"), now()).unwrap();
    for e in elders(5) {
        a.store.add_elder(e, now()).unwrap();
    }
    let page = outgoing(&mut a.store);
    let first = b.store.apply_remote(&page, 40, now()).unwrap();
    assert_eq!(first.applied + first.keys, page.len(), "every change and every elder's key: {first:?}");
    let before = b.store.projection_dump().unwrap();
    let again = b.store.apply_remote(&page, 20, now()).unwrap();
    assert_eq!((again.applied, again.duplicates), (0, page.len()));
    assert_eq!(b.store.projection_dump().unwrap(), before);
    assert_eq!(b.store.sync_state().unwrap().unwrap().cursor, 40, "the cursor never moves back");
    assert_eq!(records(&a.store), records(&b.store));
    assert_eq!(a.store.projection_dump().unwrap(), b.store.projection_dump().unwrap(), "projections agree");
}

#[test]
fn a_change_that_arrives_before_its_predecessor_waits_in_quarantine() {
    let (mut a, mut b) = pair();
    b.store.set_enrolment(&enrolled("http://r", "e1"), now()).unwrap();
    let saved = a.store.add_elder(elders(1).remove(0), now()).unwrap();
    let creation = outgoing(&mut a.store);
    a.store.acknowledge(&outbox_keys(&a.store)).unwrap();
    a.store
        .update_elder(&saved.id, now(), |e| {
            e.address = "斑竹村5组1号".into();
            Ok(())
        })
        .unwrap();
    let edit = outgoing(&mut a.store);
    assert_eq!(edit.len(), 1);

    let early = b.store.apply_remote(&edit, 1, now()).unwrap();
    assert_eq!(early.quarantined, 1);
    assert_eq!(b.store.quarantined().unwrap()[0].reason, "missing_dependencies");
    let later = b.store.apply_remote(&creation, 2, now()).unwrap();
    assert_eq!(later.released, 1);
    assert!(b.store.quarantined().unwrap().is_empty());
    assert_eq!(b.store.elder(&saved.id).unwrap().address, "斑竹村5组1号");
}

#[test]
fn a_damaged_change_is_quarantined_and_does_not_block_the_rest() {
    let (mut a, mut b) = pair();
    b.store.set_enrolment(&enrolled("http://r", "e1"), now()).unwrap();
    for e in elders(2) {
        a.store.add_elder(e, now()).unwrap();
    }
    let mut page = outgoing(&mut a.store);
    let garbage = IncomingChange {
        doc: page[0].doc.clone(),
        bytes: b"not a change".to_vec(),
        by: crate::role::Role::Committee,
    };
    let mut damaged = page[1].clone();
    let last = damaged.bytes.len() - 1;
    damaged.bytes[last] ^= 0x40;
    page.insert(0, garbage);
    page.insert(1, damaged);
    let report = b.store.apply_remote(&page, 9, now()).unwrap();
    assert_eq!(report.quarantined, 2);
    let held = b.store.quarantined().unwrap();
    let reasons: Vec<&str> = held.iter().map(|q| q.reason.as_str()).collect();
    assert!(reasons.contains(&"not_sealed") && reasons.contains(&"unopenable"), "{reasons:?}");
    let keys: Vec<String> = held.into_iter().map(|q| q.hash).collect();
    assert!(keys.contains(&hex::encode(Sha256::digest(b"not a change"))), "keyed by the bytes' SHA-256");
    assert_ne!(keys[0], keys[1]);
    assert_eq!(records(&b.store).len(), 2, "the good changes were applied");
}

#[test]
fn a_relay_restored_from_backup_gets_everything_again() {
    let mut a = tablet();
    a.store.set_enrolment(&enrolled("http://r", "e1"), now()).unwrap();
    for e in elders(3) {
        a.store.add_elder(e, now()).unwrap();
    }
    outgoing(&mut a.store);
    let all = outbox_keys(&a.store);
    a.store.acknowledge(&all).unwrap();
    a.store.apply_remote(&[], 77, now()).unwrap();
    assert_eq!(a.store.outbox_len().unwrap(), 0);

    assert!(!a.store.observe_epoch("e1", now()).unwrap(), "same epoch: nothing to do");
    assert!(a.store.observe_epoch("e2", now()).unwrap());
    assert_eq!(a.store.outbox_len().unwrap(), all.len() as u64, "every change queued again");
    let state = a.store.sync_state().unwrap().unwrap();
    assert_eq!((state.epoch.as_str(), state.cursor), ("e2", 0));
}

#[test]
fn a_new_enrolment_never_drops_local_edits() {
    let mut a = tablet();
    a.store.set_enrolment(&enrolled("http://old", "e1"), now()).unwrap();
    for e in elders(2) {
        a.store.add_elder(e, now()).unwrap();
    }
    let pending = a.store.outbox_len().unwrap();
    // The same relay again (a new token after a change of user): the outbox stays as it is.
    a.store.set_enrolment(&enrolled("http://old", "e1"), now()).unwrap();
    assert_eq!(a.store.outbox_len().unwrap(), pending);
    // Another relay: everything is queued for it, nothing lost.
    let acked: Vec<(DocId, String)> = outbox_keys(&a.store).into_iter().take(3).collect();
    a.store.acknowledge(&acked).unwrap();
    a.store.set_enrolment(&enrolled("http://new", "x9"), now()).unwrap();
    assert_eq!(a.store.outbox_len().unwrap(), pending);
}

#[test]
fn the_same_elder_registered_on_two_tablets_becomes_one_with_the_clash_on_the_review_list() {
    let (mut a, mut b) = pair();
    b.store.set_enrolment(&enrolled("http://r", "e1"), now()).unwrap();
    let original = elders(1).remove(0);
    let mut other = original.clone();
    other.address = "斑竹村8组2号".into();
    other.children.truncate(1);
    let id_a = a.store.add_elder(original.clone(), now()).unwrap().id;
    let id_b = b.store.add_elder(other, now()).unwrap().id;
    assert_eq!(id_a, id_b, "the ID number decides the elder");
    b.store.apply_remote(&outgoing(&mut a.store), 10, now()).unwrap();
    let merged = b.store.elder(&id_b).unwrap();
    assert!(
        merged.children.len() == original.children.len() || merged.children.len() == 1,
        "one device's children list wins whole: no doubling ({} children)",
        merged.children.len()
    );
    assert_eq!(records(&b.store).len(), 1);
    let review = b.store.review_list().unwrap();
    assert!(review.iter().any(|r| r.field == "address"), "{review:?}");
    assert!(review.iter().any(|r| r.field == "children"), "{review:?}");
}

#[test]
fn a_township_office_keeps_one_cursor_per_village_moved_with_its_page_and_cleared_by_a_new_epoch() {
    let mut office = tablet();
    let mut state = enrolled("http://r", "e1");
    (state.role, state.scope) = ("township".into(), "511902106000".into());
    office.store.set_enrolment(&state, now()).unwrap();
    let mut village = tablet();
    office = keyed_from(&mut village, crate::role::Role::Township);
    office.store.set_enrolment(&state, now()).unwrap();
    for e in elders(2) {
        village.store.add_elder(e, now()).unwrap();
    }
    office.store.note_space_heads(&[("511902106202".into(), 9), ("511902106203".into(), 4)]).unwrap();
    let applied =
        office.store.apply_remote_in("511902106202", &outgoing(&mut village.store), 9, now()).unwrap();
    assert!(applied.applied > 0);
    assert_eq!(records(&office.store).len(), 2, "the village's elders are on the office's store");
    office.store.apply_remote_in("511902106202", &[], 3, now()).unwrap();
    let cursors = office.store.space_cursors().unwrap();
    let at: Vec<(&str, u64, u64)> = cursors.iter().map(|c| (c.space.as_str(), c.cursor, c.head)).collect();
    assert_eq!(at, [("511902106202", 9, 9), ("511902106203", 0, 4)], "never back; the other waits");
    assert_eq!(office.store.sync_state().unwrap().unwrap().cursor, 0, "the device's own cursor is untouched");

    assert!(office.store.observe_epoch("e2", now()).unwrap());
    assert_eq!(office.store.space_cursors().unwrap(), [], "a restored relay: every village from zero");
    office.store.apply_remote_in("511902106203", &[], 4, now()).unwrap();
    office.store.set_enrolment(&state, now()).unwrap();
    assert_eq!(office.store.space_cursors().unwrap(), [], "a new enrolment: every village from zero");
}

#[test]
fn an_erased_elder_is_gone_everywhere_and_an_old_copy_no_longer_opens() {
    let (mut a, mut b) = pair();
    b.store.set_enrolment(&enrolled("http://r", "e1"), now()).unwrap();
    let ids: Vec<ElderId> = elders(2).into_iter().map(|e| a.store.add_elder(e, now()).unwrap().id).collect();
    // What the relay holds before the erasure: its backup.
    let backup = outgoing(&mut a.store);
    a.store.acknowledge(&outbox_keys(&a.store)).unwrap();
    b.store.apply_remote(&backup, 10, now()).unwrap();
    assert_eq!(b.store.elder_key_count(&ids[0]).unwrap(), 1, "the other office device got the elder's key");
    assert!(b.store.elder(&ids[0]).unwrap().id_number.is_some());

    a.store.erase_elder(&ids[0], "本人申请删除", now()).unwrap();
    let erasure = outgoing(&mut a.store);
    assert_eq!(erasure.len(), 1, "one erasure goes out, nothing else of the elder");
    b.store.apply_remote(&erasure, 11, now()).unwrap();
    for store in [&a.store, &b.store] {
        assert_eq!(store.elder_key_count(&ids[0]).unwrap(), 0, "the key is destroyed");
        assert!(matches!(store.elder(&ids[0]), Err(Error::NotFound(_))));
        let docs: i64 = store
            .conn
            .query_row("SELECT count(*) FROM documents WHERE elder_id = ?1", [ids[0].as_str()], |r| r.get(0))
            .unwrap();
        assert_eq!(docs, 0, "no document of the elder is left");
        assert!(store.elder(&ids[1]).is_ok(), "the other elder is untouched");
        // The sensitive envelopes of the old copy open with no key the device still holds.
        for c in backup.iter().filter(|c| c.doc.elder == ids[0] && c.doc.kind == DocKind::Sensitive) {
            let found = keys::keys_for(&store.conn, "511902106202", What::Change, &c.doc, None).unwrap();
            assert!(found.is_empty(), "a key for the erased elder's sensitive document is left");
        }
    }
    // Replaying the old copy brings nothing of the elder back.
    let replay = b.store.apply_remote(&backup, 12, now()).unwrap();
    assert!(matches!(b.store.elder(&ids[0]), Err(Error::NotFound(_))), "{replay:?}");
    assert_eq!(b.store.erasures().unwrap().len(), 1);
}

#[test]
fn after_a_rotation_the_kept_helper_reads_on_and_the_revoked_one_cannot() {
    let mut desk = tablet();
    let mut kept = tablet();
    let mut revoked = tablet();
    let mut key_ids = Vec::new();
    for t in [&mut kept, &mut revoked] {
        let bundle =
            desk.store.issue_key_bundle(crate::role::Role::Helper, None, None, "tablet", now()).unwrap();
        t.store.import_key_bundle(&bundle.to_text(), now()).unwrap();
        key_ids.push(bundle.key_id);
    }
    desk.store.add_elder(elders(1).remove(0), now()).unwrap();
    let first = outgoing(&mut desk.store);
    desk.store.acknowledge(&outbox_keys(&desk.store)).unwrap();
    for t in [&mut kept, &mut revoked] {
        t.store.apply_remote(&first, 5, now()).unwrap();
        assert_eq!(records(&t.store).len(), 1);
    }
    desk.store.revoke_device_key(&key_ids[1], now()).unwrap();
    assert_eq!(desk.store.rotate_keys(now()).unwrap(), 2);
    let id = records(&desk.store)[0].id.clone().unwrap();
    desk.store
        .update_elder(&id, now(), |e| {
            e.address = "斑竹村9组9号".into();
            Ok(())
        })
        .unwrap();
    let after = outgoing(&mut desk.store);
    let packages = after.iter().filter(|c| c.doc.kind == DocKind::Keys).count();
    assert_eq!(packages, 1, "a key package for the kept tablet only");
    let got = kept.store.apply_remote(&after, 9, now()).unwrap();
    assert!(got.keys > 0, "{got:?}");
    assert_eq!(kept.store.elder(&id).unwrap().address, "斑竹村9组9号", "the kept tablet reads generation 2");
    let refused = revoked.store.apply_remote(&after, 9, now()).unwrap();
    assert!(refused.held > 0, "{refused:?}");
    assert_ne!(
        revoked.store.elder(&id).unwrap().address,
        "斑竹村9组9号",
        "the revoked bundle reads nothing new"
    );
}

#[test]
fn a_village_initialised_with_sm4_gcm_seals_every_change_with_it() {
    let mut a = tablet();
    a.store.set_cipher(crate::keys::Alg::Sm4Gcm).unwrap();
    let mut b = keyed_from(&mut a, crate::role::Role::Committee);
    b.store.set_enrolment(&enrolled("http://r", "e1"), now()).unwrap();
    for e in elders(3) {
        a.store.add_elder(e, now()).unwrap();
    }
    let page = outgoing(&mut a.store);
    assert!(page.iter().all(|c| c.bytes[4] == 2), "every envelope's algorithm byte is SM4-GCM's");
    let applied = b.store.apply_remote(&page, 5, now()).unwrap();
    assert_eq!(applied.applied + applied.keys, page.len(), "{applied:?}");
    assert_eq!(records(&a.store), records(&b.store));
    // Once anything is written, the cipher is fixed.
    assert!(a.store.set_cipher(crate::keys::Alg::XChaCha20Poly1305).is_err());
}
