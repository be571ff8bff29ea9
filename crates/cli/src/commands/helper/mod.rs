//! `shouwang helper …`: helpers 互助员 filed, listed, shown, changed and replaced; their walking reach
//! (`reach`) and the assignment of elders to them (`assign`).

pub(crate) mod assign;
mod reach;

use crate::context::Ctx;
use crate::error::{field, Result};
use crate::output;
use crate::parse::{self, helper_id, Parsed};
use clap::{Args, Subcommand};
use shouwang_core::elder::ElderId;
use shouwang_core::helper::{Helper, HelperId, HelperStatus};

/// `shouwang helper …`
#[derive(Debug, Subcommand)]
pub enum HelperCommand {
    /// File a helper 互助员 with the township (备案).
    Add(HelperFields),
    /// Every helper with their number of elders.
    List,
    /// One helper: details, their elders, measured walks.
    Show {
        /// The helper's id.
        id: String,
    },
    /// Change a helper's details (only the options given).
    Set {
        /// The helper's id.
        id: String,
        #[command(flatten)]
        fields: HelperFields,
        /// A walk measured on foot: `ELDER_ID=MINUTES` (repeatable; an empty value removes it).
        #[arg(long = "walk")]
        walks: Vec<String>,
    },
    /// Replace a helper who does not serve: their elders move to NEW with the history kept.
    Replace {
        /// The helper replaced.
        old: String,
        /// The helper taking over.
        new: String,
        /// Why (e.g. 外出务工，不能履职).
        #[arg(long, default_value = "更换互助员")]
        reason: String,
    },
    /// Walking reach: minutes from each helper to each elder (one elder, or every remote elder).
    Reach {
        /// One elder's id (default: the list of remote elders).
        elder: Option<String>,
    },
}

/// A helper's fields as options.
#[derive(Debug, Args)]
pub struct HelperFields {
    /// 姓名
    #[arg(long)]
    pub name: Option<String>,
    /// 联系电话
    #[arg(long)]
    pub phone: Option<String>,
    /// Home position `LAT,LON` (WGS-84).
    #[arg(long)]
    pub home: Option<String>,
    /// When they can serve, e.g. 每天上午.
    #[arg(long)]
    pub availability: Option<String>,
    /// Date filed with the township 备案 (YYYY-MM-DD).
    #[arg(long)]
    pub filed_on: Option<String>,
}

/// The options given, onto the helper (an empty value clears).
fn apply_fields(h: &mut Helper, f: &HelperFields, today: chrono::NaiveDate) -> Parsed<()> {
    if let Some(name) = &f.name {
        h.name = name.clone();
    }
    if let Some(phone) = &f.phone {
        h.phone = (!phone.trim().is_empty()).then(|| phone.clone());
    }
    if let Some(home) = &f.home {
        h.home = if home.trim().is_empty() { None } else { Some(parse::position("home", home)?.0) };
    }
    if let Some(a) = &f.availability {
        h.availability = a.clone();
    }
    if let Some(on) = &f.filed_on {
        h.filed_on =
            if on.trim().is_empty() { None } else { Some(parse::date("filed_on", Some(on), today)?) };
    }
    Ok(())
}

/// Runs `helper …`.
pub fn run(ctx: &Ctx, cmd: HelperCommand) -> Result<()> {
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
                apply_fields(h, &fields, today)?;
                for w in &walks {
                    let (elder, minutes) = w.split_once('=').unwrap_or((w, ""));
                    let elder: ElderId = elder.trim().parse().map_err(|_| {
                        field(
                            "walk",
                            format!("步行时间应写成 老人编号=分钟；收到 {w:?}"),
                            format!("a walk is ELDER_ID=MINUTES; got {w:?}"),
                        )
                    })?;
                    if minutes.trim().is_empty() {
                        h.walks.remove(&elder);
                    } else {
                        let m: f64 = minutes.trim().parse().map_err(|_| {
                            field(
                                "walk",
                                format!("步行分钟数应为数字；收到 {minutes:?}"),
                                format!("walking minutes are a number; got {minutes:?}"),
                            )
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
        HelperCommand::Reach { elder } => reach::reach(ctx, elder.as_deref()),
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
