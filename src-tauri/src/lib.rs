//! 守望 Shouwang's app shell (Tauri 2): the store opened once in managed state, the commands the UI
//! invokes (thin wrappers over `shouwang-core`), and the background sync loop. The UI is `ui/`
//! (Vue 3 + Vant); the TypeScript types of every command and event are generated from [`dto`] and
//! [`error`] into `ui/src/bindings/index.ts`.
//!
//! The database is `SHOUWANG_DB` when set, else `shouwang.sqlite` in the app data directory.

mod bindings;
pub mod commands;
pub mod devices;
pub mod dto;
pub mod error;
pub mod hardening;
pub mod lock;
pub mod office;
pub mod paperwork;
pub mod people;
pub mod privacy;
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
            // -- people: helpers, assignment, cases, emergencies (src-tauri/src/people.rs) --
            people::list_helpers,
            people::get_helper,
            people::save_helper,
            people::replace_helper,
            people::reach_map,
            people::suggest_assignment,
            people::apply_assignment,
            people::assign,
            people::elder_assignment,
            people::list_cases,
            people::get_case,
            people::open_case,
            people::advance_case,
            people::close_case,
            people::emergency_contacts,
            people::log_emergency,
            // -- office: risk and agreements (src-tauri/src/office.rs) --
            office::risk::assess_risk,
            office::risk::save_risk,
            office::risk::risk_list,
            office::risk::risk_history,
            office::risk::follow_up_risk,
            office::agreement::list_agreements,
            office::agreement::get_agreement,
            office::agreement::check_agreement,
            office::agreement::save_agreement,
            office::agreement::record_payment,
            office::agreement::record_duty,
            office::agreement::end_agreement,
            office::agreement::renew_agreement,
            office::agreement::print_agreement,
            // -- office: reports, ledger import/export, cards, devices (src-tauri/src/paperwork.rs) --
            paperwork::summary_table,
            paperwork::export_summary,
            paperwork::monthly_progress,
            paperwork::export_progress,
            paperwork::preview_import,
            paperwork::import_ledger,
            paperwork::export_ledger,
            paperwork::print_cards,
            // -- devices: enrolment codes, the family's visited-this-month (src-tauri/src/devices.rs) --
            devices::issue_enrolment,
            devices::family_visited,
            devices::device_keys,
            devices::revoke_device,
            devices::rotate_keys,
            // -- privacy: the app lock, consent, export, erasure, audit, keys (lock.rs, privacy.rs) --
            lock::lock_status,
            lock::unlock,
            lock::lock_now,
            lock::set_idle_minutes,
            lock::change_pin,
            lock::touch,
            privacy::list_consents,
            privacy::record_consent,
            privacy::withdraw_consent,
            privacy::export_elder_data,
            privacy::erase_elder,
            privacy::audit_log,
            privacy::verify_audit,
        ])
        .setup(|app| {
            if app.try_state::<AppState>().is_none() {
                let path = db_path(app);
                app.manage(AppState::new(path));
            }
            sync_loop::spawn(app.handle().clone());
            lock::spawn_watchdog(app.handle().clone());
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
