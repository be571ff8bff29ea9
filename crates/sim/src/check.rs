//! The invariants, over the devices of one village that have just synced until quiet:
//!
//! 1. every acknowledged record is on every device whose role reads its kind (a helper's tablet holds
//!    no risk assessment or agreement);
//! 2. no duplicates: no visit, case or stage entry twice under two ids, no ID number on two elders;
//! 3. the devices of a village equal in their projections, row for row: helpers' tablets in every
//!    table, the committee's device and each tablet in every table both roles read (an elder's row on a
//!    tablet lacks the sensitive columns). The one column left out is `updated_at`, the device's own
//!    time of the last write or apply of the elder's documents, which differs by design between devices
//!    whose clocks differ;
//! 4. the due lists ([`Store::schedule`](shouwang_core::store::Store::schedule)) on a date: the office
//!    devices' identical, each helper's tablet's the committee's narrowed to its helper's elders.

use crate::county::Village;
use crate::device::{Device, Kind, Role};
use crate::SimError;
use chrono::NaiveDate;
use std::collections::BTreeSet;

/// What the checks of one village found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Found {
    /// Acknowledged records missing from a device in their scope (one per device and record).
    pub lost: u64,
    /// Records present twice on a device.
    pub duplicates: u64,
    /// Every broken invariant, described.
    pub violations: Vec<String>,
}

/// Whether a sync moved nothing: nothing sent, nothing new received, no epoch change.
pub fn is_quiet(report: &shouwang_sync::Report) -> bool {
    report.sent == 0 && report.received.applied == 0 && report.received.released == 0 && !report.epoch_changed
}

/// Projection tables both a committee's device and a helper's tablet hold in full.
const SHARED: [(&str, &str); 7] = [
    ("helpers", "helper_id"),
    ("helper_walks", "helper_id, elder_id"),
    ("elder_helpers", "elder_id"),
    ("visits", "visit_id"),
    ("cases", "case_id"),
    ("case_stages", "entry_id"),
    ("visit_rewrites", "visit_id"),
];

/// Every projection table with its order.
const ALL: [(&str, &str); 11] = [
    ("elders", "elder_id"),
    ("elder_categories", "elder_id, category"),
    ("helpers", "helper_id"),
    ("helper_walks", "helper_id, elder_id"),
    ("elder_helpers", "elder_id"),
    ("visits", "visit_id"),
    ("cases", "case_id"),
    ("case_stages", "entry_id"),
    ("visit_rewrites", "visit_id"),
    ("risk_assessments", "assessment_id"),
    ("agreements", "agreement_id"),
];

/// Duplicate counts: rows minus distinct content keys.
const DUPLICATES: [(&str, &str); 4] = [
    ("visit", "SELECT count(*) - count(DISTINCT elder_id || '|' || helper_id || '|' || at) FROM visits"),
    ("case", "SELECT count(*) - count(DISTINCT elder_id || '|' || opened_at || '|' || summary) FROM cases"),
    ("stage", "SELECT count(*) - count(DISTINCT case_id || '|' || stage || '|' || at || '|' || owner) FROM case_stages"),
    ("ID number", "SELECT count(*) - count(DISTINCT id_number) FROM elders WHERE id_number IS NOT NULL"),
];

fn read_err(device: &Device) -> impl Fn(rusqlite::Error) -> SimError + '_ {
    move |source| SimError::Read { device: device.name.clone(), source }
}

/// The rows of `tables` as text, `updated_at` left out.
fn dump(
    device: &Device,
    conn: &rusqlite::Connection,
    tables: &[(&str, &str)],
) -> Result<Vec<String>, SimError> {
    let mut out = Vec::new();
    for (table, order) in tables {
        let mut stmt =
            conn.prepare(&format!("SELECT * FROM {table} ORDER BY {order}")).map_err(read_err(device))?;
        let keep: Vec<usize> =
            stmt.column_names().enumerate().filter(|(_, n)| *n != "updated_at").map(|(i, _)| i).collect();
        let rows = stmt
            .query_map([], |r| {
                keep.iter()
                    .map(|i| r.get_ref(*i).map(|v| format!("{v:?}")))
                    .collect::<rusqlite::Result<Vec<_>>>()
                    .map(|cols| format!("{table}|{}", cols.join("|")))
            })
            .map_err(read_err(device))?;
        for row in rows {
            out.push(row.map_err(read_err(device))?);
        }
    }
    Ok(out)
}

/// The first row where two dumps differ, for the message.
fn first_difference(a: &[String], b: &[String]) -> String {
    let a_set: BTreeSet<&String> = a.iter().collect();
    let b_set: BTreeSet<&String> = b.iter().collect();
    let only_a = a_set.difference(&b_set).next();
    let only_b = b_set.difference(&a_set).next();
    format!("{} vs {} rows; only in the first: {only_a:?}; only in the second: {only_b:?}", a.len(), b.len())
}

/// Checks the devices of `village` (those given: the ones that synced) against its acknowledged
/// records and each other, with due lists on `today`.
pub fn village(village: &Village, devices: &[&Device], today: NaiveDate) -> Result<Found, SimError> {
    let mut found = Found::default();
    let mut helper_dumps: Vec<(&str, Vec<String>)> = Vec::new();
    let mut shared_dumps: Vec<(&str, Vec<String>)> = Vec::new();
    let mut schedules = Vec::new();
    for device in devices {
        let conn = device.reader()?;
        for kind in Kind::ALL {
            if !kind.readable_by(device.role) {
                continue;
            }
            let (table, column) = kind.table();
            let mut stmt =
                conn.prepare(&format!("SELECT {column} FROM {table}")).map_err(read_err(device))?;
            let ids: BTreeSet<String> = stmt
                .query_map([], |r| r.get(0))
                .map_err(read_err(device))?
                .collect::<rusqlite::Result<_>>()
                .map_err(read_err(device))?;
            for (k, id) in village.acknowledged.range((kind, String::new())..) {
                if *k != kind {
                    break;
                }
                if !ids.contains(id) {
                    found.lost += 1;
                    if found.lost <= 5 {
                        found.violations.push(format!(
                            "{} lacks acknowledged {} {id}",
                            device.name,
                            kind.name()
                        ));
                    }
                }
            }
        }
        for (what, sql) in DUPLICATES {
            let extra: i64 = conn.query_row(sql, [], |r| r.get(0)).map_err(read_err(device))?;
            if extra > 0 {
                found.duplicates += extra as u64;
                found.violations.push(format!("{} holds {extra} duplicate {what}(s)", device.name));
            }
        }
        if device.role == Role::Helper {
            helper_dumps.push((&device.name, dump(device, &conn, &ALL)?));
        }
        shared_dumps.push((&device.name, dump(device, &conn, &SHARED)?));
        let schedule = device
            .store
            .schedule(today)
            .map_err(|source| SimError::Store { device: device.name.clone(), source: Box::new(source) })?;
        schedules.push((&device.name, device.role, schedule));
    }
    for pair in helper_dumps.windows(2) {
        if pair[0].1 != pair[1].1 {
            found.violations.push(format!(
                "projections of {} and {} differ: {}",
                pair[0].0,
                pair[1].0,
                first_difference(&pair[0].1, &pair[1].1)
            ));
        }
    }
    for pair in shared_dumps.windows(2) {
        if pair[0].1 != pair[1].1 {
            found.violations.push(format!(
                "shared projections of {} and {} differ: {}",
                pair[0].0,
                pair[1].0,
                first_difference(&pair[0].1, &pair[1].1)
            ));
        }
    }
    // A helper's tablet lists only its helper's elders (role views, issue 7): its due list must be the
    // committee's, narrowed to the elders assigned to that helper; the office devices' lists are equal.
    let offices: Vec<_> = schedules.iter().filter(|(_, role, _)| *role != Role::Helper).collect();
    for pair in offices.windows(2) {
        if pair[0].2 != pair[1].2 {
            found.violations.push(format!(
                "due lists of {} and {} on {today} differ ({} vs {} elders)",
                pair[0].0,
                pair[1].0,
                pair[0].2.len(),
                pair[1].2.len()
            ));
        }
    }
    if let Some((office, _, full)) = offices.first() {
        for (name, _, list) in schedules.iter().filter(|(_, role, _)| *role == Role::Helper) {
            let helpers: BTreeSet<_> = list.iter().map(|d| d.helper.clone()).collect();
            let expected: Vec<_> = full.iter().filter(|d| helpers.contains(&d.helper)).cloned().collect();
            if *list != expected {
                found.violations.push(format!(
                    "due list of {name} on {today} is not {office}'s for its helper ({} vs {} elders)",
                    list.len(),
                    expected.len()
                ));
            }
        }
    }
    Ok(found)
}
