//! `crash-writer DB SEED`: writes demo elders into the store at `DB` until it is killed, for the
//! crash test (`tests/tests/stories/crash.rs`).
//!
//! It opens the store (initialising the 斑竹村 registry if the file is missing), then writes the elders
//! of `demo_village(&DemoVillage::bazhou(), 100_000, SEED)` one by one; every third write is instead an
//! address change of an elder it added earlier in this run. Around each write it prints one line to
//! stdout and flushes it:
//!
//! ```text
//! BEGIN <elder id> add <address>        before the write
//! ACK <elder id> add <address>          after its commit: the write is saved
//! BEGIN <elder id> address <address>
//! ACK <elder id> address <address>
//! ```
//!
//! Elders whose ID number is already in the registry (a collision with an earlier run) are skipped
//! without a line.

use anyhow::{bail, Context as _};
use chrono::{DateTime, Utc};
use shouwang_core::demo::{demo_village, DemoVillage, Rng};
use shouwang_core::elder::{Elder, ElderId};
use shouwang_core::store::{Error, Store};
use std::io::Write;
use std::path::Path;

/// How many elders a run could write at most.
const VILLAGE: usize = 100_000;

/// The elders of `demo_village(&village, 100_000, seed)` in order, generated in doubling batches so
/// that a writer killed after a few milliseconds has not spent them generating 100,000 elders. The
/// generator is sequential, so the first `n` elders of a village of any size are the same.
struct DemoElders {
    village: DemoVillage,
    seed: u64,
    batch: Vec<Elder>,
    next: usize,
}

impl Iterator for DemoElders {
    type Item = Elder;

    fn next(&mut self) -> Option<Elder> {
        if self.next == self.batch.len() {
            if self.batch.len() == VILLAGE {
                return None;
            }
            let n = (self.batch.len() * 2).clamp(16, VILLAGE);
            self.batch = demo_village(&self.village, n, self.seed);
        }
        self.next += 1;
        Some(self.batch[self.next - 1].clone())
    }
}

fn is_duplicate(e: &Error) -> bool {
    matches!(e, Error::Invalid(v) if v.iter().any(|x| x.rule.code() == "duplicate_id_number"))
}

fn say(out: &mut impl Write, line: std::fmt::Arguments<'_>) -> anyhow::Result<()> {
    writeln!(out, "{line}")?;
    out.flush()?;
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [db, seed] = args.as_slice() else { bail!("usage: crash-writer DB SEED") };
    let seed: u64 = seed.parse().context("SEED is a number")?;
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-11-23T09:00:00+08:00")?.to_utc();
    let village = DemoVillage::bazhou();
    let mut store = if Path::new(db).exists() {
        Store::open(db, now)?
    } else {
        Store::init(db, village.unit.clone(), "斑竹村", "sichuan", now)?
    };
    let mut out = std::io::stdout().lock();
    let mut rng = Rng::new(seed.rotate_left(17));
    let mut added: Vec<ElderId> = Vec::new();
    let mut elders = DemoElders { village, seed, batch: Vec::new(), next: 0 };
    for step in 0u64.. {
        if step % 3 == 2 && !added.is_empty() {
            let id = &added[rng.next_u64() as usize % added.len()];
            let address = format!("梁永镇斑竹村{}组{}号-{seed}-{step}", rng.range(1, 9), rng.range(1, 60));
            say(&mut out, format_args!("BEGIN {id} address {address}"))?;
            store.update_elder(id, now, |e| {
                e.address = address.clone();
                Ok(())
            })?;
            say(&mut out, format_args!("ACK {id} address {address}"))?;
            continue;
        }
        let Some(elder) = elders.next() else { break };
        let number = elder.id_number.as_deref().context("demo elders have ID numbers")?;
        let id = store.elder_id_for(number)?;
        if store.elder(&id).is_ok() {
            continue;
        }
        say(&mut out, format_args!("BEGIN {id} add {}", elder.address))?;
        let address = elder.address.clone();
        match store.add_elder(elder, now) {
            Ok(saved) if saved.id == id => {}
            Ok(saved) => bail!("elder {id} was saved as {}", saved.id),
            Err(e) if is_duplicate(&e) => continue,
            Err(e) => return Err(e.into()),
        }
        say(&mut out, format_args!("ACK {id} add {address}"))?;
        added.push(id);
    }
    Ok(())
}
