//! The relay under end-to-end encryption: it takes only sealed envelopes, lets only the office write
//! keys, and when the committee erases an elder it keeps nothing of them but the erasure itself.

use crate::common::*;
use shouwang_protocol::envelope::What;
use shouwang_protocol::{Change, PushResponse, Role};

/// An automerge change in the clear is refused whole, naming the change, and nothing is stored.
#[tokio::test]
async fn a_change_in_the_clear_is_refused_and_nothing_of_its_push_is_stored() {
    let relay = Relay::start().await;
    let helper = relay.device(Role::Helper, VILLAGE_A, None).await;
    let committee = relay.device(Role::Committee, VILLAGE_A, None).await;
    let mut clear = change('a', "card", 1);
    clear.bytes = shouwang_protocol::change_chunk("王秀英 511902193804120021".as_bytes());
    let refused = helper.push(VILLAGE_A, &[clear.clone(), change('a', "card", 2)]).await;
    assert_eq!(refused.status(), 400);
    let body = json(refused).await;
    assert_eq!((body["kind"].as_str(), body["field"].as_str()), (Some("invalid"), Some("changes[0].bytes")));
    assert!(!body.to_string().contains("王秀英"), "the refusal does not echo the bytes");
    let refused = helper.sync_raw(VILLAGE_A, &[change('a', "card", 3), clear], 0).await;
    assert_eq!(json(refused).await["field"], "changes[1].bytes");
    assert!(committee.pull_all(VILLAGE_A).await.is_empty(), "nothing of either push is stored");
    let file = std::fs::read(relay.dir.path().join(shouwang_relay::SqliteStore::FILE)).unwrap();
    assert!(!contains(&file, "王秀英".as_bytes()));
    relay.stop().await;
}

/// Keys come from the committee only; a helper writes its audit log; a family phone writes nothing but
/// its elder's family document. Each refusal names the change's document and stores nothing.
#[tokio::test]
async fn keys_come_only_from_the_committee_and_each_refusal_names_the_document() {
    let relay = Relay::start().await;
    let helper = relay.device(Role::Helper, VILLAGE_A, None).await;
    let committee = relay.device(Role::Committee, VILLAGE_A, None).await;
    let family = relay.device(Role::Family, VILLAGE_A, Some(&elder('a'))).await;
    let refusals = [
        (&helper, vec![change('a', "card", 1), sealed('a', "keyring", What::ElderKey, 2)], "changes[1].doc"),
        (&helper, vec![sealed('c', "keys", What::KeyPackage, 3)], "changes[0].doc"),
        (&helper, vec![sealed('a', "keyring", What::Erasure, 4)], "changes[0].doc"),
        (&family, vec![sealed('a', "keys", What::KeyPackage, 5)], "changes[0].doc"),
        (&family, vec![change('a', "family", 6), change('d', "audit", 7)], "changes[1].doc"),
        (&family, vec![change('b', "family", 8)], "changes[0].doc"),
        (&committee, vec![change('a', "card", 9), sealed('a', "card", What::Erasure, 10)], "changes[1].doc"),
    ];
    for (device, changes, field) in refusals {
        let response = device.push(VILLAGE_A, &changes).await;
        assert_eq!(response.status(), 403, "{field}");
        let body = json(response).await;
        assert_eq!((body["kind"].as_str(), body["field"].as_str()), (Some("forbidden"), Some(field)));
    }
    assert!(committee.pull_all(VILLAGE_A).await.is_empty(), "no refused push stored anything");

    let office = [sealed('a', "keyring", What::ElderKey, 11), sealed('c', "keys", What::KeyPackage, 12)];
    assert_eq!(committee.push(VILLAGE_A, &office).await.status(), 200);
    let audit = [change('d', "audit", 13)];
    assert_eq!(helper.push(VILLAGE_A, &audit).await.status(), 200);
    assert_eq!(committee.push(VILLAGE_A, &[change('e', "audit", 14)]).await.status(), 200);
    let mut short = change('d', "audit", 15);
    short.doc.elder = "d".repeat(16);
    let refused = helper.push(VILLAGE_A, &[short]).await;
    assert_eq!(json(refused).await["field"], "changes[0].doc.elder", "an audit log's subject is 32 hex");

    // Who reads what: the key packages reach helpers and the family of their elder; elders' keys and
    // audit logs only the office.
    let kinds =
        |changes: Vec<(u64, Change)>| changes.into_iter().map(|(_, c)| c.doc.kind).collect::<Vec<_>>();
    assert_eq!(kinds(helper.pull_all(VILLAGE_A).await), ["keys"], "its own audit log it has; others' not");
    let township = relay.device(Role::Township, TOWNSHIP, None).await;
    assert_eq!(kinds(township.pull_all(VILLAGE_A).await), ["keyring", "keys", "audit", "audit"]);
    assert!(
        family.pull_all(VILLAGE_A).await.is_empty(),
        "the key package is addressed to 'c', not its elder"
    );
    relay.stop().await;
}

/// The committee erases an elder: in the transaction that stores the erasure, the relay drops every
/// change it held of that elder (every kind), and later pushes of the elder's changes (an offline
/// tablet's outbox) are acknowledged and dropped. Pulling from 0 yields the erasure and nothing else
/// of the elder; the other elders and the numbering after the gap are as before; the database file
/// holds none of the elder's envelopes.
#[tokio::test]
async fn after_an_erasure_the_relay_holds_nothing_of_the_elder_but_the_erasure() {
    let mut relay = Relay::start().await;
    let helper = relay.device(Role::Helper, VILLAGE_A, None).await;
    let committee = relay.office(VILLAGE_A).await;
    let township = relay.device(Role::Township, TOWNSHIP, None).await;
    let erased: Vec<Change> = ["card", "family", "visits"]
        .iter()
        .enumerate()
        .map(|(i, k)| change('e', k, 100 + i as u16))
        .chain([
            change('e', "profile", 103),
            change('e', "sensitive", 110),
            sealed('e', "keyring", What::ElderKey, 111),
        ])
        .collect();
    let kept = [change('b', "card", 200), change('b', "visits", 201)];
    assert_eq!(helper.push(VILLAGE_A, &erased[..3]).await.status(), 200);
    assert_eq!(helper.push(VILLAGE_A, &kept).await.status(), 200);
    assert_eq!(committee.push(VILLAGE_A, &erased[3..]).await.status(), 200);
    // The helper has pulled everything up to 8 before the erasure.
    let before = helper.pull(VILLAGE_A, 0, 100).await;
    assert_eq!(before.next, 8);

    // A helper may not erase; the committee may, with the office's signature.
    let erasure = erasure('e', VILLAGE_A, 300);
    assert_eq!(helper.push(VILLAGE_A, std::slice::from_ref(&erasure)).await.status(), 403);
    let answer: PushResponse = shouwang_protocol::decode(
        &committee.push(VILLAGE_A, std::slice::from_ref(&erasure)).await.bytes().await.unwrap(),
    )
    .unwrap();
    assert_eq!((answer.kept, answer.cursor), (vec![0], 9));

    let everything = township.pull_all(VILLAGE_A).await;
    let of_e: Vec<_> = everything.iter().filter(|(_, c)| c.doc.elder == elder('e')).collect();
    assert_eq!(of_e, [&(9, erasure.clone())], "nothing of the elder but the erasure");
    assert_eq!(everything.iter().map(|(s, _)| *s).collect::<Vec<_>>(), [4, 5, 9], "gaps where it was");

    // An offline tablet pushes the elder's changes later, and once more a change the relay held before:
    // acknowledged (its outbox empties), not stored.
    let late = [change('e', "visits", 400), erased[1].clone(), change('b', "visits", 401)];
    let answer: PushResponse =
        shouwang_protocol::decode(&helper.push(VILLAGE_A, &late).await.bytes().await.unwrap()).unwrap();
    assert_eq!((answer.kept, answer.cursor), (vec![0, 1, 2], 10));
    // The helper's cursor, from before the erasure, goes on over the gap: it gets the erasure.
    let after = helper.pull(VILLAGE_A, before.next, 100).await;
    assert_eq!(after.changes, vec![(9, erasure.clone())]);
    assert_eq!(after.next, 10);
    let of_e =
        township.pull_all(VILLAGE_A).await.into_iter().filter(|(_, c)| c.doc.elder == elder('e')).count();
    assert_eq!(of_e, 1);
    // A second erasure of an erased elder changes nothing.
    let again = crate::common::erasure('e', VILLAGE_A, 301);
    assert_eq!(committee.push(VILLAGE_A, &[again]).await.status(), 200);
    assert_eq!(township.pull_all(VILLAGE_A).await.len(), 4);

    // Keep the data directory past the relay's stop.
    let kept_dir = std::mem::replace(&mut relay.dir, tempfile::tempdir().unwrap());
    let dir = kept_dir.path().to_path_buf();
    relay.stop().await;
    let mut file = std::fs::read(dir.join(shouwang_relay::SqliteStore::FILE)).unwrap();
    if let Ok(wal) = std::fs::read(dir.join(format!("{}-wal", shouwang_relay::SqliteStore::FILE))) {
        file.extend(wal);
    }
    for change in erased.iter().chain(&late[..1]) {
        // The ciphertext of each envelope of the elder (its body) is gone from the file and its log.
        let body = &change.bytes[35..change.bytes.len() - 16];
        assert!(!contains(&file, body), "{} still in the database", change.doc.kind);
    }
    assert!(contains(&file, &kept[0].bytes[35..kept[0].bytes.len() - 16]), "the test can find an envelope");
}

/// Whether `needle` occurs in `haystack`.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
