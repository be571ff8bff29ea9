//! Helpers and their assignment: the register, the plot with reach circles, a balanced plan applied,
//! one elder by hand, a helper replaced.

use super::{device, now, registry};
use serde_json::{json, Value};
use shouwang_core::demo::{demo_village, DemoVillage};
use shouwang_core::elder::Position;
use shouwang_core::helper::Helper;

/// A village of `n` demo elders living around two helpers 600 m apart; the first elder lives on
/// the far hill, 3 km away, beyond both helpers' walk.
pub(super) fn village(path: &std::path::Path, n: usize) -> Vec<String> {
    let mut store = registry(path);
    let mut ids = Vec::new();
    for (i, mut e) in demo_village(&DemoVillage::bazhou(), n, 11).into_iter().enumerate() {
        let lat = match i {
            0 => 31.88,
            _ => 31.85 + (i % 2) as f64 * 0.0054 + (i as f64) * 0.0002 - 0.0012,
        };
        e.home = Some(Position { lat, lon: 106.75 + (i % 3) as f64 * 0.0008 });
        ids.push(store.add_elder(e, now()).unwrap().id.to_string());
    }
    for (name, lat) in [("李春梅", 31.85), ("王德福", 31.8554)] {
        let mut h = Helper::named(name);
        h.home = Some(Position { lat, lon: 106.75 });
        h.phone = Some("13812345678".into());
        store.add_helper(h, now()).unwrap();
    }
    ids
}

#[test]
fn a_projected_home_is_metres_east_and_north_of_the_origin() {
    let o = Position { lat: 31.85, lon: 106.75 };
    let (x, y) = crate::commands::assignment::plot::project(o, Position { lat: 31.855, lon: 106.75 });
    assert_eq!(x, 0.0);
    assert!((y - 556.0).abs() < 1.0, "0.005° north is about 556 m: {y}");
    let (x, y) = crate::commands::assignment::plot::project(o, Position { lat: 31.85, lon: 106.745 });
    assert!(x < -470.0 && x > -475.0, "0.005° west at 31.85° N is about 472 m: {x}");
    assert_eq!(y, 0.0);
}

#[test]
fn the_committee_sees_reach_circles_applies_a_balanced_plan_and_the_far_elder_is_remote() {
    let mut ids = Vec::new();
    let d = device(|p| ids = village(p, 14));
    let map = d.ok("reach_map", Value::Null);
    let helpers = map["helpers"].as_array().unwrap();
    assert_eq!(helpers.len(), 2, "{map}");
    let reach = map["walk"]["reach_m"].as_f64().unwrap();
    assert!((reach - 807.7).abs() < 0.1, "15 minutes at 70 m/min with detour 1.3, from core");
    assert!(helpers.iter().all(|h| h["reach_m"].as_f64() == Some(reach) && h["x"].is_number()));
    let far = map["elders"].as_array().unwrap().iter().find(|e| e["id"] == ids[0].as_str()).unwrap();
    assert_eq!(far["remote"], true);
    assert!(far["y"].as_f64().unwrap() > 2000.0, "3 km north of the others: {far}");

    let plan = d.ok("suggest_assignment", json!({ "keep_existing": true }));
    assert_eq!(plan["remote"][0]["elder"], ids[0].as_str());
    let picks: Vec<Value> = plan["proposals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| json!({ "elder": p["elder"], "helper": p["helper"] }))
        .collect();
    assert_eq!(picks.len(), 13, "every elder in reach is placed");
    assert_eq!(plan["moves"], 13);
    let loads: Vec<u64> =
        plan["loads"].as_array().unwrap().iter().map(|l| l["after"].as_u64().unwrap()).collect();
    assert_eq!(loads.iter().sum::<u64>(), 13);
    assert!(loads.iter().max().unwrap() - loads.iter().min().unwrap() <= 1, "balanced: {loads:?}");

    // A stale review is refused and writes nothing.
    let mut stale = picks.clone();
    stale.pop();
    let err =
        d.call("apply_assignment", Some(json!({ "keep_existing": true, "reviewed": stale }))).unwrap_err();
    assert_eq!((err["kind"].as_str(), err["field"].as_str()), (Some("invalid"), Some("reviewed")));
    assert_eq!(d.ok("suggest_assignment", json!({ "keep_existing": true }))["moves"], 13);

    let moved = d.ok("apply_assignment", json!({ "keep_existing": true, "reviewed": picks }));
    assert_eq!(moved.as_array().unwrap().len(), 13);
    assert!(moved[0]["elder_name"].as_str().is_some_and(|n| !n.is_empty()));
    let listed: u64 = d
        .ok("list_helpers", Value::Null)
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["elders"].as_u64().unwrap())
        .sum();
    assert_eq!(listed, 13);
    let map = d.ok("reach_map", Value::Null);
    let assigned = map["elders"].as_array().unwrap().iter().filter(|e| e["helper"].is_string()).count();
    assert_eq!(assigned, 13, "the remote elder waits for a manual assignment");
    assert_eq!(d.ok("suggest_assignment", json!({ "keep_existing": true }))["moves"], 0);

    // The remote elder by hand, then the history after the helper is replaced.
    let first = map["helpers"][0]["id"].as_str().unwrap().to_string();
    let second = map["helpers"][1]["id"].as_str().unwrap().to_string();
    let one = d.ok("assign", json!({ "elder": ids[0], "helper": first, "reason": "电话巡访" }));
    assert_eq!(one["to"], first.as_str());
    let moved = d.ok("replace_helper", json!({ "old": first, "new": second, "reason": "外出务工" }));
    assert!(moved.as_array().unwrap().iter().any(|m| m["elder"] == ids[0].as_str()));
    let history = d.ok("elder_assignment", json!({ "id": ids[0] }));
    assert_eq!(history["helper"], second.as_str());
    assert_eq!(history["history"][1]["helper"], first.as_str());
    assert!(history["history"][1]["to"].is_string(), "the old stint is closed, kept");
    let lines = d.ok("list_helpers", Value::Null);
    let old = lines.as_array().unwrap().iter().find(|h| h["id"] == first.as_str()).unwrap();
    assert_eq!((old["status"].as_str(), old["elders"].as_u64()), (Some("replaced"), Some(0)));
}

#[test]
fn a_bad_helper_is_answered_under_its_fields_and_nothing_is_filed() {
    let d = device(|p| drop(village(p, 2)));
    let before = d.ok("list_helpers", Value::Null).as_array().unwrap().len();
    let err = d
        .call(
            "save_helper",
            Some(json!({ "name": "", "phone": "123", "home": { "lat": 95.0, "lon": 106.7 } })),
        )
        .unwrap_err();
    assert_eq!(err["kind"], "invalid");
    let fields: Vec<&str> =
        err["violations"].as_array().unwrap().iter().map(|v| v["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["name", "phone", "home.lat"]);
    assert_eq!(err["violations"][0]["message"], "必填");
    let err = d.call("save_helper", Some(json!({ "name": "李春梅", "filed_on": "23/11/2026" }))).unwrap_err();
    assert_eq!(err["field"], "filed_on");
    assert_eq!(d.ok("list_helpers", Value::Null).as_array().unwrap().len(), before);

    let saved = d.ok(
        "save_helper",
        json!({ "name": " 李春梅 ", "phone": "138 1234 5678", "filed_on": "2026-11-01",
                "home": { "lat": 31.85, "lon": 106.75 }, "availability": "每天上午" }),
    );
    let id = saved["id"].as_str().unwrap();
    let line = d.ok("list_helpers", Value::Null);
    let line = line.as_array().unwrap().iter().find(|h| h["id"] == id).unwrap().clone();
    assert_eq!(line["name"], "李春梅");
    assert_eq!(line["phone"], "13812345678");
    assert_eq!((line["filed"].as_bool(), line["elders"].as_u64()), (Some(true), Some(0)));
    let mut form = d.ok("get_helper", json!({ "id": id }));
    form["availability"] = json!("农忙除外");
    d.ok("save_helper", form);
    assert_eq!(d.ok("get_helper", json!({ "id": id }))["availability"], "农忙除外");
}
