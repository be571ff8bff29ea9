//! The village office at the command line: a ledger in from Excel, the registry out, the summary
//! table with its checks, a risk check. Real binary, real database files.

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

struct Office {
    dir: tempfile::TempDir,
    db: PathBuf,
}

impl Office {
    fn new(profile: &str, unit: &str) -> Office {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("registry.sqlite");
        let office = Office { dir, db };
        let out = office.run(&["init", "--profile", profile, "--unit", unit, "--name", "斑竹村"]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        office
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn run(&self, args: &[&str]) -> Output {
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
        child.stdin.take().unwrap().write_all(b"").unwrap();
        child.wait_with_output().unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.run(&all);
        assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    }

    fn count(&self) -> usize {
        self.json(&["elder", "list"]).as_array().unwrap().len()
    }
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// A ledger of 12 demo elders in which the fourth elder's ID number has a wrong check digit.
fn ledger_with_a_bad_row(office: &Office) -> PathBuf {
    let csv = shouwang_core::ledger::sample_ledger(12, 5);
    let mut lines: Vec<String> = csv.split("\r\n").map(str::to_string).collect();
    let id = lines[4].split(',').nth(5).unwrap().to_string();
    let bad = format!("{}{}", &id[..17], if id.ends_with('0') { '1' } else { '0' });
    lines[4] = lines[4].replacen(&id, &bad, 1);
    let path = office.file("台账.csv");
    std::fs::write(&path, lines.join("\r\n")).unwrap();
    path
}

#[test]
fn an_office_imports_its_spreadsheet_a_bad_row_is_reported_and_a_second_import_changes_nothing() {
    let office = Office::new("sichuan", "511902106202");
    let file = ledger_with_a_bad_row(&office);
    // A run with a refused row exits 2, so a script can tell; the JSON still lists every row.
    let dry_run = office.run(&["--json", "import", p(&file), "--dry-run"]);
    assert_eq!(code(&dry_run), 2, "{}", stderr(&dry_run));
    assert!(stderr(&dry_run).contains("1 rows were refused"), "{}", stderr(&dry_run));
    let dry: Value = serde_json::from_slice(&dry_run.stdout).unwrap();
    assert_eq!(
        (dry["rows"].as_u64(), dry["refused"].as_u64(), dry["imported"].clone()),
        (Some(12), Some(1), Value::Null)
    );
    let refused = dry["plan"].as_array().unwrap().iter().find(|r| r["action"] == "refuse").unwrap();
    assert_eq!(refused["row"], 5);
    let problem = &refused["problems"][0];
    assert_eq!(
        (problem["column"].as_str(), problem["rule"].as_str()),
        (Some("身份证号码"), Some("id_checksum"))
    );
    assert!(!problem["zh"].as_str().unwrap().is_empty() && !problem["en"].as_str().unwrap().is_empty());
    assert_eq!(office.count(), 0, "a dry run writes nothing");

    let out = office.run(&["import", p(&file)]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(stderr(&out).contains("其余行已导入"), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("第 5 行") && text.contains("[身份证号码] id_checksum"), "{text}");
    assert_eq!(office.count(), 11);

    let again = office.run(&["--json", "import", p(&file)]);
    assert_eq!(code(&again), 2, "the bad row is still refused");
    let again: Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!((again["imported"].as_u64(), again["existing"].as_u64()), (Some(0), Some(11)));
    assert_eq!(office.count(), 11);
}

#[test]
fn the_registry_exported_and_imported_into_a_fresh_registry_exports_the_same_file() {
    let office = Office::new("sichuan", "511902106202");
    assert_eq!(code(&office.run(&["demo", "--elders", "20", "--seed", "4"])), 0);
    let xlsx = office.file("台账.xlsx");
    let csv = office.file("台账.csv");
    office.json(&["export", p(&xlsx)]);
    office.json(&["export", p(&csv)]);
    let fresh = Office::new("sichuan", "511902106202");
    let imported = fresh.json(&["import", p(&xlsx)]);
    assert_eq!(imported["refused"], 0, "{imported:#}");
    let again = fresh.file("again.csv");
    fresh.json(&["export", p(&again)]);
    assert_eq!(std::fs::read(&again).unwrap(), std::fs::read(&csv).unwrap());
    assert!(std::fs::read(&csv).unwrap().starts_with("\u{feff}单位代码,姓名".as_bytes()));
}

#[test]
fn the_summary_table_prints_each_check_and_a_wrong_column_17_fails_by_name() {
    let office = Office::new("guangdong", "440881101201");
    assert_eq!(code(&office.run(&["demo", "--elders", "30", "--seed", "2"])), 0);
    let out_file = office.file("汇总表.xlsx");
    let ok = office.json(&[
        "report",
        "summary",
        "--layout",
        "guangdong",
        "--date",
        "2026-11-23",
        "--entered",
        "17=500",
        "--out",
        p(&out_file),
    ]);
    assert_eq!(ok["passes"], true, "{ok:#}");
    assert!(std::fs::read(&out_file).unwrap().starts_with(b"PK"), "an XLSX file");
    let total = ok["summary"]["total"]["values"].as_array().unwrap();
    assert_eq!(total.len(), 17);
    assert_eq!(total[16], 500);

    let out = office.run(&[
        "report",
        "summary",
        "--layout",
        "guangdong",
        "--date",
        "2026-11-23",
        "--entered",
        "17=1",
    ]);
    assert_eq!(code(&out), 0);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("✗ [合计 total] 留守老人数不超过60周岁以上农村户籍老年人数（17 ≥ 1）不成立"),
        "{text}"
    );
    assert!(text.contains("✓ [合计 total] 表间勾稽关系"), "{text}");

    // The Liaoning table counts at the 2017 survey's date unless a new survey's date is given.
    let at_2017 = office.json(&["report", "summary", "--layout", "liaoning", "--date", "2026-11-23"]);
    let at_2026 = office.json(&["report", "summary", "--layout", "liaoning", "--cutoff", "2026-10-31"]);
    assert_eq!(at_2017["summary"]["cutoff"], "2017-12-31");
    assert_eq!(at_2026["summary"]["cutoff"], "2026-10-31");
    assert!(at_2026["summary"]["counted"].as_u64() > at_2017["summary"]["counted"].as_u64());
    assert_eq!(at_2026["passes"], true, "{at_2026:#}");

    let bad = office.run(&["--json", "report", "summary", "--layout", "hainan"]);
    assert_eq!(code(&bad), 2);
    assert!(stderr(&bad).contains("没有名为 hainan 的报表格式"), "{}", stderr(&bad));
    let bad = office.run(&["report", "summary", "--layout", "guangdong", "--entered", "3=4"]);
    assert_eq!(code(&bad), 2, "column 3 is counted, not entered");
}

#[test]
fn a_risk_check_prints_the_level_and_every_reason() {
    let office = Office::new("sichuan", "511902106202");
    assert_eq!(code(&office.run(&["demo", "--elders", "5", "--seed", "1"])), 0);
    let list = office.json(&["elder", "list"]);
    let id = list[0]["id"].as_str().unwrap();
    let a = office.json(&["risk", "check", id, "--date", "2026-11-23"]);
    let level = a["assessment"]["level"].as_str().unwrap();
    assert!(["low", "medium", "high"].contains(&level));
    let reasons = a["assessment"]["reasons"].as_array().unwrap();
    let score: i64 = reasons.iter().map(|r| r["points"].as_i64().unwrap()).sum();
    assert_eq!(a["assessment"]["score"].as_i64(), Some(score));
    assert!(reasons.iter().all(|r| r["zh"].is_string() && r["en"].is_string()));
    assert_eq!(code(&office.run(&["risk", "check", "nonsense"])), 2);
}

/// The summary table's XLSX opens in LibreOffice Calc: converted headless to PDF, the total row holds
/// the numbers the report computed. (LibreOffice comes with `scripts/test`: libreoffice-calc-nogui.)
#[test]
fn the_summary_xlsx_opens_in_libreoffice_with_its_numbers() {
    let office = Office::new("guangdong", "440881101201");
    assert_eq!(code(&office.run(&["demo", "--elders", "30", "--seed", "2"])), 0);
    let xlsx = office.file("summary.xlsx");
    let report = office.json(&[
        "report",
        "summary",
        "--layout",
        "guangdong",
        "--date",
        "2026-11-23",
        "--entered",
        "17=500",
        "--out",
        p(&xlsx),
    ]);
    let profile = format!("file://{}", office.file("lo-profile").display());
    let out = Command::new("soffice")
        .arg(format!("-env:UserInstallation={profile}"))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(office.dir.path())
        .arg(&xlsx)
        .output()
        .expect("soffice (LibreOffice Calc) is installed: run scripts/test or apt-get install libreoffice-calc-nogui");
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = office.file("summary.pdf");
    let text = Command::new("pdftotext").arg("-layout").arg(&pdf).arg("-").output().unwrap();
    assert!(text.status.success());
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("农村留守老年人基本信息汇总表"), "{text}");
    let total_row = text.lines().find(|l| l.trim_start().starts_with("合计")).expect("a 合计 row");
    let cells: Vec<&str> = total_row.split_whitespace().skip(1).collect();
    let expected: Vec<String> = report["summary"]["total"]["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap().to_string())
        .collect();
    assert_eq!(cells, expected, "the 合计 row as LibreOffice renders it");
    assert_eq!(expected[16], "500");
}

/// Risk assessments are stored: the yearly round, the high-risk list with its intervention and
/// follow-up, the history, and the elders not yet assessed this year.
#[test]
fn risk_assessments_are_kept_and_listed() {
    let office = Office::new("sichuan", "511902106202");
    assert_eq!(code(&office.run(&["demo", "--elders", "8", "--seed", "3"])), 0);
    let ids: Vec<String> = office
        .json(&["elder", "list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().into())
        .collect();
    let before = office.json(&["risk", "list", "--unassessed", "--today", "2026-11-23"]);
    assert_eq!(before.as_array().unwrap().len(), ids.len());

    let one = office.json(&[
        "risk",
        "assess",
        &ids[0],
        "--by",
        "赵明",
        "--intervention",
        "每周探访两次",
        "--date",
        "2026-11-23",
    ]);
    let assessment = one[0]["id"].as_str().unwrap().to_string();
    assert_eq!(one[0]["intervention"], "每周探访两次");
    let unassessed = office.json(&["risk", "list", "--unassessed", "--today", "2026-11-23"]);
    assert_eq!(unassessed.as_array().unwrap().len(), ids.len() - 1);
    assert!(unassessed.as_array().unwrap().iter().all(|r| r["elder"] != ids[0].as_str()));

    office.json(&["risk", "follow-up", &ids[0], &assessment, "--note", "子女已回电", "--date", "2026-11-30"]);
    let history = office.json(&["risk", "history", &ids[0]]);
    assert_eq!(history[0]["follow_ups"][0]["note"], "子女已回电");
    assert_eq!(history[0]["assessor"], "赵明");

    let all = office.json(&["risk", "assess", "--all", "--date", "2026-11-24"]);
    assert_eq!(all.as_array().unwrap().len(), ids.len());
    let high = office.json(&["risk", "list", "--high"]);
    let high_count = all.as_array().unwrap().iter().filter(|a| a["level"] == "high").count();
    assert_eq!(high.as_array().unwrap().len(), high_count);
    assert!(office
        .json(&["risk", "list", "--unassessed", "--today", "2026-11-24"])
        .as_array()
        .unwrap()
        .is_empty());
    assert_eq!(office.json(&["risk", "history", &ids[0]]).as_array().unwrap().len(), 2);
    let bad = office.run(&["risk", "follow-up", &ids[0], "nope", "--note", "x"]);
    assert_eq!(code(&bad), 2, "{}", stderr(&bad));
}

/// A signed agreement is filed; payments and duties recorded at the command line drive the reminders
/// of every stored agreement on the right dates.
#[test]
fn stored_agreements_raise_their_reminders_on_the_right_dates() {
    let office = Office::new("sichuan", "511902106202");
    assert_eq!(code(&office.run(&["demo", "--elders", "3", "--seed", "4"])), 0);
    let elder = office.json(&["elder", "list"])[0]["id"].as_str().unwrap().to_string();
    let mut a = shouwang_core::agreement::sample(shouwang_core::agreement::Kind::Assisted);
    a.id = String::new();
    a.elder.elder = Some(elder.parse().unwrap());
    let file = office.file("协议.json");
    std::fs::write(&file, serde_json::to_string(&a).unwrap()).unwrap();
    let id = office.json(&["agreement", "add", p(&file)])["id"].as_str().unwrap().to_string();
    assert_eq!(office.json(&["agreement", "list", "--elder", &elder]).as_array().unwrap().len(), 1);

    office.json(&["agreement", "pay", &id, "--amount", "300", "--date", "2026-12-01"]);
    office.json(&["agreement", "done", &id, "--duty", "delegator_calls", "--date", "2026-12-06"]);
    office.json(&["agreement", "done", &id, "--duty", "committee_checks", "--date", "2026-12-03"]);
    let due = |today: &str| -> Vec<(String, String, i64)> {
        let all = office.json(&["agreement", "reminders", "--today", today]);
        all.as_array()
            .unwrap()
            .iter()
            .flat_map(|a| a["reminders"].as_array().unwrap().clone())
            .map(|r| {
                let what = r["duty"].as_str().unwrap_or(r["kind"].as_str().unwrap()).to_string();
                (what, r["due"].as_str().unwrap().to_string(), r["days_overdue"].as_i64().unwrap())
            })
            .collect()
    };
    let dec10 = due("2026-12-10");
    assert!(dec10.contains(&("delegator_calls".into(), "2026-12-13".into(), 0)), "{dec10:?}");
    assert!(dec10.contains(&("committee_checks".into(), "2026-12-10".into(), 0)), "{dec10:?}");
    let dec14 = due("2026-12-14");
    assert!(dec14.contains(&("delegator_calls".into(), "2026-12-13".into(), 1)), "{dec14:?}");
    // January's fee unpaid: on 1 February the trustee may end it, and does; the family must settle.
    let feb = due("2027-02-01");
    assert!(feb.contains(&("trustee_may_end".into(), "2027-02-01".into(), 0)), "{feb:?}");
    let short = office.run(&[
        "agreement",
        "end",
        &id,
        "--by",
        "delegator",
        "--reason",
        "no_fault",
        "--notice",
        "2027-02-01",
        "--on",
        "2027-02-05",
    ]);
    assert_eq!(code(&short), 2, "15 days' notice: {}", stderr(&short));
    office.json(&[
        "agreement",
        "end",
        &id,
        "--by",
        "trustee",
        "--reason",
        "non_payment",
        "--notice",
        "2027-02-01",
        "--on",
        "2027-02-01",
    ]);
    assert_eq!(due("2027-02-05"), vec![("settle".into(), "2027-02-11".into(), 0)]);
    let renewed = office.json(&["agreement", "renew", &id, "--years", "1"]);
    assert_eq!(renewed["renews"], id.as_str());
    assert_eq!(renewed["start"], "2027-02-02");
    let bad = office.run(&["agreement", "pay", &id, "--amount", "3.005"]);
    assert_eq!(code(&bad), 2);
}
