//! Care agreements 委托照顾协议 (附件3/附件4): the form ([`form`]), the list with today's reminders,
//! one agreement with its payments, duties done and an early end, and the arguments of each write.

pub mod form;

use crate::dto::code_of;
use chrono::NaiveDate;
use form::AgreementForm;
use serde::{Deserialize, Serialize};
use shouwang_core::agreement::{self, Agreement, Reminder, ReminderKind};
use shouwang_core::money::Fen;
use shouwang_core::store::{AgreementReminders, AgreementRow};
use ts_rs::TS;

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

impl AgreementLine {
    /// A stored agreement's line with what `due` says is due today.
    pub fn of(r: AgreementRow, due: Option<&AgreementReminders>) -> AgreementLine {
        AgreementLine {
            elder_name: r
                .elder_name
                .clone()
                .or_else(|| due.map(|d| d.elder_name.clone()))
                .unwrap_or_default(),
            reminders: due.map(|d| d.reminders.iter().map(ReminderView::from).collect()).unwrap_or_default(),
            id: r.id,
            elder: r.elder.to_string(),
            kind: r.kind,
            trustee: r.trustee,
            start: r.start.to_string(),
            last_day: r.last_day.to_string(),
            renews: r.renews,
            ended: r.ended,
            payments: r.payments,
            paid: Fen(r.paid_fen).to_string(),
        }
    }
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
            form: AgreementForm::from(a),
            renews: a.renews.clone(),
            payments: a
                .payments
                .iter()
                .map(|p| PaymentView {
                    on: p.on.to_string(),
                    amount: Fen(p.amount_fen).to_string(),
                    note: p.note.clone(),
                })
                .collect(),
            paid: Fen(a.payments.iter().map(|p| p.amount_fen).sum()).to_string(),
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
