//! Privacy screens' commands: an elder's consents 知情同意 (record, withdraw), the export of everything
//! held on one elder 导出个人信息 (a JSON file in the download directory), erasure 删除个人信息 (with the
//! elder's name typed as confirmation and a reason), and the audit log 审计日志 with its verification.
//! Each is a thin wrapper over core (`Store::consents`, `record_consent`, `withdraw_consent`,
//! `export_elder`, `erase_elder`, `audit_log`, `verify_audit`); core decides who may see what (its
//! role views) and writes the audit entries.

use crate::dto::AppRole;
use crate::error::{AppError, AppResult, ErrorKind};
use crate::paperwork::SavedFile;
use crate::state::{self, AppState};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use shouwang_core::consent::{Consent, Withdrawal};
use shouwang_core::elder::ElderId;
use tauri::{AppHandle, Runtime, State};
use ts_rs::TS;

fn elder_id(id: &str) -> AppResult<ElderId> {
    id.parse()
        .map_err(|_| AppError::new(ErrorKind::NotFound, Some("id"), "老人编号不正确", "not an elder id"))
}

fn code<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

fn date(field: &str, text: &str) -> AppResult<chrono::NaiveDate> {
    text.trim().parse().map_err(|_| {
        AppError::new(
            ErrorKind::Invalid,
            Some(field),
            "日期格式应为 YYYY-MM-DD",
            "a date is written YYYY-MM-DD",
        )
    })
}

/// One consent as the screen shows it; choices as their codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ConsentView {
    /// The consent's id.
    pub id: String,
    /// `elder` 本人 or `relative` 亲属.
    pub given_by: String,
    /// The relative's name.
    pub relative_name: Option<String>,
    /// The relative's relation.
    pub relation: Option<String>,
    /// `signature`, `thumbprint`, `oral_recorded`, `electronic`.
    pub method: String,
    /// The day given (`YYYY-MM-DD`).
    pub on: String,
    /// `visits`, `risk_assessment`, `family_card`, `township_statistics`.
    pub purposes: Vec<String>,
    /// When withdrawn (`YYYY-MM-DD`).
    pub withdrawn_on: Option<String>,
    /// Who withdrew it.
    pub withdrawn_by: Option<String>,
}

impl From<&Consent> for ConsentView {
    fn from(c: &Consent) -> ConsentView {
        ConsentView {
            id: c.id.clone(),
            given_by: code(&c.given_by),
            relative_name: c.relative_name.clone(),
            relation: c.relation.clone(),
            method: code(&c.method),
            on: c.on.to_string(),
            purposes: c.purposes.iter().map(code).collect(),
            withdrawn_on: c.withdrawn.as_ref().map(|w| w.on.to_string()),
            withdrawn_by: c.withdrawn.as_ref().map(|w| w.by.clone()),
        }
    }
}

/// `record_consent`: who gave it, how, when, for what.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[ts(optional_fields = nullable)]
pub struct ConsentForm {
    /// The elder's id.
    pub elder: String,
    /// `elder` or `relative`.
    pub given_by: String,
    /// The relative's name (a relative only).
    pub relative_name: Option<String>,
    /// The relative's relation (a relative only).
    pub relation: Option<String>,
    /// How it was given.
    pub method: String,
    /// The day (`YYYY-MM-DD`).
    pub on: String,
    /// What it allows.
    pub purposes: Vec<String>,
}

/// `withdraw_consent`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct WithdrawArgs {
    /// The elder's id.
    pub elder: String,
    /// The consent's id.
    pub consent: String,
    /// The day (`YYYY-MM-DD`).
    pub on: String,
    /// Who withdrew it.
    pub by: String,
}

/// `erase_elder`: the elder, their name typed again as confirmation, and why.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct EraseArgs {
    /// The elder's id.
    pub id: String,
    /// The elder's name as typed by the person erasing (must match).
    pub confirm_name: String,
    /// Why (e.g. 本人申请删除).
    pub reason: String,
}

/// `audit_log`: the entries about one elder, or all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, TS)]
#[ts(optional_fields = nullable)]
pub struct AuditQuery {
    /// Only entries about this elder.
    pub elder: Option<String>,
}

/// One audit entry: who did what to which fields (names only, never values) of which elder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AuditLine {
    /// The device's entry number.
    pub seq: u32,
    /// When (RFC 3339).
    pub at: String,
    /// The device.
    pub device: String,
    /// Its role.
    pub role: String,
    /// `view`, `change`, `export`, `erase`, `consent`.
    pub action: String,
    /// The elder's id, if about one.
    pub elder: Option<String>,
    /// The fields' names.
    pub fields: Vec<String>,
}

/// One break `verify_audit` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AuditBreak {
    /// The device whose chain is broken.
    pub device: String,
    /// The entry.
    pub seq: u32,
    /// What is wrong, in Chinese.
    pub message: String,
    /// What is wrong, in English.
    pub en: String,
    /// `local` or `document`.
    pub source: String,
}

fn office(store: &shouwang_core::store::Store, what: &str) -> AppResult<()> {
    match state::role(store)? {
        AppRole::Committee | AppRole::Township => Ok(()),
        _ => Err(AppError::forbidden(what)),
    }
}

/// The consents recorded for an elder, oldest first.
#[tauri::command]
pub async fn list_consents(
    state: State<'_, AppState>,
    args: crate::dto::ElderRef,
) -> AppResult<Vec<ConsentView>> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    Ok(store.consents(&elder_id(&args.id)?)?.iter().map(ConsentView::from).collect())
}

/// Records a consent (core validates it; nothing is written if it breaks a rule). Wakes the sync loop.
#[tauri::command]
pub async fn record_consent(state: State<'_, AppState>, args: ConsentForm) -> AppResult<ConsentView> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    let elder = elder_id(&args.elder)?;
    let consent: Consent = serde_json::from_value(serde_json::json!({
        "given_by": args.given_by,
        "relative_name": args.relative_name.filter(|s| !s.trim().is_empty()),
        "relation": args.relation.filter(|s| !s.trim().is_empty()),
        "method": args.method,
        "on": date("on", &args.on)?,
        "purposes": args.purposes,
    }))
    .map_err(|e| {
        let field = ["given_by", "method", "purposes"]
            .into_iter()
            .find(|f| e.to_string().contains(f))
            .unwrap_or("purposes");
        AppError::new(ErrorKind::Invalid, Some(field), "不是可选的值", format!("not one of the choices: {e}"))
    })?;
    let saved = store.record_consent(&elder, consent, Utc::now())?;
    drop(guard);
    state.sync_soon();
    Ok(ConsentView::from(&saved))
}

/// Withdraws a consent; the record is kept with its withdrawal.
#[tauri::command]
pub async fn withdraw_consent(state: State<'_, AppState>, args: WithdrawArgs) -> AppResult<ConsentView> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    let withdrawal = Withdrawal { on: date("on", &args.on)?, by: args.by };
    let saved = store.withdraw_consent(&elder_id(&args.elder)?, &args.consent, withdrawal, Utc::now())?;
    drop(guard);
    state.sync_soon();
    Ok(ConsentView::from(&saved))
}

/// Writes everything held on one elder to a JSON file in the download directory (committee; logged
/// by core as an `export` audit entry).
#[tauri::command]
pub async fn export_elder_data<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    args: crate::dto::ElderRef,
) -> AppResult<SavedFile> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    office(store, "导出个人信息")?;
    let export = store.export_elder(&elder_id(&args.id)?, Utc::now())?;
    let json = serde_json::to_vec_pretty(&export)
        .map_err(|e| AppError::new(ErrorKind::Failed, None, e.to_string(), e.to_string()))?;
    let dir = crate::paperwork::export_dir(&app)?;
    let path = crate::paperwork::free_path(&dir, &format!("个人信息-{}", args.id), "json");
    std::fs::write(&path, json).map_err(|e| {
        AppError::new(
            ErrorKind::Failed,
            Some("file"),
            format!("无法写入文件：{e}"),
            format!("cannot write: {e}"),
        )
    })?;
    Ok(crate::paperwork::saved(&path))
}

/// Erases an elder for good (committee): the name typed again must match and a reason is required.
/// Core destroys the elder's key and every record here, and the erasure reaches every device on sync.
#[tauri::command]
pub async fn erase_elder(state: State<'_, AppState>, args: EraseArgs) -> AppResult<()> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    if state::role(store)? != AppRole::Committee {
        return Err(AppError::forbidden("删除个人信息"));
    }
    let id = elder_id(&args.id)?;
    let name = store.card(&id)?.name;
    if args.confirm_name.trim() != name {
        return Err(AppError::new(
            ErrorKind::Invalid,
            Some("confirm_name"),
            "输入的姓名与老人姓名不一致",
            "the name typed does not match the elder's",
        ));
    }
    if args.reason.trim().is_empty() {
        return Err(AppError::new(
            ErrorKind::Invalid,
            Some("reason"),
            "必填：删除原因",
            "the reason is required",
        ));
    }
    store.erase_elder(&id, args.reason.trim(), Utc::now())?;
    drop(guard);
    state.sync_soon();
    Ok(())
}

/// The audit log (newest first), of one elder or all (committee, township).
#[tauri::command]
pub async fn audit_log(state: State<'_, AppState>, args: AuditQuery) -> AppResult<Vec<AuditLine>> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    office(store, "查看审计日志")?;
    let elder = match args.elder.as_deref().filter(|e| !e.is_empty()) {
        Some(e) => Some(elder_id(e)?),
        None => None,
    };
    let mut lines: Vec<AuditLine> = store
        .audit_log(elder.as_ref())?
        .into_iter()
        .map(|e| AuditLine {
            seq: u32::try_from(e.seq).unwrap_or(u32::MAX),
            at: e.at,
            device: e.device,
            role: code(&e.role),
            action: code(&e.action),
            elder: e.elder.map(|id| id.to_string()),
            fields: e.fields,
        })
        .collect();
    lines.reverse();
    Ok(lines)
}

/// Verifies every device's chain: each break found (an empty list: the log is whole).
#[tauri::command]
pub async fn verify_audit(state: State<'_, AppState>) -> AppResult<Vec<AuditBreak>> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    office(store, "校验审计日志")?;
    Ok(store
        .verify_audit()?
        .into_iter()
        .map(|b| AuditBreak {
            device: b.device,
            seq: u32::try_from(b.seq).unwrap_or(u32::MAX),
            message: b.what.zh().to_string(),
            en: match b.what.code() {
                "edited" => "the entry was edited",
                "missing" => "entries before it are missing (deleted)",
                "unlinked" => "it does not link to the entry before it",
                "differs" => "the synced copy and the local log disagree",
                _ => "the entry cannot be read",
            }
            .to_string(),
            source: b.source,
        })
        .collect())
}
