//! Walking reach (seed 004: “以互助员为圆心，步行 15 分钟为服务范围”): which helpers can reach an elder
//! on foot, and a suggested assignment that keeps each helper's load balanced.
//!
//! The walk is estimated from the straight-line (haversine) distance between homes, lengthened by the
//! policy's `detour_factor` (paths are not straight) and divided by its `walk_speed_m_per_min`. A walk
//! measured on foot and recorded on the helper overrides the estimate. Elders whom no helper reaches
//! within `walk_minutes` are *remote*: the village committee lists them and serves them by phone or
//! video (电话巡访、视频调度) with a camera arranged with the family.
//!
//! ```
//! use shouwang_core::elder::Position;
//! use shouwang_core::reach::{distance_m, Walk};
//! let walk = Walk::of(&shouwang_core::policy::Policy::builtin("sichuan").unwrap());
//! let d = distance_m(Position { lat: 31.85, lon: 106.75 }, Position { lat: 31.855, lon: 106.75 });
//! assert!((d - 556.0).abs() < 1.0);
//! assert!((walk.minutes_for(d) - 10.3).abs() < 0.1, "556 m × 1.3 at 70 m a minute");
//! ```

use crate::elder::{ElderId, Position};
use crate::helper::HelperId;
use crate::policy::Policy;
use serde::Serialize;
use std::collections::BTreeMap;

/// Mean Earth radius in metres (IUGG).
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// The straight-line distance between two WGS-84 positions, in metres (haversine).
pub fn distance_m(a: Position, b: Position) -> f64 {
    let (la1, la2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = la2 - la1;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// The policy's walk settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Walk {
    /// A helper serves elders within this many minutes.
    pub limit_minutes: f64,
    /// Metres a minute.
    pub speed_m_per_min: f64,
    /// Path length over straight-line distance.
    pub detour_factor: f64,
}

impl Walk {
    /// The walk settings of a policy.
    pub fn of(policy: &Policy) -> Walk {
        Walk {
            limit_minutes: policy.walk_minutes.into(),
            speed_m_per_min: policy.walk_speed_m_per_min,
            detour_factor: policy.detour_factor.max(1.0),
        }
    }

    /// Estimated walking minutes for a straight-line distance.
    pub fn minutes_for(&self, distance_m: f64) -> f64 {
        distance_m * self.detour_factor / self.speed_m_per_min
    }

    /// The straight-line radius the walk covers, in metres.
    pub fn straight_line_reach_m(&self) -> f64 {
        self.limit_minutes * self.speed_m_per_min / self.detour_factor
    }
}

/// A helper as reach sees them.
#[derive(Debug, Clone, PartialEq)]
pub struct HelperAt {
    /// The helper.
    pub id: HelperId,
    /// Home, if recorded.
    pub home: Option<Position>,
    /// Walks measured on foot (elder → minutes).
    pub walks: BTreeMap<ElderId, f64>,
}

/// An elder as reach sees them.
#[derive(Debug, Clone, PartialEq)]
pub struct ElderAt {
    /// The elder.
    pub id: ElderId,
    /// Home, if recorded.
    pub home: Option<Position>,
}

/// How long a helper walks to an elder.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Minutes {
    /// The helper.
    pub helper: HelperId,
    /// Minutes on foot, one decimal.
    pub minutes: f64,
    /// Measured on foot rather than estimated.
    pub measured: bool,
}

/// Minutes from the helper's home to the elder's: the measured walk if there is one, else the
/// estimate; `None` when a home is not recorded.
pub fn minutes(walk: &Walk, helper: &HelperAt, elder: &ElderAt) -> Option<Minutes> {
    if let Some(&m) = helper.walks.get(&elder.id) {
        return Some(Minutes { helper: helper.id.clone(), minutes: round1(m), measured: true });
    }
    let d = distance_m(helper.home?, elder.home?);
    Some(Minutes { helper: helper.id.clone(), minutes: round1(walk.minutes_for(d)), measured: false })
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The helpers who reach the elder within the walk limit, nearest first.
pub fn reachable(walk: &Walk, elder: &ElderAt, helpers: &[HelperAt]) -> Vec<Minutes> {
    let mut out: Vec<Minutes> = helpers
        .iter()
        .filter_map(|h| minutes(walk, h, elder))
        .filter(|m| m.minutes <= walk.limit_minutes)
        .collect();
    out.sort_by(|a, b| a.minutes.total_cmp(&b.minutes).then_with(|| a.helper.cmp(&b.helper)));
    out
}

/// One elder's place in a suggested assignment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Proposal {
    /// The elder.
    pub elder: ElderId,
    /// The helper proposed (or kept).
    pub helper: HelperId,
    /// Minutes on foot, where known (a kept assignment may be out of reach).
    pub minutes: Option<f64>,
    /// The current assignment, kept.
    pub kept: bool,
}

/// A suggested assignment.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Plan {
    /// Elder → helper, in elder order.
    pub proposals: Vec<Proposal>,
    /// Elders no helper reaches on foot: phone and video visits, a camera arranged with the family.
    pub remote: Vec<ElderId>,
    /// Elders per helper under the plan (every helper listed, idle ones with 0).
    pub loads: BTreeMap<HelperId, usize>,
}

/// Suggests an assignment: elders with the fewest helpers in reach are placed first, each with the
/// reachable helper carrying the lowest load (then the nearest). With `keep_existing`, elders already
/// assigned to one of `helpers` keep their helper and count towards that helper's load. Elders no
/// helper reaches are listed as remote and left for the committee to assign by hand (phone and video
/// visits).
pub fn suggest(
    walk: &Walk,
    elders: &[ElderAt],
    helpers: &[HelperAt],
    current: &BTreeMap<ElderId, HelperId>,
    keep_existing: bool,
) -> Plan {
    let mut plan = Plan { loads: helpers.iter().map(|h| (h.id.clone(), 0)).collect(), ..Plan::default() };
    let mut open = Vec::new();
    for elder in elders {
        let reach = reachable(walk, elder, helpers);
        if reach.is_empty() {
            plan.remote.push(elder.id.clone());
        }
        let kept = current.get(&elder.id).filter(|h| keep_existing && plan.loads.contains_key(*h));
        match kept {
            Some(h) => {
                *plan.loads.get_mut(h).expect("a known helper") += 1;
                let minutes = reach.iter().find(|m| m.helper == *h).map(|m| m.minutes);
                plan.proposals.push(Proposal {
                    elder: elder.id.clone(),
                    helper: h.clone(),
                    minutes,
                    kept: true,
                });
            }
            None if !reach.is_empty() => open.push((elder.id.clone(), reach)),
            None => {}
        }
    }
    open.sort_by(|a, b| a.1.len().cmp(&b.1.len()).then_with(|| a.0.cmp(&b.0)));
    for (elder, reach) in open {
        let best = reach
            .iter()
            .min_by(|a, b| {
                plan.loads[&a.helper]
                    .cmp(&plan.loads[&b.helper])
                    .then_with(|| a.minutes.total_cmp(&b.minutes))
                    .then_with(|| a.helper.cmp(&b.helper))
            })
            .expect("reach is not empty");
        *plan.loads.get_mut(&best.helper).expect("a known helper") += 1;
        plan.proposals.push(Proposal {
            elder,
            helper: best.helper.clone(),
            minutes: Some(best.minutes),
            kept: false,
        });
    }
    plan.proposals.sort_by(|a, b| a.elder.cmp(&b.elder));
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk() -> Walk {
        Walk::of(&Policy::builtin("sichuan").unwrap())
    }

    fn elder(n: u8, lat: f64) -> ElderAt {
        ElderAt { id: format!("{n:032x}").parse().unwrap(), home: Some(Position { lat, lon: 106.75 }) }
    }

    fn helper(n: u8, lat: f64) -> HelperAt {
        HelperAt {
            id: format!("{:032x}", 0xf0 + u32::from(n)).parse().unwrap(),
            home: Some(Position { lat, lon: 106.75 }),
            walks: BTreeMap::new(),
        }
    }

    #[test]
    fn fifteen_minutes_is_about_eight_hundred_metres_in_a_straight_line() {
        assert!((walk().straight_line_reach_m() - 807.7).abs() < 0.1);
    }

    #[test]
    fn a_measured_walk_overrides_the_estimate() {
        let e = elder(1, 31.85);
        let mut h = helper(1, 31.853); // ≈ 334 m: about 6 minutes estimated
        assert!(!minutes(&walk(), &h, &e).unwrap().measured);
        h.walks.insert(e.id.clone(), 22.0); // a river in between
        assert_eq!(
            minutes(&walk(), &h, &e).unwrap(),
            Minutes { helper: h.id.clone(), minutes: 22.0, measured: true }
        );
        assert!(reachable(&walk(), &e, &[h]).is_empty());
    }

    #[test]
    fn an_elder_beyond_every_helpers_reach_is_remote_and_loads_are_balanced() {
        // Two helpers 600 m apart; four elders between them, one on the far hill 3 km away.
        let helpers = [helper(1, 31.850), helper(2, 31.8554)];
        let elders =
            [elder(1, 31.852), elder(2, 31.8527), elder(3, 31.853), elder(4, 31.8535), elder(5, 31.88)];
        let plan = suggest(&walk(), &elders, &helpers, &BTreeMap::new(), true);
        assert_eq!(plan.remote, [elders[4].id.clone()]);
        assert_eq!(plan.proposals.len(), 4);
        assert_eq!(plan.loads.values().copied().collect::<Vec<_>>(), [2, 2], "balanced: {plan:?}");
    }

    #[test]
    fn existing_assignments_are_kept_unless_asked() {
        let helpers = [helper(1, 31.850), helper(2, 31.8554)];
        let elders = [elder(1, 31.852), elder(2, 31.8527)];
        let current = BTreeMap::from([
            (elders[0].id.clone(), helpers[1].id.clone()),
            (elders[1].id.clone(), helpers[1].id.clone()),
        ]);
        let kept = suggest(&walk(), &elders, &helpers, &current, true);
        assert!(kept.proposals.iter().all(|p| p.kept && p.helper == helpers[1].id));
        let fresh = suggest(&walk(), &elders, &helpers, &current, false);
        assert_eq!(fresh.loads.values().copied().collect::<Vec<_>>(), [1, 1]);
    }
}
