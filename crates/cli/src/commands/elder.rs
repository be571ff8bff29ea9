//! `shouwang elder …`: one elder at a time, and lists.

use super::{choice_arg, date_arg, Ctx, Result};
use crate::args::{ElderCommand, ListArgs};
use crate::{output, set};
use shouwang_core::elder::{Care, Category, Elder, ElderId, Health, Status};
use shouwang_core::policy::{eligibility, Policy};
use shouwang_core::store::{AgeBand, ElderFilter, Error, Saved, Sort};
use std::io::Read;

pub fn run(ctx: &Ctx, cmd: ElderCommand) -> Result<()> {
    match cmd {
        ElderCommand::Add { legacy_ids } => add(ctx, legacy_ids),
        ElderCommand::Set { id, fields } => {
            let id = elder_id(&id)?;
            let saved = ctx.open()?.update_elder(&id, ctx.now, |e| set::apply(e, &fields))?;
            report_saved(ctx, &saved, "已更新 / updated");
            Ok(())
        }
        ElderCommand::Show { id } => show(ctx, &elder_id(&id)?),
        ElderCommand::ExportData { id, out } => export_data(ctx, &elder_id(&id)?, out.as_deref()),
        ElderCommand::Erase { id, reason } => super::keys::erase(ctx, &id, &reason),
        ElderCommand::List(args) => list(ctx, args),
        ElderCommand::Archive { id, reason, status, on } => {
            let id = elder_id(&id)?;
            let status = choice_arg("status", &status, Status::parse, "moved_away, deceased".into())?;
            let on = date_arg("on", on.as_deref(), ctx.today())?;
            let saved = ctx.open()?.archive_elder(&id, status, &reason, on, ctx.now)?;
            report_saved(
                ctx,
                &saved,
                &format!("已注销（{}），记录保留 / archived as {}, record kept", status.zh(), status.code()),
            );
            Ok(())
        }
        ElderCommand::Check { id, date, profile } => {
            check(ctx, &elder_id(&id)?, date.as_deref(), profile.as_deref())
        }
    }
}

pub(super) fn elder_id(raw: &str) -> Result<ElderId> {
    let id = raw.parse().map_err(|_| Error::Field {
        field: "id".into(),
        zh: format!("老人编号应为 32 位十六进制字符（见 elder list）；收到 {raw:?}"),
        en: format!("an elder id is 32 hex digits (see `elder list`); got {raw:?}"),
    })?;
    Ok(id)
}

fn add(ctx: &Ctx, legacy_ids: bool) -> Result<()> {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input)?;
    let elder: Elder = serde_json::from_str(&input).map_err(|e| {
        let field = json_error_field(&e.to_string());
        Error::Field {
            field,
            zh: format!("标准输入的 JSON 不符合登记表格式：{e}"),
            en: format!("the JSON on standard input is not a registration record: {e}"),
        }
    })?;
    let mut store = ctx.open()?;
    let saved =
        if legacy_ids { store.import_elder(elder, ctx.now)? } else { store.add_elder(elder, ctx.now)? };
    report_saved(ctx, &saved, "已登记 / registered");
    Ok(())
}

/// The field a serde error names (`unknown field `x``, `missing field `x``), else `input`.
fn json_error_field(message: &str) -> String {
    message
        .split('`')
        .nth(1)
        .filter(|_| message.contains("field"))
        .map_or_else(|| "input".to_string(), str::to_owned)
}

fn report_saved(ctx: &Ctx, saved: &Saved, what: &str) {
    if ctx.json {
        return output::json(saved);
    }
    println!("{what}: {}{}", saved.id, if saved.changes == 0 { "（无变化 / unchanged）" } else { "" });
    for w in &saved.warnings {
        println!("  提示 / warning {}: {} / {}", w.field, w.rule.zh(), w.rule.en());
    }
}

fn list(ctx: &Ctx, a: ListArgs) -> Result<()> {
    let (status, any_status) = match a.status.as_deref() {
        None => (None, false),
        Some("all") => (None, true),
        Some(s) => {
            (Some(choice_arg("status", s, Status::parse, format!("{}, all", Status::codes()))?), false)
        }
    };
    let filter = ElderFilter {
        text: a.search,
        category: a
            .category
            .map(|c| choice_arg("category", &c, Category::parse, Category::codes()))
            .transpose()?,
        priority: a.priority,
        health: a.health.map(|h| choice_arg("health", &h, Health::parse, Health::codes())).transpose()?,
        care: a.care.map(|c| choice_arg("care", &c, Care::parse, Care::codes())).transpose()?,
        age: a
            .age
            .map(|x| choice_arg("age", &x, AgeBand::parse, "60-69, 70-79, 60-79, 80+".into()))
            .transpose()?,
        status,
        any_status,
        sort: choice_arg(
            "sort",
            &a.sort,
            |s| serde_json::from_value::<Sort>(serde_json::Value::String(s.into())).ok(),
            "name, age, address, updated".into(),
        )?,
        limit: a.limit,
    };
    let rows = ctx.open()?.list(&filter, ctx.today())?;
    if ctx.json {
        output::json(&rows);
        return Ok(());
    }
    let zh = |code: &Option<String>, parse: fn(&str) -> Option<&'static str>| {
        code.as_deref().and_then(parse).unwrap_or("").to_string()
    };
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.id.to_string(),
                r.name.clone(),
                shouwang_core::sex::Sex::parse(&r.sex).map_or("", |s| s.zh()).to_string(),
                r.age.to_string(),
                r.id_number.clone().unwrap_or_default(),
                r.address.clone(),
                zh(&r.health, |c| Health::parse(c).map(Health::zh)),
                zh(&r.care, |c| Care::parse(c).map(Care::zh)),
                r.categories
                    .iter()
                    .filter_map(|c| Category::parse(c))
                    .map(Category::zh)
                    .collect::<Vec<_>>()
                    .join("、"),
            ]
        })
        .collect();
    output::table(
        &["编号 id", "姓名", "性别", "年龄", "身份证号码", "现居住地址", "身体", "照料", "类别"],
        &table,
    );
    println!("共 {} 人 / {} elders", rows.len(), rows.len());
    Ok(())
}

/// `elder export-data ID [--out FILE]`: everything held on one elder, one JSON document; the export
/// is logged in the audit log.
fn export_data(ctx: &Ctx, id: &ElderId, out: Option<&std::path::Path>) -> Result<()> {
    let export = ctx.open()?.export_elder(id, ctx.now)?;
    let text = serde_json::to_string_pretty(&export).expect("an export serialises");
    match out {
        Some(path) => {
            std::fs::write(path, text + "\n")?;
            if ctx.json {
                output::json(&serde_json::json!({ "elder": id, "out": path }));
            } else {
                println!("已导出到 {} / exported to {}", path.display(), path.display());
            }
        }
        None => println!("{text}"),
    }
    Ok(())
}

fn show(ctx: &Ctx, id: &ElderId) -> Result<()> {
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

fn check(ctx: &Ctx, id: &ElderId, date: Option<&str>, profile: Option<&str>) -> Result<()> {
    let store = ctx.open()?;
    let date = date_arg("date", date, ctx.today())?;
    let name = profile.unwrap_or(&store.registry().policy).to_string();
    let policy = Policy::builtin(&name).ok_or(Error::UnknownPolicy(name))?;
    let elder = store.elder(id)?;
    let result = eligibility(&elder, &policy, date);
    if ctx.json {
        output::json(&result);
        return Ok(());
    }
    println!(
        "{}（{}，截止日 / cutoff {}，{} 周岁）",
        elder.name, policy.name, result.cutoff, result.age_at_cutoff
    );
    if result.is_left_behind() {
        println!("  属于农村留守老年人 / counts as a left-behind elder");
    } else if result.eligible {
        println!("  不属于留守老年人，但属于本地服务对象 / not left behind, but served under this profile:");
        let basis = serde_json::to_value(&result.basis).unwrap_or_default();
        for b in basis.as_array().into_iter().flatten() {
            println!("    {} / {}", b["zh"].as_str().unwrap_or(""), b["en"].as_str().unwrap_or(""));
        }
    } else {
        println!("  不属于农村留守老年人 / does not count as a left-behind elder:");
    }
    for reason in &result.reasons {
        println!("    - {} / {}", reason.zh(), reason.en());
    }
    Ok(())
}
