//! The contact cards 明白卡 printed for the chosen elders.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How cards go on paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CardPaper {
    /// One A6 card a page.
    A6,
    /// Four cards to an A4 sheet, with cut marks.
    A4,
}

/// Which cards to print.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CardQuery {
    /// Elder ids, in print order.
    pub elders: Vec<String>,
    /// A6 or A4 sheets.
    pub paper: CardPaper,
    /// The area in the heading (e.g. 巴州区); empty: the registry's county.
    #[serde(default)]
    pub area: Option<String>,
}

/// The printable cards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PrintedCards {
    /// A whole printable HTML page (core's layout), shown in a frame and printed from it.
    pub html: String,
    /// Cards.
    pub cards: u32,
    /// Cards carrying a QR code with a family enrolment code from the relay.
    pub with_code: u32,
    /// Why cards have no QR code (offline, not enrolled, refused), in Chinese; `null` when all have one.
    pub no_code: Option<String>,
    /// The same in English.
    pub no_code_en: Option<String>,
}
