//! Visits: the schedule and today's round, a draft kept and found again, a visit logged.

use super::{device, enrol, now, registry};
use crate::state::AppState;
use serde_json::{json, Value};

#[test]
fn a_helper_logs_a_visit_and_a_half_written_one_comes_back_as_a_draft() {
    let mut ids = Vec::new();
    let d = device(|p| {
        let mut store = registry(p);
        let helper = store.add_helper(shouwang_core::helper::Helper::named("李互助"), now()).unwrap();
        for e in shouwang_core::demo::demo_village(&shouwang_core::demo::DemoVillage::bazhou(), 3, 7) {
            let id = store.add_elder(e, now()).unwrap().id;
            store.assign(&id, &helper, "就近", now()).unwrap();
            ids.push(id.to_string());
        }
        drop(store);
        enrol(p, "helper", None, Some(helper.to_string()));
    });
    let all = json!({ "helper": null });
    let schedule = d.call("schedule", Some(all.clone())).unwrap();
    assert_eq!(schedule.as_array().unwrap().len(), 3);
    assert!(schedule
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["status"] == "overdue" && r["last_visit"].is_null()));
    assert_eq!(d.call("today_round", Some(all.clone())).unwrap().as_array().unwrap().len(), 3);

    let elder = ids[0].clone();
    let mut visit = json!({
        "elder": elder, "mode": "door", "services": ["patrol"], "duration_minutes": 30, "follow_up": "",
        "checks": {
            "food": { "concern": false, "note": "" }, "clothing": { "concern": false, "note": "" },
            "housing": { "concern": false, "note": "" }, "medical": { "concern": true, "note": "" },
        },
    });
    // Half written: the draft is kept on the device; a fresh app on the same file gets it back.
    d.call("save_visit_draft", Some(visit.clone())).unwrap();
    let path = d.path.clone();
    let again = AppState::new(path);
    let store = again.store.try_lock().unwrap();
    let kept = store.as_ref().unwrap().visit_draft(&elder.parse().unwrap()).unwrap().unwrap();
    assert_eq!(kept["checks"]["medical"]["concern"], true);
    drop(store);
    assert_eq!(d.call("visit_draft", Some(json!({ "id": elder }))).unwrap(), visit);

    // A concern without its note: refused under the note, in Chinese, nothing written.
    let err = d.call("log_visit", Some(visit.clone())).unwrap_err();
    assert_eq!(err["kind"], "invalid");
    assert_eq!(err["field"], "checks.medical.note");
    assert_eq!(err["message"], "必填");
    assert!(d.call("visit_history", Some(json!({ "id": elder }))).unwrap().as_array().unwrap().is_empty());

    visit["checks"]["medical"]["note"] = json!("血压偏高");
    d.call("log_visit", Some(visit)).unwrap();
    let history = d.call("visit_history", Some(json!({ "id": elder }))).unwrap();
    assert_eq!(history[0]["checks"]["medical"]["note"], "血压偏高");
    assert_eq!(history[0]["services"], json!(["patrol"]));
    assert_eq!(d.call("visit_draft", Some(json!({ "id": elder }))).unwrap(), Value::Null, "draft gone");
    let schedule = d.call("schedule", Some(all.clone())).unwrap();
    let row = schedule.as_array().unwrap().iter().find(|r| r["id"] == elder.as_str()).unwrap().clone();
    assert_eq!(row["status"], "upcoming");
    assert_eq!(d.call("today_round", Some(all)).unwrap().as_array().unwrap().len(), 2);
    assert_eq!(d.call("discard_visit_draft", Some(json!({ "id": elder }))).unwrap(), false);
}

#[test]
fn a_family_device_may_not_log_visits() {
    let mut elder = String::new();
    let d = device(|p| {
        let mut store = registry(p);
        elder = store.add_elder(shouwang_core::demo::sample_elder(), now()).unwrap().id.to_string();
        drop(store);
        enrol(p, "family", None, None);
    });
    // Core schedules no elder for a family, and refuses an elder's visits.
    assert_eq!(d.call("schedule", Some(json!({ "helper": null }))).unwrap(), json!([]));
    let err = d.call("visit_history", Some(json!({ "id": elder }))).unwrap_err();
    assert_eq!(err["kind"], "forbidden");
}
