//! The village office's bulk work, each beside a baseline that does the least the same job needs.
//!
//! `cargo bench -p shouwang-core --bench office [-- --elders N --ledger M]` (defaults: a county of
//! 50,000 elders, a ledger of 10,000 rows):
//!
//! - **summary**: the Guangdong 17-column table 附件2 for a county of N demo elders in 100 villages of
//!   10 townships, every column and cross-column check (`report::compute`), against a single pass
//!   that only counts the total and the two age bands.
//! - **progress**: the monthly progress report over N elders (`progress::compute`), against a plain
//!   per-village count.
//! - **import**: a CSV ledger of M rows read, mapped, validated and matched (`ledger::read_csv` +
//!   `ledger::plan`) and then written into a fresh store (`ledger::apply`: automerge documents,
//!   projection, outbox per elder), against parsing the same CSV with the csv crate alone.
//! - **print**: contact cards laid out and written as PDF with the embedded CJK subset (when the Noto
//!   CJK font is installed), against laying them out only.
//!
//! The table goes to stdout. Speed is measured here, never asserted in tests.

use chrono::{DateTime, NaiveDate, Utc};
use shouwang_core::card::{ContactCard, Enrolment};
use shouwang_core::demo::{demo_village, DemoVillage};
use shouwang_core::elder::Elder;
use shouwang_core::ledger::{self, ImportContext};
use shouwang_core::policy::Policy;
use shouwang_core::print::{self, Layout};
use shouwang_core::progress::{self, ElderMonth};
use shouwang_core::report::{self, Entered};
use shouwang_core::store::Store;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed())
}

fn row(name: &str, rows: usize, ours: Duration, base: Duration) {
    let rate = |d: Duration| rows as f64 / d.as_secs_f64().max(1e-9);
    println!(
        "{name:<10} {rows:>8} {:>12.1} {:>14.0} {:>12.1} {:>14.0} {:>8.1}×",
        ours.as_secs_f64() * 1000.0,
        rate(ours),
        base.as_secs_f64() * 1000.0,
        rate(base),
        ours.as_secs_f64() / base.as_secs_f64().max(1e-9)
    );
}

/// A county of `n` elders: 10 townships of 10 villages each.
fn county(n: usize) -> Vec<Elder> {
    let base = DemoVillage::bazhou();
    let per = n.div_ceil(100);
    let mut out = Vec::with_capacity(n);
    for t in 0..10 {
        for v in 0..10 {
            let mut village = base.clone();
            village.unit = format!("511902{:03}{:03}", 100 + t, 200 + v).parse().expect("unit code");
            let take = per.min(n - out.len());
            out.extend(demo_village(&village, take, (t * 10 + v + 1) as u64));
        }
    }
    out
}

fn main() {
    let elders_n = arg("--elders", 50_000);
    let ledger_n = arg("--ledger", 10_000);
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    println!(
        "{:<10} {:>8} {:>12} {:>14} {:>12} {:>14} {:>9}",
        "", "rows", "ours ms", "ours rows/s", "base ms", "base rows/s", "ratio"
    );

    let (elders, made) = time(|| county(elders_n));
    eprintln!("generated {} elders in {:.1}s", elders.len(), made.as_secs_f64());
    let layout = report::Layout::builtin("guangdong").expect("built-in layout");
    let policy = Policy::builtin(&layout.policy).expect("built-in policy");
    let unit = "511902000000".parse().expect("county code");
    let (summary, ours) = time(|| {
        report::compute(&layout, &policy, &elders, &unit, today, &Entered::default()).expect("summary")
    });
    let (counts, base) = time(|| {
        let mut c = [0u64; 3];
        for e in elders.iter().filter(|e| e.is_active()) {
            let age = e.age_on(today);
            c[0] += 1;
            c[if age >= 80 { 2 } else { 1 }] += 1;
        }
        c
    });
    assert!(summary.total.values.iter().flatten().count() > 0 && counts[0] > 0);
    row("summary", elders.len(), ours, base);

    let months: Vec<ElderMonth> = elders
        .iter()
        .enumerate()
        .map(|(i, e)| ElderMonth { visits: (i % 3) as u32, overdue: i % 7 == 0, ..ElderMonth::new(&e.unit) })
        .collect();
    let (report, ours) = time(|| progress::compute("2026-11", &months, &[]));
    let (plain, base) = time(|| {
        let mut m: BTreeMap<&str, u32> = BTreeMap::new();
        for e in &months {
            *m.entry(e.village.as_str()).or_default() += 1;
        }
        m
    });
    assert_eq!(report.villages.len(), plain.len());
    row("progress", months.len(), ours, base);

    let csv = ledger::sample_ledger(ledger_n, 7);
    let dir = tempfile::tempdir().expect("temp dir");
    let now: DateTime<Utc> = "2026-11-23T02:00:00Z".parse().expect("time");
    let village = DemoVillage::bazhou();
    let mut store =
        Store::init(dir.path().join("office.sqlite"), village.unit.clone(), "斑竹村", "sichuan", now)
            .expect("store");
    let ctx = ImportContext::new(village.unit.clone(), store.policy(), today);
    let (applied, ours) = time(|| {
        let sheet = ledger::read_csv(csv.as_bytes()).expect("csv");
        let plan = ledger::plan(&sheet, &store, &ctx).expect("plan");
        ledger::apply(&plan, &mut store, now).expect("apply")
    });
    let (records, base) = time(|| {
        let mut reader = csv::ReaderBuilder::new().from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
        reader.records().filter_map(Result::ok).count()
    });
    eprintln!("imported {} of {records} rows ({} refused)", applied.added.len(), applied.refused);
    row("import", records, ours, base);

    let font = std::path::Path::new(print::DEFAULT_FONT);
    if font.exists() {
        let font = print::Font::load(font).expect("font");
        let cards: Vec<ContactCard> = elders[..200]
            .iter()
            .map(|e| {
                ContactCard::build(
                    "巴州区",
                    &Default::default(),
                    &e.into(),
                    None,
                    vec!["巡访".into(), "助洁".into()],
                )
                .with_enrolment(Enrolment::new("https://relay.example.cn", "K7Q2-M9XP"))
            })
            .collect();
        let (bytes, ours) = time(|| {
            let pages = print::card_pages(&cards, Layout::A4Sheet).expect("layout");
            print::pdf(&pages, &font).expect("pdf")
        });
        let (pages, base) = time(|| print::card_pages(&cards, Layout::A4Sheet).expect("layout"));
        eprintln!("{} cards on {} A4 sheets: {} KB of PDF", cards.len(), pages.len(), bytes.len() / 1024);
        row("print", cards.len(), ours, base);
    }
}
