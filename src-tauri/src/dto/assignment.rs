//! Assignment by walking reach: the plot of homes with each helper's 15-minute circle, a suggested
//! plan for review, one elder assigned by hand and an elder's assignment history.

use serde::{Deserialize, Serialize};
use shouwang_core::reach::Walk;
use ts_rs::TS;

use super::helpers::HomePoint;

/// `assign`: one elder to one helper, by hand.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct AssignArgs {
    /// Elder id.
    pub elder: String,
    /// Helper id.
    pub helper: String,
    /// Why (e.g. 就近, 家属要求).
    pub reason: String,
}

/// The policy's walk, as core reads it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
pub struct WalkView {
    /// A helper serves elders within this many minutes on foot.
    pub limit_minutes: f64,
    /// Metres a minute.
    pub speed_m_per_min: f64,
    /// Path length over straight-line distance.
    pub detour_factor: f64,
    /// The straight-line radius the walk covers, in metres.
    pub reach_m: f64,
}

impl From<Walk> for WalkView {
    fn from(w: Walk) -> WalkView {
        WalkView {
            limit_minutes: w.limit_minutes,
            speed_m_per_min: w.speed_m_per_min,
            detour_factor: w.detour_factor,
            reach_m: w.straight_line_reach_m(),
        }
    }
}

/// A helper on the plot.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct MapHelper {
    /// Helper id.
    pub id: String,
    /// 姓名
    pub name: String,
    /// Metres east of the plot's origin (absent: no home recorded).
    pub x: Option<f64>,
    /// Metres north of the plot's origin.
    pub y: Option<f64>,
    /// Radius of the 15-minute reach circle in metres.
    pub reach_m: f64,
    /// Elders currently assigned.
    pub elders: u32,
}

/// A helper within walking reach of an elder.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct InReach {
    /// Helper id.
    pub helper: String,
    /// Minutes on foot.
    pub minutes: f64,
    /// Measured on foot rather than estimated.
    pub measured: bool,
}

/// An elder on the plot.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct MapElder {
    /// Elder id.
    pub id: String,
    /// 姓名
    pub name: String,
    /// 现居住地址
    pub address: String,
    /// Their phone.
    pub phone: Option<String>,
    /// Metres east of the origin (absent: no home recorded).
    pub x: Option<f64>,
    /// Metres north of the origin.
    pub y: Option<f64>,
    /// The current helper.
    pub helper: Option<String>,
    /// Minutes on foot from the current helper's home, when known.
    pub minutes: Option<f64>,
    /// No helper reaches them on foot: phone and video visits.
    pub remote: bool,
    /// Helpers who reach them, nearest first.
    pub reachable: Vec<InReach>,
}

/// Everything the assignment plot needs: homes projected to metres on a local plane around the
/// village (east `x`, north `y`), each helper's reach radius, the current assignments, the remote.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ReachMap {
    /// The policy's walk.
    pub walk: WalkView,
    /// The plot's origin (the centre of the homes), WGS-84.
    pub origin: Option<HomePoint>,
    /// Active helpers.
    pub helpers: Vec<MapHelper>,
    /// Active elders.
    pub elders: Vec<MapElder>,
}

/// `suggest_assignment` / `apply_assignment`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, TS)]
#[ts(optional_fields = nullable)]
pub struct PlanArgs {
    /// Elders already assigned keep their helper.
    pub keep_existing: bool,
    /// For `apply_assignment`: the proposals the user reviewed (elder → helper); refused when the
    /// plan changed since.
    pub reviewed: Option<Vec<PlanPick>>,
}

/// One reviewed pick: an elder and the helper proposed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PlanPick {
    /// Elder id.
    pub elder: String,
    /// Helper id.
    pub helper: String,
}

/// One elder in a suggested assignment.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ProposalLine {
    /// Elder id.
    pub elder: String,
    /// Their name.
    pub elder_name: String,
    /// The helper proposed (or kept).
    pub helper: String,
    /// Their name.
    pub helper_name: String,
    /// Minutes on foot, where known.
    pub minutes: Option<f64>,
    /// The current assignment, kept.
    pub kept: bool,
    /// The helper before, when the plan moves the elder.
    pub from: Option<String>,
    /// Their name.
    pub from_name: Option<String>,
    /// The plan changes this elder's helper.
    pub moves: bool,
}

/// An elder no helper reaches on foot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RemoteLine {
    /// Elder id.
    pub elder: String,
    /// Their name.
    pub name: String,
    /// Their phone (for phone visits).
    pub phone: Option<String>,
    /// Their current helper, if assigned by hand.
    pub helper: Option<String>,
}

/// Elders per helper under a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LoadLine {
    /// Helper id.
    pub helper: String,
    /// Their name.
    pub name: String,
    /// Elders now.
    pub before: u32,
    /// Elders under the plan.
    pub after: u32,
}

/// A suggested assignment as the review screen shows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PlanView {
    /// Elder → helper, by elder.
    pub proposals: Vec<ProposalLine>,
    /// Elders no helper reaches.
    pub remote: Vec<RemoteLine>,
    /// Load per helper.
    pub loads: Vec<LoadLine>,
    /// How many elders the plan moves.
    pub moves: u32,
}

/// An elder's assignment and its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AssignmentView {
    /// The current helper.
    pub helper: Option<String>,
    /// Their name.
    pub helper_name: Option<String>,
    /// Every stint, newest first.
    pub history: Vec<StintLine>,
}

/// One helper's time serving an elder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct StintLine {
    /// Helper id.
    pub helper: String,
    /// Their name.
    pub helper_name: String,
    /// First day (`YYYY-MM-DD`).
    pub from: String,
    /// Last day, while open absent.
    pub to: Option<String>,
    /// Why.
    pub reason: String,
}
