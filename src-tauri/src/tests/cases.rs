//! Cases and emergencies: the chain with its limits from core, a helper's emergency call (core fills
//! who acted), what a helper's and a family's device may do.

use super::assignment::village;
use super::{device, enrol, now};
use serde_json::{json, Value};
use shouwang_core::store::Store;

#[test]
fn a_case_moves_along_the_chain_and_a_skip_needs_its_reason() {
    let mut ids = Vec::new();
    let d = device(|p| ids = village(p, 2));
    let opened = d.ok("open_case", json!({ "elder": ids[1], "summary": "屋顶漏雨", "by": "王芳" }));
    let case = opened["case"].as_str().unwrap().to_string();
    let list = d.ok("list_cases", json!({}));
    assert_eq!(list[0]["stage"], "discovered");
    assert_eq!(list[0]["waiting_for"], "reported");
    assert_eq!((list[0]["days_waited"].as_u64(), list[0]["limit_days"].as_u64()), (Some(0), Some(1)));
    assert_eq!(list[0]["flagged"], false);

    let err =
        d.call("advance_case", Some(json!({ "id": case, "stage": "referred", "by": "李主任" }))).unwrap_err();
    assert_eq!(err["field"], "skip_reason");
    d.ok("advance_case", json!({ "id": case, "by": "李主任", "note": "报乡镇民政办" }));
    let view = d.ok("get_case", json!({ "id": case }));
    let stages: Vec<&str> =
        view["steps"].as_array().unwrap().iter().map(|s| s["stage"].as_str().unwrap()).collect();
    assert_eq!(stages, ["discovered", "reported"]);
    assert_eq!(view["line"]["limit_days"], 3);

    let err =
        d.call("close_case", Some(json!({ "id": case, "outcome": "fixed", "by": "李主任" }))).unwrap_err();
    assert_eq!(err["field"], "outcome");
    d.ok("close_case", json!({ "id": case, "outcome": "resolved", "by": "李主任", "note": "已修缮" }));
    let view = d.ok("get_case", json!({ "id": case }));
    assert_eq!(view["line"]["outcome"], "resolved");
    assert_eq!(view["line"]["days_waited"], Value::Null);
    assert_eq!(view["closed_note"], "已修缮");
}

#[test]
fn a_helper_logs_an_emergency_call_opens_and_advances_their_elders_cases_but_may_not_manage_helpers() {
    let mut ids = Vec::new();
    let d = device(|p| {
        ids = village(p, 3);
        let mut store = Store::open(p, now()).unwrap();
        let helper = store.helpers().unwrap()[0].id.clone();
        store.assign(&ids[1].parse().unwrap(), &helper, "就近", now()).unwrap();
        drop(store);
        enrol(p, "helper", None, Some(helper.to_string()));
    });
    let contacts = d.ok("emergency_contacts", json!({ "id": ids[1] }));
    assert!(contacts["card"]["supporters"].is_array());
    assert!(contacts["helper_name"].is_string());
    assert!(!contacts.to_string().contains("id_number"));

    let err = d
        .call("log_emergency", Some(json!({ "elder": ids[1], "called": ["112"], "summary": "摔倒" })))
        .unwrap_err();
    assert_eq!(err["field"], "called");
    assert!(d.ok("list_cases", json!({ "elder": ids[1] })).as_array().unwrap().is_empty());

    let done = d.ok(
        "log_emergency",
        json!({ "elder": ids[1], "called": ["120", "family"], "summary": "摔倒，意识清醒",
                "outcome": "hospitalised" }),
    );
    assert_eq!(done["closed"], true);
    let cases = d.ok("list_cases", json!({ "elder": ids[1] }));
    assert_eq!(cases[0]["emergency"], true);
    assert_eq!(cases[0]["called"], json!(["120", "family"]));
    assert_eq!(cases[0]["outcome"], "hospitalised");
    assert_eq!(cases[0]["opened_by"], contacts["helper_name"], "by defaults to the elder's helper");

    for (cmd, args) in [
        ("list_helpers", Value::Null),
        ("reach_map", Value::Null),
        ("suggest_assignment", json!({ "keep_existing": true })),
        ("save_helper", json!({ "name": "某人" })),
        ("open_case", json!({ "elder": ids[0], "summary": "x", "by": "y" })),
    ] {
        assert_eq!(d.call(cmd, Some(args)).unwrap_err()["kind"], "forbidden", "{cmd}");
    }
    // Core lets a helper open and advance the cases of their own elders (the app used to refuse).
    let opened = d.ok("open_case", json!({ "elder": ids[1], "summary": "屋顶漏雨", "by": "李春梅" }));
    d.ok("advance_case", json!({ "id": opened["case"], "by": "李春梅", "note": "报村委会" }));
    assert_eq!(d.ok("get_case", json!({ "id": opened["case"] }))["line"]["stage"], "reported");
}

#[test]
fn a_family_device_reaches_none_of_the_people_commands() {
    let mut ids = Vec::new();
    let d = device(|p| {
        ids = village(p, 1);
        enrol(p, "family", None, None);
    });
    // Core lists no case to a family rather than refusing the list.
    assert_eq!(d.ok("list_cases", json!({})), json!([]));
    for cmd in ["list_helpers", "log_emergency", "emergency_contacts", "reach_map"] {
        let args = match cmd {
            "log_emergency" => json!({ "elder": ids[0], "called": ["120"], "summary": "x" }),
            "emergency_contacts" => json!({ "id": ids[0] }),
            _ => json!({}),
        };
        assert_eq!(d.call(cmd, Some(args)).unwrap_err()["kind"], "forbidden", "{cmd}");
    }
}
