//! Who may read and write what: the relay's scope rules, as pure functions of a [`Device`].
//!
//! | role | reads | writes ([`Role::writable_kinds`]) |
//! |---|---|---|
//! | helper | its village: card, family, profile, assignment, visits, cases, helper, org, keys (not sensitive, risk, agreement, keyring, audit); of the kinds about an elder, only the elders its committee routed to its helper | its village: card, family, visits, cases, audit |
//! | committee | its village: every kind | its village: every kind, erasures signed by the office key included |
//! | township | every village under its code: every kind | nothing |
//! | family | its elder's card, family and keys documents | its elder's family document |
//!
//! A helper's tablet receives of the kinds about an elder ([`crate::store::ELDER_KINDS`]) only the
//! elders routed to its helper by the committee's routing table (pseudonymous subject ids,
//! `PUT /v1/spaces/{space}/routes`); one bound to no helper receives no elder's documents. The relay
//! refuses a push by kind; each receiving device refuses, field by field, what the pusher's role may
//! not write within a kind (a helper's change to a card may carry the visit's date, not the name), from
//! the role each pull reports with every change.
//!
//! A document's subject is an elder, a helper (`helper`), a village's organisation (`org`) or a device
//! (`audit`, a device's audit log); a family device's filter keys on its elder's id, so other subjects
//! never reach it. Every subject is 32 lowercase hex digits ([`DocRef::validate`](shouwang_protocol::DocRef::validate)),
//! for `audit` too. Keys (`keyring`: an elder's own key or its erasure; `keys`: a new key generation
//! sealed for one device) come only from the office, the village committee. An envelope whose header says
//! it is an erasure ([`What::Erasure`]) is accepted only from a committee device, only addressed to an
//! elder's `keyring` document and only signed by the village's office key ([`erasure_is_signed`]; a
//! committee token alone, a stolen code redeemed without the office's keys, cannot erase): that is the
//! one envelope the relay acts on ([`crate::store`] drops the
//! elder's other changes in the same transaction). A stored erasure is sent to every device that reads
//! the space (a family phone: its own elder's), though helpers and families read no `keyring`: each of
//! them may hold something of the elder to destroy, and the erasure holds nothing else.

use crate::store::{Device, ReadFilter};
use shouwang_protocol::envelope::{self, What};
use shouwang_protocol::office::OfficeKey;
use shouwang_protocol::{space, Change, Role};

/// Whether the device may read anything in `space`.
pub fn may_read_space(device: &Device, space_code: &str) -> bool {
    space::covers(&device.scope, space_code)
}

/// Whether the device may push to `space` at all.
pub fn may_write_space(device: &Device, space_code: &str) -> bool {
    device.role != Role::Township && device.scope == space_code && space::is_village(space_code)
}

/// Whether the device may write this change (in a space it may write to): its role writes the kind
/// ([`Role::writable_kinds`]), a family phone only its own elder's, and an erasure comes only from a
/// committee and only to an elder's `keyring` (whose signature [`erasure_is_signed`] then checks). The
/// change has been validated: its address is well-formed and its bytes are an envelope.
pub fn may_write_change(device: &Device, change: &Change) -> bool {
    let kind = change.doc.kind.as_str();
    if is_erasure(change) {
        return device.role == Role::Committee && kind == "keyring";
    }
    device.role.writable_kinds().contains(&kind)
        && (device.role != Role::Family || device.elder.as_deref() == Some(&change.doc.elder))
}

/// Whether an erasure envelope is signed by the village's office key `office` (none yet: no erasure
/// is signed).
pub fn erasure_is_signed(space_code: &str, change: &Change, office: Option<&OfficeKey>) -> bool {
    office.is_some_and(|key| envelope::signed_by(&change.bytes, space_code, &change.doc, &key.key))
}

/// Whether the change's envelope says it carries an erasure ([`What::Erasure`]); only a committee
/// device may push one, and only to an elder's `keyring` document.
pub fn is_erasure(change: &Change) -> bool {
    envelope::parse(&change.bytes).is_ok_and(|h| h.what == What::Erasure)
}

/// What a pull by this device returns: never the changes it pushed itself, which it has; for a
/// helper's tablet, of the kinds about an elder only its routed elders.
pub fn read_filter(device: &Device) -> ReadFilter {
    ReadFilter {
        kinds: device.role.readable_kinds(),
        elder: if device.role == Role::Family { device.elder.clone() } else { None },
        device: Some(device.id.clone()),
        routed_to: (device.role == Role::Helper).then(|| device.helper.clone()),
        subject: None,
        upto: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shouwang_protocol::DocRef;

    fn device(role: Role, scope: &str) -> Device {
        Device {
            id: "d".into(),
            name: "n".into(),
            role,
            scope: scope.into(),
            elder: (role == Role::Family).then(|| "a".repeat(32)),
            created_at: 0,
            revoked_at: None,
            last_seen: None,
            helper: None,
            label: None,
        }
    }

    fn change(elder: char, kind: &str) -> Change {
        Change {
            doc: DocRef { elder: elder.to_string().repeat(32), kind: kind.into() },
            bytes: envelope::sample(What::Change, &[1]),
        }
    }

    #[test]
    fn the_scope_table() {
        let village = "511902106202";
        let other = "511902106203";
        let cases = [
            (device(Role::Helper, village), village, true, true),
            (device(Role::Helper, village), other, false, false),
            (device(Role::Committee, village), village, true, true),
            (device(Role::Township, "511902106000"), village, true, false),
            (device(Role::Township, "511902106000"), other, true, false),
            (device(Role::Township, "511902107000"), village, false, false),
            (device(Role::Family, village), village, true, true),
            (device(Role::Family, village), other, false, false),
        ];
        for (d, space, read, write) in cases {
            assert_eq!(may_read_space(&d, space), read, "{:?} reads {space}", d.role);
            assert_eq!(may_write_space(&d, space), write, "{:?} writes {space}", d.role);
        }
    }

    #[test]
    fn a_family_device_writes_only_its_elders_family_document() {
        let d = device(Role::Family, "511902106202");
        assert!(may_write_change(&d, &change('a', "family")));
        assert!(!may_write_change(&d, &change('a', "card")));
        assert!(!may_write_change(&d, &change('b', "family")));
        assert_eq!(read_filter(&d).kinds, ["card", "family", "keys"]);
        assert_eq!(read_filter(&device(Role::Helper, "511902106202")).elder, None);
    }

    #[test]
    fn a_family_device_never_sees_visits_helpers_or_the_organisation() {
        let d = device(Role::Family, "511902106202");
        let filter = read_filter(&d);
        // Its own elder's visit log and cases carry health concerns: not readable.
        for kind in ["visits", "cases", "helper", "org"] {
            assert!(!filter.kinds.contains(&kind), "family reads {kind}");
        }
        assert!(!may_write_change(&d, &change('a', "visits")));
        assert!(!may_write_change(&d, &change('b', "helper")));
        let helper = read_filter(&device(Role::Helper, "511902106202"));
        for kind in ["visits", "cases", "helper", "org"] {
            assert!(helper.kinds.contains(&kind), "helper cannot read {kind}");
        }
        // Through a real store: the village holds the family's elder ('a'), a helper ('b') and the
        // organisation ('c'); the family pulls its elder's card and family documents only.
        use crate::store::{SqliteStore, Store};
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let pushed: Vec<(String, Change)> =
            [('a', "card"), ('a', "family"), ('a', "visits"), ('b', "helper"), ('c', "org")]
                .into_iter()
                .enumerate()
                .map(|(i, (subject, kind))| {
                    let c = Change {
                        doc: DocRef { elder: subject.to_string().repeat(32), kind: kind.into() },
                        bytes: envelope::sample(What::Change, &[i as u8]),
                    };
                    (c.hash().unwrap(), c)
                })
                .collect();
        store.push("511902106202", &pushed, 0).unwrap();
        // A helper's tablet bound to no helper receives helpers and the organisation, no elder.
        assert_eq!(store.pull("511902106202", 0, 100, &helper).unwrap().changes.len(), 2);
        store.put_routes("511902106202", &[("h".repeat(32), vec!["a".repeat(32)])]).unwrap();
        let helper =
            read_filter(&Device { helper: Some("h".repeat(32)), ..device(Role::Helper, "511902106202") });
        let seen: Vec<String> = store
            .pull("511902106202", 0, 100, &filter)
            .unwrap()
            .changes
            .into_iter()
            .map(|(_, c)| c.doc.to_string())
            .collect();
        assert_eq!(seen, [format!("{}/card", "a".repeat(32)), format!("{}/family", "a".repeat(32))]);
        assert_eq!(store.pull("511902106202", 0, 100, &helper).unwrap().changes.len(), 5);
    }

    #[test]
    fn risk_assessments_and_agreements_reach_the_office_never_a_helper_or_family() {
        use crate::store::{SqliteStore, Store};
        let village = "511902106202";
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let pushed: Vec<(String, Change)> = ["card", "assignment", "risk", "agreement", "sensitive"]
            .into_iter()
            .enumerate()
            .map(|(i, kind)| {
                let c = Change {
                    doc: DocRef { elder: "a".repeat(32), kind: kind.into() },
                    bytes: envelope::sample(What::Change, &[i as u8]),
                };
                (c.hash().unwrap(), c)
            })
            .collect();
        store.push(village, &pushed, 0).unwrap();
        store.put_routes(village, &[("h".repeat(32), vec!["a".repeat(32)])]).unwrap();
        let kinds = |role: Role, scope: &str| -> Vec<String> {
            let filter = read_filter(&Device { helper: Some("h".repeat(32)), ..device(role, scope) });
            let pulled = store.pull(village, 0, 100, &filter).unwrap().changes;
            pulled.into_iter().map(|(_, c)| c.doc.kind).collect()
        };
        // The helper reads the risk level it needs from the assignment, not the scored assessment.
        assert_eq!(kinds(Role::Helper, village), ["card", "assignment"]);
        assert_eq!(kinds(Role::Family, village), ["card"]);
        for office in [kinds(Role::Committee, village), kinds(Role::Township, "511902106000")] {
            assert_eq!(office, ["card", "assignment", "risk", "agreement", "sensitive"]);
        }
    }

    #[test]
    fn keys_come_only_from_the_committee_and_erasures_only_to_a_keyring() {
        let village = "511902106202";
        let sealed = |kind: &str, what: What| Change {
            doc: DocRef { elder: "a".repeat(32), kind: kind.into() },
            bytes: envelope::sample(what, b"sealed"),
        };
        let (helper, committee) = (device(Role::Helper, village), device(Role::Committee, village));
        let family = device(Role::Family, village);
        for kind in ["keyring", "keys"] {
            assert!(may_write_change(&committee, &sealed(kind, What::ElderKey)), "committee {kind}");
            assert!(!may_write_change(&helper, &sealed(kind, What::KeyPackage)), "helper {kind}");
            assert!(!may_write_change(&family, &sealed(kind, What::KeyPackage)), "family {kind}");
        }
        // The audit log: a helper's and a committee's tablet each write their own.
        assert!(may_write_change(&helper, &sealed("audit", What::Change)));
        assert!(may_write_change(&committee, &sealed("audit", What::Change)));
        assert!(!may_write_change(&family, &sealed("audit", What::Change)));
        // An erasure: the committee, at an elder's keyring, nobody else and nowhere else.
        assert!(may_write_change(&committee, &sealed("keyring", What::Erasure)));
        assert!(!may_write_change(&committee, &sealed("card", What::Erasure)));
        assert!(!may_write_change(&helper, &sealed("visits", What::Erasure)));
        assert!(!may_write_change(&family, &sealed("family", What::Erasure)));
        assert!(is_erasure(&sealed("keyring", What::Erasure)));
        assert!(!is_erasure(&sealed("keyring", What::ElderKey)));
    }

    #[test]
    fn a_helper_writes_what_its_screens_write_and_nothing_the_office_keeps() {
        let helper = device(Role::Helper, "511902106202");
        for kind in ["card", "family", "visits", "cases", "audit"] {
            assert!(may_write_change(&helper, &change('a', kind)), "{kind}");
        }
        for kind in
            ["profile", "sensitive", "risk", "agreement", "assignment", "helper", "org", "keyring", "keys"]
        {
            assert!(!may_write_change(&helper, &change('a', kind)), "{kind}");
        }
        let township = device(Role::Township, "511902106000");
        assert!(shouwang_protocol::KINDS.iter().all(|k| !may_write_change(&township, &change('a', k))));
    }

    #[test]
    fn an_erasure_counts_only_signed_by_the_office_key_the_relay_holds() {
        let seed = [5u8; 32];
        let doc = DocRef { elder: "a".repeat(32), kind: "keyring".into() };
        let bytes = envelope::signed_sample(What::Erasure, b"sealed erasure", "511902106202", &doc, &seed);
        let erasure = Change { doc, bytes };
        let office = OfficeKey { generation: 1, key: shouwang_protocol::office::public_key(&seed) };
        assert!(erasure_is_signed("511902106202", &erasure, Some(&office)));
        assert!(!erasure_is_signed("511902106202", &erasure, None), "no office enrolled yet");
        let other = OfficeKey { generation: 1, key: shouwang_protocol::office::public_key(&[6; 32]) };
        assert!(!erasure_is_signed("511902106202", &erasure, Some(&other)));
        let unsigned = Change { bytes: envelope::sample(What::Erasure, b"x"), ..erasure.clone() };
        assert!(!erasure_is_signed("511902106202", &unsigned, Some(&office)));
    }
}
