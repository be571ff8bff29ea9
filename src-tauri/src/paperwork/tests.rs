//! The paperwork commands through Tauri's IPC on the mock runtime, and their conversions.

use super::*;
use serde_json::{json, Value};
use shouwang_core::store::SyncState;
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime};
use tauri::{App, WebviewWindow, WebviewWindowBuilder};

struct Device {
    dir: tempfile::TempDir,
    _app: App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
}

fn now() -> chrono::DateTime<Utc> {
    Utc::now()
}

/// A device on a fresh database prepared by `prepare`, exporting into its own temporary directory.
fn device(prepare: impl FnOnce(&Path)) -> Device {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.sqlite");
    prepare(&path);
    let app = crate::setup(mock_builder())
        .manage(AppState::new(path))
        .manage(ExportDir(dir.path().join("downloads")))
        .build(mock_context(noop_assets()))
        .unwrap();
    let window = WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
    Device { dir, _app: app, window }
}

impl Device {
    fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        crate::tests::invoke(&self.window, cmd, json!({ "args": args }))
    }

    fn registered(&self) -> usize {
        self.call("list_elders", json!({})).unwrap().as_array().unwrap().len()
    }
}

/// The demo village 斑竹村 (Bazhou) with `n` elders.
fn village(path: &Path, n: usize) -> Vec<ElderId> {
    let mut store = Store::init(path, "511902106202".parse().unwrap(), "斑竹村", "sichuan", now()).unwrap();
    let demo = shouwang_core::demo::DemoVillage::bazhou();
    shouwang_core::demo::demo_village(&demo, n, 7)
        .into_iter()
        .map(|e| store.add_elder(e, now()).unwrap().id)
        .collect()
}

fn enrol_as(path: &Path, role: &str) {
    let mut store = Store::open(path, now()).unwrap();
    let state = SyncState {
        // Nothing listens here: asking the relay fails at once, as when the office is offline.
        relay: "http://127.0.0.1:9".into(),
        token: "t".into(),
        device_id: "d1".into(),
        role: role.into(),
        scope: "511902106202".into(),
        elder: None,
        helper: None,
        epoch: "e".into(),
        cursor: 0,
        last_success: None,
        last_attempt: None,
        last_error: None,
    };
    store.set_enrolment(&state, now()).unwrap();
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The sample ledger (an office's CSV) with the ID number of its first data row given a wrong check
/// digit; returns the file and that row's name.
fn ledger_with_one_bad_id(n: usize) -> (String, String) {
    let text = ledger::sample_ledger(n, 11);
    let sheet = ledger::read_csv(text.as_bytes()).unwrap();
    let col = |part: &str| sheet.headings.iter().position(|h| h.contains(part)).unwrap();
    let (id_col, name_col) = (col("身份证"), col("姓名"));
    let (row, cells) = &sheet.rows[0];
    assert_eq!(*row, 2, "the first data row, under the headings");
    let id = cells[id_col].text();
    assert_eq!(id.len(), 18, "the sample row has an ID number: {id}");
    let last = if id.ends_with('0') { "1" } else { "0" };
    (text.replacen(&id, &format!("{}{last}", &id[..17]), 1), cells[name_col].text())
}

#[test]
fn only_the_committee_and_the_township_do_the_paperwork() {
    assert!(require_office(AppRole::Committee, "x").is_ok());
    assert!(require_office(AppRole::Township, "x").is_ok());
    for role in [AppRole::Helper, AppRole::Family] {
        assert_eq!(require_office(role, "打印明白卡").unwrap_err().kind, ErrorKind::Forbidden);
    }
    for role in ["helper", "family"] {
        let d = device(|p| {
            village(p, 2);
            enrol_as(p, role);
        });
        for (cmd, args) in [
            ("summary_table", json!({})),
            ("monthly_progress", json!({})),
            ("export_ledger", json!({ "format": "csv" })),
            ("preview_import", json!({ "name": "a.csv", "data": b64(b"x") })),
            ("print_cards", json!({ "elders": ["0".repeat(32)], "paper": "a6" })),
        ] {
            assert_eq!(d.call(cmd, args).unwrap_err()["kind"], "forbidden", "{role} {cmd}");
        }
    }
}

#[test]
fn dates_months_and_layouts_are_read_or_refused_under_their_field() {
    let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    assert_eq!(parse_date("date", None, day).unwrap(), day);
    assert_eq!(parse_date("date", Some(" 2026-10-31 "), day).unwrap().to_string(), "2026-10-31");
    let err = parse_date("date", Some("2026/10/31"), day).unwrap_err();
    assert_eq!((err.kind, err.field.as_deref()), (ErrorKind::Invalid, Some("date")));
    assert!(err.message.contains("年-月-日"), "{}", err.message);
    assert_eq!(parse_month(None, day).unwrap().to_string(), "2026-11-01");
    assert_eq!(parse_month(Some("2026-02"), day).unwrap().to_string(), "2026-02-01");
    assert_eq!(parse_month(Some("11月"), day).unwrap_err().field.as_deref(), Some("month"));

    assert_eq!(choose_layout(None, "guangdong").unwrap().id, "guangdong");
    assert_eq!(choose_layout(None, "liaoning").unwrap().id, "liaoning");
    assert_eq!(choose_layout(Some("liaoning"), "guangdong").unwrap().id, "liaoning");
    // A profile without a 附件2 of its own (Bazhou) gets the first layout shipped.
    assert_eq!(choose_layout(None, "sichuan").unwrap().id, Layout::builtin_names()[0]);
    assert_eq!(choose_layout(Some("hunan"), "sichuan").unwrap_err().field.as_deref(), Some("layout"));

    let unread = read_ledger(&LedgerFile { name: "台账.doc".into(), data: b64(b"x"), sheet: None });
    assert!(unread.unwrap_err().message.contains(".xlsx"));
    let not_b64 = read_ledger(&LedgerFile { name: "a.csv".into(), data: "%%%".into(), sheet: None });
    assert_eq!(not_b64.unwrap_err().field.as_deref(), Some("file"));

    let dir = tempfile::tempdir().unwrap();
    let first = free_path(dir.path(), "附件2汇总表-斑竹村/511902106202", "xlsx");
    assert!(first.ends_with("附件2汇总表-斑竹村_511902106202.xlsx"), "{first:?}");
    std::fs::write(&first, b"x").unwrap();
    let second = free_path(dir.path(), "附件2汇总表-斑竹村/511902106202", "xlsx");
    assert!(second.ends_with("附件2汇总表-斑竹村_511902106202-2.xlsx"), "an earlier export is kept");
    assert_eq!(default_area(&"511902106202".parse().unwrap()), "巴州区");
}

#[test]
fn the_committee_opens_the_summary_table_with_the_forms_headings_and_exports_it() {
    let d = device(|p| drop(village(p, 30)));
    let table = d.call("summary_table", json!({ "layout": "guangdong" })).unwrap();
    assert_eq!(table["title"], "农村留守老年人基本信息汇总表");
    assert_eq!(table["headings"].as_array().unwrap().len(), 17);
    assert_eq!(table["headings"][3], json!(["夫妻情况", "双方健在"]));
    assert_eq!(table["entered_columns"], json!([17]));
    assert_eq!(table["unit_name"], "斑竹村");
    let counted = table["counted"].as_u64().unwrap();
    assert!(counted > 0, "demo elders are left behind: {table}");
    assert_eq!(table["total"]["values"][0], counted);
    assert_eq!(table["passes"], true);
    let checks = table["checks"].as_array().unwrap();
    assert!(!checks.is_empty());
    assert!(checks.iter().all(|c| c["passed"] == true && c["message"].as_str().unwrap().contains("通过")));

    // Column 17 entered smaller than column 1 breaks the check of column 17 against 1.
    let short = d
        .call("summary_table", json!({ "layout": "guangdong", "entered": [{ "column": 17, "value": 1 }] }))
        .unwrap();
    assert_eq!(short["total"]["values"][16], 1);
    assert_eq!(short["passes"], false);
    let err = d
        .call("summary_table", json!({ "layout": "guangdong", "entered": [{ "column": 3, "value": 1 }] }))
        .unwrap_err();
    assert_eq!((err["kind"].as_str(), err["field"].as_str()), (Some("invalid"), Some("entered.3")));
    let err = d.call("summary_table", json!({ "unit": "440103001001" })).unwrap_err();
    assert_eq!(err["field"], "unit");

    let file = d
        .call(
            "export_summary",
            json!({ "query": { "layout": "guangdong", "date": "2026-10-31" }, "format": "xlsx" }),
        )
        .unwrap();
    let path = PathBuf::from(file["path"].as_str().unwrap());
    assert!(path.starts_with(d.dir.path().join("downloads")), "{path:?}");
    let name = file["name"].as_str().unwrap();
    assert!(
        name.contains("斑竹村") && name.contains("511902106202") && name.contains("2026-10-31"),
        "{name}"
    );
    assert!(std::fs::read(&path).unwrap().starts_with(b"PK"), "an XLSX workbook");
    let csv = d.call("export_summary", json!({ "query": {}, "format": "csv" })).unwrap();
    let text = std::fs::read_to_string(csv["path"].as_str().unwrap()).unwrap();
    assert!(text.contains("合计"), "{text}");
}

#[test]
fn the_monthly_progress_counts_every_elder_served_and_exports() {
    let d = device(|p| drop(village(p, 6)));
    let report = d.call("monthly_progress", json!({ "month": null })).unwrap();
    let rows = report["rows"].as_array().unwrap();
    assert_eq!(
        rows.iter().map(|r| r["level"].as_str().unwrap()).collect::<Vec<_>>(),
        ["village", "township", "total"]
    );
    assert_eq!(rows[0]["name"], "斑竹村");
    assert_eq!(rows[2]["elders"], 6);
    assert_eq!(rows[2]["visits"], 0);
    assert_eq!(rows[2]["coverage_percent"], 0.0);
    assert_eq!(rows[2]["overdue"], 6, "never visited: overdue");
    let err = d.call("monthly_progress", json!({ "month": "November" })).unwrap_err();
    assert_eq!(err["field"], "month");
    let file = d.call("export_progress", json!({ "query": {}, "format": "csv" })).unwrap();
    let text = std::fs::read_to_string(file["path"].as_str().unwrap()).unwrap();
    assert!(text.contains("月探访率"), "{text}");
}

#[test]
fn a_ledger_with_one_bad_id_number_imports_its_good_rows_only() {
    let d = device(|p| drop(village(p, 2)));
    let before = d.registered();
    let (csv, bad_name) = ledger_with_one_bad_id(6);
    let file = json!({ "name": "斑竹村台账.csv", "data": b64(csv.as_bytes()) });

    let preview = d.call("preview_import", file.clone()).unwrap();
    assert_eq!(preview["refused"], 1, "{preview:#}");
    assert_eq!(preview["written"], false);
    let refused: Vec<&Value> =
        preview["lines"].as_array().unwrap().iter().filter(|l| l["action"] == "refuse").collect();
    assert_eq!(refused[0]["row"], 2, "the first data row, as Excel numbers it");
    assert_eq!(refused[0]["name"], bad_name.as_str());
    let problem = &refused[0]["problems"][0];
    assert_eq!(problem["field"], "id_number");
    assert!(problem["column"].as_str().unwrap().contains("身份证"), "{problem}");
    assert!(problem["message"].as_str().unwrap().contains("校验"), "in Chinese: {problem}");
    assert!(!problem["en"].as_str().unwrap().is_empty());
    let good = preview["add"].as_u64().unwrap() as usize;
    assert!(good > 0);
    assert_eq!(d.registered(), before, "a dry run writes nothing");

    let done = d.call("import_ledger", file.clone()).unwrap();
    assert_eq!(done["imported"], good);
    assert_eq!(done["written"], true);
    assert_eq!(d.registered(), before + good, "the good rows only");
    // The same file again: every good row is already registered, nothing doubled.
    let again = d.call("import_ledger", file).unwrap();
    assert_eq!((again["imported"].as_u64(), again["existing"].as_u64()), (Some(0), Some(good as u64)));
    assert_eq!(d.registered(), before + good);

    let exported = d.call("export_ledger", json!({ "format": "xlsx" })).unwrap();
    assert!(exported["name"].as_str().unwrap().starts_with("信息台账-斑竹村"));
    let sheet = ledger::read_file(Path::new(exported["path"].as_str().unwrap()), None).unwrap();
    assert_eq!(sheet.rows.len(), before + good);
}

#[test]
fn contact_cards_print_one_per_elder_without_id_numbers_and_say_why_there_is_no_qr_code() {
    let mut ids = Vec::new();
    let d = device(|p| ids = village(p, 3));
    let elders: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let printed = d.call("print_cards", json!({ "elders": elders, "paper": "a6" })).unwrap();
    let html = printed["html"].as_str().unwrap();
    assert_eq!(printed["cards"], 3);
    assert_eq!(html.matches("class=\"card\"").count(), 3);
    assert!(html.contains("巴州区农村互助养老明白卡"));
    assert_eq!(printed["with_code"], 0);
    assert!(printed["no_code"].as_str().unwrap().contains("未印二维码"), "said clearly: {printed}");
    assert!(!html.contains("<svg"), "no QR code without a code from the relay");
    let store = Store::open(d.dir.path().join("app.sqlite"), now()).unwrap();
    let numbers: Vec<String> = ids.iter().filter_map(|id| store.elder(id).unwrap().id_number).collect();
    assert_eq!(numbers.len(), 3, "the demo elders have ID numbers");
    assert!(numbers.iter().all(|n| !html.contains(n.as_str())), "no ID number on a card");
    drop(store);

    let sheet = d.call("print_cards", json!({ "elders": [elders[0]], "paper": "a4" })).unwrap();
    assert!(sheet["html"].as_str().unwrap().contains("class=\"sheet\""));
    let err = d.call("print_cards", json!({ "elders": [], "paper": "a6" })).unwrap_err();
    assert_eq!(err["field"], "elders");
}

#[test]
fn an_enrolled_office_that_cannot_reach_its_relay_prints_without_a_code_and_says_so() {
    let mut ids = Vec::new();
    let d = device(|p| {
        ids = village(p, 2);
        enrol_as(p, "committee");
    });
    let elders: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let printed =
        d.call("print_cards", json!({ "elders": elders, "paper": "a6", "area": "巴州区" })).unwrap();
    assert_eq!(printed["cards"], 2);
    assert_eq!(printed["with_code"], 0);
    assert!(printed["no_code"].as_str().unwrap().contains("无法连接中继服务器"), "{printed}");
    assert!(printed["no_code_en"].as_str().unwrap().contains("cannot be reached"));
    assert!(!printed["html"].as_str().unwrap().contains("<svg"));
}
