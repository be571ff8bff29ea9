//! [`Device`]: one tablet or office computer of the county — a real store file, enrolled with the relay
//! and synced by the real engine — with its own clock (true time plus a skew), its offline spells and
//! the records it made that the relay has not yet acknowledged.

use crate::SimError;
use chrono::{DateTime, Duration, Utc};
use shouwang_core::store::Store;
use std::path::{Path, PathBuf};

/// Who the device belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The village committee's device: reads and writes every kind.
    Committee,
    /// A helper's tablet: no sensitive, risk or agreement documents.
    Helper,
}

impl Role {
    /// The relay's role code.
    pub fn code(self) -> &'static str {
        match self {
            Role::Committee => "committee",
            Role::Helper => "helper",
        }
    }
}

/// What a record is, for the checks: its kind decides which roles hold it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// An elder's registration (the `elders` projection).
    Elder,
    /// A helper filed with the township.
    Helper,
    /// A visit.
    Visit,
    /// A case.
    Case,
    /// A stage entry of a case.
    Stage,
    /// A risk assessment (committee only).
    Assessment,
    /// A care agreement (committee only).
    Agreement,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 7] =
        [Kind::Elder, Kind::Helper, Kind::Visit, Kind::Case, Kind::Stage, Kind::Assessment, Kind::Agreement];

    /// The report's name.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Elder => "elder",
            Kind::Helper => "helper",
            Kind::Visit => "visit",
            Kind::Case => "case",
            Kind::Stage => "stage",
            Kind::Assessment => "assessment",
            Kind::Agreement => "agreement",
        }
    }

    /// The projection table and its id column.
    pub fn table(self) -> (&'static str, &'static str) {
        match self {
            Kind::Elder => ("elders", "elder_id"),
            Kind::Helper => ("helpers", "helper_id"),
            Kind::Visit => ("visits", "visit_id"),
            Kind::Case => ("cases", "case_id"),
            Kind::Stage => ("case_stages", "entry_id"),
            Kind::Assessment => ("risk_assessments", "assessment_id"),
            Kind::Agreement => ("agreements", "agreement_id"),
        }
    }

    /// Whether a device of `role` holds records of this kind.
    pub fn readable_by(self, role: Role) -> bool {
        role == Role::Committee || !matches!(self, Kind::Assessment | Kind::Agreement)
    }
}

/// One device.
#[derive(Debug)]
pub struct Device {
    /// A name for messages (`村01 committee`, `村01 helper 3 tablet 2`).
    pub name: String,
    /// Committee or helper.
    pub role: Role,
    /// The village (index).
    pub village: usize,
    /// The helper (index in the county) whose tablet this is.
    pub helper: Option<usize>,
    /// The store.
    pub store: Store,
    /// Minutes this device's clock is ahead of the true time (negative: behind).
    pub skew_minutes: i64,
    /// The first day it syncs again, when offline.
    pub offline_until: Option<u32>,
    /// Records made here whose changes the relay has not yet acknowledged.
    pub pending: Vec<(Kind, String)>,
    path: PathBuf,
}

impl Device {
    /// A new store for the village `unit` in `dir`, enrolled with the relay using `code`.
    #[allow(clippy::too_many_arguments)]
    pub fn enrolled(
        runtime: &tokio::runtime::Runtime,
        dir: &Path,
        name: String,
        role: Role,
        village: usize,
        helper: Option<usize>,
        unit: &str,
        unit_name: &str,
        relay_url: &str,
        code: &str,
        keys: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Device, SimError> {
        let path = dir.join(format!("{}.sqlite", name.replace(' ', "-")));
        let store_err = |source| SimError::Store { device: name.clone(), source: Box::new(source) };
        let unit_code = unit.parse().map_err(|e| SimError::Config(format!("village code {unit}: {e}")))?;
        let mut store = Store::init(&path, unit_code, unit_name, "sichuan", now).map_err(store_err)?;
        runtime
            .block_on(shouwang_sync::enrol_with_keys(&mut store, relay_url, code, keys, &name, now))
            .map_err(|source| SimError::Enrol { device: name.clone(), source: Box::new(source) })?;
        Ok(Device {
            name,
            role,
            village,
            helper,
            store,
            skew_minutes: 0,
            offline_until: None,
            pending: Vec::new(),
            path,
        })
    }

    /// The store file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What this device's clock reads at the true time `now`.
    pub fn clock(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now + Duration::minutes(self.skew_minutes)
    }

    /// Whether it may sync on `day`.
    pub fn online(&self, day: u32) -> bool {
        self.offline_until.is_none_or(|until| day >= until)
    }

    /// A second, read-only connection to the store file, for the checks.
    pub fn reader(&self) -> Result<rusqlite::Connection, SimError> {
        rusqlite::Connection::open_with_flags(&self.path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|source| SimError::Read { device: self.name.clone(), source })
    }
}
