//! [`Report`]: what a simulated year did and whether anything was lost.

use serde::Serialize;
use std::collections::BTreeMap;

/// The counts of one run. `records_lost` and `duplicates` are the figures that must be 0, and
/// `violations` empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    /// The seed.
    pub seed: u64,
    /// Villages, helpers, elders, days.
    pub size: BTreeMap<String, u64>,
    /// Records created, by kind (elder, helper, visit, case, stage, assessment, agreement, edit).
    pub records_created: BTreeMap<String, u64>,
    /// Records whose changes the relay acknowledged (checked on every device in scope).
    pub records_acknowledged: u64,
    /// Writes a device's store refused (by rule), e.g. a stage dated before the case's current stage
    /// by a clock that runs late; nothing was written.
    pub writes_refused: BTreeMap<String, u64>,
    /// Syncs attempted.
    pub syncs: u64,
    /// Syncs that failed (relay down, killed mid-sync); the device tried again later.
    pub syncs_failed: u64,
    /// Changes devices sent and the relay acknowledged.
    pub changes_acknowledged: u64,
    /// Changes devices received and applied.
    pub changes_applied: u64,
    /// Faults injected, by kind (`relay_moved`: the relay moved to PostgreSQL by export and import).
    pub faults: BTreeMap<String, u64>,
    /// Changes the relay held when it was moved to PostgreSQL mid-year (0 if it was not moved).
    pub changes_moved: u64,
    /// Records made on a tablet that was lost before they were acknowledged: gone by definition.
    pub unsynced_on_lost_tablets: u64,
    /// Changes byte for byte the same queued for two documents on one device (the namesakes' cards
    /// registered in one batch, and visited in one minute): each must reach every device.
    pub same_change_in_two_documents: u64,
    /// Checkpoints passed (the end included).
    pub checkpoints: u64,
    /// Acknowledged records missing from a device in their scope, summed over checkpoints.
    pub records_lost: u64,
    /// Records present twice on a device (same content under two ids, or one ID number twice).
    pub duplicates: u64,
    /// Every broken invariant, described (first 50).
    pub violations: Vec<String>,
    /// Wall-clock seconds the run took.
    pub seconds: f64,
}

impl Report {
    /// Whether every invariant held.
    pub fn passed(&self) -> bool {
        self.records_lost == 0 && self.duplicates == 0 && self.violations.is_empty()
    }

    /// Adds one to a counter of a map.
    pub(crate) fn bump(map: &mut BTreeMap<String, u64>, key: &str) {
        *map.entry(key.to_string()).or_default() += 1;
    }

    /// Records a broken invariant.
    pub(crate) fn violation(&mut self, what: String) {
        if self.violations.len() < 50 {
            self.violations.push(what);
        }
    }

    /// The report for people, one figure a line.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let line = |out: &mut String, k: &str, v: String| out.push_str(&format!("{k:<28} {v}\n"));
        let map = |m: &BTreeMap<String, u64>| {
            m.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ")
        };
        line(&mut out, "seed", self.seed.to_string());
        line(&mut out, "size", map(&self.size));
        let created: u64 = self.records_created.values().sum();
        line(&mut out, "records created", format!("{created} ({})", map(&self.records_created)));
        line(&mut out, "records acknowledged", self.records_acknowledged.to_string());
        line(
            &mut out,
            "writes refused",
            format!("{} ({})", self.writes_refused.values().sum::<u64>(), map(&self.writes_refused)),
        );
        line(&mut out, "syncs", format!("{} ({} failed)", self.syncs, self.syncs_failed));
        line(
            &mut out,
            "changes",
            format!("{} acknowledged, {} applied", self.changes_acknowledged, self.changes_applied),
        );
        line(
            &mut out,
            "faults injected",
            format!("{} ({})", self.faults.values().sum::<u64>(), map(&self.faults)),
        );
        if self.changes_moved > 0 {
            line(&mut out, "relay moved to PostgreSQL", format!("{} changes moved", self.changes_moved));
        }
        line(&mut out, "unsynced on lost tablets", self.unsynced_on_lost_tablets.to_string());
        line(&mut out, "same change in two documents", self.same_change_in_two_documents.to_string());
        line(&mut out, "checkpoints", self.checkpoints.to_string());
        line(&mut out, "records lost", self.records_lost.to_string());
        line(&mut out, "duplicates", self.duplicates.to_string());
        line(&mut out, "violations", self.violations.len().to_string());
        for v in &self.violations {
            out.push_str(&format!("  ✗ {v}\n"));
        }
        line(&mut out, "seconds", format!("{:.1}", self.seconds));
        out
    }
}
