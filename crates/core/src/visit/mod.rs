//! Visits 定期探访 / 巡访: what a helper records at each visit, the four checks 一访四查 (food 吃,
//! clothing 穿, housing 住, medical 医), the services given (五帮 of seed 001 and Bazhou's five of seed
//! 004) and the rules a visit must satisfy before it is stored.
//!
//! A submitted visit is immutable: the elder's `visits` document is append-only and a correction is a
//! new visit that [`Visit::amends`] the original, which stays in the history.
//!
//! ```
//! use shouwang_core::visit::{Visit, Verdict};
//! let visit: Visit = serde_json::from_str(r#"{
//!     "elder": "0123456789abcdef0123456789abcdef", "helper": "fedcba9876543210fedcba9876543210",
//!     "mode": "上门", "at": "2026-11-20T02:00:00Z", "duration_minutes": 30,
//!     "checks": {"food": {"verdict": "正常"}, "clothing": {"verdict": "fine"},
//!                "housing": {"verdict": "fine"}, "medical": {"verdict": "有问题", "note": "血压高"}},
//!     "services": ["巡访", "errands"]
//! }"#).unwrap();
//! assert_eq!(visit.checks.medical.verdict, Some(Verdict::Concern));
//! let now = chrono::DateTime::parse_from_rfc3339("2026-11-20T03:00:00Z").unwrap().to_utc();
//! let mut visit = visit;
//! assert!(shouwang_core::visit::check(&mut visit, now).is_ok());
//! ```

use crate::elder::{choice, ElderId, Position};
use crate::validate::{Rule, Violation, MAX_TEXT};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

choice! {
    /// How the visit was made.
    Mode {
        /// 上门: at the elder's door.
        Door = "door" / "上门",
        /// 电话: by phone (电话巡访).
        Phone = "phone" / "电话",
        /// 视频: by video (视频调度).
        Video = "video" / "视频",
    }
}

impl Mode {
    /// The usual length of a visit made this way, the form's default: half an hour at the door, ten
    /// minutes on the phone or by video.
    pub fn usual_minutes(self) -> u32 {
        match self {
            Mode::Door => 30,
            Mode::Phone | Mode::Video => 10,
        }
    }
}

choice! {
    /// The verdict of one of the four checks.
    Verdict {
        /// 正常
        Fine = "fine" / "正常",
        /// 有问题: a note says what.
        Concern = "concern" / "有问题",
    }
}

choice! {
    /// The four checks of 一访四查.
    CheckItem {
        /// 吃: food, meals, stores.
        Food = "food" / "吃",
        /// 穿: clothing and bedding for the season.
        Clothing = "clothing" / "穿",
        /// 住: housing safety, heating, water, power.
        Housing = "housing" / "住",
        /// 医: health, medicine, doctor.
        Medical = "medical" / "医",
    }
}

choice! {
    /// Services given at a visit: 五帮 (seed 001, Zhangdian) and Bazhou's five (seed 004).
    Service {
        /// 送餐做饭 (五帮)
        Meals = "meals" / "送餐做饭",
        /// 清洗衣物 (五帮)
        Laundry = "laundry" / "清洗衣物",
        /// 打扫卫生 (五帮)
        Cleaning = "cleaning" / "打扫卫生",
        /// 家务农活 (五帮)
        FarmWork = "farm_work" / "家务农活",
        /// 代购代办 (五帮)
        Errands = "errands" / "代购代办",
        /// 助急: contact the family, call 120, call the village doctor (Bazhou).
        Emergency = "emergency" / "助急",
        /// 巡访: patrol visit (Bazhou).
        Patrol = "patrol" / "巡访",
        /// 助洁: cleaning help (Bazhou).
        Tidying = "tidying" / "助洁",
        /// 精神慰藉: companionship (Bazhou).
        Companionship = "companionship" / "精神慰藉",
        /// 事务代办: shopping, paying water, power and gas bills (Bazhou).
        Affairs = "affairs" / "事务代办",
    }
}

/// Longest visit accepted, in minutes (a whole working day).
pub const MAX_DURATION_MINUTES: u32 = 600;

/// One of the four checks: a verdict, and a note (required for a concern).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// Fine or a concern. Missing is refused: every check needs a verdict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
    /// What the concern is (or a remark on a fine check).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

impl Check {
    /// A fine check without a note.
    pub fn fine() -> Check {
        Check { verdict: Some(Verdict::Fine), note: String::new() }
    }

    /// A concern with its note.
    pub fn concern(note: &str) -> Check {
        Check { verdict: Some(Verdict::Concern), note: note.to_string() }
    }
}

/// The four checks 一访四查.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checks {
    /// 吃
    #[serde(default)]
    pub food: Check,
    /// 穿
    #[serde(default)]
    pub clothing: Check,
    /// 住
    #[serde(default)]
    pub housing: Check,
    /// 医
    #[serde(default)]
    pub medical: Check,
}

impl Checks {
    /// All four fine.
    pub fn all_fine() -> Checks {
        Checks {
            food: Check::fine(),
            clothing: Check::fine(),
            housing: Check::fine(),
            medical: Check::fine(),
        }
    }

    /// One check.
    pub fn get(&self, item: CheckItem) -> &Check {
        match item {
            CheckItem::Food => &self.food,
            CheckItem::Clothing => &self.clothing,
            CheckItem::Housing => &self.housing,
            CheckItem::Medical => &self.medical,
        }
    }

    /// One check, to change it.
    pub fn get_mut(&mut self, item: CheckItem) -> &mut Check {
        match item {
            CheckItem::Food => &mut self.food,
            CheckItem::Clothing => &mut self.clothing,
            CheckItem::Housing => &mut self.housing,
            CheckItem::Medical => &mut self.medical,
        }
    }

    /// How many checks found a concern.
    pub fn concerns(&self) -> usize {
        CheckItem::ALL.iter().filter(|&&i| self.get(i).verdict == Some(Verdict::Concern)).count()
    }
}

/// Where the device was when the visit was logged (WGS-84, as the phone reports it).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fix {
    /// Latitude in degrees.
    pub lat: f64,
    /// Longitude in degrees.
    pub lon: f64,
    /// The fix's accuracy radius in metres, where the device gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accuracy_m: Option<f64>,
}

impl Fix {
    /// The position without its accuracy.
    pub fn position(&self) -> Position {
        Position { lat: self.lat, lon: self.lon }
    }
}

/// One visit as the helper logs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Visit {
    /// 32 hex digits; assigned by the store when empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// The elder visited.
    pub elder: ElderId,
    /// The helper who visited (a helper id); when empty the store puts the elder's current helper.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub helper: String,
    /// Door, phone or video.
    pub mode: Mode,
    /// When the visit was made.
    pub at: DateTime<Utc>,
    /// How long it took, in minutes.
    pub duration_minutes: u32,
    /// 一访四查.
    #[serde(default)]
    pub checks: Checks,
    /// Services given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<Service>,
    /// Anything to follow up.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub follow_up: String,
    /// Where the device was, where it knew.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<Fix>,
    /// The visit this one corrects (its original, never an amendment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amends: Option<String>,
    /// Metres from the elder's home as the registry knew it when the visit was logged (set by the store).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_distance_m: Option<f64>,
    /// When the visit was logged (set by the store).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_at: Option<DateTime<Utc>>,
}

fn text(out: &mut Vec<Violation>, field: &str, value: &mut String) {
    *value = value.trim().to_string();
    let len = value.chars().count();
    if len > MAX_TEXT {
        out.push(Violation { field: field.into(), rule: Rule::TooLong { max: MAX_TEXT, len } });
    }
    if value.chars().any(|c| c.is_control() && c != '\n') {
        out.push(Violation { field: field.into(), rule: Rule::ControlCharacters });
    }
}

/// Normalises a visit (trims notes, removes repeated services) and checks the rules that need nothing
/// but the visit and the time: every check has a verdict, a concern has a note, the time is not in the
/// future (beyond [`CLOCK_SKEW_MINUTES`](crate::time::CLOCK_SKEW_MINUTES)), the duration is 1 to [`MAX_DURATION_MINUTES`] minutes, the
/// position is on the globe. Returns every violation, not just the first.
pub fn check(visit: &mut Visit, now: DateTime<Utc>) -> Result<(), Vec<Violation>> {
    let mut out = Vec::new();
    for &item in CheckItem::ALL {
        let field = format!("checks.{}", item.code());
        let check = visit.checks.get_mut(item);
        text(&mut out, &format!("{field}.note"), &mut check.note);
        match check.verdict {
            None => out.push(Violation { field: format!("{field}.verdict"), rule: Rule::Required }),
            Some(Verdict::Concern) if check.note.is_empty() => {
                out.push(Violation { field: format!("{field}.note"), rule: Rule::Required })
            }
            _ => {}
        }
    }
    text(&mut out, "follow_up", &mut visit.follow_up);
    if visit.at > now + Duration::minutes(crate::time::CLOCK_SKEW_MINUTES) {
        let date = visit.at.with_timezone(&crate::time::china()).format("%Y-%m-%d %H:%M").to_string();
        out.push(Violation { field: "at".into(), rule: Rule::FutureDate { date } });
    }
    if visit.duration_minutes == 0 || visit.duration_minutes > MAX_DURATION_MINUTES {
        out.push(Violation {
            field: "duration_minutes".into(),
            rule: Rule::OutOfRange {
                min: 1,
                max: MAX_DURATION_MINUTES.into(),
                value: visit.duration_minutes.into(),
            },
        });
    }
    if let Some(fix) = visit.position {
        for (field, value, limit) in [("position.lat", fix.lat, 90.0), ("position.lon", fix.lon, 180.0)] {
            if !value.is_finite() || value.abs() > limit {
                let value = if value.is_finite() { value.round() as i64 } else { 0 };
                out.push(Violation {
                    field: field.into(),
                    rule: Rule::OutOfRange { min: -(limit as i64), max: limit as i64, value },
                });
            }
        }
        if fix.accuracy_m.is_some_and(|a| !a.is_finite() || a < 0.0) {
            out.push(Violation {
                field: "position.accuracy_m".into(),
                rule: Rule::OutOfRange { min: 0, max: i64::MAX, value: -1 },
            });
        }
    }
    let mut seen = Vec::new();
    visit.services.retain(|s| {
        let new = !seen.contains(s);
        seen.push(*s);
        new
    });
    if out.is_empty() {
        Ok(())
    } else {
        Err(out)
    }
}

/// Something about a saved visit worth a second look.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Warning {
    /// A door visit logged further from the elder's home than the policy allows for.
    FarFromHome {
        /// Metres between the fix and the home.
        distance_m: f64,
        /// Metres allowed (fix accuracy added).
        limit_m: f64,
    },
    /// A door visit to an elder whose home position is not recorded: it cannot be checked.
    HomeUnknown,
}

impl Warning {
    /// The message in Chinese.
    pub fn zh(&self) -> String {
        match self {
            Warning::FarFromHome { distance_m, limit_m } => format!(
                "上门探访的定位距老人住址约 {:.1} 公里，超过 {:.0} 米，请核实",
                distance_m / 1000.0,
                limit_m
            ),
            Warning::HomeUnknown => "老人住址未标注位置，无法核对上门定位".into(),
        }
    }

    /// The message in English.
    pub fn en(&self) -> String {
        match self {
            Warning::FarFromHome { distance_m, limit_m } => format!(
                "door visit logged about {:.1} km from the elder's home, beyond {:.0} m; check it",
                distance_m / 1000.0,
                limit_m
            ),
            Warning::HomeUnknown => {
                "the elder's home has no position: the door visit's fix cannot be checked".into()
            }
        }
    }

    /// A stable snake_case name.
    pub fn code(&self) -> &'static str {
        match self {
            Warning::FarFromHome { .. } => "far_from_home",
            Warning::HomeUnknown => "home_unknown",
        }
    }
}

/// How far from home a door visit may be logged before it is warned about: the straight-line reach of
/// the policy's walk (walk_minutes × walk_speed / detour_factor, about 800 m in Bazhou), at least
/// 300 m, plus the fix's own accuracy. A visit logged further than a helper walks to reach an elder
/// was not logged at the door.
pub fn door_tolerance_m(policy: &crate::policy::Policy, fix: &Fix) -> f64 {
    let reach = crate::reach::Walk::of(policy).straight_line_reach_m();
    reach.max(300.0) + fix.accuracy_m.unwrap_or(0.0)
}

/// The warnings for a visit about to be saved, given the elder's home. Sets the visit's
/// `home_distance_m`.
pub fn warnings(visit: &mut Visit, home: Option<Position>, policy: &crate::policy::Policy) -> Vec<Warning> {
    let mut out = Vec::new();
    visit.home_distance_m = match (visit.position, home) {
        (Some(fix), Some(home)) => Some(crate::reach::distance_m(fix.position(), home).round()),
        _ => None,
    };
    if visit.mode == Mode::Door {
        match (visit.position, visit.home_distance_m) {
            (Some(fix), Some(distance_m)) => {
                let limit_m = door_tolerance_m(policy, &fix).round();
                if distance_m > limit_m {
                    out.push(Warning::FarFromHome { distance_m, limit_m });
                }
            }
            (Some(_), None) => out.push(Warning::HomeUnknown),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-20T12:00:00+08:00").unwrap().to_utc()
    }

    fn visit() -> Visit {
        Visit {
            id: String::new(),
            elder: "0123456789abcdef0123456789abcdef".parse().unwrap(),
            helper: "fedcba9876543210fedcba9876543210".into(),
            mode: Mode::Door,
            at: now() - Duration::hours(2),
            duration_minutes: 30,
            checks: Checks::all_fine(),
            services: vec![Service::Patrol, Service::Patrol],
            follow_up: String::new(),
            position: None,
            amends: None,
            home_distance_m: None,
            recorded_at: None,
        }
    }

    #[test]
    fn a_complete_visit_passes_and_repeated_services_are_kept_once() {
        let mut v = visit();
        check(&mut v, now()).unwrap();
        assert_eq!(v.services, [Service::Patrol]);
    }

    #[test]
    fn every_check_needs_a_verdict_and_a_concern_needs_a_note() {
        let mut v = visit();
        v.checks.housing = Check::default();
        v.checks.medical = Check::concern("  ");
        let errors = check(&mut v, now()).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["checks.housing.verdict", "checks.medical.note"]);
        assert!(errors.iter().all(|e| e.rule == Rule::Required));
    }

    #[test]
    fn a_time_in_the_future_and_a_zero_duration_are_refused() {
        let mut v = visit();
        v.at = now() + Duration::hours(3);
        v.duration_minutes = 0;
        let errors = check(&mut v, now()).unwrap_err();
        assert_eq!(errors[0].field, "at");
        assert_eq!(errors[0].rule.code(), "future_date");
        assert!(errors[0].rule.zh().contains("晚于今天"));
        assert_eq!(errors[1].field, "duration_minutes");
        // A few minutes of clock skew between a phone and the office is not the future.
        let mut v = visit();
        v.at = now() + Duration::minutes(5);
        assert!(check(&mut v, now()).is_ok());
    }

    #[test]
    fn chinese_terms_parse_as_the_codes() {
        assert_eq!(Mode::parse("视频"), Some(Mode::Video));
        assert_eq!(Service::parse("助急"), Some(Service::Emergency));
        assert_eq!(Service::parse("代购代办"), Some(Service::Errands));
        assert_eq!(CheckItem::parse("医"), Some(CheckItem::Medical));
        assert_eq!(Service::ALL.len(), 10, "五帮 and Bazhou's five");
    }

    #[test]
    fn a_door_visit_five_kilometres_from_home_is_warned_about_and_a_phone_visit_is_not() {
        let policy = crate::policy::Policy::builtin("sichuan").unwrap();
        let home = Position { lat: 31.85, lon: 106.75 };
        // 0.045° of latitude is about 5 km.
        let far = Fix { lat: 31.895, lon: 106.75, accuracy_m: Some(20.0) };
        let mut v = visit();
        v.position = Some(far);
        let w = warnings(&mut v, Some(home), &policy);
        assert!(
            matches!(w[..], [Warning::FarFromHome { distance_m, .. }] if (distance_m - 5004.0).abs() < 10.0)
        );
        assert!(w[0].zh().contains("5.0 公里"));
        let mut near = visit();
        near.position = Some(Fix { lat: 31.8503, lon: 106.7502, accuracy_m: None });
        assert!(warnings(&mut near, Some(home), &policy).is_empty());
        let mut phone = visit();
        phone.mode = Mode::Phone;
        phone.position = Some(far);
        assert!(warnings(&mut phone, Some(home), &policy).is_empty());
        assert!(phone.home_distance_m.is_some());
    }
}
