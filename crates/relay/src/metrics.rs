//! [`Metrics`]: counters served at `/metrics` in the Prometheus text format. Counts only: no ids, no
//! codes, nothing personal.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// The relay's counters since it started.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Changes received in pushes.
    pub changes_received: AtomicU64,
    /// Changes that were new to the store.
    pub changes_stored: AtomicU64,
    /// Changes returned by pulls.
    pub changes_served: AtomicU64,
    /// Devices enrolled.
    pub enrolments: AtomicU64,
    /// Group-commit transactions committed (shared with the writer thread).
    pub commits: Arc<AtomicU64>,
    /// Pushes stored by them: divided by `commits`, the mean batch.
    pub pushes_committed: Arc<AtomicU64>,
    responses: Mutex<BTreeMap<u16, u64>>,
}

impl Metrics {
    /// Adds `n` to a counter.
    pub fn add(counter: &AtomicU64, n: usize) {
        counter.fetch_add(n as u64, Ordering::Relaxed);
    }

    /// Counts a response by status code.
    pub fn response(&self, status: u16) {
        *self.responses.lock().unwrap_or_else(|p| p.into_inner()).entry(status).or_default() += 1;
    }

    /// The counters in the Prometheus text format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let counters = [
            ("shouwang_relay_changes_received_total", "Changes received in pushes.", &self.changes_received),
            ("shouwang_relay_changes_stored_total", "Changes new to the store.", &self.changes_stored),
            ("shouwang_relay_changes_served_total", "Changes returned by pulls.", &self.changes_served),
            ("shouwang_relay_enrolments_total", "Enrolment codes redeemed.", &self.enrolments),
            ("shouwang_relay_commits_total", "Group-commit transactions committed.", &*self.commits),
            ("shouwang_relay_pushes_committed_total", "Pushes stored by them.", &*self.pushes_committed),
        ];
        for (name, help, value) in counters {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
            let _ = writeln!(out, "{name} {}", value.load(Ordering::Relaxed));
        }
        let name = "shouwang_relay_responses_total";
        let _ = writeln!(out, "# HELP {name} Responses by status code.\n# TYPE {name} counter");
        for (code, n) in self.responses.lock().unwrap_or_else(|p| p.into_inner()).iter() {
            let _ = writeln!(out, "{name}{{code=\"{code}\"}} {n}");
        }
        out
    }
}
