//! The commands through Tauri's IPC on the mock runtime: what the UI sends, what it gets back. One
//! file per domain; this one holds what they share: [`invoke`], a [`Device`] (the app started on a
//! database of its own) and enrolments.

mod agreements;
mod assignment;
mod cards;
mod cases;
mod fixtures;
mod ledger;
mod lock;
mod privacy;
mod registry;
mod reports;
mod risk;
mod visits;

use crate::commands::files::ExportDir;
use crate::state::AppState;
use serde_json::{json, Value};
use shouwang_core::store::{Store, SyncState};
use std::path::{Path, PathBuf};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow, WebviewWindowBuilder};

/// Invokes `cmd` with `body` as the UI does (`{ args }`, or `{}` for a command without arguments),
/// through Tauri's IPC on the mock runtime: the command's JSON answer, or its JSON error. Shared by
/// every command module's tests.
pub(crate) fn invoke(window: &WebviewWindow<MockRuntime>, cmd: &str, body: Value) -> Result<Value, Value> {
    tauri::test::get_ipc_response(
        window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(body),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize::<Value>().unwrap())
}

/// The app started on its own database (`path` in `dir`), exporting into `dir/downloads`.
pub(crate) struct Device {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
    pub app: App<MockRuntime>,
    pub window: WebviewWindow<MockRuntime>,
}

/// A device on a fresh database prepared by `prepare`.
pub(crate) fn device(prepare: impl FnOnce(&Path)) -> Device {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.sqlite");
    prepare(&path);
    launch(dir, path)
}

/// The app started (again) on the database at `path` in `dir`.
pub(crate) fn launch(dir: tempfile::TempDir, path: PathBuf) -> Device {
    let app = crate::setup(mock_builder())
        .manage(AppState::new(path.clone()))
        .manage(ExportDir(dir.path().join("downloads")))
        .build(mock_context(noop_assets()))
        .unwrap();
    let window = WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
    Device { dir, path, app, window }
}

impl Device {
    /// `cmd` with `args` (none: a command without arguments).
    pub fn call(&self, cmd: &str, args: Option<Value>) -> Result<Value, Value> {
        let body = match args {
            Some(a) => json!({ "args": a }),
            None => json!({}),
        };
        invoke(&self.window, cmd, body)
    }

    /// `cmd` with `args`.
    pub fn send(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        self.call(cmd, Some(args))
    }

    /// `cmd` with `args`, which must answer.
    pub fn ok(&self, cmd: &str, args: Value) -> Value {
        self.send(cmd, args).unwrap_or_else(|e| panic!("{cmd}: {e}"))
    }
}

pub(crate) fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

/// The village 斑竹村's empty registry at `path`.
pub(crate) fn registry(path: &Path) -> Store {
    Store::init(path, "511902106202".parse().unwrap(), "斑竹村", "sichuan", now()).unwrap()
}

/// Enrols the device as `role`: a family phone for `elder`, a helper's tablet bound to `helper`.
/// Nothing listens at the relay: the loop's attempts (and any call to it) fail fast.
pub(crate) fn enrol(path: &Path, role: &str, elder: Option<String>, helper: Option<String>) {
    let mut store = Store::open(path, now()).unwrap();
    let state = SyncState {
        relay: "http://127.0.0.1:9".into(),
        token: "t".into(),
        device_id: "d1".into(),
        role: role.into(),
        scope: "511902106202".into(),
        elder,
        helper,
        epoch: "e".into(),
        cursor: 0,
        last_success: None,
        last_attempt: None,
        last_error: None,
    };
    store.set_enrolment(&state, now()).unwrap();
}
