//! Privacy: a consent recorded and withdrawn, an elder's data exported, the audit log, an erasure.

use super::{device, now, registry};
use serde_json::{json, Value};

#[test]
fn the_committee_records_a_consent_exports_an_elder_and_erases_them_for_good() {
    let mut id = String::new();
    let d = device(|p| {
        let mut store = registry(p);
        let mut elder = shouwang_core::demo::sample_elder();
        elder.id = None;
        id = store.add_elder(elder, now()).unwrap().id.to_string();
    });
    let name = d.call("get_elder", Some(json!({ "id": id }))).unwrap()["name"].as_str().unwrap().to_string();
    let today = shouwang_core::time::local_date(now()).to_string();

    let consent = |purposes: Value| {
        json!({ "elder": id, "given_by": "relative", "relative_name": "王强", "relation": "长子",
                "method": "thumbprint", "on": today, "purposes": purposes })
    };
    let err = d.call("record_consent", Some(consent(json!([])))).unwrap_err();
    assert_eq!(err["kind"], "invalid", "a consent for nothing is refused: {err}");
    let saved = d.call("record_consent", Some(consent(json!(["visits", "family_card"])))).unwrap();
    assert_eq!(saved["method"], "thumbprint");
    let withdrawn = d
        .call(
            "withdraw_consent",
            Some(json!({ "elder": id, "consent": saved["id"], "on": today, "by": "王强" })),
        )
        .unwrap();
    assert_eq!(withdrawn["withdrawn_on"], json!(today));
    assert_eq!(d.call("list_consents", Some(json!({ "id": id }))).unwrap().as_array().unwrap().len(), 1);

    let file = d.call("export_elder_data", Some(json!({ "id": id }))).unwrap();
    let text = std::fs::read_to_string(file["path"].as_str().unwrap()).unwrap();
    assert!(text.contains(&name) && text.contains("王强"), "the export holds the record and its consents");

    let log = d.call("audit_log", Some(json!({ "elder": id }))).unwrap();
    let actions: Vec<&str> = log.as_array().unwrap().iter().map(|l| l["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"consent") && actions.contains(&"export"), "{actions:?}");
    assert!(!log.to_string().contains("王强"), "the audit log names fields, never values");
    assert_eq!(d.call("verify_audit", None).unwrap(), json!([]), "the log is whole");

    let erase = |typed: &str| json!({ "id": id, "confirm_name": typed, "reason": "本人申请删除" });
    let err = d.call("erase_elder", Some(erase("别人"))).unwrap_err();
    assert_eq!(err["field"], "confirm_name");
    assert_eq!(
        d.call("list_elders", Some(json!({}))).unwrap().as_array().unwrap().len(),
        1,
        "nothing erased"
    );
    d.call("erase_elder", Some(erase(&name))).unwrap();
    assert!(d.call("list_elders", Some(json!({}))).unwrap().as_array().unwrap().is_empty());
    assert_eq!(d.call("get_elder", Some(json!({ "id": id }))).unwrap_err()["kind"], "not_found");
}
