//! `shouwang agreement …`: care agreements (附件3/附件4). From a JSON file: checked, printed as the
//! template reads (PDF or HTML) or turned into its dated reminders; filed in the registry (`add`), with
//! payments (`pay`), duties done (`done`), an early end (`end`), a renewal (`renew`) and the reminders of
//! every stored agreement (`reminders` without a file).

mod file;

use crate::context::Ctx;
use crate::error::Result;
use crate::output;
use crate::parse::{self, elder_id};
use clap::Subcommand;
use file::{load, print_reminders, reminder_json};
use shouwang_core::agreement::{self, Done, Ending, Payment};
use shouwang_core::print;
use std::path::PathBuf;

/// `agreement …`
#[derive(Debug, Subcommand)]
pub enum AgreementCommand {
    /// Check an agreement file: every field and rule, in Chinese and English.
    Check {
        /// The agreement, JSON.
        file: PathBuf,
    },
    /// Print an agreement as the template reads: `--out X.pdf` (embedded CJK font subset) or `X.html`.
    Print {
        /// The agreement, JSON.
        file: PathBuf,
        /// Where to write (.pdf or .html).
        #[arg(long)]
        out: PathBuf,
        /// A TrueType/OpenType font or collection with CJK glyphs, for PDF.
        #[arg(long, default_value = print::DEFAULT_FONT)]
        font: PathBuf,
    },
    /// Reminders on a day: weekly calls and checks, monthly reports, fees, renewal — of one agreement
    /// file, or without a file of every agreement filed in the registry.
    Reminders {
        /// The agreement, JSON (its `payments` and `done` lists are read); none: every stored one.
        file: Option<PathBuf>,
        /// The day, YYYY-MM-DD (default today, China time).
        #[arg(long)]
        today: Option<String>,
    },
    /// File a signed agreement in the registry (its `elder.elder` names the elder's id).
    Add {
        /// The agreement, JSON.
        file: PathBuf,
    },
    /// Agreements filed in the registry, of one elder or all.
    List {
        /// The elder's id.
        #[arg(long)]
        elder: Option<String>,
    },
    /// Show one filed agreement with its payments and duties done (JSON).
    Show {
        /// The agreement's id.
        id: String,
    },
    /// Record a payment A made to B.
    Pay {
        /// The agreement's id.
        id: String,
        /// Amount in yuan, e.g. 300 or 300.50.
        #[arg(long)]
        amount: String,
        /// Paid on, YYYY-MM-DD (default today).
        #[arg(long)]
        date: Option<String>,
        /// A note (receipt number, method).
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Record a recurring duty done.
    Done {
        /// The agreement's id.
        id: String,
        /// `delegator_calls` (甲方每周电话), `trustee_reports` (乙方每月告知) or `committee_checks` (村委会每周检查).
        #[arg(long)]
        duty: String,
        /// Done on, YYYY-MM-DD (default today).
        #[arg(long)]
        date: Option<String>,
    },
    /// End an agreement early as the template allows (五、解除协议).
    End {
        /// The agreement's id.
        id: String,
        /// Who asks: `delegator` (甲方) or `trustee` (乙方).
        #[arg(long)]
        by: String,
        /// `no_fault` (15 days' notice), `non_payment`, `trustee_fault` or `disputes`.
        #[arg(long)]
        reason: String,
        /// Notice given on, YYYY-MM-DD (default today).
        #[arg(long)]
        notice: Option<String>,
        /// Ends on, YYYY-MM-DD.
        #[arg(long)]
        on: String,
    },
    /// File a new agreement continuing a filed one, linked to it.
    Renew {
        /// The agreement's id.
        id: String,
        /// Years of the new period.
        #[arg(long, default_value_t = 1)]
        years: u32,
    },
}

/// Runs `agreement …`.
pub fn run(ctx: &Ctx, cmd: AgreementCommand) -> Result<()> {
    match cmd {
        AgreementCommand::Check { file } => {
            let a = load(&file)?;
            if ctx.json {
                println!("{}", serde_json::to_string_pretty(&a).expect("agreement serialises"));
            } else {
                println!(
                    "协议有效 / valid: {} {}，{} → {}，{} 至 {}",
                    a.kind.attachment(),
                    a.elder.name,
                    a.delegator.name,
                    a.trustee.name,
                    a.start,
                    a.end
                );
            }
            Ok(())
        }
        AgreementCommand::Print { file, out, font } => {
            let a = load(&file)?;
            output::write_print(
                &out,
                &font,
                || Ok(print::agreement_pages(&a)),
                || Ok(print::agreement_html(&a)),
            )?;
            println!("{}", out.display());
            Ok(())
        }
        AgreementCommand::Reminders { file, today } => {
            let today = parse::date("today", today.as_deref(), ctx.today())?;
            let Some(file) = file else {
                let all = ctx.open()?.agreement_reminders(today)?;
                if ctx.json {
                    let rows: Vec<_> = all
                        .iter()
                        .map(|a| {
                            serde_json::json!({
                                "agreement": a.agreement,
                                "elder": a.elder,
                                "elder_name": a.elder_name,
                                "reminders": a.reminders.iter().map(reminder_json).collect::<Vec<_>>(),
                            })
                        })
                        .collect();
                    output::json(&rows);
                } else if all.is_empty() {
                    println!("{today}：无提醒 / nothing due");
                } else {
                    for a in &all {
                        println!("{}  协议 / agreement {}", a.elder_name, a.agreement);
                        print_reminders(&a.reminders, today, "  ");
                    }
                }
                return Ok(());
            };
            let a = load(&file)?;
            let list = agreement::reminders(&a, &a.payments, &a.done, today);
            if ctx.json {
                output::json(&list.iter().map(reminder_json).collect::<Vec<_>>());
            } else {
                print_reminders(&list, today, "");
            }
            Ok(())
        }
        AgreementCommand::Add { file } => {
            let a = load(&file)?;
            let a = ctx.open()?.add_agreement(a, ctx.now)?;
            if ctx.json {
                output::json(&serde_json::json!({ "id": a.id, "elder": a.elder.elder }));
            } else {
                println!(
                    "已存档 / filed: {} {} {}（{} 至 {}）",
                    a.id,
                    a.kind.attachment(),
                    a.elder.name,
                    a.start,
                    a.end
                );
            }
            Ok(())
        }
        AgreementCommand::List { elder } => {
            let elder = elder.as_deref().map(elder_id).transpose()?;
            let rows = ctx.open()?.agreements(elder.as_ref())?;
            if ctx.json {
                output::json(&rows);
                return Ok(());
            }
            let table: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    vec![
                        r.elder_name.clone().unwrap_or_default(),
                        r.id.clone(),
                        r.kind.clone(),
                        r.trustee.clone(),
                        format!("{} → {}{}", r.start, r.last_day, if r.ended { "（已解除）" } else { "" }),
                        format!("{} / {}", r.payments, agreement::yuan(r.paid_fen)),
                        r.renews.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            output::table(
                &[
                    "老人 elder",
                    "协议 id",
                    "类型 kind",
                    "乙方 trustee",
                    "期限 period",
                    "交费 paid",
                    "续签自 renews",
                ],
                &table,
            );
            Ok(())
        }
        AgreementCommand::Show { id } => {
            let a = ctx.open()?.agreement(id.trim())?;
            println!("{}", serde_json::to_string_pretty(&a).expect("agreement serialises"));
            Ok(())
        }
        AgreementCommand::Pay { id, amount, date, note } => {
            let payment = Payment {
                on: parse::date("date", date.as_deref(), ctx.today())?,
                amount_fen: parse::amount("amount", &amount)?.0,
                note,
            };
            let pid = ctx.open()?.record_payment(id.trim(), payment, ctx.now)?;
            if ctx.json {
                output::json(&serde_json::json!({ "id": pid }));
            } else {
                println!("已记录交费 / payment recorded: {pid}");
            }
            Ok(())
        }
        AgreementCommand::Done { id, duty, date } => {
            let done = Done {
                duty: parse::code("duty", &duty, "delegator_calls, trustee_reports, committee_checks")?,
                on: parse::date("date", date.as_deref(), ctx.today())?,
            };
            let did = ctx.open()?.record_duty(id.trim(), done, ctx.now)?;
            if ctx.json {
                output::json(&serde_json::json!({ "id": did }));
            } else {
                println!("已记录 / recorded: {did}");
            }
            Ok(())
        }
        AgreementCommand::End { id, by, reason, notice, on } => {
            let ending = Ending {
                by: parse::code("by", &by, "delegator, trustee")?,
                reason: parse::code("reason", &reason, "no_fault, non_payment, trustee_fault, disputes")?,
                notice_on: parse::date("notice", notice.as_deref(), ctx.today())?,
                end_on: parse::date("on", Some(&on), ctx.today())?,
            };
            let a = ctx.open()?.end_agreement(id.trim(), ending, ctx.now)?;
            if ctx.json {
                output::json(&serde_json::json!({ "id": a.id, "ending": a.ending }));
            } else {
                println!("协议于 {} 解除 / ends on {}", a.last_day(), a.last_day());
            }
            Ok(())
        }
        AgreementCommand::Renew { id, years } => {
            let a = ctx.open()?.renew_agreement(id.trim(), years, ctx.now)?;
            if ctx.json {
                output::json(
                    &serde_json::json!({ "id": a.id, "renews": a.renews, "start": a.start, "end": a.end }),
                );
            } else {
                println!("已续签 / renewed: {}（{} 至 {}）", a.id, a.start, a.end);
            }
            Ok(())
        }
    }
}
