//! The registry: first run, the form checked and saved, what a family's and a helper's device list.

use super::{device, enrol, now, registry};
use crate::dto::elder_to_form;
use serde_json::{json, Value};

/// The PIN the tests choose on first run.
pub(super) const PIN: &str = "135790";

/// The demo's sample elder as the form holds it, without an id.
pub(super) fn sample_form() -> Value {
    let mut elder = shouwang_core::demo::sample_elder();
    elder.id = None;
    serde_json::to_value(elder_to_form(&elder).unwrap()).unwrap()
}

fn break_checksum(id: &str) -> String {
    let (body, last) = id.split_at(17);
    let other = if last == "0" { "1" } else { "0" };
    format!("{body}{other}")
}

#[test]
fn a_committee_creates_its_registry_on_first_run_and_registers_an_elder() {
    let d = device(|_| {});
    let status = d.call("app_status", None).unwrap();
    assert_eq!(status["registry"], Value::Null, "first run: no registry yet");
    assert_eq!(status["role"], "committee");

    let status = d
        .call(
            "create_registry",
            Some(json!({ "unit": "511902106202", "name": "斑竹村", "policy": "sichuan", "pin": PIN })),
        )
        .unwrap();
    assert_eq!(status["registry"]["name"], "斑竹村");
    assert!(d.path.exists());

    let mut form = sample_form();
    let good_id = form["id_number"].as_str().unwrap().to_string();
    form["id_number"] = json!(break_checksum(&good_id));

    let found = d.call("validate_elder", Some(form.clone())).unwrap();
    let id_error = found
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["field"] == "id_number")
        .expect("an error under id_number");
    assert!(id_error["message"].as_str().unwrap().contains("身份证"), "message in Chinese: {id_error}");
    assert_eq!(id_error["warning"], false);

    let err = d.call("save_elder", Some(form.clone())).unwrap_err();
    assert_eq!(err["kind"], "invalid");
    assert_eq!(err["field"], "id_number");
    assert!(
        d.call("list_elders", Some(json!({}))).unwrap().as_array().unwrap().is_empty(),
        "nothing written"
    );

    form["id_number"] = json!(good_id);
    let saved = d.call("save_elder", Some(form.clone())).unwrap();
    let id = saved["id"].as_str().unwrap().to_string();
    let rows = d.call("list_elders", Some(json!({ "text": form["name"] }))).unwrap();
    assert_eq!(rows[0]["id"], id.as_str());
    assert_eq!(d.call("app_status", None).unwrap()["sync"]["pending"].as_u64().map(|n| n > 0), Some(true));

    let record = d.call("get_elder", Some(json!({ "id": id }))).unwrap();
    assert_eq!(record["name"], form["name"]);
    let mut edit = record.clone();
    edit["address"] = json!("斑竹村3组12号");
    d.call("save_elder", Some(edit)).unwrap();
    assert_eq!(d.call("get_elder", Some(json!({ "id": id }))).unwrap()["address"], "斑竹村3组12号");
}

#[test]
fn a_form_without_a_birth_date_is_answered_under_that_field() {
    let d = device(|p| drop(registry(p)));
    let mut form = sample_form();
    form["birth_date"] = json!("");
    let found = d.call("validate_elder", Some(form)).unwrap();
    assert_eq!(found[0]["field"], "birth_date");
    assert_eq!(found[0]["message"], "必填");
}

#[test]
fn a_family_device_sees_its_card_and_nothing_else() {
    let mut elder_id = String::new();
    let d = device(|p| {
        let mut store = registry(p);
        elder_id = store.add_elder(shouwang_core::demo::sample_elder(), now()).unwrap().id.to_string();
        drop(store);
        enrol(p, "family", Some(elder_id.clone()), None);
    });
    assert_eq!(d.call("app_status", None).unwrap()["role"], "family");
    let card = d.call("family_card", None).unwrap();
    assert_eq!(card["id"], elder_id.as_str());
    assert!(!card.to_string().contains("id_number"));
    // Core lists no elder to a family (its card is read on its own) and refuses the record.
    assert_eq!(d.call("list_elders", Some(json!({}))).unwrap(), json!([]));
    assert_eq!(d.call("get_elder", Some(json!({ "id": elder_id }))).unwrap_err()["kind"], "forbidden");
    assert_eq!(d.call("save_elder", Some(sample_form())).unwrap_err()["kind"], "forbidden");
}

#[test]
fn a_helper_device_lists_the_elders_it_holds() {
    let d = device(|p| {
        let mut store = registry(p);
        let helper = store.add_helper(shouwang_core::helper::Helper::named("李互助"), now()).unwrap();
        for e in shouwang_core::demo::demo_village(&shouwang_core::demo::DemoVillage::bazhou(), 5, 7) {
            let id = store.add_elder(e, now()).unwrap().id;
            store.assign(&id, &helper, "就近", now()).unwrap();
        }
        drop(store);
        enrol(p, "helper", None, Some(helper.to_string()));
    });
    let rows = d.call("my_elders", None).unwrap();
    let names: Vec<&str> = rows.as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 5);
    // Core lists a helper's tablet its own elders, whichever list asks.
    assert_eq!(d.call("list_elders", Some(json!({}))).unwrap(), rows);
    assert_eq!(d.call("save_elder", Some(sample_form())).unwrap_err()["kind"], "forbidden");
}

#[test]
fn every_listed_command_is_registered() {
    let d = device(|_| {});
    for (name, _, _) in crate::COMMANDS {
        if let Err(e) = d.call(name, Some(json!({}))) {
            let text = e.to_string();
            assert!(
                !text.contains("not found"),
                "{name} is listed in the bindings but not registered: {text}"
            );
        }
    }
}
