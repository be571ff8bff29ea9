//! Contact cards: one per elder, no ID number on any, and why there is no QR code.

use super::reports::village;
use super::{device, enrol, now};
use serde_json::json;
use shouwang_core::store::Store;

#[test]
fn contact_cards_print_one_per_elder_without_id_numbers_and_say_why_there_is_no_qr_code() {
    let mut ids = Vec::new();
    let d = device(|p| ids = village(p, 3));
    let elders: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let printed = d.send("print_cards", json!({ "elders": elders, "paper": "a6" })).unwrap();
    let html = printed["html"].as_str().unwrap();
    assert_eq!(printed["cards"], 3);
    assert_eq!(html.matches("class=\"card\"").count(), 3);
    assert!(html.contains("巴州区农村互助养老明白卡"));
    assert_eq!(printed["with_code"], 0);
    assert!(printed["no_code"].as_str().unwrap().contains("未印二维码"), "said clearly: {printed}");
    assert!(!html.contains("<svg"), "no QR code without a code from the relay");
    let store = Store::open(d.dir.path().join("app.sqlite"), now()).unwrap();
    let numbers: Vec<String> = ids.iter().filter_map(|id| store.elder(id).unwrap().id_number).collect();
    assert_eq!(numbers.len(), 3, "the demo elders have ID numbers");
    assert!(numbers.iter().all(|n| !html.contains(n.as_str())), "no ID number on a card");
    drop(store);

    let sheet = d.send("print_cards", json!({ "elders": [elders[0]], "paper": "a4" })).unwrap();
    assert!(sheet["html"].as_str().unwrap().contains("class=\"sheet\""));
    let err = d.send("print_cards", json!({ "elders": [], "paper": "a6" })).unwrap_err();
    assert_eq!(err["field"], "elders");
}

#[test]
fn an_enrolled_office_that_cannot_reach_its_relay_prints_without_a_code_and_says_so() {
    let mut ids = Vec::new();
    let d = device(|p| {
        ids = village(p, 2);
        enrol(p, "committee", None, None);
    });
    let elders: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let printed =
        d.send("print_cards", json!({ "elders": elders, "paper": "a6", "area": "巴州区" })).unwrap();
    assert_eq!(printed["cards"], 2);
    assert_eq!(printed["with_code"], 0);
    assert!(printed["no_code"].as_str().unwrap().contains("无法连接中继服务器"), "{printed}");
    assert!(printed["no_code_en"].as_str().unwrap().contains("cannot be reached"));
    assert!(!printed["html"].as_str().unwrap().contains("<svg"));
}
