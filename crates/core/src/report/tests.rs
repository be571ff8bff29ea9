//! Stories of the summary tables.

use super::*;
use crate::demo::{demo_village, DemoVillage};
use crate::elder::{Child, Health, IncomeSource, Spouse, YearMonth};
use crate::policy::Policy;
use std::collections::BTreeSet;

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn unit(code: &str) -> crate::division::UnitCode {
    code.parse().unwrap()
}

/// A left-behind elder of `village` born on `born`, with `children` children away since 2020.
fn elder(village: &str, born: (i32, u32, u32), spouse: Spouse, health: Health, children: usize) -> Elder {
    let mut e = crate::demo::sample_elder();
    e.id = None;
    e.id_number = None;
    e.unit = unit(village);
    e.birth_date = NaiveDate::from_ymd_opt(born.0, born.1, born.2).unwrap();
    e.spouse = Some(spouse);
    e.health = Some(health);
    e.children = (0..children)
        .map(|i| Child {
            id: format!("c{i}"),
            birth_year: born.0 + 25 + i as i32,
            name: String::new(),
            sex: None,
        })
        .collect();
    e.migration.as_mut().unwrap().away_since = Some(YearMonth { year: 2020, month: 3 });
    for s in &mut e.supporters {
        s.away = true;
    }
    e.income_sources = BTreeSet::from([IncomeSource::MigrantWork]);
    e
}

/// A village of four whose Guangdong numbers are known by hand.
fn known_village() -> Vec<Elder> {
    let v = "440881101201";
    let mut farmer = elder(v, (1940, 9, 30), Spouse::OneLiving, Health::Ill, 3);
    farmer.income_sources.insert(IncomeSource::Farming);
    let mut not_yet_60 = elder(v, (1966, 10, 1), Spouse::BothLiving, Health::Healthy, 1);
    not_yet_60.name = "未满六十".into();
    vec![
        elder(v, (1950, 1, 1), Spouse::BothLiving, Health::Healthy, 1),
        elder(v, (1946, 9, 30), Spouse::BothLiving, Health::Disabled, 2), // 80 on 30 September 2026
        farmer,
        not_yet_60, // 59 on the cutoff: not counted
    ]
}

#[test]
fn a_hand_built_village_gives_exactly_its_known_numbers_and_passes_every_check() {
    let layout = Layout::builtin("guangdong").unwrap();
    let policy = Policy::builtin("guangdong").unwrap();
    let entered = Entered([(17, 10)].into());
    let t = compute(&layout, &policy, &known_village(), &unit("440881101201"), date(), &entered).unwrap();
    let v = |i: usize| t.total.values[i - 1];
    assert_eq!(t.cutoff, NaiveDate::from_ymd_opt(2026, 9, 30).unwrap());
    assert_eq!((t.counted, t.not_counted), (3, 1));
    let expected = [3, 1, 2, 2, 1, 1, 1, 1, 1, 1, 1, 3, 3, 1, 0, 0, 10];
    assert_eq!((1..=17).map(v).collect::<Vec<_>>(), expected.iter().map(|n| Some(*n)).collect::<Vec<_>>());
    assert!(t.passes(), "{:?}", t.failures().collect::<Vec<_>>());
    assert_eq!(t.rows.len(), 1, "a village is one row");
}

#[test]
fn a_township_of_three_villages_adds_up_and_every_check_passes() {
    let layout = Layout::builtin("guangdong").unwrap();
    let policy = Policy::builtin("guangdong").unwrap();
    let mut elders = Vec::new();
    for (k, code) in ["511902106201", "511902106202", "511902106203"].iter().enumerate() {
        let village = DemoVillage { unit: unit(code), ..DemoVillage::bazhou() };
        elders.extend(demo_village(&village, 40, k as u64 + 1));
    }
    let t = compute(&layout, &policy, &elders, &unit("511902106000"), date(), &Entered::default()).unwrap();
    assert_eq!(t.rows.len(), 3);
    for c in 0..16 {
        let sum: u64 = t.rows.iter().map(|r| r.values[c].unwrap()).sum();
        assert_eq!(t.total.values[c], Some(sum), "column {}", c + 1);
    }
    assert!(t.counted > 60, "most demo elders are left behind: {}", t.counted);
    assert_eq!(t.total.values[16], None, "17 is entered, not derived");
    assert!(t.passes(), "{:?}", t.failures().collect::<Vec<_>>());
    assert_eq!(t.checks.iter().filter(|c| c.total).count(), 1, "the 17 ≥ 1 check waits for 17");
    // The county sees the same elders as one township row.
    let county =
        compute(&layout, &policy, &elders, &unit("511902000000"), date(), &Entered::default()).unwrap();
    assert_eq!(county.rows.len(), 1);
    assert_eq!(county.total, SummaryRow { unit: "511902000000".into(), ..t.total.clone() });
}

#[test]
fn an_inconsistent_column_17_fails_its_check_by_name() {
    let layout = Layout::builtin("guangdong").unwrap();
    let policy = Policy::builtin("guangdong").unwrap();
    let t = compute(
        &layout,
        &policy,
        &known_village(),
        &unit("440881101201"),
        date(),
        &Entered([(17, 2)].into()),
    )
    .unwrap();
    let failed: Vec<&CheckResult> = t.failures().collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].name, "留守老人数不超过60周岁以上农村户籍老年人数");
    assert_eq!(failed[0].expression, "17 ≥ 1");
    assert!(failed[0].zh().contains("[17]=2") && failed[0].zh().contains("[1]=3"), "{}", failed[0].zh());
    let err =
        compute(&layout, &policy, &known_village(), &unit("440881101201"), date(), &Entered([(3, 2)].into()));
    assert!(matches!(err, Err(LayoutError::Invalid { .. })), "column 3 is derived, not entered");
}

#[test]
fn a_record_missing_its_health_breaks_the_check_and_names_the_columns() {
    let layout = Layout::builtin("guangdong").unwrap();
    let policy = Policy::builtin("guangdong").unwrap();
    let mut elders = known_village();
    elders[0].health = None;
    let t = compute(&layout, &policy, &elders, &unit("440881101201"), date(), &Entered::default()).unwrap();
    let failed: Vec<&CheckResult> = t.failures().collect();
    assert_eq!(failed.len(), 2, "the total row and the village row");
    assert_eq!(failed[0].name, "表间勾稽关系");
    let health = failed[0].groups.iter().find(|g| g.columns == vec![6, 7, 8]).unwrap();
    assert_eq!((health.sum, failed[0].groups[0].sum), (2, 3));
    assert!(failed[0].en().contains("FAILS"));
}

#[test]
fn the_liaoning_layout_reads_27_columns_and_its_two_chains_hold_on_complete_records() {
    let layout = Layout::builtin("liaoning").unwrap();
    assert_eq!(layout.columns.len(), 27);
    assert_eq!(layout.checks[0].expression(), "1 = 2+3+4 = 5+6 = 7+8+9 = 10+11+12+13 = 14");
    assert_eq!(layout.checks[1].expression(), "15+16 = 17+18 = 19+20+21+22 = 23+24+25+26+27");
    let mut policy = Policy::builtin("liaoning").unwrap();
    // A deployment running a 2026 survey moves the survey date (the policy's setting).
    policy.age_cutoff =
        crate::policy::AgeCutoff::FixedDate { date: NaiveDate::from_ymd_opt(2026, 10, 31).unwrap() };
    let village = DemoVillage { unit: unit("210224101201"), ..DemoVillage::bazhou() };
    let elders = demo_village(&village, 80, 4);
    let t = compute(&layout, &policy, &elders, &unit("210224101000"), date(), &Entered::default()).unwrap();
    assert!(t.counted > 40);
    assert!(t.passes(), "{:?}", t.failures().map(CheckResult::en).collect::<Vec<_>>());
    assert_eq!(t.total.values[0], Some(t.counted as u64));
}

#[test]
fn a_layout_naming_an_unknown_value_or_column_is_refused() {
    let text = include_str!("../../../../schema/reports/guangdong.toml");
    let bad = text.replace("values = [\"ill\"]", "values = [\"sick\"]");
    assert!(matches!(Layout::from_toml(&bad), Err(LayoutError::Invalid { .. })));
    let bad = text.replace("[12]]", "[18]]");
    assert!(matches!(Layout::from_toml(&bad), Err(LayoutError::Invalid { .. })));
}

#[test]
fn the_xlsx_export_has_the_forms_merged_headings_and_numbers() {
    use calamine::{Data, DataType, Reader, Xlsx};
    let layout = Layout::builtin("guangdong").unwrap();
    let policy = Policy::builtin("guangdong").unwrap();
    let t = compute(
        &layout,
        &policy,
        &known_village(),
        &unit("440881101201"),
        date(),
        &Entered([(17, 10)].into()),
    )
    .unwrap();
    let bytes = export::xlsx(&t, &layout).unwrap();
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let merged: Vec<calamine::Dimensions> = wb.merge_cells_by_sheet_name("汇总表").unwrap();
    let range = wb.worksheet_range("汇总表").unwrap();
    let at = |r: u32, c: u32| range.get_value((r, c)).cloned().unwrap_or(Data::Empty);
    assert_eq!(at(0, 0), Data::String("农村留守老年人基本信息汇总表".into()));
    let h = export::XLSX_HEADER_ROW;
    // 夫妻情况 over columns 4 and 5; 双方健在 and 一方健在 under it; 1 and 12 span both heading rows.
    assert_eq!(at(h, 4), Data::String("夫妻情况".into()));
    assert!(merged.iter().any(|d| d.start == (h, 4) && d.end == (h, 5)), "{merged:?}");
    assert_eq!(at(h + 1, 4), Data::String("双方健在".into()));
    assert_eq!(at(h + 1, 5), Data::String("一方健在".into()));
    assert_eq!(at(h, 1), Data::String("农村户籍留守老人总数".into()));
    assert!(merged.iter().any(|d| d.start == (h, 1) && d.end == (h + 1, 1)));
    assert!(merged.iter().any(|d| d.start == (h, 13) && d.end == (h, 16)), "家庭主要经济来源 over 13–16");
    assert_eq!(at(h, 17), Data::String("60周岁以上农村户籍老年人数".into()));
    for (i, heading) in layout.columns.iter().map(|c| c.heading.last().unwrap()).enumerate() {
        let row = h + layout.columns[i].heading.len() as u32 - 1;
        assert_eq!(at(row, i as u32 + 1), Data::String(heading.clone()));
    }
    assert_eq!(at(h + 2, 17), Data::Float(17.0), "the column numbers");
    assert_eq!(at(h + 3, 1), Data::Float(3.0), "the village row");
    assert_eq!(at(h + 4, 0), Data::String("合计".into()));
    assert_eq!(at(h + 4, 17), Data::Float(10.0), "the entered value");
    let text: Vec<String> =
        range.rows().flatten().filter_map(|d| d.get_string().map(str::to_string)).collect();
    assert_eq!(layout.sign_off.len(), 2, "as the seed prints them");
    for line in ["分管领导（签名）：", "填表人（签名）："] {
        assert!(text.iter().any(|t| t == line), "{line} missing");
    }
    assert!(
        text.iter().any(|t| t.starts_with("注：1.农村留守老人年龄计算截止时间为当年9月30日")),
        "the notes"
    );
    let csv = export::csv(&t);
    assert!(csv.starts_with('\u{feff}'));
    assert!(csv.contains("4 夫妻情况/双方健在"));
}

#[test]
fn a_summary_without_a_layout_named_takes_its_policys_else_the_first_shipped() {
    assert_eq!(Layout::chosen(None, "guangdong").unwrap().id, "guangdong");
    assert_eq!(Layout::chosen(None, "liaoning").unwrap().id, "liaoning");
    assert_eq!(Layout::chosen(Some(" liaoning "), "guangdong").unwrap().id, "liaoning");
    // A profile without a 附件2 of its own (Bazhou, sichuan) gets the first layout shipped.
    assert_eq!(Layout::chosen(None, "sichuan").unwrap().id, Layout::builtin_names()[0]);
    assert!(matches!(Layout::chosen(Some("hunan"), "sichuan"), Err(LayoutError::Unknown(_))));
}
