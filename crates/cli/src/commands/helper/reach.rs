//! `helper reach`: walking minutes from each helper to an elder, or the list of remote elders beyond
//! every helper's walk.

use crate::context::Ctx;
use crate::error::Result;
use crate::output;
use crate::parse::elder_id;
use shouwang_core::elder::ElderId;
use shouwang_core::helper::HelperId;
use shouwang_core::reach::{self, ElderAt};
use shouwang_core::store::Store;

/// Runs `helper reach [ELDER]`.
pub fn reach(ctx: &Ctx, elder: Option<&str>) -> Result<()> {
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

/// What is done for an elder beyond every helper's walk.
pub const REMOTE_NOTE: &str = "不在任何互助员步行 15 分钟范围内：电话、视频巡访，并与家属协商安装摄像头 / beyond every helper's walk: phone and video visits, and a camera arranged with the family";

/// Prints the remote elders and what is done for them.
pub fn remote_list(ctx: &Ctx, store: &Store, remote: &[ElderId]) -> Result<()> {
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
