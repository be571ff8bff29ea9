//! A suggested assignment as the review screen shows it: core's plan (`Store::suggest_assignment`)
//! with the names, the helper each elder had and each helper's load before and after.

use super::{elder_names, helper_names};
use crate::dto::{LoadLine, PlanView, ProposalLine, RemoteLine};
use crate::error::AppResult;
use shouwang_core::store::Store;
use std::collections::BTreeMap;

/// A suggested assignment with names, the helper before and the loads before and after.
pub fn plan_view(store: &Store, keep_existing: bool, today: chrono::NaiveDate) -> AppResult<PlanView> {
    let plan = store.suggest_assignment(keep_existing)?;
    let (_, _, current) = store.reach_inputs()?;
    let helpers = helper_names(store)?;
    let elders = elder_names(store, today)?;
    let name_of = |id: &str| helpers.get(id).cloned().unwrap_or_default();
    let proposals: Vec<ProposalLine> = plan
        .proposals
        .iter()
        .map(|p| {
            let from = current.get(&p.elder).map(ToString::to_string);
            let moves = from.as_deref() != Some(p.helper.as_str());
            ProposalLine {
                elder: p.elder.to_string(),
                elder_name: elders.get(p.elder.as_str()).map(|n| n.0.clone()).unwrap_or_default(),
                helper: p.helper.to_string(),
                helper_name: name_of(p.helper.as_str()),
                minutes: p.minutes,
                kept: p.kept,
                from_name: from.as_deref().map(name_of),
                from,
                moves,
            }
        })
        .collect();
    let mut before: BTreeMap<String, u32> = BTreeMap::new();
    for h in current.values() {
        *before.entry(h.to_string()).or_default() += 1;
    }
    let loads = plan
        .loads
        .iter()
        .map(|(h, n)| LoadLine {
            helper: h.to_string(),
            name: name_of(h.as_str()),
            before: before.get(h.as_str()).copied().unwrap_or(0),
            after: u32::try_from(*n).unwrap_or(u32::MAX),
        })
        .collect();
    let remote = plan
        .remote
        .iter()
        .map(|e| {
            let (name, _, phone) = elders.get(e.as_str()).cloned().unwrap_or_default();
            RemoteLine { elder: e.to_string(), name, phone, helper: current.get(e).map(ToString::to_string) }
        })
        .collect();
    let moves = u32::try_from(proposals.iter().filter(|p| p.moves).count()).unwrap_or(u32::MAX);
    Ok(PlanView { proposals, remote, loads, moves })
}
