//! Helpers 互助员 / 助老员 (seed 004): who they are, where they live (their 15-minute walk is counted
//! from home), when they were filed with the township (备案), and whether they were replaced.
//!
//! A helper is a document of its own (`<helper id>/helper`). Which elders a helper serves is kept in
//! each elder's `assignment` document: the current helper and the history of [`Stint`]s, so replacing a
//! helper moves the elders and keeps who served them before.

use crate::elder::{choice, ElderId, Position};
use crate::validate::{Rule, Violation, MAX_LABEL, MAX_NAME, MAX_TEXT};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A helper's identifier: 32 lowercase hex digits, random.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct HelperId(String);

impl HelperId {
    /// A fresh random identifier.
    pub fn random() -> HelperId {
        HelperId(crate::ids::new_id())
    }

    /// The identifier as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The subject id its document is addressed by.
    pub fn subject(&self) -> crate::doc::SubjectId {
        self.0.parse().expect("a helper id has the form of a subject id")
    }
}

impl TryFrom<String> for HelperId {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        if crate::ids::is_id(&s) {
            Ok(HelperId(s))
        } else {
            Err(format!("a helper id is 32 lowercase hex digits, got {s:?}"))
        }
    }
}

impl std::str::FromStr for HelperId {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        HelperId::try_from(s.trim().to_ascii_lowercase())
    }
}

impl From<HelperId> for String {
    fn from(id: HelperId) -> String {
        id.0
    }
}

impl std::fmt::Display for HelperId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

choice! {
    /// Whether a helper still serves.
    HelperStatus {
        /// 在岗
        Active = "active" / "在岗",
        /// 已更换: replaced (seed 004: 对不能履行职责的及时更换).
        Replaced = "replaced" / "已更换",
    }
}

fn active() -> HelperStatus {
    HelperStatus::Active
}

fn is_active(s: &HelperStatus) -> bool {
    *s == HelperStatus::Active
}

/// Longest walk accepted as measured, in minutes.
pub const MAX_WALK_MINUTES: f64 = 240.0;

/// A helper as the village team files them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Helper {
    /// Assigned by the store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<HelperId>,
    /// 姓名
    pub name: String,
    /// 联系电话
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Home position (WGS-84): the centre of the helper's 15-minute walk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home: Option<Position>,
    /// When the helper can serve, e.g. 每天上午, 农忙除外.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub availability: String,
    /// 备案: the date the helper was filed with the township.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filed_on: Option<NaiveDate>,
    /// Active or replaced.
    #[serde(default = "active", skip_serializing_if = "is_active")]
    pub status: HelperStatus,
    /// Who replaced them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced_by: Option<HelperId>,
    /// Walking minutes measured on foot from home to an elder's home (elder id → minutes); a
    /// measurement overrides the estimate.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub walks: BTreeMap<ElderId, f64>,
}

impl Helper {
    /// A new active helper with a name and nothing else.
    pub fn named(name: &str) -> Helper {
        Helper {
            id: None,
            name: name.to_string(),
            phone: None,
            home: None,
            availability: String::new(),
            filed_on: None,
            status: HelperStatus::Active,
            replaced_by: None,
            walks: BTreeMap::new(),
        }
    }
}

fn text(out: &mut Vec<Violation>, field: &str, value: &mut String, max: usize, required: bool) {
    *value = value.trim().to_string();
    let len = value.chars().count();
    if required && len == 0 {
        out.push(Violation { field: field.into(), rule: Rule::Required });
    }
    if len > max {
        out.push(Violation { field: field.into(), rule: Rule::TooLong { max, len } });
    }
    if value.chars().any(char::is_control) {
        out.push(Violation { field: field.into(), rule: Rule::ControlCharacters });
    }
}

/// Normalises a helper (trims text, writes the phone number canonically) and checks every rule.
pub fn validate_helper(helper: &mut Helper, today: NaiveDate) -> Result<(), Vec<Violation>> {
    let mut out = Vec::new();
    text(&mut out, "name", &mut helper.name, MAX_NAME, true);
    text(&mut out, "availability", &mut helper.availability, MAX_TEXT, false);
    if let Some(phone) = &helper.phone {
        match crate::phone::normalize_phone(phone) {
            Ok(p) => helper.phone = Some(p),
            Err(e) => out.push(Violation { field: "phone".into(), rule: Rule::Phone(e) }),
        }
    }
    if let Some(home) = helper.home {
        position(&mut out, "home", home);
    }
    if let Some(on) = helper.filed_on.filter(|on| *on > today) {
        out.push(Violation { field: "filed_on".into(), rule: Rule::FutureDate { date: on.to_string() } });
    }
    if helper.status == HelperStatus::Active && helper.replaced_by.is_some() {
        out.push(Violation { field: "replaced_by".into(), rule: Rule::ArchiveMismatch });
    }
    for (elder, minutes) in &helper.walks {
        if !minutes.is_finite() || *minutes <= 0.0 || *minutes > MAX_WALK_MINUTES {
            out.push(Violation {
                field: format!("walks.{elder}"),
                rule: Rule::OutOfRange {
                    min: 1,
                    max: MAX_WALK_MINUTES as i64,
                    value: if minutes.is_finite() { minutes.round() as i64 } else { 0 },
                },
            });
        }
    }
    if out.is_empty() {
        Ok(())
    } else {
        Err(out)
    }
}

/// Checks a position is on the globe.
pub(crate) fn position(out: &mut Vec<Violation>, field: &str, p: Position) {
    for (axis, value, limit) in [("lat", p.lat, 90.0), ("lon", p.lon, 180.0)] {
        if !value.is_finite() || value.abs() > limit {
            out.push(Violation {
                field: format!("{field}.{axis}"),
                rule: Rule::OutOfRange {
                    min: -(limit as i64),
                    max: limit as i64,
                    value: if value.is_finite() { value.round() as i64 } else { 0 },
                },
            });
        }
    }
}

/// One helper's time serving one elder, kept in the elder's `assignment` document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stint {
    /// Key of the entry (so two devices' entries merge by id).
    pub id: String,
    /// The helper.
    pub helper: HelperId,
    /// First day served.
    pub from: NaiveDate,
    /// Last day served; open while they serve.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<NaiveDate>,
    /// Why the assignment was made or ended (e.g. 按步行范围分配, 更换互助员).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

/// Longest reason accepted.
pub const MAX_REASON: usize = MAX_LABEL * 4;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_helper_needs_a_name_a_valid_phone_and_a_past_filing_date() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let mut h = Helper::named("  李春梅 ");
        h.phone = Some("138 1234 5678".into());
        h.filed_on = Some(today);
        validate_helper(&mut h, today).unwrap();
        assert_eq!(h.name, "李春梅");
        assert_eq!(h.phone.as_deref(), Some("13812345678"));
        let mut bad = Helper::named("");
        bad.phone = Some("123".into());
        bad.filed_on = today.succ_opt();
        bad.home = Some(Position { lat: 95.0, lon: 106.0 });
        let fields: Vec<String> =
            validate_helper(&mut bad, today).unwrap_err().into_iter().map(|v| v.field).collect();
        assert_eq!(fields, ["name", "phone", "home.lat", "filed_on"]);
    }
}
