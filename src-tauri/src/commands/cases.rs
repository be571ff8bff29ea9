//! Cases 个案 along the chain 发现 → 报告 → 转介 → 救助, and emergencies 助急: the list (days waited
//! against the policy's limit, from core), one case with its steps, opening, advancing (the next stage
//! by default, in core), closing, who to call and logging an emergency (one transaction in core). Core
//! decides who may: any device that visits the elder.

use crate::dto::{
    AdvanceArgs, CaseDone, CaseLine, CaseQuery, CaseRef, CaseView, CloseArgs, ElderRef, EmergencyArgs,
    EmergencyContacts, OpenCaseArgs,
};
use crate::error::AppResult;
use crate::parse;
use crate::state::AppState;
use shouwang_core::case::{Closing, Opening, Outcome, Party, Stage};
use shouwang_core::store::{Advance, CaseFilter, EmergencyReport};
use tauri::State;

/// Cases, open first (flagged first), with days waited against the policy's limit.
#[tauri::command]
pub async fn list_cases(state: State<'_, AppState>, args: CaseQuery) -> AppResult<Vec<CaseLine>> {
    let store = state.open().await?;
    let filter = CaseFilter {
        open: args.open.unwrap_or(false),
        flagged: args.flagged.unwrap_or(false),
        elder: parse::elder_opt("elder", args.elder.as_deref())?,
    };
    Ok(store.cases(&filter, state.now())?.into_iter().map(CaseLine::from).collect())
}

/// One case with its chain 发现 → 报告 → 转介 → 救助.
#[tauri::command]
pub async fn get_case(state: State<'_, AppState>, args: CaseRef) -> AppResult<CaseView> {
    let store = state.open().await?;
    let (case, row) = store.case_with_line(&args.id, state.now())?;
    Ok(CaseView::of(case, row))
}

/// Opens a case at 发现.
#[tauri::command]
pub async fn open_case(state: State<'_, AppState>, args: OpenCaseArgs) -> AppResult<CaseDone> {
    let mut store = state.open().await?;
    let now = state.now();
    let at = parse::time("at", args.at.as_deref())?.unwrap_or(now);
    let opening = Opening { at, by: args.by, summary: args.summary, visit: None, emergency: None };
    let saved = store.open_case(&parse::elder("elder", &args.elder)?, opening, now)?;
    drop(store);
    state.sync_soon();
    Ok(CaseDone::of(saved, false))
}

/// Records a stage of a case, the next one unless named (core refuses going back, a skip without a
/// reason, a stage after the last…).
#[tauri::command]
pub async fn advance_case(state: State<'_, AppState>, args: AdvanceArgs) -> AppResult<CaseDone> {
    let mut store = state.open().await?;
    let advance = Advance {
        stage: parse::text(&args.stage).map(|s| parse::choice("stage", &s, Stage::parse)).transpose()?,
        by: args.by,
        at: parse::time("at", args.at.as_deref())?,
        note: args.note.unwrap_or_default(),
        skip_reason: args.skip_reason.unwrap_or_default(),
    };
    let saved = store.advance_case_to(&args.id, advance, state.now())?;
    drop(store);
    state.sync_soon();
    Ok(CaseDone::of(saved, false))
}

/// Closes a case with its outcome.
#[tauri::command]
pub async fn close_case(state: State<'_, AppState>, args: CloseArgs) -> AppResult<CaseDone> {
    let mut store = state.open().await?;
    let now = state.now();
    let closing = Closing {
        at: parse::time("at", args.at.as_deref())?.unwrap_or(now),
        by: args.by,
        outcome: parse::choice("outcome", &args.outcome, Outcome::parse)?,
        note: args.note.unwrap_or_default(),
    };
    let saved = store.close_case(&args.id, closing, now)?;
    drop(store);
    state.sync_soon();
    Ok(CaseDone::of(saved, true))
}

/// Who to call for an elder in an emergency: the card, the village doctor, the helper.
#[tauri::command]
pub async fn emergency_contacts(state: State<'_, AppState>, args: ElderRef) -> AppResult<EmergencyContacts> {
    let store = state.open().await?;
    Ok(store.emergency_contacts(&parse::elder("id", &args.id)?)?.into())
}

/// Logs an emergency 助急: who was called and when (a case opened at 发现); with an outcome, the case
/// is closed with it at once. Core fills the times and who acted, and writes all or nothing.
#[tauri::command]
pub async fn log_emergency(state: State<'_, AppState>, args: EmergencyArgs) -> AppResult<CaseDone> {
    let mut store = state.open().await?;
    let elder = parse::elder("elder", &args.elder)?;
    let report = EmergencyReport {
        called: args
            .called
            .iter()
            .map(|c| parse::choice("called", c, Party::parse))
            .collect::<AppResult<_>>()?,
        called_at: parse::time("called_at", args.called_at.as_deref())?,
        at: parse::time("at", args.at.as_deref())?,
        summary: args.summary,
        by: args.by,
        outcome: parse::text(&args.outcome)
            .map(|o| parse::choice("outcome", &o, Outcome::parse))
            .transpose()?,
        outcome_note: args.outcome_note.unwrap_or_default(),
    };
    let closed = report.outcome.is_some();
    let saved = store.log_emergency(&elder, report, state.now())?;
    drop(store);
    state.sync_soon();
    Ok(CaseDone::of(saved, closed))
}
