//! Sex as the forms record it (性别), and as an ID number encodes it.

use serde::{Deserialize, Serialize};

/// 性别. The 17th digit of a resident ID number encodes it: odd male, even female.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Sex {
    /// 男
    #[serde(rename = "male", alias = "男")]
    Male,
    /// 女
    #[serde(rename = "female", alias = "女")]
    Female,
}

impl Sex {
    /// The Chinese term printed on forms.
    pub fn zh(self) -> &'static str {
        match self {
            Sex::Male => "男",
            Sex::Female => "女",
        }
    }

    /// The stable English code (`male`, `female`) used in JSON and the database.
    pub fn code(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
        }
    }

    /// Parses the English code or the Chinese term.
    pub fn parse(s: &str) -> Option<Sex> {
        match s.trim() {
            "male" | "男" => Some(Sex::Male),
            "female" | "女" => Some(Sex::Female),
            _ => None,
        }
    }
}
