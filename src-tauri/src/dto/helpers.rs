//! The helpers' register 互助员: the list, the add/edit form (filed 备案), a replacement 更换 and the
//! elders it moved.

use crate::error::AppResult;
use crate::parse;
use serde::{Deserialize, Serialize};
use shouwang_core::elder::Position;
use shouwang_core::helper::{Helper, HelperId};
use shouwang_core::store::HelperRow;
use std::collections::BTreeMap;
use ts_rs::TS;

/// A home position (WGS-84 degrees).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct HomePoint {
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
}

impl From<Position> for HomePoint {
    fn from(p: Position) -> HomePoint {
        HomePoint { lat: p.lat, lon: p.lon }
    }
}

impl From<HomePoint> for Position {
    fn from(p: HomePoint) -> Position {
        Position { lat: p.lat, lon: p.lon }
    }
}

/// One helper in the helpers list.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct HelperLine {
    /// Helper id.
    pub id: String,
    /// 姓名
    pub name: String,
    /// 联系电话
    pub phone: Option<String>,
    /// Home, when recorded: the centre of the 15-minute walk.
    pub home: Option<HomePoint>,
    /// When they can serve.
    pub availability: String,
    /// 备案 date (`YYYY-MM-DD`), once filed with the township.
    pub filed_on: Option<String>,
    /// Filed 备案.
    pub filed: bool,
    /// `active` 在岗 or `replaced` 已更换.
    pub status: String,
    /// Who replaced them.
    pub replaced_by: Option<String>,
    /// Name of who replaced them.
    pub replaced_by_name: Option<String>,
    /// Elders currently assigned (their load).
    pub elders: u32,
}

impl HelperLine {
    /// The register's lines: each row, the name of who replaced them looked up among the rows.
    pub fn list(rows: Vec<HelperRow>) -> Vec<HelperLine> {
        let names: BTreeMap<String, String> =
            rows.iter().map(|h| (h.id.to_string(), h.name.clone())).collect();
        rows.into_iter()
            .map(|row| HelperLine {
                id: row.id.to_string(),
                name: row.name,
                phone: row.phone,
                home: row.home.map(HomePoint::from),
                availability: row.availability,
                filed: row.filed_on.is_some(),
                filed_on: row.filed_on,
                status: row.status,
                replaced_by_name: row.replaced_by.as_ref().and_then(|r| names.get(r).cloned()),
                replaced_by: row.replaced_by,
                elders: u32::try_from(row.elders).unwrap_or(u32::MAX),
            })
            .collect()
    }
}

/// A helper as the add/edit form holds them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(optional_fields = nullable)]
pub struct HelperForm {
    /// Absent when adding.
    pub id: Option<String>,
    /// 姓名
    pub name: String,
    /// 联系电话
    pub phone: Option<String>,
    /// Home position.
    pub home: Option<HomePoint>,
    /// When they can serve.
    pub availability: Option<String>,
    /// 备案 date `YYYY-MM-DD`.
    pub filed_on: Option<String>,
}

impl HelperForm {
    /// The stored helper `h` (id `id`) as the form shows them.
    pub fn of(id: &HelperId, h: Helper) -> HelperForm {
        HelperForm {
            id: Some(id.to_string()),
            name: h.name,
            phone: h.phone,
            home: h.home.map(HomePoint::from),
            availability: Some(h.availability),
            filed_on: h.filed_on.map(|d| d.to_string()),
        }
    }

    /// Core's helper from the form, over the stored one when editing (status, walks kept).
    pub fn to_helper(&self, base: Option<Helper>) -> AppResult<Helper> {
        let mut h = base.unwrap_or_else(|| Helper::named(""));
        h.name = self.name.clone();
        h.phone = parse::text(&self.phone);
        h.home = self.home.map(Position::from);
        h.availability = self.availability.clone().unwrap_or_default();
        h.filed_on = parse::date_opt("filed_on", self.filed_on.as_deref())?;
        Ok(h)
    }
}

/// What `save_helper` returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SavedHelper {
    /// The helper's id.
    pub id: String,
}

/// `replace_helper`: every elder of `old` moves to `new`, the history kept.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct ReplaceArgs {
    /// The helper who no longer serves.
    pub old: String,
    /// Who takes over.
    pub new: String,
    /// Why (e.g. 外出务工, 不能履行职责).
    pub reason: String,
}

/// One elder whose helper changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct MovedLine {
    /// Elder id.
    pub elder: String,
    /// Their name.
    pub elder_name: String,
    /// Their helper before.
    pub from: Option<String>,
    /// Their helper now.
    pub to: String,
}
