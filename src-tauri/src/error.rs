//! Errors as the UI receives them: `{kind, field, message, en, violations}`, the message in Chinese
//! (core's `zh()`), English beside it. Never carries an ID number or health data: core's messages
//! name fields and rules, not values.
//!
//! This is the one place core's errors become [`AppError`]s: the store's ([`shouwang_core::store::Error`],
//! its refusals by role [`Refused`] included, which become [`ErrorKind::Forbidden`]), a record's broken
//! rules, an agreement's problems, the vault's, the ledger's, the report layouts' and the sync client's.

use serde::Serialize;
use shouwang_core::agreement::Problem;
use shouwang_core::division::UnitError;
use shouwang_core::ledger::LedgerError;
use shouwang_core::report::LayoutError;
use shouwang_core::validate::Violation;
use shouwang_core::vault;
use shouwang_core::view::Refused;
use ts_rs::TS;

/// One broken rule (or warning) of a record, under the field it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct FieldError {
    /// The field as a JSON path: `id_number`, `children[1].birth_year`, `supporters[0].phone`.
    pub field: String,
    /// The rule's code, e.g. `id_checksum`.
    pub rule: String,
    /// What is wrong, in Chinese.
    pub message: String,
    /// What is wrong, in English.
    pub en: String,
    /// A warning: the record may still be saved.
    pub warning: bool,
}

impl From<&Violation> for FieldError {
    fn from(v: &Violation) -> FieldError {
        FieldError {
            field: v.field.clone(),
            rule: v.rule.code().to_string(),
            message: v.rule.zh(),
            en: v.rule.en(),
            warning: v.rule.is_warning(),
        }
    }
}

impl From<&Problem> for FieldError {
    fn from(p: &Problem) -> FieldError {
        FieldError {
            field: p.field.clone(),
            rule: p.rule.code().into(),
            message: p.rule.zh(),
            en: p.rule.en(),
            warning: false,
        }
    }
}

/// What kind of failure: decides how the UI shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The input broke rules; `violations` lists each under its field. Nothing was written.
    Invalid,
    /// No elder (or no registry) with that id.
    NotFound,
    /// No registry is open yet: the first-run screen must create or enrol one.
    NotOpen,
    /// This device's role may not do this.
    Forbidden,
    /// The relay could not be reached; the change is kept and sent later.
    Offline,
    /// The relay refused (wrong or used enrolment code, scope mismatch).
    Refused,
    /// Anything else (disk full, damaged file).
    Failed,
}

/// An error as the UI receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[error("{message} / {en}")]
pub struct AppError {
    /// What kind of failure.
    pub kind: ErrorKind,
    /// The field at fault, when one is (the first violation's for `invalid`).
    pub field: Option<String>,
    /// What went wrong, in Chinese.
    pub message: String,
    /// What went wrong, in English.
    pub en: String,
    /// Every broken rule, for `invalid`.
    pub violations: Vec<FieldError>,
}

/// Splits core's `中文 / English` messages.
pub fn both(text: &str) -> (String, String) {
    text.split_once(" / ").map(|(a, b)| (a.to_string(), b.to_string())).unwrap_or((text.into(), text.into()))
}

impl AppError {
    /// An error of `kind` about `field` with a message in both languages.
    pub fn new(
        kind: ErrorKind,
        field: Option<&str>,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> AppError {
        AppError {
            kind,
            field: field.map(str::to_string),
            message: zh.into(),
            en: en.into(),
            violations: vec![],
        }
    }

    /// No registry is open on this device.
    pub fn not_open() -> AppError {
        AppError::new(ErrorKind::NotOpen, None, "尚未打开登记册", "no registry is open yet")
    }

    /// Something failed that the person cannot fix by typing (a file, a thread), in core's
    /// `中文 / English` words when it has them.
    pub fn failed(field: Option<&str>, e: impl std::fmt::Display) -> AppError {
        let (zh, en) = both(&e.to_string());
        AppError::new(ErrorKind::Failed, field, zh, en)
    }

    /// One broken rule `rule` under `field`.
    pub fn field(field: &str, rule: &str, zh: impl Into<String>, en: impl Into<String>) -> AppError {
        AppError::listing(vec![FieldError {
            field: field.into(),
            rule: rule.into(),
            message: zh.into(),
            en: en.into(),
            warning: false,
        }])
    }

    /// Every broken rule of `list`, the first error (else the first warning) on top.
    pub fn listing(list: Vec<FieldError>) -> AppError {
        let first = list.iter().find(|v| !v.warning).or(list.first());
        AppError {
            kind: ErrorKind::Invalid,
            field: first.map(|v| v.field.clone()),
            message: first.map(|v| v.message.clone()).unwrap_or_else(|| "填写有误".into()),
            en: first.map(|v| v.en.clone()).unwrap_or_else(|| "invalid input".into()),
            violations: list,
        }
    }

    /// A record that broke rules.
    pub fn invalid(violations: &[Violation]) -> AppError {
        AppError::listing(violations.iter().map(FieldError::from).collect())
    }

    /// Every problem core found in an agreement, each under its field.
    pub fn problems(problems: &[Problem]) -> AppError {
        AppError::listing(problems.iter().map(FieldError::from).collect())
    }
}

impl From<Refused> for AppError {
    fn from(r: Refused) -> AppError {
        AppError::new(ErrorKind::Forbidden, None, r.zh(), r.en())
    }
}

impl From<shouwang_core::store::Error> for AppError {
    fn from(e: shouwang_core::store::Error) -> AppError {
        use shouwang_core::store::Error as E;
        match e {
            E::Invalid(v) => AppError::invalid(&v),
            E::Field { field, zh, en } => AppError::field(&field, "field", zh, en),
            E::Refused(r) => r.into(),
            E::NotFound(id) => AppError::new(
                ErrorKind::NotFound,
                None,
                format!("没有编号为 {id} 的老人"),
                format!("no elder with id {id}"),
            ),
            E::NotInitialised => AppError::not_open(),
            other => {
                let text = other.to_string();
                let (zh, en) = text
                    .split_once(" / ")
                    .map(|(a, b)| (a.to_string(), b.to_string()))
                    .unwrap_or((format!("操作失败：{text}"), text.clone()));
                AppError::new(ErrorKind::Failed, None, zh, en)
            }
        }
    }
}

impl From<UnitError> for AppError {
    fn from(e: UnitError) -> AppError {
        AppError::new(ErrorKind::Invalid, Some("unit"), e.zh(), e.en())
    }
}

impl From<vault::Error> for AppError {
    /// The PIN's problems under the field `pin`.
    fn from(e: vault::Error) -> AppError {
        match e.field() {
            Some(_) => AppError::field("pin", "pin", e.zh(), e.en()),
            None => AppError::new(ErrorKind::Failed, None, e.zh(), e.en()),
        }
    }
}

impl From<LayoutError> for AppError {
    fn from(e: LayoutError) -> AppError {
        let field = match &e {
            LayoutError::Invalid { field, .. } => field.clone(),
            _ => "layout".into(),
        };
        let (zh, en) = both(&e.to_string());
        AppError::field(&field, "format", zh, en)
    }
}

impl From<LedgerError> for AppError {
    /// Under the field `file`: a failure to read or write it, or a file that is not a ledger.
    fn from(e: LedgerError) -> AppError {
        match e {
            LedgerError::Io(_) | LedgerError::Export(_) => AppError::failed(Some("file"), e),
            LedgerError::Refused(r) => r.into(),
            _ => {
                let (zh, en) = both(&e.to_string());
                AppError::field("file", "format", zh, en)
            }
        }
    }
}

impl From<shouwang_sync::SyncError> for AppError {
    fn from(e: shouwang_sync::SyncError) -> AppError {
        use shouwang_sync::SyncError as S;
        match e {
            S::Store(e) => e.into(),
            S::NotEnrolled => AppError::new(
                ErrorKind::Refused,
                None,
                "本设备尚未登记到中继服务器",
                "this device is not enrolled with a relay",
            ),
            S::Refused { status, kind, field, message } => AppError::new(
                ErrorKind::Refused,
                field.as_deref(),
                format!("中继服务器拒绝了请求（{status}，{kind}）：{message}"),
                format!("the relay refused the request ({status}, {kind}): {message}"),
            ),
            S::Network(m) => AppError::new(
                ErrorKind::Offline,
                None,
                format!("无法连接中继服务器，修改已保存在本机，稍后自动同步（{m}）"),
                format!("cannot reach the relay; changes are kept on this device and sent later ({m})"),
            ),
            S::Wire(m) => AppError::new(
                ErrorKind::Offline,
                None,
                format!("中继服务器的应答无法解析（{m}）"),
                format!("the relay's answer could not be read ({m})"),
            ),
        }
    }
}

/// What every command returns.
pub type AppResult<T> = Result<T, AppError>;
