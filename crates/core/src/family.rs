//! Family duties (seed 002): supporters report where they went and how to reach them (the
//! `supporters` of the elder's record), and the family's calls to the elder are logged: the care
//! agreements ask a family to phone at least weekly (seed 000 附件3/4).
//!
//! Calls live in the elder's `family` document, beside the supporters, as a list keyed by id: the
//! family's own device may write that document, and calls logged on two devices merge.

use crate::validate::{Rule, Violation, MAX_LABEL, MAX_NAME, MAX_TEXT};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// One call from the family to the elder (or to the helper about the elder).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Call {
    /// Key; assigned when empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// When the call was made.
    pub at: DateTime<Utc>,
    /// Who called (a supporter's name).
    pub caller: String,
    /// Their relation to the elder, e.g. 儿子.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub relation: String,
    /// What was said or agreed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// Normalises a call and checks it: a caller, a time not in the future, bounded text.
pub fn validate_call(call: &mut Call, now: DateTime<Utc>) -> Result<(), Vec<Violation>> {
    let mut out = Vec::new();
    for (field, value, max, required) in [
        ("caller", &mut call.caller, MAX_NAME, true),
        ("relation", &mut call.relation, MAX_LABEL, false),
        ("note", &mut call.note, MAX_TEXT, false),
    ] {
        *value = value.trim().to_string();
        let len = value.chars().count();
        if required && len == 0 {
            out.push(Violation { field: field.into(), rule: Rule::Required });
        }
        if len > max {
            out.push(Violation { field: field.into(), rule: Rule::TooLong { max, len } });
        }
    }
    if call.at > now + Duration::minutes(crate::time::CLOCK_SKEW_MINUTES) {
        let date = call.at.with_timezone(&crate::time::china()).format("%Y-%m-%d %H:%M").to_string();
        out.push(Violation { field: "at".into(), rule: Rule::FutureDate { date } });
    }
    if call.id.is_empty() {
        call.id = crate::ids::new_id();
    }
    if out.is_empty() {
        Ok(())
    } else {
        Err(out)
    }
}
