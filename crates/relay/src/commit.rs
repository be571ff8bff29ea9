//! Group commit: one writer thread per relay process stores pushes, and every push that arrived while a
//! commit was in flight goes into the next one, as one durable transaction ([`Store::push_many`]: one
//! commit, one sync to disk for the whole batch).
//!
//! A request is answered only after the transaction holding its changes has committed, with the
//! outcome it would have had alone (each hash once per space, numbers contiguous and in commit order).
//! Requests are validated before they are queued, so a refused request never enters a batch; a failing
//! transaction fails every request of its batch and stores none of them. A batch holds at most
//! [`Committer::MAX_PUSHES`] pushes and about [`Committer::MAX_BYTES`] of changes, so one commit, and the
//! wait behind it, stays short.
//!
//! The writer does not wait for company: a push arriving at an idle relay is committed at once, alone.
//! Batches form only when pushes arrive faster than commits complete, which is when they help.

use crate::store::{Push, PushOutcome, Store, StoreError};
use shouwang_protocol::{Change, Role};
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// Why a queued push was not stored.
#[derive(Debug, thiserror::Error)]
pub enum CommitError {
    /// The batch's transaction failed: none of its pushes was stored.
    #[error("the batch's transaction failed: {0}")]
    Store(Arc<StoreError>),
    /// The writer has stopped (the relay is shutting down) or its batch panicked: nothing was stored.
    #[error("the writer has stopped")]
    Stopped,
}

/// One queued push and where to answer it.
struct Job {
    space: String,
    changes: Vec<(String, Change)>,
    pusher: String,
    role: Role,
    reply: oneshot::Sender<Result<PushOutcome, CommitError>>,
}

impl Job {
    fn bytes(&self) -> usize {
        self.changes.iter().map(|(h, c)| h.len() + c.bytes.len() + c.doc.elder.len() + c.doc.kind.len()).sum()
    }
}

/// The queue in front of the writer thread. Cheap to share; the writer stops when it is dropped.
pub struct Committer {
    queue: mpsc::Sender<Job>,
}

impl Committer {
    /// The most pushes one transaction stores.
    pub const MAX_PUSHES: usize = 256;
    /// Once a batch holds this many bytes of changes, no more pushes join it.
    pub const MAX_BYTES: usize = 8 * 1024 * 1024;
    /// How many pushes may wait in the queue before a request waits to join it.
    pub const QUEUE: usize = 1024;

    /// Starts the writer thread over `store`, counting its transactions in `commits` and the pushes
    /// they stored in `pushes` (panics, as `std::thread::spawn` does, if the system cannot start a
    /// thread).
    pub fn start(store: Arc<dyn Store>, commits: Arc<AtomicU64>, pushes: Arc<AtomicU64>) -> Committer {
        let (queue, jobs) = mpsc::channel(Self::QUEUE);
        let counters = Counters { commits, pushes };
        std::thread::Builder::new()
            .name("relay-commit".into())
            .spawn(move || write(store.as_ref(), jobs, &counters))
            .expect("the system starts the relay's writer thread");
        Committer { queue }
    }

    /// Queues a push by the device `pusher` of `role` and waits until the transaction holding it has
    /// committed.
    pub async fn push(
        &self,
        space: String,
        changes: Vec<(String, Change)>,
        pusher: String,
        role: Role,
    ) -> Result<PushOutcome, CommitError> {
        let (reply, answer) = oneshot::channel();
        let job = Job { space, changes, pusher, role, reply };
        self.queue.send(job).await.map_err(|_| CommitError::Stopped)?;
        answer.await.map_err(|_| CommitError::Stopped)?
    }
}

/// What the writer counts.
struct Counters {
    commits: Arc<AtomicU64>,
    pushes: Arc<AtomicU64>,
}

/// The writer: takes the first waiting push, then every other already waiting (up to the bounds), and
/// stores them in one transaction.
fn write(store: &dyn Store, mut jobs: mpsc::Receiver<Job>, counters: &Counters) {
    while let Some(first) = jobs.blocking_recv() {
        let mut bytes = first.bytes();
        let mut batch = vec![first];
        while batch.len() < Committer::MAX_PUSHES && bytes < Committer::MAX_BYTES {
            match jobs.try_recv() {
                Ok(job) => {
                    bytes += job.bytes();
                    batch.push(job);
                }
                Err(_) => break,
            }
        }
        let pushes: Vec<Push<'_>> = batch
            .iter()
            .map(|job| Push {
                space: &job.space,
                changes: &job.changes,
                pusher: Some(&job.pusher),
                role: Some(job.role),
            })
            .collect();
        // A panic in the store rolls its transaction back as it unwinds: the batch's requests are
        // answered 500 (their replies are dropped) and the writer goes on with the next batch.
        let now = crate::now();
        let Ok(result) = std::panic::catch_unwind(AssertUnwindSafe(|| store.push_many(&pushes, now))) else {
            tracing::error!(pushes = batch.len(), "group commit panicked; its pushes were not stored");
            continue;
        };
        drop(pushes);
        match result {
            Ok(outcomes) if outcomes.len() == batch.len() => {
                counters.commits.fetch_add(1, Ordering::Relaxed);
                counters.pushes.fetch_add(batch.len() as u64, Ordering::Relaxed);
                for (job, outcome) in batch.into_iter().zip(outcomes) {
                    // A request whose client went away has nobody to answer; its changes are stored.
                    let _ = job.reply.send(Ok(outcome));
                }
            }
            Ok(outcomes) => {
                let error = Arc::new(StoreError::Corrupt(format!(
                    "{} outcomes for a batch of {} pushes",
                    outcomes.len(),
                    batch.len()
                )));
                for job in batch {
                    let _ = job.reply.send(Err(CommitError::Store(error.clone())));
                }
            }
            Err(error) => {
                tracing::error!(%error, pushes = batch.len(), "group commit failed");
                let error = Arc::new(error);
                for job in batch {
                    let _ = job.reply.send(Err(CommitError::Store(error.clone())));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{ReadFilter, SqliteStore};
    use shouwang_protocol::DocRef;

    fn change(elder: char, n: u16) -> (String, Change) {
        let change = Change {
            doc: DocRef { elder: elder.to_string().repeat(32), kind: "card".into() },
            bytes: shouwang_protocol::envelope::sample(
                shouwang_protocol::envelope::What::Change,
                format!("change {n}").as_bytes(),
            ),
        };
        (change.hash().unwrap(), change)
    }

    /// Pushes queued together share transactions; one the database refuses fails its own batch, and
    /// every push is answered "stored" exactly when its changes are in the store.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_push_is_answered_stored_exactly_when_it_is_and_a_failing_batch_stores_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store: Arc<dyn Store> = Arc::new(SqliteStore::open(dir.path()).unwrap());
        rusqlite::Connection::open(dir.path().join(SqliteStore::FILE))
            .unwrap()
            .execute_batch(&format!(
                "CREATE TRIGGER refuse BEFORE INSERT ON changes WHEN NEW.elder = '{}'
                 BEGIN SELECT RAISE(ABORT, 'the disk refused'); END;",
                "f".repeat(32)
            ))
            .unwrap();
        let (commits, pushes) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
        let committer = Arc::new(Committer::start(store.clone(), commits.clone(), pushes.clone()));
        const PUSHES: u16 = 60;
        let tasks: Vec<_> = (0..PUSHES)
            .map(|p| {
                let committer = committer.clone();
                let elder = if p == 30 { 'f' } else { 'a' };
                let changes = vec![change(elder, 2 * p), change('a', 2 * p + 1)];
                tokio::spawn(async move {
                    (
                        committer
                            .push("511902106202".into(), changes.clone(), "d".into(), Role::Committee)
                            .await,
                        changes,
                    )
                })
            })
            .collect();
        let mut answers = Vec::new();
        for task in tasks {
            answers.push(task.await.unwrap());
        }
        let all = ReadFilter::ALL;
        let stored = store.pull("511902106202", 0, 1000, &all).unwrap().changes;
        let mut stored_ok = 0;
        for (p, (answer, changes)) in answers.iter().enumerate() {
            let present = changes.iter().filter(|(_, c)| stored.iter().any(|(_, s)| s == c)).count();
            match answer {
                Ok(outcome) => {
                    assert_eq!((outcome.new, present), (2, 2), "push {p} is stored whole");
                    stored_ok += 1;
                }
                Err(CommitError::Store(_)) => assert_eq!(present, 0, "push {p} failed and stored nothing"),
                Err(CommitError::Stopped) => panic!("the writer stopped"),
            }
        }
        assert!(answers[30].0.is_err(), "the refused push fails");
        assert_eq!(stored.len(), stored_ok * 2);
        let seqs: Vec<u64> = stored.iter().map(|(s, _)| *s).collect();
        assert_eq!(seqs, (1..=stored.len() as u64).collect::<Vec<_>>(), "numbers without gaps");
        assert_eq!(pushes.load(Ordering::Relaxed), stored_ok as u64);
        assert!(commits.load(Ordering::Relaxed) <= stored_ok as u64);
    }

    use shouwang_protocol::office::OfficeKey;

    /// A store that panics on pushes to one space, as a bug would.
    struct Panicky(SqliteStore);

    const CURSED: &str = "511902106209";

    impl Store for Panicky {
        fn epoch(&self) -> String {
            self.0.epoch()
        }
        fn renew_epoch(&self) -> Result<String, StoreError> {
            self.0.renew_epoch()
        }
        fn add_enrolment(&self, enrolment: &crate::store::Enrolment) -> Result<(), StoreError> {
            self.0.add_enrolment(enrolment)
        }
        fn redeem(
            &self,
            code_hash: &str,
            id: &str,
            name: &str,
            token_hash: &str,
            now: i64,
        ) -> Result<Option<crate::store::Device>, StoreError> {
            self.0.redeem(code_hash, id, name, token_hash, now)
        }
        fn device_by_token(&self, token_hash: &str) -> Result<Option<crate::store::Device>, StoreError> {
            self.0.device_by_token(token_hash)
        }
        fn touch(&self, device_id: &str, now: i64) -> Result<(), StoreError> {
            self.0.touch(device_id, now)
        }
        fn devices(&self) -> Result<Vec<crate::store::Device>, StoreError> {
            self.0.devices()
        }
        fn revoke(&self, device_id: &str, now: i64) -> Result<bool, StoreError> {
            self.0.revoke(device_id, now)
        }
        fn push_many(&self, pushes: &[Push<'_>], now: i64) -> Result<Vec<PushOutcome>, StoreError> {
            assert!(pushes.iter().all(|p| p.space != CURSED), "a bug in the store");
            self.0.push_many(pushes, now)
        }
        fn pull(
            &self,
            space: &str,
            after: u64,
            limit: u32,
            filter: &ReadFilter,
        ) -> Result<crate::store::Page, StoreError> {
            self.0.pull(space, after, limit, filter)
        }
        fn spaces(&self, prefix: &str) -> Result<Vec<(String, u64)>, StoreError> {
            self.0.spaces(prefix)
        }
        fn office_key(&self, space: &str) -> Result<Option<OfficeKey>, StoreError> {
            self.0.office_key(space)
        }
        fn claim_office_key(&self, space: &str, key: &OfficeKey, now: i64) -> Result<OfficeKey, StoreError> {
            self.0.claim_office_key(space, key, now)
        }
        fn replace_office_key(
            &self,
            space: &str,
            old: &OfficeKey,
            new: &OfficeKey,
            now: i64,
        ) -> Result<bool, StoreError> {
            self.0.replace_office_key(space, old, new, now)
        }
        fn reset_office_key(&self, space: &str) -> Result<bool, StoreError> {
            self.0.reset_office_key(space)
        }
        fn put_routes(&self, space: &str, routes: &[(String, Vec<String>)]) -> Result<u64, StoreError> {
            self.0.put_routes(space, routes)
        }
        fn helper_routes(&self, space: &str, helper: &str) -> Result<(u64, Vec<(String, u64)>), StoreError> {
            self.0.helper_routes(space, helper)
        }
        fn route_state(&self, space: &str, helper: Option<&str>) -> Result<u64, StoreError> {
            self.0.route_state(space, helper)
        }
        fn export(
            &self,
            out: &mut dyn FnMut(crate::store::Record) -> Result<(), StoreError>,
        ) -> Result<crate::store::Counts, StoreError> {
            self.0.export(out)
        }
        fn import(
            &self,
            records: &mut dyn Iterator<Item = Result<crate::store::Record, StoreError>>,
        ) -> Result<crate::store::Counts, StoreError> {
            self.0.import(records)
        }
    }

    #[tokio::test]
    async fn a_batch_that_panics_is_refused_and_the_writer_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let store: Arc<dyn Store> = Arc::new(Panicky(SqliteStore::open(dir.path()).unwrap()));
        let committer = Committer::start(store.clone(), Arc::default(), Arc::default());
        let refused = committer.push(CURSED.into(), vec![change('a', 1)], "d".into(), Role::Committee).await;
        assert!(matches!(refused, Err(CommitError::Stopped)));
        let stored = committer
            .push("511902106202".into(), vec![change('a', 2)], "d".into(), Role::Committee)
            .await
            .unwrap();
        assert_eq!((stored.new, stored.head), (1, 1));
    }
}
