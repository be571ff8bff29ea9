//! The registry's shapes: the list's search and lines, what a save did, the committee's review list.

use crate::error::{AppResult, FieldError};
use crate::parse;
use serde::{Deserialize, Serialize};
use shouwang_core::elder::{Category, Status};
use shouwang_core::store::{AgeBand, ElderFilter, ElderRow, Quarantined, ReviewItem};
use ts_rs::TS;

/// `list_elders`: the registry list's search, filters and order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, TS)]
#[ts(optional_fields = nullable)]
pub struct ListQuery {
    /// Part of the name (or of the ID number).
    pub text: Option<String>,
    /// Status code: `active` (default), `moved_away`, `deceased`, `all`.
    pub status: Option<String>,
    /// Group code, e.g. `advanced_age` 高龄, `living_alone` 独居.
    pub category: Option<String>,
    /// Age band: `60-69`, `70-79`, `60-79`, `80+`.
    pub age: Option<String>,
    /// Order: `name`, `age`, `address`, `updated`.
    pub sort: Option<String>,
    /// At most this many rows.
    pub limit: Option<u32>,
}

impl ListQuery {
    /// Core's filter: each choice read with core's codes (`status` `all`: every status).
    pub fn to_filter(&self) -> AppResult<ElderFilter> {
        let given = |v: &Option<String>| v.clone().filter(|v| !v.trim().is_empty());
        let mut f = ElderFilter { text: given(&self.text), limit: self.limit, ..ElderFilter::default() };
        if let Some(c) = given(&self.category) {
            f.category = Some(parse::choice("category", &c, Category::parse)?);
        }
        if let Some(a) = given(&self.age) {
            f.age = Some(parse::choice("age", &a, AgeBand::parse)?);
        }
        match given(&self.status).as_deref() {
            None => {}
            Some("all") => f.any_status = true,
            Some(s) => f.status = Some(parse::choice("status", s, Status::parse)?),
        }
        if let Some(s) = given(&self.sort) {
            f.sort = parse::code("sort", &s)?;
        }
        Ok(f)
    }
}

/// One line of the registry list (or of a helper's list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ElderLine {
    /// Elder id.
    pub id: String,
    /// 姓名
    pub name: String,
    /// `male` / `female`.
    pub sex: String,
    /// Age today.
    pub age: i32,
    /// 现居住地址
    pub address: String,
    /// Phone.
    pub phone: Option<String>,
    /// 身体情况 code.
    pub health: Option<String>,
    /// Group codes.
    pub categories: Vec<String>,
    /// Status code.
    pub status: String,
    /// Fields two devices disagree on.
    pub conflicts: u32,
    /// When the next visit is due (`YYYY-MM-DD`), once visit schedules reach this list.
    pub due: Option<String>,
}

impl From<ElderRow> for ElderLine {
    fn from(r: ElderRow) -> ElderLine {
        ElderLine {
            id: r.id.to_string(),
            name: r.name,
            sex: r.sex,
            age: r.age,
            address: r.address,
            phone: r.phone,
            health: r.health,
            categories: r.categories,
            status: r.status,
            conflicts: u32::try_from(r.conflicts).unwrap_or(0),
            due: None,
        }
    }
}

/// `elder_id` argument.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct ElderRef {
    /// Elder id (32 hex digits).
    pub id: String,
}

/// What a save did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SavedElder {
    /// The elder's id.
    pub id: String,
    /// Warnings the record was saved with.
    pub warnings: Vec<FieldError>,
}

/// One entry of the committee's review list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ReviewEntry {
    /// The elder.
    pub elder: String,
    /// Their name.
    pub name: String,
    /// The field two devices disagree on.
    pub field: String,
    /// Every value written, as JSON text.
    pub values: Vec<String>,
    /// For a change held because the role that pushed it may not write the field (a helper's tablet
    /// rewriting a card's name): that role, as the UI names it (`互助员`); the change was not applied.
    pub held_from: Option<String>,
}

impl From<ReviewItem> for ReviewEntry {
    fn from(r: ReviewItem) -> ReviewEntry {
        ReviewEntry {
            elder: r.elder.to_string(),
            name: r.name,
            field: r.field,
            values: r.values.iter().map(serde_json::Value::to_string).collect(),
            held_from: r.held_from.map(|role| role.zh().to_string()),
        }
    }
}

/// A change held back because it could not be applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct QuarantineEntry {
    /// The document it was for.
    pub doc: String,
    /// Why it is held.
    pub reason: String,
    /// When it arrived.
    pub received_at: String,
}

impl From<Quarantined> for QuarantineEntry {
    fn from(q: Quarantined) -> QuarantineEntry {
        QuarantineEntry { doc: q.doc, reason: q.reason, received_at: q.received_at }
    }
}

/// The review screen: conflicts and quarantine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Review {
    /// Fields two devices wrote differently.
    pub conflicts: Vec<ReviewEntry>,
    /// Changes held back.
    pub quarantine: Vec<QuarantineEntry>,
}
