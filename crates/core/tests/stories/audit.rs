//! The audit log (issue 7): every look at and change of an elder's sensitive fields is an entry of a
//! hash chain, in the device's table and in its synced `audit` document; an edited or deleted entry is
//! found and named.

use super::role_views::{at, office, Office};
use automerge::{transaction::Transactable, AutoCommit, ReadDoc, ROOT};
use shouwang_core::audit::{Action, BreakKind};
use shouwang_core::doc::DocKind;
use shouwang_core::elder::Health;

/// The office of the role-view stories, plus: the committee looks at elder 0, changes their health,
/// and exports their data.
fn logged() -> Office {
    let mut o = office();
    let e = o.elders[0].clone();
    o.store.view_elder(&e, at("2026-11-21T09:00:00+08:00")).unwrap();
    o.store
        .update_elder(&e, at("2026-11-21T09:05:00+08:00"), |r| {
            r.health = Some(Health::Ill);
            r.illness = "高血压（复核）".into();
            r.disability = None;
            r.address = "斑竹村3组8号".into();
            Ok(())
        })
        .unwrap();
    o.store.export_elder(&e, at("2026-11-21T09:10:00+08:00")).unwrap();
    o
}

fn raw(o: &Office) -> rusqlite::Connection {
    o.store.checkpoint().unwrap();
    rusqlite::Connection::open(o.store.path()).unwrap()
}

#[test]
fn who_looked_at_and_changed_which_field_is_logged_and_the_log_verifies() {
    let o = logged();
    let e = &o.elders[0];
    let entries = o.store.audit_log(Some(e)).unwrap();
    let actions: Vec<Action> = entries.iter().map(|x| x.action).collect();
    // Registered (ID number, health… written), consent recorded, viewed, health changed, exported.
    assert_eq!(actions, [Action::Change, Action::Consent, Action::View, Action::Change, Action::Export]);
    let change = &entries[3];
    assert!(change.fields.contains(&"illness".to_string()), "{:?}", change.fields);
    assert!(
        change.fields.iter().all(|f| DocKind::Sensitive.fields().contains(&f.as_str())),
        "{:?}",
        change.fields
    );
    assert_eq!(change.device, o.store.registry().actor);
    assert!(entries[2].fields.contains(&"id_number".to_string()));
    // Names of fields only: no value of any field is in the log.
    let text = serde_json::to_string(&o.store.audit_log(None).unwrap()).unwrap();
    for (number, name) in o.id_numbers.iter().zip(&o.names) {
        assert!(!text.contains(number.as_str()) && !text.contains(name.as_str()));
    }
    assert_eq!(o.store.verify_audit().unwrap(), vec![]);
    // The entries travel: the device's audit document is in the outbox.
    let conn = raw(&o);
    let queued: i64 =
        conn.query_row("SELECT count(*) FROM outbox WHERE doc_id LIKE '%/audit'", [], |r| r.get(0)).unwrap();
    assert!(queued > 0);
}

#[test]
fn the_table_refuses_updates_and_deletes_and_an_edited_entry_is_named() {
    let o = logged();
    let conn = raw(&o);
    assert!(conn.execute("UPDATE audit_log SET fields = '[]' WHERE seq = 2", []).is_err());
    assert!(conn.execute("DELETE FROM audit_log WHERE seq = 2", []).is_err());
    conn.execute_batch("DROP TRIGGER audit_log_no_update").unwrap();
    conn.execute("UPDATE audit_log SET fields = '[\"phone\"]' WHERE seq = 2", []).unwrap();
    drop(conn);
    let breaks = o.store.verify_audit().unwrap();
    let me = o.store.registry().actor.clone();
    assert!(
        breaks
            .iter()
            .any(|b| b.device == me && b.seq == 2 && b.what == BreakKind::Edited && b.source == "local"),
        "{breaks:?}"
    );
    // The synced copy, untouched, now disagrees with the table.
    assert!(breaks.iter().any(|b| b.seq == 2 && b.what == BreakKind::Differs), "{breaks:?}");
}

#[test]
fn an_entry_deleted_from_the_middle_is_found() {
    let o = logged();
    let total: i64 = raw(&o).query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)).unwrap();
    assert!(total > 4);
    let conn = raw(&o);
    conn.execute_batch("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 3;").unwrap();
    drop(conn);
    let breaks = o.store.verify_audit().unwrap();
    assert_eq!(breaks.len(), 1, "{breaks:?}");
    assert_eq!((breaks[0].seq, breaks[0].what, breaks[0].source.as_str()), (4, BreakKind::Missing, "local"));
    assert!(breaks[0].to_string().contains("条目缺失"));
}

#[test]
fn an_entry_edited_in_the_synced_document_is_found() {
    let o = logged();
    let subject = shouwang_core::audit::subject(&o.store.registry().actor);
    let conn = raw(&o);
    let doc_id = format!("{subject}/{}", DocKind::Audit.code());
    let data: Vec<u8> =
        conn.query_row("SELECT data FROM documents WHERE doc_id = ?1", [&doc_id], |r| r.get(0)).unwrap();
    let mut doc = AutoCommit::load(&data).unwrap();
    let key = shouwang_core::audit::key(5);
    let (_, entry) = doc.get(ROOT, key.as_str()).unwrap().expect("entry 5 is in the document");
    doc.put(&entry, "action", "view").unwrap();
    conn.execute("UPDATE documents SET data = ?1 WHERE doc_id = ?2", (doc.save(), &doc_id)).unwrap();
    drop(conn);
    let breaks = o.store.verify_audit().unwrap();
    assert!(
        breaks.iter().any(|b| b.seq == 5 && b.what == BreakKind::Edited && b.source == "document"),
        "{breaks:?}"
    );
    assert!(breaks.iter().all(|b| b.source == "document"), "the local table is whole: {breaks:?}");
}

#[test]
fn a_long_log_is_kept_in_pages_and_an_append_writes_only_the_last_page() {
    let o = logged();
    let e = o.elders[1].clone();
    let me = o.store.registry().actor.clone();
    let pages_of = |o: &Office| -> Vec<(String, Vec<u8>)> {
        raw(o)
            .prepare("SELECT elder_id, data FROM documents WHERE kind = 'audit' ORDER BY elder_id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let mut minute = 0;
    while o.store.audit_log(None).unwrap().len() < 600 {
        minute += 1;
        o.store
            .view_elder(&e, at(&format!("2026-11-22T{:02}:{:02}:00+08:00", minute / 60, minute % 60)))
            .unwrap();
    }
    // 600 entries: pages of 256 → three documents, entries 1–256, 257–512, 513–600.
    let pages = pages_of(&o);
    assert_eq!(pages.len(), 3);
    for (page, first) in [(0u64, 1u64), (1, 257), (2, 513)] {
        let subject = shouwang_core::audit::page_subject(&me, page);
        let (_, data) = pages.iter().find(|(s, _)| *s == subject.as_str()).expect("the page's document");
        let doc = AutoCommit::load(data).unwrap();
        let keys: Vec<String> = doc.keys(ROOT).collect();
        assert_eq!(keys.first(), Some(&shouwang_core::audit::key(first)));
        assert!(keys.len() <= 256);
    }
    assert_eq!(o.store.verify_audit().unwrap(), vec![]);

    // One more look writes the last page only: the first two documents are byte for byte as they were.
    o.store.view_elder(&e, at("2026-11-23T09:00:00+08:00")).unwrap();
    let after = pages_of(&o);
    let unchanged = |page: u64| {
        let s = shouwang_core::audit::page_subject(&me, page);
        let find = |v: &[(String, Vec<u8>)]| v.iter().find(|(x, _)| *x == s.as_str()).unwrap().1.clone();
        find(&pages) == find(&after)
    };
    assert!(unchanged(0) && unchanged(1) && !unchanged(2));
}

#[test]
fn an_entry_copied_into_another_page_is_found() {
    let o = logged();
    let e = o.elders[1].clone();
    for minute in 0..300 {
        o.store
            .view_elder(&e, at(&format!("2026-11-22T{:02}:{:02}:00+08:00", minute / 60, minute % 60)))
            .unwrap();
    }
    let me = o.store.registry().actor.clone();
    let conn = raw(&o);
    let id = |page| format!("{}/{}", shouwang_core::audit::page_subject(&me, page), DocKind::Audit.code());
    let load = |page| {
        let data: Vec<u8> =
            conn.query_row("SELECT data FROM documents WHERE doc_id = ?1", [id(page)], |r| r.get(0)).unwrap();
        AutoCommit::load(&data).unwrap()
    };
    // Entry 3, written whole into page 1's document, where it does not belong.
    let page0 = load(0);
    let mut page1 = load(1);
    let (_, entry) = page0.get(ROOT, shouwang_core::audit::key(3).as_str()).unwrap().unwrap();
    let copy =
        page1.put_object(ROOT, shouwang_core::audit::key(3).as_str(), automerge::ObjType::Map).unwrap();
    for key in page0.keys(&entry) {
        let (value, id) = page0.get(&entry, key.as_str()).unwrap().unwrap();
        match value {
            automerge::Value::Scalar(s) => page1.put(&copy, key.as_str(), s.into_owned()).unwrap(),
            automerge::Value::Object(_) => {
                let list = page1.put_object(&copy, key.as_str(), automerge::ObjType::List).unwrap();
                for i in 0..page0.length(&id) {
                    let (v, _) = page0.get(&id, i).unwrap().unwrap();
                    page1.insert(&list, i, v.as_scalar().unwrap().clone()).unwrap();
                }
            }
        }
    }
    conn.execute("UPDATE documents SET data = ?1 WHERE doc_id = ?2", (page1.save(), id(1))).unwrap();
    drop(conn);
    let breaks = o.store.verify_audit().unwrap();
    assert!(
        breaks.iter().any(|b| b.seq == 3 && b.what == BreakKind::Edited && b.source == "document"),
        "{breaks:?}"
    );
}
