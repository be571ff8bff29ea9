//! Convergence, as a property: any interleaving of edits and syncs among three devices of a village
//! ends, once each has pushed and pulled, in equal states — the same projection row for row and the
//! same record for every elder. The devices are real stores exchanging their real changes through
//! core's change exchange (`outbox_batch` → a relay's log → `apply_remote`, `acknowledge`), the path
//! the sync engine takes without the HTTP.

use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;
use shouwang_core::demo::{demo_village, DemoVillage};
use shouwang_core::elder::{Elder, ElderId};
use shouwang_core::helper::HelperId;
use shouwang_core::store::{IncomingChange, Store};
use shouwang_core::visit::{Checks, Mode, Service, Visit};
use std::collections::BTreeSet;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T09:00:00+08:00").expect("a date").to_utc()
}

/// What a device does.
#[derive(Debug, Clone)]
enum Op {
    /// Registers elder `elder` of the pool (the same person on two devices is one id).
    Add { device: usize, elder: usize },
    /// Writes the elder's needs.
    Needs { device: usize, elder: usize, text: u8 },
    /// Ticks or unticks a category.
    Category { device: usize, elder: usize, on: bool },
    /// Logs a visit to the elder.
    Visit { device: usize, elder: usize },
    /// Pushes the outbox to the relay's log and pulls what others pushed.
    Sync { device: usize },
}

fn op() -> impl Strategy<Value = Op> {
    let d = 0..3usize;
    let e = 0..4usize;
    prop_oneof![
        (d.clone(), e.clone()).prop_map(|(device, elder)| Op::Add { device, elder }),
        (d.clone(), e.clone(), any::<u8>()).prop_map(|(device, elder, text)| Op::Needs {
            device,
            elder,
            text
        }),
        (d.clone(), e.clone(), any::<bool>()).prop_map(|(device, elder, on)| Op::Category {
            device,
            elder,
            on
        }),
        (d.clone(), e).prop_map(|(device, elder)| Op::Visit { device, elder }),
        d.prop_map(|device| Op::Sync { device }),
    ]
}

/// The relay, reduced to what it does: a log of changes, each stored once, with who pushed it.
#[derive(Default)]
struct Log {
    changes: Vec<(usize, IncomingChange)>,
    hashes: BTreeSet<(String, String)>,
}

struct Village {
    _dir: tempfile::TempDir,
    stores: Vec<Store>,
    cursors: Vec<usize>,
    pool: Vec<Elder>,
    helper: HelperId,
    log: Log,
    visits: u32,
}

impl Village {
    fn new() -> Village {
        let shm = std::path::Path::new("/dev/shm");
        let dir = if shm.is_dir() { tempfile::tempdir_in(shm) } else { tempfile::tempdir() }.expect("a dir");
        let place = DemoVillage::bazhou();
        let mut stores: Vec<Store> = (0..3)
            .map(|i| {
                Store::init(
                    dir.path().join(format!("{i}.sqlite")),
                    place.unit.clone(),
                    "斑竹村",
                    "sichuan",
                    now(),
                )
                .expect("a store")
            })
            .collect();
        // Devices 1 and 2 are the village's other office desks: they hold the keys device 0 issued.
        for i in 1..3 {
            let bundle = stores[0]
                .issue_key_bundle(
                    shouwang_core::role::Role::Committee,
                    None,
                    None,
                    &format!("desk {i}"),
                    now(),
                )
                .expect("a bundle");
            stores[i].import_key_bundle(&bundle.to_text(), now()).expect("keys imported");
        }
        let helper =
            stores[0].add_helper(shouwang_core::helper::Helper::named("陈桂兰"), now()).expect("a helper");
        let mut village = Village {
            _dir: dir,
            stores: Vec::new(),
            cursors: vec![0; 3],
            pool: with_namesakes(demo_village(&place, 4, 11)),
            helper,
            log: Log::default(),
            visits: 0,
        };
        village.stores.append(&mut stores);
        for d in 0..3 {
            village.sync(d);
        }
        village
    }

    fn id(&self, elder: usize) -> Option<ElderId> {
        // (The pool's first two elders are namesakes: see `with_namesakes`.)
        let number = self.pool[elder].id_number.clone()?;
        self.stores[0].elder_id_for(&number).ok()
    }

    fn sync(&mut self, d: usize) {
        self.stores[d].prepare_outbox(now()).expect("elders' keys made");
        let outbox = self.stores[d].outbox_batch(0, 10_000, usize::MAX).expect("the outbox");
        let mut kept = Vec::new();
        for c in outbox {
            // The relay keeps each change once per document: the same bytes in two documents are two.
            if self.log.hashes.insert((c.doc.to_string(), c.hash.clone())) {
                self.log.changes.push((
                    d,
                    IncomingChange {
                        doc: c.doc.clone(),
                        bytes: c.bytes,
                        by: shouwang_core::role::Role::Committee,
                    },
                ));
            }
            kept.push((c.doc, c.hash));
        }
        self.stores[d].acknowledge(&kept).expect("acknowledged");
        let page: Vec<IncomingChange> = self.log.changes[self.cursors[d]..]
            .iter()
            .filter(|(pusher, _)| *pusher != d)
            .map(|(_, c)| c.clone())
            .collect();
        let next = self.log.changes.len();
        let applied = self.stores[d].apply_remote(&page, next as u64, now()).expect("applied");
        assert_eq!(applied.quarantined, 0, "a change of a real device was quarantined");
        self.cursors[d] = next;
    }

    fn run(&mut self, op: &Op) {
        // Refusals (an elder this device does not have yet, an ID number registered) write nothing and
        // are part of the story: they are ignored here.
        match *op {
            Op::Add { device, elder } => {
                let _ = self.stores[device].add_elder(self.pool[elder].clone(), now());
            }
            Op::Needs { device, elder, text } => {
                let Some(id) = self.id(elder) else { return };
                let _ = self.stores[device].update_elder(&id, now(), |e| {
                    e.needs = format!("需要{text}");
                    Ok(())
                });
            }
            Op::Category { device, elder, on } => {
                let Some(id) = self.id(elder) else { return };
                let _ = self.stores[device].update_elder(&id, now(), |e| {
                    let c = shouwang_core::elder::Category::LivingAlone;
                    e.categories.remove(&c);
                    if on {
                        e.categories.insert(c);
                    }
                    Ok(())
                });
            }
            Op::Visit { device, elder } => {
                let Some(id) = self.id(elder) else { return };
                self.visits += 1;
                let visit = Visit {
                    id: String::new(),
                    elder: id,
                    helper: self.helper.to_string(),
                    mode: Mode::Phone,
                    at: now() - Duration::minutes(i64::from(self.visits)),
                    duration_minutes: 10,
                    checks: Checks::all_fine(),
                    services: vec![Service::Patrol],
                    follow_up: String::new(),
                    position: None,
                    amends: None,
                    home_distance_m: None,
                    recorded_at: None,
                };
                let _ = self.stores[device].log_visit(visit, now());
            }
            Op::Sync { device } => self.sync(device),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn any_interleaving_of_edits_and_syncs_among_three_devices_ends_in_equal_states(
        ops in proptest::collection::vec(op(), 1..40)
    ) {
        let mut village = Village::new();
        for op in &ops {
            village.run(op);
        }
        // Each device pushes, then each pulls what the others pushed.
        for d in 0..3 {
            village.sync(d);
        }
        for d in 0..3 {
            village.sync(d);
        }
        let first = village.stores[0].projection_dump().expect("the projection");
        for d in 1..3 {
            prop_assert_eq!(&village.stores[d].projection_dump().expect("the projection"), &first, "device {}", d);
        }
        for elder in 0..4 {
            let Some(id) = village.id(elder) else { continue };
            let records: Vec<Option<serde_json::Value>> = village
                .stores
                .iter()
                .map(|s| s.elder(&id).ok().map(|e| serde_json::to_value(e).expect("json")))
                .collect();
            prop_assert!(records.windows(2).all(|w| w[0] == w[1]), "elder {} differs: {:?}", elder, records);
        }
        for s in &village.stores {
            prop_assert_eq!(s.outbox_len().expect("outbox"), 0);
        }
    }
}

/// The pool with a namesake: the first elder of the first's sex after it takes their name, address and
/// phone, so the two cards a device registers at one instant are the same change in two documents.
fn with_namesakes(mut pool: Vec<shouwang_core::elder::Elder>) -> Vec<shouwang_core::elder::Elder> {
    if let Some(j) = (1..pool.len()).find(|&j| pool[j].sex == pool[0].sex) {
        let first = pool[0].clone();
        pool[j].name = first.name;
        pool[j].address = first.address;
        pool[j].phone = first.phone;
        pool.swap(1, j);
    }
    pool
}
