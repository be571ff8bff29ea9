//! The schedule and walking-reach assignment, each against a baseline, side by side.
//!
//! `cargo bench -p shouwang-core --bench visits` builds, in a temporary directory, a village of 300 demo
//! elders of 斑竹村 with 12 helpers (25 elders each) and 12 months of monthly door visits logged through
//! the real [`Store`] (3,600 visits, each one transaction with its fsync), then measures:
//!
//! - **due list**: [`Store::schedule`] (served from the `visits` projection) against the baseline that
//!   computes the same list from each elder's loaded `visits` document ([`Store::visit_history`]).
//! - **today list**: [`Store::today_round`] for one helper against the same computed from the helper's
//!   elders' loaded documents, ordered by [`schedule::walking_round`].
//! - **assignment** for a township of 5,000 elders and 300 helpers (in memory): [`reach::suggest`]
//!   (most constrained elder first, least-loaded helper in reach) against a naive all-pairs greedy
//!   (every elder in order takes the nearest helper in reach that is under the average load, else the
//!   least loaded), in time and in the balance of the loads.
//!
//! Speed is measured here, never asserted in tests.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use shouwang_core::demo::{demo_village, DemoVillage};
use shouwang_core::elder::{ElderId, Position};
use shouwang_core::helper::{Helper, HelperId};
use shouwang_core::reach::{self, ElderAt, HelperAt, Walk};
use shouwang_core::schedule::{self, ElderDue, Interval};
use shouwang_core::store::Store;
use shouwang_core::visit::{Checks, Fix, Mode, Service, Visit};
use std::collections::BTreeMap;
use std::time::Instant;

const ELDERS: usize = 300;
const HELPERS: usize = 12;
const MONTHS: i64 = 12;
const RUNS: usize = 20;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

/// Median milliseconds of `RUNS` runs of `f`.
fn median_ms(mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[RUNS / 2]
}

/// The due list computed from loaded documents: each elder's visit history read, its latest visit
/// date taken (an amendment's time replaces its original's), the status computed and sorted.
fn due_from_documents(
    store: &Store,
    elders: &[(ElderId, String, Option<HelperId>, Position)],
    today: NaiveDate,
) -> Vec<ElderDue> {
    let interval = Interval::of(&store.policy());
    let mut out: Vec<ElderDue> = elders
        .iter()
        .map(|(id, name, helper, home)| {
            let history = store.visit_history(id).unwrap();
            let last = history
                .iter()
                .filter(|v| v.amends.is_none())
                .map(|v| shouwang_core::time::local_date(v.at))
                .max();
            ElderDue::new(
                &interval,
                id.clone(),
                name.clone(),
                helper.clone(),
                false,
                last,
                Some(*home),
                today,
            )
        })
        .collect();
    schedule::sort_overdue_first(&mut out);
    out
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A township: 25 villages about 3 km apart, 200 elders and 12 helpers around each village centre.
fn township(elders: usize, helpers: usize) -> (Vec<ElderAt>, Vec<HelperAt>) {
    let mut rng = Rng(20_261_123);
    let centres: Vec<Position> = (0..25)
        .map(|i| Position { lat: 31.70 + 0.027 * (i / 5) as f64, lon: 106.70 + 0.032 * (i % 5) as f64 })
        .collect();
    let mut around = |i: usize, spread: f64| {
        let c = centres[i % centres.len()];
        Position { lat: c.lat + (rng.next() - 0.5) * spread, lon: c.lon + (rng.next() - 0.5) * spread * 1.18 }
    };
    let es = (0..elders)
        .map(|i| ElderAt { id: format!("{i:032x}").parse().unwrap(), home: Some(around(i, 0.02)) })
        .collect();
    let hs = (0..helpers)
        .map(|i| HelperAt {
            id: format!("{:032x}", i + 1_000_000).parse().unwrap(),
            home: Some(around(i, 0.014)),
            walks: BTreeMap::new(),
        })
        .collect();
    (es, hs)
}

/// The naive baseline: every elder in order scans every helper and takes the nearest in reach whose
/// load is under the average so far, else the least loaded in reach.
fn naive_greedy(walk: &Walk, elders: &[ElderAt], helpers: &[HelperAt]) -> BTreeMap<HelperId, usize> {
    let mut loads: BTreeMap<HelperId, usize> = helpers.iter().map(|h| (h.id.clone(), 0)).collect();
    let mut placed = 0usize;
    for e in elders {
        let mut reach: Vec<(f64, &HelperId)> = helpers
            .iter()
            .filter_map(|h| reach::minutes(walk, h, e).map(|m| (m.minutes, &h.id)))
            .filter(|(m, _)| *m <= walk.limit_minutes)
            .collect();
        if reach.is_empty() {
            continue;
        }
        reach.sort_by(|a, b| a.0.total_cmp(&b.0));
        let average = placed as f64 / helpers.len() as f64;
        let pick = reach
            .iter()
            .find(|(_, h)| (loads[*h] as f64) <= average)
            .or_else(|| reach.iter().min_by_key(|(_, h)| loads[*h]))
            .map(|(_, h)| (*h).clone())
            .expect("reach is not empty");
        *loads.get_mut(&pick).unwrap() += 1;
        placed += 1;
    }
    loads
}

fn spread(loads: &BTreeMap<HelperId, usize>) -> (usize, f64) {
    let used: Vec<f64> = loads.values().filter(|&&n| n > 0).map(|&n| n as f64).collect();
    let mean = used.iter().sum::<f64>() / used.len() as f64;
    let sd = (used.iter().map(|n| (n - mean).powi(2)).sum::<f64>() / used.len() as f64).sqrt();
    (loads.values().copied().max().unwrap_or(0), sd)
}

fn row(label: &str, ours: f64, base: f64, unit: &str) {
    println!("| {label:<46} | {ours:>12.2} {unit:<3} | {base:>12.2} {unit:<3} | {:>7.2}× |", base / ours);
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    // The registry is made today; the visits go back a year.
    let reg = at("2026-11-23T09:00:00+08:00");
    let start = at("2025-11-01T09:00:00+08:00");
    let v = DemoVillage::bazhou();
    let mut store =
        Store::init(dir.path().join("v.sqlite"), v.unit.clone(), "斑竹村", "sichuan", reg).unwrap();
    let mut elders = Vec::new();
    for e in demo_village(&v, ELDERS, 7) {
        let home = e.home.unwrap();
        let name = e.name.clone();
        elders.push((store.add_elder(e, reg).unwrap().id, name, home));
    }
    let mut helpers = Vec::new();
    for h in 0..HELPERS {
        let mut helper = Helper::named(&format!("互助员{h}"));
        helper.home = Some(elders[h * (ELDERS / HELPERS)].2);
        helpers.push(store.add_helper(helper, reg).unwrap());
    }
    let mut roster = Vec::new();
    for (i, (id, name, home)) in elders.iter().enumerate() {
        let helper = helpers[i / (ELDERS / HELPERS)].clone();
        store.assign(id, &helper, "村委会分配", reg).unwrap();
        roster.push((id.clone(), name.clone(), Some(helper), *home));
    }
    let logging = Instant::now();
    for month in 0..MONTHS {
        for (i, (id, _, helper, home)) in roster.iter().enumerate() {
            let when = start + Duration::days(month * 30 + (i % 25) as i64) + Duration::minutes(i as i64);
            let visit = Visit {
                id: String::new(),
                elder: id.clone(),
                helper: helper.as_ref().unwrap().to_string(),
                mode: Mode::Door,
                at: when,
                duration_minutes: 30,
                checks: Checks::all_fine(),
                services: vec![Service::Patrol],
                follow_up: String::new(),
                position: Some(Fix { lat: home.lat, lon: home.lon, accuracy_m: Some(10.0) }),
                amends: None,
                home_distance_m: None,
                recorded_at: None,
            };
            store.log_visit(visit, reg).unwrap();
        }
    }
    let visits = roster.len() * MONTHS as usize;
    let per_visit_ms = logging.elapsed().as_secs_f64() * 1000.0 / visits as f64;
    let today = shouwang_core::time::local_date(reg);

    // The two due lists agree before they are timed.
    let ours = store.schedule(today).unwrap();
    let base = due_from_documents(&store, &roster, today);
    let key = |l: &[ElderDue]| l.iter().map(|e| (e.elder.clone(), e.status, e.due_on)).collect::<Vec<_>>();
    assert_eq!(key(&ours), key(&base), "the baseline computes the same due list");
    let due_ours = median_ms(|| drop(store.schedule(today).unwrap()));
    let due_base = median_ms(|| drop(due_from_documents(&store, &roster, today)));

    let helper = helpers[0].clone();
    let home = store.helper(&helper).unwrap().home;
    let mine: Vec<_> = roster.iter().filter(|r| r.2.as_ref() == Some(&helper)).cloned().collect();
    let today_base = || {
        let due: Vec<ElderDue> =
            due_from_documents(&store, &mine, today).into_iter().filter(|e| e.is_due()).collect();
        schedule::walking_round(home, due)
    };
    let ours_round = store.today_round(&helper, today).unwrap();
    assert_eq!(key(&ours_round), key(&today_base()), "the baseline computes the same round");
    let round_ours = median_ms(|| drop(store.today_round(&helper, today).unwrap()));
    let round_base = median_ms(|| drop(today_base()));

    let (t_elders, t_helpers) = township(5_000, 300);
    let walk = Walk::of(&store.policy());
    let none = BTreeMap::new();
    let plan = reach::suggest(&walk, &t_elders, &t_helpers, &none, false);
    let naive = naive_greedy(&walk, &t_elders, &t_helpers);
    let assign_ours = median_ms(|| drop(reach::suggest(&walk, &t_elders, &t_helpers, &none, false)));
    let assign_base = median_ms(|| drop(naive_greedy(&walk, &t_elders, &t_helpers)));
    let (max_ours, sd_ours) = spread(&plan.loads);
    let (max_base, sd_base) = spread(&naive);

    println!(
        "\nvisits bench: village of {ELDERS} elders, {HELPERS} helpers, {visits} visits over {MONTHS} months \
         (logging: {per_visit_ms:.2} ms a visit, fsync included); township of 5,000 elders and 300 helpers; \
         median of {RUNS} runs\n"
    );
    println!("| {:<46} | {:>16} | {:>16} | {:>8} |", "measure", "shouwang", "baseline", "ratio");
    println!("|{}|{}|{}|{}|", "-".repeat(48), "-".repeat(18), "-".repeat(18), "-".repeat(10));
    row("due list, 300 elders (projection vs documents)", due_ours, due_base, "ms");
    row("helper's today list (projection vs documents)", round_ours, round_base, "ms");
    row("assignment 5,000 × 300 (suggest vs naive)", assign_ours, assign_base, "ms");
    row("  busiest helper's elders (lower is better)", max_ours as f64, max_base as f64, "");
    row("  load standard deviation (lower is better)", sd_ours, sd_base, "");
    println!(
        "\nassigned {} elders, {} remote (no helper within {} minutes' walk); baseline: the same reach",
        plan.proposals.len(),
        plan.remote.len(),
        walk.limit_minutes
    );
}
