//! [`Role`]: who uses a device, which decides what the relay lets it read and write.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The role of an enrolled device, as the relay knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Visits elders; reads and writes its village (not the sensitive documents' contents).
    Helper,
    /// The village committee: reads and writes its village.
    Committee,
    /// The township's civil affairs office: reads every village under its code, never writes.
    Township,
    /// A relative: reads the card and family documents of one elder, writes that elder's family document.
    Family,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 4] = [Role::Helper, Role::Committee, Role::Township, Role::Family];

    /// The role's code on the wire and in the relay's store.
    pub fn code(self) -> &'static str {
        match self {
            Role::Helper => "helper",
            Role::Committee => "committee",
            Role::Township => "township",
            Role::Family => "family",
        }
    }

    /// The role with this code, if any.
    pub fn parse(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The document kinds this role may read (the read matrix of `shouwang_core::doc`).
    pub fn readable_kinds(self) -> &'static [&'static str] {
        match self {
            // `keys`: a family phone's new card key after a rotation, addressed to its elder.
            Role::Family => &["card", "family", "keys"],
            Role::Helper => {
                &["card", "family", "profile", "assignment", "visits", "cases", "helper", "org", "keys"]
            }
            // Every kind; only these read risk assessments (they score income and health) and
            // agreements (they hold the family's ID numbers).
            Role::Committee | Role::Township => &crate::KINDS,
        }
    }

    /// The document kinds this role may write, which the relay enforces by kind (403 naming
    /// `changes[i].doc`): what the role's own screens write. A helper logs visits and cases, the visit's
    /// date on the card (`card.last_visit`), the family's calls (`family.calls`) and its device's audit
    /// log; a family phone its own elder's `family` document (its whereabouts and phone); the committee
    /// everything; a township office nothing. Within a kind, receiving devices refuse field by field what
    /// the pushing role may not write (`shouwang_core::doc::DocKind::written_by`).
    pub fn writable_kinds(self) -> &'static [&'static str] {
        match self {
            Role::Helper => &["card", "family", "visits", "cases", "audit"],
            Role::Committee => &crate::KINDS,
            Role::Township => &[],
            Role::Family => &["family"],
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_only_committee_and_township_read_sensitive() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.code()), Some(role));
            let reads_sensitive = role.readable_kinds().contains(&"sensitive");
            assert_eq!(reads_sensitive, matches!(role, Role::Committee | Role::Township), "{role}");
            // Visits and cases carry health concerns; helpers and the organisation are staff records.
            for kind in ["visits", "cases", "helper", "org"] {
                assert_eq!(role.readable_kinds().contains(&kind), role != Role::Family, "{role} {kind}");
            }
            // Risk assessments (income, health), agreements (ID numbers), elders' keys and the audit
            // trail are the office's only.
            for kind in ["risk", "agreement", "keyring", "audit"] {
                assert_eq!(role.readable_kinds().contains(&kind), reads_sensitive, "{role} {kind}");
            }
        }
        assert_eq!(Role::parse("admin"), None);
    }

    #[test]
    fn only_the_committee_writes_the_record_the_office_keeps() {
        for kind in
            ["profile", "sensitive", "risk", "agreement", "assignment", "helper", "org", "keyring", "keys"]
        {
            for role in Role::ALL {
                assert_eq!(role.writable_kinds().contains(&kind), role == Role::Committee, "{role} {kind}");
            }
        }
        for role in Role::ALL {
            for kind in role.writable_kinds() {
                assert!(crate::KINDS.contains(kind), "{kind}");
            }
        }
    }
}
