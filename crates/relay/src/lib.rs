//! The Shouwang relay: a dumb, durable store-and-forward of sealed changes, one space per village.
//!
//! Devices push opaque changes (a sealed envelope, `shouwang_protocol::envelope`, and a document
//! address; the relay computes the hash from the bytes) to their village's space and pull "everything
//! after cursor N" in bounded pages. The relay stores each change once per space with a sequence number,
//! syncs it to disk before it answers, and never holds a key: it checks an envelope's header and acts on
//! one thing in it, an elder's erasure ([`store::Store`]). What a device may read and write follows from
//! its role and scope ([`access`]); [`store::dump`] moves a relay between stores.
//!
//! - [`store`]: the [`Store`] trait, [`SqliteStore`] (`--data DIR`, one process) and [`PostgresStore`]
//!   (`--database postgres://…`, several relay processes may serve one database as stateless replicas);
//! - [`commit`]: group commit, one writer thread storing every push queued while a commit was in flight
//!   in one durable transaction;
//! - [`http`]: [`router`] and [`serve`], the `/v1` routes, `/healthz` and `/metrics`;
//! - [`enrolment`]: one-time codes, made by `shouwang-relay enroll`, redeemed for a device token;
//! - [`error`]: [`RelayError`], mapped to status codes and `{kind, field, message}` bodies.
//!
//! ```no_run
//! # async fn run() -> anyhow::Result<()> {
//! use shouwang_relay::{serve, Config, RelayState, SqliteStore};
//!
//! let store = SqliteStore::open(std::path::Path::new("relay-data"))?;
//! let state = RelayState::new(store, Config::default());
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! serve(listener, state, async { let _ = tokio::signal::ctrl_c().await; }).await?;
//! # Ok(()) }
//! ```

pub mod access;
pub mod commit;
pub mod enrolment;
pub mod error;
pub mod http;
pub mod limiter;
pub mod metrics;
pub mod secret;
pub mod store;

pub use error::RelayError;
pub use http::{router, serve};
pub use store::{PostgresStore, SqliteStore, Store};

use std::sync::Arc;
use std::time::Duration;

/// What an operator may tune.
#[derive(Debug, Clone)]
pub struct Config {
    /// Requests each device may make per minute before it gets 429.
    pub requests_per_minute: u32,
    /// How long one request may take before it gets 408.
    pub request_timeout: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config { requests_per_minute: 600, request_timeout: Duration::from_secs(30) }
    }
}

/// Everything a request handler needs, cheap to clone.
#[derive(Clone)]
pub struct RelayState {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn Store>,
    committer: commit::Committer,
    epoch: String,
    config: Config,
    limiter: limiter::RateLimiter,
    metrics: metrics::Metrics,
}

impl RelayState {
    /// State over a store.
    pub fn new(store: impl Store, config: Config) -> Self {
        RelayState::shared(Arc::new(store), config)
    }

    /// State over a store the caller keeps a handle to too (the binary, which drops it after the
    /// runtime: a [`PostgresStore`] must not be dropped on an async thread). Starts the group-commit
    /// writer thread, which holds a handle too and drops it on its own thread once the state is gone.
    pub fn shared(store: Arc<dyn Store>, config: Config) -> Self {
        let epoch = store.epoch();
        let limiter = limiter::RateLimiter::new(config.requests_per_minute);
        let metrics = metrics::Metrics::default();
        let committer = commit::Committer::start(
            store.clone(),
            metrics.commits.clone(),
            metrics.pushes_committed.clone(),
        );
        RelayState { inner: Arc::new(Inner { store, committer, epoch, config, limiter, metrics }) }
    }

    /// The store.
    pub fn store(&self) -> Arc<dyn Store> {
        self.inner.store.clone()
    }

    /// The group-commit queue pushes are stored through.
    pub fn committer(&self) -> &commit::Committer {
        &self.inner.committer
    }

    /// The store's epoch, sent with every response.
    pub fn epoch(&self) -> &str {
        &self.inner.epoch
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The per-device rate limiter.
    pub fn limiter(&self) -> &limiter::RateLimiter {
        &self.inner.limiter
    }

    /// The counters.
    pub fn metrics(&self) -> &metrics::Metrics {
        &self.inner.metrics
    }

    /// Runs a store call off the async runtime.
    pub async fn with_store<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn Store) -> Result<T, store::StoreError> + Send + 'static,
    ) -> Result<T, RelayError> {
        let store = self.store();
        Ok(tokio::task::spawn_blocking(move || f(store.as_ref())).await??)
    }
}

/// The current time in unix seconds: the relay's only clock.
pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}
