//! Administrative divisions: the six-digit GB/T 2260 codes with their names, and the twelve-digit
//! statistical division codes (统计用区划代码) that name a unit from province down to village.
//!
//! The GB/T 2260 table is `schema/divisions/gb2260.tsv`, embedded at build time and parsed once. It
//! keeps retired codes too, because ID numbers keep the region where they were first issued:
//! [`region_name`] finds both, [`Region::current`] tells them apart. [`UnitCode`] identifies a
//! village, township, county, prefecture or province in the registry and in reports; its
//! [`level`](UnitCode::level) and [`contains`](UnitCode::contains) drive aggregation upward.
//!
//! ```
//! use shouwang_core::division::{full_name, UnitCode, UnitLevel};
//!
//! assert_eq!(full_name("511902").as_deref(), Some("四川省巴中市巴州区"));
//! let village: UnitCode = "511902106202".parse().unwrap();
//! let county: UnitCode = "511902000000".parse().unwrap();
//! assert_eq!(village.level(), UnitLevel::Village);
//! assert!(county.contains(&village));
//! ```

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// `code\tname\tstatus` lines; status `current` or `retired:YYYY`; `#` starts a comment line.
const GB2260: &str = include_str!("../../../schema/divisions/gb2260.tsv");

/// One GB/T 2260 division.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Region {
    /// Six-digit code, e.g. `511902`.
    pub code: &'static str,
    /// Name as listed, e.g. `巴州区`.
    pub name: &'static str,
    /// In the current list; false for a retired code (still valid in old ID numbers).
    pub current: bool,
}

fn regions() -> &'static HashMap<&'static str, Region> {
    static REGIONS: OnceLock<HashMap<&'static str, Region>> = OnceLock::new();
    REGIONS.get_or_init(|| GB2260.lines().filter_map(parse_line).map(|r| (r.code, r)).collect())
}

fn parse_line(line: &'static str) -> Option<Region> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let mut fields = line.split('\t');
    let (code, name, status) = (fields.next()?, fields.next()?, fields.next()?);
    let current = match status {
        "current" => true,
        s if s.starts_with("retired:") => false,
        _ => return None,
    };
    Some(Region { code, name, current })
}

/// The GB/T 2260 division with this six-digit code, current or retired.
pub fn region_name(code6: &str) -> Option<Region> {
    regions().get(code6).copied()
}

/// Whether a six-digit code is in GB/T 2260, current or retired.
pub fn is_known_region(code6: &str) -> bool {
    regions().contains_key(code6)
}

/// Province, prefecture and county names joined, e.g. `四川省巴中市巴州区` for `511902`; grouping
/// entries that are not places (`市辖区`, `县`, `省直辖县级行政区划`) are left out. `None` if the
/// code is unknown.
pub fn full_name(code6: &str) -> Option<String> {
    let region = region_name(code6)?;
    let province = format!("{}0000", &region.code[..2]);
    let prefecture = format!("{}00", &region.code[..4]);
    let mut codes = vec![province.as_str()];
    for code in [prefecture.as_str(), region.code] {
        if codes.last() != Some(&code) {
            codes.push(code);
        }
    }
    let name =
        codes.into_iter().filter_map(region_name).map(|r| r.name).filter(|name| !is_grouping(name)).collect();
    Some(name)
}

/// Entries that group counties rather than name a place.
fn is_grouping(name: &str) -> bool {
    matches!(name, "市辖区" | "县") || name.ends_with("直辖县级行政区划")
}

/// The level of an administrative unit, from province (省级) down to village (村级).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum UnitLevel {
    /// 省级: province, autonomous region, municipality.
    Province,
    /// 地级: prefecture-level city, prefecture, league.
    Prefecture,
    /// 县级: county, district, county-level city.
    County,
    /// 乡级: township, town, sub-district (街道).
    Township,
    /// 村级: village committee (村委会) or residents' committee (居委会).
    Village,
}

impl UnitLevel {
    /// Digits of the code that identify a unit at this level (2/4/6/9/12).
    fn digits(self) -> usize {
        match self {
            UnitLevel::Province => 2,
            UnitLevel::Prefecture => 4,
            UnitLevel::County => 6,
            UnitLevel::Township => 9,
            UnitLevel::Village => 12,
        }
    }
}

/// A twelve-digit statistical division code (统计用区划代码) of an administrative unit: province
/// 2 digits, prefecture 2, county 2, township 3, village 3, the levels below the unit all zeros
/// (`511902000000` is 巴州区, `511902106202` a village in it).
///
/// Serialises as its string; deserialising validates.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UnitCode(String);

impl UnitCode {
    /// Validates a code: surrounding whitespace trimmed, exactly 12 ASCII digits, a known province
    /// (11–82). A county prefix missing from GB/T 2260 is accepted; callers may warn with
    /// [`is_known_region`] on [`county_prefix`](UnitCode::county_prefix).
    pub fn parse(s: &str) -> Result<Self, UnitError> {
        let s = s.trim();
        let len = s.chars().count();
        if len == 0 {
            return Err(UnitError::Empty);
        }
        if len != 12 {
            return Err(UnitError::Length { found: len });
        }
        if let Some(found) = s.chars().find(|c| !c.is_ascii_digit()) {
            return Err(UnitError::Character { found });
        }
        let province = &s[..2];
        if !is_known_region(&format!("{province}0000")) {
            return Err(UnitError::UnknownProvince { province: province.to_owned() });
        }
        Ok(UnitCode(s.to_owned()))
    }

    /// The twelve digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The level of the unit, read from the trailing groups of zeros.
    pub fn level(&self) -> UnitLevel {
        let significant = self.0.trim_end_matches('0').len();
        [UnitLevel::Province, UnitLevel::Prefecture, UnitLevel::County, UnitLevel::Township]
            .into_iter()
            .find(|level| significant <= level.digits())
            .unwrap_or(UnitLevel::Village)
    }

    /// The six-digit GB/T 2260 county code the unit lies in (or its prefecture or province code
    /// padded with zeros, for units above a county).
    pub fn county_prefix(&self) -> &str {
        &self.0[..6]
    }

    /// Whether `other` is this unit or lies within it.
    pub fn contains(&self, other: &UnitCode) -> bool {
        let digits = self.level().digits();
        other.0[..digits] == self.0[..digits]
    }
}

impl fmt::Display for UnitCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for UnitCode {
    type Err = UnitError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for UnitCode {
    type Error = UnitError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<UnitCode> for String {
    fn from(code: UnitCode) -> String {
        code.0
    }
}

/// Why a string is not a valid statistical division code; one variant per rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UnitError {
    /// Nothing was entered.
    #[error("the division code is empty")]
    Empty,
    /// Not 12 characters.
    #[error("a division code has 12 digits, this one has {found}")]
    Length {
        /// Characters found after trimming.
        found: usize,
    },
    /// A character that is not an ASCII digit.
    #[error("a division code has only digits, this one contains '{found}'")]
    Character {
        /// The first offending character.
        found: char,
    },
    /// The first two digits are not a province in GB/T 2260.
    #[error("the division code starts with {province}, which is no province")]
    UnknownProvince {
        /// The two province digits.
        province: String,
    },
}

impl UnitError {
    /// Stable snake_case name of the broken rule, for the UI and for logs.
    pub fn code(&self) -> &'static str {
        match self {
            UnitError::Empty => "unit_empty",
            UnitError::Length { .. } => "unit_length",
            UnitError::Character { .. } => "unit_character",
            UnitError::UnknownProvince { .. } => "unit_province",
        }
    }

    /// The message in Chinese, for forms and exports.
    pub fn zh(&self) -> String {
        match self {
            UnitError::Empty => "请填写区划代码".to_owned(),
            UnitError::Length { found } => format!("区划代码应为 12 位数字，实为 {found} 位"),
            UnitError::Character { found } => format!("区划代码只能是数字，含有“{found}”"),
            UnitError::UnknownProvince { province } => {
                format!("区划代码前两位 {province} 不是有效的省级代码")
            }
        }
    }

    /// The message in English (also what `Display` shows).
    pub fn en(&self) -> String {
        self.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(s: &str) -> UnitCode {
        UnitCode::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn every_data_line_parses_once() {
        let data_lines = GB2260.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')).count();
        assert_eq!(regions().len(), data_lines, "malformed or duplicate lines");
        for code in regions().keys() {
            assert!(code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()), "{code}");
        }
    }

    #[test]
    fn regions_current_and_retired() {
        let bazhou = region_name("511902").unwrap();
        assert_eq!((bazhou.name, bazhou.current), ("巴州区", true));
        let chongwen = region_name("110103").unwrap();
        assert_eq!((chongwen.name, chongwen.current), ("崇文区", false));
        assert!(is_known_region("110103"));
        assert_eq!(unit("110103000000").level(), UnitLevel::County);
        assert!(!is_known_region("511999"));
        assert!(!is_known_region("5119"));
    }

    #[test]
    fn full_names() {
        let cases = [
            ("511902", Some("四川省巴中市巴州区")),
            ("511900", Some("四川省巴中市")),
            ("510000", Some("四川省")),
            ("110101", Some("北京市东城区")),
            ("429004", Some("湖北省仙桃市")),
            ("110103", Some("北京市崇文区")),
            ("511999", None),
        ];
        for (code, expected) in cases {
            assert_eq!(full_name(code).as_deref(), expected, "{code}");
        }
    }

    #[test]
    fn levels() {
        let cases = [
            ("510000000000", UnitLevel::Province),
            ("500000000000", UnitLevel::Province),
            ("511900000000", UnitLevel::Prefecture),
            ("511902000000", UnitLevel::County),
            ("511902106000", UnitLevel::Township),
            ("441900003000", UnitLevel::Township),
            ("511902106202", UnitLevel::Village),
            ("511902106200", UnitLevel::Village),
        ];
        for (code, level) in cases {
            assert_eq!(unit(code).level(), level, "{code}");
        }
    }

    #[test]
    fn containment() {
        let village = unit("511902106202");
        assert_eq!(village.county_prefix(), "511902");
        assert_eq!(region_name(village.county_prefix()).map(|r| r.current), Some(true));
        let cases = [
            ("511902000000", "511902106202", true),
            ("511902106000", "511902106202", true),
            ("511900000000", "511902106202", true),
            ("510000000000", "511902106202", true),
            ("511902106202", "511902106202", true),
            ("511902106202", "511902106000", false),
            ("511903000000", "511902106202", false),
            ("440300000000", "440304000000", true),
            ("440304000000", "440300000000", false),
            ("441900000000", "441900003000", true),
        ];
        for (outer, inner, expected) in cases {
            assert_eq!(unit(outer).contains(&unit(inner)), expected, "{outer} ⊇ {inner}");
        }
    }

    #[test]
    fn unknown_county_prefix_is_accepted() {
        let code = unit("511999001001");
        assert!(!is_known_region(code.county_prefix()));
    }

    #[test]
    fn invalid_codes() {
        use UnitError::*;
        #[rustfmt::skip]
        let cases = [
            ("", Empty, "unit_empty"),
            ("51190210620", Length { found: 11 }, "unit_length"),
            ("5119021062021", Length { found: 13 }, "unit_length"),
            ("51190210620A", Character { found: 'A' }, "unit_character"),
            ("000000000000", UnknownProvince { province: "00".into() }, "unit_province"),
            ("991902106202", UnknownProvince { province: "99".into() }, "unit_province"),
        ];
        for (input, expected, code) in cases {
            let err = UnitCode::parse(input).unwrap_err();
            assert_eq!(err, expected, "{input}");
            assert_eq!(err.code(), code);
            assert_eq!(err.to_string(), err.en());
        }
        assert_eq!(UnitError::Length { found: 11 }.zh(), "区划代码应为 12 位数字，实为 11 位");
    }

    #[test]
    fn parse_trims_and_round_trips() {
        let code: UnitCode = " 511902106202\n".parse().unwrap();
        assert_eq!(code.as_str(), "511902106202");
        assert_eq!(code.to_string(), "511902106202");
    }

    #[test]
    fn serde_as_validated_string() {
        let code = unit("511902106202");
        let json = serde_json::to_string(&code).unwrap();
        assert_eq!(json, "\"511902106202\"");
        assert_eq!(serde_json::from_str::<UnitCode>(&json).unwrap(), code);
        assert!(serde_json::from_str::<UnitCode>("\"51190210620\"").is_err());
    }
}
