//! The commands through Tauri's IPC on the mock runtime: what the UI sends, what it gets back.

use crate::commands::elder_to_form;
use crate::state::AppState;
use serde_json::{json, Value};
use shouwang_core::store::{Store, SyncState};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow, WebviewWindowBuilder};

struct Device {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    _app: App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
}

fn device(prepare: impl FnOnce(&std::path::Path)) -> Device {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.sqlite");
    prepare(&path);
    launch(dir, path)
}

/// The app started (again) on the database at `path` in `dir`.
fn launch(dir: tempfile::TempDir, path: std::path::PathBuf) -> Device {
    let app = crate::setup(mock_builder())
        .manage(AppState::new(path.clone()))
        .build(mock_context(noop_assets()))
        .unwrap();
    let window = WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
    Device { _dir: dir, path, _app: app, window }
}

impl Device {
    fn call(&self, cmd: &str, args: Option<Value>) -> Result<Value, Value> {
        let body = match args {
            Some(a) => json!({ "args": a }),
            None => json!({}),
        };
        invoke(&self.window, cmd, body)
    }
}

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

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

fn village(path: &std::path::Path) -> Store {
    Store::init(path, "511902106202".parse().unwrap(), "斑竹村", "sichuan", now()).unwrap()
}

fn enrol_as(path: &std::path::Path, role: &str, elder: Option<String>) {
    enrol_for(path, role, elder, None)
}

/// Enrols the device as `role`; a helper's tablet is bound to `helper` (core shows it that helper's
/// elders only).
fn enrol_for(path: &std::path::Path, role: &str, elder: Option<String>, helper: Option<String>) {
    let mut store = Store::open(path, now()).unwrap();
    let state = SyncState {
        // Nothing listens here: the loop's attempts fail fast and are retried later.
        relay: "http://127.0.0.1:9".into(),
        token: "t".into(),
        device_id: "d1".into(),
        role: role.into(),
        scope: "511902106202".into(),
        elder,
        epoch: "e".into(),
        cursor: 0,
        last_success: None,
        last_attempt: None,
        last_error: None,
        helper,
    };
    store.set_enrolment(&state, now()).unwrap();
}

fn sample_form() -> Value {
    let mut elder = shouwang_core::demo::sample_elder();
    elder.id = None;
    serde_json::to_value(elder_to_form(&elder).unwrap()).unwrap()
}

fn break_checksum(id: &str) -> String {
    let (body, last) = id.split_at(17);
    let other = if last == "0" { "1" } else { "0" };
    format!("{body}{other}")
}

#[test]
fn a_committee_creates_its_registry_on_first_run_and_registers_an_elder() {
    let d = device(|_| {});
    let status = d.call("app_status", None).unwrap();
    assert_eq!(status["registry"], Value::Null, "first run: no registry yet");
    assert_eq!(status["role"], "committee");

    let status = d
        .call(
            "create_registry",
            Some(json!({ "unit": "511902106202", "name": "斑竹村", "policy": "sichuan", "pin": PIN })),
        )
        .unwrap();
    assert_eq!(status["registry"]["name"], "斑竹村");
    assert!(d.path.exists());

    let mut form = sample_form();
    let good_id = form["id_number"].as_str().unwrap().to_string();
    form["id_number"] = json!(break_checksum(&good_id));

    let found = d.call("validate_elder", Some(form.clone())).unwrap();
    let id_error = found
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["field"] == "id_number")
        .expect("an error under id_number");
    assert!(id_error["message"].as_str().unwrap().contains("身份证"), "message in Chinese: {id_error}");
    assert_eq!(id_error["warning"], false);

    let err = d.call("save_elder", Some(form.clone())).unwrap_err();
    assert_eq!(err["kind"], "invalid");
    assert_eq!(err["field"], "id_number");
    assert!(
        d.call("list_elders", Some(json!({}))).unwrap().as_array().unwrap().is_empty(),
        "nothing written"
    );

    form["id_number"] = json!(good_id);
    let saved = d.call("save_elder", Some(form.clone())).unwrap();
    let id = saved["id"].as_str().unwrap().to_string();
    let rows = d.call("list_elders", Some(json!({ "text": form["name"] }))).unwrap();
    assert_eq!(rows[0]["id"], id.as_str());
    assert_eq!(d.call("app_status", None).unwrap()["sync"]["pending"].as_u64().map(|n| n > 0), Some(true));

    let record = d.call("get_elder", Some(json!({ "id": id }))).unwrap();
    assert_eq!(record["name"], form["name"]);
    let mut edit = record.clone();
    edit["address"] = json!("斑竹村3组12号");
    d.call("save_elder", Some(edit)).unwrap();
    assert_eq!(d.call("get_elder", Some(json!({ "id": id }))).unwrap()["address"], "斑竹村3组12号");
}

#[test]
fn a_form_without_a_birth_date_is_answered_under_that_field() {
    let d = device(|p| drop(village(p)));
    let mut form = sample_form();
    form["birth_date"] = json!("");
    let found = d.call("validate_elder", Some(form)).unwrap();
    assert_eq!(found[0]["field"], "birth_date");
    assert_eq!(found[0]["message"], "必填");
}

#[test]
fn a_family_device_sees_its_card_and_nothing_else() {
    let mut elder_id = String::new();
    let d = device(|p| {
        let mut store = village(p);
        elder_id = store.add_elder(shouwang_core::demo::sample_elder(), now()).unwrap().id.to_string();
        drop(store);
        enrol_as(p, "family", Some(elder_id.clone()));
    });
    assert_eq!(d.call("app_status", None).unwrap()["role"], "family");
    let card = d.call("family_card", None).unwrap();
    assert_eq!(card["id"], elder_id.as_str());
    assert!(!card.to_string().contains("id_number"));
    assert_eq!(d.call("list_elders", Some(json!({}))).unwrap_err()["kind"], "forbidden");
    assert_eq!(d.call("get_elder", Some(json!({ "id": elder_id }))).unwrap_err()["kind"], "forbidden");
    assert_eq!(d.call("save_elder", Some(sample_form())).unwrap_err()["kind"], "forbidden");
}

#[test]
fn a_helper_device_lists_the_elders_it_holds() {
    let d = device(|p| {
        let mut store = village(p);
        let helper = store.add_helper(shouwang_core::helper::Helper::named("李互助"), now()).unwrap();
        for e in shouwang_core::demo::demo_village(&shouwang_core::demo::DemoVillage::bazhou(), 5, 7) {
            let id = store.add_elder(e, now()).unwrap().id;
            store.assign(&id, &helper, "就近", now()).unwrap();
        }
        drop(store);
        enrol_for(p, "helper", None, Some(helper.to_string()));
    });
    let rows = d.call("my_elders", None).unwrap();
    let names: Vec<&str> = rows.as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 5);
    assert_eq!(d.call("list_elders", Some(json!({}))).unwrap_err()["kind"], "forbidden");
}

#[test]
fn every_listed_command_is_registered() {
    let d = device(|_| {});
    for (name, _, _) in crate::COMMANDS {
        if let Err(e) = d.call(name, Some(json!({}))) {
            let text = e.to_string();
            assert!(
                !text.contains("not found"),
                "{name} is listed in the bindings but not registered: {text}"
            );
        }
    }
}

#[test]
fn a_helper_logs_a_visit_and_a_half_written_one_comes_back_as_a_draft() {
    let mut ids = Vec::new();
    let d = device(|p| {
        let mut store = village(p);
        let helper = store.add_helper(shouwang_core::helper::Helper::named("李互助"), now()).unwrap();
        for e in shouwang_core::demo::demo_village(&shouwang_core::demo::DemoVillage::bazhou(), 3, 7) {
            let id = store.add_elder(e, now()).unwrap().id;
            store.assign(&id, &helper, "就近", now()).unwrap();
            ids.push(id.to_string());
        }
        drop(store);
        enrol_for(p, "helper", None, Some(helper.to_string()));
    });
    let all = json!({ "helper": null });
    let schedule = d.call("schedule", Some(all.clone())).unwrap();
    assert_eq!(schedule.as_array().unwrap().len(), 3);
    assert!(schedule
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["status"] == "overdue" && r["last_visit"].is_null()));
    assert_eq!(d.call("today_round", Some(all.clone())).unwrap().as_array().unwrap().len(), 3);

    let elder = ids[0].clone();
    let mut visit = json!({
        "elder": elder, "mode": "door", "services": ["patrol"], "duration_minutes": 30, "follow_up": "",
        "checks": {
            "food": { "concern": false, "note": "" }, "clothing": { "concern": false, "note": "" },
            "housing": { "concern": false, "note": "" }, "medical": { "concern": true, "note": "" },
        },
    });
    // Half written: the draft is kept on the device; a fresh app on the same file gets it back.
    d.call("save_visit_draft", Some(visit.clone())).unwrap();
    let path = d.path.clone();
    let again = AppState::new(path);
    let store = again.store.try_lock().unwrap();
    let kept = store.as_ref().unwrap().visit_draft(&elder.parse().unwrap()).unwrap().unwrap();
    assert_eq!(kept["checks"]["medical"]["concern"], true);
    drop(store);
    assert_eq!(d.call("visit_draft", Some(json!({ "id": elder }))).unwrap(), visit);

    // A concern without its note: refused under the note, in Chinese, nothing written.
    let err = d.call("log_visit", Some(visit.clone())).unwrap_err();
    assert_eq!(err["kind"], "invalid");
    assert_eq!(err["field"], "checks.medical.note");
    assert_eq!(err["message"], "必填");
    assert!(d.call("visit_history", Some(json!({ "id": elder }))).unwrap().as_array().unwrap().is_empty());

    visit["checks"]["medical"]["note"] = json!("血压偏高");
    d.call("log_visit", Some(visit)).unwrap();
    let history = d.call("visit_history", Some(json!({ "id": elder }))).unwrap();
    assert_eq!(history[0]["checks"]["medical"]["note"], "血压偏高");
    assert_eq!(history[0]["services"], json!(["patrol"]));
    assert_eq!(d.call("visit_draft", Some(json!({ "id": elder }))).unwrap(), Value::Null, "draft gone");
    let schedule = d.call("schedule", Some(all.clone())).unwrap();
    let row = schedule.as_array().unwrap().iter().find(|r| r["id"] == elder.as_str()).unwrap().clone();
    assert_eq!(row["status"], "upcoming");
    assert_eq!(d.call("today_round", Some(all)).unwrap().as_array().unwrap().len(), 2);
    assert_eq!(d.call("discard_visit_draft", Some(json!({ "id": elder }))).unwrap(), false);
}

#[test]
fn a_family_device_may_not_log_visits() {
    let d = device(|p| {
        drop(village(p));
        enrol_as(p, "family", None);
    });
    assert_eq!(d.call("schedule", Some(json!({ "helper": null }))).unwrap_err()["kind"], "forbidden");
    let err = d.call("visit_history", Some(json!({ "id": "0".repeat(32) }))).unwrap_err();
    assert_eq!(err["kind"], "forbidden");
}

/// The PIN the tests choose on first run.
const PIN: &str = "135790";

#[test]
fn the_registry_is_encrypted_under_the_pin_and_locked_again_at_every_launch_and_when_idle() {
    let d = device(|_| {});
    let key_file = shouwang_core::vault::key_path(&d.path);
    let args =
        |pin: &str| json!({ "unit": "511902106202", "name": "斑竹村", "policy": "sichuan", "pin": pin });
    let err = d.call("create_registry", Some(args("1234"))).unwrap_err();
    assert_eq!(err["kind"], "invalid");
    assert_eq!(err["field"], "pin", "too short a PIN is answered under its field: {err}");
    assert!(!d.path.exists() && !key_file.exists(), "a refused PIN writes nothing");

    let status = d.call("create_registry", Some(args(PIN))).unwrap();
    assert_eq!(status["encrypted"], true);
    assert_eq!(status["locked"], false);
    d.call("save_elder", Some(sample_form())).unwrap();
    assert!(
        matches!(Store::open(&d.path, now()), Err(shouwang_core::store::Error::Locked)),
        "the file is encrypted: no key, no registry"
    );

    // The app is started again: locked, nothing open, nothing answered.
    let Device { _dir: dir, path, _app: first, window: _ } = d;
    drop(first);
    let d = launch(dir, path);
    let status = d.call("app_status", None).unwrap();
    assert_eq!(status["locked"], true);
    assert_eq!(status["registry"], Value::Null);
    assert_eq!(d.call("list_elders", Some(json!({}))).unwrap_err()["kind"], "not_open");
    assert_eq!(d.call("lock_status", None).unwrap()["demo_pin"], Value::Null, "no demo PIN outside the demo");

    let err = d.call("unlock", Some(json!({ "pin": "000000" }))).unwrap_err();
    assert_eq!(err["field"], "pin");
    assert!(err["message"].as_str().unwrap().contains("PIN 不正确"), "a Chinese error: {err}");
    assert_eq!(d.call("lock_status", None).unwrap()["attempts_left"], 4);

    let status = d.call("unlock", Some(json!({ "pin": PIN }))).unwrap();
    assert_eq!(status["registry"]["name"], "斑竹村");
    assert_eq!(
        d.call("list_elders", Some(json!({}))).unwrap().as_array().unwrap().len(),
        1,
        "the data is back"
    );
    assert_eq!(d.call("lock_status", None).unwrap()["failures"], 0, "a right PIN resets the count");

    // Left alone longer than the idle time: the store is closed, not covered.
    let later = std::time::Instant::now() + std::time::Duration::from_secs(6 * 60);
    assert!(crate::lock::lock_if_idle(d._app.handle(), later));
    assert_eq!(d.call("app_status", None).unwrap()["locked"], true);
    assert_eq!(d.call("list_elders", Some(json!({}))).unwrap_err()["kind"], "not_open");
    assert!(crate::sync_loop::sync_once(d._app.handle()).unwrap().is_none(), "sync pauses while locked");

    // Five wrong PINs: the sixth try is refused without trying, with the wait.
    for _ in 0..5 {
        d.call("unlock", Some(json!({ "pin": "999999" }))).unwrap_err();
    }
    let err = d.call("unlock", Some(json!({ "pin": PIN }))).unwrap_err();
    assert_eq!(err["kind"], "refused");
    assert!(err["message"].as_str().unwrap().contains("秒后再试"), "{err}");
    assert!(d.call("lock_status", None).unwrap()["wait_seconds"].as_u64().unwrap() > 0);
}

#[test]
fn the_committee_records_a_consent_exports_an_elder_and_erases_them_for_good() {
    let mut id = String::new();
    let d = device(|p| {
        let mut store = village(p);
        let mut elder = shouwang_core::demo::sample_elder();
        elder.id = None;
        id = store.add_elder(elder, now()).unwrap().id.to_string();
    });
    let exports = tempfile::tempdir().unwrap();
    use tauri::Manager;
    d._app.manage(crate::paperwork::ExportDir(exports.path().to_path_buf()));
    let name = d.call("get_elder", Some(json!({ "id": id }))).unwrap()["name"].as_str().unwrap().to_string();
    let today = shouwang_core::time::local_date(now()).to_string();

    let consent = |purposes: Value| {
        json!({ "elder": id, "given_by": "relative", "relative_name": "王强", "relation": "长子",
                "method": "thumbprint", "on": today, "purposes": purposes })
    };
    let err = d.call("record_consent", Some(consent(json!([])))).unwrap_err();
    assert_eq!(err["kind"], "invalid", "a consent for nothing is refused: {err}");
    let saved = d.call("record_consent", Some(consent(json!(["visits", "family_card"])))).unwrap();
    assert_eq!(saved["method"], "thumbprint");
    let withdrawn = d
        .call(
            "withdraw_consent",
            Some(json!({ "elder": id, "consent": saved["id"], "on": today, "by": "王强" })),
        )
        .unwrap();
    assert_eq!(withdrawn["withdrawn_on"], json!(today));
    assert_eq!(d.call("list_consents", Some(json!({ "id": id }))).unwrap().as_array().unwrap().len(), 1);

    let file = d.call("export_elder_data", Some(json!({ "id": id }))).unwrap();
    let text = std::fs::read_to_string(file["path"].as_str().unwrap()).unwrap();
    assert!(text.contains(&name) && text.contains("王强"), "the export holds the record and its consents");

    let log = d.call("audit_log", Some(json!({ "elder": id }))).unwrap();
    let actions: Vec<&str> = log.as_array().unwrap().iter().map(|l| l["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"consent") && actions.contains(&"export"), "{actions:?}");
    assert!(!log.to_string().contains("王强"), "the audit log names fields, never values");
    assert_eq!(d.call("verify_audit", None).unwrap(), json!([]), "the log is whole");

    let erase = |typed: &str| json!({ "id": id, "confirm_name": typed, "reason": "本人申请删除" });
    let err = d.call("erase_elder", Some(erase("别人"))).unwrap_err();
    assert_eq!(err["field"], "confirm_name");
    assert_eq!(
        d.call("list_elders", Some(json!({}))).unwrap().as_array().unwrap().len(),
        1,
        "nothing erased"
    );
    d.call("erase_elder", Some(erase(&name))).unwrap();
    assert!(d.call("list_elders", Some(json!({}))).unwrap().as_array().unwrap().is_empty());
    assert_eq!(d.call("get_elder", Some(json!({ "id": id }))).unwrap_err()["kind"], "not_found");
}
