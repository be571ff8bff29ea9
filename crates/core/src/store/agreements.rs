//! Stored care agreements 委托照顾协议 (附件3/附件4): each elder's `agreement` document holds their
//! agreements keyed by id, each with its payments and duties done as id-keyed maps, so two devices
//! recording a payment at once both keep theirs. Committee and township only: an agreement holds the
//! family's and the trustee's ID numbers. The `agreements` projection finds an agreement's elder and
//! serves the lists; reminders are computed from the documents.

use super::documents::{self, Loaded};
use super::error::field;
use super::{Error, Result, Store};
use crate::agreement::{self, Agreement, Done, Ending, Payment, Reminder};
use crate::crdt;
use crate::doc::DocKind;
use crate::elder::ElderId;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use serde_json::{Map, Value};

/// One agreement as the list shows it (from the projection).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgreementRow {
    /// Its id.
    pub id: String,
    /// The elder cared for.
    pub elder: ElderId,
    /// Their name.
    pub elder_name: Option<String>,
    /// `self_care` (附件3) or `assisted` (附件4).
    pub kind: String,
    /// 乙方 (the trustee).
    pub trustee: String,
    /// Start.
    pub start: NaiveDate,
    /// The last day of service (the end, or the early end).
    pub last_day: NaiveDate,
    /// The agreement it renews.
    pub renews: Option<String>,
    /// Ended early.
    pub ended: bool,
    /// Payments recorded.
    pub payments: i64,
    /// Their total, in fen.
    pub paid_fen: i64,
}

/// One agreement's reminders on a day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgreementReminders {
    /// The agreement.
    pub agreement: String,
    /// The elder.
    pub elder: ElderId,
    /// Their name as the agreement reads.
    pub elder_name: String,
    /// What is due or overdue.
    pub reminders: Vec<Reminder>,
}

use crate::ids::new_id;

fn refused(problems: Vec<agreement::Problem>) -> Error {
    let first = &problems[0];
    Error::Field { field: first.field.clone(), zh: first.rule.zh(), en: first.rule.en() }
}

/// An agreement as stored: without its id (the key), payments and duties done keyed by id.
fn stored(a: &Agreement, payment_ids: &[String], done_ids: &[String]) -> Value {
    let mut v = serde_json::to_value(a).expect("an agreement serialises");
    let m = v.as_object_mut().expect("an object");
    m.remove("id");
    let keyed = |items: &Vec<Value>, ids: &[String]| -> Value {
        Value::Object(ids.iter().cloned().zip(items.iter().cloned()).collect())
    };
    let payments = m.remove("payments").and_then(|p| p.as_array().cloned()).unwrap_or_default();
    let done = m.remove("done").and_then(|p| p.as_array().cloned()).unwrap_or_default();
    m.insert("payments".into(), keyed(&payments, payment_ids));
    m.insert("done".into(), keyed(&done, done_ids));
    v
}

/// The agreement held under key `id`, payments and duties done oldest first, and their ids in that order.
fn read_one(id: &str, value: &Value) -> Option<(Agreement, Vec<String>, Vec<String>)> {
    let mut m = value.as_object()?.clone();
    fn listed<T: serde::de::DeserializeOwned>(
        m: &mut Map<String, Value>,
        key: &str,
        on: impl Fn(&T) -> NaiveDate,
    ) -> Option<(Vec<T>, Vec<String>)> {
        let mut items: Vec<(NaiveDate, String, T)> = match m.remove(key) {
            Some(Value::Object(entries)) => entries
                .into_iter()
                .map(|(k, v)| serde_json::from_value::<T>(v).ok().map(|t| (on(&t), k, t)))
                .collect::<Option<_>>()?,
            _ => Vec::new(),
        };
        items.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        let ids = items.iter().map(|i| i.1.clone()).collect();
        Some((items.into_iter().map(|i| i.2).collect(), ids))
    }
    let (payments, payment_ids) = listed::<Payment>(&mut m, "payments", |p| p.on)?;
    let (done, done_ids) = listed::<Done>(&mut m, "done", |d| d.on)?;
    let mut a: Agreement = serde_json::from_value(Value::Object(m)).ok()?;
    a.id = id.to_string();
    a.payments = payments;
    a.done = done;
    Some((a, payment_ids, done_ids))
}

/// Every agreement of an elder's document, by start date. One another build wrote in a form this
/// one cannot read stays in the document and out of the lists.
fn all(doc: &automerge::AutoCommit) -> Vec<Agreement> {
    let mut out: Vec<Agreement> =
        crdt::read(doc).iter().filter_map(|(id, v)| read_one(id, v).map(|(a, _, _)| a)).collect();
    out.sort_by(|a, b| (a.start, &a.id).cmp(&(b.start, &b.id)));
    out
}

/// Projects an elder's `agreement` document into `agreements`.
pub(super) fn project_agreements(conn: &Connection, elder: &ElderId, loaded: &Loaded) -> Result<()> {
    conn.prepare_cached("DELETE FROM agreements WHERE elder_id = ?1")?.execute([elder.as_str()])?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO agreements (agreement_id, elder_id, kind, trustee, start, last_day, renews, ended,
             payments, paid_fen)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for a in all(&loaded.doc) {
        let kind = serde_json::to_value(a.kind).expect("a kind serialises");
        insert.execute(rusqlite::params![
            a.id,
            elder.as_str(),
            kind.as_str().unwrap_or_default(),
            a.trustee.name,
            a.start.to_string(),
            a.last_day().to_string(),
            a.renews,
            a.ending.is_some(),
            a.payments.len() as i64,
            a.payments.iter().map(|p| p.amount_fen).sum::<i64>(),
        ])?;
    }
    Ok(())
}

impl Store {
    /// What filing `a` would find, without filing: every problem [`agreement::validate`] reports.
    /// Office only, as agreements are (they hold the family's ID numbers).
    pub fn check_agreement(&self, a: &mut Agreement) -> Result<Vec<agreement::Problem>> {
        self.require(crate::view::Operation::Agreements)?;
        Ok(agreement::validate(a).err().unwrap_or_default())
    }

    fn agreement_elder(&self, id: &str) -> Result<ElderId> {
        let elder: Option<String> = self
            .conn
            .query_row("SELECT elder_id FROM agreements WHERE agreement_id = ?1", [id], |r| r.get(0))
            .optional()?;
        let elder = elder.ok_or_else(|| {
            field("agreement", format!("没有编号为 {id} 的协议"), format!("no agreement with id {id}"))
        })?;
        elder.parse().map_err(|reason| Error::Corrupt { doc: elder.clone(), reason })
    }

    /// Changes one stored agreement in one transaction: `edit` gets the agreement with the ids of its
    /// payments and duties done and returns what to store, checked by [`agreement::validate`].
    fn edit_agreement<T>(
        &mut self,
        id: &str,
        now: DateTime<Utc>,
        edit: impl FnOnce(&mut Agreement, &mut Vec<String>, &mut Vec<String>) -> Result<T>,
    ) -> Result<T> {
        let elder = self.agreement_elder(id)?;
        let actor = self.actor();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut loaded = documents::load_one(&tx, &elder, DocKind::Agreement, &actor)?;
        let mut content = crdt::read(&loaded.doc);
        let (mut a, mut payment_ids, mut done_ids) =
            content.get(id).and_then(|v| read_one(id, v)).ok_or_else(|| Error::Corrupt {
                doc: format!("{elder}/agreement"),
                reason: format!("agreement {id} cannot be read"),
            })?;
        let out = edit(&mut a, &mut payment_ids, &mut done_ids)?;
        agreement::validate(&mut a).map_err(refused)?;
        content.insert(id.to_string(), stored(&a, &payment_ids, &done_ids));
        documents::save(&tx, &elder, &mut loaded, &content, now)?;
        project_agreements(&tx, &elder, &loaded)?;
        tx.commit()?;
        Ok(out)
    }

    /// Files a signed agreement for the elder it names (`elder.elder`), checked first; returns it with
    /// its id. A renewal (`renews`) must name a stored agreement of the same elder.
    pub fn add_agreement(&mut self, mut a: Agreement, now: DateTime<Utc>) -> Result<Agreement> {
        self.require(crate::view::Operation::Agreements)?;
        agreement::validate(&mut a).map_err(refused)?;
        let elder = a.elder.elder.clone().ok_or_else(|| {
            field(
                "elder.elder",
                "协议应写明被助养老人在台账中的编号".into(),
                "the agreement must name the elder's id in the registry".into(),
            )
        })?;
        if self.require_elder(&elder)? != "active" {
            return Err(super::error::archived(&elder));
        }
        if a.id.is_empty() {
            a.id = new_id();
        } else if a.id.len() != 32 || !a.id.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        {
            return Err(field(
                "id",
                "协议编号应为 32 位十六进制数字".into(),
                "an agreement id is 32 hex digits".into(),
            ));
        }
        let taken: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM agreements WHERE agreement_id = ?1)",
            [&a.id],
            |r| r.get(0),
        )?;
        if taken {
            return Err(field(
                "id",
                format!("协议 {} 已存档", a.id),
                format!("agreement {} is already filed", a.id),
            ));
        }
        if let Some(old) = &a.renews {
            if self.agreement_elder(old).ok().as_ref() != Some(&elder) {
                return Err(field(
                    "renews",
                    format!("该老人没有编号为 {old} 的协议"),
                    format!("the elder has no agreement with id {old}"),
                ));
            }
        }
        let payment_ids: Vec<String> = a.payments.iter().map(|_| new_id()).collect();
        let done_ids: Vec<String> = a.done.iter().map(|_| new_id()).collect();
        let actor = self.actor();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut loaded = documents::load_one(&tx, &elder, DocKind::Agreement, &actor)?;
        let mut content = crdt::read(&loaded.doc);
        content.insert(a.id.clone(), stored(&a, &payment_ids, &done_ids));
        documents::save(&tx, &elder, &mut loaded, &content, now)?;
        project_agreements(&tx, &elder, &loaded)?;
        tx.commit()?;
        Ok(a)
    }

    /// One stored agreement with its payments and duties done.
    pub fn agreement(&self, id: &str) -> Result<Agreement> {
        self.require(crate::view::Operation::Agreements)?;
        let elder = self.agreement_elder(id)?;
        let loaded = documents::load_one(&self.conn, &elder, DocKind::Agreement, &self.actor())?;
        all(&loaded.doc).into_iter().find(|a| a.id == id).ok_or_else(|| Error::Corrupt {
            doc: format!("{elder}/agreement"),
            reason: format!("agreement {id} cannot be read"),
        })
    }

    /// Stored agreements, of one elder or all, by elder name and start.
    pub fn agreements(&self, elder: Option<&ElderId>) -> Result<Vec<AgreementRow>> {
        self.require(crate::view::Operation::Agreements)?;
        let mut stmt = self.conn.prepare(
            "SELECT a.agreement_id, a.elder_id, e.name, a.kind, a.trustee, a.start, a.last_day, a.renews,
                 a.ended, a.payments, a.paid_fen
             FROM agreements a LEFT JOIN elders e ON e.elder_id = a.elder_id
             WHERE ?1 IS NULL OR a.elder_id = ?1
             ORDER BY e.name, a.elder_id, a.start, a.agreement_id",
        )?;
        let rows = stmt.query_map([elder.map(ElderId::as_str)], |r| {
            let date = |i: usize| -> rusqlite::Result<NaiveDate> {
                let text: String = r.get(i)?;
                text.parse().map_err(|e: chrono::ParseError| {
                    rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e.into())
                })
            };
            Ok(AgreementRow {
                id: r.get(0)?,
                elder: super::sql::id_column(r, 1)?,
                elder_name: r.get(2)?,
                kind: r.get(3)?,
                trustee: r.get(4)?,
                start: date(5)?,
                last_day: date(6)?,
                renews: r.get(7)?,
                ended: r.get(8)?,
                payments: r.get(9)?,
                paid_fen: r.get(10)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Records a payment A made to B; returns the payment's id.
    pub fn record_payment(&mut self, id: &str, payment: Payment, now: DateTime<Utc>) -> Result<String> {
        self.require(crate::view::Operation::Agreements)?;
        self.edit_agreement(id, now, |a, ids, _| {
            let pid = new_id();
            a.payments.push(payment);
            ids.push(pid.clone());
            Ok(pid)
        })
    }

    /// Records a recurring duty done (A phoned B, B reported, the committee checked); returns its id.
    pub fn record_duty(&mut self, id: &str, done: Done, now: DateTime<Utc>) -> Result<String> {
        self.require(crate::view::Operation::Agreements)?;
        self.edit_agreement(id, now, |a, _, ids| {
            let did = new_id();
            a.done.push(done);
            ids.push(did.clone());
            Ok(did)
        })
    }

    /// Ends an agreement early as the template allows (五、解除协议).
    pub fn end_agreement(&mut self, id: &str, ending: Ending, now: DateTime<Utc>) -> Result<Agreement> {
        self.require(crate::view::Operation::Agreements)?;
        self.edit_agreement(id, now, |a, _, _| {
            let ended = agreement::end(a, ending).map_err(|e| Error::Field {
                field: e.field().into(),
                zh: e.to_string(),
                en: e.to_string(),
            })?;
            *a = ended;
            Ok(a.clone())
        })
    }

    /// Files a new agreement continuing a stored one for `years` years, linked to it by `renews`.
    pub fn renew_agreement(&mut self, id: &str, years: u32, now: DateTime<Utc>) -> Result<Agreement> {
        self.require(crate::view::Operation::Agreements)?;
        let old = self.agreement(id)?;
        self.add_agreement(agreement::renew(&old, new_id(), years), now)
    }

    /// The reminders of every stored agreement on `today`, agreements with nothing due left out.
    pub fn agreement_reminders(&self, today: NaiveDate) -> Result<Vec<AgreementReminders>> {
        self.require(crate::view::Operation::Agreements)?;
        let elders: Vec<String> = self
            .conn
            .prepare("SELECT DISTINCT elder_id FROM agreements ORDER BY elder_id")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::new();
        for raw in elders {
            let elder: ElderId = raw.parse().map_err(|reason| Error::Corrupt { doc: raw.clone(), reason })?;
            let loaded = documents::load_one(&self.conn, &elder, DocKind::Agreement, &self.actor())?;
            for a in all(&loaded.doc) {
                let reminders = agreement::reminders(&a, &a.payments, &a.done, today);
                if !reminders.is_empty() {
                    out.push(AgreementReminders {
                        agreement: a.id.clone(),
                        elder: elder.clone(),
                        elder_name: a.elder.name.clone(),
                        reminders,
                    });
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agreement::{sample, Duty, EndReason, Kind, Party, ReminderKind};
    use crate::demo::sample_elder;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn kinds(store: &Store, today: &str) -> Vec<(String, NaiveDate, i64)> {
        let all = store.agreement_reminders(d(today)).unwrap();
        all.iter()
            .flat_map(|a| &a.reminders)
            .map(|r| {
                let k = match &r.kind {
                    ReminderKind::Duty { duty } => format!("{duty:?}"),
                    ReminderKind::Payment { owed_fen } => format!("Payment {owed_fen}"),
                    ReminderKind::TrusteeMayEnd { unpaid_since } => format!("MayEnd {unpaid_since}"),
                    ReminderKind::Renewal => "Renewal".into(),
                    ReminderKind::Settle => "Settle".into(),
                };
                (k, r.due, r.days_overdue)
            })
            .collect()
    }

    #[test]
    fn stored_agreements_raise_their_reminders_from_the_payments_and_duties_recorded() {
        let dir = tempfile::tempdir().unwrap();
        let now = at("2026-11-25T09:00:00+08:00");
        let mut store = Store::init(
            dir.path().join("v.sqlite"),
            "511902106202".parse().unwrap(),
            "斑竹村",
            "sichuan",
            now,
        )
        .unwrap();
        let elder = store.add_elder(sample_elder(), now).unwrap().id;
        let mut a = sample(Kind::Assisted);
        a.id = String::new();
        a.elder.elder = Some(elder.clone());
        let a = store.add_agreement(a, now).unwrap();
        assert_eq!(store.agreements(Some(&elder)).unwrap().len(), 1);

        // December's fee is paid and the first week's duties are done.
        store
            .record_payment(
                &a.id,
                Payment { on: d("2026-12-01"), amount_fen: 30000, note: String::new() },
                now,
            )
            .unwrap();
        store.record_duty(&a.id, Done { duty: Duty::DelegatorCalls, on: d("2026-12-06") }, now).unwrap();
        store.record_duty(&a.id, Done { duty: Duty::CommitteeChecks, on: d("2026-12-03") }, now).unwrap();
        let on_the_10th = kinds(&store, "2026-12-10");
        assert!(on_the_10th.contains(&("DelegatorCalls".into(), d("2026-12-13"), 0)), "{on_the_10th:?}");
        assert!(on_the_10th.contains(&("CommitteeChecks".into(), d("2026-12-10"), 0)), "{on_the_10th:?}");
        // January's fee is not paid: on 1 February it is a month late and the trustee may end it.
        let feb = kinds(&store, "2027-02-01");
        assert!(feb.contains(&("MayEnd 2027-01-01".into(), d("2027-02-01"), 0)), "{feb:?}");
        let ending = Ending {
            by: Party::Trustee,
            reason: EndReason::NonPayment,
            notice_on: d("2027-02-01"),
            end_on: d("2027-02-01"),
        };
        store.end_agreement(&a.id, ending, now).unwrap();
        assert_eq!(kinds(&store, "2027-02-05"), vec![("Settle".into(), d("2027-02-11"), 0)]);

        // A short notice is refused and writes nothing; a renewal is linked to the old agreement.
        let outbox = store.outbox_len().unwrap();
        let again = Ending {
            by: Party::Delegator,
            reason: EndReason::NoFault,
            notice_on: d("2027-02-01"),
            end_on: d("2027-02-05"),
        };
        assert!(store.end_agreement(&a.id, again, now).is_err());
        let bad = Payment { on: d("2027-02-06"), amount_fen: -5, note: String::new() };
        let err = store.record_payment(&a.id, bad, now).unwrap_err();
        assert!(err.to_string().contains("payments"), "{err}");
        assert_eq!(store.outbox_len().unwrap(), outbox);
        let renewed = store.renew_agreement(&a.id, 2, now).unwrap();
        assert_eq!(renewed.renews.as_deref(), Some(a.id.as_str()));
        assert_eq!(renewed.start, d("2027-02-02"));
        let stored = store.agreement(&a.id).unwrap();
        assert_eq!((stored.payments.len(), stored.done.len()), (1, 2));

        let dump = store.projection_dump().unwrap();
        store.rebuild().unwrap();
        assert_eq!(store.projection_dump().unwrap(), dump);
    }
}
