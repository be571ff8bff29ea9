//! A township of two villages whose month is known.

use super::*;

fn unit(s: &str) -> UnitCode {
    s.parse().unwrap()
}

fn township() -> (Vec<ElderMonth>, Vec<HelperMonth>) {
    let (a, b) = (unit("511902106202"), unit("511902106203"));
    let elders = vec![
        // 斑竹村: 4 elders, 3 visited (5 visits), 1 overdue, 1 emergency, 2 open cases.
        ElderMonth { visits: 2, ..ElderMonth::new(&a) },
        ElderMonth { visits: 2, emergencies: 1, open_cases: 1, ..ElderMonth::new(&a) },
        ElderMonth { visits: 1, open_cases: 1, ..ElderMonth::new(&a) },
        ElderMonth { overdue: true, ..ElderMonth::new(&a) },
        // The next village: 2 elders, both visited once.
        ElderMonth { visits: 1, ..ElderMonth::new(&b) },
        ElderMonth { visits: 1, ..ElderMonth::new(&b) },
    ];
    let helpers = vec![
        HelperMonth { village: a.clone(), active: true },
        HelperMonth { village: a, active: false },
        HelperMonth { village: b, active: true },
    ];
    (elders, helpers)
}

#[test]
fn a_township_of_two_villages_adds_up() {
    let (elders, helpers) = township();
    let p = compute("2026-11", &elders, &helpers);
    assert_eq!(p.villages.len(), 2);
    let a = &p.villages[0];
    assert_eq!(
        (a.elders, a.visits, a.visited, a.overdue, a.active_helpers, a.emergencies, a.open_cases),
        (4, 5, 3, 1, 1, 1, 2)
    );
    assert_eq!(a.coverage_percent(), 75.0);
    assert_eq!(p.villages[1].coverage_percent(), 100.0);
    assert_eq!(p.townships.len(), 1);
    assert_eq!(p.townships[0].unit, "511902106000");
    assert_eq!((p.townships[0].elders, p.townships[0].visited), (6, 5));
    assert_eq!(p.total.coverage_percent(), 83.3);
    assert_eq!(p.total.active_helpers, 2);
}

#[test]
fn exports_hold_the_numbers() {
    let (elders, helpers) = township();
    let p = compute("2026-11", &elders, &helpers);
    let csv = to_csv(&p);
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].contains("月探访率(%)"));
    assert_eq!(lines[1], "村,511902106202,4,5,3,75.0,1,1,1,2");
    assert_eq!(lines.last().unwrap(), &"合计,合计,6,7,5,83.3,1,2,1,2");
    let json = to_json(&p);
    assert_eq!(json["rows"][2]["level"], "乡镇");
    assert_eq!(json["rows"][3]["coverage_percent"], 83.3);
    let xlsx = to_xlsx(&p).unwrap();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
    use calamine::Reader;
    let range = book.worksheet_range("月度推进情况").unwrap();
    assert_eq!(range.get_value((2, 2)), Some(&calamine::Data::Float(4.0)));
    assert_eq!(range.get_value((5, 5)), Some(&calamine::Data::Float(83.3)));
}
