//! The fault schedule: which fault strikes on which day, drawn from the seed before the year starts,
//! so the same seed replays the same year.
//!
//! | fault | what happens |
//! |---|---|
//! | [`Fault::Offline`] | a device stops syncing for 3 to 28 days (its user keeps working) |
//! | [`Fault::ClockSkew`] | a device's clock is set wrong, by hours, days or months, early or late |
//! | [`Fault::TabletLost`] | a helper's tablet is lost; the helper is enrolled on a new one |
//! | [`Fault::RelayKilled`] | the relay gets SIGKILL between syncs and stays down 0 to 2 days |
//! | [`Fault::RelayKilledMidSync`] | the relay gets SIGKILL a few milliseconds into a device's sync |

use shouwang_core::demo::Rng;

/// One fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Device `device` (index in the county's device list) is offline for `days`.
    Offline {
        /// The device.
        device: usize,
        /// How long.
        days: u32,
    },
    /// Device `device`'s clock is off by `minutes` (negative: it runs late).
    ClockSkew {
        /// The device.
        device: usize,
        /// Minutes ahead of the true time (negative: behind).
        minutes: i64,
    },
    /// Helper `helper`'s tablet is lost.
    TabletLost {
        /// The helper (index in the county's helper list).
        helper: usize,
    },
    /// The relay is killed between syncs and stays down `days` (0: restarted the same day).
    RelayKilled {
        /// Days down.
        days: u32,
    },
    /// The relay is killed `after_ms` into a sync of a random device.
    RelayKilledMidSync {
        /// Milliseconds after the sync starts.
        after_ms: u64,
    },
}

impl Fault {
    /// The kind's name, as the report counts it.
    pub fn kind(&self) -> &'static str {
        match self {
            Fault::Offline { .. } => "device_offline",
            Fault::ClockSkew { .. } => "clock_skewed",
            Fault::TabletLost { .. } => "tablet_lost",
            Fault::RelayKilled { .. } => "relay_killed",
            Fault::RelayKilledMidSync { .. } => "relay_killed_mid_sync",
        }
    }
}

/// Faults by day.
#[derive(Debug, Clone, Default)]
pub struct Schedule {
    /// `(day, fault)` in day order.
    pub faults: Vec<(u32, Fault)>,
}

impl Schedule {
    /// Draws the year's faults for `devices` devices (helpers' tablets and committees') of which
    /// `helpers` are helpers' tablets, over `days` days. Each device goes offline about once every six
    /// weeks and has its clock set wrong about once a quarter; one tablet in twenty is lost in a year
    /// (at least one); the relay is killed about once a month between syncs and as often mid-sync.
    pub fn draw(rng: &mut Rng, devices: usize, helpers: usize, days: u32) -> Schedule {
        let mut faults = Vec::new();
        let day = |rng: &mut Rng| rng.range(1, i64::from(days.max(2)) - 1) as u32;
        for device in 0..devices {
            for _ in 0..(days / 42).max(1) {
                let days = rng.range(3, 29) as u32;
                faults.push((day(rng), Fault::Offline { device, days }));
            }
            for _ in 0..(days / 90).max(1) {
                let minutes = match rng.range(0, 3) {
                    0 => rng.range(60, 24 * 60),
                    1 => rng.range(1, 30) * 24 * 60,
                    _ => rng.range(30, 120) * 24 * 60,
                };
                let minutes = if rng.chance(0.5) { minutes } else { -minutes };
                faults.push((day(rng), Fault::ClockSkew { device, minutes }));
            }
        }
        let lost = ((helpers as u64 * u64::from(days)) / (20 * 365)).max(1);
        for _ in 0..lost {
            let helper = rng.range(0, helpers as i64) as usize;
            faults.push((day(rng), Fault::TabletLost { helper }));
        }
        for _ in 0..(days / 30).max(1) {
            let down = rng.range(0, 3) as u32;
            faults.push((day(rng), Fault::RelayKilled { days: down }));
            let after_ms = rng.range(0, 40) as u64;
            faults.push((day(rng), Fault::RelayKilledMidSync { after_ms }));
        }
        faults.sort_by_key(|(d, _)| *d);
        Schedule { faults }
    }

    /// The faults of `day`.
    pub fn on(&self, day: u32) -> impl Iterator<Item = &Fault> {
        self.faults.iter().filter(move |(d, _)| *d == day).map(|(_, f)| f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_draws_the_same_year_and_every_kind_strikes() {
        let a = Schedule::draw(&mut Rng::new(9), 4, 3, 365);
        let b = Schedule::draw(&mut Rng::new(9), 4, 3, 365);
        assert_eq!(a.faults, b.faults);
        let kinds: std::collections::BTreeSet<&str> = a.faults.iter().map(|(_, f)| f.kind()).collect();
        assert_eq!(kinds.len(), 5, "{kinds:?}");
        assert!(a.faults.windows(2).all(|w| w[0].0 <= w[1].0));
    }
}
