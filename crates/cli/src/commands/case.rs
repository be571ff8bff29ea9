//! `shouwang case …` and `emergency`: cases of the chain 发现 → 报告 → 转介 → 救助 and emergencies 助急.

use super::elder::elder_id;
use super::visit::{local, time_arg};
use super::{choice_arg, date_arg, Ctx, Result};
use crate::care_args::{CaseCommand, EmergencyArgs};
use crate::output;
use chrono::{DateTime, Datelike, Utc};
use shouwang_core::case::{Case, Closing, Emergency, Opening, Outcome, Party, Stage, StageEntry};
use shouwang_core::elder::ElderId;
use shouwang_core::store::{CaseFilter, CaseSaved, Error, Store};
use shouwang_core::visit::{CheckItem, Verdict, Visit};

fn when(ctx: &Ctx, option: &str, raw: Option<&str>) -> Result<DateTime<Utc>> {
    raw.map_or(Ok(ctx.now), |t| time_arg(option, t))
}

/// Who acted: as given, else the elder's current helper's name.
fn by_or_helper(store: &Store, elder: &ElderId, by: Option<String>) -> Result<String> {
    if let Some(by) = by {
        return Ok(by);
    }
    match store.assignment(elder)?.helper {
        Some(h) => Ok(store.helper(&h)?.name),
        None => Err(Error::Field {
            field: "by".into(),
            zh: "该老人尚未分配互助员，请用 --by 写明经办人".into(),
            en: "the elder has no helper assigned: say who acted with --by".into(),
        }
        .into()),
    }
}

fn saved(ctx: &Ctx, s: &CaseSaved, what: &str) {
    if ctx.json {
        return output::json(s);
    }
    println!("{what}: {}", s.case);
}

/// The summary of a visit's concerns, e.g. `医：血压高；住：屋顶漏雨`.
pub(super) fn concerns(v: &Visit) -> String {
    CheckItem::ALL
        .iter()
        .map(|&i| (i, v.checks.get(i)))
        .filter(|(_, c)| c.verdict == Some(Verdict::Concern))
        .map(|(i, c)| format!("{}：{}", i.zh(), c.note))
        .collect::<Vec<_>>()
        .join("；")
}

/// Opens a case from a visit just logged (`visit log --open-case`).
pub(super) fn open_from_visit(ctx: &Ctx, store: &mut Store, v: &Visit, id: &str) -> Result<CaseSaved> {
    let by =
        store.helper(&v.helper.parse().map_err(|e: String| Error::Corrupt { doc: id.into(), reason: e })?)?;
    let opening =
        Opening { at: v.at, by: by.name, summary: concerns(v), visit: Some(id.to_string()), emergency: None };
    Ok(store.open_case(&v.elder, opening, ctx.now)?)
}

/// Refuses `--open-case` for a visit whose four checks are all fine, before anything is written.
pub(super) fn require_concern(v: &Visit) -> Result<()> {
    if v.checks.concerns() == 0 {
        return Err(Error::Field {
            field: "open_case".into(),
            zh: "四查均正常，不能据此立案".into(),
            en: "every check is fine: the visit cannot open a case".into(),
        }
        .into());
    }
    Ok(())
}

pub fn emergency(ctx: &Ctx, a: EmergencyArgs) -> Result<()> {
    let elder = elder_id(&a.elder)?;
    let called: Vec<Party> = a
        .called
        .split([',', '，', '、'])
        .filter(|s| !s.trim().is_empty())
        .map(|s| choice_arg("called", s, Party::parse, Party::codes()))
        .collect::<Result<_>>()?;
    let at = when(ctx, "at", a.at.as_deref())?;
    let called_at = match a.called_at.as_deref() {
        Some(t) => time_arg("called_at", t)?,
        None => at,
    };
    let mut store = ctx.open()?;
    let by = by_or_helper(&store, &elder, a.by)?;
    let opening =
        Opening { at, by, summary: a.note, visit: None, emergency: Some(Emergency { called, called_at }) };
    let s = store.open_case(&elder, opening, ctx.now)?;
    saved(ctx, &s, "已登记助急并立案（发现）/ emergency logged, case opened at 发现");
    Ok(())
}

pub fn run(ctx: &Ctx, cmd: CaseCommand) -> Result<()> {
    match cmd {
        CaseCommand::Open { elder, summary, by, at, visit } => {
            let elder = elder_id(&elder)?;
            let at = when(ctx, "at", at.as_deref())?;
            let mut store = ctx.open()?;
            let by = by_or_helper(&store, &elder, by)?;
            let s = store.open_case(&elder, Opening { at, by, summary, visit, emergency: None }, ctx.now)?;
            saved(ctx, &s, "已立案（发现）/ case opened at 发现");
        }
        CaseCommand::Advance { id, stage, by, at, note, skip_reason } => {
            let mut store = ctx.open()?;
            let stage = match stage {
                Some(s) => choice_arg("stage", &s, Stage::parse, Stage::codes())?,
                None => store.case(&id)?.current().0.next().ok_or_else(|| Error::Field {
                    field: "stage".into(),
                    zh: "个案已到「救助」环节，请结案".into(),
                    en: "the case is at its last stage (assisted): close it".into(),
                })?,
            };
            let at = when(ctx, "at", at.as_deref())?;
            let entry = StageEntry { id: String::new(), stage, at, by, note, skip_reason, recorded_at: None };
            let s = store.advance_case(&id, entry, ctx.now)?;
            saved(ctx, &s, &format!("已推进到「{}」/ moved to {}", stage.zh(), stage.code()));
        }
        CaseCommand::Close { id, outcome, by, at, note } => {
            let outcome = choice_arg("outcome", &outcome, Outcome::parse, Outcome::codes())?;
            let at = when(ctx, "at", at.as_deref())?;
            let s = ctx.open()?.close_case(&id, Closing { at, by, outcome, note }, ctx.now)?;
            saved(ctx, &s, &format!("已结案：{} / closed: {}", outcome.zh(), outcome.code()));
        }
        CaseCommand::Show { id } => {
            let c = ctx.open()?.case(&id)?;
            if ctx.json {
                output::json(&c);
            } else {
                print_case(&c);
            }
        }
        CaseCommand::List { open, flagged, elder } => {
            let filter = CaseFilter { open, flagged, elder: elder.as_deref().map(elder_id).transpose()? };
            let rows = ctx.open()?.cases(&filter, ctx.now)?;
            if ctx.json {
                output::json(&rows);
                return Ok(());
            }
            let zh = |code: &str| Stage::parse(code).map_or(code.to_string(), |s| s.zh().to_string());
            let table: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    vec![
                        if r.flagged { "⚠ 超时 overdue" } else { "" }.into(),
                        r.elder_name.clone().unwrap_or_default(),
                        local(&r.opened_at),
                        if r.emergency { "助急" } else { "" }.into(),
                        format!("{} {}", zh(&r.stage), local(&r.stage_at)),
                        match &r.outcome {
                            Some(o) => Outcome::parse(o).map_or(o.clone(), |o| format!("结案 {}", o.zh())),
                            None => {
                                r.waiting_for.as_deref().map(|w| format!("待{}", zh(w))).unwrap_or_default()
                            }
                        },
                        r.summary.chars().take(24).collect(),
                        r.id.clone(),
                    ]
                })
                .collect();
            output::table(&["", "老人", "发现", "", "当前环节", "状态", "情况", "编号 id"], &table);
            let open = rows.iter().filter(|r| r.closed_at.is_none()).count();
            let late = rows.iter().filter(|r| r.flagged).count();
            println!(
                "共 {} 件，未结 {open} 件，超时 {late} 件 / {} cases, {open} open, {late} overdue",
                rows.len(),
                rows.len()
            );
        }
        CaseCommand::Months { from, to } => {
            let today = ctx.today();
            let first = today.with_month(1).and_then(|d| d.with_day(1)).unwrap_or(today);
            let from = date_arg("from", from.as_deref(), first)?;
            let to = date_arg("to", to.as_deref(), today)?;
            let months = ctx.open()?.case_counts_by_month(from, to)?;
            if ctx.json {
                output::json(&months);
                return Ok(());
            }
            let table: Vec<Vec<String>> = months
                .iter()
                .map(|m| {
                    vec![
                        m.month.clone(),
                        m.emergencies.to_string(),
                        m.opened.to_string(),
                        m.closed.to_string(),
                        m.open_at_end.to_string(),
                    ]
                })
                .collect();
            output::table(
                &["月份 month", "助急 emergencies", "立案 opened", "结案 closed", "月末未结 open"],
                &table,
            );
        }
    }
    Ok(())
}

fn print_case(c: &Case) {
    let (stage, _) = c.current();
    println!("个案 / case {}  当前环节 {} {}", c.id, stage.zh(), stage.code());
    println!("  老人 elder: {}", c.elder);
    let t = |at: DateTime<Utc>| at.with_timezone(&shouwang_core::time::china()).format("%Y-%m-%d %H:%M");
    println!("  发现 discovered: {}  {}  {}", t(c.opened.at), c.opened.by, c.opened.summary);
    if let Some(e) = &c.opened.emergency {
        let called: Vec<String> = e.called.iter().map(|p| format!("{} {}", p.zh(), p.code())).collect();
        println!("  助急 emergency: {} 联系 called {}", t(e.called_at), called.join("、"));
    }
    if let Some(v) = &c.opened.visit {
        println!("  探访 visit: {v}");
    }
    for s in &c.stages {
        println!("  {} {}: {}  {}  {}", s.stage.zh(), s.stage.code(), t(s.at), s.by, s.note);
        if !s.skip_reason.is_empty() {
            println!("    跳过理由 skip reason: {}", s.skip_reason);
        }
    }
    if let Some(x) = &c.closed {
        println!("  结案 closed: {}  {}  {} {}  {}", t(x.at), x.by, x.outcome.zh(), x.outcome.code(), x.note);
    }
}
