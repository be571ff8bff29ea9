//! Consent 知情同意 per elder: PIPL 第29条 asks for a *separate* consent before sensitive personal
//! information (health, disability, income, ID numbers) is processed, and 第15条 lets it be withdrawn.
//!
//! A [`Consent`] says who gave it (the elder, or a named relative and their relation), how
//! ([`Method`]: 书面签字, 按手印, 口头并录音, 电子确认), on which day, for which [`Purpose`]s, and, once
//! withdrawn, when and by whom ([`Withdrawal`]). Consents live in the elder's `profile` document under
//! `consents`, keyed by id (the office and the helper who visits both read it; a helper may collect one
//! at the door), kept apart from the form's fields so saving the form never touches them. A consent is
//! never deleted: a withdrawal is written into it. The registry's list shows the elder's [`State`].

use crate::validate::{Rule, Violation, MAX_NAME};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

crate::elder::choice! {
    /// Who gave the consent.
    Giver {
        /// The elder themself.
        Elder = "elder" / "本人",
        /// A relative, named, for an elder who cannot (guardian, child).
        Relative = "relative" / "亲属",
    }
}

crate::elder::choice! {
    /// How the consent was given.
    Method {
        /// A signed paper form.
        Signature = "signature" / "书面签字",
        /// A thumbprint on the paper form, for an elder who cannot write.
        Thumbprint = "thumbprint" / "按手印",
        /// Spoken, with a recording kept.
        OralRecorded = "oral_recorded" / "口头并录音",
        /// Confirmed electronically (on the tablet).
        Electronic = "electronic" / "电子确认",
    }
}

crate::elder::choice! {
    /// What the consent allows.
    Purpose {
        /// Visits and the services of the mutual-aid scheme.
        Visits = "visits" / "探访服务",
        /// Health information used for the risk assessment.
        RiskAssessment = "risk_assessment" / "健康信息用于风险评估",
        /// The contact card given to the family.
        FamilyCard = "family_card" / "向家属提供明白卡",
        /// Counts reported to the township.
        TownshipStatistics = "township_statistics" / "向乡镇上报统计",
    }
}

crate::elder::choice! {
    /// Where an elder's consent stands, as the registry lists it.
    State {
        /// At least one consent in force.
        Given = "given" / "已同意",
        /// Every consent recorded has been withdrawn.
        Withdrawn = "withdrawn" / "已撤回",
    }
}

/// A withdrawal of a consent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Withdrawal {
    /// The day it was withdrawn.
    pub on: NaiveDate,
    /// Who withdrew it (the elder, or a relative's name and relation).
    pub by: String,
}

/// One consent of an elder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    /// Key in the elder's `consents` (assigned when recorded).
    #[serde(default)]
    pub id: String,
    /// The elder themself or a relative.
    pub given_by: Giver,
    /// The relative's name (a relative only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relative_name: Option<String>,
    /// The relative's relation to the elder, e.g. 长子 (a relative only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation: Option<String>,
    /// How it was given.
    pub method: Method,
    /// The day it was given.
    pub on: NaiveDate,
    /// What it allows (at least one).
    pub purposes: BTreeSet<Purpose>,
    /// Set once withdrawn.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<Withdrawal>,
}

impl Consent {
    /// Whether it is in force on `day`.
    pub fn in_force(&self, day: NaiveDate) -> bool {
        self.on <= day && self.withdrawn.as_ref().is_none_or(|w| w.on > day)
    }
}

fn text(out: &mut Vec<Violation>, field: &str, value: &mut Option<String>, max: usize, required: bool) {
    if let Some(v) = value.as_mut() {
        *v = v.trim().to_string();
    }
    if value.as_deref().is_some_and(str::is_empty) {
        *value = None;
    }
    match value.as_deref() {
        None if required => out.push(Violation { field: field.into(), rule: Rule::Required }),
        Some(v) if v.chars().count() > max => {
            out.push(Violation { field: field.into(), rule: Rule::TooLong { max, len: v.chars().count() } })
        }
        Some(v) if v.chars().any(char::is_control) => {
            out.push(Violation { field: field.into(), rule: Rule::ControlCharacters })
        }
        _ => {}
    }
}

/// Checks a consent being recorded on `today` and normalises its text: a relative must be named with
/// their relation (and an elder's own consent names none), at least one purpose, no date after today.
/// Every broken rule is returned, each under its field.
pub fn validate(c: &mut Consent, today: NaiveDate) -> Result<(), Vec<Violation>> {
    let mut out = Vec::new();
    let relative = c.given_by == Giver::Relative;
    text(&mut out, "relative_name", &mut c.relative_name, MAX_NAME, relative);
    text(&mut out, "relation", &mut c.relation, MAX_NAME, relative);
    if !relative {
        // The elder's own consent names no relative.
        c.relative_name = None;
        c.relation = None;
    }
    if c.purposes.is_empty() {
        out.push(Violation { field: "purposes".into(), rule: Rule::Required });
    }
    if c.on > today {
        out.push(Violation { field: "on".into(), rule: Rule::FutureDate { date: c.on.to_string() } });
    }
    if let Some(w) = c.withdrawn.as_mut() {
        check_withdrawal(&mut out, w, c.on, today);
    }
    if out.is_empty() {
        Ok(())
    } else {
        Err(out)
    }
}

fn check_withdrawal(out: &mut Vec<Violation>, w: &mut Withdrawal, given: NaiveDate, today: NaiveDate) {
    let mut by = Some(std::mem::take(&mut w.by));
    text(out, "withdrawn.by", &mut by, MAX_NAME * 2, true);
    w.by = by.unwrap_or_default();
    if w.on > today {
        out.push(Violation {
            field: "withdrawn.on".into(),
            rule: Rule::FutureDate { date: w.on.to_string() },
        });
    }
    if w.on < given {
        out.push(Violation {
            field: "withdrawn.on".into(),
            rule: Rule::DateBefore { date: w.on, earliest: given },
        });
    }
}

/// Checks a withdrawal of `consent` on `today`: someone named, a day neither after today nor before
/// the consent was given, and a consent not already withdrawn.
pub fn validate_withdrawal(
    consent: &Consent,
    w: &mut Withdrawal,
    today: NaiveDate,
) -> Result<(), Vec<Violation>> {
    let mut out = Vec::new();
    if consent.withdrawn.is_some() {
        out.push(Violation { field: "withdrawn".into(), rule: Rule::AlreadyWithdrawn });
    }
    check_withdrawal(&mut out, w, consent.on, today);
    if out.is_empty() {
        Ok(())
    } else {
        Err(out)
    }
}

/// The consents an elder's `profile` document holds (under `consents`: id → consent), oldest first;
/// unreadable entries are skipped.
pub fn in_profile(profile: &serde_json::Map<String, serde_json::Value>) -> Vec<Consent> {
    let Some(serde_json::Value::Object(all)) = profile.get("consents") else { return Vec::new() };
    let mut out: Vec<Consent> = all
        .iter()
        .filter_map(|(id, v)| {
            let mut c: Consent = serde_json::from_value(v.clone()).ok()?;
            c.id = id.clone();
            Some(c)
        })
        .collect();
    out.sort_by(|a, b| a.on.cmp(&b.on).then_with(|| a.id.cmp(&b.id)));
    out
}

/// Where an elder's consents stand: `None` when none was ever recorded (未签同意).
pub fn state<'a>(consents: impl IntoIterator<Item = &'a Consent>) -> Option<State> {
    let mut any = false;
    for c in consents {
        if c.withdrawn.is_none() {
            return Some(State::Given);
        }
        any = true;
    }
    any.then_some(State::Withdrawn)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn by_son() -> Consent {
        Consent {
            id: String::new(),
            given_by: Giver::Relative,
            relative_name: Some(" 王建国 ".into()),
            relation: Some("长子".into()),
            method: Method::Thumbprint,
            on: day("2026-11-20"),
            purposes: [Purpose::Visits, Purpose::RiskAssessment].into(),
            withdrawn: None,
        }
    }

    #[test]
    fn a_relatives_consent_names_them_and_is_trimmed() {
        let mut c = by_son();
        validate(&mut c, day("2026-11-24")).unwrap();
        assert_eq!(c.relative_name.as_deref(), Some("王建国"));
        c.relative_name = None;
        c.purposes.clear();
        c.on = day("2026-12-01");
        let v = validate(&mut c, day("2026-11-24")).unwrap_err();
        let fields: Vec<(&str, &str)> = v.iter().map(|v| (v.field.as_str(), v.rule.code())).collect();
        assert_eq!(fields, [("relative_name", "required"), ("purposes", "required"), ("on", "future_date")]);
        assert!(v[0].rule.zh().contains("必填") && v[0].rule.en().contains("required"));
    }

    #[test]
    fn a_withdrawal_is_dated_after_the_consent_and_only_once() {
        let c = by_son();
        let mut early = Withdrawal { on: day("2026-11-01"), by: "王建国".into() };
        let v = validate_withdrawal(&c, &mut early, day("2026-11-24")).unwrap_err();
        assert_eq!((v[0].field.as_str(), v[0].rule.code()), ("withdrawn.on", "date_before"));
        let mut done = c.clone();
        done.withdrawn = Some(Withdrawal { on: day("2026-11-22"), by: "本人".into() });
        assert!(!done.in_force(day("2026-11-23")) && done.in_force(day("2026-11-21")));
        let mut again = Withdrawal { on: day("2026-11-23"), by: "本人".into() };
        assert!(validate_withdrawal(&done, &mut again, day("2026-11-24")).is_err());
        assert_eq!(state([&c, &done]), Some(State::Given));
        assert_eq!(state([&done]), Some(State::Withdrawn));
        assert_eq!(state([]), None);
    }
}
