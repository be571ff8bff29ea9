//! Stories of the ledger: an office's spreadsheet in, the registry out.

use super::*;
use crate::demo::DemoVillage;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T09:00:00+08:00").unwrap().to_utc()
}

fn store(dir: &tempfile::TempDir, name: &str) -> Store {
    Store::init(dir.path().join(name), "511902106202".parse().unwrap(), "斑竹村", "sichuan", now()).unwrap()
}

fn ctx() -> ImportContext {
    ImportContext::new(
        "511902106202".parse().unwrap(),
        Policy::builtin("sichuan").unwrap(),
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
    )
}

/// Breaks the check digit of the ID number on data row `k` (0-based) of a CSV ledger.
fn break_check_digit(csv: &str, k: usize) -> (String, String) {
    let mut lines: Vec<String> = csv.split("\r\n").map(str::to_string).collect();
    let cols: Vec<&str> = lines[k + 1].split(',').collect();
    let id = cols[5].to_string();
    let last = id.chars().last().unwrap();
    let wrong = if last == '0' { '1' } else { '0' };
    let bad = format!("{}{}", &id[..17], wrong);
    lines[k + 1] = lines[k + 1].replacen(&id, &bad, 1);
    (lines.join("\r\n"), lines[k + 1].split(',').nth(1).unwrap().to_string())
}

#[test]
fn a_ledger_with_a_bad_check_digit_imports_the_others_and_reports_row_column_and_rule() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store(&dir, "a.sqlite");
    let (csv, bad_name) = break_check_digit(&sample_ledger(12, 5), 3);
    let sheet = read_csv(csv.as_bytes()).unwrap();
    let plan = plan(&sheet, &store, &ctx()).unwrap();
    assert_eq!(
        plan.refused(),
        1,
        "{:#?}",
        plan.rows.iter().filter(|r| !r.problems.is_empty()).collect::<Vec<_>>()
    );
    let refused = plan.rows.iter().find(|r| r.action == Action::Refuse).unwrap();
    assert_eq!(refused.row, 5, "header on row 1, the fourth elder on row 5");
    assert_eq!(refused.name, bad_name);
    let p = refused.problems.iter().find(|p| !p.warning).unwrap();
    assert_eq!(p.column, "身份证号码");
    assert_eq!(p.rule, "id_checksum");
    assert!(!p.zh.is_empty() && !p.en.is_empty());
    let applied = apply(&plan, &mut store, now()).unwrap();
    assert_eq!(applied.added.len(), 11);
    assert!(applied.added.iter().all(|(row, _)| *row != 5));
    let names: Vec<String> =
        store.list(&Default::default(), ctx().today).unwrap().into_iter().map(|r| r.name).collect();
    assert_eq!(names.len(), 11);
    assert!(!names.contains(&bad_name) || names.iter().filter(|n| **n == bad_name).count() == 1);
    // Importing the same file again changes nothing: every good row is matched by its ID number.
    let outbox = store.outbox_len().unwrap();
    let again = super::plan(&sheet, &store, &ctx()).unwrap();
    assert_eq!((again.existing(), again.refused(), again.ok() + again.with_warnings()), (11, 1, 0));
    assert!(apply(&again, &mut store, now()).unwrap().added.is_empty());
    assert_eq!(store.outbox_len().unwrap(), outbox);
}

#[test]
fn every_kind_of_bad_row_is_refused_with_its_rule_and_the_good_rows_pass() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir, "b.sqlite");
    let village = DemoVillage::bazhou();
    let mut elders = crate::demo::demo_village(&village, 8, 9);
    // Row 3: aged 58 on the assessment date — not an elder this registry serves.
    let young = NaiveDate::from_ymd_opt(1968, 6, 1).unwrap();
    elders[1].birth_date = young;
    let mut rng = crate::demo::Rng::new(3);
    elders[1].id_number = Some(crate::demo::demo_id_number("511902", young, elders[1].sex, &mut rng));
    for c in &mut elders[1].children {
        c.birth_year = 1992;
    }
    let mut rows: Vec<Vec<String>> = elders.iter().map(|e| to_row(e, village.today)).collect();
    rows[2][1].clear(); // row 4: no name
    rows[3] = rows[0].clone(); // row 5: the elder of row 2 typed twice
    rows[4][10] = "良好".into(); // row 6: not a 身体情况 the form knows
    let id = rows[5][5].clone(); // row 7: a wrong check digit
    rows[5][5] = format!("{}{}", &id[..17], if id.ends_with('0') { '1' } else { '0' });
    rows[6][6] = "城镇户籍".into(); // row 8: an urban household registration
    let mut csv = COLUMNS.iter().map(|(_, h)| *h).collect::<Vec<_>>().join(",");
    for r in &rows {
        csv.push('\n');
        csv.push_str(&r.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(","));
    }
    let sheet = read_csv(csv.as_bytes()).unwrap();
    let plan = plan(&sheet, &store, &ctx()).unwrap();
    let errors = |row: usize| -> Vec<(String, String)> {
        let r = plan.rows.iter().find(|r| r.row == row).unwrap();
        r.problems.iter().filter(|p| !p.warning).map(|p| (p.column.clone(), p.rule.clone())).collect()
    };
    let pair = |c: &str, r: &str| (c.to_string(), r.to_string());
    assert!(errors(2).is_empty(), "{:?}", errors(2));
    assert_eq!(errors(3), vec![pair("出生日期", "under_age")]);
    assert_eq!(errors(4), vec![pair("姓名", "required")]);
    assert_eq!(errors(5), vec![pair("身份证号码", "duplicate_in_file")]);
    assert_eq!(errors(6), vec![pair("身体情况", "unknown_value")]);
    assert_eq!(errors(7), vec![pair("身份证号码", "id_checksum")]);
    assert_eq!(errors(8), vec![pair("户籍性质", "not_rural")]);
    assert_eq!((plan.refused(), plan.ok() + plan.with_warnings()), (6, 2));
}

#[test]
fn export_then_import_into_a_fresh_store_gives_the_same_records() {
    let dir = tempfile::tempdir().unwrap();
    let mut first = store(&dir, "first.sqlite");
    let today = ctx().today;
    for e in crate::demo::demo_village(&DemoVillage::bazhou(), 15, 21) {
        first.add_elder(e, now()).unwrap();
    }
    let elders = first.elders_under(&ctx().unit).unwrap();
    let xlsx = export_xlsx(&elders, today).unwrap();
    let sheet = read_xlsx(&xlsx, Some("信息台账")).unwrap();
    assert_eq!(sheet.headings, COLUMNS.iter().map(|(_, h)| h.to_string()).collect::<Vec<_>>());
    // The village's second office desk, holding its keys: the same people get the same ids there.
    let mut second = store(&dir, "second.sqlite");
    let bundle =
        first.issue_key_bundle(crate::role::Role::Committee, None, None, "第二台电脑", now()).unwrap();
    second.import_key_bundle(&bundle.to_text(), now()).unwrap();
    let plan = plan(&sheet, &second, &ctx()).unwrap();
    assert_eq!(
        plan.refused(),
        0,
        "{:#?}",
        plan.rows.iter().filter(|r| r.action == Action::Refuse).collect::<Vec<_>>()
    );
    apply(&plan, &mut second, now()).unwrap();
    let again = second.elders_under(&ctx().unit).unwrap();
    assert_eq!(export_csv(&again, today), export_csv(&elders, today));
    assert_eq!(export_xlsx(&again, today).map(|b| read_xlsx(&b, None).unwrap()).unwrap(), sheet);
    // The form's fields come back one by one.
    for e in &elders {
        let twin = again.iter().find(|a| a.id_number == e.id_number).unwrap();
        assert_eq!(
            (twin.id.as_ref(), &twin.name, twin.birth_date, twin.health, twin.education),
            (e.id.as_ref(), &e.name, e.birth_date, e.health, e.education)
        );
        assert_eq!(
            (&twin.income_sources, &twin.categories, twin.care, &twin.migration),
            (&e.income_sources, &e.categories, e.care, &e.migration)
        );
        assert_eq!(
            twin.children.iter().map(|c| c.birth_year).collect::<Vec<_>>(),
            e.children.iter().map(|c| c.birth_year).collect::<Vec<_>>()
        );
    }
}

#[test]
fn the_spellings_offices_type_are_read() {
    assert_eq!(normalise(" 联系电话（手机） "), "联系电话");
    assert_eq!(column_of("身份证号"), Some(Col::IdNumber));
    assert_eq!(column_of("主要赡养人或扶养人姓名"), Some(Col::SupporterName));
    assert_eq!(column_of("外出务工年限(年)"), Some(Col::YearsAway));
    let d = NaiveDate::from_ymd_opt(1945, 3, 2).unwrap();
    for s in ["1945-03-02", "1945/3/2", "19450302", "1945年3月2日", "1945.3.2"] {
        assert_eq!(cells::date(&Cell::Text(s.into())), Ok(Some(d)), "{s}");
    }
    assert_eq!(cells::date(&Cell::Number(16498.0)), Ok(Some(d)), "an Excel serial");
    assert_eq!(cells::multi(&Cell::Text("打工、种养殖业，政府救助;其他".into())).len(), 4);
    assert_eq!(parse_education("高中或中专"), Some(Education::SeniorOrAbove));
    assert_eq!(parse_income("子女打工收入"), Some(IncomeSource::MigrantWork));
    assert_eq!(parse_disability("肢体残疾三级"), Some((DisabilityKind::Physical, Some(3))));
    assert_eq!(cells::yes_no(&Cell::Text("是".into())), Ok(Some(true)));
}

#[test]
fn a_csv_saved_by_chinese_excel_in_gbk_is_read() {
    let text = "姓名,性别,出生日期,身份证号码\r\n王秀英,女,1950/3/1,\r\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(text);
    assert!(std::str::from_utf8(&gbk).is_err());
    let sheet = read_csv(&gbk).unwrap();
    assert_eq!(sheet.headings[0], "姓名");
    assert_eq!(sheet.rows[0].1[0], Cell::Text("王秀英".into()));
}

/// Imported on 2026-12-07 under Guangdong's 30 September cutoff: "1 年" is counted back from the
/// row's 填报日期, else the round's date given, else the cutoff — never from the day of import
/// (which made 2025-12 of it: 9 months at the cutoff, "not left behind").
#[test]
fn a_ledgers_years_away_are_counted_from_its_filing_date_not_the_day_of_import() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir, "g.sqlite");
    let csv = "姓名,性别,出生日期,外出务工年限,外出时间,填报日期\r\n\
               王秀英,女,1948-03-05,1,,\r\n\
               王秀英,女,1950-07-11,1,,2026-06-30\r\n\
               李德明,男,1944-01-20,3,,\r\n\
               张玉珍,女,1946-05-02,,2024-03,\r\n";
    let sheet = read_csv(csv.as_bytes()).unwrap();
    let mut ctx = ImportContext::new(
        "511902106202".parse().unwrap(),
        Policy::builtin("guangdong").unwrap(),
        NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(),
    );
    let away = |plan: &ImportPlan| -> Vec<Option<String>> {
        plan.rows
            .iter()
            .map(|r| {
                let m = r.elder.as_ref().and_then(|e| e.migration.as_ref());
                m.and_then(|m| m.away_since).map(|s| s.to_string())
            })
            .collect()
    };
    // Counted by hand: 2026-09 − 1 year; 2026-06 − 1 year; 2026-09 − 3 years; as written.
    let expected = ["2025-09", "2025-06", "2023-09", "2024-03"].map(|s| Some(s.to_string()));
    assert_eq!(away(&plan(&sheet, &store, &ctx).unwrap()), expected);
    // The office says the survey round was dated 2026-03-31: rows without their own date follow it.
    ctx.as_of = NaiveDate::from_ymd_opt(2026, 3, 31);
    let expected = ["2025-03", "2025-06", "2023-03", "2024-03"].map(|s| Some(s.to_string()));
    assert_eq!(away(&plan(&sheet, &store, &ctx).unwrap()), expected);
}

/// An office fixing a typed ledger sees every problem of a row at once, the ID number's own first.
#[test]
fn a_row_lists_every_problem_at_once_the_id_numbers_own_first() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir, "p.sqlite");
    // No 性别 column: it is read from the ID number. Check digits worked out by hand (GB 11643).
    let csv = "姓名,出生日期,身份证号码,子女出生年份\r\n\
               王秀英,1948-03-05,511902194803050021,1972\r\n\
               王秀英,1950-07-11,511902195007110049,1975\r\n\
               王秀英,1950-07-12,511902195007110049,1976\r\n\
               李德明,1968-01-01,511902196801010031,七五\r\n";
    let plan = plan(&read_csv(csv.as_bytes()).unwrap(), &store, &ctx()).unwrap();
    let rules = |row: usize| -> Vec<(String, String)> {
        let r = plan.rows.iter().find(|r| r.row == row).unwrap();
        r.problems.iter().filter(|p| !p.warning).map(|p| (p.column.clone(), p.rule.clone())).collect()
    };
    let pair = |c: &str, r: &str| (c.to_string(), r.to_string());
    // A wrong check digit (X expected): named under 身份证号码 first, not hidden behind 性别 必填.
    let bad = rules(2);
    assert_eq!(bad[0], pair("身份证号码", "id_checksum"), "{bad:?}");
    assert!(bad.contains(&pair("性别", "required")), "{bad:?}");
    assert!(rules(3).is_empty(), "{:?}", rules(3));
    // The namesake typed with row 3's number and another birth date: both, the duplicate first.
    let twice = rules(4);
    assert_eq!(twice, [pair("身份证号码", "duplicate_in_file"), pair("出生日期", "id_birth_date_mismatch")]);
    // 58 years old and a year that does not read: both at once.
    let young = rules(5);
    assert!(young.contains(&pair("出生日期", "under_age")), "{young:?}");
    assert!(young.contains(&pair("子女出生年份", "unreadable")), "{young:?}");
    assert_eq!(plan.refused(), 3);
}
