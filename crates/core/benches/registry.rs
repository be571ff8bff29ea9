//! What keeping elders as automerge documents costs, against plain SQLite rows, side by side.
//!
//! `cargo bench -p shouwang-core --bench registry [-- --elders N]` (or `BENCH_ELDERS=N`; default
//! 10,000) writes N demo elders of 斑竹村 into two files in one temporary directory, alternating one
//! elder into each:
//!
//! - **shouwang**: the real [`Store`]: per elder, validation, five automerge documents, the
//!   projection rows and the outbox, in one `BEGIN IMMEDIATE` transaction.
//! - **baseline**: the projection's two tables (`elders`, `elder_categories`, same columns and
//!   indexes) written directly: per elder, the same validation, then plain INSERTs in one
//!   `BEGIN IMMEDIATE` transaction. No documents, no outbox.
//!
//! Both use WAL and `synchronous=FULL`, so every commit waits for an fsync. It then measures the
//! filtered `elder list` (the same SQL over the same kind of table; the store serves lists from its
//! projection), size on disk after a checkpoint, and a rebuild. The table goes to stdout and the same
//! figures to `target/bench/registry.json`. Speed is measured here, never asserted in tests.
//!
//! Encryption at rest: a third file, **encrypted**, is the same store encrypted under a database key
//! (SQLite3 Multiple Ciphers, ChaCha20-Poly1305 pages; [`shouwang_core::vault`]), written with the same
//! elders in the same alternation. A second table sets it beside the plaintext store: one write, list
//! latency, open time (and the Argon2id unlock of the key file, paid once per unlock and per guess),
//! size on disk.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::types::Value as Sql;
use rusqlite::{params, Connection, TransactionBehavior};
use shouwang_core::demo::{demo_village, DemoVillage};
use shouwang_core::elder::{age_on, Category, Elder, ElderId, Health};
use shouwang_core::store::{AgeBand, ElderFilter, ElderRow, Store};
use shouwang_core::validate::{validate_elder, Context};
use shouwang_core::vault::{self, Vault};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const QUERIES: usize = 200;
/// Opens of each store timed for the open-time row.
const OPENS: usize = 20;
/// Unlocks of the key file timed (each one Argon2id at the default costs).
const UNLOCKS: usize = 5;
const BENCH_PASSPHRASE: &str = "斑竹村 bench passphrase";
/// A bare commit is timed after every this many elders.
const FLOOR_EVERY: usize = 5;
const NAME_PARTS: &[&str] = &["王", "李", "张", "秀", "国", "陈", "英", "刘"];

const BASELINE_SCHEMA: &str = "
    PRAGMA foreign_keys = ON;
    CREATE TABLE elders (
        elder_id TEXT PRIMARY KEY, unit TEXT NOT NULL, name TEXT NOT NULL, sex TEXT NOT NULL,
        birth_date TEXT NOT NULL, ethnicity TEXT NOT NULL, id_number TEXT, hukou TEXT NOT NULL,
        address TEXT NOT NULL, phone TEXT, lat REAL, lon REAL, health TEXT, education TEXT, spouse TEXT,
        care TEXT, children INTEGER NOT NULL, supporters INTEGER NOT NULL, away_since TEXT,
        income TEXT NOT NULL, status TEXT NOT NULL, archived_on TEXT, conflicts INTEGER NOT NULL,
        updated_at TEXT NOT NULL);
    CREATE INDEX elders_by_name ON elders (name);
    CREATE INDEX elders_by_id_number ON elders (id_number);
    CREATE INDEX elders_by_status_birth ON elders (status, birth_date);
    CREATE TABLE elder_categories (
        elder_id TEXT NOT NULL REFERENCES elders (elder_id) ON DELETE CASCADE,
        category TEXT NOT NULL,
        PRIMARY KEY (elder_id, category)) WITHOUT ROWID;
    CREATE INDEX elder_categories_by_category ON elder_categories (category, elder_id);";

/// The baseline's "rebuild": it has no documents to rebuild from (its rows are the truth), so it
/// rewrites an index-bearing copy of its tables from the rows themselves, in one transaction.
const BASELINE_REBUILD: &str = "
    DROP TABLE IF EXISTS elders_copy; DROP TABLE IF EXISTS elder_categories_copy;
    CREATE TABLE elders_copy AS SELECT * FROM elders;
    CREATE UNIQUE INDEX elders_copy_pk ON elders_copy (elder_id);
    CREATE INDEX elders_copy_by_name ON elders_copy (name);
    CREATE INDEX elders_copy_by_id_number ON elders_copy (id_number);
    CREATE INDEX elders_copy_by_status_birth ON elders_copy (status, birth_date);
    CREATE TABLE elder_categories_copy AS SELECT * FROM elder_categories;
    CREATE UNIQUE INDEX elder_categories_copy_pk ON elder_categories_copy (elder_id, category);
    CREATE INDEX elder_categories_copy_by_category ON elder_categories_copy (category, elder_id);";

/// One kind of `elder list` the registry screen asks for.
#[derive(Debug, Clone, Copy)]
enum Probe {
    Name(&'static str),
    LivingAlone,
    Ill,
    Over80,
}

impl Probe {
    fn nth(i: usize) -> Probe {
        match i % 4 {
            0 => Probe::Name(NAME_PARTS[(i / 4) % NAME_PARTS.len()]),
            1 => Probe::LivingAlone,
            2 => Probe::Ill,
            _ => Probe::Over80,
        }
    }

    fn filter(self) -> ElderFilter {
        match self {
            Probe::Name(text) => ElderFilter { text: Some(text.into()), ..ElderFilter::default() },
            Probe::LivingAlone => {
                ElderFilter { category: Some(Category::LivingAlone), ..ElderFilter::default() }
            }
            Probe::Ill => ElderFilter { health: Some(Health::Ill), ..ElderFilter::default() },
            Probe::Over80 => ElderFilter { age: Some(AgeBand::Over80), ..ElderFilter::default() },
        }
    }

    /// The SQL `Store::list` runs for this filter, over the baseline's tables.
    fn baseline_sql(self, today: NaiveDate) -> (String, Vec<Sql>) {
        let mut sql = String::from(
            "SELECT e.elder_id, e.name, e.sex, e.birth_date, e.id_number, e.address, e.phone, e.health, e.care,
                    (SELECT group_concat(category, ',') FROM (SELECT category FROM elder_categories c
                        WHERE c.elder_id = e.elder_id ORDER BY category)),
                    e.status, e.conflicts
             FROM elders e WHERE e.status = ?1",
        );
        let mut args = vec![Sql::Text("active".into())];
        match self {
            Probe::Name(text) => {
                sql.push_str(" AND (e.name LIKE ?2 ESCAPE '\\' OR e.id_number LIKE ?3 ESCAPE '\\')");
                args.push(Sql::Text(format!("%{text}%")));
                args.push(Sql::Text(format!("%{text}%")));
            }
            Probe::LivingAlone => sql.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM elder_categories c WHERE c.elder_id = e.elder_id AND c.category = '{}')",
                Category::LivingAlone.code()
            )),
            Probe::Ill => {
                sql.push_str(" AND e.health = ?2");
                args.push(Sql::Text(Health::Ill.code().into()));
            }
            Probe::Over80 => {
                sql.push_str(" AND e.birth_date <= ?2");
                let eighty = today.checked_sub_months(chrono::Months::new(12 * 80)).expect("a date");
                args.push(Sql::Text(eighty.to_string()));
            }
        }
        sql.push_str(" ORDER BY e.name, e.elder_id");
        (sql, args)
    }
}

fn baseline_list(conn: &Connection, probe: Probe, today: NaiveDate) -> rusqlite::Result<Vec<ElderRow>> {
    let (sql, args) = probe.baseline_sql(today);
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| {
        let birth_date = r.get::<_, String>(3)?.parse::<NaiveDate>().unwrap_or(NaiveDate::MIN);
        let categories: Option<String> = r.get(9)?;
        Ok(ElderRow {
            id: r.get::<_, String>(0)?.parse().expect("an elder id"),
            name: r.get(1)?,
            sex: r.get(2)?,
            birth_date,
            age: age_on(birth_date, today),
            id_number: r.get(4)?,
            address: r.get(5)?,
            phone: r.get(6)?,
            health: r.get(7)?,
            care: r.get(8)?,
            categories: categories.map(|c| c.split(',').map(str::to_owned).collect()).unwrap_or_default(),
            status: r.get(10)?,
            conflicts: r.get(11)?,
            consent: None,
        })
    })?;
    rows.collect()
}

fn connect(path: &Path) -> Connection {
    let conn = Connection::open(path).expect("open");
    conn.pragma_update(None, "journal_mode", "WAL").expect("WAL");
    conn.pragma_update(None, "synchronous", "FULL").expect("synchronous");
    conn
}

/// The baseline's write: the same validation as the store, then the projection's rows as plain INSERTs.
fn baseline_insert(conn: &mut Connection, mut e: Elder, ctx: &Context, stamp: &str) -> rusqlite::Result<()> {
    validate_elder(&mut e, ctx).expect("demo elders are valid");
    // Keyed as the store keys it (an HMAC with the village's id key): the baseline does the same work.
    let id = ElderId::keyed(&[7; 32], e.id_number.as_deref().expect("demo elders have ID numbers"));
    let income: Vec<&str> = e.income_sources.iter().map(|s| s.code()).collect();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.prepare_cached(
        "INSERT INTO elders (elder_id, unit, name, sex, birth_date, ethnicity, id_number, hukou, address, phone,
             lat, lon, health, education, spouse, care, children, supporters, away_since, income, status,
             archived_on, conflicts, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,
             ?22, 0, ?23)",
    )?
    .execute(params![
        id.as_str(),
        e.unit.as_str(),
        e.name,
        e.sex.code(),
        e.birth_date.to_string(),
        e.ethnicity,
        e.id_number,
        e.hukou.code(),
        e.address,
        e.phone,
        e.home.map(|p| p.lat),
        e.home.map(|p| p.lon),
        e.health.map(|h| h.code()),
        e.education.map(|x| x.code()),
        e.spouse.map(|x| x.code()),
        e.care.map(|x| x.code()),
        e.children.len() as i64,
        e.supporters.len() as i64,
        e.migration.as_ref().and_then(|m| m.away_since).map(|m| m.to_string()),
        income.join(","),
        e.status.code(),
        e.archive.as_ref().map(|a| a.on.to_string()),
        stamp,
    ])?;
    let mut insert =
        tx.prepare_cached("INSERT INTO elder_categories (elder_id, category) VALUES (?1, ?2)")?;
    for category in &e.categories {
        insert.execute((id.as_str(), category.code()))?;
    }
    drop(insert);
    tx.commit()
}

fn file_size(path: &Path) -> u64 {
    let wal = PathBuf::from(format!("{}-wal", path.display()));
    [path, wal.as_path()].iter().filter_map(|p| std::fs::metadata(p).ok()).map(|m| m.len()).sum()
}

/// Nearest-rank percentile of sorted durations, in milliseconds.
fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1].as_secs_f64() * 1e3
}

fn elders_wanted() -> usize {
    let args: Vec<String> = std::env::args().collect();
    let from_args = args.iter().enumerate().find_map(|(i, a)| match a.strip_prefix("--elders") {
        Some("") => args.get(i + 1).cloned(),
        Some(rest) => rest.strip_prefix('=').map(str::to_owned),
        None => None,
    });
    from_args
        .or_else(|| std::env::var("BENCH_ELDERS").ok())
        .map(|n| n.trim().parse().expect("--elders / BENCH_ELDERS is a number"))
        .unwrap_or(10_000)
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        manifest.ancestors().nth(2).unwrap_or(manifest).join("target")
    })
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix("model name").map(|v| v.trim_start_matches([' ', '\t', ':']).to_string())
            })
        })
        .unwrap_or_else(|| "unknown CPU".into())
}

/// One row of the table: a figure for each side; `ratio` is always shouwang ÷ baseline.
struct Metric {
    name: &'static str,
    unit: &'static str,
    shouwang: f64,
    baseline: f64,
    shown: fn(f64) -> String,
}

fn main() {
    let n = elders_wanted();
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let now: DateTime<Utc> =
        DateTime::parse_from_rfc3339("2026-11-23T09:00:00+08:00").expect("a time").to_utc();
    let today = shouwang_core::time::local_date(now);
    let stamp = now.to_rfc3339();
    let village = DemoVillage::bazhou();
    let elders = demo_village(&village, n, 2026);
    let dir = tempfile::tempdir().expect("a temporary directory");
    eprintln!("registry bench: {n} elders into {}", dir.path().display());

    let mut store =
        Store::init(dir.path().join("shouwang.sqlite"), village.unit.clone(), "斑竹村", "sichuan", now)
            .expect("a store");
    let encrypted_path = dir.path().join("encrypted.sqlite");
    let key = Vault::create(&vault::key_path(&encrypted_path), BENCH_PASSPHRASE).expect("a key file");
    let mut encrypted =
        Store::init_encrypted(&encrypted_path, &key, village.unit.clone(), "斑竹村", "sichuan", now)
            .expect("an encrypted store");
    let baseline_path = dir.path().join("baseline.sqlite");
    let mut baseline = connect(&baseline_path);
    baseline.execute_batch(BASELINE_SCHEMA).expect("baseline schema");
    let ctx = Context::new(village.unit.clone(), today);

    // The floor under any durable write: a one-row commit with the same pragmas, into a third file,
    // probed between the inserts so that it sees the same disk.
    let probe = connect(&dir.path().join("fsync.sqlite"));
    probe.execute_batch("CREATE TABLE tick (n INTEGER)").expect("tick table");
    let mut floor = Vec::new();

    // Inserts, one transaction per elder, alternating between the two files.
    let (mut t_store, mut t_base, mut t_enc) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    for (i, elder) in elders.iter().enumerate() {
        let (a, b) = (elder.clone(), elder.clone());
        let started = Instant::now();
        encrypted.add_elder(elder.clone(), now).expect("a demo elder is saved encrypted");
        t_enc += started.elapsed();
        let started = Instant::now();
        store.add_elder(a, now).expect("a demo elder is saved");
        t_store += started.elapsed();
        let started = Instant::now();
        baseline_insert(&mut baseline, b, &ctx, &stamp).expect("a baseline row is saved");
        t_base += started.elapsed();
        if i % FLOOR_EVERY == 0 {
            let started = Instant::now();
            probe.execute("INSERT INTO tick (n) VALUES (?1)", [i as i64]).expect("a tick");
            floor.push(started.elapsed());
        }
        if (i + 1) % 1000 == 0 {
            eprintln!("  {} elders written ({:.0} s so far)", i + 1, (t_store + t_base).as_secs_f64());
        }
    }

    // Lists: the same filter on both sides, alternating; the rows must be the same.
    let mut rows_seen = 0;
    for i in 0..4 {
        let probe = Probe::nth(i);
        let mine = store.list(&probe.filter(), today).expect("a list");
        assert_eq!(mine, baseline_list(&baseline, probe, today).expect("a list"), "{probe:?} lists differ");
    }
    for i in 0..4 {
        let filter = Probe::nth(i).filter();
        let (mine, theirs) = (store.list(&filter, today).expect("a list"), encrypted.list(&filter, today));
        assert_eq!(mine, theirs.expect("a list"), "{i}: the encrypted store lists the same rows");
    }
    let (mut l_store, mut l_base) = (Vec::with_capacity(QUERIES), Vec::with_capacity(QUERIES));
    let mut l_enc = Vec::with_capacity(QUERIES);
    for i in 0..QUERIES {
        let probe = Probe::nth(i);
        let filter = probe.filter();
        let started = Instant::now();
        std::hint::black_box(encrypted.list(&filter, today).expect("a list"));
        l_enc.push(started.elapsed());
        let started = Instant::now();
        rows_seen += std::hint::black_box(store.list(&filter, today).expect("a list")).len();
        l_store.push(started.elapsed());
        let started = Instant::now();
        std::hint::black_box(baseline_list(&baseline, probe, today).expect("a list"));
        l_base.push(started.elapsed());
    }
    l_store.sort();
    l_base.sort();
    l_enc.sort();

    // Opening: the store alone (connection, pragmas, migrations check, registry), then the key file's
    // unlock (Argon2id at the default costs), each median of several.
    let (mut o_plain, mut o_enc, mut unlock) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..OPENS {
        let started = Instant::now();
        std::hint::black_box(Store::open(store.path(), now).expect("an open"));
        o_plain.push(started.elapsed());
        let started = Instant::now();
        std::hint::black_box(Store::open_encrypted(&encrypted_path, &key, now).expect("an open"));
        o_enc.push(started.elapsed());
    }
    for _ in 0..UNLOCKS {
        let started = Instant::now();
        let again = Vault::unlock(&vault::key_path(&encrypted_path), BENCH_PASSPHRASE).expect("an unlock");
        unlock.push(started.elapsed());
        assert_eq!(again, key);
    }
    o_plain.sort();
    o_enc.sort();
    unlock.sort();

    // Size on disk after folding the write-ahead log into the main file.
    store.checkpoint().expect("checkpoint");
    baseline.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).expect("checkpoint");
    let (s_store, s_base) = (store.size_on_disk() as f64, file_size(&baseline_path) as f64);
    encrypted.checkpoint().expect("checkpoint");
    let s_enc = encrypted.size_on_disk() as f64;

    // Rebuild: the store's projection from its documents; the baseline's copy of its rows.
    let started = Instant::now();
    assert_eq!(store.rebuild().expect("a rebuild"), n);
    let r_store = started.elapsed();
    let started = Instant::now();
    let tx = baseline.transaction_with_behavior(TransactionBehavior::Immediate).expect("a transaction");
    tx.execute_batch(BASELINE_REBUILD).expect("a baseline rebuild");
    tx.commit().expect("commit");
    let r_base = started.elapsed();

    let per_s = |d: Duration| n as f64 / d.as_secs_f64();
    let metrics = [
        Metric {
            name: "insert throughput, one transaction per elder",
            unit: "elders/s",
            shouwang: per_s(t_store),
            baseline: per_s(t_base),
            shown: |v| format!("{v:.0} elders/s"),
        },
        Metric {
            name: "`elder list` latency, median",
            unit: "ms",
            shouwang: percentile(&l_store, 0.5),
            baseline: percentile(&l_base, 0.5),
            shown: |v| format!("{v:.2} ms"),
        },
        Metric {
            name: "`elder list` latency, p99",
            unit: "ms",
            shouwang: percentile(&l_store, 0.99),
            baseline: percentile(&l_base, 0.99),
            shown: |v| format!("{v:.2} ms"),
        },
        Metric {
            name: "size on disk after checkpoint",
            unit: "bytes",
            shouwang: s_store,
            baseline: s_base,
            shown: |v| format!("{:.1} MiB ({v:.0} B)", v / 1024.0 / 1024.0),
        },
        Metric {
            name: "rebuild",
            unit: "ms",
            shouwang: r_store.as_secs_f64() * 1e3,
            baseline: r_base.as_secs_f64() * 1e3,
            shown: |v| format!("{v:.0} ms"),
        },
    ];

    let per_insert = |d: Duration| d.as_secs_f64() * 1e3 / n as f64;
    let at_rest = [
        Metric {
            name: "one write (add an elder), mean",
            unit: "ms",
            shouwang: per_insert(t_enc),
            baseline: per_insert(t_store),
            shown: |v| format!("{v:.2} ms"),
        },
        Metric {
            name: "`elder list` latency, median",
            unit: "ms",
            shouwang: percentile(&l_enc, 0.5),
            baseline: percentile(&l_store, 0.5),
            shown: |v| format!("{v:.2} ms"),
        },
        Metric {
            name: "`elder list` latency, p99",
            unit: "ms",
            shouwang: percentile(&l_enc, 0.99),
            baseline: percentile(&l_store, 0.99),
            shown: |v| format!("{v:.2} ms"),
        },
        Metric {
            name: "open the store (key in hand), median",
            unit: "ms",
            shouwang: percentile(&o_enc, 0.5),
            baseline: percentile(&o_plain, 0.5),
            shown: |v| format!("{v:.2} ms"),
        },
        Metric {
            name: "size on disk after checkpoint",
            unit: "bytes",
            shouwang: s_enc,
            baseline: s_store,
            shown: |v| format!("{:.1} MiB ({v:.0} B)", v / 1024.0 / 1024.0),
        },
    ];
    let unlock_ms = percentile(&unlock, 0.5);

    let machine =
        format!("{cores} cores, {} ({} {})", cpu_model(), std::env::consts::OS, std::env::consts::ARCH);
    let floor_ms = floor.iter().sum::<Duration>().as_secs_f64() * 1e3 / floor.len() as f64;
    println!("\n## Registry store: automerge documents vs plain rows\n");
    println!("machine: {machine}; N = {n} demo elders (斑竹村); both files WAL + synchronous=FULL\n");
    println!(
        "| metric | shouwang (automerge documents) | baseline (plain rusqlite rows, no automerge) | ratio |"
    );
    println!("|---|---:|---:|---:|");
    for m in &metrics {
        println!(
            "| {} | {} | {} | {:.2}× |",
            m.name,
            (m.shown)(m.shouwang),
            (m.shown)(m.baseline),
            m.shouwang / m.baseline
        );
    }
    println!();
    println!("- ratio = shouwang ÷ baseline (throughput: below 1 is slower; latency, size, time: above 1 is more).");
    let share = |d: Duration| 100.0 * floor_ms / per_insert(d);
    let pace =
        |d: Duration| if share(d) >= 50.0 { "mostly the fsync" } else { "mostly work other than the fsync" };
    println!(
        "- a bare durable commit (one tiny INSERT, same pragmas, probed between the inserts) takes {floor_ms:.2} ms \
         on average on this disk: {:.0}% of a shouwang insert ({:.2} ms: {}), {:.0}% of a baseline insert \
         ({:.2} ms: {}).",
        share(t_store),
        per_insert(t_store),
        pace(t_store),
        share(t_base),
        per_insert(t_base),
        pace(t_base)
    );
    println!(
        "- lists: {QUERIES} queries cycling name contains 王/李/张/秀/国/陈/英/刘, living_alone, health ill, age 80+; \
         {:.0} rows per list on average; both sides run the same SQL (the store reads only its projection).",
        rows_seen as f64 / QUERIES as f64
    );
    println!(
        "- rebuild: shouwang decodes every automerge document and rewrites the projection; the baseline has no \
         documents, so its \"rebuild\" copies its tables (CREATE TABLE … AS SELECT) and recreates their indexes."
    );

    println!("\n## Encryption at rest: plaintext store vs encrypted store\n");
    println!("same N elders, same alternation, same pragmas; encrypted = SQLite3 Multiple Ciphers, ChaCha20-Poly1305 pages\n");
    println!("| metric | encrypted store | plaintext store | ratio |");
    println!("|---|---:|---:|---:|");
    for m in &at_rest {
        println!(
            "| {} | {} | {} | {:.2}× |",
            m.name,
            (m.shown)(m.shouwang),
            (m.shown)(m.baseline),
            m.shouwang / m.baseline
        );
    }
    println!(
        "| unlock the key file (Argon2id {} MiB, t={}, p={}), median of {UNLOCKS} | {unlock_ms:.0} ms | — | |",
        vault::KdfParams::DEFAULT.m_cost_kib / 1024,
        vault::KdfParams::DEFAULT.t_cost,
        vault::KdfParams::DEFAULT.p_cost
    );
    println!();
    println!("- ratio = encrypted ÷ plaintext (above 1 is slower or larger).");

    let json = serde_json::json!({
        "bench": "registry",
        "machine": { "cores": cores, "cpu": cpu_model(), "os": std::env::consts::OS, "arch": std::env::consts::ARCH },
        "elders": n,
        "queries": QUERIES,
        "rows_per_list": rows_seen as f64 / QUERIES as f64,
        "commit_floor_ms": floor_ms,
        "metrics": metrics.iter().map(|m| serde_json::json!({
            "metric": m.name, "unit": m.unit, "shouwang": m.shouwang, "baseline": m.baseline,
            "ratio": m.shouwang / m.baseline,
        })).collect::<Vec<_>>(),
        "at_rest": {
            "unlock_ms": unlock_ms,
            "kdf": vault::KdfParams::DEFAULT,
            "metrics": at_rest.iter().map(|m| serde_json::json!({
                "metric": m.name, "unit": m.unit, "encrypted": m.shouwang, "plaintext": m.baseline,
                "ratio": m.shouwang / m.baseline,
            })).collect::<Vec<_>>(),
        },
    });
    let out = target_dir().join("bench");
    std::fs::create_dir_all(&out).expect("target/bench");
    let file = out.join("registry.json");
    std::fs::write(&file, serde_json::to_string_pretty(&json).expect("json") + "\n").expect("registry.json");
    eprintln!("wrote {}", file.display());
}
