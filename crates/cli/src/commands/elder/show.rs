//! `elder show ID`: one elder's whole record, laid out like the registration form, with the fields
//! two devices changed at once.

use crate::context::Ctx;
use crate::error::Result;
use crate::output;
use shouwang_core::elder::{ElderId, Health};

/// Prints the record (an office's look at sensitive fields is logged by the store).
pub fn show(ctx: &Ctx, id: &ElderId) -> Result<()> {
    let store = ctx.open()?;
    // A person looks at the record: an office's look at sensitive fields is logged.
    let e = store.view_elder(id, ctx.now)?;
    if ctx.json {
        output::json(&e);
        return Ok(());
    }
    let today = ctx.today();
    let or_blank = |s: &str| if s.is_empty() { "—".to_string() } else { s.to_string() };
    let opt = |s: Option<&str>| s.map_or("—".to_string(), str::to_owned);
    let field = |label: &str, value: String| println!("  {} {value}", output::pad(label, 16));
    println!("{}  编号 {}  {}", e.name, id, e.status.zh());
    println!("基本情况");
    field("姓名", e.name.clone());
    field("性别", e.sex.zh().into());
    field("出生日期", format!("{}（{} 周岁）", e.birth_date, e.age_on(today)));
    field("民族", or_blank(&e.ethnicity));
    field("身份证号码", opt(e.id_number.as_deref()));
    field("户籍", format!("{} {}", e.hukou.zh(), e.household_place));
    field("现居住地址", or_blank(&e.address));
    field("联系电话", opt(e.phone.as_deref()));
    field("住所位置 WGS-84", e.home.map_or("—".into(), |p| format!("{:.5}, {:.5}", p.lat, p.lon)));
    field("村（居）", e.unit.to_string());
    println!("身体情况");
    field("身体情况", opt(e.health.map(Health::zh)));
    field(
        "残疾类别及等级",
        e.disability.as_ref().map_or("—".into(), |d| format!("{} {}级", d.kind.zh(), d.grade)),
    );
    field("患病类型", or_blank(&e.illness));
    field("文化程度", opt(e.education.map(|x| x.zh())));
    println!("家庭情况");
    field("夫妻情况", opt(e.spouse.map(|x| x.zh())));
    let years: Vec<String> = e
        .children
        .iter()
        .map(|c| {
            format!(
                "{}{}",
                c.birth_year,
                if c.name.is_empty() { String::new() } else { format!("（{}）", c.name) }
            )
        })
        .collect();
    field("子女情况", format!("{} 个，出生年份：{}", e.children.len(), or_blank(&years.join("、"))));
    if let Some(m) = &e.migration {
        println!("  子女外出务工情况");
        let years_away = m.away_since.map(|s| format!("{} 年（自 {s}）", s.months_until(today) / 12));
        field("外出务工年限", opt(years_away.as_deref()));
        field("最近一次回家探望", opt(m.last_home_visit.map(|x| x.to_string()).as_deref()));
        field(
            "每年团聚次数/天数",
            format!(
                "{} 次，平均 {} 天",
                m.reunions_per_year.map_or("—".into(), |n| n.to_string()),
                m.reunion_days.map_or("—".into(), |n| n.to_string())
            ),
        );
    }
    field("家庭经济来源", or_blank(&e.income_sources.iter().map(|s| s.zh()).collect::<Vec<_>>().join("、")));
    field("照料情况", opt(e.care.map(|x| x.zh())));
    field("养老需求", or_blank(&e.needs));
    field("存在困难问题", or_blank(&e.difficulties));
    field("类别", or_blank(&e.categories.iter().map(|c| c.zh()).collect::<Vec<_>>().join("、")));
    println!("赡养人或扶养人");
    for s in &e.supporters {
        println!(
            "  {}{} {}（{}） 电话 {} 去向 {}{}{}",
            if s.main { "★" } else { " " },
            s.name,
            s.relation,
            s.sex.map_or("—", |x| x.zh()),
            opt(s.phone.as_deref()),
            or_blank(&s.whereabouts),
            s.away_since.map_or(String::new(), |d| format!("（自 {d}）")),
            s.reported_on.map_or(String::new(), |d| format!("，{d} 报告")),
        );
    }
    if let Some(a) = &e.archive {
        println!("注销：{} {} {}", a.status.zh(), a.on, a.reason);
    }
    let s = &e.sign_off;
    println!(
        "填报单位 {}  填表人 {}  复核人 {}  单位负责人 {}  填报日期 {}",
        or_blank(&s.filing_unit),
        or_blank(&s.filler),
        or_blank(&s.reviewer),
        or_blank(&s.unit_head),
        s.date.map_or("—".into(), |d| d.to_string())
    );
    let conflicts = store.conflicts(id)?;
    if !conflicts.is_empty() {
        println!("待核对（两台设备同时修改）/ to review (changed on two devices at once):");
        for (field, values) in conflicts {
            println!("  {field}: {}", values.iter().map(ToString::to_string).collect::<Vec<_>>().join(" | "));
        }
    }
    Ok(())
}
