//! A committee enrols its village's devices: a helper's tablet bound to one of its helpers, a family
//! phone for one elder; the redeemed answer tells the tablet whose it is. Scopes hold: a committee
//! issues codes for its own village only, and never for another office.

use crate::common::{Relay, CT, VILLAGE_A, VILLAGE_B};
use shouwang_protocol::{
    decode, encode, EnrolmentRequest, FamilyCodeRequest, FamilyCodeResponse, RedeemResponse, Role,
};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_shouwang-relay");

async fn ask(relay: &Relay, token: &str, body: Vec<u8>) -> reqwest::Response {
    relay
        .http
        .post(format!("{}/v1/enrolments", relay.url))
        .bearer_auth(token)
        .header("content-type", CT)
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn redeemed(relay: &Relay, code: &str) -> RedeemResponse {
    let response = relay.redeem(code).await;
    assert_eq!(response.status(), 200);
    decode(&response.bytes().await.unwrap()).unwrap()
}

#[tokio::test]
async fn a_committee_issues_a_tablet_for_one_of_its_helpers_and_the_tablet_knows_whose_it_is() {
    let relay = Relay::start().await;
    let committee = relay.device(Role::Committee, VILLAGE_A, None).await;
    let helper = "c".repeat(32);
    let request =
        EnrolmentRequest { role: Role::Helper, elder: None, helper: Some(helper.clone()), label: None };
    let response = ask(&relay, &committee.token, encode(&request)).await;
    assert_eq!(response.status(), 200);
    let issued: FamilyCodeResponse = decode(&response.bytes().await.unwrap()).unwrap();
    assert!(issued.expires_at > shouwang_relay::now(), "valid for a while");

    let tablet = redeemed(&relay, &issued.code).await;
    assert_eq!((tablet.role, tablet.scope.as_str()), (Role::Helper, VILLAGE_A));
    assert_eq!(tablet.helper.as_deref(), Some(helper.as_str()));
    assert_eq!(tablet.elder, None);
    let listed = relay.state.store().devices().unwrap();
    let stored = listed.iter().find(|d| d.id == tablet.device_id).unwrap();
    assert_eq!(stored.helper.as_deref(), Some(helper.as_str()), "devices list shows whose tablet it is");
    // A code is redeemed once.
    assert_eq!(relay.redeem(&issued.code).await.status(), 401);

    // The family phone, as before: for one elder of the village, with no helper.
    let elder = "a".repeat(32);
    let request =
        EnrolmentRequest { role: Role::Family, elder: Some(elder.clone()), helper: None, label: None };
    let issued: FamilyCodeResponse =
        decode(&ask(&relay, &committee.token, encode(&request)).await.bytes().await.unwrap()).unwrap();
    let phone = redeemed(&relay, &issued.code).await;
    assert_eq!(
        (phone.role, phone.elder.as_deref(), phone.helper),
        (Role::Family, Some(elder.as_str()), None)
    );
}

#[tokio::test]
async fn the_family_code_body_of_older_devices_still_works() {
    let relay = Relay::start().await;
    let committee = relay.device(Role::Committee, VILLAGE_B, None).await;
    let old = encode(&FamilyCodeRequest { elder: "d".repeat(32) });
    let response = ask(&relay, &committee.token, old).await;
    assert_eq!(response.status(), 200);
    let issued: FamilyCodeResponse = decode(&response.bytes().await.unwrap()).unwrap();
    let phone = redeemed(&relay, &issued.code).await;
    assert_eq!((phone.role, phone.scope.as_str()), (Role::Family, VILLAGE_B), "its own village only");
    assert_eq!(phone.elder, Some("d".repeat(32)));
}

#[tokio::test]
async fn scopes_hold_when_a_committee_issues_codes() {
    let relay = Relay::start().await;
    let committee = relay.device(Role::Committee, VILLAGE_A, None).await;
    let helper_tablet = relay.device(Role::Helper, VILLAGE_A, None).await;
    let helper = Some("c".repeat(32));
    let status = |r: reqwest::Response| r.status().as_u16();

    // Only a committee issues codes.
    let tablet = EnrolmentRequest { role: Role::Helper, elder: None, helper: helper.clone(), label: None };
    assert_eq!(status(ask(&relay, &helper_tablet.token, encode(&tablet)).await), 403);
    // Never another office's device.
    for role in [Role::Committee, Role::Township] {
        let request = EnrolmentRequest { role, elder: None, helper: None, label: None };
        assert_eq!(status(ask(&relay, &committee.token, encode(&request)).await), 403, "{role}");
    }
    // A tablet names its helper, as a helper's id; a phone its elder; neither names the other's.
    let refusals = [
        (EnrolmentRequest { role: Role::Helper, elder: None, helper: None, label: None }, "helper"),
        (
            EnrolmentRequest { role: Role::Helper, elder: None, helper: Some("B1".into()), label: None },
            "helper",
        ),
        (EnrolmentRequest { role: Role::Family, elder: None, helper: None, label: None }, "elder"),
        (
            EnrolmentRequest {
                role: Role::Family,
                elder: Some("a".repeat(32)),
                helper: helper.clone(),
                label: None,
            },
            "helper",
        ),
        (EnrolmentRequest { role: Role::Helper, elder: Some("a".repeat(32)), helper, label: None }, "elder"),
    ];
    for (request, field) in refusals {
        let response = ask(&relay, &committee.token, encode(&request)).await;
        assert_eq!(response.status(), 400, "{request:?}");
        let body: serde_json::Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
        assert_eq!(body["field"], field, "{request:?}");
    }
}

#[test]
fn the_operator_binds_a_tablet_to_a_helper_from_the_command_line() {
    let data = tempfile::tempdir().unwrap();
    let helper = "e".repeat(32);
    let run = |args: &[&str]| Command::new(BIN).arg("--data").arg(data.path()).args(args).output().unwrap();
    let out = run(&["enroll", "--role", "helper", "--scope", VILLAGE_A, "--helper", &helper]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("code: "));
    // A committee's code names no helper.
    let out = run(&["enroll", "--role", "committee", "--scope", VILLAGE_A, "--helper", &helper]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("helper"));
}
