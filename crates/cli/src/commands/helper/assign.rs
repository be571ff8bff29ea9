//! `assign ELDER HELPER` by hand, or `assign --suggest [--apply]`: a balanced assignment by walking reach.

use super::reach::{remote_list, REMOTE_NOTE};
use crate::context::Ctx;
use crate::error::{field, Result};
use crate::output;
use crate::parse::{elder_id, helper_id};
use clap::Args;
use shouwang_core::helper::HelperId;

/// `shouwang assign …`
#[derive(Debug, Args)]
pub struct AssignArgs {
    /// The elder's id (with HELPER: assign by hand).
    pub elder: Option<String>,
    /// The helper's id.
    pub helper: Option<String>,
    /// Suggest an assignment by walking reach, balancing the helpers' loads (the default without ELDER).
    #[arg(long)]
    pub suggest: bool,
    /// Apply the suggestion.
    #[arg(long)]
    pub apply: bool,
    /// Suggest afresh for every elder instead of keeping existing assignments.
    #[arg(long)]
    pub all: bool,
    /// Why (recorded in the elder's helper history).
    #[arg(long, default_value = "村委会分配")]
    pub reason: String,
}

/// Runs `assign …`.
pub fn run(ctx: &Ctx, a: AssignArgs) -> Result<()> {
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
        (Some(_), None) | (None, Some(_)) => Err(field(
            "helper",
            "手动分配需要老人编号和互助员编号：assign ELDER HELPER",
            "assigning by hand takes an elder and a helper: assign ELDER HELPER",
        )
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
