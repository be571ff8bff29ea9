//! Sync under the faults of the field: the tablet's sync killed at random moments, the relay killed
//! and restarted mid-push, a network that cuts answers and delivers pages twice and late, a relay
//! restored from a backup, and a full disk. After each, the devices sync until quiet and must hold
//! exactly the same records — none lost, none doubled.
//!
//! Runs on the SQLite relay (the faults are the device's and the network's, not the backend's).

use shouwang_core::demo::{demo_village, DemoVillage, Rng};
use shouwang_core::elder::{Elder, ElderId};
use shouwang_tests::device::{assert_same, sync_until_quiet, Device, VILLAGE};
use shouwang_tests::proxy::Proxy;
use shouwang_tests::relay::{Backend, RelayProcess};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

fn elders(n: usize, seed: u64) -> Vec<Elder> {
    demo_village(&DemoVillage::bazhou(), n, seed)
}

/// A committee tablet enrolled through `url`: the first of a story creates the village's keys, the
/// others import a committee bundle from `issuer`.
fn committee(relay: &RelayProcess, url: &str, name: &str, issuer: Option<&mut Device>) -> Device {
    let mut d = Device::new(name);
    if let Some(issuer) = issuer {
        d.keys_from(issuer, "committee", None);
    }
    d.enrol(url, &relay.enroll("committee", VILLAGE, None));
    d
}

/// Runs `sync-client` on `db`, kills it with SIGKILL `after` it began to sync (if still running),
/// and returns what it printed after `START`.
fn sync_killed_after(db: &Path, after: Duration) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sync-client"))
        .arg(db)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the sync client starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert_eq!(line, "START\n", "the sync client did not start");
    let deadline = std::time::Instant::now() + after;
    while std::time::Instant::now() < deadline && child.try_wait().unwrap().is_none() {
        std::thread::sleep(Duration::from_millis(1));
    }
    let _ = child.kill();
    let _ = child.wait();
    let mut out = String::new();
    stdout.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn a_sync_killed_at_random_moments_loses_and_doubles_nothing() {
    let relay = RelayProcess::start(Backend::Sqlite);
    let url = relay.url();
    let mut a = committee(&relay, &url, "a", None);
    let mut b = committee(&relay, &url, "b", Some(&mut a));
    let a_ids: Vec<ElderId> = elders(400, 1).into_iter().map(|e| a.add(e)).collect();
    a.sync().unwrap();
    let b_ids: Vec<ElderId> = elders(150, 2).into_iter().map(|e| b.add(e)).collect();
    b.sync().unwrap();
    let start = b.store.sync_state().unwrap().expect("b is enrolled").cursor;
    // The last value each tablet wrote for the field it edits (a: address, b: needs).
    let mut addresses: BTreeMap<ElderId, String> = BTreeMap::new();
    let mut needs: BTreeMap<ElderId, String> = BTreeMap::new();
    let mut rng = Rng::new(20_261_124);
    let mut completed = 0;
    for run in 0..100 {
        for _ in 0..10 {
            let id = a_ids[rng.next_u64() as usize % a_ids.len()].clone();
            let address = format!("梁永镇斑竹村{}组{}号-{run}", rng.range(1, 9), rng.range(1, 60));
            a.edit(&id, |e| e.address = address.clone());
            addresses.insert(id, address);
        }
        a.sync().unwrap();
        for _ in 0..2 {
            // An elder of a's when b has received them already, else one of b's own.
            let theirs = a_ids[rng.next_u64() as usize % a_ids.len()].clone();
            let own = b_ids[rng.next_u64() as usize % b_ids.len()].clone();
            let id = if rng.chance(0.5) && b.store.elder(&theirs).is_ok() { theirs } else { own };
            let need = format!("需求-{run}");
            b.edit(&id, |e| e.needs = need.clone());
            needs.insert(id, need);
        }
        let out = sync_killed_after(&b.path(), Duration::from_millis(rng.range(0, 50) as u64));
        completed += usize::from(out.starts_with("OK"));
    }
    // How far the killed syncs got depends on the machine's load; it is reported, not asserted.
    let cursor = b.store.sync_state().unwrap().expect("b is enrolled").cursor;
    let mut c = committee(&relay, &url, "c", Some(&mut a));
    sync_until_quiet(&mut [&mut a, &mut b, &mut c]);
    let snapshot = assert_same(&[&a, &b, &c]);
    assert_eq!(snapshot.elders.len(), a_ids.len() + b_ids.len(), "elders lost or doubled");
    for (id, address) in &addresses {
        assert_eq!(&c.elder(id).address, address, "a's last address of {id} is lost");
    }
    for (id, need) in &needs {
        assert_eq!(&c.elder(id).needs, need, "b's last need of {id} is lost");
    }
    for d in [&a, &b, &c] {
        assert_eq!(d.store.outbox_len().unwrap(), 0, "{} still has changes to send", d.name);
        assert!(d.store.quarantined().unwrap().is_empty(), "{} holds changes back", d.name);
    }
    println!(
        "100 kills, {completed} syncs completed before their kill, b's cursor went from {start} to {cursor}"
    );
}

#[test]
fn the_relay_killed_during_pushes_loses_nothing() {
    let mut relay = RelayProcess::start(Backend::Sqlite);
    let url = relay.url();
    let mut a = committee(&relay, &url, "a", None);
    let mut b = committee(&relay, &url, "b", Some(&mut a));
    let mut rng = Rng::new(77);
    let mut failed = 0;
    for round in 0..3 {
        for e in elders(300, 100 + round) {
            if a.store.add_elder(e, shouwang_tests::device::now()).is_err() {
                continue; // an ID number an earlier round already registered
            }
        }
        let delay = Duration::from_millis(rng.range(20, 400) as u64);
        let result = std::thread::scope(|s| {
            let push = s.spawn(|| a.sync());
            std::thread::sleep(delay);
            relay.restart();
            push.join().unwrap()
        });
        failed += usize::from(result.is_err());
    }
    sync_until_quiet(&mut [&mut a, &mut b]);
    let snapshot = assert_same(&[&a, &b]);
    assert_eq!(snapshot.elders.len(), a.store.list(&all(), today()).unwrap().len());
    assert_eq!(a.store.outbox_len().unwrap(), 0);
    println!("3 relay kills, {failed} pushes broken by them");
}

fn all() -> shouwang_core::store::ElderFilter {
    shouwang_core::store::ElderFilter { any_status: true, ..Default::default() }
}

fn today() -> chrono::NaiveDate {
    shouwang_core::time::local_date(shouwang_tests::device::now())
}

#[test]
fn cut_answers_and_pages_delivered_twice_and_late_change_nothing() {
    let relay = RelayProcess::start(Backend::Sqlite);
    let proxy = Proxy::start(relay.addr(), 4242);
    let url = proxy.url();
    let mut a = committee(&relay, &url, "a", None);
    let mut b = committee(&relay, &url, "b", Some(&mut a));
    let mut c = committee(&relay, &url, "c", Some(&mut a));
    let a_ids: Vec<ElderId> = elders(600, 31).into_iter().map(|e| a.add(e)).collect();
    let b_ids: Vec<ElderId> = elders(200, 32).into_iter().map(|e| b.add(e)).collect();
    let mut rng = Rng::new(5);
    let mut errors = 0;
    for round in 0..12 {
        let id = &a_ids[rng.next_u64() as usize % a_ids.len()];
        a.edit(id, |e| e.needs = format!("a-{round}"));
        let id = &b_ids[rng.next_u64() as usize % b_ids.len()];
        b.edit(id, |e| e.difficulties = format!("b-{round}"));
        for d in [&mut a, &mut b, &mut c] {
            errors += usize::from(d.sync().is_err());
        }
    }
    let stats = proxy.stats();
    assert!(stats.cut > 0 && stats.replayed > 0, "the plan made no faults: {stats:?}");
    proxy.set_faults(false);
    sync_until_quiet(&mut [&mut a, &mut b, &mut c]);
    let snapshot = assert_same(&[&a, &b, &c]);
    assert_eq!(snapshot.elders.len(), 800, "elders lost or doubled");
    for d in [&a, &b, &c] {
        assert_eq!(d.store.outbox_len().unwrap(), 0, "{} still has changes to send", d.name);
        assert!(d.store.quarantined().unwrap().is_empty(), "{} holds changes back", d.name);
    }
    println!("{stats:?}, {errors} syncs broken");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

#[test]
fn a_relay_restored_from_a_backup_gets_everything_again() {
    let mut relay = RelayProcess::start(Backend::Sqlite);
    let url = relay.url();
    let mut a = committee(&relay, &url, "a", None);
    let mut b = committee(&relay, &url, "b", Some(&mut a));
    let first: Vec<ElderId> = elders(100, 41).into_iter().map(|e| a.add(e)).collect();
    sync_until_quiet(&mut [&mut a, &mut b]);

    relay.kill();
    let backup = tempfile::tempdir().unwrap();
    copy_dir(relay.data(), backup.path());
    relay.restart();
    for e in elders(100, 42) {
        a.add(e);
    }
    b.edit(&first[0], |e| e.needs = "送药上门".into());
    sync_until_quiet(&mut [&mut a, &mut b]);

    relay.kill();
    for entry in std::fs::read_dir(relay.data()).unwrap() {
        std::fs::remove_file(entry.unwrap().path()).unwrap();
    }
    copy_dir(backup.path(), relay.data());
    relay.restored();
    relay.restart();

    let mut c = committee(&relay, &url, "c", Some(&mut a));
    sync_until_quiet(&mut [&mut a, &mut b, &mut c]);
    let snapshot = assert_same(&[&a, &b, &c]);
    assert_eq!(snapshot.elders.len(), 200, "elders the backup lacked are lost");
    assert_eq!(c.elder(&first[0]).needs, "送药上门");
}

#[test]
fn a_full_disk_stops_the_sync_with_an_error() {
    let relay = RelayProcess::start(Backend::Sqlite);
    let url = relay.url();
    let mut a = committee(&relay, &url, "a", None);
    let mut b = committee(&relay, &url, "b", Some(&mut a));
    for e in elders(500, 51) {
        a.add(e);
    }
    a.sync().unwrap();
    b.store.checkpoint().unwrap();
    // The sync client may write files only a little larger than b's store is now: the disk is full
    // (SQLite sees a failing write) long before the pull is applied.
    let limit_blocks = b.store.size_on_disk() / 512 + 64;
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -f {limit_blocks}; trap '' XFSZ; exec \"$0\" \"$1\""))
        .arg(env!("CARGO_BIN_EXE_sync-client"))
        .arg(b.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "the sync went on with a full disk: {stdout}");
    assert!(stdout.starts_with("START\nERROR store"), "not a store error: {stdout}");

    b.sync().expect("with room on the disk the sync completes");
    sync_until_quiet(&mut [&mut a, &mut b]);
    let snapshot = assert_same(&[&a, &b]);
    assert_eq!(snapshot.elders.len(), 500);
}
