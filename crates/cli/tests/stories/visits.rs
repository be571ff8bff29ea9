//! Helpers, assignments, visits and the schedule through the real `shouwang` binary.
//! Exit codes: 0 done, 2 invalid input (nothing written), 1 any other failure.

use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

struct Office {
    _dir: tempfile::TempDir,
    db: PathBuf,
}

impl Office {
    /// The demo village: elders, helpers with homes, the organisation, assignments and visits.
    fn demo(elders: &str) -> Office {
        let dir = tempfile::tempdir().unwrap();
        let office = Office { db: dir.path().join("registry.sqlite"), _dir: dir };
        office.ok(&["demo", "--elders", elders, "--seed", "4"]);
        office
    }

    fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_shouwang"))
            .env("SHOUWANG_PASSPHRASE", crate::PASSPHRASE)
            .arg("--db")
            .arg(&self.db)
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

    fn ok(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.run(&all, None);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// Runs a command expected to be refused: exit 2, the error as JSON.
    fn refused(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.run(&all, None);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", String::from_utf8_lossy(&out.stdout));
        serde_json::from_slice(&out.stderr).unwrap()
    }

    fn pending(&self) -> Value {
        self.ok(&["info"])["pending_changes"].clone()
    }
}

#[test]
fn a_helper_logs_a_visit_with_flags_and_bad_visits_are_refused_with_nothing_written() {
    let office = Office::demo("30");
    let helpers = office.ok(&["helper", "list"]);
    assert!(helpers.as_array().unwrap().len() >= 3);
    assert_eq!(office.ok(&["org", "show"])["village"]["members"].as_array().unwrap().len(), 3);
    let elder = office.ok(&["elder", "list", "--limit", "1"])[0]["id"].as_str().unwrap().to_string();

    let saved = office.ok(&[
        "visit",
        "log",
        &elder,
        "--mode",
        "上门",
        "--fine",
        "food,clothing,housing",
        "--concern",
        "medical=血压高",
        "--service",
        "巡访,助洁",
    ]);
    let id = saved["id"].as_str().unwrap().to_string();
    let shown = office.ok(&["visit", "show", &id]);
    assert_eq!(shown["checks"]["medical"]["note"], "血压高");
    assert_eq!(shown["services"], serde_json::json!(["patrol", "tidying"]));
    assert_eq!(
        shown["helper"],
        office.ok(&["due"]).as_array().unwrap().iter().find(|e| e["elder"] == elder.as_str()).unwrap()
            ["helper"]
    );

    let before = office.pending();
    let no_verdict = office.refused(&["visit", "log", &elder, "--mode", "door", "--fine", "food,clothing"]);
    let fields: Vec<&str> = no_verdict["error"]["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["checks.housing.verdict", "checks.medical.verdict"]);
    let future = office.refused(&[
        "visit",
        "log",
        &elder,
        "--mode",
        "phone",
        "--fine",
        "all",
        "--at",
        "2099-01-01 10:00",
    ]);
    assert_eq!(future["error"]["violations"][0]["rule"], "future_date");
    assert!(future["error"]["violations"][0]["zh"].as_str().unwrap().contains("晚于今天"));
    office.ok(&["elder", "archive", &elder, "--reason", "迁往成都", "--status", "moved_away"]);
    let archived_before = office.pending();
    let archived = office.refused(&["visit", "log", &elder, "--mode", "door", "--fine", "all"]);
    assert_eq!(archived["error"]["violations"][0]["field"], "elder");
    assert_eq!(office.pending(), archived_before, "nothing written");
    assert_ne!(archived_before, before, "the archive itself was written");
}

#[test]
fn a_far_door_visit_is_warned_about_an_amendment_keeps_the_original_and_rebuild_agrees() {
    let office = Office::demo("20");
    let elder = office.ok(&["elder", "list", "--limit", "1"])[0]["id"].as_str().unwrap().to_string();
    let home = office.ok(&["elder", "show", &elder])["home"].clone();
    let far = format!("{},{},15", home["lat"].as_f64().unwrap() + 0.045, home["lon"].as_f64().unwrap());
    let saved = office.ok(&["visit", "log", &elder, "--mode", "door", "--fine", "all", "--position", &far]);
    assert_eq!(saved["warnings"][0]["rule"], "far_from_home");
    let id = saved["id"].as_str().unwrap().to_string();

    let amended =
        office.ok(&["visit", "amend", &id, "--concern", "housing=屋顶漏雨", "--follow-up", "报村委会维修"]);
    assert_eq!(amended["amends"], id.as_str());
    let history = office.ok(&["visit", "list", "--elder", &elder, "--history"]);
    assert!(history
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v["id"] == id.as_str() && v["checks"]["housing"]["verdict"] == "fine"));
    let list = office.ok(&["visit", "list", "--elder", &elder]);
    assert!(list.as_array().unwrap().iter().all(|v| v["id"] != id.as_str()), "shown as its amendment");
    assert!(list.as_array().unwrap().iter().any(|v| v["id"] == amended["id"]));

    let rebuilt = office.ok(&["rebuild"]);
    assert_eq!(rebuilt["rows_differing"], 0);
}

#[test]
fn a_draft_waits_on_the_device_until_the_visit_is_submitted_and_family_calls_are_logged() {
    let office = Office::demo("5");
    let elder = office.ok(&["elder", "list", "--limit", "1"])[0]["id"].as_str().unwrap().to_string();
    let draft = r#"{"mode": "door", "checks": {"food": {"verdict": "fine"}}}"#;
    let out = office.run(&["--json", "visit", "draft", "save", &elder], Some(draft));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(office.ok(&["visit", "draft", "show", &elder])["checks"]["food"]["verdict"], "fine");
    assert_eq!(office.ok(&["visit", "draft", "list"]).as_array().unwrap().len(), 1);
    office.ok(&["visit", "log", &elder, "--mode", "phone", "--fine", "all", "--service", "精神慰藉"]);
    assert!(office.ok(&["visit", "draft", "list"]).as_array().unwrap().is_empty(), "removed on submit");

    office.ok(&["family", "call", &elder, "--caller", "王建国", "--relation", "儿子", "--note", "春节回家"]);
    let calls = office.ok(&["family", "calls", &elder]);
    assert_eq!(calls[0]["caller"], "王建国");
    assert_eq!(
        office.refused(&["family", "call", &elder, "--caller", " "])["error"]["violations"][0]["field"],
        "caller"
    );
}

#[test]
fn the_committee_assigns_by_reach_replaces_a_helper_and_lists_who_is_overdue() {
    let office = Office::demo("40");
    let plan = office.ok(&["assign", "--suggest", "--all"]);
    let remote = plan["plan"]["remote"].as_array().unwrap().clone();
    assert!(!remote.is_empty(), "some of the village lives beyond every helper's walk");
    assert!(plan["remote_note"].as_str().unwrap().contains("视频"));
    let reach = office.ok(&["helper", "reach"]);
    assert_eq!(reach["remote"].as_array().unwrap(), &remote);

    let helpers = office.ok(&["helper", "list"]);
    let busiest = helpers.as_array().unwrap().iter().max_by_key(|h| h["elders"].as_u64()).unwrap().clone();
    let old = busiest["id"].as_str().unwrap();
    let new = office.ok(&[
        "helper",
        "add",
        "--name",
        "刘淑珍",
        "--phone",
        "13812345678",
        "--home",
        "31.7462,106.8321",
    ]);
    let new = new["id"].as_str().unwrap();
    let replaced = office.ok(&["helper", "replace", old, new, "--reason", "外出务工"]);
    assert_eq!(replaced["moved"].as_array().unwrap().len() as u64, busiest["elders"].as_u64().unwrap());
    let shown = office.ok(&["helper", "show", old]);
    assert_eq!(shown["helper"]["status"], "replaced");
    assert_eq!(shown["elders"].as_array().unwrap().len(), 0);
    assert_eq!(
        office.ok(&["helper", "show", new])["elders"].as_array().unwrap().len() as u64,
        busiest["elders"].as_u64().unwrap()
    );

    let overdue = office.ok(&["due", "--overdue"]);
    let statuses: Vec<&str> =
        overdue.as_array().unwrap().iter().map(|e| e["status"].as_str().unwrap()).collect();
    assert!(statuses.iter().all(|s| *s != "upcoming"));
    let mut sorted = statuses.clone();
    sorted.sort_by_key(|s| *s != "overdue");
    assert_eq!(statuses, sorted, "overdue first");
    let bad = office.refused(&["assign", remote[0].as_str().unwrap()]);
    assert_eq!(bad["error"]["violations"][0]["field"], "helper");
}

#[test]
fn an_emergency_opens_a_case_that_is_advanced_flagged_and_closed() {
    let office = Office::demo("10");
    let elders = office.ok(&["elder", "list", "--limit", "2"]);
    let (first, second) = (elders[0]["id"].as_str().unwrap(), elders[1]["id"].as_str().unwrap());

    // 助急 two days ago: family, 120 and the village doctor were called; nobody reported it since.
    let two_days_ago = (chrono::Utc::now() - chrono::Duration::days(2)).to_rfc3339();
    let opened = office.ok(&[
        "emergency",
        first,
        "--called",
        "family,120,村医",
        "--note",
        "老人摔倒，头部出血",
        "--at",
        &two_days_ago,
    ]);
    let case = opened["case"].as_str().unwrap().to_string();
    let flagged = office.ok(&["case", "list", "--flagged"]);
    assert_eq!(flagged.as_array().unwrap().len(), 1, "left at 发现 beyond a day: {flagged}");
    assert_eq!(flagged[0]["called"], serde_json::json!(["family", "120", "doctor"]));
    assert_eq!(flagged[0]["waiting_for"], "reported");

    // Skipping 报告 without a reason is refused, in both languages, and writes nothing.
    let before = office.pending();
    let skip = office.refused(&["case", "advance", &case, "--stage", "转介", "--by", "村委会"]);
    assert_eq!(skip["error"]["violations"][0]["field"], "skip_reason");
    assert!(skip["error"]["violations"][0]["zh"].as_str().unwrap().contains("报告"));
    assert!(skip["error"]["violations"][0]["en"].as_str().unwrap().contains("skipped"));
    let bad = office.refused(&["emergency", second, "--called", "家属,警察", "--note", "x", "--by", "李"]);
    assert_eq!(bad["error"]["violations"][0]["field"], "called");
    assert_eq!(office.pending(), before, "nothing written");

    // The next stage by default, then 转介, 救助 and closing: the case leaves the open list.
    office.ok(&["case", "advance", &case, "--by", "村委会 李主任", "--note", "已报告乡镇民政办"]);
    assert!(office.ok(&["case", "list", "--flagged"]).as_array().unwrap().is_empty());
    office.ok(&["case", "advance", &case, "--stage", "referred", "--by", "乡镇民政办"]);
    office.ok(&["case", "advance", &case, "--by", "镇卫生院"]);
    let shown = office.ok(&["case", "show", &case]);
    let stages: Vec<&str> =
        shown["stages"].as_array().unwrap().iter().map(|s| s["stage"].as_str().unwrap()).collect();
    assert_eq!(stages, ["reported", "referred", "assisted"]);
    office.ok(&["case", "close", &case, "--outcome", "已住院", "--by", "李主任"]);
    assert!(office.ok(&["case", "list", "--open"]).as_array().unwrap().is_empty());
    let again = office.refused(&["case", "close", &case, "--outcome", "resolved", "--by", "李主任"]);
    assert_eq!(again["error"]["violations"][0]["field"], "case");
    let months = office.ok(&["case", "months"]);
    let this = months.as_array().unwrap().last().unwrap();
    assert!(this["emergencies"].as_u64().unwrap() >= 1, "{months}");
}

#[test]
fn a_visit_with_a_concern_opens_a_case_and_a_fine_visit_cannot() {
    let office = Office::demo("10");
    let elder = office.ok(&["elder", "list", "--limit", "1"])[0]["id"].as_str().unwrap().to_string();
    let before = office.pending();
    let fine = office.refused(&["visit", "log", &elder, "--mode", "phone", "--fine", "all", "--open-case"]);
    assert_eq!(fine["error"]["violations"][0]["field"], "open_case");
    assert_eq!(office.pending(), before, "neither the visit nor a case was written");
    let saved = office.ok(&[
        "visit",
        "log",
        &elder,
        "--mode",
        "door",
        "--fine",
        "food,clothing,medical",
        "--concern",
        "housing=屋顶漏雨",
        "--open-case",
    ]);
    let case = saved["case"].as_str().unwrap();
    let shown = office.ok(&["case", "show", case]);
    assert_eq!(shown["opened"]["visit"], saved["id"]);
    assert!(shown["opened"]["summary"].as_str().unwrap().contains("屋顶漏雨"));
    let rebuilt = office.ok(&["rebuild"]);
    assert!(rebuilt.is_object(), "{rebuilt}");
    assert_eq!(office.ok(&["case", "list", "--open"]).as_array().unwrap().len(), 1);
}
