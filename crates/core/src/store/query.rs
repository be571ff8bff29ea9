//! Lists of elders, served from the projection alone (no document is loaded), as the viewer may see
//! them ([`crate::view`]): a helper lists only their own elders, ID numbers masked and no health.

use super::{Result, Store};
use crate::elder::{Care, Category, ElderId, Health, Status};
use chrono::{Months, NaiveDate};
use rusqlite::types::Value as Sql;
use serde::Serialize;

/// Age bands the summary tables count (60–79 and 80+), and the decades in between.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum AgeBand {
    /// 60–69
    #[serde(rename = "60-69")]
    Sixties,
    /// 70–79
    #[serde(rename = "70-79")]
    Seventies,
    /// 60–79
    #[serde(rename = "60-79")]
    Under80,
    /// 80 and over (高龄)
    #[serde(rename = "80+")]
    Over80,
}

impl AgeBand {
    /// The band's inclusive age range.
    pub fn ages(self) -> (u32, Option<u32>) {
        match self {
            AgeBand::Sixties => (60, Some(69)),
            AgeBand::Seventies => (70, Some(79)),
            AgeBand::Under80 => (60, Some(79)),
            AgeBand::Over80 => (80, None),
        }
    }

    /// Parses `60-69`, `70-79`, `60-79` or `80+`.
    pub fn parse(s: &str) -> Option<AgeBand> {
        serde_json::from_value(serde_json::Value::String(s.trim().to_string())).ok()
    }
}

/// How a list is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// By name.
    #[default]
    Name,
    /// Oldest first.
    Age,
    /// By address (groups of the village together).
    Address,
    /// Most recently changed first.
    Updated,
}

/// What `elder list` filters on. Empty filter: every active elder.
#[derive(Debug, Clone, Default)]
pub struct ElderFilter {
    /// Part of the name, or part of the ID number.
    pub text: Option<String>,
    /// In this group (高龄 also matches everyone 80 or older).
    pub category: Option<Category>,
    /// 重点对象: hardship family and 高龄 or 失能.
    pub priority: bool,
    /// 身体情况.
    pub health: Option<Health>,
    /// 照料情况.
    pub care: Option<Care>,
    /// Age band on the list's date.
    pub age: Option<AgeBand>,
    /// Status; `None` means active only. Use [`ElderFilter::any_status`] for everyone.
    pub status: Option<Status>,
    /// Every status, archived elders included.
    pub any_status: bool,
    /// Order.
    pub sort: Sort,
    /// At most this many rows.
    pub limit: Option<u32>,
}

/// One line of a list: what the registry screen shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ElderRow {
    /// Elder id.
    pub id: ElderId,
    /// 姓名
    pub name: String,
    /// 性别 code.
    pub sex: String,
    /// 出生日期
    pub birth_date: NaiveDate,
    /// Age on the list's date.
    pub age: i32,
    /// 身份证号码
    pub id_number: Option<String>,
    /// 现居住地址
    pub address: String,
    /// Phone.
    pub phone: Option<String>,
    /// 身体情况 code.
    pub health: Option<String>,
    /// 照料情况 code.
    pub care: Option<String>,
    /// Group codes.
    pub categories: Vec<String>,
    /// Status code.
    pub status: String,
    /// Fields in conflict between devices.
    pub conflicts: i64,
    /// Where the elder's consent stands: `given`, `withdrawn`, or `None` when none is recorded (未签同意);
    /// [`crate::consent::State`].
    pub consent: Option<String>,
}

fn years_before(date: NaiveDate, years: u32) -> NaiveDate {
    date.checked_sub_months(Months::new(12 * years)).unwrap_or(NaiveDate::MIN)
}

impl Store {
    /// The elders matching `filter`, with ages on `today`.
    pub fn list(&self, filter: &ElderFilter, today: NaiveDate) -> Result<Vec<ElderRow>> {
        let mut sql = String::from(
            "SELECT e.elder_id, e.name, e.sex, e.birth_date, e.id_number, e.address, e.phone, e.health, e.care,
                    (SELECT group_concat(category, ',') FROM (SELECT category FROM elder_categories c
                        WHERE c.elder_id = e.elder_id ORDER BY category)),
                    e.status, e.conflicts, e.id_masked, e.consent
             FROM elders e WHERE 1 = 1",
        );
        let viewer = self.viewer();
        sql.push_str(&self.visible_elders("e.elder_id"));
        let mut params: Vec<Sql> = Vec::new();
        let mut arg = |sql: &mut String, clause: &str, value: Sql| {
            params.push(value);
            sql.push_str(&clause.replace('?', &format!("?{}", params.len())));
        };
        if !filter.any_status {
            arg(
                &mut sql,
                " AND e.status = ?",
                Sql::Text(filter.status.unwrap_or(Status::Active).code().into()),
            );
        }
        if let Some(text) = filter.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            let pattern = format!("%{}%", text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
            arg(&mut sql, " AND (e.name LIKE ? ESCAPE '\\'", Sql::Text(pattern.clone()));
            if viewer.is_office() {
                arg(&mut sql, " OR e.id_number LIKE ? ESCAPE '\\')", Sql::Text(pattern.to_uppercase()));
            } else {
                // Only an office searches by ID number: digits must not probe a number a helper sees masked.
                sql.push(')');
            }
        }
        let eighty = years_before(today, crate::elder::ADVANCED_AGE as u32).to_string();
        let in_category = |c: Category| {
            format!("EXISTS (SELECT 1 FROM elder_categories c WHERE c.elder_id = e.elder_id AND c.category = '{}')", c.code())
        };
        if let Some(category) = filter.category {
            if category == Category::AdvancedAge {
                arg(
                    &mut sql,
                    &format!(" AND (e.birth_date <= ? OR {})", in_category(category)),
                    Sql::Text(eighty.clone()),
                );
            } else {
                sql.push_str(&format!(" AND {}", in_category(category)));
            }
        }
        if filter.priority {
            sql.push_str(&format!(
                " AND ({} OR {})",
                in_category(Category::Hardship),
                in_category(Category::Destitute)
            ));
            arg(
                &mut sql,
                &format!(
                    " AND (e.birth_date <= ? OR {} OR {})",
                    in_category(Category::AdvancedAge),
                    in_category(Category::Disabled)
                ),
                Sql::Text(eighty),
            );
        }
        if let Some(health) = filter.health {
            arg(&mut sql, " AND e.health = ?", Sql::Text(health.code().into()));
        }
        if let Some(care) = filter.care {
            arg(&mut sql, " AND e.care = ?", Sql::Text(care.code().into()));
        }
        if let Some(band) = filter.age {
            let (min, max) = band.ages();
            arg(&mut sql, " AND e.birth_date <= ?", Sql::Text(years_before(today, min).to_string()));
            if let Some(max) = max {
                // Aged at most `max`: born after the day `max + 1` years ago.
                arg(&mut sql, " AND e.birth_date > ?", Sql::Text(years_before(today, max + 1).to_string()));
            }
        }
        sql.push_str(match filter.sort {
            Sort::Name => " ORDER BY e.name, e.elder_id",
            Sort::Age => " ORDER BY e.birth_date, e.elder_id",
            Sort::Address => " ORDER BY e.address, e.name, e.elder_id",
            Sort::Updated => " ORDER BY e.updated_at DESC, e.elder_id",
        });
        if let Some(limit) = filter.limit {
            arg(&mut sql, " LIMIT ?", Sql::Integer(limit.into()));
        }
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(params), |r| {
            let birth: String = r.get(3)?;
            let birth_date = birth.parse::<NaiveDate>().unwrap_or(NaiveDate::MIN);
            let categories: Option<String> = r.get(9)?;
            let id: String = r.get(0)?;
            let id = id.parse::<ElderId>().map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into())
            })?;
            let age = crate::elder::age_on(birth_date, today);
            let mut categories: Vec<String> =
                categories.map(|c| c.split(',').map(str::to_owned).collect()).unwrap_or_default();
            // 高龄 on the day for everyone 80 or older, recorded or not.
            let advanced = Category::AdvancedAge.code();
            if age >= crate::elder::ADVANCED_AGE && !categories.iter().any(|c| c == advanced) {
                categories.insert(0, advanced.to_string());
            }
            let row = ElderRow {
                id,
                name: r.get(1)?,
                sex: r.get(2)?,
                birth_date,
                age,
                id_number: r.get(4)?,
                address: r.get(5)?,
                phone: r.get(6)?,
                health: r.get(7)?,
                care: r.get(8)?,
                categories,
                status: r.get(10)?,
                conflicts: r.get(11)?,
                consent: r.get(13)?,
            };
            Ok((row, r.get::<_, Option<String>>(12)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (mut row, masked) = row?;
            self.redact_row(&viewer, &mut row, masked);
            out.push(row);
        }
        Ok(out)
    }

    /// How many elders the projection holds (of those the viewer may list), by status code.
    pub fn count_by_status(&self) -> Result<Vec<(String, i64)>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT status, count(*) FROM elders e WHERE 1 = 1{} GROUP BY status ORDER BY status",
            self.visible_elders("e.elder_id")
        ))?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
