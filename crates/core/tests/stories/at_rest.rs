//! A tablet is lost (issue 7, encryption at rest): whoever finds it copies the database, its
//! write-ahead log and the key file, and reads no elder without the passphrase.

use chrono::{DateTime, Utc};
use shouwang_core::demo::{demo_village, DemoVillage};
use shouwang_core::elder::Elder;
use shouwang_core::store::{ElderFilter, Error, Store};
use shouwang_core::vault::{self, DbKey, KdfParams, Vault};
use std::path::{Path, PathBuf};

const PASSPHRASE: &str = "斑竹村 守望 2026";

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

fn wal(db: &Path) -> PathBuf {
    PathBuf::from(format!("{}-wal", db.display()))
}

/// Every name, ID number and phone of the village: what must not be readable from a copy.
fn secrets(elders: &[Elder]) -> Vec<String> {
    let mut out = Vec::new();
    for e in elders {
        out.push(e.name.clone());
        out.extend(e.id_number.clone());
        out.extend(e.phone.clone());
        for s in &e.supporters {
            out.push(s.name.clone());
            out.extend(s.phone.clone());
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The secrets whose bytes occur in `bytes`. (Decoding lossily keeps every valid UTF-8 run intact, and
/// a secret is one; std's substring search is fast even in a debug build.)
fn hits(bytes: &[u8], secrets: &[String]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    secrets.iter().filter(|s| text.contains(s.as_str())).cloned().collect()
}

/// The database file and its write-ahead log, as a thief's copy would hold them.
fn copy_of(db: &Path, to: &Path) -> Vec<u8> {
    std::fs::copy(db, to).unwrap();
    let mut bytes = std::fs::read(to).unwrap();
    if wal(db).exists() {
        std::fs::copy(wal(db), wal(to)).unwrap();
        bytes.extend(std::fs::read(wal(to)).unwrap());
    }
    bytes
}

#[test]
fn a_lost_tablet_reveals_no_elder_without_the_passphrase() {
    let now = at("2026-11-23T09:00:00+08:00");
    let v = DemoVillage::bazhou();
    let elders = demo_village(&v, 30, 7);
    let secrets = secrets(&elders);
    assert!(secrets.len() > 60, "names, ID numbers and phones: {}", secrets.len());

    // The same village kept in a plaintext store gives its people away: the search below can fail.
    let plain_dir = tempfile::tempdir().unwrap();
    let plain_db = plain_dir.path().join("plain.sqlite");
    let mut plain = Store::init(&plain_db, v.unit.clone(), "斑竹村", "sichuan", now).unwrap();
    for e in &elders {
        plain.add_elder(e.clone(), now).unwrap();
    }
    plain.checkpoint().unwrap();
    let plain_bytes = std::fs::read(&plain_db).unwrap();
    assert_eq!(hits(&plain_bytes, &secrets).len(), secrets.len(), "a plaintext copy shows everyone");

    // The tablet: an encrypted store with its key file beside it.
    let tablet = tempfile::tempdir().unwrap();
    let db = tablet.path().join("v.sqlite");
    let key = Vault::create(&vault::key_path(&db), PASSPHRASE).unwrap();
    let mut store = Store::init_encrypted(&db, &key, v.unit.clone(), "斑竹村", "sichuan", now).unwrap();
    for e in &elders {
        store.add_elder(e.clone(), now).unwrap();
    }

    // Found with the app still open: the file and a write-ahead log full of recent writes.
    let found = tempfile::tempdir().unwrap();
    let stolen = found.path().join("stolen.sqlite");
    assert!(wal(&db).exists());
    let mut bytes = copy_of(&db, &stolen);
    // And again after a checkpoint folded the log into the file.
    store.checkpoint().unwrap();
    let stolen_after = found.path().join("stolen-after-checkpoint.sqlite");
    bytes.extend(copy_of(&db, &stolen_after));
    std::fs::copy(vault::key_path(&db), vault::key_path(&stolen)).unwrap();
    bytes.extend(std::fs::read(vault::key_path(&stolen)).unwrap());

    assert_eq!(hits(&bytes, &secrets), Vec::<String>::new(), "no name, ID number or phone in the copies");
    for clue in ["斑竹村", "511902106202", "SQLite format 3", "CREATE TABLE"] {
        assert!(hits(&bytes, &[clue.to_string()]).is_empty(), "{clue} in the copy");
    }

    for copy in [&stolen, &stolen_after] {
        // Shouwang without the key: a named refusal, not a crash and not an empty village.
        let err = Store::open(copy, now).unwrap_err();
        assert!(matches!(err, Error::Locked), "{err}");
        assert!(err.to_string().contains("数据库已加密"), "{err}");
        // Another key: the same.
        let other = DbKey::generate().unwrap();
        assert!(matches!(Store::open_encrypted(copy, &other, now), Err(Error::Locked)));
        // SQLite itself, as any tool would open it.
        let conn = rusqlite::Connection::open(copy).unwrap();
        let read = conn.query_row("SELECT name FROM elders LIMIT 1", [], |r| r.get::<_, String>(0));
        let err = read.unwrap_err();
        assert_eq!(err.sqlite_error_code(), Some(rusqlite::ErrorCode::NotADatabase), "{err}");
    }

    // The key file is on the tablet too, but it needs the passphrase.
    let err = Vault::unlock(&vault::key_path(&stolen), "123456").unwrap_err();
    assert_eq!(err.field(), Some("passphrase"));
    assert!(matches!(err, vault::Error::WrongPassphrase));

    // With the passphrase, the copy is the village.
    let key_again = Vault::unlock(&vault::key_path(&stolen), PASSPHRASE).unwrap();
    let opened = Store::open_encrypted(&stolen, &key_again, now).unwrap();
    let mut names: Vec<String> =
        opened.list(&ElderFilter::default(), now.date_naive()).unwrap().into_iter().map(|r| r.name).collect();
    let mut expected: Vec<String> = elders.iter().map(|e| e.name.clone()).collect();
    names.sort();
    expected.sort();
    assert_eq!(names, expected);
    assert_eq!(opened.registry().name, "斑竹村");
}

#[test]
fn a_wrong_passphrase_is_named_and_changes_nothing() {
    let now = at("2026-11-23T09:00:00+08:00");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.sqlite");
    let cheap = KdfParams { m_cost_kib: 8 * 1024, t_cost: 1, p_cost: 1 };
    let key = Vault::create_with(&vault::key_path(&db), "246810", cheap).unwrap();
    let v = DemoVillage::bazhou();
    let mut store = Store::init_encrypted(&db, &key, v.unit.clone(), "斑竹村", "sichuan", now).unwrap();
    store.add_elder(demo_village(&v, 1, 3).remove(0), now).unwrap();
    store.checkpoint().unwrap();
    drop(store);
    let before = (std::fs::read(&db).unwrap(), std::fs::read(vault::key_path(&db)).unwrap());

    let err = Vault::unlock(&vault::key_path(&db), "135790").unwrap_err();
    assert_eq!(err.field(), Some("passphrase"));
    assert!(err.to_string().contains("口令不正确") && err.to_string().contains("wrong"), "{err}");
    assert!(Vault::change(&vault::key_path(&db), "135790", "new passphrase").is_err());
    assert!(matches!(Store::open(&db, now), Err(Error::Locked)));

    let after = (std::fs::read(&db).unwrap(), std::fs::read(vault::key_path(&db)).unwrap());
    assert!(before == after, "the database and the key file are as they were");
}

#[test]
fn a_new_passphrase_rewraps_the_key_and_leaves_the_database_alone() {
    let now = at("2026-11-23T09:00:00+08:00");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.sqlite");
    let cheap = KdfParams { m_cost_kib: 8 * 1024, t_cost: 1, p_cost: 1 };
    let key = Vault::create_with(&vault::key_path(&db), "first passphrase", cheap).unwrap();
    let v = DemoVillage::bazhou();
    let mut store = Store::init_encrypted(&db, &key, v.unit.clone(), "斑竹村", "sichuan", now).unwrap();
    let saved = store.add_elder(demo_village(&v, 1, 5).remove(0), now).unwrap();
    store.checkpoint().unwrap();
    drop(store);
    let file = std::fs::read(&db).unwrap();

    Vault::change(&vault::key_path(&db), "first passphrase", "二〇二六年新口令").unwrap();
    assert_eq!(std::fs::read(&db).unwrap(), file, "the database was not re-encrypted");
    assert!(Vault::unlock(&vault::key_path(&db), "first passphrase").is_err());
    let key = Vault::unlock(&vault::key_path(&db), "二〇二六年新口令").unwrap();
    let store = Store::open_encrypted(&db, &key, now).unwrap();
    assert_eq!(store.elder(&saved.id).unwrap().id, Some(saved.id));
}

#[test]
fn a_plaintext_store_is_encrypted_in_place_and_rekeyed() {
    let now = at("2026-11-23T09:00:00+08:00");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.sqlite");
    let v = DemoVillage::bazhou();
    let elder = demo_village(&v, 1, 9).remove(0);
    let name = elder.name.clone();
    let mut store = Store::init(&db, v.unit.clone(), "斑竹村", "sichuan", now).unwrap();
    let saved = store.add_elder(elder, now).unwrap();
    store.checkpoint().unwrap();
    assert_eq!(hits(&std::fs::read(&db).unwrap(), std::slice::from_ref(&name)), vec![name.clone()]);

    let first = DbKey::generate().unwrap();
    store.rekey(&first).unwrap();
    drop(store);
    assert!(hits(&std::fs::read(&db).unwrap(), std::slice::from_ref(&name)).is_empty());
    assert!(matches!(Store::open(&db, now), Err(Error::Locked)));
    let mut store = Store::open_encrypted(&db, &first, now).unwrap();
    assert_eq!(store.elder(&saved.id).unwrap().name, name);

    let second = DbKey::generate().unwrap();
    store.rekey(&second).unwrap();
    drop(store);
    assert!(matches!(Store::open_encrypted(&db, &first, now), Err(Error::Locked)));
    let store = Store::open_encrypted(&db, &second, now).unwrap();
    assert_eq!(store.elder(&saved.id).unwrap().name, name);
}

#[test]
fn the_linked_sqlite_is_sqlite3_multiple_ciphers() {
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    let version: String = conn.query_row("SELECT sqlite3mc_version()", [], |r| r.get(0)).unwrap();
    assert!(version.starts_with("SQLite3 Multiple Ciphers 2."), "{version}");
}
