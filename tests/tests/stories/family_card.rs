//! The contact card's QR code enrols the family: a committee tablet enrolled with a real relay prints an
//! elder's card with `shouwang card print --enrol`; the relay issues a one-time family code for that
//! elder, the card's QR code carries it, and a family phone enrolled with it syncs that elder's card
//! and supporters and nothing else — no other elder, no visits, no risk assessment, no agreement.

use shouwang_core::demo::{demo_village, DemoVillage};
use shouwang_core::elder::ElderId;
use shouwang_protocol::FamilyCodeRequest;
use shouwang_sync::SyncError;
use shouwang_tests::device::{now, sync_until_quiet, Device, VILLAGE};
use shouwang_tests::relay::{Backend, RelayProcess};
use std::path::PathBuf;
use std::process::Command;

/// The `shouwang` binary next to the test executable.
fn shouwang() -> PathBuf {
    let exe = std::env::current_exe().expect("the test knows its own path");
    let name = format!("shouwang{}", std::env::consts::EXE_SUFFIX);
    exe.ancestors().skip(1).take(3).map(|dir| dir.join(&name)).find(|p| p.is_file()).unwrap_or_else(|| {
        panic!(
            "the CLI {name} is not built next to {}; run `cargo build -p shouwang-cli` first",
            exe.display()
        )
    })
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

#[test]
fn the_cards_qr_code_enrols_a_family_phone_for_that_one_card() {
    let relay = RelayProcess::start(Backend::Sqlite);
    let mut office = Device::new("committee");
    office.enrol(&relay.url(), &relay.enroll("committee", VILLAGE, None));
    let v = DemoVillage::bazhou();
    let ids: Vec<ElderId> = demo_village(&v, 3, 11).into_iter().map(|e| office.add(e)).collect();
    // The office's own records of the elder: a risk assessment and a care agreement.
    let today = now().date_naive();
    office.store.assess_risk(&ids[1], "赵明", None, today, now()).unwrap();
    let mut agreement = shouwang_core::agreement::sample(shouwang_core::agreement::Kind::SelfCare);
    agreement.id = String::new();
    agreement.elder.elder = Some(ids[1].clone());
    office.store.add_agreement(agreement, now()).unwrap();
    sync_until_quiet(&mut [&mut office]);

    // The card is printed with a code from the relay in its QR code.
    let html = office.dir().join("card.html");
    let out = Command::new(shouwang())
        .arg("--db")
        .arg(office.path())
        .args(["--json", "card", "print", ids[1].as_str(), "--enrol", "--out"])
        .arg(&html)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let payload = printed["enrolments"][0]["payload"].as_str().unwrap().to_string();
    assert_eq!(printed["enrolments"][0]["elder"], ids[1].as_str());
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        page.contains(&shouwang_core::print::qr_svg(&payload, 26.0).unwrap()),
        "the QR code is the payload's"
    );
    let scanned = shouwang_core::card::Enrolment::parse(&payload).expect("an enrolment payload");
    let (url, code) = (scanned.relay.as_str(), scanned.code.as_str());
    assert_eq!(url, relay.url());
    let keys = scanned.keys.as_deref().expect("the QR code carries the family phone's keys");

    // The family phone scans it and receives the one card.
    let mut family = Device::new("family");
    family.store.import_key_bundle(keys, now()).unwrap();
    family.enrol(url, code);
    sync_until_quiet(&mut [&mut office, &mut family]);
    let expected: Vec<(String, String)> = office
        .documents()
        .into_iter()
        .filter(|(elder, kind)| *elder == ids[1].as_str() && (kind == "card" || kind == "family"))
        .collect();
    assert!(expected.iter().any(|(_, k)| k == "card"));
    assert_eq!(family.documents(), expected, "the family phone got more than its elder's card");
    assert!(
        office.documents().iter().any(|(_, k)| k == "risk")
            && office.documents().iter().any(|(_, k)| k == "agreement")
    );

    // The code was for one device only.
    let mut again = Device::new("another phone");
    let reuse = runtime().block_on(shouwang_sync::enrol(&mut again.store, url, code, "x", now()));
    assert!(reuse.is_err(), "a one-time code enrolled a second device");

    // Only a committee device may ask for a family code.
    let mut helper = Device::new("helper");
    helper.enrol_keyed(&relay.url(), &relay.enroll("helper", VILLAGE, None), &mut office, "helper", None);
    let token = helper.store.sync_state().unwrap().unwrap().token;
    let client = shouwang_sync::Relay::new(&relay.url(), Some(token)).unwrap();
    let refused = runtime().block_on(client.family_code(&FamilyCodeRequest { elder: ids[0].to_string() }));
    assert!(matches!(refused, Err(SyncError::Refused { status: 403, .. })), "{refused:?}");
    let committee_token = office.store.sync_state().unwrap().unwrap().token;
    let client = shouwang_sync::Relay::new(&relay.url(), Some(committee_token)).unwrap();
    let bad = runtime().block_on(client.family_code(&FamilyCodeRequest { elder: "nope".into() }));
    assert!(matches!(bad, Err(SyncError::Refused { status: 400, .. })), "{bad:?}");
}
