//! First run and what the UI shows first: the registry on this device (or none), its role, the sync
//! indicator; creating a local registry, encrypted under a PIN, or enrolling with a relay's code.

use crate::dto::{AppStatus, CreateRegistryArgs, EnrolArgs};
use crate::error::{AppError, AppResult, ErrorKind};
use crate::parse;
use crate::state::AppState;
use shouwang_core::division::UnitCode;
use shouwang_core::policy::Policy;
use shouwang_core::store::Store;
use tauri::State;

/// What the UI shows first: the registry (or none: first run), the role, the sync indicator.
#[tauri::command]
pub async fn app_status(state: State<'_, AppState>) -> AppResult<AppStatus> {
    let store = state.store.lock().await;
    state.status(store.as_ref())
}

/// First run: creates a local registry (this device is then the committee's).
#[tauri::command]
pub async fn create_registry(state: State<'_, AppState>, args: CreateRegistryArgs) -> AppResult<AppStatus> {
    let mut guard = state.store.lock().await;
    if guard.is_some() {
        return Err(AppError::new(
            ErrorKind::Invalid,
            None,
            "本设备已有登记册",
            "this device already holds a registry",
        ));
    }
    let unit = parse::unit(&args.unit)?;
    *guard = Some(create_encrypted(&state, unit, &args.name, &args.policy, &args.pin)?);
    state.status(guard.as_ref())
}

/// A new registry encrypted at rest, its key wrapped under `pin` in the key file beside it. A PIN
/// that is refused writes nothing; a failed creation leaves no key file behind.
fn create_encrypted(
    state: &AppState,
    unit: UnitCode,
    name: &str,
    policy: &str,
    pin: &str,
) -> AppResult<Store> {
    if state.lock.encrypted() {
        return Err(AppError::new(
            ErrorKind::Invalid,
            None,
            "本设备已有加密的登记册",
            "this device already holds an encrypted registry",
        ));
    }
    let key = state.lock.create_key(pin)?;
    Store::init_encrypted(&state.db_path, &key, unit, name, policy, state.now()).map_err(|e| {
        state.lock.forget_key();
        e.into()
    })
}

/// Enrols this device with a relay's one-time code; on first run creates the registry for the
/// unit printed with the code. Then syncs.
#[tauri::command]
pub async fn enrol(state: State<'_, AppState>, args: EnrolArgs) -> AppResult<AppStatus> {
    let mut guard = state.store.lock().await;
    let created = guard.is_none();
    if created {
        let unit_text = args.unit.as_deref().unwrap_or_default().trim();
        let unit = parse::unit(unit_text)?;
        // Not chosen: the profile of the place the unit lies in (core's Policy::for_unit).
        let policy = match args.policy.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            Some(p) => p.to_string(),
            None => Policy::for_unit(&unit).map(|p| p.id).ok_or_else(|| {
                AppError::field(
                    "policy",
                    "required",
                    format!("单位 {unit} 所在地没有内置的政策配置，请选择一个"),
                    format!("no built-in policy profile covers unit {unit}: choose one"),
                )
            })?,
        };
        let pin = args.pin.as_deref().unwrap_or_default();
        *guard = Some(create_encrypted(&state, unit, unit_text, &policy, pin)?);
    }
    let store = guard.as_mut().ok_or_else(AppError::not_open)?;
    let keys = args.keys.as_deref().map(str::trim).filter(|k| !k.is_empty());
    let result =
        shouwang_sync::enrol_with_keys(store, &args.relay, &args.code, keys, &args.device_name, state.now())
            .await;
    if let Err(e) = result {
        if created {
            // The registry was made only for this enrolment: leave the device as it was.
            *guard = None;
            state.lock.forget_key();
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", state.db_path.display()));
            }
        }
        return Err(e.into());
    }
    let status = state.status(guard.as_ref());
    drop(guard);
    state.sync_soon();
    status
}
