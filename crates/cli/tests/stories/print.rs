//! Printing at the command line: a care agreement and contact cards to PDF (embedded CJK font subset)
//! and HTML, the PDFs rendered to PNG with pdftoppm and kept under target/print-artifacts/ to be
//! checked by eye; an agreement's reminders; the monthly progress report.

use serde_json::Value;
use shouwang_core::agreement::{sample, Kind, Payment};
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

fn ok(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/print-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Renders `pdf` to PNGs named `name-N.png` in the artifacts folder; returns them.
fn to_png(pdf: &Path, name: &str) -> Vec<PathBuf> {
    let prefix = artifacts().join(name);
    let out = Command::new("pdftoppm").args(["-r", "110", "-png"]).arg(pdf).arg(&prefix).output().unwrap();
    assert!(out.status.success(), "pdftoppm: {}", String::from_utf8_lossy(&out.stderr));
    let mut pngs: Vec<PathBuf> = std::fs::read_dir(artifacts())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_str().unwrap().starts_with(&format!("{name}-")))
        .collect();
    pngs.sort();
    pngs
}

fn pdf_fonts(pdf: &Path) -> String {
    let out = Command::new("pdffonts").arg(pdf).output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn pdf_text(pdf: &Path) -> String {
    let out = Command::new("pdftotext").arg(pdf).arg("-").output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn an_agreement_prints_as_the_template_reads() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("none.sqlite");
    let file = dir.path().join("agreement.json");
    std::fs::write(&file, serde_json::to_string_pretty(&sample(Kind::Assisted)).unwrap()).unwrap();
    assert!(ok(&shouwang(&db, &["agreement", "check", file.to_str().unwrap()])).contains("附件4"));

    let pdf = dir.path().join("agreement.pdf");
    ok(&shouwang(&db, &["agreement", "print", file.to_str().unwrap(), "--out", pdf.to_str().unwrap()]));
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    // A subset: the whole collection is ~19 MB, the agreement's glyphs a small part of it.
    assert!(bytes.len() < 400_000, "{} bytes: the font was not subset", bytes.len());
    let fonts = pdf_fonts(&pdf);
    assert!(fonts.contains("yes yes"), "embedded and subset: {fonts}");
    let text = pdf_text(&pdf);
    for words in [
        "农村居家互助养老协议书",
        "督促和帮助老人保持个人整洁",
        "应提前 15 日通知对方",
        "村民委员会（代表）签字：",
    ] {
        assert!(text.contains(words), "{words} not in the PDF text");
    }
    let pngs = to_png(&pdf, "agreement");
    assert!(pngs.len() >= 2, "{pngs:?}");

    let html = dir.path().join("agreement.html");
    ok(&shouwang(&db, &["agreement", "print", file.to_str().unwrap(), "--out", html.to_str().unwrap()]));
    let html = std::fs::read_to_string(html).unwrap();
    assert!(html.contains("@page { size: A4") && html.contains("被助养老人（签字或指印）："));
    std::fs::copy(&pdf, artifacts().join("agreement.pdf")).unwrap();
}

#[test]
fn a_bad_agreement_is_refused_with_its_field() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("none.sqlite");
    let mut a = sample(Kind::SelfCare);
    a.end = a.start;
    let file = dir.path().join("bad.json");
    std::fs::write(&file, serde_json::to_string(&a).unwrap()).unwrap();
    let out = shouwang(&db, &["agreement", "check", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("end") && err.contains("终止日期应晚于起始日期"), "{err}");
    let pdf = dir.path().join("bad.pdf");
    let out = shouwang(&db, &["agreement", "print", file.to_str().unwrap(), "--out", pdf.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!pdf.exists(), "a refused agreement prints nothing");
    // A font that is not there is named.
    let good = dir.path().join("good.json");
    std::fs::write(&good, serde_json::to_string(&sample(Kind::SelfCare)).unwrap()).unwrap();
    let args = [
        "agreement",
        "print",
        good.to_str().unwrap(),
        "--out",
        pdf.to_str().unwrap(),
        "--font",
        "/no/font.ttc",
    ];
    let out = shouwang(&db, &args);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("font"));
    assert!(!pdf.exists());
}

#[test]
fn reminders_come_on_their_dates() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("none.sqlite");
    let mut a = sample(Kind::Assisted);
    a.payments.push(Payment { on: "2026-12-01".parse().unwrap(), amount_fen: 30000, note: String::new() });
    let file = dir.path().join("a.json");
    std::fs::write(&file, serde_json::to_string(&a).unwrap()).unwrap();
    let list: Value = serde_json::from_str(&ok(&shouwang(
        &db,
        &["--json", "agreement", "reminders", file.to_str().unwrap(), "--today", "2027-02-01"],
    )))
    .unwrap();
    let kinds: Vec<&str> = list.as_array().unwrap().iter().map(|r| r["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"trustee_may_end"), "{kinds:?}");
    let may_end = list.as_array().unwrap().iter().find(|r| r["kind"] == "trustee_may_end").unwrap();
    assert_eq!(may_end["unpaid_since"], "2027-01-01");
    assert!(may_end["zh"].as_str().unwrap().contains("10 日内"));
}

#[test]
fn contact_cards_print_on_a6_and_on_a4_sheets() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("village.sqlite");
    ok(&shouwang(&db, &["demo", "--elders", "6"]));
    let elders: Value = serde_json::from_str(&ok(&shouwang(&db, &["--json", "elder", "list"]))).unwrap();
    let rows = elders.as_array().unwrap();
    let ids: Vec<&str> = rows.iter().map(|e| e["id"].as_str().unwrap()).collect();
    let id_number = rows[0]["id_number"].as_str().unwrap_or("110105194912310021").to_string();

    let a6 = dir.path().join("card.pdf");
    let mut args = vec!["card", "print", ids[0], "--out", a6.to_str().unwrap(), "--area", "巴州区"];
    args.extend(["--relay", "https://relay.example.cn", "--code", "K7Q2-M9XP"]);
    ok(&shouwang(&db, &args));
    let text = pdf_text(&a6);
    assert!(text.contains("巴州区农村互助养老明白卡") && text.contains("互助内容"), "{text}");
    assert!(!text.contains(&id_number), "the card printed an ID number");
    assert_eq!(to_png(&a6, "card-a6").len(), 1);

    let sheet = dir.path().join("cards.pdf");
    let mut args = vec!["card", "print"];
    args.extend(&ids[..5]);
    args.extend(["--sheet", "--out", sheet.to_str().unwrap(), "--area", "巴州区"]);
    ok(&shouwang(&db, &args));
    assert_eq!(to_png(&sheet, "card-sheet").len(), 2, "five cards take two A4 sheets");

    let html = dir.path().join("cards.html");
    ok(&shouwang(&db, &["card", "print", ids[0], ids[1], "--sheet", "--out", html.to_str().unwrap()]));
    let html = std::fs::read_to_string(html).unwrap();
    assert!(html.contains("size: A4") && !html.contains(&id_number));
}

#[test]
fn the_monthly_progress_report_exports() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("village.sqlite");
    ok(&shouwang(&db, &["demo", "--elders", "12"]));
    let out = dir.path().join("progress.xlsx");
    let json: Value = serde_json::from_str(&ok(&shouwang(
        &db,
        &["--json", "report", "progress", "--out", out.to_str().unwrap()],
    )))
    .unwrap();
    let total = json["rows"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(total["level"], "合计");
    assert_eq!(total["elders"], 12);
    assert!(std::fs::read(&out).unwrap().starts_with(b"PK"));
}
