//! The office's commands through Tauri's IPC on the mock runtime, and the conversions at the edge.

use super::agreement::{agreement_to_form, form_to_agreement, AgreementForm};
use super::*;
use crate::state::AppState;
use serde_json::{json, Value};
use shouwang_core::agreement::{self as core_agreement, Kind};
use shouwang_core::elder::{Care, Category, Health};
use shouwang_core::store::{Store, SyncState};
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime};
use tauri::{App, WebviewWindow, WebviewWindowBuilder};

struct Device {
    _dir: tempfile::TempDir,
    _app: App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
}

/// A device on a fresh village registry holding `elders`, enrolled as `role` (none: the committee's
/// own local registry). Returns the device and the elders' ids.
fn device(role: Option<&str>, elders: Vec<shouwang_core::elder::Elder>) -> (Device, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.sqlite");
    let now = Utc::now();
    let mut store = Store::init(&path, "511902106202".parse().unwrap(), "斑竹村", "sichuan", now).unwrap();
    let ids = elders.into_iter().map(|e| store.add_elder(e, now).unwrap().id.to_string()).collect();
    if let Some(role) = role {
        let state = SyncState {
            relay: "http://127.0.0.1:9".into(),
            token: "t".into(),
            device_id: "d1".into(),
            role: role.into(),
            scope: "511902106202".into(),
            elder: None,
            helper: None,
            epoch: "e".into(),
            cursor: 0,
            last_success: None,
            last_attempt: None,
            last_error: None,
        };
        store.set_enrolment(&state, now).unwrap();
    }
    drop(store);
    let app =
        crate::setup(mock_builder()).manage(AppState::new(path)).build(mock_context(noop_assets())).unwrap();
    let window = WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
    (Device { _dir: dir, _app: app, window }, ids)
}

impl Device {
    fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        crate::tests::invoke(&self.window, cmd, json!({ "args": args }))
    }
}

/// A village: the demo's elders and one disabled widow living alone on government aid, no supporter.
fn village() -> Vec<shouwang_core::elder::Elder> {
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

fn sample_form(elder: &str) -> AgreementForm {
    let mut form = agreement_to_form(&core_agreement::sample(Kind::Assisted));
    form.elder.elder = elder.to_string();
    form
}

#[test]
fn only_the_office_may_assess_risk_or_keep_agreements() {
    assert!(office_only(AppRole::Committee, "x").is_ok());
    assert!(office_only(AppRole::Township, "x").is_ok());
    for role in [AppRole::Helper, AppRole::Family] {
        let e = office_only(role, "评估风险等级").unwrap_err();
        assert_eq!(e.kind, ErrorKind::Forbidden);
        assert!(e.message.contains("评估风险等级"), "{}", e.message);
    }
}

#[test]
fn amounts_are_typed_in_yuan_and_dates_as_year_month_day() {
    assert_eq!(parse_yuan("amount", "300").unwrap(), 30000);
    assert_eq!(parse_yuan("amount", " ¥300.5 ").unwrap(), 30050);
    assert_eq!(parse_yuan("amount", "0.07").unwrap(), 7);
    for bad in ["-3", "3.001", "三百", ".5", "1e3"] {
        let e = parse_yuan("amount", bad).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("amount"), "{bad}");
        assert!(e.message.contains("金额"), "{bad}: {}", e.message);
    }
    assert_eq!(parse_yuan("amount", "").unwrap_err().message, "必填");
    assert_eq!(parse_date("on", "2026-12-01").unwrap().to_string(), "2026-12-01");
    let e = parse_date("start", "2026/13/01").unwrap_err();
    assert_eq!(e.violations[0].field, "start");
    assert!(e.message.contains("年-月-日"));
}

#[test]
fn an_agreement_crosses_the_edge_unchanged() {
    for kind in [Kind::SelfCare, Kind::Assisted] {
        let mut a = core_agreement::sample(kind);
        a.elder.elder = Some(format!("{}1", "0".repeat(31)).parse().unwrap());
        let back = form_to_agreement(&agreement_to_form(&a)).unwrap();
        a.id = String::new();
        assert_eq!(back, a);
    }
    let mut form = sample_form("");
    form.fee.amount = "三百".into();
    form.start = "明天".into();
    form.kind = "nursing".into();
    let e = form_to_agreement(&form).unwrap_err();
    let fields: Vec<&str> = e.violations.iter().map(|v| v.field.as_str()).collect();
    for f in ["kind", "start", "fee.amount", "elder.elder"] {
        assert!(fields.contains(&f), "{f} missing from {fields:?}");
    }
}

#[test]
fn an_early_end_is_answered_under_the_forms_field() {
    let e = AppError::new(
        ErrorKind::Invalid,
        Some("ending.end_on"),
        "ending.end_on: 无过错解除应提前 15 日通知对方（通知 2027-01-01，解除 2027-01-05）/ an end without fault needs 15 days' notice",
        "same",
    );
    let e = end_error(e);
    assert_eq!(e.field.as_deref(), Some("end_on"));
    assert!(e.message.starts_with("无过错解除应提前 15 日"), "{}", e.message);
    assert_eq!(e.en, "an end without fault needs 15 days' notice");
}

#[test]
fn the_committee_assesses_an_elder_sees_why_and_follows_up_the_intervention() {
    let (d, ids) = device(None, village());
    let alone = ids.last().unwrap().clone();
    let before = d.call("risk_list", json!({ "unassessed": true })).unwrap();
    assert_eq!(before.as_array().unwrap().len(), ids.len(), "nobody assessed yet");

    let preview = d.call("assess_risk", json!({ "id": alone })).unwrap();
    assert_eq!(preview["level"], "high", "{preview}");
    assert_eq!(preview["level_zh"], "高风险");
    let reasons: Vec<&str> =
        preview["reasons"].as_array().unwrap().iter().map(|r| r["zh"].as_str().unwrap()).collect();
    assert!(reasons.contains(&"残疾"), "{reasons:?}");
    assert!(
        d.call("risk_history", json!({ "id": alone })).unwrap().as_array().unwrap().is_empty(),
        "a preview keeps nothing"
    );

    let err =
        d.call("save_risk", json!({ "elder": alone, "assessor": " ", "intervention": null })).unwrap_err();
    assert_eq!(err["kind"], "invalid");
    assert_eq!(err["field"], "assessor");

    let saved = d
        .call(
            "save_risk",
            json!({ "elder": alone, "assessor": "赵明", "intervention": "每周上门两次，联系子女" }),
        )
        .unwrap();
    assert_eq!(saved["assessment"]["level"], "high");
    assert_eq!(saved["assessment"]["reasons"], preview["reasons"]);
    let high = d.call("risk_list", json!({ "high": true })).unwrap();
    assert!(high
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["elder"] == alone.as_str() && r["intervention"] == "每周上门两次，联系子女"));
    let after = d.call("risk_list", json!({ "unassessed": true })).unwrap();
    assert_eq!(after.as_array().unwrap().len(), ids.len() - 1, "the assessed elder left the list");

    let assessment = saved["id"].as_str().unwrap();
    let err = d
        .call("follow_up_risk", json!({ "elder": alone, "assessment": assessment, "on": "12/01", "note": "已上门", "by": "赵明" }))
        .unwrap_err();
    assert_eq!(err["field"], "on");
    d.call("follow_up_risk", json!({ "elder": alone, "assessment": assessment, "on": "2026-12-01", "note": "已上门，子女已回电", "by": "赵明" }))
        .unwrap();
    let history = d.call("risk_history", json!({ "id": alone })).unwrap();
    assert_eq!(history[0]["follow_ups"][0]["note"], "已上门，子女已回电");
    let high = d.call("risk_list", json!({ "high": true })).unwrap();
    let row = high.as_array().unwrap().iter().find(|r| r["elder"] == alone.as_str()).unwrap();
    assert_eq!(row["follow_ups"], 1);
    assert_eq!(row["last_follow_up"], "2026-12-01");
}

#[test]
fn the_committee_files_an_assisted_care_agreement_records_a_payment_and_prints_it() {
    let (d, ids) = device(None, village());
    let elder = ids[0].clone();
    let mut form = serde_json::to_value(sample_form(&elder)).unwrap();
    form["trustee"]["id_number"] = json!("");
    let found = d.call("check_agreement", form.clone()).unwrap();
    assert_eq!(found[0]["field"], "trustee.id_number");
    assert_eq!(found[0]["message"], "必填");
    let err = d.call("save_agreement", form.clone()).unwrap_err();
    assert_eq!(err["kind"], "invalid");
    assert_eq!(err["field"], "trustee.id_number");
    assert!(d.call("list_agreements", json!({})).unwrap().as_array().unwrap().is_empty(), "nothing written");

    form["trustee"]["id_number"] = json!(core_agreement::sample(Kind::Assisted).trustee.id_number);
    assert_eq!(d.call("check_agreement", form.clone()).unwrap(), json!([]));
    let saved = d.call("save_agreement", form).unwrap();
    let id = saved["id"].as_str().unwrap().to_string();
    assert_eq!(saved["form"]["kind"], "assisted");
    let list = d.call("list_agreements", json!({ "elder": elder })).unwrap();
    assert_eq!(list[0]["id"], id.as_str());
    assert_eq!(list[0]["trustee"], "陈桂兰");

    let err = d
        .call("record_payment", json!({ "agreement": id, "on": "2026-12-01", "amount": "三百" }))
        .unwrap_err();
    assert_eq!(err["field"], "amount");
    let paid = d
        .call(
            "record_payment",
            json!({ "agreement": id, "on": "2026-12-01", "amount": "300", "note": "微信" }),
        )
        .unwrap();
    assert_eq!(paid["paid"], "300.00");
    assert_eq!(paid["payments"][0]["amount"], "300.00");
    let done = d
        .call("record_duty", json!({ "agreement": id, "duty": "committee_checks", "on": "2026-12-05" }))
        .unwrap();
    assert_eq!(done["done"][0]["duty"], "committee_checks");
    assert_eq!(d.call("list_agreements", json!({})).unwrap()[0]["paid"], "300.00");

    let html = d.call("print_agreement", json!({ "id": id })).unwrap();
    let html = html.as_str().unwrap();
    for heading in ["农村居家互助养老协议书", "一、居家助养期限、地点", "五、解除协议", "六、其他约定："]
    {
        assert!(html.contains(heading), "{heading}");
    }

    // Ending without fault on five days' notice: refused under the end date, in Chinese.
    let err = d
        .call("end_agreement", json!({ "agreement": id, "by": "delegator", "reason": "no_fault", "notice_on": "2027-03-01", "end_on": "2027-03-06" }))
        .unwrap_err();
    assert_eq!(err["field"], "end_on");
    assert!(err["message"].as_str().unwrap().contains("提前 15 日"), "{err}");
    let ended = d
        .call("end_agreement", json!({ "agreement": id, "by": "delegator", "reason": "no_fault", "notice_on": "2027-03-01", "end_on": "2027-03-16" }))
        .unwrap();
    assert_eq!(ended["last_day"], "2027-03-16");
    let renewed = d.call("renew_agreement", json!({ "agreement": id, "years": 1 })).unwrap();
    assert_eq!(renewed["renews"], id.as_str());
    assert_eq!(renewed["form"]["start"], "2027-03-17");
    assert_eq!(d.call("list_agreements", json!({})).unwrap().as_array().unwrap().len(), 2);
}

#[test]
fn a_helper_device_sees_no_assessment_and_no_agreement() {
    let (d, ids) = device(Some("helper"), village());
    let elder = ids[0].clone();
    let calls = [
        ("assess_risk", json!({ "id": elder })),
        ("save_risk", json!({ "elder": elder, "assessor": "x", "intervention": null })),
        ("risk_list", json!({})),
        ("risk_history", json!({ "id": elder })),
        ("list_agreements", json!({})),
        ("save_agreement", serde_json::to_value(sample_form(&elder)).unwrap()),
        ("print_agreement", json!({ "id": "0".repeat(32) })),
    ];
    for (cmd, args) in calls {
        assert_eq!(d.call(cmd, args).unwrap_err()["kind"], "forbidden", "{cmd}");
    }
}
