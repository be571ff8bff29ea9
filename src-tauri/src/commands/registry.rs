//! The registry 登记册: the list with search and filters, one elder's record as the form shows it,
//! checking and saving the form, and the committee's review list. Who sees which elders and fields,
//! and who may write, is core's (`Store::viewer`).

use crate::dto::{
    elder_to_form, form_to_elder, ElderForm, ElderLine, ElderRef, ListQuery, Review, SavedElder,
};
use crate::error::{AppError, AppResult, ErrorKind, FieldError};
use crate::parse;
use crate::state::AppState;
use shouwang_core::store::{ElderFilter, Error as StoreError};
use tauri::State;

/// The registry list with search, filters and order (the elders this device's role sees).
#[tauri::command]
pub async fn list_elders(state: State<'_, AppState>, args: ListQuery) -> AppResult<Vec<ElderLine>> {
    let store = state.open().await?;
    Ok(store.list(&args.to_filter()?, state.today())?.into_iter().map(ElderLine::from).collect())
}

/// A helper's elders by name: on a tablet enrolled for one helper, core lists that helper's only.
#[tauri::command]
pub async fn my_elders(state: State<'_, AppState>) -> AppResult<Vec<ElderLine>> {
    let store = state.open().await?;
    Ok(store.list(&ElderFilter::default(), state.today())?.into_iter().map(ElderLine::from).collect())
}

/// One elder's record, laid out like the form (core audits an office's view of sensitive fields).
#[tauri::command]
pub async fn get_elder(state: State<'_, AppState>, args: ElderRef) -> AppResult<ElderForm> {
    let store = state.open().await?;
    elder_to_form(&store.view_elder(&parse::elder("id", &args.id)?, state.now())?)
}

/// Checks the form with core's rules without saving: every violation and warning, each under its
/// field. An empty list: the record can be saved.
#[tauri::command]
pub async fn validate_elder(state: State<'_, AppState>, args: ElderForm) -> AppResult<Vec<FieldError>> {
    let store = state.open().await?;
    let base = match args.id.as_deref() {
        Some(id) => Some(store.elder(&parse::elder("id", id)?)?),
        None => None,
    };
    let unit = store.registry().unit.clone();
    let mut elder = match form_to_elder(&args, base.as_ref(), unit.as_str()) {
        Ok(e) => e,
        Err(e) if e.kind == ErrorKind::Invalid => return Ok(e.violations),
        Err(e) => return Err(e),
    };
    Ok(store.check_elder(&mut elder, state.now())?.iter().map(FieldError::from).collect())
}

/// Registers a new elder or saves an edit; a rejected record writes nothing. Wakes the sync loop.
#[tauri::command]
pub async fn save_elder(state: State<'_, AppState>, args: ElderForm) -> AppResult<SavedElder> {
    let mut store = state.open().await?;
    let unit = store.registry().unit.to_string();
    let saved = match args.id.as_deref() {
        None => store.add_elder(form_to_elder(&args, None, &unit)?, state.now())?,
        Some(id) => {
            // The form is laid over the record core loads in the edit's transaction; a form that does
            // not convert aborts the edit and is answered as it is.
            let mut converted: Option<AppError> = None;
            let result = store.update_elder(&parse::elder("id", id)?, state.now(), |e| {
                *e = form_to_elder(&args, Some(&*e), &unit).map_err(|err| {
                    let abort = StoreError::Field {
                        field: err.field.clone().unwrap_or_default(),
                        zh: err.message.clone(),
                        en: err.en.clone(),
                    };
                    converted = Some(err);
                    abort
                })?;
                Ok(())
            });
            if let Some(err) = converted {
                return Err(err);
            }
            result?
        }
    };
    drop(store);
    state.sync_soon();
    Ok(SavedElder {
        id: saved.id.to_string(),
        warnings: saved.warnings.iter().map(FieldError::from).collect(),
    })
}

/// The committee's review list: fields in conflict and changes held in quarantine.
#[tauri::command]
pub async fn review(state: State<'_, AppState>) -> AppResult<Review> {
    let store = state.open().await?;
    let conflicts = store.review_list()?.into_iter().map(Into::into).collect();
    let quarantine = store.quarantined()?.into_iter().map(Into::into).collect();
    Ok(Review { conflicts, quarantine })
}
