//! Moving a relay: `export` writes the whole store, `import` reads it into a new one, and the devices go
//! on with their tokens, cursors and epoch, pulling nothing twice. (SQLite to PostgreSQL and back is in
//! `tests/tests/stories/relay_move.rs`, which has a PostgreSQL server.)

use crate::common::*;
use shouwang_protocol::Role;
use shouwang_relay::store::dump::{self, Record};
use shouwang_relay::store::StoreError;
use shouwang_relay::{Config, SqliteStore, Store};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_shouwang-relay");

fn run(data: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(BIN).arg("--data").arg(data).args(args).output().unwrap()
}

#[tokio::test]
async fn a_relay_moved_by_export_and_import_serves_its_devices_on_without_a_new_pull() {
    let relay = Relay::start().await;
    let helper = relay.device(Role::Helper, VILLAGE_A, None).await;
    let committee = relay.office(VILLAGE_A).await;
    let pending = relay.code(Role::Helper, VILLAGE_A, None);
    let first: Vec<_> = (1..=5).map(|n| change('a', "card", n)).collect();
    assert_eq!(helper.push(VILLAGE_A, &first).await.status(), 200);
    assert_eq!(committee.push(VILLAGE_A, &[change('b', "card", 6)]).await.status(), 200);
    assert_eq!(committee.push(VILLAGE_A, &[erasure('b', VILLAGE_A, 7)]).await.status(), 200);
    assert_eq!(committee.push(VILLAGE_B, &[change('c', "card", 8)]).await.status(), 403);
    let cursor = committee.pull(VILLAGE_A, 0, 100).await.next;
    let epoch = relay.state.epoch().to_string();
    let old_dir = relay.dir.path().to_path_buf();
    let dumped = tempfile::tempdir().unwrap();
    let file = dumped.path().join("relay.jsonl");
    // Exported while the relay serves, from one snapshot.
    let out = run(&old_dir, &["export", "--out", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    relay.stop().await;

    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with(r#"{"t":"header","format":"shouwang-relay-dump","version":2}"#));
    assert!(!text.contains(&helper.token), "tokens are not in the dump, only their hashes");

    // Into a new store, through the binary.
    let new_dir = tempfile::tempdir().unwrap();
    let out = run(new_dir.path(), &["import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(printed.contains("imported 2 devices, 3 codes, 1 spaces, 6 changes"), "{printed}");
    // A second import is refused: the store is not empty.
    let again = run(new_dir.path(), &["import", file.to_str().unwrap()]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));

    let moved = Relay::start_in(new_dir, Config::default()).await;
    assert_eq!(moved.state.epoch(), epoch, "the same epoch: no device resets its cursor");
    let (helper, committee) =
        (Device { url: moved.url.clone(), ..helper }, Device { url: moved.url.clone(), ..committee });
    // The committee's cursor is still good: nothing again, then only what is new.
    let page = committee.pull(VILLAGE_A, cursor, 100).await;
    assert_eq!((page.changes.len(), page.next), (0, cursor));
    let next = change('a', "card", 9);
    let pushed: shouwang_protocol::PushResponse = shouwang_protocol::decode(
        &helper.push(VILLAGE_A, std::slice::from_ref(&next)).await.bytes().await.unwrap(),
    )
    .unwrap();
    assert_eq!(pushed.cursor, cursor + 1, "numbers go on from the old head");
    assert_eq!(committee.pull(VILLAGE_A, cursor, 100).await.changes, vec![(cursor + 1, next)]);
    // The helper is still not sent its own changes; the erased elder stays erased.
    assert_eq!(helper.pull(VILLAGE_A, 0, 100).await.changes.len(), 1, "the erasure only");
    assert_eq!(committee.push(VILLAGE_A, &[change('b', "card", 10)]).await.status(), 200);
    let township = moved.device(Role::Township, TOWNSHIP, None).await;
    let of_b =
        township.pull_all(VILLAGE_A).await.into_iter().filter(|(_, c)| c.doc.elder == elder('b')).count();
    assert_eq!(of_b, 1);
    // The code made before the move still enrols a tablet.
    assert_eq!(moved.redeem(&pending).await.status(), 200);
    moved.stop().await;
}

#[test]
fn a_cut_or_foreign_dump_imports_nothing() {
    let source = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(source.path()).unwrap();
    let changes: Vec<_> = (0..3).map(|n| change('a', "card", n)).map(|c| (c.hash().unwrap(), c)).collect();
    store.push(VILLAGE_A, &changes, 0).unwrap();
    let mut whole = Vec::new();
    let counts = dump::export(&store, &mut whole).unwrap();
    assert_eq!((counts.changes, counts.spaces), (3, 1));

    let text = String::from_utf8(whole).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let cut = lines[..lines.len() - 2].join("\n");
    let miscounted = text.replace(r#""changes":3"#, r#""changes":4"#);
    for (name, dump) in [("cut", cut.as_str()), ("miscounted", &miscounted), ("foreign", "{}\n")] {
        let target = tempfile::tempdir().unwrap();
        let fresh = SqliteStore::open(target.path()).unwrap();
        let epoch = fresh.epoch();
        let refused = dump::import(&fresh, dump.as_bytes());
        assert!(matches!(refused, Err(StoreError::Dump(_))), "{name}: {refused:?}");
        let mut left = Vec::new();
        fresh
            .export(&mut |r| {
                left.push(r);
                Ok(())
            })
            .unwrap();
        assert_eq!(left, [Record::Meta { key: "epoch".into(), value: epoch }], "{name}: nothing imported");
    }
    let target = tempfile::tempdir().unwrap();
    let fresh = SqliteStore::open(target.path()).unwrap();
    assert_eq!(dump::import(&fresh, text.as_bytes()).unwrap(), counts);
    let mut back = Vec::new();
    dump::export(&fresh, &mut back).unwrap();
    assert_eq!(String::from_utf8(back).unwrap(), text, "export ∘ import is the identity");
}
