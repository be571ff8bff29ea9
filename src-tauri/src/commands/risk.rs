//! Risk assessments 风险等级评估 (core refuses them to a device that is not an office's: they score
//! health and income): the preview of what core's rules say today with every reason, keeping an
//! assessment (the level reaches the elder's helpers), the lists, one elder's history and the
//! follow-ups of an intervention.

use crate::dto::{
    ElderRef, RiskEntryView, RiskFollowUpArgs, RiskLine, RiskListQuery, RiskPreview, SaveRiskArgs,
};
use crate::error::AppResult;
use crate::parse;
use crate::state::AppState;
use shouwang_core::store::RiskFilter;
use tauri::State;

/// The level an elder would get today, with every reason, from the registry's rules and the visits of
/// the rules' window. Nothing is stored.
#[tauri::command]
pub async fn assess_risk(state: State<'_, AppState>, args: ElderRef) -> AppResult<RiskPreview> {
    let store = state.open().await?;
    let id = parse::elder("id", &args.id)?;
    Ok(RiskPreview::of(&args.id, &store.risk_preview(&id, state.today())?))
}

/// Assesses and keeps it in the elder's history; the level reaches the elder's helpers.
#[tauri::command]
pub async fn save_risk(state: State<'_, AppState>, args: SaveRiskArgs) -> AppResult<RiskEntryView> {
    let mut store = state.open().await?;
    let id = parse::elder("elder", &args.elder)?;
    let intervention = parse::text(&args.intervention);
    let entry =
        store.assess_risk(&id, &args.assessor, intervention.as_deref(), state.today(), state.now())?;
    drop(store);
    state.sync_soon();
    Ok(RiskEntryView::from(&entry))
}

/// Active elders with their latest assessment; the high-risk list; those not assessed this year.
#[tauri::command]
pub async fn risk_list(state: State<'_, AppState>, args: RiskListQuery) -> AppResult<Vec<RiskLine>> {
    let store = state.open().await?;
    let filter = RiskFilter { high: args.high, unassessed: args.unassessed };
    Ok(store.risk_list(filter, state.today())?.into_iter().map(RiskLine::from).collect())
}

/// An elder's assessments, newest first, each with its follow-ups.
#[tauri::command]
pub async fn risk_history(state: State<'_, AppState>, args: ElderRef) -> AppResult<Vec<RiskEntryView>> {
    let store = state.open().await?;
    let history = store.risk_history(&parse::elder("id", &args.id)?)?;
    Ok(history.iter().rev().map(RiskEntryView::from).collect())
}

/// Records a follow-up of an assessment's intervention; returns its id.
#[tauri::command]
pub async fn follow_up_risk(state: State<'_, AppState>, args: RiskFollowUpArgs) -> AppResult<String> {
    let mut store = state.open().await?;
    let (id, on) = (parse::elder("elder", &args.elder)?, parse::date("on", &args.on)?);
    let saved = store.follow_up_risk(&id, &args.assessment, on, &args.note, &args.by, state.now())?;
    drop(store);
    state.sync_soon();
    Ok(saved)
}
