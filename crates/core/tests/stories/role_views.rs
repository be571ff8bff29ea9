//! Role views (issue 7): a helper's tablet answers only for the elders assigned to that helper, with
//! ID numbers masked and no health or income; office-only operations are refused; a family phone reads
//! its elder's card only.

use chrono::{DateTime, NaiveDate, Utc};
use shouwang_core::agreement::{sample, Kind};
use shouwang_core::case::Opening;
use shouwang_core::consent::{Consent, Giver, Method, Purpose};
use shouwang_core::demo::{demo_village, DemoVillage};
use shouwang_core::elder::ElderId;
use shouwang_core::family::Call;
use shouwang_core::helper::{Helper, HelperId};
use shouwang_core::role::Role;
use shouwang_core::store::{CaseFilter, ElderFilter, Error, RiskFilter, Store, VisitFilter};
use shouwang_core::view::{Operation, Viewer};
use shouwang_core::visit::{Checks, Mode, Service, Visit};
use std::path::{Path, PathBuf};

pub fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

pub fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

pub fn now() -> DateTime<Utc> {
    at("2026-11-20T09:00:00+08:00")
}

/// A village office with six elders: three assigned to 陈桂兰, three to 李秀英, each with a visit, the
/// first two of each with a case, a risk assessment, an agreement, a consent and a family call.
pub struct Office {
    pub dir: tempfile::TempDir,
    pub store: Store,
    pub elders: Vec<ElderId>,
    pub id_numbers: Vec<String>,
    pub names: Vec<String>,
    pub chen: HelperId,
    pub li: HelperId,
}

pub fn office() -> Office {
    let dir = tempfile::tempdir().unwrap();
    let v = DemoVillage::bazhou();
    let registered = at("2026-11-01T09:00:00+08:00");
    let mut store =
        Store::init(dir.path().join("office.sqlite"), v.unit.clone(), "斑竹村", "sichuan", registered)
            .unwrap();
    let mut elders = Vec::new();
    let mut id_numbers = Vec::new();
    let mut names = Vec::new();
    for e in demo_village(&v, 6, 7) {
        id_numbers.push(e.id_number.clone().expect("demo elders have ID numbers"));
        names.push(e.name.clone());
        elders.push(store.add_elder(e, registered).unwrap().id);
    }
    let mut helper = |name: &str| {
        let mut h = Helper::named(name);
        h.phone = Some("13812345678".into());
        store.add_helper(h, registered).unwrap()
    };
    let chen = helper("陈桂兰");
    let li = helper("李秀英");
    for (i, e) in elders.iter().enumerate() {
        let h = if i < 3 { &chen } else { &li };
        store.assign(e, h, "村委会分配", registered).unwrap();
        let visit = Visit {
            id: String::new(),
            elder: e.clone(),
            helper: h.to_string(),
            mode: Mode::Phone,
            at: at("2026-11-10T10:00:00+08:00"),
            duration_minutes: 10,
            checks: Checks::all_fine(),
            services: vec![Service::Patrol],
            follow_up: String::new(),
            position: None,
            amends: None,
            home_distance_m: None,
            recorded_at: None,
        };
        store.log_visit(visit, at("2026-11-10T10:30:00+08:00")).unwrap();
        if i % 3 < 2 {
            let opening = Opening {
                at: at("2026-11-11T09:00:00+08:00"),
                by: h.to_string(),
                summary: "屋顶漏雨".into(),
                visit: None,
                emergency: None,
            };
            store.open_case(e, opening, at("2026-11-11T09:05:00+08:00")).unwrap();
            store.assess_risk(e, "王主任", None, day("2026-11-12"), at("2026-11-12T09:00:00+08:00")).unwrap();
            let mut a = sample(Kind::Assisted);
            a.id = String::new();
            a.elder.elder = Some(e.clone());
            store.add_agreement(a, at("2026-11-12T10:00:00+08:00")).unwrap();
            store.record_consent(e, consent_of_the_elder(), at("2026-11-13T09:00:00+08:00")).unwrap();
            let call = Call {
                id: String::new(),
                at: at("2026-11-14T20:00:00+08:00"),
                caller: "王建国".into(),
                relation: "儿子".into(),
                note: "问候".into(),
            };
            store.log_family_call(e, call, at("2026-11-14T20:05:00+08:00")).unwrap();
        }
    }
    Office { dir, store, elders, id_numbers, names, chen, li }
}

pub fn consent_of_the_elder() -> Consent {
    Consent {
        id: String::new(),
        given_by: Giver::Elder,
        relative_name: None,
        relation: None,
        method: Method::Thumbprint,
        on: day("2026-11-13"),
        purposes: [Purpose::Visits, Purpose::FamilyCard].into(),
        withdrawn: None,
    }
}

/// A copy of the office's database holding only what the relay gives a device of `role` (the kinds
/// it may read), enrolled as that role: what that device's own file holds after a sync.
pub fn device_copy(
    office: &Office,
    role: Role,
    helper: Option<&HelperId>,
    elder: Option<&ElderId>,
) -> (PathBuf, Store) {
    office.store.checkpoint().unwrap();
    let path = office.dir.path().join(format!("{}.sqlite", role.code()));
    std::fs::copy(office.store.path(), &path).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let readable: Vec<String> = shouwang_core::doc::DocKind::ALL
        .iter()
        .filter(|k| k.readers().contains(&role))
        .map(|k| format!("'{}'", k.code()))
        .collect();
    conn.execute_batch(&format!(
        "DELETE FROM documents WHERE kind NOT IN ({});
         DELETE FROM outbox; DELETE FROM visit_drafts;",
        readable.join(",")
    ))
    .unwrap();
    enrol(&path, role, helper, elder);
    drop(conn);
    let mut store = Store::open(&path, now()).unwrap();
    store.rebuild().unwrap();
    (path, store)
}

fn enrol(path: &Path, role: Role, helper: Option<&HelperId>, elder: Option<&ElderId>) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute(
        "INSERT INTO sync_state (id, relay, token, device_id, role, scope, elder, epoch, helper)
         VALUES (1, 'https://relay.example', 'token', 'device', ?1, '511902106202', ?2, 'e1', ?3)",
        (role.code(), elder.map(|e| e.to_string()), helper.map(|h| h.to_string())),
    )
    .unwrap();
}

fn refused(result: Result<impl std::fmt::Debug, Error>, operation: Operation) {
    match result {
        Err(Error::Refused(r)) => {
            assert_eq!(r.operation, operation);
            let text = Error::Refused(r.clone()).to_string();
            assert!(text.contains(r.role.zh()) && text.contains(operation.zh()), "{text}");
            assert!(text.contains(&format!("a {} device may not", r.role.code())), "{text}");
        }
        other => panic!("{operation:?} should be refused, got {other:?}"),
    }
}

#[test]
fn a_helpers_tablet_answers_only_for_their_elders_with_id_numbers_masked() {
    let office = office();
    let (_, helper) = device_copy(&office, Role::Helper, Some(&office.chen), None);
    assert_eq!(helper.viewer().role, Role::Helper);
    assert_eq!(helper.viewer().helper.as_ref(), Some(&office.chen));
    let mine = &office.elders[..3];
    let theirs = &office.elders[3..];

    // Every query a helper may make, serialised, in one JSON text.
    let mut seen: Vec<serde_json::Value> = Vec::new();
    let mut keep = |v: serde_json::Value| seen.push(v);
    let all = ElderFilter { any_status: true, ..ElderFilter::default() };
    let rows = helper.list(&all, day("2026-11-20")).unwrap();
    assert_eq!(rows.iter().map(|r| &r.id).collect::<Vec<_>>().len(), 3);
    assert!(rows.iter().all(|r| mine.contains(&r.id)));
    for r in &rows {
        let masked = r.id_number.as_deref().expect("the masked number comes from the profile");
        assert!(masked.contains("**********"), "{masked}");
        assert!(r.health.is_none());
    }
    keep(serde_json::to_value(&rows).unwrap());
    // Searching by name finds only their own; digits of an ID number find nothing.
    let by_name = ElderFilter { text: Some(office.names[4].clone()), ..all.clone() };
    assert!(helper.list(&by_name, day("2026-11-20")).unwrap().iter().all(|r| mine.contains(&r.id)));
    let by_digits = ElderFilter { text: Some(office.id_numbers[0][6..14].to_string()), ..all.clone() };
    assert!(helper.list(&by_digits, day("2026-11-20")).unwrap().is_empty());
    keep(serde_json::to_value(helper.count_by_status().unwrap()).unwrap());
    assert_eq!(helper.count_by_status().unwrap(), vec![("active".to_string(), 3)]);
    for e in mine {
        let record = helper.elder(e).unwrap();
        assert!(record.health.is_none() && record.income_sources.is_empty() && record.disability.is_none());
        keep(serde_json::to_value(&record).unwrap());
        keep(serde_json::to_value(helper.card(e).unwrap()).unwrap());
        keep(serde_json::to_value(helper.visit_history(e).unwrap()).unwrap());
        keep(serde_json::to_value(helper.assignment(e).unwrap()).unwrap());
        keep(serde_json::to_value(helper.family_calls(e).unwrap()).unwrap());
        keep(serde_json::to_value(helper.consents(e).unwrap()).unwrap());
    }
    keep(serde_json::to_value(helper.schedule(day("2026-11-20")).unwrap()).unwrap());
    keep(serde_json::to_value(helper.today_round(&office.chen, day("2026-11-20")).unwrap()).unwrap());
    keep(serde_json::to_value(helper.elders_of(&office.chen).unwrap()).unwrap());
    assert!(helper.elders_of(&office.li).unwrap().is_empty(), "another helper's elders are not listed");
    keep(serde_json::to_value(helper.visits(&VisitFilter::default()).unwrap()).unwrap());
    let cases = helper.cases(&CaseFilter::default(), now()).unwrap();
    assert_eq!(cases.len(), 2);
    for c in &cases {
        keep(serde_json::to_value(helper.case(&c.id).unwrap()).unwrap());
    }
    keep(serde_json::to_value(&cases).unwrap());
    keep(serde_json::to_value(helper.cases_per_elder_in_month(day("2026-11-20")).unwrap()).unwrap());
    refused(helper.helpers(), Operation::FileHelpers);
    assert_eq!(helper.schedule(day("2026-11-20")).unwrap().len(), 3);
    assert_eq!(helper.visits(&VisitFilter::default()).unwrap().len(), 3);

    let text = serde_json::Value::Array(seen).to_string();
    for (i, number) in office.id_numbers.iter().enumerate() {
        assert!(!text.contains(number.as_str()), "elder {i}'s ID number is unmasked");
    }
    for e in theirs {
        assert!(!text.contains(e.as_str()), "unassigned elder {e} was returned");
    }
    for name in &office.names[3..] {
        assert!(!text.contains(name.as_str()), "unassigned elder {name} was returned");
    }

    // Another helper's elder, one by one: refused.
    for e in theirs {
        refused(helper.elder(e), Operation::ReadElder);
        refused(helper.card(e), Operation::Card);
        refused(helper.visit_history(e), Operation::Visits);
        refused(helper.consents(e), Operation::Consent);
    }
    let li_case = office.store.cases(&CaseFilter::default(), now()).unwrap();
    let li_case = li_case.iter().find(|c| theirs.iter().any(|e| e.as_str() == c.elder)).unwrap();
    refused(helper.case(&li_case.id), Operation::Visits);
    // Office-only operations, whoever the elder.
    refused(
        helper.risk_list(RiskFilter { high: false, unassessed: false }, day("2026-11-20")),
        Operation::Risk,
    );
    refused(helper.risk_history(&mine[0]), Operation::Risk);
    refused(helper.agreements(None), Operation::Agreements);
    refused(helper.agreement_reminders(day("2026-11-20")), Operation::Agreements);
    refused(helper.elders_under(&office.store.registry().unit), Operation::Reports);
    refused(helper.elder_by_id_number(&office.id_numbers[0]), Operation::FindByIdNumber);
    refused(helper.export_elder(&mine[0], now()), Operation::ExportElder);
    refused(helper.audit_log(None), Operation::Audit);
    refused(helper.conflicts(&mine[0]), Operation::ReviewConflicts);
}

#[test]
fn a_helper_cannot_write_for_an_elder_not_theirs_nor_widen_their_view() {
    let office = office();
    let (_, mut helper) = device_copy(&office, Role::Helper, Some(&office.chen), None);
    let theirs = office.elders[4].clone();
    let visit = Visit {
        id: String::new(),
        elder: theirs.clone(),
        helper: office.chen.to_string(),
        mode: Mode::Phone,
        at: at("2026-11-19T10:00:00+08:00"),
        duration_minutes: 10,
        checks: Checks::all_fine(),
        services: vec![Service::Patrol],
        follow_up: String::new(),
        position: None,
        amends: None,
        home_distance_m: None,
        recorded_at: None,
    };
    let before = helper.outbox_len().unwrap();
    refused(helper.log_visit(visit, now()), Operation::Visits);
    refused(helper.record_consent(&theirs, consent_of_the_elder(), now()), Operation::RecordConsent);
    // Not for its own elder either: consents live in the profile, which only the committee writes.
    refused(
        helper.record_consent(&office.elders[0], consent_of_the_elder(), now()),
        Operation::RecordConsent,
    );
    refused(helper.update_elder(&office.elders[0], now(), |_| Ok(())), Operation::EditRegistry);
    assert_eq!(helper.outbox_len().unwrap(), before, "a refusal writes nothing");
    let device = helper.viewer().device;
    assert!(matches!(helper.set_viewer(Viewer::committee(device)), Err(Error::Refused(_))));
    assert_eq!(helper.viewer().role, Role::Helper);
}

#[test]
fn a_family_phone_reads_its_elders_card_and_nothing_else() {
    let office = office();
    let ours = office.elders[0].clone();
    let (_, family) = device_copy(&office, Role::Family, None, Some(&ours));
    let card = family.card(&ours).unwrap();
    assert_eq!(card.name, office.names[0]);
    assert_eq!(family.family_calls(&ours).unwrap().len(), 1);
    refused(family.card(&office.elders[1]), Operation::Card);
    refused(family.elder(&ours), Operation::ReadElder);
    let all = ElderFilter { any_status: true, ..ElderFilter::default() };
    assert!(family.list(&all, day("2026-11-20")).unwrap().is_empty());
    assert!(family.schedule(day("2026-11-20")).unwrap().is_empty());
    assert!(family.visits(&VisitFilter::default()).unwrap().is_empty());
}

#[test]
fn an_office_desktop_handed_to_a_helper_narrows_to_their_view() {
    let mut office = office();
    let device = office.store.viewer().device;
    assert!(office.store.viewer().is_office(), "an office store never enrolled is the committee's");
    office.store.set_viewer(Viewer::helper(office.li.clone(), device)).unwrap();
    let all = ElderFilter { any_status: true, ..ElderFilter::default() };
    let rows = office.store.list(&all, day("2026-11-20")).unwrap();
    assert_eq!(rows.len(), 3);
    // This store holds the sensitive documents: the numbers are masked all the same.
    let text = serde_json::to_string(&rows).unwrap();
    for number in &office.id_numbers {
        assert!(!text.contains(number.as_str()));
    }
    let record = office.store.elder(&office.elders[3]).unwrap();
    assert!(record.id_number.unwrap().contains("**********") && record.health.is_none());
    office.store.clear_viewer();
    assert_eq!(office.store.list(&all, day("2026-11-20")).unwrap().len(), 6);
}

#[test]
fn a_helpers_tablet_is_refused_the_offices_checks_keys_erasure_and_ledger_by_role() {
    let office = office();
    let (_, mut helper) = device_copy(&office, Role::Helper, Some(&office.chen), None);
    let mine = office.elders[0].clone();
    // The copy holds the office's key tables: the refusal is the role's, not only a missing key.
    let mut record = office.store.elder(&mine).unwrap();
    refused(helper.check_elder(&mut record, now()), Operation::EditRegistry);
    refused(helper.check_agreement(&mut sample(Kind::SelfCare)), Operation::Agreements);
    refused(helper.ledger_elders(now()), Operation::LedgerExport);
    let sheet =
        shouwang_core::ledger::read_csv("姓名,性别,出生日期\n王秀英,女,1948-03-05\n".as_bytes()).unwrap();
    let ctx = shouwang_core::ledger::ImportContext::new(
        office.store.registry().unit.clone(),
        shouwang_core::policy::Policy::builtin("sichuan").unwrap(),
        day("2026-11-20"),
    );
    match shouwang_core::ledger::plan(&sheet, &helper, &ctx) {
        Err(shouwang_core::ledger::LedgerError::Refused(r)) => {
            assert_eq!(r.operation, Operation::EditRegistry)
        }
        other => panic!("a helper's import should be refused, got {:?}", other.map(|p| p.rows.len())),
    }
    refused(helper.require_village_keys(), Operation::VillageKeys);
    refused(
        helper.issue_key_bundle(Role::Family, Some(&mine), None, "家属手机", now()),
        Operation::VillageKeys,
    );
    refused(helper.rotate_keys(now()), Operation::VillageKeys);
    refused(helper.revoke_device_key("0123456789abcdef", now()), Operation::VillageKeys);
    refused(helper.erase_elder(&mine, "本人申请删除", now()), Operation::EraseElder);
    refused(helper.erase_elder_named(&mine, &office.names[0], "本人申请删除", now()), Operation::EraseElder);
    // Its own elder's draft is its own; another helper's elder's is not read.
    refused(helper.visit_draft(&office.elders[4]), Operation::Visits);
    assert_eq!(helper.visit_draft(&mine).unwrap(), None);
}

#[test]
fn the_office_checks_without_saving_and_its_ledger_export_is_audited() {
    let mut office = office();
    let first = office.elders[0].clone();
    let mut record = office.store.elder(&first).unwrap();
    let phone = record.phone.clone();
    // Ten digits: a digit short of a mobile number.
    record.phone = Some("1381234567".into());
    let found = office.store.check_elder(&mut record, now()).unwrap();
    assert!(found.iter().any(|v| v.field == "phone"), "{found:?}");
    assert_eq!(office.store.elder(&first).unwrap().phone, phone, "a check saves nothing");
    let mut agreement = sample(Kind::SelfCare);
    assert!(office.store.check_agreement(&mut agreement).unwrap().is_empty());

    let before = office.store.audit_log(None).unwrap().len();
    assert_eq!(office.store.ledger_elders(now()).unwrap().len(), 6);
    let log = office.store.audit_log(None).unwrap();
    assert_eq!(log.len(), before + 1);
    let entry = log.last().unwrap();
    assert_eq!(entry.action, shouwang_core::audit::Action::Export);
    assert!(entry.elder.is_none() && entry.fields.iter().any(|f| f == "id_number"), "{entry:?}");

    // The erasure's confirmation: a name typed wrong (a namesake's surname) erases nothing.
    let wrong = format!("{}某", office.names[0]);
    match office.store.erase_elder_named(&first, &wrong, "本人申请删除", now()) {
        Err(Error::Field { field, .. }) => assert_eq!(field, "confirm_name"),
        other => panic!("a wrong name should be refused, got {other:?}"),
    }
    assert_eq!(office.store.elder(&first).unwrap().name, office.names[0]);
    office.store.erase_elder_named(&first, &format!(" {} ", office.names[0]), "本人申请删除", now()).unwrap();
    assert!(office.store.elder(&first).is_err());
}

#[test]
fn a_printed_card_is_headed_with_the_registrys_county_unless_the_office_names_an_area() {
    let office = office();
    let first = &office.elders[0];
    let card = office.store.contact_card(first, None).unwrap();
    assert_eq!(card.heading, "巴州区农村互助养老明白卡");
    assert_eq!(card.elder.name, office.names[0]);
    assert_eq!(card.helper.as_ref().map(|h| h.name.as_str()), Some("陈桂兰"));
    assert_eq!(office.store.contact_card(first, Some("  ")).unwrap().heading, card.heading);
    assert_eq!(office.store.contact_card(first, Some("梁永镇")).unwrap().heading, "梁永镇农村互助养老明白卡");
}

#[test]
fn the_registry_list_shows_高龄_for_everyone_eighty_or_older_on_the_day() {
    use chrono::Datelike;
    let office = office();
    let all = ElderFilter { any_status: true, ..ElderFilter::default() };
    for on in [day("2026-11-20"), day("2031-11-20")] {
        for row in office.store.list(&all, on).unwrap() {
            // 周岁 counted by hand: years since birth, one less before the birthday.
            let b = row.birth_date;
            let had_birthday = (on.month(), on.day()) >= (b.month(), b.day());
            let age = on.year() - b.year() - i32::from(!had_birthday);
            let tagged = row.categories.iter().any(|c| c == "advanced_age");
            let recorded =
                office.store.elder(&row.id).unwrap().categories.iter().any(|c| c.code() == "advanced_age");
            assert_eq!(tagged, age >= 80 || recorded, "{} is {age} on {on}", row.name);
        }
    }
}
