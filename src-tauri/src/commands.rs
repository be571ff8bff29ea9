//! The commands the UI invokes: each a thin wrapper over a core call. The only work done here is
//! turning the UI's shapes into core's and back, and deciding which roles may call what.

use crate::dto::*;
use crate::error::{AppError, AppResult, ErrorKind, FieldError};
use crate::state::{self, AppState};
use chrono::Utc;
use serde_json::{Map, Value};
use shouwang_core::elder::{Category, Elder, ElderId, Status};
use shouwang_core::helper::HelperId;
use shouwang_core::store::{AgeBand, ElderFilter, Sort, Store};
use shouwang_core::validate::{self, Context, Rule, Violation};
use shouwang_core::visit::{Check, Checks, Mode, Service, Verdict, Visit};
use tauri::{AppHandle, Runtime, State};

fn today() -> chrono::NaiveDate {
    shouwang_core::time::local_date(Utc::now())
}

fn bad_choice(field: &str, value: &str) -> AppError {
    AppError::new(
        ErrorKind::Invalid,
        Some(field),
        format!("“{value}”不是可选的值"),
        format!("{value:?} is not one of the choices"),
    )
}

fn require(role: AppRole, allowed: &[AppRole], what: &str) -> AppResult<()> {
    if allowed.contains(&role) {
        Ok(())
    } else {
        Err(AppError::forbidden(what))
    }
}

const OFFICE: &[AppRole] = &[AppRole::Committee, AppRole::Township];

/// The form's values over `base` (the stored record when editing): a field left empty clears it.
/// Fields the form does not carry stay as stored.
pub fn form_to_elder(form: &ElderForm, base: Option<&Elder>, registry_unit: &str) -> AppResult<Elder> {
    let mut record: Map<String, Value> = match base {
        Some(e) => match serde_json::to_value(e) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        },
        None => Map::new(),
    };
    let Ok(Value::Object(fields)) = serde_json::to_value(form) else {
        return Err(AppError::new(ErrorKind::Failed, None, "表单无法读取", "the form could not be read"));
    };
    for (key, value) in fields {
        if key == "id" || key == "status" {
            continue;
        }
        let empty = match &value {
            Value::Null => true,
            Value::String(s) => s.trim().is_empty() && key != "name",
            Value::Array(a) => a.is_empty(),
            Value::Object(o) => {
                o.values().all(|v| v.is_null() || v.as_str().is_some_and(|s| s.trim().is_empty()))
            }
            _ => false,
        };
        if empty {
            record.remove(&key);
        } else {
            record.insert(key, value);
        }
    }
    if !record.contains_key("unit") {
        record.insert("unit".into(), Value::String(registry_unit.to_string()));
    }
    let mut missing = Vec::new();
    for required in ["sex", "birth_date"] {
        if !record.contains_key(required) {
            missing.push(Violation { field: required.into(), rule: Rule::Required });
        }
    }
    if !missing.is_empty() {
        return Err(AppError::invalid(&missing));
    }
    serde_path_to_error::deserialize::<_, Elder>(Value::Object(record)).map_err(|e| {
        let field = e.path().to_string();
        let error = FieldError {
            field: field.clone(),
            rule: "format".into(),
            message: "格式不正确".into(),
            en: "not in the expected form".into(),
            warning: false,
        };
        AppError {
            kind: ErrorKind::Invalid,
            field: Some(field),
            message: error.message.clone(),
            en: error.en.clone(),
            violations: vec![error],
        }
    })
}

/// The stored record as the form shows it.
pub fn elder_to_form(elder: &Elder) -> AppResult<ElderForm> {
    let value = serde_json::to_value(elder)
        .map_err(|e| AppError::new(ErrorKind::Failed, None, e.to_string(), e.to_string()))?;
    let mut form: ElderForm = serde_json::from_value(strip_unknown(value)).map_err(|e| {
        AppError::new(
            ErrorKind::Failed,
            None,
            format!("记录无法显示：{e}"),
            format!("the record cannot be shown: {e}"),
        )
    })?;
    form.id = elder.id.as_ref().map(ToString::to_string);
    Ok(form)
}

/// Drops the keys the form does not show (home, service, archive…), keeping the rest.
fn strip_unknown(value: Value) -> Value {
    const FORM: &[&str] = &[
        "unit",
        "name",
        "sex",
        "birth_date",
        "ethnicity",
        "id_number",
        "hukou",
        "household_place",
        "address",
        "phone",
        "health",
        "disability",
        "illness",
        "education",
        "spouse",
        "children",
        "migration",
        "income_sources",
        "care",
        "needs",
        "difficulties",
        "supporters",
        "categories",
        "status",
        "sign_off",
    ];
    match value {
        Value::Object(mut m) => {
            m.retain(|k, _| FORM.contains(&k.as_str()));
            if let Some(Value::Array(list)) = m.get_mut("supporters") {
                for s in list.iter_mut().filter_map(Value::as_object_mut) {
                    s.retain(|k, _| {
                        ["id", "name", "relation", "sex", "phone", "address", "main", "whereabouts", "away"]
                            .contains(&k.as_str())
                    });
                }
            }
            Value::Object(m)
        }
        other => other,
    }
}

fn filter_of(q: &ListQuery) -> AppResult<ElderFilter> {
    let mut f = ElderFilter {
        text: q.text.clone().filter(|t| !t.trim().is_empty()),
        limit: q.limit,
        ..ElderFilter::default()
    };
    if let Some(c) = q.category.as_deref().filter(|c| !c.is_empty()) {
        f.category = Some(Category::parse(c).ok_or_else(|| bad_choice("category", c))?);
    }
    if let Some(a) = q.age.as_deref().filter(|a| !a.is_empty()) {
        f.age = Some(AgeBand::parse(a).ok_or_else(|| bad_choice("age", a))?);
    }
    match q.status.as_deref().filter(|s| !s.is_empty()) {
        None => {}
        Some("all") => f.any_status = true,
        Some(s) => f.status = Some(Status::parse(s).ok_or_else(|| bad_choice("status", s))?),
    }
    if let Some(s) = q.sort.as_deref().filter(|s| !s.is_empty()) {
        f.sort =
            serde_json::from_value::<Sort>(Value::String(s.into())).map_err(|_| bad_choice("sort", s))?;
    }
    Ok(f)
}

fn elder_id(id: &str) -> AppResult<ElderId> {
    id.parse()
        .map_err(|_| AppError::new(ErrorKind::NotFound, Some("id"), "老人编号不正确", "not an elder id"))
}

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
    let unit = args.unit.trim().parse().map_err(|e: shouwang_core::division::UnitError| {
        AppError::new(ErrorKind::Invalid, Some("unit"), e.zh(), e.en())
    })?;
    *guard = Some(create_encrypted(&state, unit, &args.name, &args.policy, &args.pin)?);
    state.status(guard.as_ref())
}

/// A new registry encrypted at rest, its key wrapped under `pin` in the key file beside it. A PIN
/// that is refused writes nothing; a failed creation leaves no key file behind.
fn create_encrypted(
    state: &AppState,
    unit: shouwang_core::division::UnitCode,
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
    match Store::init_encrypted(&state.db_path, &key, unit, name, policy, Utc::now()) {
        Ok(store) => Ok(store),
        Err(e) => {
            state.lock.forget_key();
            Err(e.into())
        }
    }
}

/// Enrols this device with a relay's one-time code; on first run creates the registry for the
/// unit printed with the code. Then syncs.
#[tauri::command]
pub async fn enrol(state: State<'_, AppState>, args: EnrolArgs) -> AppResult<AppStatus> {
    let mut guard = state.store.lock().await;
    let created = guard.is_none();
    if created {
        let unit_text = args.unit.as_deref().unwrap_or_default().trim();
        let unit = unit_text.parse().map_err(|e: shouwang_core::division::UnitError| {
            AppError::new(ErrorKind::Invalid, Some("unit"), e.zh(), e.en())
        })?;
        let policy = args.policy.as_deref().filter(|p| !p.is_empty()).unwrap_or("sichuan");
        let pin = args.pin.as_deref().unwrap_or_default();
        *guard = Some(create_encrypted(&state, unit, unit_text, policy, pin)?);
    }
    let store = state::open(&mut guard)?;
    let keys = args.keys.as_deref().map(str::trim).filter(|k| !k.is_empty());
    let result =
        shouwang_sync::enrol_with_keys(store, &args.relay, &args.code, keys, &args.device_name, Utc::now())
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

/// Syncs now (the indicator was tapped); returns the new status.
#[tauri::command]
pub async fn sync_now<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> AppResult<SyncView> {
    let handle = app.clone();
    let ran = tauri::async_runtime::spawn_blocking(move || crate::sync_loop::sync_once(&handle))
        .await
        .map_err(|e| {
            AppError::new(ErrorKind::Failed, None, format!("同步中断：{e}"), format!("sync stopped: {e}"))
        })??;
    match ran {
        Some(view) => Ok(view),
        None => {
            let guard = state.store.lock().await;
            match guard.as_ref() {
                Some(store) => state.sync_view(store),
                None => Err(AppError::not_open()),
            }
        }
    }
}

/// The sync indicator's state.
#[tauri::command]
pub async fn sync_status(state: State<'_, AppState>) -> AppResult<SyncView> {
    let guard = state.store.lock().await;
    match guard.as_ref() {
        Some(store) => state.sync_view(store),
        None => Ok(SyncView::default()),
    }
}

/// The registry list with search, filters and order (committee, township).
#[tauri::command]
pub async fn list_elders(state: State<'_, AppState>, args: ListQuery) -> AppResult<Vec<ElderLine>> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    require(state::role(store)?, OFFICE, "查看登记册")?;
    let filter = filter_of(&args)?;
    Ok(store.list(&filter, today())?.into_iter().map(ElderLine::from).collect())
}

/// A helper's elders, from the projection, by name: on a tablet enrolled for one helper, that helper's
/// elders only.
#[tauri::command]
pub async fn my_elders(state: State<'_, AppState>) -> AppResult<Vec<ElderLine>> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    require(state::role(store)?, &[AppRole::Helper], "查看我的老人")?;
    let mut rows = store.list(&ElderFilter::default(), today())?;
    if let Some(helper) = crate::devices::device_helper(store)? {
        let mine = store.elders_of(&helper)?;
        rows.retain(|r| mine.contains(&r.id));
    }
    Ok(rows.into_iter().map(ElderLine::from).collect())
}

/// One elder's record, laid out like the form (committee, township).
#[tauri::command]
pub async fn get_elder(state: State<'_, AppState>, args: ElderRef) -> AppResult<ElderForm> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    require(state::role(store)?, OFFICE, "查看老人档案")?;
    elder_to_form(&store.elder(&elder_id(&args.id)?)?)
}

/// Checks the form with core's rules without saving: every violation and warning, each under its
/// field. An empty list: the record can be saved.
#[tauri::command]
pub async fn validate_elder(state: State<'_, AppState>, args: ElderForm) -> AppResult<Vec<FieldError>> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    let base = match args.id.as_deref() {
        Some(id) => Some(store.elder(&elder_id(id)?)?),
        None => None,
    };
    let unit = store.registry().unit.clone();
    let mut elder = match form_to_elder(&args, base.as_ref(), unit.as_str()) {
        Ok(e) => e,
        Err(e) if e.kind == ErrorKind::Invalid => return Ok(e.violations),
        Err(e) => return Err(e),
    };
    let ctx = Context::new(unit, today());
    let found = match validate::validate_elder(&mut elder, &ctx) {
        Ok(warnings) => warnings,
        Err(all) => all,
    };
    Ok(found.iter().map(FieldError::from).collect())
}

/// Registers a new elder or saves an edit; a rejected record writes nothing. Wakes the sync loop.
#[tauri::command]
pub async fn save_elder(state: State<'_, AppState>, args: ElderForm) -> AppResult<SavedElder> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    require(state::role(store)?, OFFICE, "登记或修改老人信息")?;
    let unit = store.registry().unit.to_string();
    let saved = match args.id.as_deref() {
        Some(id) => {
            let id = elder_id(id)?;
            let mut converted: Option<AppError> = None;
            let result =
                store.update_elder(&id, Utc::now(), |e| match form_to_elder(&args, Some(&*e), &unit) {
                    Ok(new) => {
                        *e = new;
                        Ok(())
                    }
                    Err(err) => {
                        let abort = shouwang_core::store::Error::Field {
                            field: err.field.clone().unwrap_or_default(),
                            zh: err.message.clone(),
                            en: err.en.clone(),
                        };
                        converted = Some(err);
                        Err(abort)
                    }
                });
            if let Some(err) = converted {
                return Err(err);
            }
            result?
        }
        None => store.add_elder(form_to_elder(&args, None, &unit)?, Utc::now())?,
    };
    drop(guard);
    state.sync_soon();
    Ok(SavedElder {
        id: saved.id.to_string(),
        warnings: saved.warnings.iter().map(FieldError::from).collect(),
    })
}

/// The committee's review list: fields in conflict and changes held in quarantine.
#[tauri::command]
pub async fn review(state: State<'_, AppState>) -> AppResult<Review> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    require(state::role(store)?, OFFICE, "查看待审核事项")?;
    let conflicts = store
        .review_list()?
        .into_iter()
        .map(|r| ReviewEntry {
            elder: r.elder.to_string(),
            name: r.name,
            field: r.field,
            values: r.values.iter().map(Value::to_string).collect(),
            held_from: r.held_from.map(|role| role.zh().to_string()),
        })
        .collect();
    let quarantine = store
        .quarantined()?
        .into_iter()
        .map(|q| QuarantineEntry { doc: q.doc, reason: q.reason, received_at: q.received_at })
        .collect();
    Ok(Review { conflicts, quarantine })
}

/// A family device's contact card of its elder.
#[tauri::command]
pub async fn family_card(state: State<'_, AppState>) -> AppResult<CardView> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    let enrolment = store.sync_state()?;
    require(AppRole::of(enrolment.as_ref()), &[AppRole::Family], "查看明白卡")?;
    let elder = enrolment.and_then(|s| s.elder).ok_or_else(|| {
        AppError::new(ErrorKind::NotFound, None, "本设备没有关联的老人", "this device has no elder")
    })?;
    Ok(store.card(&elder_id(&elder)?)?.into())
}

/// Who may see the schedule and log visits.
const VISITORS: &[AppRole] = &[AppRole::Helper, AppRole::Committee];

fn helper_id(id: &str) -> AppResult<HelperId> {
    id.parse()
        .map_err(|_| AppError::new(ErrorKind::Invalid, Some("helper"), "互助员编号不正确", "not a helper id"))
}

/// The form's visit as core's, made now (the store fills in the helper from the assignment).
pub fn form_to_visit(form: &VisitForm, now: chrono::DateTime<Utc>) -> AppResult<Visit> {
    let check = |c: &CheckForm| Check {
        verdict: Some(if c.concern { Verdict::Concern } else { Verdict::Fine }),
        note: c.note.clone(),
    };
    let mut services = Vec::new();
    for code in &form.services {
        services.push(Service::parse(code).ok_or_else(|| bad_choice("services", code))?);
    }
    Ok(Visit {
        id: String::new(),
        elder: elder_id(&form.elder)?,
        helper: String::new(),
        mode: Mode::parse(&form.mode).ok_or_else(|| bad_choice("mode", &form.mode))?,
        at: now,
        duration_minutes: form.duration_minutes,
        checks: Checks {
            food: check(&form.checks.food),
            clothing: check(&form.checks.clothing),
            housing: check(&form.checks.housing),
            medical: check(&form.checks.medical),
        },
        services,
        follow_up: form.follow_up.clone(),
        position: None,
        amends: None,
        home_distance_m: None,
        recorded_at: None,
    })
}

/// Every elder's place in the visit schedule, overdue first (a helper's when `helper` is given).
#[tauri::command]
pub async fn schedule(state: State<'_, AppState>, args: RoundQuery) -> AppResult<Vec<DueLine>> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    require(state::role(store)?, VISITORS, "查看探访计划")?;
    let helper = match args.helper.as_deref() {
        Some(h) => Some(helper_id(h)?),
        None => crate::devices::device_helper(store)?,
    };
    Ok(store
        .schedule(today())?
        .into_iter()
        .filter(|d| helper.is_none() || d.helper == helper)
        .map(DueLine::from)
        .collect())
}

/// Today's round: the elders due today or overdue, ordered as a walking round (from the helper's
/// home when `helper` is given).
#[tauri::command]
pub async fn today_round(state: State<'_, AppState>, args: RoundQuery) -> AppResult<Vec<DueLine>> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    require(state::role(store)?, VISITORS, "查看今日巡访")?;
    let helper = match args.helper.as_deref() {
        Some(h) => Some(helper_id(h)?),
        None => crate::devices::device_helper(store)?,
    };
    let round = match helper {
        Some(h) => store.today_round(&h, today())?,
        None => {
            let due = store.schedule(today())?.into_iter().filter(|d| d.is_due()).collect();
            shouwang_core::schedule::walking_round(None, due)
        }
    };
    Ok(round.into_iter().map(DueLine::from).collect())
}

/// Logs a visit (core checks it: a concern needs a note…); removes the elder's draft. Wakes the sync
/// loop.
#[tauri::command]
pub async fn log_visit(state: State<'_, AppState>, args: VisitForm) -> AppResult<LoggedVisit> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    require(state::role(store)?, VISITORS, "记录探访")?;
    let now = Utc::now();
    let saved = store.log_visit(form_to_visit(&args, now)?, now)?;
    drop(guard);
    state.sync_soon();
    Ok(LoggedVisit {
        id: saved.id,
        warnings: saved
            .warnings
            .iter()
            .map(|w| FieldError {
                field: "position".into(),
                rule: w.code().into(),
                message: w.zh(),
                en: w.en(),
                warning: true,
            })
            .collect(),
    })
}

/// Keeps the visit being filled in (called on each change); local, never synced.
#[tauri::command]
pub async fn save_visit_draft(state: State<'_, AppState>, args: VisitForm) -> AppResult<()> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    require(state::role(store)?, VISITORS, "记录探访")?;
    let elder = elder_id(&args.elder)?;
    let draft = serde_json::to_value(&args)
        .map_err(|e| AppError::new(ErrorKind::Failed, None, e.to_string(), e.to_string()))?;
    store.save_visit_draft(&elder, &draft, Utc::now())?;
    Ok(())
}

/// The draft kept for an elder, if any (a draft this build cannot read counts as none).
#[tauri::command]
pub async fn visit_draft(state: State<'_, AppState>, args: ElderRef) -> AppResult<Option<VisitForm>> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    require(state::role(store)?, VISITORS, "记录探访")?;
    Ok(store.visit_draft(&elder_id(&args.id)?)?.and_then(|v| serde_json::from_value(v).ok()))
}

/// Throws the elder's draft away; whether there was one.
#[tauri::command]
pub async fn discard_visit_draft(state: State<'_, AppState>, args: ElderRef) -> AppResult<bool> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    require(state::role(store)?, VISITORS, "记录探访")?;
    Ok(store.discard_visit_draft(&elder_id(&args.id)?)?)
}

/// An elder's visits, newest first (amendments listed with what they amend); the township reads them too.
#[tauri::command]
pub async fn visit_history(state: State<'_, AppState>, args: ElderRef) -> AppResult<Vec<VisitLine>> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    require(state::role(store)?, &[AppRole::Helper, AppRole::Committee, AppRole::Township], "查看探访记录")?;
    let mut list: Vec<VisitLine> =
        store.visit_history(&elder_id(&args.id)?)?.into_iter().map(VisitLine::from).collect();
    list.reverse();
    Ok(list)
}
