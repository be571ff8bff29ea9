//! Privacy at the office's command line (issue 7): consent recorded and withdrawn, one elder's data
//! exported, every look and change in the audit log, the log verified.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn shouwang(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shouwang"))
        .env("SHOUWANG_PASSPHRASE", crate::PASSPHRASE)
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

fn ok(out: Output) -> Output {
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    out
}

fn json(db: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    serde_json::from_slice(&ok(shouwang(db, &all)).stdout).unwrap()
}

#[test]
fn the_office_records_consent_exports_an_elders_data_and_the_audit_log_shows_and_verifies_it() {
    let dir = tempfile::tempdir().unwrap();
    let db: PathBuf = dir.path().join("office.sqlite");
    ok(shouwang(&db, &["demo", "--elders", "4", "--seed", "5"]));
    let list = json(&db, &["elder", "list"]);
    let rows = list.as_array().unwrap();
    let first = rows[0]["id"].as_str().unwrap().to_string();
    let other = rows[1]["id"].as_str().unwrap().to_string();
    assert!(rows.iter().all(|r| r["consent"].is_null()), "未签同意 before any consent");

    // Consent: a relative without a name is refused (exit 2, the field named); then recorded, listed,
    // withdrawn.
    let refused = shouwang(
        &db,
        &[
            "consent",
            "add",
            &first,
            "--by",
            "relative",
            "--relation",
            "长子",
            "--method",
            "signature",
            "--purposes",
            "visits",
        ],
    );
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("relative_name"));
    let consent = json(
        &db,
        &[
            "consent",
            "add",
            &first,
            "--method",
            "按手印",
            "--purposes",
            "visits,family_card",
            "--on",
            "2026-11-01",
        ],
    );
    let consent_id = consent["id"].as_str().unwrap().to_string();
    let people = String::from_utf8(ok(shouwang(&db, &["consent", "list", &first])).stdout).unwrap();
    assert!(people.contains("按手印") && people.contains("探访服务"), "{people}");
    let row = |id: &str| {
        let list = json(&db, &["elder", "list"]);
        list.as_array().unwrap().iter().find(|r| r["id"] == id).unwrap().clone()
    };
    assert_eq!(row(&first)["consent"], "given");
    let withdrawn = json(&db, &["consent", "withdraw", &first, &consent_id, "--by", "本人"]);
    assert!(withdrawn["withdrawn"]["by"] == "本人");
    assert_eq!(row(&first)["consent"], "withdrawn");

    // The committee looks at the record, then exports everything held on the elder.
    ok(shouwang(&db, &["elder", "show", &first]));
    let out = dir.path().join("export.json");
    ok(shouwang(&db, &["elder", "export-data", &first, "--out", out.to_str().unwrap()]));
    let export: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(export["elder"], first.as_str());
    assert_eq!(export["consents"].as_array().unwrap().len(), 1);
    assert!(!export["visits"].as_array().unwrap().is_empty(), "the demo's visits are exported");
    assert!(!export.to_string().contains(&other), "nothing of another elder");

    let log = json(&db, &["audit", "list", "--elder", &first]);
    let actions: Vec<&str> = log.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["change", "consent", "consent", "view", "export"]);
    assert!(log.as_array().unwrap().iter().all(|e| e["elder"] == first.as_str()));
    let verify = json(&db, &["audit", "verify"]);
    assert_eq!(verify["ok"], true, "{verify}");
    let people = String::from_utf8(ok(shouwang(&db, &["audit", "verify"])).stdout).unwrap();
    assert!(people.contains("审计日志完整"));
}
