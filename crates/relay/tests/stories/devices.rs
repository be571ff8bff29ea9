//! A committee manages its village's devices over HTTP: a code carries the key id of the bundle handed
//! over with it, the committee lists the village's devices with their key ids, and revokes a lost
//! tablet, whose token stops at once. Other villages' devices are out of its sight.

use crate::common::*;
use shouwang_protocol::{
    decode, encode, DeviceInfo, DevicesResponse, EnrolmentRequest, EnrolmentRequestV1, FamilyCodeResponse,
    RedeemResponse, Role,
};

async fn issue(relay: &Relay, committee: &Device, body: Vec<u8>) -> reqwest::Response {
    relay
        .http
        .post(format!("{}/v1/enrolments", relay.url))
        .bearer_auth(&committee.token)
        .header("content-type", CT)
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn list(relay: &Relay, device: &Device) -> reqwest::Response {
    relay.http.get(format!("{}/v1/devices", relay.url)).bearer_auth(&device.token).send().await.unwrap()
}

async fn revoke(relay: &Relay, device: &Device, id: &str) -> reqwest::Response {
    let url = format!("{}/v1/devices/{id}/revoke", relay.url);
    relay.http.post(url).bearer_auth(&device.token).send().await.unwrap()
}

#[tokio::test]
async fn a_committee_lists_its_villages_devices_with_their_key_ids_and_revokes_a_lost_tablet() {
    let relay = Relay::start().await;
    let committee = relay.device(Role::Committee, VILLAGE_A, None).await;
    let key = "5e".repeat(16);
    let request = EnrolmentRequest {
        role: Role::Helper,
        elder: None,
        helper: Some("c".repeat(32)),
        label: Some(key.clone()),
    };
    let response = issue(&relay, &committee, encode(&request)).await;
    assert_eq!(response.status(), 200);
    let issued: FamilyCodeResponse = decode(&response.bytes().await.unwrap()).unwrap();
    let redeemed: RedeemResponse = decode(&relay.redeem(&issued.code).await.bytes().await.unwrap()).unwrap();
    let tablet = Device { token: redeemed.token, id: redeemed.device_id, ..committee.clone() };
    // A device built before the label still asks for codes with the first body.
    let old = EnrolmentRequestV1 { role: Role::Family, elder: Some(elder('a')), helper: None };
    assert_eq!(issue(&relay, &committee, encode(&old)).await.status(), 200);
    let bad = EnrolmentRequest { label: Some("not a key id".into()), ..request.clone() };
    let refused = issue(&relay, &committee, encode(&bad)).await;
    assert_eq!((refused.status().as_u16(), json(refused).await["field"].clone()), (400, "label".into()));
    // Another village's devices are not listed.
    let elsewhere = relay.device(Role::Committee, VILLAGE_B, None).await;

    let response = list(&relay, &committee).await;
    assert_eq!(response.status(), 200);
    let listed: DevicesResponse = decode(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(listed.epoch, relay.state.epoch());
    let mut ids: Vec<&str> = listed.devices.iter().map(|d| d.id.as_str()).collect();
    ids.sort();
    let mut expected = [committee.id.as_str(), tablet.id.as_str()];
    expected.sort();
    assert_eq!(ids, expected, "its own village's, and every one of them");
    let entry = listed.devices.iter().find(|d| d.id == tablet.id).unwrap();
    assert_eq!(
        (entry.role, entry.label.as_deref(), entry.revoked_at),
        (Role::Helper, Some(key.as_str()), None)
    );
    assert_eq!(entry.helper.as_deref(), Some("c".repeat(32).as_str()));
    assert_eq!(entry.name, "tablet");
    assert!(entry.created_at > 0);

    // The tablet is lost. It works until the committee revokes it, then not one more request.
    assert_eq!(tablet.push(VILLAGE_A, &[change('a', "card", 1)]).await.status(), 200);
    let response = revoke(&relay, &committee, &tablet.id).await;
    assert_eq!(response.status(), 200);
    let revoked: DeviceInfo = decode(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(revoked.id, tablet.id);
    assert!(revoked.revoked_at.is_some());
    assert_eq!(tablet.pull_raw(VILLAGE_A, 0, 10).await.status(), 401);
    assert_eq!(tablet.push(VILLAGE_A, &[change('a', "card", 2)]).await.status(), 401);
    // Revoking it again answers it as it is.
    assert_eq!(revoke(&relay, &committee, &tablet.id).await.status(), 200);
    let listed: DevicesResponse = decode(&list(&relay, &committee).await.bytes().await.unwrap()).unwrap();
    let entry = listed.devices.iter().find(|d| d.id == tablet.id).unwrap();
    assert_eq!(entry.revoked_at, revoked.revoked_at);

    // A committee of another village neither sees nor revokes it: the same answer as for no device.
    let other: DevicesResponse = decode(&list(&relay, &elsewhere).await.bytes().await.unwrap()).unwrap();
    assert_eq!(other.devices.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(), [elsewhere.id.as_str()]);
    let foreign = revoke(&relay, &elsewhere, &committee.id).await;
    assert_eq!(foreign.status(), 404);
    let unknown = revoke(&relay, &elsewhere, "0123456789abcdef").await;
    assert_eq!(json(foreign).await, json(unknown).await);
    assert_eq!(committee.pull_raw(VILLAGE_A, 0, 10).await.status(), 200, "the committee still works");
    relay.stop().await;
}

#[tokio::test]
async fn only_a_committee_lists_or_revokes_devices() {
    let relay = Relay::start().await;
    let committee = relay.device(Role::Committee, VILLAGE_A, None).await;
    let helper = relay.device(Role::Helper, VILLAGE_A, None).await;
    let family = relay.device(Role::Family, VILLAGE_A, Some(&elder('a'))).await;
    let township = relay.device(Role::Township, TOWNSHIP, None).await;
    for device in [&helper, &family, &township] {
        assert_eq!(list(&relay, device).await.status(), 403);
        assert_eq!(revoke(&relay, device, &committee.id).await.status(), 403);
    }
    let anonymous = relay.http.get(format!("{}/v1/devices", relay.url)).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(committee.pull_raw(VILLAGE_A, 0, 10).await.status(), 200, "no one revoked the committee");
    relay.stop().await;
}
