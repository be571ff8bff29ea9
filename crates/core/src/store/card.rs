//! The contact card 明白卡 of one elder as a family device reads it: the `card` and `family`
//! documents only. A family device holds no projection row and no other document of its elder, so
//! this read never touches them; it carries no ID number and no health data.
//!
//! A logged visit writes its date, and nothing else of it, into the card document
//! ([`LAST_VISIT`]), so a family phone, which receives only the card and family documents, can say
//! whether the elder was visited this month.

use super::documents::{self, Loaded};
use super::{Error, Result, Store};
use crate::crdt;
use crate::doc::DocKind;
use crate::elder::{ElderId, Supporter};
use crate::sex::Sex;
use automerge::{AutoCommit, ReadDoc, ROOT};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rusqlite::Connection;
use serde::Serialize;

pub use crate::doc::LAST_VISIT;

/// What the card and family documents of an elder hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Card {
    /// The elder.
    pub id: ElderId,
    /// 姓名
    pub name: String,
    /// 性别, when recorded.
    pub sex: Option<Sex>,
    /// 现居住地址
    pub address: String,
    /// The elder's own phone.
    pub phone: Option<String>,
    /// 主要赡养人或扶养人 and other supporters, with their phones and whereabouts.
    pub supporters: Vec<Supporter>,
    /// The date of the latest visit logged, China local date: nothing else of any visit.
    pub last_visit: Option<NaiveDate>,
}

impl Card {
    /// Whether the elder was visited in the calendar month of `today` (本月已探访).
    pub fn visited_this_month(&self, today: NaiveDate) -> bool {
        self.last_visit.is_some_and(|d| d.year() == today.year() && d.month() == today.month() && d <= today)
    }
}

/// The latest of the visit dates written into a card document, concurrent values included.
pub(super) fn last_visit(doc: &AutoCommit) -> Option<NaiveDate> {
    doc.get_all(&ROOT, LAST_VISIT)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(value, _)| value.as_str().and_then(|s| s.parse::<NaiveDate>().ok()))
        .max()
}

/// Records in the elder's card document that they were visited on `date`, unless a later visit is
/// already there; re-projects the elder (the card's time is the record's). Returns the changes written.
pub(super) fn note_visit(
    conn: &Connection,
    elder: &ElderId,
    date: NaiveDate,
    actor: &automerge::ActorId,
    now: DateTime<Utc>,
) -> Result<usize> {
    let mut docs: Vec<Loaded> = documents::load(conn, elder, actor)?;
    let card = docs.iter_mut().find(|l| l.kind == DocKind::Card).expect("the card is a record kind");
    let concurrent = card.doc.get_all(&ROOT, LAST_VISIT).map_or(0, |all| all.len()) > 1;
    if last_visit(&card.doc).is_some_and(|known| known >= date) && !concurrent {
        return Ok(0);
    }
    let mut content = crdt::read(&card.doc);
    if content.is_empty() {
        return Ok(0);
    }
    let latest = last_visit(&card.doc).map_or(date, |known| known.max(date));
    content.insert(LAST_VISIT.into(), serde_json::Value::String(latest.to_string()));
    let changes = documents::save(conn, elder, card, &content, now)?;
    super::elder_row::project(conn, elder, &docs)?;
    Ok(changes)
}

impl Store {
    /// The printed contact card 明白卡 of `elder` ([`crate::card::ContactCard::build`]): the
    /// village's organisation, the elder's helper and the services agreed, headed with `area` (when
    /// `None` or blank: the county the registry lies in, e.g. 巴州区).
    pub fn contact_card(&self, elder: &ElderId, area: Option<&str>) -> Result<crate::card::ContactCard> {
        let area = match area.map(str::trim).filter(|a| !a.is_empty()) {
            Some(a) => a.to_string(),
            None => crate::division::region_name(&self.registry().unit.as_str()[..6])
                .map(|r| r.name.to_string())
                .unwrap_or_default(),
        };
        let record = self.elder(elder)?;
        let helper = match self.assignment(elder)?.helper {
            Some(h) => Some(self.helper(&h)?),
            None => None,
        };
        let services =
            record.service.as_ref().map(|s| crate::card::split_services(&s.content)).unwrap_or_default();
        let org = self.org()?;
        Ok(crate::card::ContactCard::build(&area, &org, &(&record).into(), helper.as_ref(), services))
    }

    /// The contact card of `elder`, from its `card` and `family` documents alone.
    pub fn card(&self, elder: &ElderId) -> Result<Card> {
        self.see_elder(elder, crate::view::Operation::Card)?;
        let mut docs =
            documents::load_kinds(&self.conn, elder, &[DocKind::Card, DocKind::Family], &self.actor())?;
        let family = crdt::read(&docs.pop().expect("two kinds asked").doc);
        let docs_card = docs.pop().expect("two kinds asked").doc;
        let card = crdt::read(&docs_card);
        if card.is_empty() {
            return Err(Error::NotFound(elder.clone()));
        }
        let text = |key: &str| card.get(key).and_then(|v| v.as_str()).unwrap_or_default().to_string();
        let corrupt =
            |e: serde_json::Error| Error::Corrupt { doc: format!("{elder}/card"), reason: e.to_string() };
        let sex = card.get("sex").cloned().map(serde_json::from_value).transpose().map_err(corrupt)?;
        let supporters = match family.get("supporters") {
            Some(list) => serde_json::from_value(list.clone())
                .map_err(|e| Error::Corrupt { doc: format!("{elder}/family"), reason: e.to_string() })?,
            None => Vec::new(),
        };
        Ok(Card {
            id: elder.clone(),
            name: text("name"),
            sex,
            address: text("address"),
            phone: card.get("phone").and_then(|v| v.as_str()).map(str::to_string),
            supporters,
            last_visit: last_visit(&docs_card),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo;

    fn now() -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::parse_from_rfc3339("2026-11-23T09:00:00+08:00").unwrap().to_utc()
    }

    #[test]
    fn a_family_reads_the_card_and_supporters_but_no_id_number() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::init(
            dir.path().join("v.sqlite"),
            "511902106202".parse().unwrap(),
            "斑竹村",
            "sichuan",
            now(),
        )
        .unwrap();
        let elder = demo::sample_elder();
        let saved = store.add_elder(elder.clone(), now()).unwrap();
        let card = store.card(&saved.id).unwrap();
        assert_eq!(card.name, elder.name);
        assert_eq!(card.address, elder.address);
        assert_eq!(card.phone, elder.phone);
        assert_eq!(card.supporters.len(), elder.supporters.len());
        let json = serde_json::to_string(&card).unwrap();
        if let Some(id_number) = &elder.id_number {
            assert!(!json.contains(id_number.as_str()), "the card carries no ID number");
        }
    }

    #[test]
    fn an_unknown_elder_has_no_card() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::init(
            dir.path().join("v.sqlite"),
            "511902106202".parse().unwrap(),
            "斑竹村",
            "sichuan",
            now(),
        )
        .unwrap();
        let id: ElderId = "0123456789abcdef0123456789abcdef".parse().unwrap();
        assert!(matches!(store.card(&id), Err(Error::NotFound(_))));
    }
}
