//! The ledger: a dry run, the import of the good rows only, the same file again, the export.

use super::reports::{b64, village};
use super::{device, Device};
use serde_json::{json, Value};
use shouwang_core::ledger;
use std::path::Path;

fn registered(d: &Device) -> usize {
    d.ok("list_elders", json!({})).as_array().unwrap().len()
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
fn a_ledger_with_one_bad_id_number_imports_its_good_rows_only() {
    let d = device(|p| drop(village(p, 2)));
    let before = registered(&d);
    let (csv, bad_name) = ledger_with_one_bad_id(6);
    let file = json!({ "name": "斑竹村台账.csv", "data": b64(csv.as_bytes()) });

    let preview = d.send("preview_import", file.clone()).unwrap();
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
    assert_eq!(registered(&d), before, "a dry run writes nothing");

    let done = d.send("import_ledger", file.clone()).unwrap();
    assert_eq!(done["imported"], good);
    assert_eq!(done["written"], true);
    assert_eq!(registered(&d), before + good, "the good rows only");
    // The same file again: every good row is already registered, nothing doubled.
    let again = d.send("import_ledger", file).unwrap();
    assert_eq!((again["imported"].as_u64(), again["existing"].as_u64()), (Some(0), Some(good as u64)));
    assert_eq!(registered(&d), before + good);

    let exported = d.send("export_ledger", json!({ "format": "xlsx" })).unwrap();
    assert!(exported["name"].as_str().unwrap().starts_with("信息台账-斑竹村"));
    let sheet = ledger::read_file(Path::new(exported["path"].as_str().unwrap()), None).unwrap();
    assert_eq!(sheet.rows.len(), before + good);
}
