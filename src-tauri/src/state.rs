//! The app's managed state: the store, opened once, and the handle that wakes the sync loop. Commands
//! reach the store through [`AppState::open`].

use crate::dto::{AppRole, AppStatus, RegistryInfo, SyncView};
use crate::error::{AppError, AppResult};
use crate::lock::Lock;
use chrono::{DateTime, Utc};
use shouwang_core::store::Store;
use std::ops::{Deref, DerefMut};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::{Mutex, MutexGuard, Notify};

/// Everything the commands share. The store sits behind an async mutex: one writer at a time, and a
/// sync holds it only while it runs.
pub struct AppState {
    /// The database file (from `SHOUWANG_DB`, else the app data directory).
    pub db_path: PathBuf,
    /// The store once a registry exists on this device.
    pub store: Mutex<Option<Store>>,
    /// Wakes the sync loop (after a write, on demand).
    pub wake: Notify,
    /// A sync is running.
    pub syncing: AtomicBool,
    /// The app lock: the PIN's key file, wrong tries, the idle time.
    pub lock: Lock,
    /// Where every command's `now` comes from.
    pub clock: Clock,
}

/// The time commands pass to core: the system's, or, for recording the UI's fixtures, a fixed start
/// that moves one second per reading, so that the same calls give the same answers on any day.
pub enum Clock {
    /// The system clock.
    System,
    /// The next reading of a fixed clock.
    Fixed(std::sync::Mutex<DateTime<Utc>>),
}

impl Clock {
    /// The time now by this clock.
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Fixed(next) => {
                let mut next = next.lock().unwrap_or_else(|e| e.into_inner());
                let now = *next;
                *next = now + chrono::Duration::seconds(1);
                now
            }
        }
    }
}

impl AppState {
    /// State for the database at `db_path`. An encrypted registry (its key file beside it) starts
    /// locked: nothing is open until the PIN is given. A plaintext registry made before encryption
    /// opens at once.
    pub fn new(db_path: PathBuf) -> AppState {
        AppState::with_clock(db_path, Clock::System)
    }

    /// State for the database at `db_path` whose commands read `clock`.
    pub fn with_clock(db_path: PathBuf, clock: Clock) -> AppState {
        let lock = Lock::new(&db_path);
        let store = if db_path.exists() && !lock.encrypted() {
            Store::open(&db_path, clock.now()).ok()
        } else {
            None
        };
        AppState {
            db_path,
            store: Mutex::new(store),
            wake: Notify::new(),
            syncing: AtomicBool::new(false),
            lock,
            clock,
        }
    }

    /// The time now by this state's clock: what every command passes to core.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Today in China (the registry's calendar) by this state's clock.
    pub fn today(&self) -> chrono::NaiveDate {
        shouwang_core::time::local_date(self.now())
    }

    /// The open store, held until the guard is dropped; `not_open` while there is none (first run, or
    /// locked).
    pub async fn open(&self) -> AppResult<Open<'_>> {
        let guard = self.store.lock().await;
        if guard.is_none() {
            return Err(AppError::not_open());
        }
        Ok(Open(guard))
    }

    /// Asks the sync loop to run now.
    pub fn sync_soon(&self) {
        self.wake.notify_one();
    }

    /// Whether a sync is running.
    pub fn is_syncing(&self) -> bool {
        self.syncing.load(Ordering::SeqCst)
    }

    /// The sync indicator for `store`.
    pub fn sync_view(&self, store: &Store) -> AppResult<SyncView> {
        let state = store.sync_state()?;
        Ok(SyncView {
            enrolled: state.is_some(),
            relay: state.as_ref().map(|s| s.relay.clone()),
            pending: u32::try_from(store.outbox_len()?).unwrap_or(u32::MAX),
            last_success: state.as_ref().and_then(|s| s.last_success.clone()),
            last_attempt: state.as_ref().and_then(|s| s.last_attempt.clone()),
            last_error: state.as_ref().and_then(|s| s.last_error.clone()),
            syncing: self.is_syncing(),
            elder: state.as_ref().and_then(|s| s.elder.clone()),
        })
    }

    /// What the UI shows first.
    pub fn status(&self, store: Option<&Store>) -> AppResult<AppStatus> {
        let db_path = self.db_path.display().to_string();
        match store {
            None => Ok(AppStatus {
                db_path,
                registry: None,
                role: AppRole::Committee,
                sync: SyncView { syncing: self.is_syncing(), ..SyncView::default() },
                locked: self.lock.encrypted(),
                encrypted: self.lock.encrypted(),
            }),
            Some(store) => Ok(AppStatus {
                db_path,
                registry: Some(RegistryInfo::from(store.registry())),
                role: AppRole::from(store.viewer().role),
                sync: self.sync_view(store)?,
                locked: false,
                encrypted: self.lock.encrypted(),
            }),
        }
    }
}

/// The store while a command holds it: [`AppState::open`] made sure there is one.
pub struct Open<'a>(MutexGuard<'a, Option<Store>>);

impl Deref for Open<'_> {
    type Target = Store;

    fn deref(&self) -> &Store {
        self.0.as_ref().expect("AppState::open checked that the store is open")
    }
}

impl DerefMut for Open<'_> {
    fn deref_mut(&mut self) -> &mut Store {
        self.0.as_mut().expect("AppState::open checked that the store is open")
    }
}
