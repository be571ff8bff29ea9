//! `shouwang visit …`, `due` and `family …`: visits 一访四查, the schedule and family calls.

use super::care::{helper_id, position_arg, read_json};
use super::elder::elder_id;
use super::{choice_arg, date_arg, Ctx, Result};
use crate::care_args::{DraftCommand, DueArgs, FamilyCommand, VisitCommand, VisitFields};
use crate::output;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::{json, Map, Value};
use shouwang_core::family::Call;
use shouwang_core::schedule::{ElderDue, Status};
use shouwang_core::store::{Error, VisitFilter, VisitSaved};
use shouwang_core::visit::{CheckItem, Mode, Service, Verdict, Visit};

/// Parses a time: RFC 3339, or `YYYY-MM-DD HH:MM` in China time.
pub(super) fn time_arg(option: &str, raw: &str) -> Result<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(raw.trim()) {
        return Ok(t.to_utc());
    }
    NaiveDateTime::parse_from_str(raw.trim(), "%Y-%m-%d %H:%M")
        .ok()
        .and_then(|t| t.and_local_timezone(shouwang_core::time::china()).single())
        .map(|t| t.to_utc())
        .ok_or_else(|| {
            Error::Field {
                field: option.into(),
                zh: format!("时间应写成 2026-11-23 09:30（北京时间）或 RFC 3339；收到 {raw:?}"),
                en: format!("a time is written 2026-11-23 09:30 (China time) or RFC 3339; got {raw:?}"),
            }
            .into()
        })
}

fn check_item(raw: &str) -> Result<CheckItem> {
    choice_arg("check", raw, CheckItem::parse, format!("{} (吃, 穿, 住, 医)", CheckItem::codes()))
}

/// The visit the options describe, on top of `base` (the JSON file, or the original for an amendment).
fn build(ctx: &Ctx, mut map: Map<String, Value>, f: &VisitFields) -> Result<Visit> {
    if let Some(e) = &f.elder {
        map.insert("elder".into(), json!(elder_id(e)?));
    }
    if let Some(h) = &f.helper {
        map.insert("helper".into(), json!(helper_id(h)?));
    }
    if let Some(m) = &f.mode {
        map.insert("mode".into(), json!(choice_arg("mode", m, Mode::parse, Mode::codes())?.code()));
    }
    if let Some(at) = &f.at {
        map.insert("at".into(), json!(time_arg("at", at)?));
    }
    map.entry("at").or_insert_with(|| json!(ctx.now));
    if let Some(d) = f.duration {
        map.insert("duration_minutes".into(), json!(d));
    }
    if !map.contains_key("duration_minutes") {
        // The common case: half an hour at the door, ten minutes on the phone.
        let door = map.get("mode").and_then(Value::as_str).and_then(Mode::parse) == Some(Mode::Door);
        map.insert("duration_minutes".into(), json!(if door { 30 } else { 10 }));
    }
    let checks = map.entry("checks").or_insert_with(|| json!({}));
    if let Some(fine) = &f.fine {
        let items: Vec<CheckItem> = if fine.trim() == "all" {
            CheckItem::ALL.to_vec()
        } else {
            fine.split([',', '，']).filter(|s| !s.trim().is_empty()).map(check_item).collect::<Result<_>>()?
        };
        for item in items {
            checks[item.code()] = json!({ "verdict": Verdict::Fine.code() });
        }
    }
    for c in &f.concern {
        let (item, note) = c.split_once('=').unwrap_or((c, ""));
        checks[check_item(item)?.code()] = json!({ "verdict": Verdict::Concern.code(), "note": note });
    }
    if !f.service.is_empty() {
        let services: Vec<&str> = f
            .service
            .iter()
            .flat_map(|s| s.split([',', '，', '、']))
            .filter(|s| !s.trim().is_empty())
            .map(|s| choice_arg("service", s, Service::parse, Service::codes()).map(Service::code))
            .collect::<Result<_>>()?;
        map.insert("services".into(), json!(services));
    }
    if let Some(x) = &f.follow_up {
        map.insert("follow_up".into(), json!(x));
    }
    if let Some(p) = &f.position {
        let (pos, acc) = position_arg("position", p)?;
        map.insert("position".into(), json!({ "lat": pos.lat, "lon": pos.lon, "accuracy_m": acc }));
    }
    Ok(serde_json::from_value(Value::Object(map)).map_err(|e| {
        let msg = e.to_string();
        let field = msg.split('`').nth(1).filter(|_| msg.contains("field")).unwrap_or("input").to_string();
        Error::Field {
            field,
            zh: format!("探访记录不完整或格式有误：{e}"),
            en: format!("the visit is incomplete or malformed: {e}"),
        }
    })?)
}

fn base(f: &VisitFields) -> Result<Map<String, Value>> {
    match &f.file {
        None => Ok(Map::new()),
        Some(file) => read_json(Some(std::path::Path::new(file)), "探访记录", "a visit"),
    }
}

fn report(ctx: &Ctx, saved: &VisitSaved, case: Option<&str>, what: &str) {
    if ctx.json {
        let warnings: Vec<Value> = saved
            .warnings
            .iter()
            .map(|w| json!({ "rule": w.code(), "detail": w, "zh": w.zh(), "en": w.en() }))
            .collect();
        return output::json(&json!({
            "id": saved.id, "elder": saved.elder, "helper": saved.helper, "amends": saved.amends,
            "warnings": warnings, "changes": saved.changes, "case": case,
        }));
    }
    println!("{what}: {}", saved.id);
    if let Some(case) = case {
        println!("已立案（发现）/ case opened at 发现: {case}");
    }
    for w in &saved.warnings {
        println!("  提示 / warning: {} / {}", w.zh(), w.en());
    }
}

pub fn run(ctx: &Ctx, cmd: VisitCommand) -> Result<()> {
    match cmd {
        VisitCommand::Log(f) => {
            let visit = build(ctx, base(&f)?, &f)?;
            if f.open_case {
                super::case::require_concern(&visit)?;
            }
            let mut store = ctx.open()?;
            let saved = store.log_visit(visit, ctx.now)?;
            let case = match f.open_case {
                true => {
                    let logged = store.visit(&saved.id)?;
                    Some(super::case::open_from_visit(ctx, &mut store, &logged, &saved.id)?.case)
                }
                false => None,
            };
            report(ctx, &saved, case.as_deref(), "已登记探访 / visit logged");
            Ok(())
        }
        VisitCommand::Amend { id, fields } => {
            let mut store = ctx.open()?;
            let original = store.visit(&id)?;
            let Value::Object(mut map) = serde_json::to_value(&original).expect("serialises") else {
                unreachable!("a visit is an object")
            };
            for k in ["id", "amends", "recorded_at", "home_distance_m"] {
                map.remove(k);
            }
            for (k, v) in base(&fields)? {
                map.insert(k, v);
            }
            let mut f = fields;
            f.elder = None;
            let visit = build(ctx, map, &f)?;
            if f.open_case {
                super::case::require_concern(&visit)?;
            }
            let saved = store.amend_visit(&id, visit, ctx.now)?;
            let case = match f.open_case {
                true => {
                    let logged = store.visit(&saved.id)?;
                    Some(super::case::open_from_visit(ctx, &mut store, &logged, &saved.id)?.case)
                }
                false => None,
            };
            report(ctx, &saved, case.as_deref(), "已补正（原记录保留）/ amendment logged, original kept");
            Ok(())
        }
        VisitCommand::Show { id } => {
            let v = ctx.open()?.visit(&id)?;
            if ctx.json {
                output::json(&v);
            } else {
                print_visit(&v);
            }
            Ok(())
        }
        VisitCommand::List { elder, helper, since, history } => {
            let store = ctx.open()?;
            if history {
                let elder = elder_id(elder.as_deref().unwrap_or_default())?;
                let all = store.visit_history(&elder)?;
                if ctx.json {
                    output::json(&all);
                } else {
                    for v in &all {
                        print_visit(v);
                        println!();
                    }
                    println!("共 {} 条记录（含补正）/ {} entries, amendments included", all.len(), all.len());
                }
                return Ok(());
            }
            let since = since
                .map(|s| date_arg("since", Some(&s), ctx.today()))
                .transpose()?
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .and_then(|t| t.and_local_timezone(shouwang_core::time::china()).single())
                .map(|t| t.to_utc());
            let filter = VisitFilter {
                elder: elder.as_deref().map(elder_id).transpose()?,
                helper: helper.as_deref().map(helper_id).transpose()?,
                since,
                until: None,
            };
            let rows = store.visits(&filter)?;
            if ctx.json {
                output::json(&rows);
                return Ok(());
            }
            let verdict = |c: &str| match Verdict::parse(c) {
                Some(Verdict::Fine) => "✓",
                Some(Verdict::Concern) => "✗",
                None => "?",
            };
            let table: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    vec![
                        local(&r.at),
                        r.elder_name.clone().unwrap_or_default(),
                        r.helper_name.clone().unwrap_or_default(),
                        Mode::parse(&r.mode).map_or(r.mode.clone(), |m| m.zh().into()),
                        r.checks.iter().map(|c| verdict(c)).collect::<Vec<_>>().join(""),
                        r.services
                            .iter()
                            .filter_map(|s| Service::parse(s))
                            .map(Service::zh)
                            .collect::<Vec<_>>()
                            .join("、"),
                        if r.amends.is_some() { "补正 amended" } else { "" }.into(),
                        r.id.clone(),
                    ]
                })
                .collect();
            output::table(&["时间", "老人", "互助员", "方式", "吃穿住医", "服务", "", "编号 id"], &table);
            println!("共 {} 次探访 / {} visits", rows.len(), rows.len());
            Ok(())
        }
        VisitCommand::Draft { command } => draft(ctx, command),
    }
}

pub(super) fn local(rfc3339: &str) -> String {
    DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.with_timezone(&shouwang_core::time::china()).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| rfc3339.to_string())
}

fn print_visit(v: &Visit) {
    println!(
        "探访 / visit {}{}",
        v.id,
        v.amends.as_ref().map(|a| format!("（补正 {a} / amends {a}）")).unwrap_or_default()
    );
    println!("  老人 elder: {}", v.elder);
    println!("  互助员 helper: {}", v.helper);
    println!("  时间 at: {}", v.at.with_timezone(&shouwang_core::time::china()).format("%Y-%m-%d %H:%M"));
    println!("  方式 mode: {} {}  时长 {} 分钟 / min", v.mode.zh(), v.mode.code(), v.duration_minutes);
    for &item in CheckItem::ALL {
        let c = v.checks.get(item);
        let verdict = c.verdict.map_or("—", |x| x.zh());
        println!("  {} {}: {verdict} {}", item.zh(), item.code(), c.note);
    }
    let services: Vec<&str> = v.services.iter().map(|s| s.zh()).collect();
    println!("  服务 services: {}", services.join("、"));
    if !v.follow_up.is_empty() {
        println!("  跟进 follow-up: {}", v.follow_up);
    }
    if let Some(d) = v.home_distance_m {
        println!("  距住址 from home: {d:.0} m");
    }
}

fn draft(ctx: &Ctx, cmd: DraftCommand) -> Result<()> {
    let mut store = ctx.open()?;
    match cmd {
        DraftCommand::Save { elder, file } => {
            let elder = elder_id(&elder)?;
            let draft: Value = read_json(file.as_deref(), "草稿", "a draft")?;
            store.save_visit_draft(&elder, &draft, ctx.now)?;
            if ctx.json {
                output::json(&json!({ "elder": elder, "saved": true }));
            } else {
                println!("草稿已保存在本机 / draft saved on this device: {elder}");
            }
        }
        DraftCommand::Show { elder } => {
            let elder = elder_id(&elder)?;
            match store.visit_draft(&elder)? {
                Some(d) => output::json(&d),
                None => {
                    return Err(Error::Field {
                        field: "elder".into(),
                        zh: format!("老人 {elder} 没有草稿"),
                        en: format!("no draft for elder {elder}"),
                    }
                    .into())
                }
            }
        }
        DraftCommand::List => {
            let all = store.visit_drafts()?;
            if ctx.json {
                output::json(
                    &all.iter().map(|(e, t)| json!({ "elder": e, "updated_at": t })).collect::<Vec<_>>(),
                );
            } else {
                for (e, t) in &all {
                    println!("{e} {t}");
                }
                println!("共 {} 份草稿 / {} drafts", all.len(), all.len());
            }
        }
        DraftCommand::Discard { elder } => {
            let elder = elder_id(&elder)?;
            let had = store.discard_visit_draft(&elder)?;
            if ctx.json {
                output::json(&json!({ "elder": elder, "discarded": had }));
            } else {
                println!("{}", if had { "草稿已删除 / draft discarded" } else { "没有草稿 / no draft" });
            }
        }
    }
    Ok(())
}

pub fn due(ctx: &Ctx, a: DueArgs) -> Result<()> {
    let store = ctx.open()?;
    let date = date_arg("date", a.date.as_deref(), ctx.today())?;
    let helper = a.helper.as_deref().map(helper_id).transpose()?;
    let list: Vec<ElderDue> = match (&helper, a.today) {
        (Some(h), true) => store.today_round(h, date)?,
        _ => store
            .schedule(date)?
            .into_iter()
            .filter(|e| helper.is_none() || e.helper == helper)
            .filter(|e| !a.overdue || e.is_due())
            .collect(),
    };
    if ctx.json {
        output::json(&list);
        return Ok(());
    }
    let table: Vec<Vec<String>> = list
        .iter()
        .enumerate()
        .map(|(i, e)| {
            vec![
                (i + 1).to_string(),
                e.name.clone(),
                e.status.zh().to_string(),
                e.last_visit.map(|d| d.to_string()).unwrap_or("从未探访 never".into()),
                e.due_on.map(|d| d.to_string()).unwrap_or("—".into()),
                e.days_overdue.map(|d| d.to_string()).unwrap_or_default(),
                if e.high_risk { "高风险" } else { "" }.into(),
                e.elder.to_string(),
            ]
        })
        .collect();
    output::table(&["#", "姓名", "状态", "上次探访", "应访日期", "逾期天数", "", "编号 id"], &table);
    let overdue = list.iter().filter(|e| e.status == Status::Overdue).count();
    println!("共 {} 人，逾期 {overdue} 人 / {} elders, {overdue} overdue", list.len(), list.len());
    Ok(())
}

pub fn family(ctx: &Ctx, cmd: FamilyCommand) -> Result<()> {
    let mut store = ctx.open()?;
    match cmd {
        FamilyCommand::Call { elder, caller, relation, note, at } => {
            let elder = elder_id(&elder)?;
            let at = at.map(|a| time_arg("at", &a)).transpose()?.unwrap_or(ctx.now);
            let id = store.log_family_call(
                &elder,
                Call { id: String::new(), at, caller, relation, note },
                ctx.now,
            )?;
            if ctx.json {
                output::json(&json!({ "id": id, "elder": elder }));
            } else {
                println!("已记录家属来电 / family call logged: {id}");
            }
        }
        FamilyCommand::Calls { elder } => {
            let calls = store.family_calls(&elder_id(&elder)?)?;
            if ctx.json {
                output::json(&calls);
            } else {
                for c in &calls {
                    println!("{} {}（{}）{}", local(&c.at.to_rfc3339()), c.caller, c.relation, c.note);
                }
                println!("共 {} 次 / {} calls", calls.len(), calls.len());
            }
        }
    }
    Ok(())
}
