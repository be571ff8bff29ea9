//! Consent and export (issue 7, PIPL 第29条 and 第45条): a consent recorded at the door and withdrawn
//! later, listed in the registry; everything held on one elder exported for them, and nothing of anyone
//! else.

use super::role_views::{at, consent_of_the_elder, day, now, office};
use shouwang_core::audit::Action;
use shouwang_core::consent::{Consent, Giver, Method, Purpose, Withdrawal};
use shouwang_core::store::{ElderFilter, Error};

#[test]
fn a_consent_is_recorded_withdrawn_and_shown_on_the_registry_and_rebuild_keeps_it() {
    let mut o = office();
    let all = ElderFilter { any_status: true, ..ElderFilter::default() };
    let consent_of = |store: &shouwang_core::store::Store, i: usize| {
        let rows = store.list(&all, day("2026-11-20")).unwrap();
        rows.iter().find(|r| r.id == o.elders[i]).unwrap().consent.clone()
    };
    assert_eq!(consent_of(&o.store, 2), None, "未签同意");
    assert_eq!(consent_of(&o.store, 0).as_deref(), Some("given"));

    // A relative's consent with no name is refused, naming the field, and writes nothing.
    let outbox = o.store.outbox_len().unwrap();
    let nameless = Consent {
        given_by: Giver::Relative,
        relation: Some("长子".into()),
        method: Method::Signature,
        purposes: [Purpose::RiskAssessment].into(),
        ..consent_of_the_elder()
    };
    match o.store.record_consent(&o.elders[2], nameless.clone(), now()) {
        Err(Error::Invalid(v)) => {
            assert_eq!((v[0].field.as_str(), v[0].rule.code()), ("relative_name", "required"));
            assert!(v[0].rule.zh().contains("必填"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(o.store.outbox_len().unwrap(), outbox);

    let named = Consent { relative_name: Some("王建国".into()), ..nameless };
    let saved = o.store.record_consent(&o.elders[2], named, now()).unwrap();
    assert_eq!(consent_of(&o.store, 2).as_deref(), Some("given"));
    let withdrawal = Withdrawal { on: day("2026-11-20"), by: "王建国（长子）".into() };
    let withdrawn = o.store.withdraw_consent(&o.elders[2], &saved.id, withdrawal.clone(), now()).unwrap();
    assert_eq!(withdrawn.withdrawn, Some(withdrawal.clone()));
    assert_eq!(consent_of(&o.store, 2).as_deref(), Some("withdrawn"));
    let again = o.store.withdraw_consent(&o.elders[2], &saved.id, withdrawal, now());
    assert!(matches!(again, Err(Error::Invalid(v)) if v[0].rule.code() == "already_withdrawn"));
    let listed = o.store.consents(&o.elders[2]).unwrap();
    assert_eq!(listed.len(), 1, "a withdrawn consent is kept");
    let audit = o.store.audit_log(Some(&o.elders[2])).unwrap();
    assert_eq!(audit.iter().filter(|e| e.action == Action::Consent).count(), 2);

    // The projection comes back the same from the documents alone.
    let before = o.store.projection_dump().unwrap();
    o.store.rebuild().unwrap();
    let after = o.store.projection_dump().unwrap();
    assert_eq!(after.len(), before.len());
    for (a, b) in after.iter().zip(&before) {
        assert_eq!(a, b, "a projection row differs after rebuild");
    }
}

#[test]
fn an_elders_export_holds_every_kind_of_record_about_them_and_nothing_of_anyone_else() {
    let o = office();
    let e = &o.elders[0];
    let export = o.store.export_elder(e, at("2026-11-21T10:00:00+08:00")).unwrap();
    let json = serde_json::to_value(&export).unwrap();
    for key in [
        "record",
        "card",
        "assignment",
        "family_calls",
        "visits",
        "cases",
        "risk_assessments",
        "agreements",
        "consents",
        "audit",
    ] {
        let v = &json[key];
        let filled = match v {
            serde_json::Value::Array(a) => !a.is_empty(),
            serde_json::Value::Object(m) => !m.is_empty(),
            _ => false,
        };
        assert!(filled, "{key} is empty in the export: {v}");
    }
    assert_eq!(json["record"]["id_number"], o.id_numbers[0].as_str(), "the elder's own data, whole");
    assert_eq!(export.audit.last().unwrap().action, Action::Export, "the export logs itself");
    let text = json.to_string();
    for i in 1..o.elders.len() {
        assert!(!text.contains(o.elders[i].as_str()), "elder {i}'s id is in elder 0's export");
        assert!(!text.contains(o.id_numbers[i].as_str()), "elder {i}'s ID number is in elder 0's export");
        assert!(!text.contains(o.names[i].as_str()), "elder {i}'s name is in elder 0's export");
    }
}
