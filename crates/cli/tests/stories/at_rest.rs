//! Encryption at rest from the command line (issue 7): a new registry is encrypted unless someone
//! says otherwise, every command needs the passphrase, a wrong one is named, a copied file shows no one.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `shouwang --db DB ARGS` with exactly the passphrase variables given (none inherited).
fn shouwang(db: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_shouwang"));
    cmd.env_remove("SHOUWANG_PASSPHRASE").env_remove("SHOUWANG_NEW_PASSPHRASE").arg("--db").arg(db);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.args(args).output().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn ok(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(0), "{}", stderr(out));
    stdout(out)
}

fn key_file(db: &Path) -> PathBuf {
    PathBuf::from(format!("{}.key", db.display()))
}

const INIT: &[&str] = &["init", "--profile", "sichuan", "--unit", "511902106202", "--name", "斑竹村"];

#[test]
fn a_new_registry_is_encrypted_unless_plaintext_is_asked_for_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.sqlite");

    let out = shouwang(&db, &[], INIT);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("passphrase") && stderr(&out).contains("--unencrypted"),
        "{}",
        stderr(&out)
    );
    assert!(!db.exists() && !key_file(&db).exists(), "a refused init writes nothing");

    let out = shouwang(&db, &[("SHOUWANG_PASSPHRASE", "123")], INIT);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("口令须为 6 至"), "{}", stderr(&out));
    assert!(!key_file(&db).exists());

    let plain = dir.path().join("plain.sqlite");
    let mut args = INIT.to_vec();
    args.push("--unencrypted");
    let out = shouwang(&plain, &[], &args);
    ok(&out);
    assert!(stderr(&out).contains("NOT encrypted"), "{}", stderr(&out));
    assert!(!key_file(&plain).exists());
    ok(&shouwang(&plain, &[], &["info"]));
    let out = shouwang(&plain, &[("SHOUWANG_PASSPHRASE", "passphrase")], &args);
    assert_eq!(out.status.code(), Some(2), "both a passphrase and --unencrypted: {}", stderr(&out));
}

#[test]
fn every_command_needs_the_passphrase_and_a_copy_shows_no_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.sqlite");
    let pass_file = dir.path().join("pass.txt");
    std::fs::write(&pass_file, "斑竹村 村委会 2026\n").unwrap();
    let pass = pass_file.to_str().unwrap();

    let mut init = vec!["--passphrase-file", pass];
    init.extend_from_slice(INIT);
    let out = ok(&shouwang(&db, &[], &init));
    assert!(out.contains("encrypted at rest"), "{out}");
    assert!(key_file(&db).exists());
    ok(&shouwang(&db, &[], &["--passphrase-file", pass, "demo", "--elders", "12", "--seed", "3"]));

    // Without the passphrase: the command says what is missing and how to give it.
    let out = shouwang(&db, &[], &["elder", "list"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("数据库已加密") && err.contains("SHOUWANG_PASSPHRASE"), "{err}");
    assert!(out.stdout.is_empty());
    // A wrong one: named.
    let out = shouwang(&db, &[("SHOUWANG_PASSPHRASE", "not the passphrase")], &["elder", "list"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("passphrase") && stderr(&out).contains("口令不正确"), "{}", stderr(&out));

    // The right one, from the variable as from the file.
    let list: Value = serde_json::from_str(&ok(&shouwang(
        &db,
        &[("SHOUWANG_PASSPHRASE", "斑竹村 村委会 2026")],
        &["--json", "elder", "list"],
    )))
    .unwrap();
    let rows = list.as_array().unwrap();
    assert_eq!(rows.len(), 12);

    // The file and its log, copied off the tablet: no name, ID number or phone in them.
    let mut bytes = std::fs::read(&db).unwrap();
    if let Ok(wal) = std::fs::read(format!("{}-wal", db.display())) {
        bytes.extend(wal);
    }
    let mut secrets = Vec::new();
    for row in rows {
        for field in ["name", "id_number", "phone"] {
            if let Some(s) = row[field].as_str() {
                secrets.push(s.to_string());
            }
        }
    }
    assert!(secrets.len() >= 24, "{secrets:?}");
    let text = String::from_utf8_lossy(&bytes);
    let found: Vec<&String> = secrets.iter().filter(|s| text.contains(s.as_str())).collect();
    assert!(found.is_empty(), "readable in the copy: {found:?}");
}

#[test]
fn the_passphrase_is_changed_without_touching_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.sqlite");
    let old = [("SHOUWANG_PASSPHRASE", "old passphrase")];
    ok(&shouwang(&db, &old, INIT));
    ok(&shouwang(&db, &old, &["demo", "--elders", "3", "--seed", "2"]));

    // A wrong current passphrase changes nothing.
    let key_before = std::fs::read(key_file(&db)).unwrap();
    let wrong = [("SHOUWANG_PASSPHRASE", "wrong passphrase"), ("SHOUWANG_NEW_PASSPHRASE", "new passphrase")];
    let out = shouwang(&db, &wrong, &["passphrase", "change"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(std::fs::read(key_file(&db)).unwrap(), key_before);

    let new_file = dir.path().join("new.txt");
    std::fs::write(&new_file, "新口令 new passphrase\n").unwrap();
    let out = ok(&shouwang(
        &db,
        &old,
        &["passphrase", "change", "--new-passphrase-file", new_file.to_str().unwrap()],
    ));
    assert!(out.contains("passphrase changed"), "{out}");
    assert_eq!(shouwang(&db, &old, &["info"]).status.code(), Some(2));
    let info = ok(&shouwang(&db, &[("SHOUWANG_PASSPHRASE", "新口令 new passphrase")], &["info"]));
    assert!(info.contains("斑竹村"), "{info}");
}

#[test]
fn the_demo_is_encrypted_with_the_passphrase_it_prints() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite");
    let out = ok(&shouwang(&db, &[], &["demo", "--elders", "4", "--seed", "1"]));
    assert!(out.contains("passphrase: shouwang-demo"), "{out}");
    assert!(key_file(&db).exists());
    assert_eq!(shouwang(&db, &[], &["info"]).status.code(), Some(2));
    let info = ok(&shouwang(&db, &[("SHOUWANG_PASSPHRASE", "shouwang-demo")], &["info"]));
    assert!(info.contains("斑竹村"), "{info}");
}
