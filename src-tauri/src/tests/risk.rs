//! Risk assessments: a preview with its reasons, one kept, the lists, a follow-up; none on a
//! helper's tablet (core refuses them).

use super::{device, enrol, now, registry, Device};
use serde_json::json;
use shouwang_core::elder::{Care, Category, Health};

/// A device on a fresh village registry holding `elders`, enrolled as `role` (none: the committee's
/// own local registry). Returns the device and the elders' ids.
pub(super) fn office(role: Option<&str>, elders: Vec<shouwang_core::elder::Elder>) -> (Device, Vec<String>) {
    let mut ids = Vec::new();
    let d = device(|path| {
        let mut store = registry(path);
        ids = elders.into_iter().map(|e| store.add_elder(e, now()).unwrap().id.to_string()).collect();
        drop(store);
        if let Some(role) = role {
            enrol(path, role, None, None);
        }
    });
    (d, ids)
}

/// A village: the demo's elders and one disabled widow living alone on government aid, no supporter.
pub(super) fn village() -> Vec<shouwang_core::elder::Elder> {
    let v = shouwang_core::demo::DemoVillage::bazhou();
    let mut elders = shouwang_core::demo::demo_village(&v, 4, 7);
    let mut alone = shouwang_core::demo::sample_elder();
    alone.unit = v.unit.clone();
    alone.health = Some(Health::Disabled);
    alone.care = Some(Care::NotCaredFor);
    alone.categories.insert(Category::Disabled);
    alone.categories.insert(Category::Hardship);
    alone.supporters.clear();
    alone.income_sources.clear();
    elders.push(alone);
    elders
}

#[test]
fn the_committee_assesses_an_elder_sees_why_and_follows_up_the_intervention() {
    let (d, ids) = office(None, village());
    let alone = ids.last().unwrap().clone();
    let before = d.send("risk_list", json!({ "unassessed": true })).unwrap();
    assert_eq!(before.as_array().unwrap().len(), ids.len(), "nobody assessed yet");

    let preview = d.send("assess_risk", json!({ "id": alone })).unwrap();
    assert_eq!(preview["level"], "high", "{preview}");
    assert_eq!(preview["level_zh"], "高风险");
    let reasons: Vec<&str> =
        preview["reasons"].as_array().unwrap().iter().map(|r| r["zh"].as_str().unwrap()).collect();
    assert!(reasons.contains(&"残疾"), "{reasons:?}");
    assert!(
        d.send("risk_history", json!({ "id": alone })).unwrap().as_array().unwrap().is_empty(),
        "a preview keeps nothing"
    );

    let err =
        d.send("save_risk", json!({ "elder": alone, "assessor": " ", "intervention": null })).unwrap_err();
    assert_eq!(err["kind"], "invalid");
    assert_eq!(err["field"], "assessor");

    let saved = d
        .send(
            "save_risk",
            json!({ "elder": alone, "assessor": "赵明", "intervention": "每周上门两次，联系子女" }),
        )
        .unwrap();
    assert_eq!(saved["assessment"]["level"], "high");
    assert_eq!(saved["assessment"]["reasons"], preview["reasons"]);
    let high = d.send("risk_list", json!({ "high": true })).unwrap();
    assert!(high
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["elder"] == alone.as_str() && r["intervention"] == "每周上门两次，联系子女"));
    let after = d.send("risk_list", json!({ "unassessed": true })).unwrap();
    assert_eq!(after.as_array().unwrap().len(), ids.len() - 1, "the assessed elder left the list");

    let assessment = saved["id"].as_str().unwrap();
    let err = d
        .send("follow_up_risk", json!({ "elder": alone, "assessment": assessment, "on": "12/01", "note": "已上门", "by": "赵明" }))
        .unwrap_err();
    assert_eq!(err["field"], "on");
    d.send("follow_up_risk", json!({ "elder": alone, "assessment": assessment, "on": "2026-12-01", "note": "已上门，子女已回电", "by": "赵明" }))
        .unwrap();
    let history = d.send("risk_history", json!({ "id": alone })).unwrap();
    assert_eq!(history[0]["follow_ups"][0]["note"], "已上门，子女已回电");
    let high = d.send("risk_list", json!({ "high": true })).unwrap();
    let row = high.as_array().unwrap().iter().find(|r| r["elder"] == alone.as_str()).unwrap();
    assert_eq!(row["follow_ups"], 1);
    assert_eq!(row["last_follow_up"], "2026-12-01");
}

#[test]
fn a_helper_device_sees_no_assessment_and_no_agreement() {
    let (d, ids) = office(Some("helper"), village());
    let elder = ids[0].clone();
    let calls = [
        ("assess_risk", json!({ "id": elder })),
        ("save_risk", json!({ "elder": elder, "assessor": "x", "intervention": null })),
        ("risk_list", json!({})),
        ("risk_history", json!({ "id": elder })),
        ("list_agreements", json!({})),
        ("save_agreement", serde_json::to_value(super::agreements::sample_form(&elder)).unwrap()),
        ("print_agreement", json!({ "id": "0".repeat(32) })),
    ];
    for (cmd, args) in calls {
        assert_eq!(d.send(cmd, args).unwrap_err()["kind"], "forbidden", "{cmd}");
    }
}
