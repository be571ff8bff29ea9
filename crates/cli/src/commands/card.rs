//! `shouwang card print ELDER --out X.pdf|.html [--sheet]`: the contact card 明白卡 of elders, from the
//! village organisation, each elder's helper and service content; with `--enrol` (a committee device
//! enrolled with a relay) each card's QR code carries a fresh one-time code from the relay that enrols
//! the family's device for that elder alone; with `--relay` and `--code`, a code made by the operator.

use crate::context::Ctx;
use crate::error::{field, Result};
use crate::output;
use clap::Subcommand;
use shouwang_core::card::Enrolment;
use shouwang_core::elder::ElderId;
use shouwang_core::print::{self, Layout};
use shouwang_core::role::Role;
use std::path::PathBuf;

/// `card …`
#[derive(Debug, Subcommand)]
pub enum CardCommand {
    /// Print the contact cards of one or more elders: A6, or A4 sheets of four with `--sheet`.
    Print {
        /// Elder ids.
        #[arg(required = true)]
        elders: Vec<String>,
        /// Where to write (.pdf or .html).
        #[arg(long)]
        out: PathBuf,
        /// Four cards to an A4 sheet, with cut marks.
        #[arg(long)]
        sheet: bool,
        /// The area named in the heading, e.g. 巴州区; empty: the county the registry lies in.
        #[arg(long, default_value = "")]
        area: String,
        /// Ask the relay this device is enrolled with for a family code per card (committee devices).
        #[arg(long, conflicts_with_all = ["relay", "code"])]
        enrol: bool,
        /// The relay's URL for the QR code (with `--code`).
        #[arg(long, requires = "code")]
        relay: Option<String>,
        /// The family enrolment code the relay issued (with `--relay`).
        #[arg(long, requires = "relay")]
        code: Option<String>,
        /// A TrueType/OpenType font or collection with CJK glyphs, for PDF.
        #[arg(long, default_value = print::DEFAULT_FONT)]
        font: PathBuf,
    },
}

/// Runs `card …`.
pub fn run(ctx: &Ctx, cmd: CardCommand) -> Result<()> {
    let CardCommand::Print { elders, out, sheet, area, enrol, relay, code, font } = cmd;
    let mut store = ctx.open()?;
    // With --enrol: the relay and this device's token, and a runtime to ask for each card's code.
    let asker = if enrol {
        let state = store.sync_state()?.ok_or_else(|| {
            field(
                "enrol",
                "本设备尚未登记到中继（先运行 enroll）",
                "this device is not enrolled with a relay (run `enroll` first)",
            )
        })?;
        let client = shouwang_sync::Relay::new(&state.relay, Some(state.token.clone()))?;
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        Some((state.relay, client, runtime))
    } else {
        None
    };
    let mut issued = Vec::new();
    let mut cards = Vec::new();
    for id in &elders {
        let id: ElderId = id.parse().map_err(|_| {
            field("elder", format!("{id:?} 不是老人编号"), format!("{id:?} is not an elder id"))
        })?;
        let mut card = store.contact_card(&id, Some(&area))?;
        if let Some((url, client, runtime)) = &asker {
            let request = shouwang_protocol::FamilyCodeRequest { elder: id.to_string() };
            let answer = runtime.block_on(client.family_code(&request))?;
            // The family phone's keys (its elder's card key only) travel in the QR code, never
            // through the relay.
            let bundle = store.issue_key_bundle(Role::Family, Some(&id), None, "明白卡", ctx.now)?;
            let enrolment = Enrolment::new(url, &answer.code).with_keys(&bundle.to_text());
            issued.push(serde_json::json!({
                "elder": id,
                "payload": enrolment.payload(),
                "expires_at": answer.expires_at,
            }));
            card = card.with_enrolment(enrolment);
        } else if let (Some(relay), Some(code)) = (&relay, &code) {
            card = card.with_enrolment(Enrolment::new(relay, code));
        }
        cards.push(card);
    }
    let layout = if sheet { Layout::A4Sheet } else { Layout::A6 };
    output::write_print(
        &out,
        &font,
        || Ok(print::card_pages(&cards, layout)?),
        || Ok(print::card_html(&cards, layout)?),
    )?;
    if ctx.json {
        output::json(&serde_json::json!({ "out": out, "enrolments": issued }));
    } else {
        println!("{}", out.display());
        if !issued.is_empty() {
            println!("已为 {} 张卡片申请家属登记码 / family codes issued: {}", issued.len(), issued.len());
        }
    }
    Ok(())
}
