//! 守望 Shouwang's app shell (Tauri 2): the store opened once in managed state, the commands the UI
//! invokes (thin wrappers over `shouwang-core`), and the background sync loop. The UI is `ui/`
//! (Vue 3 + Vant); the TypeScript types of every command and event are generated from [`dto`] and
//! [`error`] into `ui/src/bindings/index.ts`.
//!
//! The database is `SHOUWANG_DB` when set, else `shouwang.sqlite` in the app data directory.

mod bindings;
pub mod commands;
pub mod dto;
pub mod error;
pub mod state;
pub mod sync_loop;

pub use bindings::{generate as generate_bindings, COMMANDS, EVENTS};

use state::AppState;
use std::path::PathBuf;
use tauri::{Builder, Manager, Runtime};

/// The database file: `SHOUWANG_DB`, else the app data directory.
fn db_path<R: Runtime>(app: &tauri::App<R>) -> PathBuf {
    if let Some(path) = std::env::var_os("SHOUWANG_DB").filter(|p| !p.is_empty()) {
        return PathBuf::from(path);
    }
    match app.path().app_data_dir() {
        Ok(dir) => dir.join("shouwang.sqlite"),
        Err(_) => PathBuf::from("shouwang.sqlite"),
    }
}

/// Registers the commands, the state (unless already managed, as tests do) and the sync loop.
pub fn setup<R: Runtime>(builder: Builder<R>) -> Builder<R> {
    builder
        .invoke_handler(tauri::generate_handler![
            commands::app_status,
            commands::create_registry,
            commands::enrol,
            commands::sync_now,
            commands::sync_status,
            commands::list_elders,
            commands::my_elders,
            commands::get_elder,
            commands::validate_elder,
            commands::save_elder,
            commands::review,
            commands::family_card,
            commands::schedule,
            commands::today_round,
            commands::log_visit,
            commands::save_visit_draft,
            commands::visit_draft,
            commands::discard_visit_draft,
            commands::visit_history,
        ])
        .setup(|app| {
            if app.try_state::<AppState>().is_none() {
                let path = db_path(app);
                app.manage(AppState::new(path));
            }
            sync_loop::spawn(app.handle().clone());
            Ok(())
        })
}

/// Starts the app (desktop `main`, and the mobile entry point).
#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    setup(tauri::Builder::default())
        .run(tauri::generate_context!())
        .expect("守望 could not start / the app could not start");
}

#[cfg(test)]
mod tests;
