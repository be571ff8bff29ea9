//! The county model and its year: villages with a committee device and helpers' tablets, the elders
//! and helpers the committee files, the daily work of each (visits, cases and their stages, risk
//! assessments, care agreements, record edits), the daily syncs, and the faults of the
//! [`Schedule`] injected as their day comes.

use crate::check;
use crate::device::{Device, Kind, Role};
use crate::faults::{Fault, Schedule};
use crate::relay::RelayProcess;
use crate::{Config, Report, SimError};
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use shouwang_core::agreement::{sample, Kind as AgreementKind};
use shouwang_core::case::{Closing, Opening, Outcome, Stage, StageEntry};
use shouwang_core::demo::{demo_village, DemoVillage, Rng};
use shouwang_core::elder::ElderId;
use shouwang_core::helper::{Helper, HelperId};
use shouwang_core::store::{CaseFilter, Error as StoreError};
use shouwang_core::visit::{Check, Checks, Mode, Service, Visit};
use std::collections::BTreeSet;

/// One village: a relay space and its committee's device.
#[derive(Debug)]
pub struct Village {
    /// The 12-digit code (a relay space).
    pub code: String,
    /// Its name.
    pub name: String,
    /// The committee's device (index in [`County::devices`]).
    pub committee: usize,
    /// Its elders.
    pub elders: Vec<ElderId>,
    /// Two namesakes (same name, sex, address and phone, registered in one batch, served by one helper
    /// who visits them in the same minute): their cards' changes are byte for byte the same, each in
    /// its own document, and both must reach every device.
    pub namesakes: Option<(ElderId, ElderId)>,
    /// Records of the village whose changes the relay acknowledged.
    pub acknowledged: BTreeSet<(Kind, String)>,
}

/// One helper: a person with elders, and the tablet they carry.
#[derive(Debug)]
pub struct Seat {
    /// The village (index).
    pub village: usize,
    /// The helper's id in the registry.
    pub id: HelperId,
    /// Their name.
    pub name: String,
    /// Their tablet (index in [`County::devices`]); `None` between a loss and the new tablet.
    pub tablet: Option<usize>,
    /// How many tablets they have had.
    pub tablets: u32,
    /// The elders assigned to them.
    pub elders: Vec<ElderId>,
}

/// The whole county during its year.
pub struct County {
    config: Config,
    rng: Rng,
    runtime: tokio::runtime::Runtime,
    dir: tempfile::TempDir,
    relay: RelayProcess,
    relay_down_until: Option<u32>,
    /// Every device; a lost tablet leaves `None` until its replacement takes the slot.
    pub devices: Vec<Option<Device>>,
    /// The villages.
    pub villages: Vec<Village>,
    /// The helpers.
    pub seats: Vec<Seat>,
    /// The counts so far.
    pub report: Report,
}

impl std::fmt::Debug for County {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("County").field("config", &self.config).field("dir", &self.dir.path()).finish()
    }
}

/// Runs the simulation of `config` and returns its report; `log` receives a line at each stage.
pub fn run(config: &Config, log: &mut dyn FnMut(&str)) -> Result<Report, SimError> {
    let started = std::time::Instant::now();
    let mut county = County::set_up(config, log)?;
    let mut rng = Rng::new(config.seed ^ 0xfa17);
    let devices = county.devices.len();
    let schedule = Schedule::draw(&mut rng, devices, county.seats.len(), config.days);
    let mut checkpoints: BTreeSet<u32> = BTreeSet::new();
    while checkpoints.len() < config.checkpoints.min(config.days.saturating_sub(2) as usize) {
        checkpoints.insert(rng.range(1, i64::from(config.days) - 1) as u32);
    }
    for day in 0..config.days {
        county.day(day, &schedule)?;
        if checkpoints.contains(&day) {
            county.checkpoint(day, false)?;
            log(&format!(
                "day {day}: checkpoint {} passed={}",
                county.report.checkpoints,
                county.report.passed()
            ));
        } else if day % 30 == 0 {
            log(&format!("day {day}: {} records", county.report.records_created.values().sum::<u64>()));
        }
    }
    county.checkpoint(config.days, true)?;
    log(&format!("end: checkpoint {} passed={}", county.report.checkpoints, county.report.passed()));
    county.report.seconds = started.elapsed().as_secs_f64();
    Ok(county.report)
}

/// 09:00 China time on the `day`-th day after `start`.
fn morning(start: NaiveDate, day: u32) -> DateTime<Utc> {
    let date = start + Duration::days(i64::from(day));
    Utc.from_utc_datetime(&date.and_hms_opt(1, 0, 0).expect("a time"))
}

/// Splits `total` over `parts` as evenly as possible.
fn share(total: usize, parts: usize, i: usize) -> usize {
    total / parts + usize::from(i < total % parts)
}

impl County {
    /// Starts the relay, makes every village's committee device, its elders and helpers, assigns the
    /// elders, and enrols every helper's tablet.
    pub fn set_up(config: &Config, log: &mut dyn FnMut(&str)) -> Result<County, SimError> {
        if config.villages == 0 || config.villages > 700 || config.helpers < config.villages {
            return Err(SimError::Config(format!(
                "{} villages (1 to 700) need at least one helper each ({} helpers)",
                config.villages, config.helpers
            )));
        }
        if config.days < 3 {
            return Err(SimError::Config("at least 3 days".into()));
        }
        if config.move_relay_to.is_some() && config.relay_database.is_some() {
            return Err(SimError::Config("the relay moves from SQLite: give no --relay-database".into()));
        }
        let dir = tempfile::tempdir()?;
        let relay = RelayProcess::start(&dir.path().join("relay"), config.relay_database.clone())?;
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let mut county = County {
            config: config.clone(),
            rng: Rng::new(config.seed),
            runtime,
            dir,
            relay,
            relay_down_until: None,
            devices: Vec::new(),
            villages: Vec::new(),
            seats: Vec::new(),
            report: Report { seed: config.seed, ..Report::default() },
        };
        for (k, v) in [
            ("villages", config.villages as u64),
            ("helpers", config.helpers as u64),
            ("elders", config.elders as u64),
            ("days", u64::from(config.days)),
        ] {
            county.report.size.insert(k.into(), v);
        }
        let now = morning(config.start, 0);
        for v in 0..config.villages {
            county.set_up_village(v, now)?;
            log(&format!(
                "village {} set up: {} elders",
                county.villages[v].name,
                county.villages[v].elders.len()
            ));
        }
        Ok(county)
    }

    fn set_up_village(&mut self, v: usize, now: DateTime<Utc>) -> Result<(), SimError> {
        let code = format!("511902106{:03}", 201 + v);
        let name = format!("梁永镇{}村", v + 1);
        let relay_code = self.relay.enroll("committee", &code, None)?;
        let committee = Device::enrolled(
            &self.runtime,
            self.dir.path(),
            format!("v{:02} committee", v + 1),
            Role::Committee,
            v,
            None,
            &code,
            &name,
            &self.relay.url(),
            &relay_code,
            None,
            now,
        )?;
        let committee_index = self.devices.len();
        self.devices.push(Some(committee));
        self.villages.push(Village {
            code: code.clone(),
            name: name.clone(),
            committee: committee_index,
            elders: Vec::new(),
            namesakes: None,
            acknowledged: BTreeSet::new(),
        });
        let bazhou = DemoVillage::bazhou();
        let place = DemoVillage {
            unit: code.parse().map_err(|e| SimError::Config(format!("village code {code}: {e}")))?,
            name: name.clone(),
            centre: shouwang_core::elder::Position {
                lat: bazhou.centre.lat + 0.03 * (v / 5) as f64,
                lon: bazhou.centre.lon + 0.03 * (v % 5) as f64,
            },
            today: self.config.start,
        };
        let mut people = demo_village(
            &place,
            share(self.config.elders, self.config.villages, v),
            self.config.seed ^ (v as u64 + 1),
        );
        let helpers = share(self.config.helpers, self.config.villages, v);
        // A namesake of the first elder, placed where the round-robin assignment below gives them the
        // same helper.
        let step = helpers.max(1);
        let twin = (1..people.len()).filter(|j| j % step == 0).find(|&j| people[j].sex == people[0].sex);
        if let Some(j) = twin {
            let (name, address, phone) =
                (people[0].name.clone(), people[0].address.clone(), people[0].phone.clone());
            people[j].name = name;
            people[j].address = address;
            people[j].phone = phone;
        }
        // Registered as a ledger import registers them: one batch, one instant.
        let saved =
            self.write(committee_index, |store| store.import_elders(people, now))?.unwrap_or_default();
        let desk = self.devices[committee_index].as_ref().expect("the committee's device");
        let shared: i64 = desk
            .reader()?
            .query_row(
                "SELECT count(*) FROM outbox a JOIN outbox b ON a.hash = b.hash AND a.doc_id < b.doc_id",
                [],
                |r| r.get(0),
            )
            .map_err(|source| SimError::Read { device: desk.name.clone(), source })?;
        self.report.same_change_in_two_documents += shared as u64;
        for saved in saved {
            self.created(committee_index, Kind::Elder, saved.id.to_string());
            self.villages[v].elders.push(saved.id);
        }
        if let Some(j) = twin.filter(|&j| j < self.villages[v].elders.len()) {
            self.villages[v].namesakes =
                Some((self.villages[v].elders[0].clone(), self.villages[v].elders[j].clone()));
        }
        let first_seat = self.seats.len();
        for h in 0..helpers {
            let mut helper = Helper::named(&format!("{name}互助员{}", h + 1));
            helper.phone = Some(format!("139{:08}", self.rng.range(0, 99_999_999)));
            if let Some(id) = self.write(committee_index, |store| store.add_helper(helper, now))? {
                self.created(committee_index, Kind::Helper, id.to_string());
                self.seats.push(Seat {
                    village: v,
                    id,
                    name: format!("{name}互助员{}", h + 1),
                    tablet: None,
                    tablets: 0,
                    elders: Vec::new(),
                });
            }
        }
        let seats = first_seat..self.seats.len();
        if seats.is_empty() {
            return Err(SimError::Config(format!("{name} has no helper")));
        }
        for (i, elder) in self.villages[v].elders.clone().into_iter().enumerate() {
            let seat = first_seat + i % seats.len();
            let helper = self.seats[seat].id.clone();
            if self
                .write(committee_index, |store| store.assign(&elder, &helper, "村委会分配", now))?
                .is_some()
            {
                self.seats[seat].elders.push(elder);
            }
        }
        self.sync(committee_index, now, None)?;
        for seat in seats {
            self.new_tablet(seat, now)?;
        }
        Ok(())
    }

    /// Enrols a new tablet for the helper of `seat` (in the slot of the lost one, if any) and syncs it.
    fn new_tablet(&mut self, seat: usize, now: DateTime<Utc>) -> Result<(), SimError> {
        let village = self.seats[seat].village;
        let code = self.villages[village].code.clone();
        let helper = self.seats[seat].id.to_string();
        let relay_code = self.relay.enroll("helper", &code, Some(&helper))?;
        // The tablet's keys come from the village's committee store, as by QR code.
        let committee = self.villages[village].committee;
        let keys = match self.devices[committee].as_mut() {
            Some(desk) => Some(
                desk.store
                    .issue_key_bundle(shouwang_core::role::Role::Helper, None, None, "tablet", now)
                    .map_err(|source| SimError::Store {
                        device: desk.name.clone(),
                        source: Box::new(source),
                    })?
                    .to_text(),
            ),
            None => None,
        };
        self.seats[seat].tablets += 1;
        let device = Device::enrolled(
            &self.runtime,
            self.dir.path(),
            format!("v{:02} helper{} tablet{}", village + 1, seat + 1, self.seats[seat].tablets),
            Role::Helper,
            village,
            Some(seat),
            &code,
            &self.villages[village].name,
            &self.relay.url(),
            &relay_code,
            keys.as_deref(),
            now,
        )?;
        let index = match self.seats[seat].tablet {
            Some(index) => index,
            None => {
                self.devices.push(None);
                self.devices.len() - 1
            }
        };
        self.devices[index] = Some(device);
        self.seats[seat].tablet = Some(index);
        self.sync(index, now, None)?;
        Ok(())
    }

    /// Runs a write on device `index`'s store at its clock; a refusal is counted and gives `None`.
    fn write<T>(
        &mut self,
        index: usize,
        op: impl FnOnce(&mut shouwang_core::store::Store) -> Result<T, StoreError>,
    ) -> Result<Option<T>, SimError> {
        let device = self.devices[index].as_mut().expect("a device in this slot");
        match op(&mut device.store) {
            Ok(t) => Ok(Some(t)),
            Err(StoreError::Invalid(violations)) => {
                let key = violations
                    .first()
                    .map_or("invalid".to_string(), |v| format!("{}: {}", v.field, v.rule.code()));
                Report::bump(&mut self.report.writes_refused, &key);
                Ok(None)
            }
            Err(e @ (StoreError::Field { .. } | StoreError::NotFound(_))) => {
                let key = match e {
                    StoreError::NotFound(_) => "not yet on this device".to_string(),
                    StoreError::Field { field, .. } => field,
                    _ => unreachable!("matched above"),
                };
                Report::bump(&mut self.report.writes_refused, &key);
                Ok(None)
            }
            Err(source) => Err(SimError::Store { device: device.name.clone(), source: Box::new(source) }),
        }
    }

    /// Notes a record made on device `index`.
    fn created(&mut self, index: usize, kind: Kind, id: String) {
        Report::bump(&mut self.report.records_created, kind.name());
        self.devices[index].as_mut().expect("a device").pending.push((kind, id));
    }

    /// One sync of device `index` at true time `now`; `kill_after_ms` kills the relay that many
    /// milliseconds into it. Returns whether it completed.
    fn sync(
        &mut self,
        index: usize,
        now: DateTime<Utc>,
        kill_after_ms: Option<u64>,
    ) -> Result<bool, SimError> {
        let killer = kill_after_ms.map(|ms| {
            let killer = self.relay.killer();
            std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_millis(ms));
                killer.kill();
            })
        });
        let device = self.devices[index].as_mut().expect("a device in this slot");
        let clock = device.clock(now);
        self.report.syncs += 1;
        let outcome = self.runtime.block_on(shouwang_sync::sync(&mut device.store, &mut |_| {}, clock));
        if let Some(killer) = killer {
            let _ = killer.join();
        }
        match outcome {
            Ok(r) => {
                self.report.changes_acknowledged += r.acknowledged as u64;
                self.report.changes_applied += r.received.applied as u64;
                let left = device.store.outbox_len().map_err(|source| SimError::Store {
                    device: device.name.clone(),
                    source: Box::new(source),
                })?;
                if left == 0 {
                    let village = device.village;
                    let done = std::mem::take(&mut device.pending);
                    self.report.records_acknowledged += done.len() as u64;
                    self.villages[village].acknowledged.extend(done);
                }
                Ok(check::is_quiet(&r))
            }
            Err(_) => {
                self.report.syncs_failed += 1;
                Ok(false)
            }
        }
    }

    /// One day: the faults of the day, everyone's work, and the syncs of the devices online.
    fn day(&mut self, day: u32, schedule: &Schedule) -> Result<(), SimError> {
        let morning = morning(self.config.start, day);
        if let Some(url) = self.config.move_relay_to.clone().filter(|_| day == self.config.days / 2) {
            // Mid-year the operator moves the relay to PostgreSQL: stopped, exported, imported, served
            // again on the same address (and so back up if it was down).
            let moved = self.relay.move_to(&url)?;
            self.relay_down_until = None;
            Report::bump(&mut self.report.faults, "relay_moved");
            self.report.changes_moved += moved;
        }
        if self.relay_down_until.is_some_and(|until| day >= until) {
            self.relay.ensure_running()?;
            self.relay_down_until = None;
        }
        let mut kill_at: Option<(usize, u32)> = None;
        let mut kill_mid: Option<(usize, u64)> = None;
        let n = self.devices.len();
        for fault in schedule.on(day) {
            Report::bump(&mut self.report.faults, fault.kind());
            match *fault {
                Fault::Offline { device, days } => {
                    if let Some(d) = self.devices.get_mut(device).and_then(Option::as_mut) {
                        d.offline_until = Some(day + days);
                    }
                }
                Fault::ClockSkew { device, minutes } => {
                    if let Some(d) = self.devices.get_mut(device).and_then(Option::as_mut) {
                        d.skew_minutes = minutes;
                    }
                }
                Fault::TabletLost { helper } => self.lose_tablet(helper),
                Fault::RelayKilled { days } => kill_at = Some((self.rng.range(0, n as i64) as usize, days)),
                Fault::RelayKilledMidSync { after_ms } => {
                    kill_mid = Some((self.rng.range(0, n as i64) as usize, after_ms));
                }
            }
        }
        if self.relay.is_running() {
            for seat in 0..self.seats.len() {
                if self.seats[seat].tablet.is_none_or(|i| self.devices[i].is_none()) {
                    self.new_tablet(seat, morning)?;
                }
            }
        }
        for seat in 0..self.seats.len() {
            self.helper_work(seat, day, morning)?;
        }
        for v in 0..self.villages.len() {
            self.committee_work(v, day, morning)?;
        }
        let offset = (day as usize * 7) % n.max(1);
        let mut restart_tonight = false;
        for k in 0..n {
            let index = (k + offset) % n;
            if let Some((at, days)) = kill_at {
                if at == index && self.relay.is_running() {
                    // Killed between two syncs; back on the morning `days` later, or tonight.
                    self.relay.kill();
                    self.relay_down_until = Some(day + days.max(1));
                    restart_tonight = days == 0;
                }
            }
            let Some(device) = self.devices[index].as_ref() else { continue };
            if !device.online(day) || !self.rng.chance(0.85) {
                continue;
            }
            let when = morning + Duration::minutes(8 * 60 + self.rng.range(0, 120));
            let mid = kill_mid.filter(|(at, _)| *at <= index && self.relay.is_running()).map(|(_, ms)| ms);
            self.sync(index, when, mid)?;
            if mid.is_some() {
                // Killed in the middle of a sync; started again at once.
                kill_mid = None;
                self.relay.ensure_running()?;
            }
        }
        if restart_tonight {
            self.relay.ensure_running()?;
            self.relay_down_until = None;
        }
        Ok(())
    }

    /// A helper's tablet is lost: what it had not synced is gone; the helper gets a new tablet on the
    /// next day the relay answers.
    fn lose_tablet(&mut self, seat: usize) {
        let Some(index) = self.seats.get(seat).and_then(|s| s.tablet) else { return };
        if let Some(device) = self.devices[index].take() {
            self.report.unsynced_on_lost_tablets += device.pending.len() as u64;
            let path = device.path().to_path_buf();
            drop(device);
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
        }
    }

    /// The helper's visits of the day: each of their elders about once a month, a few with a concern
    /// that opens a case.
    fn helper_work(&mut self, seat: usize, day: u32, morning: DateTime<Utc>) -> Result<(), SimError> {
        let Some(index) = self.seats[seat].tablet else { return Ok(()) };
        if self.devices[index].is_none() {
            return Ok(());
        }
        let due: Vec<ElderId> = self.seats[seat]
            .elders
            .iter()
            .enumerate()
            .filter(|(i, _)| (i + seat * 7) % 30 == day as usize % 30)
            .map(|(_, e)| e.clone())
            .collect();
        let helper = self.seats[seat].id.to_string();
        let name = self.seats[seat].name.clone();
        for (k, elder) in due.into_iter().enumerate() {
            let clock = self.devices[index].as_ref().expect("a tablet").clock(morning);
            let at = clock + Duration::minutes(30 + 40 * k as i64);
            let now = at + Duration::minutes(35);
            let concern = self.rng.chance(0.03);
            let mut checks = Checks::all_fine();
            if concern {
                checks.medical = Check::concern("腿脚肿痛，需要复诊");
            }
            let visit = Visit {
                id: String::new(),
                elder: elder.clone(),
                helper: helper.clone(),
                mode: if self.rng.chance(0.1) { Mode::Phone } else { Mode::Door },
                at,
                duration_minutes: 30,
                checks,
                services: vec![Service::Patrol],
                follow_up: String::new(),
                position: None,
                amends: None,
                home_distance_m: None,
                recorded_at: None,
            };
            let namesake = self.villages[self.seats[seat].village]
                .namesakes
                .as_ref()
                .filter(|(first, twin)| *first == elder && self.seats[seat].elders.contains(twin))
                .map(|(_, twin)| twin.clone());
            let twin_visit = namesake.map(|twin| Visit { elder: twin, ..visit.clone() });
            let Some(saved) = self.write(index, |store| store.log_visit(visit, now))? else { continue };
            self.created(index, Kind::Visit, saved.id.clone());
            // The namesake visited in the same minute, the same checks: the same card change, twice.
            if let Some(twin) = twin_visit {
                if let Some(again) = self.write(index, |store| store.log_visit(twin, now))? {
                    self.created(index, Kind::Visit, again.id);
                }
            }
            if concern {
                let opening = Opening {
                    at: now,
                    by: name.clone(),
                    summary: "探访发现腿脚肿痛".into(),
                    visit: Some(saved.id),
                    emergency: None,
                };
                if let Some(case) = self.write(index, |store| store.open_case(&elder, opening, now))? {
                    self.created(index, Kind::Case, case.case);
                }
            }
        }
        Ok(())
    }

    /// The committee's day: advance the open cases it knows, assess elders (each once a year), file
    /// agreements (one elder in twenty) and edit a record.
    fn committee_work(&mut self, v: usize, day: u32, morning: DateTime<Utc>) -> Result<(), SimError> {
        let index = self.villages[v].committee;
        let now = self.devices[index].as_ref().expect("the committee").clock(morning) + Duration::hours(7);
        let today = shouwang_core::time::local_date(now);
        let open = {
            let store = &self.devices[index].as_ref().expect("the committee").store;
            store.cases(&CaseFilter { open: true, ..CaseFilter::default() }, now).map_err(|source| {
                SimError::Store { device: format!("village {v} committee"), source: Box::new(source) }
            })?
        };
        for row in open {
            let Some(stage) = Stage::parse(&row.stage) else { continue };
            let Ok(since) = DateTime::parse_from_rfc3339(&row.stage_at) else { continue };
            if now - since.to_utc() < Duration::hours(20) {
                continue;
            }
            match stage.next() {
                Some(next) => {
                    let entry = StageEntry {
                        id: String::new(),
                        stage: next,
                        at: now,
                        by: "村委会 李主任".into(),
                        note: String::new(),
                        skip_reason: String::new(),
                        recorded_at: None,
                    };
                    if let Some(saved) = self.write(index, |store| store.advance_case(&row.id, entry, now))? {
                        if let Some(entry) = saved.entry {
                            self.created(index, Kind::Stage, entry);
                        }
                    }
                }
                None => {
                    let closing = Closing {
                        at: now,
                        by: "村委会 李主任".into(),
                        outcome: Outcome::Resolved,
                        note: String::new(),
                    };
                    self.write(index, |store| store.close_case(&row.id, closing, now))?;
                }
            }
        }
        let elders = self.villages[v].elders.clone();
        let n = elders.len().max(1);
        let year_days = 365usize;
        for (i, elder) in elders.iter().enumerate() {
            if (i * year_days / n) % year_days != day as usize % year_days {
                continue;
            }
            if let Some(entry) =
                self.write(index, |store| store.assess_risk(elder, "村委会 李主任", None, today, now))?
            {
                self.created(index, Kind::Assessment, entry.id);
            }
            if i % 20 == 0 {
                let mut a =
                    sample(if i % 40 == 0 { AgreementKind::Assisted } else { AgreementKind::SelfCare });
                a.id = String::new();
                a.elder.elder = Some(elder.clone());
                a.start = today;
                a.end = today.with_year(today.year() + 1).unwrap_or(today + Duration::days(365))
                    - Duration::days(1);
                a.signed_on = Some(today);
                if let Some(saved) = self.write(index, |store| store.add_agreement(a, now))? {
                    self.created(index, Kind::Agreement, saved.id);
                }
            }
            if i % 3 == 0 {
                let needs = format!("第{}天回访：需要代购药品", day + 1);
                if self
                    .write(index, |store| {
                        store.update_elder(elder, now, |e| {
                            e.needs = needs;
                            Ok(())
                        })
                    })?
                    .is_some()
                {
                    Report::bump(&mut self.report.records_created, "edit");
                }
            }
        }
        Ok(())
    }

    /// A checkpoint: the relay up, the devices online (every device at the end) synced until quiet, then
    /// every invariant of [`check`] over them.
    pub fn checkpoint(&mut self, day: u32, end: bool) -> Result<(), SimError> {
        self.relay.ensure_running()?;
        self.relay_down_until = None;
        let now = morning(self.config.start, day) + Duration::hours(10);
        if end {
            for device in self.devices.iter_mut().flatten() {
                device.offline_until = None;
            }
            for seat in 0..self.seats.len() {
                if self.seats[seat].tablet.is_none_or(|i| self.devices[i].is_none()) {
                    self.new_tablet(seat, now)?;
                }
            }
        }
        let online: Vec<usize> = (0..self.devices.len())
            .filter(|i| self.devices[*i].as_ref().is_some_and(|d| d.online(day)))
            .collect();
        let mut quiet = false;
        for _ in 0..20 {
            quiet = true;
            for &i in &online {
                quiet &= self.sync(i, now, None)?;
            }
            if quiet {
                break;
            }
        }
        if !quiet {
            self.report.violation(format!("day {day}: the devices did not become quiet in 20 rounds"));
        }
        self.report.checkpoints += 1;
        let today = shouwang_core::time::local_date(now);
        for v in 0..self.villages.len() {
            let devices: Vec<&Device> =
                online.iter().filter_map(|i| self.devices[*i].as_ref()).filter(|d| d.village == v).collect();
            let found = check::village(&self.villages[v], &devices, today)?;
            self.report.records_lost += found.lost;
            self.report.duplicates += found.duplicates;
            for what in found.violations {
                self.report.violation(format!("day {day}, {}: {what}", self.villages[v].name));
            }
        }
        Ok(())
    }
}
