//! 守望 Shouwang's app shell (Tauri 2), an adapter over `shouwang-core`: the store opened once in
//! managed state ([`state`]), the commands the UI invokes ([`commands`], one file per domain, each
//! reading the UI's input with [`parse`], calling core and converting back), the background sync loop
//! and the app lock. The UI is `ui/` (Vue 3 + Vant); the TypeScript types of every command and event
//! are generated from [`dto`] and [`error`] into `ui/src/bindings/index.ts`.
//!
//! The database is `SHOUWANG_DB` when set, else `shouwang.sqlite` in the app data directory.

mod bindings;
pub mod commands;
pub mod dto;
pub mod error;
pub mod hardening;
pub mod lock;
pub mod parse;
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
        .plugin(hardening::navigation_guard())
        .invoke_handler(tauri::generate_handler![
            // -- first run, sync (commands/app.rs, sync.rs) --
            commands::app::app_status,
            commands::app::create_registry,
            commands::app::enrol,
            commands::sync::sync_now,
            commands::sync::sync_status,
            // -- the registry, the family's card (commands/registry.rs, family.rs) --
            commands::registry::list_elders,
            commands::registry::my_elders,
            commands::registry::get_elder,
            commands::registry::validate_elder,
            commands::registry::save_elder,
            commands::registry::review,
            commands::family::family_card,
            // -- visits (commands/visits.rs) --
            commands::visits::schedule,
            commands::visits::today_round,
            commands::visits::log_visit,
            commands::visits::save_visit_draft,
            commands::visits::visit_draft,
            commands::visits::discard_visit_draft,
            commands::visits::visit_history,
            // -- helpers, assignment (commands/helpers.rs, assignment/) --
            commands::helpers::list_helpers,
            commands::helpers::get_helper,
            commands::helpers::save_helper,
            commands::helpers::replace_helper,
            commands::assignment::reach_map,
            commands::assignment::suggest_assignment,
            commands::assignment::apply_assignment,
            commands::assignment::assign,
            commands::assignment::elder_assignment,
            // -- cases and emergencies (commands/cases.rs) --
            commands::cases::list_cases,
            commands::cases::get_case,
            commands::cases::open_case,
            commands::cases::advance_case,
            commands::cases::close_case,
            commands::cases::emergency_contacts,
            commands::cases::log_emergency,
            // -- risk and agreements (commands/risk.rs, agreements.rs) --
            commands::risk::assess_risk,
            commands::risk::save_risk,
            commands::risk::risk_list,
            commands::risk::risk_history,
            commands::risk::follow_up_risk,
            commands::agreements::list_agreements,
            commands::agreements::get_agreement,
            commands::agreements::check_agreement,
            commands::agreements::save_agreement,
            commands::agreements::record_payment,
            commands::agreements::record_duty,
            commands::agreements::end_agreement,
            commands::agreements::renew_agreement,
            commands::agreements::print_agreement,
            // -- reports, the ledger, cards (commands/reports/, ledger.rs, cards.rs) --
            commands::reports::summary_table,
            commands::reports::export_summary,
            commands::reports::monthly_progress,
            commands::reports::export_progress,
            commands::ledger::preview_import,
            commands::ledger::import_ledger,
            commands::ledger::export_ledger,
            commands::cards::print_cards,
            // -- devices, the family's visited-this-month (commands/devices.rs, family.rs) --
            commands::devices::issue_enrolment,
            commands::family::family_visited,
            commands::devices::device_keys,
            commands::devices::revoke_device,
            commands::devices::rotate_keys,
            // -- the app lock, privacy (commands/lock.rs, privacy.rs) --
            commands::lock::lock_status,
            commands::lock::unlock,
            commands::lock::lock_now,
            commands::lock::set_idle_minutes,
            commands::lock::change_pin,
            commands::lock::touch,
            commands::privacy::list_consents,
            commands::privacy::record_consent,
            commands::privacy::withdraw_consent,
            commands::privacy::export_elder_data,
            commands::privacy::erase_elder,
            commands::privacy::audit_log,
            commands::privacy::verify_audit,
        ])
        .setup(|app| {
            if app.try_state::<AppState>().is_none() {
                let path = db_path(app);
                app.manage(AppState::new(path));
            }
            sync_loop::spawn(app.handle().clone());
            commands::lock::spawn_watchdog(app.handle().clone());
            Ok(())
        })
}

/// Starts the app (desktop `main`, and the mobile entry point).
#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    let mut context = tauri::generate_context!();
    hardening::pin_isolation_frame(&mut context);
    setup(tauri::Builder::default()).run(context).expect("守望 could not start / the app could not start");
}

#[cfg(test)]
mod tests;
