//! The story of one agreement: signed, checked, reminded, paid late, ended, renewed.

use super::*;
use chrono::NaiveDate;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn kinds(list: &[Reminder]) -> Vec<(String, NaiveDate, i64)> {
    list.iter()
        .map(|r| {
            let k = match &r.kind {
                ReminderKind::Duty { duty } => format!("{duty:?}"),
                ReminderKind::Payment { owed_fen } => format!("Payment {owed_fen}"),
                ReminderKind::TrusteeMayEnd { unpaid_since } => format!("MayEnd {unpaid_since}"),
                ReminderKind::Renewal => "Renewal".into(),
                ReminderKind::Settle => "Settle".into(),
            };
            (k, r.due, r.days_overdue)
        })
        .collect()
}

fn find(list: &[Reminder], f: impl Fn(&ReminderKind) -> bool) -> Option<&Reminder> {
    list.iter().find(|r| f(&r.kind))
}

#[test]
fn both_templates_validate_and_normalise() {
    for kind in [Kind::SelfCare, Kind::Assisted] {
        let mut a = sample(kind);
        a.delegator.phone = "+86 138-0013-8000".into();
        validate(&mut a).unwrap();
        assert_eq!(a.delegator.phone, "13800138000");
    }
}

#[test]
fn every_broken_rule_names_its_field() {
    let mut a = sample(Kind::SelfCare);
    a.delegator.id_number.replace_range(17..18, if a.delegator.id_number.ends_with('0') { "1" } else { "0" });
    a.trustee.phone = "12345".into();
    a.committee.staff = " ".into();
    a.hours = Hours::Between { from: 9, to: 25 };
    a.fee.amount_fen = -1;
    a.services.push(Service::ShoppingCooking); // only 附件4 lists it
    a.end = d("2027-12-31");
    let problems = validate(&mut a).unwrap_err();
    let got: Vec<(&str, &str)> = problems.iter().map(|p| (p.field.as_str(), p.rule.code())).collect();
    assert!(got.contains(&("delegator.id_number", "id_checksum")), "{got:?}");
    assert!(got.iter().any(|(f, _)| *f == "trustee.phone"), "{got:?}");
    assert!(got.contains(&("committee.staff", "required")));
    assert!(got.contains(&("hours", "hours_outside_day")));
    assert!(got.contains(&("fee.amount_fen", "negative_amount")));
    assert!(got.contains(&("services[3]", "service_not_in_template")));
    assert!(got.contains(&("end", "years_mismatch")));
    let years = problems.iter().find(|p| p.field == "end").unwrap();
    assert!(years.rule.zh().contains("2027-11-30"));
    assert!(years.rule.en().contains("2027-11-30"));
}

#[test]
fn end_before_start_is_refused() {
    let mut a = sample(Kind::Assisted);
    a.end = d("2026-11-30");
    let problems = validate(&mut a).unwrap_err();
    assert!(problems.iter().any(|p| p.field == "end" && p.rule.code() == "end_not_after_start"));
    a = sample(Kind::Assisted);
    a.hours = Hours::PerDay { hours: 0 };
    assert_eq!(validate(&mut a).unwrap_err()[0].field, "hours");
}

#[test]
fn on_the_first_day_each_duty_is_due_a_week_or_a_month_later() {
    let mut a = sample(Kind::Assisted);
    a.payments.push(Payment { on: d("2026-11-28"), amount_fen: 30000, note: String::new() });
    let list = reminders(&a, &a.payments, &a.done, d("2026-12-01"));
    assert_eq!(
        kinds(&list),
        vec![
            ("DelegatorCalls".into(), d("2026-12-08"), 0),
            ("CommitteeChecks".into(), d("2026-12-08"), 0),
            ("TrusteeReports".into(), d("2027-01-01"), 0),
            ("Payment 30000".into(), d("2027-01-01"), 0),
        ]
    );
}

#[test]
fn a_missed_weekly_call_is_overdue_the_day_after() {
    let mut a = sample(Kind::SelfCare);
    a.payments.push(Payment { on: d("2026-12-01"), amount_fen: 30000, note: String::new() });
    a.done.push(Done { duty: Duty::DelegatorCalls, on: d("2026-12-06") });
    a.done.push(Done { duty: Duty::CommitteeChecks, on: d("2026-12-03") });
    let on_time = reminders(&a, &a.payments, &a.done, d("2026-12-10"));
    let call = find(&on_time, |k| *k == ReminderKind::Duty { duty: Duty::DelegatorCalls }).unwrap();
    assert_eq!((call.due, call.days_overdue), (d("2026-12-13"), 0));
    let check = find(&on_time, |k| *k == ReminderKind::Duty { duty: Duty::CommitteeChecks }).unwrap();
    assert_eq!((check.due, check.days_overdue), (d("2026-12-10"), 0));
    let late = reminders(&a, &a.payments, &a.done, d("2026-12-14"));
    let call = find(&late, |k| *k == ReminderKind::Duty { duty: Duty::DelegatorCalls }).unwrap();
    assert_eq!((call.due, call.days_overdue), (d("2026-12-13"), 1));
    assert!(call.zh().contains("已逾期 1 天"));
    // Overdue reminders come first, the most overdue at the top.
    assert_eq!(late[0].kind, ReminderKind::Duty { duty: Duty::CommitteeChecks });
    assert_eq!(late[0].days_overdue, 4);
}

#[test]
fn a_payment_a_month_late_lets_the_trustee_end_it() {
    let mut a = sample(Kind::Assisted);
    a.payments.push(Payment { on: d("2026-12-01"), amount_fen: 30000, note: String::new() });
    // January's fee is not paid.
    let day_before = reminders(&a, &a.payments, &a.done, d("2027-01-31"));
    let pay = find(&day_before, |k| matches!(k, ReminderKind::Payment { .. })).unwrap();
    assert_eq!((pay.due, pay.days_overdue), (d("2027-01-01"), 30));
    assert!(find(&day_before, |k| matches!(k, ReminderKind::TrusteeMayEnd { .. })).is_none());
    let month_late = reminders(&a, &a.payments, &a.done, d("2027-02-01"));
    let may_end = find(&month_late, |k| matches!(k, ReminderKind::TrusteeMayEnd { .. })).unwrap();
    assert_eq!(may_end.kind, ReminderKind::TrusteeMayEnd { unpaid_since: d("2027-01-01") });
    assert!(may_end.zh().contains("10 日内"));
    // The trustee ends it; the family must settle within 10 days.
    let ending = Ending {
        by: Party::Trustee,
        reason: EndReason::NonPayment,
        notice_on: d("2027-02-01"),
        end_on: d("2027-02-01"),
    };
    let ended = end(&a, ending).unwrap();
    let after = reminders(&ended, &ended.payments, &ended.done, d("2027-02-05"));
    assert_eq!(kinds(&after), vec![("Settle".into(), d("2027-02-11"), 0)]);
    let mut settled = ended.clone();
    settled.payments.push(Payment { on: d("2027-02-06"), amount_fen: 60000, note: String::new() });
    assert!(reminders(&settled, &settled.payments, &settled.done, d("2027-02-07")).is_empty());
}

#[test]
fn non_payment_cannot_be_claimed_early_or_by_the_family() {
    let a = sample(Kind::Assisted);
    let ending = |by, notice: &str| Ending {
        by,
        reason: EndReason::NonPayment,
        notice_on: d(notice),
        end_on: d(notice),
    };
    // Nothing paid: December's fee is a month late on 2027-01-01, not before.
    assert_eq!(end(&a, ending(Party::Trustee, "2026-12-31")), Err(EndError::NotMonthLate));
    assert!(end(&a, ending(Party::Trustee, "2027-01-01")).is_ok());
    assert_eq!(end(&a, ending(Party::Delegator, "2027-01-01")), Err(EndError::WrongParty));
}

#[test]
fn ending_without_fault_needs_fifteen_days_notice() {
    let a = sample(Kind::SelfCare);
    let ending = |notice: &str, end_on: &str| Ending {
        by: Party::Delegator,
        reason: EndReason::NoFault,
        notice_on: d(notice),
        end_on: d(end_on),
    };
    let refused = end(&a, ending("2027-03-02", "2027-03-16")).unwrap_err();
    assert!(matches!(refused, EndError::ShortNotice { .. }));
    assert_eq!(refused.field(), "ending.end_on");
    assert!(refused.to_string().contains("15"));
    let ended = end(&a, ending("2027-03-01", "2027-03-16")).unwrap();
    assert_eq!(ended.last_day(), d("2027-03-16"));
    // Nothing is due after the last day.
    assert!(reminders(&ended, &ended.payments, &ended.done, d("2027-03-17")).is_empty());
    assert_eq!(end(&ended, ending("2027-03-01", "2027-03-20")), Err(EndError::AlreadyEnded));
    // The trustee's fault ends it at once.
    let fault = Ending {
        by: Party::Delegator,
        reason: EndReason::TrusteeFault,
        ..ending("2027-03-02", "2027-03-02")
    };
    assert!(end(&a, fault).is_ok());
}

#[test]
fn renewal_is_reminded_near_the_end_and_links_the_new_agreement() {
    let mut a = sample(Kind::Assisted);
    a.fee.amount_fen = 0;
    let before = reminders(&a, &a.payments, &a.done, d("2027-10-30"));
    assert!(find(&before, |k| *k == ReminderKind::Renewal).is_none());
    let near = reminders(&a, &a.payments, &a.done, d("2027-10-31"));
    assert_eq!(find(&near, |k| *k == ReminderKind::Renewal).unwrap().due, d("2027-11-30"));
    let mut next = renew(&a, "ffeeddccbbaa99887766554433221100".into(), 2);
    assert_eq!(next.renews.as_deref(), Some(a.id.as_str()));
    assert_eq!((next.start, next.end), (d("2027-12-01"), d("2029-11-30")));
    assert_eq!(next.delegator, a.delegator);
    validate(&mut next).unwrap();
    // Nothing is due before an agreement starts.
    assert!(reminders(&next, &next.payments, &next.done, d("2027-11-15")).is_empty());
}

#[test]
fn quarterly_fees_fall_due_every_three_months() {
    let mut a = sample(Kind::SelfCare);
    a.fee.every = Every::Quarter;
    assert_eq!(a.due_dates(), vec![d("2026-12-01"), d("2027-03-01"), d("2027-06-01"), d("2027-09-01")]);
    a.fee.every = Every::Once;
    assert_eq!(a.due_dates(), vec![d("2026-12-01")]);
    assert_eq!(yuan(30050), "300.50");
}
