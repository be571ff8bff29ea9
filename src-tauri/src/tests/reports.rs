//! Reports: the summary table 附件2 with its checks and exports, the monthly progress report, the
//! layouts and file names; none on a helper's or a family's device (core refuses them).

use super::{device, enrol, now, registry};
use crate::commands::files::free_path;
use crate::commands::ledger::read_ledger;
use crate::dto::LedgerFile;
use base64::Engine as _;
use serde_json::json;
use shouwang_core::elder::ElderId;
use shouwang_core::report::Layout;
use std::path::{Path, PathBuf};

/// The demo village 斑竹村 (Bazhou) with `n` elders.
pub(super) fn village(path: &Path, n: usize) -> Vec<ElderId> {
    let mut store = registry(path);
    let demo = shouwang_core::demo::DemoVillage::bazhou();
    shouwang_core::demo::demo_village(&demo, n, 7)
        .into_iter()
        .map(|e| store.add_elder(e, now()).unwrap().id)
        .collect()
}

pub(super) fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[test]
fn only_the_committee_and_the_township_do_the_paperwork() {
    for role in ["helper", "family"] {
        let d = device(|p| {
            village(p, 2);
            enrol(p, role, None, None);
        });
        for (cmd, args) in [
            ("summary_table", json!({})),
            ("monthly_progress", json!({})),
            ("export_ledger", json!({ "format": "csv" })),
            ("print_cards", json!({ "elders": ["0".repeat(32)], "paper": "a6" })),
        ] {
            assert_eq!(d.send(cmd, args).unwrap_err()["kind"], "forbidden", "{role} {cmd}");
        }
    }
}

#[test]
fn layouts_ledger_files_and_file_names_are_read_or_refused_under_their_field() {
    // Core chooses the layout (Layout::chosen); an unknown one is answered under `layout`.
    let unknown = crate::error::AppError::from(Layout::chosen(Some("hunan"), "sichuan").unwrap_err());
    assert_eq!(unknown.field.as_deref(), Some("layout"));

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
}

#[test]
fn the_committee_opens_the_summary_table_with_the_forms_headings_and_exports_it() {
    let d = device(|p| drop(village(p, 30)));
    let table = d.send("summary_table", json!({ "layout": "guangdong" })).unwrap();
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
        .send("summary_table", json!({ "layout": "guangdong", "entered": [{ "column": 17, "value": 1 }] }))
        .unwrap();
    assert_eq!(short["total"]["values"][16], 1);
    assert_eq!(short["passes"], false);
    let err = d
        .send("summary_table", json!({ "layout": "guangdong", "entered": [{ "column": 3, "value": 1 }] }))
        .unwrap_err();
    assert_eq!((err["kind"].as_str(), err["field"].as_str()), (Some("invalid"), Some("entered.3")));
    let err = d.send("summary_table", json!({ "unit": "440103001001" })).unwrap_err();
    assert_eq!(err["field"], "unit");

    let file = d
        .send(
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
    let csv = d.send("export_summary", json!({ "query": {}, "format": "csv" })).unwrap();
    let text = std::fs::read_to_string(csv["path"].as_str().unwrap()).unwrap();
    assert!(text.contains("合计"), "{text}");
}

#[test]
fn the_monthly_progress_counts_every_elder_served_and_exports() {
    let d = device(|p| drop(village(p, 6)));
    let report = d.send("monthly_progress", json!({ "month": null })).unwrap();
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
    let err = d.send("monthly_progress", json!({ "month": "November" })).unwrap_err();
    assert_eq!(err["field"], "month");
    let file = d.send("export_progress", json!({ "query": {}, "format": "csv" })).unwrap();
    let text = std::fs::read_to_string(file["path"].as_str().unwrap()).unwrap();
    assert!(text.contains("月探访率"), "{text}");
}
