//! Privacy: an elder's consents 知情同意, the erasure's confirmation 删除个人信息, the audit log 审计日志
//! and the breaks its verification finds.

use crate::dto::code_of;
use crate::error::AppResult;
use crate::parse;
use serde::{Deserialize, Serialize};
use shouwang_core::audit::{Break, Entry};
use shouwang_core::consent::{Consent, Giver, Method, Purpose};
use ts_rs::TS;

/// One consent as the screen shows it; choices as their codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ConsentView {
    /// The consent's id.
    pub id: String,
    /// `elder` 本人 or `relative` 亲属.
    pub given_by: String,
    /// The relative's name.
    pub relative_name: Option<String>,
    /// The relative's relation.
    pub relation: Option<String>,
    /// `signature`, `thumbprint`, `oral_recorded`, `electronic`.
    pub method: String,
    /// The day given (`YYYY-MM-DD`).
    pub on: String,
    /// `visits`, `risk_assessment`, `family_card`, `township_statistics`.
    pub purposes: Vec<String>,
    /// When withdrawn (`YYYY-MM-DD`).
    pub withdrawn_on: Option<String>,
    /// Who withdrew it.
    pub withdrawn_by: Option<String>,
}

impl From<&Consent> for ConsentView {
    fn from(c: &Consent) -> ConsentView {
        ConsentView {
            id: c.id.clone(),
            given_by: code_of(&c.given_by),
            relative_name: c.relative_name.clone(),
            relation: c.relation.clone(),
            method: code_of(&c.method),
            on: c.on.to_string(),
            purposes: c.purposes.iter().map(code_of).collect(),
            withdrawn_on: c.withdrawn.as_ref().map(|w| w.on.to_string()),
            withdrawn_by: c.withdrawn.as_ref().map(|w| w.by.clone()),
        }
    }
}

/// `record_consent`: who gave it, how, when, for what.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[ts(optional_fields = nullable)]
pub struct ConsentForm {
    /// The elder's id.
    pub elder: String,
    /// `elder` or `relative`.
    pub given_by: String,
    /// The relative's name (a relative only).
    pub relative_name: Option<String>,
    /// The relative's relation (a relative only).
    pub relation: Option<String>,
    /// How it was given.
    pub method: String,
    /// The day (`YYYY-MM-DD`).
    pub on: String,
    /// What it allows.
    pub purposes: Vec<String>,
}

impl ConsentForm {
    /// Core's consent from the form: each choice read with core's codes, under its field.
    pub fn to_consent(&self) -> AppResult<Consent> {
        let purposes = self
            .purposes
            .iter()
            .map(|p| parse::choice("purposes", p, Purpose::parse))
            .collect::<AppResult<_>>()?;
        Ok(Consent {
            id: String::new(),
            given_by: parse::choice("given_by", &self.given_by, Giver::parse)?,
            relative_name: parse::text(&self.relative_name),
            relation: parse::text(&self.relation),
            method: parse::choice("method", &self.method, Method::parse)?,
            on: parse::date("on", &self.on)?,
            purposes,
            withdrawn: None,
        })
    }
}

/// `withdraw_consent`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct WithdrawArgs {
    /// The elder's id.
    pub elder: String,
    /// The consent's id.
    pub consent: String,
    /// The day (`YYYY-MM-DD`).
    pub on: String,
    /// Who withdrew it.
    pub by: String,
}

/// `erase_elder`: the elder, their name typed again as confirmation, and why.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct EraseArgs {
    /// The elder's id.
    pub id: String,
    /// The elder's name as typed by the person erasing (must match).
    pub confirm_name: String,
    /// Why (e.g. 本人申请删除).
    pub reason: String,
}

/// `audit_log`: the entries about one elder, or all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, TS)]
#[ts(optional_fields = nullable)]
pub struct AuditQuery {
    /// Only entries about this elder.
    pub elder: Option<String>,
}

/// One audit entry: who did what to which fields (names only, never values) of which elder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AuditLine {
    /// The device's entry number.
    pub seq: u32,
    /// When (RFC 3339).
    pub at: String,
    /// The device.
    pub device: String,
    /// Its role.
    pub role: String,
    /// `view`, `change`, `export`, `erase`, `consent`.
    pub action: String,
    /// The elder's id, if about one.
    pub elder: Option<String>,
    /// The fields' names.
    pub fields: Vec<String>,
}

impl From<Entry> for AuditLine {
    fn from(e: Entry) -> AuditLine {
        AuditLine {
            seq: u32::try_from(e.seq).unwrap_or(u32::MAX),
            at: e.at,
            device: e.device,
            role: code_of(&e.role),
            action: code_of(&e.action),
            elder: e.elder.map(|id| id.to_string()),
            fields: e.fields,
        }
    }
}

/// One break `verify_audit` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AuditBreak {
    /// The device whose chain is broken.
    pub device: String,
    /// The entry.
    pub seq: u32,
    /// What is wrong, in Chinese.
    pub message: String,
    /// What is wrong, in English.
    pub en: String,
    /// `local` or `document`.
    pub source: String,
}

impl From<Break> for AuditBreak {
    fn from(b: Break) -> AuditBreak {
        AuditBreak {
            device: b.device,
            seq: u32::try_from(b.seq).unwrap_or(u32::MAX),
            message: b.what.zh().to_string(),
            en: b.what.en().to_string(),
            source: b.source,
        }
    }
}
