//! The office's reports: the summary table 附件2 with its cross-column checks 勾稽关系 ([`summary`])
//! and the monthly progress report ([`progress`]), on screen and exported into the download directory
//! (core lays the files out). Core refuses them to a device that is not an office's (`Reports`).
//! Each is one core call (`Store::summary`, `Store::monthly_progress`), the same the CLI makes.

pub mod progress;
pub mod summary;

use super::files;
use crate::dto::{
    FileKind, ProgressExport, ProgressQuery, ProgressReport, SavedFile, SummaryExport, SummaryQuery,
    SummaryTable,
};
use crate::error::{AppError, AppResult};
use crate::parse;
use crate::state::AppState;
use shouwang_core::report::export;
use tauri::{AppHandle, Runtime, State};

/// The summary table 附件2 of a unit on a date, with every check.
#[tauri::command]
pub async fn summary_table(state: State<'_, AppState>, args: SummaryQuery) -> AppResult<SummaryTable> {
    let store = state.open().await?;
    let (table, layout) = store.summary(&summary::request(&args)?, state.today())?;
    Ok(summary::summary_view(&table, &layout))
}

/// Writes the summary table into the download directory (core lays it out); returns where.
#[tauri::command]
pub async fn export_summary<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    args: SummaryExport,
) -> AppResult<SavedFile> {
    let (table, layout) = (state.open().await?).summary(&summary::request(&args.query)?, state.today())?;
    let stem = format!("附件2汇总表-{}{}-{}", table.unit_name, table.unit, table.date);
    let path = files::free_path(&files::export_dir(&app)?, &stem, args.format.extension());
    export::write(&table, &layout, &path).map_err(|e| AppError::failed(Some("file"), e))?;
    Ok(files::saved(&path))
}

/// The monthly progress report per village and township.
#[tauri::command]
pub async fn monthly_progress(state: State<'_, AppState>, args: ProgressQuery) -> AppResult<ProgressReport> {
    let store = state.open().await?;
    let (report, on) =
        store.monthly_progress(parse::month(args.month.as_deref(), state.today())?, state.today())?;
    Ok(progress::progress_view(&report, on, store.registry()))
}

/// Writes the monthly progress report into the download directory; returns where.
#[tauri::command]
pub async fn export_progress<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    args: ProgressExport,
) -> AppResult<SavedFile> {
    let store = state.open().await?;
    let (report, _) =
        store.monthly_progress(parse::month(args.query.month.as_deref(), state.today())?, state.today())?;
    let registry = store.registry().clone();
    drop(store);
    let bytes = match args.format {
        FileKind::Xlsx => {
            shouwang_core::progress::to_xlsx(&report).map_err(|e| AppError::failed(Some("file"), e))?
        }
        FileKind::Csv => shouwang_core::progress::to_csv(&report).into_bytes(),
        FileKind::Json => serde_json::to_vec_pretty(&shouwang_core::progress::to_json(&report))
            .map_err(|e| AppError::failed(Some("file"), e))?,
    };
    let stem = format!("月度推进情况-{}{}-{}", registry.name, registry.unit, report.month);
    files::write(&app, &stem, args.format.extension(), &bytes)
}
