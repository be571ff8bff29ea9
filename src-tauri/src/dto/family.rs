//! What a family device shows: the contact card 明白卡 of its elder and whether they were visited this
//! month.

use chrono::NaiveDate;
use serde::Serialize;
use shouwang_core::store::Card;
use ts_rs::TS;

/// A supporter as the family's card shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CardSupporter {
    /// 姓名
    pub name: String,
    /// Relation.
    pub relation: String,
    /// Phone.
    pub phone: Option<String>,
    /// 去向
    pub whereabouts: String,
    /// 主要赡养人.
    pub main: bool,
}

/// The contact card 明白卡 a family device shows (no ID number, no health data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CardView {
    /// Elder id.
    pub id: String,
    /// 姓名
    pub name: String,
    /// `male` / `female`.
    pub sex: Option<String>,
    /// 现居住地址
    pub address: String,
    /// The elder's phone.
    pub phone: Option<String>,
    /// Supporters.
    pub supporters: Vec<CardSupporter>,
}

impl From<Card> for CardView {
    fn from(c: Card) -> CardView {
        CardView {
            id: c.id.to_string(),
            name: c.name,
            sex: c.sex.map(|s| s.code().to_string()),
            address: c.address,
            phone: c.phone,
            supporters: c
                .supporters
                .into_iter()
                .map(|s| CardSupporter {
                    name: s.name,
                    relation: s.relation,
                    phone: s.phone,
                    whereabouts: s.whereabouts,
                    main: s.main,
                })
                .collect(),
        }
    }
}

/// Whether the family's elder was visited this month (the family card).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct VisitedView {
    /// The date of the latest visit (`YYYY-MM-DD`), if any: nothing else of it.
    pub last_visit: Option<String>,
    /// Visited in the current calendar month (China time) 本月已探访.
    pub this_month: bool,
}

impl VisitedView {
    /// What the card says on `today` (core's `Card::visited_this_month`).
    pub fn of(card: &Card, today: NaiveDate) -> VisitedView {
        VisitedView {
            last_visit: card.last_visit.map(|d| d.to_string()),
            this_month: card.visited_this_month(today),
        }
    }
}
