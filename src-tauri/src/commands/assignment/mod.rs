//! Assignment 分派 by walking reach: the plot ([`plot`]), a balanced plan from core for review
//! ([`plan`]), applying it, one elder assigned by hand, an elder's assignment history. Core refuses
//! each to a device that is not an office's.

pub mod plan;
pub mod plot;

use crate::dto::{AssignArgs, AssignmentView, ElderRef, MovedLine, PlanArgs, PlanView, ReachMap, StintLine};
use crate::error::AppResult;
use crate::parse;
use crate::state::AppState;
use shouwang_core::helper::HelperId;
use shouwang_core::store::{ElderFilter, Moved, Store};
use std::collections::BTreeMap;
use tauri::State;

/// Helper id → name.
pub fn helper_names(store: &Store) -> AppResult<BTreeMap<String, String>> {
    Ok(store.helpers()?.into_iter().map(|h| (h.id.to_string(), h.name)).collect())
}

/// Elder id → (name, address, phone).
pub type ElderNames = BTreeMap<String, (String, String, Option<String>)>;

/// Every elder the device sees (archived too) by id: (name, address, phone).
pub fn elder_names(store: &Store, today: chrono::NaiveDate) -> AppResult<ElderNames> {
    let filter = ElderFilter { any_status: true, ..ElderFilter::default() };
    let rows = store.list(&filter, today)?;
    Ok(rows.into_iter().map(|r| (r.id.to_string(), (r.name, r.address, r.phone))).collect())
}

/// The elders whose helper changed, with their names.
pub fn moved_lines(moved: Vec<Moved>, store: &Store, today: chrono::NaiveDate) -> AppResult<Vec<MovedLine>> {
    let names = elder_names(store, today)?;
    Ok(moved
        .into_iter()
        .map(|m| MovedLine {
            elder_name: names.get(m.elder.as_str()).map(|n| n.0.clone()).unwrap_or_default(),
            elder: m.elder.to_string(),
            from: m.from.map(|h| h.to_string()),
            to: m.to.to_string(),
        })
        .collect())
}

/// The assignment plot: homes on a local plane in metres, reach circles, assignments, remote elders.
#[tauri::command]
pub async fn reach_map(state: State<'_, AppState>) -> AppResult<ReachMap> {
    plot::reach_map_of(&*state.open().await?, state.today())
}

/// A balanced assignment by walking reach, for review (nothing written).
#[tauri::command]
pub async fn suggest_assignment(state: State<'_, AppState>, args: PlanArgs) -> AppResult<PlanView> {
    plan::plan_view(&*state.open().await?, args.keep_existing, state.today())
}

/// Applies the reviewed plan in one transaction; refused (nothing written) when the plan core makes
/// now differs from the one reviewed.
#[tauri::command]
pub async fn apply_assignment(state: State<'_, AppState>, args: PlanArgs) -> AppResult<Vec<MovedLine>> {
    let mut store = state.open().await?;
    let reviewed: Option<Vec<(String, String)>> =
        args.reviewed.map(|picks| picks.into_iter().map(|p| (p.elder, p.helper)).collect());
    let moved = store.apply_reviewed_plan(args.keep_existing, reviewed.as_deref(), state.now())?;
    let lines = moved_lines(moved, &store, state.today())?;
    drop(store);
    state.sync_soon();
    Ok(lines)
}

/// Assigns one elder to one helper by hand (a remote elder too); the history keeps the previous one.
#[tauri::command]
pub async fn assign(state: State<'_, AppState>, args: AssignArgs) -> AppResult<Option<MovedLine>> {
    let mut store = state.open().await?;
    let (elder, helper) = (parse::elder("elder", &args.elder)?, parse::helper("helper", &args.helper)?);
    let moved = store.assign(&elder, &helper, &args.reason, state.now())?;
    let line = moved_lines(moved.into_iter().collect(), &store, state.today())?.pop();
    drop(store);
    state.sync_soon();
    Ok(line)
}

/// An elder's helper and who served them before, newest first.
#[tauri::command]
pub async fn elder_assignment(state: State<'_, AppState>, args: ElderRef) -> AppResult<AssignmentView> {
    let store = state.open().await?;
    let a = store.assignment(&parse::elder("id", &args.id)?)?;
    let names = helper_names(&store)?;
    let name = |h: &HelperId| names.get(h.as_str()).cloned().unwrap_or_default();
    Ok(AssignmentView {
        helper_name: a.helper.as_ref().map(name),
        helper: a.helper.as_ref().map(ToString::to_string),
        history: (a.history.iter().rev())
            .map(|s| StintLine {
                helper: s.helper.to_string(),
                helper_name: name(&s.helper),
                from: s.from.to_string(),
                to: s.to.map(|d| d.to_string()),
                reason: s.reason.clone(),
            })
            .collect(),
    })
}
