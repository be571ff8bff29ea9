//! The office's keys and routing at the relay: erasures only with the office's signature, the office
//! key replaced only under the key held, and helpers' tablets receiving only the elders routed to them.

use crate::common::*;
use shouwang_protocol::office::{self, OfficeKey, OfficeKeyChange};
use shouwang_protocol::{decode, encode, HelperRoutes, PullResponse, Role};

/// A committee code redeemed without the office's keys (a stolen code) may push, but its erasure — or
/// one signed with any other key — is refused and deletes nothing; the office's own erasure works.
#[tokio::test]
async fn a_committee_token_without_the_office_key_erases_nothing() {
    let relay = Relay::start().await;
    let office = relay.office(VILLAGE_A).await;
    let stolen = relay.device(Role::Committee, VILLAGE_A, None).await;
    let records = [change('e', "card", 1), change('e', "profile", 2), change('e', "visits", 3)];
    assert_eq!(office.push(VILLAGE_A, &records).await.status(), 200);

    let unsigned = sealed('e', "keyring", shouwang_protocol::envelope::What::Erasure, 10);
    let forged = signed_erasure('e', VILLAGE_A, 11, &[13; 32]);
    let elsewhere = erasure('e', VILLAGE_B, 12);
    for (attempt, name) in
        [(&unsigned, "unsigned"), (&forged, "another key"), (&elsewhere, "another village")]
    {
        let refused = stolen.push(VILLAGE_A, std::slice::from_ref(attempt)).await;
        assert_eq!(refused.status(), 403, "{name}");
        let body = json(refused).await;
        assert_eq!(
            (body["kind"].as_str(), body["field"].as_str()),
            (Some("unsigned_erasure"), Some("changes[0].bytes"))
        );
    }
    // The office's signature does not help another token: the token is a committee's, the proof the key.
    let township = relay.device(Role::Township, TOWNSHIP, None).await;
    assert_eq!(township.pull_all(VILLAGE_A).await.len(), 3, "nothing deleted");
    assert_eq!(stolen.push(VILLAGE_A, &[erasure('e', VILLAGE_A, 13)]).await.status(), 200);
    let left: Vec<_> = township.pull_all(VILLAGE_A).await.into_iter().map(|(_, c)| c.doc.kind).collect();
    assert_eq!(left, ["keyring"], "the signed erasure is acted on, whoever carries it");

    // A village whose office never enrolled accepts no erasure at all.
    let other = relay.device(Role::Committee, VILLAGE_B, None).await;
    assert_eq!(other.push(VILLAGE_B, &[change('d', "card", 20)]).await.status(), 200);
    assert_eq!(other.push(VILLAGE_B, &[erasure('d', VILLAGE_B, 21)]).await.status(), 403);
    relay.stop().await;
}

/// The first office to enrol sets the key; later enrolments learn it and cannot replace it; a change
/// signed by the key held moves it on, any other is refused.
#[tokio::test]
async fn the_office_key_is_set_once_and_moved_only_under_its_own_signature() {
    let relay = Relay::start().await;
    let office = relay.office(VILLAGE_A).await;
    let intruder_key = OfficeKey { generation: 1, key: office::public_key(&[66; 32]) };
    let code = relay.code(Role::Committee, VILLAGE_A, None);
    let body = encode(&shouwang_protocol::RedeemRequest {
        code,
        device_name: "another".into(),
        office_key: Some(intruder_key.clone()),
    });
    let response = relay
        .http
        .post(format!("{}/v1/enrol", relay.url))
        .header("content-type", CT)
        .body(body)
        .send()
        .await
        .unwrap();
    let answer: shouwang_protocol::RedeemResponse = decode(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(answer.office_key, Some(office_key()), "the relay keeps the first office's key and says so");

    let new_seed = [43u8; 32];
    let new = OfficeKey { generation: 2, key: office::public_key(&new_seed) };
    let change_key = |signer: [u8; 32], new: OfficeKey| {
        let signature = office::sign(&signer, &office::change_message(VILLAGE_A, &new));
        encode(&OfficeKeyChange { new, signature })
    };
    let post = |body: Vec<u8>| {
        relay
            .http
            .post(format!("{}/v1/spaces/{VILLAGE_A}/office-key", relay.url))
            .bearer_auth(&office.token)
            .header("content-type", CT)
            .body(body)
            .send()
    };
    assert_eq!(post(change_key([66; 32], new.clone())).await.unwrap().status(), 403, "signed by another key");
    let older = OfficeKey { generation: 1, key: office::public_key(&new_seed) };
    assert_eq!(post(change_key(OFFICE_SEED, older)).await.unwrap().status(), 403, "not a newer generation");
    assert_eq!(post(change_key(OFFICE_SEED, new.clone())).await.unwrap().status(), 200);
    assert_eq!(
        post(change_key(OFFICE_SEED, new.clone())).await.unwrap().status(),
        200,
        "the same again is done"
    );
    // Erasures now count under the new key only.
    assert_eq!(office.push(VILLAGE_A, &[change('e', "card", 1)]).await.status(), 200);
    assert_eq!(office.push(VILLAGE_A, &[erasure('e', VILLAGE_A, 2)]).await.status(), 403, "the old key");
    assert_eq!(office.push(VILLAGE_A, &[signed_erasure('e', VILLAGE_A, 3, &new_seed)]).await.status(), 200);
    relay.stop().await;
}

/// A helper's tablet receives, of the elders' documents, only those of the elders routed to its helper;
/// it reads its routing list; after a reassignment it fetches the new elder's history up to its cursor.
#[tokio::test]
async fn a_helpers_tablet_receives_only_its_routed_elders_and_fetches_a_new_ones_history() {
    let relay = Relay::start().await;
    let office = relay.office(VILLAGE_A).await;
    let (mine, theirs) = (elder('9'), elder('8'));
    let tablet = relay.helper_tablet(VILLAGE_A, &mine).await;
    let records: Vec<_> = ['a', 'b', 'c']
        .into_iter()
        .flat_map(|e| ["card", "profile", "visits"].into_iter().map(move |k| change(e, k, (e as u16) * 10)))
        .chain([change('9', "helper", 1), change('4', "org", 2)])
        .collect();
    assert_eq!(office.push(VILLAGE_A, &records).await.status(), 200);
    let routes = [(mine.clone(), vec![elder('a')]), (theirs.clone(), vec![elder('b'), elder('c')])];
    assert_eq!(office.put_routes(VILLAGE_A, &routes).await.status(), 200);

    let page = tablet.pull(VILLAGE_A, 0, 100).await;
    let seen: Vec<String> = page.changes.iter().map(|(_, c)| c.doc.to_string()).collect();
    let want =
        [format!("{}/card", elder('a')), format!("{}/profile", elder('a')), format!("{}/visits", elder('a'))];
    assert_eq!(seen[..3], want, "its elder's documents");
    assert_eq!(
        seen[3..],
        [format!("{mine}/helper"), format!("{}/org", elder('4'))],
        "helpers and the organisation"
    );
    assert_eq!(page.pushers, vec![Role::Committee; 5]);
    let list = |device: &Device| {
        let (http, url, token) = (device.http.clone(), device.url.clone(), device.token.clone());
        async move {
            let r = http
                .get(format!("{url}/v1/spaces/{VILLAGE_A}/routes"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            decode::<HelperRoutes>(&r.bytes().await.unwrap()).unwrap()
        }
    };
    let first = list(&tablet).await;
    assert_eq!((first.version, first.subjects.clone()), (1, vec![(elder('a'), 1)]));
    assert_eq!(page.routes, first.version);
    // Only a helper's tablet reads a routing list; only the office writes the table: a committee token
    // without the office key (a stolen code) is refused, and so is a table signed with another key.
    let stolen = relay.device(Role::Committee, VILLAGE_A, None).await;
    assert_eq!(stolen.put_routes_signed(VILLAGE_A, &routes, &[13; 32]).await.status(), 403);
    assert_eq!(list(&tablet).await.version, 1, "nothing rerouted");
    let r =
        office.http.get(format!("{}/v1/spaces/{VILLAGE_A}/routes", office.url)).bearer_auth(&office.token);
    assert_eq!(r.send().await.unwrap().status(), 403);
    assert_eq!(tablet.put_routes(VILLAGE_A, &routes).await.status(), 403);

    // 'b' is reassigned to this tablet's helper: the list moves on, 'b' routed at version 2; its
    // history up to the tablet's cursor comes by subject, everything after by the usual pulls.
    let moved = [(mine.clone(), vec![elder('a'), elder('b')]), (theirs.clone(), vec![elder('c')])];
    office.put_routes(VILLAGE_A, &moved).await;
    let second = list(&tablet).await;
    assert_eq!(second.subjects, vec![(elder('a'), 1), (elder('b'), 2)]);
    let url = format!(
        "{}/v1/spaces/{VILLAGE_A}/changes?after=0&subject={}&upto={}",
        tablet.url,
        elder('b'),
        page.next
    );
    let history: PullResponse =
        decode(&tablet.http.get(url).bearer_auth(&tablet.token).send().await.unwrap().bytes().await.unwrap())
            .unwrap();
    let kinds: Vec<_> = history.changes.iter().map(|(_, c)| c.doc.kind.as_str()).collect();
    assert_eq!(kinds, ["card", "profile", "visits"]);
    assert!(history.changes.iter().all(|(_, c)| c.doc.elder == elder('b')));
    let url = format!("{}/v1/spaces/{VILLAGE_A}/changes?after=0&subject={}&upto=3", tablet.url, elder('c'));
    let other: PullResponse =
        decode(&tablet.http.get(url).bearer_auth(&tablet.token).send().await.unwrap().bytes().await.unwrap())
            .unwrap();
    assert!(other.changes.is_empty(), "an elder routed to another helper stays out of reach");
    relay.stop().await;
}
