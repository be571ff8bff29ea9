//! The visit log 一访四查: the schedule and today's round, logging a visit (core checks it: a concern
//! needs a note…), the draft kept while the form is filled in (local, never synced), an elder's
//! history. Which elders a device sees is core's (a helper's tablet: that helper's).

use crate::dto::{DueLine, ElderRef, LoggedVisit, RoundQuery, VisitForm, VisitLine};
use crate::error::{AppError, AppResult};
use crate::parse;
use crate::state::AppState;
use tauri::State;

/// Every elder's place in the visit schedule, overdue first (a helper's when `helper` is given).
#[tauri::command]
pub async fn schedule(state: State<'_, AppState>, args: RoundQuery) -> AppResult<Vec<DueLine>> {
    let store = state.open().await?;
    let helper = args.helper.as_deref().map(|h| parse::helper("helper", h)).transpose()?;
    Ok(store.schedule_of(helper.as_ref(), state.today())?.into_iter().map(DueLine::from).collect())
}

/// Today's round: the elders due today or overdue, ordered as a walking round (from the helper's
/// home: the one given, else the helper this tablet belongs to).
#[tauri::command]
pub async fn today_round(state: State<'_, AppState>, args: RoundQuery) -> AppResult<Vec<DueLine>> {
    let store = state.open().await?;
    let helper = args.helper.as_deref().map(|h| parse::helper("helper", h)).transpose()?;
    let round = store.round_of(helper.as_ref(), state.today())?;
    Ok(round.into_iter().map(DueLine::from).collect())
}

/// Logs a visit; removes the elder's draft. Wakes the sync loop.
#[tauri::command]
pub async fn log_visit(state: State<'_, AppState>, args: VisitForm) -> AppResult<LoggedVisit> {
    let mut store = state.open().await?;
    let now = state.now();
    let saved = store.log_visit(args.to_visit(now)?, now)?;
    drop(store);
    state.sync_soon();
    Ok(saved.into())
}

/// Keeps the visit being filled in (called on each change); local, never synced.
#[tauri::command]
pub async fn save_visit_draft(state: State<'_, AppState>, args: VisitForm) -> AppResult<()> {
    let mut store = state.open().await?;
    let elder = parse::elder("elder", &args.elder)?;
    let draft = serde_json::to_value(&args).map_err(|e| AppError::failed(None, e))?;
    Ok(store.save_visit_draft(&elder, &draft, state.now())?)
}

/// The draft kept for an elder, if any (a draft this build cannot read counts as none).
#[tauri::command]
pub async fn visit_draft(state: State<'_, AppState>, args: ElderRef) -> AppResult<Option<VisitForm>> {
    let store = state.open().await?;
    Ok(store.visit_draft(&parse::elder("id", &args.id)?)?.and_then(|v| serde_json::from_value(v).ok()))
}

/// Throws the elder's draft away; whether there was one.
#[tauri::command]
pub async fn discard_visit_draft(state: State<'_, AppState>, args: ElderRef) -> AppResult<bool> {
    let mut store = state.open().await?;
    Ok(store.discard_visit_draft(&parse::elder("id", &args.id)?)?)
}

/// An elder's visits, newest first (amendments listed with what they amend).
#[tauri::command]
pub async fn visit_history(state: State<'_, AppState>, args: ElderRef) -> AppResult<Vec<VisitLine>> {
    let store = state.open().await?;
    let history = store.visit_history(&parse::elder("id", &args.id)?)?;
    Ok(history.into_iter().rev().map(VisitLine::from).collect())
}
