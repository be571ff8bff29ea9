//! Writing and reading elders: each write one transaction over documents, projection and outbox.

use super::documents::{self, Loaded};
use super::{audit, projection, Error, Result, Store};
use crate::audit::Action;
use crate::doc;
use crate::elder::{Archive, Elder, ElderId, Status};
use crate::validate::{validate_elder, Context, Rule, Violation};
use crate::view::Operation;
use automerge::ActorId;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, Transaction, TransactionBehavior};

/// What a successful write reports.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Saved {
    /// The elder written.
    pub id: ElderId,
    /// Warnings about the record (it was saved all the same).
    #[serde(serialize_with = "violations_json")]
    pub warnings: Vec<Violation>,
    /// Automerge changes made (0 when the record was unchanged).
    pub changes: usize,
}

fn violations_json<S: serde::Serializer>(v: &[Violation], s: S) -> std::result::Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = s.serialize_seq(Some(v.len()))?;
    for x in v {
        seq.serialize_element(&serde_json::json!({
            "field": x.field, "rule": x.rule.code(), "zh": x.rule.zh(), "en": x.rule.en(),
        }))?;
    }
    seq.end()
}

impl Store {
    pub(super) fn actor(&self) -> ActorId {
        ActorId::from(hex::decode(&self.registry.actor).unwrap_or_default())
    }

    pub(super) fn context(&self, now: DateTime<Utc>, legacy_ids: bool) -> Context {
        Context { legacy_ids, ..Context::new(self.registry.unit.clone(), crate::time::local_date(now)) }
    }

    /// The id an elder holding this (normalised, 18-character) ID number has, or will have, in this
    /// registry's village: keyed with its id key. For tools and tests that need to know an id before
    /// registering; refused (`keys.id_key`) on a device without the key.
    pub fn elder_id_for(&self, id_number: &str) -> Result<ElderId> {
        keyed_id(&self.conn, &self.registry.unit, &self.registry.unit, id_number)
    }

    /// What saving `elder` from the form would find, without saving: every violation (warnings too),
    /// checked as [`Store::add_elder`] checks on this registry's unit and `now`'s day. Office only, as
    /// registering is.
    pub fn check_elder(&self, elder: &mut Elder, now: DateTime<Utc>) -> Result<Vec<Violation>> {
        self.require(Operation::EditRegistry)?;
        Ok(validate_elder(elder, &self.context(now, false)).unwrap_or_else(|all| all))
    }

    /// Registers a new elder from the form. Refuses an ID number already in the registry.
    pub fn add_elder(&mut self, elder: Elder, now: DateTime<Utc>) -> Result<Saved> {
        self.add(elder, now, false)
    }

    /// Registers a new elder from an imported ledger: as [`Store::add_elder`], but a 15-digit
    /// pre-1999 ID number is accepted and converted.
    pub fn import_elder(&mut self, elder: Elder, now: DateTime<Utc>) -> Result<Saved> {
        self.add(elder, now, true)
    }

    fn add(&mut self, elder: Elder, now: DateTime<Utc>, legacy_ids: bool) -> Result<Saved> {
        let viewer = self.viewer();
        viewer.require(Operation::EditRegistry)?;
        let ctx = self.context(now, legacy_ids);
        let actor = self.actor();
        let fields = audit::changed_sensitive_fields(None, &elder);
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let saved = insert(&tx, elder, &ctx, &actor, now)?;
        if !fields.is_empty() {
            audit::append(&tx, &viewer, &actor, Action::Change, Some(&saved.id), &fields, now)?;
        }
        tx.commit()?;
        Ok(saved)
    }

    /// Changes an elder's record with `edit`, then validates and stores only what changed.
    pub fn update_elder(
        &mut self,
        id: &ElderId,
        now: DateTime<Utc>,
        edit: impl FnOnce(&mut Elder) -> Result<()>,
    ) -> Result<Saved> {
        let viewer = self.viewer();
        viewer.require(Operation::EditRegistry)?;
        let ctx = self.context(now, false);
        let actor = self.actor();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut docs = load_existing(&tx, id, &actor)?;
        let mut elder = documents::join(id, &docs)?;
        let before = elder.clone();
        edit(&mut elder)?;
        elder.id = Some(id.clone());
        let warnings = validate_elder(&mut elder, &ctx).map_err(Error::Invalid)?;
        assign_keys(&mut elder);
        check_unique_id_number(&tx, &elder, id)?;
        let changes = write(&tx, id, &elder, &mut docs, now)?;
        let fields = audit::changed_sensitive_fields(Some(&before), &elder);
        if !fields.is_empty() {
            audit::append(&tx, &viewer, &actor, Action::Change, Some(id), &fields, now)?;
        }
        tx.commit()?;
        Ok(Saved { id: id.clone(), warnings, changes })
    }

    /// Archives an elder who moved away or died. The record is kept, never deleted.
    pub fn archive_elder(
        &mut self,
        id: &ElderId,
        status: Status,
        reason: &str,
        on: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Saved> {
        if status == Status::Active {
            return Err(Error::Field {
                field: "status".into(),
                zh: "注销状态应为迁出（moved_away）或死亡（deceased）".into(),
                en: "archive as moved_away or deceased".into(),
            });
        }
        self.update_elder(id, now, |e| {
            e.status = status;
            e.archive = Some(Archive { status, reason: reason.to_string(), on });
            Ok(())
        })
    }

    /// One elder's record, read from their documents, as the viewer may see it ([`crate::view`]):
    /// the whole record for an office; for a helper, an elder assigned to them, the ID number masked
    /// and no health, disability, illness or income; refused for anyone else. Writes no audit entry:
    /// screens that show the record to a person use [`Store::view_elder`].
    pub fn elder(&self, id: &ElderId) -> Result<Elder> {
        self.see_elder(id, Operation::ReadElder)?;
        let mut elder = self.read_elder(id)?;
        self.redact_elder(&self.viewer(), &mut elder)?;
        Ok(elder)
    }

    /// [`Store::elder`] for a person looking at the record: when the viewer sees sensitive fields (an
    /// office reading an elder's ID number, health, disability, illness or income), a `view` entry
    /// naming those fields is appended to the audit log at `now` ([`crate::audit`]).
    pub fn view_elder(&self, id: &ElderId, now: DateTime<Utc>) -> Result<Elder> {
        let elder = self.elder(id)?;
        if self.viewer().is_office() {
            let fields = audit::sensitive_fields(&elder);
            if !fields.is_empty() {
                self.audit_now(Action::View, Some(id), &fields, now)?;
            }
        }
        Ok(elder)
    }

    /// The whole record, whoever is looking: for the store's own computations only.
    pub(super) fn read_elder(&self, id: &ElderId) -> Result<Elder> {
        let docs = load_existing(&self.conn, id, &self.actor())?;
        documents::join(id, &docs)
    }

    /// Fields of this elder that two devices wrote concurrently, each with every value written
    /// (office only).
    pub fn conflicts(&self, id: &ElderId) -> Result<Vec<(String, Vec<serde_json::Value>)>> {
        self.require(Operation::ReviewConflicts)?;
        let docs = load_existing(&self.conn, id, &self.actor())?;
        Ok(docs.iter().flat_map(documents::record_conflicts).collect())
    }

    /// Recreates the whole projection from the documents, in one transaction: elders, their current
    /// helpers, helpers and visits. Returns the number of elders projected.
    pub fn rebuild(&mut self) -> Result<usize> {
        let actor = self.actor();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(
            "DELETE FROM elder_categories; DELETE FROM elders; DELETE FROM helper_walks; DELETE FROM helpers;
             DELETE FROM elder_helpers; DELETE FROM visits; DELETE FROM case_stages; DELETE FROM cases;
             DELETE FROM visit_rewrites; DELETE FROM risk_assessments; DELETE FROM agreements;",
        )?;
        let docs: Vec<(String, String)> = tx
            .prepare("SELECT elder_id, kind FROM documents ORDER BY elder_id, kind")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut subjects: std::collections::BTreeMap<ElderId, Vec<doc::DocKind>> = Default::default();
        for (raw, kind) in docs {
            let id: ElderId = raw.parse().map_err(|reason| Error::Corrupt { doc: raw.clone(), reason })?;
            // A kind this build does not know (from a newer device) has no projection here.
            if let Some(kind) = doc::DocKind::parse(&kind) {
                subjects.entry(id).or_default().push(kind);
            }
        }
        // Elders first: a helper's list counts active elders, a visit row names its elder.
        let mut elders = 0;
        for (id, kinds) in &subjects {
            if kinds.iter().any(|k| doc::DocKind::RECORD.contains(k)) {
                elders += 1;
                let record: Vec<doc::DocKind> =
                    kinds.iter().copied().filter(|k| doc::DocKind::RECORD.contains(k)).collect();
                projection::refresh(&tx, id, &record, &actor)?;
            }
        }
        for (id, kinds) in &subjects {
            let rest: Vec<doc::DocKind> =
                kinds.iter().copied().filter(|k| !doc::DocKind::RECORD.contains(k)).collect();
            projection::refresh(&tx, id, &rest, &actor)?;
        }
        tx.commit()?;
        Ok(elders)
    }

    /// Every projection row as text, in a stable order: what a rebuild must reproduce.
    pub fn projection_dump(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for sql in [
            "SELECT * FROM elders ORDER BY elder_id",
            "SELECT * FROM elder_categories ORDER BY elder_id, category",
            "SELECT * FROM helpers ORDER BY helper_id",
            "SELECT * FROM helper_walks ORDER BY helper_id, elder_id",
            "SELECT * FROM elder_helpers ORDER BY elder_id",
            "SELECT * FROM visits ORDER BY visit_id",
            "SELECT * FROM cases ORDER BY case_id",
            "SELECT * FROM case_stages ORDER BY entry_id",
            "SELECT * FROM visit_rewrites ORDER BY visit_id",
            "SELECT * FROM risk_assessments ORDER BY assessment_id",
            "SELECT * FROM agreements ORDER BY agreement_id",
        ] {
            let mut stmt = self.conn.prepare(sql)?;
            let n = stmt.column_count();
            let rows = stmt.query_map([], |r| {
                (0..n)
                    .map(|i| r.get_ref(i).map(|v| format!("{v:?}")))
                    .collect::<rusqlite::Result<Vec<_>>>()
                    .map(|cols| cols.join("|"))
            })?;
            for row in rows {
                out.push(row?);
            }
        }
        Ok(out)
    }
}

/// Validates a new elder and writes them inside `tx`: what [`Store::add_elder`] does, and what a
/// ledger import does for each of its elders in one transaction. Refuses an id given by the caller
/// and an ID number already registered (earlier in the same transaction too).
pub(super) fn insert(
    tx: &Transaction<'_>,
    mut elder: Elder,
    ctx: &Context,
    actor: &ActorId,
    now: DateTime<Utc>,
) -> Result<Saved> {
    let warnings = validate_elder(&mut elder, ctx).map_err(Error::Invalid)?;
    let id = match &elder.id_number {
        Some(number) => keyed_id(tx, &ctx.registry_unit, &elder.unit, number)?,
        None => ElderId::random(),
    };
    if elder.id.as_ref().is_some_and(|given| *given != id) {
        return Err(Error::Field {
            field: "id".into(),
            zh: "老人编号由系统生成，新增或导入时不能指定".into(),
            en: "an elder's id is assigned by the registry; leave it out when adding or importing".into(),
        });
    }
    elder.id = Some(id.clone());
    assign_keys(&mut elder);
    let exists: bool =
        tx.query_row("SELECT EXISTS (SELECT 1 FROM documents WHERE elder_id = ?1)", [id.as_str()], |r| {
            r.get(0)
        })?;
    if exists {
        return Err(duplicate("id_number", id));
    }
    check_unique_id_number(tx, &elder, &id)?;
    let mut docs = documents::load(tx, &id, actor)?;
    let changes = write(tx, &id, &elder, &mut docs, now)?;
    Ok(Saved { id, warnings, changes })
}

/// The id of the person holding `number` in the village of `unit` (within the registry's unit):
/// keyed with that village's id key ([`ElderId::keyed`]). A device holding no id key of the village
/// (a family phone, a township office without the village's bundle) cannot register them.
pub(super) fn keyed_id(
    conn: &rusqlite::Connection,
    registry_unit: &crate::division::UnitCode,
    unit: &crate::division::UnitCode,
    number: &str,
) -> Result<ElderId> {
    let key = match super::keys::id_key(conn, unit.as_str())? {
        Some(key) => Some(key),
        None => super::keys::id_key(conn, registry_unit.as_str())?,
    };
    let key = key.ok_or_else(|| Error::Field {
        field: "keys.id_key".into(),
        zh: format!("本设备没有 {unit} 的密钥，不能登记老人：请先导入该村村委会签发的密钥"),
        en: format!(
            "this device holds no key of {unit}'s elder ids: import a key bundle from its committee first"
        ),
    })?;
    Ok(ElderId::keyed(key.bytes(), number))
}

fn duplicate(field: &str, existing: ElderId) -> Error {
    Error::Invalid(vec![Violation { field: field.into(), rule: Rule::DuplicateIdNumber { existing } }])
}

fn load_existing(conn: &rusqlite::Connection, id: &ElderId, actor: &ActorId) -> Result<Vec<Loaded>> {
    let exists: bool =
        conn.query_row("SELECT EXISTS (SELECT 1 FROM documents WHERE elder_id = ?1)", [id.as_str()], |r| {
            r.get(0)
        })?;
    if !exists {
        return Err(Error::NotFound(id.clone()));
    }
    documents::load(conn, id, actor)
}

fn check_unique_id_number(tx: &Transaction<'_>, elder: &Elder, id: &ElderId) -> Result<()> {
    let Some(number) = &elder.id_number else { return Ok(()) };
    let other: Option<String> = tx
        .query_row(
            "SELECT elder_id FROM elders WHERE id_number = ?1 AND elder_id <> ?2 LIMIT 1",
            (number, id.as_str()),
            |r| r.get(0),
        )
        .optional()?;
    match other {
        Some(other) => Err(duplicate(
            "id_number",
            other.parse().map_err(|reason| Error::Corrupt { doc: other, reason })?,
        )),
        None => Ok(()),
    }
}

/// Gives each child and supporter a key if it has none, so later edits merge per person.
fn assign_keys(elder: &mut Elder) {
    let fresh = crate::ids::short_key;
    for child in elder.children.iter_mut().filter(|c| c.id.is_empty()) {
        child.id = fresh();
    }
    for s in elder.supporters.iter_mut().filter(|s| s.id.is_empty()) {
        s.id = fresh();
    }
}

/// Writes the record into its documents and the projection. Returns the number of changes.
fn write(
    tx: &Transaction<'_>,
    id: &ElderId,
    elder: &Elder,
    docs: &mut [Loaded],
    now: DateTime<Utc>,
) -> Result<usize> {
    let mut changes = 0;
    for (kind, mut content) in doc::split(elder) {
        let loaded = docs.iter_mut().find(|l| l.kind == kind).expect("every kind is loaded");
        // Keys the form does not hold (assignment: helper, history; family: calls) stay as they are.
        for (key, value) in crate::crdt::read(&loaded.doc) {
            if !kind.fields().contains(&key.as_str()) && !kind.derived().contains(&key.as_str()) {
                content.insert(key, value);
            }
        }
        changes += documents::save(tx, id, loaded, &content, now)?;
    }
    super::elder_row::project(tx, id, docs)?;
    let assignment = docs.iter().find(|l| l.kind == doc::DocKind::Assignment).expect("a record kind");
    super::helpers::project_assignment(tx, id, assignment)?;
    Ok(changes)
}
