//! Care agreements: the form across the edge, an early end under the form's field, one filed, paid,
//! checked, printed, ended and renewed.

use super::risk::{office, village};
use crate::dto::{end_error, AgreementForm};
use crate::error::{AppError, ErrorKind};
use serde_json::json;
use shouwang_core::agreement::{self as core_agreement, Kind};

/// The sample agreement's form for `elder`.
pub(super) fn sample_form(elder: &str) -> AgreementForm {
    let mut form = AgreementForm::from(&core_agreement::sample(Kind::Assisted));
    form.elder.elder = elder.to_string();
    form
}

#[test]
fn an_agreement_crosses_the_edge_unchanged() {
    for kind in [Kind::SelfCare, Kind::Assisted] {
        let mut a = core_agreement::sample(kind);
        a.elder.elder = Some(format!("{}1", "0".repeat(31)).parse().unwrap());
        let back = AgreementForm::from(&a).to_agreement().unwrap();
        a.id = String::new();
        assert_eq!(back, a);
    }
    let mut form = sample_form("");
    form.fee.amount = "三百".into();
    form.start = "明天".into();
    form.kind = "nursing".into();
    let e = form.to_agreement().unwrap_err();
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
fn the_committee_files_an_assisted_care_agreement_records_a_payment_and_prints_it() {
    let (d, ids) = office(None, village());
    let elder = ids[0].clone();
    let mut form = serde_json::to_value(sample_form(&elder)).unwrap();
    form["trustee"]["id_number"] = json!("");
    let found = d.send("check_agreement", form.clone()).unwrap();
    assert_eq!(found[0]["field"], "trustee.id_number");
    assert_eq!(found[0]["message"], "必填");
    let err = d.send("save_agreement", form.clone()).unwrap_err();
    assert_eq!(err["kind"], "invalid");
    assert_eq!(err["field"], "trustee.id_number");
    assert!(d.send("list_agreements", json!({})).unwrap().as_array().unwrap().is_empty(), "nothing written");

    form["trustee"]["id_number"] = json!(core_agreement::sample(Kind::Assisted).trustee.id_number);
    assert_eq!(d.send("check_agreement", form.clone()).unwrap(), json!([]));
    let saved = d.send("save_agreement", form).unwrap();
    let id = saved["id"].as_str().unwrap().to_string();
    assert_eq!(saved["form"]["kind"], "assisted");
    let list = d.send("list_agreements", json!({ "elder": elder })).unwrap();
    assert_eq!(list[0]["id"], id.as_str());
    assert_eq!(list[0]["trustee"], "陈桂兰");

    let err = d
        .send("record_payment", json!({ "agreement": id, "on": "2026-12-01", "amount": "三百" }))
        .unwrap_err();
    assert_eq!(err["field"], "amount");
    let paid = d
        .send(
            "record_payment",
            json!({ "agreement": id, "on": "2026-12-01", "amount": "300", "note": "微信" }),
        )
        .unwrap();
    assert_eq!(paid["paid"], "300.00");
    assert_eq!(paid["payments"][0]["amount"], "300.00");
    let done = d
        .send("record_duty", json!({ "agreement": id, "duty": "committee_checks", "on": "2026-12-05" }))
        .unwrap();
    assert_eq!(done["done"][0]["duty"], "committee_checks");
    assert_eq!(d.send("list_agreements", json!({})).unwrap()[0]["paid"], "300.00");

    let html = d.send("print_agreement", json!({ "id": id })).unwrap();
    let html = html.as_str().unwrap();
    for heading in ["农村居家互助养老协议书", "一、居家助养期限、地点", "五、解除协议", "六、其他约定："]
    {
        assert!(html.contains(heading), "{heading}");
    }

    // Ending without fault on five days' notice: refused under the end date, in Chinese.
    let err = d
        .send("end_agreement", json!({ "agreement": id, "by": "delegator", "reason": "no_fault", "notice_on": "2027-03-01", "end_on": "2027-03-06" }))
        .unwrap_err();
    assert_eq!(err["field"], "end_on");
    assert!(err["message"].as_str().unwrap().contains("提前 15 日"), "{err}");
    let ended = d
        .send("end_agreement", json!({ "agreement": id, "by": "delegator", "reason": "no_fault", "notice_on": "2027-03-01", "end_on": "2027-03-16" }))
        .unwrap();
    assert_eq!(ended["last_day"], "2027-03-16");
    let renewed = d.send("renew_agreement", json!({ "agreement": id, "years": 1 })).unwrap();
    assert_eq!(renewed["renews"], id.as_str());
    assert_eq!(renewed["form"]["start"], "2027-03-17");
    assert_eq!(d.send("list_agreements", json!({})).unwrap().as_array().unwrap().len(), 2);
}
