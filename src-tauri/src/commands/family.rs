//! A family device 家属: the contact card 明白卡 of the one elder it was enrolled for, and whether they
//! were visited this month (from the date a visit writes into the card document).

use crate::dto::{CardView, VisitedView};
use crate::error::{AppError, AppResult, ErrorKind};
use crate::state::AppState;
use shouwang_core::elder::ElderId;
use shouwang_core::store::Store;
use tauri::State;

/// The elder this device was enrolled for (core's viewer), else `not_found`.
fn own_elder(store: &Store) -> AppResult<ElderId> {
    store.viewer().elder.ok_or_else(|| {
        AppError::new(ErrorKind::NotFound, None, "本设备没有关联的老人", "this device has no elder")
    })
}

/// A family device's contact card of its elder.
#[tauri::command]
pub async fn family_card(state: State<'_, AppState>) -> AppResult<CardView> {
    let store = state.open().await?;
    Ok(store.card(&own_elder(&store)?)?.into())
}

/// Whether the family's elder was visited this month, from the card document alone.
#[tauri::command]
pub async fn family_visited(state: State<'_, AppState>) -> AppResult<VisitedView> {
    let store = state.open().await?;
    Ok(VisitedView::of(&store.card(&own_elder(&store)?)?, state.today()))
}
