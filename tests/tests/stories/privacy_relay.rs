//! Privacy by construction (issue 7): the relay never sees a name. A committee desk and a helper's
//! tablet sync a whole village — registry, helpers, visits, risk assessments, a care agreement, a case
//! — through a real relay on SQLite and on PostgreSQL; then the relay's whole database (the SQLite file
//! and its write-ahead log, or a `pg_dump`) is searched for every elder's name, ID number and phone and
//! every supporter's phone: not one is found. A family phone enrolled with a stolen committee code but
//! no key bundle reads nothing. An erasure reaches the helper's tablet and the family's phone too.

use chrono::Duration;
use shouwang_core::case::{Emergency, Opening, Party};
use shouwang_core::demo::{demo_services, demo_village, DemoVillage};
use shouwang_core::elder::Elder;
use shouwang_core::store::ElderFilter;
use shouwang_tests::device::{now, sync_until_quiet, Device, VILLAGE};
use shouwang_tests::relay::{Backend, RelayProcess};

/// Every personal string of the village a relay must never hold in the clear.
fn secrets(elders: &[Elder]) -> Vec<String> {
    let mut out = Vec::new();
    for e in elders {
        out.push(e.name.clone());
        out.extend(e.id_number.clone());
        out.extend(e.phone.clone());
        for s in &e.supporters {
            out.extend(s.phone.clone());
        }
    }
    out.retain(|s| s.chars().count() >= 2);
    out.sort();
    out.dedup();
    out
}

fn hits(haystack: &[u8], secrets: &[String]) -> Vec<String> {
    secrets.iter().filter(|s| haystack.windows(s.len()).any(|w| w == s.as_bytes())).cloned().collect()
}

/// A whole village on a committee desk, synced with a helper's tablet.
fn village_synced(relay: &RelayProcess) -> (Device, Device, Vec<Elder>) {
    let mut desk = Device::new("committee desk");
    desk.enrol(&relay.url(), &relay.enroll("committee", VILLAGE, None));
    let village = DemoVillage { today: now().date_naive(), ..DemoVillage::bazhou() };
    let elders = demo_village(&village, 12, 7);
    let ids: Vec<_> = elders.iter().map(|e| desk.add(e.clone())).collect();
    let services = demo_services(&mut desk.store, &village, &elders, 7, now()).unwrap();
    assert!(services.visits > 0 && services.helpers > 0);
    let today = now().date_naive();
    for id in &ids[..4] {
        desk.store.assess_risk(id, "赵明", None, today, now()).unwrap();
    }
    let mut agreement = shouwang_core::agreement::sample(shouwang_core::agreement::Kind::SelfCare);
    agreement.id = String::new();
    agreement.elder.elder = Some(ids[1].clone());
    desk.store.add_agreement(agreement, now()).unwrap();
    let opening = Opening {
        at: now() - Duration::hours(1),
        by: "陈桂兰".into(),
        summary: "胸口疼，呼叫 120".into(),
        visit: None,
        emergency: Some(Emergency { called: vec![Party::Ambulance], called_at: now() - Duration::hours(1) }),
    };
    desk.store.open_case(&ids[2], opening, now()).unwrap();

    let mut tablet = Device::new("helper tablet");
    let helper = desk.busiest_helper();
    tablet.enrol_helper(relay, &mut desk, helper.id.as_str());
    sync_until_quiet(&mut [&mut desk, &mut tablet]);
    (desk, tablet, elders)
}

fn the_relay_never_holds_a_name(backend: Backend) {
    let relay = RelayProcess::start(backend);
    let (desk, tablet, elders) = village_synced(&relay);
    // The village did sync: the tablet holds its helper's elders' cards and visits, opened with its keys.
    let docs = tablet.documents();
    let cards = docs.iter().filter(|(_, k)| k == "card").count();
    assert_eq!(cards, desk.busiest_helper().elders, "the helper's tablet got its helper's elders");
    assert!(docs.iter().any(|(_, k)| k == "visits"), "and its visits");
    assert_eq!(tablet.store.held_count().unwrap(), 0, "a helper holds the keys of what it receives");
    let listed = desk.store.list(&ElderFilter::default(), now().date_naive()).unwrap();
    assert_eq!(desk.store.outbox_len().unwrap(), 0, "everything reached the relay");

    let secrets = secrets(&elders);
    assert!(secrets.len() > 30, "names, ID numbers and phones to look for: {}", secrets.len());
    let bytes = relay.database_bytes();
    assert!(bytes.len() > 10_000, "the relay's database was read ({} bytes)", bytes.len());
    assert_eq!(hits(&bytes, &secrets), Vec::<String>::new(), "personal data in the relay's database");
    // The search itself finds a name where there is one: in the desk's own (local) record.
    assert!(hits(serde_json::to_string(&desk.elder(&listed[0].id)).unwrap().as_bytes(), &secrets).len() >= 2);
}

fn a_stolen_code_without_keys_reads_nothing(backend: Backend) {
    let relay = RelayProcess::start(backend);
    let (mut desk, _tablet, _elders) = village_synced(&relay);
    let first = desk.store.list(&ElderFilter::default(), now().date_naive()).unwrap()[0].id.clone();
    // The committee's code, stolen, enrols a phone that has no key bundle.
    let mut thief = Device::new("stolen code");
    thief.enrol_stolen(&relay.url(), &relay.enroll("committee", VILLAGE, None));
    sync_until_quiet(&mut [&mut desk, &mut thief]);
    assert!(thief.store.list(&ElderFilter::default(), now().date_naive()).unwrap().is_empty());
    assert!(thief.documents().is_empty(), "no document opened: {:?}", thief.documents());
    let name = desk.elder(&first).name;
    if let Ok(card) = thief.store.card(&first) {
        assert!(!format!("{card:?}").contains(&name), "the card is empty: {card:?}");
    }
    assert!(thief.store.held_count().unwrap() > 0, "what it received is held, sealed");
}

fn an_erasure_reaches_every_device_that_held_the_elder(backend: Backend) {
    let relay = RelayProcess::start(backend);
    let (mut desk, mut tablet, _elders) = village_synced(&relay);
    // Two elders of the tablet's helper: one is erased, the other stays.
    let listed = desk.store.elders_of(&desk.busiest_helper().id).unwrap();
    let (gone, kept) = (listed[0].clone(), listed[1].clone());
    // The elder's daughter has the family phone, enrolled from the printed card's code.
    let mut phone = Device::new("daughter's phone");
    let code = relay.enroll("family", VILLAGE, Some(gone.as_str()));
    phone.enrol_keyed(&relay.url(), &code, &mut desk, "family", Some(gone.as_str()));
    sync_until_quiet(&mut [&mut desk, &mut tablet, &mut phone]);
    let of = |d: &Device, id: &shouwang_core::elder::ElderId| {
        d.documents().into_iter().filter(|(e, _)| e == id.as_str()).count()
    };
    assert!(of(&tablet, &gone) >= 4 && of(&phone, &gone) == 2, "every device holds the elder first");
    assert!(of(&tablet, &kept) >= 4, "and the other");

    // The elder asks to be erased; the committee does it and every device syncs.
    desk.store.erase_elder(&gone, "本人申请删除个人信息", now()).unwrap();
    sync_until_quiet(&mut [&mut desk, &mut tablet, &mut phone]);
    for d in [&desk, &tablet, &phone] {
        assert_eq!(of(d, &gone), 0, "{} still holds a document of the erased elder", d.name);
    }
    assert!(phone.store.card(&gone).is_err(), "the phone's card is gone");
    assert!(of(&tablet, &kept) >= 4, "the other elders stay on the tablet");
    assert_eq!(tablet.store.held_count().unwrap(), 0, "the helper opened the erasure: nothing held");
}

shouwang_tests::on_both_backends!(
    the_relay_never_holds_a_name,
    a_stolen_code_without_keys_reads_nothing,
    an_erasure_reaches_every_device_that_held_the_elder
);
