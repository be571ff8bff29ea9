//! A scene of the UI's browser tests: a fresh device of the app on a temporary database, the
//! deterministic demo village on it, a fixed clock and a fixed id stream, answering commands through
//! Tauri's IPC on the mock runtime (the path `tests::Device::call` takes). Shared, as one copy, by the
//! fixture backend (`examples/fixture_backend`, which records the fixtures) and the app's test that
//! replays every fixture (`src/tests/fixtures.rs`), through `#[path]`: the including module names the
//! app's library `app`.
//!
//! Options (the page's query, recorded in the fixture): `role` (committee, helper, family,
//! township; default committee), `fresh` (no registry: first run), `local` (a registry never
//! enrolled with a relay), `locked` (the encrypted registry closed until the PIN is given).
//!
//! The device is enrolled with the scenes' relay ([`relay`]): it issues enrolment codes from a fixed
//! stream and is out of reach for a sync.

use super::app::commands::files::ExportDir;
use super::app::state::{AppState, Clock};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{json, Value};
use shouwang_core::agreement::{self, Kind, Payment};
use shouwang_core::case::Opening;
use shouwang_core::demo::{demo_services, demo_village, DemoVillage};
use shouwang_core::store::{Store, SyncState};
use std::sync::{Arc, Mutex};

#[path = "relay.rs"]
mod relay;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, Listener, Manager, WebviewWindow, WebviewWindowBuilder};

/// The seed of the id stream every scene starts from.
pub const SEED: u64 = 15;
/// The PIN of every scene's encrypted registry (the lock screen shows it, as in the demo).
pub const PIN: &str = "246810";
/// When the scene's device starts: Monday 2026-11-23, 08:30 in China.
pub const START: &str = "2026-11-23T00:30:00Z";
/// When the office filed the village's registry.
const FILED: &str = "2026-11-02T01:00:00Z";

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("an RFC 3339 time")
}

fn day(s: &str) -> NaiveDate {
    s.parse().expect("a date")
}

/// What a scene varies.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct Options {
    /// committee (default), helper, family, township.
    pub role: Option<String>,
    /// No registry on the device: first run.
    pub fresh: bool,
    /// A registry never enrolled with a relay.
    pub local: bool,
    /// The encrypted registry is closed until the PIN is given.
    pub locked: bool,
}

impl Options {
    /// The options of a scene's JSON (unknown keys, such as the page's `lang`, are the UI's own).
    pub fn from_json(v: &Value) -> Options {
        let flag = |k: &str| {
            matches!(v.get(k), Some(Value::Bool(true))) || v.get(k).and_then(Value::as_str) == Some("1")
        };
        Options {
            role: v.get("role").and_then(Value::as_str).map(str::to_string),
            fresh: flag("fresh"),
            local: flag("local"),
            locked: flag("locked"),
        }
    }
}

/// A running scene.
pub struct Scene {
    dir: tempfile::TempDir,
    _app: App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    events: Arc<Mutex<Vec<Value>>>,
}

impl Scene {
    /// A fresh device for `options`: the id stream restarted, the village built, the app started on it
    /// with the clock at [`START`] (and unlocked with [`PIN`] unless `locked`).
    pub fn open(options: &Options) -> Scene {
        shouwang_core::ids::deterministic_for_fixtures(SEED);
        relay::restart();
        // The lock screen shows the PIN, as in the demo (read when the app's lock is made).
        std::env::set_var("SHOUWANG_DEMO_PIN", PIN);
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("app.sqlite");
        if !options.fresh {
            let (app, _) = launch(&dir, FILED);
            let status = invoke(
                &app,
                "create_registry",
                json!({ "args": { "unit": "511902106202", "name": "斑竹村", "policy": "sichuan", "pin": PIN } }),
            );
            status.expect("the registry is created");
            {
                let state = app.state::<AppState>();
                let mut guard = state.store.blocking_lock();
                let store = guard.as_mut().expect("the registry is open");
                village(store, options);
            }
            drop(app);
        }
        let (window, app) = launch(&dir, START);
        let events = Arc::new(Mutex::new(Vec::new()));
        for (name, _) in super::app::EVENTS {
            let (events, name) = (events.clone(), name.to_string());
            app.listen_any(name.clone(), move |e| {
                let payload = serde_json::from_str::<Value>(e.payload()).unwrap_or(Value::Null);
                events
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(json!({ "event": name, "payload": payload }));
            });
        }
        if !options.fresh && !options.locked {
            invoke(&window, "unlock", json!({ "args": { "pin": PIN } })).expect("the PIN opens the registry");
        }
        let _ = path;
        Scene { dir, _app: app, window, events }
    }

    /// `cmd` with `args` (null: a command without arguments) as the UI invokes it: `{"ok": answer}` or
    /// `{"err": AppError}`, with `"events"` when the call emitted any. The temporary directory's path
    /// (the database's, an exported file's) reads `/scene` in every answer, the same on every run.
    pub fn call(&self, cmd: &str, args: &Value) -> Value {
        self.events.lock().unwrap_or_else(|p| p.into_inner()).clear();
        let body = if args.is_null() { json!({}) } else { json!({ "args": args }) };
        let mut answer = match invoke(&self.window, cmd, body) {
            Ok(v) => json!({ "ok": v }),
            Err(e) => json!({ "err": e }),
        };
        let events = std::mem::take(&mut *self.events.lock().unwrap_or_else(|p| p.into_inner()));
        if !events.is_empty() {
            answer["events"] = Value::Array(events);
        }
        let text = answer.to_string().replace(&*self.dir.path().to_string_lossy(), "/scene");
        serde_json::from_str(&text).unwrap_or(answer)
    }
}

/// The app on the database in `dir`, its clock fixed at `start`. The builder's setup is replaced:
/// no sync loop and no idle watchdog run beside the calls, so nothing reads the clock between them.
fn launch(dir: &tempfile::TempDir, start: &str) -> (WebviewWindow<MockRuntime>, App<MockRuntime>) {
    let path = dir.path().join("app.sqlite");
    let app = super::app::setup(mock_builder())
        .setup(|_| Ok(()))
        .manage(AppState::with_clock(path, Clock::Fixed(std::sync::Mutex::new(at(start)))))
        .manage(ExportDir(dir.path().join("downloads")))
        .build(mock_context(noop_assets()))
        .expect("the app starts on the mock runtime");
    let window = WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("a window");
    (window, app)
}

fn invoke(window: &WebviewWindow<MockRuntime>, cmd: &str, body: Value) -> Result<Value, Value> {
    tauri::test::get_ipc_response(
        window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().expect("a URL"),
            body: InvokeBody::Json(body),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize::<Value>().unwrap_or(Value::Null))
}

/// 斑竹村 as the tests find it: core's demo village of 12 elders (two of them namesakes, a couple at one
/// address), its helpers, assignments and three months of visits; risk assessments last year and this;
/// a 附件3 agreement paid to September; a case waiting for 报告 since 2026-11-18; the enrolment.
fn village(store: &mut Store, options: &Options) {
    let filed = at(FILED);
    let v = DemoVillage::bazhou();
    let mut elders = demo_village(&v, 12, SEED);
    // A real village has namesakes, and couples at one address.
    elders[9].name = elders[2].name.clone();
    elders[5].address = elders[4].address.clone();
    let ids: Vec<_> =
        elders.iter().map(|e| store.add_elder(e.clone(), filed).expect("a demo elder is valid").id).collect();
    demo_services(store, &v, &elders, SEED, at("2026-11-22T10:00:00Z")).expect("the demo's services");

    let assess = |store: &mut Store, i: usize, on: &str| {
        let today = day(on);
        let now = at(&format!("{on}T02:00:00Z"));
        store.assess_risk(&ids[i], "赵明", Some("互助员每周上门"), today, now).expect("an assessment");
    };
    assess(store, 0, "2025-11-20");
    assess(store, 0, "2026-11-10");
    assess(store, 3, "2026-11-05");
    assess(store, 6, "2025-12-02");

    let first = store.elder(&ids[0]).expect("the first elder");
    let mut a = agreement::sample(Kind::SelfCare);
    a.id = String::new();
    a.elder.elder = Some(ids[0].clone());
    a.elder.name = first.name.clone();
    a.elder.address = first.address.clone();
    a.place = format!("被助养老人家中（{}）", first.address);
    a.start = day("2026-04-01");
    a.end = day("2027-03-31");
    a.signed_on = Some(day("2026-03-28"));
    let a = store.add_agreement(a, at("2026-03-28T02:00:00Z")).expect("the demo agreement");
    for month in 4..=9 {
        let on = day(&format!("2026-{month:02}-01"));
        let payment = Payment { on, amount_fen: 30000, note: "微信转账".into() };
        store
            .record_payment(&a.id, payment, at(&format!("2026-{month:02}-01T03:00:00Z")))
            .expect("a payment");
    }

    let opened = at("2026-11-18T03:00:00Z");
    let opening = Opening {
        at: opened,
        by: "李春梅".into(),
        summary: "屋顶漏雨，需要修缮".into(),
        visit: None,
        emergency: None,
    };
    store.open_case(&ids[1], opening, opened).expect("the demo case");

    if options.local && options.role.is_none() {
        return;
    }
    let role = options.role.clone().unwrap_or_else(|| "committee".into());
    let helper = store.helpers().expect("helpers").first().map(|h| h.id.to_string());
    let state = SyncState {
        relay: relay::address().into(),
        token: "fixture".into(),
        device_id: "fixture-device".into(),
        scope: "511902106202".into(),
        elder: (role == "family").then(|| ids[0].to_string()),
        helper: if role == "helper" { helper } else { None },
        role,
        epoch: "fixture".into(),
        cursor: 0,
        last_success: None,
        last_attempt: None,
        last_error: None,
    };
    store.set_enrolment(&state, at(START)).expect("the enrolment");
}
