//! The visit schedule: when each elder is next due (the policy's `visit_interval_days`, monthly by
//! default, and `high_risk_visit_interval_days` for elders assessed at high risk), who is overdue, and
//! a helper's list for today ordered as a walking round.
//!
//! Only the date of an elder's latest visit counts: an amendment corrects a visit and is not a new
//! one, and phone and video visits count like door visits (seed 004: 电话巡访).
//!
//! ```
//! use chrono::NaiveDate;
//! use shouwang_core::schedule::{due, Interval, Status};
//! let interval = Interval { days: 30, high_risk_days: 7 };
//! let d = |day| NaiveDate::from_ymd_opt(2026, 11, day).unwrap();
//! assert_eq!(due(&interval, Some(d(1)), false, d(20)), (Some(d(1) + chrono::Days::new(30)), Status::Upcoming));
//! assert_eq!(due(&interval, Some(d(1)), true, d(20)).1, Status::Overdue);
//! assert_eq!(due(&interval, None, false, d(20)), (None, Status::Overdue));
//! ```

use crate::elder::{choice, ElderId, Position};
use crate::helper::HelperId;
use crate::policy::Policy;
use chrono::{Days, NaiveDate};
use serde::Serialize;

/// Days between visits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Interval {
    /// For most elders.
    pub days: u32,
    /// For elders at high risk.
    pub high_risk_days: u32,
}

impl Interval {
    /// The intervals of a policy.
    pub fn of(policy: &Policy) -> Interval {
        Interval { days: policy.visit_interval_days, high_risk_days: policy.high_risk_visit_interval_days }
    }
}

choice! {
    /// Where an elder stands in the schedule.
    Status {
        /// 逾期: the due date has passed, or the elder was never visited.
        Overdue = "overdue" / "逾期未访",
        /// 今日到期: due today.
        Due = "due" / "今日应访",
        /// 未到期
        Upcoming = "upcoming" / "未到期",
    }
}

/// The due date and status of an elder last visited on `last` (`None`: never).
pub fn due(
    interval: &Interval,
    last: Option<NaiveDate>,
    high_risk: bool,
    today: NaiveDate,
) -> (Option<NaiveDate>, Status) {
    let Some(last) = last else { return (None, Status::Overdue) };
    let days = if high_risk { interval.high_risk_days } else { interval.days };
    let on = last + Days::new(days.into());
    let status = match on.cmp(&today) {
        std::cmp::Ordering::Less => Status::Overdue,
        std::cmp::Ordering::Equal => Status::Due,
        std::cmp::Ordering::Greater => Status::Upcoming,
    };
    (Some(on), status)
}

/// One elder in the schedule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ElderDue {
    /// The elder.
    pub elder: ElderId,
    /// Their name.
    pub name: String,
    /// Their current helper.
    pub helper: Option<HelperId>,
    /// Assessed at high risk (visited more often).
    pub high_risk: bool,
    /// Date of the latest visit (China time), if any.
    pub last_visit: Option<NaiveDate>,
    /// When the next visit is due; `None` when never visited.
    pub due_on: Option<NaiveDate>,
    /// Overdue, due today, or upcoming.
    pub status: Status,
    /// Days past the due date (`None` when never visited or not overdue).
    pub days_overdue: Option<i64>,
    /// Home position, for the walking round.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub home: Option<Position>,
}

impl ElderDue {
    /// Builds the entry from the elder's facts.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        interval: &Interval,
        elder: ElderId,
        name: String,
        helper: Option<HelperId>,
        high_risk: bool,
        last_visit: Option<NaiveDate>,
        home: Option<Position>,
        today: NaiveDate,
    ) -> ElderDue {
        let (due_on, status) = due(interval, last_visit, high_risk, today);
        let days_overdue = due_on.filter(|on| *on < today).map(|on| (today - on).num_days());
        ElderDue { elder, name, helper, high_risk, last_visit, due_on, status, days_overdue, home }
    }

    /// Due today or overdue.
    pub fn is_due(&self) -> bool {
        self.status != Status::Upcoming
    }
}

/// Sorts the village's list: overdue first (never visited, then most days overdue), then due today,
/// then upcoming by due date; ties by name.
pub fn sort_overdue_first(list: &mut [ElderDue]) {
    list.sort_by(|a, b| {
        let rank = |e: &ElderDue| match e.status {
            Status::Overdue => 0,
            Status::Due => 1,
            Status::Upcoming => 2,
        };
        rank(a)
            .cmp(&rank(b))
            .then_with(|| match (a.due_on, b.due_on) {
                (None, None) => std::cmp::Ordering::Equal,
                (None, Some(_)) => std::cmp::Ordering::Less,
                (Some(_), None) => std::cmp::Ordering::Greater,
                (Some(x), Some(y)) => x.cmp(&y),
            })
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.elder.cmp(&b.elder))
    });
}

/// Orders stops as a walking round from `start`: always on to the nearest stop not yet visited
/// (straight-line distance). Stops without a position come last, in the order given; without a start
/// the round begins at the first stop that has a position.
pub fn walking_round(start: Option<Position>, stops: Vec<ElderDue>) -> Vec<ElderDue> {
    let (mut placed, unplaced): (Vec<ElderDue>, Vec<ElderDue>) =
        stops.into_iter().partition(|s| s.home.is_some());
    let mut out = Vec::with_capacity(placed.len() + unplaced.len());
    let mut here = start;
    while !placed.is_empty() {
        let next = match here {
            None => 0,
            Some(at) => placed
                .iter()
                .enumerate()
                .min_by(|(_, a), (_, b)| {
                    let da = crate::reach::distance_m(at, a.home.expect("placed"));
                    let db = crate::reach::distance_m(at, b.home.expect("placed"));
                    da.total_cmp(&db).then_with(|| a.elder.cmp(&b.elder))
                })
                .map(|(i, _)| i)
                .expect("not empty"),
        };
        let stop = placed.remove(next);
        here = stop.home;
        out.push(stop);
    }
    out.extend(unplaced);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
    }

    fn entry(n: u8, last: Option<NaiveDate>, lat: Option<f64>) -> ElderDue {
        let interval = Interval { days: 30, high_risk_days: 7 };
        ElderDue::new(
            &interval,
            format!("{n:032x}").parse().unwrap(),
            format!("老人{n}"),
            None,
            false,
            last,
            lat.map(|lat| Position { lat, lon: 106.75 }),
            d(20),
        )
    }

    #[test]
    fn the_overdue_list_puts_the_never_visited_and_the_most_overdue_first() {
        let mut list = vec![
            entry(1, Some(d(10)), None),
            entry(2, NaiveDate::from_ymd_opt(2026, 10, 1), None),
            entry(3, None, None),
            entry(4, NaiveDate::from_ymd_opt(2026, 10, 15), None),
            entry(5, NaiveDate::from_ymd_opt(2026, 10, 21), None),
        ];
        sort_overdue_first(&mut list);
        let order: Vec<String> = list.iter().map(|e| e.name.clone()).collect();
        assert_eq!(order, ["老人3", "老人2", "老人4", "老人5", "老人1"]);
        assert_eq!(list[1].days_overdue, Some(20));
        assert_eq!(list[3].status, Status::Due);
    }

    #[test]
    fn the_round_goes_to_the_nearest_next_and_leaves_unplaced_homes_last() {
        let stops = vec![
            entry(1, None, Some(31.86)),
            entry(2, None, None),
            entry(3, None, Some(31.852)),
            entry(4, None, Some(31.855)),
        ];
        let round = walking_round(Some(Position { lat: 31.85, lon: 106.75 }), stops);
        let order: Vec<String> = round.iter().map(|e| e.name.clone()).collect();
        assert_eq!(order, ["老人3", "老人4", "老人1", "老人2"]);
    }
}
