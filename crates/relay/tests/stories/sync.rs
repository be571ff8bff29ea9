//! Stories of devices enrolling, pushing and pulling through a relay on a real TCP listener.

use crate::common::*;
use shouwang_protocol::{
    batch_digest, decode, encode, limits, Change, PullResponse, PushResponse, RedeemResponse, Role,
    SyncResponse,
};
use shouwang_relay::Config;

#[tokio::test]
async fn an_enrolment_code_works_once() {
    let relay = Relay::start().await;
    let code = relay.code(Role::Helper, VILLAGE_A, None);
    let first = relay.redeem(&code.to_lowercase()).await;
    assert_eq!(first.status(), 200);
    let epoch = first.headers()["x-shouwang-epoch"].to_str().unwrap().to_string();
    let redeemed: RedeemResponse = decode(&first.bytes().await.unwrap()).unwrap();
    assert_eq!((redeemed.role, redeemed.scope.as_str(), redeemed.elder), (Role::Helper, VILLAGE_A, None));
    assert_eq!(redeemed.epoch, epoch);

    let second = relay.redeem(&code).await;
    assert_eq!(second.status(), 401);
    assert_eq!(json(second).await["kind"], "invalid_code");
    assert_eq!(relay.redeem("AAAAAAAAAA").await.status(), 401);
    relay.stop().await;
}

#[tokio::test]
async fn a_committee_pulls_in_order_with_cursors_what_a_helper_pushed_and_the_helper_gets_none_back() {
    let relay = Relay::start().await;
    let helper = relay.device(Role::Helper, VILLAGE_A, None).await;
    let committee = relay.device(Role::Committee, VILLAGE_A, None).await;
    let changes: Vec<_> = (1..=5).map(|n| change('a', "card", n)).collect();

    let response = helper.push(VILLAGE_A, &changes[..3]).await;
    assert_eq!(response.status(), 200);
    let pushed: PushResponse = decode(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(pushed.kept, [0, 1, 2], "kept by position in the push");
    assert_eq!(pushed.cursor, 3);
    let pushed: PushResponse =
        decode(&helper.push(VILLAGE_A, &changes[3..]).await.bytes().await.unwrap()).unwrap();
    assert_eq!(pushed.cursor, 5);

    let first = committee.pull(VILLAGE_A, 0, 2).await;
    assert_eq!(first.changes, vec![(1, changes[0].clone()), (2, changes[1].clone())]);
    assert_eq!((first.next, first.more), (2, true));
    let rest = committee.pull(VILLAGE_A, first.next, 10).await;
    assert_eq!(rest.changes.iter().map(|(s, _)| *s).collect::<Vec<_>>(), [3, 4, 5]);
    assert_eq!(rest.changes[2].1, changes[4]);
    assert_eq!((rest.next, rest.more), (5, false));
    let nothing = committee.pull(VILLAGE_A, 5, 10).await;
    assert_eq!((nothing.changes.len(), nothing.next, nothing.more), (0, 5, false));

    // The helper has its own changes: its pull costs nothing and still moves its cursor to the head.
    let own = helper.pull(VILLAGE_A, 0, 2).await;
    assert_eq!((own.changes.len(), own.next, own.more, own.latest), (0, 5, false, 5));
    relay.stop().await;
}

/// One round trip: the page after the device's cursor, read before its push is stored, and the push's
/// answer, bound to the changes it answers by their digest.
#[tokio::test]
async fn a_sync_pushes_and_pulls_in_one_round_trip_and_needs_write_rights_only_to_push() {
    let relay = Relay::start().await;
    let helper = relay.helper_tablet(VILLAGE_A, &elder('9')).await;
    let committee = relay.office(VILLAGE_A).await;
    let township = relay.device(Role::Township, TOWNSHIP, None).await;
    let theirs: Vec<_> = (1..=3).map(|n| change('a', "card", n)).collect();
    assert_eq!(committee.push(VILLAGE_A, &theirs).await.status(), 200);
    assert_eq!(committee.put_routes(VILLAGE_A, &[(elder('9'), vec![elder('a')])]).await.status(), 200);

    let mine = [change('b', "card", 4), change('b', "visits", 5)];
    let response = helper.sync_raw(VILLAGE_A, &mine, 1).await;
    assert_eq!(response.status(), 200);
    let answer: SyncResponse = decode(&response.bytes().await.unwrap()).unwrap();
    assert_eq!((answer.push.kept, answer.push.cursor), (vec![0, 1], 5), "stored: the head is 5");
    assert_eq!(answer.digest, batch_digest(mine.iter().map(|c| c.hash().unwrap())));
    assert_eq!(answer.pull.changes, vec![(2, theirs[1].clone()), (3, theirs[2].clone())]);
    assert_eq!((answer.pull.next, answer.pull.more), (3, false), "the page was read before the push");
    assert_eq!(committee.pull(VILLAGE_A, 3, 10).await.changes.len(), 2, "the push reached the others");

    // The helper's next sync brings nothing back: the changes after its cursor are its own.
    let quiet: SyncResponse =
        decode(&helper.sync_raw(VILLAGE_A, &[], 3).await.bytes().await.unwrap()).unwrap();
    assert_eq!((quiet.pull.changes.len(), quiet.pull.next, quiet.push.kept.len()), (0, 5, 0));

    // Reading needs read rights only; any change needs the right to write it.
    let read: SyncResponse =
        decode(&township.sync_raw(VILLAGE_A, &[], 0).await.bytes().await.unwrap()).unwrap();
    assert_eq!(read.pull.changes.len(), 5);
    assert_eq!(township.sync_raw(VILLAGE_A, &theirs[..1], 0).await.status(), 403);
    assert_eq!(helper.sync_raw(VILLAGE_B, &[], 0).await.status(), 403);
    let family = relay.device(Role::Family, VILLAGE_A, Some(&elder('a'))).await;
    assert_eq!(family.sync_raw(VILLAGE_A, &theirs[..1], 0).await.status(), 403, "a card, not family");
    let mut damaged = change('c', "card", 6);
    spoil(&mut damaged);
    let refused = helper.sync_raw(VILLAGE_A, &[change('c', "card", 7), damaged], 5).await;
    assert_eq!(refused.status(), 400);
    assert_eq!(json(refused).await["field"], "changes[1].bytes");
    assert_eq!(committee.pull(VILLAGE_A, 0, 10).await.latest, 5, "refused syncs stored nothing");
    relay.stop().await;
}

#[tokio::test]
async fn the_same_change_pushed_twice_is_stored_once_and_kept_both_times() {
    let relay = Relay::start().await;
    let helper = relay.device(Role::Helper, VILLAGE_A, None).await;
    let committee = relay.device(Role::Committee, VILLAGE_A, None).await;
    let township = relay.device(Role::Township, TOWNSHIP, None).await;
    let c = change('a', "visits", 7);
    for device in [&helper, &committee, &helper] {
        let response: PushResponse =
            decode(&device.push(VILLAGE_A, &[c.clone(), c.clone()]).await.bytes().await.unwrap()).unwrap();
        assert_eq!((response.kept, response.cursor), (vec![0, 1], 1));
    }
    assert_eq!(township.pull_all(VILLAGE_A).await, vec![(1, c.clone())]);
    // Each device that pushed it has it; neither is sent it back, whoever pushed it first.
    assert_eq!(committee.pull_all(VILLAGE_A).await, vec![]);
    assert_eq!(helper.pull_all(VILLAGE_A).await, vec![]);
    // A change the committee never had still reaches it, though it re-pushed the one before.
    let d = change('a', "visits", 8);
    helper.push(VILLAGE_A, &[d.clone(), c.clone()]).await;
    assert_eq!(committee.pull_all(VILLAGE_A).await, vec![(2, d)]);
    relay.stop().await;
}

#[tokio::test]
async fn a_family_phone_sees_only_its_own_elders_card_and_family() {
    let relay = Relay::start().await;
    let committee = relay.device(Role::Committee, VILLAGE_A, None).await;
    let kinds = ["card", "family", "profile", "sensitive", "assignment"];
    let all: Vec<_> = ['a', 'b']
        .into_iter()
        .flat_map(|e| kinds.iter().enumerate().map(move |(i, k)| change(e, k, (e as u16) * 10 + i as u16)))
        .collect();
    assert_eq!(committee.push(VILLAGE_A, &all).await.status(), 200);

    let family = relay.device(Role::Family, VILLAGE_A, Some(&elder('a'))).await;
    let seen = family.pull_all(VILLAGE_A).await;
    let docs: Vec<_> = seen.iter().map(|(_, c)| c.doc.to_string()).collect();
    assert_eq!(docs, [format!("{}/card", elder('a')), format!("{}/family", elder('a'))]);
    let page = family.pull(VILLAGE_A, 0, 10).await;
    assert_eq!((page.next, page.more), (10, false), "its cursor moves past what it may not see");
    let other_committee = relay.device(Role::Committee, VILLAGE_A, None).await;
    assert_eq!(other_committee.pull_all(VILLAGE_A).await.len(), 10);
    relay.stop().await;
}

#[tokio::test]
async fn a_helper_does_not_receive_sensitive_documents() {
    let relay = Relay::start().await;
    let committee = relay.office(VILLAGE_A).await;
    let helper = relay.helper_tablet(VILLAGE_A, &elder('9')).await;
    let pushed = [change('a', "sensitive", 1), change('a', "assignment", 2)];
    assert_eq!(committee.push(VILLAGE_A, &pushed).await.status(), 200);
    assert_eq!(committee.put_routes(VILLAGE_A, &[(elder('9'), vec![elder('a')])]).await.status(), 200);
    let kinds: Vec<_> = helper.pull_all(VILLAGE_A).await.into_iter().map(|(_, c)| c.doc.kind).collect();
    assert_eq!(kinds, ["assignment"]);
    relay.stop().await;
}

#[tokio::test]
async fn a_family_phone_writes_only_its_elders_family_document_and_a_refused_push_stores_nothing() {
    let relay = Relay::start().await;
    let family = relay.device(Role::Family, VILLAGE_A, Some(&elder('a'))).await;
    let committee = relay.device(Role::Committee, VILLAGE_A, None).await;

    let mixed = [change('a', "family", 1), change('a', "card", 2)];
    let refused = family.push(VILLAGE_A, &mixed).await;
    assert_eq!(refused.status(), 403);
    assert_eq!(
        json(refused).await,
        serde_json::json!({"kind": "forbidden", "field": "changes[1].doc", "message": "not allowed to write changes[1].doc"})
    );
    assert_eq!(family.push(VILLAGE_A, &[change('b', "family", 3)]).await.status(), 403);
    assert_eq!(family.push(VILLAGE_B, &[change('a', "family", 4)]).await.status(), 403);
    assert!(committee.pull_all(VILLAGE_A).await.is_empty());

    assert_eq!(family.push(VILLAGE_A, &mixed[..1]).await.status(), 200);
    assert_eq!(committee.pull_all(VILLAGE_A).await, vec![(1, mixed[0].clone())]);
    relay.stop().await;
}

#[tokio::test]
async fn a_village_a_device_can_neither_read_nor_write_village_b() {
    let relay = Relay::start().await;
    let a = relay.device(Role::Committee, VILLAGE_A, None).await;
    let b = relay.device(Role::Committee, VILLAGE_B, None).await;
    assert_eq!(b.push(VILLAGE_B, &[change('b', "card", 1)]).await.status(), 200);

    let read = a.pull_raw(VILLAGE_B, 0, 10).await;
    assert_eq!(read.status(), 403);
    let empty_village = a.pull_raw("511902106299", 0, 10).await;
    assert_eq!(empty_village.status(), 403);
    assert_eq!(
        json(read).await,
        json(empty_village).await,
        "a refusal does not tell whether a village has data"
    );
    assert_eq!(a.push(VILLAGE_B, &[change('a', "card", 2)]).await.status(), 403);
    assert_eq!(b.pull(VILLAGE_B, 0, 10).await.latest, 1, "village B holds its own change only");
    relay.stop().await;
}

#[tokio::test]
async fn a_township_reads_its_villages_but_never_writes() {
    let relay = Relay::start().await;
    let a = relay.device(Role::Committee, VILLAGE_A, None).await;
    let b = relay.device(Role::Committee, VILLAGE_B, None).await;
    assert_eq!(a.push(VILLAGE_A, &[change('a', "sensitive", 1)]).await.status(), 200);
    assert_eq!(b.push(VILLAGE_B, &[change('b', "card", 2)]).await.status(), 200);

    let township = relay.device(Role::Township, TOWNSHIP, None).await;
    assert_eq!(township.pull_all(VILLAGE_A).await.len(), 1);
    assert_eq!(township.pull_all(VILLAGE_B).await.len(), 1);
    assert_eq!(township.pull_raw("511902107202", 0, 10).await.status(), 403);
    assert_eq!(township.push(VILLAGE_A, &[change('a', "card", 3)]).await.status(), 403);
    assert_eq!(a.pull(VILLAGE_A, 0, 10).await.latest, 1, "the township's push stored nothing");
    relay.stop().await;
}

#[tokio::test]
async fn a_revoked_or_unknown_token_gets_401() {
    let relay = Relay::start().await;
    let helper = relay.device(Role::Helper, VILLAGE_A, None).await;
    assert_eq!(helper.pull_raw(VILLAGE_A, 0, 10).await.status(), 200);
    assert!(relay.state.store().revoke(&helper.id, shouwang_relay::now()).unwrap());
    let refused = helper.pull_raw(VILLAGE_A, 0, 10).await;
    assert_eq!(refused.status(), 401);
    assert_eq!(json(refused).await["kind"], "unauthorised");
    assert_eq!(helper.push(VILLAGE_A, &[change('a', "card", 1)]).await.status(), 401);

    let stranger = Device { token: "0".repeat(64), ..helper };
    assert_eq!(stranger.pull_raw(VILLAGE_A, 0, 10).await.status(), 401);
    let anonymous =
        relay.http.get(format!("{}/v1/spaces/{VILLAGE_A}/changes", relay.url)).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    relay.stop().await;
}

#[tokio::test]
async fn malformed_input_gets_400_naming_the_field_and_stores_nothing() {
    let relay = Relay::start().await;
    let helper = relay.device(Role::Helper, VILLAGE_A, None).await;
    let good = change('a', "card", 1);
    let mut damaged = change('a', "card", 2);
    spoil(&mut damaged);
    // An automerge change in the clear, not sealed: the relay takes only envelopes.
    let mut compressed = change('a', "card", 5);
    compressed.bytes = shouwang_protocol::change_chunk(b"an automerge change in the clear");
    let mut bad_kind = change('a', "card", 3);
    bad_kind.doc.kind = "health".into();
    let mut empty = change('a', "card", 4);
    empty.bytes.clear();

    let cases = [
        (helper.push(VILLAGE_A, &[good.clone(), damaged]).await, "changes[1].bytes"),
        (helper.push(VILLAGE_A, &[good.clone(), good.clone(), compressed]).await, "changes[2].bytes"),
        (helper.push(VILLAGE_A, &[bad_kind]).await, "changes[0].doc.kind"),
        (helper.push(VILLAGE_A, &[empty]).await, "changes[0].bytes"),
        (helper.push_raw(VILLAGE_A, b"not zstd".to_vec()).await, "body"),
        (helper.push_raw(VILLAGE_A, encode(&"a string, not a push")).await, "body"),
        (helper.push("5119021062", std::slice::from_ref(&good)).await, "space"),
    ];
    for (response, field) in cases {
        assert_eq!(response.status(), 400, "{field}");
        let body = json(response).await;
        assert_eq!((body["kind"].as_str(), body["field"].as_str()), (Some("invalid"), Some(field)));
    }
    let wrong_type = relay
        .http
        .post(format!("{}/v1/spaces/{VILLAGE_A}/changes", relay.url))
        .bearer_auth(&helper.token)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_type.status(), 415);
    let bad_query = helper.http.get(format!("{}/v1/spaces/{VILLAGE_A}/changes?after=-1", relay.url));
    assert_eq!(bad_query.bearer_auth(&helper.token).send().await.unwrap().status(), 400);
    assert!(helper.pull_all(VILLAGE_A).await.is_empty());
    relay.stop().await;
}

#[tokio::test]
async fn oversized_pushes_get_413_and_store_nothing() {
    let relay = Relay::start().await;
    let helper = relay.device(Role::Helper, VILLAGE_A, None).await;

    let too_big = vec![0u8; limits::MAX_BODY_BYTES + 1];
    let response = helper.push_raw(VILLAGE_A, too_big).await;
    assert_eq!(response.status(), 413);
    assert_eq!(json(response).await["field"], "body");

    let too_many: Vec<_> =
        (0..=limits::MAX_CHANGES_PER_PUSH as u16).map(|n| change('a', "card", n)).collect();
    let response = helper.push(VILLAGE_A, &too_many).await;
    assert_eq!(response.status(), 413);
    assert_eq!(json(response).await["field"], "changes");
    assert!(helper.pull_all(VILLAGE_A).await.is_empty());
    relay.stop().await;
}

#[tokio::test]
async fn pages_are_bounded_by_the_limit_and_by_the_maximum() {
    let relay = Relay::start().await;
    let helper = relay.device(Role::Helper, VILLAGE_A, None).await;
    let changes: Vec<_> = (0..1200).map(|n| change('a', "card", n)).collect();
    assert_eq!(helper.push(VILLAGE_A, &changes).await.status(), 200);
    // Another device pulls: the helper is never sent its own changes.
    let reader = relay.device(Role::Committee, VILLAGE_A, None).await;

    assert_eq!(reader.pull(VILLAGE_A, 0, 7).await.changes.len(), 7);
    let default: PullResponse = decode(
        &relay
            .http
            .get(format!("{}/v1/spaces/{VILLAGE_A}/changes", relay.url))
            .bearer_auth(&reader.token)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(default.changes.len(), limits::DEFAULT_PAGE as usize);
    let capped = reader.pull(VILLAGE_A, 0, 50_000).await;
    assert_eq!((capped.changes.len(), capped.more), (limits::MAX_PAGE as usize, true));
    assert_eq!(reader.pull_all(VILLAGE_A).await.len(), 1200);
    relay.stop().await;
}

#[tokio::test]
async fn a_device_over_its_rate_gets_429_with_retry_after() {
    let relay = Relay::start_with(Config { requests_per_minute: 3, ..Config::default() }).await;
    let helper = relay.device(Role::Helper, VILLAGE_A, None).await;
    let other = relay.device(Role::Helper, VILLAGE_A, None).await;
    for _ in 0..3 {
        assert_eq!(helper.pull_raw(VILLAGE_A, 0, 10).await.status(), 200);
    }
    let limited = helper.pull_raw(VILLAGE_A, 0, 10).await;
    assert_eq!(limited.status(), 429);
    let retry: u64 = limited.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));
    assert_eq!(other.pull_raw(VILLAGE_A, 0, 10).await.status(), 200, "the limit is per device");
    relay.stop().await;
}

#[tokio::test]
async fn health_metrics_and_the_epoch_header_are_served() {
    let relay = Relay::start().await;
    let helper = relay.device(Role::Helper, VILLAGE_A, None).await;
    assert_eq!(helper.push(VILLAGE_A, &[change('a', "card", 1)]).await.status(), 200);
    let health = relay.http.get(format!("{}/healthz", relay.url)).send().await.unwrap();
    assert_eq!(health.headers()["x-shouwang-epoch"], relay.state.epoch());
    assert_eq!(health.text().await.unwrap(), "ok");
    let metrics =
        relay.http.get(format!("{}/metrics", relay.url)).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("shouwang_relay_changes_stored_total 1"), "{metrics}");
    assert!(metrics.contains("shouwang_relay_responses_total{code=\"200\"}"), "{metrics}");
    assert!(!metrics.contains(&elder('a')));
    relay.stop().await;
}

/// Fifty pushes arriving at once are stored by group commit, several to a transaction: each is answered
/// with all its positions kept, every change is stored once with numbers 1..=N and no gap, and the one
/// damaged push in the crowd is refused alone, storing nothing, without failing its neighbours.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_pushes_at_once_are_each_kept_and_stored_once_and_a_damaged_one_alone_is_refused() {
    let relay = Relay::start().await;
    const PUSHES: u16 = 50;
    const DAMAGED: usize = 17;
    let mut devices = Vec::new();
    for _ in 0..PUSHES {
        devices.push(relay.device(Role::Helper, VILLAGE_A, None).await);
    }
    // Each push: two changes of its own and one record that every helper sends again.
    let shared = change('d', "visits", 0);
    let pushes: Vec<Vec<Change>> = (0..PUSHES)
        .map(|p| vec![change('a', "card", 2 * p + 1), shared.clone(), change('a', "card", 2 * p + 2)])
        .collect();
    let mut damaged = pushes[DAMAGED].clone();
    spoil(&mut damaged[2]);
    let tasks: Vec<_> = devices
        .into_iter()
        .zip(pushes.iter().cloned())
        .enumerate()
        .map(|(i, (device, changes))| {
            let changes = if i == DAMAGED { damaged.clone() } else { changes };
            tokio::spawn(async move {
                let response = device.push(VILLAGE_A, &changes).await;
                (response.status().as_u16(), response.bytes().await.unwrap())
            })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap());
    }

    let committee = relay.device(Role::Committee, VILLAGE_A, None).await;
    let stored = committee.pull_all(VILLAGE_A).await;
    let total = (usize::from(PUSHES) - 1) * 2 + 1;
    assert_eq!(stored.iter().map(|(s, _)| *s).collect::<Vec<_>>(), (1..=total as u64).collect::<Vec<_>>());
    let seq_of = |c: &Change| stored.iter().find(|(_, s)| s == c).map(|(seq, _)| *seq);
    for (i, (status, body)) in answers.iter().enumerate() {
        if i == DAMAGED {
            assert_eq!(*status, 400);
            let refusal: serde_json::Value = serde_json::from_slice(body).unwrap();
            assert_eq!(refusal["field"], "changes[2].bytes");
            assert_eq!(seq_of(&pushes[i][0]), None, "a refused push stores nothing");
            continue;
        }
        assert_eq!(*status, 200, "push {i}");
        let answer: PushResponse = decode(body).unwrap();
        assert_eq!(answer.kept, [0, 1, 2], "push {i} is kept whole");
        for change in &pushes[i] {
            let seq = seq_of(change).expect("every kept change is stored");
            assert!(seq <= answer.cursor, "push {i} was answered after its changes committed");
        }
    }
    let mut hashes: Vec<_> = stored.iter().map(|(_, c)| c.hash().unwrap()).collect();
    hashes.sort();
    hashes.dedup();
    assert_eq!(hashes.len(), total, "each change once");
    relay.stop().await;
}

#[tokio::test]
async fn the_relay_answers_in_the_format_the_device_spoke() {
    use shouwang_protocol::{encode_as, Format, PushRequest, FORMAT_HEADER};
    let relay = Relay::start().await;
    let helper = relay.device(Role::Helper, VILLAGE_A, None).await;
    // A device of an older build pushes in the first format (plain zstd): its answer is plain zstd too.
    let plain = encode_as(Format::Plain, &PushRequest { changes: vec![change('a', "card", 1)] });
    let answer = helper.push_raw(VILLAGE_A, plain).await.bytes().await.unwrap();
    assert_eq!(Format::of(&answer).unwrap(), Format::Plain);
    assert_eq!(decode::<PushResponse>(&answer).unwrap().kept, [0]);
    let current = helper.push(VILLAGE_A, &[change('a', "card", 2)]).await.bytes().await.unwrap();
    assert_eq!(Format::of(&current).unwrap(), Format::CURRENT);

    // A pull has no body: the header names the format; without it, or naming an unknown one, the current.
    let reader = relay.device(Role::Committee, VILLAGE_A, None).await;
    for (named, expected) in [
        (Some("0"), Format::Plain),
        (Some("1"), Format::Dictionary1),
        (Some("9"), Format::CURRENT),
        (None, Format::CURRENT),
    ] {
        let mut request = helper
            .http
            .get(format!("{}/v1/spaces/{VILLAGE_A}/changes?after=0&limit=10", reader.url))
            .bearer_auth(&reader.token);
        if let Some(n) = named {
            request = request.header(FORMAT_HEADER, n);
        }
        let answer = request.send().await.unwrap().bytes().await.unwrap();
        assert_eq!(Format::of(&answer).unwrap(), expected, "{FORMAT_HEADER}: {named:?}");
        assert_eq!(decode::<PullResponse>(&answer).unwrap().changes.len(), 2);
    }
    relay.stop().await;
}
