//! Care agreements 委托照顾协议 (附件3/附件4; core refuses them to a device that is not an office's:
//! they hold the family's ID numbers): the list with today's reminders, one agreement, checking and
//! filing the form, payments, duties, an early end, renewal and the printable page.

use crate::dto::{
    end_error, form_fields, under_field, AgreementForm, AgreementLine, AgreementQuery, AgreementRef,
    AgreementView, DutyArgs, EndArgs, PaymentArgs, RenewArgs,
};
use crate::error::{AppError, AppResult, ErrorKind, FieldError};
use crate::parse;
use crate::state::AppState;
use shouwang_core::agreement::{self, Agreement, Done, Duty, EndReason, Ending, Party, Payment};
use tauri::State;

/// Checks the form with core's rules, every problem at once; the agreement ready to file.
fn checked(form: &AgreementForm) -> AppResult<Agreement> {
    let mut a = form.to_agreement()?;
    agreement::validate(&mut a).map_err(|p| form_fields(AppError::problems(&p)))?;
    Ok(a)
}

/// Filed agreements (of one elder or all) with today's reminders: the family's weekly call, the
/// trustee's monthly report, the committee's weekly check, the fee (a month late: B may end it), the
/// end of the period.
#[tauri::command]
pub async fn list_agreements(
    state: State<'_, AppState>,
    args: AgreementQuery,
) -> AppResult<Vec<AgreementLine>> {
    let store = state.open().await?;
    let elder = parse::elder_opt("elder", args.elder.as_deref())?;
    let reminders = store.agreement_reminders(state.today())?;
    let rows = store.agreements(elder.as_ref())?;
    Ok(rows
        .into_iter()
        .map(|r| AgreementLine::of(r.clone(), reminders.iter().find(|x| x.agreement == r.id)))
        .collect())
}

/// One filed agreement with its payments, duties done and reminders.
#[tauri::command]
pub async fn get_agreement(state: State<'_, AppState>, args: AgreementRef) -> AppResult<AgreementView> {
    let store = state.open().await?;
    Ok(AgreementView::of(&store.agreement(&args.id)?, state.today()))
}

/// Checks the form with core's rules without filing it: every problem under its field (empty: it can
/// be filed).
#[tauri::command]
pub async fn check_agreement(state: State<'_, AppState>, args: AgreementForm) -> AppResult<Vec<FieldError>> {
    let store = state.open().await?;
    let mut agreement = match args.to_agreement() {
        Ok(a) => a,
        Err(e) if e.kind == ErrorKind::Invalid => return Ok(e.violations),
        Err(e) => return Err(e),
    };
    let problems = store.check_agreement(&mut agreement)?;
    Ok(form_fields(AppError::problems(&problems)).violations)
}

/// Files a signed agreement (附件3 or 附件4) for the elder it names; a refused one writes nothing.
#[tauri::command]
pub async fn save_agreement(state: State<'_, AppState>, args: AgreementForm) -> AppResult<AgreementView> {
    let mut store = state.open().await?;
    let saved = store.add_agreement(checked(&args)?, state.now()).map_err(|e| form_fields(e.into()))?;
    drop(store);
    state.sync_soon();
    Ok(AgreementView::of(&saved, state.today()))
}

/// Records a payment; returns the agreement as it now stands.
#[tauri::command]
pub async fn record_payment(state: State<'_, AppState>, args: PaymentArgs) -> AppResult<AgreementView> {
    let mut store = state.open().await?;
    let on = parse::date("on", &args.on)?;
    let payment =
        Payment { on, amount_fen: parse::yuan("amount", &args.amount)?.0, note: args.note.trim().into() };
    store
        .record_payment(&args.agreement, payment, state.now())
        .map_err(|e| under_field(e.into(), "payments[", "amount"))?;
    let view = AgreementView::of(&store.agreement(&args.agreement)?, state.today());
    drop(store);
    state.sync_soon();
    Ok(view)
}

/// Records a recurring duty done (A phoned B, B reported to A, the committee checked).
#[tauri::command]
pub async fn record_duty(state: State<'_, AppState>, args: DutyArgs) -> AppResult<AgreementView> {
    let mut store = state.open().await?;
    let done = Done { duty: parse::code::<Duty>("duty", &args.duty)?, on: parse::date("on", &args.on)? };
    store
        .record_duty(&args.agreement, done, state.now())
        .map_err(|e| under_field(e.into(), "done[", "on"))?;
    let view = AgreementView::of(&store.agreement(&args.agreement)?, state.today());
    drop(store);
    state.sync_soon();
    Ok(view)
}

/// Ends an agreement early as 五、解除协议 allows (core's rules: 15 days' notice without fault;
/// non-payment only by the trustee with a payment a month late).
#[tauri::command]
pub async fn end_agreement(state: State<'_, AppState>, args: EndArgs) -> AppResult<AgreementView> {
    let mut store = state.open().await?;
    let ending = Ending {
        by: parse::code::<Party>("by", &args.by)?,
        reason: parse::code::<EndReason>("reason", &args.reason)?,
        notice_on: parse::date("notice_on", &args.notice_on)?,
        end_on: parse::date("end_on", &args.end_on)?,
    };
    let ended = store.end_agreement(&args.agreement, ending, state.now()).map_err(|e| end_error(e.into()))?;
    drop(store);
    state.sync_soon();
    Ok(AgreementView::of(&ended, state.today()))
}

/// Files the next agreement, starting the day after this one ends, linked to it.
#[tauri::command]
pub async fn renew_agreement(state: State<'_, AppState>, args: RenewArgs) -> AppResult<AgreementView> {
    let mut store = state.open().await?;
    let renewed = store.renew_agreement(&args.agreement, args.years, state.now())?;
    drop(store);
    state.sync_soon();
    Ok(AgreementView::of(&renewed, state.today()))
}

/// The agreement as the template reads, blanks filled and underlined, four signature lines: a
/// print-ready HTML page (A4) from core's print module.
#[tauri::command]
pub async fn print_agreement(state: State<'_, AppState>, args: AgreementRef) -> AppResult<String> {
    let store = state.open().await?;
    Ok(shouwang_core::print::agreement_html(&store.agreement(&args.id)?))
}
