//! The agreement's recurring duties as dated reminders, and its end and renewal (五、解除协议).
//!
//! - A phones B at least weekly (二.5); B reports to A at least monthly (三.3); the committee checks
//!   by phone or visit weekly (四.2). Each is due one period after it was last done (or after the
//!   start) and overdue the day after.
//! - The fee falls due at the start of each period; a payment a month late lets B end the agreement,
//!   and A must then settle within 10 days (五.3).
//! - Ending early without fault needs 15 days' notice (五.2); within 30 days of the end date the parties
//!   are reminded to meet at the committee and renew (五.1).

use super::{Agreement, Done, EndReason, Ending, Party, Payment};
use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// Days of notice for an early end without fault (五.2).
pub const NOTICE_DAYS: i64 = 15;
/// Days A has to settle after B ends for non-payment (五.3).
pub const SETTLE_DAYS: u64 = 10;
/// How long before the end the renewal reminder appears.
const RENEWAL_WINDOW_DAYS: i64 = 30;

/// A recurring duty of the agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Duty {
    /// 二.5: A phones B at least once a week.
    DelegatorCalls,
    /// 三.3: B tells A how the elder is, at least once a month.
    TrusteeReports,
    /// 四.2: the committee phones or visits, weekly.
    CommitteeChecks,
}

impl Duty {
    /// Every duty.
    pub const ALL: [Duty; 3] = [Duty::DelegatorCalls, Duty::TrusteeReports, Duty::CommitteeChecks];

    /// The Chinese words.
    pub fn zh(self) -> &'static str {
        match self {
            Duty::DelegatorCalls => "甲方每周至少一次电话向乙方了解老人状况",
            Duty::TrusteeReports => "乙方每月至少一次电话告知甲方老人状况",
            Duty::CommitteeChecks => "村委会每周一次电话或走访，征求老人意见",
        }
    }

    /// The English words.
    pub fn en(self) -> &'static str {
        match self {
            Duty::DelegatorCalls => "the family phones the trustee at least weekly",
            Duty::TrusteeReports => "the trustee reports to the family at least monthly",
            Duty::CommitteeChecks => "the committee checks by phone or visit weekly",
        }
    }

    /// The date this duty next falls due after it was done on `last`.
    pub fn next_after(self, last: NaiveDate) -> NaiveDate {
        match self {
            Duty::DelegatorCalls | Duty::CommitteeChecks => last + Days::new(7),
            Duty::TrusteeReports => last.checked_add_months(Months::new(1)).expect("date in range"),
        }
    }
}

/// What a reminder is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReminderKind {
    /// A recurring duty.
    Duty {
        /// Which.
        duty: Duty,
    },
    /// A fee payment.
    Payment {
        /// Amount still owed for this due date, in fen.
        owed_fen: i64,
    },
    /// A payment a month late: B may end the agreement; A must settle within 10 days of the end.
    TrusteeMayEnd {
        /// The unpaid due date.
        unpaid_since: NaiveDate,
    },
    /// The period ends soon: meet at the committee to renew (五.1).
    Renewal,
    /// Ended for non-payment: A must settle by `due`.
    Settle,
}

/// A dated reminder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminder {
    /// What.
    #[serde(flatten)]
    pub kind: ReminderKind,
    /// When it falls (or fell) due.
    pub due: NaiveDate,
    /// Days past due (0 when due today or later).
    pub days_overdue: i64,
}

impl Reminder {
    fn new(kind: ReminderKind, due: NaiveDate, today: NaiveDate) -> Reminder {
        Reminder { kind, due, days_overdue: (today - due).num_days().max(0) }
    }

    /// Whether it is past due.
    pub fn is_overdue(&self) -> bool {
        self.days_overdue > 0
    }

    /// The reminder in Chinese.
    pub fn zh(&self) -> String {
        let when = if self.is_overdue() {
            format!("已逾期 {} 天（应于 {}）", self.days_overdue, self.due)
        } else {
            format!("应于 {}", self.due)
        };
        match &self.kind {
            ReminderKind::Duty { duty } => format!("{}：{when}", duty.zh()),
            ReminderKind::Payment { owed_fen } => {
                format!("甲方交纳服务费 ¥{}：{when}", super::yuan(*owed_fen))
            }
            ReminderKind::TrusteeMayEnd { unpaid_since } => format!(
                "甲方自 {unpaid_since} 起逾期一个月未交纳服务费，乙方有权提出解除协议；\
                 解除后甲方应在 {SETTLE_DAYS} 日内在村委会监督见证下付清应得费用"
            ),
            ReminderKind::Renewal => {
                format!("协议将于 {} 期满，甲方应与乙方到村委会协商是否续签", self.due)
            }
            ReminderKind::Settle => format!("协议因欠费解除，甲方应付清乙方应得服务费用：{when}"),
        }
    }

    /// The reminder in English.
    pub fn en(&self) -> String {
        let when = if self.is_overdue() {
            format!("{} days overdue (due {})", self.days_overdue, self.due)
        } else {
            format!("due {}", self.due)
        };
        match &self.kind {
            ReminderKind::Duty { duty } => format!("{}: {when}", duty.en()),
            ReminderKind::Payment { owed_fen } => {
                format!("the family pays the fee ¥{}: {when}", super::yuan(*owed_fen))
            }
            ReminderKind::TrusteeMayEnd { unpaid_since } => format!(
                "a payment due {unpaid_since} is a month late: the trustee may end the agreement; \
                 the family must then settle within {SETTLE_DAYS} days"
            ),
            ReminderKind::Renewal => {
                format!("the agreement ends {}: meet at the committee to renew", self.due)
            }
            ReminderKind::Settle => format!("ended for non-payment: the family settles {when}"),
        }
    }
}

/// The reminders of `agreement` on `today`, from the payments and duties recorded: each recurring duty
/// with its next due date (or how overdue it is), the first unpaid fee, the right to end for a month's
/// non-payment, the renewal talk near the end and the settlement after an end for non-payment.
/// Nothing is due before the start or after the last day.
pub fn reminders(
    agreement: &Agreement,
    payments: &[Payment],
    done: &[Done],
    today: NaiveDate,
) -> Vec<Reminder> {
    let mut out = Vec::new();
    if let Some(e) = &agreement.ending {
        if e.reason == EndReason::NonPayment {
            let due = e.end_on + Days::new(SETTLE_DAYS);
            let paid: i64 = payments.iter().filter(|p| p.on <= today).map(|p| p.amount_fen).sum();
            let owed = agreement.fee.amount_fen * due_count(agreement, e.end_on) - paid;
            if owed > 0 && today >= e.end_on {
                out.push(Reminder::new(ReminderKind::Settle, due, today));
            }
        }
    }
    let last_day = agreement.last_day();
    if today < agreement.start || today > last_day {
        return out;
    }
    for duty in Duty::ALL {
        let last = done.iter().filter(|d| d.duty == duty && d.on <= today).map(|d| d.on).max();
        let due = duty.next_after(last.unwrap_or(agreement.start));
        if due <= last_day {
            out.push(Reminder::new(ReminderKind::Duty { duty }, due, today));
        }
    }
    if let Some((due, owed_fen)) = unpaid(agreement, payments, today) {
        out.push(Reminder::new(ReminderKind::Payment { owed_fen }, due, today));
        let month_late = due.checked_add_months(Months::new(1)).expect("date in range");
        if today >= month_late {
            out.push(Reminder::new(ReminderKind::TrusteeMayEnd { unpaid_since: due }, month_late, today));
        }
    } else if let Some(next) = agreement.due_dates().into_iter().find(|d| *d > today) {
        let covered: i64 = payments.iter().map(|p| p.amount_fen).sum();
        let owed_to_next = agreement.fee.amount_fen * due_count(agreement, next) - covered;
        if owed_to_next > 0 {
            out.push(Reminder::new(ReminderKind::Payment { owed_fen: owed_to_next }, next, today));
        }
    }
    if agreement.ending.is_none() && (agreement.end - today).num_days() <= RENEWAL_WINDOW_DAYS {
        out.push(Reminder::new(ReminderKind::Renewal, agreement.end, today));
    }
    out.sort_by(|a, b| b.days_overdue.cmp(&a.days_overdue).then(a.due.cmp(&b.due)));
    out
}

/// How many due dates fall on or before `date`.
fn due_count(agreement: &Agreement, date: NaiveDate) -> i64 {
    agreement.due_dates().iter().filter(|d| **d <= date).count() as i64
}

/// The earliest due date on or before `on` that the payments do not cover, with what is owed for it.
fn unpaid(agreement: &Agreement, payments: &[Payment], on: NaiveDate) -> Option<(NaiveDate, i64)> {
    let fee = agreement.fee.amount_fen;
    if fee == 0 {
        return None;
    }
    let mut paid: i64 = payments.iter().filter(|p| p.on <= on).map(|p| p.amount_fen).sum();
    for due in agreement.due_dates().into_iter().filter(|d| *d <= on) {
        if paid >= fee {
            paid -= fee;
        } else {
            return Some((due, fee - paid));
        }
    }
    None
}

/// Why an early end was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndError {
    /// Less than 15 days between notice and end for an end without fault.
    #[error("ending.end_on: 无过错解除应提前 15 日通知对方（通知 {notice_on}，解除 {end_on}）/ an end without fault needs 15 days' notice")]
    ShortNotice {
        /// Notice given on.
        notice_on: NaiveDate,
        /// Asked to end on.
        end_on: NaiveDate,
    },
    /// Non-payment claimed but no payment is a month late on the notice date.
    #[error("ending.reason: 通知日甲方未逾期一个月交费，不能以欠费解除 / no payment is a month late on the notice date")]
    NotMonthLate,
    /// The party may not use this reason (e.g. A cannot end for non-payment).
    #[error("ending.by: 该方不能以此理由解除协议 / this party cannot end the agreement for this reason")]
    WrongParty,
    /// The end is outside the period, or before the notice.
    #[error("ending.end_on: 解除日期应在协议期内且不早于通知日 / the end must lie within the period and not before the notice")]
    OutsidePeriod,
    /// Already ended.
    #[error("ending: 协议已解除 / the agreement has already ended")]
    AlreadyEnded,
}

impl EndError {
    /// The field that failed.
    pub fn field(&self) -> &'static str {
        match self {
            EndError::ShortNotice { .. } | EndError::OutsidePeriod => "ending.end_on",
            EndError::NotMonthLate => "ending.reason",
            EndError::WrongParty => "ending.by",
            EndError::AlreadyEnded => "ending",
        }
    }
}

/// Ends `agreement` early as `ending` asks, if the template allows it: without fault only with 15
/// days' notice; for non-payment only by B and only when a payment is a month late on the notice date;
/// for B's fault only by A, for disputes only by B, both at any time.
pub fn end(agreement: &Agreement, ending: Ending) -> Result<Agreement, EndError> {
    if agreement.ending.is_some() {
        return Err(EndError::AlreadyEnded);
    }
    if ending.end_on < ending.notice_on || ending.end_on < agreement.start || ending.end_on > agreement.end {
        return Err(EndError::OutsidePeriod);
    }
    match (ending.reason, ending.by) {
        (EndReason::NoFault, _) => {
            if (ending.end_on - ending.notice_on).num_days() < NOTICE_DAYS {
                return Err(EndError::ShortNotice { notice_on: ending.notice_on, end_on: ending.end_on });
            }
        }
        (EndReason::NonPayment, Party::Trustee) => {
            let late = unpaid(agreement, &agreement.payments, ending.notice_on).is_some_and(|(due, _)| {
                due.checked_add_months(Months::new(1)).is_some_and(|d| d <= ending.notice_on)
            });
            if !late {
                return Err(EndError::NotMonthLate);
            }
        }
        (EndReason::TrusteeFault, Party::Delegator) | (EndReason::Disputes, Party::Trustee) => {}
        _ => return Err(EndError::WrongParty),
    }
    let mut ended = agreement.clone();
    ended.ending = Some(ending);
    Ok(ended)
}

/// A new agreement continuing `old` (五.1 继续签订新一轮协议): the same parties and terms, starting the
/// day after `old` ends for `years` years, with no payments or duties yet, linked by `renews`.
pub fn renew(old: &Agreement, new_id: String, years: u32) -> Agreement {
    let start = old.last_day().succ_opt().expect("date in range");
    let end =
        start.checked_add_months(Months::new(12 * years)).and_then(|d| d.pred_opt()).expect("date in range");
    Agreement {
        id: new_id,
        years,
        start,
        end,
        signed_on: None,
        renews: Some(old.id.clone()),
        payments: Vec::new(),
        done: Vec::new(),
        ending: None,
        ..old.clone()
    }
}
