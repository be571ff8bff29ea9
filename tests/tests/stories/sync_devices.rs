//! Three committee tablets of 斑竹村 work offline and meet through a real `shouwang-relay` process on
//! loopback. Each story edits records on the tablets, syncs them round after round until a round moves
//! nothing, and checks that every tablet holds exactly the same records, projection and document
//! heads — field by field merged, nothing lost, nothing doubled. Every story runs on each backend of
//! the relay.

use shouwang_core::demo::{demo_village, DemoVillage};
use shouwang_core::elder::{Child, Elder, ElderId, Status, Supporter};
use shouwang_sync::SyncError;
use shouwang_tests::device::{assert_same, sync_until_quiet, Device, VILLAGE};
use shouwang_tests::relay::{Backend, RelayProcess};
use std::collections::BTreeSet;

/// Three committee tablets enrolled with `relay`; `a` created the village's keys, `b` and `c` imported
/// committee bundles from it.
fn tablets(relay: &RelayProcess) -> [Device; 3] {
    let mut a = Device::new("a");
    a.enrol(&relay.url(), &relay.enroll("committee", VILLAGE, None));
    let [b, c] = ["b", "c"].map(|name| {
        let mut d = Device::new(name);
        d.enrol_keyed(&relay.url(), &relay.enroll("committee", VILLAGE, None), &mut a, "committee", None);
        d
    });
    [a, b, c]
}

fn elders(n: usize, seed: u64) -> Vec<Elder> {
    demo_village(&DemoVillage::bazhou(), n, seed)
}

/// One elder registered on `a` and synced everywhere.
fn shared_elder(devices: &mut [Device; 3]) -> ElderId {
    let id = devices[0].add(elders(1, 3).remove(0));
    let [a, b, c] = devices;
    sync_until_quiet(&mut [a, b, c]);
    id
}

fn field_merge(backend: Backend) {
    let relay = RelayProcess::start(backend);
    let mut devices = tablets(&relay);
    let id = shared_elder(&mut devices);
    let [a, b, c] = &mut devices;
    a.edit(&id, |e| e.address = "梁永镇斑竹村3组12号".into());
    b.edit(&id, |e| e.needs = "上门送餐".into());
    c.edit(&id, |e| e.difficulties = "行动不便".into());
    sync_until_quiet(&mut [a, b, c]);
    assert_same(&[a, b, c]);
    let merged = a.elder(&id);
    assert_eq!(
        (merged.address.as_str(), merged.needs.as_str(), merged.difficulties.as_str()),
        ("梁永镇斑竹村3组12号", "上门送餐", "行动不便"),
        "an edit to one field was lost in the merge"
    );
    for d in [&*a, &*b, &*c] {
        assert_eq!(
            d.store.review_list().unwrap(),
            [],
            "edits to different fields are no clash on {}",
            d.name
        );
    }
}

fn same_field(backend: Backend) {
    let relay = RelayProcess::start(backend);
    let mut devices = tablets(&relay);
    let id = shared_elder(&mut devices);
    let [a, b, c] = &mut devices;
    a.edit(&id, |e| e.address = "梁永镇斑竹村1组1号".into());
    b.edit(&id, |e| e.address = "梁永镇斑竹村2组2号".into());
    sync_until_quiet(&mut [a, b, c]);
    assert_same(&[a, b, c]);
    let address = a.elder(&id).address;
    assert!(["梁永镇斑竹村1组1号", "梁永镇斑竹村2组2号"].contains(&address.as_str()), "address {address:?}");
    for d in [&*a, &*b, &*c] {
        let review = d.store.review_list().unwrap();
        let item =
            review.iter().find(|i| i.elder == id && i.field.contains("address")).unwrap_or_else(|| {
                panic!("the clash on the address is not on {}'s review list: {review:?}", d.name)
            });
        assert_eq!(item.values.len(), 2, "both addresses are listed: {item:?}");
    }
}

fn archive_wins(backend: Backend) {
    let relay = RelayProcess::start(backend);
    let mut devices = tablets(&relay);
    let id = shared_elder(&mut devices);
    let [a, b, c] = &mut devices;
    a.archive(&id, "随子女迁往成都");
    b.edit(&id, |e| e.needs = "助浴".into());
    sync_until_quiet(&mut [a, b, c]);
    assert_same(&[a, b, c]);
    let merged = c.elder(&id);
    assert_eq!(merged.status, Status::MovedAway, "the archived elder came back: {merged:?}");
    assert!(merged.archive.is_some());
    assert_eq!(merged.needs, "助浴", "the concurrent edit is kept on the archived record");
}

fn thousand_offline(backend: Backend) {
    let relay = RelayProcess::start(backend);
    let [mut a, mut b, mut c] = tablets(&relay);
    let village = elders(1_000, 20_261_123);
    let ids: BTreeSet<String> = village.into_iter().map(|e| a.add(e).to_string()).collect();
    sync_until_quiet(&mut [&mut a, &mut b, &mut c]);
    let snapshot = assert_same(&[&a, &b, &c]);
    assert_eq!(snapshot.elders.keys().cloned().collect::<BTreeSet<_>>(), ids, "elders lost or added");
    // Every elder's four documents, once, and the audit log of the desk that registered them: one
    // entry per registration, 1,000 entries in pages of 256 (audit::PAGE) are 4 documents.
    assert_eq!(snapshot.heads.len(), 4_000 + 4, "every elder's four documents and the log's pages, once");
    for d in [&a, &b, &c] {
        assert_eq!(d.store.outbox_len().unwrap(), 0, "{} still has changes to send", d.name);
    }
}

fn registered_twice(backend: Backend) {
    let relay = RelayProcess::start(backend);
    let [mut a, mut b, mut c] = tablets(&relay);
    let on_a = elders(1, 9).remove(0);
    let mut on_b = on_a.clone();
    on_b.address = "梁永镇斑竹村7组40号".into();
    on_b.children =
        vec![Child {
            id: String::new(), birth_year: 1975, name: "王小军".into(), sex: on_a.children[0].sex
        }];
    on_b.supporters = vec![Supporter {
        id: String::new(),
        name: "王小军".into(),
        whereabouts: "广东省佛山市".into(),
        ..on_a.supporters[0].clone()
    }];
    let id = a.add(on_a.clone());
    assert_eq!(b.add(on_b.clone()), id, "one ID number, one elder id");
    sync_until_quiet(&mut [&mut a, &mut b, &mut c]);
    let snapshot = assert_same(&[&a, &b, &c]);
    assert_eq!(snapshot.elders.len(), 1, "the elder is doubled: {:?}", snapshot.elders.keys());
    let merged = c.elder(&id);
    let child_ids: Vec<&str> = merged.children.iter().map(|ch| ch.id.as_str()).collect();
    assert!(
        merged.children == on_a.children || child_ids.len() == 1 && merged.children[0].name == "王小军",
        "children doubled or mixed: {:?}",
        merged.children
    );
    assert!(
        merged.supporters.len() == on_a.supporters.len() || merged.supporters.len() == 1,
        "supporters doubled or mixed: {:?}",
        merged.supporters
    );
    let mut names: Vec<&str> = merged.supporters.iter().map(|s| s.id.as_str()).collect();
    names.dedup();
    assert_eq!(names.len(), merged.supporters.len());
    for d in [&a, &b, &c] {
        let review = d.store.review_list().unwrap();
        assert!(
            review.iter().any(|i| i.elder == id),
            "the clash is not on {}'s review list: {review:?}",
            d.name
        );
    }
}

fn family_sees_one_card(backend: Backend) {
    let relay = RelayProcess::start(backend);
    let [mut a, mut b, mut c] = tablets(&relay);
    let ids: Vec<ElderId> = elders(3, 5).into_iter().map(|e| a.add(e)).collect();
    let mut family = Device::new("family");
    let code = relay.enroll("family", VILLAGE, Some(ids[1].as_str()));
    family.enrol_keyed(&relay.url(), &code, &mut a, "family", Some(ids[1].as_str()));
    sync_until_quiet(&mut [&mut a, &mut b, &mut c, &mut family]);
    assert_same(&[&a, &b, &c]);
    let expected = vec![(ids[1].to_string(), "card".to_string()), (ids[1].to_string(), "family".to_string())];
    assert_eq!(family.documents(), expected, "the family phone got more than its elder's card and family");
}

/// Two villages of 梁永镇 register their elders on their committee tablets; the township office, enrolled
/// for the township's code, receives both villages' elders and nothing else, keeping a cursor per village;
/// neither village sees the other's; the office cannot write.
fn township_reads_every_village(backend: Backend) {
    const TOWNSHIP: &str = "511902106000";
    const OTHER: &str = "511902106203";
    let relay = RelayProcess::start(backend);
    let mut bazhu = Device::new("斑竹村 committee");
    bazhu.enrol(&relay.url(), &relay.enroll("committee", VILLAGE, None));
    let mut xin = Device::of_unit("新村 committee", OTHER, "新村");
    xin.enrol(&relay.url(), &relay.enroll("committee", OTHER, None));
    let other_village =
        DemoVillage { unit: OTHER.parse().unwrap(), name: "梁永镇新村".into(), ..DemoVillage::bazhou() };
    let in_bazhu: BTreeSet<String> = elders(4, 41).into_iter().map(|e| bazhu.add(e).to_string()).collect();
    let in_xin: BTreeSet<String> =
        demo_village(&other_village, 3, 42).into_iter().map(|e| xin.add(e).to_string()).collect();
    // A village outside the township, on the same relay: the office never sees it.
    let mut elsewhere = Device::of_unit("外镇 committee", "511902107201", "外镇某村");
    elsewhere.enrol(&relay.url(), &relay.enroll("committee", "511902107201", None));
    let far = DemoVillage { unit: "511902107201".parse().unwrap(), ..DemoVillage::bazhou() };
    elsewhere.add(demo_village(&far, 1, 43).remove(0));

    let mut office = Device::of_unit("梁永镇 office", TOWNSHIP, "梁永镇");
    office.keys_from(&mut bazhu, "township", None);
    office.keys_from(&mut xin, "township", None);
    office.enrol(&relay.url(), &relay.enroll("township", TOWNSHIP, None));
    sync_until_quiet(&mut [&mut bazhu, &mut xin, &mut elsewhere, &mut office]);

    let ids = |d: &Device| d.snapshot().elders.keys().cloned().collect::<BTreeSet<String>>();
    assert_eq!(ids(&bazhu), in_bazhu, "斑竹村 sees only its own elders");
    assert_eq!(ids(&xin), in_xin, "新村 sees only its own elders");
    let both: BTreeSet<String> = in_bazhu.union(&in_xin).cloned().collect();
    assert_eq!(ids(&office), both, "the office has every elder of both villages, and no other");
    for id in &in_xin {
        let elder = office.elder(&id.parse().unwrap());
        assert_eq!(elder.unit.to_string(), OTHER, "each elder keeps their own village");
        assert_eq!(elder, xin.elder(&id.parse().unwrap()), "the office's record is the village's");
    }
    let cursors = office.store.space_cursors().unwrap();
    let villages: Vec<&str> = cursors.iter().map(|c| c.space.as_str()).collect();
    assert_eq!(villages, [VILLAGE, OTHER], "one cursor per village of the township");
    assert!(cursors.iter().all(|c| c.cursor == c.head && c.head > 0), "every village pulled: {cursors:?}");

    // An edit in one village later: the office pulls it (and only that village moved).
    let first = in_bazhu.iter().next().unwrap().parse().unwrap();
    bazhu.edit(&first, |e| e.needs = "代购药品".into());
    bazhu.sync().unwrap();
    let report = office.sync().unwrap();
    assert!(report.received.applied > 0, "the edit reached the office: {report:?}");
    assert_eq!(office.elder(&first).needs, "代购药品");

    // The office writes nothing: a record made on it stays in its outbox, and a push is refused.
    let on_office = demo_village(&DemoVillage::bazhou(), 1, 44).remove(0);
    office.add(on_office);
    let report = office.sync().unwrap();
    assert!(report.held > 0 && report.acknowledged == 0, "a township device sent changes: {report:?}");
    let refused = office.push_directly(VILLAGE);
    assert!(
        matches!(refused, Err(SyncError::Refused { status: 403, .. })),
        "a township token pushed to a village: {refused:?}"
    );
    assert_eq!(ids(&bazhu), in_bazhu, "nothing of the office reached the village");
}

/// A tablet that pushes forty elders is not sent them back: its pull applies nothing, counts no
/// duplicate and costs a few bytes, while the tablet that never had them receives them all.
fn own_changes_stay_home(backend: Backend) {
    let relay = RelayProcess::start(backend);
    let [mut a, mut b, _] = tablets(&relay);
    for elder in elders(40, 11) {
        a.add(elder);
    }
    let pushed = a.sync().expect("a syncs");
    assert!(pushed.acknowledged > 0);
    assert_eq!((pushed.received.applied, pushed.received.duplicates), (0, 0), "{pushed:?}");
    let again = a.sync().expect("a syncs again");
    assert_eq!((again.sent, again.received.applied, again.received.duplicates), (0, 0, 0), "{again:?}");
    let fetched = b.sync().expect("b syncs");
    // Every change of a, and the elders' own keys a's office store sent with them.
    let received = fetched.received.applied + fetched.received.keys;
    assert_eq!(received, pushed.acknowledged, "b receives every change of a");
    assert_eq!(fetched.received.duplicates, 0);
    assert!(
        pushed.received_bytes * 20 < fetched.received_bytes,
        "a pulled {} bytes after pushing, b pulled {} for the same changes",
        pushed.received_bytes,
        fetched.received_bytes
    );
    assert_same(&[&a, &b]);
}

shouwang_tests::on_both_backends!(
    field_merge,
    own_changes_stay_home,
    same_field,
    archive_wins,
    thousand_offline,
    registered_twice,
    family_sees_one_card,
    township_reads_every_village,
);
