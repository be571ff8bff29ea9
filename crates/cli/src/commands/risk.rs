//! `shouwang risk check | assess | follow-up | list | history`: risk-level assessments 风险等级评估,
//! checked without storing, or stored in the elder's history with the level passed on to the helpers.

use crate::context::Ctx;
use crate::error::Result;
use crate::output;
use crate::parse::{self, elder_id};
use clap::Subcommand;
use shouwang_core::risk::{assess, Assessment};
use shouwang_core::store::{RiskEntry, RiskFilter};

/// `shouwang risk …`
#[derive(Debug, Subcommand)]
pub enum RiskCommand {
    /// Assess one elder without storing: level (低/中/高风险) and every reason.
    Check {
        /// The elder's id.
        elder: String,
        /// Assessment date, YYYY-MM-DD (default today).
        #[arg(long)]
        date: Option<String>,
    },
    /// Assess and store: one elder, or every active elder with `--all` (the yearly round). Recent
    /// visits (concerns per check, emergencies) count over the rules' window.
    Assess {
        /// The elder's id.
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        elder: Option<String>,
        /// Every active elder.
        #[arg(long)]
        all: bool,
        /// Who assesses.
        #[arg(long, default_value = "村委会")]
        by: String,
        /// The intervention chosen (for a high-risk elder).
        #[arg(long, conflicts_with = "all")]
        intervention: Option<String>,
        /// Assessment date, YYYY-MM-DD (default today).
        #[arg(long)]
        date: Option<String>,
    },
    /// Record a follow-up of an assessment's intervention.
    FollowUp {
        /// The elder's id.
        elder: String,
        /// The assessment's id (see `risk history`).
        assessment: String,
        /// What was done and found.
        #[arg(long)]
        note: String,
        /// Who followed up.
        #[arg(long, default_value = "村委会")]
        by: String,
        /// When, YYYY-MM-DD (default today).
        #[arg(long)]
        date: Option<String>,
    },
    /// Active elders with their latest assessment; `--high`: the high-risk list with intervention and
    /// follow-up; `--unassessed`: not assessed this year.
    List {
        /// Only 高风险.
        #[arg(long)]
        high: bool,
        /// Only those not assessed this calendar year.
        #[arg(long)]
        unassessed: bool,
        /// The day the year is counted from, YYYY-MM-DD (default today).
        #[arg(long)]
        today: Option<String>,
    },
    /// One elder's assessments, oldest first, with reasons and follow-ups.
    History {
        /// The elder's id.
        elder: String,
    },
}

fn print_assessment(name: &str, id: &str, a: &Assessment) {
    println!("{name}  {id}  {} {} / {} risk (score {})", a.date, a.level.zh(), a.level.code(), a.score);
    if a.reasons.is_empty() {
        println!("  无风险因素 / no risk factor");
    }
    for r in &a.reasons {
        let forced =
            r.level_at_least.map(|l| format!("，至少{} / at least {}", l.zh(), l.code())).unwrap_or_default();
        println!("  +{} {}{forced}", r.points, r.zh);
        println!("     {}", r.en);
    }
    if !a.visits_considered {
        println!("  （未纳入探访记录 / visit records not considered）");
    }
}

fn entry_json(e: &RiskEntry) -> serde_json::Value {
    let mut v = serde_json::to_value(e).expect("an entry serialises");
    v["id"] = e.id.clone().into();
    v["elder"] = serde_json::to_value(&e.elder).expect("serialises");
    v["follow_ups"] = e
        .follow_ups
        .iter()
        .map(|f| {
            let mut j = serde_json::to_value(f).expect("serialises");
            j["id"] = f.id.clone().into();
            j
        })
        .collect();
    v
}

/// Runs `risk …`.
pub fn run(ctx: &Ctx, cmd: RiskCommand) -> Result<()> {
    match cmd {
        RiskCommand::Check { elder, date } => {
            let id = elder_id(&elder)?;
            let today = parse::date("date", date.as_deref(), ctx.today())?;
            let store = ctx.open()?;
            let record = store.elder(&id)?;
            let rules = store.risk_rules();
            let signals = store.visit_signals(&id, today, rules.visit_window_days)?;
            let a = assess(&record, &signals, &rules, today);
            if ctx.json {
                output::json(&serde_json::json!({ "elder": id, "name": record.name, "assessment": a }));
            } else {
                print_assessment(&record.name, id.as_str(), &a);
            }
            Ok(())
        }
        RiskCommand::Assess { elder, all, by, intervention, date } => {
            let today = parse::date("date", date.as_deref(), ctx.today())?;
            let mut store = ctx.open()?;
            let entries = if all {
                store.assess_all_risk(&by, today, ctx.now)?
            } else {
                let id = elder_id(elder.as_deref().unwrap_or_default())?;
                vec![store.assess_risk(&id, &by, intervention.as_deref(), today, ctx.now)?]
            };
            if ctx.json {
                output::json(&entries.iter().map(entry_json).collect::<Vec<_>>());
                return Ok(());
            }
            for e in &entries {
                let elder = e.elder.as_ref().expect("a stored entry names its elder");
                let name = store.elder(elder)?.name;
                print_assessment(&name, elder.as_str(), &e.assessment);
                if let Some(i) = &e.intervention {
                    println!("  干预措施 / intervention: {i}");
                }
                println!("  评估编号 / assessment id: {}", e.id);
            }
            if all {
                let high = entries.iter().filter(|e| e.assessment.level.code() == "high").count();
                println!(
                    "已评估 {} 人，高风险 {high} 人 / assessed {}, high risk {high}",
                    entries.len(),
                    entries.len()
                );
            }
            Ok(())
        }
        RiskCommand::FollowUp { elder, assessment, note, by, date } => {
            let id = elder_id(&elder)?;
            let on = parse::date("date", date.as_deref(), ctx.today())?;
            let mut store = ctx.open()?;
            let fid = store.follow_up_risk(&id, &assessment, on, &note, &by, ctx.now)?;
            if ctx.json {
                output::json(&serde_json::json!({ "id": fid, "assessment": assessment, "on": on }));
            } else {
                println!("已记录跟进 / follow-up recorded: {fid}");
            }
            Ok(())
        }
        RiskCommand::List { high, unassessed, today } => {
            let today = parse::date("today", today.as_deref(), ctx.today())?;
            let store = ctx.open()?;
            let rows = store.risk_list(RiskFilter { high, unassessed }, today)?;
            if ctx.json {
                output::json(&rows);
                return Ok(());
            }
            let dash = || "—".to_string();
            let table: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    vec![
                        r.name.clone(),
                        r.elder.to_string(),
                        r.date.map_or_else(dash, |d| d.to_string()),
                        r.level.clone().unwrap_or_else(|| "未评估 / none".into()),
                        r.score.map_or_else(dash, |s| s.to_string()),
                        r.intervention.clone().unwrap_or_else(dash),
                        match r.last_follow_up {
                            Some(d) => format!("{} ({d})", r.follow_ups),
                            None => r.follow_ups.to_string(),
                        },
                    ]
                })
                .collect();
            output::table(
                &[
                    "姓名 name",
                    "编号 id",
                    "评估日期 date",
                    "等级 level",
                    "分 score",
                    "干预 intervention",
                    "跟进 follow-ups",
                ],
                &table,
            );
            Ok(())
        }
        RiskCommand::History { elder } => {
            let id = elder_id(&elder)?;
            let store = ctx.open()?;
            let history = store.risk_history(&id)?;
            if ctx.json {
                output::json(&history.iter().map(entry_json).collect::<Vec<_>>());
                return Ok(());
            }
            let name = store.elder(&id)?.name;
            if history.is_empty() {
                println!("{name}：尚未评估 / never assessed");
            }
            for e in &history {
                print_assessment(&name, &e.id, &e.assessment);
                println!("  评估人 / assessor: {}", e.assessor);
                if let Some(i) = &e.intervention {
                    println!("  干预措施 / intervention: {i}");
                }
                for f in &e.follow_ups {
                    println!("  跟进 / follow-up {} {}: {}", f.on, f.by, f.note);
                }
            }
            Ok(())
        }
    }
}
