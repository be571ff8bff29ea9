//! Stories of devices enrolling, pushing and pulling through a relay on a real TCP listener.

mod common;

use common::*;
use shouwang_protocol::{decode, encode, limits, PullResponse, PushResponse, RedeemResponse, Role};
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
async fn a_helper_pulls_back_what_it_pushed_in_order_with_cursors() {
    let relay = Relay::start().await;
    let helper = relay.device(Role::Helper, VILLAGE_A, None).await;
    let changes: Vec<_> = (1..=5).map(|n| change('a', "card", n)).collect();

    let response = helper.push(VILLAGE_A, &changes[..3]).await;
    assert_eq!(response.status(), 200);
    let pushed: PushResponse = decode(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(pushed.kept, [0, 1, 2], "kept by position in the push");
    assert_eq!(pushed.cursor, 3);
    let pushed: PushResponse =
        decode(&helper.push(VILLAGE_A, &changes[3..]).await.bytes().await.unwrap()).unwrap();
    assert_eq!(pushed.cursor, 5);

    let first = helper.pull(VILLAGE_A, 0, 2).await;
    assert_eq!(first.changes, vec![(1, changes[0].clone()), (2, changes[1].clone())]);
    assert_eq!((first.next, first.more), (2, true));
    let rest = helper.pull(VILLAGE_A, first.next, 10).await;
    assert_eq!(rest.changes.iter().map(|(s, _)| *s).collect::<Vec<_>>(), [3, 4, 5]);
    assert_eq!(rest.changes[2].1, changes[4]);
    assert_eq!((rest.next, rest.more), (5, false));
    let nothing = helper.pull(VILLAGE_A, 5, 10).await;
    assert_eq!((nothing.changes.len(), nothing.next, nothing.more), (0, 5, false));
    relay.stop().await;
}

#[tokio::test]
async fn the_same_change_pushed_twice_is_stored_once_and_kept_both_times() {
    let relay = Relay::start().await;
    let helper = relay.device(Role::Helper, VILLAGE_A, None).await;
    let committee = relay.device(Role::Committee, VILLAGE_A, None).await;
    let c = change('a', "profile", 7);
    for device in [&helper, &committee, &helper] {
        let response: PushResponse =
            decode(&device.push(VILLAGE_A, &[c.clone(), c.clone()]).await.bytes().await.unwrap()).unwrap();
        assert_eq!((response.kept, response.cursor), (vec![0, 1], 1));
    }
    assert_eq!(committee.pull_all(VILLAGE_A).await, vec![(1, c)]);
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
    assert_eq!(committee.pull_all(VILLAGE_A).await.len(), 10);
    relay.stop().await;
}

#[tokio::test]
async fn a_helper_does_not_receive_sensitive_documents() {
    let relay = Relay::start().await;
    let committee = relay.device(Role::Committee, VILLAGE_A, None).await;
    let helper = relay.device(Role::Helper, VILLAGE_A, None).await;
    let pushed = [change('a', "sensitive", 1), change('a', "assignment", 2)];
    assert_eq!(committee.push(VILLAGE_A, &pushed).await.status(), 200);
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
        serde_json::json!({"kind": "forbidden", "field": null, "message": "not allowed"})
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
    assert_eq!(b.pull_all(VILLAGE_B).await.len(), 1);
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
    assert_eq!(a.pull_all(VILLAGE_A).await.len(), 1);
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
    *damaged.bytes.last_mut().unwrap() ^= 1;
    let mut compressed = change('a', "card", 5);
    compressed.bytes[8] = 2;
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

    assert_eq!(helper.pull(VILLAGE_A, 0, 7).await.changes.len(), 7);
    let default: PullResponse = decode(
        &relay
            .http
            .get(format!("{}/v1/spaces/{VILLAGE_A}/changes", relay.url))
            .bearer_auth(&helper.token)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(default.changes.len(), limits::DEFAULT_PAGE as usize);
    let capped = helper.pull(VILLAGE_A, 0, 50_000).await;
    assert_eq!((capped.changes.len(), capped.more), (limits::MAX_PAGE as usize, true));
    assert_eq!(helper.pull_all(VILLAGE_A).await.len(), 1200);
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
