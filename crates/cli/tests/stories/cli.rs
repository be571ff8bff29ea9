//! The `shouwang` command as county IT staff script it: real binary, real database file.
//! Exit codes: 0 done, 2 invalid input (nothing written), 1 any other failure.

use serde_json::{json, Value};
use shouwang_core::resident_id::check_digit;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

struct Office {
    _dir: tempfile::TempDir,
    db: PathBuf,
}

impl Office {
    /// A village committee's freshly initialised registry.
    fn new() -> Office {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("registry.sqlite");
        let office = Office { _dir: dir, db };
        let out =
            office.run(&["init", "--profile", "sichuan", "--unit", "511902106202", "--name", "斑竹村"], None);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        office
    }

    fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
        run_with(&self.db, args, stdin)
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.run(&all, None);
        assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    }

    fn add(&self, record: &Value) -> Output {
        self.run(&["--json", "elder", "add"], Some(&record.to_string()))
    }

    /// Everything stored, as the committee could see it: every elder in full and the change count.
    fn snapshot(&self) -> Value {
        let list = self.json(&["elder", "list", "--status", "all"]);
        let elders: Vec<Value> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|row| self.json(&["elder", "show", row["id"].as_str().unwrap()]))
            .collect();
        json!({ "elders": elders, "info": self.json(&["info"])["pending_changes"] })
    }
}

fn run_with(db: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_shouwang"))
        .env("SHOUWANG_PASSPHRASE", crate::PASSPHRASE)
        .arg("--db")
        .arg(db)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn id_number(first17: &str) -> String {
    format!("{first17}{}", check_digit(first17).unwrap())
}

/// 王秀英, born 1950-03-01, female, children in Guangdong since 2015.
fn wang_xiuying() -> Value {
    json!({
        "unit": "511902106202",
        "name": "王秀英",
        "sex": "女",
        "birth_date": "1950-03-01",
        "ethnicity": "汉族",
        "id_number": id_number("51190219500301122"),
        "household_place": "四川省巴中市巴州区梁永镇斑竹村",
        "address": "斑竹村3组12号",
        "phone": "138 8270 1234",
        "health": "健康",
        "education": "小学",
        "spouse": "一方健在",
        "children": [{"birth_year": 1972}, {"birth_year": 1976}],
        "migration": {"away_since": "2015-03", "last_home_visit": "2026-02", "reunions_per_year": 1, "reunion_days": 7},
        "income_sources": ["打工", "种养殖业"],
        "care": "无人照料",
        "supporters": [
            {"name": "李强", "relation": "儿子", "sex": "male", "phone": "13912345678", "main": true,
             "whereabouts": "广东省东莞市", "away": true, "away_since": "2015-03-01", "reported_on": "2026-10-01"}
        ],
        "categories": ["独居"],
        "sign_off": {"filler": "张晓燕", "reviewer": "李国平", "unit_head": "王德明", "date": "2026-11-01"}
    })
}

#[test]
fn a_committee_registers_an_elder_and_finds_them_again() {
    let office = Office::new();
    let out = office.add(&wang_xiuying());
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let saved: Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = saved["id"].as_str().unwrap().to_string();

    let found = office.json(&["elder", "list", "--search", "秀英"]);
    assert_eq!(found.as_array().unwrap().len(), 1);
    assert_eq!(found[0]["id"], id.as_str());
    // Found by part of the ID number too, and by the group and age band the form puts them in.
    assert_eq!(office.json(&["elder", "list", "-s", "195003"]).as_array().unwrap().len(), 1);
    assert_eq!(
        office
            .json(&["elder", "list", "--category", "living_alone", "--age", "70-79"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(office.json(&["elder", "list", "--category", "hardship"]).as_array().unwrap().len(), 0);

    let shown = office.json(&["elder", "show", &id]);
    assert_eq!(shown["name"], "王秀英");
    assert_eq!(shown["phone"], "13882701234", "stored in canonical form");
    assert_eq!(shown["children"].as_array().unwrap().len(), 2);
    assert_eq!(shown["supporters"][0]["whereabouts"], "广东省东莞市");

    // The human form reads like the paper one.
    let out = office.run(&["elder", "show", &id], None);
    let text = String::from_utf8(out.stdout).unwrap();
    for label in ["身份证号码", "身体情况", "子女外出", "家庭经济来源", "打工、种养殖业", "李强"]
    {
        assert!(text.contains(label), "missing {label} in:\n{text}");
    }

    // Under the Sichuan profile she is a left-behind elder.
    let check = office.json(&["elder", "check", &id, "--date", "2026-11-23"]);
    assert_eq!(check["eligible"], true, "{check}");
    // Under Liaoning's cutoff of 2017-12-31 she was 67 and her children away since 2015: eligible too.
    let check = office.json(&["elder", "check", &id, "--profile", "liaoning", "--date", "2026-11-23"]);
    assert_eq!(check["eligible"], true, "{check}");
}

#[test]
fn invalid_input_exits_2_names_the_field_and_writes_nothing() {
    let office = Office::new();
    assert_eq!(code(&office.add(&wang_xiuying())), 0);
    let before = office.snapshot();
    // Showing a record is itself logged (the audit trail is a synced change), so the count of changes
    // waiting is taken after the snapshot's own reads.
    let pending = office.json(&["info"])["pending_changes"].clone();

    let mut wrong_check_digit = wang_xiuying();
    let number = wrong_check_digit["id_number"].as_str().unwrap().to_string();
    let bad_digit = if number.ends_with('1') { '2' } else { '1' };
    wrong_check_digit["id_number"] = json!(format!("{}{bad_digit}", &number[..17]));
    wrong_check_digit["name"] = json!("另一人");

    let mut sex_disagrees = wang_xiuying();
    sex_disagrees["sex"] = json!("男");

    let mut future = wang_xiuying();
    future["id_number"] = json!(id_number("51190219500301124"));
    future["sign_off"]["date"] = json!("2099-01-01");

    let cases: Vec<(&str, Value, &str)> = vec![
        ("wrong check digit", wrong_check_digit, "id_number"),
        ("sex disagrees with the ID", sex_disagrees, "sex"),
        ("date in the future", future, "sign_off.date"),
        ("the same ID number again", wang_xiuying(), "id_number"),
        (
            "unknown field",
            json!({"unit": "511902106202", "name": "x", "sex": "male", "birth_date": "1950-01-01", "colour": "red"}),
            "colour",
        ),
        ("missing field", json!({"unit": "511902106202", "sex": "male", "birth_date": "1950-01-01"}), "name"),
    ];
    for (story, record, field) in cases {
        let out = office.add(&record);
        assert_eq!(code(&out), 2, "{story}: {}", stderr(&out));
        let err: Value = serde_json::from_str(stderr(&out).trim()).unwrap();
        let fields: Vec<&str> = err["error"]["violations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["field"].as_str().unwrap())
            .collect();
        assert!(fields.contains(&field), "{story}: {err}");
        for v in err["error"]["violations"].as_array().unwrap() {
            assert!(!v["zh"].as_str().unwrap().is_empty() && !v["en"].as_str().unwrap().is_empty());
        }
    }
    let out = office.run(&["elder", "add"], Some("{not json"));
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("JSON"), "{}", stderr(&out));

    let id = office.json(&["elder", "list"])[0]["id"].as_str().unwrap().to_string();
    for args in [
        vec!["elder", "set", id.as_str(), "phone=12345"],
        vec!["elder", "set", id.as_str(), "health=great"],
        vec!["elder", "set", id.as_str(), "address=新地址", "birth_date=1950-03-02"],
        vec!["elder", "set", id.as_str(), "nickname=阿婆"],
        vec!["elder", "set", "0123456789abcdef0123456789abcdef", "phone=13912345678"],
        vec!["elder", "set", "not-an-id", "phone=13912345678"],
        vec!["elder", "archive", id.as_str(), "--reason", "迁往成都", "--status", "active"],
        vec!["elder", "archive", id.as_str(), "--reason", "迁往成都", "--on", "2099-01-01"],
        vec!["elder", "list", "--category", "rich"],
        vec!["init", "--profile", "sichuan", "--unit", "511902106202", "--name", "斑竹村"],
        vec!["elder", "check", id.as_str(), "--profile", "atlantis"],
    ] {
        let out = office.run(&args, None);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(" / "), "both languages: {}", stderr(&out));
    }
    assert_eq!(office.json(&["info"])["pending_changes"], pending, "a rejected command queues nothing");
    assert_eq!(
        office.snapshot()["elders"],
        before["elders"],
        "a rejected command leaves every stored record as it was"
    );
}

#[test]
fn other_failures_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.sqlite");
    std::fs::write(&garbage, b"this is not a database, it is a shopping list").unwrap();
    let out = run_with(&garbage, &["elder", "list"], None);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let out = run_with(
        dir.path(),
        &["init", "--profile", "sichuan", "--unit", "511902106202", "--name", "斑竹村"],
        None,
    );
    assert_eq!(code(&out), 1, "a directory is no database: {}", stderr(&out));
}

#[test]
fn a_database_that_was_never_initialised_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_with(&dir.path().join("none.sqlite"), &["elder", "list"], None);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("shouwang init"), "{}", stderr(&out));
}

#[test]
fn edits_archive_and_rebuild() {
    let office = Office::new();
    let out = office.add(&wang_xiuying());
    let id = serde_json::from_slice::<Value>(&out.stdout).unwrap()["id"].as_str().unwrap().to_string();

    let saved = office.json(&[
        "elder",
        "set",
        &id,
        "phone=",
        "health=患病",
        "illness=高血压",
        "categories=独居,经济困难",
    ]);
    assert!(saved["changes"].as_u64().unwrap() > 0);
    let shown = office.json(&["elder", "show", &id]);
    assert!(shown.get("phone").is_none(), "an empty value clears the field");
    assert_eq!(shown["health"], "ill");
    assert_eq!(shown["categories"], json!(["living_alone", "hardship"]));
    // The same values again change nothing.
    let again = office.json(&["elder", "set", &id, "health=ill", "illness=高血压"]);
    assert_eq!(again["changes"], 0);

    office.json(&[
        "elder",
        "archive",
        &id,
        "--status",
        "deceased",
        "--reason",
        "2026年11月病故",
        "--on",
        "2026-11-10",
    ]);
    assert_eq!(
        office.json(&["elder", "list"]).as_array().unwrap().len(),
        0,
        "archived elders leave the active list"
    );
    let all = office.json(&["elder", "list", "--status", "all"]);
    assert_eq!(all[0]["status"], "deceased", "…but are never deleted");
    let deceased = office.json(&["elder", "list", "--status", "deceased"]);
    assert_eq!(deceased.as_array().unwrap().len(), 1);

    let rebuilt = office.json(&["rebuild"]);
    assert_eq!(rebuilt["elders"], 1);
    assert_eq!(rebuilt["rows_differing"], 0);
}

#[test]
fn a_demo_village_is_realistic_and_repeatable() {
    let office = Office::new();
    let first = office.json(&["demo", "--elders", "40", "--seed", "5"]);
    assert_eq!(first["added"], 40);
    let again = office.json(&["demo", "--elders", "40", "--seed", "5"]);
    assert_eq!(again["added"], 0, "the same seed registers the same people");
    assert_eq!(again["already_registered"], 40);
    let rows = office.json(&["elder", "list"]);
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 40);
    assert!(rows.iter().all(|r| r["age"].as_i64().unwrap() >= 60));
    assert!(rows.iter().any(|r| r["health"] == "ill") && rows.iter().any(|r| r["health"] == "disabled"));
    let shown = office.json(&["elder", "show", rows[0]["id"].as_str().unwrap()]);
    assert!(shown["supporters"].as_array().unwrap().iter().any(|s| s["away"] == true));
}

#[test]
fn a_list_piped_into_a_reader_that_stops_early_ends_quietly() {
    let office = Office::new();
    assert_eq!(code(&office.run(&["demo", "--elders", "40", "--seed", "5"], None)), 0);
    // `shouwang elder list | head -1`: the reader goes away before the list is printed.
    let mut child = Command::new(env!("CARGO_BIN_EXE_shouwang"))
        .env("SHOUWANG_PASSPHRASE", crate::PASSPHRASE)
        .arg("--db")
        .arg(&office.db)
        .args(["elder", "list"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
}
