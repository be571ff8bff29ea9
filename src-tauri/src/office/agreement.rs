//! Care agreements 委托照顾协议 (附件3/附件4): the form as the template's blanks, its conversion to core's
//! `Agreement` (dates as `YYYY-MM-DD`, the fee in yuan), core's problems under the form's fields, the
//! list with today's reminders, payments, duties, an early end, renewal and the printable page.

use super::{
    code, code_of, elder_id, end_error, office_only, parse_date, parse_yuan, problems_to_error, today,
};
use crate::error::{AppError, AppResult, ErrorKind, FieldError};
use crate::state::{self, AppState};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use shouwang_core::agreement::{
    self, Agreement, CaredElder, Committee, Delegator, Done, Duty, EndReason, Ending, Every, Fee, Hours,
    Kind, Party, Payment, Reminder, ReminderKind, Service, Trustee,
};
use tauri::State;
use ts_rs::TS;

/// 甲方（委托人）.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DelegatorForm {
    /// 姓名
    pub name: String,
    /// 身份证号码
    pub id_number: String,
    /// 与被助养老人关系
    pub relation: String,
    /// 家庭住址
    pub address: String,
    /// 联系方式
    pub phone: String,
}

/// 乙方（受托人）.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TrusteeForm {
    /// 姓名
    pub name: String,
    /// 身份证号码
    pub id_number: String,
    /// 家庭住址
    pub address: String,
    /// 联系方式
    pub phone: String,
}

/// 被助养老人.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CaredElderForm {
    /// The elder's registry id.
    pub elder: String,
    /// 姓名
    pub name: String,
    /// 家庭住址
    pub address: String,
    /// 联系方式 (may be empty).
    pub phone: String,
}

/// 村民委员会（监督见证代表）.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CommitteeForm {
    /// The committee, e.g. 斑竹村.
    pub village: String,
    /// The staff member who witnesses and supervises.
    pub staff: String,
    /// Their phone.
    pub phone: String,
}

/// 每日提供助养服务时间: `between` (从 from 时至 to 时) or `per_day` (每天 hours 个小时).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HoursForm {
    /// `between` or `per_day`.
    pub mode: String,
    /// Starting hour (between).
    pub from: u8,
    /// Ending hour (between).
    pub to: u8,
    /// Hours a day (per_day).
    pub hours: u8,
}

/// 费用支付数额、支付方式、支付时间.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FeeForm {
    /// Amount each period in yuan as typed (`300`, `300.50`).
    pub amount: String,
    /// `month`, `quarter`, `half_year`, `year` or `once`.
    pub every: String,
    /// 支付方式, e.g. 微信转账.
    pub method: String,
}

/// The agreement form (附件3 / 附件4): the template's blanks. Field names follow core's, so every
/// problem core finds (`trustee.id_number`, `end`, `fee.method`…) lands under its input.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AgreementForm {
    /// `self_care` (附件3) or `assisted` (附件4).
    pub kind: String,
    /// 甲方（委托人）
    pub delegator: DelegatorForm,
    /// 乙方（受托人）
    pub trustee: TrusteeForm,
    /// 被助养老人
    pub elder: CaredElderForm,
    /// 村民委员会（监督见证代表）
    pub committee: CommitteeForm,
    /// 服务期限 in years.
    pub years: u32,
    /// Start (`YYYY-MM-DD`).
    pub start: String,
    /// End (`YYYY-MM-DD`): the day before the anniversary.
    pub end: String,
    /// 服务地点
    pub place: String,
    /// Daily hours.
    pub hours: HoursForm,
    /// Services ticked from the template's list (codes).
    pub services: Vec<String>,
    /// Services agreed beyond the list.
    pub extra_services: Vec<String>,
    /// The fee.
    pub fee: FeeForm,
    /// 其他约定
    pub other_terms: String,
    /// Signed on (`YYYY-MM-DD`), if signed.
    pub signed_on: Option<String>,
}

/// Converts the form to core's agreement (no payments or duties yet); a mistyped date, amount or
/// choice is answered under its field, every one at once.
pub fn form_to_agreement(f: &AgreementForm) -> AppResult<Agreement> {
    let mut errors: Vec<FieldError> = Vec::new();
    let mut keep = |r: AppResult<()>| {
        if let Err(e) = r {
            errors.extend(e.violations);
        }
    };
    let mut kind = Kind::SelfCare;
    keep(code::<Kind>("kind", &f.kind).map(|k| kind = k));
    let mut start = NaiveDate::MIN;
    keep(parse_date("start", &f.start).map(|d| start = d));
    let mut end = NaiveDate::MIN;
    keep(parse_date("end", &f.end).map(|d| end = d));
    let mut signed_on = None;
    if let Some(s) = f.signed_on.as_deref().filter(|s| !s.trim().is_empty()) {
        keep(parse_date("signed_on", s).map(|d| signed_on = Some(d)));
    }
    let mut amount_fen = 0;
    keep(parse_yuan("fee.amount", &f.fee.amount).map(|a| amount_fen = a));
    let mut every = Every::Month;
    keep(code::<Every>("fee.every", &f.fee.every).map(|e| every = e));
    let hours = match f.hours.mode.as_str() {
        "per_day" => Hours::PerDay { hours: f.hours.hours },
        _ => Hours::Between { from: f.hours.from, to: f.hours.to },
    };
    let mut services = Vec::new();
    for (i, s) in f.services.iter().enumerate() {
        keep(code::<Service>(&format!("services[{i}]"), s).map(|s| services.push(s)));
    }
    let mut elder = None;
    match elder_id(&f.elder.elder) {
        Ok(id) => elder = Some(id),
        Err(_) => errors.push(FieldError {
            field: "elder.elder".into(),
            rule: "required".into(),
            message: "请选择台账中的被助养老人".into(),
            en: "choose the elder from the registry".into(),
            warning: false,
        }),
    }
    if !errors.is_empty() {
        let first = errors[0].clone();
        return Err(AppError {
            kind: ErrorKind::Invalid,
            field: Some(first.field),
            message: first.message,
            en: first.en,
            violations: errors,
        });
    }
    Ok(Agreement {
        id: String::new(),
        kind,
        delegator: Delegator {
            name: f.delegator.name.clone(),
            id_number: f.delegator.id_number.clone(),
            relation: f.delegator.relation.clone(),
            address: f.delegator.address.clone(),
            phone: f.delegator.phone.clone(),
        },
        trustee: Trustee {
            name: f.trustee.name.clone(),
            id_number: f.trustee.id_number.clone(),
            address: f.trustee.address.clone(),
            phone: f.trustee.phone.clone(),
        },
        elder: CaredElder {
            elder,
            name: f.elder.name.clone(),
            address: f.elder.address.clone(),
            phone: f.elder.phone.clone(),
        },
        committee: Committee {
            village: f.committee.village.clone(),
            staff: f.committee.staff.clone(),
            phone: f.committee.phone.clone(),
        },
        years: f.years,
        start,
        end,
        place: f.place.clone(),
        hours,
        services,
        extra_services: f.extra_services.iter().filter(|s| !s.trim().is_empty()).cloned().collect(),
        fee: Fee { amount_fen, every, method: f.fee.method.clone() },
        other_terms: f.other_terms.clone(),
        signed_on,
        renews: None,
        payments: Vec::new(),
        done: Vec::new(),
        ending: None,
    })
}

/// The stored agreement as the form shows it.
pub fn agreement_to_form(a: &Agreement) -> AgreementForm {
    let (mode, from, to, hours) = match a.hours {
        Hours::Between { from, to } => ("between", from, to, 0),
        Hours::PerDay { hours } => ("per_day", 0, 0, hours),
    };
    AgreementForm {
        kind: code_of(&a.kind),
        delegator: DelegatorForm {
            name: a.delegator.name.clone(),
            id_number: a.delegator.id_number.clone(),
            relation: a.delegator.relation.clone(),
            address: a.delegator.address.clone(),
            phone: a.delegator.phone.clone(),
        },
        trustee: TrusteeForm {
            name: a.trustee.name.clone(),
            id_number: a.trustee.id_number.clone(),
            address: a.trustee.address.clone(),
            phone: a.trustee.phone.clone(),
        },
        elder: CaredElderForm {
            elder: a.elder.elder.as_ref().map(ToString::to_string).unwrap_or_default(),
            name: a.elder.name.clone(),
            address: a.elder.address.clone(),
            phone: a.elder.phone.clone(),
        },
        committee: CommitteeForm {
            village: a.committee.village.clone(),
            staff: a.committee.staff.clone(),
            phone: a.committee.phone.clone(),
        },
        years: a.years,
        start: a.start.to_string(),
        end: a.end.to_string(),
        place: a.place.clone(),
        hours: HoursForm { mode: mode.into(), from, to, hours },
        services: a.services.iter().map(code_of).collect(),
        extra_services: a.extra_services.clone(),
        fee: FeeForm {
            amount: agreement::yuan(a.fee.amount_fen),
            every: code_of(&a.fee.every),
            method: a.fee.method.clone(),
        },
        other_terms: a.other_terms.clone(),
        signed_on: a.signed_on.map(|d| d.to_string()),
    }
}

/// Core's problems with the form's field names (`fee.amount_fen` is typed as `fee.amount`).
fn form_fields(mut e: AppError) -> AppError {
    let rename = |f: &str| if f == "fee.amount_fen" { "fee.amount".to_string() } else { f.to_string() };
    e.field = e.field.as_deref().map(rename);
    for v in &mut e.violations {
        v.field = rename(&v.field);
    }
    e
}

/// Checks the form with core's rules, every problem at once; the agreement ready to file.
fn checked(form: &AgreementForm) -> AppResult<Agreement> {
    let mut a = form_to_agreement(form)?;
    agreement::validate(&mut a).map_err(|p| form_fields(problems_to_error(&p)))?;
    Ok(a)
}

/// A reminder as the list and the agreement show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ReminderView {
    /// `duty`, `payment`, `trustee_may_end`, `renewal` or `settle`.
    pub kind: String,
    /// For a duty: `delegator_calls`, `trustee_reports` or `committee_checks`.
    pub duty: Option<String>,
    /// When it falls (or fell) due.
    pub due: String,
    /// Days past due (0 when not yet).
    pub days_overdue: i64,
    /// The reminder in Chinese.
    pub message: String,
    /// The reminder in English.
    pub en: String,
}

impl From<&Reminder> for ReminderView {
    fn from(r: &Reminder) -> ReminderView {
        let (kind, duty) = match &r.kind {
            ReminderKind::Duty { duty } => ("duty", Some(code_of(duty))),
            ReminderKind::Payment { .. } => ("payment", None),
            ReminderKind::TrusteeMayEnd { .. } => ("trustee_may_end", None),
            ReminderKind::Renewal => ("renewal", None),
            ReminderKind::Settle => ("settle", None),
        };
        ReminderView {
            kind: kind.into(),
            duty,
            due: r.due.to_string(),
            days_overdue: r.days_overdue,
            message: r.zh(),
            en: r.en(),
        }
    }
}

/// One agreement in the list, with what is due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AgreementLine {
    /// Its id.
    pub id: String,
    /// The elder's id.
    pub elder: String,
    /// The elder's name.
    pub elder_name: String,
    /// `self_care` (附件3) or `assisted` (附件4).
    pub kind: String,
    /// 乙方.
    pub trustee: String,
    /// Start.
    pub start: String,
    /// The last day of service.
    pub last_day: String,
    /// The agreement it renews.
    pub renews: Option<String>,
    /// Ended early.
    pub ended: bool,
    /// Payments recorded.
    pub payments: i64,
    /// Their total in yuan (`600.00`).
    pub paid: String,
    /// What is due or overdue today.
    pub reminders: Vec<ReminderView>,
}

/// Which agreements the list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, TS)]
pub struct AgreementQuery {
    /// One elder's (their id), or every one.
    #[serde(default)]
    pub elder: Option<String>,
}

/// Names one stored agreement.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct AgreementRef {
    /// The agreement's id.
    pub id: String,
}

/// A payment recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PaymentView {
    /// Paid on.
    pub on: String,
    /// Amount in yuan (`300.00`).
    pub amount: String,
    /// A note.
    pub note: String,
}

/// A recurring duty done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DutyView {
    /// `delegator_calls`, `trustee_reports` or `committee_checks`.
    pub duty: String,
    /// When.
    pub on: String,
}

/// An early end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct EndingView {
    /// `delegator` or `trustee`.
    pub by: String,
    /// `no_fault`, `non_payment`, `trustee_fault` or `disputes`.
    pub reason: String,
    /// The reason in the template's words.
    pub reason_zh: String,
    /// Notice given on.
    pub notice_on: String,
    /// Ends on.
    pub end_on: String,
}

/// One stored agreement: the form, payments, duties done, an early end and today's reminders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AgreementView {
    /// Its id.
    pub id: String,
    /// The template's blanks.
    pub form: AgreementForm,
    /// The agreement it renews.
    pub renews: Option<String>,
    /// Payments, oldest first.
    pub payments: Vec<PaymentView>,
    /// Total paid in yuan.
    pub paid: String,
    /// Duties done, oldest first.
    pub done: Vec<DutyView>,
    /// An early end.
    pub ending: Option<EndingView>,
    /// The last day of service.
    pub last_day: String,
    /// What is due or overdue today.
    pub reminders: Vec<ReminderView>,
}

impl AgreementView {
    /// The view of `a` on `today`.
    pub fn of(a: &Agreement, today: NaiveDate) -> AgreementView {
        AgreementView {
            id: a.id.clone(),
            form: agreement_to_form(a),
            renews: a.renews.clone(),
            payments: a
                .payments
                .iter()
                .map(|p| PaymentView {
                    on: p.on.to_string(),
                    amount: agreement::yuan(p.amount_fen),
                    note: p.note.clone(),
                })
                .collect(),
            paid: agreement::yuan(a.payments.iter().map(|p| p.amount_fen).sum()),
            done: a.done.iter().map(|d| DutyView { duty: code_of(&d.duty), on: d.on.to_string() }).collect(),
            ending: a.ending.as_ref().map(|e| EndingView {
                by: code_of(&e.by),
                reason: code_of(&e.reason),
                reason_zh: e.reason.zh().into(),
                notice_on: e.notice_on.to_string(),
                end_on: e.end_on.to_string(),
            }),
            last_day: a.last_day().to_string(),
            reminders: agreement::reminders(a, &a.payments, &a.done, today)
                .iter()
                .map(ReminderView::from)
                .collect(),
        }
    }
}

/// A payment A made to B.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct PaymentArgs {
    /// The agreement.
    pub agreement: String,
    /// Paid on (`YYYY-MM-DD`).
    pub on: String,
    /// Amount in yuan as typed.
    pub amount: String,
    /// A note (receipt, method).
    #[serde(default)]
    pub note: String,
}

/// A recurring duty done.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct DutyArgs {
    /// The agreement.
    pub agreement: String,
    /// `delegator_calls`, `trustee_reports` or `committee_checks`.
    pub duty: String,
    /// Done on (`YYYY-MM-DD`).
    pub on: String,
}

/// An early end (五、解除协议).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct EndArgs {
    /// The agreement.
    pub agreement: String,
    /// `delegator` or `trustee`.
    pub by: String,
    /// `no_fault`, `non_payment`, `trustee_fault` or `disputes`.
    pub reason: String,
    /// Notice given on (`YYYY-MM-DD`).
    pub notice_on: String,
    /// Ends on (`YYYY-MM-DD`).
    pub end_on: String,
}

/// The next agreement continuing a stored one.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct RenewArgs {
    /// The agreement renewed.
    pub agreement: String,
    /// Years of the new period.
    pub years: u32,
}

/// Filed agreements (of one elder or all) with today's reminders: the family's weekly call, the
/// trustee's monthly report, the committee's weekly check, the fee (a month late: B may end it), the
/// end of the period.
#[tauri::command]
pub async fn list_agreements(
    state: State<'_, AppState>,
    args: AgreementQuery,
) -> AppResult<Vec<AgreementLine>> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    office_only(state::role(store)?, "查看委托照顾协议")?;
    let elder = args.elder.as_deref().filter(|e| !e.is_empty()).map(elder_id).transpose()?;
    let day = today();
    let reminders = store.agreement_reminders(day)?;
    Ok(store
        .agreements(elder.as_ref())?
        .into_iter()
        .map(|r| {
            let due = reminders.iter().find(|x| x.agreement == r.id);
            AgreementLine {
                elder_name: r
                    .elder_name
                    .clone()
                    .or_else(|| due.map(|d| d.elder_name.clone()))
                    .unwrap_or_default(),
                reminders: due
                    .map(|d| d.reminders.iter().map(ReminderView::from).collect())
                    .unwrap_or_default(),
                id: r.id,
                elder: r.elder.to_string(),
                kind: r.kind,
                trustee: r.trustee,
                start: r.start.to_string(),
                last_day: r.last_day.to_string(),
                renews: r.renews,
                ended: r.ended,
                payments: r.payments,
                paid: agreement::yuan(r.paid_fen),
            }
        })
        .collect())
}

/// One filed agreement with its payments, duties done and reminders.
#[tauri::command]
pub async fn get_agreement(state: State<'_, AppState>, args: AgreementRef) -> AppResult<AgreementView> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    office_only(state::role(store)?, "查看委托照顾协议")?;
    Ok(AgreementView::of(&store.agreement(&args.id)?, today()))
}

/// Checks the form with core's rules without filing it: every problem under its field (empty: it can
/// be filed).
#[tauri::command]
pub async fn check_agreement(state: State<'_, AppState>, args: AgreementForm) -> AppResult<Vec<FieldError>> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    office_only(state::role(store)?, "填写委托照顾协议")?;
    match checked(&args) {
        Ok(_) => Ok(Vec::new()),
        Err(e) if e.kind == ErrorKind::Invalid => Ok(e.violations),
        Err(e) => Err(e),
    }
}

/// Files a signed agreement (附件3 or 附件4) for the elder it names; a refused one writes nothing.
#[tauri::command]
pub async fn save_agreement(state: State<'_, AppState>, args: AgreementForm) -> AppResult<AgreementView> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    office_only(state::role(store)?, "保存委托照顾协议")?;
    let a = checked(&args)?;
    let saved = store.add_agreement(a, Utc::now()).map_err(|e| form_fields(e.into()))?;
    drop(guard);
    state.sync_soon();
    Ok(AgreementView::of(&saved, today()))
}

/// Records a payment; returns the agreement as it now stands.
#[tauri::command]
pub async fn record_payment(state: State<'_, AppState>, args: PaymentArgs) -> AppResult<AgreementView> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    office_only(state::role(store)?, "登记协议付款")?;
    let on = parse_date("on", &args.on)?;
    let amount_fen = parse_yuan("amount", &args.amount)?;
    let payment = Payment { on, amount_fen, note: args.note.trim().to_string() };
    store
        .record_payment(&args.agreement, payment, Utc::now())
        .map_err(|e| under_field(e, "payments[", "amount"))?;
    let view = AgreementView::of(&store.agreement(&args.agreement)?, today());
    drop(guard);
    state.sync_soon();
    Ok(view)
}

/// Core's error, with a field under `prefix` (the new entry of a list, e.g. `payments[3].amount_fen`)
/// reported under the form's own field `to`, where the UI shows it.
fn under_field(e: shouwang_core::store::Error, prefix: &str, to: &str) -> AppError {
    let mut e = AppError::from(e);
    if e.field.as_deref().is_some_and(|f| f.starts_with(prefix)) {
        e.field = Some(to.into());
        e.violations.iter_mut().for_each(|v| v.field = to.into());
    }
    e
}

/// Records a recurring duty done (A phoned B, B reported to A, the committee checked).
#[tauri::command]
pub async fn record_duty(state: State<'_, AppState>, args: DutyArgs) -> AppResult<AgreementView> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    office_only(state::role(store)?, "登记协议履行情况")?;
    let duty: Duty = code("duty", &args.duty)?;
    let on = parse_date("on", &args.on)?;
    store
        .record_duty(&args.agreement, Done { duty, on }, Utc::now())
        .map_err(|e| under_field(e, "done[", "on"))?;
    let view = AgreementView::of(&store.agreement(&args.agreement)?, today());
    drop(guard);
    state.sync_soon();
    Ok(view)
}

/// Ends an agreement early as 五、解除协议 allows (15 days' notice without fault; non-payment only by
/// the trustee with a payment a month late).
#[tauri::command]
pub async fn end_agreement(state: State<'_, AppState>, args: EndArgs) -> AppResult<AgreementView> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    office_only(state::role(store)?, "解除委托照顾协议")?;
    let by: Party = code("by", &args.by)?;
    let reason: EndReason = code("reason", &args.reason)?;
    let notice_on = parse_date("notice_on", &args.notice_on)?;
    let end_on = parse_date("end_on", &args.end_on)?;
    let ended = store
        .end_agreement(&args.agreement, Ending { by, reason, notice_on, end_on }, Utc::now())
        .map_err(|e| end_error(e.into()))?;
    drop(guard);
    state.sync_soon();
    Ok(AgreementView::of(&ended, today()))
}

/// Files the next agreement, starting the day after this one ends, linked to it.
#[tauri::command]
pub async fn renew_agreement(state: State<'_, AppState>, args: RenewArgs) -> AppResult<AgreementView> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    office_only(state::role(store)?, "续签委托照顾协议")?;
    let renewed = store.renew_agreement(&args.agreement, args.years, Utc::now()).map_err(AppError::from)?;
    drop(guard);
    state.sync_soon();
    Ok(AgreementView::of(&renewed, today()))
}

/// The agreement as the template reads, blanks filled and underlined, four signature lines: a
/// print-ready HTML page (A4) from core's print module.
#[tauri::command]
pub async fn print_agreement(state: State<'_, AppState>, args: AgreementRef) -> AppResult<String> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    office_only(state::role(store)?, "打印委托照顾协议")?;
    Ok(shouwang_core::print::agreement_html(&store.agreement(&args.id)?))
}
