//! `shouwang helper …`, `org …` and `assign …`: the mutual-aid network of seed 004.

use super::elder::elder_id;
use super::{date_arg, Ctx, Result};
use crate::care_args::{AssignArgs, HelperCommand, HelperFields, OrgCommand};
use crate::output;
use shouwang_core::elder::{ElderId, Position};
use shouwang_core::helper::{Helper, HelperId, HelperStatus};
use shouwang_core::org::Org;
use shouwang_core::reach::{self, ElderAt};
use shouwang_core::store::{Error, Store};
use std::io::Read;
use std::path::Path;

pub(super) fn helper_id(raw: &str) -> Result<HelperId> {
    Ok(raw.parse().map_err(|_| Error::Field {
        field: "helper".into(),
        zh: format!("互助员编号应为 32 位十六进制字符（见 helper list）；收到 {raw:?}"),
        en: format!("a helper id is 32 hex digits (see `helper list`); got {raw:?}"),
    })?)
}

/// Parses `LAT,LON` (and an optional third number) naming the option.
pub(super) fn position_arg(option: &str, raw: &str) -> Result<(Position, Option<f64>)> {
    let parts: Vec<Option<f64>> = raw.split(',').map(|p| p.trim().parse::<f64>().ok()).collect();
    match parts[..] {
        [Some(lat), Some(lon)] => Ok((Position { lat, lon }, None)),
        [Some(lat), Some(lon), Some(acc)] => Ok((Position { lat, lon }, Some(acc))),
        _ => Err(Error::Field {
            field: option.into(),
            zh: format!("位置应写成 纬度,经度（WGS-84），如 31.7462,106.8321；收到 {raw:?}"),
            en: format!("a position is LAT,LON (WGS-84), e.g. 31.7462,106.8321; got {raw:?}"),
        }
        .into()),
    }
}

/// Reads JSON from a file, or standard input when none is given (or `-`).
pub(super) fn read_json<T: serde::de::DeserializeOwned>(
    file: Option<&Path>,
    what_zh: &str,
    what_en: &str,
) -> Result<T> {
    let text = match file.filter(|f| f.as_os_str() != "-") {
        Some(f) => std::fs::read_to_string(f)?,
        None => {
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s)?;
            s
        }
    };
    Ok(serde_json::from_str(&text).map_err(|e| {
        let msg = e.to_string();
        let field = msg.split('`').nth(1).filter(|_| msg.contains("field")).unwrap_or("input").to_string();
        Error::Field {
            field,
            zh: format!("JSON 不符合{what_zh}格式：{e}"),
            en: format!("the JSON is not {what_en}: {e}"),
        }
    })?)
}

fn apply_fields(h: &mut Helper, f: &HelperFields, today: chrono::NaiveDate) -> Result<()> {
    if let Some(name) = &f.name {
        h.name = name.clone();
    }
    if let Some(phone) = &f.phone {
        h.phone = (!phone.trim().is_empty()).then(|| phone.clone());
    }
    if let Some(home) = &f.home {
        h.home = if home.trim().is_empty() { None } else { Some(position_arg("home", home)?.0) };
    }
    if let Some(a) = &f.availability {
        h.availability = a.clone();
    }
    if let Some(on) = &f.filed_on {
        h.filed_on = if on.trim().is_empty() { None } else { Some(date_arg("filed_on", Some(on), today)?) };
    }
    Ok(())
}

pub fn helper(ctx: &Ctx, cmd: HelperCommand) -> Result<()> {
    match cmd {
        HelperCommand::Add(fields) => {
            let mut h = Helper::named("");
            apply_fields(&mut h, &fields, ctx.today())?;
            let id = ctx.open()?.add_helper(h, ctx.now)?;
            if ctx.json {
                output::json(&serde_json::json!({ "id": id }));
            } else {
                println!("已备案互助员 / helper filed: {id}");
            }
            Ok(())
        }
        HelperCommand::List => list(ctx),
        HelperCommand::Show { id } => show(ctx, &helper_id(&id)?),
        HelperCommand::Set { id, fields, walks } => {
            let id = helper_id(&id)?;
            let today = ctx.today();
            let changes = ctx.open()?.update_helper(&id, ctx.now, |h| {
                apply_fields(h, &fields, today).map_err(|e| match e {
                    crate::error::CliError::Store(e) => e,
                    other => {
                        Error::Field { field: "input".into(), zh: other.to_string(), en: other.to_string() }
                    }
                })?;
                for w in &walks {
                    let (elder, minutes) = w.split_once('=').unwrap_or((w, ""));
                    let elder: ElderId = elder.trim().parse().map_err(|_| Error::Field {
                        field: "walk".into(),
                        zh: format!("步行时间应写成 老人编号=分钟；收到 {w:?}"),
                        en: format!("a walk is ELDER_ID=MINUTES; got {w:?}"),
                    })?;
                    if minutes.trim().is_empty() {
                        h.walks.remove(&elder);
                    } else {
                        let m: f64 = minutes.trim().parse().map_err(|_| Error::Field {
                            field: "walk".into(),
                            zh: format!("步行分钟数应为数字；收到 {minutes:?}"),
                            en: format!("walking minutes are a number; got {minutes:?}"),
                        })?;
                        h.walks.insert(elder, m);
                    }
                }
                Ok(())
            })?;
            if ctx.json {
                output::json(&serde_json::json!({ "id": id, "changes": changes }));
            } else {
                println!(
                    "已更新 / updated: {id}{}",
                    if changes == 0 { "（无变化 / unchanged）" } else { "" }
                );
            }
            Ok(())
        }
        HelperCommand::Replace { old, new, reason } => {
            let (old, new) = (helper_id(&old)?, helper_id(&new)?);
            let moved = ctx.open()?.replace_helper(&old, &new, &reason, ctx.now)?;
            if ctx.json {
                output::json(&serde_json::json!({ "replaced": old, "by": new, "moved": moved }));
            } else {
                println!(
                    "互助员 {old} 已更换为 {new}，{} 位老人转交，历史保留 / helper replaced: {} elders moved, history kept",
                    moved.len(),
                    moved.len()
                );
            }
            Ok(())
        }
        HelperCommand::Reach { elder } => reach_cmd(ctx, elder.as_deref()),
    }
}

fn list(ctx: &Ctx) -> Result<()> {
    let rows = ctx.open()?.helpers()?;
    if ctx.json {
        output::json(&rows);
        return Ok(());
    }
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|h| {
            vec![
                h.id.to_string(),
                h.name.clone(),
                h.phone.clone().unwrap_or_default(),
                HelperStatus::parse(&h.status).map_or(h.status.clone(), |s| s.zh().to_string()),
                h.elders.to_string(),
                h.filed_on.clone().unwrap_or_default(),
                h.home.map(|p| format!("{:.5},{:.5}", p.lat, p.lon)).unwrap_or_default(),
            ]
        })
        .collect();
    output::table(&["编号 id", "姓名", "电话", "状态", "服务老人", "备案日期", "住址位置"], &table);
    println!("共 {} 名互助员 / {} helpers", rows.len(), rows.len());
    Ok(())
}

fn show(ctx: &Ctx, id: &HelperId) -> Result<()> {
    let store = ctx.open()?;
    let h = store.helper(id)?;
    let elders = store.elders_of(id)?;
    if ctx.json {
        output::json(&serde_json::json!({ "helper": h, "elders": elders }));
        return Ok(());
    }
    println!("互助员 / helper {id}");
    println!("  姓名 name: {}", h.name);
    println!("  电话 phone: {}", h.phone.as_deref().unwrap_or("—"));
    println!(
        "  住址位置 home: {}",
        h.home.map(|p| format!("{:.5},{:.5}", p.lat, p.lon)).unwrap_or("—".into())
    );
    println!("  服务时间 availability: {}", if h.availability.is_empty() { "—" } else { &h.availability });
    println!("  备案日期 filed: {}", h.filed_on.map(|d| d.to_string()).unwrap_or("—".into()));
    println!(
        "  状态 status: {} {}",
        h.status.zh(),
        h.replaced_by.map(|r| format!("→ {r}")).unwrap_or_default()
    );
    println!("  服务老人 elders ({}):", elders.len());
    for e in &elders {
        let name = store.elder(e).map(|x| x.name).unwrap_or_default();
        let walk =
            h.walks.get(e).map(|m| format!("（实测步行 {m} 分钟 / walked {m} min）")).unwrap_or_default();
        println!("    {e} {name}{walk}");
    }
    Ok(())
}

fn reach_cmd(ctx: &Ctx, elder: Option<&str>) -> Result<()> {
    let store = ctx.open()?;
    let walk = store.walk();
    let (elders, helpers, current) = store.reach_inputs()?;
    let names: std::collections::HashMap<HelperId, String> =
        store.helpers()?.into_iter().map(|h| (h.id, h.name)).collect();
    if let Some(raw) = elder {
        let id = elder_id(raw)?;
        let e = elders.iter().find(|e| e.id == id).cloned().unwrap_or(ElderAt { id: id.clone(), home: None });
        store.elder(&id)?;
        let mut all: Vec<reach::Minutes> =
            helpers.iter().filter_map(|h| reach::minutes(&walk, h, &e)).collect();
        all.sort_by(|a, b| a.minutes.total_cmp(&b.minutes));
        if ctx.json {
            output::json(&serde_json::json!({
                "elder": id, "walk_minutes": walk.limit_minutes, "helpers": all, "current": current.get(&id),
            }));
            return Ok(());
        }
        println!(
            "老人 {id} 到各互助员住址的步行时间（{} 分钟以内可上门）/ walking minutes from each helper",
            walk.limit_minutes
        );
        for m in &all {
            let within = if m.minutes <= walk.limit_minutes { "✓" } else { "✗" };
            let how = if m.measured { "实测 measured" } else { "估算 estimated" };
            println!(
                "  {within} {} {} {:.1} 分钟 min ({how})",
                m.helper,
                names.get(&m.helper).cloned().unwrap_or_default(),
                m.minutes
            );
        }
        if all.iter().all(|m| m.minutes > walk.limit_minutes) {
            println!("  {}", REMOTE_NOTE);
        }
        return Ok(());
    }
    let plan = reach::suggest(&walk, &elders, &helpers, &current, true);
    remote_list(ctx, &store, &plan.remote)
}

const REMOTE_NOTE: &str = "不在任何互助员步行 15 分钟范围内：电话、视频巡访，并与家属协商安装摄像头 / beyond every helper's walk: phone and video visits, and a camera arranged with the family";

fn remote_list(ctx: &Ctx, store: &Store, remote: &[ElderId]) -> Result<()> {
    if ctx.json {
        output::json(&serde_json::json!({ "remote": remote, "note": REMOTE_NOTE }));
        return Ok(());
    }
    println!("偏远老人 / remote elders: {}", remote.len());
    for e in remote {
        println!("  {e} {}", store.elder(e).map(|x| x.name).unwrap_or_default());
    }
    if !remote.is_empty() {
        println!("{REMOTE_NOTE}");
    }
    Ok(())
}

pub fn org(ctx: &Ctx, cmd: OrgCommand) -> Result<()> {
    match cmd {
        OrgCommand::Show => {
            let org = ctx.open()?.org()?;
            if ctx.json {
                output::json(&org);
                return Ok(());
            }
            for (_, zh, body) in org.levels() {
                println!(
                    "{zh}{}",
                    if body.name.is_empty() { String::new() } else { format!("：{}", body.name) }
                );
                for m in &body.members {
                    println!("  {} {} {}", m.name, m.title, m.phone.as_deref().unwrap_or(""));
                }
            }
            Ok(())
        }
        OrgCommand::Set { file } => {
            let org: Org = read_json(file.as_deref(), "组织体系", "an organisation")?;
            let changes = ctx.open()?.set_org(org, ctx.now)?;
            if ctx.json {
                output::json(&serde_json::json!({ "changes": changes }));
            } else {
                println!("已保存组织体系 / organisation saved ({changes} changes)");
            }
            Ok(())
        }
    }
}

pub fn assign(ctx: &Ctx, a: AssignArgs) -> Result<()> {
    let mut store = ctx.open()?;
    match (&a.elder, &a.helper) {
        (Some(elder), Some(helper)) => {
            let (elder, helper) = (elder_id(elder)?, helper_id(helper)?);
            let moved = store.assign(&elder, &helper, &a.reason, ctx.now)?;
            if ctx.json {
                output::json(
                    &serde_json::json!({ "elder": elder, "helper": helper, "changed": moved.is_some() }),
                );
            } else if moved.is_some() {
                println!("已分配 / assigned: {elder} → {helper}");
            } else {
                println!("无变化 / unchanged: {elder} 已由 {helper} 服务");
            }
            Ok(())
        }
        (Some(_), None) | (None, Some(_)) => Err(Error::Field {
            field: "helper".into(),
            zh: "手动分配需要老人编号和互助员编号：assign ELDER HELPER".into(),
            en: "assigning by hand takes an elder and a helper: assign ELDER HELPER".into(),
        }
        .into()),
        (None, None) => {
            let plan = store.suggest_assignment(!a.all)?;
            let moved = if a.apply { Some(store.apply_plan(&plan, ctx.now)?) } else { None };
            if ctx.json {
                output::json(&serde_json::json!({
                    "plan": plan, "applied": moved.as_ref().map(Vec::len), "remote_note": REMOTE_NOTE,
                }));
                return Ok(());
            }
            let names: std::collections::HashMap<HelperId, String> =
                store.helpers()?.into_iter().map(|h| (h.id, h.name)).collect();
            let rows: Vec<Vec<String>> = plan
                .proposals
                .iter()
                .map(|p| {
                    vec![
                        p.elder.to_string(),
                        store.elder(&p.elder).map(|e| e.name).unwrap_or_default(),
                        names.get(&p.helper).cloned().unwrap_or_default(),
                        p.minutes.map(|m| format!("{m:.1}")).unwrap_or("—".into()),
                        if p.kept { "保留 kept" } else { "新 new" }.into(),
                    ]
                })
                .collect();
            output::table(&["老人 elder", "姓名", "互助员", "步行分钟", ""], &rows);
            let loads: Vec<String> = plan
                .loads
                .iter()
                .map(|(h, n)| format!("{} {n}", names.get(h).cloned().unwrap_or_default()))
                .collect();
            println!("负担 / load: {}", loads.join("，"));
            match moved {
                Some(m) => println!("已应用 / applied: {} 位老人分配了互助员 / elders assigned", m.len()),
                None => println!("（建议，未保存；加 --apply 应用 / a suggestion; add --apply to apply it）"),
            }
            remote_list(ctx, &store, &plan.remote)
        }
    }
}
