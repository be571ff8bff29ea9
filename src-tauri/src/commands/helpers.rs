//! The helpers' register 互助员: the list with each helper's load, one helper as the form shows them,
//! filing 备案 or editing one, and replacing 更换 one (their elders move, the history kept). Core
//! refuses every one of them to a device that is not an office's.

use super::assignment::moved_lines;
use crate::dto::{ElderRef, HelperForm, HelperLine, MovedLine, ReplaceArgs, SavedHelper};
use crate::error::AppResult;
use crate::parse;
use crate::state::AppState;
use tauri::State;

/// Every helper, active first: phone, availability, 备案, elders served.
#[tauri::command]
pub async fn list_helpers(state: State<'_, AppState>) -> AppResult<Vec<HelperLine>> {
    let store = state.open().await?;
    Ok(HelperLine::list(store.helpers()?))
}

/// One helper as the form shows them.
#[tauri::command]
pub async fn get_helper(state: State<'_, AppState>, args: ElderRef) -> AppResult<HelperForm> {
    let store = state.open().await?;
    let id = parse::helper("id", &args.id)?;
    Ok(HelperForm::of(&id, store.helper(&id)?))
}

/// Files a new helper or saves an edit; core's rules answer under their fields, nothing written.
#[tauri::command]
pub async fn save_helper(state: State<'_, AppState>, args: HelperForm) -> AppResult<SavedHelper> {
    let mut store = state.open().await?;
    let now = state.now();
    let id = match parse::text(&args.id) {
        None => store.add_helper(args.to_helper(None)?, now)?,
        Some(id) => {
            let id = parse::helper("id", &id)?;
            let edited = args.to_helper(Some(store.helper(&id)?))?;
            store.update_helper(&id, now, |h| {
                *h = edited;
                Ok(())
            })?;
            id
        }
    };
    drop(store);
    state.sync_soon();
    Ok(SavedHelper { id: id.to_string() })
}

/// Replaces a helper: their elders move to the new one with the history kept.
#[tauri::command]
pub async fn replace_helper(state: State<'_, AppState>, args: ReplaceArgs) -> AppResult<Vec<MovedLine>> {
    let mut store = state.open().await?;
    let (old, new) = (parse::helper("old", &args.old)?, parse::helper("new", &args.new)?);
    let moved = store.replace_helper(&old, &new, &args.reason, state.now())?;
    let lines = moved_lines(moved, &store, state.today())?;
    drop(store);
    state.sync_soon();
    Ok(lines)
}
