//! Nothing lost, nothing forged (issue 14), through a real relay process on SQLite and on PostgreSQL.
//!
//! - A ledger typed by an office, with two namesakes (王秀英, same sex, same address, same phone),
//!   imported in one batch on one desk: their cards are byte for byte the same change in two documents.
//!   Both reach a second desk and the helper's tablet that serves them; the second desk holds every row
//!   of the ledger (counted from the CSV itself), the tablet its helper's elders and no one else's.
//! - Red team: a committee token redeemed without the office's keys cannot erase; a helper's token may
//!   not write the office's kinds; a helper's forged change to a card's name is held for review, not
//!   applied; one ID number in two villages is two elders; the relay holds no hash of an ID number.

use automerge::transaction::Transactable;
use shouwang_core::doc::{DocId, DocKind};
use shouwang_core::elder::{Elder, ElderId};
use shouwang_core::helper::Helper;
use shouwang_core::ledger;
use shouwang_core::store::ElderFilter;
use shouwang_protocol::envelope::{self, What};
use shouwang_protocol::{Change, DocRef};
use shouwang_tests::device::{now, sync_until_quiet, Device, VILLAGE};
use shouwang_tests::relay::{Backend, RelayProcess};
use std::collections::BTreeMap;

/// The name the namesakes share.
const NAMESAKE: &str = "王秀英";

/// A ledger of 24 rows as an office types it, in which rows 3 and the next of the same sex are made
/// namesakes: the same name, address and phone. Returns the CSV and the two rows' ID numbers.
fn ledger_with_namesakes() -> (String, [String; 2]) {
    let csv = ledger::sample_ledger(24, 32);
    let mut reader = csv::ReaderBuilder::new().from_reader(csv.as_bytes());
    let headings: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
    let col = |name: &str| headings.iter().position(|h| h.starts_with(name)).unwrap();
    let (name, sex, address, phone, id) =
        (col("姓名"), col("性别"), col("现居住地址"), col("联系电话"), col("身份证号码"));
    let mut rows: Vec<Vec<String>> =
        reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect();
    let first = 3;
    let twin = (first + 1..rows.len()).find(|&j| rows[j][sex] == rows[first][sex]).unwrap();
    for j in [first, twin] {
        rows[j][name] = NAMESAKE.into();
        rows[j][address] = "梁永镇斑竹村3组".into();
        rows[j][phone] = "13990001111".into();
    }
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(&headings).unwrap();
    for row in &rows {
        out.write_record(row).unwrap();
    }
    let ids = [rows[first][id].clone(), rows[twin][id].clone()];
    (String::from_utf8(out.into_inner().unwrap()).unwrap(), ids)
}

/// The names of a CSV ledger's rows, counted from the CSV itself (not by the code under test).
fn names_in(csv: &str) -> BTreeMap<String, usize> {
    let mut reader = csv::ReaderBuilder::new().from_reader(csv.as_bytes());
    let name = reader.headers().unwrap().iter().position(|h| h == "姓名").unwrap();
    let mut names = BTreeMap::new();
    for row in reader.records() {
        *names.entry(row.unwrap()[name].to_string()).or_default() += 1;
    }
    names
}

fn names_on(device: &Device) -> BTreeMap<String, usize> {
    let mut names = BTreeMap::new();
    for row in device.store.list(&ElderFilter::default(), now().date_naive()).unwrap() {
        *names.entry(row.name).or_default() += 1;
    }
    names
}

fn import(desk: &mut Device, csv: &str) -> Vec<ElderId> {
    let sheet = ledger::read_csv(csv.as_bytes()).unwrap();
    let ctx = ledger::ImportContext::new(
        VILLAGE.parse().unwrap(),
        shouwang_core::policy::Policy::builtin("sichuan").unwrap(),
        now().date_naive(),
    );
    let plan = ledger::plan(&sheet, &desk.store, &ctx).unwrap();
    assert_eq!(
        plan.refused(),
        0,
        "{:?}",
        plan.rows.iter().filter(|r| !r.problems.is_empty()).collect::<Vec<_>>()
    );
    ledger::apply(&plan, &mut desk.store, now()).unwrap().added.into_iter().map(|(_, id)| id).collect()
}

/// The outbox hashes of a document's changes on a device.
fn outbox_hashes(device: &Device, doc: &DocId) -> Vec<String> {
    let conn = rusqlite::Connection::open(device.path()).unwrap();
    let mut stmt = conn.prepare("SELECT hash FROM outbox WHERE doc_id = ?1 ORDER BY seq").unwrap();
    stmt.query_map([doc.to_string()], |r| r.get(0)).unwrap().collect::<rusqlite::Result<_>>().unwrap()
}

fn a_ledger_with_namesakes_reaches_a_second_desk_and_the_helpers_tablet_whole(backend: Backend) {
    let relay = RelayProcess::start(backend);
    let (csv, twins) = ledger_with_namesakes();
    let expected = names_in(&csv);
    assert_eq!((expected.values().sum::<usize>(), expected[NAMESAKE]), (24, 2), "the ledger as typed");

    let mut desk = Device::new("office desk");
    desk.enrol(&relay.url(), &relay.enroll("committee", VILLAGE, None));
    let ids = import(&mut desk, &csv);
    assert_eq!(ids.len(), 24);
    let twin_ids: Vec<ElderId> = twins.iter().map(|n| desk.store.elder_id_for(n).unwrap()).collect();
    // What broke before: the two cards' first change is the same change, in two documents.
    let cards: Vec<Vec<String>> = twin_ids
        .iter()
        .map(|e| outbox_hashes(&desk, &DocId { elder: e.clone(), kind: DocKind::Card }))
        .collect();
    assert_eq!(cards[0], cards[1], "byte-identical card changes in two documents");
    assert_eq!(cards[0].len(), 1);

    // One helper serves the namesakes and two others; the rest of the village is someone else's.
    let mine = desk.store.add_helper(Helper::named("陈桂兰"), now()).unwrap();
    let other = desk.store.add_helper(Helper::named("李春梅"), now()).unwrap();
    let served: Vec<ElderId> = twin_ids
        .iter()
        .cloned()
        .chain(ids.iter().filter(|e| !twin_ids.contains(e)).take(2).cloned())
        .collect();
    for e in &ids {
        let helper = if served.contains(e) { &mine } else { &other };
        desk.store.assign(e, helper, "村委会分配", now()).unwrap();
    }

    let mut second = Device::new("second desk");
    second.enrol_keyed(&relay.url(), &relay.enroll("committee", VILLAGE, None), &mut desk, "committee", None);
    let mut tablet = Device::new("陈桂兰's tablet");
    tablet.enrol_helper(&relay, &mut desk, mine.as_str());
    sync_until_quiet(&mut [&mut desk, &mut second, &mut tablet]);

    // The second desk holds the ledger whole: every row, the namesakes twice.
    assert_eq!(names_on(&second), expected, "the second desk's registry is the ledger");
    for (e, number) in twin_ids.iter().zip(&twins) {
        let elder = second.elder(e);
        assert_eq!((elder.name.as_str(), elder.id_number.as_deref()), (NAMESAKE, Some(number.as_str())));
    }
    assert!(second.store.quarantined().unwrap().is_empty() && second.store.review_list().unwrap().is_empty());
    // The tablet holds its helper's four elders, the namesakes both, and nobody else.
    let on_tablet = tablet.store.list(&ElderFilter::default(), now().date_naive()).unwrap();
    let mut held: Vec<ElderId> = on_tablet.iter().map(|r| r.id.clone()).collect();
    held.sort();
    let mut want = served.clone();
    want.sort();
    assert_eq!(held, want);
    assert_eq!(on_tablet.iter().filter(|r| r.name == NAMESAKE).count(), 2);
    let elders_held: std::collections::BTreeSet<String> = tablet
        .documents()
        .into_iter()
        .map(|(e, _)| e)
        .filter(|e| ids.iter().any(|i| i.as_str() == e))
        .collect();
    assert_eq!(elders_held.len(), 4, "documents of its four elders only");
    tablet.store.checkpoint().unwrap();
    let file = tablet.file_bytes();
    let names: Vec<String> = on_tablet.iter().map(|r| r.name.clone()).collect();
    for e in ids.iter().filter(|e| !served.contains(e)) {
        let name = second.elder(e).name;
        if names.contains(&name) {
            continue;
        }
        assert!(!file.windows(name.len()).any(|w| w == name.as_bytes()), "{name} is in the tablet's file");
    }
    let mine_name = second.elder(&served[2]).name;
    assert!(
        file.windows(mine_name.len()).any(|w| w == mine_name.as_bytes()),
        "the search finds what is there"
    );

    // The helper visits both namesakes in one minute: again the same card change in two documents.
    for e in &twin_ids {
        tablet.store.log_visit(visit(e, mine.as_str()), now()).unwrap();
    }
    sync_until_quiet(&mut [&mut desk, &mut second, &mut tablet]);
    for e in &twin_ids {
        assert_eq!(second.store.card(e).unwrap().last_visit, Some(now().date_naive()), "both visits arrived");
        assert_eq!(
            second
                .store
                .visits(&shouwang_core::store::VisitFilter { elder: Some(e.clone()), ..Default::default() })
                .unwrap()
                .len(),
            1
        );
    }

    // An elder of the other helper, with a visit in their history, is reassigned to 陈桂兰: her tablet
    // fetches the elder's whole history; one of hers moves away and leaves the tablet.
    let (incoming, outgoing) = (ids.iter().find(|e| !served.contains(e)).unwrap().clone(), served[3].clone());
    desk.store.log_visit(visit(&incoming, other.as_str()), now()).unwrap();
    sync_until_quiet(&mut [&mut desk, &mut second, &mut tablet]);
    desk.store.assign(&incoming, &mine, "就近", now()).unwrap();
    desk.store.assign(&outgoing, &other, "就近", now()).unwrap();
    sync_until_quiet(&mut [&mut desk, &mut second, &mut tablet]);
    let kinds: Vec<String> =
        tablet.documents().into_iter().filter(|(e, _)| e == incoming.as_str()).map(|(_, k)| k).collect();
    assert_eq!(kinds, ["assignment", "card", "family", "profile", "visits"], "the whole history arrived");
    assert_eq!(tablet.store.visit_history(&incoming).unwrap().len(), 1, "with the visit before");
    assert!(
        tablet.documents().iter().all(|(e, _)| e != outgoing.as_str()),
        "the elder moved away is forgotten"
    );
}

fn visit(elder: &ElderId, helper: &str) -> shouwang_core::visit::Visit {
    shouwang_core::visit::Visit {
        id: String::new(),
        elder: elder.clone(),
        helper: helper.into(),
        mode: shouwang_core::visit::Mode::Door,
        at: now() - chrono::Duration::hours(1),
        duration_minutes: 30,
        checks: shouwang_core::visit::Checks::all_fine(),
        services: vec![],
        follow_up: String::new(),
        position: None,
        amends: None,
        home_distance_m: None,
        recorded_at: None,
    }
}

/// An office desk with a small village, a second desk, and the tablet of the helper serving two elders.
struct Village {
    relay: RelayProcess,
    desk: Device,
    second: Device,
    tablet: Device,
    elders: Vec<ElderId>,
    numbers: Vec<String>,
}

fn village(backend: Backend) -> Village {
    let relay = RelayProcess::start(backend);
    let mut desk = Device::new("office desk");
    desk.enrol(&relay.url(), &relay.enroll("committee", VILLAGE, None));
    let people = shouwang_core::demo::demo_village(&shouwang_core::demo::DemoVillage::bazhou(), 6, 5);
    let numbers: Vec<String> = people.iter().filter_map(|e| e.id_number.clone()).collect();
    let elders: Vec<ElderId> = people.into_iter().map(|e| desk.add(e)).collect();
    let helper = desk.store.add_helper(Helper::named("陈桂兰"), now()).unwrap();
    for e in &elders[..2] {
        desk.store.assign(e, &helper, "村委会分配", now()).unwrap();
    }
    let mut second = Device::new("second desk");
    second.enrol_keyed(&relay.url(), &relay.enroll("committee", VILLAGE, None), &mut desk, "committee", None);
    let mut tablet = Device::new("helper's tablet");
    tablet.enrol_helper(&relay, &mut desk, helper.as_str());
    sync_until_quiet(&mut [&mut desk, &mut second, &mut tablet]);
    Village { relay, desk, second, tablet, elders, numbers }
}

/// An erasure envelope as an attacker without the office's keys makes one: well formed, flagged
/// signed, with a signature of its own key.
fn forged_erasure(subject: &str) -> Change {
    let doc = DocRef { elder: subject.into(), kind: "keyring".into() };
    let bytes = envelope::signed_sample(What::Erasure, b"2026-11-23\nforged", VILLAGE, &doc, &[99; 32]);
    Change { doc, bytes }
}

fn a_committee_token_without_the_office_keys_erases_nothing(backend: Backend) {
    let mut v = village(backend);
    let mut thief = Device::new("stolen committee code");
    thief.enrol_stolen(&v.relay.url(), &v.relay.enroll("committee", VILLAGE, None));
    let victim = v.elders[0].clone();
    let helper_subject = v.desk.busiest_helper().id.subject().to_string();
    let unsigned = Change {
        doc: DocRef { elder: victim.to_string(), kind: "keyring".into() },
        bytes: envelope::sample(What::Erasure, b"2026-11-23\nunsigned"),
    };
    for (attempt, what) in [
        (unsigned, "unsigned"),
        (forged_erasure(victim.as_str()), "forged"),
        (forged_erasure(&helper_subject), "a helper's"),
    ] {
        let (status, body) = thief.push_raw(VILLAGE, vec![attempt]);
        assert_eq!((status, body["kind"].as_str()), (403, Some("unsigned_erasure")), "{what}: {body}");
    }
    // Nothing was deleted, and the office's next edit is stored and reaches the second desk.
    v.desk.edit(&victim, |e| e.address = "梁永镇斑竹村5组8号".into());
    sync_until_quiet(&mut [&mut v.desk, &mut v.second, &mut v.tablet]);
    assert_eq!(v.second.elder(&victim).address, "梁永镇斑竹村5组8号");
    assert_eq!(v.tablet.store.card(&victim).unwrap().address, "梁永镇斑竹村5组8号");
    assert!(v.tablet.store.helper(&v.desk.busiest_helper().id).is_ok(), "the helper's own document is whole");
    // The office's own erasure, signed, still works.
    v.desk.store.erase_elder(&v.elders[1], "本人申请删除个人信息", now()).unwrap();
    sync_until_quiet(&mut [&mut v.desk, &mut v.second, &mut v.tablet]);
    assert!(v.second.store.elder(&v.elders[1]).is_err() && v.tablet.store.card(&v.elders[1]).is_err());
}

fn a_helpers_token_may_not_write_the_offices_kinds(backend: Backend) {
    let mut v = village(backend);
    let elder = v.elders[0].to_string();
    for (i, kind) in
        ["profile", "sensitive", "risk", "agreement", "assignment", "keyring"].into_iter().enumerate()
    {
        let change = Change {
            doc: DocRef { elder: elder.clone(), kind: kind.into() },
            bytes: envelope::sample(What::Change, format!("forged {i}").as_bytes()),
        };
        let (status, body) = v.tablet.push_raw(VILLAGE, vec![change]);
        assert_eq!((status, body["field"].as_str()), (403, Some("changes[0].doc")), "{kind}: {body}");
    }
    // A real change sealed with the tablet's village key, to the elder's profile: refused the same.
    let doc = DocId { elder: v.elders[0].clone(), kind: DocKind::Profile };
    let sealed = v.tablet.store.seal_change(&doc, &forged_change(&v.tablet, &doc, "needs", "伪造")).unwrap();
    let (status, _) = v
        .tablet
        .push_raw(VILLAGE, vec![Change { doc: DocRef { elder, kind: "profile".into() }, bytes: sealed }]);
    assert_eq!(status, 403);
    let before = v.second.elder(&v.elders[0]);
    sync_until_quiet(&mut [&mut v.desk, &mut v.second, &mut v.tablet]);
    assert_eq!(v.second.elder(&v.elders[0]), before, "nothing of it was stored");
}

/// A change to one field of a document as a device holding it would make it (its actor, its history).
fn forged_change(device: &Device, doc: &DocId, field: &str, value: &str) -> Vec<u8> {
    let conn = rusqlite::Connection::open(device.path()).unwrap();
    let data: Option<Vec<u8>> =
        conn.query_row("SELECT data FROM documents WHERE doc_id = ?1", [doc.to_string()], |r| r.get(0)).ok();
    let mut am = data.map_or_else(automerge::AutoCommit::new, |d| automerge::AutoCommit::load(&d).unwrap());
    am.set_actor(automerge::ActorId::from(vec![0xab; 16]));
    let heads = am.get_heads();
    am.put(automerge::ROOT, field, value).unwrap();
    am.commit();
    am.get_changes(&heads).into_iter().next().unwrap().raw_bytes().to_vec()
}

fn a_forged_helper_change_to_a_cards_name_is_held_for_review(backend: Backend) {
    let mut v = village(backend);
    let elder = v.elders[0].clone();
    let name = v.desk.elder(&elder).name;
    // The helper's tablet, its role flipped: it rewrites its elder's name on the card it may write
    // visit dates to, sealed with its own keys, pushed with its own token. The relay takes the kind.
    let doc = DocId { elder: elder.clone(), kind: DocKind::Card };
    let sealed = v.tablet.store.seal_change(&doc, &forged_change(&v.tablet, &doc, "name", "王小二")).unwrap();
    let (status, body) = v.tablet.push_raw(
        VILLAGE,
        vec![Change { doc: DocRef { elder: elder.to_string(), kind: "card".into() }, bytes: sealed }],
    );
    assert_eq!(status, 200, "{body}");
    // A real visit of the same elder goes through the same way and is applied.
    v.tablet.store.log_visit(visit(&elder, v.desk.busiest_helper().id.as_str()), now()).unwrap();
    sync_until_quiet(&mut [&mut v.desk, &mut v.second, &mut v.tablet]);
    for office in [&v.desk, &v.second] {
        assert_eq!(office.elder(&elder).name, name, "{}: the name is not rewritten", office.name);
        assert_eq!(
            office.store.card(&elder).unwrap().last_visit,
            Some(now().date_naive()),
            "the visit counts"
        );
        let review = office.store.review_list().unwrap();
        let held: Vec<_> = review.iter().filter(|r| r.held_from.is_some()).collect();
        assert_eq!(held.len(), 1, "{}: {review:?}", office.name);
        assert_eq!((held[0].field.as_str(), held[0].values[0].as_str()), ("card.name", Some("王小二")));
        assert_eq!(held[0].held_from, Some(shouwang_core::role::Role::Helper));
    }
}

fn one_id_number_in_two_villages_is_two_elders_and_the_relay_holds_no_hash_of_it(backend: Backend) {
    let mut v = village(backend);
    let other_village = "511902106203";
    let mut neighbour = Device::of_unit("neighbouring village", other_village, "红旗村");
    neighbour.enrol(&v.relay.url(), &v.relay.enroll("committee", other_village, None));
    // The same person (moved, registered again there): same ID number, another village.
    let mut same: Elder = v.desk.elder(&v.elders[2]);
    same.id = None;
    same.unit = other_village.parse().unwrap();
    let there = neighbour.add(same);
    assert_ne!(there, v.elders[2], "two villages, two ids");
    assert_eq!(there, neighbour.store.elder_id_for(&v.numbers[2]).unwrap());
    sync_until_quiet(&mut [&mut v.desk, &mut neighbour]);

    let bytes = v.relay.database_bytes();
    assert!(
        bytes.windows(32).any(|w| w == v.elders[2].as_str().as_bytes()),
        "the search finds the relay's ids"
    );
    use sha2::{Digest, Sha256};
    for number in &v.numbers {
        for prefix in [&b""[..], b"shouwang/elder/v1\0", b"shouwang/elder/v2\0"] {
            let digest = Sha256::new().chain_update(prefix).chain_update(number.as_bytes()).finalize();
            for needle in [hex::encode(digest), hex::encode(&digest[..16])] {
                assert!(
                    !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                    "SHA-256 of {number} found"
                );
            }
            assert!(!bytes.windows(16).any(|w| w == &digest[..16]), "raw SHA-256 of {number} found");
        }
        assert!(!bytes.windows(number.len()).any(|w| w == number.as_bytes()), "{number} in the clear");
    }
}

shouwang_tests::on_both_backends!(
    a_ledger_with_namesakes_reaches_a_second_desk_and_the_helpers_tablet_whole,
    a_committee_token_without_the_office_keys_erases_nothing,
    a_helpers_token_may_not_write_the_offices_kinds,
    a_forged_helper_change_to_a_cards_name_is_held_for_review,
    one_id_number_in_two_villages_is_two_elders_and_the_relay_holds_no_hash_of_it,
);
