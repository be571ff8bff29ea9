//! The invariants, over the devices of one village that have just synced until quiet:
//!
//! 1. every acknowledged record is on every office device, and on every helper's tablet whose role
//!    reads its kind and to whose helper its elder is routed (a tablet holds only the elders its
//!    committee routed to its helper: least data, issue 14; no risk assessment or agreement);
//! 2. a helper's tablet holds no document of an elder not routed to it;
//! 3. no duplicates: no visit, case or stage entry twice under two ids, no ID number on two elders;
//! 4. the devices of a village equal in their projections, row for row: office devices in every table,
//!    the tablets of one helper in every table, and each tablet and the committee's device in every
//!    table both roles read, the committee's rows narrowed to the tablet's routed elders (an elder's row
//!    on a tablet lacks the sensitive columns). The one column left out is `updated_at`, the device's
//!    own time of the last write or apply of the elder's documents, which differs by design between
//!    devices whose clocks differ;
//! 5. the due lists ([`Store::schedule`](shouwang_core::store::Store::schedule)) on a date: the office
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
    report.sent == 0
        && report.received.applied == 0
        && report.received.released == 0
        && !report.epoch_changed
        && !report.routes_sent
        && !report.routed_list
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

/// The rows of `tables` as text, `updated_at` left out; with `elders`, only the rows about those
/// elders in the tables that name one.
fn dump(
    device: &Device,
    conn: &rusqlite::Connection,
    tables: &[(&str, &str)],
    elders: Option<&BTreeSet<String>>,
) -> Result<Vec<String>, SimError> {
    let mut out = Vec::new();
    let list = elders.map(|e| serde_json::to_string(e).expect("ids serialise"));
    for (table, order) in tables {
        let filter = match &list {
            Some(list) if *table != "helpers" => {
                format!("WHERE elder_id IN (SELECT value FROM json_each('{list}'))")
            }
            _ => String::new(),
        };
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {table} {filter} ORDER BY {order}"))
            .map_err(read_err(device))?;
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
    let mut office_dumps: Vec<(&str, Vec<String>)> = Vec::new();
    let mut helper_dumps: Vec<(&str, Option<usize>, Vec<String>)> = Vec::new();
    let mut shared_dumps: Vec<(&str, Vec<String>, Vec<String>)> = Vec::new();
    let mut schedules = Vec::new();
    // The committee's routing table is the truth of which elders each tablet holds.
    let committee = devices.iter().find(|d| d.role == Role::Committee);
    let routing: std::collections::BTreeMap<String, BTreeSet<String>> = match committee {
        Some(c) => c
            .store
            .routing_table()
            .map_err(|source| SimError::Store { device: c.name.clone(), source: Box::new(source) })?
            .into_iter()
            .map(|(h, elders)| (h, elders.into_iter().collect()))
            .collect(),
        None => Default::default(),
    };
    let committee_conn = committee.map(|c| c.reader()).transpose()?;
    for device in devices {
        let conn = device.reader()?;
        let routed: Option<BTreeSet<String>> = match device.role {
            Role::Committee => None,
            Role::Helper => {
                let state = device.store.sync_state().map_err(|source| SimError::Store {
                    device: device.name.clone(),
                    source: Box::new(source),
                })?;
                let helper = state.and_then(|s| s.helper).unwrap_or_default();
                let held: BTreeSet<String> = device
                    .store
                    .routed_subjects()
                    .map_err(|source| SimError::Store {
                        device: device.name.clone(),
                        source: Box::new(source),
                    })?
                    .into_keys()
                    .collect();
                match committee {
                    // The committee's table is the truth, and the tablet must have caught up with it.
                    Some(c) => {
                        let routed = routing.get(&helper).cloned().unwrap_or_default();
                        if held != routed {
                            found.violations.push(format!(
                                "{} is routed {} elders, {}'s table routes it {}",
                                device.name,
                                held.len(),
                                c.name,
                                routed.len()
                            ));
                        }
                        Some(routed)
                    }
                    // The committee is away: what the relay routed to the tablet.
                    None => Some(held),
                }
            }
        };
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
            // What this device must hold of the kind: everything, or on a tablet what the committee
            // holds about the elders routed to it.
            let due: Option<BTreeSet<String>> = match (&routed, &committee_conn) {
                (Some(routed), Some(office)) if kind != Kind::Helper => {
                    let list = serde_json::to_string(routed).expect("ids serialise");
                    let sql = format!(
                        "SELECT {column} FROM {table} WHERE elder_id IN (SELECT value FROM json_each(?1))"
                    );
                    let mut stmt = office.prepare(&sql).map_err(read_err(device))?;
                    let rows = stmt
                        .query_map([&list], |r| r.get(0))
                        .map_err(read_err(device))?
                        .collect::<rusqlite::Result<_>>()
                        .map_err(read_err(device))?;
                    Some(rows)
                }
                _ => None,
            };
            // A tablet checked while its committee is away: which elder a record is about is known only
            // from the committee's rows, so only the helpers are checked (the next checkpoint checks the rest).
            if routed.is_some() && due.is_none() && kind != Kind::Helper {
                continue;
            }
            for (k, id) in village.acknowledged.range((kind, String::new())..) {
                if *k != kind {
                    break;
                }
                if due.as_ref().is_some_and(|due| !due.contains(id)) {
                    continue;
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
        if let Some(routed) = &routed {
            // Least data: nothing of an elder that is not routed to this tablet.
            let list = serde_json::to_string(routed).expect("ids serialise");
            let stray: i64 = conn
                .query_row(
                    "SELECT count(DISTINCT elder_id) FROM documents
                     WHERE kind IN ('card', 'family', 'profile', 'assignment', 'visits', 'cases')
                       AND elder_id NOT IN (SELECT value FROM json_each(?1))",
                    [&list],
                    |r| r.get(0),
                )
                .map_err(read_err(device))?;
            if stray > 0 {
                found.violations.push(format!(
                    "{} holds the documents of {stray} elder(s) not routed to it",
                    device.name
                ));
            }
            helper_dumps.push((&device.name, device.helper, dump(device, &conn, &ALL, None)?));
            if let (Some(office), Some(c)) = (&committee_conn, committee) {
                let expected = dump(c, office, &SHARED, Some(routed))?;
                shared_dumps.push((&device.name, dump(device, &conn, &SHARED, None)?, expected));
            }
        } else {
            office_dumps.push((&device.name, dump(device, &conn, &ALL, None)?));
        }
        let schedule = device
            .store
            .schedule(today)
            .map_err(|source| SimError::Store { device: device.name.clone(), source: Box::new(source) })?;
        schedules.push((&device.name, device.role, schedule));
    }
    for pair in office_dumps.windows(2) {
        if pair[0].1 != pair[1].1 {
            found.violations.push(format!(
                "projections of {} and {} differ: {}",
                pair[0].0,
                pair[1].0,
                first_difference(&pair[0].1, &pair[1].1)
            ));
        }
    }
    // Two tablets of one helper hold the same.
    for (i, (a, helper, rows)) in helper_dumps.iter().enumerate() {
        for (b, other, theirs) in &helper_dumps[i + 1..] {
            if helper == other && rows != theirs {
                found
                    .violations
                    .push(format!("projections of {a} and {b} differ: {}", first_difference(rows, theirs)));
            }
        }
    }
    for (name, rows, expected) in &shared_dumps {
        if rows != expected {
            found.violations.push(format!(
                "shared projections of {name} and the committee's for its elders differ: {}",
                first_difference(rows, expected)
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
            let device = devices.iter().find(|d| &d.name == *name).expect("a device of the village");
            let helper = device.store.sync_state().ok().flatten().and_then(|s| s.helper);
            let expected: Vec<_> =
                full.iter().filter(|d| d.helper.as_ref().map(|h| h.to_string()) == helper).cloned().collect();
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
